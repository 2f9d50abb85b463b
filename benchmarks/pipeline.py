"""Pipeline benchmark: cold build, no-op rebuild, the pandas baseline, and a 10x AEI file.

python benchmarks/pipeline.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import ROOT, mirror, print_table, save, timed_run

LONG_2025_08 = (
    "huggingface.co/datasets/Anthropic/EconomicIndex/resolve/main/"
    "release_2025_09_15/data/intermediate/"
    "aei_raw_claude_ai_2025-08-04_to_2025-08-11.csv"
)
SCALE = 10


def build(data_dir: Path, source: Path) -> dict:
    return timed_run(
        ["-m", "etl.cli", "build", "--offline", "--no-progress"],
        env={"AIEI_DATA_DIR": str(data_dir), "AIEI_MIRROR": str(source)},
    )


def scaled_mirror(source: Path, target: Path, factor: int) -> int:
    """A copy of the mirror whose 2025-08 AEI long file has `factor` x its rows: content rows
    (tasks, requests, collaboration) repeated with a copy number appended to the cluster
    name, so keys stay unique and every reader and mart does `factor` x the work."""
    shutil.copytree(
        source,
        target,
        symlinks=True,
        ignore=lambda d, names: [n for n in names if n == Path(LONG_2025_08).name],
    )
    rows = 0
    with (
        (source / LONG_2025_08).open(newline="") as inp,
        (target / LONG_2025_08).open("w", newline="") as out,
    ):
        reader, writer = csv.reader(inp), csv.writer(out, lineterminator="\n")
        header = next(reader)
        writer.writerow(header)
        facet, cluster = header.index("facet"), header.index("cluster_name")
        for row in reader:
            writer.writerow(row)
            rows += 1
            if row[facet] in ("onet_task", "request", "collaboration"):
                for copy in range(1, factor):
                    repeated = list(row)
                    repeated[cluster] = f"{row[cluster]} #{copy}"
                    writer.writerow(repeated)
                    rows += 1
    return rows


OEWS_DATA = "download.bls.gov/pub/time.series/oe/oe.data.0.Current"


def upstream_size_oews(source: Path, target: Path, copies: int) -> int:
    """A mirror whose OEWS data file has the upstream's size (~331 MB): the mirror's rows
    plus `copies` x its rows as industry-detail series (industry code != 000000), the rows
    the real file holds and both pipelines must read past. Returns the file's bytes."""
    shutil.copytree(
        source,
        target,
        symlinks=True,
        ignore=lambda d, names: [n for n in names if n == Path(OEWS_DATA).name],
    )
    with (source / OEWS_DATA).open("rb") as inp:
        header, body = inp.readline(), inp.read()
    with (target / OEWS_DATA).open("wb") as out:
        out.write(header)
        out.write(body)
        for copy in range(1, copies + 1):
            # series id: OEU + areatype(1) + area(7) + industry(6) at offset 11
            industry = f"{copy:06d}".encode()
            lines = body.split(b"\n")
            out.write(
                b"\n".join(
                    line[:11] + industry + line[17:] if len(line) > 17 else line for line in lines
                )
            )
    return (target / OEWS_DATA).stat().st_size


def compile_bytecode() -> None:
    """Write etl/'s bytecode first, as `pip install` does: a cold build means cold data, not
    Python compiling the package (this machine sets PYTHONDONTWRITEBYTECODE=1, which would
    recompile etl/ in every run, ~40 ms; pandas' bytecode came with its wheel)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "etl")], check=True)


def run(repeat: int) -> dict:
    source = mirror()
    compile_bytecode()
    cold, noop, baseline = [], [], []
    with tempfile.TemporaryDirectory(prefix="aiei-bench-") as work:
        work = Path(work)
        for attempt in range(repeat):
            data = work / f"data-{attempt}"
            cold.append(build(data, source))
            noop.append(build(data, source))
            out = work / f"pandas-{attempt}"
            baseline.append(timed_run(["benchmarks/pandas_baseline.py", str(source), str(out)]))
        rows = scaled_mirror(source, work / "mirror-10x", SCALE)
        scaled = build(work / "data-10x", work / "mirror-10x")
        oews_bytes = upstream_size_oews(source, work / "mirror-oews", 9)
        big_build = build(work / "data-oews", work / "mirror-oews")
        big_pandas = timed_run(
            ["benchmarks/pandas_baseline.py", str(work / "mirror-oews"), str(work / "pandas-oews")]
        )

    def median(runs: list[dict], key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 3)

    result = {
        "cold_build_s": median(cold, "seconds"),
        "cold_build_peak_mb": median(cold, "peak_rss_mb"),
        "noop_rebuild_s": median(noop, "seconds"),
        "pandas_baseline_s": median(baseline, "seconds"),
        "pandas_baseline_peak_mb": median(baseline, "peak_rss_mb"),
        "scaled_rows": rows,
        "scaled_build_s": scaled["seconds"],
        "scaled_peak_mb": scaled["peak_rss_mb"],
        "repeat": repeat,
        "runs": {
            "cold": [r["seconds"] for r in cold],
            "noop": [r["seconds"] for r in noop],
            "pandas": [r["seconds"] for r in baseline],
        },
    }
    result["speedup_vs_pandas"] = round(result["pandas_baseline_s"] / result["cold_build_s"], 2)
    result |= {
        "upstream_oews_bytes": oews_bytes,
        "upstream_oews_build_s": big_build["seconds"],
        "upstream_oews_build_peak_mb": big_build["peak_rss_mb"],
        "upstream_oews_pandas_s": big_pandas["seconds"],
        "upstream_oews_pandas_peak_mb": big_pandas["peak_rss_mb"],
    }
    result["upstream_oews_speedup"] = round(big_pandas["seconds"] / big_build["seconds"], 2)
    return result


def report(result: dict) -> None:
    print_table(
        f"Pipeline (median of {result['repeat']} runs)",
        [
            (
                "cold aiei build from the mirror",
                f"{result['cold_build_s']:.2f} s",
                "target <= 30 s",
            ),
            ("cold build peak memory", f"{result['cold_build_peak_mb']:.0f} MB", ""),
            ("no-op rebuild", f"{result['noop_rebuild_s']:.2f} s", "target <= 2 s"),
            ("pandas baseline (same reads/joins)", f"{result['pandas_baseline_s']:.2f} s", ""),
            ("speed-up vs pandas", f"{result['speedup_vs_pandas']:.2f}x", "target >= 3x"),
            (
                f"10x AEI file ({result['scaled_rows']:,} rows): build",
                f"{result['scaled_build_s']:.2f} s",
                "",
            ),
            ("10x AEI file: peak memory", f"{result['scaled_peak_mb']:.0f} MB", "target < 1 GB"),
            (
                f"OEWS file at upstream size ({result['upstream_oews_bytes'] / 1e6:.0f} MB): build",
                f"{result['upstream_oews_build_s']:.2f} s",
                f"peak {result['upstream_oews_build_peak_mb']:.0f} MB",
            ),
            (
                "same, pandas baseline",
                f"{result['upstream_oews_pandas_s']:.2f} s",
                f"peak {result['upstream_oews_pandas_peak_mb']:.0f} MB",
            ),
            ("speed-up vs pandas at upstream size", f"{result['upstream_oews_speedup']:.2f}x", ""),
        ],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    outcome = run(parser.parse_args().repeat)
    report(outcome)
    print(f"\nwritten {save('pipeline', outcome)}")
