"""Static PNG/SVG of any chart, offline: kaleido drives Debian's Chromium, and the map file
comes from assets/ instead of a CDN."""

from __future__ import annotations

import threading
import warnings

import plotly.graph_objects as go
import plotly.io as pio

from etl.config import PROJECT_ROOT

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
TOPOJSON = (PROJECT_ROOT / "assets" / "topojson").as_uri() + "/"
_lock = threading.Lock()  # one kaleido browser per process: one render at a time
_started = False


def _ensure_server() -> None:
    """One kaleido browser per process, started on first use (~2 s), reused afterwards."""
    global _started
    if not _started:
        import kaleido

        pio.defaults.topojson = TOPOJSON
        kaleido.start_sync_server(silence_warnings=True)
        _started = True


def render(
    figure: go.Figure | dict,
    fmt: str,
    *,
    title: str = "",
    source: str = "",
    width: int = 1000,
    height: int | None = None,
) -> bytes:
    """The figure with a title and a source line, as PNG (2× scale) or SVG bytes."""
    figure = go.Figure(figure)
    height = height or int(figure.layout.height or 500) + 70
    margin = figure.layout.margin
    figure.update_layout(
        title={
            "text": f"<b>{title}</b>",
            "x": 0.01,
            "xref": "container",
            "y": 0.98,
            "yanchor": "top",
            "font": {"size": 16},
            "subtitle": {"text": source, "font": {"size": 11, "color": "#5b6773"}},
        },
        margin={
            "l": margin.l or 10,
            "r": margin.r or 10,
            "t": (margin.t or 0) + 70,
            "b": margin.b or 10,
        },
    )
    with _lock, warnings.catch_warnings():
        # plotly passes kaleido options the persistent server ignores; harmless.
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        _ensure_server()
        return pio.to_image(
            figure, format=fmt, width=width, height=height, scale=2 if fmt == "png" else 1
        )


def render_exact(figure: go.Figure, width: int, height: int) -> bytes:
    """The figure as a PNG of exactly width × height pixels (a link preview's card)."""
    with _lock, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        _ensure_server()
        return pio.to_image(figure, format="png", width=width, height=height, scale=1)
