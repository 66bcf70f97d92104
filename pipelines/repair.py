"""Reading repair: a described table continued in a table with no title after it is joined to
it, and a row split over two lines is joined again, where the joined reading's arithmetic
verifies.

A reader that misses a page break's continuation (no top ruling, no repeated header, a page
number between) leaves the table's last rows as a headerless table of the same width: its
numbers become unrecognised facts and the table's sums, cross-table figures and prose figures
fail by exactly what those rows add up to — gongkai's misreading told as the document's error.
Here each described table followed by such a fragment is read both ways, unjoined and joined,
and the joined reading is kept where its sums all hold and it tests more of them; the repair is
recorded as a `continuation_joined` warning, and the table's reading verdict says so.

A tall cell whose amounts sit on its bottom line can reach the document model as two rows: the
code and name with no amount, then the amounts under blank key cells. The amounts then have no
code, and every figure read by code misses them. Such pairs are joined where the joined
table's sums all hold (`split_rows_joined`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from pipelines.description import NATIONAL_TABLES, normalise_label
from pipelines.document import Row, Table
from pipelines.facts import FACT_SCHEMA, REALIGNED, REPAIRED, table_facts, warning
from pipelines.numbers import is_amount
from pipelines.quality.frame import TOLERANCE
from pipelines.quality.sums import within_table_comparisons
from pipelines.recognise import RecognisedTable, match_title


@dataclass(frozen=True)
class _Arithmetic:
    holding: int
    failing: int


def _arithmetic(table: RecognisedTable, unit: str, basis: str | None) -> _Arithmetic:
    """How many of the table's own sums hold (to the cent or within rounding) and fail."""
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
        and fragment.table.width == table.table.width
        and any(is_amount(text) for row in fragment.table.rows for text in row.texts)
        and match_title(fragment.captions, NATIONAL_TABLES)[0] is None
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
                table.spec,
                fragment.table.position,
                f"table {table.spec.number} continues in the {len(fragment.table.rows)} rows of "
                f"a table with no title after it: joined, as its {together.holding} sums then "
                f"hold (only {alone.holding} without them)",
            )
        )
    return tables, repairs


def _split_pairs(table: RecognisedTable) -> list[int]:
    """Data rows whose key cells (code, name) are printed with no amount, followed by a row
    with amounts and no key: one printed row whose amounts sit at the bottom of a tall cell,
    read as two."""
    keys = {column.index for column in table.columns if column.is_key}
    amounts = {column.index for column in table.columns if not column.is_key}
    rows = table.data_rows

    def printed(row: Row, indexes: set[int]) -> bool:
        return any(row.texts[i] for i in indexes if i < len(row.texts))

    return [
        index
        for index in range(len(rows) - 1)
        if printed(rows[index], keys)
        and not printed(rows[index], amounts)
        and printed(rows[index + 1], amounts)
        and not printed(rows[index + 1], keys)
    ]


def _joined_rows(table: RecognisedTable, pairs: list[int]) -> RecognisedTable:
    rows = list(table.data_rows)
    for index in reversed(pairs):
        label, values = rows[index], rows[index + 1]
        cells = tuple(
            values.cells[i] if i < len(values.cells) and values.texts[i] else cell
            for i, cell in enumerate(label.cells)
        )
        rows[index : index + 2] = [Row(cells, label.position)]
    head = table.table.rows[: table.header_rows]
    return replace(table, table=Table(head + tuple(rows), table.table.position))


def realigned_rows(
    recognised: list[RecognisedTable], unit: str, basis: str | None
) -> tuple[list[RecognisedTable], list[dict]]:
    """The document's tables with each split row joined again, where the joined reading's sums
    all hold and test at least as many; a warning per table realigned."""
    tables, repairs = [], []
    for table in recognised:
        pairs = _split_pairs(table) if table.spec and table.spec.layout == "grid" else []
        if pairs:
            joined = _joined_rows(table, pairs)
            alone, together = _arithmetic(table, unit, basis), _arithmetic(joined, unit, basis)
            if not together.failing and together.holding >= alone.holding:
                repairs.append(
                    warning(
                        REALIGNED,
                        table.spec,
                        table.table.position,
                        f"table {table.spec.number}: {len(pairs)} rows printed with their "
                        "amounts on the line below (a tall cell) joined to their codes and names, "
                        f"as its {together.holding} sums then hold",
                    )
                )
                table = joined
        tables.append(table)
    return tables, repairs
