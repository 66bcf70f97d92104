"""Coverage-guided fuzzing of the readers with atheris (`make fuzz`).

    .venv/bin/python fuzz/fuzz_readers.py FORMAT [atheris/libFuzzer options]

FORMAT is one of text, html, docx, xlsx, pdf; the seed corpus is that format's fixtures
(tests/fixtures/formats). The contract checked: `read_document` returns a document or raises
`UnreadableFile`, nothing else, and a refusal comes from a reader's own check (ValueError) or
from a library error the reader knows to expect on a malformed file — never from an
unexpected exception, which would be a reader bug to fix and to add as a regression test.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["pipelines"]):
    from pipelines.readers import UnreadableFile, read_document

SEEDS = {"text": "*.gbk.txt", "html": "*.html", "docx": "*.docx", "xlsx": "*.xlsx", "pdf": "*.pdf"}
# library errors that mean "this file is malformed", per reader
EXPECTED_LIBRARY_ERRORS = {
    # PDFium parses the file (pdfminer no longer does): any other exception is the reader's own
    "pdf": ("PdfiumError",),
}


def check(data: bytes) -> None:
    try:
        read_document(data, "fuzz")
    except UnreadableFile as error:
        cause = error.__cause__
        if cause is None or isinstance(cause, ValueError):
            return
        allowed = EXPECTED_LIBRARY_ERRORS.get(FORMAT, ())
        if type(cause).__name__ in allowed:
            return
        raise AssertionError(
            f"unexpected {type(cause).__name__} in the {FORMAT} reader: {cause}"
        ) from cause


if __name__ == "__main__":
    FORMAT = sys.argv[1]
    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{FORMAT}-"))
    for seed in sorted((ROOT / "tests" / "fixtures" / "formats").glob(SEEDS[FORMAT])):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    atheris.Setup([sys.argv[0], *sys.argv[2:], str(corpus)], check)
    atheris.Fuzz()
