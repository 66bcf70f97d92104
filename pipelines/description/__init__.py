"""The description of the disclosure tables, as data, and the questions asked of it.

What every family shares — table classes and their titles, measures and their header words,
the rows that close a side, basis words — is the national vocabulary (`vocabulary.toml`).
The tables themselves are described once in this folder (`tables.toml`: the shared pieces and
each class's default table; `families/`: what each template family says otherwise;
`cross_rules.toml`: how a document's tables agree), loaded and checked by `load`. Recognition,
normalisation, checks and documentation all read it; nothing downstream knows a table by its
position in a file.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from pipelines import vocabulary
from pipelines.description import load
from pipelines.description.model import (
    ColumnSpec,
    CrossRule,
    Figure,
    RowSpec,
    SideSpec,
    SumRule,
    TableSpec,
)

__all__ = [
    "BASES",
    "CROSS_RULES",
    "FUNDING_SOURCES",
    "FUNDING_SOURCE_ROWS",
    "MEASURES",
    "NATIONAL",
    "NATIONAL_TABLES",
    "NUMBERED",
    "PROJECT",
    "TABLES",
    "TEMPLATES",
    "TOTAL",
    "ColumnSpec",
    "CrossRule",
    "Figure",
    "RowSpec",
    "SideSpec",
    "SumRule",
    "TableSpec",
    "current_year_total",
    "described_tables",
    "describes",
    "figure_measures",
    "normalise_label",
    "table_measures",
    "table_topics",
    "topic_table",
]

MEASURES: dict[str, tuple[str, str]] = {
    # measure id: (Chinese name, what it means), from the national vocabulary
    measure.measure: (measure.name, measure.meaning)
    for measure in vocabulary.measures().values()
}
BASES: dict[str, str] = vocabulary.bases()
NUMBERED = vocabulary.numbering_pattern()

TEMPLATES: dict[str, tuple[TableSpec, ...]] = load.families()
TABLES: tuple[TableSpec, ...] = TEMPLATES["budget_2020"]  # the national template as printed
CROSS_RULES: tuple[CrossRule, ...] = load.cross_rules()
# the funding sources a side of income lists (财政拨款, 一般公共预算 … 上年结余) and a column of
# an income table carries
FUNDING_SOURCE_ROWS = load.shared_rows("funding_sources")
FUNDING_SOURCES = tuple(column.measure for column in load.shared_columns("funding_sources"))
TOTAL = ("total",)
PROJECT = ("project_expenditure",)

# ---- the national tables: a class no family describes, read by the vocabulary alone ---------

NATIONAL = "national"


def _national_rules(entry: vocabulary.TableClass) -> tuple[SumRule, ...]:
    """The sums of a class's table: its declared totals, each measure's own parts, and, where
    its rows carry codes, the 合计 row over the items and each 类 over its 款."""
    rules = [
        SumRule(f"across.{total}_is_sum_of_parts", "across", total, parts)
        for total, parts in entry.sums
    ]
    rules += [
        SumRule(f"across.{measure}_is_sum_of_its_parts", "across", measure, parts)
        for measure in entry.measures
        if (parts := vocabulary.measure_parts(measure)) and set(parts) <= set(entry.measures)
    ]
    if entry.codes:
        rules.append(SumRule("down.total_row_is_sum_of_items", "down", "total"))
    return tuple(rules)


NATIONAL_TABLES: tuple[TableSpec, ...] = tuple(
    TableSpec(
        NATIONAL,
        entry.number,
        entry.name,
        (),
        "grid",
        code_kind=entry.codes,
        topic=topic,
        sum_rules=_national_rules(entry),
    )
    for topic, entry in vocabulary.table_classes().items()
    if entry.layout == "grid" and entry.measures
)
NATIONAL_BY_TOPIC = {spec.topic: spec for spec in NATIONAL_TABLES}


def described_tables() -> tuple[TableSpec, ...]:
    """Every table the description can read: each family's, then the national ones."""
    return (*(spec for specs in TEMPLATES.values() for spec in specs), *NATIONAL_TABLES)


# ---- what a family's table prints -----------------------------------------------------------


@cache
def topic_table(template: str, topic: str) -> TableSpec | None:
    """A family's table on a topic, if the family describes one; else the class's national
    table, which a document of any family is read by where it prints that class (苏州's
    财政拨款支出表), so the rules across tables hold it to the others too."""
    return next((spec for spec in TEMPLATES.get(template, ()) if spec.topic == topic), None) or (
        NATIONAL_BY_TOPIC.get(topic)
    )


@cache
def table_topics() -> dict[tuple[str, int], str]:
    """The topic of each (template, table number) the description holds."""
    return {(spec.template, spec.number): spec.topic for spec in described_tables() if spec.topic}


def current_year_total(template: str, topic: str, section: str | None) -> str | None:
    """The label of the row totalling this year's flows on a side, where the family prints one."""
    spec = topic_table(template, topic)
    for side in spec.sides if spec else ():
        if side.section == section:
            return next((row.label for row in side.rows if row.current_year_total), None)
    return None


@cache
def table_measures(template: str, topic: str, section: str | None = None) -> frozenset[str]:
    """The measures a family's table on a topic prints (on one side, where named)."""
    spec = topic_table(template, topic)
    if spec is None:
        return frozenset()
    if spec.template == NATIONAL:  # read by the class's words: any measure of the class
        return frozenset(vocabulary.table_classes()[topic].measures)
    measures = {column.measure for column in spec.columns}
    if spec.blocks:  # a block's measure replaces its columns'
        measures = {row.measure for row in spec.blocks if row.measure}
    for side in spec.sides:
        if section is None or side.section == section:
            measures |= {column.measure for column in side.columns}
            measures |= {row.measure for row in side.rows if row.measure}
    return frozenset(measures)


def figure_measures(figure: Figure, template: str) -> tuple[str, ...]:
    """The measures a figure is read from in a family's table: its own, or its parts where the
    family prints only those."""
    printed = table_measures(template, figure.topic, figure.section)
    return figure.measures if set(figure.measures) & printed or not figure.parts else figure.parts


def describes(template: str, figure: Figure, by_code: bool = False) -> bool:
    """Whether a family's table on the figure's topic has the figure's measures (and side, and
    functional codes where compared by code): a rule reading a figure the family does not
    print is not a rule for that family."""
    spec = topic_table(template, figure.topic)
    if spec is None or (by_code and spec.code_kind != "function"):
        return False
    if spec.template == NATIONAL and figure.project:
        return False  # projects picked by name (接待类) need a family's reading of its rows
    sections = {side.section for side in spec.sides}
    return (
        bool(
            set(figure_measures(figure, template))
            & table_measures(template, figure.topic, figure.section)
        )
        and (figure.section is None or figure.section in sections)
        and (figure.economic_code is None or spec.code_kind == "economic")
    )


@lru_cache(maxsize=65536)
def normalise_label(text: str) -> str:
    """Label text as the description matches it: no white space, one kind of quote (cached:
    the same labels recur in every document)."""
    text = re.sub(r"[\s\u3000]+", "", text)
    return re.sub(r"[“”„‟\"＂「」]", '"', text)
