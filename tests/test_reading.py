"""The reading verdict: a table's own sums say whether gongkai read it right, and failures on a
table read doubtfully are gongkai's doubt, never the document's error."""

from __future__ import annotations

import polars as pl

from pipelines.quality.gate import ReadingEvidence, gated
from pipelines.quality.reading import table_verdicts
from tests.test_quality import check, fact, quality_input, run, split_row


def read(facts: list[dict]) -> pl.DataFrame:
    return check(facts)


def verdict(results: pl.DataFrame) -> tuple:
    [row] = results.filter(pl.col("check_id") == "reading.table_verdict").to_dicts()
    return row["status"], row["passed"]


def sums(results: pl.DataFrame) -> list[tuple]:
    return (
        results.filter((pl.col("rule_family") == "within_table_sums") & ~pl.col("passed"))
        .select("severity", "status")
        .rows()
    )


def test_a_table_whose_sums_all_hold_is_verified() -> None:
    results = read(split_row("10", "6", "4", row=5) + split_row("20", "15", "5", row=6))
    assert verdict(results) == ("verified", True)


def test_one_failing_sum_among_holding_ones_is_the_documents_error() -> None:
    """A row's total printed 1 over its 基本 + 项目, every other row holding."""
    rows = [split_row(str(10 + n), str(6 + n), "4", row=5 + n) for n in range(4)]
    facts = [f for row in rows for f in row] + split_row("11.00", "6.00", "4.00", row=9)
    results = read(facts)
    assert verdict(results) == ("inconsistent", True)
    assert sums(results) == [("error", None)]


def test_totals_exactly_twice_their_parts_are_a_doubtful_reading() -> None:
    facts = split_row("20", "6", "4", row=5) + split_row("40", "15", "5", row=6)
    results = read(facts)
    assert verdict(results) == ("doubtful", False)
    assert sums(results) == [("info", "reading_doubt"), ("info", "reading_doubt")]
    doubts = results.filter(pl.col("status") == "reading_doubt")["message_zh"].to_list()
    assert all("读取存疑" in message for message in doubts)


def test_the_prose_held_to_a_doubtful_table_is_a_doubt_not_an_error() -> None:
    """A narrative figure that disagrees with a table read doubtfully says nothing of the
    document: the table's reading is what is in doubt."""
    facts = split_row("20", "6", "4", row=5) + split_row("40", "15", "5", row=6)
    results = run(facts)
    prose = results.filter(pl.col("rule_family") == "within_table_sums").head(1)
    prose = prose.with_columns(
        pl.lit("narrative.amount_matches_table").alias("check_id"),
        pl.lit("narrative").alias("rule_family"),
        pl.lit("error").alias("severity"),
    )
    data = quality_input(facts)
    evidence = ReadingEvidence(
        results,
        table_verdicts(results, data.facts),
        data.facts,
        data.codes,
        data.warnings,
        data.documents,
    )
    judged = gated(pl.concat([results, prose]), evidence)
    [row] = judged.filter(pl.col("check_id") == "narrative.amount_matches_table").to_dicts()
    assert (row["severity"], row["status"]) == ("info", "reading_doubt")


def test_a_failure_beside_numbers_the_description_does_not_know_is_doubtful() -> None:
    rows = [split_row(str(10 + n), str(6 + n), "4", row=5 + n) for n in range(4)]
    facts = [f for row in rows for f in row] + split_row("11.00", "6.00", "4.00", row=9)
    facts.append(fact(3, "unrecognised", "3", row=9, column=8))
    results = read(facts)
    assert verdict(results) == ("doubtful", False)
    assert sums(results) == [("info", "reading_doubt")]


def test_a_table_with_nothing_to_sum_is_unverifiable() -> None:
    results = read([fact(3, "total", "10", row=5, column=5)])
    assert verdict(results) == ("unverifiable", None)


def test_the_check_report_tells_a_doubt_as_gongkais_not_as_an_error() -> None:
    from pipelines.quality.report import format_report

    results = read(
        split_row("20.00", "6.00", "4.00", row=5) + split_row("40.00", "15.00", "5.00", row=6)
    )
    report = format_report(results, "d")
    assert "[读取存疑]" in report and "[错误]" not in report


