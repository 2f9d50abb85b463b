"""Maps of the areas inside the states: a state's counties coloured by their area's value,
and the US's metros and nonmetro remainders. Offline: Plotly's choropleth on GeoJSON
(the build's area shapes or the vendored county shapes), no tiles. Each map is the plain
JSON plotly would make of it (`style.chart`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.figures.maps import GEO
from dashboard.figures.style import (
    DIVERGING,
    MUTED,
    NOT_PUBLISHED,
    SEQUENTIAL,
    chart,
    colorscale,
)
from dashboard.metrics import Metric

# A state's map: its counties alone, fitted to the frame (no base map is drawn).
STATE_GEO = {
    # Plotly's "usa" scope cannot be fitted to a state (its projection insets Alaska and
    # Hawaii), so these maps use the world scope, whose base layers they do not draw:
    # assets/topojson/world_110m.json is an empty topology, so nothing is fetched or shown.
    "projection": {"type": "mercator"},
    "fitbounds": "locations",
    "visible": False,
}
DOT_COLOUR = "rgba(31, 41, 51, 0.55)"


@dataclass(frozen=True)
class AreaRow:
    location: str  # the feature drawn: a county FIPS code or an area code
    area_code: str  # the area it belongs to: what a click opens
    name: str  # the hover's first line
    value: float | None  # in the metric's own units (a share 0-1 for exposure)
    value_text: str  # the value in words, or why it is missing
    notes: tuple[str, ...] = ()  # more hover lines


def _colour_value(value: float) -> float:
    """A value as the colour needs it: 4 significant digits, not 17 (the hover gives the
    value itself; the digits of 435 areas were a quarter of the compressed metro map)."""
    return float(f"{value:.4g}")


def _colour(values: list[float], metric: Metric) -> tuple[list[float], dict]:
    """z for each value and the colour settings: a ratio on a log scale centred on 1."""
    if metric.scale == "ratio" and values and min(values) > 0:
        z = [_colour_value(math.log10(v)) for v in values]
        reach = max(abs(min(z)), abs(max(z)), 0.05)
        chosen = [c for c in (0.25, 0.5, 1, 2, 4) if min(values) * 0.9 <= c <= max(values) * 1.1]
        return z, {
            "colorscale": colorscale(DIVERGING),
            "zmid": 0,
            "zmin": -reach,
            "zmax": reach,
            "colorbar": {
                "tickvals": [math.log10(c) for c in chosen or [1]],
                "ticktext": [f"{c:g}" for c in chosen or [1]],
            },
        }
    z = [_colour_value(v) for v in values]
    return z, {
        "colorscale": colorscale(SEQUENTIAL),
        "zmin": min(z) if z else 0,
        "zmax": max(z) if z else 1,
        "colorbar": {"ticksuffix": metric.suffix},
    }


def area_map(
    rows: Sequence[AreaRow],
    metric: Metric,
    geojson: dict | str,
    *,
    whole_us: bool = False,
    dots: Sequence[tuple[float, float]] = (),
    note: str = "",
    shared_notes: Sequence[str] = (),
    height: int = 420,
) -> dict:
    """Areas (or counties) coloured by the metric; missing values grey with their reason.
    `geojson` is the shapes or their URL (a page fetches the US's once, cached); `dots`
    mark the counties of a nonmetro remainder, drawn distinctly; `shared_notes` end every
    hover. What is the same for every area is written once, in the hover template, not
    per area: the US metro map's callback answer is ~20 % smaller for it."""
    published = [r for r in rows if metric.scaled(r.value) is not None]
    missing = [r for r in rows if metric.scaled(r.value) is None]
    z, colour = _colour([metric.scaled(r.value) for r in published], metric)
    colour["colorbar"] |= {
        "title": {"text": metric.short, "side": "right"},
        "thickness": 12,
        "len": 0.75,
        "outlinewidth": 0,
    }
    line = {"color": "white", "width": 0.3 if whole_us else 0.6}

    template = (
        f"<b>%{{text}}</b><br>{metric.short}: %{{hovertext}}"
        + "".join(f"<br>{n}" for n in shared_notes)
        + "<extra></extra>"
    )

    def areas(drawn: list[AreaRow]) -> dict:
        """Where and what each drawn shape is; the area a click opens only where it is not
        the shape itself (a county of the state's map)."""
        found = {
            "locations": [r.location for r in drawn],
            "text": [r.name for r in drawn],
            "hovertext": ["<br>".join((r.value_text, *r.notes)) for r in drawn],
            "hovertemplate": template,
        }
        if any(r.location != r.area_code for r in drawn):
            found["customdata"] = [r.area_code for r in drawn]
        return found

    traces = [
        {
            "type": "choropleth",
            "geojson": geojson,
            **areas(published),
            "z": z,
            "marker": {"line": line},
            "name": metric.short,
            **colour,
        }
    ]
    if missing:
        traces.append(
            {
                "type": "choropleth",
                "geojson": geojson,
                **areas(missing),
                "z": [0] * len(missing),
                "colorscale": [[0, NOT_PUBLISHED], [1, NOT_PUBLISHED]],
                "showscale": False,
                "marker": {"line": line},
                "name": "no value",
            }
        )
    if dots:
        traces.append(
            {
                "type": "scattergeo",
                "lon": [d[0] for d in dots],
                "lat": [d[1] for d in dots],
                "mode": "markers",
                "marker": {"size": 3, "color": DOT_COLOUR},
                "hoverinfo": "skip",
                "name": "nonmetro remainder",
            }
        )
    notes = [note] if note else []
    if missing:
        notes.append(f"Grey: no value ({len(missing)}; hover for why)")
    return chart(
        traces,
        geo=GEO if whole_us else STATE_GEO,
        height=height,
        dragmode=False,
        margin={"l": 0, "r": 0, "t": 0, "b": 22 if notes else 0},
        annotations=[
            {
                "text": " · ".join(notes),
                "x": 0,
                "y": 0,
                "yshift": -20,
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
                "font": {"size": 11, "color": MUTED},
                "xanchor": "left",
                "yanchor": "bottom",
            }
        ]
        if notes
        else [],
    )
