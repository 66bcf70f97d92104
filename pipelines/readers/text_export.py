"""Reader for the text export of a Word disclosure (the form of the seed documents).

The converter writes each table cell as a line starting with a TAB, a cell's further paragraphs
on the lines after it, and ends a row with a blank line. So a text line is part of a cell when
it follows a cell line directly, or when it is a single line after blank lines (empty
paragraphs) inside a cell that is still empty and the row goes on with a cell line straight
after it (the header of 表二 in the 克州 seed). Any other text line is a paragraph: a note and a
title run straight into the next table are two paragraphs, not the end of the last cell.
Merged cells are already gone in this form; the table recogniser rebuilds headers.

A web page saved as text prints a table as lines of cells separated by blanks instead
(岳阳县台创园 2017: `项目 2016-执行数 2017-预算数`, then `2、公务接待费   150000`): a run of at
least three lines that each hold a label and only amounts or blank cells after it, under a line
of column names, is that table — each row's amounts under the last columns, as a blank cell
leaves a blank between the label and the amounts that follow it.
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from pipelines.document import Block, Cell, Document, Paragraph, Position, Row, Table
from pipelines.numbers import is_amount

BLANKS = " \t\u3000\xa0\r"
SPACED_ROWS = 3  # a table of blank-separated cells has at least this many rows


CHINESE_ENCODINGS = {
    "gb2312",
    "gbk",
    "gb18030",
    "big5",
    "big5hkscs",
    "utf_16",
    "utf_16_le",
    "utf_16_be",
}


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text and say how: UTF-8 (with or without BOM), UTF-16 with BOM, else the Chinese
    encoding charset-normalizer finds most likely (GB18030 covers GBK and GB2312).

    Raises ValueError when no encoding reads the bytes cleanly, rather than guessing.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data[:200_000]).best()
    candidates = [guess.encoding] if guess and guess.encoding in CHINESE_ENCODINGS else []
    for encoding in [*candidates, "gb18030"]:
        name = "gb18030" if encoding in {"gb2312", "gbk"} else encoding
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    raise ValueError("undecodable text: neither UTF-8, UTF-16 nor a Chinese encoding")


def _is_blank(line: str) -> bool:
    return not line.strip(BLANKS)


def _continues_row(lines: list[str], index: int) -> bool:
    """True when the single text line at `index` is followed directly by a cell line."""
    following = index + 1
    return following < len(lines) and lines[following].startswith("\t")


def parse_text_export(text: str, source: str, encoding: str | None = None) -> Document:
    """Parse already-decoded text-export content into a `Document`."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    rows: list[Row] = []
    cells: list[list] = []  # [text, line number] pairs of the row being read
    row_end_pending = False

    def close_row() -> None:
        nonlocal cells, row_end_pending
        if cells:
            rows.append(
                Row(
                    cells=tuple(Cell(text, Position(line=line)) for text, line in cells),
                    position=Position(line=cells[0][1]),
                )
            )
        cells = []
        row_end_pending = False

    def close_table() -> None:
        nonlocal rows
        close_row()
        if rows:
            blocks.append(Table(rows=tuple(rows), position=rows[0].position))
        rows = []

    for index, line in enumerate(lines):
        number = index + 1
        if line.startswith("\t"):
            if row_end_pending:
                close_row()
            cells.append([line[1:], number])
        elif _is_blank(line):
            if cells:
                row_end_pending = True
        elif cells and (
            not row_end_pending or (not cells[-1][0].strip(BLANKS) and _continues_row(lines, index))
        ):
            cells[-1][0] += "\n" + line
            row_end_pending = False
        else:
            close_table()
            blocks.append(Paragraph(text=line.rstrip(BLANKS), position=Position(line=number)))
    close_table()
    return Document(
        source=source, format="text", blocks=_spaced_tables(blocks, lines), encoding=encoding
    )


def _spaced_row(line: str) -> list[str] | None:
    """A line's label and amounts, where it is a row of blank-separated cells: a label, then
    only amounts, or blank cells (blanks trailing the label)."""
    if not line.split():  # a line of only control characters (a form feed) is no row
        return None
    label, *cells = line.split()
    if not cells and not re.search(r"\S\s{2,}$", line):
        return None
    if len(label) > 40 or is_amount(label) or not all(is_amount(cell) for cell in cells):
        return None
    return [label, *cells]


def _spaced_table(header: Paragraph, run: list[Paragraph], lines: list[str]) -> Table:
    names = header.text.split()
    rows = [Row(tuple(Cell(name, header.position) for name in names), header.position)]
    for paragraph in run:
        label, *amounts = _spaced_row(lines[paragraph.position.line - 1]) or [""]
        texts = [label, *[""] * (len(names) - 1 - len(amounts)), *amounts]
        cells = tuple(Cell(text, paragraph.position) for text in texts)
        rows.append(Row(cells, paragraph.position))
    return Table(rows=tuple(rows), position=header.position)


def _spaced_tables(blocks: list[Block], lines: list[str]) -> tuple[Block, ...]:
    """The blocks with each run of blank-separated rows under a line of column names read as
    one table (see the module's note)."""
    found: list[Block] = []
    index = 0
    while index < len(blocks):
        header, run = blocks[index], []
        for block in blocks[index + 1 :]:
            row = isinstance(block, Paragraph) and _spaced_row(lines[block.position.line - 1])
            if not row:
                break
            run.append(block)
        names = header.text.split() if isinstance(header, Paragraph) else []
        widest = max((len(_spaced_row(lines[p.position.line - 1])) for p in run), default=0)
        if (
            len(run) >= SPACED_ROWS
            and 2 <= len(names) >= widest
            and not any(is_amount(name) for name in names)
            and any(len(_spaced_row(lines[p.position.line - 1])) > 1 for p in run)
        ):
            found.append(_spaced_table(header, run, lines))
            index += 1 + len(run)
        else:
            found.append(header)
            index += 1
    return tuple(found)


def read_text_export(data: bytes, source: str) -> Document:
    """Read a text-export file's bytes into a `Document`."""
    text, encoding = decode_text(data)
    return parse_text_export(text, source, encoding)


def write_text_export(document: Document) -> str:
    """A document written in the text-export form: TAB-led cells, a blank line after each row
    and after each table (the form `parse_text_export` reads)."""
    lines = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
            continue
        for row in block.rows:
            lines.extend("\t" + cell.text for cell in row.cells)
            lines.append("")
        lines.append("")
    return "\n".join(lines) + "\n"
