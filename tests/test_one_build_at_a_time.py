"""A build never destroys a warehouse by accident: one build at a time writes a warehouse
(whoever starts it), builds of different warehouses never touch each other's files, and a raw
folder that would all but empty a warehouse of documents is refused unless asked for."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.automation import WRITES_TAG, build_warehouse_job
from assets.definitions import defs
from assets.resources import GongkaiPaths, build_resources
from assets.warehouse_assets import report_progress_to
from pipelines.build import build
from pipelines.cli import main
from pipelines.staging import Staging
from pipelines.warehouse.lock import build_lock

from .conftest import CHANGJI, KEZHOU

ROOT = Path(__file__).resolve().parent.parent


def raw_folder(path: Path, *documents: Path) -> Path:
    path.mkdir(parents=True)
    for document in documents:
        shutil.copy(document, path / document.name)
    return path


def documents(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return [
            name
            for (name,) in connection.execute(
                "SELECT department FROM v_documents WHERE status = 'loaded' ORDER BY 1"
            ).fetchall()
        ]


def until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.05)


def test_a_second_build_of_the_same_warehouse_waits_until_the_first_is_done(tmp_path) -> None:
    raw = raw_folder(tmp_path / "raw", KEZHOU)
    warehouse = tmp_path / "gongkai.duckdb"
    heard: list[str] = []
    finished = []
    with build_lock(warehouse):
        second = threading.Thread(
            target=lambda: finished.append(build(raw, warehouse, workers=1, waiting=heard.append))
        )
        second.start()
        until(lambda: heard)
        time.sleep(0.5)
        assert not Staging.of(warehouse).root.exists() and not warehouse.exists()
    second.join(timeout=120)
    assert "is building" in heard[0] and heard[0].endswith("waiting for it to finish")
    assert finished and documents(warehouse) == ["克州政府办公室"]


def test_a_build_told_not_to_wait_exits_3_naming_the_build_in_progress(tmp_path, capsys) -> None:
    raw = raw_folder(tmp_path / "raw", KEZHOU)
    warehouse = tmp_path / "gongkai.duckdb"
    with build_lock(warehouse):
        status = main(["build", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--no-wait"])
    assert status == 3
    err = capsys.readouterr().err
    assert err.startswith("gongkai build: pid ") and f"is building {warehouse}" in err
    assert not warehouse.exists()


def test_builds_of_two_warehouses_in_one_folder_keep_their_own_staging(tmp_path) -> None:
    kezhou = raw_folder(tmp_path / "kezhou", KEZHOU)
    changji = raw_folder(tmp_path / "changji", CHANGJI)
    first, second = tmp_path / "out" / "a.duckdb", tmp_path / "out" / "b.duckdb"
    build(kezhou, first)
    with build_lock(first):  # a build of a.duckdb in progress does not hold up b.duckdb
        build(changji, second, wait=False)
    assert Staging.of(first).root != Staging.of(second).root
    assert Staging.of(first).root.is_dir() and Staging.of(second).root.is_dir()
    assert documents(first) == ["克州政府办公室"]
    assert documents(second) == ["昌吉回族自治州人民政府办公室"]
    build(kezhou, first)  # its staging was not disturbed: the rebuild finds it as it left it
    assert documents(first) == ["克州政府办公室"]


def test_an_empty_raw_folder_never_replaces_a_warehouse_of_documents(tmp_path, capsys) -> None:
    warehouse = tmp_path / "gongkai.duckdb"
    build(raw_folder(tmp_path / "raw", KEZHOU, CHANGJI), warehouse)
    before = warehouse.read_bytes()
    empty = raw_folder(tmp_path / "empty")
    assert main(["build", "--raw-dir", str(empty), "--warehouse", str(warehouse)]) == 2
    err = capsys.readouterr().err
    assert f"{empty} holds 0 files and {warehouse} 2 loaded documents" in err
    assert "nothing was built and the warehouse is untouched" in err
    assert warehouse.read_bytes() == before


def test_an_empty_raw_folder_replaces_the_warehouse_when_asked_to(tmp_path) -> None:
    warehouse = tmp_path / "gongkai.duckdb"
    build(raw_folder(tmp_path / "raw", KEZHOU, CHANGJI), warehouse)
    empty = raw_folder(tmp_path / "empty")
    args = ["build", "--raw-dir", str(empty), "--warehouse", str(warehouse), "--allow-shrink"]
    assert main(args) == 0
    assert documents(warehouse) == []


def _other_database(path: Path) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE mine AS SELECT 42 AS answer")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_other_database, "is a DuckDB database but not a gongkai warehouse"),
        (lambda path: path.write_text("notes"), "cannot be opened as a gongkai warehouse"),
        (lambda path: path.mkdir(), "is not a file but a folder"),
    ],
    ids=["other-database", "other-file", "folder"],
)
def test_a_build_never_replaces_what_is_not_a_gongkai_warehouse(
    tmp_path, capsys, make, reason
) -> None:
    target = tmp_path / "analysis.duckdb"
    make(target)
    before = target.read_bytes() if target.is_file() else None
    raw = raw_folder(tmp_path / "raw", CHANGJI)
    args = ["build", "--raw-dir", str(raw), "--warehouse", str(target), "--allow-shrink"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{target} {reason}" in err and f"nothing was built and {target} is untouched" in err
    assert not Staging.of(target).root.exists()
    if reason.startswith("is a DuckDB"):
        with duckdb.connect(str(target), read_only=True) as connection:
            assert connection.execute("SELECT answer FROM mine").fetchall() == [(42,)]
    assert (target.read_bytes() if target.is_file() else None) == before


def test_a_raw_folder_with_a_folder_that_cannot_be_read_builds_nothing(
    tmp_path, capsys, monkeypatch
) -> None:
    """As root every folder is readable, so the refusal of the operating system is simulated."""
    warehouse = tmp_path / "gongkai.duckdb"
    raw = raw_folder(tmp_path / "raw", CHANGJI)
    (raw / "2021").mkdir()
    shutil.copy(KEZHOU, raw / "2021" / KEZHOU.name)
    scandir = os.scandir

    def refusing(path):
        if Path(path).name == "2021":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    assert main(["build", "--raw-dir", str(raw), "--warehouse", str(warehouse)]) == 2
    err = capsys.readouterr().err
    assert f"cannot read {raw / '2021'} (Permission denied): nothing was built" in err
    assert not warehouse.exists()


def test_a_dagster_run_waits_for_the_build_writing_its_warehouse(tmp_path) -> None:
    raw = raw_folder(tmp_path / "raw", CHANGJI)
    warehouse = tmp_path / "gongkai.duckdb"
    paths = GongkaiPaths(raw_dir=str(raw), warehouse=str(warehouse), sources=str(tmp_path / "s"))
    job = defs.resolve_job_def("build_warehouse")
    outcome = []
    with build_lock(warehouse):
        run = threading.Thread(
            target=lambda: outcome.append(
                job.execute_in_process(
                    resources=build_resources(paths), instance=dg.DagsterInstance.ephemeral()
                ).success
            )
        )
        run.start()
        time.sleep(3)
        assert run.is_alive() and not Staging.of(warehouse).root.exists()
    run.join(timeout=300)
    assert outcome == [True] and documents(warehouse) == ["昌吉回族自治州人民政府办公室"]


def test_the_project_instance_queues_build_runs_one_at_a_time(tmp_path) -> None:
    shutil.copy(ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    assert {"key": WRITES_TAG, "value": "warehouse", "limit": 1} in limits
    assert build_warehouse_job.tags[WRITES_TAG] == "warehouse"


def test_make_runs_progress_reaches_the_terminal_it_was_started_from(tmp_path) -> None:
    """Dagster's compute logs capture a step's standard output, so the bar is drawn on the
    terminal `make run` was started from, taken before the run."""
    shutil.copy(ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    raw = raw_folder(tmp_path / "raw", CHANGJI, KEZHOU)
    paths = GongkaiPaths(
        raw_dir=str(raw), warehouse=str(tmp_path / "gongkai.duckdb"), sources=str(tmp_path / "s")
    )
    controller, terminal = pty.openpty()
    os.set_blocking(controller, False)
    with os.fdopen(terminal, "w", encoding="utf-8") as stream:
        report_progress_to(stream)
        try:
            job = defs.resolve_job_def("build_warehouse")
            assert job.execute_in_process(resources=build_resources(paths), instance=instance)
        finally:
            report_progress_to(None)
        try:
            shown = os.read(controller, 65536).decode("utf-8")
        except BlockingIOError:  # nothing was drawn
            shown = ""
    os.close(controller)
    assert "] 2/2 " in shown and "#" * 30 in shown


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_warehouse_where_no_lock_can_be_written_is_refused_at_once(tmp_path, capsys) -> None:
    """/proc takes no new files: the lock library would take that for a lock held by another
    build and wait forever."""
    raw = raw_folder(tmp_path / "raw", CHANGJI)
    args = ["build", "--raw-dir", str(raw), "--warehouse", "/proc/gongkai.duckdb"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == (
        "gongkai build: cannot write beside /proc/gongkai.duckdb (No such file or directory): "
        "nothing was built\n"
    )


def test_a_warehouse_a_client_holds_open_for_writing_is_still_rebuilt(tmp_path) -> None:
    """An analyst's tool may open the file read-write (DBeaver does); the build's atomic swap
    leaves that client on the old file, so the nightly build goes on as before."""
    warehouse = tmp_path / "gongkai.duckdb"
    build(raw_folder(tmp_path / "raw", CHANGJI), warehouse)
    holding = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True)"
    client = subprocess.Popen(
        [sys.executable, "-c", f"{holding}; time.sleep(120)", str(warehouse)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert client.stdout.readline() == "open\n"
        shutil.copy(KEZHOU, tmp_path / "raw" / KEZHOU.name)
        args = ["build", "--raw-dir", str(tmp_path / "raw"), "--warehouse", str(warehouse)]
        assert main(args) == 0
    finally:
        client.kill()
        client.wait()
    assert documents(warehouse) == ["克州政府办公室", "昌吉回族自治州人民政府办公室"]
