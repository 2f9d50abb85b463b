"""The Hugging Face Hub's file tree of the AEI dataset (read-only, no data downloaded).

`fetch_tree` reads every entry of Anthropic/EconomicIndex's tree from the Hub API
(paginated with `Link: <...>; rel="next"`): an LFS entry carries its sha256, a plain-git
entry a git blob SHA-1. Anything that is not the API's JSON in its documented shape is a
one-line error naming the URL and the fix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from etl.errors import UserFacingError
from etl.sniff import looks_like_markup
from etl.sources.http import RETRY_STATUSES

TREE_PATH = "/api/datasets/Anthropic/EconomicIndex/tree/main?recursive=true"
MAX_PAGES = 50  # the dataset holds a few hundred files; the Hub pages them by the thousand
MAX_REDIRECTS = 5
TIMEOUTS = (10.0, 30.0)  # seconds: connect, read
SHA1_HEX = re.compile(r"[0-9a-f]{40}")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
ENDPOINT_FIX = "check that AIEI_HF_ENDPOINT names the Hugging Face Hub or a mirror of its API"


class ReleasesError(UserFacingError):
    """The Hub's tree could not be read. One line: where, what, and what to do."""

    def __init__(self, where: str, problem: str, fix: str) -> None:
        super().__init__(f"{where}: {problem}; fix: {fix}")


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
