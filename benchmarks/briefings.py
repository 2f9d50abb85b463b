"""Briefing benchmark: one state cold (new process, new browser), one warm (the browser and
plotly.js already loaded), and all 51 in one batch.

    python -m benchmarks.briefings
"""

from __future__ import annotations

import os
import re
import tempfile

from benchmarks.common import print_table, save, timed_run
from benchmarks.dashboard import ensure_data


def run() -> dict:
    data_dir = ensure_data()
    env = {"AIEI_DATA_DIR": str(data_dir)}
    with tempfile.TemporaryDirectory(prefix="aiei-briefings-") as out:
        cold = timed_run(["-m", "dashboard.cli", "briefing", "IN", "--out", out], env=env)
        batch = timed_run(["-m", "dashboard.cli", "briefing", "--all", "--out", out], env=env)
        files = len(os.listdir(out))
    per_state = [float(s) for s in re.findall(r"\[(\d+\.\d+) s\]", batch["stdout"])]
    warm = sorted(per_state[1:])[len(per_state[1:]) // 2] if len(per_state) > 1 else None
    return {
        "one_cold_s": cold["seconds"],
        "one_warm_s": warm,
        "all_51_s": batch["seconds"],
        "files_written": files,
        "peak_rss_mb_all": batch["peak_rss_mb"],
    }


def report(result: dict) -> None:
    print_table(
        "Briefings (PDF + PNG each)",
        [
            ("one state, cold (process + browser start)", f"{result['one_cold_s']:.2f} s", ""),
            ("one state, warm (median within a batch)", f"{result['one_warm_s']:.2f} s", ""),
            ("all 51, one browser", f"{result['all_51_s']:.1f} s", "target <= 60 s"),
        ],
    )


if __name__ == "__main__":
    outcome = run()
    report(outcome)
    print(f"\nwritten {save('briefings', outcome)}")
