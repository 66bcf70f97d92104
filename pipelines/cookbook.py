"""The analysts' cookbook (docs/queries.md): questions, their SQL and the answers printed.

The file is a sequence of sections, each a question (a `###` heading), one ```sql block and
the answer as a Markdown table. `render_answer` writes a result the way the file shows it, so
a test can run every query and compare: the cookbook cannot rot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

SECTION = re.compile(
    r"^### (?P<question>[^\n]+)\n.*?```sql\n(?P<sql>.+?)```\n+(?P<answer>(?:\|[^\n]*\|\n?)+)",
    re.S | re.M,
)


@dataclass(frozen=True)
class Recipe:
    question: str
    sql: str
    answer: str


def recipes(path: Path) -> list[Recipe]:
    """Every question of the cookbook with its SQL and printed answer."""
    text = path.read_text(encoding="utf-8")
    return [
        Recipe(m["question"].strip(), m["sql"].strip(), m["answer"].strip())
        for m in SECTION.finditer(text)
    ]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text == "-0" else text
    if isinstance(value, float):
        return format(Decimal(repr(value)).quantize(Decimal("0.0001")).normalize(), "f")
    return str(value).replace("|", "/")


def render_answer(connection: duckdb.DuckDBPyConnection, sql: str) -> str:
    """A query's result as the cookbook prints it: a Markdown table, numbers plainly."""
    relation = connection.sql(sql)
    header = "| " + " | ".join(relation.columns) + " |"
    rule = "|" + "---|" * len(relation.columns)
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in relation.fetchall()]
    return "\n".join([header, rule, *rows])
