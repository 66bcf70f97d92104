"""Completeness of the table set and plausibility of the amounts."""

from __future__ import annotations

import re
from decimal import Decimal

import polars as pl

from pipelines.classification import former_names, judge_code
from pipelines.description import TEMPLATES, table_topics
from pipelines.facts import COUNT, UNRECOGNISED
from pipelines.metadata import SCOPES
from pipelines.quality.frame import amount_text, cells_read, table_read, unmapped_columns
from pipelines.recognise import title_class
from pipelines.vocabulary import core_classes

# a rate per person or a quota (工会经费人均定额增加1000元) is rightly written in 元
PER_PERSON_RATE = re.compile(r"人均|每人|定额|标准")
UPPER_BOUND_WAN = Decimal(10_000_000)  # 1000 亿元: more than any single department line
COMPLETENESS = {
    "data": ("error", "已公开，有数据", "published with data"),
    "empty_explained": ("error", "空表，已说明原因", "empty, with an explanation"),
    "empty_unexplained": (
        "warning",
        "空表，但未说明原因（无内容应公开空表并说明情况）",
        "empty without an explanation (an empty table must say why)",
    ),
    "missing": ("error", "未公开此表", "not published"),
    "missing_partial": (
        "warning",
        "本文件未含此表（文件只含部分公开表，其余表可能另行公开）",
        "not in this file, which holds only part of a disclosure's tables",
    ),
    # a table of its family's template outside the national core (项目支出情况表): the
    # document's own template may not have it, so its absence is no proof of a gap
    "missing_optional": (
        "warning",
        "未见此表（非全国统一必公开的表，本文件的模板可能不含此表）",
        "not found (not a table every template prints; this document's may not have it)",
    ),
    # the document prints the table (its title names the class) in a layout the template's
    # description does not read: our reading's gap, not the document's
    "unread": (
        "warning",
        "已公开，但版式与模板的描述不同，未能按模板读取（数字作为未识别事实保存）",
        "published in a layout the template's description does not read; its numbers are kept "
        "as unrecognised facts",
    ),
    "unrecognised": (
        "warning",
        "表格不属于已描述的模板，数字作为未识别事实保存",
        "matches no described table; its numbers are kept as unrecognised facts",
    ),
}


