"""End-to-end benchmark on synthetic corpora (`make bench`; sizes in BENCH_SIZES, default
"1000,10000").

For each size: the `build_warehouse` job run through Dagster (in process, checks included) with
each step's seconds, documents per second, peak memory (RSS) and warehouse size; then the same
job after adding one file (the incremental run); the cookbook's queries on the warehouse. Beside
them, measured in the same run: reading to facts on one core against the floor of only reading
and decoding the same bytes, and the Great Expectations suites against the same suites applied
as plain DuckDB SQL (`expectations.runner.judge_sql`).

Results are printed as Markdown and written to benchmarks/results/corpus.md.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dagster as dg  # noqa: E402
import duckdb  # noqa: E402

from assets.definitions import defs  # noqa: E402
from assets.resources import GongkaiPaths, build_resources  # noqa: E402
from pipelines.build import DEFAULT_WORKERS  # noqa: E402
from pipelines.cookbook import recipes  # noqa: E402
from pipelines.extract import extract_document  # noqa: E402
from pipelines.quality import QualityInput, comparisons  # noqa: E402
from pipelines.readers.text_export import decode_text  # noqa: E402
from pipelines.staging import Staging  # noqa: E402
from pipelines.synth import generate  # noqa: E402

STEPS = {  # the job's steps, and the pipeline stage each is
    "raw_file_inventory": "inventory",
    "parsed_documents.stage_documents": "extract (read, recognise, normalise)",
    "budget_facts": "combine",
    "data_quality": "check (comparisons and Great Expectations)",
    "warehouse": "load",
}
SAMPLE = 200  # documents timed on one core for the reading rate and its floor


def peak_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run_job(paths: GongkaiPaths) -> tuple[float, dict[str, float]]:
    """The whole job through Dagster, in process: wall seconds, and seconds per step."""
    job = defs.resolve_job_def("build_warehouse")
    instance = dg.DagsterInstance.ephemeral()
    started = time.perf_counter()
    result = job.execute_in_process(
        run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        resources=build_resources(paths),
        instance=instance,
    )
    wall = time.perf_counter() - started
    assert result.success
    begun: dict[str, float] = {}
    steps: dict[str, float] = {}
    for entry in instance.all_logs(result.run_id):
        event = entry.dagster_event
        if event and event.event_type == dg.DagsterEventType.STEP_START:
            begun[event.step_key] = entry.timestamp
        elif event and event.event_type == dg.DagsterEventType.STEP_SUCCESS:
            steps[event.step_key] = entry.timestamp - begun[event.step_key]
    return wall, steps


def step_lines(size: int, wall: float, steps: dict[str, float]) -> list[str]:
    lines = ["| step | seconds | documents/s |", "|---|---:|---:|"]
    for key, name in STEPS.items():
        seconds = steps.get(key, 0.0)
        rate = f"{size / seconds:,.0f}" if seconds > 0.05 else "—"
        lines.append(f"| {name} | {seconds:.1f} | {rate} |")
    lines.append(f"| **end to end (Dagster job)** | **{wall:.1f}** | **{size / wall:,.0f}** |")
    return lines


FRESH_RUN = """
import sys, time
started = time.perf_counter()
import dagster as dg
from assets.definitions import defs
from assets.resources import GongkaiPaths, build_resources
imported = time.perf_counter()
paths = GongkaiPaths(raw_dir=sys.argv[1], warehouse=sys.argv[2], sources=sys.argv[3])
result = defs.resolve_job_def("build_warehouse").execute_in_process(
    run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
    resources=build_resources(paths), instance=dg.DagsterInstance.ephemeral())
