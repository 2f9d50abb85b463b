"""One fingerprint for a whole build: what it read and the code that read it.

It covers every fetched file (id, URL, sha256), the registry entries as loaded, every file
of the `etl` package, the map geometry the marts read, and the versions of the libraries
that write the outputs. If any of these changes, everything is rebuilt (under a second);
if none does, nothing is. A hand-listed per-step fingerprint can miss an input; this one
cannot.
"""

from __future__ import annotations

import hashlib
from importlib import metadata

from etl.config import PROJECT_ROOT
from etl.sources.fetch import FetchResult
from etl.sources.registry import sources

ETL_DIR = PROJECT_ROOT / "etl"
ASSETS_READ = (
    PROJECT_ROOT / "assets" / "geo" / "states-albers-10m.json",
    PROJECT_ROOT / "assets" / "geo" / "counties-10m.json",
)
WRITERS = ("polars", "pyarrow", "shapely")  # shapely writes the area map


def code_fingerprint() -> str:
    """The registry entries as loaded, the etl code, the geometry it reads, the writers."""
    digest = hashlib.sha256(repr(sources()).encode())
    for path in sorted([*ETL_DIR.rglob("*.py"), *ASSETS_READ]):
        digest.update(f"file {path.relative_to(PROJECT_ROOT).as_posix()}\n".encode())
        digest.update(path.read_bytes())
    for package in WRITERS:
        digest.update(f"package {package} {metadata.version(package)}\n".encode())
    return digest.hexdigest()


def build_fingerprint(fetched: list[FetchResult], code: str) -> str:
    """The code fingerprint and every fetched file (id, URL, sha256)."""
    digest = hashlib.sha256(code.encode())
    for result in sorted(fetched, key=lambda f: f.source_id):
        digest.update(f"source {result.source_id} {result.url} {result.sha256}\n".encode())
    return digest.hexdigest()
