"""The map page's Map / Chart / Table views and its wave slider, through the callback the
browser calls (posted as Dash's renderer would), against values read from the Parquet files."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import pages, views
from dashboard.data import Marts
from dashboard.urls import BadParameter, MapView

pytestmark = pytest.mark.integration
CALLBACK = "/_dash-update-component"


def sync_map(app, values: list, fired: str, occupation_hidden: bool = True) -> dict:
    """POST the map page's callback with these input values, `fired` naming the input
    (its state: whether the occupation control was hidden)."""
    spec = next(c for c in pages.callbacks() if c.function.__name__ == "sync_map")
    output = next(
        o for o, e in app.callback_map.items() if e.get("callback").__wrapped__ is spec.function
    )
    inputs = [
        {"id": i.component_id, "property": i.component_property, "value": v}
        for i, v in zip(spec.inputs, values, strict=True)
    ]
    fired_input = next(i for i in inputs if i["id"] == fired)
    payload = {
        "output": output,
        "outputs": [{"id": o.component_id, "property": o.component_property} for o in spec.outputs],
        "inputs": inputs,
        "state": [{"id": "occupation-control", "property": "hidden", "value": occupation_hidden}],
        "changedPropIds": [f"{fired}.{fired_input['property']}"],
    }
    response = app.server.test_client().post(CALLBACK, json=payload)
    assert response.status_code == 200, response.data[:300]
    return response.json["response"]


@pytest.fixture(scope="module")
def summary(built) -> pl.DataFrame:
    return pl.read_parquet(built.processed_dir / "state_summary.parquet").filter(
        pl.col("state") != "US"
    )


def test_the_slider_steps_to_the_first_wave_with_the_metric(app, built, summary):
    waves = pl.read_parquet(built.processed_dir / "waves.parquet").sort("wave")
    first = summary.filter(pl.col("aui").is_not_null())["wave"].min()
    label = dict(waves.select("wave", "label").rows())[first]
    latest = waves["wave"][-1]
    response = sync_map(
        app, ["", "aui", latest, None, None, None, "rank", "map", 0], fired="wave-slider"
    )
    assert response["map-url"]["search"] == f"?wave={first}"
    assert response["wave"]["value"] == first
    assert label in response["map-title"]["children"]
    figure = response["map"]["figure"]["data"][0]
    aui = dict(summary.filter(pl.col("wave") == first).select("state", "aui").rows())
    hover = figure["text"][figure["locations"].index("IN")]
    assert f"AUI: {aui['IN']:.2f}" in hover


def test_the_chart_tab_ranks_the_states_as_bars(app, built, summary):
    latest = summary["wave"].max()
    response = sync_map(
        app, ["", "aui", latest, None, None, None, "rank", "chart", 4], fired="map-tab"
    )
    assert response["map-url"]["search"] == "?tab=chart"
    assert response["map-layout"]["className"] == "map-layout tab-chart"
    bars = response["map"]["figure"]["data"][0]
    assert bars["type"] == "bar" and bars["orientation"] == "h"
    rows = summary.filter((pl.col("wave") == latest) & pl.col("aui").is_not_null())
    ordered = rows.sort(["aui", "state_name"], descending=[True, False])
    assert bars["y"] == ordered["state_name"].to_list()
    assert bars["text"][bars["y"].index("Indiana")] == f"{rows.filter(state='IN')['aui'][0]:.2f}"
    assert response["map-png"]["href"].startswith("/download/figure/map-bars.png")


def test_a_metric_the_same_in_every_wave_has_no_slider(app, summary):
    latest = summary["wave"].max()
    response = sync_map(
        app, ["", "exposure", latest, None, None, None, "rank", "map", 4], fired="metric"
    )
    assert response["wave-slider-control"]["hidden"] is True


def test_the_tab_is_a_url_parameter(built):
    data = Marts(built.processed_dir)
    view = MapView.parse({"tab": "table", "metric": "automation"}, data)
    assert view.tab == "table" and view.search(data) == "?metric=automation&tab=table"
    assert MapView.parse({}, data).search(data) == ""
    with pytest.raises(BadParameter, match="tab = 'globe'"):
        MapView.parse({"tab": "globe"}, data)


def test_the_chart_downloads_as_an_image(app):
    response = app.server.test_client().get("/download/figure/map-bars.svg?metric=automation")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert json.dumps("Automation share")[1:-1] in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        {"metric": "aui"},  # a ratio: the diverging scale on log10
        {"metric": "automation"},  # a share: the sequential scale
        {"metric": "occupation", "occupation": "29-1141", "measure": "lq"},  # grey states
        {"metric": "occupation", "occupation": "15-1252", "measure": "employment"},
    ],
)
def test_the_map_is_built_as_the_json_plotly_would_make_of_it(built, query):
    """The choropleth is built as plain JSON (plotly's validation cost 25 ms a view): it
    must be what plotly makes of it, nothing coerced, added or dropped."""
    data = Marts(built.processed_dir)
    view = MapView.parse(query, data)
    figure = views.map_figure_json(data, view)
    assert go.Figure(figure).to_plotly_json() == figure
    assert figure["layout"]["template"]["layout"], "plotly's default template, as before"
    rows, _ = views.map_rows(data, view)
    drawn = {s for trace in figure["data"] for s in trace["locations"]}
    assert drawn == {r.state for r in rows} and len(rows) == 51
    grey = [t for t in figure["data"] if t["name"] == "not published"]
    assert sum(r.value is None for r in rows) == (len(grey[0]["locations"]) if grey else 0)
