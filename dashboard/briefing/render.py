"""Render briefings to PDF and PNG with one headless Chromium for the whole batch."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dashboard.briefing.content import briefing
from dashboard.briefing.errors import BriefingError
from dashboard.briefing.layout import PAGE_HEIGHT_PX, PAGE_WIDTH_PX, page, shell_html, title
from dashboard.data import Marts
from dashboard.local import CHROMIUM, LAUNCH_ARGS

# The shell page loads plotly.js from disk.
BRIEFING_ARGS = [*LAUNCH_ARGS, "--allow-file-access-from-files"]
FORMATS = ("pdf", "png")
PNG_SCALE = 2  # 1632 x 2112 px: crisp when printed


@dataclass(frozen=True)
class Rendered:
    state: str
    paths: dict[str, Path]
    seconds: float


def file_name(state: str, wave: str, fmt: str) -> str:
    return f"aiei_briefing_{state}_{wave}.{fmt}"


def render_briefings(
    data: Marts,
    states: Iterable[str],
    wave: str,
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
    log: Callable[[str], None] = lambda _: None,
) -> list[Rendered]:
    """Write each state's briefing into out_dir (atomically); one browser for all.

    Playwright's sync API refuses a thread with a running asyncio loop (a web server's, a
    test's browser), so the work runs in a thread of its own."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefing") as pool:
        return pool.submit(_render, data, list(states), wave, out_dir, tuple(formats), log).result()


def _render(
    data: Marts,
    states: list[str],
    wave: str,
    out_dir: Path,
    formats: tuple[str, ...],
    log: Callable[[str], None],
) -> list[Rendered]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise BriefingError(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    out_dir.mkdir(parents=True, exist_ok=True)
    rendered = []
    with tempfile.TemporaryDirectory(prefix="aiei-briefing-") as work:
        shell = Path(work) / "shell.html"
        shell.write_text(shell_html(), encoding="utf-8")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BRIEFING_ARGS)
                context = browser.new_context(
                    viewport={"width": PAGE_WIDTH_PX, "height": PAGE_HEIGHT_PX},
                    device_scale_factor=PNG_SCALE,
                )
                sheet = context.new_page()
                sheet.goto(shell.as_uri())
                for state in states:
                    started = time.perf_counter()
                    content = briefing(data, state, wave)
                    body, figures = page(content)
                    overflow = sheet.evaluate(
                        "([b, f, t]) => showBriefing(b, f, t)", [body, figures, title(content)]
                    )
                    if overflow > 1:
                        raise BriefingError(
                            f"{state}: the briefing is {overflow} px too long for one page"
                        )
                    paths = {}
                    for fmt in formats:
                        target = out_dir / file_name(state, wave, fmt)
                        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                        if fmt == "pdf":
                            sheet.pdf(
                                path=str(temp),
                                format="Letter",
                                print_background=True,
                                prefer_css_page_size=True,
                                # tagged (PDF/UA-style structure: headings, reading order,
                                # figures with alt text), for Section 508 publication
                                tagged=True,
                            )
                        else:
                            sheet.screenshot(path=str(temp), type="png", full_page=False)
                        os.replace(temp, target)
                        paths[fmt] = target
                    rendered.append(Rendered(state, paths, time.perf_counter() - started))
                    log(
                        f"  {state}: {', '.join(p.name for p in paths.values())} "
                        f"[{rendered[-1].seconds:.2f} s]"
                    )
                browser.close()
        except PlaywrightError as exc:
            raise BriefingError(f"the browser failed: {exc}") from exc
    return rendered
