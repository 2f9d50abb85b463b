"""Static files (Dash's JavaScript bundles, plotly.js, assets) at maximum brotli, once.

plotly.min.js is 4.8 MB: brotli quality 11 sends 1.11 MB instead of 1.29 MB at the quality
flask-compress can afford per request, but takes ~8 s. So the first request for a file gets
the fast compression while a background thread makes the quality-11 body, kept in memory
and on disk (`data/cache/static/`, shared by workers and restarts) for every later request.
Dynamic responses (callbacks, pages) are left to flask-compress.
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
from flask import Flask, Response, request

STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
MIN_BYTES = 2048


class StaticBrotli:
    def __init__(self, server: Flask, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.memory: dict[str, bytes] = {}
        self.pending: set[str] = set()
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brotli")
        self.prewarm_files: list[Path] = []
        # Registered after flask-compress, so it runs first (Flask runs them in reverse).
        server.after_request(self.compress)

    def compress(self, response: Response) -> Response:
        if (
            request.method != "GET"
            or response.status_code != 200
            or not request.path.startswith(STATIC_PREFIXES)
            or "br" not in request.headers.get("Accept-Encoding", "")
            or "Content-Encoding" in response.headers
        ):
            return response
        self._prewarm_now()
        response.direct_passthrough = False
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        key = hashlib.sha256(body).hexdigest()
        compressed = self.memory.get(key) or self._from_disk(key)
        if compressed is None:
            self._schedule(key, body)
            return response  # flask-compress answers this one at its own level
        response.set_data(compressed)
        response.headers["Content-Encoding"] = "br"
        response.headers["Content-Length"] = str(len(compressed))
        response.headers.add("Vary", "Accept-Encoding")
        return response

    def prewarm(self, files: list[Path]) -> None:
        """When a browser first fetches a static file, start making the quality-11 bodies
        of all the files a first visit loads (in the background), so the first visitors
        after a start get them too. Processes that never serve static files do nothing."""
        self.prewarm_files = files

    def _prewarm_now(self) -> None:
        files, self.prewarm_files = self.prewarm_files, []
        if files:
            threading.Thread(
                target=self._prewarm, args=(files,), name="brotli-prewarm", daemon=True
            ).start()

    def _prewarm(self, files: list[Path]) -> None:
        for path in files:
            body = path.read_bytes()
            key = hashlib.sha256(body).hexdigest()
            if not (self.cache_dir / f"{key}.br").is_file():
                self._make(key, body)

    def _from_disk(self, key: str) -> bytes | None:
        path = self.cache_dir / f"{key}.br"
        if not path.is_file():
            return None
        data = path.read_bytes()
        self.memory[key] = data
        return data

    def _schedule(self, key: str, body: bytes) -> None:
        with self.lock:
            if key in self.pending:
                return
            self.pending.add(key)
        self.pool.submit(self._make, key, body)

    def _make(self, key: str, body: bytes) -> None:
        claim = self.cache_dir / f".{key}.claim"
        try:  # one process compresses a file; the others find it on disk afterwards
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        except OSError:
            claim = None  # read-only data dir: compress for this process only
        try:
            data = brotli.compress(body, quality=11)
            self.memory[key] = data
            if claim is not None:
                temp = self.cache_dir / f".{key}.{os.getpid()}.tmp"
                temp.write_bytes(data)
                os.replace(temp, self.cache_dir / f"{key}.br")
        finally:
            if claim is not None:
                claim.unlink(missing_ok=True)


def first_visit_files() -> list[Path]:
    """The big static files a first page load fetches (Dash, React, plotly.js, our assets)."""
    import dash
    import plotly

    from etl.config import PROJECT_ROOT

    dash_dir, assets = Path(dash.__file__).parent, PROJECT_ROOT / "assets"
    files = [
        Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
        dash_dir / "dash-renderer" / "build" / "dash_renderer.min.js",
        *dash_dir.glob("deps/*.min.js"),
        *dash_dir.glob("dcc/dash_core_components*.js"),
        dash_dir / "dcc" / "async-graph.js",
        dash_dir / "dcc" / "async-dropdown.js",
        *dash_dir.glob("html/*.min.js"),
        dash_dir / "dash_table" / "bundle.js",
        *assets.glob("*.css"),
        *assets.glob("*.js"),
        *assets.glob("topojson/*.json"),
    ]
    return [f for f in files if f.is_file() and f.stat().st_size >= MIN_BYTES]
