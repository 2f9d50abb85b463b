"""Compare the Hugging Face Hub's file tree of the AEI dataset with the source registry.

`aiei releases` reads the tree of Anthropic/EconomicIndex from the Hub API and reports
release folders the registry neither uses nor ignores on purpose, registered files whose
upstream checksum differs from the one the product knows, lock-file pins that upstream has
moved past, and registered files that are gone. No data file is downloaded: an LFS entry
carries its sha256; a plain-git entry carries a git blob SHA-1, compared with the blob id of
a local copy (the cache, else the mirror).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from etl.config import Settings
from etl.errors import UserFacingError
from etl.sniff import looks_like_markup
from etl.sources.fetch import cache_path, sha256_of
from etl.sources.http import RETRY_STATUSES
from etl.sources.lock import LockEntry, load_lock
from etl.sources.registry import AEI_ROOT, IGNORED_RELEASES, Source, sources

TREE_PATH = "/api/datasets/Anthropic/EconomicIndex/tree/main?recursive=true"
MAX_PAGES = 50  # the dataset holds a few hundred files; the Hub pages them by the thousand
MAX_REDIRECTS = 5
TIMEOUTS = (10.0, 30.0)  # seconds: connect, read
EXIT_FINDINGS = 3  # something is new or changed: a scheduled job should act
RELEASE_FOLDER = re.compile(r"release_\d{4}_\d{2}_\d{2}|labor_market_impacts")
SHA1_HEX = re.compile(r"[0-9a-f]{40}")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
ENDPOINT_FIX = "check that AIEI_HF_ENDPOINT names the Hugging Face Hub or a mirror of its API"


class ReleasesError(UserFacingError):
    """The Hub's tree could not be read. One line: where, what, and what to do."""

    def __init__(self, where: str, problem: str, fix: str) -> None:
        super().__init__(f"{where}: {problem}; fix: {fix}")


# --- what upstream holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One identity of a file, as the registry, the lock file, a local copy or the Hub knows it."""

    sha256: str | None
    git_blob_sha1: str | None
    bytes: int | None


@dataclass(frozen=True)
class UpstreamFile:
    path: str
    bytes: int
    git_oid: str  # the git blob SHA-1 (for an LFS file, that of its pointer)
    sha256: str | None  # LFS files only: the Hub gives their sha256 as lfs.oid

    @property
    def version(self) -> Version:
        blob = None if self.sha256 else self.git_oid  # a pointer's blob id says nothing
        return Version(self.sha256, blob, self.bytes)


@dataclass(frozen=True)
class HubTree:
    url: str
    pages: int
    files: dict[str, UpstreamFile]  # by path in the dataset
    folders: frozenset[str]  # top-level directories


def tree_url(endpoint: str) -> str:
    return endpoint.rstrip("/") + TREE_PATH


