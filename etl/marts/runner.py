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
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
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
from etl.marts.waves import WAVES
from etl.staging import Staging

# In dependency order: each mart reads only staging tables and marts listed before it.
MARTS: tuple[Mart, ...] = (
    STATES,
    STATE_USAGE,
    WAVES,
    TASK_OCCUPATION_MAP,
    STATE_REQUESTS,
    STATE_TASKS,
    STATE_OCCUPATIONS,
    STATE_OCCUPATION_GROUPS,
    STATE_SUMMARY,
)
CODE = [
    *sorted((Path(__file__).parent).glob("*.py")),
    PROJECT_ROOT / "etl" / "geo.py",
    PROJECT_ROOT / "etl" / "sources" / "registry.py",
    PROJECT_ROOT / "assets" / "geo" / "states-albers-10m.json",
]
MART_WORKERS = 2
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
    rows = [
        (m.name, c.name, str(c.dtype), c.unit, c.definition, c.source, c.name in m.key)
        for m in MARTS
        for c in m.columns
    ]
    return pl.DataFrame(
        rows,
        schema=["table", "column", "type", "unit", "definition", "source", "is_key"],
        orient="row",
    )


def _build_environment() -> dict:
    """The code and packages a build ran with. Imports its modules here: it runs in the
    background while the marts are built, off the path of the build (~30 ms)."""
    import subprocess
    from importlib import metadata

    try:
        found = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "describe", "--always", "--dirty", "--abbrev=40"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
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


def _fingerprints(code: str, staging_manifest: dict) -> dict[str, str]:
    """Each mart's fingerprint: the marts code, its staging tables' and its input marts'
    fingerprints. Known before anything is built, so reuse is decided up front."""
    fingerprints: dict[str, str] = {}
    for mart in MARTS:
        parts = (
            [code]
            + [f"{t}={staging_manifest['tables'][t]['fingerprint']}" for t in mart.staging]
            + [f"{m}={fingerprints[m]}" for m in mart.marts]
        )
        fingerprints[mart.name] = hashlib.sha256(";".join(parts).encode()).hexdigest()
    return fingerprints


def _prepare(mart: Mart, inputs: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return mart.prepare(inputs) if mart.prepare else {}


def _build_one(
    mart: Mart, inputs: dict[str, pl.DataFrame], prepared: Future[dict[str, pl.DataFrame]] | None
) -> pl.DataFrame:
    try:
        extra = prepared.result() if prepared else _prepare(mart, inputs)
        return mart.conform(mart.build(inputs | extra))
    except (pl.exceptions.PolarsError, ValueError, KeyError) as exc:
        raise MartError(
            f"mart {mart.name!r} failed: {exc.__class__.__name__}: {exc}"
            "\n  fix: nothing was replaced; the previous data/processed is "
            "intact. This is a bug or an upstream change: report it with this "
            "message."
        ) from exc


def _in_dependency_order(
    marts: list[Mart],
    inputs_of: Callable[[Mart, bool], dict[str, pl.DataFrame]],
    built: dict[str, pl.DataFrame],
) -> Iterator[tuple[Mart, pl.DataFrame]]:
    """Build `marts`, each as soon as the marts it reads are in `built`, two at a time
    (independent marts share the two cores); yield each as it is done. A mart waiting for
    others has its `prepare` step run meanwhile."""
    pending, running = list(marts), {}
    prepared: dict[str, Future[dict[str, pl.DataFrame]]] = {}
    with ThreadPoolExecutor(max_workers=MART_WORKERS) as pool:
        try:
            while pending or running:
                for mart in [m for m in pending if all(d in built for d in m.marts)]:
                    pending.remove(mart)
                    running[
                        pool.submit(
                            _build_one, mart, inputs_of(mart, True), prepared.get(mart.name)
                        )
                    ] = mart
                # Queued after the marts ready now (the pool is first in, first out), and
                # before the builds that will wait for them: no deadlock.
                for mart in pending:
                    if mart.prepare and mart.name not in prepared:
                        prepared[mart.name] = pool.submit(_prepare, mart, inputs_of(mart, False))
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: MARTS.index(running[f])):
                    mart = running.pop(future)
                    built[mart.name] = future.result()
                    yield mart, built[mart.name]
        finally:
            for future in [*running, *prepared.values()]:
                future.cancel()


