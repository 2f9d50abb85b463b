"""A state page's wave switch in Chromium: the server sends only the parts that depend on
the wave (a Patch over the body, dashboard/pages/state.py), and the page must then show
exactly what loading the new wave's address shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_browser import choose

pytestmark = pytest.mark.integration
COUNTIES = "#where-map .choroplethlocation"
# The body's words (the charts left out) and each chart's plotted data, by its id.
SHOWN = """() => {
    const body = document.getElementById('state-body').cloneNode(true);
    body.querySelectorAll('.js-plotly-plot').forEach(plot => plot.remove());
    const charts = {};
    document.querySelectorAll('#state-body .js-plotly-plot').forEach(plot => {
        charts[plot.parentElement.id] = JSON.stringify(plot.data);
    });
    return {words: body.textContent, charts: charts};
}"""


def settled(page, wave: str) -> dict:
    expect(page.locator("#usage-profile-heading")).to_contain_text(wave, timeout=10_000)
    expect(page.locator("#income-heading")).to_contain_text(wave, timeout=10_000)
    page.locator(COUNTIES).nth(50).wait_for(timeout=30_000)
    page.locator("#income-fit .scatterlayer .point").nth(50).wait_for(timeout=10_000)
    return page.evaluate(SHOWN)


def test_a_wave_switch_shows_what_the_waves_address_shows(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/state/IN?wave=2025-08")
    settled(page, "2025-08")
    choose(page, "state-wave", "2026-04 (April 2026)")
    page.wait_for_url("**wave=2026-04**", timeout=10_000)
    switched = settled(page, "2026-04")
    page.goto(served_app + "/state/IN?wave=2026-04")
    loaded = settled(page, "2026-04")
    assert switched["words"] == loaded["words"]
    assert switched["charts"].keys() == loaded["charts"].keys()
    assert {"where-map", "usage-profile", "income-fit", "most-exposed-chart"} <= set(
        loaded["charts"]
    )
    for chart, data in loaded["charts"].items():
        assert switched["charts"][chart] == data, chart
