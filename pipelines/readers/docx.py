"""Reader for Word .docx disclosures: body paragraphs and tables in order, merges kept.

Each table row is given its full grid width: a horizontally merged cell (gridSpan) carries its
span and is followed by empty cells for the columns it covers; a vertically merged cell
continues as an empty cell below its first row, as it reads on the page.
"""

from __future__ import annotations

import io

from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph

from pipelines.document import Block, Cell, Document, Paragraph, Position, Row, Table
from pipelines.readers.archive import open_archive, read_member


def _cell_text(cell, parent) -> str:
    return "\n".join(DocxParagraph(p, parent).text for p in cell.iter(qn("w:p")))


def _table(element, parent, block: int) -> Table:
    rows = []
    position = Position(block=block)
    for tr in element.iterchildren(qn("w:tr")):
        cells: list[Cell] = []
        properties = tr.find(qn("w:trPr"))
        before = properties.find(qn("w:gridBefore")) if properties is not None else None
        if before is not None:
            cells.extend(Cell("", position) for _ in range(int(before.get(qn("w:val"), "0"))))
        for tc in tr.iterchildren(qn("w:tc")):
            tc_properties = tc.find(qn("w:tcPr"))
            span, continued = 1, False
            if tc_properties is not None:
                grid_span = tc_properties.find(qn("w:gridSpan"))
                if grid_span is not None:
                    span = int(grid_span.get(qn("w:val"), "1"))
                merge = tc_properties.find(qn("w:vMerge"))
                continued = merge is not None and merge.get(qn("w:val")) != "restart"
            text = "" if continued else _cell_text(tc, parent)
            cells.append(Cell(text, position, span=span))
            cells.extend(Cell("", position) for _ in range(span - 1))
        rows.append(Row(cells=tuple(cells), position=position))
    return Table(rows=tuple(rows), position=Position(block=block))


def read_docx(data: bytes, source: str) -> Document:
    """Read a .docx file's bytes into a `Document`."""
    archive = open_archive(data)
    read_member(archive, "word/document.xml")
    try:
        word = open_docx(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on a broken package
        raise ValueError(f"corrupt .docx: {type(error).__name__}: {error}") from error
    blocks: list[Block] = []
    for number, element in enumerate(word.element.body.iterchildren(), start=1):
        if element.tag == qn("w:p"):
            text = DocxParagraph(element, word).text
            if text.strip():
                blocks.append(Paragraph(text=text.rstrip(), position=Position(block=number)))
        elif element.tag == qn("w:tbl"):
            blocks.append(_table(element, word, number))
    return Document(source=source, format="docx", blocks=tuple(blocks))
