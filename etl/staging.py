"""Stage 2 of the build: run each reader on its fetched files -> data/staging/<table>.parquet.

A table is rebuilt only when its inputs changed: the fingerprint of a table is the sha256
of its input files plus the source code of the readers, stored in the staging manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from etl.atomic import write_text_atomically
from etl.readers.aei_long import read_aei_long
from etl.readers.aei_wide import read_aei_wide
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
}
MULTI_FILE_READERS = {"oews": read_oews}  # take every file of the reader, by role
READER_CODE = Path(__file__).parent / "readers"
READER_THREADS = 3


@dataclass(frozen=True)
class StagedTable:
    name: str
    path: Path
    rows: int
    rebuilt: bool


def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    for module in sorted([*READER_CODE.glob("*.py"), Path(__file__).parent / "geo.py"]):
        digest.update(module.read_bytes())
    return digest.hexdigest()


def write_parquet_atomically(frame: pl.DataFrame, path: Path) -> None:
    """Deterministic bytes for the same frame (no timestamps), renamed into place.

    Staging files are a local cache read whole by the marts: uncompressed and without
    statistics they cost 40 % less CPU to write (22 MB on the mirror instead of 9)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        frame.write_parquet(temp, compression="uncompressed", statistics=False)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _read(reader: str, fetched: list[FetchResult]) -> tuple[pl.DataFrame, dict[str, dict]]:
    """Run a reader over its files; return the table and a report per source id."""
    sources = [sources_by_id()[f.source_id] for f in fetched]
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


@dataclass
class Staging:
    """The staging tables of one build. Tables re-read in this run are handed on in memory
    (`frames`) while their Parquet files are written in the background."""

    tables: list[StagedTable]
    frames: dict[str, pl.DataFrame]
    manifest: dict


def _input_bytes(files: list[FetchResult]) -> int:
    return sum(f.bytes for f in files)


def _plan(
    fetched: list[FetchResult], staging_dir: Path, old_tables: dict, force: bool
) -> tuple[list[StagedTable], dict[str, dict], dict[str, tuple[str, list[FetchResult]]]]:
    """Tables whose fingerprint is unchanged (kept, with their manifest entries) and tables to
    read again (reader -> new fingerprint and files)."""
    code = _code_fingerprint()
    by_reader: dict[str, list[FetchResult]] = {}
    for result in sorted(fetched, key=lambda f: f.source_id):
        by_reader.setdefault(sources_by_id()[result.source_id].reader, []).append(result)
    kept: list[StagedTable] = []
    entries: dict[str, dict] = {}
    pending: dict[str, tuple[str, list[FetchResult]]] = {}
    for reader, files in sorted(by_reader.items()):
        path = staging_dir / f"{reader}.parquet"
        fingerprint = hashlib.sha256(
            (code + "".join(f"{f.url}={f.sha256};" for f in files)).encode()
        ).hexdigest()
        old = old_tables.get(reader, {})
        if not force and old.get("fingerprint") == fingerprint and path.is_file():
            entries[reader] = old
            kept.append(StagedTable(reader, path, old["rows"], rebuilt=False))
        else:
            pending[reader] = (fingerprint, files)
    return kept, entries, pending


@contextmanager
def staging(
    fetched: list[FetchResult],
    staging_dir: Path,
    *,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> Iterator[Staging]:
    """Re-read the staging tables whose inputs changed and yield them; on leaving, wait for
    their Parquet files, then write the manifest (so it never names a file not yet there)."""
    manifest_path = staging_dir / "manifest.json"
    previous = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    staged, tables, pending = _plan(fetched, staging_dir, previous.get("tables", {}), force)
    reports: dict[str, dict] = {
        sid: entry.get("read", {}) for sid, entry in previous.get("sources", {}).items()
    }
    frames: dict[str, pl.DataFrame] = {}
    # Readers spend their time in polars, which releases the GIL: run them side by side,
    # the biggest input first since it finishes last.
    with ThreadPoolExecutor(max_workers=READER_THREADS) as pool:
        reads = {
            reader: pool.submit(_read, reader, files)
            for reader, (_, files) in sorted(
                pending.items(), key=lambda item: -_input_bytes(item[1][1])
            )
        }
        # Every read must succeed before any file is replaced: a bad upstream file leaves
        # the staging folder and its manifest as they were.
        results = {reader: reads[reader].result() for reader in sorted(reads)}
        writes = []
        for reader, (table, table_reports) in results.items():
            writes.append(
                pool.submit(write_parquet_atomically, table, staging_dir / f"{reader}.parquet")
            )
            frames[reader] = table
            reports.update(table_reports)
            tables[reader] = {
                "fingerprint": pending[reader][0],
                "rows": table.height,
                "columns": dict(zip(table.columns, map(str, table.dtypes), strict=True)),
                "sources": [f.source_id for f in pending[reader][1]],
            }
            staged.append(
                StagedTable(reader, staging_dir / f"{reader}.parquet", table.height, rebuilt=True)
            )
            log(f"  staged {reader:<24} {table.height:>9,} rows")
        staged.sort(key=lambda t: t.name)
        manifest = {
            "built_at": previous.get("built_at")
            if not any(t.rebuilt for t in staged)
            else datetime.now(UTC).replace(microsecond=0).isoformat(),
            "tables": tables,
            "sources": {
                f.source_id: _source_entry(f, reports.get(f.source_id, {}))
                for f in sorted(fetched, key=lambda f: f.source_id)
            },
        }
        try:
            yield Staging(staged, frames, manifest)
        finally:  # the tables stand on their own: record them even if a later step failed
            try:
                for write in writes:
                    write.result()
            except BaseException:
                manifest_path.unlink(missing_ok=True)  # some files replaced: re-read all
                raise
            write_text_atomically(
                manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n"
            )


def stage(
    fetched: list[FetchResult],
    staging_dir: Path,
    *,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> list[StagedTable]:
    """Rebuild the staging tables whose inputs changed and rewrite the manifest."""
    with staging(fetched, staging_dir, force=force, log=log) as staged:
        return staged.tables


def _source_entry(fetched: FetchResult, read_report: dict) -> dict:
    source = sources_by_id()[fetched.source_id]
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
