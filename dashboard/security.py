"""Web hardening: real status codes for bad links, bounded callback requests, security
headers, and no traceback ever sent to a browser.

`AIEI_FRAME_ANCESTORS` (default `'self'`) lists the origins allowed to put the app in a
frame, e.g. `'self' https://legislature.example.gov`; the embeds at /embed/... are made to
be framed, by the origins `AIEI_EMBED_ANCESTORS` lists (default `*`, any).
"""

from __future__ import annotations

import html
import logging
import os

from dash import Dash
from dash.exceptions import DependencyException
from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from dashboard import callback_requests, page_build
from dashboard.data import DataNotBuilt, marts
from dashboard.pages import PageNotFound, resolve, split_embed
from dashboard.urls import BadParameter, parse_query

PAGE_RULES = ("/", "/<path:path>")  # Dash's index and its catch-all
CALLBACK_PATH = "/_dash-update-component"
MAX_BODY_BYTES = 64 * 1024  # a callback request is at most a few KB
MAX_URL_BYTES = 2048
log = logging.getLogger("dashboard")

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · State AI Economic Index</title><link rel="stylesheet" href="/assets/app.css">
</head><body><main id="page"><div class="notice notice-error" role="alert">
<h1>{title}</h1><p>{message}</p><p><a href="/">Back to the map</a></p></div></main>
</body></html>"""


def friendly(status: int, title: str, message: str) -> Response:
    body = PAGE.format(title=html.escape(title), message=html.escape(message))
    return Response(body, status=status, mimetype="text/html")


def content_security_policy(app: Dash, embed: bool = False) -> str:
    if embed:
        frame_ancestors = os.environ.get("AIEI_EMBED_ANCESTORS") or "*"
    else:
        frame_ancestors = os.environ.get("AIEI_FRAME_ANCESTORS", "'self'")
    scripts = " ".join(["'self'", *app.csp_hashes()])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",  # plotly.js and React set inline styles
            "img-src 'self' data: blob:",  # plotly's PNG export builds data URLs
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def _check_page() -> Response | None:
    """First loads of a page: unknown path or bad parameter -> friendly page + status."""
    if len(request.full_path.encode()) > MAX_URL_BYTES:
        return friendly(
            414,
            "This link is too long",
            "The address is longer than the app accepts. Open the map and choose the view again.",
        )
    try:
        query = parse_query(request.query_string.decode("utf-8", "replace"))
        resolve(request.path, query, marts())
    except PageNotFound:
        return friendly(404, "Page not found", "There is no page at this address.")
    except BadParameter as exc:
        return friendly(exc.status, "This link cannot be shown", str(exc))
    except DataNotBuilt:
        return None  # the page itself says the data is not built yet
    return None


def _check_callback(app: Dash) -> Response | None:
    """Callback requests: bounded size, one of this app's callbacks with its own arguments
    (else 413/400 with the reason, never a 500 from Dash's own parsing), answered from the
    build of the page that sent it."""
    too_large = Response("callback request too large\n", status=413, mimetype="text/plain")
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:  # a Content-Length over the limit: nothing read
        return too_large
    if len(body) >= MAX_BODY_BYTES:  # a chunked body, read up to the limit and no further
        return too_large
    try:
        payload = callback_requests.parse(body, app.callback_map)
    except callback_requests.MalformedCallback as exc:
        return Response(f"malformed callback request: {exc}\n", status=400, mimetype="text/plain")
    return page_build.answer_from_page_build(payload.get("build"))


def install(app: Dash) -> None:
    server: Flask = app.server
    # Werkzeug stops reading any body at this size: it refuses a Content-Length over it
    # (413) and reads a chunked body up to it only (_check_callback refuses one that
    # reaches it), so nothing is buffered past it. The app takes no uploads: callbacks
    # are the only bodies it reads.
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    policy: dict[bool, str] = {}  # computed on first request, when every callback is registered

    @server.before_request
    def guard() -> Response | None:
        if request.method == "POST" and request.path == CALLBACK_PATH:
            return _check_callback(app)
        rule = request.url_rule.rule if request.url_rule else None
        if request.method in ("GET", "HEAD") and rule in PAGE_RULES:
            return _check_page()  # Dash answers every unknown path with the app: not us
        return None

    @server.after_request
    def headers(response: Response) -> Response:
        embed = split_embed(request.path)[0]
        if embed not in policy:
            policy[embed] = content_security_policy(app, embed)
        response.headers.setdefault("Content-Security-Policy", policy[embed])
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response

    @server.errorhandler(Exception)
    def failure(exc: Exception) -> Response:
        if isinstance(exc, DependencyException):  # a script path Dash does not serve
            return friendly(404, "Not found", "There is no file at this address.")
        code = getattr(exc, "code", None)
        if isinstance(code, int) and code < 500:  # werkzeug HTTP errors: keep their status
            return friendly(
                code, getattr(exc, "name", "Error"), getattr(exc, "description", "") or ""
            )
        log.exception("unhandled error on %s", request.path)
        return friendly(
            500,
            "Something went wrong",
            "The error has been logged. Please try again, or go back to the map.",
        )
