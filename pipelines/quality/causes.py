"""One finding per root cause: a wrong cell and the sums it breaks are told once, at the cell.

A cell printed wrong breaks its row's sum and its column's, and the same gap runs up through
every parent row and into the tables that repeat the figure. The failing arithmetic checks of a
document that share one gap (to within the rounding of a few figures) and lie on one line of
codes — the most specific code, its parents, the totals — or mirror each other (201 short by
what 208 is over) are one finding: the most specific check keeps it, with its consequences
listed, and the others become `consequence` rows (severity info) naming it.

Where one printed cell explains every check of the group — it is read by all of them, or by
the root check and lies in the one column all of them read along a line of codes (a 项目支出
cell, its 款 and 类 rows' and the column total's) — the finding names that cell, with what it
should be to make them all hold (应为) against what is printed (实为), in the unit the table
prints (元 tables in 元), and points at it.
"""

from __future__ import annotations

import re
from decimal import Decimal

import polars as pl

from pipelines.quality.frame import ARITHMETIC_FAMILIES, amount_text

SAME_GAP = Decimal("0.05")  # two gaps this close are one gap, rounded differently
CODE = re.compile(r"^(\d{3,7})\b")


def _code(subject: str) -> str:
    found = CODE.match(subject or "")
    return found.group(1) if found else ""


def related(rows: list[dict]) -> bool:
    """Whether checks sharing a gap lie on one line of codes (each code the start of the most
    specific one, or no code: a total), or mirror each other in one rule."""
    codes = [_code(r["subject"]) for r in rows]
    deepest = max(codes, key=len)
    if deepest and all(deepest.startswith(code) for code in codes):
        return True
    signs = {r["difference"] > 0 for r in rows}
    return len({r["check_id"] for r in rows}) == 1 and signs == {True, False}


def _groups(failing: list[dict]) -> list[list[dict]]:
    """Failing checks whose gaps are one gap, in order of size."""
    ordered = sorted(failing, key=lambda r: abs(r["difference"]))
    groups: list[list[dict]] = []
    for row in ordered:
        if groups and abs(row["difference"]) - abs(groups[-1][-1]["difference"]) <= SAME_GAP:
            groups[-1].append(row)
        else:
            groups.append([row])
    return [group for group in groups if len(group) > 1 and related(group)]


def _where(row: dict) -> str:
    return (
        f"表{row['table_no']}「{row['subject']}」" if row["table_no"] else f"「{row['subject']}」"
    )


def _cell(read: dict) -> tuple:
    return (read["template"], read["table_no"], read["page"], read["row"], read["column"])


def _blamed(root: dict, group: list[dict]) -> dict | None:
    """The printed cell that explains every failing check of a group, as the root check reads
    it (with its side of the comparison), or None where no one cell does."""
    cells = [{_cell(read): read for read in row["reads"] or () if read["row"]} for row in group]
    candidates = list(cells[group.index(root)].values())
    if not candidates:
        return None
    in_all = [read for read in candidates if all(_cell(read) in found for found in cells)]
    if len(in_all) == 1:
        return in_all[0]
    codes = [_code(row["subject"]) for row in group]
    deepest = max(codes, key=len)
    if not deepest or not all(deepest.startswith(code) for code in codes):
        return None  # checks that mirror each other (201 short by what 208 is over): no one cell

    def column(read: dict) -> tuple:
        return read["template"], read["table_no"], read["column"]

    along = [
        read
        for read in candidates
        if all(any(column(other) == column(read) for other in found.values()) for found in cells)
    ]
    return along[0] if len(along) == 1 else None


def _printed(amount_wan: Decimal, unit: str) -> str:
    """An amount in 万元 as the table prints it: 元 tables in 元."""
    if unit == "元":
        return f"{amount_text(amount_wan * 10000)} 元"
    return amount_text(amount_wan)


def _told_at_cell(root: dict, read: dict, fact: dict, group: list[dict]) -> dict:
    """The root finding told at the cell that explains the group: what the cell should be for
    the root's sum to hold, against what it prints."""
    printed = fact["amount"]
    should = printed - read["side"] * root["difference"]
    unit = fact["published_unit"] or "万元"
    where_zh = f"表{fact['table_no']}「{_subject(fact)}」{fact['column_label']}"
    where_en = f"table {fact['table_no']} '{_subject(fact)}' {fact['column_label']}"
    checks = len(group)
    return {
        "subject": f"{_subject(fact)} / {fact['column_label']}",
        "expected": amount_text(should),
        "observed": amount_text(printed),
        "difference": printed - should,
        "message_zh": f"{where_zh}：应为 {_printed(should, unit)}，实为 {fact['raw_text']}"
        f"（此格使{checks}项核对不符：{root['message_zh']}）",
        "message_en": f"{where_en}: should be {_printed(should, unit)}, printed "
        f"{fact['raw_text']} (it breaks {checks} checks: {root['message_en']})",
        "source_line": fact["source_line"],
        "source_page": fact["source_page"],
        "source_row": fact["source_row"],
        "source_column": fact["source_column"],
    }


def _subject(fact: dict) -> str:
    code = fact["function_code"] or fact["economic_code"]
    return " ".join(p for p in (code, fact["row_label"], fact["project_name"]) if p) or "合计"


def with_root_causes(results: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """The results with each group of failures one gap explains told once: the root keeps its
    finding — at the cell that explains them all, where one does — and lists its consequences;
    each consequence is an info row naming the root."""
    failing = results.with_row_index("row").filter(
        pl.col("rule_family").is_in(ARITHMETIC_FAMILIES)
        & (pl.col("passed") == False)  # noqa: E712
        & (pl.col("severity") == "error")
        & pl.col("status").is_null()
        & pl.col("difference").is_not_null()
    )
    updates: dict[int, dict] = {}
    for (document_id,), document in failing.group_by("document_id"):
        printed = None
        for group in _groups(document.to_dicts()):
            root = max(group, key=lambda r: (len(_code(r["subject"])), -(r["table_no"] or 0)))
            others = [r for r in group if r is not root]
            listed_zh = "、".join(_where(r) for r in others)
            listed_en = ", ".join(f"table {r['table_no']} {r['subject']}" for r in others)
            told = {
                "message_zh": f"{root['message_zh']}（连带不符：{listed_zh}）",
                "message_en": f"{root['message_en']} (it also breaks: {listed_en})",
            }
            if (read := _blamed(root, group)) is not None:
                if printed is None:
                    printed = _cells(facts, document_id)
                if (fact := printed.get(_cell(read))) is not None:
                    told = _told_at_cell({**root, **told}, read, fact, group)
            updates[root["row"]] = told
            for other in others:
                updates[other["row"]] = {
                    "severity": "info",
                    "status": "consequence",
                    "message_zh": f"{other['message_zh']}（由{_where(root)}的不符所致）",
                    "message_en": f"{other['message_en']} (a consequence of table "
                    f"{root['table_no']} {root['subject']})",
                }
    if not updates:
        return results
    rows = results.to_dicts()
    for index, update in updates.items():
        rows[index].update(update)
    return pl.DataFrame(rows, schema=results.schema)


def _cells(facts: pl.DataFrame, document_id: str) -> dict[tuple, dict]:
    """A document's facts by the cell they were printed in."""
    return {
        (f["template"], f["table_no"], f["source_page"], f["source_row"], f["source_column"]): f
        for f in facts.filter(pl.col("document_id") == document_id).to_dicts()
    }
