"""The area views on the real mirror: the state page's "Where in <state>", the area page,
their CSVs and bad links. Expected values come from the raw OEWS, job-exposure and county
files (tests/test_metro.py's readers), never through the pipeline."""

from __future__ import annotations

import csv
import io
import re

import polars as pl
import pytest
from playwright.sync_api import expect

from tests.test_metro import (
    INDIANAPOLIS,
    OE,
    mart,
    raw_counties,
    raw_exposure,
    raw_oews,
    tab_rows,
)

pytestmark = pytest.mark.integration
SHOWN = 5


def most_exposed_by_hand(mirror) -> list[tuple[str, float]]:
    """Indianapolis's occupations by jobs × exposure (published cells the precision rule
    keeps: RSE ≤ 40 %), largest first, ties by code: [(title, jobs), ...]."""
    exposure, cells = raw_exposure(mirror), raw_oews(mirror)["cells"]
    titles = {
        f"{r['occupation_code'][:2]}-{r['occupation_code'][2:]}": r["occupation_name"]
        for r in tab_rows(mirror / OE / "oe.occupation")
    }
    ranked = sorted(
        (-(c["employment"] * exposure[soc]), soc, c["employment"])
        for (area, soc), c in cells.items()
        if area == INDIANAPOLIS
        and c.get("employment") is not None
        and soc in exposure
        and (c.get("rse") or 0) <= 40
    )
    return [(titles[soc], jobs) for _, soc, jobs in ranked]


# --- without a browser ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "status", "names"),
    [
        ("/area/9999999", 404, "area"),
        ("/download/area/9999999/occupations.csv", 404, "area"),
        ("/download/state/ZZ/areas.csv", 404, "state"),
        ("/download/state/IN/areas.csv?wave=1999-01", 400, "wave"),
        ("/download/occupation/99-9999/areas.csv", 404, "occupation"),
    ],
)
def test_bad_area_links_answer_their_status_in_one_line(app, path, status, names):
    response = app.server.test_client().get(path)
    assert response.status_code == status
    if path.startswith("/download/"):
        text = response.get_data(as_text=True)
        assert text.count("\n") == 1 and text.startswith(f"{names} = ")


