"""A failed or killed build leaves the last good data/processed/ exactly as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from etl.cli import main
from etl.sources.fetch import cache_path
from etl.sources.registry import sources_by_id

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
    shutil.copytree(built.data_dir, target)
    return target


def test_failed_build_keeps_the_previous_marts(data_copy, mirror, tmp_path, monkeypatch, capsys):
    before = fingerprint(data_copy / "processed")
    source = sources_by_id()["aei_2025_08"]
    damaged_mirror = tmp_path / "mirror"
    shutil.copytree(mirror, damaged_mirror)
    damaged = cache_path(source.url, damaged_mirror)
    body = damaged.read_bytes()
    damaged.write_bytes(body.replace(b"state_us,2025-08-04", b"state_us,2031-01-01", 1))
    cache_path(source.url, data_copy / "raw").unlink()  # force the damaged copy in
    monkeypatch.setenv("AIEI_DATA_DIR", str(data_copy))
    monkeypatch.setenv("AIEI_MIRROR", str(damaged_mirror))
    code = main(["build", "--offline", "--no-progress", "--accept-changed"])
    err = capsys.readouterr().err
    assert code == 1
    assert "aei_raw_claude_ai_2025-08-04_to_2025-08-11.csv, line" in err
    assert "Traceback" not in err
    assert fingerprint(data_copy / "processed") == before
    usage = pl.read_parquet(data_copy / "processed" / "state_usage.parquet")
    assert usage.filter(pl.col("wave") == "2025-08").height == 51


def test_killed_build_keeps_the_previous_marts(data_copy, mirror):
    before = fingerprint(data_copy / "processed")
    env = {**os.environ, "AIEI_DATA_DIR": str(data_copy), "AIEI_MIRROR": str(mirror)}
    command = [sys.executable, "-m", "etl.cli", "build", "--force", "--offline", "--no-progress"]
    build = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(data_copy.glob(".processed-building-*")):
        assert build.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert fingerprint(data_copy / "processed") == before
    assert list(data_copy.glob(".processed-building-*"))  # the half-made tree is left behind
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert not list(data_copy.glob(".processed-*"))  # ... and cleaned by the next build
    assert (data_copy / "processed" / "manifest.json").is_file()


@pytest.mark.parametrize("step", ["prepare", "build"])
def test_a_failing_mart_step_names_the_mart_and_keeps_the_last_build(
    built, tmp_path, monkeypatch, step
):
    from dataclasses import replace

    from etl.marts import runner

    processed = tmp_path / "processed"
    runner.build_marts(built.staging_dir, processed, log=lambda _: None)
    before = fingerprint(processed)

    def boom(inputs):
        raise ValueError("upstream renamed a column")

    monkeypatch.setattr(
        runner,
        "MARTS",
        tuple(
            replace(m, **{step: boom}) if m.name == "state_occupations" else m for m in runner.MARTS
        ),
    )
    with pytest.raises(runner.MartError, match=r"'state_occupations' failed.*renamed a column"):
        runner.build_marts(built.staging_dir, processed, force=True, log=lambda _: None)
    assert fingerprint(processed) == before
    assert not list(tmp_path.glob(".processed-*"))


def test_a_bad_upstream_file_leaves_staging_untouched(built, tmp_path):
    """Every table re-read (new checksums), one task reworded (a valid change to a table
    read before the bad one), one file truncated: no staging file or manifest changes."""
    from etl.readers.table import SourceFormatError
    from etl.sources.fetch import FetchResult
    from etl.sources.registry import SOURCES
    from etl.staging import stage

    staging = tmp_path / "staging"
    shutil.copytree(built.staging_dir, staging)
    before = fingerprint(staging)
    fetched = []
    for source in SOURCES:
        path = cache_path(source.url, tmp_path / "raw")
        path.parent.mkdir(parents=True, exist_ok=True)
        body = cache_path(source.url, built.raw_dir).read_bytes()
        if source.id == "aei_task_statements":
            body = body.replace(b"Appoint department heads", b"Appoint department chiefs")
        path.write_bytes(body[:-7] if source.id == "job_exposure" else body)
        fetched.append(
            FetchResult(
                source.id, source.url, path, path.stat().st_size, "new" * 21 + "0", "test", "mirror"
            )
        )
    with pytest.raises(SourceFormatError, match="truncated"):
        stage(fetched, staging, log=lambda _: None)
    assert fingerprint(staging) == before
