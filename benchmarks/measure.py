"""Run a module or script and report its own peak memory on exit.

python benchmarks/measure.py -m etl.cli build      (or: measure.py script.py args)
"""

from __future__ import annotations

import atexit
import resource
import runpy
import sys
from pathlib import Path


def _report() -> None:
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(f"@@peak_rss_mb={peak / 1024:.1f}", file=sys.stderr)


if __name__ == "__main__":
    # Run from the project root, not from benchmarks/ (whose dashboard.py would shadow
    # the dashboard package).
    sys.path[0] = str(Path(__file__).resolve().parents[1])
    atexit.register(_report)
    if sys.argv[1] == "-m":
        sys.argv = [sys.argv[2], *sys.argv[3:]]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.argv = sys.argv[1:]
        runpy.run_path(sys.argv[0], run_name="__main__")
