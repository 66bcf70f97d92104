"""The one shape every comparison row has, and how amounts are written in messages."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

import polars as pl

from pipelines.facts import UNRECOGNISED
from pipelines.numbers import to_wan_yuan

# the rule families that hold printed figures to each other's arithmetic
ARITHMETIC_FAMILIES = ("within_table_sums", "balance", "cross_table")
COMPARISON_SCHEMA = {
    "document_id": pl.String,
    "check_id": pl.String,
    "rule_family": pl.String,
    "severity": pl.String,  # error | warning | info: how serious a failure of this check is
    "table_no": pl.Int16,
    "subject": pl.String,  # the code, row or item the check is about
    "expected": pl.String,
    "observed": pl.String,
    "difference": pl.Decimal(24, 6),  # observed − expected, for arithmetic checks
    "status": pl.String,  # for status checks: what was found (match, missing, …)
    "message_zh": pl.String,
    "message_en": pl.String,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
    "source_row": pl.Int32,
    "source_column": pl.Int32,
}
# What a check reads: each printed cell (its table — template and number —, page, row and
# column), the side of the comparison it stands on (+1 observed, -1 expected, 0 neither) and
# whether the check relies on the cell's code (a sum by level, a comparison by class). A whole
# table read at once (its note, its presence) has no row or column. The trust gate
# (`pipelines.quality.gate`) holds a failure to the reading of every cell it reads, and the root
# cause of a group of failures is the cell they share (`causes`); it is not published.
READ = pl.Struct(
    {
        "template": pl.String,
        "table_no": pl.Int16,
        "page": pl.Int32,
        "row": pl.Int32,
        "column": pl.Int32,
        "side": pl.Int8,
        "coded": pl.Boolean,
    }
)
CHECK_SCHEMA = {**COMPARISON_SCHEMA, "reads": pl.List(READ)}


def cells_read(facts: list[dict], side: int = 0, coded: bool = False) -> list[dict]:
    """The cells of `facts` as a check reads them (`READ`)."""
    return [
        {
            "template": fact["template"],
            "table_no": fact["table_no"],
            "page": fact["source_page"],
            "row": fact["source_row"],
            "column": fact["source_column"],
            "side": side,
            "coded": coded,
        }
        for fact in facts
    ]


def unmapped_columns(facts: pl.DataFrame) -> dict[tuple, dict[int, str]]:
    """Per described table (document, template, number), the columns whose numbers no measure
    was found for, with their headers: amounts gongkai read without knowing what they are."""
    columns: dict[tuple, dict[int, str]] = {}
    unmapped = facts.filter(
        (pl.col("measure") == UNRECOGNISED) & (pl.col("template") != UNRECOGNISED)
    )
    for document_id, template, table_no, column, label in (
        unmapped.select("document_id", "template", "table_no", "source_column", "column_label")
        .unique()
        .sort(pl.all())
        .iter_rows()
    ):
        columns.setdefault((document_id, template, table_no), {})[column] = label
    return columns


def table_read(
    template: str | None, table_no: int | None, page: int | None = None, amounts: bool = False
) -> dict:
    """A whole table as a check reads it: its presence, its note, or (`amounts`) its numbers
    as a whole."""
    return {
        "template": template,
        "table_no": table_no,
        "page": page,
        "row": None,
        "column": None,
        "side": 1 if amounts else 0,
        "coded": False,
    }


@lru_cache(maxsize=65536)
def amount_text(value: Decimal | None) -> str:
    """An amount as people write it: 1483.22, 6.6, 0 — no exponent, no trailing zeros."""
    if value is None:
        return "0"
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


TOLERANCE = Decimal("0.005")  # the suites' tolerance: half a cent of 万元


def rounding_allowance(facts: list[dict]) -> Decimal:
    """How far a sum of these printed figures may be off by rounding alone: half a unit of
    each figure's last printed digit, in 万元 (0.01 on three 万元 terms at two decimals is
    0.015; a 元 table's figures weigh 10,000 times less)."""
    allowance = Decimal(0)
    for fact in facts:
        text = (fact.get("raw_text") or "").replace(",", "")
        decimals = len(text.split(".")[1]) if "." in text else 0
        half = Decimal(5) / Decimal(10) ** (decimals + 1)
        allowance += to_wan_yuan(half, fact.get("published_unit") or "万元")
    return allowance


def arithmetic_row(
    *,
    document_id: str,
    check_id: str,
    family: str,
    severity: str,
    table_no: int | None,
    subject: str,
    expected: Decimal,
    observed: Decimal,
    what_zh: str,
    what_en: str,
    source_line: int | None = None,
    source_page: int | None = None,
    source_row: int | None = None,
    source_column: int | None = None,
    rounding: Decimal | None = None,
    reads: list[dict] = (),
) -> dict:
    """A comparison of two amounts; the message reads the same whether it passes or not.

    `rounding` is what rounding the printed figures allows (`rounding_allowance`): a
    difference beyond the suites' tolerance but within it fails as `rounding`, of severity
    info — the figures were rounded one by one, the document does not contradict itself.
    `reads` are the cells compared (`cells_read`)."""
    difference = observed - expected
    where_zh = f"表{table_no}" if table_no else ""
    where_en = f"table {table_no} " if table_no else ""
    status = None
    if rounding is not None and TOLERANCE < abs(difference) <= rounding:
        severity, status = "info", "rounding"
        what_zh += f"（在各数舍入所允许的 {amount_text(rounding)} 以内）"
        what_en += f" (within the {amount_text(rounding)} the figures' rounding allows)"
    return {
        "document_id": document_id,
        "check_id": check_id,
        "rule_family": family,
        "severity": severity,
        "table_no": table_no,
        "subject": subject,
        "expected": amount_text(expected),
        "observed": amount_text(observed),
        "difference": difference,
        "status": status,
        "message_zh": f"{where_zh}「{subject}」{what_zh}：应为 {amount_text(expected)}，"
        f"实为 {amount_text(observed)}，相差 {amount_text(difference)}",
        "message_en": f"{where_en}'{subject}' {what_en}: expected {amount_text(expected)}, "
        f"observed {amount_text(observed)}, difference {amount_text(difference)}",
        "source_line": source_line,
        "source_page": source_page,
        "source_row": source_row,
        "source_column": source_column,
        "reads": list(reads),
    }


def lowest_level(facts: list[dict], code_of: Callable[[dict], str | None]) -> list[dict]:
    """Item rows at the lowest level printed: a 类 or 款 row whose 款 or 项 rows are printed
    too is their sum, not another item, and so is a 项 row whose projects follow it under its
    code. Rows without a code are kept."""
    codes = {code for fact in facts if (code := code_of(fact))}
    parents = {code[:cut] for code in codes for cut in range(3, len(code)) if code[:cut] in codes}
    # a 项 whose projects are printed below it, each under its code, is their sum too
    projected = {code_of(f) for f in facts if f.get("project_name") and code_of(f)}
    return [
        fact
        for fact in facts
        if code_of(fact) not in parents
        and not (code_of(fact) in projected and not fact.get("project_name"))
    ]
