"""The state page's charts are built as plain JSON (plotly's validation was ~60 % of drawing
a state page): each must be exactly what plotly makes of it, nothing coerced, added or
dropped, so the page, the image export and the briefing draw what plotly would."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard import area_views, views
from dashboard.data import Marts
from dashboard.figures.charts import SplitRow, automation_bars, compare_bars
from dashboard.urls import OccupationView, StateView

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("wave", ["first", "latest"])
def test_a_states_charts_are_the_json_plotly_would_make_of_them(built, wave):
    data = Marts(built.processed_dir)
    view = StateView("IN", data.waves[0] if wave == "first" else data.latest_wave)
    charts = {
        name: chart.figure(data, view)
        for name, chart in views.FIGURES.items()
        if chart.view is StateView
    }
    assert set(charts) >= {"top-uses", "groups", "trend-aui", "wage-bands", "income-fit"}
    for name, figure in charts.items():
        assert isinstance(figure, dict), name
        assert go.Figure(figure).to_plotly_json() == figure, name
    drawn = [f for f in charts.values() if f["data"]]
    assert drawn, "some chart draws Indiana"
    for figure in drawn:  # plotly's default template, as before
        assert figure["layout"]["template"]["layout"]["hovermode"] == "closest"
    trend = charts["trend-aui"]
    assert [t["name"] for t in trend["data"]] == [data.state_names["IN"]]
    assert trend["data"][0]["x"] == [p.wave for p in data.trend("IN", "aui")]


def test_empty_charts_the_county_map_and_other_pages_charts_are_plotlys_json_too(built):
    data = Marts(built.processed_dir)
    tasks = views.FIGURES["occupation-tasks"].figure(data, OccupationView("15-1252"))
    assert tasks["data"][0]["x"], "software developers' tasks are seen in AI use"
    empty = automation_bars([SplitRow("Indiana", None, "not published")])
    assert empty["data"] == [] and "not published" in empty["layout"]["annotations"][0]["text"]
    compared = compare_bars({"Indiana": (1.5, "1.50"), "Ohio": (None, "n/a")}, "AUI", "index")
    assert compared["data"][0]["y"] == [1.5, 0]
    where = area_views.where_figure(data, "IN", "exposure", None, "/counties/IN.geojson")
    assert len(where["data"][0]["locations"]) > 50, "Indiana's counties, coloured"
    for figure in (tasks, empty, compared, where):
        assert go.Figure(figure).to_plotly_json() == figure
