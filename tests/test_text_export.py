"""The text-export reader: cells, rows, paragraphs and encodings as the converter writes them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from pipelines.document import Paragraph, Table
from pipelines.readers import UnreadableFile, read_document
from pipelines.readers.text_export import parse_text_export

from .conftest import KEZHOU


def test_tab_lines_are_cells_and_a_blank_line_ends_the_row() -> None:
    document = parse_text_export("表三：\n\t201\n\t03\n\n\t合计\n\t5\n", "t")
    [table] = document.tables
    assert [row.texts for row in table.rows] == [["201", "03"], ["合计", "5"]]


def test_text_lines_around_a_table_are_paragraphs_with_their_line_numbers() -> None:
    document = parse_text_export("表一：\n\tA\n\n\n备注：无内容应公开空表并说明情况。\n", "t")
    assert [type(block) for block in document.blocks] == [Paragraph, Table, Paragraph]
    assert document.blocks[2].text == "备注：无内容应公开空表并说明情况。"
    assert document.blocks[2].position.line == 5
    assert document.tables[0].rows[0].cells[0].position.line == 2


def test_full_width_blanks_are_padding_not_content() -> None:
    [table] = parse_text_export("\t\u3000133.6\n\t\u3000\n\t93.6\u3000\n", "t").tables
    assert table.rows[0].texts == ["133.6", "", "93.6"]


def test_a_cell_with_an_empty_first_paragraph_continues_after_blank_lines() -> None:
    """表二 of the 克州 seed: '上级补助收入' sits two paragraphs down in an otherwise empty cell."""
    text = "\t事业收入\n\t\n\n上级补助收入\n\t事业单位经营收入\n\n\t类\n"
    [table] = parse_text_export(text, "t").tables
    assert table.rows[0].texts == ["事业收入", "上级补助收入", "事业单位经营收入"]
    assert table.rows[1].texts == ["类"]


def test_a_text_line_right_after_a_cell_is_that_cell_s_next_paragraph() -> None:
    [table] = parse_text_export("\t项目\n支出\n\t合计\n\n", "t").tables
    assert table.rows[0].texts == ["项目\n支出", "合计"]


def test_titles_between_two_tables_are_paragraphs_not_cell_text() -> None:
    text = "\t收入总计\n\t1483.22\n\n表二：\n部门收入总体情况表\n\t功能分类科目编码\n\n"
    document = parse_text_export(text, "t")
    assert len(document.tables) == 2
    assert [p.text for p in document.paragraphs] == ["表二：", "部门收入总体情况表"]


def test_the_kezhou_seed_has_fourteen_tables_nine_budget_tables_and_five_target_forms() -> None:
    document = read_document(KEZHOU.read_bytes(), KEZHOU.name)
    assert len(document.tables) == 14
    header = document.tables[1].rows[0].texts
    assert len(header) == 13 and header[7] == "上级补助收入" and header[10] == "上级专项收入"


def test_gb18030_text_reads_the_same_as_utf8() -> None:
    text = "表八：\n\t合计\n\t133.6\n\n"
    utf8 = read_document(text.encode("utf-8"), "a")
    gbk = read_document(text.encode("gb18030"), "b")
    assert utf8.blocks == gbk.blocks


def test_utf8_with_bom_and_utf16_are_read() -> None:
    text = "表八：\n\t合计\n"
    assert read_document(text.encode("utf-8-sig"), "a").paragraphs[0].text == "表八："
    assert read_document(text.encode("utf-16"), "b").paragraphs[0].text == "表八："


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02binary junk\x00", "binary content that is no document format"),
        (b"%PDF-1.7\n...", r"corrupt PDF: data format error \(PDFium cannot load it\)"),
        (b"PK\x03\x04an-archive-of-something-else", "unsupported format: zip"),
    ],
)
def test_files_no_reader_handles_are_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFile, match=reason):
        read_document(data, "x")


def test_bytes_that_are_no_known_encoding_are_refused() -> None:
    with pytest.raises(UnreadableFile, match="undecodable"):
        read_document(b"\xff\xff\xff\xfe\x81\x30", "x")


YUEYANG = (
    Path(__file__).parent
    / "fixtures"
    / "text"
    / "2017_yusuan_hunan-yueyang_taichuangyuan_sangong.page.txt"
)


def test_a_web_page_table_of_blank_separated_cells_is_a_table() -> None:
    """岳阳县台创园 2017 三公 page: 项目 2016-执行数 2017-预算数, then 一、支出合计   250000 — the
    2016 cell blank, the amount under 2017."""
    document = read_document(YUEYANG.read_bytes(), YUEYANG.name)
    [table] = document.tables
    rows = [row.texts for row in table.rows]
    assert rows[:3] == [
        ["项目", "2016-执行数", "2017-预算数"],
        ["一、支出合计", "", "250000"],
        ["1、因公出国(境)费用", "", ""],
    ]
    assert ["4.公务用车保有量(辆)", "", "1"] in rows


def test_the_three_public_page_gives_its_items_and_no_counts_as_money() -> None:
    """The same page, extracted: 25 万元 in all, 接待 15, 车辆 10 (all 运行维护), as the 2017
    budget; 团组数, 保有量 and 接待人数 are counts (row_role `count`, in their own units), not
    money; the page holds only this table, so the others are not in this file — a warning,
    not "not published"."""
    from expectations.runner import judge_sql
    from pipelines.extract import extract_file
    from pipelines.quality import QualityInput, judged

    result = extract_file(YUEYANG, YUEYANG.parent)
    money = result.facts.filter(pl.col("row_role") != "count")
    facts = {(f["measure"], f["basis"]): f["amount"] for f in money.iter_rows(named=True)}
    assert facts == {
        ("total", "budget"): Decimal("25"),
        ("reception", "budget"): Decimal("15"),
        ("vehicle_total", "budget"): Decimal("10"),
        ("vehicle_running", "budget"): Decimal("10"),
    }
    results = judged(QualityInput.from_result(result), judge_sql)
    missing = results.filter(pl.col("check_id") == "completeness.table_published").filter(
        ~pl.col("passed")
    )
    assert set(missing["status"]) == {"missing_partial"}
    assert set(missing["severity"]) == {"warning"}
