"""The layout-variant harness: the 昌吉 sample's tables, read right, rendered in each national
layout other provinces print (`pipelines.synth.variants`), must give the same facts — plus what
the layout itself adds (a 类 row, a second code) — and no finding of the document's."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import polars as pl
import pytest

from expectations.runner import judge_sql
from pipelines.extract import DocumentResult, extract_document
from pipelines.quality import QualityInput, judged
from pipelines.readers.text_export import read_text_export, write_text_export
from pipelines.synth import BASE
from pipelines.synth import variants as v

from .conftest import FACT_IDENTITY, query, warehouse_of


def _read(render=None, table_no: int = 3, title: str | None = None) -> DocumentResult:
    document = read_text_export(BASE.read_bytes(), BASE.name)
    if render is not None:
        document = v.with_table(document, table_no, render)
    if title is not None:
        document = v.retitled(document, table_no, title)
    return extract_document(write_text_export(document).encode("utf-8"), "variant.txt")


def _facts(result: DocumentResult, table_no: int | None = None, period: str = "current") -> Counter:
    facts = result.facts.filter(pl.col("period") == period)
    if table_no is not None:
        facts = facts.filter(pl.col("table_no") == table_no)
    return Counter(facts.select(*FACT_IDENTITY, "amount").iter_rows())


def _blamed(result: DocumentResult) -> set[tuple]:
    results = judged(QualityInput.from_result(result), judge_sql)
    failed = results.filter(~pl.col("passed") & pl.col("severity").is_in(["error", "warning"]))
    return set(failed.select("check_id", "subject").iter_rows())


@pytest.fixture(scope="module")
def base() -> DocumentResult:
    return _read()


@pytest.mark.parametrize(
    "render",
    [v.code_and_name_in_one_cell, v.bracketed_code_before_name, v.row_numbers],
    ids=lambda render: render.__name__,
)
def test_a_layout_of_the_expenditure_table_gives_the_same_facts(base, render) -> None:
    """2010301 行政运行 in one cell, [2010301]行政运行, a 行次 column: the same rows, codes,
    measures and amounts as the 类 | 款 | 项 | name columns of the national template."""
    variant = _read(render)
    assert _facts(variant, 3) == _facts(base, 3)
    assert _blamed(variant) == _blamed(base)


def test_header_words_of_other_provinces_give_the_same_facts(base) -> None:
    """表六 headed 人员类 | 公用类 (and 合计 for 小计): the template's 人员经费 and 公用经费."""
    variant = _read(v.basic_expenditure_in_other_words, 6)
    assert _facts(variant, 6) == _facts(base, 6)
    assert _blamed(variant) == _blamed(base)


def test_classes_by_name_only_take_their_codes_from_the_classification(base) -> None:
    """一般公共服务支出, 政府办公厅（室）及相关机构事务, 行政运行 printed without codes: the 项
    rows read as 2010301 and 2010350, the 类 and 款 rows above them as 201 and 20103."""
    variant = _read(v.classes_by_name_only)
    assert _facts(base, 3) <= _facts(variant, 3)
    added = {key[2] for key in _facts(variant, 3) - _facts(base, 3)}
    assert added == {"201", "20103"}
    assert _blamed(variant) == _blamed(base)


def test_segments_in_columns_of_their_own_give_the_facts_and_their_class_rows(base) -> None:
    """201 | | |, then | 03 | |, then | | 01 |: the 项 rows as the template's, and the 类 and
    款 rows printed above them read as 201 and 20103."""
    variant = _facts(_read(v.segments_in_columns), 3)
    assert _facts(base, 3) <= variant
    added = {key[2] for key in variant - _facts(base, 3)}
    assert added == {"201", "20103"}


