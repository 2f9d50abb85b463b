"""The dashboard in headless Chromium, against the app serving the real marts."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

import polars as pl
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.integration
SHAPES = "#map .choroplethlocation"


def wait_for_map(page, title_fragment: str | None = None) -> None:
    """Locator waits only: the app's Content-Security-Policy forbids the eval that
    wait_for_function needs, and the tests keep that policy on."""
    page.locator(SHAPES).nth(50).wait_for(timeout=20_000)
    if title_fragment:
        expect(page.locator("#map-title")).to_contain_text(title_fragment, timeout=10_000)


def fills(page) -> list[str]:
    return page.evaluate(
        f"[...document.querySelectorAll('{SHAPES}')].map(p => getComputedStyle(p).fill)"
    )


def choose(page, dropdown_id: str, option_text: str) -> None:
    page.click(f"#{dropdown_id}")
    page.get_by_role("option", name=option_text).first.click()


def click_state(page, state: str) -> None:
    """A real mouse click at the centre of the state's shape."""
    box = page.evaluate(
        """s => {
        const path = [...document.querySelectorAll('#map .choroplethlocation')]
            .find(p => p.__data__ && p.__data__.loc === s);
        const r = path.getBoundingClientRect();
        return {x: r.x + r.width / 2, y: r.y + r.height / 2};
    }""",
        state,
    )
    page.mouse.click(box["x"], box["y"])


