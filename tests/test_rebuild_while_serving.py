"""`aiei build` while the production server serves: after the switch every route answers
from the new build (by its X-AIEI-Build header and by its numbers), a page rendered before
the switch keeps getting its own build's numbers for its callbacks (or, once that build is
deleted, the notice to reload), new pages show the new numbers, and restarted workers
agree. The new build differs in one upstream value: Indiana's AI Usage Index for May 2026,
0.61 in the 2026-06-26 release file, 0.71 in a copy of the mirror."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import psutil
import pytest
import requests
from pypdf import PdfReader

from dashboard.builds import BUILD_HEADER
from dashboard.local import production_server
from etl.sources.fetch import cache_path
from etl.sources.registry import sources_by_id
from tests.dash_requests import router_request

pytestmark = pytest.mark.integration
SOURCE = "aei_2026_06_26"
OLD_ROW = b"2026-05-01,2026-06-01,US-IN,subregion,overall,0,usage_per_capita_index,0.61,"
OLD_AUI, NEW_AUI = "0.61", "0.71"
CALLBACK = "/_dash-update-component"
ACCEPT = ("--accept-changed", SOURCE)
ROUTES = (  # every kind of route: pages, downloads, bundle, API, static, Dash's own
    "/",
    "/state/IN",
    "/compare?states=IN,OH",
    "/methodology",
    "/download/map.csv",
    "/download/state/IN/summary.csv",
    "/download/mart/state_summary.csv",
    "/download/data_dictionary.csv",
    "/download/bundle.zip",
    "/api/v1/",
    "/api/v1/state_summary.json?state=IN",
    "/api/v1/state_summary.parquet",
    "/api/v1/openapi.json",
    "/assets/app.css",
    "/_dash-layout",
    "/_dash-dependencies",
)


@pytest.fixture(scope="module")
def changed_mirror(mirror, tmp_path_factory) -> Path:
    """The mirror as links, but for the 2026-06-26 file: Indiana's May AUI 0.61 -> 0.71."""
    root = tmp_path_factory.mktemp("changed-mirror")
    for path in mirror.rglob("*"):
        if path.is_file():
            link = root / path.relative_to(mirror)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path)
    changed = cache_path(sources_by_id()[SOURCE].url, root)
    body = changed.read_bytes()
    assert body.count(OLD_ROW) == 1
    changed.unlink()
    changed.write_bytes(body.replace(OLD_ROW, OLD_ROW.replace(b"0.61", b"0.71")))
    return root


def rebuild(data_dir: Path, mirror: Path) -> str:
    """`aiei build` from the changed mirror (its cached copy of the file removed, so the
    build reads the new one, which it accepts as changed); the new build's id."""
    cache_path(sources_by_id()[SOURCE].url, data_dir / "raw").unlink()
    subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "build", "--offline", "--no-progress", *ACCEPT],
        env={**os.environ, "AIEI_DATA_DIR": str(data_dir), "AIEI_MIRROR": str(mirror)},
        check=True,
        capture_output=True,
    )
    return json.loads((data_dir / "processed" / "manifest.json").read_text())["build_id"]


def get(url: str) -> requests.Response:
    """A request on a connection of its own, so it may go to either worker."""
    response = requests.get(url, timeout=120, headers={"Connection": "close"})
    assert response.status_code == 200, (url, response.status_code, response.text[:200])
    return response


def page_build(response: requests.Response) -> str:
    return re.search(r'<meta name="aiei-build" content="([0-9a-f]+)">', response.text).group(1)


def indiana_page(url: str, build: str | None) -> requests.Response:
    """The router's callback rendering /state/IN, sent by a page of `build`."""
    response = requests.post(
        url + CALLBACK,
        json=router_request("/state/IN", build),
        timeout=30,
        headers={"Connection": "close"},
    )
    assert response.status_code == 200, response.text[:300]
    return response


def headline_aui(response: requests.Response) -> str:
    """Indiana's AUI as the rendered page's headline card shows it."""
    card = re.search(
        r'"children":"Anthropic AI Usage Index \(AUI\)","className":"card-label"\}.*?'
        r'"children":"([0-9.]+)","className":"card-value"',
        response.text,
    )
    return card.group(1)


def assert_every_route_answers_from(url: str, build: str) -> None:
    for path in ROUTES:
        assert get(url + path).headers[BUILD_HEADER] == build, path


def assert_new_numbers_everywhere(url: str, build: str) -> None:
    """The content agrees with the header: the new build's manifest and numbers."""
    bundle = zipfile.ZipFile(io.BytesIO(get(url + "/download/bundle.zip").content))
    assert json.loads(bundle.read("manifest.json"))["build_id"] == build
    csv = bundle.read("csv/state_summary.csv").decode()
    assert re.search(rf"^2026-05,IN,.*?,{NEW_AUI},", csv, re.M)
    assert f"IN,Indiana,{NEW_AUI}," in get(url + "/download/map.csv").text
    api = get(url + "/api/v1/state_summary.json?state=IN&wave=2026-05").json()
    assert api["build_id"] == build and api["rows"][0]["aui"] == float(NEW_AUI)


def test_rebuilding_while_serving(built, changed_mirror, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(built.data_dir, data_dir, symlinks=True, copy_function=os.link)
    with production_server(data_dir) as (url, server):
        # A visitor opens Indiana's page from the first build.
        opened = get(url + "/state/IN")
        old = opened.headers[BUILD_HEADER]
        assert page_build(opened) == old
        assert headline_aui(indiana_page(url, old)) == OLD_AUI

        new = rebuild(data_dir, changed_mirror)
        assert new != old

        # Every route of either worker answers from the new build, and says so.
        for _ in range(3):
            assert_every_route_answers_from(url, new)
        assert_new_numbers_everywhere(url, new)
        assert get(url + "/download/figure/map.svg").headers[BUILD_HEADER] == new
        briefing = get(url + "/briefing/IN.pdf")
        assert briefing.headers[BUILD_HEADER] == new
        assert NEW_AUI in PdfReader(io.BytesIO(briefing.content)).pages[0].extract_text()
        # New pages show the new numbers.
        fresh = get(url + "/state/IN")
        assert page_build(fresh) == new
        assert headline_aui(indiana_page(url, new)) == NEW_AUI
        assert headline_aui(indiana_page(url, None)) == NEW_AUI
        # The page opened before the switch keeps its build's numbers, on either worker.
        for _ in range(4):
            answer = indiana_page(url, old)
            assert answer.headers[BUILD_HEADER] == old and headline_aui(answer) == OLD_AUI

        # Restarted workers (a deploy, a crash) agree: new build for all, old for its page.
        old_workers = {child.pid for child in psutil.Process(server.pid).children()}
        os.kill(server.pid, signal.SIGHUP)  # new workers start, the old ones finish and exit
        deadline = time.monotonic() + 60
        while old_workers & {child.pid for child in psutil.Process(server.pid).children()}:
            assert time.monotonic() < deadline, "the workers were not replaced"
            time.sleep(0.2)
        assert_every_route_answers_from(url, new)
        answer = indiana_page(url, old)
        assert answer.headers[BUILD_HEADER] == old and headline_aui(answer) == OLD_AUI

        # Once the old build is deleted (as three builds later), its page is told to reload.
        for folder in (data_dir / "builds").glob(f"{old}-*"):
            shutil.rmtree(folder)
        answer = indiana_page(url, old)
        assert answer.headers[BUILD_HEADER] == new
        assert answer.json() == {
            "multi": True,
            "response": {},
            "sideUpdate": {"data-updated": {"hidden": False}},
        }
