"""The Dagster definitions: assets, job, schedule, sensor and the one resource they share."""

from __future__ import annotations

import dagster as dg

from assets.automation import build_warehouse_job, daily_build, raw_files_sensor
from assets.checks import family_checks, warehouse_integrity
from assets.resources import GongkaiPaths
from assets.warehouse_assets import (
    budget_facts,
    data_quality,
    downloaded_files,
    parsed_documents,
    raw_file_inventory,
    warehouse,
)

defs = dg.Definitions(
    assets=[
        downloaded_files,
        raw_file_inventory,
        parsed_documents,
        budget_facts,
        data_quality,
        warehouse,
    ],
    asset_checks=[*family_checks, warehouse_integrity],
    jobs=[build_warehouse_job],
    schedules=[daily_build],
    sensors=[raw_files_sensor],
    resources={"paths": GongkaiPaths()},
)
