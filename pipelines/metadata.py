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
from pipelines.document import Document, Table
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
# a body's name, by the kinds of body disclosures name (wider than ORGANISATION: a caption or a
# label names units such as 上海市花卉良种试验场 or 上海水产老干部活动室)
BODY = re.compile(
    r"[^\s，。；：:、\d（）()]{2,40}?(?:厅|局|院|委员会|委|办公室|办|中心|部|会|处|所|街道办事处"
    r"|政府|镇|乡|馆|站|队|校|学|场|室|园|社|台|团|组|署|司|庭|厂|库|宫|公司|集团|医院|监狱"
    r"|协会|学会|联合会|基金|科|股|岗|连|营|旅|所|店|院)"
)
TRAILING_BRACKETS = re.compile(r"[（(][^（）()]{2,40}[）)]$")
HEADING_WORDS = re.compile(r"第[一二三四五六七八九十\d]+部分|概况|目录|情况说明|公开表")
NOT_NAMES = {"本部门", "本单位", "主管部", "部门", "单位", "本局", "我局", "该局", "本委", "本院"}
# where a printed name ends: a unit line (金额单位：万元, 单位：万元), a year glued to it, a gap
NAME_END = re.compile(r"\s*(?:金额)?单位\s*[：:]|\s*金额单位|(?<=\S)\s*20\d{2}\s*年|\s{2,}")
SCOPE_MARK = re.compile(r"\s*[（(](汇总|本级)[）)]")
SCOPE_MARKS = {"汇总": "department", "本级": "unit"}
LABEL_WORD = re.compile(r"(?:部门|单位)名称|编制(?:部门|单位)|预算单位|填报(?:部门|单位)")
LABEL = re.compile(rf"^\s*(?:{LABEL_WORD.pattern})\s*(?:[：:]\s*|\s+)(\S.*)$")
LABEL_ROWS = 6  # a label in a table is printed in its first rows
PRINTED_YEAR = re.compile(r"(?<![\d比较与上])(20\d{2})\s*年")
DISCLOSED = re.compile(r"预算|决算|公开")
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
    # where each was read: cover, title, label, caption, heading, publisher, narrative, text,
    # tables, name (a scope mark on it), text_part (the joined text part's), file_name
    department_from: str | None = None
    fiscal_year_from: str | None = None
    kind_from: str | None = None
    scope_from: str | None = None

    @property
    def identity_read(self) -> bool:
        """Whether department, year, kind and scope were all read from the documents' own
        words (not the file's name), the department a plausible name: what superseding one
        document by another needs."""
        return (
            plausible_department(self.printed_department)
            and self.fiscal_year is not None
            and self.kind is not None
            and self.scope is not None
            and "file_name" not in (self.department_from, self.fiscal_year_from, self.kind_from)
        )


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


def plausible_department(name: str | None) -> bool:
    """Whether a name read as the department can be one: a body's name (words ending in 局,
    委员会, 办公室, 中心, 试验场, 活动室 …, maybe with another name in brackets after it), not a
    heading's fragment (：部门 from 第一部分：部门概况), a name cut off by a line break (长春市信)
    or a word that names no one (本部门, 主管部)."""
    if not name or name in NOT_NAMES or HEADING_WORDS.search(name):
        return False
    return bool(BODY.fullmatch(TRAILING_BRACKETS.sub("", name)))


def _organisation(name: str | None) -> bool:
    """A name as titles and sentences print the department before its year: a place or words
    and the usual kinds of body (局, 委员会, 办公室 …)."""
    return bool(name) and bool(ORGANISATION.fullmatch(name)) and name not in NOT_NAMES


def _name_and_scope(text: str) -> tuple[str, str | None]:
    """A printed name as the department's, and the scope a mark after it names: ended at
    金额单位, 单位：, a year glued to it (重庆市商务委员会2026年…) or a gap; （汇总） is the
    department's consolidated document, （本级） the body alone."""
    name = NAME_END.split(text.strip(), maxsplit=1)[0].strip(" ：:，,。")
    scope = None
    if mark := SCOPE_MARK.search(name):
        scope = SCOPE_MARKS[mark.group(1)]
        name = (name[: mark.start()] + name[mark.end() :]).strip()
    return name, scope


def _found(text: str, source: str) -> tuple[str, str, str | None] | None:
    """(name, source, scope) where `text` reads as a plausible department's name."""
    name, scope = _name_and_scope(text)
    return (name, source, scope) if plausible_department(name) else None


