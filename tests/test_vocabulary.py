"""The national vocabulary: a layout no family describes is read by the classes' titles and the
measures' header words, and what it cannot read is left unread rather than blamed on the
document (苏州市交通运输局 2026, a Jiangsu city's own layout of the national tables)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from expectations.runner import judge_sql
from pipelines.description import TEMPLATES
from pipelines.extract import DocumentResult, extract_file
from pipelines.quality import QualityInput, comparisons
from pipelines.vocabulary import (
    class_table,
    core_classes,
    header_measure,
    measure_table,
    table_classes,
)
from tests.conftest import CORPUS
from tests.test_readme import README

SUZHOU = CORPUS / "2026_yusuan_jiangsu-suzhou_jiaotong-yunshuju.pdf"


@pytest.fixture(scope="module")
def suzhou() -> DocumentResult:
    return extract_file(SUZHOU, CORPUS)


def facts_of(result: DocumentResult, table_no: int, row_label: str) -> dict[str, Decimal]:
    rows = result.facts.filter(
        (pl.col("table_no") == table_no)
        & (pl.col("template") == result.template)
        & (pl.col("row_label") == row_label)
    )
    return dict(zip(rows["measure"], rows["amount"], strict=True))


def test_every_described_table_belongs_to_a_class_of_the_vocabulary() -> None:
    topics = {spec.topic for specs in TEMPLATES.values() for spec in specs}
    assert topics - set(table_classes()) == set()


def test_titles_no_family_prints_name_their_class(suzhou) -> None:
    """收支总表, 收入总表, 支出总表: no family's own titles, the classes' titles."""
    tables = suzhou.tables.filter(pl.col("template") == suzhou.template)
    printed = dict(zip(tables["table_no"], tables["printed_title"], strict=True))
    assert [printed[n][:4] for n in (1, 2, 3)] == ["收支总表", "收入总表", "支出总表"]


def test_a_subtotal_under_a_group_is_the_groups_measure_not_a_second_total(suzhou) -> None:
    """一般公共预算支出表: 合计 | 基本支出 (小计 | 人员经费 | 公用经费) | 项目支出."""
    assert facts_of(suzhou, 5, "合计") == {
        "total": Decimal("242360.10"),
        "basic_expenditure": Decimal("29606.33"),
        "personnel": Decimal("26143.66"),
        "public_use": Decimal("3462.67"),
        "project_expenditure": Decimal("212753.77"),
    }


def test_header_words_read_a_column_by_its_deepest_named_group() -> None:
    assert header_measure(("基本支出", "小计"), "general_budget_expenditure") == (
        "basic_expenditure"
    )
    assert header_measure(("基本支出", "人员经费"), "general_budget_expenditure") == "personnel"
    assert header_measure(("小计",), "general_budget_expenditure") == "total"
    assert header_measure(("会议费",), "three_public") == "meeting_fee"
    assert header_measure(("会议费",), "general_budget_expenditure") is None


def test_a_department_row_above_its_units_totals_them(suzhou) -> None:
    """收入总表 by unit: 123 苏州市交通运输局 above 123001 … 123008."""
    income = suzhou.facts.filter(
        (pl.col("table_no") == 2) & (pl.col("template") == suzhou.template)
    )
    roles = dict(zip(income["row_label"], income["row_role"], strict=False))
    assert (roles["123"], roles["123001"], roles["合计"]) == ("subtotal", "item", "total")


def test_the_suzhou_tables_sums_hold(suzhou) -> None:
    results = judge_sql(comparisons(QualityInput.from_result(suzhou)))
    failed = results.filter(
        (pl.col("rule_family") == "within_table_sums")
        & ~pl.col("passed")
        & (pl.col("table_no").is_in([1, 2, 3, 5, 6, 8]))
    )
    assert failed.select("table_no", "subject").rows() == []


def test_a_numbered_subtotal_printed_first_holds_the_rows_numbered_under_it(suzhou) -> None:
    """财政拨款收支总表: 一、本年收入 opens the side, （一）一般公共预算拨款 … are its parts, and
    收入总计 is it plus 二、上年结转."""
    fiscal = suzhou.facts.filter(
        (pl.col("table_no") == 4) & (pl.col("template") == suzhou.template)
    )
    roles = dict(zip(fiscal["row_label"], fiscal["row_role"], strict=False))
    assert (roles["一、本年收入"], roles["（一）一般公共预算拨款"]) == ("subtotal", "component")
    results = judge_sql(comparisons(QualityInput.from_result(suzhou)))
    sides = results.filter((pl.col("table_no") == 4) & pl.col("check_id").str.starts_with("side"))
    assert sides.height and sides["passed"].all()


@pytest.fixture(scope="module")
def zhuhai() -> DocumentResult:
    return extract_file(CORPUS / "2026_yusuan_guangdong-zhuhai_shangwuju.pdf", CORPUS)


def test_a_three_public_table_printing_its_measures_as_rows_is_read_by_row(zhuhai) -> None:
    """珠海 表8: 项目 | 合计 | 一般公共预算 …; rows 行政经费, “三公”经费, （一）因公出国（境）
    支出 …: each row's measure is its label's, the 合计 column's parts add up down it."""
    assert facts_of(zhuhai, 8, "（三）公务接待费支出")["reception"] == Decimal("6.64")
    assert facts_of(zhuhai, 8, "行政经费")["administrative_cost"] == Decimal("10884.55")
    results = judge_sql(comparisons(QualityInput.from_result(zhuhai)))
    across = results.filter(
        (pl.col("table_no") == 8) & pl.col("check_id").str.starts_with("across")
    )
    assert across.height == 2 and across["passed"].all()


