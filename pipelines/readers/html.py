"""Reader for saved HTML disclosure pages: tables with colspan/rowspan, text as paragraphs.

Rows are given their full grid width: a cell spanning columns carries its span and is followed
by empty cells; a cell spanning rows continues as an empty cell in the rows below. Scripts and
styles are skipped; every other text outside tables becomes a paragraph, one per block element.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from pipelines.document import Block, Cell, Document, Paragraph, Position, Row, Table
from pipelines.readers.text_export import decode_text

BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "br",
    "tr",
    "title",
    "section",
    "article",
    "header",
    "footer",
    "caption",
}
SKIPPED = {"script", "style", "head"}
# a link to a file a disclosure's page attaches (its tables as a workbook, a PDF)
ATTACHMENT_LINK = re.compile(r"\.(?:pdf|xlsx?|docx?|wps|zip|rar|et)(?:[?#].*)?$", re.IGNORECASE)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.text_line = 0
        self.skipping = 0
        self.tables: list[dict] = []  # open tables (nested ones are read as their own)
        self.links: list[str] = []  # addresses of the files the page links

    # -- paragraphs --
    def _flush_text(self) -> None:
        text = "".join(self.text).strip()
        if text and not self.tables:
            self.blocks.append(Paragraph(text, Position(line=self.text_line)))
        self.text = []

    # -- tags --
    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if tag == "a" and ATTACHMENT_LINK.search(href := attributes.get("href") or ""):
            self.links.append(href.strip())
        if tag in SKIPPED:
            self.skipping += 1
        elif tag == "table":
            self._flush_text()
            self.tables.append(
                {"rows": [], "row": None, "cell": None, "carry": {}, "line": self.getpos()[0]}
            )
        elif self.tables and tag == "tr":
            self.tables[-1]["row"] = {"cells": [], "line": self.getpos()[0]}
        elif self.tables and tag in ("td", "th") and self.tables[-1]["row"] is not None:
            self.tables[-1]["cell"] = {
                "text": [],
                "line": self.getpos()[0],
                "colspan": _number(attributes.get("colspan")),
                "rowspan": _number(attributes.get("rowspan")),
            }
        elif tag in BLOCK_TAGS and not self.tables:
            self._flush_text()
        elif tag == "br" and self.tables and self.tables[-1]["cell"] is not None:
            self.tables[-1]["cell"]["text"].append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif self.tables and tag in ("td", "th"):
            self._end_cell()
        elif self.tables and tag == "tr":
            self._end_cell()
            self._end_row()
        elif self.tables and tag == "table":
            self._end_cell()
            self._end_row()
            self._end_table()
        elif tag in BLOCK_TAGS and not self.tables:
            self._flush_text()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.tables and self.tables[-1]["cell"] is not None:
            self.tables[-1]["cell"]["text"].append(data)
        elif not self.tables:
            if not self.text:
                self.text_line = self.getpos()[0]
            self.text.append(data)

    # -- building tables --
    def _end_cell(self) -> None:
        table = self.tables[-1]
        cell, row = table["cell"], table["row"]
        if cell is None or row is None:
            return
        row["cells"].append(cell)
        table["cell"] = None

    def _end_row(self) -> None:
        table = self.tables[-1]
        row = table["row"]
        if row is None:
            return
        table["row"] = None
        position = Position(line=row["line"])
        cells: list[Cell] = []
        carry = table["carry"]  # column -> rows still covered by a rowspan above
        pending = list(row["cells"])
        column = 0
        while pending or carry.get(column):
            if carry.get(column):
                carry[column] -= 1
                cells.append(Cell("", position))
                column += 1
                continue
            cell = pending.pop(0)
            text = " ".join("".join(cell["text"]).split(" ")).strip()
            span = cell["colspan"]
            cells.append(Cell(text, Position(line=cell["line"]), span=span))
            cells.extend(Cell("", position) for _ in range(span - 1))
            for covered in range(column, column + span):
                if cell["rowspan"] > 1:
                    carry[covered] = cell["rowspan"] - 1
            column += span
        table["rows"].append(Row(tuple(cells), position))

    def _end_table(self) -> None:
        table = self.tables.pop()
        if table["rows"]:
            self.blocks.append(Table(tuple(table["rows"]), Position(line=table["line"])))


def _number(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def read_html(data: bytes, source: str) -> Document:
    """Read a saved HTML page's bytes into a `Document`."""
    parser = _Parser()
    text, encoding = decode_text(data)
    parser.feed(text)
    parser.close()
    parser._flush_text()
    return Document(
        source=source,
        format="html",
        blocks=tuple(parser.blocks),
        encoding=encoding,
        links=tuple(dict.fromkeys(parser.links)),
    )
