"""PDFium's characters and ruling lines stand where pdfminer put them, so pdfplumber's table
finder and text grouping read the same page: upright pages, pages turned 90°, and pages whose
media box does not start at the origin. (pdfminer is installed with pdfplumber: the yardstick.)"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from pdfplumber.table import TableFinder, TableSettings, intersections_to_cells
from pdfplumber.utils import chars_to_textmap, extract_text

from pipelines.document import Paragraph
from pipelines.numbers import is_amount
from pipelines.readers.pdf import (
    LINE_TOLERANCE,
    _amount_words,
    _cell_text,
    _text_lines,
    read_pdf,
)
from pipelines.readers.pdfium_objects import PdfiumPage, _cells, _TableFinder

ROOT = Path(__file__).resolve().parent.parent
CAIZHENGJU = ROOT / "data/raw/corpus/2024_juesuan_shanghai-putuo_caizhengju.pdf"
TURNED = ROOT / "data/raw/corpus/2019_yusuan_jiangsu_renda-changweihui-bgt_tables.pdf"
OFFSET = ROOT / "tests/fixtures/pdf/offset-mediabox.pdf"  # 上海市公安局 2026, 部门预算 p.7
PAGES = [(CAIZHENGJU, 8), (TURNED, 1), (OFFSET, 1)]


def both(path: Path, number: int):
    """The page as pdfplumber reads it through pdfminer, and through PDFium."""
    by_pdfminer = pdfplumber.open(path).pages[number - 1]
    by_pdfium = PdfiumPage(pdfium.PdfDocument(path)[number - 1], number, 0)
    return by_pdfminer, by_pdfium


def printed(chars: list[dict]) -> list[dict]:
    return [c for c in chars if c["text"].strip()]


def counterpart(char: dict, candidates: list[dict]) -> dict | None:
    """The character of the other reading with the same text at the same place (within 0.02
    point) and the same uprightness."""
    for other in candidates:
        if (
            other["text"] == char["text"]
            and other["upright"] == char["upright"]
            and all(abs(other[key] - char[key]) <= 0.02 for key in ("x0", "x1", "top", "bottom"))
        ):
            return other
    return None


@pytest.mark.parametrize(("path", "number"), PAGES, ids=["upright", "turned", "offset"])
def test_characters_stand_where_pdfminer_puts_them(path, number) -> None:
    by_pdfminer, by_pdfium = both(path, number)
    assert by_pdfium.bbox == pytest.approx(by_pdfminer.bbox, abs=1e-3)
    theirs = printed(by_pdfminer.chars)
    ours = printed(by_pdfium.chars)
    assert len(ours) == len(theirs) > 50
    for char in ours:
        match = counterpart(char, theirs)
        assert match is not None, char
        theirs.remove(match)


@pytest.mark.parametrize(("path", "number"), PAGES, ids=["upright", "turned", "offset"])
def test_ruling_lines_give_the_table_pdfminer_gives(path, number) -> None:
    by_pdfminer, by_pdfium = both(path, number)
    [expected] = by_pdfminer.find_tables()
    [found] = by_pdfium.find_tables()
    assert found.bbox == pytest.approx(expected.bbox, abs=0.01)
    assert found.extract() == expected.extract()


def test_a_line_ending_exactly_at_the_margin_still_wraps_into_its_paragraph() -> None:
    """PDFium computes in single precision (503.99997 where the file says 504): positions are
    rounded to a thousandth of a point, so the margin test sees the line reach the margin."""
    document = read_pdf(CAIZHENGJU.read_bytes(), CAIZHENGJU.name)
    texts = [block.text for block in document.blocks if isinstance(block, Paragraph)]
    assert any(text.endswith("以及项目支出中合同支付进度条款等原因减少支付。") for text in texts)


@pytest.mark.parametrize(("path", "number"), PAGES, ids=["upright", "turned", "offset"])
def test_the_cell_search_finds_pdfplumbers_cells_in_its_order(path, number) -> None:
    page = PdfiumPage(pdfium.PdfDocument(path)[number - 1], number, 0)
    finder = TableFinder(page)
    assert len(finder.cells) > 20
    assert _cells(finder.intersections) == intersections_to_cells(finder.intersections)


@pytest.mark.parametrize(("path", "number"), PAGES, ids=["upright", "turned", "offset"])
def test_the_ruling_edges_are_pdfplumbers_snapped_and_joined_edges(path, number) -> None:
    page = PdfiumPage(pdfium.PdfDocument(path)[number - 1], number, 0)
    keys = ("x0", "x1", "top", "bottom", "width", "height", "orientation")
    expected = [{key: edge[key] for key in keys} for edge in TableFinder(page).edges]
    assert len(expected) > 20
    assert _TableFinder(page, TableSettings.resolve(None)).edges == expected


@pytest.mark.parametrize(("path", "number"), PAGES, ids=["upright", "turned", "offset"])
def test_a_cells_text_is_pdfplumbers_extract_text(path, number) -> None:
    """Every cell of the page, and the whole page as one cell: several lines, blanks between
    words, turned characters (which go to pdfplumber itself)."""
    page = PdfiumPage(pdfium.PdfDocument(path)[number - 1], number, 0)
    [table] = page.find_tables()
    groups = [page.chars] + [
        [c for c in page.chars if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= c["top"] < bottom]
        for x0, top, x1, bottom in table.cells
    ]
    assert any("\n" in extract_text(chars) for chars in groups)
    for chars in groups:
        assert _cell_text(chars) == extract_text(chars)


# pages of prose, of tables, and of both (the cover of 财政局's 决算, its contents, its tables)
PROSE_PAGES = [(CAIZHENGJU, number) for number in (1, 2, 4, 8, 12)] + [(OFFSET, 1)]


@pytest.mark.parametrize(("path", "number"), PROSE_PAGES)
def test_text_lines_are_pdfplumbers_extract_text_lines(path, number) -> None:
    page = PdfiumPage(pdfium.PdfDocument(path)[number - 1], number, 0)
    expected = page.extract_text_lines(y_tolerance=LINE_TOLERANCE)
    assert len(expected) >= 3
    assert _text_lines(page, page.chars) == expected


@pytest.mark.parametrize(("path", "number"), PROSE_PAGES)
def test_amount_words_are_pdfplumbers_words_that_are_amounts(path, number) -> None:
    page = PdfiumPage(pdfium.PdfDocument(path)[number - 1], number, 0)
    keys = ("text", "x0", "top", "x1", "bottom")
    expected = [
        {key: word[key] for key in keys} for word in page.extract_words() if is_amount(word["text"])
    ]
    assert _amount_words(page) == expected


def char(text: str, x0: float, top: float) -> dict:
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + 5,
        "top": top,
        "bottom": top + 10,
        "doctop": top,
        "upright": True,
        "height": 10,
        "width": 5,
        "size": 10,
    }


def test_text_lines_spell_ligatures_out_and_split_lines_as_pdfplumber_does() -> None:
    """A ligature (ﬁ) stands for two letters, and words whose tops are further apart than the
    tolerance start a new line though their characters chained into one (tops 0, 4, 8)."""
    chars = [char("a", 0, 0), char("b", 5, 4), char(" ", 10, 0), char("c", 20, 8)]
    chars += [char("ﬁ", 25, 8), char("v", 0, 30)]
    expected = chars_to_textmap(chars, y_tolerance=LINE_TOLERANCE).extract_text_lines()
    assert [(line["text"], len(line["chars"])) for line in expected] == [
        ("ab", 2),
        ("cfi", 3),
        ("v", 1),
    ]
    assert _text_lines(None, chars) == expected
