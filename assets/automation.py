"""The job that builds everything, a daily schedule, and a sensor for new or changed files."""

from __future__ import annotations

import hashlib

import dagster as dg

from assets.resources import GongkaiPaths
from pipelines.build import inventory_raw_files

WRITES_TAG = "gongkai/writes"
build_warehouse_job = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.groups("disclosures"),
    description="Raw files → parsed documents → facts → warehouse.",
    # dagster.yaml lets one run with this tag execute at a time; the others wait in the queue
    tags={WRITES_TAG: "warehouse"},
)

daily_build = dg.ScheduleDefinition(
    name="daily_build",
    job=build_warehouse_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def raw_folder_fingerprint(paths: GongkaiPaths) -> str:
    """A hash of every raw file's path and content hash: changes exactly when the folder does."""
    inventory = inventory_raw_files(paths.raw_path)
    lines = "\n".join(f"{path}\t{sha}" for path, sha, _ in inventory.iter_rows())
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


@dg.sensor(
    job=build_warehouse_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts a build when a file under the raw folder is added, changed or removed.",
)
def raw_files_sensor(context: dg.SensorEvaluationContext, paths: GongkaiPaths):
    fingerprint = raw_folder_fingerprint(paths)
    if fingerprint == context.cursor:
        return dg.SkipReason("raw folder unchanged")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
