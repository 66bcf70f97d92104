"""Tell a file's format from its first bytes, so a misnamed file still reaches the right reader."""

from __future__ import annotations

from pipelines.readers.archive import office_kind

MAGIC = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip-office"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole-office"),
    (b"{\\rtf", "rtf"),
)


def sniff_format(data: bytes) -> str:
    """Return `pdf`, `docx`, `xlsx`, `zip` (another archive), `doc`, `xls`, `ole` (another
    compound file), `rtf`, `html`, `empty`, `binary` or `text`."""
    if not data.strip():
        return "empty"
    for magic, name in MAGIC:
        if data.startswith(magic):
            if name == "zip-office":
                return office_kind(data)
            return legacy_office_kind(data) if name == "ole-office" else name
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<table" in head:
        return "html"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    if b"\x00" in data[:65536]:
        return "binary"
    return "text"


def legacy_office_kind(data: bytes) -> str:
    """`doc`, `xls` or `ole`, from the stream names of an OLE compound file's directory."""
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return "ole"
