"""Reader for Excel disclosures (.xlsx and legacy .xls), by calamine: each sheet a table.

Merged ranges are kept as spans; numbers are read as the numbers the workbook stores, not
re-parsed from their display text. Single-cell rows above and below a sheet's grid (a title, a
note) become paragraphs, so titles and 备注 are found as in any other format.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal

from python_calamine import CalamineError, CalamineWorkbook

from pipelines.document import Block, Cell, Document, Paragraph, Position, Row, Table
from pipelines.readers.archive import open_archive, read_member


def _text(value) -> str:
    """A cell's value as text; a stored float is written exactly as the number it is."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _sheet_blocks(sheet) -> list[Block]:
    spans: dict[tuple[int, int], int] = {}
    covered: set[tuple[int, int]] = set()
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
        spans[(top, left)] = right - left + 1
        covered.update(
            (r, c)
            for r in range(top, bottom + 1)
            for c in range(left, right + 1)
            if (r, c) != (top, left)
        )
    rows = []
    for number, values in enumerate(sheet.to_python(skip_empty_area=False)):
        position = Position(sheet=sheet.name, line=number + 1)
        cells = tuple(
            Cell(
                "" if (number, col) in covered else _text(value),
                position,
                span=spans.get((number, col), 1),
            )
            for col, value in enumerate(values)
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
    blocks: list[Block] = [
        Paragraph(" ".join(t for t in row.texts if t), row.position)
        for row in head
        if not row.is_blank
    ]
    if rows:
        blocks.append(Table(tuple(rows), rows[0].position))
    blocks.extend(Paragraph(" ".join(t for t in row.texts if t), row.position) for row in tail)
    return blocks


def _read(data: bytes, source: str, file_format: str) -> Document:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        blocks = [
            block
            for name in workbook.sheet_names
            for block in _sheet_blocks(workbook.get_sheet_by_name(name))
        ]
    except (CalamineError, ValueError, TypeError) as error:
        raise ValueError(f"corrupt {file_format} workbook: {error}") from error
    return Document(source=source, format=file_format, blocks=tuple(blocks))


def read_xlsx(data: bytes, source: str) -> Document:
    """Read an .xlsx file's bytes into a `Document` (within the archive limits)."""
    read_member(open_archive(data), "xl/workbook.xml")
    return _read(data, source, "xlsx")


def read_xls(data: bytes, source: str) -> Document:
    """Read a legacy .xls file's bytes into a `Document`."""
    return _read(data, source, "xls")
