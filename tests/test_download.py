"""The downloader, end to end against an HTTP server on 127.0.0.1 (the only network tests use)."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipelines.download import FetchLimits, Source, fetch_all, load_sources, target_name

from .conftest import KEZHOU

LIMITS = FetchLimits(timeout_seconds=5, retries=2, backoff_seconds=0.01, max_bytes=100_000)


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}
    hits: dict = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        status, body, headers = self.routes[self.path]
        if "ETag" in headers and self.headers.get("If-None-Match") == headers["ETag"]:
            status, body = 304, b""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    document = KEZHOU.read_bytes()
    _Handler.routes = {
        "/2020/kezhou.txt": (
            200,
            document,
            {"Content-Type": "text/plain; charset=utf-8", "ETag": '"v1"'},
        ),
        "/no-etag.txt": (200, b"plain", {"Content-Type": "text/plain"}),
        "/broken": (503, b"busy", {"Content-Type": "text/plain"}),
        "/huge.pdf": (200, b"%PDF" + b"0" * 200_000, {"Content-Type": "application/pdf"}),
        "/picture.png": (200, b"\x89PNG", {"Content-Type": "image/png"}),
        "/gone": (404, b"", {"Content-Type": "text/plain"}),
        "/copy/kezhou.txt": (200, document, {"Content-Type": "text/plain"}),
    }
    _Handler.hits = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def fetch(url: str, raw: Path, held: dict | None = None, **source):
    return fetch_all([Source(url, **source)], raw, held if held is not None else {}, LIMITS)[0]


def test_a_new_file_is_fetched_into_the_downloads_folder(server, tmp_path) -> None:
    result = fetch(f"{server}/2020/kezhou.txt", tmp_path)
    assert (result.status, result.attempts) == ("fetched", 1)
    saved = tmp_path / result.path
    assert saved.parent == tmp_path / "downloads"
    assert saved.read_bytes() == KEZHOU.read_bytes()


def test_an_unchanged_file_is_skipped_with_a_conditional_request(server, tmp_path) -> None:
    url = f"{server}/2020/kezhou.txt"
    held: dict = {}
    assert fetch(url, tmp_path, held).status == "fetched"
    again = fetch(url, tmp_path, held)
    assert (again.status, again.reason) == ("unchanged", "not modified since the last fetch")


def test_an_unchanged_file_without_etag_is_known_by_its_content(server, tmp_path) -> None:
    url = f"{server}/no-etag.txt"
    held: dict = {}
    first = fetch(url, tmp_path, held)
    second = fetch(url, tmp_path, held)
    assert (first.status, second.status, second.path) == ("fetched", "unchanged", first.path)


def test_the_same_bytes_under_another_address_are_not_written_twice(server, tmp_path) -> None:
    held: dict = {}
    first = fetch(f"{server}/2020/kezhou.txt", tmp_path, held)
    copy = fetch(f"{server}/copy/kezhou.txt", tmp_path, held)
    assert (copy.status, copy.reason) == ("duplicate", f"same content as {first.path}")
    assert len(list((tmp_path / "downloads").glob("*kezhou.txt"))) == 1


def test_a_server_error_is_retried_then_reported(server, tmp_path) -> None:
    result = fetch(f"{server}/broken", tmp_path)
    assert (result.status, result.attempts, result.reason) == (
        "failed",
        3,
        "HTTP 503 Service Unavailable",
    )
    assert _Handler.hits["/broken"] == 3


def test_a_client_error_is_not_retried(server, tmp_path) -> None:
    result = fetch(f"{server}/gone", tmp_path)
    assert (result.status, result.attempts, result.reason) == ("failed", 1, "HTTP 404 Not Found")


def test_an_oversize_response_is_refused(server, tmp_path) -> None:
    result = fetch(f"{server}/huge.pdf", tmp_path)
    assert result.status == "failed" and "over the limit of 100,000" in result.reason
    assert not (tmp_path / "downloads").exists() or not any((tmp_path / "downloads").glob("*.pdf"))


def test_a_content_type_no_reader_handles_is_refused(server, tmp_path) -> None:
    result = fetch(f"{server}/picture.png", tmp_path)
    assert (result.status, result.reason) == ("failed", "unexpected content type image/png")


def test_a_wrong_checksum_is_refused(server, tmp_path) -> None:
    result = fetch(f"{server}/2020/kezhou.txt", tmp_path, sha256="0" * 64)
    assert result.status == "failed" and result.reason.startswith("checksum mismatch")


def test_a_matching_checksum_is_accepted(server, tmp_path) -> None:
    digest = hashlib.sha256(KEZHOU.read_bytes()).hexdigest()
    assert fetch(f"{server}/2020/kezhou.txt", tmp_path, sha256=digest).status == "fetched"


@pytest.mark.parametrize(
    "url",
    [
        "http://h/../../etc/passwd",
        "http://h/a/%2e%2e%2f%2e%2e%2fevil.sh",
        "http://h/",
        "http://h/报告/2020年部门预算.pdf",
    ],
)
def test_target_names_never_leave_the_downloads_folder(url) -> None:
    name = target_name(url)
    assert "/" not in name and ".." not in name and not name.startswith(".")


def test_only_http_addresses_are_fetched(tmp_path) -> None:
    result = fetch("file:///etc/passwd", tmp_path)
    assert (result.status, result.reason) == ("failed", "only http and https addresses are fetched")


def test_the_shipped_manifest_parses(tmp_path) -> None:
    assert load_sources(Path(__file__).parent.parent / "data" / "sources.yaml") == []
    manifest = tmp_path / "sources.yaml"
    manifest.write_text(
        "sources:\n  - url: https://x/a.pdf\n    fiscal_year: 2020\n", encoding="utf-8"
    )
    assert load_sources(manifest) == [Source("https://x/a.pdf", fiscal_year=2020)]
