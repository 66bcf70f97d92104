"""Configuration of the Dagster layer, in one place: where raw files and the warehouse live."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.settings import DEFAULT_RAW_DIR, DEFAULT_SOURCES, DEFAULT_WAREHOUSE
from pipelines.staging import Staging
from pipelines.warehouse import lock


class GongkaiPaths(dg.ConfigurableResource):
    """The raw folder read and the warehouse file written; its staging folder sits beside it."""

    raw_dir: str = str(DEFAULT_RAW_DIR)
    warehouse: str = str(DEFAULT_WAREHOUSE)
    sources: str = str(DEFAULT_SOURCES)
    allow_shrink: bool = False  # build even from a folder that would all but empty the warehouse

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
        return Staging.of(self.warehouse_path)


@dg.resource(
    required_resource_keys={"paths"},
    description="The warehouse's build lock, held while the run's steps execute: a run started "
    "while another build (a run, make run, gongkai build) writes the same warehouse waits.",
)
def build_lock(context: dg.InitResourceContext):
    def waiting(message: str) -> None:
        context.log.info(message)
        print(message, flush=True)  # `make run` shows its terminal standard output only

    with lock.build_lock(context.resources.paths.warehouse_path, waiting=waiting):
        yield


# the parameter by which a step holds the lock: every step that writes raw files, staging or the
# warehouse takes it
BuildLockHeld = dg.ResourceParam[None]


def build_resources(paths: GongkaiPaths) -> dict:
    """The resources a build run needs: its paths, and the lock on the warehouse they name."""
    return {"paths": paths, "build_lock": build_lock}
