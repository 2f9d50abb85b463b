"""Load run: 16 concurrent clients for 60 s against gunicorn (2 workers) on 127.0.0.1.

Each client cycles through what visitors do: every callback the dashboard benchmark
records (the map, a state profile, its most exposed jobs, the occupation index, an
occupation's page), state and occupation page loads, the occupation index, and CSV
downloads. Reports errors, latency percentiles and the server's memory
sampled every 5 s (it should stay flat).

    python -m benchmarks.load [--clients 16] [--seconds 60]
"""

from __future__ import annotations

import argparse
import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from benchmarks.common import print_table, save, summary_ms
from benchmarks.dashboard import (
    CALLBACK,
    capture_payloads,
    ensure_data,
    first_load,
    gunicorn,
    precompress_static,
    rss_mb,
)

STATES = ("IN", "OH", "CA", "TX", "WY", "DC", "NY", "MS")
OCCUPATIONS = ("29-1141", "15-1252", "43-4051", "31-1120", "41-2031", "11-1021")


def run(clients: int, seconds: float) -> dict:
    data_dir = ensure_data()
    precompress_static()
    with gunicorn(data_dir) as (url, process):
        first_load(url, runs=1)
        payloads = list(capture_payloads(url).values())
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        memory: list[float] = [rss_mb(process)]
        stop = time.perf_counter() + seconds

        def visitor(number: int) -> None:
            session = requests.Session()
            session.headers["Accept-Encoding"] = "br, gzip"
            state = STATES[number % len(STATES)]
            occupation = OCCUPATIONS[number % len(OCCUPATIONS)]
            steps = itertools.cycle(
                [
                    *[("POST", CALLBACK, body) for body in payloads],
                    ("GET", f"/state/{state}", None),
                    ("GET", "/download/map.csv?metric=automation&wave=2025-08", None),
                    ("GET", f"/occupation/{occupation}", None),
                    ("GET", f"/occupations?state={state}&sort=lq", None),
                    ("GET", f"/download/occupations.csv?state={state}", None),
                    ("GET", f"/download/state/{state}/most_exposed.csv", None),
                ]
            )
            while time.perf_counter() < stop:
                method, path, body = next(steps)
                started = time.perf_counter()
                try:
                    response = session.request(
                        method,
                        url + path,
                        data=body,
                        timeout=30,
                        headers={"Content-Type": "application/json"} if body else None,
                    )
                    ok = response.status_code == 200
                    problem = f"{method} {path}: HTTP {response.status_code}"
                except requests.RequestException as exc:
                    ok, problem = False, f"{method} {path}: {exc.__class__.__name__}"
                with lock:
                    latencies.append(time.perf_counter() - started)
                    if not ok:
                        errors.append(problem)

        def sample_memory() -> None:
            while time.perf_counter() < stop:
                time.sleep(5)
                memory.append(rss_mb(process))

        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            for number in range(clients):
                pool.submit(visitor, number)
        wall = time.perf_counter() - started
        sampler.join(timeout=6)
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:5],
        "rps": round(len(latencies) / wall, 1),
        **summary_ms(latencies),
        "server_rss_mb_samples": memory,
        "memory_growth_mb": round(memory[-1] - memory[0], 1),
    }


def report(result: dict) -> None:
    print_table(
        f"Load: {result['clients']} clients for {result['seconds']} s (gunicorn, 2 workers)",
        [
            (
                "requests (callbacks, pages, CSV)",
                f"{result['requests']:,}",
                f"{result['rps']} req/s",
            ),
            ("errors", str(result["errors"]), "target 0"),
            (
                "latency",
                f"p50 {result['p50_ms']:.0f} p95 {result['p95_ms']:.0f} "
                f"p99 {result['p99_ms']:.0f} ms",
                "",
            ),
            (
                "server memory (samples every 5 s)",
                " ".join(f"{m:.0f}" for m in result["server_rss_mb_samples"]) + " MB",
                f"growth {result['memory_growth_mb']:+.0f} MB",
            ),
        ],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    outcome = run(args.clients, args.seconds)
    report(outcome)
    print(f"\nwritten {save('load', outcome)}")
