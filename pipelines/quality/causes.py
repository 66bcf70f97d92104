"""One finding per root cause: a wrong cell and the sums it breaks are told once.

A cell printed wrong breaks its row's sum, and the same gap runs up through every parent row
and into the tables that repeat the figure (湖州市交通运输局 2026: 2140123 航道维护 9,562.90 over
基本 + 项目 9,362.91, then 21401, 214, 合计 and 表7's 合计, each 199.99–200 off). The failing
arithmetic checks of a document that share one gap (to within the rounding of a few figures) and
lie on one line of codes — the most specific code, its parents, the totals — or mirror each
other (201 short by what 208 is over) are one finding: the most specific check keeps it, with
its consequences listed, and the others become `consequence` rows (severity info) naming it.
"""

from __future__ import annotations

import re
from decimal import Decimal

import polars as pl

from pipelines.quality.frame import ARITHMETIC_FAMILIES

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


def with_root_causes(results: pl.DataFrame) -> pl.DataFrame:
    """The results with each group of failures one gap explains told once: the root keeps its
    finding and lists its consequences; each consequence is an info row naming the root."""
    failing = results.with_row_index("row").filter(
        pl.col("rule_family").is_in(ARITHMETIC_FAMILIES)
        & (pl.col("passed") == False)  # noqa: E712
        & (pl.col("severity") == "error")
        & pl.col("status").is_null()
        & pl.col("difference").is_not_null()
    )
    updates: dict[int, dict] = {}
    for _, document in failing.group_by("document_id"):
        for group in _groups(document.to_dicts()):
            root = max(group, key=lambda r: (len(_code(r["subject"])), -(r["table_no"] or 0)))
            others = [r for r in group if r is not root]
            listed_zh = "、".join(_where(r) for r in others)
            listed_en = ", ".join(f"table {r['table_no']} {r['subject']}" for r in others)
            updates[root["row"]] = {
                "message_zh": f"{root['message_zh']}（连带不符：{listed_zh}）",
                "message_en": f"{root['message_en']} (it also breaks: {listed_en})",
            }
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
