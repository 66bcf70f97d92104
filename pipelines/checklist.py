"""The disclosure review checklist (公开检查表) a finance bureau's reviewer fills, filled with
gongkai's evidence: one row per item — present? consistent? — 是, 否 or 无法判断, and for each
否 the page, the quoted text and what was expected against what is printed.

The items are the reviewer's: the 目录 against the tables printed; the sections (主要职能, 机构
设置, 预算编制说明, 名词解释); each subject the 编制说明 must explain (`[outline]` in the
vocabulary), present and agreeing with its table; each table, published (or empty with the
statement why) and adding up; and the prose's own correctness (template words, comparison
years, class names, self-naming, 实施周期). Everything is read from a document's frames and
its judged findings, so it is the same for `gongkai check` and the HTML report.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.description import table_topics
from pipelines.facts import UNRECOGNISED
from pipelines.quality.frame import ARITHMETIC_FAMILIES
from pipelines.quality.report import finding_class
from pipelines.recognise import title_class
from pipelines.vocabulary import outline_sections, outline_subjects, table_classes

YES, NO, UNKNOWN, NOT_APPLICABLE = "是", "否", "无法判断", "—"
CHECKLIST_SCHEMA = {
    "item_no": pl.Int32,
    "part": pl.String,
    "item": pl.String,
    "present": pl.String,
    "consistent": pl.String,
    "page": pl.Int32,
    "line": pl.Int32,
    "file": pl.String,  # where the quote is, for a disclosure published in several files
    "quote": pl.String,
    "expected": pl.String,
    "printed": pl.String,
    "evidence": pl.String,
}
SECTION_PARTS = {"functions": "概况", "structure": "概况", "glossary": "名词解释"}
PUBLISHED = {
    "data": (YES, "已公开，有数据"),
    "empty_explained": (YES, "空表，已说明原因"),
    "empty_unexplained": (NO, "空表，但未说明原因"),
    "unread": (YES, "已公开（版式未能按模板读取）"),
    "missing": (NO, "未公开此表"),
}
# the prose's own rules, by the checks that judge them, and what they read where a rule
# writes only its failures (nothing found in a narrative read is a pass)
WRITING = (
    (
        "模板文字均已替换（无「增加（减少）」「主要原因是。」「XX」）",
        ("plausibility.template_leftover",),
        "narrative",
    ),
    (
        "比较年度与文件年度相符（预算与上年比较）",
        ("plausibility.comparison_year", "plausibility.narrative_year"),
        None,
    ),
    ("科目名称为当年名称", ("plausibility.class_name_current", "code.in_classification"), "codes"),
    ("文件自称（部门/单位）与公开范围一致", ("plausibility.self_naming",), None),
    ("部门名称前后一致", ("plausibility.department_named_consistently",), "narrative"),
    ("项目实施周期在文件年度内", ("plausibility.implementation_period",), None),
    ("空表说明与表中数据相符", ("completeness.note_agrees_with_data",), None),
    ("金额栏内容均为数字", ("plausibility.cell_parses",), "tables"),
)
# a file with no section of prose at all holds only the tables of a disclosure whose text is
# published apart (江苏 2019: 部门预算公开表 and the text in two files); checked alone, its
# text items cannot be judged; built with its text part, they are
TABLES_ONLY = "本文件只含公开表，未含文字部分（可能另行公开）"
SHOWN_EVIDENCE = 3  # failures written out per item; the rest are counted


def _row(part: str, item: str, present: str, consistent: str, **evidence) -> dict:
    shown = ("page", "line", "file", "quote", "expected", "printed", "evidence")
    return {"part": part, "item": item, "present": present, "consistent": consistent} | {
        key: evidence.get(key) for key in shown
    }


def _at(passage: dict | None) -> dict:
    if passage is None:
        return {}
    return {
        "page": passage["source_page"],
        "line": passage["source_line"],
        "file": passage["source_file"],
        "quote": passage["text"],
    }


def _failures(findings: list[dict]) -> list[dict]:
    """Failures that say the document is wrong (errors, warnings, wording told as info, and
    the consequences of a wrong figure elsewhere: a table whose figures disagree by more than
    rounding is not consistent, wherever the root cause lies), not rounding or doubts about
    gongkai's own reading."""
    told = ("error", "warning", "info", "consequence")
    return [f for f in findings if f["passed"] is False and finding_class(f) in told]


