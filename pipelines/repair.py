"""Reading repair: a described table continued in a table with no title after it is joined to
it where the joined reading's arithmetic verifies.

A reader that misses a page break's continuation (no top ruling, no repeated header, a page
number between) leaves the table's last rows as a headerless table of the same width: its
numbers become unrecognised facts and the table's sums, cross-table figures and prose figures
fail by exactly what those rows add up to — gongkai's misreading told as the document's error.
Here each described table followed by such a fragment is read both ways, unjoined and joined,
and the joined reading is kept where its sums all hold and it tests more of them; the repair is
recorded as a `continuation_joined` warning, and the table's reading verdict says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from pipelines.catalog import NATIONAL_TABLES, normalise_label
from pipelines.document import Table
from pipelines.facts import table_facts, warning
from pipelines.numbers import is_amount
from pipelines.recognise import RecognisedTable, match_title

REPAIRED = "continuation_joined"


@dataclass(frozen=True)
class _Arithmetic:
    holding: int
    failing: int


def _arithmetic(table: RecognisedTable, unit: str, basis: str | None) -> _Arithmetic:
    """How many of the table's own sums hold (to the cent or within rounding) and fail."""
    # the checks read the extraction's schemas, and extraction asks this repair: imported here
    from pipelines.extract import FACT_SCHEMA
    from pipelines.quality.frame import TOLERANCE
    from pipelines.quality.sums import within_table_comparisons

    facts = pl.DataFrame(table_facts(table, "repair", unit, basis).facts, schema=FACT_SCHEMA)
    holding = failing = 0
    for row in within_table_comparisons(facts):
        if abs(row["difference"]) <= TOLERANCE or row["status"] == "rounding":
            holding += 1
        else:
            failing += 1
    return _Arithmetic(holding, failing)


def _is_fragment(table: RecognisedTable, fragment: RecognisedTable) -> bool:
    """A table with no title of any class, as wide as the table before it, printing amounts."""
    return (
        fragment.spec is None
        and not fragment.title
        and match_title(fragment.captions, NATIONAL_TABLES)[0] is None
        and fragment.table.width == table.table.width
        and any(is_amount(text) for row in fragment.table.rows for text in row.texts)
    )


def _continued_rows(table: RecognisedTable, fragment: RecognisedTable) -> tuple:
    """The fragment's rows without a header it repeats from the table's first page."""
    header = {
        tuple(normalise_label(text) for text in row.texts)
        for row in table.table.rows[: table.header_rows]
    }
    rows = list(fragment.table.rows)
    while rows and tuple(normalise_label(text) for text in rows[0].texts) in header:
        rows.pop(0)
    return tuple(rows)


def joined_continuations(
    recognised: list[RecognisedTable], unit: str, basis: str | None
) -> tuple[list[RecognisedTable], list[dict]]:
    """The document's tables with each verified continuation joined to the table it continues,
    and a warning per join."""
    tables, repairs = list(recognised), []
    index = 0
    while index < len(tables) - 1:
        table, fragment = tables[index], tables[index + 1]
        if table.spec is None or not _is_fragment(table, fragment):
            index += 1
            continue
        joined = replace(
            table,
            table=Table(table.table.rows + _continued_rows(table, fragment), table.table.position),
            note=fragment.note or table.note,
        )
        alone, together = _arithmetic(table, unit, basis), _arithmetic(joined, unit, basis)
        if together.failing or together.holding <= alone.holding:
            index += 1
            continue
        tables[index : index + 2] = [joined]
        repairs.append(
            warning(
                REPAIRED,
                table.spec.number,
                fragment.table.position,
                f"table {table.spec.number} continues in the {len(fragment.table.rows)} rows of "
                f"a table with no title after it: joined, as its {together.holding} sums then "
                f"hold (only {alone.holding} without them)",
            )
        )
    return tables, repairs
