"""The bad-input corpus (tests/fixtures/bad, built by scripts/make_bad_fixtures.py): each file
gets what a user would expect, and a run over all of them accounts for every file."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.build import BuildSummary, build
from pipelines.extract import extract_file

from .conftest import KEZHOU

BAD = Path(__file__).parent / "fixtures" / "bad"
LIMIT = 50_000


def load(name: str):
    return extract_file(BAD / name, BAD)


def facts(result, table_no: int) -> list[tuple]:
    frame = result.facts.filter(result.facts["table_no"] == table_no)
    return frame.select("function_code", "economic_code", "measure", "amount").rows()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "read: the file is empty"),
        ("junk.txt", "read: binary content that is no document format a reader knows"),
        ("xxe.docx", "read: word/document.xml declares a DTD or entities"),
        ("zip-bomb.docx", "read: member word/document.xml is compressed"),
    ],
)
def test_unreadable_files_are_quarantined_with_the_stage_and_reason(name, reason) -> None:
    result = load(name)
    assert result.status == "quarantined" and result.reason.startswith(reason)


def test_a_truncated_export_keeps_every_table_before_the_cut(extracted) -> None:
    result = load("truncated.txt")
    full = extracted["000"]
    for table_no in (1, 2, 3, 4, 5):
        assert facts(result, table_no) == facts(full, table_no)
    assert [(e, m, a) for _, e, m, a in facts(result, 6)] == [
        ("30201", "total", Decimal("10")),
        ("30201", "public_use", Decimal("10")),
        ("30231", "total", Decimal("93.6")),
        ("30231", "public_use", Decimal("93.6")),
        ("30113", "total", Decimal("78.2")),
        ("30113", "personnel", Decimal("78.2")),
        ("30309", "total", Decimal("4.09")),
        ("30309", "personnel", Decimal("4.09")),
    ]
    statuses = dict(result.tables.select("table_no", "status").rows())
    assert [statuses[n] for n in (7, 8, 9)] == ["missing"] * 3


def test_a_table_missing_a_column_keeps_the_others_and_says_which_is_missing() -> None:
    result = load("missing-column.txt")
    assert facts(result, 3) == [
        ("2010301", None, "total", Decimal("1352.62")),
        ("2010301", None, "project_expenditure", Decimal("50")),
        ("2010399", None, "total", Decimal("124")),
        ("2010399", None, "project_expenditure", Decimal("124")),
        (None, None, "total", Decimal("1476.62")),
        (None, None, "project_expenditure", Decimal("174")),
    ]
    [warning] = [w for w in result.warnings if w["kind"] == "missing_column"]
    assert warning["table_no"] == 3 and "基本支出 (basic_expenditure)" in warning["message"]


def test_numbers_in_every_written_form_are_read_exactly() -> None:
    result = load("数字 格式..txt")
    assert result.status == "loaded"
    assert result.facts.select("function_code", "measure", "amount", "raw_text").rows() == [
        ("2010301", "total", Decimal("1234.5"), "1,234.50"),
        ("2010301", "basic_expenditure", Decimal("1234.5"), "1 234.5"),
        ("2010350", "total", Decimal("123.4"), "１２３.４"),
        ("2010350", "basic_expenditure", Decimal("123.4"), "１２３.４"),
        ("2010399", "total", Decimal("-12.5"), "(12.50)"),
        ("2010399", "basic_expenditure", Decimal("-12.5"), "-12.5"),
        (None, "total", Decimal("1345.4"), "1,345.40"),
        (None, "basic_expenditure", Decimal("1345.4"), "1,345.4"),
    ]
    assert result.warnings == []


def test_a_table_in_yuan_beside_tables_in_wan_yuan_gives_the_same_amounts(extracted) -> None:
    result = load("yuan-table.txt")
    assert facts(result, 8) == facts(extracted["000"], 8)
    three_public = result.facts.filter(result.facts["table_no"] == 8)
    assert set(three_public["published_unit"]) == {"元"}
    assert "1,336,000.00" in three_public["raw_text"].to_list()
    assert set(result.facts.filter(result.facts["table_no"] == 6)["published_unit"]) == {"万元"}


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory) -> BuildSummary:
    raw = tmp_path_factory.mktemp("raw")
    for path in BAD.iterdir():
        shutil.copy(path, raw / path.name)
    warehouse = tmp_path_factory.mktemp("warehouse") / "gongkai.duckdb"
    return build(raw, warehouse, max_bytes=LIMIT)


@pytest.fixture(scope="module")
def bad_run(bad_build) -> Path:
    return bad_build.warehouse.path


def test_the_build_summary_accounts_for_every_file_under_its_status(bad_build) -> None:
    assert str(bad_build).startswith(
        "14 raw files: 3 loaded, 5 quarantined (read 5), 0 not disclosures, 1 duplicates, "
        "4 superseded, "
        "1 hidden, ignored; "
    )


def documents(warehouse: Path) -> dict[str, tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute("SELECT path, status, reason FROM v_documents").fetchall()
    return {path: (status, reason) for path, status, reason in rows}


def test_every_file_in_is_a_file_accounted_for(bad_run) -> None:
    assert sorted(documents(bad_run)) == sorted(path.name for path in BAD.iterdir())


def test_each_file_ends_in_the_state_a_user_would_expect(bad_run) -> None:
    statuses = {path: status for path, (status, _) in documents(bad_run).items()}
    assert statuses == {
        ".hidden-note.txt": "ignored",
        "changji-v1.txt": "superseded",
        "changji-v2.txt": "loaded",
        "empty.txt": "quarantined",
        "junk.txt": "quarantined",
        "kezhou-a.txt": "superseded",
        "kezhou-b.txt": "duplicate",
        "missing-column.txt": "superseded",
        "oversize.txt": "quarantined",
        "truncated.txt": "superseded",
        "xxe.docx": "quarantined",
        "yuan-table.txt": "loaded",
        "zip-bomb.docx": "quarantined",
        "数字 格式..txt": "loaded",
    }


def test_reasons_say_what_was_wrong(bad_run) -> None:
    reasons = {path: reason for path, (_, reason) in documents(bad_run).items()}
    assert reasons["oversize.txt"] == "read: the file is 196,618 bytes, over the limit of 50,000"
    assert reasons["kezhou-b.txt"] == "same content as kezhou-a.txt"
    assert reasons["changji-v1.txt"] == (
        "superseded by changji-v2.txt, a newer version of the same disclosure "
        "(dated 2020-02-01; this one 2020-01-22); both print department "
        "昌吉回族自治州人民政府办公室 (as «昌吉回族自治州人民政府办公室», read from its label), "
        "2020 budget, scope department, "
        "and the tables of budget_2020"
    )
    assert reasons["kezhou-a.txt"] == (
        "superseded by yuan-table.txt, another version of the same disclosure of the same date "
        "(2020-01-19): of versions equally dated the last by file name is kept; both print "
        "department 克州政府办公室 (as «克州政府办公室», read from its label), 2020 budget, scope "
        "department, and the tables of budget_2020"
    )


def test_only_the_newest_version_of_a_disclosure_contributes_facts(bad_run) -> None:
    with duckdb.connect(str(bad_run), read_only=True) as connection:
        per_department = dict(
            connection.execute(
                "SELECT department, count(DISTINCT document_id) FROM v_budget_facts GROUP BY 1"
            ).fetchall()
        )
    assert per_department == {"克州政府办公室": 1, "昌吉回族自治州人民政府办公室": 1, "某某局": 1}


def test_two_runs_over_the_same_input_give_byte_identical_outputs(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(KEZHOU, raw / KEZHOU.name)
    shutil.copy(BAD / "数字 格式..txt", raw / "数字 格式..txt")
    exports = []
    for run in ("first", "second"):
        warehouse = tmp_path / run / "gongkai.duckdb"
        build(raw, warehouse)
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            for table in (
                "fact_budget_line",
                "dq_result",
                "document_table",
                "raw_file",
                "printed_code",
                "dim_document",
            ):
                target = tmp_path / f"{run}-{table}.csv"
                connection.execute(f"COPY (SELECT * FROM {table} ORDER BY ALL) TO '{target}'")
        exports.append(
            [
                (tmp_path / f"{run}-{t}.csv").read_bytes()
                for t in (
                    "fact_budget_line",
                    "dq_result",
                    "document_table",
                    "raw_file",
                    "printed_code",
                    "dim_document",
                )
            ]
        )
    assert exports[0] == exports[1]


def test_tables_flattened_into_running_text_are_quarantined_saying_so() -> None:
    """A document-sharing site's preview of 教育局预算公开表.xls: 表1 部门收支总表's cells on one
    line, 12,204.85 (教育支出) printed after 六、科学技术支出 — read as rows it would be a
    misreading, so it is not read."""
    from pipelines.extract import extract_document

    line = (
        "教育局 2020年部门预算 表1 部门收支总表 单位:万元 收 项 入 目 支 2020年预算数 项 出 目 "
        "一、一般公共预算拨款收入 16,745.59 一、一般公共服务支出 五、教育支出 六、科学技术支出 "
        "2020年预算数 12,204.85 八、社会保障和就业支出 1,663.86 九、卫生健康支出 1,235.48 "
        "十九、住房保障支出 1,641.40 本 年 收 入 合 计 16,745.59 本 年 支 出 合 计 16,745.59 "
        "收 入 总 计 16,745.59"
    )
    result = extract_document(line.encode("utf-8"), "partial.page.txt")
    assert result.status == "quarantined"
    assert "running text" in result.reason and "without guessing" in result.reason