def completeness_comparisons(
    tables: pl.DataFrame, warnings: pl.DataFrame, facts: pl.DataFrame
) -> list[dict]:
    """One row per described table of each document (published, explained, or missing), one
    per column the template always prints that a table leaves out, and one per table with
    data on whether its note calls it empty: a note saying 本表为空表 over amounts that are
    not all 0 is the document contradicting itself, an error; over zeros it agrees."""
    found = []
    unmapped = unmapped_columns(facts)
    for item in warnings.filter(pl.col("kind") == "missing_column").to_dicts():
        column = item["message"].split(":")[0]
        key = (item["document_id"], item["template"], item["table_no"])
        found.append(
            {
                "document_id": item["document_id"],
                "check_id": "completeness.column_published",
                "rule_family": "completeness",
                "severity": "error",
                "table_no": item["table_no"],
                "subject": column,
                "expected": "printed",
                "observed": "missing",
                "difference": None,
                "status": "missing",
                "message_zh": f"表{item['table_no']}缺少必备栏目（{column}）",
                "message_en": f"table {item['table_no']}: {item['message']}",
                "source_line": item["source_line"],
                "source_page": item["source_page"],
                "source_row": None,
                "source_column": None,
                # a column the table prints but the reading did not map may be the one missing
                "reads": [
                    table_read(item["template"], item["table_no"]),
                    *(
                        {**table_read(item["template"], item["table_no"]), "column": column_no}
                        for column_no in unmapped.get(key, ())
                    ),
                ],
            }
        )
    printed = {
        (row["document_id"], row["table_no"])
        for row in facts.filter(pl.col("amount") != 0)
        .select("document_id", "table_no")
        .unique()
        .to_dicts()
    }
    for table in tables.filter(pl.col("status") == "data").to_dicts():
        note, agrees_zh, agrees_en = table["explanation"], "有数据，注释未称空表", "has data"
        if note and (table["document_id"], table["table_no"]) not in printed:
            note, agrees_zh, agrees_en = (
                None,
                "数字均为0，与注释称空表相符",
                "all 0, as its note says",
            )
        found.append(
            {
                "document_id": table["document_id"],
                "check_id": "completeness.note_agrees_with_data",
                "rule_family": "completeness",
                "severity": "error",
                "table_no": table["table_no"],
                "subject": table["table_name"],
                "expected": "data",
                "observed": note or "data",
                "difference": None,
                "status": "empty_note_over_data" if note else "data",
                "message_zh": f"表{table['table_no']} {table['table_name']}："
                + (f"有数据，但注释称空表：{note}" if note else agrees_zh),
                "message_en": f"table {table['table_no']} {table['table_name']}: "
                + (f"has data, yet its note says it is empty: {note}" if note else agrees_en),
                "source_line": table["source_line"],
                "source_page": table["source_page"],
                "source_row": None,
                "source_column": None,
                "reads": [table_read(table["template"], table["table_no"], amounts=True)],
            }
        )
    partial = _partial_files(tables)
    unrecognised = _unrecognised_tables(tables)
    topics = table_topics()
    for table in tables.to_dicts():
        status = table["status"]
        if status == "missing" and table["document_id"] in partial:
            status = "missing_partial"
        elif status == "missing" and not _core(table["template"], table["table_no"]):
            status = "missing_optional"
        severity, zh, en = COMPLETENESS[status]
        found.append(
            {
                "document_id": table["document_id"],
                "check_id": "completeness.table_published",
                "rule_family": "completeness",
                "severity": severity,
                "table_no": table["table_no"],
                "subject": table["table_name"],
                "expected": "data or empty_explained",
                "observed": table["status"],
                "difference": None,
                "status": status,
                "message_zh": f"表{table['table_no']} {table['table_name']}：{zh}",
                "message_en": f"table {table['table_no']} {table['table_name']}: {en}",
                "source_line": table["source_line"],
                "source_page": table["source_page"],
                "source_row": None,
                "source_column": None,
                "reads": _published_reads(
                    table, unrecognised.get(table["document_id"], ()), topics
                ),
            }
        )
    return found


def _published_reads(table: dict, unrecognised: list, topics: dict) -> list[dict]:
    """What a table's inventory status rests on: "not published" on every table of the
    document having been read — one printed but not recognised, its title naming no other
    class, may be this one —; "unrecognised" and "unread" on a reading no description made."""
    if table["status"] == "missing":
        own = topics.get((table["template"], table["table_no"]))
        return [
            table_read(UNRECOGNISED, number)
            for number, named in unrecognised
            if named in (None, own)
        ]
    if table["status"] == UNRECOGNISED:
        return [table_read(UNRECOGNISED, table["table_no"])]
    if table["status"] == "unread":
        return [table_read(UNRECOGNISED, None)]
    return []


def _unrecognised_tables(tables: pl.DataFrame) -> dict[str, list[tuple[int, str | None]]]:
    """Per document, its tables no description reads, each with the class its caption names
    (None where it names none)."""
    found: dict[str, list[tuple[int, str | None]]] = {}
    for document_id, table_no, name in (
        tables.filter(pl.col("template") == UNRECOGNISED)
        .select("document_id", "table_no", "table_name")
        .iter_rows()
    ):
        found.setdefault(document_id, []).append((table_no, title_class(name or "")))
    return found


def _partial_files(tables: pl.DataFrame) -> set[str]:
    """Documents holding fewer than half their family's tables (岳阳县台创园 2017: a web page
    with only the 三公 table): a part of a disclosure, whose other tables may be published
    elsewhere, not a disclosure leaving them out."""
    family = tables.filter(pl.col("template").is_in(list(TEMPLATES)))
    counts = family.group_by("document_id", "template").agg(
        printed=(pl.col("status") != "missing").sum()
    )
    return {
        document_id
        for document_id, template, printed in counts.iter_rows()
        if 2 * printed < len(TEMPLATES[template])
    }


