"""The build on a dask.distributed cluster: selected by configuration, new files read in shards
on the workers, and the same warehouse as a run in one process."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from distributed import Client, LocalCluster, get_task_stream

from assets.definitions import reconstructable_build
from assets.distributed import Execution, shared_run_config, unread_files
from assets.resources import GongkaiPaths
from pipelines.build import ExtractionCache, build, inventory_raw_files
from pipelines.extract import extract_file
from pipelines.synth import generate

from .conftest import CHANGJI, KEZHOU

SHARDS = 4
SHARD_STEPS = [f"parsed_documents.read_shard_{index}" for index in range(SHARDS)]


def raw_folder(folder: Path) -> Path:
    """Both seeds, six synthetic disclosures (and their hidden truth file), a copy and junk."""
    folder.mkdir()
    shutil.copy(KEZHOU, folder / KEZHOU.name)
    shutil.copy(CHANGJI, folder / CHANGJI.name)
    shutil.copy(CHANGJI, folder / "copy-of-changji.txt")
    (folder / "junk.txt").write_bytes(b"\x00" * 64)
    generate(6, folder / "synth")
    return folder


@dataclass(frozen=True)
class DaskRun:
    result: dg.JobExecutionResult
    warehouse: Path
    reference: Path  # the same raw folder built in one process
    worker_pids: set[int]
    worker_addresses: set[str]
    tasks: list[dict]  # what the scheduler ran, from its task stream


@pytest.fixture(scope="module")
def client(request) -> Client:
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        preload=["assets.definitions"],  # as `dask worker --preload` would: workers start warm
    )
    client = Client(cluster)

    def shut_down() -> None:
        client.close()
        cluster.close()

    request.addfinalizer(shut_down)
    return client


@pytest.fixture(scope="module")
def dask_run(client, tmp_path_factory) -> DaskRun:
    shared = tmp_path_factory.mktemp("shared")  # the "shared file system": one machine here
    raw = raw_folder(shared / "raw")
    paths = GongkaiPaths(
        raw_dir=str(raw),
        warehouse=str(shared / "warehouse" / "gongkai.duckdb"),
        sources=str(shared / "no-sources.yaml"),
    )
    dagster_home = shared / "dagster_home"
    dagster_home.mkdir()
    execution = Execution("dask", client.cluster.scheduler_address, SHARDS)
    with (
        dg.DagsterInstance.local_temp(str(dagster_home), {"telemetry": {"enabled": False}}) as inst,
        get_task_stream(client) as task_stream,
    ):
        result = dg.execute_job(
            reconstructable_build(execution), instance=inst, run_config=shared_run_config(paths)
        )
    reference = tmp_path_factory.mktemp("in-process") / "gongkai.duckdb"
    build(raw, reference, workers=1)
    return DaskRun(
        result=result,
        warehouse=paths.warehouse_path,
        reference=reference,
        worker_pids=set(client.run(os.getpid).values()),
        worker_addresses=set(client.scheduler_info()["workers"]),
        tasks=task_stream.data,
    )


def contents(warehouse: Path) -> dict[str, list[tuple]]:
    queries = {
        "facts": "SELECT * FROM fact_budget_line ORDER BY fact_id",
        "findings": "SELECT * FROM dq_result ORDER BY ALL",
        "raw files": "SELECT * FROM raw_file ORDER BY ALL",
        "statuses": "SELECT DISTINCT status FROM raw_file ORDER BY status",
        "documents": "SELECT * FROM dim_document ORDER BY ALL",
        "tables": "SELECT * FROM document_table ORDER BY ALL",
        "claims": "SELECT * FROM narrative_claim ORDER BY ALL",
    }
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {name: connection.execute(sql).fetchall() for name, sql in queries.items()}


def test_a_run_on_a_two_worker_dask_cluster_loads_the_same_warehouse_as_one_process(
    dask_run,
) -> None:
    assert dask_run.result.success
    on_dask, in_process = contents(dask_run.warehouse), contents(dask_run.reference)
    assert len(on_dask["facts"]) > 0 and len(on_dask["findings"]) > 0
    assert on_dask["statuses"] == [("duplicate",), ("ignored",), ("loaded",), ("quarantined",)]
    assert on_dask == in_process


def test_each_shard_step_runs_on_a_dask_worker(dask_run) -> None:
    started = {
        event.step_key: event.pid
        for event in dask_run.result.all_events
        if event.event_type_value == "STEP_START"
    }
    shard_pids = {started[step] for step in SHARD_STEPS}
    assert shard_pids <= dask_run.worker_pids
    assert os.getpid() not in shard_pids
    ran_on = {task["key"]: task["worker"] for task in dask_run.tasks}
    for step in SHARD_STEPS:
        assert ran_on[f"build_warehouse.{step}"] in dask_run.worker_addresses


def test_the_shards_read_every_new_file_once_between_them(dask_run) -> None:
    read = [
        event.step_output_data.metadata["files_read"].value
        for event in dask_run.result.all_events
        if event.step_key in SHARD_STEPS and event.is_successful_output
    ]
    assert len(read) == SHARDS
    assert sum(read) == 2 + 6 + 1  # the seeds, the synthetic ones and the junk; not the copy


def test_the_shards_are_given_only_content_not_yet_read(tmp_path) -> None:
    raw = raw_folder(tmp_path / "raw")
    inventory = inventory_raw_files(raw)
    cache = ExtractionCache(tmp_path / "staging")
    cache.put(extract_file(raw / KEZHOU.name, raw))
    unread = {source_file for _, source_file, _, _ in unread_files(inventory, cache)}
    assert unread == {CHANGJI.name, "junk.txt", *(f"synth/synth-0000{n}.txt" for n in range(6))}


def test_the_executor_is_chosen_by_the_environment() -> None:
    assert Execution.from_environment({}).executor_def().name == "in_process"
    assert Execution.from_environment({}).shards == 0
    on_dask = Execution.from_environment(
        {"GONGKAI_EXECUTOR": "dask", "GONGKAI_DASK_ADDRESS": "tcp://127.0.0.1:8786"}
    )
    assert on_dask.executor_def().name == "dask"
    assert on_dask.shards > 1 and on_dask.processes == 1
    with pytest.raises(ValueError, match="GONGKAI_DASK_ADDRESS"):
        Execution.from_environment({"GONGKAI_EXECUTOR": "dask"})
