"""The area views' callbacks under the production server (gunicorn, 2 threaded workers):
the state page's "Where in <state>" map switched to another metric and to an occupation's
location quotient, its areas table sorted, the map page switched to the metro map, and an
area's page opened from the state page (the router's callback);
beside them, as a reference timed in the same conditions, the existing sort of a state's
most exposed jobs. Payloads are captured from Chromium, then replayed by 1 and 4
concurrent clients (the issue's target: p95 ≤ 25 ms at 4 clients).

    python -m benchmarks.areas [--requests 300]
"""

from __future__ import annotations

import argparse
import time

from benchmarks.common import print_table, save
from benchmarks.dashboard import CALLBACK, MAP_SHAPES, ensure_data, load
from dashboard.local import CHROMIUM, LAUNCH_ARGS, production_server

CLIENTS = (1, 4)
TARGET_P95_MS = 25.0


def capture(url: str) -> dict[str, bytes]:
    """Real callback bodies of the area views, recorded from Chromium."""
    from playwright.sync_api import sync_playwright

    captured: dict[str, bytes] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page()

        def keep(name: str, marker: bytes):
            def listener(request):
                if request.method == "POST" and CALLBACK in request.url and name not in captured:
                    body = request.post_data_buffer or b""
                    if marker in body:
                        captured[name] = body

            return listener

        page.goto(url + "/state/IN")
        page.locator("#where-map .choroplethlocation").nth(50).wait_for(timeout=30_000)
        page.on("request", keep("where map: per 1,000 jobs", b'"per_1000"'))
        page.click("#where-measure")
        page.get_by_role("option", name="Jobs in highly exposed occupations per 1,000").click()
        page.locator("#where-definition", has_text="per 1,000").wait_for(timeout=10_000)
        page.on("request", keep("where map: an occupation's LQ", b'"lq"'))
        page.click("#where-measure")
        page.get_by_role("option", name="An occupation's location quotient").click()
        page.locator("#where-definition", has_text="share of US jobs").wait_for(timeout=10_000)
        page.on("request", keep("state areas sort", b"areas-sort"))
        page.locator("#where").locator("..").get_by_role("button", name="Jobs (whole area)").click()
        page.locator("th[aria-sort=descending]", has_text="Jobs (whole area)").wait_for(
            timeout=10_000
        )
        # The same kind of callback that existed before, timed in the same conditions.
        page.on("request", keep("reference: most exposed jobs sort", b"exposed-sort"))
        page.locator("#exposed").get_by_role("button", name="Jobs", exact=True).click()
        page.locator("#exposed th[aria-sort=descending]").wait_for(timeout=10_000)
        page.goto(url + "/")
        page.locator(MAP_SHAPES).nth(50).wait_for(timeout=30_000)
        page.on("request", keep("map: metro metric", b'"metro"'))
        page.click("#metric")
        page.get_by_role("option", name="Observed exposure of jobs, metro by metro").click()
        page.locator("#map-title", has_text="metro by metro").wait_for(timeout=10_000)
        # An area's page, opened in the app: the router's callback answers with the page.
        page.goto(url + "/state/IN")
        page.locator("#where-map .choroplethlocation").nth(50).wait_for(timeout=30_000)
        page.on("request", keep("area page (router)", b'"/area/0026900"'))
        page.get_by_role("link", name="Indianapolis-Carmel-Greenwood, IN").first.click()
        page.wait_for_url("**/area/0026900", timeout=10_000)
        time.sleep(0.5)
        browser.close()
    return captured


def run(total: int) -> dict:
    with production_server(ensure_data()) as (url, _process):
        payloads = capture(url)
        for body in payloads.values():  # once each: the views are built before timing
            load(url, body, 1, 1)
        return {
            name: [load(url, body, clients, total) for clients in CLIENTS]
            for name, body in payloads.items()
        }


def report(result: dict) -> None:
    rows = [
        (
            f"{name}, {level['clients']} clients",
            f"p50 {level['p50_ms']:.1f} p95 {level['p95_ms']:.1f} p99 {level['p99_ms']:.1f} ms",
            f"{level['rps']} req/s, {level['errors']} errors"
            + (f", target p95 <= {TARGET_P95_MS:g} ms" if level["clients"] == 4 else ""),
        )
        for name, levels in result.items()
        for level in levels
    ]
    print_table("Area views' callbacks (gunicorn, 2 workers, 127.0.0.1)", rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="requests per level")
    outcome = run(parser.parse_args().requests)
    report(outcome)
    print(f"\nwritten {save('areas', outcome)}")
