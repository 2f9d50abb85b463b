"""`aiei build`: fetch -> staging (-> marts). Each stage skips work whose inputs are unchanged."""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from etl.config import Settings
from etl.sources.fetch import fetch_sources
from etl.sources.options import FetchOptions
from etl.sources.registry import sources

T = TypeVar("T")


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(function: Callable[..., T], *args: object) -> tuple[T, float]:
    started = time.perf_counter()
    return function(*args), time.perf_counter() - started


def build(settings: Settings, options: FetchOptions, *, force: bool = False) -> None:
    started = time.perf_counter()
    # Copying and hashing files releases the GIL: fetch while polars and the readers and
    # marts import (~0.15 s), which only the later steps need.
    with ThreadPoolExecutor(max_workers=1) as background:
        fetching = background.submit(_timed, fetch_sources, sources(), settings, options)
        from etl.marts.runner import build_marts
        from etl.staging import staging

        # The modules just loaded live as long as the process: move them out of the
        # collector's reach (its passes, and the one at exit, skip ~25 ms of walking).
        gc.freeze()
        fetched, seconds = fetching.result()
    copied = [f for f in fetched if f.downloaded]
    print(
        f"fetch: {len(fetched)} sources, {len(copied)} downloaded/copied "
        f"({sum(f.bytes for f in copied):,} B), {len(fetched) - len(copied)} from cache "
        f"[{seconds:.2f} s]"
    )

    step = time.perf_counter()
    with staging(fetched, settings.staging_dir, force=force) as staged:
        rebuilt = [t for t in staged.tables if t.rebuilt]
        print(
            f"staging: {len(staged.tables)} tables, {len(rebuilt)} rebuilt "
            f"[{time.perf_counter() - step:.2f} s] -> {settings.staging_dir}"
        )

        step = time.perf_counter()
        marts = build_marts(
            settings.staging_dir, settings.processed_dir, force=force, staged=staged
        )
    print(
        f"marts: {len(marts.rebuilt) + len(marts.reused)} tables, {len(marts.rebuilt)} "
        f"rebuilt [{time.perf_counter() - step:.2f} s] -> {settings.processed_dir}"
    )
    print_coverage(marts.coverage)
    print(f"build: {time.perf_counter() - started:.2f} s, peak memory {peak_rss_mb():.0f} MB")


def print_coverage(coverage: dict) -> None:
    exposure = coverage.get("employment_with_exposure_pct", {})
    reach = coverage.get("task_usage_reaching_employment_pct", {})
    matched = coverage.get("us_task_usage_by_match_pct", {})
    if exposure:
        s = exposure["states"]
        print(
            f"coverage: jobs with an exposure score: US {exposure['US']} %, states "
            f"{s['min']}-{s['max']} % (median {s['median']})"
        )
    if reach:
        s = reach["states"]
        print(
            f"coverage: task usage reaching an OEWS occupation with employment: US "
            f"{reach['US']} %, {reach['states_with_task_data']} states {s['min']}-{s['max']} "
            f"% (median {s['median']})"
        )
    if matched:
        shares = ", ".join(f"{k} {v} %" for k, v in matched["shares"].items())
        print(f"coverage: US task usage ({matched['wave']}) by match: {shares}")
