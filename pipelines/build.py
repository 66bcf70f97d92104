"""The pipeline's stages as plain functions: inventory → extract → combine → load.

The Dagster assets and the `gongkai build` command both run exactly these, so a run from the
command line and a run in Dagster give the same warehouse.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.extract import (
    CODE_SCHEMA,
    FACT_SCHEMA,
    TABLE_SCHEMA,
    WARNING_SCHEMA,
    DocumentResult,
    extract_file,
)
from pipelines.quality import QualityInput, comparisons
from pipelines.staging import Staging
from pipelines.warehouse.load import WarehouseSummary, load_warehouse

INVENTORY_SCHEMA = {"source_file": pl.String, "sha256": pl.String, "size_bytes": pl.Int64}
DOCUMENT_SCHEMA = {
    "source_file": pl.String,
    "sha256": pl.String,
    "size_bytes": pl.Int64,
    "format": pl.String,
    "encoding": pl.String,
    "document_id": pl.String,
    "status": pl.String,
    "reason": pl.String,
    "template": pl.String,
    "kind": pl.String,
    "fiscal_year": pl.Int32,
    "department": pl.String,
    "region": pl.String,
    "province": pl.String,
    "unit": pl.String,
    "published_date": pl.Date,
    "tables_found": pl.Int32,
    "fact_count": pl.Int32,
    "warning_count": pl.Int32,
}


def raw_files(raw_dir: Path) -> list[Path]:
    """Every file under the raw folder, in a stable order; hidden files (.gitkeep) are skipped."""
    return sorted(
        path
        for path in raw_dir.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(raw_dir).parts)
    )


def inventory_raw_files(raw_dir: Path) -> pl.DataFrame:
    """One row per raw file: its path relative to the raw folder, content hash and size."""
    rows = []
    for path in raw_files(raw_dir):
        data = path.read_bytes()
        rows.append(
            {
                "source_file": path.relative_to(raw_dir).as_posix(),
                "sha256": hashlib.sha256(data).hexdigest(),
                "size_bytes": len(data),
            }
        )
    return pl.DataFrame(rows, schema=INVENTORY_SCHEMA)


def _document_row(result: DocumentResult) -> dict:
    metadata = result.metadata
    return {
        "source_file": result.source_file,
        "sha256": result.sha256,
        "size_bytes": result.size_bytes,
        "format": result.format,
        "encoding": result.encoding,
        "document_id": result.document_id,
        "status": result.status,
        "reason": result.reason,
        "template": result.template,
        "kind": metadata.kind if metadata else None,
        "fiscal_year": metadata.fiscal_year if metadata else None,
        "department": metadata.department if metadata else None,
        "region": metadata.region if metadata else None,
        "province": metadata.province if metadata else None,
        "unit": metadata.unit if metadata else None,
        "published_date": metadata.published_date if metadata else None,
        "tables_found": result.tables.filter(pl.col("status") != "missing").height,
        "fact_count": result.facts.height,
        "warning_count": len(result.warnings),
    }


def extract_documents(raw_dir: Path, inventory: pl.DataFrame, staging: Staging) -> pl.DataFrame:
    """Extract every inventoried file into staging; returns one row per raw file.

    A file whose bytes were already seen under another name is recorded as a duplicate of it
    and contributes no facts; a file that fails at any stage is quarantined with the reason.
    """
    if staging.document_facts.exists():
        shutil.rmtree(staging.document_facts)
    staging.document_facts.mkdir(parents=True)
    documents, tables, codes, warnings = [], [], [], []
    first_seen: dict[str, str] = {}
    for source_file, sha256, size_bytes in inventory.iter_rows():
        if sha256 in first_seen:
            duplicate = DocumentResult(
                source_file=source_file,
                sha256=sha256,
                size_bytes=size_bytes,
                format="duplicate",
                status="duplicate",
                reason=f"same content as {first_seen[sha256]}",
            )
            documents.append(_document_row(duplicate))
            continue
        first_seen[sha256] = source_file
        path = raw_dir / source_file
        try:
            result = extract_file(path, raw_dir)
        except Exception as error:  # a bug on one file must not stop the run; it is reported
            result = DocumentResult(
                source_file=source_file,
                sha256=sha256,
                size_bytes=size_bytes,
                format="unknown",
                status="quarantined",
                reason=f"extract: {type(error).__name__}: {error}",
            )
        documents.append(_document_row(result))
        if result.status == "loaded":
            result.facts.write_parquet(staging.document_facts / f"{result.document_id}.parquet")
            tables.append(result.tables)
            codes.append(result.codes)
            warnings.append(result.warnings_frame)
    manifest = pl.DataFrame(documents, schema=DOCUMENT_SCHEMA)
    manifest.write_parquet(staging.documents)
    pl.concat([pl.DataFrame(schema=TABLE_SCHEMA), *tables]).write_parquet(staging.tables)
    pl.concat([pl.DataFrame(schema=CODE_SCHEMA), *codes]).write_parquet(staging.codes)
    pl.concat([pl.DataFrame(schema=WARNING_SCHEMA), *warnings]).write_parquet(staging.warnings)
    return manifest


def combine_facts(staging: Staging) -> pl.DataFrame:
    """All staged document facts as one Parquet file (and frame), in a deterministic order."""
    files = sorted(staging.document_facts.glob("*.parquet"))
    frames = [pl.read_parquet(path) for path in files]
    facts = pl.concat([pl.DataFrame(schema=FACT_SCHEMA), *frames]).sort(
        "document_id", "table_no", "source_row", "source_column"
    )
    facts.write_parquet(staging.facts)
    return facts


def check_quality(staging: Staging) -> pl.DataFrame:
    """Run every rule family over the staged run and stage the verdicts."""
    from expectations.runner import judge

    results = judge(comparisons(QualityInput.from_staging(staging)))
    results.write_parquet(staging.dq_results)
    return results


@dataclass(frozen=True)
class BuildSummary:
    raw_files: int
    warehouse: WarehouseSummary

    def __str__(self) -> str:
        w = self.warehouse
        return (
            f"{self.raw_files} raw files: {w.documents} documents read, "
            f"{w.tables_found} tables found, {w.facts} facts loaded, "
            f"{w.quarantined} files quarantined; {w.checks} checks, {w.findings} findings "
            f"({w.error_findings} errors) → {w.path}"
        )


def build(raw_dir: Path, warehouse: Path, staging_root: Path | None = None) -> BuildSummary:
    """Run every stage on a raw folder into a warehouse file."""
    staging = Staging(staging_root or warehouse.parent / "staging")
    inventory = inventory_raw_files(raw_dir)
    staging.root.mkdir(parents=True, exist_ok=True)
    inventory.write_parquet(staging.inventory)
    extract_documents(raw_dir, inventory, staging)
    combine_facts(staging)
    check_quality(staging)
    return BuildSummary(inventory.height, load_warehouse(staging, warehouse))
