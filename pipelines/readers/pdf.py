"""Reader for PDF disclosures with a text layer, by pdfplumber.

Tables are found from their ruling lines; each row is given the full grid width, a merged cell
carrying its span (measured against the column edges of the grid) with empty cells under it.
Lines wrapped inside a cell are joined without a separator, as Chinese text and wrapped numbers
(`164` / `2.52`) read. A table that runs on at the top of the next page continues the table.
Text outside tables becomes paragraphs, one per line, with page and line; bare page numbers are
dropped as page furniture. A PDF with no text layer (a scan) or a password is refused.
"""

from __future__ import annotations

import io
import re

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from pipelines.document import Block, Cell, Document, Paragraph, Position, Row, Table

PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d+(\s*页)?(\s*/\s*\d+)?[-—–\s]*$")
TOLERANCE = 1.5


def _column_edges(table) -> list[float]:
    """The left edge of every grid column of a pdfplumber table."""
    edges = []
    for column in table.columns:
        lefts = [cell[0] for cell in column.cells if cell is not None]
        edges.append(min(lefts) if lefts else edges[-1] if edges else table.bbox[0])
    return edges


def _rows(table, page_number: int) -> list[Row]:
    edges = _column_edges(table)
    texts = table.extract()
    rows = []
    for row, values in zip(table.rows, texts, strict=True):
        position = Position(page=page_number)
        cells = []
        for bbox, text in zip(row.cells, values, strict=True):
            if bbox is None:
                cells.append(Cell("", position))
                continue
            span = sum(1 for edge in edges if bbox[0] - TOLERANCE <= edge < bbox[2] - TOLERANCE)
            cells.append(Cell((text or "").replace("\n", ""), position, span=max(span, 1)))
        rows.append(Row(tuple(cells), position))
    return rows


def _page_blocks(page, page_number: int) -> list[tuple[float, Block]]:
    found = page.find_tables()
    placed: list[tuple[float, Block]] = []
    for table in found:
        rows = _rows(table, page_number)
        if rows:
            placed.append((table.bbox[1], Table(tuple(rows), Position(page=page_number))))

    def outside(obj) -> bool:
        return not any(
            t.bbox[0] - 1 <= obj["x0"]
            and obj["x1"] <= t.bbox[2] + 1
            and t.bbox[1] - 1 <= obj["top"]
            and obj["bottom"] <= t.bbox[3] + 1
            for t in found
        )

    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or outside(obj))
    for number, line in enumerate(text_page.extract_text_lines(), start=1):
        text = line["text"].strip()
        if text and not PAGE_NUMBER.match(text):
            placed.append((line["top"], Paragraph(text, Position(page=page_number, line=number))))
    placed.sort(key=lambda item: item[0])
    return placed


def _continues(previous: Block | None, table: Table) -> bool:
    return isinstance(previous, Table) and previous.width == table.width


def read_pdf(data: bytes, source: str) -> Document:
    """Read a PDF file's bytes into a `Document`."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PdfminerException) as error:
        cause = error.args[0] if error.args else error
        if isinstance(cause, PDFPasswordIncorrect) or "password" in str(error).lower():
            raise ValueError("encrypted PDF: it needs a password to open") from error
        raise ValueError(f"corrupt PDF: {error}") from error
    blocks: list[Block] = []
    characters = 0
    with pdf:
        for page_number, page in enumerate(pdf.pages, start=1):
            characters += len(page.chars)
            for index, (_, block) in enumerate(_page_blocks(page, page_number)):
                previous = blocks[-1] if blocks else None
                if index == 0 and isinstance(block, Table) and _continues(previous, block):
                    blocks[-1] = Table(previous.rows + block.rows, previous.position)
                else:
                    blocks.append(block)
    if characters == 0:
        raise ValueError("no text layer: a scanned PDF needs OCR, which this pipeline does not do")
    return Document(source=source, format="pdf", blocks=tuple(blocks))
