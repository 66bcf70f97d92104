"""Data quality by fiscal year × province: one partition per slice of the published warehouse.

`findings_by_region` reads the warehouse (never the staging of a build that may be running)
and shows, per partition, its documents with their checks and findings, its facts by table
class, its failures with file
and page, and one asset check per rule family; the UI's partition grid is how a person finds one
document's checks. A partition is materialized again only when what it holds changed (its
fingerprint): after `make run`, by `refresh_regions`; under the daemon, by `regions_sensor`,
which follows every new warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import polars as pl

from assets.checks import family_description, family_result
from assets.resources import GongkaiPaths
from assets.warehouse_assets import markdown_table, warehouse
from pipelines.quality import FAMILIES
from pipelines.quality.report import failures_with_provenance, findings_by_document
from pipelines.warehouse.regions import EMPTY, region_partitions, region_slice

FISCAL_YEARS = dg.DynamicPartitionsDefinition(name="fiscal_year")
PROVINCES = dg.DynamicPartitionsDefinition(name="province")
REGIONS = dg.MultiPartitionsDefinition({"fiscal_year": FISCAL_YEARS, "province": PROVINCES})
FINDINGS_BY_REGION = dg.AssetKey("findings_by_region")


@dg.asset(
    key=FINDINGS_BY_REGION,
    group_name="by_region",
    partitions_def=REGIONS,
    deps=[warehouse],
    check_specs=[
        dg.AssetCheckSpec(
            family.name,
            asset=FINDINGS_BY_REGION,
            partitions_def=REGIONS,
            description=family_description(family),
        )
        for family in FAMILIES
    ],
    description="The published warehouse's documents of one fiscal year and province, with "
    "their checks and findings per class, the failures with file and page, and one check per "
    "rule family: pick a year and a province to find one document's checks.",
)
def findings_by_region(
    context, paths: GongkaiPaths
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    key = context.partition_key.keys_by_dimension
    documents, results, facts = region_slice(
        paths.warehouse_path, key["fiscal_year"], key["province"]
    )
    partitions = region_partitions(paths.warehouse_path).filter(
        (pl.col("fiscal_year") == key["fiscal_year"]) & (pl.col("province") == key["province"])
    )
    failed = failures_with_provenance(results, documents)
    yield dg.MaterializeResult(
        metadata={
            "fingerprint": partitions["fingerprint"].first() if partitions.height else EMPTY,
            "documents": documents.height,
            "facts": int(documents["fact_count"].sum() or 0),
            "checks": results.height,
            "failed": failed.height,
            "errors": failed.filter(pl.col("finding_class") == "error").height,
            "facts_by_class": markdown_table(facts, limit=50),
            "by_document": markdown_table(findings_by_document(results, documents), limit=200),
            "failures": markdown_table(failed, limit=100),
        }
    )
    for family in FAMILIES:
        yield family_result(family, results, documents)


findings_by_region_job = dg.define_asset_job(
    "show_findings_by_region",
    selection=[FINDINGS_BY_REGION],
    description="One year × province of the warehouse's data quality, shown again.",
)


def _shown(instance: dg.DagsterInstance, key: dg.MultiPartitionKey) -> str | None:
    """The fingerprint the partition's last materialization shows; None where it has none."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(FINDINGS_BY_REGION, asset_partitions=[key]), limit=1
    ).records
    entry = records[0].asset_materialization.metadata.get("fingerprint") if records else None
    return entry.value if entry else None


def stale_regions(
    instance: dg.DagsterInstance, paths: GongkaiPaths
) -> dict[dg.MultiPartitionKey, str]:
    """The partitions to materialize again, each with the fingerprint it will show: slices new
    or changed in the warehouse, and slices last shown with documents the warehouse no longer
    holds. A year × province that never held a document is left unmaterialized."""
    current = {
        dg.MultiPartitionKey({"fiscal_year": year, "province": province}): fingerprint
        for year, province, _, fingerprint in region_partitions(paths.warehouse_path).iter_rows()
    }
    known = {
        dg.MultiPartitionKey({"fiscal_year": year, "province": province})
        for year in instance.get_dynamic_partitions(FISCAL_YEARS.name)
        for province in instance.get_dynamic_partitions(PROVINCES.name)
    }
    stale = {}
    for key in sorted(known | set(current)):
        shown = _shown(instance, key)
        if key in current and shown != current[key]:
            stale[key] = current[key]
        elif key not in current and shown not in (None, EMPTY):
            stale[key] = EMPTY
    return stale


def new_partitions(
    instance: dg.DagsterInstance, keys: list[dg.MultiPartitionKey]
) -> list[dg.AddDynamicPartitionsRequest]:
    """The fiscal years and provinces of these partitions that the instance does not know."""
    requests = []
    for name, dimension in (("fiscal_year", FISCAL_YEARS), ("province", PROVINCES)):
        named = {key.keys_by_dimension[name] for key in keys}
        new = sorted(named - set(instance.get_dynamic_partitions(dimension.name)))
        if new:
            requests.append(dimension.build_add_request(new))
    return requests


@dg.asset_sensor(
    asset_key=warehouse.key,
    job=findings_by_region_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After each new warehouse, materializes the year × province partitions of "
    "findings_by_region whose documents or checks changed.",
)
def regions_sensor(context: dg.SensorEvaluationContext, asset_event, paths: GongkaiPaths):
    stale = stale_regions(context.instance, paths)
    if not stale:
        return dg.SkipReason("no year × province changed")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=key) for key in stale],
        dynamic_partitions_requests=new_partitions(context.instance, list(stale)),
    )


def refresh_regions(
    instance: dg.DagsterInstance,
    job: dg.JobDefinition,
    paths: GongkaiPaths,
    failures: dict[str, str] | None = None,
) -> int:
    """Materializes the stale partitions in this process, as `make run` does after a build
    (where no daemon runs the sensor); the number of partitions materialized.

    A partition that fails does not keep the others from being shown: each failed one is put
    in `failures` (partition key: the error and the files it holds), or, without `failures`,
    all are named in one error once every other partition is shown."""
    stale = stale_regions(instance, paths)
    for request in new_partitions(instance, list(stale)):
        instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
    failed: dict[str, str] = {}
    for key in stale:
        result = job.execute_in_process(instance=instance, partition_key=key, raise_on_error=False)
        if not result.success:
            errors = [
                " ".join(
                    (
                        event.step_failure_data.error.cause or event.step_failure_data.error
                    ).message.split()
                )
                for event in result.get_step_failure_events()
            ]
            files = _partition_files(paths, key)
            failed[str(key)] = f"{'; '.join(errors)} (its files: {', '.join(files) or 'none'})"
    if failed and failures is None:
        raise RuntimeError(
            "findings_by_region failed for "
            + "; ".join(f"{key}: {reason}" for key, reason in failed.items())
            + "; the runs are in the Dagster UI"
        )
    if failures is not None:
        failures.update(failed)
    return len(stale) - len(failed)


def _partition_files(paths: GongkaiPaths, key: dg.MultiPartitionKey) -> list[str]:
    """The files of the documents a partition holds."""
    keys = key.keys_by_dimension
    documents, _, _ = region_slice(paths.warehouse_path, keys["fiscal_year"], keys["province"])
    return documents["source_file"].to_list()
