"""`aiei build`: fetch -> staging -> harmonised table and marts -> data/processed/.

Nothing is rebuilt, and nothing written, when the build fingerprint (every source file, the
registry, the etl code; etl/fingerprint.py) equals the current manifest's. Otherwise the
build takes the data directory's lock, reads everything, refuses to lose what the current
build has (etl/guard.py), and publishes a new build atomically.
"""

from __future__ import annotations

import errno
import json
import resource
import time
from dataclasses import dataclass

from etl.buildlock import build_lock
from etl.config import Settings
from etl.errors import UserFacingError
from etl.fingerprint import build_fingerprint, code_fingerprint
from etl.guard import check_losses, profile
from etl.marts.runner import MARTS, build_marts, publish
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


class WriteError(UserFacingError, OSError):
    """The data directory cannot be written (full disk, read-only, permissions)."""


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_manifest(settings: Settings) -> dict:
    path = settings.processed_dir / "manifest.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _unchanged(settings: Settings, fingerprint: str) -> BuildResult | None:
    current = current_manifest(settings)
    if current.get("fingerprint") != fingerprint:
        return None
    rows = {name: table["rows"] for name, table in current["tables"].items()}
    return BuildResult(current["build_id"], False, rows, current.get("coverage", {}))


def build(
    settings: Settings,
    options: FetchOptions,
    *,
    force: bool = False,
    allow_loss: frozenset[str] = frozenset(),
) -> BuildResult:
    started = time.perf_counter()
    fetched = fetch_sources(sources(), settings, options)
    copied = [f for f in fetched if f.downloaded]
    print(
        f"fetch: {len(fetched)} sources, {len(copied)} downloaded/copied "
        f"({sum(f.bytes for f in copied):,} B), {len(fetched) - len(copied)} from cache "
        f"[{time.perf_counter() - started:.2f} s]"
    )
    code = code_fingerprint()
    fingerprint = build_fingerprint(fetched, code)
    if not force and (same := _unchanged(settings, fingerprint)):
        print(
            f"build {same.build_id}: nothing changed (no source file, registry entry or "
            "pipeline code differs from the current build)"
        )
        return same
    try:
        with build_lock(settings.data_dir):
            if not force and (same := _unchanged(settings, fingerprint)):  # built meanwhile
                print(f"build {same.build_id}: built meanwhile by another process")
                return same
            return _build(settings, fetched, fingerprint, code, allow_loss, started)
    except OSError as exc:
        raise _write_error(exc, settings) from exc


def _build(settings, fetched, fingerprint, code, allow_loss, started) -> BuildResult:
    step = time.perf_counter()
    staged = read_sources(fetched, log=print)
    step_read = time.perf_counter() - step
    step = time.perf_counter()
    marts = build_marts(staged, log=print)
    current = current_manifest(settings)
    if current.get("code_fingerprint") == code:  # same code: any loss comes from the files
        check_losses(current.get("profile", {}), profile(marts), MARTS, allow_loss)
    write_staging(staged, settings.staging_dir)
    print(f"staging: {len(staged.tables)} tables [{step_read:.2f} s] -> {settings.staging_dir}")
    manifest = publish(marts, staged, settings.processed_dir, fingerprint, code)
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


def _write_error(exc: OSError, settings: Settings) -> WriteError:
    where = exc.filename or settings.data_dir
    if exc.errno == errno.ENOSPC:
        problem, fix = "no space left on the device", "free some space, then run `aiei build`"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        problem = "the data directory cannot be written (read-only or permissions)"
        fix = "make it writable, or point AIEI_DATA_DIR at one that is, then `aiei build`"
    else:
        problem, fix = f"{exc.strerror or exc}", "check the disk, then run `aiei build`"
    return WriteError(
        f"{where}: {problem}; nothing was replaced, the current build is intact\n  fix: {fix}"
    )


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
