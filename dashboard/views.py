"""Each chart of the app as data + figure, from URL-level parameters.

Pages, image export and briefings all call these, so a PNG, an SVG or a briefing shows
exactly what the page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.data import Marts
from dashboard.figures.charts import (
    GroupRow,
    ShareRow,
    SplitRow,
    automation_bars,
    occupations_bars,
    state_vs_us_bars,
    trend_lines,
    usage_vs_jobs_bars,
)
from dashboard.figures.maps import choropleth
from dashboard.metrics import METRICS


@dataclass(frozen=True)
class Params:
    state: str = "IN"
    wave: str = ""
    level: str = "major"
    metric: str = "aui"
    cluster: str | None = None


def map_figure(data: Marts, p: Params) -> go.Figure:
    rows, us_value = data.map_rows(p.metric, p.wave, p.cluster)
    return choropleth(rows, METRICS[p.metric], us_value)


def top_uses(data: Marts, p: Params, n: int = 8) -> tuple[str | None, tuple[ShareRow, ...]]:
    return data.top_uses(p.state, p.wave, p.level, n)


def top_uses_figure(data: Marts, p: Params) -> go.Figure:
    _, rows = top_uses(data, p)
    return state_vs_us_bars(
        rows, data.state_names[p.state], empty="Request clusters are not published for this state."
    )


def groups(data: Marts, p: Params) -> tuple[str, tuple[GroupRow, ...]]:
    """Usage vs jobs by occupation group in the wave, or the latest wave that has them."""
    for wave in [p.wave, *sorted(data.waves, reverse=True)]:
        rows = tuple(
            r for r in data.occupation_groups(p.state, wave) if r.usage_share_pct is not None
        )
        if rows:
            return wave, rows
    return p.wave, ()


def groups_figure(data: Marts, p: Params) -> go.Figure:
    return usage_vs_jobs_bars(groups(data, p)[1][:12], data.state_names[p.state])


def occupations_figure(data: Marts, p: Params) -> go.Figure:
    return occupations_bars(data.largest_occupations(p.state))


def automation_rows(data: Marts, p: Params) -> list[SplitRow]:
    rows = [
        SplitRow(data.state_names[s], (data.summary(p.wave, s) or {}).get("automation_share_pct"))
        for s in [p.state, *data.neighbours(p.state)]
    ]
    rows.append(
        SplitRow("United States", (data.summary(p.wave, "US") or {}).get("automation_share_pct"))
    )
    return rows


def automation_figure(data: Marts, p: Params) -> go.Figure:
    return automation_bars(automation_rows(data, p))


def trend_aui_figure(data: Marts, p: Params) -> go.Figure:
    return trend_lines(
        {data.state_names[p.state]: data.trend(p.state, "aui")},
        "AUI across waves",
        "index",
        data.release_breaks,
        reference=1.0,
    )


def trend_share_figure(data: Marts, p: Params) -> go.Figure:
    return trend_lines(
        {data.state_names[p.state]: data.trend(p.state, "usage_share_pct")},
        "Share of US conversations",
        "%",
        data.release_breaks,
    )


FIGURES: dict[str, Callable[[Marts, Params], go.Figure]] = {
    "map": map_figure,
    "top-uses": top_uses_figure,
    "groups": groups_figure,
    "occupations": occupations_figure,
    "automation": automation_figure,
    "trend-aui": trend_aui_figure,
    "trend-share": trend_share_figure,
}
