"""Validators and caching rules for every GET, in one place, so a CDN or a reverse proxy can
hold everything but the callbacks.

Every GET/HEAD answered 200 (or 206, a byte range) gets an `ETag` made of what its bytes
depend on: the app's code and assets, the build it was answered from (static files depend
on no build), the path with its query string, and the response's content encoding (one
ETag per encoding, with `Vary: Accept-Encoding`). A request whose `If-None-Match` holds the
ETag of a representation it accepts is answered 304 before any handler runs: no page
resolved, no table filtered, no chart rendered. A new build changes every data ETag, so
caches fetch again once their copy is stale.

Page HTML gets a weak ETag (`W/"..."`): Dash writes a fresh `end_id` into every page it
serves, a token that binds background callbacks to a page load. This app has none, so two
loads of a page differ only in a token nothing reads: equivalent, not byte-identical. Every
other answer is byte-identical for the same ETag.

`Cache-Control`: fingerprinted static files (a version in the name or query) are
immutable for a year; other static files are revalidated on every use; data responses
(pages, API, downloads, briefings, chart images) are fresh for a minute, then revalidated,
so a new build reaches every visitor within `DATA_MAX_AGE` seconds. POST callbacks are not
touched: they stay on the app servers. README "Behind a CDN or reverse proxy" explains.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import version
from pathlib import Path

from dash.fingerprint import check_fingerprint
from flask import Flask, Response, g, request

from dashboard.citation import package_version
from dashboard.data import DataNotBuilt, marts
from etl.config import PROJECT_ROOT

DATA_MAX_AGE = 60
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
DATA = f"public, max-age={DATA_MAX_AGE}"
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
CODINGS = ("br", "gzip", "identity")
NOT_CACHED = ("/_reload-hash",)  # Dash's development hot reload
KEPT_ON_304 = ("ETag", "Cache-Control", "Vary", "Content-Location")


@cache
def code_version() -> str:
    """A digest of what a response's bytes depend on besides the build and the request:
    the app's code and assets, and the versions of Dash and plotly (once per process; the
    same on every worker and every machine with the same deploy)."""
    digest = hashlib.sha256()
    for package in ("dash", "plotly", "flask-compress"):
        digest.update(f"{package}={version(package)};".encode())
    digest.update(f"aiei={package_version()};".encode())
    dashboard = Path(__file__).parent
    files = [
        *dashboard.glob("*.py"),
        *dashboard.glob("*/*.py"),
        *dashboard.glob("*/*.css"),
        *(p for p in (PROJECT_ROOT / "assets").rglob("*") if p.is_file()),
    ]
    for path in sorted(files):
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def is_static(path: str) -> bool:
    return path.startswith(STATIC_PREFIXES)


def is_fingerprinted(path: str, args: dict[str, str]) -> bool:
    """Dash's fingerprinted component files (`x.v4_4_1m1712.min.js`) and assets linked with
    their modification time (`/assets/app.css?m=1712`): a new version has a new URL."""
    if path.startswith("/_dash-component-suites/"):
        return check_fingerprint(path)[1]
    return path.startswith("/assets/") and "m" in args


def _build() -> str:
    """The build the request is answered from; static files depend on none."""
    if is_static(request.path):
        return "static"
    try:
        return marts().build_id
    except DataNotBuilt:
        return "none"


def etag(coding: str) -> str:
    """The ETag of this request's representation in `coding` (br, gzip or identity)."""
    key = "|".join(
        (code_version(), _build(), request.path, request.query_string.decode("latin-1"), coding)
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def accepted_codings() -> list[str]:
    """The codings of CODINGS this request accepts (identity always)."""
    accepted = request.accept_encodings
    return [c for c in CODINGS if c == "identity" or accepted[c] > 0]


def _cacheable() -> bool:
    return request.method in ("GET", "HEAD") and request.path not in NOT_CACHED


def cache_control() -> str:
    if not is_static(request.path):
        return DATA
    return IMMUTABLE if is_fingerprinted(request.path, request.args) else REVALIDATE


def not_modified() -> Response | None:
    """304 for a request holding the ETag of a representation it accepts, before any
    handler runs."""
    if not _cacheable() or not request.if_none_match:
        return None
    for coding in accepted_codings():
        tag = etag(coding)
        if request.if_none_match.contains_weak(tag):
            g.not_modified = (tag, request.if_none_match.is_weak(tag))
            return Response(status=304)
    return None


def validate(response: Response) -> Response:
    """ETag, Vary and Cache-Control on a GET's answer (run after compression)."""
    if not _cacheable():
        return response
    if response.status_code == 304 and "not_modified" in g:
        for name in list(response.headers.keys()):
            if name not in KEPT_ON_304 and not name.startswith("X-"):
                del response.headers[name]
        tag, weak = g.not_modified
        response.set_etag(tag, weak=weak)
    elif response.status_code in (200, 206):
        coding = response.headers.get("Content-Encoding", "identity")
        response.set_etag(etag(coding), weak=response.mimetype == "text/html")
    else:
        return response
    vary = response.headers.get("Vary", "")
    if "accept-encoding" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    response.headers["Cache-Control"] = cache_control()
    response.headers.pop("Expires", None)  # send_file's; Cache-Control says it all
    return response


def install(server: Flask) -> None:
    """Register before flask-compress, so `validate` runs after it (Flask runs after-request
    hooks in reverse order) and sees the encoding sent; `not_modified` is registered before
    the page checks (dashboard/security.py), which it makes unnecessary."""
    server.before_request(not_modified)
    server.after_request(validate)