def _cover(texts: list[str]) -> tuple[str, str, str | None] | None:
    """The department a cover names, its lines read as one title wherever they wrap (2018
    年度江苏省高级 / 人民法院预算公开; 中共上海市普陀区委 / 社会工作部 2024 年度 / 部门决算): the
    lines before the 目录 or the cover's date, the department before or after the year; a
    scope mark after the name (湖州市卫生健康委员会（汇总）2026年部门预算) read as the scope."""
    lines = []
    for text in texts[:COVER_LINES]:
        if re.sub(r"\s+", "", text) == "目录" or DATE_LINE.match(text):
            break
        lines.append(re.sub(r"\s+", "", text))
    cover = "".join(lines)
    if not lines or len(cover) > 2 * TITLE_LENGTH:
        return None
    cover, scope = _without_scope_mark(cover)
    if (found := YEAR_KIND.search(cover)) and _organisation(cover[: found.start()]):
        return cover[: found.start()], "cover", scope
    named = YEAR_FIRST.match(cover)
    if named and _organisation(named.group(1)):
        return named.group(1), "cover", scope
    return None


def _without_scope_mark(text: str) -> tuple[str, str | None]:
    if mark := SCOPE_MARK.search(text):
        return text[: mark.start()] + text[mark.end() :], SCOPE_MARKS[mark.group(1)]
    return text, None


def _title(texts: list[str]) -> tuple[str, str, str | None] | None:
    """A title line naming the department before its year (XX2019年度部门预算, the name
    wrapped on the lines above) or after it (2017年度江苏省高级人民法院部门预算公开)."""
    for index, text in enumerate(texts[:40]):
        line, scope = _without_scope_mark(text)
        found = YEAR_KIND.search(line)
        if found:
            before = line[: found.start()].strip()
            if _organisation(before):
                return before, "title", scope
            if not before and (above := _cover_name(texts[max(index - 3, 0) : index])):
                return above, "title", scope
        named = YEAR_FIRST.match(line)
        if named and len(line) <= TITLE_LENGTH and _organisation(named.group(1)):
            return named.group(1), "title", scope
    return None


def _cover_name(lines: list[str]) -> str | None:
    """The organisation the cover lines just above a title name, read joined from the farthest
    line that still makes one name with those below it."""
    for start in range(len(lines)):
        joined = "".join(line.strip() for line in lines[start:])
        if _organisation(joined):
            return joined
    return None


def _label(texts: list[str], tables: list[Table]) -> tuple[str, str, str | None] | None:
    """The department a label names — 部门名称：, 单位名称：, 编制单位：, 预算单位： with or
    without the colon — on a line of text, or in a table's cell with the name in the next
    cell (a tables file's 部门名称 | 北京市财政局)."""
    for text in texts:
        if (found := LABEL.match(text)) and (named := _found(found.group(1), "label")):
            return named
    for table in tables:
        for row in table.rows[:LABEL_ROWS]:
            cells = [text for text in row.texts if text]
            for label, value in zip(cells, cells[1:], strict=False):
                if LABEL_WORD.fullmatch(re.sub(r"[\s：:]+", "", label)) and (
                    named := _found(value, "label")
                ):
                    return named
    return None


def _caption(tables: list[RecognisedTable]) -> tuple[str, str, str | None] | None:
    """The department the recognised tables' captions name (编制部门：…), the most common; a
    name wrapped onto the caption line below joined to it (编制部门：长春市信 / 访局)."""
    names = []
    for table in tables:
        if not table.spec or not table.department:
            continue
        name, scope = _name_and_scope(table.department)
        if not plausible_department(name):
            name = _wrapped(name, table.captions) or name
        if plausible_department(name):
            names.append((name, scope))
    chosen = _most_common(names)
    return (chosen[0], "caption", chosen[1]) if chosen else None


def _wrapped(start: str, captions: tuple[str, ...]) -> str | None:
    """A caption's department cut by a line break, joined with the first words of the caption
    line below it where that makes a name."""
    for index, caption in enumerate(captions[:-1]):
        if start and start in caption:
            following = captions[index + 1].split()
            if following:
                joined, _ = _name_and_scope(start + following[0])
                return joined if plausible_department(joined) else None
    return None


def _heading(texts: list[str]) -> tuple[str, str, str | None] | None:
    """第一部分 XX概况: a name, never the heading's own words (第一部分：部门概况)."""
    for text in texts:
        if (found := OVERVIEW.search(text)) and (named := _found(found.group(1), "heading")):
            return named
    return None


def _publisher(texts: list[str]) -> tuple[str, str, str | None] | None:
    """A web page's publisher line (来源:岳阳县台创园): a body's name, whatever it ends in."""
    for text in texts[:COVER_LINES]:
        if (found := PUBLISHER.match(text)) and found.group(1) not in NOT_NAMES:
            return found.group(1), "publisher", None
    return None


