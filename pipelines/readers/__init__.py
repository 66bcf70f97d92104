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


def read_document(data: bytes, source: str) -> Document:
    """Read any supported disclosure file, choosing the reader by content, not by file name."""
    file_format = sniff_format(data)
    reader = READERS.get(file_format)
    if reader is None:
        raise UnreadableFile(
            f"unsupported format: {file_format} (readers exist for: {', '.join(sorted(READERS))})"
        )
    try:
        return reader(data, source)
    except ValueError as error:
        raise UnreadableFile(str(error)) from error
