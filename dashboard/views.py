"""Each chart of the app as data + figure, from a view of `dashboard.urls`.

Pages, image export and briefings all call these, so a PNG, an SVG or a briefing shows
exactly what the page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard import occupation_data, occupation_views, present
from dashboard.data import Marts, per_marts
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
from dashboard.figures.maps import MapRow, choropleth
from dashboard.metrics import METRICS, OCCUPATION_MEASURES, Metric
from dashboard.urls import MapView, OccupationView, StateView, View

RELEASE_BREAK = "new release"


# --- the map ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RankedState:
    """One state's value of the map's metric, with its rank as the marts have it."""

    state: str
    name: str
    value: float | None
    rank: int | None
    tied: bool | None
    ranked: int | None
    extra: str = ""  # one more hover line (a cluster's specialization)

    @property
    def rank_text(self) -> str:
        return present.rank_text(self.rank, self.tied, self.ranked)


def map_metric(view: MapView) -> Metric:
    """What the map shows: the metric, or for an occupation the measure chosen."""
    if view.metric == "occupation":
        return OCCUPATION_MEASURES[view.measure]
    return METRICS[view.metric]


@per_marts()
def map_rows(data: Marts, view: MapView) -> tuple[tuple[RankedState, ...], float | None]:
    """The 51 in map order, and the US value."""
    if view.metric == "occupation":
        rows, us_value = occupation_views.map_values(data, view.occupation, view.measure)
    else:
        rows, us_value = data.metric_values(view.metric, view.wave, view.cluster)
    return tuple(
        RankedState(
            r["state"],
            r["name"],
            r["value"],
            r["rank"],
            r["tied"],
            r["ranked"],
            ""
            if r["specialization"] is None
            else f"Specialization: {present.number_text(r['specialization'])}× US",
        )
        for r in rows
    ), us_value


def map_subject(data: Marts, view: MapView) -> str:
    """What the map shows: the metric, or the use of AI it is the share of, or the
    occupation and its measure."""
    if view.metric == "occupation":
        title = occupation_data.titles(data)[view.occupation]
        return f"{title}: {map_metric(view).label.lower()}"
    if view.metric == "cluster":
        return dict(data.clusters(view.wave)).get(view.cluster, METRICS["cluster"].label)
    return METRICS[view.metric].label


def map_title(data: Marts, view: MapView) -> str:
    when = occupation_views.OEWS if view.metric == "occupation" else data.wave_label(view.wave)
    return f"{map_subject(data, view)} — {when}"


def map_figure(data: Marts, view: MapView) -> go.Figure:
    rows, us_value = map_rows(data, view)
    return choropleth(
        [MapRow(r.state, r.name, r.value, r.rank_text, r.extra) for r in rows],
        map_metric(view),
        us_value,
    )


@per_marts()
def map_figure_json(data: Marts, view: MapView) -> dict:
    """The map as the plain JSON tree Dash sends: built once per view."""
    return map_figure(data, view).to_plotly_json()


# --- a state ----------------------------------------------------------------------------
def top_uses(data: Marts, view: StateView, n: int = 8) -> tuple[str | None, tuple[ShareRow, ...]]:
    return data.top_uses(view.state, view.wave, view.level, n)


def top_uses_figure(data: Marts, view: StateView) -> go.Figure:
    _, rows = top_uses(data, view)
    return state_vs_us_bars(
        rows,
        data.state_names[view.state],
        empty="Request clusters are not published for this state.",
    )


def groups(data: Marts, view: StateView) -> tuple[str | None, tuple[GroupRow, ...]]:
    """Usage vs jobs by occupation group in the view's wave: (its measure, the groups)."""
    return data.occupation_groups(view.state, view.wave)


def groups_figure(data: Marts, view: StateView) -> go.Figure:
    measure, rows = groups(data, view)
    return usage_vs_jobs_bars(
        rows[:12],
        data.state_names[view.state],
        measure=present.MEASURE_NAMES.get(measure or "", ""),
        empty=f"Claude.ai usage by occupation group is not in the {view.wave} release.",
    )


def occupations_figure(data: Marts, view: StateView) -> go.Figure:
    return occupations_bars(data.largest_occupations(view.state), data.high_exposure_threshold)


def automation_rows(data: Marts, view: StateView) -> list[SplitRow]:
    places = [view.state, *data.neighbours(view.state), "US"]
    return [
        SplitRow(
            "United States" if place == "US" else data.state_names[place],
            (data.summary(view.wave, place) or {}).get("automation_share_pct"),
        )
        for place in places
    ]


def automation_figure(data: Marts, view: StateView) -> go.Figure:
    return automation_bars(automation_rows(data, view))


def release_breaks(data: Marts) -> list[tuple[str, str]]:
    return [(wave, RELEASE_BREAK) for wave in data.release_breaks]


def trend_aui_figure(data: Marts, view: StateView) -> go.Figure:
    return trend_lines(
        {data.state_names[view.state]: data.trend(view.state, "aui")},
        "AUI across waves",
        "index",
        release_breaks(data),
        reference=1.0,
    )


def trend_share_figure(data: Marts, view: StateView) -> go.Figure:
    return trend_lines(
        {data.state_names[view.state]: data.trend(view.state, "usage_share_pct")},
        "Share of US conversations",
        "%",
        release_breaks(data),
    )


@dataclass(frozen=True)
class Chart:
    """A chart that can be exported: the view its URL describes, and its figure."""

    view: type[View]
    figure: Callable[[Marts, View], go.Figure]


FIGURES: dict[str, Chart] = {
    "map": Chart(MapView, map_figure),
    "top-uses": Chart(StateView, top_uses_figure),
    "groups": Chart(StateView, groups_figure),
    "occupations": Chart(StateView, occupations_figure),
    "automation": Chart(StateView, automation_figure),
    "trend-aui": Chart(StateView, trend_aui_figure),
    "trend-share": Chart(StateView, trend_share_figure),
    "most-exposed": Chart(StateView, occupation_views.most_exposed_figure),
    "occupation-map": Chart(OccupationView, occupation_views.occupation_map_figure),
    "occupation-tasks": Chart(OccupationView, occupation_views.tasks_figure),
}
