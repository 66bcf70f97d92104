"""Bounded work on very large documents: `gongkai check` on a spreadsheet of 100,000 rows and a
PDF of 1,000 pages, both made here (nothing big is kept in the repository).

    make bench        (or: .venv/bin/python benchmarks/large.py [ROWS ...])

- the spreadsheet is the 昌吉 sample's workbook (tests/fixtures/formats/changji.xlsx) with its
  表三 部门支出总体情况表 grown to ROWS coded rows — each 类, its 款 and five 项 under each, every
  level the sum of the next — so every sum still holds;
- the PDF is the 33 pages of 上海市普陀区万里街道's 2024 budget (data/raw/corpus) printed over
  and over until it has 1,000 pages.

Each is checked in a new process as a clerk runs it (wall time, start to verdict); the
spreadsheet also at 2,500, 10,000 and 25,000 rows, to show the time growing with the rows.
Written to benchmarks/results/large.md.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "tests" / "fixtures" / "formats" / "changji.xlsx"
PAGES_FROM = ROOT / "data" / "raw" / "corpus" / "2024_yusuan_shanghai-putuo_wanli-jiedao.pdf"
ROWS = (2_500, 10_000, 25_000, 100_000)
PAGES = 1_000
TARGETS = {"spreadsheet": 10.0, "pdf": 15.0}  # seconds, for 100,000 rows and 1,000 pages


def large_spreadsheet(rows: int) -> bytes:
    """The 昌吉 workbook with a 表三 of `rows` coded rows that add up at every level."""
    from openpyxl import load_workbook

    workbook = load_workbook(WORKBOOK)
    sheet = workbook["表3"]
    header_end = 6  # title, unit line, two header rows and 类/款/项
    sheet.delete_rows(header_end + 1, sheet.max_row)
    printed, total, number, lei = [], 0, 0, 200
    while number < rows:
        lei += 1
        block, lei_sum = [], 0
        for kuan in range(1, 20):
            items = [(f"{xiang:02d}", (number + xiang) % 89 + 1) for xiang in range(1, 6)]
            number += len(items)
            kuan_sum = sum(amount for _, amount in items)
            block.append([str(lei), f"{kuan:02d}", "", f"款{lei}{kuan:02d}", kuan_sum, kuan_sum])
            block += [
                [str(lei), f"{kuan:02d}", xiang, f"项{lei}{kuan:02d}{xiang}", amount, amount]
                for xiang, amount in items
            ]
            lei_sum += kuan_sum
        printed += [[str(lei), "", "", f"类{lei}", lei_sum, lei_sum], *block]
        total += lei_sum
    for row in printed:
        sheet.append([*row, None])
    sheet.append(["", "", "", "合计", total, total, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def long_pdf(pages: int) -> bytes:
    """A real disclosure's pages printed over and over until there are `pages` of them."""
    import pypdfium2

    source = pypdfium2.PdfDocument(PAGES_FROM)
    document = pypdfium2.PdfDocument.new()
    while len(document) < pages:
        document.import_pages(source, pages=list(range(min(len(source), pages - len(document)))))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def check_seconds(path: Path) -> float:
    """`gongkai check` of one file in a new process, wall time; it must give its verdict."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "check", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    assert done.returncode in (0, 1), done.stderr
    return seconds


def main() -> None:
    rows = tuple(int(arg) for arg in sys.argv[1:]) or ROWS
    lines = [
        "`gongkai check` on very large documents made for the measure (a new process each, wall "
        "time from start to verdict):",
        "",
        "| document | size | seconds | target |",
        "|---|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        for count in rows:
            path = Path(folder) / f"rows-{count}.xlsx"
            path.write_bytes(large_spreadsheet(count))
            target = f"{TARGETS['spreadsheet']:g} s" if count == 100_000 else ""
            seconds = check_seconds(path)
            lines.append(
                f"| .xlsx, 表三 of {count:,} rows | {path.stat().st_size / 2**20:.1f} MiB | "
                f"{seconds:.1f} | {target} |"
            )
            print(lines[-1], flush=True)
        path = Path(folder) / "pages.pdf"
        path.write_bytes(long_pdf(PAGES))
        seconds = check_seconds(path)
        lines.append(
            f"| PDF of {PAGES:,} pages | {path.stat().st_size / 2**20:.1f} MiB | {seconds:.1f} | "
            f"{TARGETS['pdf']:g} s |"
        )
        print(lines[-1], flush=True)
    out = ROOT / "benchmarks" / "results" / "large.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
