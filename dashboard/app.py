"""The Dash app. `gunicorn dashboard.app:server` in production, `aiei serve` in development."""

from __future__ import annotations

import json

from dash import Dash, html

from etl.config import settings

app = Dash(__name__, title="State AI Economic Index", serve_locally=True)
server = app.server


def _layout() -> html.Div:
    manifest = settings().staging_dir / "manifest.json"
    tables = json.loads(manifest.read_text())["tables"] if manifest.is_file() else {}
    return html.Div([
        html.H1("State AI Economic Index"),
        html.P("The dashboard arrives with the marts. Staged tables built so far:"),
        html.Ul([html.Li(f"{name}: {entry['rows']:,} rows") for name, entry in tables.items()])
        if tables else html.P("No data built yet: run `aiei build`."),
    ])


app.layout = _layout


def serve(host: str = "127.0.0.1", port: int = 8050, debug: bool = False) -> None:
    app.run(host=host, port=port, debug=debug)
