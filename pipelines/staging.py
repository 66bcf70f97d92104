"""Staged results between extraction and the warehouse load, as Parquet files.

Extraction of many documents (spread over processes, or over a cluster's workers that fill the
extraction cache) writes here; the single warehouse writer reads it all in one step, which is
how DuckDB's one-writer rule is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
