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
    results = {
        "pipeline": pipeline.run(repeat=5),
        "dashboard": dashboard.run(total=300, duration=0.0),
        "api": api.run(total=1000),
        "briefings": briefings.run(),
    }
    pipeline.report(results["pipeline"])
    dashboard.report(results["dashboard"])
    api.report(results["api"])
    briefings.report(results["briefings"])
    elapsed = time.perf_counter() - started
    print(f"\nall benchmarks in {elapsed:.0f} s; written {save('all', results)}")


if __name__ == "__main__":
    main()
