"""`aiei build`: fetch -> staging -> harmonised table and marts -> data/processed/.

Nothing is rebuilt when the build fingerprint (every source file, the registry, the etl
code; etl/fingerprint.py) equals the one in the current manifest.
"""

from __future__ import annotations

import json
import resource
import time
from dataclasses import dataclass

from etl.config import Settings
from etl.fingerprint import build_fingerprint
from etl.marts.runner import build_marts, publish
from etl.sources.fetch import fetch_sources
from etl.sources.options import FetchOptions
from etl.sources.registry import sources
from etl.staging import read_sources, write_staging


@dataclass(frozen=True)
class BuildResult:
    build_id: str
    rebuilt: bool
    rows: dict[str, int]
    coverage: dict


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_manifest(settings: Settings) -> dict:
    path = settings.processed_dir / "manifest.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def build(settings: Settings, options: FetchOptions, *, force: bool = False) -> BuildResult:
    started = time.perf_counter()
    fetched = fetch_sources(sources(), settings, options)
    copied = [f for f in fetched if f.downloaded]
    print(
        f"fetch: {len(fetched)} sources, {len(copied)} downloaded/copied "
        f"({sum(f.bytes for f in copied):,} B), {len(fetched) - len(copied)} from cache "
        f"[{time.perf_counter() - started:.2f} s]"
    )
    fingerprint = build_fingerprint(fetched)
    current = _current_manifest(settings)
    if not force and current.get("fingerprint") == fingerprint:
        print(
            f"build {current['build_id']}: nothing changed (no source file, registry entry or "
            "pipeline code differs from the current build)"
        )
        rows = {name: table["rows"] for name, table in current["tables"].items()}
        return BuildResult(current["build_id"], False, rows, current.get("coverage", {}))

    step = time.perf_counter()
    staged = read_sources(fetched, log=print)
    write_staging(staged, settings.staging_dir)
    print(
        f"staging: {len(staged.tables)} tables [{time.perf_counter() - step:.2f} s] -> "
        f"{settings.staging_dir}"
    )

    step = time.perf_counter()
    marts = build_marts(staged, log=print)
    manifest = publish(marts, staged, settings.processed_dir, fingerprint)
    print(
        f"marts: {len(marts)} tables [{time.perf_counter() - step:.2f} s] -> "
        f"{settings.processed_dir}"
    )
    print_coverage(manifest["coverage"])
    print(
        f"build {manifest['build_id']}: {time.perf_counter() - started:.2f} s, "
        f"peak memory {peak_rss_mb():.0f} MB"
    )
    rows = {name: table["rows"] for name, table in manifest["tables"].items()}
    return BuildResult(manifest["build_id"], True, rows, manifest["coverage"])


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
