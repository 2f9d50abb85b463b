"""Stage 3 of the build: staging tables -> marts in data/processed/, atomically.

Each mart reruns only when its inputs or the marts code changed (fingerprints in the
manifest). The new build is assembled in a temporary folder beside `processed/` (unchanged
marts hard-linked from the current build) and swapped in only when complete, so a failed or
killed build leaves the previous `processed/` untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from etl.atomic import write_text_atomically
from etl.config import PROJECT_ROOT
from etl.errors import UserFacingError
from etl.marts.coverage import measure_coverage
from etl.marts.occupations import STATE_OCCUPATION_GROUPS, STATE_OCCUPATIONS
from etl.marts.requests import STATE_REQUESTS
from etl.marts.spec import Mart
from etl.marts.states import STATES
from etl.marts.summary import STATE_SUMMARY
from etl.marts.tasks import STATE_TASKS, TASK_OCCUPATION_MAP
from etl.marts.usage import STATE_USAGE, check_published_aui
from etl.staging import Staging

# In dependency order: each mart reads only staging tables and marts listed before it.
MARTS: tuple[Mart, ...] = (STATES, STATE_USAGE, TASK_OCCUPATION_MAP, STATE_REQUESTS,
                           STATE_TASKS, STATE_OCCUPATIONS, STATE_OCCUPATION_GROUPS,
                           STATE_SUMMARY)
CODE = [*sorted((Path(__file__).parent).glob("*.py")), PROJECT_ROOT / "etl" / "geo.py",
        PROJECT_ROOT / "etl" / "sources" / "registry.py",
        PROJECT_ROOT / "assets" / "geo" / "states-albers-10m.json"]
PACKAGES = ("polars", "pyarrow", "requests", "plotly", "dash")


class MartError(UserFacingError, RuntimeError):
    """A mart could not be built; the previous build stays in place."""


@dataclass
class MartsResult:
    rebuilt: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    coverage: dict = field(default_factory=dict)
    swapped: bool = False


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _write_table(frame: pl.DataFrame, directory: Path, name: str) -> str:
    """Write a mart as Parquet and CSV; return the Parquet file's sha256."""
    frame.write_parquet(directory / f"{name}.parquet", compression="zstd", statistics=True)
    frame.write_csv(directory / "csv" / f"{name}.csv")
    return _sha256(directory / f"{name}.parquet")


def data_dictionary() -> pl.DataFrame:
    rows = [(m.name, c.name, str(c.dtype), c.unit, c.definition, c.source, c.name in m.key)
            for m in MARTS for c in m.columns]
    return pl.DataFrame(rows, schema=["table", "column", "type", "unit", "definition", "source",
                                      "is_key"], orient="row")


def _build_environment() -> dict:
    """The code and packages a build ran with. Imports its modules here: it runs in the
    background while the marts are built, off the path of the build (~30 ms)."""
    import subprocess
    from importlib import metadata

    try:
        found = subprocess.run(["git", "-C", str(PROJECT_ROOT), "describe", "--always",
                                "--dirty", "--abbrev=40"], capture_output=True, text=True,
                               timeout=5, check=True)
        commit = found.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        commit = None
    versions: dict[str, str | None] = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {"git_commit": commit, "python_packages": versions}


