"""The occupation side of the app shows the marts' numbers: the occupation pages (checked
against the raw job_exposure.csv, task_penetration.csv and O*NET rows too), the index, the
map's occupation metric, a state's most exposed jobs, and their downloads."""

from __future__ import annotations

import io
import json

import polars as pl
import pytest
from dash._utils import stringify_id

from dashboard import occupation_data, present
from dashboard.data import Marts
from dashboard.urls import OccupationIndexView
from etl.geo import US_51
from tests.test_callbacks import texts
from tests.test_occupations import mart, raw_exposure, raw_penetration, raw_tasks

pytestmark = pytest.mark.integration
CALLBACK = "/_dash-update-component"
OCCUPATIONS = ("29-1141", "15-1252", "43-4051")


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


@pytest.fixture(scope="module")
def data(built) -> Marts:
    return Marts(built.processed_dir)


def post(app, function: str, values: list, fired: int) -> dict:
    """POST the named server callback with these input (then state) values, as Dash's
    renderer would; the JSON response."""
    output, entry = next(
        (o, e)
        for o, e in app.callback_map.items()
        if e["callback"].__wrapped__.__name__ == function
    )
    values = list(values)
    inputs = [
        {"id": i["id"], "property": i["property"], "value": values.pop(0)} for i in entry["inputs"]
    ]
    state = [
        {"id": s["id"], "property": s["property"], "value": values.pop(0)} for s in entry["state"]
    ]
    outputs = (
        [{"id": o.component_id, "property": o.component_property} for o in entry["output"]]
        if isinstance(entry["output"], list)
        else None
    )
    payload = {
        "output": output,
        "outputs": outputs or _outputs(output),
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{stringify_id(inputs[fired]['id'])}.{inputs[fired]['property']}"],
    }
    response = app.server.test_client().post(CALLBACK, json=payload)
    assert response.status_code == 200, response.data[:300]
    return response.json["response"]


def _outputs(output: str) -> list[dict] | dict:
    parts = [
        {"id": _id(o.rsplit(".", 1)[0]), "property": o.rsplit(".", 1)[1]}
        for o in output.strip(".").split("...")
    ]
    return parts if output.startswith("..") else parts[0]


def _id(text: str) -> str | dict:
    return json.loads(text) if text.startswith("{") else text


def page(app, path: str, search: str = "") -> dict:
    """The page the router draws for a URL (Dash's JSON)."""
    return post(app, "render", [path, search], 0)["page"]["children"]


def find(tree: object, element_id: str) -> dict:
    """The component with this id in a tree of Dash's JSON."""
    if isinstance(tree, list):
        for item in tree:
            found = find(item, element_id)
            if found:
                return found
    elif isinstance(tree, dict) and "props" in tree:
        if tree["props"].get("id") == element_id:
            return tree
        return find(tree["props"].get("children"), element_id)
    return {}


def rows_of(table: dict) -> list[list[str]]:
    """The text of every cell of a table's body."""
    body = next(c for c in table["props"]["children"] if c["type"] == "Tbody")
    return [
        [" ".join(texts(cell)).strip() for cell in row["props"]["children"]]
        for row in body["props"]["children"]
    ]


def words(tree: object) -> str:
    text = " ".join(texts(tree))
    for bad in (" nan ", " None ", " inf "):
        assert bad not in f" {text} ", bad
    return text


