"""Running the app on this machine: a free port, waiting until it answers, the production
server, and Debian's Chromium to show it in (for the briefing renderer, the browser tests
and the benchmarks; Playwright never downloads a browser)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from etl.config import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying hosts this offline machine
# cannot reach.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the app did not answer at {url} within {seconds} s")


@contextmanager
def production_server(
    data_dir: Path, workers: int = 2, threads: int = 8, app: str = "dashboard.app:create_server()"
) -> Iterator[tuple[str, subprocess.Popen]]:
    """The app (or another WSGI `app`, for the benchmarks' floor) under gunicorn with the
    production settings (dashboard/gunicorn_conf.py) on a free local port: (its URL, the
    gunicorn master)."""
    port = free_port()
    env = {
        **os.environ,
        "AIEI_DATA_DIR": str(data_dir),
        "AIEI_BIND": f"127.0.0.1:{port}",
        "AIEI_WORKERS": str(workers),
        "AIEI_THREADS": str(threads),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:dashboard.gunicorn_conf",
            app,
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/", process, seconds=60)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=30)
