"""`make run`: run the build job through Dagster on the project's persistent instance, in this
process or, with `GONGKAI_EXECUTOR=dask`, on the dask cluster (see `assets.distributed`)."""

from __future__ import annotations

import os
import sys

import dagster as dg

from assets.definitions import defs, reconstructable_build
from assets.distributed import Execution, shared_run_config
from assets.regions import refresh_regions
from assets.resources import GongkaiPaths
from assets.warehouse_assets import report_progress_to


def _reason(failure: dg.DagsterEvent) -> str:
    """A failed step's error as one line, without the exception's class path."""
    error = failure.step_failure_data.error
    head, _, rest = (error.cause or error).message.strip().partition(": ")
    return rest if rest and " " not in head else f"{head}: {rest}".rstrip(": ")


def main() -> int:
    execution = Execution.from_environment()
    if sys.stdout.isatty():
        report_progress_to(os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8"))
    instance = dg.DagsterInstance.get()
    if execution.executor == "local":
        result = defs.resolve_job_def("build_warehouse").execute_in_process(
            instance=instance, raise_on_error=False
        )
    else:
        result = dg.execute_job(
            reconstructable_build(execution),
            instance=instance,
            run_config=shared_run_config(GongkaiPaths()),
        )
    if not result.success:
        for failure in result.get_step_failure_events():
            print(f"{failure.step_key} failed: {_reason(failure)}")
        print("build failed; the run is in the Dagster UI (make ui)")
        return 2
    print(result.asset_materializations_for_node("warehouse")[0].metadata["summary"].value)
    failures: dict[str, str] = {}
    shown = refresh_regions(
        instance, defs.resolve_job_def("show_findings_by_region"), GongkaiPaths(), failures
    )
    if shown:
        print(f"data quality by fiscal year × province: {shown} partitions shown again (make ui)")
    for key, reason in failures.items():
        print(f"data quality by fiscal year × province: {key} not shown: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
