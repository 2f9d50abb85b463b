"""What every fetched body must pass, wherever it came from (mirror or network)."""

from __future__ import annotations

from pathlib import Path

from etl.errors import UserFacingError
from etl.sniff import looks_like_markup


class FetchError(UserFacingError, RuntimeError):
    """A file could not be fetched or verified. The message names the URL and the fix."""

    def __init__(self, url: str, problem: str, fix: str) -> None:
        self.url, self.problem, self.fix = url, problem, fix
        super().__init__(f"{url}: {problem}\n  fix: {fix}")


class Retryable(Exception):
    """A failure worth another attempt (connection trouble, 429/5xx, truncated body)."""

    def __init__(self, problem: str, wait: float | None = None) -> None:
        super().__init__(problem)
        self.wait = wait


def check_body(url: str, path: Path, expected_bytes: int | None = None) -> None:
    """Refuse bodies that cannot be the data file."""
    size = path.stat().st_size
    if size == 0:
        raise FetchError(
            url,
            "the body is empty (0 bytes)",
            "try again later; if it persists the upstream file was emptied",
        )
    with path.open("rb") as handle:
        head = handle.read(2048)
    if looks_like_markup(head) and not url.lower().endswith((".html", ".htm", ".xml")):
        raise FetchError(
            url,
            "the body is an HTML page, not the data file (an error, consent or login page)",
            "open the URL in a browser to see the "
            "page; if the file moved, update etl/sources/registry.py",
        )
    if expected_bytes is not None and size != expected_bytes:
        raise Retryable(f"truncated body: {size} of {expected_bytes} bytes")


def starts_with_tag(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
