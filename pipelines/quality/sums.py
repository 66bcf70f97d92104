"""Within-table sums and balance: the arithmetic a correct table obeys, by the description's
rules."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

import polars as pl

from pipelines.description import MEASURES, SumRule, TableSpec, described_tables
from pipelines.quality.frame import (
    arithmetic_row,
    cells_read,
    lowest_level,
    rounding_allowance,
)
from pipelines.vocabulary import measure_parts

SPECS: dict[tuple[str, int], TableSpec] = {
    (spec.template, spec.number): spec for spec in described_tables()
}
FAMILY = "within_table_sums"


def _zh(measure: str) -> str:
    return MEASURES.get(measure, (measure, ""))[0]


def _subject(fact: dict) -> str:
    code = fact["function_code"] or (fact["economic_code"] if fact["row_role"] == "item" else None)
    parts = [p for p in (code, fact["row_label"], fact["project_name"]) if p]
    if fact["section"]:
        parts.insert(0, {"income": "收入", "expense": "支出"}.get(fact["section"], fact["section"]))
    return " ".join(parts) or "（无行名）"


def _total(facts: list[dict]) -> Decimal:
    return sum((f["amount"] for f in facts), Decimal(0))


def _row(
    document_id: str,
    rule_id: str,
    spec: TableSpec,
    anchor: dict,
    parts: list[dict],
    totals: list[dict],
    what_zh: str,
    what_en: str,
    subject: str | None = None,
    family: str = FAMILY,
    coded: bool = False,
) -> dict:
    """A sum rule's comparison: the printed `totals` (observed) against the sum of the printed
    `parts` (expected); what rounding they allow, and the cells read (`coded` where the rule
    relies on their codes: a sum by level)."""
    return arithmetic_row(
        document_id=document_id,
        check_id=rule_id,
        family=family,
        severity="error",
        table_no=spec.number,
        subject=subject or _subject(anchor),
        expected=_total(parts),
        observed=_total(totals),
        what_zh=what_zh,
        what_en=what_en,
        source_line=anchor["source_line"],
        source_page=anchor["source_page"],
        source_row=anchor["source_row"],
        source_column=anchor["source_column"],
        rounding=rounding_allowance([*parts, *totals]),
        reads=cells_read(totals, 1, coded) + cells_read(parts, -1, coded),
    )


def _printed_row(fact: dict) -> tuple[int, int]:
    """Where a fact's row is printed: its page and row. A row number alone is not one row
    where two printed tables on different pages share a table number (each counts its rows
    from 0); a text export has no pages, and one table per number."""
    return (fact["source_page"] or 0, fact["source_row"])


def _printed_parts(parts: tuple[str, ...], facts: list[dict]) -> set[str]:
    """The measures a rule's parts are read from: a part the table does not print is read from
    its own parts where the table prints those (基本支出 as 人员经费 | 公用经费)."""
    printed = {fact["measure"] for fact in facts}
    found = set()
    for part in parts:
        components = measure_parts(part)
        if part not in printed and components and set(components) <= printed:
            found.update(components)
        else:
            found.add(part)
    return found


def _line_of(facts: list[dict], measures: set[str]):
    """What holds a total and its parts together: a printed row, or a printed column where the
    table prints its measures as rows (三公: 合计, 1、因公出国（境）费 … down one 预算数 column)."""
    by_row, by_column = defaultdict(set), defaultdict(set)
    for fact in facts:
        if fact["measure"] in measures:
            by_row[_printed_row(fact)].add(fact["measure"])
            by_column[(fact["source_page"] or 0, fact["source_column"])].add(fact["measure"])
    as_rows = max(map(len, by_row.values()), default=0) == 1 < max(map(len, by_column.values()))
    if as_rows:
        return lambda fact: (fact["source_page"] or 0, fact["source_column"])
    return _printed_row


def _across(document_id: str, spec: TableSpec, rule: SumRule, facts: list[dict]) -> list[dict]:
    if rule.parts and not any(fact["measure"] == rule.total for fact in facts):
        return []  # the table prints no such total column: nothing to hold its parts to
    in_section = [f for f in facts if rule.section is None or f["section"] == rule.section]
    if rule.parts and not any(
        fact["measure"] in _printed_parts(rule.parts, facts) for fact in in_section
    ):
        return []  # nor any of its parts (a side with one 预算 column): nothing to add up
    if not rule.parts and not any(fact["economic_code"] for fact in in_section):
        return []  # no economic group printed (湖州's 项目支出 table is by fund): nothing either
    printed = _printed_parts(rule.parts, facts)
    line = _line_of(in_section, {rule.total, *printed})
    present = {fact["measure"] for fact in facts}
    shown = [p for p in rule.parts if p in present or present & set(measure_parts(p))]
    rows = defaultdict(list)
    for fact in in_section:
        rows[line(fact)].append(fact)
    found = []
    for row in rows.values():
        if rule.parts:
            totals = [f for f in row if f["measure"] == rule.total]
            parts = [f for f in row if f["measure"] in printed]
            names = "＋".join(_zh(p) for p in shown)
        else:
            totals = [f for f in row if f["measure"] == rule.total and not f["economic_code"]]
            parts = [f for f in row if f["measure"] == rule.total and f["economic_code"]]
            names = "各经济分类"
        if not totals and not parts:
            continue
        anchor = (totals or parts)[0]
        found.append(
            _row(
                document_id,
                rule.rule_id,
                spec,
                anchor,
                parts,
                totals,
                f"{_zh(rule.total)}应等于{names}之和",
                f"{rule.total} equals the sum of {', '.join(shown) or 'economic groups'}",
            )
        )
    return found


def _down(document_id: str, spec: TableSpec, rule: SumRule, facts: list[dict]) -> list[dict]:
    """Total row against the items, and each level against the next, in each block of units
    where the table prints its units' blocks (each against its own name row), and the units
    against the table's total."""
    # a table described by function that prints economic codes only (珠海's 项目支出 by
    # economic class) nests by those
    by_economic = spec.code_kind == "economic" or not any(f["function_code"] for f in facts)

    def code_of(fact: dict) -> str | None:
        return fact["economic_code"] if by_economic else fact["function_code"]

    has_total_row = any(f["row_role"] == "total" for f in facts)
    blocks = defaultdict(list)
    for fact in facts:
        blocks[fact.get("budget_unit")].append(fact)
    units = [unit for unit in blocks if unit is not None]
    found = []
    for unit, block in blocks.items():
        found += _down_block(document_id, spec, rule, block, code_of, has_total_row, unit, units)
    if units:
        found += _units_against_total(document_id, spec, blocks, code_of)
    return found


