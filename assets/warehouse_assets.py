"""Assets from raw files to the warehouse: a thin layer over `pipelines.build`.

Results pass between assets as staged Parquet files (paths from the `GongkaiPaths` resource),
not through Dagster's IO manager, so the load step is the warehouse's single writer.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import TextIO

import dagster as dg
import polars as pl

from assets.distributed import Execution, shard_of, unread_files
from assets.resources import BuildLockHeld, GongkaiPaths
from pipelines.build import (
    DEFAULT_WORKERS,
    ExtractionCache,
    NotAWarehouse,
    WouldEmptyWarehouse,
    check_quality,
    combine_facts,
    extract_documents,
    extract_files,
    inventory_raw_files,
    refuse_emptying,
    terminal_progress,
)
from pipelines.download import fetch_all, load_sources
from pipelines.quality.report import failures_with_provenance, findings_by_document
from pipelines.warehouse.load import load_warehouse

GROUP = "disclosures"
# where the files' progress is drawn (see `report_progress_to`)
_progress_terminal: list[TextIO] = []


def report_progress_to(terminal: TextIO | None) -> None:
    """Draw the progress of the files read on `terminal` (None: nowhere): the terminal
    `make run` was started from, taken before the run, since Dagster's compute logs capture
    a step's own standard output and error."""
    _progress_terminal[:] = [terminal] if terminal is not None else []


def markdown_table(frame: pl.DataFrame, limit: int = 20) -> dg.MetadataValue:
    """A small Markdown table of a frame, for people reading the run in the UI."""
    shown = frame.head(limit)
    header = "| " + " | ".join(shown.columns) + " |"
    rule = "|" + "---|" * len(shown.columns)
    lines = [
        "| " + " | ".join("" if v is None else str(v).replace("|", "/") for v in row) + " |"
        for row in shown.iter_rows()
    ]
    more = [f"\n_{frame.height - limit} more rows_"] if frame.height > limit else []
    return dg.MetadataValue.md("\n".join([header, rule, *lines, *more]))


@dg.asset(
    group_name=GROUP,
    description="Disclosures listed in the sources manifest (data/sources.yaml), fetched into "
    "data/raw/downloads/: new or changed files only, with retries, a size limit and "
    "content-type checks. A source that fails is reported here and does not stop the run.",
)
def downloaded_files(paths: GongkaiPaths, build_lock: BuildLockHeld) -> dg.MaterializeResult:
    sources = load_sources(paths.sources_path)
    held = {sha: path for path, sha, _ in inventory_raw_files(paths.raw_path).iter_rows()}
    results = pl.DataFrame(
        [vars(result) for result in fetch_all(sources, paths.raw_path, held)],
        schema={
            "url": pl.String,
            "status": pl.String,
            "path": pl.String,
            "sha256": pl.String,
            "size_bytes": pl.Int64,
            "attempts": pl.Int32,
            "reason": pl.String,
        },
    )
    counts = {
        status: results.filter(pl.col("status") == status).height
        for status in ("fetched", "unchanged", "duplicate", "failed")
    }
    return dg.MaterializeResult(
        metadata={"sources": len(sources), **counts, "results": markdown_table(results)}
    )


@dg.asset(
    group_name=GROUP,
    deps=[downloaded_files],
    description="Every file under the raw folder, with its SHA-256 and size.",
)
def raw_file_inventory(paths: GongkaiPaths, build_lock: BuildLockHeld) -> dg.MaterializeResult:
    inventory = inventory_raw_files(paths.raw_path)
    try:
        refuse_emptying(inventory, paths.raw_path, paths.warehouse_path, paths.allow_shrink)
    except (NotAWarehouse, WouldEmptyWarehouse) as error:
        raise dg.Failure(str(error)) from None
    paths.staging.root.mkdir(parents=True, exist_ok=True)
    inventory.write_parquet(paths.staging.inventory)
    return dg.MaterializeResult(
        metadata={
            "raw_files": inventory.height,
            "bytes": int(inventory["size_bytes"].sum() or 0),
            "files": markdown_table(inventory.with_columns(pl.col("sha256").str.slice(0, 16))),
        }
    )


def _read_shard(index: int, execution: Execution) -> dg.OpDefinition:
    @dg.op(
        name=f"read_shard_{index}",
        ins={"inventory": dg.In(dg.Nothing)},
        out=dg.Out(dg.Nothing),
        description=f"Reads the new files of shard {index} of {execution.shards} (by content "
        "hash) into the extraction cache, so the staging step finds them read.",
    )
    def read_shard(context, paths: GongkaiPaths, build_lock: BuildLockHeld) -> None:
        inventory = pl.read_parquet(paths.staging.inventory)
        cache = ExtractionCache(paths.staging.root)
        files = [
            (row, source_file, sha256, size_bytes)
            for row, source_file, sha256, size_bytes in unread_files(inventory, cache)
            if shard_of(sha256, execution.shards) == index
        ]
        results = extract_files(paths.raw_path, files, execution.processes, cache, None).values()
        context.add_output_metadata(
            {
                "files_read": len(files),
                "loaded": sum(result.status == "loaded" for result in results),
                "host": socket.gethostname(),
                "pid": os.getpid(),
            }
        )

    return read_shard


