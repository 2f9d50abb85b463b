"""Network downloads: one attempt streams a body to a temp file; failures worth another
attempt are retried with backoff. Imported only when a file is in neither the cache nor the
mirror, so offline builds never load requests."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
from tqdm import tqdm

from etl.sources.checks import FetchError, Retryable, check_body, starts_with_tag
from etl.sources.options import FetchOptions

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
PROGRESS_MIN_BYTES = 1 << 20


def _download(url: str, temp: Path, session: requests.Session, options: FetchOptions) -> None:
    """One attempt: stream the body to `temp`, raising Retryable or FetchError."""
    try:
        response = session.get(
            url, stream=True, timeout=(options.connect_timeout, options.read_timeout)
        )
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise Retryable(f"cannot connect: {exc.__class__.__name__}: {exc}") from exc
    with response:
        status = response.status_code
        if status in RETRY_STATUSES:
            retry_after = response.headers.get("Retry-After", "")
            wait = float(retry_after) if retry_after.isdigit() else None
            raise Retryable(f"HTTP {status} {response.reason}", wait)
        if status == 403:
            raise FetchError(
                url,
                "HTTP 403 Forbidden",
                "BLS and some CDNs refuse requests without a descriptive "
                "User-Agent: set AIEI_CONTACT=you@example.org (or "
                "AIEI_USER_AGENT); current User-Agent: "
                f"{session.headers.get('User-Agent')!r}",
            )
        if status == 404:
            raise FetchError(
                url,
                "HTTP 404 Not Found: the file is not at this URL",
                "the release may have moved or been withdrawn; check the "
                "dataset page and update etl/sources/registry.py",
            )
        if status != 200:
            raise FetchError(
                url,
                f"HTTP {status} {response.reason}",
                "unexpected answer; retry later or check the URL",
            )
        length = response.headers.get("Content-Length")
        # Content-Length counts bytes on the wire; a gzip-encoded body unzips to more.
        encoded = response.headers.get("Content-Encoding", "identity").strip().lower()
        expected = (
            int(length) if length and length.isdigit() and encoded in ("", "identity") else None
        )
        show = options.progress and (expected is None or expected >= PROGRESS_MIN_BYTES)
        try:
            with (
                temp.open("wb") as out,
                tqdm(
                    total=expected,
                    unit="B",
                    unit_scale=True,
                    disable=not show,
                    leave=False,
                    desc=Path(urlsplit(url).path).name,
                ) as bar,
            ):
                for chunk in response.iter_content(chunk_size=1 << 16):
                    out.write(chunk)
                    bar.update(len(chunk))
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise Retryable(f"connection broke mid-body: {exc.__class__.__name__}") from exc
        if (
            "text/html" in response.headers.get("Content-Type", "").lower()
            and starts_with_tag(temp)
            and not url.lower().endswith((".html", ".htm"))
        ):
            raise FetchError(
                url,
                "the server answered with an HTML page (Content-Type text/html), not the data file",
                "open the URL in a browser to "
                "see the page; if the file moved, update etl/sources/registry.py",
            )
    check_body(url, temp, expected)


def download(url: str, temp: Path, user_agent: str, options: FetchOptions) -> None:
    """Stream `url` into `temp`, retrying connection trouble, 429/5xx and short bodies."""
    problem = ""
    for attempt in range(1, options.attempts + 1):
        try:
            with requests.Session() as session:
                session.headers["User-Agent"] = user_agent
                _download(url, temp, session, options)
            return
        except Retryable as exc:
            problem = str(exc)
            if attempt < options.attempts:
                wait = exc.wait if exc.wait is not None else options.backoff * 2 ** (attempt - 1)
                time.sleep(min(wait, 60.0))
    raise FetchError(
        url,
        f"failed after {options.attempts} attempts: {problem}",
        "check your connection (or run offline with AIEI_MIRROR set to a "
        "mirror directory); if the host is down, retry later",
    )
