"""Document metadata: department, region, fiscal year, kind, unit and publication date."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from pipelines.departments import canonical_department
from pipelines.divisions import PARTY, place_of
from pipelines.document import Document
from pipelines.recognise import RecognisedTable
from pipelines.vocabulary import outline_pattern

YEAR_KIND = re.compile(r"(?<![比较与])(20\d{2})\s*年度?\s*(?:部门|单位)?\s*(预算|决算)(?!执行)")
TITLE_LENGTH = 40  # a cover or heading line, as against prose comparing with last year
COVER_LINES = 4  # a cover's title wraps over at most this many lines
# the year, then the document's self-name (the vocabulary's, read on text without blanks: not
# the classification's name in 2026年预算单位一般公共预算基本支出部门预算经济分类预算表)
SCOPE = re.compile(
    r"20\d{2}年度?(?:[^，。；：:、\d]{2,30}?)?" + outline_pattern("self_name").pattern
)
NARRATIVE_OPENING = re.compile(r"^\s*([^\s，。；：:、\d]{2,30}?)\s*20\d{2}\s*年")
# a title with the year first: 2017年度江苏省高级人民法院部门预算公开
YEAR_FIRST = re.compile(
    r"^\s*20\d{2}\s*年度?\s*([^\s，。；：:、\d]{2,30}?)\s*(?:部门|单位)?(?:预算|决算)"
)
SCOPES = {"部门": "department", "单位": "unit"}
DATE_LINE = re.compile(r"^\s*(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
OVERVIEW = re.compile(r"第一部分\s*(.+?)(?:单位)?概况")
ORGANISATION = re.compile(
    r"[^\s，。；：:、\d]{2,30}?(?:厅|局|院|委员会|委|办公室|办|中心|部|会|处|所|街道办事处|政府|镇|乡|馆|站|队|校|学)"
)
PUBLISHER = re.compile(
    r"^\s*(?:来源|发布机构|发布单位)\s*[:：]\s*([^\s，。；：:、\d]{2,30})(?:\s|$)"
)
PLACE = re.compile(r"^(.{2,12}?(?:省|自治区|自治州|地区|盟|市|县|区))")
KINDS = {"预算": "budget", "决算": "final_accounts"}
TOWNSHIP = re.compile(r"街道办事处|街道$|[镇乡]人民政府|[镇乡]$")
REGIONS_CSV = Path(__file__).parent / "reference" / "regions.csv"


@dataclass(frozen=True)
class Region:
    name: str
    province: str | None
    level: str | None  # province | prefecture | county | district, where the gazetteer knows
    division_code: str | None  # GB/T 2260 administrative division code


@dataclass(frozen=True)
class DocumentMetadata:
    department: str | None
    region: str | None
    province: str | None
    fiscal_year: int | None
    kind: str | None
    scope: str | None  # department (部门, consolidating its units) or unit (单位, one body)
    unit: str | None
    published_date: date | None
    region_level: str | None = None
    division_code: str | None = None
    admin_level: str | None = None  # the department's own level: its region's, or township
    printed_department: str | None = None  # the department's name as this document prints it


@cache
def _regions() -> list[dict[str, str]]:
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return sorted(rows, key=lambda row: -len(row["alias"]))


def region_of(department: str, year: int | None) -> Region | None:
    """The region a department belongs to, from the place name its name starts with (after a
    leading 中共/中国共产党: 中共江苏省委办公厅 is 江苏省's).

    Abbreviations no division list carries (克州 → 克孜勒苏柯尔克孜自治州) come from the shipped
    list; every other place from the national division list of the document's year, with its
    level and GB/T 2260 code; a place name that list cannot settle (普陀区 alone: 上海市's or
    舟山市's) is kept as printed, with no province, level or code.
    """
    place = PARTY.sub("", department)
    for row in _regions():
        if place.startswith(row["alias"]):
            return Region(
                row["region_name"], row["province"], row["level"], row["division_code"] or None
            )
    division = place_of(department, year or date.today().year)
    if division:
        return Region(division.name, division.province, division.level, division.division_code)
    found = PLACE.match(place)
    return Region(found.group(1), None, None, None) if found else None


def admin_level(department: str, region: Region | None) -> str | None:
    """A department's administrative level: a 街道, 镇 or 乡 body is township level within its
    region; any other department stands at its region's level."""
    if TOWNSHIP.search(department):
        return "township"
    return region.level if region else None


def _year_kind_elsewhere(source: str, tables: list[RecognisedTable]) -> tuple[str, str] | None:
    """Year and kind where the text never says them together (a cover drawn as an image): the
    year from the file name, the kind from the recognised tables' titles (…预算表, …决算表)."""
    year = re.search(r"(?<!\d)(20\d{2})(?!\d)", source)
    kind = _most_common(
        [m.group(1) for t in tables if t.spec and (m := re.search(r"(预算|决算)", t.title))]
    )
    return (year.group(1), kind) if year and kind else None


def _department_from_text(texts: list[str]) -> str | None:
    """A department named by the prose alone (no table prints it): the cover lines above the
    title, joined where the name wraps (上海市普陀区规划和自然 / 资源局 / 2024年度部门决算), the
    title itself, the department before its year (XX2019年度部门预算) or after it
    (2017年度江苏省高级人民法院部门预算公开), or 第一部分 XX概况."""
    if named := _cover_title(texts):
        return named
    for index, text in enumerate(texts[:40]):
        found = YEAR_KIND.search(text)
        if found:
            before = text[: found.start()].strip()
            if ORGANISATION.fullmatch(before):
                return before
            if not before and (above := _cover_name(texts[max(index - 3, 0) : index])):
                return above
        named = YEAR_FIRST.match(text)
        if named and len(text) <= TITLE_LENGTH and ORGANISATION.fullmatch(named.group(1)):
            return named.group(1)
    for text in texts:
        found = OVERVIEW.search(text)
        if found and found.group(1).strip() not in SCOPES:
            return found.group(1).strip()
    for text in texts[:COVER_LINES]:  # a web page names its publisher: 来源:岳阳县台创园
        if found := PUBLISHER.match(text):
            return found.group(1)
    # a cover printed as an image: the name the narrative's sentences open with (江苏省政协
    # 办公厅 2019 年度收入、支出预算总计…), where more than one does
    openings = Counter(
        found.group(1)
        for text in texts
        if (found := NARRATIVE_OPENING.match(text)) and ORGANISATION.fullmatch(found.group(1))
    ).most_common(1)
    return openings[0][0] if openings and openings[0][1] > 1 else None


def _cover_title(texts: list[str]) -> str | None:
    """The department a cover names, its lines read as one title wherever they wrap (2018
    年度江苏省高级 / 人民法院预算公开; 中共上海市普陀区委 / 社会工作部 2024 年度 / 部门决算): the
    lines before the 目录 or the cover's date, the department before or after the year."""
    lines = []
    for text in texts[:COVER_LINES]:
        if re.sub(r"\s+", "", text) == "目录" or DATE_LINE.match(text):
            break
        lines.append(re.sub(r"\s+", "", text))
    cover = "".join(lines)
    if not lines or len(cover) > 2 * TITLE_LENGTH:
        return None
    if (found := YEAR_KIND.search(cover)) and ORGANISATION.fullmatch(cover[: found.start()]):
        return cover[: found.start()]
    named = YEAR_FIRST.match(cover)
    return named.group(1) if named and ORGANISATION.fullmatch(named.group(1)) else None


def _cover_name(lines: list[str]) -> str | None:
    """The organisation the cover lines just above a title name, read joined from the farthest
    line that still makes one name with those below it."""
    for start in range(len(lines)):
        joined = "".join(line.strip() for line in lines[start:])
        if ORGANISATION.fullmatch(joined):
            return joined
    return None


def _most_common(values: list) -> object | None:
    values = [value for value in values if value]
    return Counter(values).most_common(1)[0][0] if values else None


def document_metadata(document: Document, tables: list[RecognisedTable]) -> DocumentMetadata:
    """What a document says about itself, each item taken where most of the document agrees."""
    texts = [paragraph.text for paragraph in document.paragraphs]
    printed = _most_common([table.department for table in tables if table.spec])
    if not printed:
        printed = _department_from_text(texts)
    department = canonical_department(printed) if printed else None
    year_kind = _most_common(
        [m.groups() for t in texts if len(t) <= TITLE_LENGTH for m in YEAR_KIND.finditer(t)]
    ) or _most_common([m.groups() for t in texts for m in YEAR_KIND.finditer(t)])
    if not year_kind:
        year_kind = _year_kind_elsewhere(document.source, tables)
    published = None
    for text in reversed(texts):
        if found := DATE_LINE.match(text):
            year, month, day = (int(part) for part in found.groups())
            try:
                published = date(year, month, day)
            except ValueError:
                continue
            break
    fiscal_year = int(year_kind[0]) if year_kind else None
    region = region_of(department, fiscal_year) if department else None
    return DocumentMetadata(
        department=department,
        printed_department=printed,
        region=region.name if region else None,
        province=region.province if region else None,
        region_level=region.level if region else None,
        division_code=region.division_code if region else None,
        admin_level=admin_level(department, region) if department else None,
        fiscal_year=fiscal_year,
        kind=KINDS[year_kind[1]] if year_kind else None,
        scope=SCOPES.get(
            _most_common([m.group(1) for t in texts for m in SCOPE.finditer(re.sub(r"\s+", "", t))])
        ),
        unit=_most_common([table.unit for table in tables if table.spec]),
        published_date=published,
    )
