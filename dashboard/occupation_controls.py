"""The controls that choose an occupation and what to show of it: on the map page (metric
"an occupation") and on an occupation's page."""

from __future__ import annotations

from dash import dcc, html

from dashboard import components as ui
from dashboard import occupation_data
from dashboard.data import Marts, per_marts
from dashboard.metrics import DEFAULT_MEASURE, OCCUPATION_MEASURES
from dashboard.urls import MapView


@per_marts(maxsize=1)
def occupation_options(data: Marts) -> list[dict[str, str]]:
    """Every occupation, 'Registered Nurses (29-1141)', by title: the dropdown searches
    titles and codes alike."""
    titles = occupation_data.titles(data)
    return [
        {"label": f"{title} ({soc})", "value": soc}
        for soc, title in sorted(titles.items(), key=lambda item: item[1])
    ]


def listed_options(data: Marts, soc: str, shown: bool) -> list[dict[str, str]]:
    """The map's occupation choices: every occupation while the control is shown; while
    it is hidden, only the chosen one. Half the map page's first response was the ~800
    hidden options, and the dropdown indexes them for search before the map is drawn."""
    if shown:
        return occupation_options(data)
    return [option for option in occupation_options(data) if option["value"] == soc]


def measure_dropdown(control_id: str, measure: str) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=control_id,
        value=measure,
        clearable=False,
        searchable=False,
        options=[{"label": m.label, "value": m.id} for m in OCCUPATION_MEASURES.values()],
    )


def map_controls(data: Marts, view: MapView) -> html.Div:
    """The map's occupation and measure, shown while the metric is "an occupation"."""
    occupation = view.occupation or occupation_data.largest_occupation(data)
    return html.Div(
        [
            ui.labelled(
                "Occupation",
                "occupation",
                dcc.Dropdown(
                    id="occupation",
                    value=occupation,
                    clearable=False,
                    options=listed_options(data, occupation, view.metric == "occupation"),
                ),
            ),
            ui.labelled(
                "Show", "measure", measure_dropdown("measure", view.measure or DEFAULT_MEASURE)
            ),
        ],
        id="occupation-control",
        className="controls-group",
        hidden=view.metric != "occupation",
    )
