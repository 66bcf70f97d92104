"""Where the build's steps run, chosen by configuration, and how new files are shared out.

By default the job runs in one process, whoever starts it (`make run`, the UI, the sensor or the
schedule), new files read by a local process pool. With `GONGKAI_EXECUTOR=dask` every step runs
on the dask.distributed cluster at `GONGKAI_DASK_ADDRESS`, and the files the extraction cache does
not hold yet are read in `GONGKAI_SHARDS` steps — shards by content hash — that run on the workers
in parallel and fill the shared cache before the one step that needs every document at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl

from assets.resources import GongkaiPaths
from pipelines.build import DEFAULT_WORKERS, ExtractionCache, is_hidden
from pipelines.settings import MAX_FILE_BYTES

EXECUTORS = ("local", "dask")
DEFAULT_DASK_SHARDS = 16  # more shards than workers, so one slow shard (PDFs) does not hold a run

# a file to read: (its row in the inventory, path under the raw folder, SHA-256, size)
PendingFile = tuple[int, str, str, int]


@dataclass(frozen=True)
class Execution:
    """How a run executes: the executor, the dask scheduler it uses, and the reading shards
    (0: no shard steps, new files are read by the step that stages the documents)."""

    executor: str = "local"
    dask_address: str | None = None
    shards: int = 0

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise ValueError(f"GONGKAI_EXECUTOR must be one of {EXECUTORS}, not {self.executor!r}")
        if self.executor == "dask" and not self.dask_address:
            raise ValueError(
                "GONGKAI_EXECUTOR=dask needs GONGKAI_DASK_ADDRESS, the scheduler's address "
                "(tcp://host:port)"
            )
        if self.shards < 0:
            raise ValueError(f"GONGKAI_SHARDS must be 0 or more, not {self.shards}")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Execution:
        """The settings from GONGKAI_EXECUTOR, GONGKAI_DASK_ADDRESS and GONGKAI_SHARDS."""
        executor = environ.get("GONGKAI_EXECUTOR", "local")
        default_shards = DEFAULT_DASK_SHARDS if executor == "dask" else 0
        return cls(
            executor=executor,
            dask_address=environ.get("GONGKAI_DASK_ADDRESS"),
            shards=int(environ.get("GONGKAI_SHARDS", default_shards)),
        )

    @property
    def processes(self) -> int:
        """Processes a reading step starts: a dask worker is already a process per core, and a
        daemon process, which may not start processes of its own."""
        return 1 if self.executor == "dask" else DEFAULT_WORKERS

    def executor_def(self) -> dg.ExecutorDefinition:
        """Locally every step runs in the run's own process, as `make run` runs them: a
        process per step would import everything again for each (minutes over a run)."""
        if self.executor == "local":
            return dg.in_process_executor
        from dagster_dask import dask_executor  # dask takes seconds to import; only runs on it

        return dask_executor.configured({"cluster": {"existing": {"address": self.dask_address}}})


def shard_of(sha256: str, shards: int) -> int:
    """A file's shard, from its content hash: the same on every machine and in every run."""
    return int(sha256[:16], 16) % shards


def unread_files(
    inventory: pl.DataFrame, cache: ExtractionCache, max_bytes: int = MAX_FILE_BYTES
) -> list[PendingFile]:
    """The files extraction will read that the cache does not hold, each content once, chosen as
    `extract_documents` chooses them: not hidden, not a copy of an earlier file, not too big."""
    seen: set[str] = set()
    pending = []
    for index, (source_file, sha256, size_bytes) in enumerate(inventory.iter_rows()):
        if is_hidden(source_file) or sha256 in seen or size_bytes > max_bytes:
            continue
        seen.add(sha256)
        # the cache's own file name for a content hash: a look, without unpickling the result
        if not (cache.folder / f"{sha256}.pickle").exists():
            pending.append((index, source_file, sha256, size_bytes))
    return pending


def shared_run_config(paths: GongkaiPaths) -> dict:
    """Run config that points every step, wherever it runs, at the same raw folder, sources
    manifest and warehouse (with its staging folder beside it): absolute paths, which must be
    on a file system every worker mounts at the same place."""
    config = {
        "raw_dir": paths.raw_dir,
        "warehouse": paths.warehouse,
        "sources": paths.sources,
    }
    absolute = {name: str(Path(value).resolve()) for name, value in config.items()}
    return {"resources": {"paths": {"config": absolute}}}