def _session(user_agent: str) -> requests.Session:
    session = requests.Session()
    session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
    session.max_redirects = MAX_REDIRECTS
    # Two more tries for connection trouble and 429/5xx; Retry-After is not obeyed, so a
    # throttled check fails within seconds instead of sleeping for as long as asked.
    retry = Retry(
        total=2,
        backoff_factor=0.5,
        status_forcelist=RETRY_STATUSES,
        allowed_methods={"GET"},
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    for scheme in ("https://", "http://"):
        session.mount(scheme, HTTPAdapter(max_retries=retry))
    return session


def fetch_tree(endpoint: str, user_agent: str) -> HubTree:
    """Every entry of the dataset's tree, following `Link: <…>; rel="next"` pages."""
    first = tree_url(endpoint)
    files: dict[str, UpstreamFile] = {}
    folders: set[str] = set()
    url: str | None = first
    pages = 0
    with _session(user_agent) as session:
        while url:
            if pages == MAX_PAGES:
                raise ReleasesError(
                    first, f"the answer goes on beyond {MAX_PAGES} pages", ENDPOINT_FIX
                )
            response = _get(session, url)
            page_files, page_folders = _read_page(url, _json_body(url, response))
            files.update((f.path, f) for f in page_files)
            folders |= page_folders
            pages += 1
            next_page = response.links.get("next", {}).get("url")
            url = urljoin(response.url, next_page) if next_page else None
    return HubTree(first, pages, files, frozenset(folders))


def _get(session: requests.Session, url: str) -> requests.Response:
    try:
        response = session.get(url, timeout=TIMEOUTS)
    except requests.TooManyRedirects:
        raise ReleasesError(url, f"more than {MAX_REDIRECTS} redirects", ENDPOINT_FIX) from None
    except requests.exceptions.ChunkedEncodingError:
        raise ReleasesError(
            url, "the connection broke before the whole answer arrived", "retry later"
        ) from None
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise ReleasesError(
            url,
            f"cannot reach the Hub ({exc.__class__.__name__})",
            f"check your connection and retry later, or {ENDPOINT_FIX}",
        ) from None
    except requests.RequestException as exc:  # a malformed endpoint URL, mostly
        raise ReleasesError(url, f"{exc.__class__.__name__}: {exc}", ENDPOINT_FIX) from None
    if response.status_code != 200:
        raise ReleasesError(
            url, f"HTTP {response.status_code} {response.reason}", _fix_for(response.status_code)
        )
    return response


def _fix_for(status: int) -> str:
    if status in RETRY_STATUSES:
        return "the Hub is busy or down (three tries failed); retry later"
    if status == 404:
        return f"the dataset or API path is not there; {ENDPOINT_FIX}"
    return f"unexpected answer; {ENDPOINT_FIX}"


def _json_body(url: str, response: requests.Response) -> object:
    where = url if response.url == url else f"{url} (redirected to {response.url})"
    content_type = response.headers.get("Content-Type", "").lower()
    if "html" in content_type or looks_like_markup(response.content[:2048]):
        raise ReleasesError(
            where,
            "the answer is an HTML page (a login, consent or error page), not the Hub API's JSON",
            f"open the URL in a browser to see the page; {ENDPOINT_FIX}",
        )
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise ReleasesError(
            where,
            f"the answer is not valid JSON ({len(response.content):,} B; {exc})",
            f"retry later (a cut-off answer); if it persists, {ENDPOINT_FIX}",
        ) from None


def _read_page(url: str, body: object) -> tuple[list[UpstreamFile], set[str]]:
    """A page's files and the top-level folders it shows; anything else is refused."""
    if not isinstance(body, list):
        raise _unexpected(url, f"a JSON {type(body).__name__} instead of a list of entries")
    files: list[UpstreamFile] = []
    folders: set[str] = set()
    for index, entry in enumerate(body):
        if not (
            isinstance(entry, dict)
            and entry.get("type") in ("file", "directory")
            and isinstance(entry.get("path"), str)
            and entry["path"]
        ):
            raise _unexpected(url, f"entry {index} is not a file or directory with a path")
        path, is_file = entry["path"], entry["type"] == "file"
        if "/" in path or not is_file:
            folders.add(path.split("/", 1)[0])
        if is_file:
            files.append(_upstream_file(url, index, entry))
    return files, folders


def _upstream_file(url: str, index: int, entry: dict) -> UpstreamFile:
    path, lfs = entry["path"], entry.get("lfs")
    if not (_is_size(entry.get("size")) and _matches(SHA1_HEX, entry.get("oid"))):
        raise _unexpected(url, f"file entry {index} ({path}) lacks a size or a git oid")
    if lfs is None:
        return UpstreamFile(path, entry["size"], entry["oid"], None)
    if not (
        isinstance(lfs, dict) and _is_size(lfs.get("size")) and _matches(SHA256_HEX, lfs.get("oid"))
    ):
        raise _unexpected(url, f"file entry {index} ({path}) has an lfs block without a sha256")
    return UpstreamFile(path, lfs["size"], entry["oid"], lfs["oid"])


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _matches(pattern: re.Pattern[str], value: object) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _unexpected(url: str, problem: str) -> ReleasesError:
    return ReleasesError(
        url,
        f"unexpected shape: {problem}",
        f"{ENDPOINT_FIX}; if it does, the Hub API changed and etl/sources/releases.py "
        "needs updating",
    )


# --- what the product knows ------------------------------------------------------------


def dataset_path(source: Source) -> str | None:
    """The file's path in the AEI dataset, or None for a source hosted elsewhere."""
    return unquote(source.url.removeprefix(AEI_ROOT)) if source.url.startswith(AEI_ROOT) else None


def git_blob_sha1(path: Path) -> str:
    """The id git gives a file's content: SHA-1 over b"blob <size>\\0" and the bytes."""
    digest = hashlib.sha1(b"blob %d\0" % path.stat().st_size, usedforsecurity=False)
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, lambda: digest).hexdigest()


