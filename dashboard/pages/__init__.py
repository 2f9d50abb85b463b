"""The pages of the app, registered in one place.

Each page is one module declaring a `PAGE` (`dashboard.pages.page.Page`): its path, how it
reads its URL, its layout, its document title and its callbacks. Here the router finds the
page of a URL, for the server's check of a first load (which gets a real status code) and
for client-side navigation alike, and `register` puts every callback on one app.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from dash import Dash, Input, Output, State, html

from dashboard import cite_panel
from dashboard import components as ui
from dashboard.data import DataNotBuilt, Marts, marts
from dashboard.pages import (
    area,
    changes,
    compare,
    home,
    methodology,
    occupation,
    occupations,
    state,
)
from dashboard.pages.page import Callback, Example, Page
from dashboard.urls import BadParameter, parse_query

PAGES: tuple[Page, ...] = (
    home.PAGE,
    state.PAGE,
    compare.PAGE,
    methodology.PAGE,
    occupations.PAGE,
    occupation.PAGE,
    changes.PAGE,
    area.PAGE,
)


EMBED = "/embed"  # /embed/state/IN: the page at /state/IN, framable, minimal chrome


class PageNotFound(LookupError):
    """No page at this path."""


def split_embed(path: str) -> tuple[bool, str]:
    """('/embed/state/IN') -> (True, '/state/IN'); ('/state/IN') -> (False, '/state/IN')."""
    if path == EMBED or path.startswith(EMBED + "/"):
        return True, path[len(EMBED) :] or "/"
    return False, path


def find(path: object) -> tuple[Page, dict[str, str]]:
    """The page at `path` and the parameters its path holds; PageNotFound otherwise. Under
    /embed only the embeddable pages are found."""
    if path is None:
        path = "/"
    if not isinstance(path, str):
        raise PageNotFound(repr(path))
    embedded, path = split_embed(path)
    for page in PAGES:
        parameters = page.match(path)
        if parameters is not None and (page.embeddable or not embedded):
            return page, parameters
    raise PageNotFound(path)


def resolve(path: object, query: Mapping[str, object], data: Marts) -> tuple[Page, object]:
    """The page at `path` and the view its URL describes. Raises PageNotFound, or
    BadParameter (with its HTTP status) for a URL the app cannot show."""
    page, parameters = find(path)
    return page, page.parse({**query, **parameters}, data)


def render(pathname: object, search: object) -> tuple[object, str]:
    """The page for a URL, ending with how to cite it, and its document title; or a notice
    saying what is wrong."""
    try:
        data = marts()
        page, view = resolve(pathname, parse_query(search), data)
        title = page.title(view, data)
        layout = page.layout(view, data)
        embedded, path = split_embed(pathname) if isinstance(pathname, str) else (False, "/")
        # As plain JSON: one component left in would make Dash's serialiser walk the
        # whole page in Python instead of handing it to orjson.
        if embedded:  # minimal chrome: the view and a source line linking back
            return ui.frozen(html.Div([layout, ui.embed_source(path, search)])), title
        return ui.frozen([layout, cite_panel.panel(data, str(pathname or "/"), title)]), title
    except PageNotFound:
        title = "Page not found"
        return ui.notice(title, "There is no page at this address."), title
    except BadParameter as exc:
        title = "This link cannot be shown"
        return ui.notice(title, str(exc)), title
    except DataNotBuilt:
        title = "No data yet"
        message = "The data has not been built on this server: run `aiei build`, then reload."
        return ui.notice(title, message, kind="info"), title


ROUTER = Callback(
    render,
    outputs=(Output("page", "children"), Output("page-title", "data")),
    inputs=(Input("url", "pathname"),),
    state=(State("url", "search"),),
    prevent_initial_call=False,
    example=lambda data: Example(("/state/IN", "")),
)
# The page's title (from the router, from the registry) in the browser's tab and history;
# after in-app navigation, focus on the new page's heading (assets/a11y.js).
DOCUMENT_TITLE = """function(title) {
    document.title = (title ? title + " · " : "") + __SITE__;
    if (window.aiei && window.aiei.pageShown) { window.aiei.pageShown(); }
    return title || "";
}""".replace("__SITE__", json.dumps(ui.SITE_NAME))


def callbacks() -> tuple[Callback, ...]:
    """Every server callback of the app: the router's, then each page's."""
    return (ROUTER, *(callback for page in PAGES for callback in page.callbacks))


def register(app: Dash) -> None:
    """Put every page's callbacks, the router and the document title on `app`."""
    for callback in callbacks():
        callback.register(app)
    app.clientside_callback(
        DOCUMENT_TITLE, Output("page", "data-title"), Input("page-title", "data")
    )