def test_a_code_printed_in_brackets_before_its_name_is_the_rows_code(zhuhai) -> None:
    """珠海 表5 [201]一般公共服务支出 … [2011301]行政运行; 表7, by economic class,
    [302]商品和服务支出."""
    general = zhuhai.facts.filter((pl.col("table_no") == 5) & (pl.col("template") == "budget_2020"))
    codes = dict(zip(general["row_label"], general["function_code"], strict=False))
    assert (codes["一般公共服务支出"], codes["行政运行"]) == ("201", "2011301")
    project = zhuhai.facts.filter((pl.col("table_no") == 7) & (pl.col("template") == "budget_2020"))
    economic = dict(zip(project["row_label"], project["economic_code"], strict=False))
    assert economic["商品和服务支出"] == "302"


@pytest.fixture(scope="module")
def huzhou() -> DocumentResult:
    return extract_file(CORPUS / "2026_yusuan_zhejiang-huzhou_caizhengju.pdf", CORPUS)


def test_levels_printed_by_name_only_get_their_codes_from_the_row_above(huzhou) -> None:
    """湖州市财政局 2026 收支预算总表 prints 类, 款 and 项 by name: 一般公共服务支出 / 财政事务 /
    行政运行; the side's total adds the classes only."""
    expense = huzhou.facts.filter(
        (pl.col("table_no") == 1)
        & (pl.col("section") == "expense")
        & pl.col("function_code").is_not_null()
    )
    codes = dict(zip(expense["row_label"], expense["function_code"], strict=False))
    assert (codes["一般公共服务支出"], codes["财政事务"], codes["行政运行"]) == (
        "201",
        "20106",
        "2010601",
    )
    assert codes["公务员医疗补助"] == "2101103"
    results = judge_sql(comparisons(QualityInput.from_result(huzhou)))
    sides = results.filter((pl.col("table_no") == 1) & pl.col("check_id").str.starts_with("side"))
    assert sides.height and sides["passed"].all()


def test_a_department_row_named_above_its_units_is_their_subtotal(huzhou) -> None:
    """收入预算总表 by unit name: 合计, 湖州市财政局 (the department, 6838.41), then its units —
    湖州市财政局 4467.55, 湖州市市级财政国库支付中心 724.30 …"""
    income = huzhou.facts.filter(
        (pl.col("table_no") == 2) & (pl.col("measure") == "total") & (pl.col("row_role") != "total")
    ).sort("source_row")
    assert income.select("row_role", "amount").rows()[:2] == [
        ("subtotal", Decimal("6838.41")),
        ("item", Decimal("4467.55")),
    ]


