"""The build's one fingerprint: nothing changed -> nothing rebuilt; any input changed (a
file, a registry entry, the code) -> everything rebuilt."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import polars as pl
import pytest

from etl.build import build
from etl.config import settings
from etl.sources import registry
from etl.sources.options import FetchOptions

pytestmark = pytest.mark.integration
OFFLINE = FetchOptions(offline=True, progress=False)


def digests(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data_dir(built, tmp_path, monkeypatch) -> Path:
    target = tmp_path / "data"
    shutil.copytree(built.data_dir, target)
    monkeypatch.setenv("AIEI_DATA_DIR", str(target))
    return target


def test_nothing_changed_rebuilds_nothing(data_dir):
    before = digests(data_dir / "processed")
    result = build(settings(), OFFLINE)
    assert not result.rebuilt
    assert digests(data_dir / "processed") == before


def test_a_changed_registry_entry_rebuilds_what_reads_it(data_dir, monkeypatch):
    """A publisher's caveat added to the registry (no file changed) reaches the marts."""
    caveat = "Test: the publisher flagged this state's traffic."
    changed = tuple(
        dataclasses.replace(s, anomalies={"2026-02": {"VT": caveat}})
        if s.id == "aei_2026_02"
        else s
        for s in registry.SOURCES
    )
    monkeypatch.setattr(registry, "SOURCES", changed)
    before = pl.read_parquet(data_dir / "processed" / "state_usage.parquet")
    result = build(settings(), OFFLINE)
    assert result.rebuilt
    after = pl.read_parquet(data_dir / "processed" / "state_usage.parquet")
    row = after.filter((pl.col("wave") == "2026-02") & (pl.col("state") == "VT"))
    assert row["caveat"].item() == caveat
    assert (
        before.filter((pl.col("wave") == "2026-02") & (pl.col("state") == "VT"))["caveat"].item()
        == ""
    )
    assert after.drop("caveat").equals(before.drop("caveat"))
