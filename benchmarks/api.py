"""Data API benchmark: a one-state request (`/api/v1/state_summary.json?state=IN&wave=
2026-05`) from 1 and 4 concurrent clients against the production server (gunicorn, 2
threaded workers, 127.0.0.1), once as a full answer and once revalidated the way a CDN or
a browser does (If-None-Match with the ETag: 304, no body). Target: p95 <= 10 ms at 4
clients.

On a shared machine latencies measure the neighbours as much as the app, so the run also
times the app alone: microseconds per request through its WSGI callable in this process
(no server, no client; wall time, the best of five rounds, and the CPU time used, which
neighbours inflate far less). `--floor` adds the same load against a WSGI app that does
nothing, under the same server and client: what no app can go below.

    python -m benchmarks.api [--requests 1000] [--floor]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import requests
from werkzeug.test import EnvironBuilder

from benchmarks.common import ab_load, print_table, save
from benchmarks.dashboard import ensure_data
from dashboard.local import production_server

ONE_STATE = "/api/v1/state_summary.json?state=IN&wave=2026-05"
WARM_UP = 50  # the first requests of each worker load the marts
ROUNDS = 5
FLOOR_BODY = b"0" * 1024  # about the one-state answer, compressed


def noop(environ: dict, start_response) -> list[bytes]:
    """The floor: answers FLOOR_BODY and does nothing else."""
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(FLOOR_BODY)))]
    start_response("200 OK", headers)
    return [FLOOR_BODY]


def load(url: str, headers: dict[str, str], expect: int, clients: int, total: int) -> dict:
    """GET `url` from `clients` connections until `total` requests are done; an answer other
    than `expect` counts as an error."""
    return ab_load(url, clients, total, headers, expect=expect)


def in_process(data_dir: Path, total: int, headers: dict[str, str]) -> dict:
    """Microseconds per request (full answer, 304) through the app's WSGI callable."""
    from dashboard.app import create_app  # the app's imports only where it runs in-process

    server = create_app(data_dir / "processed").server
    path, _, query = ONE_STATE.partition("?")
    answers: list[tuple[str, list]] = []

    def call(environ: dict) -> None:
        body = server(dict(environ), lambda status, head, exc=None: answers.append((status, head)))
        b"".join(body)
        body.close()

    def environ(extra: dict[str, str]) -> dict:
        return EnvironBuilder(
            path=path, query_string=query, headers={**headers, **extra}
        ).get_environ()

    full = environ({})
    call(full)
    revalidated = environ({"If-None-Match": dict(answers[-1][1])["ETag"]})
    call(revalidated)
    assert answers[-1][0].startswith("304"), answers[-1][0]
    result = {}
    for kind, env in (("full_us", full), ("revalidated_us", revalidated)):
        for _ in range(WARM_UP):
            call(env)
        wall, cpu = [], []
        for _ in range(ROUNDS):
            started, used = time.perf_counter(), time.process_time()
            for _ in range(total):
                call(env)
            wall.append((time.perf_counter() - started) / total * 1e6)
            cpu.append((time.process_time() - used) / total * 1e6)  # polars' threads too
        result[kind] = {
            "best": round(min(wall)),
            "median": round(statistics.median(wall)),
            "cpu_median": round(statistics.median(cpu)),
        }
    return result


def floor(total: int, headers: dict[str, str], data_dir: Path) -> list[dict]:
    with production_server(data_dir, app="benchmarks.api:noop") as (url, _):
        return [load(url + ONE_STATE, headers, 200, clients, total) for clients in (1, 4)]


def run(total: int, with_floor: bool) -> dict:
    data_dir = ensure_data()
    headers = {"Accept-Encoding": "br, gzip"}
    with production_server(data_dir) as (url, _):
        target = url + ONE_STATE
        for _ in range(WARM_UP):
            first = requests.get(target, headers=headers, timeout=30)
        tag = first.headers["ETag"]
        revalidate = {**headers, "If-None-Match": tag}
        result = {
            "request": ONE_STATE,
            "bytes": len(first.content),
            "full": [load(target, headers, 200, clients, total) for clients in (1, 4)],
            "revalidated": [load(target, revalidate, 304, clients, total) for clients in (1, 4)],
        }
    if with_floor:
        result["floor"] = floor(total, headers, data_dir)
    result["in_process"] = in_process(data_dir, total, headers)
    return result


def report(result: dict) -> None:
    rows = []
    kinds = [("one state, full answer", result["full"]), ("one state, 304", result["revalidated"])]
    floor_levels = result.get("floor")
    if floor_levels:
        kinds.append(("no-op WSGI app (floor)", floor_levels))
    for kind, levels in kinds:
        for level in levels:
            rows.append(
                (
                    f"{kind}, {level['clients']} clients",
                    f"p50 {level['p50_ms']:.1f} p95 {level['p95_ms']:.1f} ms",
                    f"{level['rps']} req/s, {level['errors']} errors"
                    + (
                        ", target p95 <= 10 ms"
                        if level["clients"] == 4 and levels is not floor_levels
                        else ""
                    ),
                )
            )
    for kind, key in (("full answer", "full_us"), ("304", "revalidated_us")):
        spent = result["in_process"][key]
        rows.append(
            (
                f"one state, {kind}, in-process",
                f"{spent['best']} us/request",
                f"median of {ROUNDS} rounds {spent['median']} us, CPU {spent['cpu_median']} us",
            )
        )
    print_table(f"Data API (gunicorn, 2 workers, 127.0.0.1): {result['request']}", rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="requests per level")
    parser.add_argument(
        "--floor", action="store_true", help="also load a WSGI app that does nothing"
    )
    args = parser.parse_args()
    outcome = run(args.requests, args.floor)
    save("api", outcome)
    report(outcome)
