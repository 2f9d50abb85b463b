"""Stage 2 of the build: run each reader on its fetched files -> one staging table per reader.

`read_sources` is pure: files in, tables and read reports out. `write_staging` puts them in
data/staging/ (Parquet + manifest.json) for anyone who wants to look at the tidy, typed
upstream data; the marts are built from the tables in memory. Every read succeeds before
anything is written, and the folder is replaced whole, so a bad upstream file leaves the
previous staging folder as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from etl.atomic import replace_folder, write_text_atomically
from etl.readers.aei_long import read_aei_long
from etl.readers.aei_wide import read_aei_wide
from etl.readers.delineation import read_delineation
from etl.readers.labor_market import read_job_exposure, read_task_penetration
from etl.readers.oews import read_oews
from etl.readers.onet import (
    read_aei_task_statements,
    read_onet_crosswalk,
    read_onet_occupations,
    read_onet_task_statements,
)
from etl.readers.soc import read_soc_structure
from etl.readers.state_context import read_state_gdp, read_working_age_population
from etl.readers.table import Reading
from etl.sources.fetch import FetchResult
from etl.sources.registry import Source, sources_by_id

SingleFileReader = Callable[[Path, Source], Reading]

# reader name in the registry -> function; sources sharing a reader stack into one table.
READERS: dict[str, SingleFileReader] = {
    "aei_long": read_aei_long,
    "aei_wide": read_aei_wide,
    "aei_task_statements": read_aei_task_statements,
    "soc_structure": read_soc_structure,
    "working_age_population": read_working_age_population,
    "state_gdp": read_state_gdp,
    "job_exposure": read_job_exposure,
    "task_penetration": read_task_penetration,
    "onet_task_statements": read_onet_task_statements,
    "onet_occupations": read_onet_occupations,
    "onet_crosswalk": read_onet_crosswalk,
    "cbsa_delineation": read_delineation,
}
MULTI_FILE_READERS = {"oews": read_oews}  # take every file of the reader, by role


@dataclass(frozen=True)
class Staging:
    """The staging tables of one build (by reader name) and, per source id, what the
    manifest says of it: where it came from and what its reader found."""

    tables: dict[str, pl.DataFrame]
    sources: dict[str, dict]


def _read(reader: str, fetched: list[FetchResult]) -> tuple[pl.DataFrame, dict[str, dict]]:
    """Run a reader over its files; return the table and a report per source id."""
    registry = sources_by_id()
    sources = [registry[f.source_id] for f in fetched]
    if reader in MULTI_FILE_READERS:
        reading = MULTI_FILE_READERS[reader](
            {s.role: f.path for s, f in zip(sources, fetched, strict=True)},
            {s.role: s for s in sources},
        )
        data_source = next(s.id for s in sources if s.role == "data")
        return reading.table, {data_source: reading.report.to_dict()}
    readings = [READERS[reader](f.path, s) for s, f in zip(sources, fetched, strict=True)]
    table = pl.concat([r.table for r in readings], how="vertical")
    return table, {s.id: r.report.to_dict() for s, r in zip(sources, readings, strict=True)}


def read_sources(
    fetched: list[FetchResult], log: Callable[[str], None] = lambda _: None
) -> Staging:
    """Read and validate every fetched file; raise on the first bad one."""
    registry = sources_by_id()
    by_reader: dict[str, list[FetchResult]] = {}
    for result in sorted(fetched, key=lambda f: f.source_id):
        by_reader.setdefault(registry[result.source_id].reader, []).append(result)
    tables: dict[str, pl.DataFrame] = {}
    reports: dict[str, dict] = {}
    for reader, files in sorted(by_reader.items()):
        tables[reader], found = _read(reader, files)
        reports.update(found)
        log(f"  staged {reader:<24} {tables[reader].height:>9,} rows")
    entries = {
        f.source_id: _source_entry(f, registry[f.source_id], reports.get(f.source_id, {}))
        for f in sorted(fetched, key=lambda f: f.source_id)
    }
    return Staging(tables, entries)


def _source_entry(fetched: FetchResult, source: Source, read_report: dict) -> dict:
    return {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "release": source.release,
        "window": source.window,
        "licence": source.licence,
        "citation": source.citation,
        "bytes": fetched.bytes,
        "sha256": fetched.sha256,
        "retrieved_at": fetched.retrieved_at,
        "table": source.reader,
        "read": read_report,
    }


def write_staging(staged: Staging, staging_dir: Path) -> None:
    """data/staging/<table>.parquet and manifest.json, replacing the folder whole."""

    def fill(folder: Path) -> None:
        for name, table in sorted(staged.tables.items()):
            # A local copy to look at, read whole: uncompressed, no statistics.
            table.write_parquet(folder / f"{name}.parquet", compression="uncompressed")
        manifest = {
            "tables": {
                name: {
                    "rows": table.height,
                    "columns": dict(zip(table.columns, map(str, table.dtypes), strict=True)),
                }
                for name, table in sorted(staged.tables.items())
            },
            "sources": staged.sources,
        }
        write_text_atomically(
            folder / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n"
        )

    replace_folder(staging_dir, fill)


def load_staging(staging_dir: Path) -> Staging:
    """The staging tables a previous build wrote (for tests and benchmarks)."""
    manifest = json.loads((staging_dir / "manifest.json").read_text())
    tables = {name: pl.read_parquet(staging_dir / f"{name}.parquet") for name in manifest["tables"]}
    return Staging(tables, manifest["sources"])