def test_a_second_classification_beside_the_first_gives_the_same_facts(base) -> None:
    """50201 办公经费 printed beside 30201 办公费: every fact as the template's, the government
    codes read as codes of their own list."""
    variant = _read(v.two_classifications, 6)
    assert _facts(variant) == _facts(base)
    kinds = set(variant.codes.filter(pl.col("table_no") == 6)["code_kind"])
    assert kinds == {"economic", "gov_economic"}
    assert _blamed(variant) == _blamed(base)


def test_last_years_columns_and_the_change_are_facts_of_their_own(base) -> None:
    """2019年预算数 | 2020年预算数 | 增减额 | 增减率 over 表八: this year's 三公 as the template's,
    last year's (51.22, as the narrative's 比上年减少5.62 gives it) and the change kept apart
    — never added into this year's totals — and the rate in %, not in 万元."""
    variant = _read(v.prior_year_columns, 8)
    assert _facts(variant, 8) == _facts(base, 8)
    three_public = variant.facts.filter(pl.col("table_no") == 8, pl.col("measure") == "total")
    by_period = {
        (period, year, unit): float(amount)
        for period, year, unit, amount in three_public.select(
            "period", "period_year", "published_unit", "amount"
        ).iter_rows()
    }
    assert by_period == {
        ("current", 2020, "万元"): 45.6,
        ("prior", 2019, "万元"): 51.22,
        ("change", 2020, "万元"): -5.62,
        ("change", 2020, "%"): -10.97,
    }
    assert _blamed(variant) == _blamed(base)


def test_last_years_columns_stay_out_of_this_years_marts(tmp_path_factory) -> None:
    """In the warehouse, this year's 三公 is 45.6 — not 45.6 + 51.22 — and last year's column
    printed beside it is the change's base (fact_other_period), before the narrative's."""
    document = v.with_table(read_text_export(BASE.read_bytes(), BASE.name), 8, v.prior_year_columns)
    path = tmp_path_factory.mktemp("variant") / BASE.name
    path.write_text(write_text_export(document), encoding="utf-8")
    warehouse = warehouse_of([path], tmp_path_factory)
    assert query(warehouse, "SELECT total FROM v_three_public") == [(Decimal("45.6"),)]
    assert query(
        warehouse, "SELECT prior_year_total, change, prior_year_source FROM v_three_public_change"
    ) == [(Decimal("51.22"), Decimal("-5.62"), "printed beside it")]
    assert query(
        warehouse, "SELECT period, count(*) FROM fact_other_period GROUP BY 1 ORDER BY 1"
    ) == [("change", 7), ("prior", 6)]


@pytest.mark.parametrize(
    ("table_no", "title"),
    [
        (3, "部门支出预算总表"),
        (5, "部门综合预算一般公共预算支出明细表（按功能科目）"),
        (6, "一般公共预算基本支出明细表"),
        (6, "（预算表6）一般公共预算基本支出预算表"),
        (6, "预算6表 一般公共预算基本支出预算情况表"),
        (7, "项目支出预算情况表"),
        (7, "部门综合预算项目支出明细表"),
        (8, "一般公共预算“三公”经费支出预算表"),
    ],
)
def test_a_core_table_under_another_provinces_title_gives_the_same_facts(
    base, table_no, title
) -> None:
    """The title words provinces print for the template's tables name the same table."""
    variant = _read(table_no=table_no, title=title)
    assert _facts(variant) == _facts(base)
    assert _blamed(variant) == _blamed(base)


def _in_yuan(document, number):
    return v.in_other_unit(document, number, "元")


def _in_thousand_yuan(document, number):
    return v.in_other_unit(document, number, "千元")


@pytest.mark.parametrize("table_no", [1, 3, 6, 8])
@pytest.mark.parametrize(
    ("render", "unit"),
    [(_in_yuan, "元"), (_in_thousand_yuan, "千元"), (v.unit_in_header, "元")],
    ids=["yuan", "thousand_yuan", "yuan_in_header_cells"],
)
def test_a_table_in_another_unit_gives_the_same_amounts_in_wan_yuan(
    base, table_no, render, unit
) -> None:
    """单位：元 with cents (1,234,567.89), 单位：千元, or 合计（元）in the header cells and no
    unit line: each amount the same money in 万元, its published unit kept."""
    document = render(read_text_export(BASE.read_bytes(), BASE.name), table_no)
    variant = extract_document(write_text_export(document).encode("utf-8"), "variant.txt")
    assert _facts(variant) == _facts(base)
    assert set(variant.facts.filter(pl.col("table_no") == table_no)["published_unit"]) == {unit}
    assert _blamed(variant) == _blamed(base)


