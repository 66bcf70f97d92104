"""Where the project keeps its data by default, relative to the working directory."""

from __future__ import annotations

from pathlib import Path

DEFAULT_RAW_DIR = Path("data/raw")
DEFAULT_WAREHOUSE = Path("data/warehouse/gongkai.duckdb")
DEFAULT_SOURCES = Path("data/sources.yaml")
MAX_FILE_BYTES = 100 * 1024 * 1024  # a disclosure is a few MB; a bigger file is refused unread
