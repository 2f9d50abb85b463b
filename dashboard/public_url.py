"""Absolute URLs of the app, from one setting.

`AIEI_PUBLIC_URL` is the address the public reaches the app at (e.g.
`https://aiei.example.org`); link previews, share links and embed snippets are built from
it, so they name the same URL whoever renders them. Unset, it is the address the request
came to (or, outside a request, the development server's default address).
"""

from __future__ import annotations

import os

from flask import has_request_context, request

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8050"


def public_url(path: str = "/") -> str:
    """`path` (with its query) as an absolute URL under AIEI_PUBLIC_URL."""
    base = os.environ.get("AIEI_PUBLIC_URL") or (
        request.host_url if has_request_context() else DEFAULT_PUBLIC_URL
    )
    base = base.rstrip("/")
    return base + "/" + path.lstrip("/")
