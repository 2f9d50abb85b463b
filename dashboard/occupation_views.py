"""The occupation side's charts as data + figure, from a view of `dashboard.urls`: an
occupation's map and tasks, a state's most exposed jobs. Pages, the image export
(`views.FIGURES`) and the briefing call these, so each shows what the page shows."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import occupation_data, present
from dashboard.data import Marts, per_marts
from dashboard.figures.maps import MapRow, choropleth_json
from dashboard.figures.occupations import ExposedRow, TaskRow, exposed_jobs_bars, task_bars
from dashboard.figures.style import figure_json
from dashboard.metrics import OCCUPATION_MEASURES
from dashboard.urls import OccupationView, StateView

MOST_EXPOSED_CHARTED = 15
TASKS_CHARTED = 20
OEWS = "OEWS May 2025"
EXPOSURE_DATA = "observed exposure and task penetration"


# --- an occupation, state by state ------------------------------------------------------
@per_marts(maxsize=2048)
def map_values(data: Marts, soc: str, measure: str) -> tuple[tuple[dict, ...], float | None]:
    """(one row per state of the 51 in map order — state, name, value, rank, tied, ranked,
    as the map's metrics have them — and the US value). Ranks are the marts' own. The US's
    location quotient is 1 by its definition (its share of US jobs ÷ itself)."""
    spec = OCCUPATION_MEASURES[measure]
    columns = (spec.column, spec.rank, spec.tied, spec.ranked, spec.status)
    rows = tuple(
        {"state": r["state"], "name": r["state_name"], **{c: r[c] for c in columns}}
        for r in occupation_data.states(data, soc)
    )
    us = occupation_data.us_row(data, soc)
    us_value = 1.0 if measure == "lq" else us.get(spec.column)
    return rows, us_value


def occupation_map_figure(data: Marts, view: OccupationView) -> go.Figure:
    return go.Figure(_occupation_map(data, view))


def _occupation_map(data: Marts, view: OccupationView) -> dict:
    rows, us_value = map_values(data, view.soc, view.measure)
    spec = OCCUPATION_MEASURES[view.measure]
    return choropleth_json(
        [
            MapRow(
                r["state"],
                r["name"],
                r[spec.column],
                present.value_text(spec, r),
                present.metric_rank(spec, r),
            )
            for r in rows
        ],
        spec,
        us_value,
    )


@per_marts(maxsize=2048)
def occupation_map_json(data: Marts, view: OccupationView) -> dict:
    """The map as the plain JSON tree Dash sends: built once per view. Its height is left
    to the page (app.css: shorter on a phone, where the map is narrow)."""
    figure = figure_json(_occupation_map(data, view))
    figure["layout"].pop("height", None)
    return figure


# --- its tasks --------------------------------------------------------------------------
def tasks_figure(data: Marts, view: OccupationView) -> dict:
    """The tasks with the highest penetration (ties by task id), at most TASKS_CHARTED."""
    seen = [r for r in occupation_data.tasks(data, view.soc) if r["penetration"]]
    seen.sort(key=lambda r: (-r["penetration"], r["task_id"]))
    return task_bars(
        [
            TaskRow(r["task"], r["penetration"], r["us_usage_share_pct"])
            for r in seen[:TASKS_CHARTED]
        ]
    )


# --- a state's most exposed jobs --------------------------------------------------------
def most_exposed_figure(data: Marts, view: StateView) -> dict:
    return exposed_jobs_bars(
        [
            ExposedRow(
                r["title"], r["employment"], r["observed_exposure"], r["exposure_weighted_jobs"]
            )
            for r in occupation_data.most_exposed(data, view.state)[:MOST_EXPOSED_CHARTED]
        ]
    )


def figure_labels(data: Marts, name: str, view: OccupationView) -> tuple[str, str, str]:
    """(title, data window, file-name part) of an exported occupation chart."""
    title = occupation_data.titles(data)[view.soc]
    measure = OCCUPATION_MEASURES[view.measure].label.lower()
    titles = {
        "occupation-map": f"{title} ({view.soc}), {measure} by state",
        "occupation-tasks": f"{title} ({view.soc}): O*NET tasks seen in AI use",
    }
    part = f"{view.soc}_{view.measure}" if name == "occupation-map" else view.soc
    return titles[name], EXPOSURE_DATA, part
