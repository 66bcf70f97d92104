"""The format-free document model every reader produces.

A disclosure is an ordered sequence of blocks: paragraphs and tables of cell text. Each block,
row and cell remembers where it came from (a line for text exports, a page for PDFs), so a fact
can always be traced back to the spot in the source a reviewer would open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Position:
    """Where something stands in its source file, in the units the format has: 1-based line
    (text), page (PDF), block (the n-th paragraph or table of a .docx or HTML body), or sheet
    (a workbook's n-th sheet, its rows as lines)."""

    line: int | None = None
    page: int | None = None
    block: int | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.block is not None:
            parts.append(f"block {self.block}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts) or "unknown position"


@dataclass(frozen=True)
class Cell:
    """A cell's text. `span` is how many grid columns it covers where the format keeps merges
    (.docx, HTML, .xlsx); such readers give every row the full grid width, with empty cells
    under a merge. Where merges are lost (text export), rows are as long as they were printed."""

    text: str
    position: Position
    span: int = 1

    @property
    def clean(self) -> str:
        """Cell text without the padding blanks (ASCII and full-width spaces) documents carry."""
        return self.text.strip(" \t\u3000\xa0\r\n")


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    position: Position

    @cached_property
    def texts(self) -> list[str]:
        """The cells' clean texts, computed once: recognition and facts read them many times."""
        return [cell.clean for cell in self.cells]

    @property
    def is_blank(self) -> bool:
        return not any(self.texts)


@dataclass(frozen=True)
class Paragraph:
    text: str
    position: Position


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    position: Position

    @property
    def width(self) -> int:
        return max((len(row.cells) for row in self.rows), default=0)


Block = Paragraph | Table


@dataclass(frozen=True)
class Document:
    """A read disclosure: its blocks in reading order, and the file format it came from."""

    source: str
    format: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    encoding: str | None = None  # how text formats were decoded (utf-8, gb18030, …)
    links: tuple[str, ...] = ()  # the files a web page links (its attachments' addresses)

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [block for block in self.blocks if isinstance(block, Paragraph)]
