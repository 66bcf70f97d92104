"""One finding per root cause: a wrong cell and the parent rows its gap runs up through are
told once, at the cell, with the others listed as its consequences."""

from __future__ import annotations

import polars as pl

from pipelines.quality.causes import with_root_causes
from tests.test_quality import run, split_row


def told(results: pl.DataFrame) -> list[tuple]:
    failed = results.filter((pl.col("rule_family") == "within_table_sums") & ~pl.col("passed"))
    return sorted(failed.select("subject", "severity", "status").rows())


def test_a_gap_running_up_through_the_parents_is_one_finding_at_the_deepest_code() -> None:
    """湖州市交通运输局 2026 表3: 2140123 航道维护 printed 200 over 基本 + 项目, and 21401 and 214
    above it repeat the gap."""
    facts = (
        split_row("1200.00", "500.00", "500.00", row=5, function_code="214")
        + split_row("1200.00", "500.00", "500.00", row=6, function_code="21401")
        + split_row("1200.00", "500.00", "500.00", row=7, function_code="2140123")
    )
    results = with_root_causes(run(facts))
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
    assert told(with_root_causes(run(facts))) == [("201", "error", None), ("208", "error", None)]
