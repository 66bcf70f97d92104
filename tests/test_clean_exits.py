"""A build ends cleanly whatever ends it: its reading processes exit when it is killed, a
full disk fails it in one line leaving the warehouse as it was and nothing half-written, and
every file under the raw folder — reached through a symbolic link too — is accounted for."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from pipelines.build import RawFolderUnreadable, build, inventory_raw_files

from .conftest import CHANGJI, CORPUS, KEZHOU

ROOT = Path(__file__).resolve().parent.parent


def gongkai_build(raw: Path, warehouse: Path, **popen) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipelines.cli", "build", "--raw-dir", str(raw)]
    return subprocess.Popen(
        [*command, "--warehouse", str(warehouse), "--workers", "2"], cwd=ROOT, **popen
    )


def test_reading_processes_exit_when_the_build_is_killed(tmp_path) -> None:
    """`kill -9` of the build alone (not its process group, as a job killed by its pid): its
    reading workers — and multiprocessing's resource tracker — exit within seconds (they read
    on, ~170 MB each, for minutes)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in sorted(CORPUS.glob("*.pdf")):
        shutil.copy(path, raw / path.name)
    process = gongkai_build(
        raw, tmp_path / "w.duckdb", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 120
    workers: list[psutil.Process] = []
    while len(workers) < 2:
        assert process.poll() is None and time.monotonic() < deadline, "no reading started"
        workers = [
            child
            for child in parent.children(recursive=True)
            if "multiprocessing" in " ".join(child.cmdline())
        ]
        time.sleep(0.1)
    time.sleep(1)  # reading
    children = parent.children(recursive=True)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    _, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, [" ".join(p.cmdline()) for p in alive]


def _file_size_limit(limit: int):
    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limited


def test_a_full_disk_fails_the_build_in_one_line_and_leaves_the_warehouse_as_it_was(
    tmp_path,
) -> None:
    """The disk fills during the load (here: a file may not grow past 2 MB, as on a full
    disk): one line, exit status 2, the warehouse byte for byte as before, no temporary file."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(CHANGJI, raw / CHANGJI.name)
    warehouse = tmp_path / "w" / "gongkai.duckdb"
    build(raw, warehouse, workers=1)
    before = warehouse.read_bytes()
    shutil.copy(KEZHOU, raw / KEZHOU.name)
    process = gongkai_build(
        raw,
        warehouse,
        preexec_fn=_file_size_limit(2_000_000),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = process.communicate(timeout=300)
    assert process.returncode == 2, err
    assert err.count("\n") == 1 and err.startswith("gongkai build: ")
    assert "File too large" in err and f"{warehouse} is untouched" in err
    assert warehouse.read_bytes() == before
    left = [
        path.relative_to(tmp_path).as_posix()
        for path in tmp_path.rglob("*")
        if ".building" in path.name or path.name.endswith(".part") or "probe" in path.name
    ]
    assert left == []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM dim_document").fetchone() == (1,)


def test_a_linked_folder_is_read_once_even_where_links_make_a_cycle(tmp_path) -> None:
    raw = tmp_path / "raw"
    (raw / "a").mkdir(parents=True)
    shutil.copy(KEZHOU, raw / "a" / KEZHOU.name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(CHANGJI, elsewhere / CHANGJI.name)
    (raw / "linked").symlink_to(elsewhere, target_is_directory=True)
    (raw / "a" / "up").symlink_to(raw, target_is_directory=True)  # a cycle
    files = inventory_raw_files(raw)["source_file"].to_list()
    assert files == [f"a/{KEZHOU.name}", f"linked/{CHANGJI.name}"]


def test_a_broken_link_is_named_and_nothing_is_built(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(KEZHOU, raw / KEZHOU.name)
    (raw / "gone.pdf").symlink_to(tmp_path / "no-such-file.pdf")
    with pytest.raises(RawFolderUnreadable, match="gone.pdf"):
        inventory_raw_files(raw)


CRASHING_READER = """
import os

import pipelines.extract as extract

_read = extract.read_document


def read_document(data, source):
    if source == "crashes.txt":  # as PDFium would on a page it cannot parse: no exception
        os._exit(139)
    return _read(data, source)


extract.read_document = read_document
"""


def test_a_file_whose_reading_process_dies_is_quarantined_and_the_others_read(tmp_path) -> None:
    """A crash in compiled code kills the process reading the file, and the process pool with
    it (BrokenProcessPool ended the build): the files it had not finished are read again, one
    process at a time, and only the one whose process dies again is quarantined."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for number in range(4):
        text = KEZHOU.read_text(encoding="utf-8").replace("克州政府办公室", f"克州第{number}局")
        (raw / f"kezhou-{number}.txt").write_text(text, encoding="utf-8")
    shutil.copy(CHANGJI, raw / "crashes.txt")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(CRASHING_READER, encoding="utf-8")
    warehouse = tmp_path / "gongkai.duckdb"
    environment = {**os.environ, "PYTHONPATH": f"{hooks}{os.pathsep}{ROOT}"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "build",
            "--raw-dir",
            str(raw),
            "--warehouse",
            str(warehouse),
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        statuses = dict(connection.execute("SELECT path, status FROM v_documents").fetchall())
        (reason,) = connection.execute(
            "SELECT reason FROM v_documents WHERE path = 'crashes.txt'"
        ).fetchone()
    assert statuses == {
        "crashes.txt": "quarantined",
        **{f"kezhou-{number}.txt": "loaded" for number in range(4)},
    }
    assert reason.startswith("read: the process reading it died")
