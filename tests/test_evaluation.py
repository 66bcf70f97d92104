"""`gongkai eval`'s measures: the independent reading of printed amounts, and each metric as a
function of small frames; then all of them on three real corpus documents."""

from __future__ import annotations

import shutil
from decimal import Decimal

import polars as pl
import pytest

from pipelines.evaluation import TRUTH_DIR, measure
from pipelines.evaluation.metrics import (
    consistency,
    error_verdicts,
    key_figures,
    known_findings,
    page_coverage,
)
from pipelines.evaluation.printed import PrintedPage, line_amounts, printed_pages, text_amounts
from pipelines.evaluation.report import render
from tests.conftest import RAW_DIR

D = Decimal


def test_a_code_and_its_label_are_not_amounts() -> None:
    assert line_amounts("303 对个人和家庭的补助 5,907.17") == [D("5907.17")]


def test_split_codes_before_a_label_mid_line_are_not_amounts() -> None:
    line = "0 204 公共安全支出 1,633,000 1,633,000 204 06 司法 300,000"
    assert line_amounts(line) == [D("1633000"), D("1633000"), D("300000")]


def test_figures_with_a_unit_word_are_prose_not_table_cells() -> None:
    assert line_amounts("比上年增加 86.05 万元，增长 5%") == []


def test_a_unit_word_wrapped_to_the_next_line_still_marks_prose() -> None:
    lines = ["省检察院 2017 年度财政拨款收、支总预算 17981.68", "万元。与上年相比"]
    assert text_amounts(lines) == []


def test_a_unit_word_letter_spaced_or_split_over_two_lines_still_marks_prose() -> None:
    """湖州市卫生健康委员会 2026 p.7 justifies its prose (政 府 性 基 金 收 入 27600.00
    万 元); 苏州市科学技术局 2026 p.35 breaks a line between 万 and 元; a count's unit at a
    line's end stays one."""
    assert line_amounts("政 府 性 基 金 收 入 27600.00 万 元 ， 占 5.4%；") == []
    assert text_amounts(["收、支总计各减少 178,341.83 万", "元，减少 48.92%。"]) == []
    assert text_amounts(["信息 3000 次", "满意度指标 服务对象满"]) == []


def test_a_budget_units_code_before_its_name_is_not_an_amount() -> None:
    """苏州市交通运输局 2026 收入总表 prints each unit's code before its name."""
    assert (
        line_amounts(" 123001 苏州市交通运输局 201,457.56 201,457.56 201,457.56")
        == [D("201457.56")] * 3
    )


def test_a_number_after_a_label_naming_a_code_is_a_code() -> None:
    assert line_amounts("部门名称 泉州市公安局 部门预算编码 301") == []


def test_row_numbers_years_and_page_numbers_are_not_amounts() -> None:
    assert line_amounts("一般公共预算财政拨款收入 1 2,940.05") == [D("2940.05")]
    assert line_amounts("2017 年度 部门预算") == []
    assert line_amounts("— 12 —") == []


def test_whole_amounts_in_yuan_count() -> None:
    assert line_amounts("支出合计 | 250000 | 公务接待费 | 150000") == [D("250000"), D("150000")]


def facts(*pages_and_texts: tuple[int, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"source_page": p, "raw_text": t} for p, t in pages_and_texts],
        schema={"source_page": pl.Int32, "raw_text": pl.String},
    )


def test_coverage_matches_each_printed_amount_once_on_its_page() -> None:
    printed = [PrintedPage(3, (D("235.00"), D("235.00"), D("105.00")))]
    coverage = page_coverage("a.pdf", printed, facts((3, "235.00"), (3, "1,963.45"), (4, "105")))
    row = coverage.row(0, named=True)
    assert (row["printed"], row["read"], row["facts"], row["facts_unprinted"]) == (3, 1, 2, 1)


def test_a_lost_continuation_page_counts_though_no_table_was_found_on_it() -> None:
    printed = [PrintedPage(16, (D("235.00"), D("105.00"), D("265.00"))), PrintedPage(17, (D("1"),))]
    coverage = page_coverage("a.pdf", printed, facts())
    assert coverage.select("page", "printed", "read").rows() == [(16, 3, 0)]


def test_text_set_outside_the_page_is_not_printed() -> None:
    """江苏省人大 2017 p.11 prints 财政拨款支出预算表 (19 amounts) and holds p.12's two tables
    again below its bottom edge, where no reader or printer shows them (合计 7,666.68)."""
    data = (RAW_DIR / "corpus" / "2017_yusuan_jiangsu_renda-changweihui-bgt.pdf").read_bytes()
    page = printed_pages(data)[10]
    assert len(page.amounts) == 19
    assert Decimal("13649.07") in page.amounts
    assert Decimal("7666.68") not in page.amounts


