"""US choropleths: the metric map, and a small locator map for one state."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.figures.style import (
    DIVERGING,
    FONT,
    MUTED,
    NOT_PUBLISHED,
    SEQUENTIAL,
    STATE_COLOUR,
    base_layout,
    colorscale,
)
from dashboard.metrics import Metric

SMALL_STATES = frozenset({"DC", "RI", "DE"})
GEO = {
    "scope": "usa",
    "projection": {"type": "albers usa"},
    "showlakes": False,
    "bgcolor": "rgba(0,0,0,0)",
    "showland": True,
    "landcolor": "white",
    "subunitcolor": "white",
}


@dataclass(frozen=True)
class MapRow:
    state: str
    name: str
    value: float | None
    value_text: str  # the value, or its status words where it is missing
    rank: str  # "rank 32 of 51, tied (plausible 27–38)": the caller's words
    notes: tuple[str, ...] = ()  # more hover lines: interval, sample, flags


def _ratio_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    candidates = [0.25, 0.33, 0.5, 0.67, 1, 1.5, 2, 3, 4, 6]
    chosen = [c for c in candidates if low * 0.9 <= c <= high * 1.1] or [1]
    return [math.log10(c) for c in chosen], [f"{c:g}" for c in chosen]


def choropleth_json(
    rows: Sequence[MapRow],
    metric: Metric,
    us_value: float | None,
    title: str = "",
    height: int = 460,
) -> dict:
    """States coloured by the metric; unpublished states grey and labelled, never zero.

    Ratios (AUI) use a diverging scale on log10, centred on 1, so 0.5 and 2 are equally far
    from the middle; shares use a sequential scale.

    Built as the plain JSON plotly would make of it (`go.Figure(...).to_plotly_json()`,
    tests/test_map_views.py checks they agree): plotly's validation took 25 ms of every
    map callback that drew a new view. Shared parts are shared: treat it as read-only.
    """
    published = [r for r in rows if metric.scaled(r.value) is not None]
    missing = [r for r in rows if metric.scaled(r.value) is None]
    us_text = metric.format(us_value)
    hover = [
        f"<b>{r.name}</b><br>{metric.short}: {r.value_text}<br>{r.rank.capitalize()}"
        + ("" if us_value is None else f"<br>US: {us_text}")  # a ratio to a fit has no US
        + "".join(f"<br>{note}" for note in r.notes)
        for r in published
    ]
    values = [metric.scaled(r.value) for r in published]
    if metric.scale == "ratio" and values and min(values) > 0:
        z = [math.log10(v) for v in values]
        reach = max(abs(min(z)), abs(max(z)), 0.05)
        tickvals, ticktext = _ratio_ticks(min(values), max(values))
        colour = {
            "colorscale": colorscale(DIVERGING),
            "zmid": 0,
            "zmin": -reach,
            "zmax": reach,
            "colorbar": {"tickvals": tickvals, "ticktext": ticktext},
        }
    else:
        z = values
        colour = {"colorscale": colorscale(SEQUENTIAL), "colorbar": {"ticksuffix": metric.suffix}}
    # A horizontal bar under the map: on a phone the map keeps the full width (a vertical
    # bar took a quarter of it, and taps aimed at one state opened its neighbour).
    colour["colorbar"] |= {
        "title": {"text": metric.short, "side": "top"},
        "orientation": "h",
        "x": 0.5,
        "xanchor": "center",
        "y": 0,
        "yanchor": "top",
        "len": 0.9,
        "thickness": 10,
        "tickfont": {"size": 11},
        "outlinewidth": 0,
    }
    traces = [
        {
            "type": "choropleth",
            "locationmode": "USA-states",
            "locations": [r.state for r in published],
            "z": z,
            "customdata": [r.state for r in published],
            "text": hover,
            "hoverinfo": "text",
            "marker": {"line": {"color": "white", "width": 0.8}},
            "name": metric.short,
            **colour,
        }
    ]
    if missing:
        traces.append(
            {
                "type": "choropleth",
                "locationmode": "USA-states",
                "locations": [r.state for r in missing],
                "z": [0] * len(missing),
                "customdata": [r.state for r in missing],
                "colorscale": [[0, NOT_PUBLISHED], [1, NOT_PUBLISHED]],
                "showscale": False,
                "text": [f"<b>{r.name}</b><br>{metric.short}: {r.value_text}" for r in missing],
                "hoverinfo": "text",
                "marker": {"line": {"color": "white", "width": 0.8}},
                "name": "not published",
            }
        )
    layout = {
        **_map_layout(),
        "height": height,
        "margin": {"l": 0, "r": 0, "t": 36 if title else 0, "b": 56},
    }
    if missing:
        layout["annotations"] = [
            {
                "text": f"Grey: no value ({len(missing)}; hover for why)",
                "x": 0,
                "y": 1,
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
                "font": {"size": 11, "color": MUTED},
                "xanchor": "left",
                "yanchor": "top",
            }
        ]
    if title:
        layout["title"] = {"text": title, "font": {"size": 15}, "x": 0.01}
    return {"data": traces, "layout": layout}


@functools.cache
def _map_layout() -> dict:
    """The layout every choropleth shares, as plotly makes it: `base_layout` applied over
    a new figure (so with plotly's default template, as before)."""
    figure = go.Figure()
    figure.update_layout(base_layout(geo=GEO, dragmode=False))
    return figure.to_plotly_json()["layout"]


def locator(state: str, states: Sequence[str], height: int = 170) -> go.Figure:
    """The US (`states`) with one state filled: where the briefing's state is."""
    others = [s for s in states if s != state]
    figure = go.Figure(
        [
            go.Choropleth(
                locationmode="USA-states",
                locations=others,
                z=[0] * len(others),
                colorscale=[[0, "#eef1f4"], [1, "#eef1f4"]],
                showscale=False,
                hoverinfo="skip",
                marker={"line": {"color": "white", "width": 0.6}},
            ),
            go.Choropleth(
                locationmode="USA-states",
                locations=[state],
                z=[1],
                colorscale=[[0, STATE_COLOUR], [1, STATE_COLOUR]],
                showscale=False,
                hoverinfo="skip",
                marker={"line": {"color": "white", "width": 0.6}},
            ),
        ]
    )
    if state in SMALL_STATES:  # too small to see filled: ring it
        figure.add_trace(
            go.Scattergeo(
                locationmode="USA-states",
                locations=[state],
                mode="markers",
                hoverinfo="skip",
                marker={
                    "size": 14,
                    "color": "rgba(0,0,0,0)",
                    "line": {"color": STATE_COLOUR, "width": 2.5},
                },
            )
        )
    figure.update_layout(
        base_layout(
            geo=GEO, height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0}, font={"family": FONT}
        )
    )
    return figure


