"""Build the two seed disclosures in every format the readers handle, for the format tests.

    .venv/bin/python scripts/make_format_fixtures.py

Writes `tests/fixtures/formats/<seed>.{docx,html,xlsx,gbk.txt,pdf}` from the text exports in
`data/raw/`. How each is made:
- .docx: python-docx (A4 landscape, 8 pt), one Word table per table of the text export, with
  the merged header cells
  of the original restored (the spans the recogniser infers from the flattened header, merged
  across; a header cell with an empty cell under it merged down), title and unit lines that
  sit inside a grid merged across it; paragraphs as paragraphs.
- .pdf and legacy .doc: the .docx converted by LibreOffice headless (`soffice --convert-to`);
  .xls: the .xlsx likewise. Skipped when LibreOffice is not installed (`apt-get install
  libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk`).
- .html: one page; tables with the same colspan/rowspan, paragraphs as <p>.
- .xlsx: openpyxl, one sheet per table, titles above and notes below each grid, merged ranges
  as in the .docx, amounts stored as numbers.
- .gbk.txt: the text export re-encoded in GB18030.
- encrypted.pdf (LibreOffice, open password "secret") and scanned.pdf (an image, no text
  layer, written by Pillow): PDFs the reader must refuse with a clear reason.
The generated files are committed, so tests and CI need neither LibreOffice nor this script.
"""

from __future__ import annotations

import html
import io
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt
from openpyxl import Workbook
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.document import Document, Paragraph, Table  # noqa: E402
from pipelines.readers.text_export import read_text_export  # noqa: E402
from pipelines.recognise import _caption_rows, _header_rows, header_spans  # noqa: E402

SEEDS = {
    "kezhou": ROOT / "data/raw/2020_yusuan_xinjiang-kezhou_zhengfu-bangongshi.txt",
    "changji": ROOT / "data/raw/2020_yusuan_xinjiang-changji_zhengfu-bangongshi.txt",
}
OUT = ROOT / "tests/fixtures/formats"


def layout(table: Table) -> list[list[tuple[str, int, int] | None]]:
    """The table as a grid of (text, column span, row span) cells, merges restored; None
    stands for a grid cell covered by a merge from the row above."""
    width = max(len(row.cells) for row in table.rows)
    captions = _caption_rows(table)
    header_end = _header_rows(table.rows, captions)
    header = [row.texts for row in table.rows[captions:header_end]]
    spans = header_spans(header, width) if header else []
    grid: list[list[tuple[str, int, int]]] = []
    for number, row in enumerate(table.rows):
        texts = [cell.text.strip(" \u3000") for cell in row.cells]
        if number < captions:
            first = width - len(texts) + 1
            grid.append([(t, first if i == 0 else 1, 1) for i, t in enumerate(texts)])
        elif number < header_end:
            grid.append([(t, s, 1) for t, s in zip(texts, spans[number - captions], strict=False)])
        else:
            grid.append([(t, 1, 1) for t in texts])
    # a header cell with only empty cells under it, in the last header row, spans down
    for number in range(captions, header_end - 1):
        column = 0
        for index, (text, span, _) in enumerate(grid[number]):
            below = _indexes_at(grid[number + 1], column, span)
            if text and below and all(not grid[number + 1][i][0] for i in below):
                grid[number][index] = (text, span, 2)
                for i in below:
                    grid[number + 1][i] = None
            column += span
    return grid


def _indexes_at(row, column, span) -> list[int]:
    """Indexes of the cells of `row` that start within columns [column, column + span)."""
    position, found = 0, []
    for index, cell in enumerate(row):
        if cell is not None and column <= position < column + span:
            found.append(index)
        position += cell[1] if cell is not None else 1
    return found


def write_docx(document: Document, path: Path) -> None:
    word = WordDocument()
    word.styles["Normal"].font.size = Pt(8)
    section = word.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    for block in document.blocks:
        if isinstance(block, Paragraph):
            word.add_paragraph(block.text)
            continue
        grid = layout(block)
        width = max(sum(cell[1] if cell else 1 for cell in row) for row in grid)
        table = word.add_table(rows=len(grid), cols=width)
        table.style = "Table Grid"
        for number, row in enumerate(grid):
            column = 0
            for entry in row:
                if entry is None:
                    column += 1
                    continue
                text, span, rows = entry
                cell = table.cell(number, column)
                last_column = min(column + span, width) - 1
                last_row = min(number + rows, len(grid)) - 1
                if (last_row, last_column) != (number, column):
                    cell = cell.merge(table.cell(last_row, last_column))
                if text:
                    cell.text = text
                column = last_column + 1
    word.save(path)


