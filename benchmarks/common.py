"""Shared helpers for the benchmark scripts: timed subprocesses, percentiles, tables."""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def ab_load(
    url: str,
    clients: int,
    total: int,
    headers: dict[str, str],
    *,
    body: bytes | None = None,
    expect: int = 200,
    duration: float = 0.0,
) -> dict:
    """`clients` concurrent kept-alive connections send the same request until `total` are
    done (or `duration` s pass), with ApacheBench (`ab`, Debian's apache2-utils). A load
    generator in C: Python client threads share one GIL and, on this 2-core machine, the
    cores with the server, and added 10-15 ms to every p95 they measured (a no-op app's p95
    at 4 clients was 14-29 ms through them). An answer other than `expect` is an error."""
    binary = shutil.which("ab")
    if binary is None:
        raise SystemExit("benchmarks need ab (ApacheBench): apt-get install apache2-utils")
    with tempfile.TemporaryDirectory() as folder:
        percentiles = Path(folder) / "percentiles.csv"
        command = [binary, "-q", "-k", "-c", str(clients), "-e", str(percentiles), "-s", "30"]
        command += ["-t", str(duration), "-n", "10000000"] if duration else ["-n", str(total)]
        for name, value in headers.items():
            if name.lower() != "content-type":
                command += ["-H", f"{name}: {value}"]
        if body is not None:
            payload = Path(folder) / "body"
            payload.write_bytes(body)
            command += ["-p", str(payload), "-T", headers.get("Content-Type", "application/json")]
        done = subprocess.run([*command, url], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"ab failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        served = dict(line.split(",") for line in percentiles.read_text().splitlines()[1:] if line)
    report = done.stdout

    def number(label: str) -> float:
        found = re.search(rf"^{label}:\s+([\d.]+)", report, re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    completed = int(number("Complete requests"))
    # ab counts a non-2xx answer apart; a 304 is the expected answer of a revalidation.
    unexpected = (
        int(number("Non-2xx responses"))
        if expect < 300
        else completed - int(number("Non-2xx responses"))
    )
    return {
        "clients": clients,
        "requests": completed,
        "errors": int(number("Failed requests")) + unexpected,
        "rps": round(number("Requests per second"), 1),
        "p50_ms": round(float(served["50"]), 2),
        "p95_ms": round(float(served["95"]), 2),
        "p99_ms": round(float(served["99"]), 2),
        "mean_ms": round(number("Time per request"), 2),
    }


def hammer(
    send: Callable[[requests.Session], bool], clients: int, total: int, duration: float = 0.0
) -> dict:
    """`clients` threads, each on its own kept-alive connection, call `send` until `total`
    requests (or `duration` s) are done; `send` says whether the answer was the expected one.
    For loads whose requests differ (ab repeats one): its latencies include the Python
    client's own time, 10-15 ms of a p95 at 4 clients on this machine (see ab_load)."""
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
