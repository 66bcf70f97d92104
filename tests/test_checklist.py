"""The disclosure review checklist (公开检查表): one row per item a reviewer checks, 是/否/无法判断,
and each 否 with its page or line, quote and what was expected against what is printed."""

from __future__ import annotations

from functools import cache

import polars as pl
import pytest
from openpyxl import load_workbook

from expectations.runner import judge_sql
from pipelines.checklist import NO, UNKNOWN, YES, review_checklist, write_checklist
from pipelines.cli import main
from pipelines.extract import extract_file
from pipelines.quality import QualityInput, judged
from tests.conftest import CHANGJI, CORPUS, KEZHOU, RAW_DIR

PUTUO_UNIT = CORPUS / "2025_yusuan_shanghai-putuo_qzf-bgs_unit.pdf"
# a document of each family the project ships
FAMILIES = {
    "xinjiang_2020": CHANGJI,
    "jiangsu": CORPUS / "2018_yusuan_jiangsu_jianchayuan.pdf",
    "shanghai_budget": CORPUS / "2024_yusuan_shanghai-putuo_wanli-jiedao.pdf",
    "shanghai_final_accounts": CORPUS / "2024_juesuan_shanghai-putuo_caizhengju.pdf",
    "zhuhai": CORPUS / "2026_yusuan_guangdong-zhuhai_shangwuju.pdf",
    "suzhou": CORPUS / "2026_yusuan_jiangsu-suzhou_jiaotong-yunshuju.pdf",
    "huzhou": CORPUS / "2026_yusuan_zhejiang-huzhou_caizhengju.pdf",
}


@cache
def checklist_of(path) -> pl.DataFrame:
    result = extract_file(path, RAW_DIR)
    findings = judged(QualityInput.from_result(result), judge_sql)
    return review_checklist(result.tables, result.claims, result.passages, findings)


def _item(checklist: pl.DataFrame, item: str) -> dict:
    return checklist.filter(pl.col("item") == item).row(0, named=True)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_gets_every_part_of_the_checklist(family) -> None:
    checklist = checklist_of(FAMILIES[family])
    assert set(checklist["part"]) >= {"目录", "概况", "编制说明", "名词解释", "公开表", "文字规范"}
    assert checklist.filter(pl.col("part") == "公开表").height >= 7


@pytest.mark.parametrize("family", FAMILIES)
def test_every_no_says_where_and_what(family) -> None:
    checklist = checklist_of(FAMILIES[family])
    refused = checklist.filter((pl.col("present") == NO) | (pl.col("consistent") == NO))
    for row in refused.iter_rows(named=True):
        assert row["evidence"], row
        if not row["evidence"].startswith(("未见", "未公开")):  # nothing printed to point at
            assert row["page"] or row["line"], row
            assert row["quote"] or row["part"] == "文字规范", row


def test_contents_listing_the_tables_printed_agree() -> None:
    contents = _item(checklist_of(PUTUO_UNIT), "目录与所附表格一致")
    assert (contents["present"], contents["consistent"], contents["page"]) == (YES, YES, 2)


def test_a_document_without_contents_is_told_so() -> None:
    contents = _item(checklist_of(KEZHOU), "目录")
    assert (contents["present"], contents["evidence"]) == (NO, "未见目录")


def test_the_sections_are_found_at_their_headings() -> None:
    checklist = checklist_of(PUTUO_UNIT)
    pages = {item: _item(checklist, item)["page"] for item in ("主要职能", "机构设置", "名词解释")}
    assert pages == {"主要职能": 3, "机构设置": 4, "名词解释": 5}


def test_a_narrative_figure_against_its_table_is_a_no_with_both_figures() -> None:
    # 克州 2020: the narrative gives 2010399 107万元, table 5 prints 157
    row = _item(checklist_of(KEZHOU), "一般公共预算支出情况")
    assert (row["present"], row["consistent"]) == (YES, NO)
    assert (row["expected"], row["printed"]) == ("107", "157")
    assert row["line"] == 1874
    assert "2020年预算数为157万元" in row["quote"]


def test_a_table_that_adds_up_is_consistent_and_one_that_does_not_is_not() -> None:
    checklist = checklist_of(KEZHOU)
    assert _item(checklist, "部门收入总体情况表")["consistent"] == YES
    overview = _item(checklist, "部门收支总体情况表")
    assert overview["consistent"] == NO
    assert "1483.22" in overview["evidence"]


