"""One small layout template for every figure: system fonts, no plotly default template
(most of a default figure's JSON), colour-blind-safe scales."""

from __future__ import annotations

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


def empty_figure(message: str) -> go.Figure:
    """A figure that says why it is empty (never a blank box)."""
    return go.Figure(
        layout=base_layout(
            xaxis={"visible": False},
            yaxis={"visible": False},
            height=160,
            annotations=[
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
        )
    )


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
