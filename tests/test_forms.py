"""Performance-target forms (项目支出绩效目标表): projects, funding and every indicator."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from pipelines.build import build
from pipelines.document import Cell, Position, Row, Table
from pipelines.forms import is_form, parse_form, parse_target

from .conftest import KEZHOU


def test_kezhou_publishes_five_forms_with_their_funding(extracted) -> None:
    projects = extracted["000"].projects
    assert projects.select(
        "project_name", "budget_unit", "total_funds", "fiscal_funds", "other_funds"
    ).rows() == [
        ("公务接待费", "克州政府办公室", Decimal(40), Decimal(40), None),
        ("机场设施租用费", "克州政府办公室", Decimal(60), Decimal(60), None),
        ("为民办事工作等经费", "克州政府办公室", Decimal(17), Decimal(17), None),
        ("群众工作经费", "克州政府办公室", Decimal(7), Decimal(7), None),
        ("业务活动经费", "克州政府办公室", Decimal(50), Decimal(50), None),
    ]
    assert projects["goal"][0].startswith("着力在提升服务质量上求突破")


def test_every_indicator_of_every_form_is_read(extracted) -> None:
    indicators = extracted["000"].indicators
    counts = indicators.group_by("form_no").len().sort("form_no")["len"].to_list()
    assert counts == [12, 10, 13, 12, 20]
    assert extracted["004"].indicators.height == 0


def test_merged_indicator_levels_are_carried_down(extracted) -> None:
    indicators = extracted["000"].indicators
    airport = indicators.filter(indicators["form_no"] == 2)
    assert airport.select("level1", "level2", "level3", "target_raw").rows()[0] == (
        "项目完成指标",
        "成本指标",
        "全年贵宾厅使用租金",
        "≤60万元",
    )
    assert airport["level1"].to_list()[-1] == "满意度指标"


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("≤820元", ("<=", Decimal(820), "元", None)),
        ("≥98%", (">=", Decimal(98), "%", None)),
        ("=459人", ("=", Decimal(459), "人", None)),
        ("=0", ("=", Decimal(0), None, None)),
        ("≤60万元", ("<=", Decimal(60), "万元", None)),
        ("2020年12月31日", (None, None, None, date(2020, 12, 31))),
        ("持续助力农民脱贫", (None, None, None, None)),
    ],
)
def test_targets_split_into_operator_number_unit_or_date(text, parsed) -> None:
    assert parse_target(text) == parsed


def test_forms_are_no_longer_unrecognised_tables(extracted) -> None:
    assert [w for w in extracted["000"].warnings if w["kind"] == "unrecognised_table"] == []


def test_indicators_are_queryable_with_their_project_and_department(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(KEZHOU, raw / KEZHOU.name)
    warehouse = tmp_path / "gongkai.duckdb"
    build(raw, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(
            "SELECT department, project_name, total_funds, operator, target_value, target_unit "
            "FROM v_performance_indicators WHERE level3 = '宾客满意率'"
        ).fetchone()
    assert row == ("克州政府办公室", "公务接待费", Decimal(40), ">=", Decimal(98), "%")


# 泉州市公安局 2026 部门预算, page 28 (its first rows): a form in five columns whose label
# column 绩效目标指标 comes before 一级指标, funds labelled 资金总额：/财政拨款：/其他资金：, the
# project named only in the title, wrapped mid-word over two lines
QUANZHOU_TITLE = ("301008_泉州市公安局台商投资区分局_科技兴警绩效", "目标表")
QUANZHOU_FORM = [
    ["专项资金情况（万元）", "资金总额：", "237.50", "", ""],
    ["", "财政拨款：", "237.50", "", ""],
    ["", "其他资金：", "0.00", "", ""],
    ["项目实施期目标", "深化科技兴警战略，提升公安机关新质战斗力。", "", "", ""],
    ["绩效目标指标", "一级指标", "二级指标", "三级指标", "目标值"],
    ["", "成本指标", "经济成本指标", "资金使用率", "100%"],
    ["", "产出指标", "时效指标", "项目完成时效性", "1年"],
    ["", "", "数量指标", "执法执勤车辆采购数量", "3辆"],
]


def form_table(rows: list[list[str]], page: int) -> Table:
    position = Position(page=page)
    cells = tuple(Row(tuple(Cell(text, position) for text in texts), position) for texts in rows)
    return Table(cells, position)


def quanzhou_form() -> Table:
    return form_table(QUANZHOU_FORM, 28)


def test_a_form_titled_without_项目支出_is_known_by_its_indicator_header() -> None:
    assert is_form(QUANZHOU_TITLE, quanzhou_form())


def test_a_form_names_its_project_and_unit_in_a_title_wrapped_mid_word() -> None:
    form = parse_form(quanzhou_form(), QUANZHOU_TITLE)
    assert (form.project_name, form.budget_unit) == ("科技兴警", "泉州市公安局台商投资区分局")


def test_funds_labelled_with_a_colon_are_read_and_a_printed_zero_is_kept() -> None:
    form = parse_form(quanzhou_form(), QUANZHOU_TITLE)
    assert (form.total_funds, form.fiscal_funds, form.other_funds) == (
        Decimal("237.50"),
        Decimal("237.50"),
        Decimal("0.00"),
    )
    assert form.goal == "深化科技兴警战略，提升公安机关新质战斗力。"


def test_a_departments_whole_expenditure_form_keeps_its_basic_and_project_funds() -> None:
    """泉州市公安局 2026 p.52 部门整体支出绩效目标表: 资金总额 81,562.56 = 项目支出 29,514.82 +
    基本支出 52,047.74, 其他资金 0.00; its 部门预算编码 301 is a code, not funds."""
    rows = [
        ["部门名称", "泉州市公安局", "部门预算编码", "301", ""],
        ["年度预算安排（万元）", "资金总额", "81562.56", "", ""],
        ["", "项目支出", "29514.82", "", ""],
        ["", "基本支出", "52047.74", "", ""],
        ["", "其他资金", "0.00", "", ""],
        ["绩效目标指标", "一级指标", "二级指标", "三级指标", "目标值"],
        ["", "成本指标", "经济成本指标", "成本使用率", "≤85%"],
    ]
    form = parse_form(form_table(rows, 52), ("部门整体支出绩效目标表", "（2026年度）"))
    assert (form.budget_unit, form.total_funds, form.other_funds) == (
        "泉州市公安局",
        Decimal("81562.56"),
        Decimal("0.00"),
    )
    assert (form.basic_funds, form.project_funds) == (Decimal("52047.74"), Decimal("29514.82"))


def test_indicators_are_read_from_the_columns_their_header_names() -> None:
    form = parse_form(quanzhou_form(), QUANZHOU_TITLE)
    assert [(i.level1, i.level2, i.level3, i.target_raw) for i in form.indicators] == [
        ("成本指标", "经济成本指标", "资金使用率", "100%"),
        ("产出指标", "时效指标", "项目完成时效性", "1年"),
        ("产出指标", "数量指标", "执法执勤车辆采购数量", "3辆"),
    ]


def test_a_bare_form_title_under_a_heading_names_no_project() -> None:
    form = parse_form(quanzhou_form(), ("（二）绩效目标表及说明", "1.项目支出绩效目标表"))
    assert form.project_name is None