def test_a_sum_off_by_what_an_unread_fragment_adds_up_to_is_a_doubtful_reading() -> None:
    """A table whose last rows ran on to a page the reader did not join: its 合计 is off by
    exactly what that stray table's column adds up to — gongkai's misreading, not the
    document's error."""
    facts = [
        fact(3, "total", "100.00", row=3, role="total", row_label="合计"),
        fact(3, "total", "60.00", row=4, function_code="201"),
        fact(3, "total", "30.00", row=5, function_code="205"),
        fact(1, "unrecognised", "6.00", row=1, column=3, template="unrecognised"),
        fact(1, "unrecognised", "4.00", row=2, column=3, template="unrecognised"),
    ]
    results = read(facts)
    assert verdict(results) == ("doubtful", False)
    assert sums(results) == [("info", "reading_doubt")]


def test_totals_exactly_three_times_their_parts_are_a_doubtful_reading() -> None:
    """类, 款 and 项 rows all added as items: each total three times what it should be."""
    facts = split_row("30", "6", "4", row=5) + split_row("60", "15", "5", row=6)
    results = read(facts)
    assert verdict(results) == ("doubtful", False)
    assert "三次" in results.filter(pl.col("check_id") == "reading.table_verdict")["message_zh"][0]


def test_unrelated_sums_all_off_by_one_amount_are_a_shifted_reading() -> None:
    rows = [
        split_row(str(20 + n), str(10 + n), "4", row=5 + n, function_code=code)
        for n, code in enumerate(["2010301", "2050201", "2080501", "2210201"])
    ]
    rows += [split_row(str(30 + n), str(20 + n), "10", row=9 + n) for n in range(4)]
    results = read([f for row in rows for f in row])
    assert verdict(results) == ("doubtful", False)
    assert (
        "同一个数" in results.filter(pl.col("check_id") == "reading.table_verdict")["message_zh"][0]
    )


def test_rows_each_off_by_their_own_figure_in_one_column_are_a_misread_column() -> None:
    """Last year's project figures read as a second 项目支出 column: every row's parts exceed
    its total by exactly that column's figure."""
    rows = [split_row(str(10 + n), str(6 + n), "4", row=5 + n) for n in range(6)]
    facts = [f for row in rows for f in row]
    facts += [fact(3, "project_expenditure", "3", row=5, column=8)]
    facts += [fact(3, "project_expenditure", "2.5", row=6, column=8)]
    results = read(facts)
    assert verdict(results) == ("doubtful", False)
    assert "第8栏" in results.filter(pl.col("check_id") == "reading.table_verdict")["message_zh"][0]


def test_rows_off_by_their_own_figure_in_a_column_the_rule_does_not_add_are_doubtful() -> None:
    """湖州市交通运输局 2026 表3 (p.26): 航道维护 9,562.90 is 基本 + 项目 + 事业单位经营支出 200.00,
    and 21401, 214 and 合计 print the same 200; a sum that added only 基本 and 项目 failed by
    exactly each row's own 200 — the rule's gap, not the document's."""
    rows = [
        split_row("1204", "500", "500", row=5 + n, function_code=code)
        for n, code in enumerate(["214", "21401", "2140123"])
    ]
    rows += [split_row(str(10 + n), str(6 + n), "4", row=8 + n) for n in range(6)]
    facts = [f for row in rows for f in row]
    facts += [fact(3, "general_public_budget", "204", row=5 + n, column=8) for n in range(3)]
    assert verdict(read(facts)) == ("doubtful", False)


def test_an_expenditure_total_adds_the_operating_expenditure_it_prints() -> None:
    """The same rows read with the 事业单位经营支出 column: every sum holds."""
    rows = [
        split_row("9562.90", "4063.06", "5299.85", row=5 + n, function_code=code)
        for n, code in enumerate(["214", "21401", "2140123"])
    ]
    facts = [f for row in rows for f in row]
    facts += [fact(3, "operating_expenditure", "200.00", row=5 + n, column=8) for n in range(3)]
    results = read(facts)
    assert verdict(results) == ("verified", True)
    across = results.filter(pl.col("check_id") == "across.total_is_basic_plus_project")
    assert "基本支出＋项目支出＋经营支出" in across["message_zh"][0]
