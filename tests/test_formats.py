"""Every format a disclosure comes in gives the same facts as its text export.

The fixtures in tests/fixtures/formats were built from the two seeds by
scripts/make_format_fixtures.py (which says how each was made)."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipelines.extract import extract_document, extract_file
from pipelines.readers import UnreadableFile, read_document
from pipelines.readers.legacy_word import libreoffice
from pipelines.readers.sniff import sniff_format

from .conftest import CHANGJI, FACT_IDENTITY, KEZHOU

FORMATS = Path(__file__).parent / "fixtures" / "formats"
SEEDS = {"kezhou": KEZHOU, "changji": CHANGJI}
KEY = (*FACT_IDENTITY, "row_role", "amount", "is_total")


def _facts(result) -> Counter:
    return Counter(result.facts.select(KEY).iter_rows())


@pytest.fixture(scope="module")
def text_forms():
    return {name: extract_file(path, path.parent) for name, path in SEEDS.items()}


@pytest.mark.parametrize("seed", ["kezhou", "changji"])
@pytest.mark.parametrize(
    ("suffix", "file_format"),
    [
        ("gbk.txt", "text"),
        ("docx", "docx"),
        ("html", "html"),
        ("xlsx", "xlsx"),
        ("xls", "xls"),
        ("pdf", "pdf"),
    ],
)
def test_each_format_gives_exactly_the_facts_of_the_text_form(
    text_forms, seed, suffix, file_format
) -> None:
    result = extract_file(FORMATS / f"{seed}.{suffix}", FORMATS)
    expected = text_forms[seed]
    assert (result.status, result.format) == ("loaded", file_format)
    assert _facts(result) == _facts(expected)
    assert (
        result.tables.select("table_no", "status").rows()
        == expected.tables.select("table_no", "status").rows()
    )
    assert (result.metadata.department, result.metadata.fiscal_year) == (
        expected.metadata.department,
        expected.metadata.fiscal_year,
    )


def test_the_format_is_told_by_content_not_by_name() -> None:
    assert sniff_format((FORMATS / "kezhou.docx").read_bytes()) == "docx"
    assert sniff_format((FORMATS / "kezhou.xlsx").read_bytes()) == "xlsx"
    renamed = extract_document((FORMATS / "changji.docx").read_bytes(), "changji.txt")
    assert (renamed.status, renamed.format, renamed.facts.height) == ("loaded", "docx", 100)


def test_docx_keeps_merged_header_cells_as_spans() -> None:
    document = read_document((FORMATS / "kezhou.docx").read_bytes(), "kezhou.docx")
    three_public = next(t for t in document.tables if t.rows[0].texts[0] == "合计")
    assert [(c.clean, c.span) for c in three_public.rows[0].cells] == [
        ("合计", 1),
        ("因公出国（境）费", 1),
        ("公务用车购置及运行费", 3),
        ("", 1),
        ("", 1),
        ("公务接待费", 1),
    ]


def test_html_rowspan_and_colspan_fill_the_grid() -> None:
    page = (
        "<table><tr><td rowspan=2>合计</td><td colspan=2>公务用车购置及运行费</td></tr>"
        "<tr><td>购置费</td><td>运行费</td></tr><tr><td>3</td><td>1</td><td>2</td></tr>"
        "</table><p>备注：无</p>"
    ).encode()
    document = read_document(page, "p.html")
    [table] = document.tables
    assert [row.texts for row in table.rows] == [
        ["合计", "公务用车购置及运行费", ""],
        ["", "购置费", "运行费"],
        ["3", "1", "2"],
    ]
    assert table.rows[0].cells[1].span == 2
    assert document.paragraphs[0].text == "备注：无"


def test_xlsx_numbers_are_read_as_numbers_and_numeric_codes_keep_their_digits() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["部门支出总体情况表"])
    sheet.append(
        ["功能分类科目编码", None, None, "功能分类科目名称", "合计", "基本支出", "项目支出"]
    )
    sheet.merge_cells("A2:C2")
    sheet.append(["类", "款", "项", None, None, None, None])
    sheet.append([201, 3, 1, "行政运行", 1352.62, 1302.62, 50])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = extract_document(buffer.getvalue(), "t.xlsx")
    assert result.facts.select("function_code", "measure", "raw_text").rows() == [
        ("2010301", "total", "1352.62"),
        ("2010301", "basic_expenditure", "1302.62"),
        ("2010301", "project_expenditure", "50"),
    ]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ((FORMATS / "kezhou.docx").read_bytes()[:5000], "corrupt archive"),
        (_zip({"word/document.xml": b"\0" * 5_000_000}), "possible zip bomb"),
        (
            _zip(
                {
                    "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM '
                    b'"file:///etc/passwd">]><d>&x;</d>'
                }
            ),
            "declares a DTD",
        ),
        (_zip({"word/document.xml": b"<not-a-word-document/>"}), "corrupt .docx"),
    ],
)
def test_broken_and_hostile_office_files_are_refused_with_a_reason(data, reason) -> None:
    with pytest.raises(UnreadableFile, match=reason):
        read_document(data, "x.docx")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("encrypted.pdf", "read: encrypted PDF: it needs a password to open"),
        ("scanned.pdf", "read: no text layer: a scanned PDF needs OCR"),
    ],
)
def test_pdfs_that_cannot_be_read_are_quarantined_with_the_reason(name, reason) -> None:
    result = extract_file(FORMATS / name, FORMATS)
    assert result.status == "quarantined" and result.reason.startswith(reason)


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file of these numbered objects (1 the catalog), with its cross-reference table."""
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n"
    return data + trailer % (len(objects) + 1, xref)


