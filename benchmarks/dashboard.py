"""Dashboard benchmark: the app under gunicorn on 127.0.0.1 with the production settings
(`gunicorn -c python:dashboard.gunicorn_conf 'dashboard.app:create_server()'`: 2 threaded
workers; static files precompressed beforehand).

Callback payloads are captured from a real browser session (a metric switch on the map, a
press of its ranking's sort buttons — a callback that reads no data, the floor of the
others —, a wave switch on a state profile and one to a wave whose use cases fill its
deeper panels, a sort of its most exposed jobs, a sort of the occupation index, a measure
switch on an occupation's page, another occupation on the map), then replayed by 1, 4 and
16 concurrent clients. A replayed request is answered from the worker's caches after its
first time; a visitor's next occupation mostly is not, so the two occupation callbacks are
also sent with a different occupation each request (the views nobody asked the worker for
yet). Also the compressed bytes of the first page load and the time to first map paint in
Chromium.

    python -m benchmarks.dashboard [--requests 300] [--duration 0]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import psutil

from benchmarks.common import ROOT, ab_load, hammer, mirror, print_table, save
from dashboard.local import CHROMIUM, LAUNCH_ARGS, production_server

CALLBACK = "/_dash-update-component"
HEADERS = {"Content-Type": "application/json", "Accept-Encoding": "br, gzip"}
MAP_SHAPES = "#map .choroplethlocation"  # locator waits: the app's CSP forbids eval
# Captured callbacks also sent for another occupation each request: (the part of the body,
# the component whose value is the occupation).
NEW_OCCUPATIONS = {
    "occupation measure switch": ("state", "occupation-code"),
    "map occupation switch": ("inputs", "occupation"),
}
CLIENT_LEVELS = (1, 4, 16)
FLOOR = "map ranking sort buttons (no data: the floor)"


def ensure_data() -> Path:
    """A built data dir: the checkout's if built, else a fresh build from the mirror."""
    data_dir = Path(os.environ.get("AIEI_DATA_DIR") or ROOT / "data")
    if not (data_dir / "processed" / "manifest.json").is_file():
        subprocess.run(
            [sys.executable, "-m", "etl.cli", "build", "--offline", "--no-progress"],
            env={**os.environ, "AIEI_DATA_DIR": str(data_dir), "AIEI_MIRROR": str(mirror())},
            check=True,
            cwd=ROOT,
        )
    return data_dir


def precompress_static() -> None:
    """What `make static` does before a deployment: static files at brotli quality 11."""
    subprocess.run([sys.executable, "-m", "dashboard.static_files"], check=True, cwd=ROOT)


