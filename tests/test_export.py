"""Exports: Parquet by year and region, CSV, and a Fiscal Data Package that validates."""

from __future__ import annotations

import duckdb
import pytest
from frictionless import Package

from pipelines.export import export_csv, export_parquet, fiscal_data_package


@pytest.fixture(scope="module")
def warehouse(seed_warehouse):
    return seed_warehouse[1]


def test_parquet_facts_are_partitioned_by_year_and_region(warehouse, tmp_path) -> None:
    export_parquet(warehouse, tmp_path)
    pattern = str(tmp_path / "budget_facts" / "**" / "*.parquet")
    rows = duckdb.sql(
        f"SELECT fiscal_year, region, count(*) FROM read_parquet('{pattern}', "
        "hive_partitioning = true) GROUP BY ALL ORDER BY region"
    ).fetchall()
    assert rows == [(2020, "克孜勒苏柯尔克孜自治州", 91), (2020, "昌吉回族自治州", 100)]
    assert {path.name for path in tmp_path.glob("v_*.parquet")} == {
        f"{view}.parquet" for view in views(warehouse)
    }


def views(warehouse) -> set[str]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal")
        return {name for (name,) in rows.fetchall() if name.startswith("v_")}


def test_csv_gives_every_analyst_view(warehouse, tmp_path) -> None:
    written = export_csv(warehouse, tmp_path)
    assert {path.stem for path in written} == views(warehouse)
    assert {"v_departments", "v_profile", "v_reporting_documents", "v_trust_summary"} <= views(
        warehouse
    )
    departments = (tmp_path / "v_departments.csv").read_text(encoding="utf-8-sig").splitlines()
    kezhou = next(line for line in departments if ",克州政府办公室," in line)
    assert kezhou.split(",")[1:] == [
        "克州政府办公室",
        "克孜勒苏柯尔克孜自治州",
        '"=""653000"""',  # a code, as text for Excel
        "prefecture",
        "[克州政府办公室]",
        "1",
    ]
    three_public = (tmp_path / "v_three_public.csv").read_text(encoding="utf-8-sig").splitlines()
    assert three_public[0].startswith("document_id,department,fiscal_year,scope,total")
    assert len(three_public) == 3


def test_csv_starts_with_a_byte_order_mark_for_excel(warehouse, tmp_path) -> None:
    export_csv(warehouse, tmp_path)
    data = (tmp_path / "v_three_public.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfdocument_id,")
    assert "克州政府办公室" in data.decode("utf-8-sig")
    assert not any(path.name.startswith(".") for path in tmp_path.iterdir())


def test_csv_without_a_byte_order_mark_when_asked(warehouse, tmp_path) -> None:
    export_csv(warehouse, tmp_path, bom=False)
    assert (tmp_path / "v_three_public.csv").read_bytes().startswith(b"document_id,")


def test_the_fiscal_data_package_validates(warehouse, tmp_path) -> None:
    descriptor = fiscal_data_package(warehouse, tmp_path)
    report = Package(str(descriptor)).validate()
    assert report.valid
    assert report.tasks[0].stats["rows"] == 191


def test_a_damaged_fiscal_data_package_does_not_validate(warehouse, tmp_path) -> None:
    descriptor = fiscal_data_package(warehouse, tmp_path)
    data = tmp_path / "budget_facts.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",not-a-number"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert not Package(str(descriptor)).validate().valid


def test_a_final_accounts_planned_three_public_figure_is_labelled_budget(tmp_path) -> None:
    """2024 普陀 财政局's 决算 prints the 三公 plan (预算数) beside the outcome (决算数): in the
    Fiscal Data Package only the outcome is a final_accounts figure."""
    import csv
    import shutil
    from pathlib import Path

    from pipelines.build import build

    pdf = Path(__file__).resolve().parent.parent / "data/raw/corpus"
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(pdf / "2024_juesuan_shanghai-putuo_caizhengju.pdf", raw)
    build(raw, tmp_path / "gongkai.duckdb")
    fiscal_data_package(tmp_path / "gongkai.duckdb", tmp_path / "fdp")
    with (tmp_path / "fdp" / "budget_facts.csv").open(encoding="utf-8") as handle:
        facts = list(csv.DictReader(handle))
    with duckdb.connect(str(tmp_path / "gongkai.duckdb"), read_only=True) as connection:
        planned = {
            fact_id
            for (fact_id,) in connection.execute(
                "SELECT fact_id FROM v_budget_facts WHERE basis = 'budget'"
            ).fetchall()
        }
    assert planned
    assert {row["phase"] for row in facts if row["fact_id"] in planned} == {"budget"}
    assert {row["phase"] for row in facts if row["fact_id"] not in planned} == {"final_accounts"}


def test_csv_cells_that_a_spreadsheet_would_evaluate_are_made_inert(tmp_path) -> None:
    """A performance target printed `=100%` (or a label starting with + - @) must not be
    evaluated as a formula by Excel: it is written with a leading apostrophe."""
    import csv

    from pipelines.export import inert_csv_select

    with duckdb.connect() as connection:
        connection.execute(
            "CREATE TABLE t AS SELECT * FROM (VALUES ('=100%', '-'), ('≥98%', '@x'), "
            "('+1', 'a-b')) v(target_raw, note)"
        )
        target = tmp_path / "t.csv"
        select = inert_csv_select(connection, "t", excel=False)
        connection.execute(f"COPY ({select}) TO '{target}' (HEADER)")
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["target_raw", "note"],
        ["'=100%", "'-"],
        ["≥98%", "'@x"],
        ["'+1", "a-b"],
    ]


def test_csv_for_excel_writes_ids_and_codes_as_text(warehouse, tmp_path) -> None:
    """Excel turns an all-digit id into a number (6858449805109e05 became 6.86E+17): in the
    CSV written for Excel every id and code is a text formula, ="…", which Excel shows as
    the text; the CSV for other tools keeps them plain."""
    import csv

    export_csv(warehouse, tmp_path / "excel")
    export_csv(warehouse, tmp_path / "plain", bom=False)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        ids = sorted(
            i for (i,) in connection.execute("SELECT fact_id FROM v_budget_facts").fetchall()
        )
    for folder, shown in (("excel", lambda i: f'="{i}"'), ("plain", lambda i: i)):
        path = tmp_path / folder / "v_budget_facts.csv"
        with path.open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        assert sorted(row["fact_id"] for row in rows) == sorted(shown(i) for i in ids)
        codes = {row["function_code"] for row in rows if row["function_code"]}
        assert shown("2010301") in codes