def write_html(document: Document, path: Path, title: str) -> None:
    parts = [
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}'
        "</title></head><body>"
    ]
    for block in document.blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{html.escape(block.text)}</p>")
            continue
        parts.append('<table border="1">')
        for row in layout(block):
            cells = []
            for entry in row:
                if entry is None:
                    continue
                text, span, rows = entry
                attributes = (f' colspan="{span}"' if span > 1 else "") + (
                    f' rowspan="{rows}"' if rows > 1 else ""
                )
                cells.append(f"<td{attributes}>{html.escape(text).replace(chr(10), '<br>')}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    path.write_text("\n".join(parts), encoding="utf-8")


def _value(text: str):
    """Amounts as numbers; codes (with their leading zeros) and words as text."""
    if text.startswith("0") and len(text) > 1 and "." not in text:
        return text
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text or None
    return float(number)


def write_xlsx(document: Document, path: Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    blocks = list(document.blocks)
    heading = next((b.text for b in blocks if isinstance(b, Paragraph) and "公开表" in b.text), "")
    for index, block in enumerate(blocks):
        if not isinstance(block, Table):
            continue
        sheet = workbook.create_sheet(f"表{len(workbook.worksheets) + 1}")
        before = []
        back = index - 1
        while back >= 0 and isinstance(blocks[back], Paragraph) and len(before) < 3:
            before.insert(0, blocks[back].text)
            back -= 1
        if len(workbook.worksheets) == 1 and heading:
            before.insert(0, heading)
        before = [t for t in before if not t.startswith("备注")]
        for text in before:
            sheet.append([text])
        offset = len(before)
        for number, row in enumerate(layout(block), start=1):
            column = 1
            for entry in row:
                if entry is None:
                    column += 1
                    continue
                text, span, rows = entry
                sheet.cell(offset + number, column, _value(text))
                if span > 1 or rows > 1:
                    sheet.merge_cells(
                        start_row=offset + number,
                        start_column=column,
                        end_row=offset + number + rows - 1,
                        end_column=column + span - 1,
                    )
                column += span
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        if isinstance(after, Paragraph) and after.text.startswith("备注"):
            sheet.append([])
            sheet.append([after.text])
    workbook.save(path)


def convert(source: Path, target: Path) -> None:
    """Convert with LibreOffice headless into the format `target`'s suffix names."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        print(f"LibreOffice not installed: {target.name} not rebuilt")
        return
    suffix = target.suffix.lstrip(".")
    with tempfile.TemporaryDirectory() as temporary:
        subprocess.run(
            [office, "--headless", "--convert-to", suffix, "--outdir", temporary, str(source)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        shutil.move(Path(temporary) / f"{source.stem}.{suffix}", target)


def write_refused_pdfs() -> None:
    image = io.BytesIO()
    Image.new("RGB", (595, 842), "white").save(image, "PDF")
    (OUT / "scanned.pdf").write_bytes(image.getvalue())
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return
    export = (
        'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"secret"}}'
    )
    with tempfile.TemporaryDirectory() as temporary:
        source = Path(temporary) / "encrypted.txt"
        source.write_text("表八：\n一般公共预算“三公”经费支出情况表\n", encoding="utf-8")
        subprocess.run(
            [office, "--headless", "--convert-to", export, "--outdir", temporary, str(source)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        shutil.move(Path(temporary) / "encrypted.pdf", OUT / "encrypted.pdf")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_refused_pdfs()
    for name, seed in SEEDS.items():
        data = seed.read_bytes()
        document = read_text_export(data, seed.name)
        write_docx(document, OUT / f"{name}.docx")
        write_html(document, OUT / f"{name}.html", name)
        write_xlsx(document, OUT / f"{name}.xlsx")
        (OUT / f"{name}.gbk.txt").write_bytes(data.decode("utf-8").encode("gb18030"))
        convert(OUT / f"{name}.docx", OUT / f"{name}.pdf")
        convert(OUT / f"{name}.docx", OUT / f"{name}.doc")
        convert(OUT / f"{name}.xlsx", OUT / f"{name}.xls")
        print(f"{name}: written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
