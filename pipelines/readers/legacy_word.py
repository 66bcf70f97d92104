"""Legacy Word .doc files: converted to .docx by LibreOffice headless where it is installed.

The conversion runs on a copy under a fixed name in a private temporary folder, with a
timeout, and no shell: nothing from the file's name or content reaches a command line. Where
LibreOffice is not installed the file is refused with what to do about it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pipelines.document import Document
from pipelines.readers.docx import read_docx

CONVERSION_TIMEOUT_SECONDS = 180


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(data: bytes, source: str) -> Document:
    """Read a legacy .doc file's bytes into a `Document` through a .docx conversion."""
    office = libreoffice()
    if office is None:
        raise ValueError(
            "legacy Word .doc needs LibreOffice to convert it, and it is not installed here "
            "(apt-get install libreoffice-writer-nogui), or convert the file to .docx"
        )
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "input.doc").write_bytes(data)
        command = [
            office,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(work),
            str(work / "input.doc"),
        ]
        try:
            subprocess.run(
                command, capture_output=True, timeout=CONVERSION_TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as error:
            raise ValueError(
                "legacy Word .doc: LibreOffice did not finish converting it in "
                f"{CONVERSION_TIMEOUT_SECONDS} s"
            ) from error
        converted = work / "input.docx"
        if not converted.exists():
            raise ValueError("legacy Word .doc: LibreOffice could not convert it (corrupt?)")
        document = read_docx(converted.read_bytes(), source)
    return Document(source=source, format="doc", blocks=document.blocks)
