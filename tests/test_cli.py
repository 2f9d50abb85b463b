"""The `aiei` command explains itself and fails with clear messages, never tracebacks."""

from __future__ import annotations

import pytest

from dashboard.cli import main


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["fetch", "--help"],
        ["build", "--help"],
        ["serve", "--help"],
        ["sources", "--help"],
    ],
)
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "usage: aiei" in out
    assert len(out.splitlines()) > 4


def test_subcommands_listed_in_top_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("fetch", "build", "serve", "sources"):
        assert command in out
    assert "AIEI_MIRROR" in out


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["build", "--workers", "0"], "must be at least 1"),
        (["build", "--workers", "two"], "is not a whole number"),
        (["serve", "--port", "-5"], "must be at least 1"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_name_the_parameter(argv, fragment, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert fragment in capsys.readouterr().err


def test_unknown_source_id_is_refused():
    with pytest.raises(SystemExit, match="unknown source id"):
        main(["fetch", "no_such_source", "--offline"])


def test_offline_without_mirror_fails_clearly(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AIEI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("AIEI_MIRROR", raising=False)
    assert main(["fetch", "job_exposure", "--offline", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "job_exposure.csv" in err and "AIEI_MIRROR" in err
    assert "Traceback" not in err
    assert not any(tmp_path.rglob("*.csv"))


def test_sources_lists_the_registry(capsys):
    assert main(["sources"]) == 0
    out = capsys.readouterr().out
    assert "download.bls.gov/pub/time.series/oe/oe.data.0.Current" in out
    assert "CC BY 4.0" in out


def test_accept_changed_names_sources():
    with pytest.raises(SystemExit, match="unknown source id"):
        main(["fetch", "--offline", "--accept-changed", "no_such_source"])
