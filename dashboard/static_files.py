"""Static files (Dash's JavaScript, plotly.js, our assets) sent at maximum brotli.

Quality 11 saves about 0.08 MB on a first visit over flask-compress's per-request level 5
(0.73 vs 0.81 MB; 1.7 s at 400 kbit/s) but takes ~8 s of CPU, so it is done once, by
`make` (`python -m dashboard.static_files`), into `dashboard/precompressed/`, keyed by the
file's sha256. At run time a static response whose body has a precompressed twin is sent
as that; anything else is left to flask-compress.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from flask import Flask, Response, request

from etl.config import PROJECT_ROOT

PRECOMPRESSED = Path(__file__).parent / "precompressed"
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
MIN_BYTES = 2048


def first_visit_files() -> list[Path]:
    """The big static files a page load fetches (Dash, React, plotly.js, our assets)."""
    import dash
    import plotly

    dash_dir, assets = Path(dash.__file__).parent, PROJECT_ROOT / "assets"
    files = [
        Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
        dash_dir / "dash-renderer" / "build" / "dash_renderer.min.js",
        *dash_dir.glob("deps/*.min.js"),
        *dash_dir.glob("dcc/*.js"),
        *dash_dir.glob("html/*.min.js"),
        *assets.glob("*.css"),
        *assets.glob("*.js"),
        *assets.glob("topojson/*.json"),
    ]
    return [f for f in files if f.is_file() and f.stat().st_size >= MIN_BYTES]


def precompress(files: list[Path], folder: Path = PRECOMPRESSED) -> int:
    """Write `<sha256>.br` for each file not done yet; return how many were written."""
    import brotli

    folder.mkdir(exist_ok=True)
    wanted, written = set(), 0
    for path in files:
        body = path.read_bytes()
        name = f"{hashlib.sha256(body).hexdigest()}.br"
        wanted.add(name)
        if not (folder / name).is_file():
            (folder / name).write_bytes(brotli.compress(body, quality=11))
            written += 1
    for stale in folder.glob("*.br"):  # bodies of files that changed since
        if stale.name not in wanted:
            stale.unlink()
    return written


def install(server: Flask, folder: Path = PRECOMPRESSED) -> None:
    available = {p.stem for p in folder.glob("*.br")} if folder.is_dir() else set()

    @server.after_request
    def send_precompressed(response: Response) -> Response:
        if (
            not available
            or request.method != "GET"
            or response.status_code != 200
            or not request.path.startswith(STATIC_PREFIXES)
            or "br" not in request.headers.get("Accept-Encoding", "")
            or "Content-Encoding" in response.headers
        ):
            return response
        response.direct_passthrough = False
        key = hashlib.sha256(response.get_data()).hexdigest()
        if key in available:
            response.set_data((folder / f"{key}.br").read_bytes())
            response.headers["Content-Encoding"] = "br"
            response.headers.add("Vary", "Accept-Encoding")
        return response


if __name__ == "__main__":
    count = precompress(first_visit_files())
    print(f"precompressed {count} static file(s) into {PRECOMPRESSED}", file=sys.stderr)