def test_small_whole_facts_are_left_out_as_the_second_reading_leaves_them_out() -> None:
    printed = [PrintedPage(1, (D("135200"), D("135200"), D("250000")))]
    coverage = page_coverage("a.pdf", printed, facts((1, "135,200"), (1, "0"), (1, "12")))
    assert coverage.select("read", "facts", "facts_unprinted").row(0) == (1, 1, 0)


RESULTS_SCHEMA = {
    "document_id": pl.String,
    "source_file": pl.String,
    "rule_family": pl.String,
    "severity": pl.String,
    "passed": pl.Boolean,
    "topic": pl.String,
    "subject": pl.String,
    "message_zh": pl.String,
    "difference": pl.Decimal(24, 6),
}


def results(*rows: tuple) -> pl.DataFrame:
    """Judged checks; a row's status (rounding, …) is None unless given last."""
    rows = [row if len(row) > len(RESULTS_SCHEMA) else (*row, None) for row in rows]
    return pl.DataFrame(rows, schema={**RESULTS_SCHEMA, "status": pl.String}, orient="row")


def test_consistency_counts_decided_arithmetic_checks_and_failed_errors() -> None:
    frame = results(
        ("d", "a.pdf", "within_table_sums", "error", True, "expenditure", "合计", "", None),
        ("d", "a.pdf", "within_table_sums", "error", False, "expenditure", "302", "", D("0.01")),
        ("d", "a.pdf", "code_validity", "warning", None, None, "20139", "", None),
        ("d", "a.pdf", "narrative", "warning", False, None, "出国", "", None),
    )
    row = consistency(frame).row(0, named=True)
    assert (row["arithmetic_checks"], row["arithmetic_passed"]) == (2, 1)
    assert (row["errors"], row["warnings"]) == (1, 1)


def test_consistency_counts_the_checks_failing_by_rounding_apart() -> None:
    frame = results(
        (
            "d",
            "a.pdf",
            "within_table_sums",
            "info",
            False,
            "expenditure",
            "302",
            "",
            D("0.01"),
            "rounding",
        ),
        ("d", "a.pdf", "cross_table", "error", False, "expenditure", "201", "", D("3.00"), "fail"),
    )
    row = consistency(frame).row(0, named=True)
    assert (row["arithmetic_checks"], row["arithmetic_passed"], row["arithmetic_rounding"]) == (
        2,
        0,
        1,
    )


TRUTH = {
    "file": "a.pdf",
    "table_class": "three_public",
    "section": "",
    "row": "",
    "measure": "total",
    "basis": "",
    "amount_wan": "833.60",
}


def test_a_key_figure_counts_only_with_its_meaning() -> None:
    read = pl.DataFrame(
        {
            "source_file": ["a.pdf"],
            "topic": ["three_public"],
            "section": [None],
            "row_role": ["item"],
            "function_code": [None],
            "economic_code": [None],
            "measure": ["three_public_meeting_training"],
            "basis": ["budget"],
            "amount": [D("833.60")],
        }
    )
    figure = key_figures(pl.DataFrame([TRUTH]), read).row(0, named=True)
    assert (figure["found"], figure["amount_elsewhere"]) == (False, True)
    right = read.with_columns(measure=pl.lit("total"))
    assert key_figures(pl.DataFrame([TRUTH]), right)["found"].to_list() == [True]


def known(kind: str, subject: str, difference: str, expected_class: str) -> dict:
    """A row of the hand-read findings truth about a.pdf's general-budget basic table."""
    return {
        "file": "a.pdf",
        "kind": kind,
        "table_class": "general_budget_basic",
        "subject": subject,
        "difference": difference,
        "expected_class": expected_class,
        "note": "",
    }


def test_a_reading_trap_holds_only_without_an_error_or_warning_on_its_table() -> None:
    truth = pl.DataFrame(
        [
            known("trap", "", "", "none"),
            known("real", "302", "0.01", "rounding"),
        ]
    )
    failed = results(
        (
            "d",
            "a.pdf",
            "within_table_sums",
            "error",
            False,
            "general_budget_basic",
            "302 商品和服务支出",
            "",
            D("0.01"),
        ),
    )
    outcomes = known_findings(truth, failed)
    assert outcomes["outcome"].to_list() == ["reported", "found"]
    assert outcomes["class_right"].to_list() == [False, False]  # an error, not `rounding`


