"""The reader that took its objects from pdfminer, run pass by pass beside today's.

The reader of commit PDFMINER_COMMIT (pdfplumber over pdfminer's characters and lines) is taken
from this repository's history into a temporary folder and run in a process of its own, which
reads the shipped real PDFs once per request: `make bench` alternates its passes with today's
reader's, so the two are measured in the same minutes (this machine's speed drifts by 15% over
a day, more than a figure remembered from another hour allows).
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_PDFS = ROOT / "data" / "raw" / "corpus"
PDFMINER_COMMIT = "e7688ee"


class PdfminerReader:
    """The old reader in a process of its own: `seconds(stage)` times one pass over the PDFs
    (`reader` or `extraction`). Raises RuntimeError where the history does not hold it."""

    def __init__(self) -> None:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", PDFMINER_COMMIT, "pipelines"],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            raise RuntimeError(f"no git history holding {PDFMINER_COMMIT}")
        self._folder = tempfile.TemporaryDirectory()
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(self._folder.name, filter="data")
        self._process = subprocess.Popen(
            [sys.executable, __file__, self._folder.name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=self._folder.name,
        )

    def seconds(self, stage: str) -> float:
        self._process.stdin.write(stage + "\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline()
        if not answer:
            raise RuntimeError("the pdfminer-based reader stopped")
        return float(answer)

    def close(self) -> None:
        self._process.stdin.close()
        self._process.wait()
        self._folder.cleanup()


def serve(folder: Path) -> None:
    """Answer each stage named on stdin with the seconds of one pass of the code in `folder`,
    imported ahead of this checkout's."""
    sys.path.insert(0, str(folder))
    from pipelines.extract import extract_document
    from pipelines.readers.pdf import read_pdf

    files = [(path.name, path.read_bytes()) for path in sorted(REAL_PDFS.glob("*.pdf"))]
    runs = {
        "reader": lambda name, data: read_pdf(data, name),
        "extraction": lambda name, data: extract_document(data, name),
    }
    for stage in sys.stdin:
        run = runs[stage.strip()]
        started = time.perf_counter()
        for name, data in files:
            run(name, data)
        print(time.perf_counter() - started, flush=True)


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
