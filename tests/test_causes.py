"""One finding per root cause: a wrong cell and the parent rows its gap runs up through are
told once, at the cell, with the others listed as its consequences."""

from __future__ import annotations

import polars as pl

from pipelines.extract import FACT_SCHEMA
from pipelines.quality.causes import with_root_causes
from tests.test_quality import check, fact, run, split_row


def rooted(facts: list[dict]) -> pl.DataFrame:
    return with_root_causes(run(facts), pl.DataFrame(facts, schema=FACT_SCHEMA))


def told(results: pl.DataFrame) -> list[tuple]:
    failed = results.filter((pl.col("rule_family") == "within_table_sums") & ~pl.col("passed"))
    return sorted(failed.select("subject", "severity", "status").rows())


def test_a_gap_running_up_through_the_parents_is_one_finding_at_the_deepest_code() -> None:
    """A 项 row's total printed 200 over its 基本 + 项目, and its 款 and 类 rows above it repeat
    the gap."""
    facts = (
        split_row("1200.00", "500.00", "500.00", row=5, function_code="214")
        + split_row("1200.00", "500.00", "500.00", row=6, function_code="21401")
        + split_row("1200.00", "500.00", "500.00", row=7, function_code="2140123")
    )
    results = rooted(facts)
    assert told(results) == [
        ("214", "info", "consequence"),
        ("21401", "info", "consequence"),
        ("2140123", "error", None),
    ]
    [root] = results.filter(
        (pl.col("rule_family") == "within_table_sums")
        & ~pl.col("passed")
        & (pl.col("severity") == "error")
    ).to_dicts()
    assert "连带不符" in root["message_zh"] and "21401" in root["message_zh"]


def test_equal_gaps_in_unrelated_classes_stay_two_findings() -> None:
    facts = split_row("1200.00", "500.00", "500.00", row=5, function_code="201") + split_row(
        "1200.00", "500.00", "500.00", row=6, function_code="208"
    )
    assert told(rooted(facts)) == [("201", "error", None), ("208", "error", None)]


def _project_cell_wrong(unit: str = "万元", scale: int = 1) -> list[dict]:
    """行政运行 prints 项目支出 3 though its 合计 is its 基本支出 alone; the 项目支出 column's 合计
    leaves the 3 out."""
    rows = [
        ("2010301", "10", "6", "4", 5),
        ("2010350", "20", "20", "3", 6),
        (None, "30", "26", "4", 7),
    ]
    facts = []
    for code, total, basic, project, row in rows:
        role = "item" if code else "total"
        for measure, label, amount, column in (
            ("total", "合计", total, 5),
            ("basic_expenditure", "基本支出", basic, 6),
            ("project_expenditure", "项目支出", project, 7),
        ):
            facts.append(
                {
                    **fact(3, measure, amount, row=row, column=column, role=role),
                    "column_label": label,
                    "function_code": code,
                    "row_label": "合计" if not code else None,
                    "published_unit": unit,
                    "raw_text": str(int(amount) * scale),
                }
            )
    return facts


def test_the_cell_that_breaks_its_row_and_its_column_is_the_finding() -> None:
    """One finding, at the 项目支出 cell both failing sums read, with what it should be."""
    results = check(facts=_project_cell_wrong())
    [root] = _errors(results)
    assert (root["source_row"], root["source_column"]) == (6, 7)
    assert (root["expected"], root["observed"]) == ("0", "3")
    assert root["message_zh"].startswith("表3「2010350」项目支出：应为 0，实为 3（此格使2项核对")
    [consequence] = results.filter(pl.col("status") == "consequence").to_dicts()
    assert consequence["subject"] == "合计 / 项目支出"


def test_the_cell_is_told_in_the_unit_its_table_prints() -> None:
    """A 元 table's cell: 应为 and 实为 in 元, as printed."""
    results = check(facts=_project_cell_wrong("元", 10000))
    [root] = _errors(results)
    assert "应为 0 元，实为 30000" in root["message_zh"]


def _errors(results: pl.DataFrame) -> list[dict]:
    return results.filter(
        (pl.col("rule_family") == "within_table_sums")
        & (pl.col("severity") == "error")
        & ~pl.col("passed")
    ).to_dicts()