def _local_version(path: Path) -> Version:
    return Version(sha256_of(path), git_blob_sha1(path), path.stat().st_size)


def _references(
    source: Source, upstream: UpstreamFile, pin: LockEntry | None, copies: list[Path]
) -> list[tuple[str, Version]]:
    """What the product knows about the file, most authoritative first."""
    known = []
    if source.sha256:
        known.append(("registry", Version(source.sha256, None, source.bytes)))
    if pin:
        known.append(("lock pin", Version(pin.sha256, None, pin.bytes)))
    if upstream.sha256:
        return known
    # Plain git: the Hub gives only a git blob id, so each known sha256 needs a local body
    # with that sha256 to compute its blob id from; with no checksum known, the local copy
    # itself is the reference.
    bodies = [_local_version(path) for path in copies]
    if not known:
        return [("local copy", bodies[0])] if bodies else []
    by_sha256 = {body.sha256: body.git_blob_sha1 for body in bodies}
    return [(label, replace(v, git_blob_sha1=by_sha256.get(v.sha256))) for label, v in known]


def _same(upstream: UpstreamFile, known: Version) -> bool | None:
    """Whether upstream holds the known version; None when it cannot be told."""
    if upstream.sha256:
        return upstream.sha256 == known.sha256
    return upstream.git_oid == known.git_blob_sha1 if known.git_blob_sha1 else None


# --- the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewRelease:
    folder: str
    files: tuple[UpstreamFile, ...]


@dataclass(frozen=True)
class Change:
    source_id: str
    path: str
    compared_with: str  # "registry", "lock pin" or "local copy"
    old: Version
    new: Version


@dataclass(frozen=True)
class Disappeared:
    source_id: str
    path: str


@dataclass(frozen=True)
class NotCompared:
    source_id: str
    path: str
    reason: str


@dataclass(frozen=True)
class ReleasesReport:
    endpoint: str
    tree_url: str
    checked_at: str
    pages: int
    upstream_files: int
    registered_files: int
    new_releases: tuple[NewRelease, ...]
    changed: tuple[Change, ...]  # upstream differs from the registry (or the only record)
    pin_only: tuple[Change, ...]  # upstream matches the registry, the lock pins another
    disappeared: tuple[Disappeared, ...]
    not_compared: tuple[NotCompared, ...]  # no checksum known to compare with: no finding

    @property
    def has_findings(self) -> bool:
        return bool(self.new_releases or self.changed or self.pin_only or self.disappeared)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def compare(
    tree: HubTree, registered: list[Source], lock: dict[str, LockEntry], settings: Settings
) -> ReleasesReport:
    """Sort the registry's AEI files and the Hub's release folders into findings."""
    aei = [(source, path) for source in registered if (path := dataset_path(source))]
    changed: list[Change] = []
    pin_only: list[Change] = []
    disappeared: list[Disappeared] = []
    not_compared: list[NotCompared] = []
    roots = [settings.raw_dir, *([settings.mirror] if settings.mirror else [])]
    for source, path in aei:
        upstream = tree.files.get(path)
        if upstream is None:
            disappeared.append(Disappeared(source.id, path))
            continue
        copies = [p for p in (cache_path(source.url, r) for r in roots) if p.is_file()]
        references = _references(source, upstream, lock.get(source.url), copies)
        if not references:
            missing = "no lock pin" + ("" if upstream.sha256 else ", no local copy")
            reason = f"nothing to compare with: no checksum in the registry, {missing}"
            not_compared.append(NotCompared(source.id, path, reason))
            continue
        (label, known), *others = references
        same = _same(upstream, known)
        if same is None:
            reason = f"a plain-git file, and no local copy has the {label}'s sha256"
            not_compared.append(NotCompared(source.id, path, reason))
        elif not same:
            changed.append(Change(source.id, path, label, known, upstream.version))
        elif (pinned := dict(others).get("lock pin")) and pinned.sha256 != known.sha256:
            now = replace(upstream.version, sha256=known.sha256)
            pin_only.append(Change(source.id, path, "lock pin", pinned, now))
    return ReleasesReport(
        endpoint=settings.hf_endpoint,
        tree_url=tree.url,
        checked_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        pages=tree.pages,
        upstream_files=len(tree.files),
        registered_files=len(aei),
        new_releases=_new_releases(tree, {path.split("/", 1)[0] for _, path in aei}),
        changed=tuple(changed),
        pin_only=tuple(pin_only),
        disappeared=tuple(disappeared),
        not_compared=tuple(not_compared),
    )


