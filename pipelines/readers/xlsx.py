"""Reader for Excel .xlsx disclosures: each sheet a table, merged ranges kept as spans.

Numbers are read as the numbers the workbook stores, not re-parsed from their display text.
Single-cell rows above and below a sheet's grid (a title, a note) become paragraphs, so titles
and 备注 are found as in any other format.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from pipelines.document import Block, Cell, Document, Paragraph, Position, Row, Table
from pipelines.readers.archive import open_archive, read_member


def _text(value) -> str:
    """A cell's value as text; a stored float is written exactly as the number it is."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes, source: str) -> Document:
    """Read an .xlsx file's bytes into a `Document`."""
    archive = open_archive(data)
    read_member(archive, "xl/workbook.xml")
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken package
        raise ValueError(f"corrupt .xlsx: {type(error).__name__}: {error}") from error
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        spans = {}
        covered = set()
        for merged in sheet.merged_cells.ranges:
            spans[(merged.min_row, merged.min_col)] = merged.max_col - merged.min_col + 1
            for row in range(merged.min_row, merged.max_row + 1):
                for column in range(merged.min_col, merged.max_col + 1):
                    if (row, column) != (merged.min_row, merged.min_col):
                        covered.add((row, column))
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            position = Position(sheet=sheet.title, line=number)
            cells = tuple(
                Cell(
                    "" if (number, col) in covered else _text(value),
                    position,
                    span=spans.get((number, col), 1),
                )
                for col, value in enumerate(values, start=1)
            )
            rows.append(Row(cells, position))
        while rows and rows[-1].is_blank:
            rows.pop()
        head: list[Row] = []
        while rows and sum(1 for t in rows[0].texts if t) <= 1:
            head.append(rows.pop(0))
        tail: list[Row] = []
        while rows and sum(1 for t in rows[-1].texts if t) <= 1 and not rows[-1].is_blank:
            tail.insert(0, rows.pop())
        blocks.extend(
            Paragraph(" ".join(t for t in r.texts if t), r.position) for r in head if not r.is_blank
        )
        if rows:
            blocks.append(Table(tuple(rows), rows[0].position))
        blocks.extend(Paragraph(" ".join(t for t in r.texts if t), r.position) for r in tail)
    return Document(source=source, format="xlsx", blocks=tuple(blocks))
