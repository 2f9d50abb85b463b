"""`aiei releases` against a local stand-in for the Hugging Face Hub API: the dataset's tree
in the real shape (file and directory entries, LFS and plain-git files, pages linked by a
`Link: <…>; rel="next"` header), and the faults a scheduled check will meet."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.cli import main
from etl.config import settings
from etl.sources import registry
from etl.sources.fetch import cache_path
from etl.sources.hub import MAX_PAGES
from etl.sources.lock import LockEntry, save_lock
from etl.sources.releases import dataset_path, git_blob_sha1

TREE_PATH = "/api/datasets/Anthropic/EconomicIndex/tree/main"
PAGE_SIZE = 10  # entries per page: the baseline tree spans several pages
USER_AGENT = "aiei-tests (test@example.org)"
LOGIN_PAGE = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Log in</body></html>"
NEW_SHA256 = hashlib.sha256(b"a replaced file").hexdigest()


# --- the tree, built from the registry and the mirror ------------------------------------


def blob_sha1(body: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(body) + body).hexdigest()


def lfs_entry(path: str, sha256: str, size: int) -> dict:
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n"
    return {
        "type": "file",
        "path": path,
        "size": size,
        "oid": blob_sha1(pointer.encode()),
        "lfs": {"oid": sha256, "size": size, "pointerSize": len(pointer)},
    }


def git_entry(path: str, body: bytes) -> dict:
    return {"type": "file", "path": path, "size": len(body), "oid": blob_sha1(body)}


def mirror_body(mirror: Path, path: str) -> bytes:
    return cache_path(registry.AEI_ROOT + path, mirror).read_bytes()


def aei_sources() -> dict[str, registry.Source]:
    return {s.id: s for s in registry.sources() if dataset_path(s)}


def baseline(mirror: Path, plain_git: frozenset[str] = frozenset()) -> dict[str, dict]:
    """Upstream as the registry knows it: path -> file entry. Files with a known sha256 are
    LFS unless named in `plain_git`; the others are plain git, read from the mirror."""
    files = {}
    for source in aei_sources().values():
        path = dataset_path(source)
        if source.sha256 and source.id not in plain_git:
            files[path] = lfs_entry(path, source.sha256, source.bytes)
        else:
            files[path] = git_entry(path, mirror_body(mirror, path))
    for path in ("README.md", "release_2025_02_10/README.md", "release_2025_03_27/README.md"):
        files[path] = git_entry(path, b"# notes\n")
    files["scripts/plots.ipynb"] = git_entry("scripts/plots.ipynb", b"{}")  # not a release
    return files


def tree_entries(files: dict[str, dict]) -> list[dict]:
    """Directory entries for every folder, then the files, as the recursive tree lists them."""
    folders = {p.rsplit("/", i)[0] for p in files for i in range(1, p.count("/") + 1)}
    directories = [
        {"type": "directory", "path": f, "size": 0, "oid": hashlib.sha1(f.encode()).hexdigest()}
        for f in sorted(folders)
    ]
    return directories + [files[p] for p in sorted(files)]


# --- the fake Hub ------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """Routes on the first path segment, which the test puts into AIEI_HF_ENDPOINT; answers
    404 to any other path than the tree's and to an unknown case."""

    server: Hub

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        case, _, api_path = parts.path[1:].partition("/")
        self.server.record(case, self.headers.get("User-Agent"))
        if case == "signin":  # where the "login" case redirects: a page at any path
            self.answer(200, LOGIN_PAGE, "text/html; charset=utf-8")
            return
        route = getattr(self, "route_" + case, None)
        query = parse_qs(parts.query)
        if route is None or "/" + api_path != TREE_PATH or query.get("recursive") != ["true"]:
            self.answer(404, b'{"error":"not found"}')
            return
        route(int(query.get("cursor", ["0"])[0]))

    def answer(
        self, status: int, body: bytes, content_type: str = "application/json", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def page_link(self, case: str, cursor: int) -> str:
        url = f"{self.server.endpoint(case)}{TREE_PATH}?recursive=true&cursor={cursor}"
        return f'<{url}>; rel="next"'

    def route_ok(self, cursor: int) -> None:
        entries = self.server.entries
        page = entries[cursor * PAGE_SIZE : (cursor + 1) * PAGE_SIZE]
        more = (cursor + 1) * PAGE_SIZE < len(entries)
        links = {"Link": self.page_link("ok", cursor + 1)} if more else {}
        self.answer(200, json.dumps(page).encode(), **links)

    def route_endless(self, cursor: int) -> None:
        self.answer(200, b"[]", Link=self.page_link("endless", cursor + 1))

    def route_down(self, cursor: int) -> None:
        self.answer(500, b"Internal Server Error", "text/plain")

    def route_html(self, cursor: int) -> None:
        self.answer(200, LOGIN_PAGE, "text/html; charset=utf-8")

    def route_badjson(self, cursor: int) -> None:
        body = json.dumps(self.server.entries).encode()
        self.answer(200, body[: len(body) // 2])

    def route_cutoff(self, cursor: int) -> None:
        body = json.dumps(self.server.entries).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])  # then the connection closes (HTTP/1.0)

    def route_notalist(self, cursor: int) -> None:
        self.answer(200, b'{"error": "Invalid credentials"}')

    def route_noblob(self, cursor: int) -> None:
        self.answer(200, b'[{"type": "file", "path": "README.md", "size": 8}]')

    def route_moved(self, cursor: int) -> None:
        target = f"{self.server.endpoint('ok')}{TREE_PATH}?recursive=true"
        self.answer(301, b"", "text/plain", Location=target)

    def route_login(self, cursor: int) -> None:
        target = f"{self.server.endpoint('signin')}?next={TREE_PATH}"
        self.answer(302, b"", "text/plain", Location=target)


class Hub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.entries: list[dict] = []
        self.hits: Counter[str] = Counter()  # case -> requests seen
        self.agents: set[str | None] = set()
        self._mutex = threading.Lock()

    def record(self, case: str, agent: str | None) -> None:
        with self._mutex:
            self.hits[case] += 1
            self.agents.add(agent)

    def endpoint(self, case: str) -> str:
        return f"http://127.0.0.1:{self.server_port}/{case}"

    def serve(self, files: dict[str, dict]) -> None:
        self.entries = tree_entries(files)


@pytest.fixture
def hub(mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    """A Hub serving the baseline tree; an empty data dir; the shared mirror."""
    server = Hub()
    server.serve(baseline(mirror))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    monkeypatch.setenv("AIEI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AIEI_MIRROR", str(mirror))
    monkeypatch.setenv("AIEI_HF_ENDPOINT", server.endpoint("ok"))
    monkeypatch.setenv("AIEI_USER_AGENT", USER_AGENT)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def releases(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    exit_code = main(["releases", *args])
    captured = capsys.readouterr()
    return exit_code, captured.out, captured.err


# --- findings ----------------------------------------------------------------------------


def test_nothing_new_exits_0(hub, capsys, tmp_path):
    """The registry's own tree, over several pages: no finding, every file compared."""
    exit_code, out, err = releases(capsys)
    assert (exit_code, err) == (0, "")
    assert not (tmp_path / "data").exists()  # a check writes nothing
    pages = -(-len(hub.entries) // PAGE_SIZE)
    assert pages > 2 and hub.hits["ok"] == pages
    files = sum(e["type"] == "file" for e in hub.entries)
    assert f"{pages} page(s), {files} files; {len(aei_sources())} registered AEI files" in out
    assert out.strip().endswith(
        "Nothing new: no unknown release folder, no changed or missing file."
    )
    for finding in ("NEW RELEASE", "CHANGED", "PIN IS OLD", "DISAPPEARED", "not compared"):
        assert finding not in out
    assert hub.agents == {USER_AGENT}


def test_new_release_folder_is_reported_with_its_files(hub, mirror, capsys):
    files = baseline(mirror)
    new_csv = "release_2026_09_30/data/aei_claude_ai_2026-09-30.csv"
    files[new_csv] = lfs_entry(new_csv, NEW_SHA256, 1_234_567)
    files["release_2026_09_30/README.md"] = git_entry("release_2026_09_30/README.md", b"# new\n")
    hub.serve(files)
    exit_code, out, _ = releases(capsys)
    assert exit_code == 3
    assert "NEW RELEASE release_2026_09_30/: 2 file(s), 1,234,573 B" in out
    assert f"  {new_csv}  1,234,567 B" in out
    assert "  release_2026_09_30/README.md  6 B" in out
    # Ignored on purpose, or not a release folder at all: never reported.
    for quiet in ("release_2025_02_10", "release_2025_03_27", "scripts"):
        assert quiet not in out


def test_a_release_leaves_the_ignore_list_and_is_reported(hub, capsys, monkeypatch):
    monkeypatch.delitem(registry.IGNORED_RELEASES, "release_2025_03_27")
    exit_code, out, _ = releases(capsys)
    assert exit_code == 3
    assert "NEW RELEASE release_2025_03_27/: 1 file(s), 8 B" in out
    assert "release_2025_02_10" not in out


def test_changed_lfs_file_shows_old_and_new_checksums(hub, mirror, capsys):
    job_exposure = registry.sources_by_id()["job_exposure"]
    files = baseline(mirror)
    files[dataset_path(job_exposure)] = lfs_entry(dataset_path(job_exposure), NEW_SHA256, 37_200)
    hub.serve(files)
    exit_code, out, _ = releases(capsys)
    assert exit_code == 3
    assert job_exposure.sha256 == "4f0a3adf5feeb2ec5f5d02ab18cc5e851a2a4b8470bde84c0c9335017be12d68"
    assert (
        "CHANGED upstream, differs from the registry:\n"
        "  job_exposure: labor_market_impacts/job_exposure.csv\n"
        "    registry:    sha256 4f0a3adf5fee…, 37,176 B\n"
        f"    upstream:    sha256 {NEW_SHA256[:12]}…, 37,200 B\n"
    ) in out
    assert out.count("CHANGED") == 1 and "NEW RELEASE" not in out


def test_changed_plain_git_file_is_found_by_its_blob_sha1(hub, mirror, capsys):
    """A small file stored in plain git: the Hub's blob id against the mirror copy's."""
    state_gdp = registry.sources_by_id()["state_gdp"]
    path = dataset_path(state_gdp)
    files = baseline(mirror, plain_git=frozenset({"state_gdp"}))
    hub.serve(files)
    assert releases(capsys)[0] == 0  # the same body upstream: the same blob id

    body = mirror_body(mirror, path)
    files[path] = git_entry(path, body.replace(b"\n", b"\r\n"))
    hub.serve(files)
    exit_code, out, _ = releases(capsys)
    assert exit_code == 3
    assert (
        f"  state_gdp: {path}\n"
        f"    registry:    sha256 {state_gdp.sha256[:12]}…, git blob {blob_sha1(body)[:12]}…, "
        "2,179 B\n"
        f"    upstream:    sha256 unknown, git blob {files[path]['oid'][:12]}…, "
        f"{files[path]['size']:,} B\n"
    ) in out


def test_disappeared_file_is_reported(hub, mirror, capsys):
    files = baseline(mirror)
    del files["labor_market_impacts/task_penetration.csv"]
    hub.serve(files)
    exit_code, out, _ = releases(capsys)
    assert exit_code == 3
    assert (
        "DISAPPEARED upstream: task_penetration: labor_market_impacts/task_penetration.csv" in out
    )


def test_an_old_lock_pin_is_reported_apart_from_upstream_changes(hub, capsys):
    """Upstream still matches the registry; only the user's pinned copy is another one."""
    job_exposure = registry.sources_by_id()["job_exposure"]
    old = LockEntry(37_000, hashlib.sha256(b"older").hexdigest(), "2026-01-01T00:00:00+00:00")
    save_lock(settings().lock_file, {job_exposure.url: old})
    exit_code, out, _ = releases(capsys)
    assert exit_code == 3
    assert (
        "PIN IS OLD: upstream matches the registry, your lock file pins another:\n"
        "  job_exposure: labor_market_impacts/job_exposure.csv\n"
        f"    lock pin:    sha256 {old.sha256[:12]}…, 37,000 B\n"
        "    upstream:    sha256 4f0a3adf5fee…, 37,176 B\n"
    ) in out
    assert "CHANGED" not in out


def test_file_without_registry_checksum_is_compared_with_the_lock_pin(hub, mirror, capsys):
    wave = registry.sources_by_id()["aei_2026_02"]
    assert wave.sha256 is None
    path = dataset_path(wave)
    files = baseline(mirror)
    files[path] = lfs_entry(path, NEW_SHA256, 700_000)
    hub.serve(files)
    exit_code, out, _ = releases(capsys)  # no pin yet: nothing to compare with
    assert exit_code == 0
    assert (
        f"not compared: aei_2026_02: {path}: nothing to compare with: no checksum in the "
        "registry, no lock pin; `aiei fetch aei_2026_02` pins it"
    ) in out

    pinned = hashlib.sha256(mirror_body(mirror, path)).hexdigest()
    save_lock(settings().lock_file, {wave.url: LockEntry(661_539, pinned, "2026-04-01T00:00:00")})
    exit_code, out, _ = releases(capsys)
    assert exit_code == 3
    assert (
        "CHANGED upstream, differs from the lock pin:\n"
        f"  aei_2026_02: {path}\n"
        f"    lock pin:    sha256 {pinned[:12]}…, 661,539 B\n"
        f"    upstream:    sha256 {NEW_SHA256[:12]}…, 700,000 B\n"
    ) in out


def test_cached_copy_is_preferred_to_the_mirror_for_plain_git_files(hub, mirror, capsys):
    """With no checksum known, the known file is the cache's copy, else the mirror's."""
    wave = registry.sources_by_id()["aei_2025_08"]
    cached_body = b"geo_id,value\nIN,1\n"
    cached = cache_path(wave.url, settings().raw_dir)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(cached_body)
    exit_code, out, _ = releases(capsys)  # upstream (the baseline) holds the mirror's body
    assert exit_code == 3
    assert (
        "CHANGED upstream, differs from the local copy:\n"
        f"  aei_2025_08: {dataset_path(wave)}\n"
        f"    local copy:  sha256 {hashlib.sha256(cached_body).hexdigest()[:12]}…, "
        f"git blob {blob_sha1(cached_body)[:12]}…, 18 B\n"
    ) in out


def test_json_report_carries_full_checksums(hub, mirror, capsys):
    job_exposure = registry.sources_by_id()["job_exposure"]
    files = baseline(mirror)
    files[dataset_path(job_exposure)] = lfs_entry(dataset_path(job_exposure), NEW_SHA256, 37_200)
    files["release_2026_09_30/data/x.csv"] = git_entry("release_2026_09_30/data/x.csv", b"a\n")
    hub.serve(files)
    exit_code, out, _ = releases(capsys, "--json")
    assert exit_code == 3
    report = json.loads(out)
    assert report["endpoint"] == hub.endpoint("ok")
    assert report["checked_at"].endswith("+00:00")
    assert [r["folder"] for r in report["new_releases"]] == ["release_2026_09_30"]
    assert report["new_releases"][0]["files"][0]["bytes"] == 2
    (change,) = report["changed"]
    assert change["source_id"] == "job_exposure" and change["compared_with"] == "registry"
    assert change["old"] == {"sha256": job_exposure.sha256, "git_blob_sha1": None, "bytes": 37176}
    assert change["new"] == {"sha256": NEW_SHA256, "git_blob_sha1": None, "bytes": 37200}
    assert report["pin_only"] == report["disappeared"] == report["not_compared"] == []


def test_git_blob_sha1_matches_git(tmp_path):
    """`git hash-object` of b"hello\\n" is ce0136…; of an empty file e69de2…."""
    hello, empty = tmp_path / "hello", tmp_path / "empty"
    hello.write_bytes(b"hello\n")
    empty.write_bytes(b"")
    assert git_blob_sha1(hello) == "ce013625030ba8dba906f756967f9e9ca394464a"
    assert git_blob_sha1(empty) == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


# --- redirects and faults ----------------------------------------------------------------


def test_redirect_to_the_tree_is_followed(hub, capsys, monkeypatch):
    monkeypatch.setenv("AIEI_HF_ENDPOINT", hub.endpoint("moved"))
    exit_code, out, _ = releases(capsys)
    assert exit_code == 0 and "Nothing new" in out
    assert hub.hits["moved"] == 1 and hub.hits["ok"] > 2


@pytest.mark.parametrize(
    "case, problem",
    [
        ("down", "HTTP 500 Internal Server Error; fix: the Hub is busy or down"),
        ("html", "the answer is an HTML page"),
        (
            "login",
            "(redirected to http://127.0.0.1:{port}/signin?next="
            + TREE_PATH
            + "): the answer is an HTML page",
        ),
        ("badjson", "the answer is not valid JSON"),
        ("cutoff", "the connection broke before the whole answer arrived"),
        ("notalist", "unexpected shape: a JSON dict instead of a list of entries"),
        ("noblob", "unexpected shape: file entry 0 (README.md) lacks a size or a git oid"),
        ("endless", f"the answer goes on beyond {MAX_PAGES} pages"),
        ("nowhere", "HTTP 404 Not Found; fix: the dataset or API path is not there"),
    ],
)
def test_faults_end_in_one_line_naming_url_and_fix(hub, capsys, monkeypatch, case, problem):
    monkeypatch.setenv("AIEI_HF_ENDPOINT", hub.endpoint(case))
    exit_code, out, err = releases(capsys)
    assert (exit_code, out) == (1, "")
    assert err.startswith(f"aiei releases: error: {hub.endpoint(case)}{TREE_PATH}?recursive=true")
    assert problem.format(port=hub.server_port) in err
    assert "fix: " in err and err.count("\n") == 1 and "Traceback" not in err
    if case == "down":
        assert hub.hits["down"] == 3  # tried three times before giving up


def test_unreachable_hub_is_one_line(hub, capsys, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AIEI_HF_ENDPOINT", f"http://127.0.0.1:{port}")
    exit_code, out, err = releases(capsys)
    assert (exit_code, out) == (1, "")
    assert err.startswith(f"aiei releases: error: http://127.0.0.1:{port}{TREE_PATH}")
    assert "cannot reach the Hub (ConnectionError)" in err and err.count("\n") == 1


def test_releases_has_help(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["releases", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "AIEI_HF_ENDPOINT" in out and "--json" in out