def test_each_error_finding_gets_its_hand_checked_verdict() -> None:
    """Precision is measured, not assumed: an error matching a real inconsistency of the truth
    is real, one matching a reading trap a misreading, any other unchecked."""
    truth = pl.DataFrame([known("real", "302", "", "error"), known("trap", "301", "", "none")])
    failed = results(
        *(
            (
                "d",
                "a.pdf",
                "within_table_sums",
                severity,
                False,
                "general_budget_basic",
                code,
                "",
                None,
            )
            for severity, code in (
                ("error", "302"),
                ("error", "301"),
                ("error", "399"),
                ("info", "303"),
            )
        )
    ).with_columns(check_id=pl.lit("down.level_is_sum_of_next_level"), table_no=pl.lit(8))
    verdicts = error_verdicts(truth, failed)
    assert verdicts.select("subject", "verdict").rows() == [
        ("302", "real"),
        ("301", "misreading"),
        ("399", "unchecked"),
    ]


THREE = (
    "2017_yusuan_jiangsu_jianchayuan.pdf",
    "2024_yusuan_shanghai-putuo_wanli-jiedao.pdf",
    "2024_juesuan_shanghai-putuo_caizhengju.pdf",
)


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    from pipelines.build import build

    corpus = tmp_path_factory.mktemp("corpus")
    for name in THREE:
        shutil.copy(RAW_DIR / "corpus" / name, corpus / name)
    warehouse = tmp_path_factory.mktemp("eval") / "gongkai.duckdb"
    build(corpus, warehouse)
    return measure(corpus, warehouse, [], TRUTH_DIR)


def test_three_corpus_documents_are_loaded_and_measured(evaluated) -> None:
    assert evaluated.files["status"].to_list() == ["loaded"] * 3
    assert evaluated.coverage["source_file"].unique().sort().to_list() == sorted(THREE)


def test_every_key_figure_of_the_three_is_found_with_its_meaning(evaluated) -> None:
    figures = evaluated.key_figures.filter(pl.col("file").is_in(THREE))
    assert figures.height > 30
    assert figures.filter(~pl.col("found")).rows() == []


def test_the_coverage_of_the_three_is_what_their_pages_print(evaluated) -> None:
    coverage = evaluated.coverage.group_by("source_file").agg(pl.col("printed", "read").sum())
    shares = {f: r / p for f, p, r in coverage.select("source_file", "printed", "read").rows()}
    assert shares["2017_yusuan_jiangsu_jianchayuan.pdf"] > 0.99
    assert shares["2024_juesuan_shanghai-putuo_caizhengju.pdf"] > 0.95


def test_the_report_ends_its_first_paragraph_with_the_summary_line(evaluated) -> None:
    page = render(evaluated, "gongkai eval corpus")
    assert evaluated.summary_line() in page
    assert page.count("## ") >= 9


def test_performance_forms_funds_count_as_read_on_their_page(tmp_path) -> None:
    from pipelines.build import build
    from pipelines.evaluation import _frames
    from tests.conftest import KEZHOU

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(KEZHOU, raw / KEZHOU.name)
    warehouse = tmp_path / "gongkai.duckdb"
    build(raw, warehouse)
    amounts = _frames(warehouse)["form_amounts"]
    # five forms, each with its 年度资金总额 and 财政拨款 (其他资金 is blank)
    assert sorted(Decimal(text) for text in amounts["raw_text"]) == [
        D(7), D(7), D(17), D(17), D(40), D(40), D(50), D(50), D(60), D(60)
    ]  # fmt: skip


def test_a_failure_within_rounding_is_told_as_rounding() -> None:
    truth = pl.DataFrame([known("real", "302", "0.02", "rounding")])
    failed = results(
        (
            "d",
            "a.pdf",
            "within_table_sums",
            "info",
            False,
            "general_budget_basic",
            "302 商品和服务支出",
            "",
            D("0.02"),
            "rounding",
        ),
    )
    outcome = known_findings(truth, failed).row(0, named=True)
    assert (outcome["outcome"], outcome["severities"], outcome["class_right"]) == (
        "found",
        "rounding",
        True,
    )


def test_the_report_counts_tables_of_text_apart_from_unrecognised_tables() -> None:
    from pipelines.evaluation.report import _text_tables

    documents = pl.DataFrame({"text_tables": [1, 0, 2], "unit_rosters": [1, 0, 1]})
    assert _text_tables(documents) == [
        "Tables of text, kept as text (`v_text_tables`), not as disclosure tables: 3 in 2 "
        "documents, 2 of them unit rosters (单位构成)."
    ]
