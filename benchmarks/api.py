"""Data API benchmark: a one-state request (`/api/v1/state_summary.json?state=IN&wave=
2026-05`) from 1 and 4 concurrent clients against the production server (gunicorn, 2
threaded workers, 127.0.0.1), once as a full answer and once revalidated the way a CDN or
a browser does (If-None-Match with the ETag: 304, no body). Target: p95 <= 10 ms at 4
clients.

    python -m benchmarks.api [--requests 1000]
"""

from __future__ import annotations

import argparse

import requests

from benchmarks.common import hammer, print_table, save
from benchmarks.dashboard import ensure_data
from dashboard.local import production_server

ONE_STATE = "/api/v1/state_summary.json?state=IN&wave=2026-05"
WARM_UP = 50  # the first requests of each worker load the marts


def load(url: str, headers: dict[str, str], expect: int, clients: int, total: int) -> dict:
    """GET `url` from `clients` threads until `total` requests are done; an answer other than
    `expect` counts as an error."""
    return hammer(
        lambda session: session.get(url, headers=headers, timeout=30).status_code == expect,
        clients,
        total,
    )


def run(total: int) -> dict:
    data_dir = ensure_data()
    headers = {"Accept-Encoding": "br, gzip"}
    with production_server(data_dir) as (url, _):
        target = url + ONE_STATE
        for _ in range(WARM_UP):
            first = requests.get(target, headers=headers, timeout=30)
        tag = first.headers["ETag"]
        revalidate = {**headers, "If-None-Match": tag}
        return {
            "request": ONE_STATE,
            "bytes": len(first.content),
            "full": [load(target, headers, 200, clients, total) for clients in (1, 4)],
            "revalidated": [load(target, revalidate, 304, clients, total) for clients in (1, 4)],
        }


def report(result: dict) -> None:
    rows = []
    for kind, levels in (("full answer", result["full"]), ("304", result["revalidated"])):
        for level in levels:
            rows.append(
                (
                    f"one state, {kind}, {level['clients']} clients",
                    f"p50 {level['p50_ms']:.1f} p95 {level['p95_ms']:.1f} ms",
                    f"{level['rps']} req/s, {level['errors']} errors"
                    + (", target p95 <= 10 ms" if level["clients"] == 4 else ""),
                )
            )
    print_table(f"Data API (gunicorn, 2 workers, 127.0.0.1): {result['request']}", rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="requests per level")
    args = parser.parse_args()
    outcome = run(args.requests)
    save("api", outcome)
    report(outcome)
