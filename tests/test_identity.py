"""A document's identity — department, year, kind, scope — from its own words, each with where
it was read; and a document whose identity is not certain never supersedes another."""

from __future__ import annotations

import shutil

import duckdb

from pipelines.build import build
from pipelines.document import Cell, Document, Paragraph, Position, Row, Table
from pipelines.extract import extract_document
from pipelines.metadata import document_metadata, plausible_department

from .conftest import CHANGJI, KEZHOU

CAPTION = "编制部门：克州政府办公室"


def lines(*texts: str, source: str = "cover.pdf") -> Document:
    blocks = tuple(Paragraph(text, Position(page=1, line=n)) for n, text in enumerate(texts, 1))
    return Document(source, "pdf", blocks)


def kezhou_with(old: str, new: str) -> str:
    text = KEZHOU.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def identity(text: str, source: str = "k.txt") -> tuple:
    meta = extract_document(text.encode("utf-8"), source).metadata
    return (meta.department, meta.department_from, meta.fiscal_year, meta.kind, meta.scope)


def test_a_heading_is_never_a_department() -> None:
    """第一部分：部门概况 gave the department ：部门 (six departments of one city were one)."""
    document = lines("第一部分：部门概况", "一、主要职能", "负责本部门预算编制。")
    assert document_metadata(document, []).department is None
    assert not plausible_department("：部门")
    assert not plausible_department("长春市信")  # a name cut by a line break
    assert plausible_department("上海市花卉良种试验场")
    assert plausible_department("上海市统计和大数据研究院（上海市统计数据管理中心）")


def test_a_caption_name_ends_at_its_unit_line_not_inside_it() -> None:
    """编制单位：克州政府办公室 金额单位：万元 was read as 克州政府办公室 金额 (cut at 单位)."""
    text = kezhou_with(CAPTION, "编制单位：克州政府办公室 金额单位：万元")
    assert identity(text)[0] == "克州政府办公室"


def test_a_caption_name_wrapped_over_two_lines_is_joined() -> None:
    """编制部门：长春市信 / 访局: the name is the two lines' words joined."""
    from pipelines.metadata import _caption
    from pipelines.recognise import RecognisedTable

    table = RecognisedTable(
        table=Table((), Position()),
        spec=object(),
        title="部门收支总体情况表",
        printed_number="表一",
        captions=("部门收支总体情况表", "编制部门：长春市信", "访局  单位：万元"),
        department="长春市信",
        unit="万元",
        columns=(),
        header_rows=0,
        note=None,
    )
    assert _caption([table]) == ("长春市信访局", "caption", None)


def test_a_name_glued_to_its_year_ends_before_the_year() -> None:
    text = kezhou_with(CAPTION, "编制部门：克州政府办公室2020年部门预算")
    text = text.replace("编制部门：克州政府办公室 ", "编制部门：克州政府办公室2020年部门预算 ")
    assert identity(text)[0] == "克州政府办公室"


def test_a_cover_labelled_with_the_department_names_it() -> None:
    document = lines("部门名称：北京市财政局", "2026年部门预算", "目录")
    meta = document_metadata(document, [])
    assert (meta.department, meta.department_from) == ("北京市财政局", "label")


def test_a_department_named_only_in_a_tables_cell_is_read_from_it() -> None:
    """A tables file without a cover: 部门名称 | 北京市财政局 in its first table."""
    position = Position(page=1)
    row = Row(
        tuple(Cell(t, position) for t in ("部门名称", "北京市财政局", "单位：万元")), position
    )
    document = Document("tables.pdf", "pdf", (Table((row,), position),))
    meta = document_metadata(document, [])
    assert (meta.department, meta.department_from) == ("北京市财政局", "label")


def test_a_scope_mark_on_the_cover_is_the_scope_not_part_of_the_name() -> None:
    """湖州市卫生健康委员会（汇总）2026年部门预算: the mark kept the cover from being read."""
    meta = document_metadata(lines("湖州市卫生健康委员会（汇总）", "2026年预算", "目录"), [])
    assert (meta.department, meta.department_from) == ("湖州市卫生健康委员会", "cover")
    assert (meta.scope, meta.scope_from) == ("department", "name")
    meta = document_metadata(lines("上海市普陀区商务委员会（本级）2025年预算", "目录"), [])
    assert (meta.department, meta.scope) == ("上海市普陀区商务委员会", "unit")


def test_a_year_the_document_prints_is_never_overridden_by_its_file_name() -> None:
    """A 2019 budget whose title says 2019年度…综合预算 was given 2026 from its file name."""
    document = lines(
        "北京市财政局2019年度部门综合预算", "目录", source="2026_yusuan_beijing_caizhengju.pdf"
    )
    meta = document_metadata(document, [])
    assert (meta.fiscal_year, meta.fiscal_year_from) == (2019, "text")
    assert (meta.kind, meta.kind_from) == ("budget", "file_name")


def test_the_file_name_names_the_department_only_where_the_document_does_not() -> None:
    document = lines("第一部分：部门概况", source="泉州_2026年泉州市气象局部门预算.pdf")
    meta = document_metadata(document, [])
    assert (meta.department, meta.department_from) == ("泉州市气象局", "file_name")
    assert not meta.identity_read


def nameless(number: int) -> str:
    """The 克州 seed with its name nowhere printed (under 第一部分：部门概况), undated, its
    编制数 told apart: one of several departments of one city that print no name."""
    text = KEZHOU.read_text(encoding="utf-8").replace("克州政府办公室", "")
    text = text.replace("第一部分   单位概况", "第一部分：部门概况", 1)
    return text.replace("2020年1月19日", f"（第{number}号）")