def _columns(facts: list[dict]) -> dict[tuple[str, str], list[dict]]:
    columns = defaultdict(list)
    for fact in facts:  # side-by-side blocks print one column label over different measures
        columns[(fact["column_label"], fact["measure"])].append(fact)
    return columns


def _down_block(
    document_id: str,
    spec: TableSpec,
    rule: SumRule,
    facts: list[dict],
    code_of,
    has_total_row: bool,
    unit: str | None,
    units: list[str],
) -> list[dict]:
    """The down sums of one block: the table's own rows, or one unit's (its name row the
    block's total)."""
    found = []
    total_role = "total" if unit is None else "subtotal"
    for (column, _), column_facts in _columns(facts).items():
        items = [f for f in column_facts if f["row_role"] == "item"]
        totals = [f for f in column_facts if f["row_role"] == total_role]
        leaves = lowest_level(items, code_of)
        # each 款 or 项 row under the code one level up, in printed order: not the projects
        # printed under a 项 (a parent's children found in one pass, not a pass per parent)
        next_level = defaultdict(list)
        for fact in items:
            if (c := code_of(fact)) and len(c) in (5, 7) and not fact["project_name"]:
                next_level[c[:-2]].append(fact)
        # the table's total against its own items, where its units' blocks leave it some
        if has_total_row and (totals or leaves) and (leaves or not units):
            anchor = (totals or leaves)[0]
            within = f"{unit}：" if unit else ""
            found.append(
                _row(
                    document_id,
                    rule.rule_id,
                    spec,
                    anchor,
                    leaves,
                    totals,
                    f"{within}合计行（{column}）应等于各明细行之和",
                    f"{unit + ': ' if unit else ''}total row ({column}) equals the sum of the "
                    "item rows",
                    subject=f"{within}合计 / {column}",
                    coded=True,
                )
            )
        for parent in items:
            code = code_of(parent)
            if not code or len(code) not in (3, 5):
                continue
            children = next_level.get(code)
            if children:
                found.append(
                    _row(
                        document_id,
                        "down.level_is_sum_of_next_level",
                        spec,
                        parent,
                        children,
                        [parent],
                        f"（{column}）应等于其下级科目之和",
                        f"({column}) equals the sum of its next-level codes",
                        coded=True,
                    )
                )
    return found