def ranked_bars(rows: Sequence[MapRow], metric: Metric, us_value: float | None) -> go.Figure:
    """The map's numbers as bars, highest first, the US value as a dotted line; states
    with no value are named under the chart with the reason in the ranking, never drawn
    as zero."""
    published = sorted(
        (r for r in rows if metric.scaled(r.value) is not None),
        key=lambda r: (-(metric.scaled(r.value) or 0), r.name),
    )
    missing = sorted(r.name for r in rows if metric.scaled(r.value) is None)
    figure = go.Figure(
        go.Bar(
            y=[r.name for r in published],
            x=[metric.scaled(r.value) for r in published],
            orientation="h",
            text=[r.value_text for r in published],
            textposition="outside",
            cliponaxis=False,
            marker_color=STATE_COLOUR,
            customdata=[r.state for r in published],  # what a click opens
            hovertext=[
                f"<b>{r.name}</b><br>{r.value_text}<br>{r.rank.capitalize()}" for r in published
            ],
            hoverinfo="text",
        )
    )
    us = metric.scaled(us_value)
    shapes, annotations = [], []
    if us is not None:
        shapes.append(
            {
                "type": "line",
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "x0": us,
                "x1": us,
                "line": {"color": MUTED, "dash": "dot", "width": 1.5},
            }
        )
        annotations.append(
            {
                "text": f"US {metric.format(us_value)}",
                "x": us,
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": MUTED},
            }
        )
    if missing:
        annotations.append(
            {
                "text": f"No value: {', '.join(missing)} (the ranking says why)",
                "x": 0,
                "y": 0,
                "xref": "paper",
                "yref": "paper",
                "yanchor": "top",
                "yshift": -28,
                "showarrow": False,
                "xanchor": "left",
                "font": {"size": 11, "color": MUTED},
            }
        )
    figure.update_layout(
        base_layout(
            height=16 * len(published) + 90,
            bargap=0.25,
            shapes=shapes,
            annotations=annotations,
            xaxis={"title": metric.axis or metric.short, "gridcolor": "#e4e7eb", "zeroline": False},
            yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 11}},
            margin={"l": 8, "r": 48, "t": 24, "b": 70 if missing else 40},
            font={"family": FONT},
        )
    )
    return figure
