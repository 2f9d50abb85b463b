"""The fetch layer against a local HTTP server that answers, by URL path, with every fault
the real upstreams have shown us: refusals, flaky 5xx, throttling, stalls, error pages,
truncated and empty bodies, and dropped connections."""

from __future__ import annotations

import gzip
import hashlib
import socket
import struct
import threading
from collections import Counter
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from etl.config import Settings
from etl.sources.fetch import FetchError, FetchResult, cache_path, fetch_sources
from etl.sources.lock import load_lock
from etl.sources.options import FetchOptions
from etl.sources.registry import sources_by_id

# A body with the structure of the registry entry the tests copy (job_exposure.csv).
CSV = b"occ_code,title,observed_exposure\n11-1011,Chief Executives,0.1\n"
CHANGED = b"occ_code,title,observed_exposure\n11-1011,Chief Executives,0.2\n"
HTML = b"<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Oops</body></html>\n"
USER_AGENT = "aiei-tests (test@example.org)"
OPTIONS = FetchOptions(
    attempts=3, backoff=0.01, read_timeout=0.5, connect_timeout=0.5, progress=False
)
STALL = 3.0  # seconds the "slow" route waits: well beyond the 0.5 s read timeout


# --- the fake upstream -------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """Routes on the first path segment: /CASE/file.csv."""

    server: Upstream

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        attempt = self.server.record(self.path, self.headers.get("User-Agent"))
        getattr(self, "route_" + self.path.split("/")[1])(attempt)

    def answer(
        self, status: int, body: bytes, content_type: str = "text/csv", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def route_ok(self, attempt: int) -> None:
        self.answer(200, self.server.body)

    def route_forbidden(self, attempt: int) -> None:
        self.answer(403, b"Forbidden", "text/plain")

    def route_missing(self, attempt: int) -> None:
        self.answer(404, b"Not Found", "text/plain")

    def route_flaky(self, attempt: int) -> None:
        self.answer(500, b"oops", "text/plain") if attempt == 1 else self.route_ok(attempt)

    def route_throttled(self, attempt: int) -> None:
        if attempt == 1:
            self.answer(429, b"slow down", "text/plain", Retry_After="0")
        else:
            self.route_ok(attempt)

    def route_down(self, attempt: int) -> None:
        self.answer(500, b"oops", "text/plain")

    def route_slow(self, attempt: int) -> None:
        self.server.released.wait(STALL)
        self.route_ok(attempt)

    def route_html(self, attempt: int) -> None:
        self.answer(200, HTML, "text/html; charset=utf-8")

    def route_truncated(self, attempt: int) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(CSV) + 100))
        self.end_headers()
        self.wfile.write(CSV)  # then the connection closes (HTTP/1.0) 100 bytes short

    def route_empty(self, attempt: int) -> None:
        self.answer(200, b"")

    def route_reset(self, attempt: int) -> None:
        # Linger 0: closing sends RST instead of an answer.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def route_gzip(self, attempt: int) -> None:
        self.answer(200, gzip.compress(self.server.body), Content_Encoding="gzip")


class Upstream(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.hits: Counter[str] = Counter()  # request path -> requests seen
        self.agents: list[str | None] = []
        self.body = CSV
        self.released = threading.Event()  # ends the "slow" stalls at teardown
        self._mutex = threading.Lock()

    def record(self, path: str, agent: str | None) -> int:
        with self._mutex:
            self.hits[path] += 1
            self.agents.append(agent)
            return self.hits[path]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the faults break connections on purpose

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.server_port}"

    def url(self, case: str) -> str:
        return f"http://{self.netloc}/{case}/file.csv"

    def hits_for(self, case: str) -> int:
        return self.hits[f"/{case}/file.csv"]


@pytest.fixture
def upstream():
    server = Upstream()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", mirror=None, user_agent=USER_AGENT)


# --- helpers -----------------------------------------------------------------------------


def source(url: str, **changes: object):
    fields = {"id": "t_x", "url": url, "sha256": None, "bytes": None, **changes}
    return replace(sources_by_id()["job_exposure"], **fields)