def test_the_huzhou_tables_hold_to_their_rounding(huzhou) -> None:
    """A 项目支出 table by fund (总计 | 一般公共预算 …) is not held to economic groups it does
    not print; what fails is within the rounding its note owns (本套报表金额单位转换时存在
    尾数误差)."""
    results = judge_sql(comparisons(QualityInput.from_result(huzhou)))
    arithmetic = results.filter(
        pl.col("rule_family").is_in(["within_table_sums", "balance", "cross_table"])
    )
    assert (
        arithmetic.filter(~pl.col("passed") & (pl.col("status").fill_null("") != "rounding")).rows()
        == []
    )
    assert arithmetic.filter(
        pl.col("check_id") == "across.total_is_sum_of_economic_groups"
    ).is_empty()


def test_the_core_classes_are_the_vocabularys() -> None:
    assert core_classes() == (
        "overview",
        "income",
        "expenditure",
        "fiscal_overview",
        "general_budget_expenditure",
        "general_budget_basic",
        "three_public",
    )


def test_the_readmes_class_and_measure_tables_are_the_vocabularys() -> None:
    """Regenerate them with `python -c "from pipelines.vocabulary import class_table;
    print(class_table())"` (and `measure_table`) when the vocabulary changes."""
    assert class_table() in README
    assert measure_table() in README


def test_no_check_holds_a_figure_to_a_0_nothing_was_read_for(suzhou) -> None:
    """A cross-table or narrative figure whose rows were not read is not evaluated; a sum rule
    whose total column the table does not print is not either (苏州 prints no 三公+会议费+培训费
    combined total)."""
    results = judge_sql(comparisons(QualityInput.from_result(suzhou)))
    against_nothing = results.filter(
        pl.col("rule_family").is_in(["cross_table", "narrative"])
        & ~pl.col("passed")
        & (
            (pl.col("expected").cast(pl.Float64, strict=False) == 0)
            | (pl.col("observed").cast(pl.Float64, strict=False) == 0)
        )
    )
    assert against_nothing.select("check_id", "subject").rows() == []


def test_a_side_whose_one_column_is_headed_by_a_basis_word_is_read() -> None:
    """珠海市商务局 2026 收支总体情况表: 项目 | 预算 on each side; 一、预算拨款 is the fiscal
    appropriation, and the header printed again on the next page is no label's end."""
    zhuhai = extract_file(CORPUS / "2026_yusuan_guangdong-zhuhai_shangwuju.pdf", CORPUS)
    assert facts_of(zhuhai, 1, "一、预算拨款") == {"fiscal_appropriation": Decimal("46402.33")}
    assert facts_of(zhuhai, 1, "本年收入合计") == {"total": Decimal("46403.97")}
    assert facts_of(zhuhai, 1, "收入总计") == {"total": Decimal("66307.98")}


def test_a_table_its_class_names_in_a_layout_the_family_cannot_read_is_unread() -> None:
    """A 三公 table whose columns no word of the vocabulary names: listed as unread (a warning
    about the reading), its numbers kept as unrecognised facts, never "not published"."""
    from pipelines.extract import extract_document

    def row(*cells: str) -> str:
        return "".join(f"\t{cell}\n" for cell in cells) + "\n"

    text = (
        "部门收支总体情况表\n"
        + row("收入", "预算数", "支出", "预算数")
        + row("一般公共预算拨款收入", "10", "一般公共服务支出", "10")
        + row("收入总计", "10", "支出总计", "10")
        + "三公经费统计表\n"
        + row("甲", "乙")
        + row("4", "6")
    )
    result = extract_document(text.encode("utf-8"), "unread.txt")
    tables = result.tables.filter(pl.col("template") == result.template)
    three_public = tables.filter(pl.col("table_no") == 8).row(0, named=True)
    assert (three_public["status"], three_public["printed_title"]) == ("unread", "三公经费统计表")
    assert sorted(result.facts.filter(pl.col("template") == "unrecognised")["amount"]) == [4, 6]
    results = judge_sql(comparisons(QualityInput.from_result(result)))
    published = results.filter(
        (pl.col("check_id") == "completeness.table_published") & (pl.col("table_no") == 8)
    ).row(0, named=True)
    assert (published["severity"], published["observed"]) == ("warning", "unread")


