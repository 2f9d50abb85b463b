"""Time to meaningful content of `/` and `/state/IN`, on emulated slow 3G and unthrottled.

    python benchmarks/first_view.py --url http://127.0.0.1:8050 --label after [--runs 3]

Serve the app first (`aiei serve`); run once against the code before a change and once
after. Each run is a fresh browser context (cold cache) in Debian's Chromium; slow 3G is
Chromium's network throttling through CDP (`Network.emulateNetworkConditions`: 400 kbit/s
down and up, 400 ms round trip). An init script (injected by CDP, so the app's
Content-Security-Policy does not apply to it) watches the DOM and records, from the start of
navigation:

- meaningful: the first moment the DOM holds the page's <h1>, its summary sentence and its
  headline number with its rank, whoever rendered them (the server's first view or the app);
- app: the first moment the app's own page (`main#page`) holds them;
- gone: how long, after the first, they were missing again (the app replacing the first view
  before its own page has rendered).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import print_table, save
from dashboard.local import CHROMIUM, LAUNCH_ARGS

SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms round trip
    "downloadThroughput": 400_000 / 8,  # bytes/s
    "uploadThroughput": 400_000 / 8,
}
# What "meaningful" is on each page: the heading, the summary, and the headline number with
# its rank (the state's AUI and rank; on the map, the first state's value and rank).
PAGES = {
    "/state/IN": {
        "heading": "AI in Indiana",
        "summary": "AI Usage Index of",
        "headline": r"rank \d+ of \d+",
        "selector": None,
    },
    "/": {
        "heading": "Where is Claude.ai used most?",
        "summary": "first",
        "headline": r"rank 1 of \d+",
        "selector": "#ranking-table tbody tr",  # main's map page: the ranking's rows
    },
}
WATCH = """
(() => {
  const want = __WANT__;
  const marks = {meaningful: null, app: null, gone: 0};
  let lostAt = null;
  const holds = (root) => {
    if (!root) return false;
    const h1 = root.querySelector('h1');
    if (!h1 || h1.textContent.trim() !== want.heading) return false;
    const text = root.textContent;
    if (!text.includes(want.summary)) return false;
    return new RegExp(want.headline).test(text)
      || (want.selector !== null && root.querySelector(want.selector) !== null);
  };
  const check = () => {
    const now = performance.now();
    const shown = holds(document.body);
    if (shown && marks.meaningful === null) marks.meaningful = now;
    if (marks.meaningful !== null) {
      if (!shown && lostAt === null) lostAt = now;
      if (shown && lostAt !== null) { marks.gone += now - lostAt; lostAt = null; }
    }
    if (marks.app === null && holds(document.querySelector('main#page'))) marks.app = now;
  };
  const everything = {childList: true, subtree: true, characterData: true};
  new MutationObserver(check).observe(document, everything);
  window.__aieiMarks = marks;
})();
"""


def measure(url: str, path: str, throttled: bool, timeout_s: float) -> dict[str, float | None]:
    """One cold load: the marks in seconds from the start of navigation."""
    import json

    from playwright.sync_api import sync_playwright

    want = PAGES[path]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(WATCH.replace("__WANT__", json.dumps(want)))
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if throttled:
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        page.goto(url + path, wait_until="commit", timeout=timeout_s * 1000)
        marks: dict = {}
        for _ in range(int(timeout_s * 4)):
            page.wait_for_timeout(250)
            marks = page.evaluate("window.__aieiMarks || {}")
            if marks.get("app") is not None:
                break
        browser.close()
    return {
        key: None if marks.get(key) is None else round(marks[key] / 1000, 2)
        for key in ("meaningful", "app", "gone")
    }


def median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 2) if len(known) == len(values) else None


def run(url: str, runs: int, timeout_s: float) -> dict:
    results = {}
    for path in PAGES:
        for throttled in (False, True):
            samples = [measure(url, path, throttled, timeout_s) for _ in range(runs)]
            results[f"{path} {'slow 3G' if throttled else 'unthrottled'}"] = {
                "runs": samples,
                **{key: median([s[key] for s in samples]) for key in samples[0]},
            }
    return results


def report(label: str, results: dict) -> None:
    def seconds(value: float | None) -> str:
        return "not within the timeout" if value is None else f"{value:.2f} s"

    rows = [
        (
            name,
            seconds(result["meaningful"]),
            f"app {seconds(result['app'])}, missing again {seconds(result['gone'])}",
        )
        for name, result in results.items()
    ]
    print_table(f"Time to meaningful content ({label}; median)", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8050")
    parser.add_argument("--label", default="this checkout")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds per load")
    args = parser.parse_args()
    results = run(args.url.rstrip("/"), args.runs, args.timeout)
    report(args.label, results)
    print(f"written {save(f'first_view_{args.label}', {'url': args.url, **results})}")


if __name__ == "__main__":
    main()