# --- the occupation page ----------------------------------------------------------------
@pytest.mark.parametrize("soc", OCCUPATIONS)
def test_occupation_page_shows_the_raw_files_values(app, built, mirror, soc):
    occupation = mart(built, "occupations").filter(pl.col("soc_code") == soc).row(0, named=True)
    tree = page(app, f"/occupation/{soc}")
    text = words(tree)
    exposure = raw_exposure(mirror)[soc]
    assert f"Observed exposure {present.exposure_text(exposure)}" in text
    weighted = occupation["us_employment"] * exposure
    assert f"Exposure-weighted jobs {weighted:,.0f}" in text
    assert f"US jobs {occupation['us_employment']:,.0f}" in text
    tasks, penetration = raw_tasks(mirror, soc), raw_penetration(mirror)
    mean = {
        i: sum(v) / len(v) for i, t in tasks.items() if (v := penetration.get(t.strip().lower()))
    }
    seen = [i for i, value in mean.items() if value > 0]
    assert f"Tasks with AI use {len(seen)} of {len(tasks)} ({len(seen) / len(tasks):.0%})" in text
    # Every task, its penetration from the raw file, the published usage share or its status.
    table = rows_of(find(tree, "occupation-tasks-table"))
    assert len(table) == len(tasks)
    by_text = {row[0]: row for row in table}
    for task_id, statement in tasks.items():
        assert by_text[statement][-2] == present.penetration_text(mean.get(task_id))
    listed = mart(built, "occupation_tasks").filter(pl.col("soc_code") == soc)
    for row in listed.iter_rows(named=True):
        assert by_text[row["task"]][-1] == present.share_text(
            row["us_usage_share_pct"], row["usage_status"]
        )
    # Tasks with published usage come first, then those AI use reaches, then the rest.
    tier = {
        r["task"]: 0 if r["has_published_usage"] else 1 if r["penetrated"] else 2
        for r in listed.iter_rows(named=True)
    }
    assert [tier[row[0]] for row in table] == sorted(tier.values())
    share = present.share_text(
        occupation["us_task_attributed_share_pct"], occupation["us_task_attributed_share_status"]
    )
    assert f"Share of task-classified usage {share}" in text
    rank = present.rank_text(
        occupation["rank_in_group_by_exposure"],
        occupation["rank_in_group_by_exposure_tied"],
        occupation["rank_in_group_by_exposure_of"],
    )
    assert rank.capitalize() + " by observed exposure among the" in text


@pytest.mark.parametrize("soc", OCCUPATIONS)
def test_occupation_map_ranks_states_as_the_marts_do(app, built, soc):
    states = mart(built, "state_occupations").filter(
        (pl.col("soc_code") == soc) & pl.col("state").is_in(US_51)
    )
    tree = page(app, f"/occupation/{soc}")
    figure = find(tree, "occupation-map")["props"]["figure"]
    located = [loc for trace in figure["data"] for loc in trace["locations"]]
    assert sorted(located) == sorted(US_51)
    table = rows_of(find(tree, "occupation-ranking-table"))
    expected = states.sort(["state_rank_by_lq", "state_name"], nulls_last=True)
    assert [row[1] for row in table] == expected["state_name"].to_list()
    first = expected.row(0, named=True)
    assert table[0] == ["1", first["state_name"], f"{first['location_quotient']:.2f}"]


def test_registered_nurses_are_first_in_west_virginia(app):
    table = rows_of(find(page(app, "/occupation/29-1141"), "occupation-ranking-table"))
    assert table[0] == ["1", "West Virginia", "1.54"]  # no plausible ranks for OEWS values


def test_a_combined_code_says_what_it_stands_for(app):
    text = words(page(app, "/occupation/31-1120"))
    assert "31-1120 is an OEWS combined code" in text
    assert "stands for 31-1121 (Home Health Aides) and 31-1122 (Personal Care Aides)" in text
    assert "Observed exposure no score OEWS combined codes are not scored" in text


def test_unknown_occupations_are_a_friendly_404(client):
    response = client.get("/occupation/99-9999")
    assert response.status_code == 404
    assert b"99-9999" in response.data and b"Back to the map" in response.data


# --- the map's occupation metric --------------------------------------------------------
def test_map_shows_an_occupations_location_quotients(app, data, built):
    response = post(
        app,
        "sync_map",
        ["", "occupation", data.latest_wave, None, "29-1141", "lq", "rank", "map", None, True],
        fired=1,
    )
    assert response["map-url"]["search"] == "?metric=occupation&occupation=29-1141"
    assert response["occupation-control"]["hidden"] is False
    # The control was hidden: it gets every occupation of the index, by title.
    index = mart(built, "occupations").sort("title", maintain_order=True)
    options = response["occupation"]["options"]
    assert [o["value"] for o in options] == index["soc_code"].to_list()
    assert {"label": "Registered Nurses (29-1141)", "value": "29-1141"} in options
    nurses = {
        r["state"]: r
        for r in mart(built, "state_occupations")
        .filter(pl.col("soc_code") == "29-1141")
        .iter_rows(named=True)
    }
    trace = response["map"]["figure"]["data"][0]
    for state in ("WV", "IN", "CA"):
        hover = trace["text"][trace["locations"].index(state)]
        row = nurses[state]
        assert f"LQ: {row['location_quotient']:.2f}" in hover
        rank = present.rank_text(
            row["state_rank_by_lq"], row["state_rank_by_lq_tied"], row["state_rank_by_lq_of"]
        )
        assert rank.capitalize() in hover
    assert "Registered Nurses: location quotient" in response["map-title"]["children"]
    table = rows_of(response["ranking"]["children"])
    assert table[0] == ["1", "West Virginia", "1.54"]  # no plausible ranks for OEWS values
    assert response["map-csv"]["href"].endswith("occupation=29-1141&measure=lq")


