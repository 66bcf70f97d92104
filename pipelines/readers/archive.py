"""Office files are zip archives: open them only within limits, so a zip bomb is refused."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_MEMBERS = 10_000
DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
# what zipfile raises on a malformed archive
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    UnicodeDecodeError,
    OSError,
    EOFError,
    NotImplementedError,
)


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The archive, after checking it is a readable zip of sane size and compression.

    Raises ValueError with the reason otherwise.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as error:
        raise ValueError(f"corrupt archive: {error}") from error
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ValueError(f"archive has {len(members)} members (limit {MAX_MEMBERS})")
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ValueError(
            f"archive would unpack to {total:,} bytes (limit {MAX_UNCOMPRESSED_BYTES:,}): "
            "refused as a possible zip bomb"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO:
            raise ValueError(
                f"member {member.filename} is compressed {ratio:.0f}:1 (limit "
                f"{MAX_COMPRESSION_RATIO}:1): refused as a possible zip bomb"
            )
    return archive


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes; XML that declares a DTD or entities is refused (no XXE, no bombs)."""
    try:
        data = archive.read(name)
    except KeyError as error:
        raise ValueError(f"archive has no {name}") from error
    except ZIP_ERRORS as error:
        raise ValueError(f"corrupt archive member {name}: {error}") from error
    if name.endswith(".xml") and DTD.search(data[:4096]):
        raise ValueError(f"{name} declares a DTD or entities, which office files never need")
    return data


def office_kind(data: bytes) -> str:
    """`docx`, `xlsx` or `zip` (another archive), from the members the package holds."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except ZIP_ERRORS:
        # a truncated package still names its parts in the local headers
        names = {name for name in ("word/document.xml", "xl/workbook.xml") if name.encode() in data}
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"
