"""Run every benchmark and print one table: `python benchmarks/run.py` (~3 minutes).

Writes benchmarks/results/*.json (git-ignored). Uses AIEI_MIRROR (default
../shared/data/mirror) for the pipeline runs and the checkout's data/ for the app.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import api, briefings, dashboard, pipeline
from benchmarks.common import save


def main() -> None:
    started = time.perf_counter()
    parts = {  # each reported as soon as it is done
        "pipeline": (lambda: pipeline.run(repeat=5), pipeline.report),
        "dashboard": (lambda: dashboard.run(total=300, duration=0.0), dashboard.report),
        "api": (lambda: api.run(total=1000, with_floor=True), api.report),
        "briefings": (briefings.run, briefings.report),
    }
    results = {}
    for name, (run, report) in parts.items():
        results[name] = run()
        report(results[name])
    elapsed = time.perf_counter() - started
    print(f"\nall benchmarks in {elapsed:.0f} s; written {save('all', results)}")


if __name__ == "__main__":
    main()