def test_the_area_csv_holds_indianapolis_cells_as_published(app, mirror):
    response = app.server.test_client().get(f"/download/area/{INDIANAPOLIS}/occupations.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    cells = {soc: c for (area, soc), c in raw_oews(mirror)["cells"].items() if area == INDIANAPOLIS}
    assert {r["soc_code"] for r in rows} == set(cells)
    for row in rows:
        cell = cells[row["soc_code"]]
        rse = cell.get("rse")
        if cell.get("employment") is not None and (rse or 0) <= 40:
            assert float(row["employment"]) == cell["employment"]
        elif rse is not None and rse > 40:
            assert row["employment"] == "" and row["employment_status"] == "too little data"


def test_indianas_areas_csv_lists_its_metros_and_remainder(app, mirror):
    response = app.server.test_client().get("/download/state/IN/areas.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    names = {r["area_name"]: r for r in rows}
    assert names["Indianapolis-Carmel-Greenwood, IN"]["is_shared"] == "false"
    assert names["Chicago-Naperville-Elgin, IL-IN"]["is_shared"] == "true"
    counties = [f for f, state in raw_counties().items() if state == "IN"]
    assert sum(int(r["counties_in_state"]) for r in rows) == len(counties)


# --- in Chromium ------------------------------------------------------------------------
def test_indiana_shows_a_county_map_and_lists_indianapolis(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/state/IN")
    section = page.locator("section", has=page.locator("#where"))
    expect(section.locator("h2").first).to_have_text("Where in Indiana", timeout=20_000)
    counties = [f for f, state in raw_counties().items() if state == "IN"]
    shapes = section.locator("#where-map path.choroplethlocation")
    expect(shapes).to_have_count(len(counties), timeout=20_000)
    expect(section.get_by_role("link", name="Indianapolis-Carmel-Greenwood, IN")).to_be_visible()
    chicago = section.locator("tr", has=page.get_by_role("link", name="Chicago-Naperville-Elgin"))
    expect(chicago).to_contain_text("shared with IL")
    section.get_by_role("link", name="Indianapolis-Carmel-Greenwood, IN").click()
    page.wait_for_url(re.compile(rf"/area/{INDIANAPOLIS}$"), timeout=10_000)
    expect(page.locator("h1")).to_contain_text("Indianapolis-Carmel-Greenwood", timeout=10_000)


def test_the_where_map_is_in_the_address_and_back_restores_it(chromium_page, served_app):
    """`/state/IN?where=per_1000` opens the map by jobs per 1,000; choosing an occupation's
    quotient writes it (and the occupation) into the address; back returns to per 1,000."""
    from tests.test_browser import choose
    from tests.test_browser_share import wait_for_location

    page = chromium_page
    page.goto(served_app + "/state/IN?where=per_1000")
    definition = page.locator("#where-definition")
    expect(definition).to_contain_text("per 1,000", timeout=20_000)
    expect(page.locator("#where-occupation-control")).to_be_hidden()
    page.locator("#where-map .choroplethlocation").nth(50).wait_for(timeout=20_000)
    choose(page, "where-measure", "An occupation's location quotient")
    expect(definition).to_contain_text("share of US jobs", timeout=10_000)
    href = wait_for_location(page, r"\?where=lq&occupation=\d{2}-\d{4}$")
    expect(page.locator("#where-occupation-control")).to_be_visible()
    image = f"/download/figure/where-map.png?state=IN&{href.split('?', 1)[1]}"
    expect(page.locator("#where-png")).to_have_attribute("href", image)
    page.go_back()
    wait_for_location(page, r"\?where=per_1000$")
    expect(definition).to_contain_text("per 1,000", timeout=10_000)
    expect(page.locator("#where-occupation-control")).to_be_hidden()
    page.goto(href)  # the shared address opens the same map
    expect(definition).to_contain_text("share of US jobs", timeout=20_000)
    code = href.rsplit("=", 1)[1]
    expect(page.locator("#where-occupation")).to_contain_text(code)


def test_indianapolis_shows_its_most_exposed_occupations(chromium_page, served_app, mirror):
    page = chromium_page
    page.goto(served_app + f"/area/{INDIANAPOLIS}")
    table = page.locator("#area-exposed-table")
    expect(table).to_be_visible(timeout=20_000)
    expected = most_exposed_by_hand(mirror)[:SHOWN]
    rows = table.locator("tbody tr")
    for index, (title, jobs) in enumerate(expected):
        expect(rows.nth(index)).to_contain_text(title)
        expect(rows.nth(index)).to_contain_text(f"{jobs:,.0f}")
    expect(page.locator(".cards")).to_contain_text(
        f"{raw_oews(mirror)['totals'][INDIANAPOLIS]:,.0f}"
    )


def test_an_unknown_area_is_a_404_page(chromium_page, served_app):
    page = chromium_page
    response = page.goto(served_app + "/area/9999999")
    assert response.status == 404
    expect(page.get_by_text("This link cannot be shown")).to_be_visible(timeout=20_000)
    expect(page.locator("body")).to_contain_text("9999999")
    page.wait_for_load_state("networkidle")  # every console message of the load is in
    page.console_errors.clear()  # the browser logs the 404 we asked for


def test_the_briefing_names_indianas_most_exposed_area(built, mirror):
    """The area of Indiana (its metros, shared ones included, and its nonmetro areas
    combined) with the highest average exposure of its jobs, from the raw files."""
    from dashboard.briefing.content import briefing
    from dashboard.data import Marts
    from tests.test_metro import exposure_by_hand, metro_states, raw_areas

    names = {r["area_code"]: r["area_name"] for r in raw_areas(mirror)}
    metros = [code for code, states in metro_states(mirror).items() if "IN" in states]
    nonmetro = [code for code in names if code.startswith("18")]
    values = {code: exposure_by_hand(mirror, [code])[0] for code in metros}
    values["remainder"] = exposure_by_hand(mirror, nonmetro)[0]
    top = max(values, key=values.__getitem__)
    assert top != "remainder"
    data = Marts(built.processed_dir)
    line = briefing(data, "IN", data.latest_wave).area_line
    assert line.startswith(f"Most exposed area: {names[top]} ({values[top] * 100:.1f}%")


def test_every_state_section_and_area_page_is_clean(built):
    """No 'nan', 'None' or blank cell on any state's "Where in" section (each measure) or
    any area's page."""
    from dashboard import area_data
    from dashboard.data import Marts
    from dashboard.metrics import AREA_MEASURES
    from dashboard.pages import area as area_page
    from dashboard.pages import state_areas
    from dashboard.urls import StateView
    from tests.test_sweep import assert_clean

    data = Marts(built.processed_dir)
    for state in data.state_names:
        view = StateView(state, data.latest_wave)
        assert_clean(f"/state/{state}", state_areas.section(data, view))
        for measure in AREA_MEASURES:
            soc = "15-1252" if measure == "lq" else None
            figure = state_areas.area_views.where_figure_json(data, state, measure, soc)
            assert_clean(f"/state/{state} {measure}", figure)
    for code in area_data.areas(data):
        assert_clean(f"/area/{code}", area_page.layout_json(data, code))


def test_the_us_metro_map_hover_gives_indianapolis_value_and_the_us(built, mirror):
    """The map page's metro map: Indianapolis' hover has its exposure from the raw files
    and its rank among metros; the US value, the same for every area, is in the hover
    template once; a click opens the area from the shape's own code (no customdata)."""
    from dashboard import views
    from dashboard.data import Marts
    from dashboard.urls import MapView
    from tests.test_metro import exposure_by_hand

    data = Marts(built.processed_dir)
    figure = views.map_figure_json(data, MapView("metro", data.latest_wave))
    published = figure["data"][0]
    at = published["locations"].index(INDIANAPOLIS)
    assert published["text"][at] == "Indianapolis-Carmel-Greenwood, IN"
    value, rank = published["hovertext"][at].split("<br>")
    assert value == f"{exposure_by_hand(mirror, [INDIANAPOLIS])[0] * 100:.1f}%"
    ranks = mart(built, "area_summary").filter(pl.col("area_code") == INDIANAPOLIS)
    assert rank == f"Rank {ranks['rank_among_metros'].item()} of 387 among metros"
    us = data.summary(data.latest_wave, "US")["exposure_weighted_employment"]
    assert published["hovertemplate"].endswith(f"<br>US: {us * 100:.1f}%<extra></extra>")
    assert "customdata" not in published
    # OEWS May 2025 in every wave: no wave slider to step through identical maps
    from dashboard.pages import home

    assert home.slider_state(data, MapView("metro", data.latest_wave))[3] is True
