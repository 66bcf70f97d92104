"""Every number of the nine tables of both seeds, against values read off the documents by hand.

`golden/seed_facts.csv` was written by reading the two seeds cell by cell, independently of the
parser; it lists each published number once with its codes, measure and amount.
"""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from .conftest import FACT_IDENTITY

GOLDEN = Path(__file__).parent / "golden" / "seed_facts.csv"
KEY = (*FACT_IDENTITY, "amount")


def _golden(seed: str) -> Counter:
    with GOLDEN.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["seed"] == seed]
    return Counter(
        (
            int(r["table_no"]),
            r["section"] or None,
            r["function_code"] or None,
            r["economic_code"] or None,
            r["project_name"] or None,
            r["row_label"] or None,
            r["measure"],
            Decimal(r["amount"]).normalize(),
        )
        for r in rows
    )


def _parsed(result) -> Counter:
    return Counter(
        (
            r["table_no"],
            r["section"],
            r["function_code"],
            r["economic_code"],
            r["project_name"],
            r["row_label"],
            r["measure"],
            Decimal(r["amount"]).normalize(),
        )
        for r in result.facts.select(KEY).iter_rows(named=True)
    )


@pytest.mark.parametrize("seed", ["000", "004"])
def test_every_published_number_is_one_fact_with_the_right_code_measure_and_amount(
    extracted, seed: str
) -> None:
    golden, parsed = _golden(seed), _parsed(extracted[seed])
    assert parsed - golden == Counter(), "facts not in the documents"
    assert golden - parsed == Counter(), "published numbers missing from the facts"


@pytest.mark.parametrize(
    ("seed", "counts"),
    [
        ("000", {1: 9, 2: 8, 3: 8, 4: 7, 5: 8, 6: 35, 7: 12, 8: 4, 9: 0}),
        ("004", {1: 7, 2: 6, 3: 6, 4: 10, 5: 6, 6: 59, 7: 0, 8: 6, 9: 0}),
    ],
)
def test_fact_count_per_table_equals_the_non_empty_numeric_cells(extracted, seed, counts) -> None:
    inventory = dict(extracted[seed].tables.select("table_no", "fact_count").iter_rows())
    assert inventory == counts


def test_each_fact_keeps_its_raw_text_and_source_line(extracted) -> None:
    facts = extracted["000"].facts
    [fact] = facts.filter(
        (facts["table_no"] == 1) & (facts["measure"] == "superior_special_grant")
    ).to_dicts()
    assert fact["raw_text"] == "17.00" and fact["amount"] == Decimal("17")
    assert fact["source_line"] == 76 and fact["published_unit"] == "万元"


def test_totals_are_flagged_and_items_are_not(extracted) -> None:
    facts = extracted["004"].facts.filter(extracted["004"].facts["table_no"] == 6)
    totals = facts.filter(facts["is_total"])
    assert set(totals["measure"]) == {"total", "personnel", "public_use"}
    assert totals.filter(totals["row_label"] == "合计").height == 3
    # 28 economic-class rows each print their 小计 (a total column) and one part; 合计 prints 3.
    assert facts.filter(~facts["is_total"]).height == 28
    assert totals.height == 28 + 3


def test_amounts_in_yuan_are_converted_to_wan_yuan(tmp_path) -> None:
    from pipelines.extract import extract_document

    text = (
        "表八：\n一般公共预算“三公”经费支出情况表\n编制单位：某局    单位：元\n"
        "\t合计\n\t因公出国（境）费\n\t公务接待费\n\n\t1,234,500.00\n\t1,000,000\n\t234,500\n\n"
    )
    result = extract_document(text.encode("utf-8"), "yuan.txt")
    amounts = dict(result.facts.select("measure", "amount").iter_rows())
    assert amounts == {
        "total": Decimal("123.45"),
        "abroad": Decimal("100"),
        "reception": Decimal("23.45"),
    }
    assert set(result.facts["published_unit"]) == {"元"}


def test_text_in_a_number_column_is_a_warning_not_a_fact() -> None:
    from pipelines.extract import extract_document

    text = "一般公共预算“三公”经费支出情况表\n\t合计\n\t公务接待费\n\n\t约10万\n\t3.6\n\n"
    result = extract_document(text.encode("utf-8"), "odd.txt")
    assert result.facts.height == 1
    [found] = [w for w in result.warnings if w["kind"] == "unparsed_cell"]
    assert found["kind"] == "unparsed_cell" and found["table_no"] == 8
    assert found["source_line"] == 5 and "约10万" in found["message"]


