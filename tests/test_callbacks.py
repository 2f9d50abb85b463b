"""Every server callback of the app answers a valid request with the marts' real numbers.

Parametrised over the callbacks registered on an app, not over a list of ours: a callback
registered outside the page registry, or without an example there, or without a check
here, fails. Expected values are computed here from the Parquet files, not by the app.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from dash._utils import stringify_id

from dashboard import pages
from dashboard.app import create_app
from dashboard.data import EXTENSION, Marts
from tests.dash_tree import texts
from tests.test_state_patch import patched, sent

pytestmark = pytest.mark.integration
CALLBACK = "/_dash-update-component"
TABS = ("map", "chart", "table")


def registered_outputs() -> list[str]:
    """The server callbacks of an app (creating one reads no data)."""
    app = create_app(Path("never-read"))
    return [output for output, entry in app.callback_map.items() if "callback" in entry]


def post(app, output: str, data: Marts) -> dict:
    """POST the callback's example as Dash's renderer would; the JSON response."""
    entry = app.callback_map[output]
    specs = {spec.function: spec for spec in pages.callbacks()}
    spec = specs.get(entry["callback"].__wrapped__)
    assert spec is not None, f"{output} is registered outside the page registry"
    example = spec.example(data)
    values = list(example.values)
    inputs = [
        {"id": i.component_id, "property": i.component_property, "value": values.pop(0)}
        for i in spec.inputs
    ]
    state = [
        {"id": s.component_id, "property": s.component_property, "value": values.pop(0)}
        for s in spec.state
    ]
    outputs = [{"id": o.component_id, "property": o.component_property} for o in spec.outputs]
    fired = inputs[example.fired]
    payload = {
        "output": output,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{stringify_id(fired['id'])}.{fired['property']}"],
    }
    response = app.server.test_client().post(CALLBACK, json=payload)
    assert response.status_code == 200, response.data[:500]
    return response.json["response"]


def shown(tree: object) -> str:
    words = " ".join(texts(tree))
    assert not re.search(r"\b(nan|None|inf)\b", words), words
    return words


@pytest.fixture(scope="module")
def marts_data(built) -> Marts:
    return Marts(built.processed_dir)


@pytest.fixture(scope="module")
def expected(built) -> dict:
    """What the callbacks must show, from the Parquet files: the latest wave's AUI of every
    state, its rank by the one rule (1 + states above; equal values tie) and labels."""
    directory = built.processed_dir
    waves = pl.read_parquet(directory / "waves.parquet").sort("wave")
    latest = waves["wave"][-1]
    summary = pl.read_parquet(directory / "state_summary.parquet").filter(
        (pl.col("wave") == latest) & (pl.col("state") != "US")
    )
    aui = {s: v for s, v in summary.select("state", "aui").rows() if v is not None}

    def rank(state: str) -> str:
        above = sum(v > aui[state] for v in aui.values())
        tied = sum(v == aui[state] for v in aui.values()) > 1
        return f"rank {above + 1} of {len(aui)}" + (", tied" if tied else "")

    names = dict(pl.read_parquet(directory / "states.parquet").select("state", "state_name").rows())
    requests = pl.read_parquet(directory / "state_requests.parquet", columns=["wave"])
    jobs = pl.read_parquet(directory / "state_occupations.parquet")
    indiana = jobs.filter(pl.col("state") == "IN")
    profile = pl.read_parquet(directory / "state_usage_profile.parquet").filter(
        (pl.col("state") == "IN")
        & (pl.col("wave") == latest)
        & pl.col("metric").str.starts_with("use_case:")
    )
    all_summary = pl.read_parquet(directory / "state_summary.parquet")
    aui_waves = sorted(all_summary.filter(pl.col("aui").is_not_null())["wave"].unique())
    breaks = set(waves.filter(pl.col("release_break"))["wave"])
    return {
        "indiana_use_cases": profile["value"].to_list(),
        "slider_marks": {str(i): f"◆ {w}" if w in breaks else w for i, w in enumerate(aui_waves)},
        "latest_has_clusters": latest in requests["wave"].to_list(),
        "aui_rank_range": {
            s: (low, high)
            for s, low, high in summary.select("state", "aui_rank_low", "aui_rank_high").rows()
        },
        "indiana_nurses": indiana.filter(
            pl.col("title").str.to_lowercase().str.contains("nurse")
        ).sort(["exposure_weighted_jobs", "soc_code"], descending=[True, False], nulls_last=True),
        "indiana_exposed": indiana.filter(
            pl.col("highly_exposed") & pl.col("employment").is_not_null()
        ),
        "nurses": {
            r["state"]: r
            for r in jobs.filter(pl.col("soc_code") == "29-1141").iter_rows(named=True)
        },
        "latest": latest,
        "directory": directory,
        "label": dict(waves.select("wave", "label").rows())[latest],
        "aui": aui,
        "rank": rank,
        "names": names,
    }


def check_render(response: dict, expected: dict) -> None:
    page = shown(response["page"]["children"])
    assert "AI in Indiana" in page
    assert f"{expected['aui']['IN']:.2f}" in page and expected["rank"]("IN") in page
    assert response["page-title"]["data"] == expected["names"]["IN"]


def check_sync_map(response: dict, expected: dict) -> None:
    figure = response["map"]["figure"]
    published = figure["data"][0]
    assert len(published["locations"]) == len(expected["aui"])
    hover = published["text"][published["locations"].index("IN")]
    assert f"AUI: {expected['aui']['IN']:.2f}" in hover
    assert expected["rank"]("IN").capitalize() in hover
    assert expected["label"] in response["map-title"]["children"]
    # The ranking: marts' ranks, short form, tied states listed by name.
    rows = response["ranking"]["children"]["props"]["children"][2]["props"]["children"]
    table = [[" ".join(texts(cell)).strip() for cell in row["props"]["children"]] for row in rows]
    indiana = next(row for row in table if row[2] == "Indiana")
    links = [row["props"]["children"][2]["props"]["children"][0] for row in rows]
    assert {link["props"]["href"] for link in links} == {f"/state/{s}" for s in expected["aui"]}
    number = expected["rank"]("IN").split()[1]
    assert indiana[0] == number + ("=" if "tied" in expected["rank"]("IN") else "")
    low, high = expected["aui_rank_range"]["IN"]
    assert indiana[1] == (f"{low}–{high}" if low != high else str(low))
    assert indiana[3] == f"{expected['aui']['IN']:.2f}"
    tied = [row[2] for row in table if row[0] == indiana[0]]
    assert tied == sorted(tied) and len(tied) == sum(
        v == expected["aui"]["IN"] for v in expected["aui"].values()
    )
    assert response["map-csv"]["href"] == f"/download/map.csv?metric=aui&wave={expected['latest']}"
    # A metric the wave lacks is offered disabled, with its reason; never switched to.
    options = {o["value"]: o for o in response["metric"]["options"]}
    assert options["aui"].get("disabled") is None
    if not expected["latest_has_clusters"]:
        assert options["cluster"]["disabled"] and expected["latest"] in options["cluster"]["label"]

    # The view is the map tab; the slider steps through the waves with an AUI, the latest
    # chosen, each release break marked.
    assert response["map-tab"]["data"] == "map"
    assert response["map-layout"]["className"] == "map-layout tab-map"
    pressed = {k: response[f'{{"key":"{k}","type":"map-tab"}}']["aria-pressed"] for k in TABS}
    assert pressed == {"map": "true", "chart": "false", "table": "false"}
    slider = response["wave-slider"]
    assert slider["marks"] == expected["slider_marks"]
    assert slider["value"] == slider["max"] == len(expected["slider_marks"]) - 1
    assert response["wave-slider-control"]["hidden"] is False
    # The occupation control stays hidden: its ~800 options are not sent.
    assert response["occupation-control"]["hidden"] is True
    assert "options" not in response.get("occupation", {})


def check_choose_tab(response: dict, expected: dict) -> None:
    assert response["map-tab"]["data"] == "chart"


def check_choose_sort(response: dict, expected: dict) -> None:
    assert response["ranking-sort"]["data"] == "name"
    pressed = {
        key: response[json.dumps({"key": key, "type": "sort"}, separators=(",", ":"))][
            "aria-pressed"
        ]
        for key in ("rank", "name", "value")
    }
    assert pressed == {"rank": "false", "name": "true", "value": "false"}


def check_open_state(response: dict, expected: dict) -> None:
    assert response["url"] == {"pathname": "/state/IN", "search": ""}


def check_sync_state(response: dict, expected: dict) -> None:
    """The body is a patch over the body on screen (dashboard/pages/state.py): applied to
    the oldest wave's body, it shows the latest wave's numbers."""
    from dashboard.pages import state as state_page
    from dashboard.urls import StateView

    data = Marts(expected["directory"])
    oldest = state_page.body(data, StateView("IN", data.waves[0]))
    body = shown(patched(oldest, response["state-body"]["children"]))
    assert f"{expected['aui']['IN']:.2f}" in body
    assert expected["rank"]("IN") in body
    assert response["state-wave"]["value"] == expected["latest"]
    # the deeper profile: use cases (where the wave has them), exposure by wage, income
    assert f"How people in Indiana use Claude.ai — {expected['latest']}" in body
    for share in expected["indiana_use_cases"]:
        assert f"{share:.2f}%" in body
    assert "Who is exposed in Indiana" in body and "Indiana uses AI" in body
    # a wave switch leaves the "Where in" map's controls as they are
    assert "where-measure" not in response and "where-occupation" not in response


def check_sync_compare(response: dict, expected: dict) -> None:
    assert response["compare-url"]["search"] == "?states=IN%2COH"
    assert response["compare-states"]["value"] == ["IN", "OH"]
    body = shown(response["compare-body"]["children"])
    for state in ("IN", "OH"):
        assert expected["names"][state] in body
        assert f"{expected['aui'][state]:.2f}" in body and expected["rank"](state) in body


def table_rows(body: list) -> list[list[str]]:
    """The text of each cell of each row of a table body (Dash's JSON)."""
    return [[" ".join(texts(cell)) for cell in row["props"]["children"]] for row in body]


def check_sync_index(response: dict, expected: dict) -> None:
    """The state chosen with "nurse" typed: Indiana's jobs, location quotient and wage of
    every matching occupation, by exposure-weighted jobs."""
    nurses = expected["indiana_nurses"]
    assert response["index-url"]["search"] == "?q=nurse&state=IN"
    assert response["index-heading"]["children"] == "Occupations in Indiana"
    assert (
        response[json.dumps({"key": "lq", "type": "index-header"}, separators=(",", ":"))]["hidden"]
        is False
    )
    rows = table_rows(response["index-body"]["children"])
    assert [row[0].rsplit(" ", 1)[1] for row in rows] == nurses["soc_code"].to_list()
    registered = next(row for row in rows if row[0].startswith("Registered Nurses"))
    row = nurses.filter(pl.col("soc_code") == "29-1141").row(0, named=True)
    assert registered[1:4] == [
        f"{row['employment']:,.0f}",
        f"{row['location_quotient']:.2f}",
        f"${row['median_annual_wage']:,.0f}",
    ]
    assert shown(response["index-status"]["children"]).startswith(f"1–{nurses.height} of")


def check_sync_occupation(response: dict, expected: dict) -> None:
    """Registered nurses by share of the state's jobs: the marts' values and ranks."""
    states = expected["nurses"]
    assert response["occupation-url"]["search"] == "?measure=share"
    figure = response["occupation-map"]["figure"]["data"][0]
    assert len(figure["locations"]) == 51
    wv = states["WV"]
    hover = figure["text"][figure["locations"].index("WV")]
    assert f"% of jobs: {wv['employment_share_pct']:.2f}%" in hover
    assert f"Rank {wv['state_rank_by_share']} of {wv['state_rank_by_share_of']}" in hover
    rows = response["occupation-ranking"]["children"]["props"]["children"][2]["props"]["children"]
    first = [" ".join(texts(cell)) for cell in rows[0]["props"]["children"]]
    assert first == ["1", "West Virginia", f"{wv['employment_share_pct']:.2f}%"]
    assert response["occupation-map-csv"]["href"] == "/download/occupation/29-1141/states.csv"


def check_sort_exposed(response: dict, expected: dict) -> None:
    """Indiana's most exposed jobs sorted by jobs, largest first."""
    exposed = expected["indiana_exposed"].sort(["employment", "soc_code"], descending=[True, False])
    assert response["exposed-sort"]["data"] == ["jobs", True]
    rows = table_rows(response["exposed-body"]["children"])
    assert [row[0] for row in rows] == exposed["title"].to_list()
    assert rows[0][2] == f"{exposed['employment'][0]:,.0f}"
    header = json.dumps({"key": "jobs", "type": "exposed-header"}, separators=(",", ":"))
    assert response[header]["aria-sort"] == "descending"


def check_draw_where(response: dict, expected: dict) -> None:
    """Indiana's county map by software developers' location quotient: each county of
    Indianapolis-Carmel-Greenwood has the metro's published quotient (log scale), and the
    nonmetro remainder's counties are grey: it has no quotient of its own."""
    directory = expected["directory"]
    counties = pl.read_parquet(directory / "area_counties.parquet").filter(pl.col("state") == "IN")
    lq = (
        pl.read_parquet(directory / "area_occupations.parquet")
        .filter((pl.col("area_code") == "0026900") & (pl.col("soc_code") == "15-1252"))[
            "location_quotient"
        ]
        .item()
    )
    published, grey = response["where-map"]["figure"]["data"][:2]
    indianapolis = counties.filter(pl.col("area_code") == "0026900")["county_fips"].to_list()
    z = dict(zip(published["locations"], published["z"], strict=True))
    assert len(indianapolis) == 11
    # the colour's value to 4 significant digits (the hover states the quotient itself)
    assert all(math.isclose(z[c], math.log10(lq), rel_tol=5e-4) for c in indianapolis)
    remainder = counties.filter(pl.col("area_type") == "nonmetro remainder")["county_fips"]
    assert sorted(grey["locations"]) == sorted(remainder.to_list())
    assert "no quotient of its own" in grey["hovertext"][0]
    assert response["where-occupation-control"]["hidden"] is False
    assert response["where-occupation"]["value"] == "15-1252"
    # the address keeps the profile's level and names the map: it can be shared
    assert response["state-url"]["search"] == "?level=minor&where=lq&occupation=15-1252"
    for fmt in ("png", "svg"):  # the image links follow the map shown
        assert response[f"where-{fmt}"]["href"] == (
            f"/download/figure/where-map.{fmt}?state=IN&where=lq&occupation=15-1252"
        )


def check_sort_areas(response: dict, expected: dict) -> None:
    """Indiana's areas sorted by jobs, largest first: Chicago's whole-metro total first,
    marked shared with Illinois."""
    areas = (
        pl.read_parquet(expected["directory"] / "state_areas.parquet")
        .filter(pl.col("state") == "IN")
        .sort(["total_employment", "area_name"], descending=[True, False])
    )
    assert response["areas-sort"]["data"] == ["jobs", True]
    rows = table_rows(response["areas-body"]["children"])
    assert [row[0].split(" shared")[0].strip() for row in rows] == areas["area_name"].to_list()
    assert rows[0][0].strip() == "Chicago-Naperville-Elgin, IL-IN  shared with IL"
    assert rows[0][4] == f"{areas['total_employment'][0]:,.0f}"


def check_open_area(response: dict, expected: dict) -> None:
    assert response["url"] == {"pathname": "/area/0026900", "search": ""}


CHECKS = {
    "draw_where": check_draw_where,
    "sort_areas": check_sort_areas,
    "open_area": check_open_area,
    "render": check_render,
    "sync_map": check_sync_map,
    "choose_sort": check_choose_sort,
    "choose_tab": check_choose_tab,
    "open_state": check_open_state,
    "sync_state": check_sync_state,
    "sync_compare": check_sync_compare,
    "sync_index": check_sync_index,
    "sync_occupation": check_sync_occupation,
    "sort_exposed": check_sort_exposed,
}


@pytest.mark.parametrize("output", registered_outputs())
def test_every_callback_answers_with_the_marts_values(app, marts_data, expected, output):
    function = app.callback_map[output]["callback"].__wrapped__
    assert function.__name__ in CHECKS, f"no check for the callback {function.__name__}"
    CHECKS[function.__name__](post(app, output, marts_data), expected)


def test_two_apps_in_one_process_serve_their_own_data(built, tmp_path, expected):
    """Callbacks are registered per app and caches kept per marts: an app on a copy of the
    build where Indiana's AUI is 9.99 answers 9.99, the first still the real value."""
    changed = tmp_path / "processed"
    shutil.copytree(built.processed_dir, changed)
    summary = pl.read_parquet(changed / "state_summary.parquet")
    summary.with_columns(
        pl.when((pl.col("state") == "IN") & (pl.col("wave") == expected["latest"]))
        .then(9.99)
        .otherwise(pl.col("aui"))
        .alias("aui")
    ).write_parquet(changed / "state_summary.parquet")
    first, second = create_app(built.processed_dir), create_app(changed)
    for app, aui in ((first, expected["aui"]["IN"]), (second, 9.99)):
        data = app.server.extensions[EXTENSION].current()
        map_output = next(o for o in app.callback_map if o.startswith("..map-url.search"))
        figure = post(app, map_output, data)["map"]["figure"]["data"][0]
        assert f"AUI: {aui:.2f}" in figure["text"][figure["locations"].index("IN")]
        state_output = next(o for o in app.callback_map if o.startswith("..state-url.search"))
        patch = post(app, state_output, data)["state-body"]["children"]
        assert f"{aui:.2f}" in shown(sent(patch))
    assert first.callback_map.keys() == second.callback_map.keys()
