"""The Dash app. Production: `gunicorn dashboard.app:server`; development: `aiei serve`.

The app holds no per-user state: every view is described by its URL, data are read-only
marts loaded once per process.
"""

from __future__ import annotations

import contextlib
import logging

from dash import Dash, Input, Output, State, callback, clientside_callback, html
from flask_compress import Compress

from dashboard import components as ui
from dashboard import downloads, security
from dashboard.compression import StaticBrotli, first_visit_files
from dashboard.data import DataNotBuilt, marts
from dashboard.pages import compare, home, methodology, state
from dashboard.routes import PageNotFound, page_of, validate
from dashboard.urls import BadParameter, parse_query
from etl.config import PROJECT_ROOT, settings

COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "application/javascript",
    "text/javascript",
    "application/json",
]

app = Dash(
    __name__,
    title="State AI Economic Index",
    assets_folder=str(PROJECT_ROOT / "assets"),
    serve_locally=True,
    suppress_callback_exceptions=True,  # pages add their components after the first render
    update_title=None,
    meta_tags=[
        {"name": "viewport", "content": "width=device-width, initial-scale=1"},
        {
            "name": "description",
            "content": "What people use AI for, state by state, joined with the jobs people hold.",
        },
    ],
)
# `make` builds a plotly.js with only the traces we draw (1.4 MB instead of 4.8 MB) into
# assets/, where Dash loads it as a plain script, so dcc.Graph never fetches the full one.
# Without it (no npm), preload the full bundle, which Dash would otherwise request only once
# the first graph mounts.
PLOTLY_BUNDLE = PROJECT_ROOT / "assets" / "plotly-aiei.min.js"
PRELOAD_FULL_PLOTLY = (
    ""
    if PLOTLY_BUNDLE.is_file()
    else '<link rel="preload" as="script" '
    'href="/_dash-component-suites/plotly/package_data/plotly.min.js">'
)
app.index_string = (
    """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        """
    + PRELOAD_FULL_PLOTLY
    + """
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""
)
server = app.server
server.config.update(
    COMPRESS_MIMETYPES=COMPRESSED_TYPES,
    COMPRESS_ALGORITHM=["br", "gzip"],
    COMPRESS_BR_LEVEL=5,
    COMPRESS_MIN_SIZE=500,
)
Compress(server)
StaticBrotli(server, settings().data_dir / "cache" / "static").prewarm(first_visit_files())
downloads.register(server)
security.install(app)
app.layout = ui.frame()


def render(pathname: str | None, search: str | None) -> object:
    """The page for a URL, or a friendly notice saying what is wrong with it."""
    try:
        query = parse_query(search)
        data = marts()
        validate(data, pathname or "/", query)
        page, state_name = page_of(pathname or "/")
        if page == "state":
            return state.layout(state_name, query)
        return {"home": home.layout, "compare": compare.layout, "methodology": methodology.layout}[
            page
        ](query)
    except PageNotFound:
        return ui.notice("Page not found", "There is no page at this address.")
    except BadParameter as exc:
        return ui.notice("This link cannot be shown", str(exc))
    except DataNotBuilt:
        return ui.notice(
            "No data yet",
            "The data has not been built on this server: run `aiei build`, then reload.",
            kind="info",
        )
    except Exception:  # never a blank page or a traceback
        logging.getLogger("dashboard").exception("rendering %s?%s failed", pathname, search)
        return ui.notice(
            "Something went wrong",
            "The error has been logged. Please try again, or go back to the map.",
        )


@callback(Output("page", "children"), Input("url", "pathname"), State("url", "search"))
def route(pathname: str | None, search: str | None) -> object:
    return render(pathname, search)


clientside_callback(
    """function(path) {
        const names = {"/": "Map", "/compare": "Compare states", "/methodology": "Methodology"};
        const state = (path || "").match(/^\\/state\\/([A-Za-z]{2})/);
        const page = state ? state[1].toUpperCase() : (names[path] || "");
        document.title = (page ? page + " · " : "") + "State AI Economic Index";
        return "";
    }""",
    Output("page", "data-title"),
    Input("url", "pathname"),
)


def warm_up() -> None:
    """Load the marts now (once per process) rather than on the first request, and tell
    Dash every page's components, so callbacks of pages not on screen are not errors."""
    with contextlib.suppress(DataNotBuilt):
        marts()
        app.validation_layout = html.Div(
            [
                ui.frame(),
                home.layout({}),
                state.layout("IN", {}),
                compare.layout({}),
            ]
        )


warm_up()


def serve(host: str = "127.0.0.1", port: int = 8050, debug: bool = False) -> None:
    app.run(host=host, port=port, debug=debug)
