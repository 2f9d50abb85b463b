"""Shared fixtures: the mirror, a pipeline built once per session, a fault-injecting server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl.config import PROJECT_ROOT, settings
from etl.sources.options import FetchOptions

pytest_plugins = ("tests.browser",)

DEFAULT_MIRROR = PROJECT_ROOT.parent / "shared" / "data" / "mirror"


def mirror_dir() -> Path:
    configured = os.environ.get("AIEI_MIRROR")
    return Path(configured).resolve() if configured else DEFAULT_MIRROR


@pytest.fixture(scope="session")
def mirror() -> Path:
    path = mirror_dir()
    if not path.is_dir():
        pytest.fail(
            f"the mirror {path} is missing: set AIEI_MIRROR to the shared mirror "
            "(integration tests read the real upstream files)"
        )
    return path


@pytest.fixture(scope="session")
def built(mirror: Path, tmp_path_factory: pytest.TempPathFactory):
    """Run `aiei build` once, offline from the mirror, into a temporary data dir."""
    from etl.build import build

    data_dir = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIEI_DATA_DIR", str(data_dir))
        patch.setenv("AIEI_MIRROR", str(mirror))
        config = settings()
        build(config, FetchOptions(offline=True, progress=False))
    return config


@pytest.fixture(scope="session")
def app(built):
    """The Dash app serving the session's build, made once for speed (any number of apps
    can live in a process: see test_callbacks.py)."""
    from dashboard.app import create_app

    return create_app(built.processed_dir)