def test_a_row_numbering_the_columns_is_not_amounts() -> None:
    from pipelines.facts import is_column_numbers

    assert is_column_numbers(["**", "**", "1", "2", "3", "4", "5", "6", "7"])  # 湖州 表03
    assert is_column_numbers(["栏次", "", "1", "2"])
    assert is_column_numbers(["**", "**", "1"])  # 湖州 表09, one amount column
    assert not is_column_numbers(["", "合计", "6838.41", "4944.99"])
    assert not is_column_numbers(["201", "一般公共服务支出", "5356.01"])


def test_a_part_printed_as_its_own_parts_is_read_from_them() -> None:
    """湖州市财政局 2026 表03 prints 基本支出 as 人员支出 | 公用经费 with no 小计: the row's 合计
    is held to 人员支出 + 公用经费 + 项目支出."""
    from pipelines.extract import FACT_SCHEMA
    from pipelines.quality.sums import within_table_comparisons

    row = {"total": "6838.41", "personnel": "4944.99", "public_use": "626.67"}
    row["project_expenditure"] = "1266.75"
    facts = pl.DataFrame(
        [
            {
                "document_id": "d",
                "template": "budget_2020",
                "table_no": 3,
                "row_label": "合计",
                "row_role": "total",
                "measure": measure,
                "column_label": measure,
                "amount": Decimal(amount),
                "source_page": 20,
                "source_row": 4,
            }
            for measure, amount in row.items()
        ],
        schema=FACT_SCHEMA,
    )
    across = [r for r in within_table_comparisons(facts) if r["check_id"].startswith("across.")]
    assert [(r["expected"], r["observed"]) for r in across] == [("6838.41", "6838.41")]


def test_a_xiang_printed_with_its_kuans_name_is_that_kuans_99() -> None:
    """湖州市卫生健康委员会 2026: 其他社会保障和就业支出 twice, 款 20899 then its 项 2089999."""
    from pipelines.facts import _nested_code

    assert _nested_code("其他社会保障和就业支出", ("20899", "其他社会保障和就业支出")) == "2089999"
    assert _nested_code("财政事务", ("201", "一般公共服务支出")) == "20106"


def test_a_class_the_family_has_no_table_of_is_read_as_the_classs_national_table(suzhou) -> None:
    """苏州 2026 prints 财政拨款支出表（功能科目）, 财政拨款基本支出表（经济科目） and 机关运行经费
    支出预算表, which the 2020 family it is read by has no table for: each is read by its class's
    words, with the class's sums, instead of staying unrecognised."""
    from pipelines.description import NATIONAL

    national = suzhou.tables.filter(pl.col("template") == NATIONAL)
    assert set(national["table_name"]) >= {
        "财政拨款支出表",
        "财政拨款基本支出表",
        "机关运行经费支出表",
    }
    fiscal = suzhou.facts.filter(
        (pl.col("template") == NATIONAL) & (pl.col("table_name") == "财政拨款支出表")
    )
    assert {"total", "basic_expenditure", "project_expenditure"} <= set(fiscal["measure"])
    results = judge_sql(comparisons(QualityInput.from_result(suzhou)))
    sums = results.filter(
        (pl.col("rule_family") == "within_table_sums")
        & pl.col("table_no").is_in(national["table_no"].to_list())
    )
    assert (
        sums.height
        and sums.filter(
            ~pl.col("passed") & (pl.col("status").fill_null("") != "rounding")
        ).is_empty()
    )


def test_a_procurement_table_total_is_the_procurement_beside_its_funding_sources(suzhou) -> None:
    """苏州 2026 政府采购支出表: 采购品目 … | 资金来源 (一般公共预算资金 | 政府性基金 | 其他资金 |
    上年结转和结余资金) | 总计; its 总计 is the procurement, each source its own measure."""
    procurement = suzhou.facts.filter(
        (pl.col("table_name") == "政府采购支出表") & (pl.col("row_label") == "合计")
    )
    assert dict(zip(procurement["measure"], procurement["amount"], strict=True)) == {
        "procurement": Decimal("3668.17"),
        "general_public_budget": Decimal("3668.17"),
    }


