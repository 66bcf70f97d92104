"""Narrative claims: every figure of 第三部分 of both seeds, against a hand-read list.

`golden/seed_claims.csv` was written by reading the two seeds sentence by sentence,
independently of the parser: one row per subject with its amount, share and changes."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.narrative import canonical_subject

GOLDEN = Path(__file__).parent / "golden" / "seed_claims.csv"
FIELDS = (
    "subject",
    "amount",
    "unit",
    "share_percent",
    "change_amount",
    "change_direction",
    "change_percent",
    "change_percent_direction",
)


def _value(text: str | None):
    if text in (None, ""):
        return None
    try:
        return Decimal(text).normalize()
    except ArithmeticError:
        return text


def golden(seed: str) -> list[tuple]:
    with GOLDEN.open(encoding="utf-8") as handle:
        return [
            (int(r["line"]), *(_value(r[f]) for f in FIELDS))
            for r in csv.DictReader(handle)
            if r["seed"] == seed
        ]


def parsed(result) -> list[tuple]:
    rows = result.claims.select("source_line", *FIELDS).rows()
    return [
        (line, *(_value(str(v)) if v is not None else None for v in values))
        for line, *values in rows
    ]


@pytest.mark.parametrize("seed", ["000", "004"])
def test_every_figure_of_the_narrative_is_one_claim_with_its_subject(extracted, seed) -> None:
    assert parsed(extracted[seed]) == golden(seed)


def test_a_change_reveals_last_years_figure(extracted) -> None:
    claims = extracted["000"].claims
    [basic] = claims.filter(claims["subject"] == "基本支出").to_dicts()
    assert (basic["change_wan"], basic["prior_year_wan"]) == (Decimal("65.28"), Decimal("1237.34"))


def test_a_direction_left_as_the_template_wrote_it_is_unspecified(extracted) -> None:
    claims = extracted["000"].claims
    [budget] = claims.filter(
        (claims["subject"] == "一般公共预算") & claims["share_percent"].is_not_null()
    ).to_dicts()
    assert (
        budget["change_amount"],
        budget["change_direction"],
        budget["change_wan"],
        budget["prior_year_wan"],
    ) == (Decimal("102.16"), "unspecified", None, None)


def test_amounts_written_in_yuan_are_converted_and_kept_as_printed(extracted) -> None:
    claims = extracted["004"].claims
    [running] = claims.filter(claims["subject"].str.ends_with("事业运行")).to_dicts()
    assert (running["amount"], running["unit"], running["amount_wan"]) == (
        Decimal("52.81"),
        "元",
        Decimal("0.005281"),
    )


@pytest.mark.parametrize(
    ("subject", "measure", "function_code", "economic_code"),
    [
        ("一般公共预算", "general_public_budget", None, None),
        ("基本支出", "basic_expenditure", None, None),
        ("一般公共服务支出", None, "201", None),
        ("基本工资", None, None, "30101"),
        ("公务接待费", "reception", None, "30217"),
        ("收支总预算", None, None, None),
    ],
)
def test_subjects_map_to_canonical_measures_and_codes(
    subject, measure, function_code, economic_code
) -> None:
    canonical = canonical_subject(subject)
    assert (canonical.measure, canonical.function_code, canonical.economic_code) == (
        measure,
        function_code,
        economic_code,
    )


CORPUS = Path(__file__).resolve().parent.parent / "data" / "raw" / "corpus"


def _claims(name: str):
    from pipelines.extract import extract_file

    return extract_file(CORPUS / name, CORPUS)


def test_a_narrative_under_any_familys_headings_is_read() -> None:
    """上海市普陀区人民政府办公室 2025 has no 第三部分: its 2025年部门预算编制说明 and its
    其他相关情况说明 (三公, 机关运行经费, 政府采购) are the narrative; 湖州市财政局 2026's is
    二、…部门预算安排情况说明. A change on 2024年预算 belongs to the figure before it."""
    putuo = _claims("2025_yusuan_shanghai-putuo_qzf-bgs_dept.pdf").claims
    income = putuo.filter(putuo["subject"] == "财政拨款收入").row(0, named=True)
    assert (income["amount_wan"], income["change_wan"]) == (Decimal("9101.68"), Decimal("-2389.52"))
    assert putuo.filter(putuo["section"].str.contains("三公", literal=True)).height > 0
    huzhou = _claims("2026_yusuan_zhejiang-huzhou_caizhengju.pdf").claims
    assert huzhou.filter(huzhou["subject"] == "一般公共预算拨款收入")["amount_wan"].to_list() == [
        Decimal("6838.41")
    ]


def test_a_class_named_by_its_path_resolves_to_its_code() -> None:
    """上海: “一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目1,202.95万元."""
    assert canonical_subject(
        "一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行"
    ).function_code == ("2010301")


def test_shares_listed_together_are_shares_of_their_own_total() -> None:
    """湖州市财政局 2026: 人员支出 4944.99 万元，占72.3%；日常公用支出 626.67 万元，占 9.2%；
    项目支出1266.75 万元，占 18.5% — of their sum, 6838.41, and they hold."""
    import polars as pl

    from expectations.runner import judge_sql
    from pipelines.quality import QualityInput, comparisons

    huzhou = _claims("2026_yusuan_zhejiang-huzhou_caizhengju.pdf")
    results = judge_sql(comparisons(QualityInput.from_result(huzhou)))
    shares = results.filter(
        (pl.col("check_id") == "narrative.share_recomputes")
        & pl.col("subject").is_in(["人员支出", "日常公用支出", "项目支出"])
    )
    assert shares.height == 3 and shares["passed"].all()
    assert all("所列各项合计6838.41" in m for m in shares["message_zh"])


def test_a_figure_rounded_in_the_prose_is_rounding_not_an_error() -> None:
    """上海市刑事科学技术研究院 2026: 收入预算7,072万元 against the table's 70,716,064 元 is
    within the half 万元 the prose's rounding allows."""
    from pipelines.quality.narrative import _printed_rounding

    assert _printed_rounding({"amount": Decimal("7072"), "unit": "万元"}) == Decimal("0.5")
    assert _printed_rounding({"amount": Decimal("4651.67"), "unit": "万元"}) == Decimal("0.005")


