"""A build killed hard never damages the warehouse: killed during extraction or during the
load, the previous warehouse stays intact and readable, and the next run completes correctly.
These tests kill a real `gongkai build` process with SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.build import build
from pipelines.staging import Staging

from .conftest import CHANGJI, KEZHOU

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = 60


def variants(raw: Path) -> None:
    """Sixty distinct disclosures (the 克州 seed under sixty department names)."""
    text = KEZHOU.read_text(encoding="utf-8")
    for number in range(VARIANTS):
        (raw / f"kezhou-{number:03d}.txt").write_text(
            text.replace("克州政府办公室", f"克州政府办公室{number:03d}"), encoding="utf-8"
        )


def counts(warehouse: Path) -> tuple[int, int]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            "SELECT (SELECT count(*) FROM dim_document), (SELECT count(*) FROM fact_budget_line)"
        ).fetchone()


@pytest.fixture
def previous(tmp_path) -> tuple[Path, Path]:
    """A built warehouse of the two seeds, and a raw folder now holding sixty new documents."""
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(KEZHOU, first / KEZHOU.name)
    shutil.copy(CHANGJI, first / CHANGJI.name)
    warehouse = tmp_path / "warehouse" / "gongkai.duckdb"
    build(first, warehouse)
    raw = tmp_path / "raw"
    raw.mkdir()
    variants(raw)
    return warehouse, raw


def start_build(raw: Path, warehouse: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "build",
            "--raw-dir",
            str(raw),
            "--warehouse",
            str(warehouse),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its reading processes die with it, as in a killed job
    )


def kill_when(process: subprocess.Popen, condition, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, "the build finished before it could be killed"
        assert time.monotonic() < deadline, "the build never reached the point to kill it"
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_killed_during_extraction_the_previous_warehouse_survives(previous) -> None:
    warehouse, raw = previous
    before = counts(warehouse)
    inventory = Staging.of(warehouse).inventory
    inventory.unlink()
    process = start_build(raw, warehouse)
    started = {}

    def extracting() -> bool:
        if inventory.exists():
            started.setdefault("at", time.monotonic())
        return "at" in started and time.monotonic() - started["at"] > 0.3

    kill_when(process, extracting)
    assert counts(warehouse) == before == (2, 191)
    build(raw, warehouse, wait=False)  # the killed build's lock died with it
    assert counts(warehouse) == (VARIANTS, VARIANTS * 91)


def test_killed_during_the_load_the_previous_warehouse_survives(previous) -> None:
    warehouse, raw = previous
    before = counts(warehouse)
    process = start_build(raw, warehouse)
    kill_when(process, lambda: any(warehouse.parent.glob(".gongkai.duckdb.building-*")))
    assert counts(warehouse) == before == (2, 191)
    assert any(warehouse.parent.glob(".gongkai.duckdb.building-*")), "killed before the load"
    build(raw, warehouse)
    assert counts(warehouse) == (VARIANTS, VARIANTS * 91)
    assert not any(warehouse.parent.glob(".gongkai.duckdb.building-*"))


def test_a_reader_keeps_its_view_during_a_rebuild_and_sees_new_data_on_reconnect(previous):
    warehouse, raw = previous
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        build(raw, warehouse)
        assert reader.execute("SELECT count(*) FROM dim_document").fetchone() == (2,)
    finally:
        reader.close()
    assert counts(warehouse) == (VARIANTS, VARIANTS * 91)