def _core(template: str, table_no: int) -> bool:
    """Whether a family's table is of a class every disclosure prints (vocabulary `core`)."""
    spec = next((s for s in TEMPLATES.get(template, ()) if s.number == table_no), None)
    return spec is None or spec.topic in core_classes()


def _plausibility(fact: dict) -> tuple[str, str, str]:
    amount = fact["amount"]
    if amount < 0:
        return "negative", "金额为负数", "negative amount"
    if amount > UPPER_BOUND_WAN:
        return (
            "out_of_range",
            "金额超出合理范围（>1000亿元）",
            "amount beyond a sane range (> 10^7 万元)",
        )
    return "plausible", "金额可解析且在合理范围内", "parses and lies in a sane range"


def plausibility_comparisons(facts: pl.DataFrame, warnings: pl.DataFrame) -> list[dict]:
    """Every amount in range and not negative (a count, 公务接待人数(人) 500, is no amount);
    every cell that did not parse, as a failure."""
    found = []
    for fact in facts.filter(pl.col("row_role") != COUNT).to_dicts():
        status, zh, en = _plausibility(fact)
        subject = fact["row_label"] or fact["column_label"]
        raw = fact["raw_text"].strip()
        found.append(
            {
                "document_id": fact["document_id"],
                "check_id": "plausibility.amount_in_range",
                "rule_family": "plausibility",
                "severity": "warning",
                "table_no": fact["table_no"],
                "subject": f"{subject} / {fact['column_label']}",
                "expected": "0 ≤ amount ≤ 10000000",
                "observed": amount_text(fact["amount"]),
                "difference": None,
                "status": status,
                "message_zh": f"表{fact['table_no']}「{subject}」{raw}：{zh}",
                "message_en": f"table {fact['table_no']} '{subject}' {raw}: {en}",
                "source_line": fact["source_line"],
                "source_page": fact["source_page"],
                "source_row": fact["source_row"],
                "source_column": fact["source_column"],
                "reads": cells_read([fact], 1),
            }
        )
    for item in warnings.filter(pl.col("kind") == "unparsed_cell").to_dicts():
        # text in a table no description reads (a form, a list) is a text value; in a
        # described table, the warning's column read as amounts holds text: the trust gate
        # tells it as gongkai's doubt about that column, never the document's error
        text_value = item["template"] in (None, UNRECOGNISED)
        found.append(
            {
                "document_id": item["document_id"],
                "check_id": "plausibility.cell_parses",
                "rule_family": "plausibility",
                "severity": "info" if text_value else "warning",
                "table_no": item["table_no"],
                "subject": item["message"],
                "expected": "a number or a blank",
                "observed": item["message"],
                "difference": None,
                "status": "text_value" if text_value else "unparsed",
                "message_zh": f"表{item['table_no']}：金额栏中的内容不是数字（{item['message']}）"
                if not text_value
                else f"未识别表{item['table_no']}：文字值（{item['message']}）",
                "message_en": f"table {item['table_no']}: {item['message']}",
                "source_line": item["source_line"],
                "source_page": item["source_page"],
                "source_row": item["source_row"],
                "source_column": item["source_column"],
                "reads": [
                    {
                        **table_read(item["template"], item["table_no"], item["source_page"]),
                        "row": item["source_row"],
                        "column": item["source_column"],
                    }
                ],
            }
        )
    return found


