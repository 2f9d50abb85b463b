"""One small layout template for every figure: system fonts, no plotly default template
(most of a default figure's JSON), colour-blind-safe scales."""

from __future__ import annotations

import functools

import plotly.graph_objects as go

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#e4e7eb"
NOT_PUBLISHED = "#d9d9d9"
STATE_COLOUR = "#1f5f99"  # the state in focus
US_COLOUR = "#b0b8c1"  # the US comparison
ACCENT = "#e08214"
# ColorBrewer scales: colour-blind safe, print well in grey.
SEQUENTIAL = "Blues"
DIVERGING = "PuOr_r"  # purple above 1, orange below


def base_layout(**overrides: object) -> go.Layout:
    layout = go.Layout(
        template="none",  # the default template is most of a small figure's JSON
        font={"family": FONT, "size": 13, "color": INK},
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font": {"family": FONT}},
        showlegend=False,
    )
    layout.update(**overrides)
    return layout


def figure_json(figure: go.Figure | dict) -> dict:
    """The figure as the JSON a page sends, without the template's defaults for trace types
    it does not draw. `go.Figure(traces)` takes plotly's default template, whose per-trace
    defaults (colour scales of heatmaps, contours, ...) are 4 KB of every figure; a trace
    type's defaults apply to that type's traces alone, so the figure draws the same."""
    figure = figure.to_plotly_json() if isinstance(figure, go.Figure) else figure
    layout = figure.get("layout") or {}
    template = layout.get("template")
    if not isinstance(template, dict) or "data" not in template:
        return figure
    drawn = {trace.get("type", "scatter") for trace in figure.get("data") or ()}
    defaults = {kind: v for kind, v in template["data"].items() if kind in drawn}
    return {**figure, "layout": {**layout, "template": {**template, "data": defaults}}}


@functools.cache
def _plotted_base() -> dict:
    """`base_layout()` as plotly makes it over a new figure (so with plotly's default
    template, as the charts had before they were built as JSON)."""
    figure = go.Figure()
    figure.update_layout(base_layout())
    return figure.to_plotly_json()["layout"]


def _merged(base: dict, overrides: dict) -> dict:
    """`overrides` over `base` as plotly's `update` does: nested objects merge key by key,
    anything else replaces; a None is no value."""
    merged = dict(base)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merged(base[key], value)
        else:
            merged[key] = value
    return merged


def axis(title_text: str | None = None, **kw: object) -> dict:
    """A chart axis in the house style: light grid, no zero line, room for its labels."""
    found = {"gridcolor": GRID, "zeroline": False, "automargin": True, **kw}
    return found if title_text is None else {**found, "title": title(title_text)}


def legend_above() -> dict:
    """A horizontal legend over the plot, in the order the bars are drawn top to bottom
    (grouped horizontal bars list their traces bottom-up)."""
    return {"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom", "traceorder": "reversed"}


def hbar(y: list, x: list, colour: object, **trace: object) -> dict:
    """A horizontal bar trace as plotly's JSON: categories `y`, lengths `x`."""
    return {"type": "bar", "y": y, "x": x, "orientation": "h", "marker": {"color": colour}, **trace}


def chart(traces: list[dict], **layout: object) -> dict:
    """`go.Figure(traces)` with `base_layout(**layout)` applied, as the plain JSON plotly
    would make of it (`to_plotly_json()`), built without plotly's validation: it was ~60 %
    of drawing a state page. Traces and `layout` must be given as plotly writes them (axis
    titles as {"text": ...}, `marker_color` as marker.color, no None values); the tests
    check that plotly changes nothing. Shared parts are shared: treat it as read-only."""
    # plotly keeps no empty list of shapes or annotations
    given = {k: v for k, v in layout.items() if v != []}
    return {"data": traces, "layout": _merged(_plotted_base(), given)}


@functools.cache
def colorscale(name: str) -> list:
    """A named colour scale as the [[position, colour], ...] plotly expands it to."""
    return go.Choropleth(colorscale=name).to_plotly_json()["colorscale"]


def title(text: str) -> dict:
    """An axis or figure title as plotly writes it."""
    return {"text": text}


@functools.cache
def _empty_base() -> dict:
    """`go.Figure(layout=base_layout())` as plotly makes it: a layout given to a figure
    with no traces keeps its own ("none") template."""
    return go.Figure(layout=base_layout()).to_plotly_json()["layout"]


def empty_figure(message: str) -> dict:
    """A figure that says why it is empty (never a blank box), as plotly's JSON of
    `go.Figure(layout=base_layout(...))`."""
    layout = _merged(
        _empty_base(),
        {
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "height": 160,
            "annotations": [
                {
                    "text": message,
                    "showarrow": False,
                    "font": {"size": 14, "color": MUTED},
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                }
            ],
        },
    )
    return {"data": [], "layout": layout}


def wrap(text: str, width: int = 38) -> str:
    """Break a long label over lines with <br> (plotly does not wrap)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)
