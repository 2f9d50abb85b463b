"""`aiei build`: fetch -> staging (-> marts). Each stage skips work whose inputs are unchanged."""

from __future__ import annotations

import resource
import time

from etl.config import Settings
from etl.sources.fetch import FetchOptions, fetch_sources
from etl.sources.registry import SOURCES
from etl.staging import stage


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(settings: Settings, options: FetchOptions, *, force: bool = False) -> None:
    started = time.perf_counter()
    fetched = fetch_sources(SOURCES, settings, options)
    copied = [f for f in fetched if f.downloaded]
    print(f"fetch: {len(fetched)} sources, {len(copied)} downloaded/copied "
          f"({sum(f.bytes for f in copied):,} B), {len(fetched) - len(copied)} from cache "
          f"[{time.perf_counter() - started:.2f} s]")

    step = time.perf_counter()
    staged = stage(fetched, settings.staging_dir, force=force)
    rebuilt = [t for t in staged if t.rebuilt]
    print(f"staging: {len(staged)} tables, {len(rebuilt)} rebuilt "
          f"[{time.perf_counter() - step:.2f} s] -> {settings.staging_dir}")
    print(f"peak memory {peak_rss_mb():.0f} MB")