def test_the_maps_occupation_choices_are_sent_once_the_control_is_shown(app, data):
    """Hidden (another metric), the control holds only its chosen occupation; shown, its
    options are already there and are not sent again with each change."""
    tree = page(app, "/")
    options = find(tree, "occupation")["props"]["options"]
    largest = occupation_data.largest_occupation(data)
    assert [o["value"] for o in options] == [largest]
    assert options[0]["label"] == f"{occupation_data.titles(data)[largest]} ({largest})"
    shown = find(page(app, "/", "?metric=occupation&occupation=29-1141"), "occupation")
    assert len(shown["props"]["options"]) == data.occupations.height
    response = post(
        app,
        "sync_map",
        ["", "occupation", data.latest_wave, None, "15-1252", "lq", "rank", "map", None, False],
        fired=4,
    )
    assert "Software Developers" in response["map-title"]["children"]
    assert "options" not in response.get("occupation", {})


# --- a state's most exposed jobs --------------------------------------------------------
def test_indianas_list_sums_to_the_card_and_starts_with_customer_service(data):
    listed = occupation_data.most_exposed(data, "IN")
    card = data.summary(data.latest_wave, "IN")["jobs_high_exposure"]
    assert len(listed) == 81
    assert sum(r["employment"] for r in listed) == card == 604_560
    assert listed[0]["title"] == "Customer Service Representatives"
    assert listed[0]["rank_by_exposure_weighted_jobs"] == 1


def test_every_states_list_is_its_cards_jobs_and_no_column_is_empty(data):
    from dashboard.pages.most_exposed import COLUMNS, _cells

    for state in US_51:
        listed = occupation_data.most_exposed(data, state)
        card = data.summary(data.latest_wave, state)["jobs_high_exposure"]
        assert sum(r["employment"] for r in listed) == pytest.approx(card), state
        ranks = [r["rank_by_exposure_weighted_jobs"] for r in listed]
        assert ranks == sorted(ranks), state
        cells = [_cells(r) for r in listed]
        for index, column in enumerate(COLUMNS):
            shown = [row[index] for row in cells]
            assert any(
                value not in (present.NOT_PUBLISHED, present.NOT_RELEASED) for value in shown
            ), (state, column.label)


def test_indiana_page_lists_its_most_exposed_jobs(app):
    tree = page(app, "/state/IN")
    table = rows_of(find(tree, "exposed"))
    assert len(table) == 81
    first = table[0]
    assert first[0] == "Customer Service Representatives"
    assert first[1:4] == ["1", "44,630", "70%"]
    link = find(tree, "exposed")  # the occupation names link to their pages
    assert '"href": "/occupation/43-4051"' in json.dumps(link)


# --- downloads --------------------------------------------------------------------------
def read_csv(body: bytes) -> pl.DataFrame:
    return pl.read_csv(io.BytesIO(body), infer_schema_length=10_000)


def test_index_csv_is_the_view(client, built):
    national = read_csv(client.get("/download/occupations.csv").data)
    assert national.height == 830 and "location_quotient" not in national.columns
    assert national["soc_code"][0] == "43-4051"  # by exposure-weighted jobs
    response = client.get("/download/occupations.csv?q=nurse&state=IN&sort=lq&order=asc")
    assert 'filename="aiei_occupations_IN.csv"' in response.headers["Content-Disposition"]
    indiana = read_csv(response.data)
    expected = (
        mart(built, "state_occupations")
        .filter(
            (pl.col("state") == "IN") & pl.col("title").str.to_lowercase().str.contains("nurse")
        )
        .sort(["location_quotient", "soc_code"], nulls_last=True)
    )
    assert indiana["soc_code"].to_list() == expected["soc_code"].to_list()
    assert indiana["location_quotient"].to_list() == expected["location_quotient"].to_list()
    assert set(indiana["state"]) == {"IN"}