def _verdict(findings: list[dict]) -> tuple[str, dict]:
    """否 with the first failures' evidence; 是 where something was checked and held (gaps
    within the printed figures' rounding hold, and are said to be rounding); 无法判断 where
    nothing was, or where a doubtful reading of gongkai's is all that failed."""
    failed = _failures(findings)
    if failed:
        failed.sort(key=lambda f: finding_class(f) == "consequence")  # the roots first
        first = failed[0]
        shown = "；".join(
            f"{f['message_zh']}" + (f"（第{f['source_page']}页）" if f["source_page"] else "")
            for f in failed[:SHOWN_EVIDENCE]
        )
        more = len(failed) - SHOWN_EVIDENCE
        quoted = {"quote": first["quote"]} if first.get("quote") else {}
        return NO, quoted | {
            "page": first["source_page"],
            "line": first["source_line"],
            "expected": first["expected"],
            "printed": first["observed"],
            "evidence": shown + (f"；另有{more}项" if more > 0 else ""),
        }
    decided = [f for f in findings if f["passed"] is not None]
    if any(finding_class(f) == "reading_doubt" for f in decided):
        return UNKNOWN, {"evidence": "读取存疑：gongkai 对该表的读取未能核实"}
    if decided:
        passed = sum(1 for f in decided if f["passed"])
        rounding = sum(1 for f in decided if finding_class(f) == "rounding")
        note = f"{passed}项核对通过" + (
            f"，另有{rounding}项相差在各数舍入所允许的范围内" if rounding else ""
        )
        return YES, {"evidence": note}
    return UNKNOWN, {"evidence": "无可核对的内容"}


def _contents_row(passages: list[dict], printed: dict[str, str]) -> dict:
    entries = [p for p in passages if p["kind"] == "contents"]
    if not entries and not any(p["kind"] == "section" for p in passages):
        return _row("目录", "目录", UNKNOWN, NOT_APPLICABLE, evidence=TABLES_ONLY)
    if not entries:
        return _row("目录", "目录", NO, NOT_APPLICABLE, evidence="未见目录")
    listed: dict[str, dict] = {}
    for entry, following in zip(entries, [*entries[1:], None], strict=True):
        # a title wrapped over two lines of the 目录 (…培训费支 / 出预算表)
        joined = entry["text"] + (following["text"] if following else "")
        if topic := title_class(entry["text"]) or title_class(joined):
            listed.setdefault(topic, entry)
    if not listed:
        return _row("目录", "目录", YES, UNKNOWN, **_at(entries[0]), evidence="目录未列出表名")
    names = table_classes()
    absent = [(topic, entry) for topic, entry in listed.items() if topic not in printed]
    unlisted = [topic for topic in printed if topic not in listed]
    if not absent and not unlisted:
        return _row(
            "目录",
            "目录与所附表格一致",
            YES,
            YES,
            **_at(entries[0]),
            evidence=f"目录列出的{len(listed)}张表均已公开",
        )
    problems = [f"目录列有「{entry['text']}」，文件中未见此表" for _, entry in absent] + [
        f"文件公开了「{printed[topic]}」，目录未列出" for topic in unlisted
    ]
    first = absent[0][1] if absent else entries[0]
    return _row(
        "目录",
        "目录与所附表格一致",
        YES,
        NO,
        **_at(first),
        expected="、".join(names[t].name for t in listed if t in names),
        printed="、".join(printed.values()),
        evidence="；".join(problems),
    )


def _section_rows(passages: list[dict]) -> list[dict]:
    found = {p["item"]: p for p in passages if p["kind"] == "section"}
    rows = []
    sections = [(s.item, s.zh) for s in outline_sections()]
    for item, zh in [sections[0], sections[1], ("narrative", "预算编制说明"), *sections[2:]]:
        passage = found.get(item)
        part = SECTION_PARTS.get(item, "编制说明")
        if not found:
            rows.append(_row(part, zh, UNKNOWN, NOT_APPLICABLE, evidence=TABLES_ONLY))
        elif passage is None:
            rows.append(_row(part, zh, NO, NOT_APPLICABLE, evidence=f"未见「{zh}」部分"))
        else:
            rows.append(_row(part, zh, YES, NOT_APPLICABLE, **_at(passage)))
    return rows


