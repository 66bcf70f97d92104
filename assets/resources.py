"""Configuration of the Dagster layer, in one place: where raw files and the warehouse live."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.settings import DEFAULT_RAW_DIR, DEFAULT_SOURCES, DEFAULT_WAREHOUSE
from pipelines.staging import Staging


class GongkaiPaths(dg.ConfigurableResource):
    """The raw folder read and the warehouse file written; staging sits beside the warehouse."""

    raw_dir: str = str(DEFAULT_RAW_DIR)
    warehouse: str = str(DEFAULT_WAREHOUSE)
    sources: str = str(DEFAULT_SOURCES)

    @property
    def sources_path(self) -> Path:
        return Path(self.sources)

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)

    @property
    def staging(self) -> Staging:
        return Staging(self.warehouse_path.parent / "staging")
