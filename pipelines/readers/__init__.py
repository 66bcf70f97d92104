"""Readers: one per source format, each turning raw bytes into the same `Document` model."""

from __future__ import annotations

from pipelines.document import Document
from pipelines.readers.docx import read_docx
from pipelines.readers.html import read_html
from pipelines.readers.legacy_word import read_doc
from pipelines.readers.pdf import read_pdf
from pipelines.readers.sniff import sniff_format
from pipelines.readers.spreadsheet import read_xls, read_xlsx
from pipelines.readers.text_export import read_text_export


class UnreadableFile(Exception):
    """A file no reader can turn into a document; the message says why, for the quarantine."""


READERS = {
    "text": read_text_export,
    "docx": read_docx,
    "xlsx": read_xlsx,
    "html": read_html,
    "pdf": read_pdf,
    "doc": read_doc,
    "xls": read_xls,
}


REFUSED = {
    "empty": "the file is empty",
    "binary": "binary content that is no document format a reader knows",
}


def read_document(data: bytes, source: str) -> Document:
    """Read any supported disclosure file, choosing the reader by content, not by file name.

    The only exception it raises is `UnreadableFile`: a reader's own refusal (ValueError) keeps
    its message; anything else a library throws on a malformed file is reported with its type,
    so a hostile or broken file is quarantined, never a crash.
    """
    file_format = sniff_format(data)
    reader = READERS.get(file_format)
    if reader is None:
        raise UnreadableFile(
            REFUSED.get(file_format)
            or f"unsupported format: {file_format} (readers exist for: "
            f"{', '.join(sorted(READERS))})"
        )
    try:
        return reader(data, source)
    except ValueError as error:
        raise UnreadableFile(str(error)) from error
    except Exception as error:  # a library's failure on malformed input is the file's fault
        raise UnreadableFile(
            f"the {file_format} reader could not read it: {type(error).__name__}: {error}"
        ) from error
