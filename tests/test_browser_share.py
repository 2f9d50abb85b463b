"""Sharing in headless Chromium: embeds framed by another origin (and the full app refused),
the Share panel, the map page's tabs and wave slider, the chart toolbar, and the first view
with JavaScript off."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import expect

from dashboard.local import free_port

pytestmark = pytest.mark.integration
SHAPES = "#map .choroplethlocation"
FRAMES = """<!doctype html><html lang="en"><head><title>A state's web page</title></head>
<body><h1>Our state</h1>
<iframe id="embed" title="embed" src="{app}/embed/state/IN" width="1000" height="700"></iframe>
<iframe id="full" title="full" src="{app}/state/IN" width="1000" height="700"></iframe>
</body></html>"""


def wait_for_location(page, pattern: str, seconds: float = 10) -> str:
    """The address bar once it matches `pattern` (Playwright's page.url lags the app's
    history updates by one change, so the document's own location is read)."""
    for _ in range(int(seconds * 10)):
        href = page.evaluate("location.href")
        if re.search(pattern, href):
            return href
        page.wait_for_timeout(100)
    raise AssertionError(f"the address {href} never matched {pattern}")


@pytest.fixture
def other_origin(served_app, tmp_path: Path):
    """A page on a second local origin (another port) framing the app twice."""
    (tmp_path / "index.html").write_text(FRAMES.format(app=served_app))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


@pytest.fixture(scope="module")
def indiana(built) -> dict:
    directory = built.processed_dir
    latest = pl.read_parquet(directory / "waves.parquet")["wave"].sort()[-1]
    row = pl.read_parquet(directory / "state_summary.parquet").filter(
        (pl.col("wave") == latest) & (pl.col("state") == "IN")
    )
    return {"aui": f"{row['aui'][0]:.2f}", "rank": f"rank {row['aui_rank'][0]} of 51"}


def test_another_origin_can_frame_the_embed_but_not_the_app(browser, other_origin, indiana):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto(other_origin)
    embed = page.frame_locator("#embed")
    expect(embed.locator("h1")).to_have_text("AI in Indiana", timeout=20_000)
    expect(embed.locator("#state-story")).to_contain_text(indiana["rank"], timeout=20_000)
    expect(embed.locator("a[data-full-view]")).to_have_attribute("href", re.compile(r"/state/IN$"))
    expect(embed.locator(".site-header")).to_be_hidden()
    page.wait_for_timeout(1000)
    full = page.locator("#full").element_handle().content_frame()
    assert "AI in Indiana" not in full.content()  # Chromium refused to render it
    refused = [m for m in messages if "frame-ancestors" in m]
    assert len(refused) == 1 and "frame-ancestors 'self'" in refused[0]  # the full app only
    context.close()


def test_the_share_panel_copies_the_view_link_and_embed_code(browser, served_app):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served_app)
    page = context.new_page()
    page.goto(served_app + "/?metric=automation")
    page.locator(SHAPES).nth(40).wait_for(timeout=20_000)
    page.get_by_text("Share", exact=True).click()
    link = page.get_by_label("Link to this view")
    expect(link).to_have_value(f"{served_app}/?metric=automation")
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#share-status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == f"{served_app}/?metric=automation"
    page.get_by_role("button", name="Chart").click()  # the panel follows the view
    expect(link).to_have_value(f"{served_app}/?metric=automation&tab=chart", timeout=10_000)
    snippet = page.get_by_label(re.compile("Embed code")).input_value()
    assert snippet.startswith(f'<iframe src="{served_app}/embed/?metric=automation&amp;tab=chart"')
    context.close()


def test_tabs_and_the_wave_slider_change_the_view_and_the_url(chromium_page, served_app, built):
    directory = built.processed_dir
    with_aui = pl.read_parquet(directory / "state_summary.parquet").filter(
        pl.col("aui").is_not_null()
    )
    waves = sorted(with_aui["wave"].unique())
    before, latest = waves[-2:]
    labels = dict(pl.read_parquet(directory / "waves.parquet").select("wave", "label").rows())
    page = chromium_page
    page.goto(served_app + "/")
    page.locator(SHAPES).nth(50).wait_for(timeout=20_000)
    chart = page.get_by_role("button", name="Chart")
    chart.click()
    wait_for_location(page, r"\?tab=chart$")
    page.locator("#map .bars .point").nth(50).wait_for(timeout=10_000)
    expect(chart).to_have_attribute("aria-pressed", "true")
    # A bar opens its state, as a shape on the map does; back returns to the chart.
    first = with_aui.filter(pl.col("wave") == latest).sort("aui", descending=True)["state"][0]
    bar = page.locator("#map .bars .point").first.bounding_box()  # under plotly's drag layer
    page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    wait_for_location(page, rf"/state/{first}$")
    page.go_back()
    wait_for_location(page, r"\?tab=chart$")
    page.locator("#map .bars .point").nth(50).wait_for(timeout=10_000)
    page.get_by_role("button", name="Table").click()
    wait_for_location(page, r"\?tab=table$")
    expect(page.locator(".map-panel")).to_be_hidden()
    expect(page.locator("#ranking-table")).to_be_visible()
    # The slider from the keyboard: one step back is the wave before.
    page.get_by_role("button", name="Map").click()
    wait_for_location(page, r"/$")
    slider = page.get_by_role("slider", name="Wave")
    expect(slider).to_have_attribute("aria-valuetext", latest)
    slider.focus()
    page.keyboard.press("ArrowLeft")
    wait_for_location(page, rf"\?wave={before}$")
    expect(page.locator("#map-title")).to_contain_text(labels[before], timeout=10_000)
    page.go_back()
    expect(page.locator("#map-title")).to_contain_text(labels[latest], timeout=10_000)
    expect(slider).to_have_attribute("aria-valuenow", str(len(waves) - 1))


def test_no_toolbar_button_leaves_the_origin(chromium_page, served_app):
    page = chromium_page
    page.goto(served_app + "/state/IN")
    graph = page.locator("#top-uses")
    graph.locator(".bars").first.wait_for(timeout=20_000)
    graph.hover()
    buttons = graph.locator(".modebar-btn")
    buttons.first.wait_for(state="attached", timeout=5_000)
    titles = [buttons.nth(i).get_attribute("data-title") for i in range(buttons.count())]
    assert titles == ["Download plot as a PNG"], titles
    assert graph.locator(".modebar a[href]").count() == 0  # no Plotly logo link
    assert (
        page.locator(
            ".modebar-btn[data-title*='Share'], .modebar-btn[data-title*='Chart Studio']"
        ).count()
        == 0
    )


def test_without_javascript_a_state_page_shows_its_numbers(browser, served_app, indiana):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_app + "/state/IN")
    expect(page.locator("h1")).to_have_text("AI in Indiana")
    body = page.locator("main").inner_text()
    assert f"AUI {indiana['aui']}, {indiana['rank']}" in body
    assert "Indiana" in page.title()
    assert re.search(r"<noscript>.*need JavaScript.*</noscript>", page.content(), re.S)
    context.close()