def _new_releases(tree: HubTree, used: set[str]) -> tuple[NewRelease, ...]:
    new = sorted(
        folder
        for folder in tree.folders - used - IGNORED_RELEASES.keys()
        if RELEASE_FOLDER.fullmatch(folder)
    )
    return tuple(
        NewRelease(
            folder,
            tuple(f for path, f in sorted(tree.files.items()) if path.startswith(folder + "/")),
        )
        for folder in new
    )


def check_releases(settings: Settings) -> ReleasesReport:
    tree = fetch_tree(settings.hf_endpoint, settings.user_agent)
    try:
        lock = load_lock(settings.lock_file)
    except ValueError as exc:
        raise ReleasesError(
            str(settings.lock_file), "the lock file is damaged", f"delete it ({exc})"
        ) from None
    return compare(tree, list(sources()), lock, settings)


# --- the text report ---------------------------------------------------------------------


def _short(checksum: str) -> str:
    return checksum[:12] + "…"


def _describe(version: Version) -> str:
    parts = [f"sha256 {_short(version.sha256)}" if version.sha256 else "sha256 unknown"]
    if version.git_blob_sha1:
        parts.append(f"git blob {_short(version.git_blob_sha1)}")
    parts.append(f"{version.bytes:,} B" if version.bytes is not None else "size unknown")
    return ", ".join(parts)


def _change_lines(change: Change, action: str) -> list[str]:
    return [
        f"  {change.source_id}: {change.path}",
        f"    {change.compared_with + ':':<12} {_describe(change.old)}",
        f"    {'upstream:':<12} {_describe(change.new)}",
        f"    next: {action}",
    ]


def format_text(report: ReleasesReport) -> str:
    lines = [
        f"Hub tree {report.tree_url}: {report.pages} page(s), {report.upstream_files} files; "
        f"{report.registered_files} registered AEI files; checked {report.checked_at}"
    ]
    for release in report.new_releases:
        total = sum(f.bytes for f in release.files)
        lines.append(
            f"NEW RELEASE {release.folder}/: {len(release.files)} file(s), {total:,} B "
            "(not in the registry, not in IGNORED_RELEASES)"
        )
        lines += [f"  {f.path}  {f.bytes:,} B" for f in release.files]
    for change in report.changed:
        lines.append(f"CHANGED upstream, differs from the {change.compared_with}:")
        lines += _change_lines(
            change,
            "read the release notes; update sha256/bytes in etl/sources/registry.py if it has "
            f"them; then `aiei fetch {change.source_id} --refresh --accept-changed`",
        )
    for change in report.pin_only:
        lines.append("PIN IS OLD: upstream matches the registry, your lock file pins another:")
        lines += _change_lines(
            change, f"`aiei fetch {change.source_id} --refresh --accept-changed` to re-pin"
        )
    for gone in report.disappeared:
        lines.append(f"DISAPPEARED upstream: {gone.source_id}: {gone.path}")
        lines.append(
            "    next: find it on the dataset page (moved or withdrawn?); update the registry"
        )
    lines += [
        f"not compared: {s.source_id}: {s.path}: {s.reason}; `aiei fetch {s.source_id}` pins it"
        for s in report.not_compared
    ]
    if report.has_findings:
        lines.append("Something is new or changed: see docs/adding-a-release.md (exit 3).")
    else:
        lines.append("Nothing new: no unknown release folder, no changed or missing file.")
    return "\n".join(lines)