YEAR_BEFORE = r"(20\d{{2}})\s*年度?[^，。；0-9]{{0,8}}{subject}"
PRIOR_YEAR_FIGURE = re.compile(r"执行|决算|实际|上年")
# the year a change is measured against, after its subject
# (财政拨款收入6,672万元，比2025年预算减少4万元)
COMPARED_WITH = r"{subject}[^。；;]*?(?:比|较|与)\s*(20\d{{2}})\s*年度?(?:预算|决算|执行数)?"
# words of the template left in the published prose: a direction not chosen, a reason not
# written, a placeholder not filled
TEMPLATE_LEFTOVER = re.compile(
    r"增加（减少）|增加\(减少\)|增长（下降）|增长\(下降\)|上升（下降）|"
    r"主要原因[是为][：:]?\s*[。；;]|[X×Ｘ]{2,}"
)
PEOPLE_COSTS = (
    ("30301", "retired_pre1949", "离休费", "离休人员"),
    ("30302", "retired", "退休费", "退休人员"),
)


def _status_row(
    document_id: str,
    check_id: str,
    status: str,
    subject: str,
    expected: str,
    observed: str,
    zh: str,
    en: str,
    line: int | None,
    page: int | None,
    table_no: int | None = None,
    severity: str = "warning",
) -> dict:
    return {
        "document_id": document_id,
        "check_id": check_id,
        "rule_family": "plausibility",
        "severity": severity,
        "table_no": table_no,
        "subject": subject,
        "expected": expected,
        "observed": observed,
        "difference": None,
        "status": status,
        "message_zh": zh,
        "message_en": en,
        "source_line": line,
        "source_page": page,
        "source_row": None,
        "source_column": None,
    }


def _year_row(
    claim: dict,
    check_id: str,
    ok: bool,
    expected: int,
    printed: int,
    zh: tuple[str, str],
    en: tuple[str, str],
) -> dict:
    """A year the narrative writes about a claim, against the year it should be: `zh` and `en`
    say what it writes, then what is wrong where it is not that year."""
    return _status_row(
        claim["document_id"],
        check_id,
        "plausible" if ok else "year_mismatch",
        claim["subject"],
        str(expected),
        str(printed),
        f"情况说明「{claim['subject']}」{zh[0]}" + ("" if ok else zh[1]),
        f"the narrative on '{claim['subject']}' {en[0]}" + ("" if ok else en[1]),
        claim["source_line"],
        claim["source_page"],
    )