def test_every_printed_code_is_listed_also_on_rows_without_amounts(extracted) -> None:
    codes = extracted["000"].codes.filter(extracted["000"].codes["table_no"] == 6)
    office = codes.filter(codes["code"] == "30201")
    assert office.select("printed_name", "has_amounts", "source_line").rows() == [
        ("办公费", True, 1182),
        ("办公费", False, 1315),
    ]
    assert codes.filter(codes["code"] == "30242")["has_amounts"].to_list() == [False]


def test_rows_have_roles_for_the_sum_checks(extracted) -> None:
    facts = extracted["000"].facts.filter(extracted["000"].facts["table_no"] == 1)
    roles = dict(facts.filter(facts["section"] == "income").select("row_label", "row_role").rows())
    assert roles == {
        "财政拨款（补助）": "item",
        "一般公共预算": "component",
        "上级专项收入": "item",
        "小计": "subtotal",
        "单位上年结余（不包括国库集中支付额度结余）": "item",
        "收入总计": "total",
    }


def _periods(fiscal_year: int | None, *headers: str) -> list[tuple[str, int | None]]:
    from pipelines.facts import column_periods
    from pipelines.recognise import Column

    columns = [Column(index, tuple(header.split("/"))) for index, header in enumerate(headers)]
    found = column_periods(columns, fiscal_year)
    return [found[column.index] for column in columns]


def test_a_column_of_another_year_is_that_years_figures() -> None:
    """2025年预算数 beside 2026年预算数 in a 2026 budget: last year's plan, and the change."""
    assert _periods(2026, "项目", "2025年预算数/合计", "2026年预算数/合计", "增减额") == [
        ("current", 2026),
        ("prior", 2025),
        ("current", 2026),
        ("change", 2026),
    ]


def test_last_year_unnumbered_is_the_year_before_the_documents() -> None:
    """上年执行数 | 本年预算数 | 增减%: the executed figures of the year before."""
    assert _periods(2026, "上年执行数", "本年预算数", "增减%") == [
        ("prior", 2025),
        ("current", 2026),
        ("change", 2026),
    ]


def test_money_carried_over_from_last_year_is_this_years() -> None:
    """上年结转 and 2025年结转结余 are this year's income, not last year's figures."""
    assert _periods(2026, "本年收入", "上年结转", "2025年结转结余") == [("current", 2026)] * 3


def test_without_the_documents_year_the_latest_printed_year_is_current() -> None:
    """岳阳县 2017 三公's 2016-执行数 | 2017-预算数, were the document's year not read."""
    assert _periods(None, "2016-执行数", "2017-预算数") == [("prior", 2016), ("current", 2017)]


def test_a_table_of_one_year_only_is_current_whatever_year_it_prints() -> None:
    """Every column 2024年"三公"经费预算数 in a document read as 2025: the table's own figures,
    not a year it compares with."""
    assert (
        _periods(2025, '2024年"三公"经费预算数/合计', "2024年机关运行经费预算数")
        == [("current", 2024)] * 2
    )


def test_the_counts_a_three_public_table_prints_are_facts_in_their_unit() -> None:
    """岳阳县台创园 2017 (单位：元): 公务用车保有量(辆) 1, 公务接待批次(批) 10, 公务接待人数(人)
    500 — numbers of things, kept as printed, not 0.0001 万元 and not summed with the money."""
    from pipelines.extract import extract_file

    fixtures = Path(__file__).parent / "fixtures" / "text"
    result = extract_file(
        fixtures / "2017_yusuan_hunan-yueyang_taichuangyuan_sangong.page.txt", fixtures
    )
    counts = result.facts.filter(pl.col("row_role") == "count")
    assert {
        (measure, unit): amount
        for measure, unit, amount in counts.select(
            "measure", "published_unit", "amount"
        ).iter_rows()
    } == {
        ("abroad_groups", "个"): 0,
        ("abroad_people", "人"): 0,
        ("vehicles_held", "辆"): 1,
        ("reception_batches", "批"): 10,
        ("reception_people", "人"): 500,
    }
