"""End-to-end benchmark on synthetic corpora (`make bench`; sizes in BENCH_SIZES, default
"1000"): per stage — inventory, extract (read, recognise, normalise), combine, check, load —
seconds and documents per second, peak memory (RSS), warehouse size; then the time of an
incremental run after adding one file, and the latency of the cookbook's queries.

Results are printed as Markdown and written to benchmarks/results/corpus.md.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from pipelines.build import DEFAULT_WORKERS, build  # noqa: E402
from pipelines.cookbook import recipes  # noqa: E402
from pipelines.synth import generate  # noqa: E402


def peak_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


STAGES = {
    "inventory": "inventory",
    "extract": "extract (read, recognise, normalise)",
    "combine": "combine",
    "check": "check (Great Expectations)",
    "load": "load",
}


def run(size: int, work: Path) -> list[str]:
    raw, warehouse = work / "raw", work / "warehouse" / "gongkai.duckdb"
    generate(size, raw, error_rate=0.3, seed=1)
    summary = build(raw, warehouse, workers=DEFAULT_WORKERS)
    total = sum(summary.stage_seconds.values())
    lines = [f"### {size:,} documents", "", "| stage | seconds | documents/s |", "|---|---:|---:|"]
    lines += [
        f"| {STAGES[name]} | {seconds:.1f} | {size / seconds:,.0f} |"
        for name, seconds in summary.stage_seconds.items()
    ]
    lines += [
        f"| **end to end** | **{total:.1f}** | **{size / total:,.0f}** |",
        "",
        f"Peak RSS {peak_rss_mib():,.0f} MiB; warehouse "
        f"{warehouse.stat().st_size / 2**20:,.1f} MiB.",
        "",
    ]
    (raw / "one-more.txt").write_text(
        (raw / "synth-00000.txt").read_text(encoding="utf-8").replace("第00000局", "第新增局"),
        encoding="utf-8",
    )
    again = build(raw, warehouse, workers=DEFAULT_WORKERS)
    lines += [
        f"Incremental run after adding 1 file: {sum(again.stage_seconds.values()):.1f} s "
        "(only the new file is read; checks and load run over everything).",
        "",
    ]
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
    return lines


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000").split(",")]
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {DEFAULT_WORKERS} extraction processes.",
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
