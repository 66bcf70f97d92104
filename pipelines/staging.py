"""Staged results between extraction and the warehouse load, as Parquet files.

Extraction of many documents (spread over processes, or over a cluster's workers that fill the
extraction cache) writes here; the single warehouse writer reads it all in one step, which is
how DuckDB's one-writer rule is kept.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class Staging:
    root: Path

    @classmethod
    def of(cls, warehouse: Path) -> Staging:
        """A warehouse's own staging folder, named after its file (`gongkai.duckdb.staging`):
        builds of two warehouses in one folder never touch each other's staged files."""
        return cls(warehouse.with_name(warehouse.name + ".staging"))

    @property
    def inventory(self) -> Path:
        """One row per raw file found: path, content hash, size."""
        return self.root / "inventory.parquet"

    @property
    def documents(self) -> Path:
        """One row per raw file: status, reason and metadata."""
        return self.root / "documents.parquet"

    @property
    def tables(self) -> Path:
        """Table inventory of every loaded document."""
        return self.root / "tables.parquet"

    @property
    def codes(self) -> Path:
        """Every classification code printed in a recognised table, with or without amounts."""
        return self.root / "codes.parquet"

    @property
    def projects(self) -> Path:
        """Projects of the performance-target forms (项目支出绩效目标表)."""
        return self.root / "performance_projects.parquet"

    @property
    def indicators(self) -> Path:
        """Every indicator of every performance-target form."""
        return self.root / "performance_indicators.parquet"

    @property
    def claims(self) -> Path:
        """Every figure-bearing claim of the narrative."""
        return self.root / "narrative_claims.parquet"

    @property
    def profile(self) -> Path:
        """Staffing, structure, assets, procurement and running costs stated in the prose."""
        return self.root / "profile.parquet"

    @property
    def passages(self) -> Path:
        """The outline: 目录 entries, sections, narrative subjects, self-naming, periods."""
        return self.root / "passages.parquet"

    @property
    def text_tables(self) -> Path:
        """Every cell of the tables of text (rosters, lists): no amounts, kept as text."""
        return self.root / "text_tables.parquet"

    @property
    def warnings(self) -> Path:
        return self.root / "warnings.parquet"

    @property
    def document_facts(self) -> Path:
        """The facts of every loaded document, as extraction staged them."""
        return self.root / "document_facts.parquet"

    @property
    def dq_results(self) -> Path:
        """Every data-quality comparison with its verdict."""
        return self.root / "dq_results.parquet"

    @property
    def input_keys(self) -> Path:
        """Per loaded document, the key of everything its checks read: what the warehouse load
        compares to keep a document's rows from the last build."""
        return self.root / "input_keys.parquet"

    @property
    def facts(self) -> Path:
        """All facts of the run, combined."""
        return self.root / "budget_facts.parquet"

    def quarantine(self, failures: dict[str, str]) -> None:
        """Loaded documents that failed at a stage after reading (their checks, the load)
        quarantined in the staged manifest with the reason naming that stage, and their input
        keys dropped, so that the load takes none of their rows."""
        if not failures:
            return
        reasons = pl.DataFrame(
            {"document_id": list(failures), "failure": list(failures.values())},
            schema={"document_id": pl.String, "failure": pl.String},
        )
        failed = (pl.col("status") == "loaded") & pl.col("failure").is_not_null()
        manifest = (
            pl.read_parquet(self.documents)
            .join(reasons, on="document_id", how="left", maintain_order="left")
            .with_columns(
                pl.when(failed).then(pl.lit("quarantined")).otherwise("status").alias("status"),
                pl.when(failed).then("failure").otherwise("reason").alias("reason"),
                *(
                    pl.when(failed).then(0).otherwise(name).cast(pl.Int32).alias(name)
                    for name in ("tables_found", "fact_count")
                ),
            )
            .drop("failure")
        )
        replace_file(manifest, self.documents)
        keys = pl.read_parquet(self.input_keys)
        replace_file(keys.filter(~pl.col("document_id").is_in(list(failures))), self.input_keys)

    @contextmanager
    def transient_removed_on_failure(self) -> Iterator[None]:
        """A build's work in progress — frames being gathered, check parts, a probe of the
        load, spilled sorts, half-written files — removed when the build fails (the disk
        full), so that nothing half-made is left; the staged results of the last build stay."""
        try:
            yield
        except BaseException:
            for name in TRANSIENT_FOLDERS:
                shutil.rmtree(self.root / name, ignore_errors=True)
            for pattern in TRANSIENT_FILES:
                for path in self.root.rglob(pattern):
                    path.unlink(missing_ok=True)
            raise


# what a build makes on its way and removes when it fails
TRANSIENT_FOLDERS = ("frames", "checks", "load-probe", "spill")
TRANSIENT_FILES = (".*.part", "*.building.parquet", "*.kept.parquet")


def replace_file(frame: pl.DataFrame, path: Path) -> None:
    """A staged file written whole beside the old one, then moved over it."""
    partial = path.with_name(f".{path.name}.part")
    try:
        frame.write_parquet(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
