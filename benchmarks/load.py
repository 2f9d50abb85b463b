"""Load run against the production configuration (gunicorn -c python:dashboard.gunicorn_conf:
2 threaded workers) on 127.0.0.1, twice: 16 visitors for 60 s alone, then the same 16 with
2 idle connections held open and 2 clients downloading chart PNGs nobody asked for before
(distinct views, so each is rendered). The slow clients may not cost the visitors errors,
nor more than double their callbacks' p95.

Each visitor cycles through what visitors do: every callback the dashboard benchmark
records (the map, a state profile, its most exposed jobs, the occupation index, an
occupation's page), state and occupation page loads, the occupation index, and CSV
downloads. Reports errors, latency percentiles (all requests, and callbacks alone) and the
server's memory sampled every 5 s (it should stay flat).

    python -m benchmarks.load [--clients 16] [--seconds 60]
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import requests

from benchmarks.common import print_table, save, summary_ms
from benchmarks.dashboard import (
    CALLBACK,
    capture_payloads,
    ensure_data,
    first_load,
    precompress_static,
    rss_mb,
)
from dashboard.local import production_server
from etl.geo import US_51

STATES = ("IN", "OH", "CA", "TX", "WY", "DC", "NY", "MS")
OCCUPATIONS = ("29-1141", "15-1252", "43-4051", "31-1120", "41-2031", "11-1021")
STATE_CHARTS = ("top-uses", "groups", "occupations", "automation", "trend-aui", "trend-share")
IDLE_CONNECTIONS = 2
PNG_CLIENTS = 2


class Recorder:
    """Latencies by kind of request, and the failures."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self._lock = threading.Lock()

    def timed(self, session: requests.Session, kind: str, method: str, url: str, **kw) -> None:
        started = time.perf_counter()
        try:
            response = session.request(method, url, timeout=60, **kw)
            problem = None if response.status_code == 200 else f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            problem = exc.__class__.__name__
        with self._lock:
            self.latencies.setdefault(kind, []).append(time.perf_counter() - started)
            if problem:
                self.errors.append(f"{method} {urlsplit(url).path}: {problem}")

    def visitors(self) -> list[float]:
        return [v for kind, values in self.latencies.items() if kind != "png" for v in values]


def visitor(url: str, payloads: list[bytes], number: int, stop: float, record: Recorder) -> None:
    session = requests.Session()
    session.headers["Accept-Encoding"] = "br, gzip"
    json_body = {"Content-Type": "application/json"}
    state = STATES[number % len(STATES)]
    occupation = OCCUPATIONS[number % len(OCCUPATIONS)]
    steps = itertools.cycle(
        [
            *[
                ("callback", "POST", CALLBACK, {"data": body, "headers": json_body})
                for body in payloads
            ],
            ("page", "GET", f"/state/{state}", {}),
            ("csv", "GET", "/download/map.csv?metric=automation&wave=2025-08", {}),
            ("page", "GET", f"/occupation/{occupation}", {}),
            ("page", "GET", f"/occupations?state={state}&sort=lq", {}),
            ("csv", "GET", f"/download/occupations.csv?state={state}", {}),
            ("csv", "GET", f"/download/state/{state}/most_exposed.csv", {}),
        ]
    )
    while time.perf_counter() < stop:
        kind, method, path, options = next(steps)
        record.timed(session, kind, method, url + path, **options)


def chart_views(waves: list[str]) -> Iterator[str]:
    """Every state chart of every state and wave, each once."""
    for wave, state, chart in itertools.product(reversed(waves), US_51, STATE_CHARTS):
        yield f"/download/figure/{chart}.png?state={state}&wave={wave}"


def png_client(url: str, views: Iterator[str], lock: threading.Lock, stop: float, record) -> None:
    session = requests.Session()
    while time.perf_counter() < stop:
        with lock:
            path = next(views)
        record.timed(session, "png", "GET", url + path)


def hold_idle_connections(url: str, stop: float) -> int:
    """Keep IDLE_CONNECTIONS connections open that never send a byte, opening a new one
    whenever the server closes one; how many were opened."""
    address = urlsplit(url)
    opened = 0
    idle: list[socket.socket] = []
    while time.perf_counter() < stop:
        for connection in list(idle):
            connection.setblocking(False)
            try:
                closed = connection.recv(1) == b""
            except BlockingIOError:
                closed = False
            except OSError:
                closed = True
            if closed:
                connection.close()
                idle.remove(connection)
        while len(idle) < IDLE_CONNECTIONS:
            idle.append(socket.create_connection((address.hostname, address.port)))
            opened += 1
        time.sleep(0.5)
    for connection in idle:
        connection.close()
    return opened