assert result.success
print(imported - started, time.perf_counter() - imported)
"""


def fresh_process_run(paths: GongkaiPaths, raw: Path) -> list[str]:
    """An incremental run as a scheduled run makes it: a new process, one new file."""
    (raw / "two-more.txt").write_text(
        (raw / "synth-00001.txt").read_text(encoding="utf-8").replace("第00001局", "第又增局"),
        encoding="utf-8",
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", FRESH_RUN, paths.raw_dir, paths.warehouse, paths.sources],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    imports, job = (float(value) for value in done.stdout.split()[-2:])
    return [
        f"The same in a new process (another file added): {wall:.1f} s in all — "
        f"{wall - job:.1f} s start-up (Python, and {imports:.1f} s importing Dagster and the "
        f"project), {job:.1f} s the run itself (importing Great Expectations within it).",
        "",
    ]


def reading_rate(raw: Path) -> list[str]:
    """Reading to facts on one core against reading and decoding the same bytes alone."""
    files = sorted(raw.glob("*.txt"))[:SAMPLE]
    started = time.perf_counter()
    for path in files:
        decode_text(path.read_bytes())
    floor = time.perf_counter() - started
    started = time.perf_counter()
    for path in files:
        extract_document(path.read_bytes(), path.name)
    parse = time.perf_counter() - started
    return [
        f"Reading to facts on one core ({len(files)} documents): "
        f"{len(files) / parse:,.0f} documents/s; reading and decoding the same bytes alone: "
        f"{len(files) / floor:,.0f} documents/s — parsing costs {parse / floor:,.0f}× the floor.",
        "",
    ]


def import_seconds(module: str) -> float:
    """Seconds a new process spends importing a module, beyond starting Python."""
    timed = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", timed], capture_output=True, text=True, check=True)
    return float(done.stdout.split()[-1])


def judging(staging: Staging) -> list[str]:
    """The suites by Great Expectations against the same suites as plain DuckDB SQL, on the
    run's comparison rows."""
    from expectations.runner import judge, judge_sql

    compared = comparisons(QualityInput.from_staging(staging))
    rows = sum(frame.height for frame in compared.values())
    started = time.perf_counter()
    by_sql = judge_sql(compared)
    sql = time.perf_counter() - started
    imported = import_seconds("great_expectations")
    started = time.perf_counter()
    by_ge = judge(compared)
    ge = time.perf_counter() - started
    same = by_sql["passed"].to_list() == by_ge["passed"].to_list()
    return [
        f"Judging {rows:,} comparison rows: Great Expectations {ge:.2f} s (plus {imported:.1f} s "
        f"to import it in a new process), the same suites as DuckDB SQL {sql:.2f} s — GE "
        f"takes {ge / sql:.1f}× the SQL ({(ge + imported) / sql:.0f}× with its import); "
        f"verdicts {'identical' if same else 'DIFFERENT'}.",
        "",
    ]


def run(size: int, work: Path) -> list[str]:
    raw = work / "raw"
    generate(size, raw, error_rate=0.3, seed=1)
    paths = GongkaiPaths(
        raw_dir=str(raw),
        warehouse=str(work / "warehouse" / "gongkai.duckdb"),
        sources=str(work / "no-sources.yaml"),  # none: nothing to download
    )
    wall, steps = run_job(paths)
    warehouse = paths.warehouse_path
    lines = [f"### {size:,} documents", "", *step_lines(size, wall, steps), ""]
    lines += [
        f"Peak RSS {peak_rss_mib():,.0f} MiB (the largest process); warehouse "
        f"{warehouse.stat().st_size / 2**20:,.1f} MiB.",
        "",
    ]
    (raw / "one-more.txt").write_text(
        (raw / "synth-00000.txt").read_text(encoding="utf-8").replace("第00000局", "第新增局"),
        encoding="utf-8",
    )
    again, again_steps = run_job(paths)
    slowest = sorted(again_steps.items(), key=lambda item: -item[1])[:3]
    lines += [
        f"Incremental run after adding 1 file: {again:.1f} s through Dagster (slowest steps: "
        + ", ".join(f"{STEPS.get(key, key)} {seconds:.1f} s" for key, seconds in slowest)
        + ").",
        "",
    ]
    lines += fresh_process_run(paths, raw)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        latencies = []
        for recipe in recipes(ROOT / "docs" / "queries.md"):
            started = time.perf_counter()
            connection.execute(recipe.sql).fetchall()
            latencies.append((time.perf_counter() - started) * 1000)
    lines += [
        f"Cookbook queries ({len(latencies)}): median "
        f"{sorted(latencies)[len(latencies) // 2]:.0f} ms, slowest {max(latencies):.0f} ms.",
        "",
    ]
    lines += reading_rate(raw)
    lines += judging(paths.staging)
    return lines


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {DEFAULT_WORKERS} extraction and check processes.",
        "",
    ]
    for size in sizes:
        with tempfile.TemporaryDirectory() as work:
            lines += run(size, Path(work))
    report = "\n".join(lines)
    print(report)
    out = ROOT / "benchmarks" / "results" / "corpus.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