def test_a_total_repeated_on_the_next_page_is_read_once(base) -> None:
    """表六 broken over two pages, each repeating the header and the same 合计 row: the 合计 is
    one fact per column (a mart adding 合计 rows must not see 1,695.33 twice), the repeat a
    warning."""
    variant = _read(v.total_repeated_on_each_page, 6)
    assert _facts(variant) == _facts(base)
    repeated = variant.warnings_frame.filter(pl.col("kind") == "repeated_total")
    assert repeated.select("table_no").to_series().to_list() == [6]
    assert _blamed(variant) == _blamed(base)


def _units(summary: bool):
    def render(table):
        return v.units_in_blocks(table, summary=summary)

    return render


@pytest.mark.parametrize("summary", [True, False], ids=["with_department_block", "units_only"])
def test_a_table_of_units_reads_each_units_block(base, summary) -> None:
    """表三 as a 部门 table: 合计, (the department's 汇总 block,) then 本级 and the 机关事务
    服务中心, each under its name with its own 201, 20103 and 项 rows: every fact names its
    unit, sums hold within each block and the units add up to the 合计 — no finding the
    template's table does not have."""
    variant = _read(_units(summary))
    facts = variant.facts.filter(pl.col("table_no") == 3)
    by_unit = dict(
        facts.filter(pl.col("function_code") == "201", pl.col("measure") == "total")
        .select("budget_unit", "amount")
        .iter_rows()
    )
    expected = {v.UNITS["2010301"]: Decimal("1642.52"), v.UNITS["2010350"]: Decimal("52.81")}
    assert by_unit == ({None: Decimal("1695.33")} | expected if summary else expected)
    results = judged(QualityInput.from_result(variant), judge_sql)
    units_total = results.filter(pl.col("check_id") == "down.units_add_up_to_total")
    assert units_total["passed"].to_list() == [True, True]
    assert _blamed(variant) == _blamed(base)


def test_a_wrong_figure_in_one_units_block_is_the_documents_error() -> None:
    """The 中心's 事业运行 printed 50.81 under its 52.81: its own block's sums fail — on the
    document, not as a reading doubt."""

    def render(table):
        rows = v.units_in_blocks(table, summary=False)
        return [
            (["201", "03", "50", "事业运行", "50.81", "50.81", ""], row)
            if texts[:4] == ["201", "03", "50", "事业运行"]
            else (texts, row)
            for texts, row in rows
        ]

    blamed = {check for check, _ in _blamed(_read(render))}
    assert "down.level_is_sum_of_next_level" in blamed


def test_the_marts_count_a_table_of_units_once(tmp_path_factory) -> None:
    """With the department's block and the units' beside it, the function rollup is the
    department's: 行政运行 1,642.52 and 事业运行 52.81, not twice."""
    document = v.with_table(read_text_export(BASE.read_bytes(), BASE.name), 3, _units(True))
    path = tmp_path_factory.mktemp("units") / BASE.name
    path.write_text(write_text_export(document), encoding="utf-8")
    warehouse = warehouse_of([path], tmp_path_factory)
    rollup = query(
        warehouse,
        "SELECT function_code, total FROM v_function_rollup WHERE level = 3 ORDER BY 1",
    )
    assert rollup == [("2010301", Decimal("1642.52")), ("2010350", Decimal("52.81"))]
    assert query(warehouse, "SELECT count(DISTINCT budget_unit) FROM v_budget_facts") == [(2,)]
