"""Everyone can use it: axe-core over every registered page type at a desktop and a phone
width, no page wider than a phone, and a state opened from the map with the keyboard alone.

axe-core is a test asset installed by `npm ci` in tests/axe/ (the README's test command
and .ci/run do it); it is never fetched from a CDN while the tests run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard import pages

pytestmark = pytest.mark.integration
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# A URL for each page whose path holds parameters; a page without parameters is checked at
# its path. A new page with parameters and no sample here fails `test_every_page_has_a_sample`.
SAMPLES = {
    "state": "/state/IN",
    "compare": "/compare?states=IN,OH",
    "occupation": "/occupation/29-1141",
    "area": "/area/0026900",
}
# Rules not run, each with its reason. None: every rule of axe's default set runs.
DISABLED_RULES: dict[str, str] = {}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
FAILING_IMPACTS = ("serious", "critical")


def sample_urls() -> dict[str, str]:
    return {page.name: SAMPLES.get(page.name, page.path) for page in pages.PAGES}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        message = f"{AXE} is missing: run `npm ci --prefix tests/axe`"
        if os.environ.get("AIEI_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


def settled(page, url: str) -> None:
    """The page drawn by Dash, its charts included."""
    page.goto(url)
    page.locator("#page h1").first.wait_for(timeout=20_000)
    page.wait_for_load_state("networkidle")


def violations(page, axe_source: str) -> list[dict]:
    # evaluate() runs through the DevTools protocol: the app's CSP stays on.
    page.evaluate(axe_source)
    return page.evaluate(
        """rules => axe.run(document, {rules}).then(r => r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))""",
        {rule: {"enabled": False} for rule in DISABLED_RULES},
    )


def test_every_page_has_a_sample():
    for page in pages.PAGES:
        url = sample_urls()[page.name]
        assert "<" not in url, f"page {page.name!r}: add a sample URL to SAMPLES"
        assert page.match(url.split("?")[0]) is not None, (page.name, url)


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", [page.name for page in pages.PAGES])
def test_no_serious_axe_violations_and_no_sideways_scrolling(
    browser, served_app, axe_source, name, width
):
    columns, rows = WIDTHS[width]
    context = browser.new_context(viewport={"width": columns, "height": rows})
    try:
        page = context.new_page()
        settled(page, served_app + sample_urls()[name])
        found = violations(page, axe_source)
        failing = [v for v in found if v["impact"] in FAILING_IMPACTS]
        assert failing == [], failing
        assert page.evaluate("document.documentElement.scrollWidth") <= columns
        # one contentinfo landmark: the site's footer (Dash's scripts are not in a <footer>)
        assert page.locator("footer, [role=contentinfo]").count() == 1
    finally:
        context.close()


def test_axe_finds_what_it_should(browser, served_app, axe_source):
    """The check can fail: a focusable element hidden from screen readers is reported."""
    context = browser.new_context()
    try:
        page = context.new_page()
        settled(page, served_app + "/methodology")
        page.evaluate(
            "document.querySelector('#page h1').insertAdjacentHTML('afterend',"
            " '<button aria-hidden=\"true\">hidden</button>')"
        )
        ids = {v["id"] for v in violations(page, axe_source) if v["impact"] in FAILING_IMPACTS}
        assert "aria-hidden-focus" in ids
    finally:
        context.close()


def test_keyboard_alone_opens_indiana_from_the_map_and_lands_on_its_heading(
    chromium_page, served_app
):
    page = chromium_page
    settled(page, served_app + "/")
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "[document.activeElement.tagName, document.activeElement.textContent.trim(),"
            " document.activeElement.getAttribute('href')]"
        )
        if focused == ["A", "Indiana", "/state/IN"]:
            break
    else:
        pytest.fail("Tab never reached a link to Indiana")
    page.keyboard.press("Enter")
    page.wait_for_url("**/state/IN")
    heading = page.locator("#page h1")
    expect(heading).to_have_text("AI in Indiana", timeout=20_000)
    expect(heading).to_be_focused(timeout=5_000)
    expect(page).to_have_title("Indiana · State AI Economic Index")


def test_the_ranking_s_sort_buttons_say_which_is_pressed(chromium_page, served_app):
    page = chromium_page
    settled(page, served_app + "/")
    buttons = page.locator(".sort-button")
    assert [buttons.nth(i).get_attribute("aria-pressed") for i in range(3)] == [
        "true",
        "false",
        "false",
    ]
    page.get_by_role("button", name="State").focus()
    page.keyboard.press("Enter")
    expect(buttons.nth(1)).to_have_attribute("aria-pressed", "true")
    expect(buttons.nth(0)).to_have_attribute("aria-pressed", "false")
    first = page.locator("#ranking-table tbody tr").first
    expect(first).to_contain_text("Alabama", timeout=20_000)


def test_dropdowns_are_reached_with_tab_and_named_by_their_label(chromium_page, served_app):
    page = chromium_page
    settled(page, served_app + "/compare?states=IN,OH")
    states = page.get_by_role("button", name="States (2 to 4)")
    states.focus()
    expect(states).to_be_focused()
    assert states.get_attribute("tabindex") == "0"
    assert page.locator(".dash-dropdown-focus-target[tabindex='0']").count() == 0
