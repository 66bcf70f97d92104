"""`make run`: run the build job through Dagster on the project's persistent instance, in this
process or, with `GONGKAI_EXECUTOR=dask`, on the dask cluster (see `assets.distributed`)."""

from __future__ import annotations

import sys

import dagster as dg

from assets.definitions import defs, reconstructable_build
from assets.distributed import Execution, shared_run_config
from assets.resources import GongkaiPaths


def main() -> int:
    execution = Execution.from_environment()
    instance = dg.DagsterInstance.get()
    if execution.executor == "local":
        result = defs.resolve_job_def("build_warehouse").execute_in_process(instance=instance)
    else:
        result = dg.execute_job(
            reconstructable_build(execution),
            instance=instance,
            run_config=shared_run_config(GongkaiPaths()),
        )
    if not result.success:
        print("build failed; see the run in the Dagster UI (make ui)", file=sys.stderr)
        return 1
    inventory = result.asset_materializations_for_node("raw_file_inventory")[0].metadata
    parsed = result.asset_materializations_for_node("parsed_documents")[0].metadata
    loaded = result.asset_materializations_for_node("warehouse")[0].metadata
    print(
        f"{inventory['raw_files'].value} raw files: "
        f"{loaded['documents'].value} documents read, {loaded['tables_found'].value} tables found, "
        f"{loaded['facts'].value} facts loaded, {loaded['files_quarantined'].value} files "
        f"quarantined, {loaded['not_disclosures'].value} not disclosures, "
        f"{parsed['duplicates'].value} duplicates; {loaded['checks'].value} checks, "
        f"{loaded['findings'].value} findings ({loaded['error_findings'].value} errors) "
        f"→ {loaded['path'].value}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
