"""The compiled page reading gives the Python reading's characters and ruling lines exactly,
number for number, and the reader works the same without it."""

from __future__ import annotations

import ctypes
import random
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdfplumber.utils import line_to_edge

from pipelines.readers import pdfium_native, pdfium_objects
from pipelines.readers.pdf import read_pdf
from pipelines.readers.pdfium_objects import PdfiumPage

ROOT = Path(__file__).resolve().parent.parent
CAIZHENGJU = ROOT / "data/raw/corpus/2024_juesuan_shanghai-putuo_caizhengju.pdf"
TURNED = ROOT / "data/raw/corpus/2019_yusuan_jiangsu_renda-changweihui-bgt_tables.pdf"
OFFSET = ROOT / "tests/fixtures/pdf/offset-mediabox.pdf"  # 上海市公安局 2026, 部门预算 p.7
PDFS = [CAIZHENGJU, TURNED, OFFSET, ROOT / "tests/fixtures/pdf/run-over-rows.pdf"]


@pytest.fixture(scope="module")
def native() -> pdfium_native.NativeReader:
    return pdfium_native.NativeReader(pdfium_native.build())


def page_objects(path: Path, within: bool) -> list[tuple[list, list, list]]:
    """Every page's characters, lines and table edges, as the page reads them now."""
    pdf = pdfium.PdfDocument(path)
    pages = []
    for index in range(len(pdf)):
        page = PdfiumPage(pdf[index], index + 1, 100.0, within_page=within)
        pages.append((page.chars, page.lines, page.ruling_edges()))
    return pages


@pytest.mark.parametrize("path", PDFS, ids=lambda path: path.stem)
@pytest.mark.parametrize("within", [True, False], ids=["within-page", "whole"])
def test_compiled_reading_gives_the_python_objects(native, monkeypatch, path, within) -> None:
    compiled = page_objects(path, within)
    monkeypatch.setattr(pdfium_objects, "native_reader", lambda: None)
    assert page_objects(path, within) == compiled
    assert sum(len(chars) for chars, _, _ in compiled) > 100
    assert sum(len(lines) for _, lines, _ in compiled) > 10


def test_a_pages_lines_are_made_when_asked_for_and_its_edges_without_them(native) -> None:
    """The table finder's edges come from the compiled rows; the lines' dictionaries, made
    only when something asks for them, give the same edges, and pdfplumber's methods that
    copy a page's objects (filter) still see them."""
    page = PdfiumPage(pdfium.PdfDocument(CAIZHENGJU)[7], 8, 0.0, within_page=True)
    edges = page.ruling_edges()
    assert "line" not in page.objects._made
    keys = ("x0", "x1", "top", "bottom", "width", "height", "orientation")
    assert edges == [{key: edge[key] for key in keys} for edge in map(line_to_edge, page.lines)]
    assert len(edges) > 50
    assert len(page.filter(lambda obj: True).lines) == len(page.lines)
    assert sorted(page.objects) == ["char", "line"]


def test_compiled_rounding_is_pythons_round_to_three_places(native) -> None:
    library = ctypes.CDLL(str(pdfium_native.library_path()))
    library.gk_round3.restype = ctypes.c_double
    library.gk_round3.argtypes = [ctypes.c_double]
    randomly = random.Random(2260)
    values = [randomly.uniform(-900, 900) for _ in range(20000)]
    values += [k / 2000 for k in range(-4000, 4000)]  # halves of the third place: ties
    values += [0.0, -0.0, -0.0004, 503.99997, 2.0005, 1e-9, -1e-9]
    for value in values:
        ours = library.gk_round3(value)
        assert ours == round(value, 3) and str(ours) == str(round(value, 3)), value


def edited_source(monkeypatch, tmp_path) -> Path:
    """The C source as if a developer had edited it since the library was built."""
    source = tmp_path / "pdfium_native.c"
    source.write_text("/* edited */\n" + pdfium_native.SOURCE.read_text())
    monkeypatch.setattr(pdfium_native, "SOURCE", source)
    return source


def test_a_library_built_from_another_source_is_refused(monkeypatch, tmp_path, native) -> None:
    built = pdfium_native.library_path()
    edited_source(monkeypatch, tmp_path)
    with pytest.raises(RuntimeError, match="another source"):
        pdfium_native.NativeReader(built)


def test_without_a_compiler_pdfs_read_the_same(monkeypatch, tmp_path) -> None:
    expected = read_pdf(CAIZHENGJU.read_bytes(), CAIZHENGJU.name)
    edited_source(monkeypatch, tmp_path)
    monkeypatch.setattr(pdfium_native, "_compiler", lambda: None)
    pdfium_native.native_reader.cache_clear()
    try:
        assert pdfium_native.native_reader() is None
        assert read_pdf(CAIZHENGJU.read_bytes(), CAIZHENGJU.name) == expected
    finally:
        pdfium_native.native_reader.cache_clear()
