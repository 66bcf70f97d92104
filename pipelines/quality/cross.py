"""Cross-table agreement: the description's rules across tables (`cross_rules.toml`),
evaluated per document for every family that publishes the tables and figures a rule reads."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import polars as pl

from pipelines.description import (
    CROSS_RULES,
    CrossRule,
    Figure,
    current_year_total,
    describes,
    figure_measures,
    table_measures,
    table_topics,
    topic_table,
)
from pipelines.quality.frame import (
    arithmetic_row,
    cells_read,
    lowest_level,
    rounding_allowance,
)

FAMILY = "cross_table"


def _key(fact: dict, by: str | None) -> str:
    if by == "class":
        return (fact["function_code"] or "")[:3] or "（无科目）"
    if by == "function_code":
        return fact["function_code"] or "（无科目）"
    if by == "measure":
        return fact["measure"]
    return ""


def _figure(
    facts: list[dict], template: str, figure: Figure, by: str | None
) -> tuple[dict[str, tuple[Decimal, dict]], dict[str, list[dict]]]:
    """Amounts of one figure per key, with the first fact as the place to look, and the facts
    each adds up (what rounding they allow); compared by
    code, only coded rows count (a side's balance rows are no class). A side whose
    总计 adds balances (决算) is read at its current-year total (本年收入合计); a table with no
    total row (支出预算总表 printed as one row) has its items' sum as its total."""
    topics = table_topics()
    matched: dict[str, list[dict]] = {"total": [], "items": [], "current": []}
    roles = {"total": "total", "item": "items", "component": "items", "subtotal": "current"}
    measures = figure_measures(figure, template)
    for fact in facts:
        if (
            topics.get((fact["template"], fact["table_no"])) == figure.topic
            and fact["measure"] in measures
            and fact["row_role"] in roles
            and (not figure.section or fact["section"] == figure.section)
            and (not figure.economic_code or fact["economic_code"] == figure.economic_code)
            and not (figure.without_economic_code and fact["economic_code"])
            and (not figure.project or re.search(figure.project, fact["project_name"] or ""))
            and (by not in ("class", "function_code") or fact["function_code"])
        ):
            matched[roles[fact["row_role"]]].append(fact)
    current = next(
        (
            label
            for fact in matched["current"][:1]
            if (label := current_year_total(fact["template"], figure.topic, figure.section))
        ),
        None,
    )
    matched["current"] = [
        f for f in matched["current"] if current and re.fullmatch(current, f["row_label"] or "")
    ]
    rows = figure.rows
    if rows == "total" and matched["current"]:
        rows = "current"
    elif rows == "total" and not matched["total"]:
        rows = "items"
    sums: dict[str, tuple[Decimal, dict]] = {}
    terms: dict[str, list[dict]] = defaultdict(list)
    facts = matched[rows]
    if rows == "items":
        for field in ("function_code", "economic_code"):
            facts = lowest_level(facts, lambda fact, field=field: fact[field])
    for fact in facts:
        key = _key(fact, by)
        amount, anchor = sums.get(key, (Decimal(0), fact))
        sums[key] = (amount + fact["amount"], anchor)
        terms[key].append(fact)
    return sums, terms


class DocumentFigures:
    """A document's facts indexed by table topic, each figure read once: the cross-table rules
    and the narrative's claims ask for the same figures again and again."""

    def __init__(self, facts: list[dict]) -> None:
        topics = table_topics()
        self.facts = facts
        self.by_topic: dict[str | None, list[dict]] = defaultdict(list)
        for fact in facts:
            self.by_topic[topics.get((fact["template"], fact["table_no"]))].append(fact)
        self._read: dict[tuple, tuple[dict, dict]] = {}

    def _figured(self, template: str, figure: Figure, by: str | None) -> tuple[dict, dict]:
        key = (template, figure, by)
        if key not in self._read:
            self._read[key] = _figure(self.by_topic.get(figure.topic, []), template, figure, by)
        return self._read[key]

    def read(
        self, template: str, figure: Figure, by: str | None
    ) -> dict[str, tuple[Decimal, dict]]:
        """The figure's amounts per key (see `_figure`)."""
        return self._figured(template, figure, by)[0]

    def terms(self, template: str, figure: Figure, by: str | None) -> dict[str, list[dict]]:
        """The facts the figure adds up, per key."""
        return self._figured(template, figure, by)[1]


def _side(figures: DocumentFigures, template: str, side: tuple[Figure, ...], by: str | None):
    combined: dict[str, tuple[Decimal, dict]] = {}
    terms: dict[str, list[dict]] = defaultdict(list)
    for figure in side:
        for key, (amount, anchor) in figures.read(template, figure, by).items():
            total, first = combined.get(key, (Decimal(0), anchor))
            combined[key] = (total + amount, first)
            terms[key].extend(figures.terms(template, figure, by)[key])
    return combined, terms


def _evaluate(
    document_id: str, template: str, rule: CrossRule, figures: DocumentFigures
) -> list[dict]:
    """One comparison per key; a rule with nothing on either side is still recorded (0 = 0),
    one with nothing read on one side only is not evaluated: a figure not read (its rows in
    words the description does not know, or its table empty) is not a 0 to hold the other to."""
    left, left_terms = _side(figures, template, rule.left, rule.by)
    right, right_terms = _side(figures, template, rule.right, rule.by)
    if bool(left) != bool(right):
        return []
    keys = set(left) | set(right)
    if rule.by == "measure":  # only sources both tables print, and both were read, compare
        keys = set(left) & set(right)
        for figure in (*rule.left, *rule.right):
            keys &= table_measures(template, figure.topic, figure.section)
    found = []
    coded = rule.by in ("class", "function_code")
    for key in sorted(keys) or [""]:
        observed, left_anchor = left.get(key, (Decimal(0), None))
        expected, right_anchor = right.get(key, (Decimal(0), None))
        anchor = left_anchor or right_anchor or {}
        found.append(
            arithmetic_row(
                document_id=document_id,
                check_id=rule.rule_id,
                family=FAMILY,
                severity=rule.severity,
                table_no=anchor.get("table_no", topic_table(template, rule.left[0].topic).number),
                subject=key or "合计",
                expected=expected,
                observed=observed,
                what_zh=f"（{rule.description_zh}）",
                what_en=f"({rule.description_en})",
                source_line=anchor.get("source_line"),
                source_page=anchor.get("source_page"),
                source_row=anchor.get("source_row"),
                source_column=anchor.get("source_column"),
                rounding=rounding_allowance(left_terms[key] + right_terms[key]) or None,
                reads=cells_read(left_terms[key], 1, coded)
                + cells_read(right_terms[key], -1, coded),
            )
        )
    return found


def cross_table_comparisons(
    facts: pl.DataFrame, tables: pl.DataFrame, documents: pl.DataFrame
) -> list[dict]:
    """Every cross-table rule of each document's template whose tables it publishes."""
    topics = table_topics()
    published = defaultdict(set)
    for document_id, template, table_no, status in tables.select(
        "document_id", "template", "table_no", "status"
    ).iter_rows():
        if status not in ("missing", "unread") and (template, table_no) in topics:
            published[document_id].add(topics[(template, table_no)])
    by_document = defaultdict(list)
    for fact in facts.to_dicts():
        by_document[fact["document_id"]].append(fact)
    found = []
    for document_id, template in documents.select("document_id", "template").iter_rows():
        figures = DocumentFigures(by_document[document_id])
        for rule in CROSS_RULES:
            named = (*rule.left, *rule.right)
            if {figure.topic for figure in named} <= published[document_id] and all(
                describes(template, figure, by_code=rule.by in ("class", "function_code"))
                for figure in named
            ):
                found += _evaluate(document_id, template, rule, figures)
    return found
