"""The Dagster layer: definitions load, assets materialize, the sensor notices changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb

from assets.automation import raw_files_sensor
from assets.checks import family_checks, warehouse_integrity
from assets.definitions import defs
from assets.resources import GongkaiPaths, build_resources
from assets.warehouse_assets import (
    budget_facts,
    data_quality,
    downloaded_files,
    parsed_documents,
    raw_file_inventory,
    warehouse,
)

from .conftest import CHANGJI, KEZHOU

ROOT = Path(__file__).resolve().parent.parent


def test_definitions_load_with_job_schedule_and_sensor() -> None:
    dg.Definitions.validate_loadable(defs)  # as the UI's code server loads them
    assert defs.resolve_job_def("build_warehouse")
    assert defs.resolve_schedule_def("daily_build").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("raw_files_sensor")
    assert defs.resolve_sensor_def("regions_sensor")
    assert defs.resolve_job_def("show_findings_by_region")
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == {
        "downloaded_files",
        "raw_file_inventory",
        "parsed_documents",
        "budget_facts",
        "data_quality",
        "warehouse",
        "findings_by_region",
    }
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {
        "within_table_sums",
        "balance",
        "cross_table",
        "code_validity",
        "completeness",
        "plausibility",
        "narrative",
        "reading",
        "warehouse_integrity",
    }


def test_materializing_all_assets_builds_the_warehouse(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(KEZHOU, raw / KEZHOU.name)
    shutil.copy(CHANGJI, raw / CHANGJI.name)
    (raw / "junk.txt").write_bytes(b"\x00" * 64)
    paths = GongkaiPaths(
        raw_dir=str(raw),
        warehouse=str(tmp_path / "wh" / "gongkai.duckdb"),
        sources=str(tmp_path / "no-sources.yaml"),
    )
    result = dg.materialize(
        [
            downloaded_files,
            raw_file_inventory,
            parsed_documents,
            budget_facts,
            data_quality,
            warehouse,
            *family_checks,
            warehouse_integrity,
        ],
        resources=build_resources(paths),
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks["warehouse_integrity"].passed
    assert checks["within_table_sums"].passed and checks["completeness"].passed
    balance = checks["balance"]
    assert not balance.passed and balance.severity == dg.AssetCheckSeverity.WARN
    assert balance.metadata["failed"].value == 1
    assert "1483.22" in balance.metadata["failures"].value
    assert KEZHOU.name in balance.metadata["failures"].value  # each failure names its file
    quality = result.asset_materializations_for_node("data_quality")[0].metadata
    by_document = quality["by_document"].value.splitlines()
    assert by_document[0].startswith("| document_id | source_file | department | fiscal_year")
    assert KEZHOU.name in by_document[2]  # 克州's errors first
    assert any(CHANGJI.name in line for line in by_document)
    every = Path(quality["by_document_file"].value).read_text(encoding="utf-8")
    assert KEZHOU.name in every and CHANGJI.name in every
    parsed = result.asset_materializations_for_node("parsed_documents")[0].metadata
    assert parsed["documents_loaded"].value == 2 and parsed["files_quarantined"].value == 1
    loaded = result.asset_materializations_for_node("warehouse")[0].metadata
    assert loaded["facts"].value == 191
    with duckdb.connect(paths.warehouse, read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM v_documents").fetchone() == (3,)


def test_the_sensor_requests_a_run_only_when_the_raw_folder_changes(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(KEZHOU, raw / KEZHOU.name)
    paths = GongkaiPaths(raw_dir=str(raw), warehouse=str(tmp_path / "gongkai.duckdb"))
    with dg.build_sensor_context(resources=build_resources(paths)) as context:
        first = raw_files_sensor(context)
        assert isinstance(first, dg.RunRequest)
        context.update_cursor(first.run_key)
        assert isinstance(raw_files_sensor(context), dg.SkipReason)
        shutil.copy(CHANGJI, raw / CHANGJI.name)
        second = raw_files_sensor(context)
        assert isinstance(second, dg.RunRequest) and second.run_key != first.run_key


def test_the_sensor_cursor_survives_a_restart_and_ignores_touched_but_unchanged_files(
    tmp_path,
) -> None:
    import os

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(KEZHOU, raw / KEZHOU.name)
    paths = GongkaiPaths(raw_dir=str(raw), warehouse=str(tmp_path / "gongkai.duckdb"))
    with dg.build_sensor_context(resources=build_resources(paths)) as context:
        cursor = raw_files_sensor(context).run_key
    os.utime(raw / KEZHOU.name, (1, 1))  # a copy or checkout changes times, not content
    with dg.build_sensor_context(resources=build_resources(paths), cursor=cursor) as restarted:
        assert isinstance(raw_files_sensor(restarted), dg.SkipReason)


def test_make_run_without_a_raw_folder_says_why_in_a_line_and_exits_2(
    tmp_path, monkeypatch, capsys
) -> None:
    """Status 2 is a build that failed and said why; `make run` shows its log only on 1."""
    from assets.run import main

    shutil.copy(ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main() == 2
    assert capsys.readouterr().out.splitlines() == [
        "downloaded_files failed: no raw folder at data/raw: nothing was built and the "
        "warehouse is untouched",
        "build failed; the run is in the Dagster UI (make ui)",
    ]


def test_a_family_failing_only_by_rounding_or_reading_doubts_does_not_show_as_failed() -> None:
    """The UI's check reads as failed only where a document is blamed: 302 off by a cent of
    rounding, and a sum gongkai doubts its own reading of, leave it passed, counted apart."""
    import polars as pl

    from assets.checks import family_result
    from pipelines.quality import FAMILIES

    family = next(f for f in FAMILIES if f.name == "within_table_sums")
    row = {
        "document_id": "d",
        "rule_family": family.name,
        "passed": False,
        "severity": "info",
        "table_no": 6,
        "subject": "302",
        "expected": "10.22",
        "observed": "10.23",
        "source_page": 13,
        "source_line": None,
        "message_zh": "",
    }
    results = pl.DataFrame([{**row, "status": "rounding"}, {**row, "status": "reading_doubt"}])
    documents = pl.DataFrame(
        [{"document_id": "d", "source_file": "d.pdf", "department": "某局", "fiscal_year": 2024}]
    )
    checked = family_result(family, results, documents)
    assert checked.passed
    metadata = {key: value.value for key, value in checked.metadata.items()}
    assert (metadata["failed"], metadata["rounding"], metadata["reading_doubts"]) == (0, 1, 1)