def _subject_of(finding: dict, sections: dict[tuple, str]) -> str | None:
    """The 编制说明 subject a narrative finding is about: by the heading its claim stands
    under, else by its own subject's words."""
    heading = sections.get((finding["source_line"], finding["source_page"]), "")
    for text in (heading, finding["subject"] or ""):
        words = text.replace("“", "").replace("”", "").replace('"', "")
        for subject in outline_subjects():
            if subject.pattern.search(words):
                return subject.item
    return None


def _subject_rows(
    passages: list[dict], claims: list[dict], findings: list[dict], printed: dict[str, str]
) -> list[dict]:
    found = {p["item"]: p for p in passages if p["kind"] == "subject"}
    narrative = next(
        (p for p in passages if p["kind"] == "section" and p["item"] == "narrative"), None
    )
    sections = {
        (c["source_line"], c["source_page"]): c["section"] or "" for c in claims if c["section"]
    }
    about: dict[str, list[dict]] = {}
    for finding in findings:
        if finding["rule_family"] == "narrative" and finding["check_id"] != "narrative.claims_read":
            about.setdefault(_subject_of(finding, sections), []).append(finding)
    rows = []
    for subject in outline_subjects():
        passage = found.get(subject.item)
        if subject.topic and subject.topic not in printed and passage is None:
            continue  # neither a table nor prose on the subject: nothing to explain
        covered = subject.covered_by and all(part in found for part in subject.covered_by)
        if passage is not None or covered:
            present, where = YES, _at(passage or found[subject.covered_by[0]])
        elif narrative is None:
            present, where = UNKNOWN, {"evidence": "未读到预算编制说明"}
        elif subject.required:  # where it was looked for: the narrative
            present = NO
            where = _at(narrative) | {"evidence": f"编制说明中未见{subject.zh}"}
        else:
            present, where = (
                UNKNOWN,
                {"evidence": f"编制说明中未见{subject.zh}（并非各地模板均要求）"},
            )
        consistent, evidence = _verdict(about.get(subject.item, []))
        if present != YES:
            consistent, evidence = NOT_APPLICABLE, {}
        rows.append(_row("编制说明", subject.zh, present, consistent, **(where | evidence)))
    return rows


def _table_rows(tables: list[dict], findings: list[dict]) -> list[dict]:
    by_table: dict[int, list[dict]] = {}
    for finding in findings:
        if finding["rule_family"] in ARITHMETIC_FAMILIES and finding["table_no"] is not None:
            by_table.setdefault(finding["table_no"], []).append(finding)
    statuses = {
        (f["table_no"], f["subject"]): f["status"]
        for f in findings
        if f["check_id"] == "completeness.table_published"
    }
    rows = []
    for table in tables:
        name = table["printed_title"] or table["table_name"]
        status = statuses.get((table["table_no"], table["table_name"]), table["status"])
        if status in ("missing_optional", "missing_partial"):
            rows.append(
                _row(
                    "公开表",
                    table["table_name"],
                    UNKNOWN,
                    NOT_APPLICABLE,
                    evidence="本文件未见此表（非各地模板均有，或文件只含部分公开表）",
                )
            )
            continue
        present, note = PUBLISHED.get(status, (UNKNOWN, status))
        where = {"page": table["source_page"], "line": table["source_line"], "quote": name}
        if present != YES:
            rows.append(
                _row("公开表", table["table_name"], present, NOT_APPLICABLE, **where, evidence=note)
            )
            continue
        consistent, evidence = _verdict(by_table.get(table["table_no"], []))
        if status == "unread":
            consistent, evidence = UNKNOWN, {"evidence": note}
        rows.append(_row("公开表", table["table_name"], present, consistent, **(where | evidence)))
    return rows


def _writing_rows(findings: list[dict], read: set[str]) -> list[dict]:
    rows = []
    for item, checks, reads in WRITING:
        # of the printed codes, only a renamed name is the prose's concern here
        judged = [
            f
            for f in findings
            if f["check_id"] in checks
            and (f["check_id"] != "code.in_classification" or f["status"] == "former_name")
        ]
        consistent, evidence = _verdict(judged)
        if not judged and reads in read:
            consistent, evidence = YES, {"evidence": "未发现问题"}
        rows.append(_row("文字规范", item, NOT_APPLICABLE, consistent, **evidence))
    return rows


