"""A worker answers every request from one build, names it in `X-AIEI-Build`, moves to a
newly published build all at once, and keeps a page's callbacks on the page's own build
(or, that build gone, says the data was updated). Builds are published here as
`aiei build` publishes them (etl.atomic.publish_build), in-process; tests/
test_rebuild_while_serving.py does the same with a real rebuild under gunicorn."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest

from dashboard.app import create_app
from dashboard.builds import BUILD_HEADER
from etl.atomic import publish_build
from tests.dash_requests import router_request

pytestmark = pytest.mark.integration
CALLBACK = "/_dash-update-component"
CHANGED_AUI = 9.99


def publish(data_dir: Path, source: Path, build_id: str, aui_in: float | None = None) -> Path:
    """Publish a copy of the build in `source` as build `build_id`, Indiana's latest AUI
    set to `aui_in`; the new build's folder."""

    def fill(folder: Path) -> None:
        shutil.copytree(source, folder, dirs_exist_ok=True)
        manifest = json.loads((folder / "manifest.json").read_text())
        (folder / "manifest.json").write_text(json.dumps({**manifest, "build_id": build_id}))
        if aui_in is not None:
            summary = pl.read_parquet(folder / "state_summary.parquet")
            latest = summary["wave"].max()
            summary.with_columns(
                pl.when((pl.col("state") == "IN") & (pl.col("wave") == latest))
                .then(aui_in)
                .otherwise(pl.col("aui"))
                .alias("aui")
            ).write_parquet(folder / "state_summary.parquet")
        os.utime(folder)  # copytree gave it the source's time; builds are pruned by age

    return publish_build(data_dir / "builds", build_id, data_dir / "processed", fill)


def page_build(response) -> str:
    return re.search(r'<meta name="aiei-build" content="([0-9a-f]+)">', response.text).group(1)


@pytest.fixture(scope="module")
def indiana_aui(built) -> float:
    summary = pl.read_parquet(built.processed_dir / "state_summary.parquet")
    latest = summary["wave"].max()
    return summary.filter((pl.col("state") == "IN") & (pl.col("wave") == latest))["aui"].item()


@pytest.fixture
def data_dir(built, tmp_path) -> Path:
    """A data dir whose `processed` link points at build aaaaaaaaaaaa (the session's)."""
    data_dir = tmp_path / "data"
    publish(data_dir, built.processed_dir, "aaaaaaaaaaaa")
    return data_dir


def shows(response, aui: float) -> bool:
    return f"{aui:.2f}" in json.dumps(response.json["response"]["page"])


def test_every_response_names_the_build_it_answers_from(data_dir):
    client = create_app(data_dir / "processed").server.test_client()
    for url in (
        "/",
        "/state/IN",
        "/no/such/page",
        "/assets/app.css",
        "/_dash-layout",
        "/download/map.csv",
        "/download/mart/state_usage.csv",
        "/download/bundle.zip",
        "/api/v1/",
        "/api/v1/states.json",
    ):
        assert client.get(url).headers[BUILD_HEADER] == "aaaaaaaaaaaa", url
    assert client.post(CALLBACK, json=router_request()).headers[BUILD_HEADER] == "aaaaaaaaaaaa"
    assert page_build(client.get("/state/IN")) == "aaaaaaaaaaaa"
    bundle = zipfile.ZipFile(io.BytesIO(client.get("/download/bundle.zip").data))
    assert json.loads(bundle.read("manifest.json"))["build_id"] == "aaaaaaaaaaaa"
    assert client.get("/api/v1/").json["build_id"] == "aaaaaaaaaaaa"


def test_a_published_build_is_answered_from_at_the_next_request(data_dir, indiana_aui):
    client = create_app(data_dir / "processed").server.test_client()
    assert shows(client.post(CALLBACK, json=router_request()), indiana_aui)
    new = publish(data_dir, data_dir / "processed", "bbbbbbbbbbbb", aui_in=CHANGED_AUI)
    page = client.get("/state/IN")
    assert page.headers[BUILD_HEADER] == page_build(page) == "bbbbbbbbbbbb"
    answer = client.post(CALLBACK, json=router_request(build="bbbbbbbbbbbb"))
    assert answer.headers[BUILD_HEADER] == "bbbbbbbbbbbb" and shows(answer, CHANGED_AUI)
    csv = client.get("/download/map.csv").data.decode()
    assert f"IN,Indiana,{CHANGED_AUI}" in csv
    bundle = zipfile.ZipFile(io.BytesIO(client.get("/download/bundle.zip").data))
    assert json.loads(bundle.read("manifest.json"))["build_id"] == "bbbbbbbbbbbb"
    assert bundle.read("data_dictionary.csv") == (new / "data_dictionary.csv").read_bytes()