def _units_against_total(
    document_id: str, spec: TableSpec, blocks: dict[str | None, list[dict]], code_of
) -> list[dict]:
    """A table of units: its total (合计, or the department's own block) equals the sum of its
    units' name rows — of their item rows where a unit prints no sums of its own."""
    own = _columns(blocks.get(None, []))
    parts: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for unit, block in blocks.items():
        if unit is None:
            continue
        for key, column_facts in _columns(block).items():
            heads = [f for f in column_facts if f["row_role"] == "subtotal"]
            items = [f for f in column_facts if f["row_role"] == "item"]
            parts[key] += heads or lowest_level(items, code_of)
    found = []
    for key, unit_parts in parts.items():
        column_facts = own.get(key, [])
        totals = [f for f in column_facts if f["row_role"] == "total"] or [
            f for f in column_facts if f["row_role"] == "subtotal"
        ]
        if not totals:
            continue
        found.append(
            _row(
                document_id,
                "down.units_add_up_to_total",
                spec,
                totals[0],
                unit_parts,
                totals[:1],
                f"合计（{key[0]}）应等于各单位之和",
                f"the total ({key[0]}) equals the sum of the units",
                subject=f"合计 / {key[0]}",
            )
        )
    return found


def _outermost(facts: list[dict]) -> list[dict]:
    """A side's rows without those nested under a printed class (湖州's 财政事务 and 行政运行
    under 一般公共服务支出): a side's sums add its classes, not every level again."""
    codes = {f["function_code"] for f in facts if f["function_code"]}
    return [
        f
        for f in facts
        if not (code := f["function_code"])
        or not any(code[:cut] in codes for cut in range(1, len(code)))
    ]


def _side_items(ordered: list[dict]) -> list[dict]:
    """A side's rows as its sums count them: a component printed without the item it is part
    of (Jiangsu 财政拨款收支预算总表: 一、一般公共预算 with no 财政拨款 row above it) is itself
    one of the side's items."""
    counted, under_item = [], False
    for fact in ordered:
        if fact["row_role"] == "component" and not under_item:
            fact = {**fact, "row_role": "item"}
        else:
            under_item = fact["row_role"] in ("item", "subtotal") or (
                under_item and fact["row_role"] == "component"
            )
        counted.append(fact)
    return counted


def _side(document_id: str, spec: TableSpec, facts: list[dict]) -> list[dict]:
    """小计/总计 rows and components of a two-sided table, per side and column."""
    found = []
    columns = defaultdict(list)
    for fact in facts:
        columns[(fact["section"], fact["column_label"])].append(fact)
    for (section, column), column_facts in columns.items():
        ordered = sorted(column_facts, key=_printed_row)
        side_zh = {"income": "收入", "expense": "支出"}.get(section, section)
        for index, fact in enumerate(ordered):
            if fact["row_role"] not in ("item", "subtotal"):
                continue
            components = []
            for later in ordered[index + 1 :]:
                if later["row_role"] != "component":
                    break
                components.append(later)
            if components:
                found.append(
                    _row(
                        document_id,
                        "side.item_is_sum_of_components",
                        spec,
                        fact,
                        components,
                        [fact],
                        f"（{column}）应等于其构成项之和",
                        f"({column}) equals the sum of its components",
                    )
                )
        subtotal = next((f for f in ordered if f["row_role"] == "subtotal"), None)
        total = next((f for f in ordered if f["row_role"] == "total"), None)
        ordered = _outermost(_side_items(ordered))
        above = [
            f
            for f in ordered
            if subtotal and f["row_role"] == "item" and f["source_row"] < subtotal["source_row"]
        ]
        if above:  # a subtotal printed first (一、本年收入) adds the components below it
            found.append(
                _row(
                    document_id,
                    "side.subtotal_is_sum_of_items_above",
                    spec,
                    subtotal,
                    above,
                    [subtotal],
                    f"（{column}）{side_zh}小计应等于其上各项之和",
                    f"({column}) {section} subtotal equals the items above it",
                )
            )
        if total:  # printed last, or first (Jiangsu 收入预算总表 opens with 收入总计)
            start = subtotal["source_row"] if subtotal else -1
            below = [
                f
                for f in ordered
                if f["row_role"] == "item" and start < f["source_row"] != total["source_row"]
            ]
            if not subtotal and not below:
                continue  # the side prints its total alone: nothing to add up
            found.append(
                _row(
                    document_id,
                    "side.total_is_subtotal_plus_items_below",
                    spec,
                    total,
                    [*([subtotal] if subtotal else []), *below],
                    [total],
                    f"（{column}）{side_zh}总计应等于"
                    + ("小计加其下各项" if subtotal else "各项之和"),
                    f"({column}) {section} total equals the subtotal plus the items below it",
                )
            )
    return found


