"""The PDF reader rebuilds real ruled grids: columns from cell positions, rows the ruling split,
tables continued on the next page under a different ruling (documents from docs/corpus.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pipelines.document import Document, Table
from pipelines.readers import read_document
from tests.conftest import RAW_DIR

CORPUS = RAW_DIR / "corpus"


@cache
def corpus_document(name: str) -> Document:
    return read_document((CORPUS / name).read_bytes(), name)


def table_with(document: Document, text: str, width: int | None = None) -> Table:
    return next(
        t
        for t in document.tables
        if any(text in row.texts for row in t.rows) and width in (None, t.width)
    )


def test_columns_a_ruling_splits_in_some_rows_only_are_one_column() -> None:
    document = corpus_document("2018_yusuan_jiangsu_jianchayuan.pdf")
    table = table_with(document, "结转下年资金", width=5)
    assert [row.texts for row in table.rows[1:]] == [
        ["合计", "基本支出", "项目支出", "单位预留机动经费", "结转下年资金"],
        ["21,955.35", "13,994.31", "5,573.00", "2,388.04", ""],
    ]


def test_a_label_wrapped_onto_sub_rows_is_joined_with_the_amounts_beside_it() -> None:
    document = corpus_document("2018_yusuan_jiangsu_jianchayuan.pdf")
    table = table_with(document, "一、财政拨款")
    rows = [row.texts for row in table.rows]
    assert ["2.政府性基金预算", "", "三、国防支出", "", "三、单位预留机动经费", "2,388.04"] in rows
    assert ["二、财政专户管理资金", "", "四、公共安全支出", "16,458.75", "", ""] in rows


def test_an_amount_ruled_onto_its_own_row_joins_its_label() -> None:
    document = corpus_document("2018_yusuan_jiangsu_jianchayuan.pdf")
    table = table_with(document, "工资福利支出")
    assert ["301", "工资福利支出", "10,204.52"] in [row.texts for row in table.rows]


def test_a_merged_header_over_wrapped_sub_headers_keeps_its_columns_apart() -> None:
    document = corpus_document("2018_yusuan_jiangsu_jianchayuan.pdf")
    table = table_with(document, "1,384.74")
    assert table.rows[-1].texts == [
        "1,384.74", "484.30", "100.00", "267.80", "", "267.80", "116.50", "200.44", "700.00"
    ]  # fmt: skip
    assert ["", "", "（境）费", "小计", "公务用车购置费", "运行维护费", "待费", "", ""] in [
        row.texts for row in table.rows
    ]


def test_a_table_continued_under_a_different_ruling_keeps_its_columns() -> None:
    document = corpus_document("2017_yusuan_jiangsu_renda-changweihui-bgt.pdf")
    table = next(t for t in document.tables if any("一、财政拨款" in row.texts for row in t.rows))
    last = table.rows[-1]
    assert last.position.page == 9
    assert (last.texts[0], last.texts[1], last.texts[-1]) == ("收入合计", "13,649.07", "13,649.07")


def test_lines_wrapped_at_the_right_margin_are_one_paragraph() -> None:
    document = corpus_document("2017_yusuan_jiangsu_renda-changweihui-bgt.pdf")
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert (
        "江苏省人大常委会办公厅 2017 年度收入、支出预算总计 13649.07 万元，与上年相比收、支预算"
        "总计各增加 844.15万元，增长 6.59%。主要原因是政策性增资、住房公积金和提租补贴调整等"
        "原因，增加基本支出 844.15 万元。其中："
    ) in texts
    assert (
        "（一）收入预算总计 13649.07 万元。全部由省财政拨款。"
        "与上年相比增加 844.15 万元，增长 6.59%。" in texts
    )


def test_numbers_set_lower_in_a_latin_font_stay_in_their_line() -> None:
    document = corpus_document("2024_juesuan_shanghai-putuo_caizhengju.pdf")
    assert (
        "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；其他收入6.2万元，占0.21%；"
        in [paragraph.text for paragraph in document.paragraphs]
    )


def test_a_table_whose_last_digits_reach_past_its_ruling_continues_on_the_next_page() -> None:
    document = corpus_document("2024_juesuan_shanghai-putuo_caizhengju.pdf")
    table = table_with(document, "财政事务")
    rows = [row.texts[:6] for row in table.rows]
    assert ["210", "11", "", "行政事业单位医疗", "60.99", "60.99"] in rows
    assert ["221", "02", "03", "购房补贴", "258.50", "258.50"] in rows
    assert "210 11 60.99 60.99" not in [paragraph.text for paragraph in document.paragraphs]


def test_text_outside_the_page_is_not_read() -> None:
    """Page 11 of 人大 2017 carries the next sheet's cells below its bottom edge, unprinted."""
    document = corpus_document("2017_yusuan_jiangsu_renda-changweihui-bgt.pdf")
    pages = {
        row.position.page
        for table in document.tables
        for row in table.rows
        if "7,666.68" in row.texts
    }
    assert 11 not in pages and pages