def capture_payloads(url: str) -> dict[str, bytes]:
    """Real callback bodies, recorded from Chromium while a user switches views."""
    from playwright.sync_api import sync_playwright

    captured: dict[str, bytes] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page()

        def keep(name: str, marker: bytes):
            """Record the first callback request whose body names `marker` and that drew
            something (200): a control's first request may only move the URL (204)."""

            def listener(request):
                if request.method == "POST" and CALLBACK in request.url and name not in captured:
                    body = request.post_data_buffer or b""
                    response = request.response()
                    if marker in body and response is not None and response.status == 200:
                        captured[name] = body

            return listener

        page.goto(url + "/")
        page.locator(MAP_SHAPES).nth(50).wait_for(timeout=30_000)
        page.on("requestfinished", keep("map metric switch", b'"map-url'))
        page.click("#metric")
        page.get_by_role("option", name="Automation share").click()
        page.locator("#map-title", has_text="Automation").wait_for(timeout=10_000)
        # the floor: a callback that reads no data (which sort button is pressed)
        page.on("requestfinished", keep(FLOOR, b'"output":"..ranking-sort.data'))
        page.locator(".sort-buttons").get_by_role("button", name="State").click()
        page.locator(".sort-buttons button[aria-pressed=true]", has_text="State").wait_for(
            timeout=10_000
        )
        page.goto(url + "/state/IN")
        page.wait_for_selector("text=AI in Indiana")
        page.on("requestfinished", keep("state profile wave switch", b"state-wave"))
        page.click("#state-wave")
        page.get_by_role("option", name="2025-08 (Aug 4–11, 2025)").click()
        page.wait_for_url("**wave=2025-08**", timeout=10_000)
        # a wave with the deeper panels filled: use cases, wage bands, the income fit
        page.on("requestfinished", keep("state profile wave switch, use cases", b"state-wave"))
        page.click("#state-wave")
        page.get_by_role("option", name="2026-04 (April 2026)").click()
        page.wait_for_url("**wave=2026-04**", timeout=10_000)
        page.on("requestfinished", keep("most exposed jobs sort", b"exposed-sort"))
        page.locator("#exposed").get_by_role("button", name="Jobs", exact=True).click()
        page.locator("#exposed th[aria-sort=descending]").wait_for(timeout=10_000)
        page.goto(url + "/occupations")
        page.wait_for_selector("#index tbody tr")
        page.on("requestfinished", keep("occupation index sort", b"index-url"))
        page.locator("#index").get_by_role("button", name="Median annual wage").click()
        page.wait_for_url("**sort=wage**", timeout=10_000)
        page.goto(url + "/occupation/29-1141")
        page.locator("#occupation-map .choroplethlocation").nth(50).wait_for(timeout=30_000)
        page.on("requestfinished", keep("occupation measure switch", b"occupation-url"))
        page.click("#occupation-measure")
        page.get_by_role("option", name="Jobs", exact=True).click()
        page.wait_for_url("**measure=employment**", timeout=10_000)
        page.goto(url + "/?metric=occupation&occupation=29-1141")
        page.locator(MAP_SHAPES).nth(50).wait_for(timeout=30_000)
        page.on("requestfinished", keep("map occupation switch", b'"occupation"'))
        page.click("#occupation")
        page.get_by_role("searchbox", name="Search").fill("Software Developers")
        page.get_by_role("option", name="Software Developers (15-1252)").click()
        page.locator("#map-title", has_text="Software Developers").wait_for(timeout=10_000)
        time.sleep(0.5)
        browser.close()
    return captured


def load(url: str, body: bytes, clients: int, total: int, duration: float = 0.0) -> dict:
    """`clients` connections POST the callback until `total` requests (or `duration` s)
    are done (ab: the least client overhead; common.ab_load)."""
    return ab_load(url + CALLBACK, clients, total, HEADERS, body=body, duration=duration)


def load_in_turn(
    url: str, bodies: list[bytes], clients: int, total: int, duration: float = 0.0
) -> dict:
    """`clients` threads POST the callback bodies in turn until `total` requests (or
    `duration` s) are done (a Python client: ab sends one body)."""
    turn = itertools.cycle(bodies)
    lock = threading.Lock()

    def send(session) -> bool:
        with lock:
            body = next(turn)
        return (
            session.post(url + CALLBACK, data=body, headers=HEADERS, timeout=30).status_code == 200
        )

    return hammer(send, clients, total, duration)


def other_occupations(body: bytes, part: str, component: str, codes: list[str]) -> list[bytes]:
    """The captured request with the occupation set to each of `codes` in turn."""
    payload = json.loads(body)
    item = next(i for i in payload[part] if i["id"] == component)
    bodies = []
    for code in codes:
        item["value"] = code
        bodies.append(json.dumps(payload).encode())
    return bodies


def new_view_loads(
    url: str, name: str, body: bytes, data_dir: Path, total: int, duration: float
) -> list[dict]:
    """Each level on occupations the levels before it did not ask for (830 codes: the
    third level wraps round to the first's), so most requests draw a view anew."""
    codes = pl.read_parquet(data_dir / "processed" / "occupations.parquet")["soc_code"]
    shuffled = codes.sample(fraction=1.0, shuffle=True, seed=1).to_list()
    bodies = other_occupations(body, *NEW_OCCUPATIONS[name], shuffled)
    return [
        load_in_turn(
            url, bodies[level * total :] + bodies[: level * total], clients, total, duration
        )
        for level, clients in enumerate(CLIENT_LEVELS)
    ]


