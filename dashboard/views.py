"""Each chart of the app as data + figure, from a view of `dashboard.urls`.

Pages, image export and briefings all call these, so a PNG, an SVG or a briefing shows
exactly what the page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard import (
    area_data,
    area_views,
    occupation_data,
    occupation_views,
    present,
    profile_views,
)
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
from dashboard.figures.maps import MapRow, choropleth_json, ranked_bars
from dashboard.figures.style import figure_json
from dashboard.metrics import METRICS, OCCUPATION_MEASURES, Metric
from dashboard.urls import MapView, OccupationView, StateView, View

RELEASE_BREAK = "new release"


# --- the map ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RankedState:
    """One state's value of the map's metric, with what the marts say of it: its rank and
    plausible ranks, its interval, its sample and flags, each already in words."""

    state: str
    name: str
    value: float | None
    rank: int | None
    tied: bool | None
    value_text: str
    rank_text: str  # 'rank 32 of 51, tied (plausible 27–38)'
    rank_range: str  # the table form: '27–38'
    notes: tuple[str, ...] = ()  # interval, sample, specialization, support, flags
    flagged: bool = False  # a publisher caveat or an automatic anomaly flag


def map_metric(view: MapView) -> Metric:
    """What the map shows: the metric, or for an occupation the measure chosen."""
    if view.metric == "occupation":
        return OCCUPATION_MEASURES[view.measure]
    return METRICS[view.metric]


def map_values(data: Marts, view: MapView) -> tuple[tuple[dict, ...], float | None]:
    """The map's rows with the columns its metric names, and the US value."""
    if view.metric == "occupation":
        return occupation_views.map_values(data, view.occupation, view.measure)
    if view.metric == "metro":
        return area_views.metro_values(data)
    return data.metric_values(view.metric, view.wave, view.cluster)


@per_marts()
def map_rows(data: Marts, view: MapView) -> tuple[tuple[RankedState, ...], float | None]:
    """The 51 in map order, and the US value."""
    metric = map_metric(view)
    rows, us_value = map_values(data, view)
    states = []
    for r in rows:
        notes = [
            present.interval_text(metric, r),
            present.conversations_text(r.get("usage_count")),
            ""
            if present.is_missing(r.get("specialization"))
            else f"Specialization: {present.number_text(r['specialization'])}× US",
            present.support_text(r.get("support"), r.get("support_reason")),
            *present.flags(r),
        ]
        states.append(
            RankedState(
                r["state"],
                r["name"],
                r.get(metric.column),
                r.get(metric.rank),
                r.get(metric.tied),
                present.value_text(metric, r),
                present.metric_rank(metric, r),
                present.rank_range_short(metric, r),
                tuple(n for n in notes if n),
                bool(present.flags(r)),
            )
        )
    return tuple(states), us_value


@per_marts()
def map_claim(data: Marts, view: MapView) -> str:
    """Who is first, as far as the intervals allow."""
    rows, _ = map_values(data, view)
    return present.first_place(map_metric(view), rows)


def map_subject(data: Marts, view: MapView) -> str:
    """What the map shows: the metric, or the use of AI it is the share of, or the
    occupation and its measure."""
    if view.metric == "occupation":
        title = occupation_data.titles(data)[view.occupation]
        return f"{title}: {map_metric(view).label.lower()}"
    if view.metric == "cluster":
        return dict(data.clusters(view.wave)).get(view.cluster, METRICS["cluster"].label)
    return METRICS[view.metric].label


def map_wave(data: Marts, view: MapView) -> str | None:
    """The AEI wave the map shows; None for a map of OEWS jobs alone (an occupation, the
    metros), the same in every wave."""
    return None if view.metric in ("occupation", "metro") else data.wave_label(view.wave)


def map_title(data: Marts, view: MapView) -> str:
    return f"{map_subject(data, view)} — {map_wave(data, view) or occupation_views.OEWS}"


def map_figure(data: Marts, view: MapView, shapes: dict | str | None = None) -> go.Figure:
    """The map; the metro map draws `shapes` (its URL on a page, itself in an image)."""
    if view.metric == "metro":
        return go.Figure(_metro_figure(data, view, shapes or area_data.shapes(data)))
    return go.Figure(_state_map_json(data, view))


def _metro_figure(data: Marts, view: MapView, shapes: dict | str) -> dict:
    rows, us_value = map_rows(data, view)
    metric = map_metric(view)
    return area_views.metro_figure(data, rows, metric, shapes, metric.format(us_value))


def _state_map_json(data: Marts, view: MapView) -> dict:
    rows, us_value = map_rows(data, view)
    return choropleth_json(
        [MapRow(r.state, r.name, r.value, r.value_text, r.rank_text, r.notes) for r in rows],
        map_metric(view),
        us_value,
    )


@per_marts()
def map_figure_json(data: Marts, view: MapView) -> dict:
    """The map as the plain JSON tree Dash sends: built once per view. Its height is left
    to the page (app.css: shorter on a phone, where the map is narrow)."""
    if view.metric == "metro":
        figure = figure_json(_metro_figure(data, view, area_views.SHAPES_URL))
    else:
        figure = figure_json(_state_map_json(data, view))
    figure["layout"].pop("height", None)
    return figure


def map_bars_figure(data: Marts, view: MapView) -> go.Figure:
    """The map's metric as a ranked bar chart (the map page's Chart tab)."""
    rows, us_value = map_rows(data, view)
    return ranked_bars(
        [MapRow(r.state, r.name, r.value, r.value_text, r.rank_text) for r in rows],
        map_metric(view),
        us_value,
    )


