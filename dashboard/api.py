"""`/api/v1/`: every table of the current build, read-only, as JSON, CSV or Parquet.

- `GET /api/v1/` lists the tables (columns from the data dictionary, row counts), the build
  and its sources; `GET /api/v1/openapi.json` describes the API.
- `GET /api/v1/<table>.json|.csv|.parquet` with equality filters on key columns
  (`?state=IN,OH&wave=2026-05`), `columns=` to select, and `limit`/`offset` for JSON
  (default 1,000 rows, at most 10,000; the total comes along). Nulls stay null (JSON `null`,
  an empty CSV cell), integers stay integers, and the status columns say why a value is
  missing. Parquet answers HEAD and byte ranges, so Parquet-over-HTTP readers (pyarrow,
  fsspec, DuckDB's httpfs) can read it in place.
- `GET /api/v1/<table>.metadata.json`: each column's type, unit, definition and source, the
  citation, licences, release windows and checksums.

Within /api/v1 changes are additive only: tables and columns are added, never renamed or
removed, and a column never changes meaning (docs/api.md).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import numpy as np
import polars as pl
from flask import Flask, Response, request, send_file

from dashboard import http_cache
from dashboard.data import DataNotBuilt, Marts, marts, per_marts

PREFIX = "/api/v1"
FORMATS = {
    "json": "application/json",
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
}
DEFAULT_LIMIT, MAX_LIMIT = 1_000, 10_000
RESERVED = ("columns", "limit", "offset")
POLICY = (
    "Within /api/v1 changes are additive only: new tables and new columns may appear; "
    "existing ones are never renamed, removed or given another meaning."
)


class ApiError(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _error(status: int, message: str) -> Response:
    body = json.dumps({"error": message, "status": status})
    return Response(body + "\n", status=status, mimetype="application/json")


@per_marts(maxsize=32)
def _table(data: Marts, name: str) -> pl.DataFrame:
    """The build's file as written (NaN stays NaN), read once per build."""
    return pl.read_parquet(data.directory / f"{name}.parquet")


@per_marts(maxsize=32)
def _json_table(data: Marts, name: str) -> pl.DataFrame:
    """The table as JSON gives it: a NaN or an infinity is null (JSON has neither), made
    once per build so that a request only converts its own rows."""
    frame = _table(data, name)
    floats = [column for column, dtype in frame.schema.items() if dtype.is_float()]
    finite = (pl.when(pl.col(c).is_finite()).then(pl.col(c)).alias(c) for c in floats)
    return frame.with_columns(finite) if floats else frame


@per_marts(maxsize=32)
def _schema(data: Marts, name: str) -> dict[str, pl.DataType]:
    """Column name -> type, once per build (`DataFrame.schema` builds a new one per call)."""
    return dict(_table(data, name).schema)


def _catalogue() -> dict[str, dict]:
    data = marts()
    return data.manifest.get("tables", {})


def _columns_of(table: str) -> list[dict]:
    dictionary = marts().dictionary.filter(pl.col("table") == table)
    return [
        {
            "name": r["column"],
            "type": r["type"],
            "unit": r["unit"] or "",
            "definition": r["definition"],
            "source": r["source"],
            "is_key": bool(r["is_key"]),
        }
        for r in dictionary.iter_rows(named=True)
    ]


@per_marts(maxsize=128)
def _positions(data: Marts, table: str, column: str) -> dict[object, np.ndarray]:
    """Where each value of a key column is, as row numbers: built once per build, so a
    filtered request is a dictionary look-up and one gather, not a scan of the table."""
    where: dict[object, list[int]] = {}
    for row, value in enumerate(_table(data, table)[column].to_list()):
        where.setdefault(value, []).append(row)
    return {value: np.array(rows, dtype=np.int64) for value, rows in where.items()}


def _take(frame: pl.DataFrame, rows: np.ndarray) -> pl.DataFrame:
    """The rows at `rows` (ascending, distinct). Tables are sorted by their key, so a filter
    on its leading columns keeps one run of consecutive rows: a slice of it is a view, where
    a gather copies every column on polars' thread pool."""
    if rows.size and rows[-1] - rows[0] == rows.size - 1:
        return frame.slice(int(rows[0]), rows.size)
    return frame[rows]


