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
    """Return `pdf`, `docx`, `xlsx`, `zip` (another archive), `ole-office` (.doc/.xls), `rtf`,
    `html`, `empty`, `binary` or `text`."""
    if not data.strip():
        return "empty"
    for magic, name in MAGIC:
        if data.startswith(magic):
            return office_kind(data) if name == "zip-office" else name
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<table" in head:
        return "html"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    if b"\x00" in data[:65536]:
        return "binary"
    return "text"
