"""Web hardening: real status codes for bad links, bounded callback requests, security
headers, and no traceback ever sent to a browser.

`AIEI_FRAME_ANCESTORS` (default `'self'`) lists the origins allowed to embed the app in a
frame, e.g. `'self' https://legislature.example.gov`.
"""

from __future__ import annotations

import html
import json
import logging
import os

from dash import Dash
from dash._utils import stringify_id
from dash.exceptions import DependencyException
from flask import Flask, Response, request

from dashboard.data import DataNotBuilt, marts
from dashboard.pages import PageNotFound, resolve
from dashboard.urls import BadParameter, parse_query

PAGE_RULES = ("/", "/<path:path>")  # Dash's index and its catch-all
CALLBACK_PATH = "/_dash-update-component"
MAX_CALLBACK_BYTES = 64 * 1024
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


def content_security_policy(app: Dash) -> str:
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


def _names(items: list[dict]) -> list[str]:
    """`id.property` of each callback argument, ids as Dash writes them (a dict as JSON)."""
    return [f"{stringify_id(item['id'])}.{item['property']}" for item in items]


def _matches(callback: dict | None, payload: dict) -> bool:
    """The request names a server callback of this app with its own inputs and state, in
    order, and says which of those inputs changed. (The app uses no wildcard ids.)"""
    if callback is None or "callback" not in callback:
        return False
    inputs = _names(payload["inputs"])
    return (
        inputs == _names(callback["inputs"])
        and _names(payload.get("state", [])) == _names(callback["state"])
        and isinstance(payload.get("changedPropIds", []), list)
        and all(changed in inputs for changed in payload.get("changedPropIds", []))
    )


def _check_callback(app: Dash) -> Response | None:
    """Callback requests: bounded size, the shape Dash expects, and one of this app's
    callbacks with its arguments; else 400/413 (never a 500 from Dash's own parsing)."""
    if (request.content_length or 0) > MAX_CALLBACK_BYTES:
        return Response("callback request too large\n", status=413, mimetype="text/plain")
    try:
        payload = json.loads(request.get_data(cache=True) or b"")
        multi = str(payload.get("output", "")).startswith("..")
        outputs = payload.get("outputs")
        ok = (
            isinstance(payload, dict)
            and isinstance(payload.get("output"), str)
            and isinstance(payload.get("inputs"), list)
            and isinstance(payload.get("state", []), list)
            and isinstance(outputs, list if multi else dict)
            and all(
                isinstance(i, dict) and "id" in i and "property" in i
                for i in payload["inputs"] + payload.get("state", [])
            )
            and _matches(app.callback_map.get(payload["output"]), payload)
        )
    except (ValueError, TypeError, AttributeError):
        ok = False
    if not ok:
        return Response("malformed callback request\n", status=400, mimetype="text/plain")
    return None


def install(app: Dash) -> None:
    server: Flask = app.server
    policy: list[str] = []  # computed on first request, when every callback is registered

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
        if not policy:
            policy.append(content_security_policy(app))
        response.headers.setdefault("Content-Security-Policy", policy[0])
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
