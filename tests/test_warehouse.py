"""The warehouse a build leaves behind: views, accounting of every file, atomic replacement."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.build import build
from pipelines.staging import Staging
from pipelines.warehouse.load import load_warehouse

from .conftest import CHANGJI, KEZHOU


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    shutil.copy(KEZHOU, raw / KEZHOU.name)
    shutil.copy(CHANGJI, raw / CHANGJI.name)
    (raw / "broken.txt").write_bytes(b"\x00\x01junk\x00" * 10)
    (raw / "notes.txt").write_text("没有任何表格的说明文字。\n", encoding="utf-8")
    (raw / "scan.pdf").write_bytes(b"%PDF-1.4\n%...")
    (raw / "sub").mkdir()
    shutil.copy(KEZHOU, raw / "sub" / "克州 副本.txt")
    path = tmp_path_factory.mktemp("warehouse") / "gongkai.duckdb"
    build(raw, path)
    return path


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_three_public_per_document_as_published(warehouse) -> None:
    rows = query(
        warehouse,
        """SELECT department, total, abroad, vehicle_total, vehicle_purchase, vehicle_running,
                  reception FROM v_three_public ORDER BY total DESC""",
    )
    assert [(r[0], *(float(v) for v in r[1:])) for r in rows] == [
        ("克州政府办公室", 133.6, 0, 93.6, 0, 93.6, 40),
        ("昌吉回族自治州人民政府办公室", 45.6, 0, 42, 0, 42, 3.6),
    ]


def test_every_raw_file_is_accounted_for(warehouse) -> None:
    rows = dict(query(warehouse, "SELECT path, status FROM v_documents"))
    assert rows == {
        KEZHOU.name: "loaded",
        CHANGJI.name: "loaded",
        "broken.txt": "quarantined",
        "notes.txt": "not_disclosure",
        "scan.pdf": "quarantined",
        "sub/克州 副本.txt": "duplicate",
    }


def test_quarantine_reasons_name_the_stage_and_the_problem(warehouse) -> None:
    reasons = dict(
        query(warehouse, "SELECT path, reason FROM v_documents WHERE status <> 'loaded'")
    )
    assert reasons["broken.txt"] == "read: binary content that is no document format a reader knows"
    assert reasons["scan.pdf"].startswith("read: corrupt PDF")
    assert reasons["notes.txt"].startswith("not a disclosure: no title line names a budget")
    assert reasons["sub/克州 副本.txt"] == f"same content as {KEZHOU.name}"


def test_a_duplicate_file_adds_no_facts(warehouse) -> None:
    [(facts, documents)] = query(
        warehouse, "SELECT count(*), count(DISTINCT document_id) FROM v_budget_facts"
    )
    assert (facts, documents) == (191, 2)


def test_v_documents_carries_metadata_and_fact_counts(warehouse) -> None:
    [row] = query(
        warehouse,
        """SELECT format, kind, fiscal_year, department, region, unit,
                  date::VARCHAR, fact_count FROM v_documents
           WHERE path = '2020_yusuan_xinjiang-changji_zhengfu-bangongshi.txt'""",
    )
    assert row == (
        "text",
        "budget",
        2020,
        "昌吉回族自治州人民政府办公室",
        "昌吉回族自治州",
        "万元",
        "2020-01-22",
        100,
    )


def test_facts_are_found_by_code_measure_and_amount(warehouse) -> None:
    [(amount,)] = query(
        warehouse,
        """SELECT amount FROM v_budget_facts
        WHERE department = '克州政府办公室' AND table_no = 6 AND economic_code = '30231'
          AND measure = 'public_use'""",
    )
    assert amount == Decimal("93.60")


def test_classification_dimensions_are_the_reference_lists_with_their_coverage(warehouse) -> None:
    assert query(
        warehouse,
        "SELECT name, level, parent_code, status, list_complete, source FROM dim_function_class "
        "WHERE function_code = '2010350' AND year = 2020",
    ) == [("事业运行", 3, "20103", "attested", False, "reference")]
    assert query(
        warehouse,
        "SELECT year, name, status, list_complete FROM dim_function_class "
        "WHERE function_code = '201' ORDER BY year",
    ) == [
        (2020, "一般公共服务支出", "attested", True),
        (2026, "一般公共服务支出", "attested", False),
    ]


def test_codes_the_reference_lacks_join_the_dimension_from_the_documents(warehouse) -> None:
    assert query(
        warehouse,
        "SELECT name, status, list_complete, source FROM dim_economic_class "
        "WHERE economic_code = '30314'",
    ) == [("职工住宅取暖", "not_in_national_list", True, "document")]


def test_fact_ids_are_stable_across_rebuilds(warehouse, tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(KEZHOU, raw / KEZHOU.name)
    again = tmp_path / "again.duckdb"
    build(raw, again)
    sql = "SELECT fact_id, amount FROM fact_budget_line WHERE document_id = '{}' ORDER BY fact_id"
    [(document_id,)] = query(again, "SELECT document_id FROM dim_document")
    assert query(again, sql.format(document_id)) == query(warehouse, sql.format(document_id))


def test_a_load_that_fails_midway_leaves_the_previous_warehouse_intact(warehouse, tmp_path) -> None:
    live = tmp_path / "live.duckdb"
    shutil.copy(warehouse, live)
    staging = Staging(tmp_path / "staging")
    shutil.copytree(Staging.of(warehouse).root, staging.root)
    staging.facts.write_bytes(b"not parquet")  # tables and dimensions load, then facts fail
    with pytest.raises(duckdb.Error):
        load_warehouse(staging, live)
    assert query(live, "SELECT count(*) FROM fact_budget_line") == [(191,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.duckdb", "staging"]
