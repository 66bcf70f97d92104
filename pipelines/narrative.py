"""Narrative claims: every figure the prose of a disclosure states, as a row.

In 第三部分 (情况说明) each clause that states an amount (X万元), a share (占X%), a change on
last year (比上年增加/减少X万元) or a change in percent (增长/下降X%) becomes a claim about a
subject: the words just before the figure, with connecting words, the department name and the
year taken away. A share or change that follows an amount belongs to the same claim. A change
whose direction the author left as the template's 增加（减少） is kept with direction
`unspecified`. Last year's figure, where an amount and a change reveal it, is derived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import polars as pl

from pipelines.description import normalise_label
from pipelines.document import Document, Paragraph
from pipelines.vocabulary import heading_words, narrative_bounds

NUMBER = r"\d[\d,]*(?:\.\d+)?"
HEADING_LENGTH = 50  # a heading line is short; a sentence naming a table is not one
FIGURE = re.compile(
    r"(?P<change>(?:(?:比|较)(?:上年|20\d{2}\s*年)(?:预算|执行数)?)?\s*"
    r"(?P<direction>增加（减少）|增加\(减少\)|"
    rf"增加或减少|增加|减少)\s*(?P<change_number>{NUMBER})\s*万元)"
    rf"|(?P<amount>(?P<amount_number>{NUMBER})\s*(?P<unit>万元|元)(?!以上|以下|及以上))"
    rf"|(?P<share>占\s*(?:(?P<share_base>[^，。；,;\d%]{{1,20}}?)的?\s*)?(?P<share_number>{NUMBER})\s*%)"
    rf"|(?P<percent>(?P<pdirection>增长|下降|压减)\s*(?P<percent_number>{NUMBER})\s*%)"
)
SEGMENT = re.compile(r"[，；;。：:、\s]+|(?<!\d),|,(?!\d)")
ENUMERATION = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)+")
LEADING = re.compile(
    r"^(?:其中|包括|主要包括|收入预算包括|支出预算包括|收入全部为|全部为|主要原因是|或|\[或|"
    r"（或|安排|本部门|本年度|本级|及下属单位|及下属各预算单位|及下属|和|涉及|的)+"
)
QUOTED_ITEM = re.compile(r"^“([^“”]+)”(?:科目)?$")
TRAILING = re.compile(
    r"(?:预算数为|预算数|为|价值|规模|金额为|共计|合计为|较上年整体|较上年|"
    r"比上年)+$"
)
CODE = re.compile(r"\d{7}|\d{5}|（\d+\)|\(\d+\)|（\d+）")
YEAR = re.compile(r"20\d{2}\s*年度?")
COUNT = re.compile(r"[\d,]+(?:\.\d+)?\s*(?:辆|个|台（套）|台|套|人|名|平方米|家)$")
BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
CHANGE_VERB = re.compile(r"^.*?(?P<verb>减少|增加|追减|压减)(?P<item>.+)$")
GENERIC = {"预算金额", "金额", "预算", "资金"}
ALTERNATIVE = re.compile(r"（或|\[或")
DIRECTIONS = {
    "增加": "increase",
    "减少": "decrease",
    "增长": "increase",
    "下降": "decrease",
    "追减": "decrease",
    "压减": "decrease",
}


@dataclass
class Claim:
    line: int | None
    page: int | None
    section: str | None
    subject: str
    amount: Decimal | None = None
    unit: str | None = None
    share_percent: Decimal | None = None
    share_base: str | None = None
    change_amount: Decimal | None = None
    change_direction: str | None = None
    change_percent: Decimal | None = None
    change_percent_direction: str | None = None
    sentence: str = ""

    @property
    def signed_change(self) -> Decimal | None:
        if self.change_amount is None or self.change_direction not in ("increase", "decrease"):
            return None
        return self.change_amount if self.change_direction == "increase" else -self.change_amount

    @property
    def prior_year(self) -> Decimal | None:
        """Last year's figure, where this year's amount and a signed change reveal it."""
        change = self.signed_change
        if self.amount is None or change is None or self.unit != "万元":
            return None
        return self.amount - change


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _clean(text: str, department: str | None) -> str:
    text = ALTERNATIVE.split(BOOKMARK.sub("", text))[-1].replace("\u3000", " ")
    if department:
        text = text.replace(department, "")
    text = YEAR.sub("", text)
    text = CODE.sub("", text)
    text = re.sub(r"\s+", "", text)
    text = ENUMERATION.sub("", text)
    text = LEADING.sub("", text)
    text = COUNT.sub("", text)
    if "的" in text and re.search(r"单位|部门|办公室", text.split("的")[0]):
        text = text.rsplit("的", 1)[1]
    text = QUOTED_ITEM.sub(r"\1", text)  # “科学技术支出”科目: the class quoted
    text = TRAILING.sub("", text).strip("，,、[]【】 ")
    return "" if text in GENERIC else text


def _subject(text: str, start: int, department: str | None, project: str | None) -> str:
    """The words naming what the figure at `start` is about."""
    before = YEAR.sub("", BOOKMARK.sub("", text[:start]))
    segments = [s for s in SEGMENT.split(before) if s]
    for segment in reversed(segments[-3:]):
        if "预算安排规模" in segment and project:
            return project
        cleaned = _clean(FIGURE.sub("", segment), department)
        if cleaned:
            return cleaned
    return ""


def part_paragraphs(document: Document) -> list[Paragraph]:
    """The paragraphs of a disclosure's narrative: every run from a heading that opens it
    (第三部分, 2026年单位预算编制说明, 二、…部门预算安排情况说明, 其他相关情况说明) to the next that
    closes it (第四部分, 名词解释, a table's title), by the vocabulary's `narrative` words. A
    table of contents listing those headings gives runs of headings only, which state no
    figure."""
    starts, ends = narrative_bounds()
    found: list[Paragraph] = []
    inside = False
    for paragraph in document.paragraphs:
        words = heading_words(paragraph.text)
        if len(words) <= HEADING_LENGTH and any(p.fullmatch(words) for p in starts):
            inside = True
            found.append(paragraph)  # a heading of its own (（八）“三公”经费预算情况说明)
        elif len(words) <= HEADING_LENGTH and any(p.fullmatch(words) for p in ends):
            inside = False
        elif inside:
            found.append(paragraph)
    return found


def extract_claims(document: Document, department: str | None) -> list[Claim]:
    """Every figure-bearing claim of 第三部分, in reading order."""
    claims: list[Claim] = []
    section, project = None, None
    for paragraph in part_paragraphs(document):
        text = paragraph.text
        if re.match(r"^\s*[一二三四五六七八九十]+、|^\s*（[一二三四五六七八九十]+）", text):
            section = text.strip()
        if found := re.search(r"项目名称[：:]\s*(\S+)", text):
            project = found.group(1)
        current: Claim | None = None
        previous_end = 0
        for match in FIGURE.finditer(text):
            position = paragraph.position
            gap, previous_end = text[previous_end : match.start()], match.end()
            subject = _subject(text, match.start(), department, project)
            if match.group("amount") and not CHANGE_VERB.match(subject):
                current = Claim(
                    position.line,
                    position.page,
                    section,
                    subject,
                    amount=_number(match["amount_number"]),
                    unit=match["unit"],
                    sentence=text.strip(),
                )
                claims.append(current)
                continue
            if match.group("amount"):  # 减少打击走私专项经费5万元: a change of the item named
                verb = CHANGE_VERB.match(subject)
                current = Claim(
                    position.line,
                    position.page,
                    section,
                    verb["item"],
                    sentence=text.strip(),
                    change_amount=_number(match["amount_number"]),
                    change_direction=DIRECTIONS.get(verb["verb"], "decrease"),
                )
                claims.append(current)
                continue
            own_subject = subject and (current is None or not _continues(gap))
            if own_subject or current is None:
                current = Claim(
                    position.line, position.page, section, subject, sentence=text.strip()
                )
                claims.append(current)
            if match.group("change"):
                current.change_amount = _number(match["change_number"])
                direction = match.group("direction")
                current.change_direction = DIRECTIONS.get(direction, "unspecified")
            elif match.group("share"):
                current.share_percent = _number(match["share_number"])
                current.share_base = match["share_base"]
            else:
                current.change_percent = _number(match["percent_number"])
                current.change_percent_direction = DIRECTIONS[match.group("pdirection")]
    return claims


def _continues(gap: str) -> bool:
    """A share or change right after a claim's figures (only connecting words between) belongs
    to that claim; one preceded by a subject of its own starts a new claim."""
    gap = re.sub(r"(?:比|较)(?:上年|20\d{2}\s*年)(?:预算|执行数)?|[，,；;\s]", "", gap)
    return gap == "" or bool(re.fullmatch(r"(?:其中|同比)?", gap))


@dataclass(frozen=True)
class Canonical:
    measure: str | None = None
    function_code: str | None = None
    economic_code: str | None = None


@cache
def canonical_subject(subject: str) -> Canonical:
    """The canonical measure and classification code a subject names, where it names them: a
    funding source or expenditure measure by its label in the table description, a functional
    or economic class by its name in the reference lists (or a known variant). A name can be
    both (公务接待费: the 三公 item and economic class 30217); the context decides which a
    check compares."""
    from pipelines.classification import normalise_name
    from pipelines.description import FUNDING_SOURCE_ROWS, TABLES

    label = normalise_label(subject)
    measure = next(
        (
            row.measure
            for row in FUNDING_SOURCE_ROWS
            if row.measure and re.fullmatch(row.label, label)
        ),
        None,
    )
    measure = measure or next(
        (
            column.measure
            for spec in TABLES
            for column in spec.columns
            if column.measure not in ("total", "unrecognised")
            and not column.economic_code
            and re.fullmatch(column.label, label)
        ),
        None,
    )
    codes = _codes_by_name().get(normalise_name(subject), {})
    function_code = codes.get("function") or _code_by_path(subject)
    return Canonical(measure, function_code, codes.get("economic"))


def _code_by_path(subject: str) -> str | None:
    """The functional code a subject names as its 类-款-项 path (上海: 一般公共服务支出-政府办公厅
    （室）及相关机构事务-行政运行), each level by name under the one before."""
    from pipelines.classification import function_child_code, function_class_codes, normalise_name

    names = [normalise_name(part) for part in re.split(r"[-－—]", subject) if part]
    if len(names) < 2 or not (code := function_class_codes().get(names[0])):
        return None
    for name in names[1:]:
        if not (code := function_child_code(code, name)):
            return None
    return code


@cache
def _codes_by_name() -> dict[str, dict[str, str]]:
    """The 2020 reference codes by their normalised name and known variants (first code wins)."""
    from pipelines.classification import name_variants, normalise_name, reference_codes

    found: dict[str, dict[str, str]] = {}
    references = reference_codes().filter(pl.col("list_year") == 2020)
    for classification, code, reference in references.select(
        "classification", "code", "name"
    ).iter_rows():
        for name in {
            normalise_name(reference),
            *name_variants().get((classification, code), set()),
        }:
            found.setdefault(name, {}).setdefault(classification, code)
    return found