def test_a_project_tables_funding_columns_are_read_by_their_header_words() -> None:
    """湖州市财政局 2026 项目支出预算表: 总计 | 一般公共预算 | 政府性基金 | … | 单位资金, columns
    the 2020 family does not describe: 一般公共预算 is general_public_budget, not unrecognised."""
    huzhou = extract_file(CORPUS / "2026_yusuan_zhejiang-huzhou_caizhengju.pdf", CORPUS)
    assert facts_of(huzhou, 7, "合计") == {
        "project_expenditure": Decimal("1266.75"),
        "general_public_budget": Decimal("1266.75"),
    }
    assert header_measure(("单位资金",), "project") == "unit_funds"


def test_expenditure_by_economic_class_is_its_own_class_not_basic_expenditure() -> None:
    """泉州 2026 prints 一般公共预算支出经济分类情况表 (all expenditure, 合计 69,059.36) beside
    一般公共预算基本支出经济分类情况表 (basic only, 51,691.74): two classes."""
    from pipelines.recognise import title_class

    assert title_class("2026 年度一般公共预算支出经济分类情况表") == "general_budget_economic"
    assert title_class("2026 年度一般公共预算基本支出经济分类情况表") == "general_budget_basic"


@pytest.mark.parametrize(
    ("title", "topic"),
    [
        ("基本支出总表", "basic_by_source"),  # not 支出总表 inside it
        ("项目支出总表", "project"),
        ("基本支出预算情况表", "basic_by_source"),
        ("政府采购预算明细表", "procurement"),
        ("部门综合预算一般公共预算支出明细表（按经济分类款级科目）", "general_budget_economic"),
        ("部门综合预算一般公共预算支出明细表（按功能科目）", "general_budget_expenditure"),
        ("三公经费及会议费、培训费支出决算表", "three_public"),
    ],
)
def test_the_title_words_of_other_provinces_name_the_national_class(title, topic) -> None:
    from pipelines.recognise import title_class

    assert title_class(title) == topic


def test_a_caption_naming_the_units_of_a_budget_makes_its_table_a_unit_roster() -> None:
    from pipelines.vocabulary import list_class

    captions = ("二、部门预算单位构成", "从预算单位构成看，泉州市公安局包括 32 个机关行政科室")
    assert list_class(captions) == "unit_roster"
    assert list_class(("一、部门主要职责",)) is None


def test_a_project_performance_list_is_its_class_with_its_unlabelled_total() -> None:
    """湖州市财政局 2026 2026年市级部门项目支出绩效表: 单位名称** | 项目名称** | 金额** | 项目总体
    绩效目标**, the column marks in the header cells; its first row leaves the labels blank and
    prints 1,266.75, the sum of the seven projects below: the table's total."""
    huzhou = extract_file(CORPUS / "2026_yusuan_zhejiang-huzhou_caizhengju.pdf", CORPUS)
    listed = huzhou.facts.filter(pl.col("table_name") == "项目支出绩效表")
    assert set(listed["measure"]) == {"total"}
    totals = listed.filter(pl.col("row_role") == "total")
    assert totals["amount"].to_list() == [Decimal("1266.75")]
    items = listed.filter(pl.col("row_role") == "item")
    assert items.height == 7 and sum(items["amount"]) == Decimal("1266.75")
    assert "全市会计人员考培" in items["project_name"].to_list()


def test_basic_expenditure_by_funding_source_is_its_class(zhuhai) -> None:
    """珠海市商务局 2026 部门预算基本支出预算表: 总计 | 财政拨款 (合计 | 一般公共预算 | 政府性基金
    预算 | 国有资本经营预算) | 财政专户拨款 | 其他资金; 财政拨款/合计 is the appropriation, not a
    second total."""
    table = zhuhai.facts.filter(pl.col("table_name") == "基本支出预算表")
    first = table.filter(pl.col("row_label") == "合计")
    assert dict(zip(first["measure"], first["amount"], strict=True)) == {
        "total": Decimal("7519.44"),
        "fiscal_appropriation": Decimal("7519.44"),
        "general_public_budget": Decimal("7519.44"),
        "government_fund": Decimal("0.00"),
        "state_capital_budget": Decimal("0.00"),
        "special_account_funds": Decimal("0.00"),
        "other_funds": Decimal("0.00"),
    }