def test_documents_whose_department_is_not_read_never_supersede_each_other(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for number in range(1, 7):
        (raw / f"department-{number}.txt").write_text(nameless(number), encoding="utf-8")
    summary = build(raw, tmp_path / "gongkai.duckdb", workers=1)
    assert summary.warehouse.files == {"loaded": 6}
    assert "superseded" not in str(summary)


def test_v_documents_shows_where_each_part_of_the_identity_was_read(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(CHANGJI, raw / CHANGJI.name)
    warehouse = tmp_path / "gongkai.duckdb"
    build(raw, warehouse, workers=1)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        row = connection.execute(
            "SELECT department, department_from, fiscal_year_from, kind_from, scope_from "
            "FROM v_documents"
        ).fetchone()
    assert row == ("昌吉回族自治州人民政府办公室", "label", "title", "title", "title")


def test_a_superseded_document_names_the_version_kept_and_the_evidence(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    text = CHANGJI.read_text(encoding="utf-8")
    (raw / "v1.txt").write_text(text, encoding="utf-8")
    (raw / "v2.txt").write_text(text.replace("2020年1月22日", "2020年2月1日"), encoding="utf-8")
    summary = build(raw, tmp_path / "gongkai.duckdb", workers=1)
    assert "1 superseded" in str(summary)
    with duckdb.connect(str(tmp_path / "gongkai.duckdb"), read_only=True) as connection:
        (reason,) = connection.execute(
            "SELECT reason FROM v_documents WHERE status = 'superseded'"
        ).fetchone()
    assert reason.startswith("superseded by v2.txt, a newer version of the same disclosure")
    assert "both print department 昌吉回族自治州人民政府办公室" in reason
    assert "2020 budget, scope department, and the tables of budget_2020" in reason


def test_a_captions_department_is_ended_at_its_unit_line() -> None:
    from pipelines.recognise import DEPARTMENT

    found = DEPARTMENT.search("编制单位：长春市信访局 金额单位：万元")
    assert found.group(1) == "长春市信访局"


def kezhou_in_two_parts() -> tuple[str, str]:
    """The 克州 seed published as a text file (概况, 情况说明, 名词解释) and a tables file whose
    captions leave the department blank: the tables name no one."""
    lines = KEZHOU.read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(lines[:22] + lines[1841:])
    tables = "".join(lines[22:1841]).replace("克州政府办公室", "")
    return text, tables


def test_a_text_part_joins_a_nameless_tables_file_by_its_total_year_kind_and_name(
    tmp_path,
) -> None:
    """It was quarantined (no tables file of 克州政府办公室), the tables file left nameless."""
    text, tables = kezhou_in_two_parts()
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "kezhou-2020_text.txt").write_text(text, encoding="utf-8")
    (raw / "kezhou-2020_tables.txt").write_text(tables, encoding="utf-8")
    (raw / "another-2020_tables.txt").write_text(tables.replace("1483.22", "1483.23"), "utf-8")
    warehouse = tmp_path / "gongkai.duckdb"
    build(raw, warehouse, workers=1)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "SELECT path, status, department, department_from, reason FROM v_documents "
            "ORDER BY path"
        ).fetchall()
        claims = connection.execute(
            "SELECT count(*) FROM v_narrative_claims c JOIN v_documents d USING (document_id) "
            "WHERE d.path = 'kezhou-2020_tables.txt'"
        ).fetchone()[0]
    by_path = {path: tuple(found) for path, *found in rows}
    assert by_path["kezhou-2020_tables.txt"][:3] == ("loaded", "克州政府办公室", "text_part")
    assert by_path["another-2020_tables.txt"][:2] == ("loaded", None)
    status, _, _, reason = by_path["kezhou-2020_text.txt"]
    assert status == "joined"
    assert "joined by evidence" in reason and "1483.22 万元" in reason
    assert claims > 50


def test_a_text_part_without_its_tables_file_is_loaded_as_narrative_only(tmp_path) -> None:
    """Its narrative's figures were lost: it was quarantined for want of a tables file."""
    text, _ = kezhou_in_two_parts()
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "kezhou-2020_text.txt").write_text(text, encoding="utf-8")
    warehouse = tmp_path / "gongkai.duckdb"
    summary = build(raw, warehouse, workers=1)
    assert summary.warehouse.files == {"loaded": 1}
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        status, part, department, reason = connection.execute(
            "SELECT status, part, department, reason FROM v_documents"
        ).fetchone()
        claims = connection.execute("SELECT count(*) FROM v_narrative_claims").fetchone()[0]
    assert (status, part, department) == ("loaded", "narrative_only", "克州政府办公室")
    assert reason.startswith("narrative only: its tables are not in this file nor in a tables")
    assert claims > 50


def test_a_web_page_of_the_narrative_linking_its_tables_is_loaded_as_narrative_only() -> None:
    """A page holding 情况说明 and linking its tables as a workbook (its 70 figures were lost)."""
    text, _ = kezhou_in_two_parts()
    paragraphs = "".join(f"<p>{line}</p>\\n" for line in text.splitlines()[22:])
    page = (
        "<html><body><h1>2020年部门预算公开</h1>"
        f"{paragraphs}"
        '<p>附件：<a href="/files/2020年部门预算公开表.xlsx">部门预算公开表</a></p>'
        "</body></html>"
    ).replace("克州政府办公室", "")
    result = extract_document(page.encode("utf-8"), "page.html")
    assert (result.status, result.template) == ("loaded", None)
    assert result.claims.height > 50
    attachments = result.passages.filter(result.passages["kind"] == "attachment")
    assert attachments["item"].to_list() == ["2020年部门预算公开表.xlsx"]
    assert result.reason.endswith("where its tables are: 2020年部门预算公开表.xlsx")