def test_map_draws_51_states(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/")
    wait_for_map(page)
    assert page.locator(SHAPES).count() == 51
    assert page.locator("#ranking-table tbody tr").count() == 51


def test_metric_and_wave_change_the_figure_and_the_url(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/")
    wait_for_map(page, "Usage Index")
    before = fills(page)
    choose(page, "metric", "Automation share")
    wait_for_map(page, "Automation share")
    assert "metric=automation" in page.url
    choose(page, "wave", "2025-08 (Aug 4–11, 2025)")
    wait_for_map(page, "Aug 4–11, 2025")
    assert "wave=2025-08" in page.url
    assert fills(page) != before
    page.go_back()
    wait_for_map(page, "May 2026")
    assert "wave" not in page.url and "metric=automation" in page.url


def test_clicking_a_state_opens_its_profile(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/")
    wait_for_map(page)
    click_state(page, "IN")
    page.wait_for_url(re.compile(r"/state/IN"), timeout=10_000)
    page.wait_for_selector("text=AI in Indiana")


def test_indiana_profile_matches_the_marts(chromium_page, served_app, built):
    summary = pl.read_parquet(built.processed_dir / "state_summary.parquet")
    latest = summary["wave"].max()
    row = summary.filter((pl.col("wave") == latest) & (pl.col("state") == "IN")).row(0, named=True)
    requests = pl.read_parquet(built.processed_dir / "state_requests.parquet")
    top = (
        requests.filter(
            (pl.col("state") == "IN")
            & (pl.col("level") == "major")
            & (pl.col("rank_in_state") == 1)
        )
        .sort("wave")
        .tail(1)
    )
    page = chromium_page
    page.goto(served_app + "/state/IN")
    page.wait_for_selector("text=AI in Indiana")
    cards = page.locator(".cards").inner_text()
    assert f"{row['aui']:.2f}" in cards
    assert f"rank {row['aui_rank']} of 51" in cards
    page.locator("summary", has_text="Table: top uses").click()
    assert top["cluster"].item() in page.locator("table", has_text="Use of AI").first.inner_text()
    page.locator("summary", has_text="Table: largest occupations").click()
    first_row = page.locator("table", has_text="Median wage").locator("tbody tr").first
    assert row["largest_occupation_1_title"] in first_row.inner_text()


def test_montana_is_not_called_first_for_software(chromium_page, served_app, built):
    """MT leads 2026-02's software cluster on 56 of 373 conversations: the page says no
    state is clearly first, and the ranking shows how far its rank could move."""
    requests = pl.read_parquet(built.processed_dir / "state_requests.parquet")
    montana = requests.filter(
        (pl.col("wave") == "2026-02")
        & (pl.col("state") == "MT")
        & (pl.col("level") == "major")
        & pl.col("cluster").str.starts_with("Assist with software")
    ).row(0, named=True)
    assert montana["state_rank"] == 1 and montana["state_rank_high"] > 1
    page = chromium_page
    page.goto(
        served_app
        + "/?"
        + urlencode({"metric": "cluster", "wave": "2026-02", "cluster": montana["cluster_id"]})
    )
    wait_for_map(page, "software")
    claim = page.locator("#map-claim").inner_text()
    assert "no state is clearly first" in claim and "Montana" in claim
    row = page.locator("#ranking-table tbody tr", has_text="Montana").inner_text()
    assert f"{montana['state_rank_low']}–{montana['state_rank_high']}" in row
    assert "is first" not in page.locator("#map-claim").inner_text()


def test_indiana_profile_shows_its_rank_range(chromium_page, served_app, built):
    """2026-02 has counts: a sampling interval of the rank. 2026-05 has none: the range the
    published rounding allows (IN and MI both 0.61)."""
    summary = pl.read_parquet(built.processed_dir / "state_summary.parquet")
    feb = summary.filter((pl.col("wave") == "2026-02") & (pl.col("state") == "IN")).row(
        0, named=True
    )
    page = chromium_page
    page.goto(served_app + "/state/IN?wave=2026-02")
    page.wait_for_selector("text=AI in Indiana")
    expect(page.locator(".cards")).to_contain_text(
        f"rank {feb['aui_rank']} of 51 (plausible {feb['aui_rank_low']}–{feb['aui_rank_high']})"
    )
    page.goto(served_app + "/state/IN?wave=2026-05")
    page.wait_for_selector("text=AI in Indiana")
    expect(page.locator(".cards")).to_contain_text("rank 32 of 51, tied (32–33 given the rounding)")
    expect(page.locator("#state-story")).to_contain_text("an AI Usage Index of 0.61")


def test_a_metric_the_wave_lacks_is_disabled_not_switched(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/")
    wait_for_map(page, "May 2026")
    page.click("#metric")
    option = page.get_by_role("option", name=re.compile("Share of a use of AI"))
    expect(option).to_contain_text("not in the 2026-05 release")
    expect(option.get_by_role("radio")).to_be_disabled()
    option.click(force=True)
    expect(page.locator("#map-title")).to_contain_text("Usage Index")
    assert "metric=" not in page.url


def test_the_occupation_control_offers_every_occupation_once_shown(chromium_page, served_app):
    """Hidden behind another metric, the control holds only its chosen occupation (the
    map's first paint does not wait for ~800 options); chosen, it searches them all."""
    page = chromium_page
    page.goto(served_app + "/")
    wait_for_map(page, "Usage Index")
    expect(page.locator("#occupation-control")).to_be_hidden()
    choose(page, "metric", "Where an occupation's jobs are")
    wait_for_map(page, "location quotient")
    page.click("#occupation")
    page.get_by_role("searchbox", name="Search").fill("Software Developers")
    page.get_by_role("option", name="Software Developers (15-1252)").click()
    wait_for_map(page, "Software Developers")
    assert "occupation=15-1252" in page.url


def test_shared_url_restores_the_view(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/?metric=usage_share&wave=2025-11")
    wait_for_map(page, "Nov 13–20, 2025")
    assert "Share of US conversations" in page.locator("#map-title").inner_text()
    page.goto(served_app + "/state/OH?wave=2025-08")
    page.wait_for_selector("text=AI in Ohio")
    assert "2025-08" in page.locator("#state-wave").inner_text()
    page.goto(served_app + "/compare?states=IN,OH,MI")
    page.wait_for_selector("#compare-body table")
    body = page.locator("#compare-body table").first.inner_text()
    assert all(name in body for name in ("Indiana", "Ohio", "Michigan"))


def test_bad_links_get_a_friendly_page(chromium_page, served_app):
    page = chromium_page
    response = page.goto(served_app + "/state/ZZ")
    assert response.status == 404
    page.wait_for_selector("text=This link cannot be shown")
    response = page.goto(served_app + "/?metric=nope")
    assert response.status == 400
    page.wait_for_selector("text=metric = 'nope' is not valid")
    page.console_errors.clear()  # the browser logs the 404 and 400 we asked for


def test_map_renders_with_every_non_local_request_blocked(chromium_page, served_app):
    page = chromium_page
    host = urlsplit(served_app).netloc
    outside: list[str] = []

    def gate(route):
        if urlsplit(route.request.url).netloc == host:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", gate)
    page.goto(served_app + "/")
    wait_for_map(page)
    assert page.locator(SHAPES).count() == 51
    assert outside == []


def test_callbacks_carry_the_page_s_build_and_a_page_whose_build_is_gone_says_so(
    chromium_page, served_app
):
    page = chromium_page
    sent: list[dict] = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data_json) if "_dash-update-component" in r.url else None,
    )
    page.goto(served_app + "/")
    wait_for_map(page, "Usage Index")
    build = page.locator('meta[name="aiei-build"]').get_attribute("content")
    assert sent and all(body["build"] == build for body in sent)
    expect(page.locator("#data-updated")).to_be_hidden()
    # As if the build this page was rendered from had been deleted (three builds later).
    page.evaluate("document.querySelector('meta[name=\"aiei-build\"]').content = 'deadbeef0000'")
    before = fills(page)
    choose(page, "metric", "Automation share")
    expect(page.locator("#data-updated")).to_be_visible(timeout=10_000)
    expect(page.locator("#data-updated")).to_contain_text("The data has been updated")
    assert page.locator("#data-updated a").get_attribute("href") == ""
    assert "Usage Index" in page.locator("#map-title").inner_text() and fills(page) == before
    page.locator("#data-updated a").click()  # reloads the page's own address
    wait_for_map(page, "Usage Index")
    expect(page.locator("#data-updated")).to_be_hidden()
    assert page.locator('meta[name="aiei-build"]').get_attribute("content") == build


def test_indiana_profile_shows_use_exposure_and_income(chromium_page, served_app, built):
    """The three deeper panels, with the marts' values: use cases 37.21 / 51.29 / 11.50,
    the wage bands' jobs, the income fit's words; each chart drawn, each table opens."""
    bands = pl.read_parquet(built.processed_dir / "state_wage_bands.parquet").filter(
        pl.col("state") == "IN"
    )
    fit = pl.read_parquet(built.processed_dir / "state_income_fit.parquet").filter(
        (pl.col("state") == "IN") & (pl.col("wave") == "2026-05")
    )
    page = chromium_page
    page.goto(served_app + "/state/IN?wave=2026-05")
    usage = page.locator("section", has=page.locator("#usage-profile-heading"))
    usage.locator("summary").click()
    table = usage.locator("table")
    for label, value in (("work", "37.21%"), ("personal", "51.29%"), ("coursework", "11.50%")):
        expect(table.locator("tr", has_text=f"Use: {label}")).to_contain_text(value)
    expect(table.locator("tr", has_text="Time without AI")).to_contain_text("min")
    expect(usage).to_contain_text("no sampling interval")
    exposed = page.locator("section", has=page.locator("#wage-bands-heading"))
    exposed.locator("summary").click()
    expect(exposed.locator("table")).to_contain_text(
        f"{bands['jobs_with_score'].sum():,.0f} jobs with an exposure score in all"
    )
    expect(exposed.locator("#exposure-wage .scatterlayer .point").first).to_be_attached()
    expect(page.locator("#income-verdict")).to_contain_text(
        f"Indiana uses AI {fit['residual_words'].item()}"
    )
    expect(page.locator("#income-fit .scatterlayer .point")).to_have_count(51)