def _stage_documents(execution: Execution) -> dg.OpDefinition:
    @dg.op(
        ins={"inventory": dg.In(dg.Nothing), "shards_read": dg.In(dg.Nothing)},
        out=dg.Out(dg.Nothing),
        description="Every raw file's document, from the cache or read now; duplicates, joined "
        "text parts and superseded versions marked; staged as Parquet.",
    )
    def stage_documents(context, paths: GongkaiPaths, build_lock: BuildLockHeld) -> None:
        inventory = pl.read_parquet(paths.staging.inventory)
        manifest = extract_documents(
            paths.raw_path,
            inventory,
            paths.staging,
            progress=terminal_progress(next(iter(_progress_terminal), sys.stdout)),
            workers=execution.processes,
        )
        quarantined = manifest.filter(pl.col("status") == "quarantined")
        context.add_output_metadata(
            {
                "documents_loaded": manifest.filter(pl.col("status") == "loaded").height,
                "files_quarantined": quarantined.height,
                "not_disclosures": manifest.filter(pl.col("status") == "not_disclosure").height,
                "duplicates": manifest.filter(pl.col("status") == "duplicate").height,
                "tables_found": int(manifest["tables_found"].sum() or 0),
                "documents": markdown_table(
                    manifest.select(
                        "source_file",
                        "status",
                        "department",
                        "fiscal_year",
                        "kind",
                        "unit",
                        "tables_found",
                        "fact_count",
                        "warning_count",
                        "reason",
                    )
                ),
            }
        )

    return stage_documents


def parsed_documents_asset(execution: Execution) -> dg.AssetsDefinition:
    """`parsed_documents` for one way of executing: the shard steps (none by default), then the
    step that stages every document, which alone sees all files at once."""
    shards = [_read_shard(index, execution) for index in range(execution.shards)]
    stage = _stage_documents(execution)

    @dg.graph_asset(
        name="parsed_documents",
        group_name=GROUP,
        ins={"raw_file_inventory": dg.AssetIn(dagster_type=dg.Nothing)},
        description="Each raw file read, its tables recognised and turned into facts — or "
        "quarantined with the reason. Staged as Parquet.",
    )
    def parsed_documents(raw_file_inventory):
        read = [read_shard(inventory=raw_file_inventory) for read_shard in shards]
        return stage(inventory=raw_file_inventory, shards_read=read)

    return parsed_documents


parsed_documents = parsed_documents_asset(Execution())


@dg.asset(
    group_name=GROUP,
    deps=[parsed_documents],
    description="Long-format facts of every document: one row per published number, in 万元, "
    "with codes, canonical measure and provenance.",
)
def budget_facts(paths: GongkaiPaths, build_lock: BuildLockHeld) -> dg.MaterializeResult:
    facts = combine_facts(paths.staging)
    by_table = facts.group_by("table_no", "table_name").len("facts").sort("table_no")
    return dg.MaterializeResult(
        metadata={
            "facts": facts.height,
            "documents": facts["document_id"].n_unique(),
            "facts_by_table": markdown_table(by_table),
            "preview": markdown_table(
                facts.select(
                    "document_id",
                    "table_no",
                    "section",
                    "row_label",
                    "function_code",
                    "economic_code",
                    "measure",
                    "amount",
                    "source_line",
                )
            ),
        }
    )


@dg.asset(
    group_name=GROUP,
    deps=[budget_facts],
    description="Every data-quality rule (sums, balance, cross-table agreement, code validity, "
    "completeness, plausibility) checked on every document by the Great Expectations suites in "
    "expectations/suites; one row per check per subject, passing ones included.",
)
def data_quality(paths: GongkaiPaths, build_lock: BuildLockHeld) -> dg.MaterializeResult:
    results = check_quality(paths.staging, DEFAULT_WORKERS)
    by_family = (
        results.group_by("rule_family")
        .agg(
            pl.len().alias("evaluated"),
            (pl.col("passed") == False).sum().alias("failed"),  # noqa: E712
            pl.col("passed").is_null().sum().alias("undecided"),
        )
        .sort("rule_family")
        .collect()
    )
    documents = pl.read_parquet(paths.staging.documents)
    failed = failures_with_provenance(results, documents)
    by_document = findings_by_document(results, documents)
    every_document = paths.staging.root / "findings_by_document.csv"
    by_document.write_csv(every_document)  # the UI shows the first 200; every one is here
    return dg.MaterializeResult(
        metadata={
            "evaluated": int(by_family["evaluated"].sum()),
            "failed": failed.height,
            "errors": failed.filter(pl.col("finding_class") == "error").height,
            "by_family": markdown_table(by_family),
            "by_document": markdown_table(by_document, limit=200),
            "by_document_file": dg.MetadataValue.path(str(every_document)),
            "failures": markdown_table(failed, limit=50),
        }
    )


@dg.asset(
    group_name=GROUP,
    deps=[budget_facts, data_quality],
    description="The DuckDB star schema (see pipelines/warehouse/schema.sql), built into a new "
    "file and swapped in atomically.",
)
def warehouse(paths: GongkaiPaths, build_lock: BuildLockHeld) -> dg.MaterializeResult:
    summary = load_warehouse(paths.staging, paths.warehouse_path)
    return dg.MaterializeResult(
        metadata={
            "summary": str(summary),
            "path": dg.MetadataValue.path(str(summary.path)),
            "documents": summary.documents,
            "tables_found": summary.tables_found,
            "facts": summary.facts,
            "files_quarantined": summary.quarantined,
            "not_disclosures": summary.not_disclosures,
            "checks": summary.checks,
            "findings": summary.findings,
            "error_findings": summary.error_findings,
        }
    )