def _read(claims: pl.DataFrame, findings: list[dict]) -> set[str]:
    """What the document gave the rules to read: a narrative with figures, codes, tables."""
    read = {"narrative"} if claims.height else set()
    if any(f["check_id"] == "code.in_classification" for f in findings):
        read.add("codes")
    if any(f["check_id"] == "plausibility.amount_in_range" for f in findings):
        read.add("tables")
    return read


def review_checklist(
    tables: pl.DataFrame, claims: pl.DataFrame, passages: pl.DataFrame, findings: pl.DataFrame
) -> pl.DataFrame:
    """The checklist of one document, from its frames and its judged findings."""
    topics = table_topics()
    described = [t for t in tables.to_dicts() if (t["template"], t["table_no"]) in topics]
    printed = {
        topics[(t["template"], t["table_no"])]: t["table_name"]
        for t in described
        if t["status"] not in ("missing",)
    }
    for table in tables.to_dicts():  # a table no description reads still has its class title
        if table["template"] == UNRECOGNISED and (topic := title_class(table["table_name"])):
            printed.setdefault(topic, table["table_name"])
    # a finding on the narrative quotes the sentence it read
    sentences = {(c["source_line"], c["source_page"]): c["sentence"] for c in claims.to_dicts()}
    passage_rows = passages.to_dicts()
    finding_rows = [
        f | {"quote": sentences.get((f["source_line"], f["source_page"]))}
        for f in findings.to_dicts()
    ]
    rows = [
        _contents_row(passage_rows, printed),
        *_section_rows(passage_rows),
        *_subject_rows(passage_rows, claims.to_dicts(), finding_rows, printed),
        *_table_rows(described, finding_rows),
        *_writing_rows(finding_rows, _read(claims, finding_rows)),
    ]
    numbered = [{"item_no": number, **row} for number, row in enumerate(rows, start=1)]
    return pl.DataFrame(numbered, schema=CHECKLIST_SCHEMA)


COLUMNS_ZH = {
    "item_no": "序号",
    "part": "部分",
    "item": "检查项目",
    "present": "是否公开",
    "consistent": "是否一致",
    "page": "页码",
    "line": "行",
    "file": "文件",
    "quote": "原文",
    "expected": "应为",
    "printed": "实为",
    "evidence": "问题说明",
}


def write_checklist(checklist: pl.DataFrame, path: Path) -> None:
    """The checklist as a reviewer opens it: CSV with a BOM (Excel on a Chinese Windows reads
    it right) or an Excel workbook, by the file's suffix, with Chinese column names. Quoted
    text stays text: inert in CSV (`inert_frame`), a string cell in the workbook (openpyxl
    would take a value starting with = for a formula)."""
    from pipelines.export import inert_frame

    shown = checklist.rename(COLUMNS_ZH)
    if path.suffix.lower() == ".csv":
        path.write_bytes(b"\xef\xbb\xbf" + inert_frame(shown).write_csv().encode("utf-8"))
    elif path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "检查表"
        sheet.append(shown.columns)
        for row in shown.iter_rows():
            sheet.append(list(row))
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        workbook.save(path)
    else:
        raise ValueError(f"{path}: a checklist is written as .csv or .xlsx")


def format_checklist(checklist: pl.DataFrame) -> str:
    """The checklist as lines for the terminal: each item with its verdicts, each 否 with
    where and what."""
    lines = ["公开检查表", ""]
    for row in checklist.iter_rows(named=True):
        where = (
            f"第{row['page']}页" if row["page"] else (f"第{row['line']}行" if row["line"] else "")
        )
        verdicts = f"公开:{row['present']} 一致:{row['consistent']}"
        lines.append(
            f"{row['item_no']:>2}. [{row['part']}] {row['item']}  {verdicts}  {where}".rstrip()
        )
        if NO in (row["present"], row["consistent"]) and row["evidence"]:
            lines.append(f"      {row['evidence']}")
    return "\n".join(lines)
