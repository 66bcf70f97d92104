"""Documents per second for each format the readers handle, read → recognise → facts.

    make bench        (or: .venv/bin/python benchmarks/formats.py)

Each format's fixtures (both seeds, tests/fixtures/formats) are extracted repeatedly for at
least two seconds on one core; the figure is documents per second, with the mean time per
document. Then the real PDFs shipped in data/raw/corpus/ are read page by page: pages per
second on one core, for the PDF reader alone and for the whole extraction. Results are printed
as Markdown and written to benchmarks/results/formats.md.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.extract import extract_document  # noqa: E402
from pipelines.readers.legacy_word import libreoffice  # noqa: E402
from pipelines.readers.pdf import read_pdf  # noqa: E402
from pipelines.readers.pdfium_native import native_reader  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from pdfminer_yardstick import PdfminerReader  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "formats"
REAL_PDFS = ROOT / "data" / "raw" / "corpus"
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


# pages/s of the reader that took its objects from pdfminer (commit e7688ee), measured as this
# function measures on this machine on 2026-12-03, over the same 15 PDFs: the yardstick where
# it can't be run beside today's reader (it is taken from the repository's history)
PDFMINER_PAGES_PER_SECOND = {"reader": 13.2, "extraction": 12.7}
PASSES = 3


def real_pdf_pages() -> list[str]:
    """Pages per second on one core over the shipped real PDFs, the best of three passes: the
    reader alone, and the whole extraction; beside the pdfminer-based reader, its passes
    alternating with these."""
    import pypdfium2

    files = [(path.name, path.read_bytes()) for path in sorted(REAL_PDFS.glob("*.pdf"))]
    pages = sum(len(pypdfium2.PdfDocument(data)) for _, data in files)
    try:
        yardstick: PdfminerReader | None = PdfminerReader()
        when = "run beside it, pass for pass"
    except RuntimeError as error:
        yardstick, when = None, f"measured on 2026-12-03 ({error} to run it now)"
    lines = [
        "",
        f"Real disclosures: the {len(files)} PDFs of data/raw/corpus/ ({pages} pages), best of "
        f"{PASSES} passes.",
        "",
        "| stage | pages/s (one core) | ms per page | pdfminer objects: pages/s | speed-up |",
        "|---|---:|---:|---:|---:|",
    ]
    compiled = native_reader() is not None
    stages = [
        ("reader", "PDF reader (document model)", lambda name, data: read_pdf(data, name)),
        (
            "extraction",
            "whole extraction (read → facts)",
            lambda name, data: extract_document(data, name),
        ),
    ]
    if compiled:
        stages.append(
            (
                "reader",
                "PDF reader, characters and lines read in Python (no C compiler)",
                python_reading(read_pdf),
            )
        )
    before = dict(PDFMINER_PAGES_PER_SECOND)
    old_seconds = {stage: float("inf") for stage in before}
    try:
        for stage, label, run in stages:
            seconds = float("inf")
            for _ in range(PASSES):
                started = time.perf_counter()
                for name, data in files:
                    run(name, data)
                seconds = min(seconds, time.perf_counter() - started)
                if yardstick is not None:
                    old_seconds[stage] = min(old_seconds[stage], yardstick.seconds(stage))
            if yardstick is not None:
                before[stage] = pages / old_seconds[stage]
            lines.append(
                f"| {label} | {pages / seconds:.1f} | {1000 * seconds / pages:.1f} | "
                f"{before[stage]:.1f} | {pages / seconds / before[stage]:.1f}× |"
            )
    finally:
        if yardstick is not None:
            yardstick.close()
    lines += [
        "",
        "The pdfminer-based reader (commit e7688ee, `benchmarks/pdfminer_yardstick.py`) was "
        f"{when}.",
        "",
        "The reader takes a page's characters and ruling lines from compiled C "
        "(`pipelines/readers/pdfium_native.c`, built by `make setup`)"
        + ("." if compiled else ": not built on this machine, so every row is the Python reading."),
    ]
    return lines


def python_reading(read):
    """`read` with the compiled page reading switched off, as on a machine without a C
    compiler."""

    def run(name: str, data: bytes):
        os.environ["GONGKAI_PDF_NATIVE"] = "0"
        native_reader.cache_clear()
        try:
            return read(data, name)
        finally:
            del os.environ["GONGKAI_PDF_NATIVE"]
            native_reader.cache_clear()

    return run


# `gongkai check` on the 25-page 2024 普陀 财政局 决算 before start-up and PDF reading were made
# fast (commit e7688ee): wall seconds, measured on this machine on 2026-12-02
CHECK_BEFORE_SECONDS = 15.5
CHECKED_PDF = REAL_PDFS / "2024_juesuan_shanghai-putuo_caizhengju.pdf"


def check_seconds() -> list[str]:
    """`gongkai check` on one real 25-page PDF as a clerk runs it: a new process, wall time
    from start to verdict, the best of three."""
    seconds = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "check", str(CHECKED_PDF)],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        seconds = min(seconds, time.perf_counter() - started)
    return [
        "",
        f"`gongkai check {CHECKED_PDF.relative_to(ROOT)}` (25 pages), wall time of a new "
        f"process: **{seconds:.2f} s** (before: {CHECK_BEFORE_SECONDS} s; "
        f"{CHECK_BEFORE_SECONDS / seconds:.1f}× faster).",
    ]


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
    lines += real_pdf_pages()
    lines += check_seconds()
    report = "\n".join(lines)
    print(report)
    out = ROOT / "benchmarks" / "results" / "formats.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
