"""CDN-ready responses (dashboard/http_cache.py): every GET carries an ETag per build,
request and encoding, and Cache-Control; If-None-Match gets 304 before any work; a new
build changes the ETag; Parquet answers are read in place over HTTP by fsspec."""

from __future__ import annotations

import io
import re

import fsspec
import polars as pl
import pyarrow.parquet as pq
import pytest
import requests

from dashboard.app import create_app
from dashboard.http_cache import DATA, IMMUTABLE
from tests.dash_requests import router_request
from tests.test_builds import publish

pytestmark = pytest.mark.integration

CACHED = (
    "/state/IN",  # a page
    "/api/v1/state_summary.json?state=IN&wave=2026-05",  # an API call
    "/download/mart/state_usage.csv?state=IN",  # a download
    "/briefing/IN.png",  # a briefing (rendered on the first request only)
)


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


@pytest.mark.parametrize("url", CACHED)
def test_etag_and_not_modified(client, browser, url):
    first = client.get(url, headers={"Accept-Encoding": "br"})
    assert first.status_code == 200 and first.data
    tag = first.headers["ETag"]
    page = url == "/state/IN"  # HTML: weak, its bytes differ in Dash's unused end_id
    assert re.fullmatch(r'(W/)?"[0-9a-f]{32}"', tag) and tag.startswith("W/") == page
    assert "Accept-Encoding" in first.headers["Vary"]
    assert first.headers["Cache-Control"] == DATA
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag and again.headers["Cache-Control"] == DATA
    other = client.get(url, headers={"If-None-Match": '"stale"'})  # accepts no br
    assert other.status_code == 200
    assert (other.headers["ETag"] != tag) == ("Content-Encoding" in first.headers)
    again = client.get(url, headers={"If-None-Match": other.headers["ETag"]})
    assert again.status_code == 304
    if not page:
        assert client.get(url).data == other.data  # the same bytes for the same ETag


def test_one_etag_per_encoding(client):
    compressed = client.get("/state/IN", headers={"Accept-Encoding": "br"})
    plain = client.get("/state/IN", headers={"Accept-Encoding": "identity"})
    assert compressed.headers["Content-Encoding"] == "br"
    assert "Content-Encoding" not in plain.headers
    assert compressed.headers["ETag"] != plain.headers["ETag"]
    # A client that accepts br may keep the plain copy it holds.
    held = client.get(
        "/state/IN", headers={"Accept-Encoding": "br", "If-None-Match": plain.headers["ETag"]}
    )
    assert held.status_code == 304
    # One that does not accept br cannot be told its br copy is fine: it never had one.
    refused = client.get(
        "/state/IN",
        headers={"Accept-Encoding": "identity", "If-None-Match": compressed.headers["ETag"]},
    )
    assert refused.status_code == 200 and b"<html" in refused.data


def test_static_files_fingerprinted_ones_immutable(client):
    index = client.get("/").data.decode()
    suite = re.search(r'src="(/_dash-component-suites/[^"]+\.v[^"]+\.js)"', index).group(1)
    assert client.get(suite).headers["Cache-Control"] == IMMUTABLE
    stylesheet = re.search(r'href="(/assets/app\.css\?m=[0-9.]+)"', index).group(1)
    assert client.get(stylesheet).headers["Cache-Control"] == IMMUTABLE
    plain = client.get("/assets/app.css")
    assert plain.headers["Cache-Control"] == "public, no-cache" and plain.headers["ETag"]


def test_callbacks_and_errors_are_not_cached(client):
    payload = router_request("/state/IN")
    callback = client.post("/_dash-update-component", json=payload)
    assert callback.status_code == 200 and "ETag" not in callback.headers
    missing = client.get("/state/ZZ")
    assert missing.status_code == 404 and "ETag" not in missing.headers


def test_a_new_build_changes_the_etag(built, tmp_path):
    data_dir = tmp_path / "data"
    publish(data_dir, built.processed_dir, "aaaaaaaaaaaa")
    client = create_app(data_dir / "processed").server.test_client()
    url = "/api/v1/state_summary.json?state=IN&wave=2026-05"
    old_api, old_page = client.get(url), client.get("/state/IN")
    assert old_api.json["build_id"] == "aaaaaaaaaaaa"
    assert client.get(url, headers={"If-None-Match": old_api.headers["ETag"]}).status_code == 304
    publish(data_dir, built.processed_dir, "bbbbbbbbbbbb", aui_in=9.99)
    new_api = client.get(url, headers={"If-None-Match": old_api.headers["ETag"]})
    assert new_api.status_code == 200 and new_api.headers["ETag"] != old_api.headers["ETag"]
    assert new_api.json["build_id"] == "bbbbbbbbbbbb" and new_api.json["rows"][0]["aui"] == 9.99
    new_page = client.get("/state/IN", headers={"If-None-Match": old_page.headers["ETag"]})
    assert new_page.status_code == 200 and new_page.headers["ETag"] != old_page.headers["ETag"]
    assert 'content="bbbbbbbbbbbb"' in new_page.text


@pytest.mark.parametrize("query", ["", "?state=IN,OH"])
def test_fsspec_reads_parquet_in_place(served_app, built, query):
    """fsspec's HTTPFileSystem (aiohttp) asks for the size, then byte ranges of a small
    block size: the table it reads is the one a full download gives, and the mart's."""
    url = f"{served_app}/api/v1/state_occupations.parquet{query}"
    full = pq.read_table(io.BytesIO(requests.get(url, timeout=30).content))
    filesystem = fsspec.filesystem("http")
    with filesystem.open(url, "rb", block_size=16 * 1024, cache_type="readahead") as remote:
        assert remote.size == int(requests.head(url, timeout=10).headers["Content-Length"])
        ranged = pq.read_table(remote)
        assert remote.size > 16 * 1024  # more than one block: read in ranges
    assert ranged.equals(full)
    mart = pl.read_parquet(built.processed_dir / "state_occupations.parquet")
    if query:
        mart = mart.filter(pl.col("state").is_in(["IN", "OH"]))
    assert pl.from_arrow(ranged).equals(mart)
    # A range asked for "if still this version" is sent as a range.
    tag = requests.head(url, timeout=10).headers["ETag"]
    part = requests.get(url, headers={"Range": "bytes=0-3", "If-Range": tag}, timeout=10)
    assert part.status_code == 206 and part.content == b"PAR1"