@per_marts()
def map_bars_json(data: Marts, view: MapView) -> dict:
    return figure_json(map_bars_figure(data, view))


# --- a state ----------------------------------------------------------------------------
def top_uses(data: Marts, view: StateView, n: int = 8) -> tuple[str | None, tuple[ShareRow, ...]]:
    return data.top_uses(view.state, view.wave, view.level, n)


def top_use(data: Marts, view: StateView) -> present.TopUse | None:
    """The state's most common use of AI for the story, with its level's support."""
    used, rows = top_uses(data, view, 1)
    if used is None or not rows:
        return None
    support = data.request_support(view.state, used, view.level)
    return present.TopUse(
        used,
        rows[0].label,
        rows[0].state_pct,
        rows[0].specialization,
        present.support_text(support.get("support"), support.get("support_reason")),
    )


def top_uses_note(data: Marts, view: StateView) -> str:
    """What the top-uses chart shows, from which wave, on how many conversations."""
    used, _ = top_uses(data, view)
    if used is None:
        return "Request clusters are not published for this state."
    support = data.request_support(view.state, used, view.level)
    caution = present.support_text(support.get("support"), support.get("support_reason"))
    sample = present.conversations_text(support.get("conversations"))
    earlier = (
        f" — an earlier wave: the latest with request clusters; {view.wave}'s release has none"
        if used != view.wave
        else ""
    )
    return (
        f"Wave {present.wave_text(used, data.wave_label(used))}{earlier}"
        + (f", {sample}" if sample else "")
        + ". Bars: share of the state's Claude.ai conversations, with 95 % sampling intervals "
        "where the release has counts; × US: state share ÷ US share. Clusters of different "
        "releases are not comparable." + (f" {caution[0].upper()}{caution[1:]}." if caution else "")
    )


def state_story(data: Marts, view: StateView) -> str:
    """The plain-English summary the state page opens with and the briefing prints."""
    return present.story(
        data.state_names[view.state],
        data.wave_label(view.wave),
        data.summary(view.wave, view.state) or {},
        data.summary(view.wave, "US") or {},
        top_use(data, view),
    )


def top_uses_figure(data: Marts, view: StateView) -> dict:
    _, rows = top_uses(data, view)
    return state_vs_us_bars(
        rows,
        data.state_names[view.state],
        empty="Request clusters are not published for this state.",
        width=24,  # labels over more lines: on a phone they fit beside the bars, unclipped
    )


def groups(data: Marts, view: StateView) -> tuple[str | None, tuple[GroupRow, ...]]:
    """Usage vs jobs by occupation group in the view's wave: (its measure, the groups)."""
    return data.occupation_groups(view.state, view.wave)


def groups_figure(data: Marts, view: StateView) -> dict:
    measure, rows = groups(data, view)
    return usage_vs_jobs_bars(
        rows[:12],
        data.state_names[view.state],
        measure=present.MEASURE_NAMES.get(measure or "", ""),
        empty=present.groups_empty_text(measure, view.wave),
    )


def occupations_figure(data: Marts, view: StateView) -> dict:
    # labels over more lines: on a phone they fit beside the bars, unclipped
    return occupations_bars(
        data.largest_occupations(view.state), data.high_exposure_threshold, width=22
    )


def automation_rows(data: Marts, view: StateView) -> list[SplitRow]:
    automation = METRICS["automation"]
    places = [view.state, *data.neighbours(view.state), "US"]
    rows = []
    for place in places:
        row = data.summary(view.wave, place) or {}
        rows.append(
            SplitRow(
                "United States" if place == "US" else data.state_names[place],
                row.get(automation.column),
                row.get(automation.status) or "",
            )
        )
    return rows


def automation_figure(data: Marts, view: StateView) -> dict:
    return automation_bars(automation_rows(data, view))


def release_breaks(data: Marts) -> list[tuple[str, str]]:
    return [(wave, RELEASE_BREAK) for wave in data.release_breaks]


def trend_aui_figure(data: Marts, view: StateView) -> dict:
    return trend_lines(
        {data.state_names[view.state]: data.trend(view.state, "aui")},
        "AUI across waves",
        "index",
        release_breaks(data),
        reference=1.0,
    )


def trend_share_figure(data: Marts, view: StateView) -> dict:
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
    figure: Callable[[Marts, View], go.Figure | dict]


FIGURES: dict[str, Chart] = {
    "map": Chart(MapView, map_figure),
    "map-bars": Chart(MapView, map_bars_figure),
    "top-uses": Chart(StateView, top_uses_figure),
    "groups": Chart(StateView, groups_figure),
    "occupations": Chart(StateView, occupations_figure),
    "automation": Chart(StateView, automation_figure),
    "trend-aui": Chart(StateView, trend_aui_figure),
    "trend-share": Chart(StateView, trend_share_figure),
    "most-exposed": Chart(StateView, occupation_views.most_exposed_figure),
    "usage-profile": Chart(StateView, profile_views.usage_profile_figure),
    "wage-bands": Chart(StateView, profile_views.wage_band_figure),
    "exposure-wage": Chart(StateView, profile_views.exposure_wage_figure),
    "income-fit": Chart(StateView, profile_views.income_figure),
    "where-map": Chart(StateView, area_views.where_view_figure),
    "occupation-map": Chart(OccupationView, occupation_views.occupation_map_figure),
    "occupation-tasks": Chart(OccupationView, occupation_views.tasks_figure),
}
