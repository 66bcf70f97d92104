"""One document's failure at one stage, and the time a document may take.

A build does its work document by document: reading, recognising, the narrative, facts,
checks, the load's derivations. An exception raised while one document is at a stage is that
document's: it is quarantined with the stage, the exception and where it was raised named in
its reason, and the build goes on with the others. A failure that is no document's own — the
disk full, the warehouse unwritable, memory exhausted — is not caught here: it fails the build
in one line.

A document may take `GONGKAI_DOCUMENT_SECONDS` (300 s unless set) at each of its reading and
its checks; past it, it is quarantined as too slow, naming the stage it was at. In a process's
main thread the limit interrupts the work (SIGALRM); elsewhere it is checked as each stage
ends. One call into compiled code (PDFium parsing a page) is not interrupted before it returns.
"""

from __future__ import annotations

import errno
import os
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DOCUMENT_SECONDS = 300.0
PACKAGE = Path(__file__).resolve().parent.parent
# errors of the machine, not of a document: they fail the build
MACHINE_ERRNOS = {
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EFBIG,
    errno.EROFS,
    errno.EIO,
    errno.EMFILE,
    errno.ENFILE,
}
MACHINE_WORDS = (
    "No space left on device",
    "Disk quota exceeded",
    "File too large",
    "Read-only file system",
)


def document_seconds() -> float | None:
    """The per-document limit: GONGKAI_DOCUMENT_SECONDS (0 for none), 300 s by default."""
    seconds = float(os.environ.get("GONGKAI_DOCUMENT_SECONDS", DEFAULT_DOCUMENT_SECONDS))
    return seconds if seconds > 0 else None


def is_machine_failure(error: BaseException) -> bool:
    """A failure of the disk, the file system or memory, which no document causes: the disk
    full (ENOSPC, also as DuckDB or polars tells it), a file over the size the system allows,
    a read-only or failing disk, too many open files, no memory."""
    if isinstance(error, MemoryError):
        return True
    if isinstance(error, OSError) and error.errno in MACHINE_ERRNOS:
        return True
    return any(words in str(error) for words in MACHINE_WORDS)


class TooSlow(Exception):
    """The document took longer than the per-document limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"too slow: over the limit of {seconds:g} s per document (GONGKAI_DOCUMENT_SECONDS)"
        )


class StageFailed(Exception):
    """An exception raised while one document was at `stage`."""

    def __init__(self, stage: str, error: BaseException) -> None:
        self.stage = stage
        self.error = error
        super().__init__(describe(stage, error))

    @property
    def reason(self) -> str:
        return str(self)


def describe(stage: str, error: BaseException) -> str:
    """`stage: Exception: message (at pipelines/x.py:122 in function)`: the stage, the
    exception, and the last place in gongkai's own code it passed through."""
    if isinstance(error, TooSlow):
        return f"{stage}: {error}"
    message = " ".join(str(error).split()) or "(no message)"
    where = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(PACKAGE) and ".venv" not in path.parts:
            where = f" (at {path.relative_to(PACKAGE)}:{frame.lineno} in {frame.name})"
            break
    return f"{stage}: {type(error).__name__}: {message}{where}"


@dataclass
class Deadline:
    """When the document's time runs out, and the stage it is at (named when it does)."""

    seconds: float | None
    started: float = field(default_factory=time.monotonic)
    at: str = "read"

    def check(self) -> None:
        if self.seconds is not None and time.monotonic() - self.started > self.seconds:
            raise TooSlow(self.seconds)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Work of one stage: an exception raised in it (the limit passed included) is
        this document's failure at `name`; a failure of the machine passes through."""
        self.at = name
        try:
            yield
            self.check()
        except StageFailed:
            raise
        except Exception as error:
            if is_machine_failure(error):
                raise
            raise StageFailed(name, error) from error


@contextmanager
def time_limit(seconds: float | None) -> Iterator[Deadline]:
    """A deadline for one document's work; in the main thread the work is interrupted when
    it passes (SIGALRM), and the timer and handler are put back as they were after it."""
    deadline = Deadline(seconds)
    armed = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not armed:
        yield deadline
        return

    def expired(signum, frame) -> None:
        raise TooSlow(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield deadline
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