def build_marts(
    staging_dir: Path,
    processed_dir: Path,
    *,
    force: bool = False,
    log: Callable[[str], None] = print,
    staged: Staging | None = None,
) -> MartsResult:
    """Build the marts whose inputs changed. `staged` hands over the staging tables read in
    this run (in memory) and their manifest; without it both are read from `staging_dir`."""
    staging_manifest = (
        staged.manifest if staged else json.loads((staging_dir / "manifest.json").read_text())
    )
    previous_path = processed_dir / "manifest.json"
    previous = json.loads(previous_path.read_text()) if previous_path.is_file() else {}
    old_marts = previous.get("tables", {})
    fingerprints = _fingerprints(_code_fingerprint(), staging_manifest)
    reused = [
        m
        for m in MARTS
        if not force
        and old_marts.get(m.name, {}).get("fingerprint") == fingerprints[m.name]
        and (processed_dir / f"{m.name}.parquet").is_file()
    ]
    result = MartsResult(reused=[m.name for m in reused])
    if len(reused) == len(MARTS) and previous_path.is_file():
        result.rows = {m.name: old_marts[m.name]["rows"] for m in MARTS}
        result.coverage = previous.get("coverage", {})
        return result

    remove_stale_builds(processed_dir.parent)
    temp = processed_dir.parent / f".processed-building-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    (temp / "csv").mkdir(parents=True)
    frames: dict[str, pl.DataFrame] = dict(staged.frames) if staged else {}
    entries: dict[str, dict] = {}
    for mart in reused:  # unchanged: hard-linked from the current build
        os.link(processed_dir / f"{mart.name}.parquet", temp / f"{mart.name}.parquet")
        os.link(processed_dir / "csv" / f"{mart.name}.csv", temp / "csv" / f"{mart.name}.csv")
        entries[mart.name] = old_marts[mart.name]

    def load(name: str, directory: Path) -> pl.DataFrame:
        if name not in frames:
            frames[name] = pl.read_parquet(directory / f"{name}.parquet")
        return frames[name]

    def inputs_of(mart: Mart, with_marts: bool) -> dict[str, pl.DataFrame]:
        return {t: load(t, staging_dir) for t in mart.staging} | (
            {m: load(m, temp) for m in mart.marts} if with_marts else {}
        )

    # Marts are written in the background while the next ones are built.
    writer = ThreadPoolExecutor(max_workers=2)
    environment = writer.submit(_build_environment)
    writes: dict[str, Future[str]] = {}
    try:
        built = {m.name: load(m.name, temp) for m in reused}
        for mart, frame in _in_dependency_order(
            [m for m in MARTS if m not in reused], inputs_of, built
        ):
            writes[mart.name] = writer.submit(_write_table, frame, temp, mart.name)
            frames[mart.name] = frame
            entries[mart.name] = {
                "fingerprint": fingerprints[mart.name],
                "rows": frame.height,
                "columns": frame.width,
                "key": list(mart.key),
                "description": mart.description,
            }
            result.rebuilt.append(mart.name)
            log(f"  mart {mart.name:<26} {frame.height:>8,} rows")
        result.rebuilt = [m.name for m in MARTS if m.name in result.rebuilt]  # finish order varies
        result.rows = {m.name: entries[m.name]["rows"] for m in MARTS}

        marts = {m.name: frames[m.name] for m in MARTS}
        result.coverage = measure_coverage(marts)
        warnings = check_published_aui(marts["state_usage"])
        for source_id, source in staging_manifest["sources"].items():
            warnings += [f"{source_id}: {w}" for w in source.get("read", {}).get("warnings", [])]
        for name, write in writes.items():
            entries[name]["sha256"] = write.result()
        data_dictionary().write_csv(temp / "data_dictionary.csv")
        manifest = {
            "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            **environment.result(),
            "tables": {m.name: entries[m.name] for m in MARTS},
            "coverage": result.coverage,
            "warnings": warnings,
            "sources": staging_manifest["sources"],
        }
        write_text_atomically(
            temp / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n"
        )
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