def select(
    table: str,
    args: dict[str, str],
    source: Callable[[Marts, str], pl.DataFrame] = _table,
) -> pl.DataFrame:
    """The table (as `source` gives it: by default the build's file) filtered and projected
    as the query asks; ApiError names a bad parameter."""
    catalogue = _catalogue()
    if table not in catalogue:
        raise ApiError(404, f"no table {table!r}; the tables are {', '.join(catalogue)}")
    data = marts()
    frame = source(data, table)
    schema = _schema(data, table)
    key = catalogue[table]["key"]
    rows: np.ndarray | None = None  # the rows every filter so far keeps, in table order
    for name, raw in args.items():
        if name in RESERVED:
            continue
        if name not in schema:
            raise ApiError(400, f"{name!r} is not a column of {table}")
        if name not in key:
            raise ApiError(
                400, f"{name!r} is not a key column of {table}; filter on {', '.join(key)}"
            )
        wanted = list(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
        if not wanted:
            raise ApiError(400, f"{name}: give one or more values, comma-separated")
        dtype = schema[name]
        try:  # text keys (most of them) need no cast
            values = (
                wanted
                if dtype == pl.String
                else pl.Series(wanted).cast(dtype, strict=True).to_list()
            )
        except pl.exceptions.InvalidOperationError:
            raise ApiError(400, f"{name}={raw!r}: not a {dtype}") from None
        positions = _positions(data, table, name)
        unknown = [v for v, typed in zip(wanted, values, strict=True) if typed not in positions]
        if unknown:
            raise ApiError(400, f"{name}={','.join(unknown)!s}: no such value in {table}")
        kept = np.sort(np.concatenate([positions[typed] for typed in values]))
        rows = kept if rows is None else np.intersect1d(rows, kept, assume_unique=True)
    if rows is not None:
        frame = _take(frame, rows)
    if "columns" in args:
        chosen = [c.strip() for c in args["columns"].split(",") if c.strip()]
        unknown = [c for c in chosen if c not in schema]
        if unknown or not chosen:
            raise ApiError(
                400, f"columns: unknown column(s) {unknown or args['columns']!r} of {table}"
            )
        frame = frame.select(chosen)
    return frame


def _page(args: dict[str, str]) -> tuple[int, int]:
    def number(name: str, default: int, low: int, high: int) -> int:
        text = args.get(name, str(default))
        if not text.isdigit() or not low <= int(text) <= high:
            raise ApiError(400, f"{name}={text!r}: a whole number from {low} to {high}")
        return int(text)

    return number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), number("offset", 0, 0, 10**9)


def _json(table: str, frame: pl.DataFrame, args: dict[str, str]) -> Response:
    """`frame` is from _json_table: its rows go to JSON as they are."""
    limit, offset = _page(args)
    page = frame.slice(offset, limit)
    body = {
        "table": table,
        "build_id": marts().manifest.get("build_id"),
        "total": frame.height,
        "offset": offset,
        "limit": limit,
        "rows": page.to_dicts(),
    }
    return Response(json.dumps(body, default=str), mimetype=FORMATS["json"])


def _parquet(table: str, frame: pl.DataFrame, whole: bool) -> Response:
    # The ETag is the one dashboard/http_cache.py gives every GET (Parquet is never
    # compressed), so a reader's If-Range matches it and gets its byte range.
    tag = http_cache.etag("identity")
    if whole:  # the build's own file: ranges served straight from disk
        path = marts().directory / f"{table}.parquet"
        return send_file(path, mimetype=FORMATS["parquet"], conditional=True, etag=tag)
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd")
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype=FORMATS["parquet"],
        conditional=True,
        download_name=f"{table}.parquet",
        etag=tag,
    )


def index() -> dict:
    data = marts()
    manifest = data.manifest
    return {
        "api": PREFIX,
        "policy": POLICY,
        "build_id": manifest.get("build_id"),
        "built_at": manifest.get("built_at"),
        "tables": [
            {
                "name": name,
                "description": entry.get("description", ""),
                "key": entry.get("key", []),
                "rows": entry.get("rows"),
                "columns": _columns_of(name),
                "formats": {fmt: f"{PREFIX}/{name}.{fmt}" for fmt in FORMATS},
                "metadata": f"{PREFIX}/{name}.metadata.json",
            }
            for name, entry in manifest.get("tables", {}).items()
        ],
        "sources": manifest.get("sources", {}),
        "openapi": f"{PREFIX}/openapi.json",
    }


