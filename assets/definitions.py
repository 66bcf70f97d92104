"""The Dagster definitions: assets, job, schedule, sensor and the one resource they share.

Where the steps run comes from the environment (see `assets.distributed`); the job can also be
built for explicit settings, which is how the processes of a distributed run rebuild it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import dagster as dg

from assets.automation import build_warehouse_job, daily_build, raw_files_sensor
from assets.checks import family_checks, warehouse_integrity
from assets.distributed import Execution
from assets.regions import findings_by_region, findings_by_region_job, regions_sensor
from assets.resources import GongkaiPaths, build_resources
from assets.warehouse_assets import (
    budget_facts,
    data_quality,
    downloaded_files,
    parsed_documents_asset,
    raw_file_inventory,
    warehouse,
)

if TYPE_CHECKING:
    from dagster._core.definitions.reconstruct import ReconstructableJob


def gongkai_definitions(execution: Execution) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            downloaded_files,
            raw_file_inventory,
            parsed_documents_asset(execution),
            budget_facts,
            data_quality,
            warehouse,
            findings_by_region,
        ],
        asset_checks=[*family_checks, warehouse_integrity],
        jobs=[build_warehouse_job, findings_by_region_job],
        schedules=[daily_build],
        sensors=[raw_files_sensor, regions_sensor],
        resources=build_resources(GongkaiPaths()),
        executor=execution.executor_def(),
    )


defs = gongkai_definitions(Execution.from_environment())


def build_warehouse(executor: str, dask_address: str | None, shards: int) -> dg.JobDefinition:
    """The `build_warehouse` job for the given execution settings."""
    execution = Execution(executor, dask_address, shards)
    return gongkai_definitions(execution).resolve_job_def("build_warehouse")


def reconstructable_build(execution: Execution) -> ReconstructableJob:
    """The job as other processes rebuild it (each dask worker, for each step): the settings
    travel with it, so a worker needs no configuration of its own and sees the same steps."""
    return dg.build_reconstructable_job(
        __name__, build_warehouse.__name__, reconstructable_kwargs=asdict(execution)
    )
