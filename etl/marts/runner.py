"""Stage 3 of the build: staging tables -> harmonised table and marts -> data/processed/.

`build_marts` is pure: it runs every step in dependency order on tables in memory.
`publish` writes the result (Parquet, CSV, data dictionary, manifest) into a new folder and
swaps it in whole, so a failed or killed build leaves the previous `processed/` untouched.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import polars as pl

from etl.area_shapes import FILE_NAME as AREA_SHAPES_FILE
from etl.area_shapes import area_shapes
from etl.atomic import publish_build, write_text_atomically
from etl.config import PROJECT_ROOT
from etl.errors import UserFacingError
from etl.evidence import check_no_nan, check_statuses
from etl.guard import profile
from etl.harmonise.aei import AEI_HARMONISED
from etl.marts.area_counties import AREA_COUNTIES
from etl.marts.area_occupations import AREA_OCCUPATIONS
from etl.marts.area_summary import AREA_SUMMARY
from etl.marts.coverage import measure_coverage
from etl.marts.income_fit import STATE_INCOME_FIT
from etl.marts.occupation_groups import STATE_OCCUPATION_GROUPS
from etl.marts.occupation_index import OCCUPATION_TASKS, OCCUPATIONS
from etl.marts.occupations import STATE_OCCUPATIONS
from etl.marts.requests import STATE_REQUESTS
from etl.marts.state_areas import STATE_AREAS
from etl.marts.states import STATES
from etl.marts.summary import STATE_SUMMARY
from etl.marts.tasks import STATE_TASKS, TASK_OCCUPATION_MAP
from etl.marts.usage import STATE_USAGE, check_published_aui
from etl.marts.usage_profile import STATE_USAGE_PROFILE
from etl.marts.wage_bands import STATE_WAGE_BANDS
from etl.marts.waves import WAVES
from etl.spec import Mart
from etl.staging import Staging

# In dependency order: each step reads only staging tables and the steps listed before it.
MARTS: tuple[Mart, ...] = (
    AEI_HARMONISED,
    STATES,
    WAVES,
    STATE_USAGE,
    TASK_OCCUPATION_MAP,
    STATE_REQUESTS,
    STATE_TASKS,
    STATE_OCCUPATIONS,
    AREA_COUNTIES,
    AREA_OCCUPATIONS,
    AREA_SUMMARY,
    STATE_AREAS,
    STATE_OCCUPATION_GROUPS,
    STATE_SUMMARY,
    STATE_USAGE_PROFILE,
    STATE_WAGE_BANDS,
    STATE_INCOME_FIT,
    OCCUPATION_TASKS,
    OCCUPATIONS,
)
PACKAGES = ("polars", "pyarrow", "requests", "plotly", "dash")


class MartError(UserFacingError, RuntimeError):
    """A mart could not be built; the previous build stays in place."""


def _build_one(mart: Mart, inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    try:
        frame = mart.conform(mart.build(inputs))
        check_no_nan(mart.name, frame)
        check_statuses(mart.name, frame)
        return frame
    except (pl.exceptions.PolarsError, ValueError, KeyError) as exc:
        raise MartError(
            f"mart {mart.name!r} failed: {exc.__class__.__name__}: {exc}"
            "\n  fix: nothing was replaced; the previous data/processed is "
            "intact. This is a bug or an upstream change: report it with this "
            "message."
        ) from exc


def build_marts(
    staged: Staging, log: Callable[[str], None] = lambda _: None
) -> dict[str, pl.DataFrame]:
    """Every step, in order, on the staging tables; the marts by name."""
    tables = dict(staged.tables)
    for mart in MARTS:
        inputs = {name: tables[name] for name in (*mart.staging, *mart.marts)}
        tables[mart.name] = _build_one(mart, inputs)
        log(f"  mart {mart.name:<26} {tables[mart.name].height:>8,} rows")
    return {mart.name: tables[mart.name] for mart in MARTS}


def area_map(marts: dict[str, pl.DataFrame]) -> bytes:
    """The GeoJSON of the areas the area tables describe (etl/area_shapes.py)."""
    try:
        return area_shapes(marts[AREA_COUNTIES.name])
    except (ValueError, OSError) as exc:
        raise MartError(
            f"the area map ({AREA_SHAPES_FILE}) failed: {exc.__class__.__name__}: {exc}"
            "\n  fix: nothing was replaced; the previous data/processed is intact. Check "
            "assets/geo/counties-10m.json, or report this message."
        ) from exc


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
    """The code and packages a build ran with."""
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


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def publish(
    marts: dict[str, pl.DataFrame],
    staged: Staging,
    processed_dir: Path,
    fingerprint: str,
    code: str = "",
) -> dict:
    """Write the marts, the dictionary and the manifest into `builds/<build id>` beside
    `processed_dir` and point `processed_dir` at it; return the manifest."""
    coverage = measure_coverage(marts)
    warnings = check_published_aui(marts["state_usage"])
    shapes = area_map(marts)
    for source_id, source in staged.sources.items():
        warnings += [f"{source_id}: {w}" for w in source.get("read", {}).get("warnings", [])]
    manifest: dict = {
        "build_id": fingerprint[:12],
        "fingerprint": fingerprint,
        "code_fingerprint": code,
        "profile": profile(marts),
        "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        **_build_environment(),
        "tables": {},
        "files": {},
        "coverage": coverage,
        "warnings": warnings,
        "sources": staged.sources,
    }

    def fill(folder: Path) -> None:
        (folder / "csv").mkdir()
        for mart in MARTS:
            frame = marts[mart.name]
            frame.write_parquet(folder / f"{mart.name}.parquet", compression="zstd")
            frame.write_csv(folder / "csv" / f"{mart.name}.csv")
            manifest["tables"][mart.name] = {
                "rows": frame.height,
                "columns": frame.width,
                "key": list(mart.key),
                "description": mart.description,
                "sha256": _sha256(folder / f"{mart.name}.parquet"),
            }
        (folder / AREA_SHAPES_FILE).write_bytes(shapes)
        manifest["files"][AREA_SHAPES_FILE] = {
            "description": "Shapes of the metropolitan areas and state nonmetro remainders "
            "(area_code as feature id), merged from Census 2023 county boundaries.",
            "bytes": len(shapes),
            "sha256": hashlib.sha256(shapes).hexdigest(),
        }
        data_dictionary().write_csv(folder / "data_dictionary.csv")
        write_text_atomically(
            folder / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n"
        )

    publish_build(processed_dir.parent / "builds", manifest["build_id"], processed_dir, fill)
    return manifest
