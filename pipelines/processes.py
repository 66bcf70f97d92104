"""Worker processes that end with the build that started them.

Reading and checking run in pools of spawned processes. Were the build killed (`kill -9`, a
terminal closed), its workers would be left reading — hundreds of MB each — with nobody to
take their results: each worker watches its parent and exits as soon as it is gone.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

PARENT_WATCH_SECONDS = 0.5


def _exit_with_parent(parent: int) -> None:
    """In a worker: a thread that ends the process once its parent has died (the worker is
    then another process's child: its parent id changes)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes that exit when this process dies. Spawned, not
    forked: the parent holds polars' and DuckDB's threads, which fork would copy mid-lock."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