def _by_table(facts: pl.DataFrame):
    """Each described table's facts in reading order (one pass over all facts); ties keep the
    order of extraction, so every run pairs the same facts."""
    records = facts.sort(
        "document_id",
        "template",
        "table_no",
        "source_page",
        "source_row",
        "source_column",
        maintain_order=True,
    )
    for (document_id, template, table_no), table in groupby(
        records.to_dicts(), key=itemgetter("document_id", "template", "table_no")
    ):
        spec = SPECS.get((template, table_no))
        if spec is not None:
            yield document_id, spec, list(table)


def within_table_comparisons(facts: pl.DataFrame) -> list[dict]:
    """Across-row, down-column, level and side sums of every table, per the description."""
    found: list[dict] = []
    for document_id, spec, records in _by_table(facts):
        for rule in spec.sum_rules:
            if rule.direction == "across":
                found += _across(document_id, spec, rule, records)
            elif rule.direction == "down":
                found += _down(document_id, spec, rule, records)
        if spec.layout == "two_sided":
            found += _side(document_id, spec, records)
    return found


def _unprinted_total(
    document_id: str, rule: SumRule, spec: TableSpec, anchor: dict, totals: dict
) -> dict:
    """A side whose total is left blank (上海市审计局 2026: 收入总计 empty, 支出总计 19,577.43):
    the balance cannot be checked, and the document leaves out a figure it must print; a
    warning, never "income differs from expense"."""
    blank = "income" if not totals["income"] else "expense"
    printed = totals["expense" if blank == "income" else "income"]
    blank_zh = {"income": "收入总计", "expense": "支出总计"}[blank]
    row = _row(
        document_id,
        rule.rule_id,
        spec,
        anchor,
        printed,
        [],
        f"{blank_zh}未填列，无法核对收支平衡",
        f"the {blank} total is blank, so the balance cannot be checked",
        subject="收入总计 / 支出总计",
        family="balance",
    )
    return {**row, "severity": "warning", "status": "total_not_printed"}


def balance_comparisons(facts: pl.DataFrame, tables: pl.DataFrame) -> list[dict]:
    """Income total equals expense total on every two-sided table that has a balance rule (the
    expense side read by function where printed, else by use)."""
    found = []
    for document_id, spec, records in _by_table(facts):
        rule = next((r for r in spec.sum_rules if r.direction == "balance"), None)
        if rule is None:
            continue
        totals = {
            section: [
                f
                for f in records
                if (f["section"] or "").startswith(section)
                and f["row_role"] == "total"
                and f["measure"] == rule.total
            ]
            for section in ("income", "expense")
        }
        by_function = [f for f in totals["expense"] if f["section"] == "expense"]
        # expense by function and by use (江苏 收支预算总表) total the same: count one side
        totals["expense"] = by_function or totals["expense"]
        if not totals["income"] and not totals["expense"]:
            continue
        anchor = (totals["expense"] or totals["income"])[0]
        if not totals["income"] or not totals["expense"]:
            found.append(_unprinted_total(document_id, rule, spec, anchor, totals))
            continue
        found.append(
            _row(
                document_id,
                rule.rule_id,
                spec,
                anchor,
                totals["income"],
                totals["expense"],
                "支出总计应等于收入总计",
                "expense total equals income total",
                subject="收入总计 / 支出总计",
                family="balance",
            )
        )
    return found
