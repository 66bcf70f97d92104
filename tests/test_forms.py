"""Performance-target forms (项目支出绩效目标表): projects, funding and every indicator."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from pipelines.build import build
from pipelines.forms import parse_target

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
