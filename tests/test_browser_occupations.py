"""The occupation side in headless Chromium: the header's search box with the keyboard,
an occupation's map and ranking, a state's most exposed jobs, keyboard sorting, and no
sideways scrolling on a phone."""

from __future__ import annotations

import re

import polars as pl
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.integration
SEARCH = "Search states and occupations"


def search_box(page):
    box = page.get_by_role("combobox", name=SEARCH)
    box.wait_for(timeout=20_000)
    return box


def test_search_finds_registered_nurses_from_nurse_and_opens_it_with_the_keyboard(
    chromium_page, served_app
):
    page = chromium_page
    page.goto(served_app + "/")
    box = search_box(page)
    box.focus()
    page.keyboard.type("nurse")
    options = page.get_by_role("option")
    expect(options.first).to_be_visible(timeout=10_000)
    names = options.all_inner_texts()
    target = next(i for i, name in enumerate(names) if name.startswith("Registered Nurses"))
    expect(box).to_have_attribute("aria-expanded", "true")
    for _ in range(target + 1):
        page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", f"site-search-option-{target}")
    expect(options.nth(target)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/occupation/29-1141$"), timeout=10_000)
    expect(page.locator("h1")).to_contain_text("Registered Nurses", timeout=10_000)


def test_search_finds_indiana_from_ind_and_escape_closes_it(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/occupations")
    box = search_box(page)
    box.focus()
    page.keyboard.type("ind")
    first = page.get_by_role("option").first
    expect(first).to_contain_text("Indiana", timeout=10_000)
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowDown")  # opens the list again on the first result
    expect(first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/state/IN$"), timeout=10_000)
    expect(page.locator("h1")).to_have_text("AI in Indiana", timeout=10_000)


def test_occupation_page_maps_51_states_and_ranks_west_virginia_first(
    chromium_page, served_app, built
):
    nurses = pl.read_parquet(built.processed_dir / "state_occupations.parquet").filter(
        (pl.col("soc_code") == "29-1141") & pl.col("state_rank_by_lq").is_not_null()
    )
    first = nurses.sort("state_rank_by_lq", "state_name").row(0, named=True)
    page = chromium_page
    page.goto(served_app + "/occupation/29-1141")
    shapes = page.locator("#occupation-map .choroplethlocation")
    shapes.nth(50).wait_for(timeout=20_000)
    assert shapes.count() == 51
    row = page.locator("#occupation-ranking-table tbody tr").first
    expect(row).to_have_text(
        re.compile(rf"1\s*{first['state_name']}\s*{first['location_quotient']:.2f}")
    )
    assert first["state"] == "WV" and first["location_quotient"] == 1.54
    page.get_by_role("link", name="West Virginia").first.click()
    page.wait_for_url(re.compile(r"/state/WV"), timeout=10_000)


def test_measure_switch_redraws_the_ranking_and_the_url(chromium_page, served_app, built):
    nurses = pl.read_parquet(built.processed_dir / "state_occupations.parquet").filter(
        (pl.col("soc_code") == "29-1141") & (pl.col("state_rank_by_employment") == 1)
    )
    page = chromium_page
    page.goto(served_app + "/occupation/29-1141")
    page.locator("#occupation-map .choroplethlocation").nth(50).wait_for(timeout=20_000)
    page.click("#occupation-measure")
    page.get_by_role("option", name="Jobs", exact=True).click()
    page.wait_for_url(re.compile(r"measure=employment"), timeout=10_000)
    expect(page.locator("#occupation-ranking-table tbody tr").first).to_contain_text(
        nurses["state_name"].item()
    )


def test_indiana_lists_customer_service_representatives_among_its_most_exposed_jobs(
    chromium_page, served_app
):
    page = chromium_page
    page.goto(served_app + "/state/IN")
    table = page.locator("#exposed")
    table.wait_for(timeout=20_000)
    row = table.locator("tbody tr", has_text="Customer Service Representatives").first
    expect(row).to_contain_text("44,630")
    assert table.locator("tbody tr").count() == 81


def test_sorting_with_the_keyboard_keeps_focus_and_says_the_order(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/state/IN")
    button = page.locator("#exposed").get_by_role("button", name="Jobs", exact=True)
    button.wait_for(timeout=20_000)
    header = page.locator("#exposed").get_by_role("columnheader", name="Jobs", exact=True)
    expect(header).to_have_attribute("aria-sort", "none")
    button.focus()
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "descending", timeout=10_000)
    expect(page.locator("#exposed tbody tr").first).to_contain_text("Retail Salespersons")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "ascending", timeout=10_000)


def test_clicking_an_occupation_on_a_state_page_opens_it(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/state/IN")
    page.locator("#exposed").wait_for(timeout=20_000)
    page.locator("#exposed").get_by_role("link", name="Customer Service Representatives").click()
    page.wait_for_url(re.compile(r"/occupation/43-4051$"), timeout=10_000)
    expect(page.locator("h1")).to_contain_text("Customer Service Representatives")


def test_index_searches_sorts_and_pages_through_its_url(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/occupations")
    status = page.locator("#index-status")
    expect(status).to_contain_text("of 830 occupations", timeout=20_000)
    page.locator("#index-next").click()
    page.wait_for_url(re.compile(r"page=2"), timeout=10_000)
    expect(status).to_contain_text("51–100 of 830")
    page.locator("#index-words").fill("nurse")
    page.locator("#index-words").press("Enter")
    page.wait_for_url(re.compile(r"q=nurse"), timeout=10_000)
    assert "page=" not in page.url
    page.locator("#index thead button", has_text="Median annual wage").click()
    page.wait_for_url(re.compile(r"sort=wage"), timeout=10_000)
    expect(page.locator("#index tbody tr").first).to_contain_text("Nurse Anesthetists")


def test_unknown_occupation_is_a_friendly_404(chromium_page, served_app):
    page = chromium_page
    response = page.goto(served_app + "/occupation/99-9999")
    assert response.status == 404
    page.wait_for_selector("text=This link cannot be shown")
    expect(page.locator("body")).to_contain_text("99-9999")
    page.wait_for_load_state("networkidle")  # every console message of the load is in
    page.console_errors.clear()  # the browser logs the 404 we asked for


@pytest.mark.parametrize(
    "path",
    ["/occupations?state=IN", "/occupation/29-1141", "/occupation/31-1120", "/state/IN"],
)
def test_no_sideways_scrolling_on_a_phone(browser, served_app, path):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(served_app + path)
    page.locator("h1").wait_for(timeout=20_000)
    page.wait_for_timeout(1500)  # charts sized to the screen
    width = page.evaluate("document.documentElement.scrollWidth")
    panels = page.evaluate(
        """[...document.querySelectorAll('.panel, .map-panel, .ranking-panel')]
            .filter(p => p.querySelector('#most-exposed, #occupation-map, #index, '
                + '#occupation-tasks-table, #occupation-ranking-table')
                || !location.pathname.startsWith('/state/'))
            .filter(p => p.scrollWidth > p.clientWidth + 1)
            .map(p => (p.querySelector('h2') || {}).textContent)"""
    )
    context.close()
    assert width <= 390 and panels == [], (width, panels)