def test_a_narrative_with_no_figure_read_is_not_evaluated_rather_than_passed() -> None:
    """岳阳县台创园 2017's page holds the 三公 table and notes, no narrative figure: its narrative
    rules are undecided, and the check report does not call them passed."""
    import polars as pl

    from expectations.runner import judge_sql
    from pipelines.extract import extract_file
    from pipelines.quality import QualityInput, judged
    from pipelines.quality.report import format_report

    page = (
        Path(__file__).parent
        / "fixtures/text/2017_yusuan_hunan-yueyang_taichuangyuan_sangong.page.txt"
    )
    results = judged(QualityInput.from_result(extract_file(page, page.parent)), judge_sql)
    narrative = results.filter(pl.col("rule_family") == "narrative")
    assert narrative.select("status", "passed").rows() == [("not_evaluated", None)]
    line = next(x for x in format_report(results, "d").splitlines() if x.startswith("narrative"))
    assert "1 项无法核实" in line and "全部通过" not in line


def _share_findings(name: str):
    import polars as pl

    from expectations.runner import judge_sql
    from pipelines.quality import QualityInput, judged

    results = judged(QualityInput.from_result(_claims(name)), judge_sql)
    return results.filter(
        (pl.col("check_id") == "narrative.share_recomputes") & (pl.col("passed") == False)  # noqa: E712
    ).sort("severity")


def test_shares_of_another_total_than_the_one_they_name_are_one_error() -> None:
    """江苏省人大常委会办公厅 2017: 出国 222.5 “占‘三公’经费的 8.75%”, 车 7.22%, 接待 16.81% are
    shares of the 三公 table's 2,542.60 合计 with 会议费 and 培训费, not of its 三公 833.60:
    the document names the wrong base, once, on table 9."""
    found = _share_findings("2017_yusuan_jiangsu_renda-changweihui-bgt.pdf")
    assert found.select("severity", "status").rows() == [
        ("error", None),
        ("info", "consequence"),
        ("info", "consequence"),
    ]
    error = found.row(0, named=True)
    assert (error["subject"], error["table_no"]) == ("因公出国（境）费支出", 9)
    assert "2542.6万元" in error["message_zh"]


def test_shares_that_miss_their_base_by_a_little_stay_warnings() -> None:
    """江苏省检察院 2017: 26.72%, 54.43% and 18.85% of the 三公 584.35 are off by 0.03–0.07
    points, and of no other total: which figures the percentages came from is not known, so
    they are warnings, not errors."""
    found = _share_findings("2017_yusuan_jiangsu_jianchayuan.pdf")
    assert found["severity"].to_list() == ["warning"] * 3
