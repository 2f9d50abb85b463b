"""The address the app is published at, for every absolute URL it writes (citations,
briefings, links to share): `AIEI_PUBLIC_URL`, default http://127.0.0.1:8050. One setting,
so a briefing rendered from the command line cites the same URL as one the server renders."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

VARIABLE = "AIEI_PUBLIC_URL"
DEFAULT = "http://127.0.0.1:8050"


def is_configured() -> bool:
    """Whether the deployment names its public address (share links then use it)."""
    return bool(os.environ.get(VARIABLE, "").strip())


def public_url() -> str:
    """The configured base URL, without a trailing slash; ValueError naming the setting
    if it is not an http(s) address."""
    value = os.environ.get(VARIABLE, "").strip() or DEFAULT
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            f"{VARIABLE}={value!r} is not valid: expected e.g. https://aiei.example.org"
        )
    return value.rstrip("/")


def absolute(path: str) -> str:
    """`/state/IN` -> `<public URL>/state/IN`."""
    return public_url() + "/" + path.lstrip("/")
