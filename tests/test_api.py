"""The open-data API on the real marts: filters, formats that keep integers and nulls,
errors that name the parameter, metadata for every column, and Parquet read in place over
HTTP with byte ranges."""

from __future__ import annotations

import io
import json

import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
import requests

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def test_indiana_may_2026_as_json(client):
    response = client.get("/api/v1/state_summary.json?state=IN&wave=2026-05")
    assert response.status_code == 200
    body = response.json
    assert body["total"] == 1
    row = body["rows"][0]
    assert row["aui"] == 0.61 and row["aui_rank"] == 32 and row["aui_rank_tied"] is True
    assert row["aui_low"] is None and row["interval_status"] == "not computable"


def test_the_same_row_as_parquet_and_csv(client, built):
    expected = pl.read_parquet(built.processed_dir / "state_summary.parquet").filter(
        (pl.col("state") == "IN") & (pl.col("wave") == "2026-05")
    )
    parquet = client.get("/api/v1/state_summary.parquet?state=IN&wave=2026-05")
    assert parquet.status_code == 200
    assert pl.read_parquet(io.BytesIO(parquet.data)).equals(expected)
    csv = client.get("/api/v1/state_summary.csv?state=IN&wave=2026-05&columns=state,aui,aui_rank")
    frame = pd.read_csv(io.BytesIO(csv.data))
    assert frame["aui_rank"].dtype.kind == "i" and int(frame["aui_rank"][0]) == 32
    assert csv.data.decode().splitlines()[1] == "IN,0.61,32"


def test_several_values_of_a_key(client):
    body = client.get("/api/v1/state_usage.json?state=IN,OH&wave=2026-05,2026-04").json
    assert body["total"] == 4
    assert {(r["state"], r["wave"]) for r in body["rows"]} == {
        ("IN", "2026-05"),
        ("OH", "2026-05"),
        ("IN", "2026-04"),
        ("OH", "2026-04"),
    }


@pytest.mark.parametrize(
    "url, status, named",
    [
        ("/api/v1/state_summary.json?state=ZZ", 400, "state"),
        ("/api/v1/state_summary.json?colour=red", 400, "colour"),
        ("/api/v1/state_summary.json?aui=1", 400, "aui"),
        ("/api/v1/state_summary.json?columns=nope", 400, "nope"),
        ("/api/v1/state_summary.json?limit=0", 400, "limit"),
        ("/api/v1/state_summary.json?limit=99999", 400, "limit"),
        ("/api/v1/nope.json", 404, "nope"),
        ("/api/v1/state_summary.xml", 404, "state_summary.xml"),
        ("/api/v1/nope.metadata.json", 404, "nope"),
    ],
)
def test_bad_parameters_are_named(client, url, status, named):
    response = client.get(url)
    assert response.status_code == status
    assert named in response.json["error"]
    assert b"Traceback" not in response.data


def test_json_pages(client):
    first = client.get("/api/v1/state_requests.json?limit=10").json
    second = client.get("/api/v1/state_requests.json?limit=10&offset=10").json
    assert first["total"] == second["total"] > 1000
    assert len(first["rows"]) == 10 and first["rows"] != second["rows"]
    default = client.get("/api/v1/state_requests.json").json
    assert len(default["rows"]) == 1000


def test_catalogue_and_metadata_list_every_column(client, built):
    catalogue = client.get("/api/v1/").json
    manifest = json.loads((built.processed_dir / "manifest.json").read_text())
    assert catalogue["build_id"] == manifest["build_id"]
    assert {t["name"] for t in catalogue["tables"]} == set(manifest["tables"])
    for table in manifest["tables"]:
        columns = pl.read_parquet_schema(built.processed_dir / f"{table}.parquet")
        described = client.get(f"/api/v1/{table}.metadata.json").json
        assert [c["name"] for c in described["columns"]] == list(columns), table
        assert all(c["definition"] for c in described["columns"])
        assert described["citation"] and described["licences"]
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")


class RangeFile(io.RawIOBase):
    """A remote file read the way Parquet-over-HTTP readers do: HEAD for the size, then
    byte ranges."""

    def __init__(self, url: str) -> None:
        self.url, self.position, self.requests = url, 0, 0
        head = requests.head(url, timeout=10)
        assert head.headers.get("Accept-Ranges") == "bytes"
        self.size = int(head.headers["Content-Length"])

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def readinto(self, buffer) -> int:
        end = min(self.position + len(buffer), self.size) - 1
        if end < self.position:
            return 0
        part = requests.get(self.url, headers={"Range": f"bytes={self.position}-{end}"}, timeout=10)
        assert part.status_code == 206
        buffer[: len(part.content)] = part.content
        self.position += len(part.content)
        self.requests += 1
        return len(part.content)


@pytest.mark.parametrize("query", ["", "?state=IN,OH"])
def test_parquet_is_read_in_place_with_byte_ranges(served_app, query):
    url = f"{served_app}/api/v1/state_occupations.parquet{query}"
    remote = RangeFile(url)
    ranged = pq.read_table(io.BufferedReader(remote, buffer_size=65536))
    full = pq.read_table(io.BytesIO(requests.get(url, timeout=30).content))
    assert ranged.equals(full) and ranged.num_rows > 0
    assert remote.requests >= 2  # the footer, then the columns: not one whole download
