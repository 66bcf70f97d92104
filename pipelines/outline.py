"""The document's outline, as the review checklist and the prose rules read it: its 目录, the
sections it has (主要职能, 机构设置, 名词解释, the narrative), the subjects its narrative
explains, how it names itself (部门预算 or 单位预算) and its department, the implementation
periods (实施周期) it gives its projects, and the classes it names by a name since renamed.

Each is a passage: a kind, the item it stands for, the printed text and its position, so a
checklist's 否 can quote the page it read. The words are the vocabulary's (`[outline]`).
"""

from __future__ import annotations

import re

import polars as pl

from pipelines.classification import former_names, normalise_name
from pipelines.disclosure import ATTACHMENT
from pipelines.divisions import place_of
from pipelines.document import Document, Paragraph, Table
from pipelines.narrative import HEADING_LENGTH, part_paragraphs
from pipelines.vocabulary import (
    heading_words,
    narrative_bounds,
    outline_pattern,
    outline_sections,
    outline_subjects,
)

PASSAGE_SCHEMA = {
    "document_id": pl.String,
    "passage_no": pl.Int32,
    # contents | section | subject | self_name | period | former_name | department_name |
    # attachment
    "kind": pl.String,
    # the section or subject, 部门/单位, the period's years, the code, place | spelling
    "item": pl.String,
    "text": pl.String,
    "source_file": pl.String,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
}
QUOTE_LENGTH = 120
SENTENCE = re.compile(r"[，。；;,]")
YEAR = re.compile(r"20\d{2}")


def _is_heading(words: str) -> bool:
    """A line standing as a heading: short, no sentence inside (一、主要职能。 ends with one)."""
    words = words.rstrip("。：:")
    return 0 < len(words) <= HEADING_LENGTH and not SENTENCE.search(words)


def _passage(kind: str, item: str | None, text: str, paragraph: Paragraph) -> dict:
    return {
        "kind": kind,
        "item": item,
        "text": text.strip()[:QUOTE_LENGTH],
        "source_line": paragraph.position.line,
        "source_page": paragraph.position.page,
    }


def _contents(document: Document) -> tuple[list[dict], set[int]]:
    """The entries of a 目录: the heading lines after a line reading 目录, on its page (or, in
    a format without pages, up to the first line that is not a heading), or the rows of a
    table headed 目录 (上海普陀 rules it); and the ids of its paragraphs, which are not the
    sections they list."""
    found: list[dict] = []
    listed: set[int] = set()
    opening: Paragraph | None = None
    for block in document.blocks:
        if isinstance(block, Table):
            if opening is not None:
                break
            texts = [" ".join(t for t in row.texts if t) for row in block.rows]
            if texts and heading_words(texts[0]) == "目录":
                rows = zip(block.rows[1:], texts[1:], strict=True)
                return [
                    _passage("contents", None, text, Paragraph(text, row.position))
                    for row, text in rows
                    if text
                ], listed
            continue
        words = heading_words(block.text)
        if opening is None:
            if words == "目录":
                opening = block
                listed.add(id(block))
            continue
        if not _is_heading(re.sub(r"[.…·\d]+$", "", words)) or _body_begins(
            words, block, found, opening
        ):
            break
        found.append(_passage("contents", None, block.text, block))
        listed.add(id(block))
        opening = block
    return found, listed


def _body_begins(words: str, line: Paragraph, entries: list[dict], last: Paragraph) -> bool:
    """Whether a heading after the 目录 is the body's: one the 目录 listed (江苏: 第一部分 部门
    概况 again), or a section's heading opening a new page (上海: …主要职能)."""
    if any(heading_words(entry["text"]) == words for entry in entries):
        return True
    if line.position.page == last.position.page:
        return False
    starts, _ = narrative_bounds()
    patterns = [s.pattern for s in outline_sections()] + list(starts)
    return any(p.fullmatch(words) for p in patterns)


def _sections(paragraphs: list[Paragraph], listed: set[int]) -> list[dict]:
    """The first heading of each section outside the 目录, the narrative's by its own words."""
    found: dict[str, dict] = {}
    starts, _ = narrative_bounds()
    for paragraph in paragraphs:
        words = heading_words(paragraph.text)
        if id(paragraph) in listed or not _is_heading(words):
            continue
        for section in outline_sections():
            if section.item not in found and section.pattern.fullmatch(words):
                found[section.item] = _passage("section", section.item, paragraph.text, paragraph)
        if "narrative" not in found and any(p.fullmatch(words) for p in starts):
            found["narrative"] = _passage("section", "narrative", paragraph.text, paragraph)
    return list(found.values())


def _subjects(document: Document) -> list[dict]:
    """Where the narrative explains each subject of the 预算编制说明: the first heading naming
    it, else the first paragraph that does (三公 explained under a heading of its own, 政府性基金
    in the sentence saying there is none)."""
    narrative = part_paragraphs(document)
    found: dict[str, dict] = {}
    for headings_only in (True, False):
        for paragraph in narrative:
            words = heading_words(paragraph.text).replace("“", "").replace("”", "")
            if headings_only and not _is_heading(words):
                continue
            for subject in outline_subjects():
                if subject.item not in found and subject.pattern.search(words):
                    found[subject.item] = _passage(
                        "subject", subject.item, paragraph.text, paragraph
                    )
    return list(found.values())