def test_template_words_left_in_the_prose_are_a_no_quoting_them() -> None:
    row = _item(
        checklist_of(KEZHOU), "模板文字均已替换（无「增加（减少）」「主要原因是。」「XX」）"
    )
    assert row["consistent"] == NO
    assert "增加（减少）" in row["evidence"]


def test_the_checklist_is_written_as_csv_with_a_bom_and_as_xlsx(tmp_path) -> None:
    checklist = checklist_of(KEZHOU)
    write_checklist(checklist, tmp_path / "k.csv")
    text = (tmp_path / "k.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf\xe5\xba\x8f\xe5\x8f\xb7")  # BOM, 序号
    write_checklist(checklist, tmp_path / "k.xlsx")
    sheet = load_workbook(tmp_path / "k.xlsx").active
    assert sheet.cell(1, 3).value == "检查项目"
    assert sheet.max_row == checklist.height + 1


def test_quoted_text_read_as_a_formula_stays_text_in_both_files(tmp_path) -> None:
    """A quoted target such as =459人 is what the document printed, never a formula."""
    checklist = checklist_of(KEZHOU).with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("=459人"))
        .otherwise("printed")
        .alias("printed")
    )
    write_checklist(checklist, tmp_path / "k.csv")
    assert pl.read_csv(tmp_path / "k.csv")["实为"][0] == "'=459人"
    write_checklist(checklist, tmp_path / "k.xlsx")
    cell = load_workbook(tmp_path / "k.xlsx").active.cell(
        2, list(checklist.columns).index("printed") + 1
    )
    assert (cell.value, cell.data_type) == ("=459人", "s")


def test_check_writes_the_checklist_it_is_asked_for(tmp_path, capsys) -> None:
    out = tmp_path / "checklist.csv"
    main(["check", str(KEZHOU), "--checklist", str(out)])
    assert "checklist written to" in capsys.readouterr().out
    assert pl.read_csv(out)["检查项目"][0] == "目录"


def test_check_refuses_a_checklist_file_of_another_kind(tmp_path, capsys) -> None:
    assert main(["check", str(KEZHOU), "--checklist", str(tmp_path / "k.txt")]) == 2
    assert ".csv or .xlsx" in capsys.readouterr().err


def test_a_tables_only_file_checked_alone_leaves_its_text_items_undecided() -> None:
    # 江苏省人大常委会办公厅 2019 publishes its tables and its text as two files
    checklist = checklist_of(CORPUS / "2019_yusuan_jiangsu_renda-changweihui-bgt_tables.pdf")
    text_items = checklist.filter(pl.col("part").is_in(["目录", "概况", "名词解释"]))
    assert set(text_items["present"]) == {UNKNOWN}
    assert _item(checklist, "收支预算总表")["present"] == YES


def test_built_with_its_text_part_the_tables_file_has_its_sections(tmp_path) -> None:
    import shutil

    import duckdb

    from pipelines.build import build

    raw = tmp_path / "raw"
    raw.mkdir()
    for part in ("tables", "text"):
        name = f"2019_yusuan_jiangsu_renda-changweihui-bgt_{part}.pdf"
        shutil.copy(CORPUS / name, raw / name)
    warehouse = tmp_path / "w.duckdb"
    build(raw, warehouse, workers=1)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        sections = connection.execute(
            "SELECT p.item, p.source_file FROM document_passage p JOIN v_documents d "
            "USING (document_id) WHERE p.kind = 'section' AND d.path LIKE '%tables.pdf'"
        ).fetchall()
    assert {item for item, _ in sections} == {"functions", "structure", "narrative", "glossary"}
    assert {file for _, file in sections} == {"2019_yusuan_jiangsu_renda-changweihui-bgt_text.pdf"}


def test_a_table_whose_figures_break_because_of_another_tables_cell_is_not_consistent() -> None:
    """克州 2020 表7's 2010399 is 50 off because 表3 books that 50 under 2010301: the gap is told
    once, at 表3, but 表7 does not agree either — 否, never "核对通过"."""
    row = _item(checklist_of(KEZHOU), "项目支出情况表")
    assert row["consistent"] == NO
    assert "由表3「2010301」的不符所致" in row["evidence"]


def test_gaps_within_rounding_are_said_to_be_rounding_and_the_table_holds() -> None:
    """上海市普陀区财政局 2024 决算: its tables hold, some sums a cent apart as rounding allows."""
    row = _item(checklist_of(CORPUS / "2024_juesuan_shanghai-putuo_caizhengju.pdf"), "支出决算表")
    assert row["consistent"] == YES
    assert row["evidence"] == "43项核对通过，另有3项相差在各数舍入所允许的范围内"
