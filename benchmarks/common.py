"""Shared helpers for the benchmark scripts: timed subprocesses, percentiles, tables."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_MIRROR = ROOT.parent / "shared" / "data" / "mirror"


def mirror() -> Path:
    return Path(os.environ.get("AIEI_MIRROR") or DEFAULT_MIRROR).resolve()


def timed_run(argv: list[str], env: dict[str, str] | None = None) -> dict[str, float | str]:
    """Run `python benchmarks/measure.py ARGV...`: wall seconds and the child's peak RSS."""
    command = [sys.executable, str(ROOT / "benchmarks" / "measure.py"), *argv]
    started = time.perf_counter()
    done = subprocess.run(
        command,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{argv} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    peak = [
        line.split("=", 1)[1]
        for line in done.stderr.splitlines()
        if line.startswith("@@peak_rss_mb=")
    ]
    return {
        "seconds": round(seconds, 3),
        "peak_rss_mb": float(peak[-1]) if peak else None,
        "stdout": done.stdout,
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(latencies: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in latencies]
    return {
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
    }


def print_table(title: str, rows: list[tuple[str, str, str]]) -> None:
    print(f"\n{title}")
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"  {name:<{width}}  {value:>18}   {target}")


def save(name: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"machine": machine(), **payload}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return path


def machine() -> dict[str, object]:
    cpus = os.cpu_count()
    memory = None
    try:
        with open("/proc/meminfo") as handle:
            memory = round(int(handle.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "python": sys.version.split()[0],
        "cpus": cpus,
        "memory_gib": memory,
        "platform": sys.platform,
    }


def hammer(
    send: Callable[[requests.Session], bool], clients: int, total: int, duration: float = 0.0
) -> dict:
    """`clients` threads, each on its own kept-alive connection, call `send` until `total`
    requests (or `duration` s) are done; `send` says whether the answer was the expected one."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    issued = [0]
    deadline = time.perf_counter() + duration if duration else None

    def client() -> None:
        nonlocal errors
        session = requests.Session()
        while True:
            with lock:
                if (deadline and time.perf_counter() > deadline) or (
                    not deadline and issued[0] >= total
                ):
                    return
                issued[0] += 1
            started = time.perf_counter()
            try:
                ok = send(session)
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += not ok

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    wall = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / wall, 1),
        **summary_ms(latencies),
    }
