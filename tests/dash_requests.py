"""Callback requests as Dash's renderer sends them, for tests that post them by hand."""

from __future__ import annotations


def router_request(pathname: str = "/state/IN", build: str | None = None) -> dict:
    """The router's callback for `pathname`, sent from a page of `build` (if given)."""
    payload = {
        "output": "..page.children...page-title.data..",
        "outputs": [
            {"id": "page", "property": "children"},
            {"id": "page-title", "property": "data"},
        ],
        "inputs": [{"id": "url", "property": "pathname", "value": pathname}],
        "state": [{"id": "url", "property": "search", "value": ""}],
        "changedPropIds": ["url.pathname"],
    }
    return payload | ({"build": build} if build else {})
