"""One department under every form of its name: 中共江苏省委办公厅 printed three ways is one
department, with one id; names that only look alike are not merged."""

from __future__ import annotations

import pytest

from pipelines.departments import canonical_department, department_id


@pytest.mark.parametrize(
    "printed",
    ["中国共产党江苏省委员会办公厅", "中共江苏省委办公厅", "江苏省委办公厅"],
)
def test_the_three_names_of_the_jiangsu_party_office_are_one_department(printed) -> None:
    assert canonical_department(printed) == "中共江苏省委办公厅"
    assert department_id(printed, "320000") == department_id("中共江苏省委办公厅", "320000")


def test_a_district_party_body_keeps_its_place_and_body() -> None:
    assert canonical_department("中共上海市普陀区委社会工作部") == "中共上海市普陀区委社会工作部"
    assert canonical_department("上海市普陀区委社会工作部") == "中共上海市普陀区委社会工作部"


def test_a_cppcc_committee_is_not_taken_for_a_party_committee() -> None:
    name = "中国人民政治协商会议江苏省委员会办公厅"
    assert canonical_department(name) == name
    assert canonical_department("江苏省人大常委会办公厅") == "江苏省人大常委会办公厅"


def test_a_scope_printed_after_the_name_is_not_part_of_it() -> None:
    assert canonical_department("上海市普陀区商务委员会（本级）") == "上海市普陀区商务委员会"
    assert canonical_department("湖州市卫生健康委员会(汇总)") == "湖州市卫生健康委员会"


def test_the_same_name_in_two_regions_is_two_departments() -> None:
    assert department_id("财政局", "330500") != department_id("财政局", "320500")


def test_a_name_read_from_prose_is_not_made_a_party_committee() -> None:
    """Only a name opening with a real division and 委 is a party committee's (纳入… is a
    misread department from a sentence, and stays what it is)."""
    assert canonical_department("纳入上海市普陀区委社会工作部") == "纳入上海市普陀区委社会工作部"


def test_the_warehouse_lists_a_department_once_with_every_name_it_printed(tmp_path) -> None:
    """克州's office printed as 中国共产党克州委员会办公室 in one year's budget and 中共克州委办公室
    in the next: one row in v_departments, both names beside it."""
    from pipelines.build import build

    from .conftest import KEZHOU, query

    raw = tmp_path / "raw"
    raw.mkdir()
    text = KEZHOU.read_text(encoding="utf-8")
    (raw / "2020.txt").write_text(
        text.replace("克州政府办公室", "中国共产党克州委员会办公室"), encoding="utf-8"
    )
    (raw / "2021.txt").write_text(
        text.replace("克州政府办公室", "中共克州委办公室").replace("2020", "2021"),
        encoding="utf-8",
    )
    build(raw, tmp_path / "gongkai.duckdb")
    sql = "SELECT department, printed_names, documents FROM v_departments"
    names = ["中共克州委办公室", "中国共产党克州委员会办公室"]
    assert query(tmp_path / "gongkai.duckdb", sql) == [("中共克州委办公室", names, 2)]
