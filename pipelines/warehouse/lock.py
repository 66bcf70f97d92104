"""One build at a time per warehouse, whoever starts it (`gongkai build`, `make run`, Dagster).

Two builds of one warehouse share its staging folder: one would delete or overwrite the frames
the other is about to load. A build therefore holds an exclusive lock on `<warehouse>.lock` from
its first staged file to the swap of the new warehouse. The lock is the operating system's
(`filelock`: flock on Unix, LockFileEx on Windows), so a build that is killed releases it with
its process; the holder's pid, host and start time are written beside it for the message a
second start prints.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout


class WarehouseBusy(RuntimeError):
    """Another build holds the warehouse, and this one was told not to wait."""


class WarehouseUnwritable(OSError):
    """The lock cannot be written beside the warehouse (a read-only or special folder): told
    at once, where `filelock` would take it for a lock held by someone else and wait forever."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def _holder_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock.holder")


def holder(warehouse: Path) -> str:
    """Who holds the warehouse's build lock, as the holder wrote it ('' when unknown)."""
    try:
        return _holder_path(warehouse).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


@contextmanager
def build_lock(
    warehouse: Path, wait: bool = True, waiting: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the warehouse's build lock for the duration of the block.

    When another build holds it, `waiting` hears why and the block starts once that build ends;
    with `wait=False`, `WarehouseBusy` is raised at once instead."""
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        lock_path(warehouse).touch()
    except OSError as error:
        raise WarehouseUnwritable(
            f"cannot write beside {warehouse} ({error.strerror}): nothing was built"
        ) from None
    lock = FileLock(lock_path(warehouse))
    try:
        lock.acquire(blocking=False)
    except Timeout:
        held_by = holder(warehouse) or "a build"
        message = f"{held_by} is building {warehouse}"
        if not wait:
            raise WarehouseBusy(
                f"{message}; nothing was started (run again when it has finished)"
            ) from None
        if waiting is not None:
            waiting(f"{message}; waiting for it to finish")
        lock.acquire()
    try:
        started = datetime.now().isoformat(timespec="seconds")
        _holder_path(warehouse).write_text(
            f"pid {os.getpid()} on {socket.gethostname()} since {started}", encoding="utf-8"
        )
        yield
    finally:
        _holder_path(warehouse).unlink(missing_ok=True)
        lock.release()