def narrative_plausibility(
    claims: pl.DataFrame, profile: pl.DataFrame, facts: pl.DataFrame, documents: pl.DataFrame
) -> list[dict]:
    """The narrative's year and unit against the document's; costs for people it has none of."""
    found = []
    meta = {row["document_id"]: row for row in documents.to_dicts()}
    for claim in claims.to_dicts():
        document = meta.get(claim["document_id"], {})
        year, unit = document.get("fiscal_year"), document.get("unit")
        pattern = YEAR_BEFORE.format(subject=re.escape(claim["subject"]))
        if year and claim["subject"] and (stated := re.search(pattern, claim["sentence"])):
            printed = int(stated.group(1))
            # last year's outcome beside this year's plan (2023年当年预算执行数 in a 2024 budget)
            ok = printed == year or (
                printed == year - 1 and PRIOR_YEAR_FIGURE.search(claim["subject"])
            )
            found.append(
                _year_row(
                    claim,
                    "plausibility.narrative_year",
                    ok,
                    year,
                    printed,
                    (f"所写年度为{printed}年", f"，与文件年度{year}年不符"),
                    (f"dates it {printed}", f", not the document's year {year}"),
                )
            )
        compared = COMPARED_WITH.format(subject=re.escape(claim["subject"] or ""))
        changed = claim["change_amount"] is not None or claim["change_percent"] is not None
        if (
            year
            and claim["subject"]
            and changed
            and (stated := re.search(compared, claim["sentence"]))
        ):
            printed = int(stated.group(1))
            found.append(
                _year_row(
                    claim,
                    "plausibility.comparison_year",
                    printed == year - 1,
                    year - 1,
                    printed,
                    (f"与{printed}年比较", f"，{year}年的文件应与上年（{year - 1}年）比较"),
                    (
                        f"compares it with {printed}",
                        f"; a {year} document compares with {year - 1}",
                    ),
                )
            )
        if unit and claim["unit"] and not PER_PERSON_RATE.search(claim["subject"] or ""):
            # prose in 万元 beside tables in 元 is the norm; 元 where the tables say 万元 is not
            ok = claim["unit"] in (unit, "万元")
            found.append(
                _status_row(
                    claim["document_id"],
                    "plausibility.narrative_unit",
                    "plausible" if ok else "unit_mismatch",
                    claim["subject"],
                    unit,
                    claim["unit"],
                    f"情况说明「{claim['subject']}」{amount_text(claim['amount'])}{claim['unit']}"
                    + ("" if ok else f"：单位与文件的{unit}不符"),
                    f"the narrative writes '{claim['subject']}' in {claim['unit']}"
                    + ("" if ok else f", not the document's {unit}"),
                    claim["source_line"],
                    claim["source_page"],
                )
            )
    paragraphs = claims.unique(["document_id", "source_line", "source_page", "sentence"])
    for claim in paragraphs.sort("document_id", "claim_no").to_dicts():
        if leftover := TEMPLATE_LEFTOVER.search(claim["sentence"] or ""):
            found.append(
                _status_row(
                    claim["document_id"],
                    "plausibility.template_leftover",
                    "template_leftover",
                    leftover.group(0),
                    "",
                    leftover.group(0),
                    f"情况说明留有模板文字「{leftover.group(0)}」：{claim['sentence'][:60]}",
                    f"the narrative keeps the template's words '{leftover.group(0)}'",
                    claim["source_line"],
                    claim["source_page"],
                )
            )
    staffing = {
        (p["document_id"], p["item"]): p["value"]
        for p in profile.to_dicts()
        if p["value"] is not None
    }
    topics = table_topics()
    costs = facts.filter(
        (pl.col("measure") == "total")
        & (pl.col("row_role") == "item")
        & pl.col("economic_code").is_in([code for code, *_ in PEOPLE_COSTS])
    )
    for cost in costs.to_dicts():
        if topics.get((cost["template"], cost["table_no"])) != "general_budget_basic":
            continue
        for code, item, cost_zh, people_zh in PEOPLE_COSTS:
            people = staffing.get((cost["document_id"], item))
            if cost["economic_code"] != code or people is None:
                continue
            ok = not (people == 0 and cost["amount"] > 0)
            found.append(
                _status_row(
                    cost["document_id"],
                    "plausibility.cost_without_people",
                    "plausible" if ok else "cost_without_people",
                    f"{code} {cost_zh}",
                    f"{people_zh} > 0",
                    f"{people_zh} {amount_text(people)}",
                    f"表{cost['table_no']}列支{cost_zh}{amount_text(cost['amount'])}万元，"
                    f"{people_zh}{amount_text(people)}人" + ("" if ok else "：无人员而列支费用"),
                    f"table {cost['table_no']} budgets {amount_text(cost['amount'])} for {code} "
                    f"with {amount_text(people)} {item} staff"
                    + ("" if ok else ": a cost with no people"),
                    cost["source_line"],
                    cost["source_page"],
                    table_no=cost["table_no"],
                )
                | {"reads": cells_read([cost], 1)}
            )
    return found


SCOPE_WORDS = {scope: word for word, scope in SCOPES.items()}  # department: 部门
# the plausibility rules on what the prose says, as against the tables' amounts
PROSE_CHECKS = (
    "plausibility.narrative_year",
    "plausibility.comparison_year",
    "plausibility.narrative_unit",
    "plausibility.template_leftover",
    "plausibility.self_naming",
    "plausibility.implementation_period",
    "plausibility.class_name_current",
    "plausibility.department_named_consistently",
)
PERIOD_YEAR = {"budget": "预算年度", "final_accounts": "决算年度"}


