"""Data quality in the Dagster UI by fiscal year × province: one partition per slice of the
warehouse, its documents and checks, shown again only when the slice changes."""

from __future__ import annotations

import shutil

import dagster as dg
import pytest

from assets.regions import (
    FINDINGS_BY_REGION,
    findings_by_region,
    findings_by_region_job,
    new_partitions,
    refresh_regions,
    regions_sensor,
    stale_regions,
)
from assets.resources import GongkaiPaths
from pipelines.build import build

from .conftest import CHANGJI, CORPUS, KEZHOU

PUTUO_UNIT = CORPUS / "2025_yusuan_shanghai-putuo_qzf-bgs_unit.pdf"
XINJIANG_2020 = "2020|新疆维吾尔自治区"
SHANGHAI_2025 = "2025|上海市"


@pytest.fixture
def raw_and_paths(tmp_path) -> tuple:
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in (KEZHOU, CHANGJI, PUTUO_UNIT):
        shutil.copy(path, raw / path.name)
    paths = GongkaiPaths(raw_dir=str(raw), warehouse=str(tmp_path / "gongkai.duckdb"))
    build(raw, paths.warehouse_path)
    return raw, paths


def _job(paths: GongkaiPaths) -> dg.JobDefinition:
    definitions = dg.Definitions(
        assets=[findings_by_region], jobs=[findings_by_region_job], resources={"paths": paths}
    )
    return definitions.resolve_job_def("show_findings_by_region")


def _shown(instance: dg.DagsterInstance, partition: str) -> dict:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(FINDINGS_BY_REGION, asset_partitions=[partition]), limit=1
    ).records
    return {name: entry.value for name, entry in records[0].asset_materialization.metadata.items()}


def test_each_fiscal_year_and_province_is_a_partition_holding_its_documents(
    raw_and_paths,
) -> None:
    _, paths = raw_and_paths
    instance = dg.DagsterInstance.ephemeral()
    assert refresh_regions(instance, _job(paths), paths) == 2
    assert instance.get_dynamic_partitions("fiscal_year") == ["2020", "2025"]
    assert instance.get_dynamic_partitions("province") == ["上海市", "新疆维吾尔自治区"]
    xinjiang = _shown(instance, XINJIANG_2020)
    assert xinjiang["documents"] == 2 and xinjiang["facts"] == 191
    assert KEZHOU.name in xinjiang["by_document"] and CHANGJI.name in xinjiang["by_document"]
    assert "| general_budget_basic | 2 |" in xinjiang["facts_by_class"]  # both print 基本支出
    assert "1483.22" in xinjiang["failures"]  # 克州's unbalanced total, with its file and page
    shanghai = _shown(instance, SHANGHAI_2025)
    assert shanghai["documents"] == 1 and PUTUO_UNIT.name in shanghai["by_document"]
    assert KEZHOU.name not in shanghai["failures"]


def test_every_rule_family_is_an_asset_check_of_each_partition(raw_and_paths) -> None:
    _, paths = raw_and_paths
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("fiscal_year", ["2020"])
    instance.add_dynamic_partitions("province", ["新疆维吾尔自治区"])
    result = _job(paths).execute_in_process(instance=instance, partition_key=XINJIANG_2020)
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert {e.partition for e in checks.values()} == {XINJIANG_2020}
    assert not checks["balance"].passed and checks["balance"].metadata["failed"].value == 1
    assert checks["within_table_sums"].passed
    assert checks["balance"].severity == dg.AssetCheckSeverity.WARN


def test_a_partition_is_shown_again_only_when_what_it_holds_changes(raw_and_paths) -> None:
    raw, paths = raw_and_paths
    instance = dg.DagsterInstance.ephemeral()
    job = _job(paths)
    refresh_regions(instance, job, paths)
    assert refresh_regions(instance, job, paths) == 0  # nothing changed
    (raw / CHANGJI.name).unlink()
    build(raw, paths.warehouse_path)
    assert refresh_regions(instance, job, paths) == 1
    assert _shown(instance, XINJIANG_2020)["documents"] == 1
    (raw / KEZHOU.name).unlink()
    build(raw, paths.warehouse_path, allow_shrink=True)
    assert refresh_regions(instance, job, paths) == 1  # the slice emptied is shown empty
    assert _shown(instance, XINJIANG_2020)["documents"] == 0
    assert _shown(instance, SHANGHAI_2025)["documents"] == 1


def test_the_sensor_requests_the_changed_partitions_after_a_new_warehouse(raw_and_paths) -> None:
    _, paths = raw_and_paths
    instance = dg.DagsterInstance.ephemeral()
    # the daemon adds the partitions a tick names before it launches that tick's runs
    instance.add_dynamic_partitions("fiscal_year", ["2020", "2025"])
    instance.add_dynamic_partitions("province", ["上海市", "新疆维吾尔自治区"])
    instance.report_runless_asset_event(dg.AssetMaterialization("warehouse"))
    definitions = dg.Definitions(
        assets=[findings_by_region],
        jobs=[findings_by_region_job],
        sensors=[regions_sensor],
        resources={"paths": paths},
    )
    with (
        dg.partition_loading_context(dynamic_partitions_store=instance),
        dg.build_sensor_context(
            instance=instance, resources={"paths": paths}, definitions=definitions
        ) as context,
    ):
        tick = regions_sensor.evaluate_tick(context)
    assert sorted(request.partition_key for request in tick.run_requests) == [
        XINJIANG_2020,
        SHANGHAI_2025,
    ]


def test_years_and_provinces_new_to_the_instance_are_added_as_partitions(raw_and_paths) -> None:
    _, paths = raw_and_paths
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("province", ["上海市"])
    stale = stale_regions(instance, paths)
    added = {r.partitions_def_name: r.partition_keys for r in new_partitions(instance, [*stale])}
    assert added == {"fiscal_year": ["2020", "2025"], "province": ["新疆维吾尔自治区"]}


def test_a_partition_that_fails_does_not_keep_the_others_from_being_shown(
    raw_and_paths, monkeypatch
) -> None:
    """An exception while one year × province is shown names it and its files; the other
    partitions are shown (it stopped at the first failure, the rest never shown)."""
    import assets.regions as regions_module

    _, paths = raw_and_paths
    original = regions_module.findings_by_document

    def failing(results, documents):
        if KEZHOU.name in documents["source_file"].to_list():
            raise RuntimeError("injected for the test")
        return original(results, documents)

    monkeypatch.setattr(regions_module, "findings_by_document", failing)
    instance = dg.DagsterInstance.ephemeral()
    failures: dict[str, str] = {}
    assert refresh_regions(instance, _job(paths), paths, failures) == 1
    assert _shown(instance, SHANGHAI_2025)["documents"] == 1
    assert list(failures) == [XINJIANG_2020]
    assert "injected for the test" in failures[XINJIANG_2020]
    assert KEZHOU.name in failures[XINJIANG_2020] and CHANGJI.name in failures[XINJIANG_2020]