def measure(url: str, payloads: list[bytes], clients: int, seconds: float, slow: bool, process):
    record = Recorder()
    memory = [rss_mb(process)]
    stop = time.perf_counter() + seconds
    waves = requests.get(url + "/api/v1/waves.json", timeout=30).json()["rows"]
    views = chart_views([row["wave"] for row in waves])
    views_lock = threading.Lock()
    idle_opened: list[int] = []

    def sample_memory() -> None:
        while time.perf_counter() < stop:
            time.sleep(5)
            memory.append(rss_mb(process))

    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    with ThreadPoolExecutor(PNG_CLIENTS + 1) as slow_clients:
        if slow:
            slow_clients.submit(lambda: idle_opened.append(hold_idle_connections(url, stop)))
            for _ in range(PNG_CLIENTS):
                slow_clients.submit(png_client, url, views, views_lock, stop, record)
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as visitors:
            for number in range(clients):
                visitors.submit(visitor, url, payloads, number, stop, record)
        wall = time.perf_counter() - started  # the visitors' time (a render may outlast it)
    sampler.join(timeout=6)
    everything = record.visitors()
    return {
        "slow_clients": slow,
        "seconds": round(wall, 1),
        "requests": len(everything),
        "errors": len(record.errors),
        "error_examples": record.errors[:5],
        "rps": round(len(everything) / wall, 1),
        **summary_ms(everything),
        "callbacks": {"requests": len(record.latencies["callback"])}
        | summary_ms(record.latencies["callback"]),
        "pngs": {"requests": len(record.latencies.get("png", []))}
        | (summary_ms(record.latencies["png"]) if slow else {}),
        "idle_connections_opened": idle_opened[0] if idle_opened else 0,
        "server_rss_mb_samples": memory,
        "memory_growth_mb": round(memory[-1] - memory[0], 1),
    }


def start_renderers(url: str) -> None:
    """Each worker starts its renderer (a browser, some seconds) on its first chart: do
    that before measuring, with a few charts at once so both workers get some."""
    with ThreadPoolExecutor(4) as pool:
        for metric in ("aui", "usage_share", "automation", "exposure"):
            pool.submit(requests.get, f"{url}/download/figure/map.png?metric={metric}", timeout=120)


def forget_chart_images(data_dir: Path, url: str) -> None:
    """So that every chart the PNG clients ask for is rendered."""
    build = requests.get(url + "/", timeout=30).headers["X-AIEI-Build"]
    shutil.rmtree(data_dir / "cache" / build / "figures", ignore_errors=True)


def run(clients: int, seconds: float) -> dict:
    data_dir = ensure_data()
    precompress_static()
    with production_server(data_dir) as (url, process):
        first_load(url, runs=1)
        payloads = list(capture_payloads(url).values())
        alone = measure(url, payloads, clients, seconds, slow=False, process=process)
        start_renderers(url)
        forget_chart_images(data_dir, url)
        beside_slow = measure(url, payloads, clients, seconds, slow=True, process=process)
    ratio = beside_slow["callbacks"]["p95_ms"] / alone["callbacks"]["p95_ms"]
    return {
        "clients": clients,
        "alone": alone,
        "with_slow_clients": beside_slow,
        "callback_p95_ratio": round(ratio, 2),
        "passed": alone["errors"] == beside_slow["errors"] == 0 and ratio <= 2,
    }


def report(result: dict) -> None:
    rows = []
    runs = {"alone": result["alone"], "with slow clients": result["with_slow_clients"]}
    for name, run_ in runs.items():
        callbacks = run_["callbacks"]
        rows += [
            (
                f"{name}: requests",
                f"{run_['requests']:,} in {run_['seconds']} s",
                f"{run_['rps']} req/s, {run_['errors']} errors",
            ),
            (
                f"{name}: all requests",
                f"p50 {run_['p50_ms']:.0f} p95 {run_['p95_ms']:.0f} p99 {run_['p99_ms']:.0f} ms",
                "",
            ),
            (
                f"{name}: callbacks",
                f"p50 {callbacks['p50_ms']:.0f} p95 {callbacks['p95_ms']:.0f} "
                f"p99 {callbacks['p99_ms']:.0f} ms",
                f"{callbacks['requests']:,} callbacks",
            ),
            (
                f"{name}: server memory",
                " ".join(f"{m:.0f}" for m in run_["server_rss_mb_samples"]) + " MB",
                f"growth {run_['memory_growth_mb']:+.0f} MB",
            ),
        ]
    slow = result["with_slow_clients"]
    pngs = slow["pngs"]
    rows += [
        (
            "slow clients: chart PNGs rendered",
            f"{pngs['requests']} (p50 {pngs.get('p50_ms', 0):.0f} ms)",
            f"{IDLE_CONNECTIONS} idle connections held ({slow['idle_connections_opened']} opened)",
        ),
        (
            "callback p95 with / without slow clients",
            f"{result['callback_p95_ratio']}×",
            "target ≤ 2×, 0 errors: " + ("met" if result["passed"] else "NOT met"),
        ),
    ]
    print_table(
        f"Load: {result['clients']} clients × {result['alone']['seconds']} s, production "
        "configuration (gunicorn gthread, 2 workers × 8 threads)",
        rows,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    outcome = run(args.clients, args.seconds)
    report(outcome)
    print(f"\nwritten {save('load', outcome)}")