def test_a_page_s_callbacks_stay_on_the_page_s_build(data_dir, indiana_aui):
    app = create_app(data_dir / "processed")
    client = app.server.test_client()
    old = page_build(client.get("/state/IN"))
    publish(data_dir, data_dir / "processed", "bbbbbbbbbbbb", aui_in=CHANGED_AUI)
    assert client.get("/").headers[BUILD_HEADER] == "bbbbbbbbbbbb"
    answer = client.post(CALLBACK, json=router_request(build=old))
    assert answer.headers[BUILD_HEADER] == old and shows(answer, indiana_aui)
    # a worker started after the switch loads the page's build from its folder
    restarted = create_app(data_dir / "processed").server.test_client()
    answer = restarted.post(CALLBACK, json=router_request(build=old))
    assert answer.headers[BUILD_HEADER] == old and shows(answer, indiana_aui)


def test_a_page_whose_build_is_gone_is_told_to_reload(data_dir):
    client = create_app(data_dir / "processed").server.test_client()
    old = page_build(client.get("/state/IN"))
    publish(data_dir, data_dir / "processed", "bbbbbbbbbbbb", aui_in=CHANGED_AUI)
    for folder in (data_dir / "builds").glob(f"{old}-*"):
        shutil.rmtree(folder)
    answer = client.post(CALLBACK, json=router_request(build=old))
    assert answer.status_code == 200 and answer.headers[BUILD_HEADER] == "bbbbbbbbbbbb"
    # no output changes (no number of another build), the notice shows
    assert answer.json == {
        "multi": True,
        "response": {},
        "sideUpdate": {"data-updated": {"hidden": False}},
    }
    layout = json.dumps(client.get("/_dash-layout").json)
    assert '"id": "data-updated"' in layout and "Reload the page" in layout


def test_a_page_whose_build_will_not_load_is_told_to_reload(data_dir):
    """Its folder is there but damaged, and this worker never loaded it."""
    publish(data_dir, data_dir / "processed", "bbbbbbbbbbbb", aui_in=CHANGED_AUI)
    for folder in (data_dir / "builds").glob("aaaaaaaaaaaa-*"):
        (folder / "state_summary.parquet").write_bytes(b"not parquet")
    client = create_app(data_dir / "processed").server.test_client()
    answer = client.post(CALLBACK, json=router_request(build="aaaaaaaaaaaa"))
    assert answer.status_code == 200 and answer.json["sideUpdate"] == {
        "data-updated": {"hidden": False}
    }


def test_a_build_that_will_not_load_leaves_the_previous_one_answering(data_dir, indiana_aui):
    client = create_app(data_dir / "processed").server.test_client()
    assert client.get("/").headers[BUILD_HEADER] == "aaaaaaaaaaaa"
    broken = publish(data_dir, data_dir / "processed", "cccccccccccc")
    (broken / "state_summary.parquet").write_bytes(b"not parquet")
    answer = client.post(CALLBACK, json=router_request())
    assert answer.headers[BUILD_HEADER] == "aaaaaaaaaaaa" and shows(answer, indiana_aui)


def test_renders_of_builds_no_longer_on_disk_are_deleted(data_dir):
    client = create_app(data_dir / "processed").server.test_client()
    client.get("/")
    render = data_dir / "cache" / "aaaaaaaaaaaa" / "figures" / "map-1.png"
    render.parent.mkdir(parents=True)
    render.write_bytes(b"png")
    for number, build_id in enumerate(("bbbbbbbbbbbb", "cccccccccccc", "dddddddddddd")):
        publish(data_dir, data_dir / "processed", build_id)
        client.get("/")
        assert render.is_file() == (number < 2)  # three builds are kept on disk