def fetch(url: str, settings: Settings, **options: object) -> FetchResult:
    (result,) = fetch_sources([source(url)], settings, replace(OPTIONS, **options))
    return result


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def files_under(root: Path) -> list[Path]:
    """Every file in the cache, hidden `.part` temporaries included."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- successes ---------------------------------------------------------------------------


def test_download_lands_in_the_url_addressed_cache(upstream, settings):
    """A 200 is stored at raw/HOST:PORT/PATH with exactly the bytes served."""
    result = fetch(upstream.url("ok"), settings)
    target = settings.raw_dir / upstream.netloc / "ok" / "file.csv"
    assert result.origin == "network" and result.downloaded
    assert result.path == target and target.read_bytes() == CSV
    assert (result.bytes, result.sha256) == (len(CSV), sha256(CSV))
    assert files_under(settings.raw_dir) == [target]
    assert upstream.hits_for("ok") == 1


@pytest.mark.parametrize("case", ["flaky", "throttled"])
def test_transient_failures_are_retried(upstream, settings, case):
    """A 500 or a 429 (Retry-After: 0) once is not fatal: the next attempt succeeds."""
    result = fetch(upstream.url(case), settings)
    assert result.origin == "network" and result.path.read_bytes() == CSV
    assert upstream.hits_for(case) == 2


def test_requests_carry_the_configured_user_agent(upstream, settings):
    """BLS refuses anonymous robots: the User-Agent must be the one from the settings."""
    fetch(upstream.url("ok"), settings)
    assert upstream.agents == [settings.user_agent]


# --- failures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "attempts", "words"),
    [
        ("forbidden", 1, ["HTTP 403", "User-Agent", "AIEI_CONTACT"]),
        ("missing", 1, ["HTTP 404"]),
        ("down", 3, ["failed after 3 attempts", "HTTP 500"]),
        ("slow", 3, ["failed after 3 attempts"]),
        ("truncated", 3, ["failed after 3 attempts"]),
        ("reset", 3, ["failed after 3 attempts"]),
        ("html", 1, ["HTML page"]),
        ("empty", 1, ["empty"]),
    ],
)
def test_failures_name_the_url_and_leave_nothing_behind(upstream, settings, case, attempts, words):
    """Permanent errors fail at once, transient ones after the configured attempts; either
    way the message names the URL and the cache holds neither the file nor a `.part`."""
    url = upstream.url(case)
    with pytest.raises(FetchError) as caught:
        fetch(url, settings)
    message = str(caught.value)
    assert url in message
    for word in words:
        assert word in message
    assert upstream.hits_for(case) == attempts
    assert files_under(settings.raw_dir) == []


# --- cache, mirror, offline --------------------------------------------------------------


def test_mirror_is_used_before_the_network(upstream, settings, tmp_path):
    """A file in AIEI_MIRROR (laid out MIRROR/HOST/PATH) is copied without any request."""
    mirror = tmp_path / "mirror"
    mirrored = mirror / upstream.netloc / "ok" / "file.csv"
    mirrored.parent.mkdir(parents=True)
    mirrored.write_bytes(CHANGED)
    result = fetch(upstream.url("ok"), replace(settings, mirror=mirror))
    assert result.origin == "mirror" and result.path.read_bytes() == CHANGED
    assert sum(upstream.hits.values()) == 0


def test_offline_without_cache_or_mirror_fails_and_points_at_the_mirror(upstream, settings):
    """--offline must never touch the network; the fix it suggests is AIEI_MIRROR."""
    with pytest.raises(FetchError, match="AIEI_MIRROR"):
        fetch(upstream.url("ok"), settings, offline=True)
    assert sum(upstream.hits.values()) == 0
    assert files_under(settings.raw_dir) == []


def test_cached_file_is_served_without_a_request(upstream, settings):
    """The second fetch reads the cache and keeps the first retrieval time."""
    first = fetch(upstream.url("ok"), settings)
    second = fetch(upstream.url("ok"), settings)
    assert second.origin == "cache" and not second.downloaded
    assert (second.path, second.sha256, second.retrieved_at) == (
        first.path,
        first.sha256,
        first.retrieved_at,
    )
    assert upstream.hits_for("ok") == 1


# --- pinning and checksums ---------------------------------------------------------------


def test_first_fetch_pins_bytes_and_checksum(upstream, settings):
    """The lock file records what was first seen, so later changes can be noticed."""
    result = fetch(upstream.url("ok"), settings)
    entry = load_lock(settings.lock_file)[upstream.url("ok")]
    assert (entry.bytes, entry.sha256) == (len(CSV), sha256(CSV))
    assert entry.retrieved_at == result.retrieved_at


def test_changed_upstream_is_refused_and_the_pinned_file_kept(upstream, settings):
    """A new body on refresh is not silently swapped in: the old bytes stay in place."""
    url = upstream.url("ok")
    first = fetch(url, settings)
    upstream.body = CHANGED
    with pytest.raises(FetchError, match="--accept-changed"):
        fetch(url, settings, refresh=True)
    assert first.path.read_bytes() == CSV
    assert files_under(settings.raw_dir) == [first.path]
    assert load_lock(settings.lock_file)[url].sha256 == sha256(CSV)


def test_changed_upstream_is_accepted_when_asked(upstream, settings):
    """--accept-changed replaces the cached file and re-pins the lock."""
    url = upstream.url("ok")
    fetch(url, settings)
    upstream.body = CHANGED
    result = fetch(url, settings, refresh=True, accept_changed=frozenset({"t_x"}))
    assert result.origin == "network" and result.path.read_bytes() == CHANGED
    entry = load_lock(settings.lock_file)[url]
    assert (entry.bytes, entry.sha256) == (len(CHANGED), sha256(CHANGED))


def test_wrong_registry_checksum_is_refused(upstream, settings):
    """A body that does not match the sha256 in the registry never enters the cache."""
    url = upstream.url("ok")
    wrong = source(url, sha256="0" * 64, bytes=len(CSV))
    with pytest.raises(FetchError, match="registry"):
        fetch_sources([wrong], settings, OPTIONS)
    assert files_under(settings.raw_dir) == []
    assert not settings.lock_file.exists()


# --- URL to path -------------------------------------------------------------------------


def test_cache_path_decodes_escapes_and_drops_the_query(tmp_path):
    """%20 is a space on disk; ?query does not change which file a URL is."""
    path = cache_path("https://host.example/a%20b/c%20d.csv?download=1&x=2", tmp_path)
    assert path == tmp_path / "host.example" / "a b" / "c d.csv"


@pytest.mark.parametrize(
    "url", ["https://host.example/a/../b.csv", "https://host.example/a/%2E%2E/b.csv"]
)
def test_cache_path_refuses_dot_dot(tmp_path, url):
    """A URL must not be able to write outside raw/HOST."""
    with pytest.raises(FetchError, match="not a plain"):
        cache_path(url, tmp_path)


def test_fetch_refuses_dot_dot_without_a_request(upstream, settings):
    """The check happens before any network traffic."""
    url = f"http://{upstream.netloc}/ok/../ok/file.csv"
    with pytest.raises(FetchError, match="not a plain"):
        fetch(url, settings)
    assert sum(upstream.hits.values()) == 0


def test_gzip_encoded_response_is_accepted(upstream, settings):
    """requests asks for gzip and decodes it; the stored file is the decoded body."""
    upstream.body = CSV * 50  # compresses well: encoded length != decoded length
    result = fetch(upstream.url("gzip"), settings)
    assert result.path.read_bytes() == CSV * 50


# --- a body must have its file's structure before it is cached or pinned --------------------


@pytest.mark.parametrize(
    "body, problem",
    [
        (CSV[:-9], "no newline"),  # cut at no line boundary: the last line is incomplete
        (b"occ_code,title,observed_exposure\n", "no data rows"),
        (gzip.compress(CSV, mtime=0), "gzip"),
        (b"occ,title,exposure\n11-1011,Chief Executives,0.1\n", "missing column"),
    ],
)
def test_a_body_without_the_file_structure_is_never_cached_or_pinned(
    upstream, settings, body, problem
):
    url = upstream.url("ok")
    upstream.body = body
    with pytest.raises(FetchError, match=problem) as raised:
        fetch(url, settings)
    assert "nothing was cached or pinned" in str(raised.value)
    assert "aiei fetch t_x --refresh" in str(raised.value)
    assert files_under(settings.raw_dir) == []
    assert not settings.lock_file.exists()
    upstream.body = CSV  # the good file comes back: taken, with no --accept-changed
    result = fetch(url, settings)
    assert result.path.read_bytes() == CSV
    assert load_lock(settings.lock_file)[url].sha256 == sha256(CSV)


def test_accept_changed_never_overrides_a_registry_checksum(upstream, settings):
    url = upstream.url("ok")
    known = source(url, sha256="0" * 64, bytes=len(CSV))
    options = replace(OPTIONS, accept_changed=frozenset({"t_x"}))
    with pytest.raises(FetchError, match="update sha256/bytes of 't_x'"):
        fetch_sources([known], settings, options)
    assert files_under(settings.raw_dir) == []


def test_accept_changed_is_per_source(upstream, settings):
    url = upstream.url("ok")
    fetch(url, settings)
    upstream.body = CHANGED
    with pytest.raises(FetchError, match="aiei build --accept-changed t_x"):
        fetch(url, settings, refresh=True, accept_changed=frozenset({"another_source"}))


def test_a_no_op_fetch_writes_nothing(upstream, settings):
    url = upstream.url("ok")
    fetch(url, settings)
    stamp = settings.lock_file.stat().st_mtime_ns
    settings.data_dir.chmod(0o555)  # a read-only data dir: a no-op must still work
    try:
        assert fetch(url, settings).origin == "cache"
    finally:
        settings.data_dir.chmod(0o755)
    assert settings.lock_file.stat().st_mtime_ns == stamp
