"""Performance-target forms (项目支出绩效目标表): one per project, a form rather than a grid.

A form gives the project, its funding (年度资金总额, 财政拨款, 其他资金), its overall goal, and
a list of indicators under 一级/二级/三级指标, each with a target value. Vertically merged
indicator levels are blank (or missing) on the rows below their first; they are carried down.
Each target is split into operator, number and unit where it has them (≤820元 → ≤, 820, 元),
or read as a date (2020年1月1日); the raw text is always kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from pipelines.catalog import normalise_label
from pipelines.document import Row, Table
from pipelines.numbers import parse_amount

FORM_TITLE = re.compile(r"项目支出绩效目标表")
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
HEADER = re.compile(r"^一级指标$")


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


def _value_after(texts: list[str], label: str) -> str | None:
    for index, text in enumerate(texts):
        if normalise_label(text).startswith(label) and index + 1 < len(texts):
            return texts[index + 1]
    return None


def _amount(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return parse_amount(text)
    except ValueError:
        return None


def parse_form(table: Table) -> PerformanceForm:
    """Read one performance-target form."""
    form = PerformanceForm(source_line=table.position.line, source_page=table.position.page)
    in_indicators = False
    levels: list[str | None] = [None, None]
    for row in table.rows:
        texts = row.texts
        cleaned = [t for t in texts if t]
        if not cleaned:
            continue
        head = normalise_label(cleaned[0])
        if head == "预算单位":
            form.budget_unit = _value_after(texts, "预算单位")
            form.project_name = _value_after(texts, "项目名称")
        elif head.startswith("项目资金"):
            form.total_funds = _amount(_value_after(texts, "年度资金总额"))
            form.fiscal_funds = _amount(_value_after(texts, "其中：财政拨款"))
            form.other_funds = _amount(_value_after(texts, "其他资金"))
        elif head.startswith("项目总体目标") or head.startswith("年度绩效目标"):
            form.goal = cleaned[1] if len(cleaned) > 1 else None
        elif HEADER.match(head):
            in_indicators = True
        elif in_indicators:
            _indicator(form, row, texts, levels)
    return form


def _indicator(form: PerformanceForm, row: Row, texts: list[str], levels: list) -> None:
    """One indicator row: 4 cells (一级, 二级, 三级, 指标值), 3 (二级 onwards, 一级 carried),
    or a lone 一级 label starting a group."""
    if len(texts) >= 4:
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
