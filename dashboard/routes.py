"""Which URLs are pages, and whether their parameters are valid: one check for the router
(client-side navigation) and for the server (first loads, which get a real status code)."""

from __future__ import annotations

import re

from dashboard.data import Marts
from dashboard.urls import BadParameter, map_params, state_code, state_list, wave_id

STATE_PATH = re.compile(r"^/state/([^/]{1,40})/?$")
LEVELS = ("major", "minor")


class PageNotFound(LookupError):
    """No page at this path."""


def page_of(path: str) -> tuple[str, str | None]:
    """(page name, state code or None) for a path; PageNotFound otherwise."""
    if path is not None and not isinstance(path, str):
        raise PageNotFound(repr(path))
    path = path or "/"
    if path == "/":
        return "home", None
    if path.rstrip("/") in ("/compare", "/methodology"):
        return path.strip("/"), None
    found = STATE_PATH.match(path)
    if found:
        return "state", found.group(1)
    raise PageNotFound(path)


def validate(data: Marts, path: str, query: dict[str, str]) -> None:
    """Raise BadParameter (with its HTTP status) or PageNotFound for a URL the app can't show."""
    page, state = page_of(path)
    if page == "home":
        map_params(query, data)
    elif page == "state":
        state_code(state or "")
        wave_id(query.get("wave"), data.waves)
        if query.get("level", "major") not in LEVELS:
            raise BadParameter("level", query["level"], "major or minor")
    elif page == "compare":
        state_list(query.get("states"))
        wave_id(query.get("wave"), data.waves)