def outline_plausibility(passages: pl.DataFrame, documents: pl.DataFrame) -> list[dict]:
    """What the document says of itself against what it is: each heading naming it 部门 or 单位
    as its scope is; each project's 实施周期 reaching into its year; each class named by a name
    the national list had already replaced in its year."""
    found = []
    meta = {row["document_id"]: row for row in documents.to_dicts()}
    renamed = {
        (code, name): last_year
        for (kind, code, name), last_year in former_names().items()
        if kind == "function"
    }
    for passage in passages.to_dicts():
        document = meta.get(passage["document_id"], {})
        year = document.get("fiscal_year")
        line, page = passage["source_line"], passage["source_page"]
        text = passage["text"]
        if passage["kind"] == "self_name" and (scope := SCOPE_WORDS.get(document.get("scope"))):
            named = passage["item"]
            ok = named == scope
            found.append(
                _status_row(
                    passage["document_id"],
                    "plausibility.self_naming",
                    "plausible" if ok else "scope_mismatch",
                    text,
                    scope,
                    named,
                    f"「{text}」称{named}"
                    + ("" if ok else f"，而本文件为{scope}{_kind(document)}"),
                    f"'{text}' names it {named}"
                    + ("" if ok else f", yet the document is a {document['scope']} one"),
                    line,
                    page,
                )
            )
        elif passage["kind"] == "period" and year:
            first, last = (int(y) for y in passage["item"].split("-"))
            ok = first <= year <= last
            found.append(
                _status_row(
                    passage["document_id"],
                    "plausibility.implementation_period",
                    "plausible" if ok else "period_outside_year",
                    text,
                    str(year),
                    passage["item"],
                    f"项目实施周期「{text}」"
                    + (
                        "" if ok else f"不含{PERIOD_YEAR.get(document.get('kind'), '年度')}{year}年"
                    ),
                    f"a project's implementation period '{text}'"
                    + ("" if ok else f" lies outside the document's year {year}"),
                    line,
                    page,
                )
            )
        elif passage["kind"] == "former_name" and year:
            name, quote = text.split("|", 1)
            last_year = renamed.get((passage["item"], name))
            if last_year is None:
                continue
            current = judge_code("function", passage["item"], None, year)["official_name"]
            ok = year <= last_year
            found.append(
                _status_row(
                    passage["document_id"],
                    "plausibility.class_name_current",
                    "plausible" if ok else "former_name",
                    f"{passage['item']} {name}",
                    current,
                    name,
                    f"情况说明称{passage['item']}类为「{name}」"
                    + ("" if ok else f"：该名称用至{last_year}年，{year}年应为「{current}」")
                    + f"（{quote}）",
                    f"the prose names class {passage['item']} '{name}'"
                    + ("" if ok else f", its name until {last_year}; in {year} it is '{current}'"),
                    line,
                    page,
                )
            )
    found.extend(_department_naming(passages, meta))
    return found


def _department_naming(passages: pl.DataFrame, meta: dict[str, dict]) -> list[dict]:
    """How the document names its own department, where it does otherwise than it is: a
    heading leaving part of the place out, once per heading; another spelling of the name,
    once per spelling with the times it is used (wording: severity info)."""
    named = passages.filter(pl.col("kind") == "department_name")
    found = []
    for (document_id, item, text), rows in named.group_by(
        "document_id", "item", "text", maintain_order=True
    ):
        department = meta.get(document_id, {}).get("printed_department") or ""
        first = rows.row(0, named=True)
        if item == "place":
            zh = f"标题称「{text}」，与部门名称「{department}」不一致（缺少所在地区）"
            en = f"a heading names the department '{text}', leaving part of its place out"
        else:
            zh = f"部门名称写作「{text}」（{rows.height}处），与「{department}」不一致"
            en = f"the department's name is written '{text}' ({rows.height} times)"
        found.append(
            _status_row(
                document_id,
                "plausibility.department_named_consistently",
                "department_name_differs",
                text,
                department,
                text,
                zh,
                en,
                first["source_line"],
                first["source_page"],
                severity="info",
            )
        )
    return found


def _kind(document: dict) -> str:
    return {"budget": "预算", "final_accounts": "决算"}.get(document.get("kind"), "")
