"""Fixtures for browser tests: the app in a subprocess, Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dashboard.local import CHROMIUM, LAUNCH_ARGS, free_port, wait_until_up


@pytest.fixture(scope="session")
def served_app(built):
    """The dashboard on a free local port, reading the marts the session built."""
    port = free_port()
    env = {**os.environ, "AIEI_DATA_DIR": str(built.data_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("AIEI_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required for browser tests but {CHROMIUM} is missing")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def chromium_page(browser):
    """A page that fails the test on any console error (a CSP violation, a broken
    callback) the app produced while the test ran."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.console_errors = errors
    yield page
    context.close()
    assert errors == [], errors