def first_load(url: str, runs: int = 3) -> dict:
    """Compressed bytes of the first page load and time to the first painted map."""
    from playwright.sync_api import sync_playwright

    paints, transferred = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for _ in range(runs):
            context = browser.new_context()
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            total = [0]

            def count(event: dict, total: list[int] = total) -> None:
                total[0] += event["encodedDataLength"]

            cdp.on("Network.loadingFinished", count)
            started = time.perf_counter()
            page.goto(url + "/")
            page.locator(MAP_SHAPES).nth(50).wait_for(timeout=30_000)
            paints.append(time.perf_counter() - started)
            page.wait_for_load_state("networkidle")
            transferred.append(total[0])
            context.close()
        browser.close()
    return {
        "first_map_paint_s": round(sorted(paints)[len(paints) // 2], 3),
        "first_paint_runs_s": [round(p, 3) for p in paints],
        "first_page_bytes": int(sorted(transferred)[len(transferred) // 2]),
    }


def rss_mb(process: subprocess.Popen) -> float:
    parent = psutil.Process(process.pid)
    return round(sum(p.memory_info().rss for p in [parent, *parent.children()]) / 2**20, 1)


def run(total: int, duration: float) -> dict:
    data_dir = ensure_data()
    precompress_static()
    with production_server(data_dir) as (url, process):
        first_visitor = first_load(url, runs=1)  # loads the marts, builds the first views
        page = first_load(url) | {"very_first_visit": first_visitor}
        payloads = capture_payloads(url)
        memory_before = rss_mb(process)
        loads = {
            name: [load(url, body, clients, total, duration) for clients in CLIENT_LEVELS]
            for name, body in payloads.items()
        }
        for name in NEW_OCCUPATIONS:
            loads[f"{name}, another occupation each request"] = new_view_loads(
                url, name, payloads[name], data_dir, total, duration
            )
        memory_after = rss_mb(process)
    return {
        **page,
        "callbacks": loads,
        "server_rss_mb_before": memory_before,
        "server_rss_mb_after": memory_after,
        "requests_per_level": total,
        "duration_per_level_s": duration,
    }


def report(result: dict) -> None:
    first = result.get("very_first_visit", {})
    rows = [
        (
            "first page load, compressed",
            f"{result['first_page_bytes'] / 1e6:.2f} MB",
            "target <= 1.5 MB",
        ),
        (
            "the very first visit after a start (marts load)",
            f"{first.get('first_page_bytes', 0) / 1e6:.2f} MB, "
            f"{first.get('first_map_paint_s', 0):.2f} s",
            "once per worker start",
        ),
        ("time to first map paint", f"{result['first_map_paint_s']:.2f} s", "target <= 2 s"),
    ]
    for name, levels in result["callbacks"].items():
        for level in levels:
            rows.append(
                (
                    f"{name}, {level['clients']} clients",
                    f"p50 {level['p50_ms']:.1f} p95 {level['p95_ms']:.1f} "
                    f"p99 {level['p99_ms']:.1f} ms",
                    f"{level['rps']} req/s, {level['errors']} errors",
                )
            )
    rows.append(
        (
            "server memory before/after load",
            f"{result['server_rss_mb_before']:.0f} / {result['server_rss_mb_after']:.0f} MB",
            "gunicorn master + 2 workers",
        )
    )
    print_table("Dashboard (gunicorn, 2 workers, 127.0.0.1)", rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="requests per level")
    parser.add_argument(
        "--duration", type=float, default=0.0, help="seconds per level instead of a request count"
    )
    args = parser.parse_args()
    outcome = run(args.requests, args.duration)
    report(outcome)
    print(f"\nwritten {save('dashboard', outcome)}")
