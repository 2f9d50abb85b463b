"""A failed or killed build leaves the last good data/staging and data/processed exactly as
they were."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from etl.cli import main
from etl.sources.fetch import cache_path
from etl.sources.registry import sources, sources_by_id

pytestmark = pytest.mark.integration


def fingerprint(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data_copy(built, tmp_path):
    """A private copy of the session's built data directory."""
    target = tmp_path / "data"
    shutil.copytree(built.data_dir, target, symlinks=True)
    return target


def test_failed_build_keeps_the_previous_marts(data_copy, mirror, tmp_path, monkeypatch, capsys):
    """Every file re-read, one reworded (a valid change), one damaged: nothing is replaced."""
    before = {d: fingerprint(data_copy / d) for d in ("processed", "staging")}
    damaged_mirror = tmp_path / "mirror"
    shutil.copytree(mirror, damaged_mirror)
    revised = cache_path(sources_by_id()["aei_2026_06_26"].url, damaged_mirror)
    revised.write_bytes(
        revised.read_bytes().replace(
            b"US-IN,subregion,overall,0,usage_per_capita_index,0.61",
            b"US-IN,subregion,overall,0,usage_per_capita_index,0.62",
        )
    )
    damaged = cache_path(sources_by_id()["aei_2025_08"].url, damaged_mirror)
    body = damaged.read_bytes()
    damaged.write_bytes(body.replace(b"state_us,2025-08-04", b"state_us,2031-01-01", 1))
    for source_id in ("aei_2026_06_26", "aei_2025_08"):  # force the new copies in
        cache_path(sources_by_id()[source_id].url, data_copy / "raw").unlink()
    monkeypatch.setenv("AIEI_DATA_DIR", str(data_copy))
    monkeypatch.setenv("AIEI_MIRROR", str(damaged_mirror))
    code = main(
        ["build", "--offline", "--no-progress", "--accept-changed", "aei_2025_08", "aei_2026_06_26"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "aei_raw_claude_ai_2025-08-04_to_2025-08-11.csv, line" in err
    assert "Traceback" not in err
    assert {d: fingerprint(data_copy / d) for d in ("processed", "staging")} == before
    usage = pl.read_parquet(data_copy / "processed" / "state_usage.parquet")
    assert usage.filter(pl.col("wave") == "2025-08").height == 51


# Where a killed build dies: the process kills itself at a chosen point, so the test does
# not depend on timing.
KILL_POINTS = {
    "while writing the marts": "pl.DataFrame.write_csv = lambda *a, **k: die()",
    "before the staging folder swap": "atomic.swap_in = lambda *a: die()",
    "before the new build is pointed at": "atomic._point = lambda *a: die()",
}
BUILD = """
import os, signal, sys
import polars as pl
from etl import atomic
from etl.cli import main
def die():
    os.kill(os.getpid(), signal.SIGKILL)
{kill}
sys.exit(main(["build", "--force", "--offline", "--no-progress"]))
"""


@pytest.mark.parametrize("point", KILL_POINTS)
def test_killed_build_keeps_the_previous_marts(data_copy, mirror, point):
    before = {d: fingerprint(data_copy / d) for d in ("processed", "staging")}
    env = {**os.environ, "AIEI_DATA_DIR": str(data_copy), "AIEI_MIRROR": str(mirror)}
    killed = subprocess.run(
        [sys.executable, "-c", BUILD.format(kill=KILL_POINTS[point])],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    assert {d: fingerprint(data_copy / d) for d in ("processed", "staging")} == before
    if point != "before the new build is pointed at":
        assert list(data_copy.rglob(".*-building-*"))  # the half-made tree is left behind
    rerun = subprocess.run(
        [sys.executable, "-m", "etl.cli", "build", "--force", "--offline", "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert not list(data_copy.rglob(".*-building-*"))  # ... and cleaned by the next build
    assert fingerprint(data_copy / "processed").keys() == before["processed"].keys()


def test_a_failing_mart_names_the_mart_and_keeps_the_last_build(data_copy, monkeypatch, capsys):
    from etl.marts import runner

    before = fingerprint(data_copy / "processed")

    def boom(inputs):
        raise ValueError("upstream renamed a column")

    monkeypatch.setattr(
        runner,
        "MARTS",
        tuple(
            dataclasses.replace(m, build=boom) if m.name == "state_occupations" else m
            for m in runner.MARTS
        ),
    )
    monkeypatch.setenv("AIEI_DATA_DIR", str(data_copy))
    assert main(["build", "--force", "--offline", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "'state_occupations' failed" in err and "renamed a column" in err
    assert fingerprint(data_copy / "processed") == before
    assert not list(data_copy.rglob(".*-building-*"))


def test_every_source_is_staged(built):
    staged = {s.reader for s in sources()}
    assert {p.stem for p in built.staging_dir.glob("*.parquet")} == staged