def metadata(table: str) -> dict:
    manifest = marts().manifest
    entry = _catalogue()[table]
    sources = manifest.get("sources", {})
    return {
        "table": table,
        "description": entry.get("description", ""),
        "key": entry.get("key", []),
        "rows": entry.get("rows"),
        "sha256": entry.get("sha256"),
        "build_id": manifest.get("build_id"),
        "built_at": manifest.get("built_at"),
        "columns": _columns_of(table),
        "citation": sorted({s["citation"] for s in sources.values()}),
        "licences": sorted({f"{s['publisher']}: {s['licence']}" for s in sources.values()}),
        "sources": [
            {
                k: s.get(k)
                for k in (
                    "title",
                    "url",
                    "release",
                    "window",
                    "sha256",
                    "bytes",
                    "retrieved_at",
                    "licence",
                )
            }
            for s in sources.values()
        ],
    }


def openapi() -> dict:
    tables = list(_catalogue())
    parameters = [
        {
            "name": "columns",
            "in": "query",
            "schema": {"type": "string"},
            "description": "comma-separated columns to return",
        },
        {
            "name": "limit",
            "in": "query",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
            "description": "JSON only",
        },
        {
            "name": "offset",
            "in": "query",
            "schema": {"type": "integer", "minimum": 0},
            "description": "JSON only",
        },
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "State AI Economic Index data API",
            "version": "1",
            "description": POLICY,
        },
        "paths": {
            f"{PREFIX}/": {
                "get": {
                    "summary": "The tables, the build and its sources",
                    "responses": {"200": {"description": "the catalogue"}},
                }
            },
            f"{PREFIX}/{{table}}.{{format}}": {
                "get": {
                    "summary": "A table, filtered on key columns by name (?state=IN,OH)",
                    "parameters": [
                        {
                            "name": "table",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": tables},
                        },
                        {
                            "name": "format",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": list(FORMATS)},
                        },
                        *parameters,
                    ],
                    "responses": {
                        "200": {"description": "the rows"},
                        "400": {"description": "a bad parameter, named"},
                        "404": {"description": "no such table"},
                    },
                }
            },
            f"{PREFIX}/{{table}}.metadata.json": {
                "get": {
                    "summary": "Columns, citation, licences, sources of a table",
                    "parameters": [
                        {
                            "name": "table",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": tables},
                        }
                    ],
                    "responses": {"200": {"description": "the metadata"}},
                }
            },
        },
    }


def register(server: Flask) -> None:
    @server.route(f"{PREFIX}/", methods=["GET", "HEAD"])
    @server.route(PREFIX, methods=["GET", "HEAD"])
    def api_index() -> Response:
        try:
            return Response(json.dumps(index(), default=str), mimetype=FORMATS["json"])
        except DataNotBuilt:
            return _error(503, "no data built yet: run `aiei build`")

    @server.route(f"{PREFIX}/openapi.json", methods=["GET", "HEAD"])
    def api_openapi() -> Response:
        return Response(json.dumps(openapi()), mimetype=FORMATS["json"])

    @server.route(f"{PREFIX}/<name>", methods=["GET", "HEAD"])
    def api_table(name: str) -> Response:
        args = request.args.to_dict()
        try:
            if name.endswith(".metadata.json"):
                table = name.removesuffix(".metadata.json")
                if table not in _catalogue():
                    raise ApiError(404, f"no table {table!r}")
                return Response(json.dumps(metadata(table), default=str), mimetype=FORMATS["json"])
            table, _, fmt = name.rpartition(".")
            if fmt not in FORMATS or not table:
                raise ApiError(404, f"{name!r}: ask for <table>.json, .csv or .parquet")
            if fmt == "json":
                return _json(table, select(table, args, _json_table), args)
            frame = select(table, args)
            if fmt == "csv":  # exact values for machines: no formula-injection prefix here
                return Response(frame.write_csv(), mimetype=FORMATS["csv"])
            filtered = any(k not in ("limit", "offset") for k in args)
            return _parquet(table, frame, whole=not filtered)
        except ApiError as exc:
            return _error(exc.status, str(exc))
        except DataNotBuilt:
            return _error(503, "no data built yet: run `aiei build`")
