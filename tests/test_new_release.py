"""A new AEI release in a known layout is a registry entry and nothing else: added to the
registry alone, a synthetic wave reaches the marts and the map page."""

from __future__ import annotations

import dataclasses
import shutil

import polars as pl
import pytest

from etl.build import build
from etl.config import settings
from etl.sources import registry
from etl.sources.fetch import cache_path
from etl.sources.options import FetchOptions

pytestmark = pytest.mark.integration
NEW_PATH = "release_2026_09_30/data/aei_raw_claude_ai_2026-08-06_to_2026-08-13.csv"


@pytest.fixture(scope="module")
def with_new_release(mirror, tmp_path_factory):
    """A mirror holding a synthetic release (the 2026-02 file re-dated to Aug 6-13 2026,
    values unchanged) and a registry with one more entry for it."""
    root = tmp_path_factory.mktemp("new-release")
    new_mirror = root / "mirror"
    shutil.copytree(mirror, new_mirror, symlinks=True)
    template = registry.sources_by_id()["aei_2026_02"]
    source = dataclasses.replace(
        template,
        id="aei_2026_08",
        url=registry.AEI_ROOT + NEW_PATH,
        title="AEI Claude.ai usage, Aug 6-13 2026 (synthetic test release)",
        release="release_2026_09_30",
        waves={"2026-08": ("2026-08-06", "2026-08-13")},
        sha256=None,
        bytes=None,
    )
    body = cache_path(template.url, mirror).read_bytes()
    target = cache_path(source.url, new_mirror)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(
        body.replace(b"2026-02-05", b"2026-08-06").replace(b"2026-02-12", b"2026-08-13")
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registry, "SOURCES", (*registry.SOURCES, source))
        patch.setenv("AIEI_DATA_DIR", str(root / "data"))
        patch.setenv("AIEI_MIRROR", str(new_mirror))
        config = settings()
        build(config, FetchOptions(offline=True, progress=False))
        yield config


def test_the_new_wave_is_in_the_marts(with_new_release):
    processed = with_new_release.processed_dir
    waves = pl.read_parquet(processed / "waves.parquet")
    new = waves.filter(pl.col("wave") == "2026-08").row(0, named=True)
    assert new["release"] == "release_2026_09_30" and new["layout"] == "long"
    assert new["label"] == "Aug 6–13, 2026" and new["release_break"]
    usage = pl.read_parquet(processed / "state_usage.parquet")
    august = usage.filter(pl.col("wave") == "2026-08").sort("state")
    february = usage.filter(pl.col("wave") == "2026-02").sort("state")
    assert august.height == 51
    # the same counts as the file it was copied from: the same AUI and ranks
    assert august["aui"].to_list() == february["aui"].to_list()
    assert august["aui_rank"].to_list() == february["aui_rank"].to_list()
    summary = pl.read_parquet(processed / "state_summary.parquet")
    assert summary.filter(pl.col("wave") == "2026-08").height == 52  # 51 + US


def test_the_new_wave_is_on_the_map_page(with_new_release):
    from dashboard.app import create_app

    client = create_app(with_new_release.processed_dir).server.test_client()
    assert client.get("/?wave=2026-08").status_code == 200
    assert client.get("/state/IN?wave=2026-08").status_code == 200
    csv = client.get("/download/map.csv?wave=2026-08")
    assert csv.status_code == 200
    assert b"2026-08" in csv.data