def test_each_unit_above_its_rows_is_their_subtotal_where_the_sums_say_so(zhuhai) -> None:
    """珠海 2026 项目支出及其他支出预算表: 合计 58,788.54, then 珠海市商务局 58,446.21 above its
    projects, 珠海市贸易服务中心 20.60 above its own …: each unit's row totals the projects under
    it (the heads add up to 合计, all rows to twice it), so 合计 adds the projects, once."""
    table = zhuhai.facts.filter(
        (pl.col("table_name") == "项目支出及其他支出预算表") & (pl.col("measure") == "total")
    )
    subtotals = table.filter(pl.col("row_role") == "subtotal")
    assert subtotals["row_label"].to_list() == [
        "珠海市商务局",
        "珠海市贸易服务中心",
        "珠海市会议展览局",
    ]
    items = table.filter(pl.col("row_role") == "item")
    assert abs(sum(items["amount"]) - Decimal("58788.54")) <= Decimal("0.01") * items.height


def test_a_flat_list_is_not_split_into_groups() -> None:
    from pipelines.facts import _group_heads

    assert _group_heads([Decimal(x) for x in ("10", "4", "6", "5", "5")]) == [0, 3]
    assert _group_heads([Decimal(x) for x in ("10", "4", "6", "5", "4")]) is None


def test_a_national_table_is_held_to_the_other_tables(suzhou) -> None:
    """苏州 2026's 财政拨款支出表 is read as the class's national table, its family having none:
    its 合计 is still compared with the 财政拨款收支总表's expense total, and agrees."""
    results = judge_sql(comparisons(QualityInput.from_result(suzhou)))
    rule = results.filter(
        pl.col("check_id") == "cross.fiscal_expenditure_total_equals_fiscal_overview"
    )
    assert rule.height == 1 and rule["passed"].to_list() == [True]


def test_funding_source_tables_add_up_to_the_expenditure_tables_split(zhuhai) -> None:
    """珠海 2026: 基本支出预算表 合计 7,519.44 = 部门支出总体情况表 基本支出; 项目支出及其他支出
    预算表 合计 58,788.54 = its 项目支出."""
    results = judge_sql(comparisons(QualityInput.from_result(zhuhai)))
    rules = results.filter(
        pl.col("check_id").is_in(
            [
                "cross.basic_by_source_total_equals_expenditure_basic",
                "cross.project_by_source_total_equals_expenditure_project",
            ]
        )
    )
    assert sorted(zip(rules["check_id"], rules["observed"], rules["passed"], strict=True)) == [
        ("cross.basic_by_source_total_equals_expenditure_basic", "7519.44", True),
        ("cross.project_by_source_total_equals_expenditure_project", "58788.54", True),
    ]


def test_a_key_project_list_over_three_pages_is_one_table_in_the_header_cells_unit(zhuhai) -> None:
    """珠海 2026 重点项目预算绩效目标情况: 项目 | 预算数（单位：万元） | 绩效目标, the
    header printed again over pages 33 and 34 and nothing else: one 项目支出绩效表 of 22
    projects."""
    listed = zhuhai.facts.filter(pl.col("table_name") == "项目支出绩效表")
    assert listed.height == 22 and set(listed["measure"]) == {"total"}
    assert set(listed["source_page"]) == {32, 33, 34}
    first = listed.filter(pl.col("row_label") == "珠海市内外经贸发展专项资金（稳外贸事项）")
    assert first["amount"].to_list() == [Decimal("750")]


def test_a_procurement_items_text_is_kept_beside_its_amount(suzhou) -> None:
    """苏州 2026 政府采购支出表: 专项名称 | 经济科目 | 采购品目名称 | 采购组织形式 are text
    the facts keep only as the row label; each is kept on the fact's row."""
    table = suzhou.facts.filter(pl.col("table_name") == "政府采购支出表")
    texts = suzhou.text_tables.filter(pl.col("table_no") == table["table_no"][0])
    assert {"采购品目名称", "采购组织形式", "经济科目"} <= set(texts["header"])
    assert set(texts["row_no"]) <= set(table["source_row"])