def _narrative(texts: list[str]) -> tuple[str, str, str | None] | None:
    """A cover printed as an image: the name the narrative's sentences open with (江苏省政协
    办公厅 2019 年度收入、支出预算总计…), where more than one does."""
    openings = Counter(
        found.group(1)
        for text in texts
        if (found := NARRATIVE_OPENING.match(text)) and _organisation(found.group(1))
    ).most_common(1)
    if openings and openings[0][1] > 1:
        return openings[0][0], "narrative", None
    return None


def _file_name(source: str) -> tuple[str, str, str | None] | None:
    """The last resort: a department named in the file's name (上海_2026年上海市交通运输局_部门
    预算.pdf), never where the document names one."""
    for part in re.split(r"[_\-/\s]+|20\d{2}年度?", Path(source).stem):
        if named := _found(re.sub(r"(部门|单位)?(预算|决算).*$", "", part), "file_name"):
            return named
    return None


def _department(
    texts: list[str], document: Document, tables: list[RecognisedTable]
) -> tuple[str, str, str | None] | None:
    """The department, where it was read and the scope a mark on it names: in order of trust,
    the cover and title lines, a label, the tables' captions, the 概况 heading, a web page's
    publisher, the narrative's openings, and last the file's name."""
    return (
        _cover(texts)
        or _title(texts)
        or _label(texts, document.tables)
        or _caption(tables)
        or _heading(texts)
        or _publisher(texts)
        or _narrative(texts)
        or _file_name(document.source)
    )


def _year_and_kind(
    texts: list[str], source: str, tables: list[RecognisedTable]
) -> tuple[int | None, str | None, str | None, str | None]:
    """Fiscal year and kind, each with where it was read: title lines saying them together
    (2026年部门预算), then any line that does; where none does, a year printed on a line that
    names a budget or final account (2019年度…综合预算) and the kind the recognised tables'
    titles say (…预算表, …决算表); the file's name only for what the document never prints."""
    titled = _most_common(
        [m.groups() for t in texts if len(t) <= TITLE_LENGTH for m in YEAR_KIND.finditer(t)]
    )
    if titled:
        return int(titled[0]), KINDS[titled[1]], "title", "title"
    anywhere = _most_common([m.groups() for t in texts for m in YEAR_KIND.finditer(t)])
    if anywhere:
        return int(anywhere[0]), KINDS[anywhere[1]], "text", "text"
    captions = [c for t in tables if t.spec for c in (t.title, *t.captions)]
    printed = _most_common(
        [
            m.group(1)
            for t in [*texts, *captions]
            if len(t) <= 2 * TITLE_LENGTH and DISCLOSED.search(t)
            for m in PRINTED_YEAR.finditer(t)
        ]
    )
    kind = _most_common(
        [m.group(1) for t in tables if t.spec and (m := re.search(r"(预算|决算)", t.title))]
    )
    kind_source = "tables" if kind else None
    if kind is None and (named := re.search(r"(预算|决算)|(yusuan)|(juesuan)", source)):
        kind = named.group(1) or ("预算" if named.group(2) else "决算")
        kind_source = "file_name"
    if printed:
        return int(printed), KINDS.get(kind or ""), "text", kind_source
    year = re.search(r"(?<!\d)(20\d{2})(?!\d)", source)
    if year and kind:
        return int(year.group(1)), KINDS[kind], "file_name", kind_source
    return None, None, None, None


def _most_common(values: list) -> object | None:
    values = [value for value in values if value]
    return Counter(values).most_common(1)[0][0] if values else None


def document_metadata(document: Document, tables: list[RecognisedTable]) -> DocumentMetadata:
    """What a document says about itself, each item where it is said with most trust and
    with where it was read (`…_from`): see `_department`, `_year_and_kind`; the scope from the
    self-naming of its titles (2026年部门预算), else a mark on its name (（汇总）, （本级）)."""
    texts = [paragraph.text for paragraph in document.paragraphs]
    named = _department(texts, document, tables)
    printed, department_from, marked = named if named else (None, None, None)
    department = canonical_department(printed) if printed else None
    fiscal_year, kind, year_from, kind_from = _year_and_kind(texts, document.source, tables)
    published = None
    for text in reversed(texts):
        if found := DATE_LINE.match(text):
            year, month, day = (int(part) for part in found.groups())
            try:
                published = date(year, month, day)
            except ValueError:
                continue
            break
    scope = SCOPES.get(
        _most_common([m.group(1) for t in texts for m in SCOPE.finditer(re.sub(r"\s+", "", t))])
    )
    scope_from = "title" if scope else ("name" if marked else None)
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
        kind=kind,
        scope=scope or marked,
        unit=_most_common([table.unit for table in tables if table.spec]),
        published_date=published,
        department_from=department_from,
        fiscal_year_from=year_from,
        kind_from=kind_from,
        scope_from=scope_from,
    )