def build_marts(staging_dir: Path, processed_dir: Path, *, force: bool = False,
                log: Callable[[str], None] = print, staged: Staging | None = None
                ) -> MartsResult:
    """Build the marts whose inputs changed. `staged` hands over the staging tables read in
    this run (in memory) and their manifest; without it both are read from `staging_dir`."""
    staging_manifest = (staged.manifest if staged
                        else json.loads((staging_dir / "manifest.json").read_text()))
    previous_path = processed_dir / "manifest.json"
    previous = json.loads(previous_path.read_text()) if previous_path.is_file() else {}
    old_marts = previous.get("tables", {})
    code = _code_fingerprint()

    remove_stale_builds(processed_dir.parent)
    temp = processed_dir.parent / f".processed-building-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    (temp / "csv").mkdir(parents=True)
    result = MartsResult()
    frames: dict[str, pl.DataFrame] = dict(staged.frames) if staged else {}
    fingerprints: dict[str, str] = {}
    entries: dict[str, dict] = {}

    def load(name: str, from_staging: bool) -> pl.DataFrame:
        if name not in frames:
            frames[name] = pl.read_parquet((staging_dir if from_staging else temp)
                                           / f"{name}.parquet")
        return frames[name]

    # Marts are written in the background while the next ones are built.
    writer = ThreadPoolExecutor(max_workers=2)
    environment: Future[dict] | None = None  # looked up once a mart is rebuilt
    writes: dict[str, Future[str]] = {}
    try:
        for mart in MARTS:
            parts = [code] + [f"{t}={staging_manifest['tables'][t]['fingerprint']}"
                              for t in mart.staging] + [f"{m}={fingerprints[m]}"
                                                        for m in mart.marts]
            fingerprint = hashlib.sha256(";".join(parts).encode()).hexdigest()
            old = old_marts.get(mart.name, {})
            old_file = processed_dir / f"{mart.name}.parquet"
            if not force and old.get("fingerprint") == fingerprint and old_file.is_file():
                os.link(old_file, temp / old_file.name)
                os.link(processed_dir / "csv" / f"{mart.name}.csv",
                        temp / "csv" / f"{mart.name}.csv")
                entries[mart.name] = old
                fingerprints[mart.name] = old["fingerprint"]
                result.reused.append(mart.name)
                continue
            environment = environment or writer.submit(_build_environment)
            inputs = {t: load(t, True) for t in mart.staging}
            inputs |= {m: load(m, False) for m in mart.marts}
            try:
                frame = mart.conform(mart.build(inputs))
            except (pl.exceptions.PolarsError, ValueError, KeyError) as exc:
                raise MartError(f"mart {mart.name!r} failed: {exc.__class__.__name__}: {exc}"
                                "\n  fix: nothing was replaced; the previous data/processed "
                                "is intact. This is a bug or an upstream change: report it "
                                "with this message.") from exc
            writes[mart.name] = writer.submit(_write_table, frame, temp, mart.name)
            frames[mart.name] = frame
            fingerprints[mart.name] = fingerprint
            entries[mart.name] = {"fingerprint": fingerprint,
                                  "rows": frame.height, "columns": frame.width,
                                  "key": list(mart.key), "description": mart.description}
            result.rebuilt.append(mart.name)
            log(f"  mart {mart.name:<26} {frame.height:>8,} rows")
        result.rows = {name: entry["rows"] for name, entry in entries.items()}

        if not result.rebuilt and previous_path.is_file():
            shutil.rmtree(temp)
            result.coverage = previous.get("coverage", {})
            return result

        marts = {m.name: load(m.name, False) for m in MARTS}
        result.coverage = measure_coverage(marts)
        warnings = check_published_aui(marts["state_usage"])
        for source_id, source in staging_manifest["sources"].items():
            warnings += [f"{source_id}: {w}" for w in source.get("read", {}).get("warnings", [])]
        for name, write in writes.items():
            entries[name]["sha256"] = write.result()
        data_dictionary().write_csv(temp / "data_dictionary.csv")
        manifest = {
            "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            **(environment or writer.submit(_build_environment)).result(),
            "tables": entries,
            "coverage": result.coverage,
            "warnings": warnings,
            "sources": staging_manifest["sources"],
        }
        write_text_atomically(temp / "manifest.json",
                              json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        swap_in(temp, processed_dir)
        result.swapped = True
        return result
    finally:
        writer.shutdown(cancel_futures=True)
        shutil.rmtree(temp, ignore_errors=True)


def remove_stale_builds(data_dir: Path) -> None:
    """Delete the half-made trees of builds that were killed (their process is gone)."""
    for leftover in data_dir.glob(".processed-*-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def swap_in(new: Path, target: Path) -> None:
    """Replace `target` by `new`: two renames, the old tree deleted only after both."""
    retired = target.parent / f".processed-retired-{os.getpid()}"
    if target.exists():
        os.replace(target, retired)
    os.replace(new, target)
    shutil.rmtree(retired, ignore_errors=True)
