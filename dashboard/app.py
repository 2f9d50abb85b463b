"""The Dash app, made by `create_app()`.

Production: `gunicorn 'dashboard.app:create_server()'` (see the README); development:
`aiei serve`. Importing this module does no work: the factory creates the app, and the
marts are loaded on first use. The app holds no per-user state: every view is described by
its URL, and the data are read-only marts.
"""

from __future__ import annotations

from pathlib import Path

from dash import Dash
from flask import Flask
from flask_compress import Compress

from dashboard import (
    api,
    area_downloads,
    builds,
    cards,
    compressed_cache,
    downloads,
    first_view,
    http_cache,
    occupation_downloads,
    page_build,
    pages,
    search,
    security,
    static_files,
)
from dashboard import components as ui
from etl.config import PROJECT_ROOT, settings

COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "application/javascript",
    "text/javascript",
    "application/json",
]
# `make` builds a plotly.js with only the traces we draw (1.4 MB instead of 4.8 MB) into
# assets/, where Dash loads it as a plain script, so dcc.Graph never fetches the full one.
# Without it (no npm), preload the full bundle, which Dash would otherwise request only once
# the first graph mounts.
PLOTLY_BUNDLE = PROJECT_ROOT / "assets" / "plotly-aiei.min.js"
FULL_PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"
# Dash's own template wraps its scripts in a <footer>: a second "contentinfo" landmark
# beside the site's footer (components.frame), so screen readers would list two.
INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        __PRELOAD__
        {%css%}
    </head>
    <body>
        {%app_entry%}
        {%config%}
        {%scripts%}
        {%renderer%}
    </body>
</html>"""


class App(Dash):
    """Dash, with each page naming the build it is rendered from (dashboard/page_build.py)
    and carrying its own title, link preview and first view (dashboard/first_view.py)."""

    def interpolate_index(self, **parts: str) -> str:
        parts["metas"] = parts.get("metas", "") + page_build.meta_tag()
        parts, embedded = first_view.index_parts(parts)
        index = super().interpolate_index(**parts)
        return index.replace("<body>", '<body class="embed">', 1) if embedded else index


def create_app(processed_dir: Path | None = None) -> Dash:
    """The app serving the builds `processed_dir` points at (default: the data dir's
    processed/), switching to each new build as it is published (dashboard/builds.py).

    Every page's callbacks are registered on this app alone (`dashboard.pages.register`),
    and its marts and their caches are its own: any number of apps can live in a process."""
    app = App(
        __name__,
        title=ui.SITE_NAME,
        assets_folder=str(PROJECT_ROOT / "assets"),
        serve_locally=True,
        suppress_callback_exceptions=True,  # pages add their components after the first render
        update_title=None,
        hooks={"request_pre": page_build.REQUEST_HOOK},
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
        ],  # each page's description: dashboard/first_view.py
    )
    preload = (
        "" if PLOTLY_BUNDLE.is_file() else f'<link rel="preload" as="script" href="{FULL_PLOTLY}">'
    )
    app.index_string = INDEX.replace("__PRELOAD__", preload)
    server = app.server
    server.config.update(
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=5,
        COMPRESS_MIN_SIZE=500,
        COMPRESS_CACHE_BACKEND=compressed_cache.CompressedAnswers,
        COMPRESS_CACHE_KEY=compressed_cache.content_key,
    )
    http_cache.install(server)  # before Compress: its after-request hook runs after it
    Compress(server)
    compressed_cache.install(server)  # registered after Compress, so it runs before it
    static_files.install(server)  # registered after Compress, so it runs first
    builds.install(server, processed_dir or settings().processed_dir)
    downloads.register(server)
    cards.register(server)
    occupation_downloads.register(server)
    area_downloads.register(server)
    search.register(server)
    api.register(server)
    security.install(app)
    app.layout = ui.frame()
    pages.register(app)
    return app


def create_server() -> Flask:
    """The WSGI application, for gunicorn: `gunicorn 'dashboard.app:create_server()'`,
    made in each worker before it takes a request and drawn once there. Dash registers the
    scripts it serves on a worker's first request, after marking the setup done: on a
    threaded worker the browser's parallel script requests raced it, and a fresh worker
    answered some with 404 (3 of 8 first visits never drew the page). The first visitor
    also no longer waits for the marts to load and the home page to be built."""
    server = create_app().server
    server.test_client().get("/")  # Dash's setup; the marts; the home page's HTML
    with server.test_request_context("/"):
        pages.render("/", "")  # the body with the map, as the router sends it
    return server