def test_occupation_csvs(client, built, mirror):
    states = read_csv(client.get("/download/occupation/29-1141/states.csv").data)
    assert states.height == 52  # the 51 and the US
    wv = states.filter(pl.col("state") == "WV").row(0, named=True)
    assert (wv["location_quotient"], wv["state_rank_by_lq"]) == (1.54, 1)
    tasks = read_csv(client.get("/download/occupation/15-1252/tasks.csv").data)
    raw = raw_tasks(mirror, "15-1252")
    assert sorted(tasks["task_id"]) == sorted(raw)
    assert tasks["has_published_usage"].to_list() == sorted(
        tasks["has_published_usage"].to_list(), reverse=True
    )


def test_most_exposed_csv(client):
    frame = read_csv(client.get("/download/state/IN/most_exposed.csv").data)
    assert frame.height == 81 and frame["employment"].sum() == 604_560
    assert frame["title"][0] == "Customer Service Representatives"
    assert client.get("/download/state/ZZ/most_exposed.csv").status_code == 404


@pytest.mark.parametrize(
    "url, signature",
    [
        ("/download/figure/occupation-map.svg?soc=29-1141&measure=share", b"<svg"),
        ("/download/figure/occupation-tasks.png?soc=15-1252", b"\x89PNG"),
        ("/download/figure/most-exposed.svg?state=IN", b"<svg"),
    ],
)
def test_occupation_charts_export(client, browser, url, signature):
    response = client.get(url)
    assert response.status_code == 200, response.data[:200]
    assert signature in response.data[:400]
    assert "attachment" in response.headers["Content-Disposition"]


def test_bad_occupation_downloads_are_named(client):
    for url, status in (
        ("/download/occupation/99-9999/states.csv", 404),
        ("/download/occupations.csv?group=99", 400),
        ("/download/figure/occupation-map.svg?soc=99-9999", 404),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert b"is not valid" in response.data


# --- the index's URL and the search box's index -----------------------------------------
def test_index_view_round_trips_through_its_url(data):
    view = OccupationIndexView.parse(
        {"q": "  nurse  ", "group": "29", "state": "in", "sort": "wage", "order": "asc"}, data
    )
    assert (view.words, view.group, view.state, view.sort, view.descending) == (
        "nurse",
        "29",
        "IN",
        "wage",
        False,
    )
    assert view.search(data) == "?q=nurse&group=29&state=IN&sort=wage&order=asc"
    assert OccupationIndexView.parse({}, data).search(data) == ""
    # A page beyond the last shows the last.
    assert OccupationIndexView.parse({"q": "nurse", "page": "99"}, data).page == 1


def test_search_index_holds_every_state_and_occupation(client, data):
    entries = client.get("/search-index.json").json
    states = {e["code"]: e for e in entries if e["kind"] == "state"}
    occupations = {e["code"]: e for e in entries if e["kind"] == "occupation"}
    assert set(states) == set(US_51) and len(occupations) == data.occupations.height
    assert states["IN"] == {
        "label": "Indiana",
        "code": "IN",
        "kind": "state",
        "href": "/state/IN",
        "size": 0,
    }
    assert occupations["29-1141"]["label"] == "Registered Nurses"
    assert occupations["29-1141"]["href"] == "/occupation/29-1141"


def test_clearing_the_state_of_a_table_sorted_by_location_quotient(app):
    """The location quotient is a state's: without a state the index sorts by default."""
    response = post(
        app, "sync_index", ["?state=IN&sort=lq", "", None, None, *[0] * 8, 0, 0], fired=3
    )
    assert response["index-url"]["search"] == ""
    assert response["index-heading"]["children"] == "Occupations"
    lq = json.dumps({"key": "lq", "type": "index-header"}, separators=(",", ":"))
    assert response[lq]["hidden"] is True