def test_a_pdf_with_a_page_pdfium_cannot_load_is_refused_naming_the_page() -> None:
    """Page 1 prints an amount; page 2's entry in the page tree is no page at all. Read without
    it, the file would lose whatever page 2 printed."""
    content = b"BT /F1 12 Tf 20 100 Td (123.45) Tj ET"
    data = _pdf(
        [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 5 0 R"
            b"/Resources<</Font<</F1 6 0 R>>>>>>",
            b"42",
            b"<</Length %d>>\nstream\n%s\nendstream" % (len(content), content),
            b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        ]
    )
    result = extract_document(data, "broken-page.pdf")
    assert result.status == "quarantined"
    assert result.reason == (
        "read: corrupt PDF: page 2 of 2 cannot be loaded (PDFium: Failed to load page.)"
    )


def test_a_pdf_table_that_runs_over_a_page_is_one_table() -> None:
    document = read_document((FORMATS / "kezhou.pdf").read_bytes(), "kezhou.pdf")
    first = document.tables[0]
    pages = {row.position.page for row in first.rows}
    assert len(pages) > 1 and first.rows[-1].texts[0].replace(" ", "") == "收入总计"


def test_a_title_left_alone_in_its_own_grid_titles_the_next_grid() -> None:
    from pipelines.description import TABLES
    from pipelines.document import Cell, Document, Position, Row, Table
    from pipelines.recognise import recognise_tables

    def grid(rows):
        return Table(
            tuple(Row(tuple(Cell(t, Position(page=1)) for t in r), Position(page=1)) for r in rows),
            Position(page=1),
        )

    title = grid([["一般公共预算支出情况表", ""], ["编制部门：某局", "单位：万元"]])
    body = grid(
        [
            ["功能分类科目编码", "", "", "功能分类科目名称", "小计", "基本支出", "项目支出"],
            ["类", "款", "项", "", "", "", ""],
            ["201", "03", "01", "行政运行", "10", "10", ""],
        ]
    )
    [table] = recognise_tables(Document("d", "pdf", (title, body)), TABLES)
    assert (table.spec.number, table.department) == (5, "某局")


def test_a_mixed_raw_folder_loads_every_format_and_shows_format_and_encoding(tmp_path) -> None:
    import shutil

    import duckdb

    from pipelines.build import build

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("kezhou.pdf", "changji.gbk.txt", "scanned.pdf"):
        shutil.copy(FORMATS / name, raw / name)
    warehouse = tmp_path / "gongkai.duckdb"
    build(raw, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        documents = connection.execute(
            "SELECT path, format, encoding, status, fact_count FROM v_documents ORDER BY path"
        ).fetchall()
        three_public = connection.execute(
            "SELECT department, total FROM v_three_public ORDER BY total DESC"
        ).fetchall()
    assert documents == [
        ("changji.gbk.txt", "text", "gb18030", "loaded", 100),
        ("kezhou.pdf", "pdf", None, "loaded", 91),
        ("scanned.pdf", "pdf", None, "quarantined", 0),
    ]
    assert [(d, float(t)) for d, t in three_public] == [
        ("克州政府办公室", 133.6),
        ("昌吉回族自治州人民政府办公室", 45.6),
    ]


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice converts .doc; not installed here")
@pytest.mark.parametrize("seed", ["kezhou", "changji"])
def test_a_legacy_doc_gives_the_facts_of_the_text_form_through_libreoffice(
    text_forms, seed
) -> None:
    result = extract_file(FORMATS / f"{seed}.doc", FORMATS)
    assert (result.status, result.format) == ("loaded", "doc")
    assert _facts(result) == _facts(text_forms[seed])


def test_a_legacy_doc_without_libreoffice_is_quarantined_saying_what_to_do(monkeypatch) -> None:
    monkeypatch.setattr("pipelines.readers.legacy_word.libreoffice", lambda: None)
    result = extract_file(FORMATS / "changji.doc", FORMATS)
    assert result.status == "quarantined"
    assert "needs LibreOffice" in result.reason and "convert the file to .docx" in result.reason