def _self_names(paragraphs: list[Paragraph]) -> list[dict]:
    """Each heading or title naming the document 部门 or 单位 预算/决算."""
    found = []
    pattern = outline_pattern("self_name")
    for paragraph in paragraphs:
        words = re.sub(r"\s+", "", paragraph.text)
        if _is_heading(words) and (named := pattern.search(words)):
            found.append(_passage("self_name", named.group(1), paragraph.text, paragraph))
    return found


def _periods(paragraphs: list[Paragraph]) -> list[dict]:
    """Each project's implementation period with the years its dates name (2025.1.1-2025.12.31
    under 五、实施周期, or 实施周期：2024年1月至2026年12月 on one line); a period without a
    year (第一季度…第四季度) names none and is left out."""
    found = []
    label = outline_pattern("period")
    for number, paragraph in enumerate(paragraphs):
        words = heading_words(paragraph.text)
        if not (named := label.match(words)):
            continue
        dates = words[named.end() :].lstrip("：:")
        if not dates and number + 1 < len(paragraphs):
            paragraph = paragraphs[number + 1]
            dates = re.sub(r"\s+", "", paragraph.text)
        years = sorted({int(y) for y in YEAR.findall(dates[:40])})
        if years:
            item = f"{years[0]}-{years[-1]}"
            found.append(_passage("period", item, dates, paragraph))
    return found


def _former_names(paragraphs: list[Paragraph]) -> list[dict]:
    """Each paragraph naming a class by a name the national list has since renamed."""
    names = {name: code for (kind, code, name) in former_names() if kind == "function"}
    found = []
    for paragraph in paragraphs:
        words = normalise_name(paragraph.text)
        for name, code in names.items():
            if (at := words.find(name)) >= 0:
                quote = words[max(0, at - 20) : at + len(name) + 20]
                found.append(_passage("former_name", code, f"{name}|{quote}", paragraph))
    return found


def _department_names(paragraphs: list[Paragraph], department: str, year: int) -> list[dict]:
    """Each place the document names its own department otherwise than it is: a heading
    leaving part of the place out (上海市规划和自然资源局 for 上海市普陀区规划和自然资源局),
    or the name spelt another way (规划与自然资源局 beside 规划和自然资源局)."""
    place = place_of(department, year)
    if place is None or not department.startswith(place.name):
        return []
    own = department[len(place.name) :]
    if len(own) < 3:
        return []
    pattern = re.compile(re.sub("[和与及]", "[和与及]", re.escape(own)))
    found = []
    for paragraph in paragraphs:
        words = re.sub(r"\s+", "", paragraph.text)
        for named in pattern.finditer(words):
            before = re.sub(r"^第[一二三四五六七八九十]+部分", "", words[: named.start()])
            if named.group(0) != own:
                found.append(_passage("department_name", "spelling", named.group(0), paragraph))
            elif (
                _is_heading(words)
                and len(before) >= 2
                and before != place.name
                and place.name.startswith(before)
            ):
                found.append(
                    _passage("department_name", "place", before + named.group(0), paragraph)
                )
    return found


def _attachments(document: Document) -> list[dict]:
    """The files the document links or names as its attachments (附件：…公开表.xlsx): where a
    web page's tables are, when it prints only the narrative."""
    found = []
    for link in document.links:
        found.append(
            {
                "kind": "attachment",
                "item": link.rsplit("/", 1)[-1],
                "text": link[:QUOTE_LENGTH],
                "source_line": None,
                "source_page": None,
            }
        )
    named = {passage["item"] for passage in found}
    for paragraph in document.paragraphs:
        for name in ATTACHMENT.findall(paragraph.text):
            if name not in named:
                named.add(name)
                found.append(_passage("attachment", name, paragraph.text, paragraph))
    return found


def outline_passages(
    document: Document, department: str | None = None, year: int | None = None
) -> list[dict]:
    """Every passage of the outline, numbered in the order of the kinds above (how the
    document names its own department where `department` and `year` are known)."""
    paragraphs = document.paragraphs
    contents, listed = _contents(document)
    body = [p for p in paragraphs if id(p) not in listed]
    passages = [
        *contents,
        *_sections(paragraphs, listed),
        *_subjects(document),
        *_self_names(body),
        *_periods(body),
        *_former_names(body),
        *(_department_names(body, department, year) if department and year else []),
        *_attachments(document),
    ]
    return [{"passage_no": number, **p} for number, p in enumerate(passages, start=1)]


def passages_frame(document_id: str, source_file: str, passages: list[dict]) -> pl.DataFrame:
    rows = [{"document_id": document_id, "source_file": source_file, **p} for p in passages]
    return pl.DataFrame(rows, schema=PASSAGE_SCHEMA)
