"""Pull disclosures from where they are published, into the raw folder.

A sources manifest (`data/sources.yaml`) lists addresses. Each is fetched with a timeout,
retried with back-off on network errors and server errors, refused when larger than the limit
or of a content type no reader handles, and written only inside `<raw>/downloads/` under a name
made from the address, whatever the address or the server says. A file whose bytes are already
in the raw folder is not written again; a conditional request (ETag / Last-Modified) skips what
has not changed since the last fetch.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

DOWNLOADS = "downloads"
STATE_FILE = ".fetch-state.json"
ACCEPTED_TYPES = (
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument",
    "application/vnd.ms-excel",
    "application/zip",
    "application/octet-stream",
    "text/html",
    "text/plain",
    "application/x-download",
    "application/force-download",
)


@dataclass(frozen=True)
class Source:
    url: str
    department: str | None = None
    fiscal_year: int | None = None
    sha256: str | None = None


@dataclass
class FetchResult:
    url: str
    status: str  # fetched | unchanged | duplicate | failed
    path: str | None = None  # relative to the raw folder
    sha256: str | None = None
    size_bytes: int = 0
    attempts: int = 0
    reason: str | None = None


@dataclass(frozen=True)
class FetchLimits:
    timeout_seconds: float = 30
    retries: int = 3
    backoff_seconds: float = 1.0
    max_bytes: int = 50 * 1024 * 1024
    user_agent: str = "gongkai/0.1 (+budget disclosure research)"
    accepted_types: tuple[str, ...] = field(default=ACCEPTED_TYPES)


def load_sources(path: Path) -> list[Source]:
    """The manifest's sources; a missing or empty manifest lists none."""
    if not path.exists():
        return []
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [Source(**entry) for entry in entries.get("sources") or []]


def target_name(url: str) -> str:
    """A file name from an address: a short hash of the address (names are unique) and the
    last path segment, reduced to safe characters — never a path."""
    segment = unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]) or "index"
    safe = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", segment).strip("._") or "file"
    return f"{hashlib.sha1(url.encode()).hexdigest()[:10]}_{safe[:120]}"


class FetchError(Exception):
    def __init__(self, reason: str, retry: bool) -> None:
        super().__init__(reason)
        self.retry = retry


def _request(source: Source, limits: FetchLimits, state: dict) -> tuple[int, bytes, dict]:
    headers = {"User-Agent": limits.user_agent}
    known = state.get(source.url, {})
    if known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if known.get("last_modified"):
        headers["If-Modified-Since"] = known["last_modified"]
    request = urllib.request.Request(source.url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=limits.timeout_seconds) as response:
            content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
            if content_type and not content_type.lower().startswith(limits.accepted_types):
                raise FetchError(f"unexpected content type {content_type}", retry=False)
            length = int(response.headers.get("Content-Length") or 0)
            if length > limits.max_bytes:
                raise FetchError(
                    f"{length:,} bytes is over the limit of {limits.max_bytes:,}", retry=False
                )
            body = response.read(limits.max_bytes + 1)
            if len(body) > limits.max_bytes:
                raise FetchError(
                    f"response is over the limit of {limits.max_bytes:,} bytes", retry=False
                )
            return response.status, body, dict(response.headers)
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return 304, b"", {}
        raise FetchError(f"HTTP {error.code} {error.reason}", retry=error.code >= 500) from error
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(f"network error: {reason}", retry=True) from error


def fetch_source(
    source: Source, raw_dir: Path, known_hashes: dict[str, str], state: dict, limits: FetchLimits
) -> FetchResult:
    """Fetch one source into `<raw>/downloads/`; never raises, the result says what happened."""
    result = FetchResult(url=source.url, status="failed")
    if urlparse(source.url).scheme not in ("http", "https"):
        result.reason = "only http and https addresses are fetched"
        return result
    for attempt in range(1, limits.retries + 2):
        result.attempts = attempt
        try:
            status, body, headers = _request(source, limits, state)
            break
        except FetchError as error:
            result.reason = str(error)
            if not error.retry or attempt > limits.retries:
                return result
            time.sleep(limits.backoff_seconds * 2 ** (attempt - 1))
    if status == 304:
        result.status, result.path = "unchanged", state[source.url].get("path")
        result.reason = "not modified since the last fetch"
        return result
    digest = hashlib.sha256(body).hexdigest()
    result.sha256, result.size_bytes = digest, len(body)
    if source.sha256 and source.sha256.lower() != digest:
        result.reason = f"checksum mismatch: expected {source.sha256}, got {digest}"
        return result
    folder = (raw_dir / DOWNLOADS).resolve()
    target = (folder / target_name(source.url)).resolve()
    if target.parent != folder:
        result.reason = "refused: the target name would leave the downloads folder"
        return result
    relative = target.relative_to(raw_dir.resolve()).as_posix()
    state[source.url] = {
        "etag": headers.get("ETag"),
        "path": relative,
        "last_modified": headers.get("Last-Modified"),
    }
    if digest in known_hashes:
        same = known_hashes[digest]
        result.status = "unchanged" if same == relative else "duplicate"
        result.path, result.reason = same, f"same content as {same}"
        return result
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    partial.write_bytes(body)
    partial.replace(target)
    known_hashes[digest] = relative
    result.status, result.path = "fetched", relative
    return result


def fetch_all(
    sources: list[Source],
    raw_dir: Path,
    known_hashes: dict[str, str],
    limits: FetchLimits | None = None,
) -> list[FetchResult]:
    """Fetch every source; `known_hashes` (sha256 → path under raw) are the files already held.

    The fetch state (ETags) is kept in `<raw>/downloads/.fetch-state.json`.
    """
    limits = limits or FetchLimits()
    state_path = raw_dir / DOWNLOADS / STATE_FILE
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}
    results = [fetch_source(source, raw_dir, known_hashes, state, limits) for source in sources]
    if sources:
        state_path.parent.mkdir(parents=True, exist_ok=True)
        state_path.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    return results
