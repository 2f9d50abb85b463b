"""Static PNG/SVG of any chart, offline: kaleido drives Debian's Chromium, and the map file
comes from assets/ instead of a CDN."""

from __future__ import annotations

import os
import threading
import warnings

import plotly.graph_objects as go
import plotly.io as pio
import psutil

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


def browser_processes() -> list[psutil.Process]:
    """kaleido's browser: the child of this process running choreographer's Chromium
    wrapper, and every process under it."""
    found = []
    for child in psutil.Process().children():
        try:
            if any("choreographer" in part for part in child.cmdline()):
                found += [child, *child.children(recursive=True)]
        except psutil.Error:
            continue  # gone since it was listed
    return found


def _yield_to_requests() -> None:
    """Every thread of the browser scheduled as idle work: it renders on the CPU time pages
    and callbacks leave. On 2 cores a render (~1 s of Chromium CPU) otherwise took the CPU
    the callbacks need (benchmarks/load.py: callback p95 beside PNG renders, 2.2-2.8× the
    run alone, now 1.5-1.8×). The worker's own threads keep their priority: one of them
    waiting for the CPU while holding the interpreter lock would stall the others."""
    if not hasattr(os, "SCHED_IDLE"):  # Linux only; elsewhere renders share the CPU
        return
    for process in browser_processes():
        try:
            for thread in process.threads():
                os.sched_setscheduler(thread.id, os.SCHED_IDLE, os.sched_param(0))
        except (psutil.Error, ProcessLookupError, PermissionError):
            continue  # gone since it was listed


def render(
    figure: go.Figure | dict,
    fmt: str,
    *,
    title: str = "",
    source: str = "",
    width: int = 1000,
    height: int | None = None,
) -> bytes:
    """The figure with a title and a source line, as PNG (2× scale) or SVG bytes. The
    figure goes to Chromium as plain JSON, not validated again by plotly: validation took
    ~60 ms of the request thread per chart, holding the lock every other request of the
    worker waits for (benchmarks/load.py, beside PNG renders)."""
    spec = figure if isinstance(figure, dict) else figure.to_plotly_json()
    layout = dict(spec.get("layout") or {})
    height = height or int(layout.get("height") or 500) + 70
    margin = layout.get("margin") or {}
    layout |= {
        "title": {
            "text": f"<b>{title}</b>",
            "x": 0.01,
            "xref": "container",
            "y": 0.98,
            "yanchor": "top",
            "font": {"size": 16},
            "subtitle": {"text": source, "font": {"size": 11, "color": "#5b6773"}},
        },
        "margin": {
            "l": margin.get("l") or 10,
            "r": margin.get("r") or 10,
            "t": (margin.get("t") or 0) + 70,
            "b": margin.get("b") or 10,
        },
    }
    return _to_image(
        {"data": spec.get("data") or [], "layout": layout},
        format=fmt,
        width=width,
        height=height,
        scale=2 if fmt == "png" else 1,
        validate=False,
    )


def _to_image(figure: go.Figure | dict, **options) -> bytes:
    """One render at a time through the process's kaleido browser."""
    with _lock, warnings.catch_warnings():
        # plotly passes kaleido options the persistent server ignores; harmless.
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        _ensure_server()
        image = pio.to_image(figure, **options)
        _yield_to_requests()  # the browser's processes, once they exist, and any it adds
        return image


def render_exact(figure: go.Figure, width: int, height: int) -> bytes:
    """The figure as a PNG of exactly width × height pixels (a link preview's card)."""
    return _to_image(figure, format="png", width=width, height=height, scale=1)
