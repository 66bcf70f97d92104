"""The compiled reading of a page's characters and ruling lines (`pdfium_native.c`).

The C code does what `pdfium_objects._chars` and `_lines` do, with the same arithmetic, in one
call per page instead of several Python-to-PDFium calls per character. It is built with the
machine's C compiler the first time it is needed (or by `make setup`) next to its source, named
after the source's hash so an edited source is built again. Without a compiler the Python
reading is used, which gives the same objects more slowly; `GONGKAI_PDF_NATIVE=0` asks for it.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from functools import lru_cache
from pathlib import Path

import pypdfium2.raw as pdfium_c

SOURCE = Path(__file__).with_name("pdfium_native.c")
# PDFium's functions in the order of the C code's `Api` table
FUNCTIONS = (
    "FPDFText_CountChars",
    "FPDFText_GetUnicode",
    "FPDFText_IsGenerated",
    "FPDFText_GetTextObject",
    "FPDFTextObj_GetFont",
    "FPDFFont_GetDescent",
    "FPDFText_GetMatrix",
    "FPDFText_GetFontSize",
    "FPDFText_GetCharBox",
    "FPDFText_GetLooseCharBox",
    "FPDFText_GetCharOrigin",
    "FPDFPage_CountObjects",
    "FPDFPage_GetObject",
    "FPDFPageObj_GetType",
    "FPDFFormObj_CountObjects",
    "FPDFFormObj_GetObject",
    "FPDFPageObj_GetMatrix",
    "FPDFPath_GetDrawMode",
    "FPDFPath_CountSegments",
    "FPDFPath_GetPathSegment",
    "FPDFPathSegment_GetPoint",
    "FPDFPathSegment_GetType",
    "FPDFPathSegment_GetClose",
)
CHAR_FIELDS = 7
LINE_FIELDS = 4


def _source_hash() -> str:
    return hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16]


def library_path() -> Path:
    """Where the compiled code of the current source lives."""
    suffix = sysconfig.get_config_var("SHLIB_SUFFIX") or ".so"
    return SOURCE.with_name(f"_pdfium_native-{_source_hash()}{suffix}")


def _compiler() -> str | None:
    configured = os.environ.get("CC") or (sysconfig.get_config_var("CC") or "").split(" ")[0]
    for name in (configured, "cc", "gcc", "clang"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def build() -> Path:
    """Compile the source for this machine (atomically: readers in other processes see the
    finished library or none). Raises RuntimeError with the reason when it can't."""
    target = library_path()
    if target.exists():
        return target
    compiler = _compiler()
    if compiler is None:
        raise RuntimeError("no C compiler (cc, gcc or clang) on PATH")
    for stale in SOURCE.parent.glob("_pdfium_native-*"):
        if stale != target:
            stale.unlink(missing_ok=True)
    handle, partial = tempfile.mkstemp(dir=SOURCE.parent, prefix=".pdfium_native-")
    os.close(handle)
    command = [
        compiler,
        "-O2",
        "-shared",
        "-fPIC",
        "-ffp-contract=off",
        f'-DSOURCE_HASH="{_source_hash()}"',
        "-o",
        partial,
        str(SOURCE),
        "-lm",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(compiler).name} failed: {done.stderr.strip()[:300]}")
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)
    return target


class NativeReader:
    """The compiled library, bound to the PDFium that pypdfium2 loaded."""

    def __init__(self, path: Path) -> None:
        library = ctypes.CDLL(str(path))
        library.gk_source_hash.restype = ctypes.c_char_p
        if library.gk_source_hash().decode() != _source_hash():
            raise RuntimeError(f"{path.name} was built from another source")
        addresses = (ctypes.c_void_p * len(FUNCTIONS))(
            *(ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value for name in FUNCTIONS)
        )
        library.gk_init(addresses)
        self._chars = library.gk_chars
        self._chars.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_double),
            ctypes.c_double,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_double),
        ]
        self._lines = library.gk_lines
        self._lines.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_double),
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_double),
            ctypes.c_int,
        ]
        self._chars.restype = self._lines.restype = ctypes.c_int

    def chars(
        self, text_page, placement: tuple[float, ...], rotation: float, within: bool
    ) -> memoryview:
        """The page's characters as (code, x0, top, x1, bottom, size, upright) rows of a flat
        buffer of doubles. `placement` is the page's ctm, box and height."""
        count = pdfium_c.FPDFText_CountChars(text_page)
        out = (ctypes.c_double * (max(count, 0) * CHAR_FIELDS))()
        written = self._chars(text_page, _doubles(placement), rotation, int(within), out)
        if written < 0:
            raise MemoryError("no memory for a page's characters")
        return memoryview(out).cast("B").cast("d")[: written * CHAR_FIELDS]

    def lines(self, page, placement: tuple[float, ...], within: bool) -> memoryview:
        """The page's ruling segments as (start x, start top, end x, end top) rows."""
        capacity = 256
        while True:
            out = (ctypes.c_double * (capacity * LINE_FIELDS))()
            found = self._lines(page, _doubles(placement), int(within), out, capacity)
            if found <= capacity:
                return memoryview(out).cast("B").cast("d")[: found * LINE_FIELDS]
            capacity = found


def _doubles(values: tuple[float, ...]):
    return (ctypes.c_double * len(values))(*values)


@lru_cache(maxsize=1)
def native_reader() -> NativeReader | None:
    """The compiled reader, built if need be; None (the Python reading) where it can't be."""
    if os.environ.get("GONGKAI_PDF_NATIVE") == "0":
        return None
    try:
        return NativeReader(build())
    except (OSError, RuntimeError) as error:
        print(f"gongkai: PDF pages read without the compiled reader ({error})", file=sys.stderr)
        return None


def main() -> None:
    """`make setup`'s step: build the library if this source has none, and say so."""
    built = library_path().exists()
    try:
        path = build()
        if not built:
            print(f"compiled PDF reader: {path.name}")
    except RuntimeError as error:
        print(f"no compiled PDF reader ({error}): PDFs are read by the slower Python reading")