def test_a_table_continues_on_the_next_page_under_the_running_head() -> None:
    """Suzhou prints 苏州市交通运输局2026年度部门预算公开 over every page: 支出总表 runs on from
    page 10 under that line, and its rows on page 11 are rows of the same table."""
    document = corpus_document("2026_yusuan_jiangsu-suzhou_jiaotong-yunshuju.pdf")
    table = table_with(document, "上缴上级支出")
    rows = [row.texts[:5] for row in table.rows]
    assert ["2149901", "公共交通运营补助", "186,525.21", "", "186,525.21"] in rows
    assert ["2210203", "购房补贴", "3,414.62", "3,414.62", ""] in rows
    assert table.rows[-1].position.page == 11


def test_a_running_head_over_a_new_table_stays_in_its_captions() -> None:
    document = corpus_document("2026_yusuan_jiangsu-suzhou_jiaotong-yunshuju.pdf")
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts.count("苏州市交通运输局2026年度部门预算公开") >= 10


def test_a_continued_tables_first_row_without_its_top_ruling_stays_in_the_table() -> None:
    """2017 高级人民法院 表九 runs on to page 16, whose first row 30206 电费 235.00 has no ruling
    above it: the table finder leaves it out, and it was once a paragraph between two tables."""
    document = corpus_document("2017_yusuan_jiangsu_gaojifayuan.pdf")
    table = next(
        t
        for t in document.tables
        if any(row.texts[0] == "30205" and row.position.page == 15 for row in t.rows)
    )
    rows = [(row.texts, row.position.page) for row in table.rows]
    assert (["30206", "电费", "235.00"], 16) in rows
    assert (["30207", "邮电费", "105.00"], 16) in rows
    assert "30206 电费 235.00" not in [paragraph.text for paragraph in document.paragraphs]


def test_an_amount_at_the_bottom_of_a_tall_cell_stays_on_the_row_it_is_printed_on() -> None:
    """2019 江苏省高级人民法院 收入预算总表 (p.9): each amount sits at the bottom of a cell that
    the label columns' rulings split into three; it is 小计's and 公共财政拨款（补助）资金's,
    not the merged 一般公共预算资金 label's one row up."""
    path = Path(__file__).parent / "fixtures" / "pdf" / "tall-cells.pdf"
    table = table_with(read_document(path.read_bytes(), path.name), "收入总计")
    assert [row.texts for row in table.rows[2:5]] == [
        ["一般公共预算资金", "", ""],
        ["", "小计", "37,188.34"],
        ["", "公共财政拨款（补助）资金", "37,188.34"],
    ]


def test_a_table_whose_title_and_header_are_printed_again_on_the_next_page_continues() -> None:
    """湖州市财政局 2026 表01 runs on to p.18 under 表01 / its title / 341-湖州市财政局 单位：万元
    and its two header rows again: one table, its header once, its closing rows from p.18."""
    document = corpus_document("2026_yusuan_zhejiang-huzhou_caizhengju.pdf")
    table = table_with(document, "本年收入合计")
    rows = [row.texts for row in table.rows]
    assert sorted({row.position.page for row in table.rows}) == [17, 18]
    assert sum(1 for texts in rows if texts[:1] == ["收 入"]) == 1
    assert rows[-1] == ["收 入 总 计", "6838.41", "支 出 总 计", "6838.41"]


def test_a_continued_tables_first_row_printed_over_several_lines_is_one_row() -> None:
    """2018 高级人民法院 政府采购预算表 runs on to page 16, whose first row has no top ruling and
    wraps its item over two lines with the amount on the line between: 计算机设备维修和保 /
    分散自行组织 2.00 / 养服务 is one row of the table, not three paragraphs and a lost 2.00."""
    path = Path(__file__).parent / "fixtures" / "pdf" / "run-over-rows.pdf"  # its pp. 15–16
    document = read_document(path.read_bytes(), path.name)
    table = table_with(document, "计算机设备维修和保养服务")
    rows = [(row.texts, row.position.page) for row in table.rows]
    assert (["", "", "", "计算机设备维修和保养服务", "分散自行组织", "2.00"], 2) in rows
    assert any(row.texts[-1] == "9.00" and row.position.page == 1 for row in table.rows)
    assert "分散自行组织 2.00" not in [paragraph.text for paragraph in document.paragraphs]


def test_a_cells_words_run_over_the_page_break_stay_in_that_cell() -> None:
    """2017 高级人民法院 政府采购预算表: page 17 ends with 应用软件购建费 | 信息网络及软件购 |
    606.00 and page 18 opens with 置更新, the rest of that cell: one row, and page 18's rows
    continue the same table instead of starting an unrecognised one."""
    document = corpus_document("2017_yusuan_jiangsu_gaojifayuan.pdf")
    table = table_with(document, "应用软件购建费")
    assert ["", "应用软件购建费", "信息网络及软件购置更新", "", "", "606.00"] in [
        row.texts for row in table.rows
    ]
    assert any(row.texts[-1] == "1,000.00" and row.position.page == 18 for row in table.rows)
    assert "置更新" not in [paragraph.text for paragraph in document.paragraphs]
