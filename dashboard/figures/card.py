"""The 1200×630 picture a link preview shows: a page's heading, its headline number with
rank and a sentence beside the US map, the place in focus outlined."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from dashboard.figures.style import FONT, INK, MUTED, STATE_COLOUR

WIDTH, HEIGHT = 1200, 630


def _text(text: str, y: float, size: int, colour: str = INK, bold: bool = False) -> dict:
    return {
        "text": f"<b>{text}</b>" if bold else text,
        "x": 0.03,
        "y": y,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "top",
        "align": "left",
        "showarrow": False,
        "font": {"family": FONT, "size": size, "color": colour},
    }


def wrapped(text: str, width: int, lines: int) -> str:
    """At most `lines` lines of `width` characters, joined for plotly; an ellipsis when cut."""
    parts = textwrap.wrap(text, width)
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1].rstrip(".,;: ") + "…"
    return "<br>".join(parts)


def card(
    site: str,
    heading: str,
    lead: str,
    sentence: str,
    source: str,
    us_map: go.Figure,
    focus: str | None = None,
) -> go.Figure:
    """`us_map` (a choropleth of the 51) on the right; the words on the left."""
    figure = go.Figure(us_map)
    figure.update_traces(showscale=False)
    if focus:
        figure.add_trace(
            go.Choropleth(
                locationmode="USA-states",
                locations=[focus],
                z=[0],
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker={"line": {"color": INK, "width": 4}},
                hoverinfo="skip",
            )
        )
    figure.update_layout(
        width=WIDTH,
        height=HEIGHT,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        geo={"domain": {"x": [0.5, 1.0], "y": [0.12, 0.95]}},
        annotations=[
            _text(site, 0.95, 22, STATE_COLOUR, bold=True),
            _text(wrapped(heading, 26, 2), 0.86, 46, bold=True),
            _text(wrapped(lead, 34, 2), 0.62, 30, STATE_COLOUR, bold=True),
            _text(wrapped(sentence, 52, 5), 0.45, 19),
            _text(wrapped(source, 110, 1), 0.06, 15, MUTED),
        ],
    )
    return figure
