"""The build's one fingerprint: nothing changed -> nothing rebuilt; any input changed (a
file, a registry entry, the code) -> everything rebuilt."""

from __future__ import annotations

import dataclasses
import hashlib
import json
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
    shutil.copytree(built.data_dir, target, symlinks=True)
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


def _serve_damaged(
    data_dir: Path, mirror: Path, tmp: Path, monkeypatch, source_id: str, damage
) -> None:
    """A mirror whose copy of one source is damaged, and a cache that lost that file."""
    from etl.sources.fetch import cache_path

    damaged = tmp / "mirror"
    shutil.copytree(mirror, damaged, symlinks=True)
    path = cache_path(registry.sources_by_id()[source_id].url, damaged)
    path.unlink()  # a copy, not the shared file behind a symlink
    path.write_bytes(
        damage(cache_path(registry.sources_by_id()[source_id].url, mirror).read_bytes())
    )
    cache_path(registry.sources_by_id()[source_id].url, data_dir / "raw").unlink()
    monkeypatch.setenv("AIEI_MIRROR", str(damaged))


def test_a_file_cut_at_a_line_boundary_cannot_silently_drop_states(
    data_dir, mirror, tmp_path, monkeypatch, capsys
):
    """The 2025-08 file cut after its first 3,000 lines is well formed (it passes every
    reader check) but lacks 28 states' usage rows: the build refuses, naming the file."""
    from dashboard.cli import main

    def cut(body: bytes) -> bytes:
        return b"\n".join(body.split(b"\n")[:3000]) + b"\n"

    _serve_damaged(data_dir, mirror, tmp_path, monkeypatch, "aei_2025_08", cut)
    before = digests(data_dir / "processed")
    argv = ["build", "--offline", "--no-progress", "--accept-changed", "aei_2025_08"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "would lose" in err and "state(s) of 2025-08" in err
    assert "(from aei_2025_08)" in err and "aiei build --allow-loss aei_2025_08" in err
    assert "Traceback" not in err
    assert digests(data_dir / "processed") == before
    assert main([*argv, "--allow-loss", "aei_2025_08"]) == 0  # the user says it is real
    usage = pl.read_parquet(data_dir / "processed" / "state_usage.parquet")
    assert usage.filter(pl.col("wave") == "2025-08").height < 51


def test_a_month_gone_from_a_release_is_a_lost_wave(
    data_dir, mirror, tmp_path, monkeypatch, capsys
):
    from dashboard.cli import main

    def april_only(body: bytes) -> bytes:
        rows = body.split(b"\n")
        return b"\n".join([rows[0], *[r for r in rows[1:] if r.startswith(b"2026-04")]]) + b"\n"

    _serve_damaged(data_dir, mirror, tmp_path, monkeypatch, "aei_2026_06_26", april_only)
    argv = ["build", "--offline", "--no-progress", "--accept-changed", "aei_2026_06_26"]
    assert main(argv) == 1
    assert "would lose wave 2026-05" in capsys.readouterr().err


def test_a_no_op_build_on_a_read_only_data_dir_writes_nothing(data_dir, capsys):
    from dashboard.cli import main

    before = digests(data_dir)
    assert main(["build", "--offline", "--no-progress"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert digests(data_dir) == before


def test_changes_lists_what_moved_between_two_builds(
    data_dir, mirror, tmp_path, monkeypatch, capsys
):
    """A rebuild with one changed source: `aiei changes` names the file and the numbers."""
    from dashboard.cli import main

    def revise(body: bytes) -> bytes:
        return body.replace(
            b"US-IN,subregion,overall,0,usage_per_capita_index,0.61",
            b"US-IN,subregion,overall,0,usage_per_capita_index,0.71",
        )

    _serve_damaged(data_dir, mirror, tmp_path, monkeypatch, "aei_2026_06_26", revise)
    assert main(["build", "--offline", "--no-progress", "--accept-changed", "aei_2026_06_26"]) == 0
    capsys.readouterr()
    assert main(["changes"]) == 0
    out = capsys.readouterr().out
    assert "file aei_2026_06_26:" in out
    assert "2026-05 IN aui: 0.61 -> 0.71" in out
    assert "2026-05 IN aui_rank: 32 -> " in out
    assert main(["changes", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    moved = {(n["state"], n["column"]) for n in report["numbers"] if n["wave"] == "2026-05"}
    assert ("IN", "aui") in moved and ("MI", "aui_rank") in moved  # MI is no longer tied
    # The /changes page says the same, from the build the app answers from.
    from dashboard.data import Marts
    from dashboard.pages import changes as changes_page
    from tests.dash_tree import texts

    data = Marts(data_dir / "processed")
    page = " | ".join(texts(changes_page.layout(None, data)))
    assert f"to build {data.build_id}" in page and "aei_2026_06_26" in page
    assert "2026-05 | Indiana | AUI | 0.61 | 0.71" in page
