"""Documents per second for each format the readers handle, read → recognise → facts.

    make bench        (or: .venv/bin/python benchmarks/formats.py)

Each format's fixtures (both seeds, tests/fixtures/formats) are extracted repeatedly for at
least two seconds on one core; the figure is documents per second, with the mean time per
document. Results are printed as a Markdown table and written to benchmarks/results/formats.md.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.extract import extract_document  # noqa: E402
from pipelines.readers.legacy_word import libreoffice  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "formats"
FORMATS = ("gbk.txt", "html", "docx", "xlsx", "xls", "pdf", "doc")
MIN_SECONDS = 2.0


def measure(suffix: str) -> tuple[int, float]:
    files = [
        (path.name, path.read_bytes())
        for path in sorted(FIXTURES.glob(f"*.{suffix}"))
        if not path.name.startswith(("encrypted", "scanned"))
    ]
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < MIN_SECONDS:
        for name, data in files:
            result = extract_document(data, name)
            assert result.status == "loaded", (name, result.reason)
            count += 1
    return count, time.perf_counter() - started


def main() -> None:
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; one process, one core.",
        "",
        "| format | documents/s | ms per document |",
        "|---|---:|---:|",
    ]
    for suffix in FORMATS:
        if suffix == "doc" and libreoffice() is None:
            lines.append("| doc | (LibreOffice not installed) | |")
            continue
        count, seconds = measure(suffix)
        lines.append(f"| {suffix} | {count / seconds:.1f} | {1000 * seconds / count:.1f} |")
    report = "\n".join(lines)
    print(report)
    out = ROOT / "benchmarks" / "results" / "formats.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
