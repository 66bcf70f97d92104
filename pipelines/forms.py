"""Performance-target forms (项目支出绩效目标表): one per project, a form rather than a grid.

A form gives the project, its funding (年度资金总额 or 资金总额, 财政拨款, 其他资金; a department's
whole-expenditure form 基本支出 and 项目支出), its overall
goal, and a list of indicators under 一级/二级/三级指标, each with a target value. Forms are known
by their title (项目支出绩效目标表, …项目绩效目标表, 部门整体支出绩效目标表) or by their indicator
header (一级指标); labels are found in any cell of their row, values in the cell after them, and
indicators in the columns their header row names. A form that names no project in a cell names
it in its title (301007_泉州市公安局晋江国际机场分局_全国民航反电诈中心建设项目绩效目标表).
Vertically merged indicator levels are blank (or missing) on the rows below their first; they are
carried down.
Each target is split into operator, number and unit where it has them (≤820元 → ≤, 820, 元),
or read as a date (2020年1月1日); the raw text is always kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from pipelines.description import normalise_label
from pipelines.document import Row, Table
from pipelines.numbers import parse_amount
from pipelines.vocabulary import class_titles

FORM_TITLE = re.compile("|".join(class_titles("performance_target")))
INDICATOR_HEADER = "一级指标"
TOTAL_FUNDS = re.compile(r"(年度|项目)?资金总额[：:]?")
FISCAL_FUNDS = re.compile(r"(其中[：:])?财政拨款[：:]?")
OTHER_FUNDS = re.compile(r"其他资金[：:]?")
# a department-wide form (部门整体支出绩效目标表) splits its funds into basic and project
BASIC_FUNDS = re.compile(r"(其中[：:])?基本支出[：:]?")
PROJECT_FUNDS = re.compile(r"(其中[：:])?项目支出[：:]?")
GOAL = re.compile(r"(项目总体目标|年度绩效目标|项目实施期目标|总体目标)[：:]?")
TARGET_HEADER = re.compile(r"(目标值|指标值).*")
LIST_NUMBER = re.compile(
    r"^([一二三四五六七八九十]+、|\d+[.．、]|[（(][一二三四五六七八九十\d]+[)）])"
)
NAMED_FORM = "绩效目标表"
BARE_TITLES = {
    "项目支出绩效目标表",
    "项目绩效目标表",
    "部门整体支出绩效目标表",
    "整体支出绩效目标表",
}
BUDGET_UNIT = re.compile(r"(预算单位|部门名称|单位名称)[：:]?")
TITLED_PROJECT = re.compile(r"^(?:\d+_)?(?:(?P<unit>[^_]+)_)?(?P<project>[^_]+?)绩效目标表$")
OPERATORS = {
    "≤": "<=",
    "≥": ">=",
    "=": "=",
    "<": "<",
    ">": ">",
    "＜": "<",
    "＞": ">",
    "＝": "=",
    "≦": "<=",
    "≧": ">=",
    "不高于": "<=",
    "不超过": "<=",
    "不低于": ">=",
    "不少于": ">=",
    "大于": ">",
    "小于": "<",
    "达到": ">=",
}
TARGET = re.compile(
    r"^(?P<op>≤|≥|=|<|>|＜|＞|＝|≦|≧|不高于|不超过|不低于|不少于|大于|小于|达到)?\s*"
    r"(?P<number>[-+]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>\D{0,8})$"
)
DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")


@dataclass
class Indicator:
    level1: str | None
    level2: str | None
    level3: str | None
    target_raw: str
    operator: str | None
    target_value: Decimal | None
    target_unit: str | None
    target_date: date | None
    source_line: int | None
    source_page: int | None


@dataclass
class PerformanceForm:
    project_name: str | None = None
    budget_unit: str | None = None
    total_funds: Decimal | None = None
    fiscal_funds: Decimal | None = None
    other_funds: Decimal | None = None
    basic_funds: Decimal | None = None
    project_funds: Decimal | None = None
    goal: str | None = None
    source_line: int | None = None
    source_page: int | None = None
    indicators: list[Indicator] = field(default_factory=list)


def parse_target(text: str) -> tuple[str | None, Decimal | None, str | None, date | None]:
    """Operator, number, unit and date of a target value; Nones where it has none."""
    cleaned = text.strip(" \u3000")
    if found := DATE.match(cleaned):
        year, month, day = (int(part) for part in found.groups())
        try:
            return None, None, None, date(year, month, day)
        except ValueError:
            return None, None, None, None
    if found := TARGET.match(cleaned):
        try:
            number = Decimal(found["number"].replace(",", ""))
        except InvalidOperation:
            return None, None, None, None
        unit = found["unit"].strip() or None
        return OPERATORS.get(found["op"] or ""), number, unit, None
    return None, None, None, None


def _value_after(texts: list[str], label: re.Pattern) -> str | None:
    """The text of the first filled cell after the cell a label fills."""
    for index, text in enumerate(texts):
        if label.fullmatch(normalise_label(text)):
            return next((value for value in texts[index + 1 :] if value), None)
    return None


def _amount(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return parse_amount(text)
    except ValueError:
        return None


def is_form(captions: tuple[str, ...], table: Table) -> bool:
    """Whether a table is a performance-target form: by its title, or by its indicator header."""
    titles = [normalise_label(caption) for caption in captions]
    titles += ["".join(titles[index : index + 2]) for index in range(len(titles) - 1)]
    return any(FORM_TITLE.search(title) for title in titles) or any(
        normalise_label(text) == INDICATOR_HEADER for row in table.rows for text in row.texts
    )


def _titled_project(captions: tuple[str, ...]) -> tuple[str | None, str | None]:
    """Project and budget unit named by a form's title, `[code_][unit_]project绩效目标表`,
    read joined with the line above unless that line is a title or heading of its own (numbered,
    ending a sentence, or naming a 绩效目标表 itself): titles wrap anywhere, even mid-word.
    A bare 项目支出绩效目标表 names none."""
    titles = [normalise_label(caption) for caption in captions]
    if not titles:
        return None, None
    title = titles[-1]
    above = titles[-2] if len(titles) > 1 else ""
    if (
        above
        and NAMED_FORM not in above
        and not LIST_NUMBER.match(above)
        and above[-1] not in "。：:"
    ):
        title = above + title
    if LIST_NUMBER.sub("", title) in BARE_TITLES:
        return None, None
    found = TITLED_PROJECT.match(title)
    return (found["project"], found["unit"]) if found else (None, None)


def _amount_after(texts: list[str], label: re.Pattern, known: Decimal | None) -> Decimal | None:
    """The amount printed after a label in this row, else what an earlier row gave."""
    found = _amount(_value_after(texts, label))
    return known if found is None else found


def parse_form(table: Table, captions: tuple[str, ...] = ()) -> PerformanceForm:
    """Read one performance-target form (`captions`: the title lines above it)."""
    form = PerformanceForm(source_line=table.position.line, source_page=table.position.page)
    header: list[str] | None = None
    levels: list[str | None] = [None, None]
    for row in table.rows:
        texts = row.texts
        cleaned = [t for t in texts if t]
        if not cleaned:
            continue
        labels = [normalise_label(text) for text in cleaned]
        if header is not None:
            _indicator(form, row, texts, levels, header)
        elif INDICATOR_HEADER in labels:
            header = [normalise_label(text) for text in texts]
        elif any(BUDGET_UNIT.fullmatch(label) for label in labels) or "项目名称" in labels:
            form.budget_unit = _value_after(texts, BUDGET_UNIT) or form.budget_unit
            form.project_name = _value_after(texts, re.compile("项目名称")) or form.project_name
        elif any(GOAL.fullmatch(label) for label in labels):
            form.goal = _value_after(texts, GOAL)
        else:
            form.total_funds = _amount_after(texts, TOTAL_FUNDS, form.total_funds)
            form.fiscal_funds = _amount_after(texts, FISCAL_FUNDS, form.fiscal_funds)
            form.other_funds = _amount_after(texts, OTHER_FUNDS, form.other_funds)
            form.basic_funds = _amount_after(texts, BASIC_FUNDS, form.basic_funds)
            form.project_funds = _amount_after(texts, PROJECT_FUNDS, form.project_funds)
    if form.project_name is None:
        form.project_name, unit = _titled_project(captions)
        form.budget_unit = form.budget_unit or unit
    return form


def _indicator(form: PerformanceForm, row: Row, texts: list[str], levels: list, header) -> None:
    """One indicator row: as wide as its header, its cells under 一级/二级/三级指标 and the
    target; or, where merged cells were left out, 4 cells (一级, 二级, 三级, 指标值), 3 (二级
    onwards, 一级 carried), or a lone 一级 label starting a group."""
    if len(texts) == len(header) and len(header) > 4:
        first = header.index(INDICATOR_HEADER)
        target = next(
            (i for i, label in enumerate(header) if TARGET_HEADER.fullmatch(label)), first + 3
        )
        level1, level2, level3 = texts[first : first + 3]
        target = texts[target] if target < len(texts) else ""
    elif len(texts) >= 4:
        level1, level2, level3, target = texts[0], texts[1], texts[2], texts[3]
    elif len(texts) == 3:
        level1, level2, level3, target = "", texts[0], texts[1], texts[2]
    else:
        if texts and texts[0]:
            levels[0], levels[1] = texts[0], None
        return
    if level1:
        levels[0], levels[1] = level1, None
    if level2:
        levels[1] = level2
    if not level3 and not target:
        return
    operator, value, unit, when = parse_target(target)
    form.indicators.append(
        Indicator(
            level1=levels[0],
            level2=levels[1],
            level3=level3 or None,
            target_raw=target,
            operator=operator,
            target_value=value,
            target_unit=unit,
            target_date=when,
            source_line=row.position.line,
            source_page=row.position.page,
        )
    )
