"""Shared fixtures: the two seed documents as shipped in data/raw/, and warehouses built from
shipped files."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.description import TABLES
from pipelines.extract import DocumentResult, extract_file
from pipelines.readers import read_document
from pipelines.recognise import RecognisedTable, recognise_tables

RAW_DIR = Path(__file__).resolve().parent.parent / "data" / "raw"
KEZHOU = RAW_DIR / "2020_yusuan_xinjiang-kezhou_zhengfu-bangongshi.txt"
CHANGJI = RAW_DIR / "2020_yusuan_xinjiang-changji_zhengfu-bangongshi.txt"
SEEDS = {"000": KEZHOU, "004": CHANGJI}
CORPUS = RAW_DIR / "corpus"  # the real disclosures shipped with the project


def warehouse_of(files: list[Path], tmp_path_factory) -> Path:
    """A warehouse built by `gongkai build` from a raw folder holding just these files."""
    from pipelines.build import build

    raw = tmp_path_factory.mktemp("raw")
    for path in files:
        shutil.copy(path, raw / path.name)
    warehouse = tmp_path_factory.mktemp("warehouse") / "gongkai.duckdb"
    build(raw, warehouse)
    return warehouse


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


# what tells one published number from another, apart from its amount
FACT_IDENTITY = (
    "table_no",
    "section",
    "function_code",
    "economic_code",
    "project_name",
    "row_label",
    "measure",
)


@pytest.fixture(scope="session")
def extracted() -> dict[str, DocumentResult]:
    return {seed: extract_file(path, RAW_DIR) for seed, path in SEEDS.items()}


@pytest.fixture(scope="session")
def recognised() -> dict[str, dict[int, RecognisedTable]]:
    result = {}
    for seed, path in SEEDS.items():
        document = read_document(path.read_bytes(), path.name)
        result[seed] = {t.spec.number: t for t in recognise_tables(document, TABLES) if t.spec}
    return result


@pytest.fixture(scope="session")
def seed_warehouse(tmp_path_factory) -> tuple[Path, Path]:
    """The two seeds built into a warehouse once: (raw folder, warehouse file)."""
    import shutil

    from pipelines.build import build

    raw = tmp_path_factory.mktemp("seed-raw")
    for path in SEEDS.values():
        shutil.copy(path, raw / path.name)
    warehouse = tmp_path_factory.mktemp("seed-warehouse") / "gongkai.duckdb"
    build(raw, warehouse)
    return raw, warehouse
