"""AEI labor-market-impact files: observed exposure by occupation, penetration by task."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.readers.table import (
    LINE,
    Reading,
    ReadReport,
    check_pattern,
    check_range,
    check_unique,
    collapse_identical_rows,
    read_strings,
    require_columns,
    to_number,
)
from etl.sources.registry import Source

SOC_DETAILED = r"^\d{2}-\d{4}$"
EXPOSURE_COLUMNS = ("occ_code", "title", "observed_exposure")
PENETRATION_COLUMNS = ("task", "penetration")


def read_job_exposure(path: Path, source: Source) -> Reading:
    """`occ_code,title,observed_exposure`: SOC 2018 detailed code, share 0-1."""
    report = ReadReport()
    frame = read_strings(path)
    report.rows_in_file = frame.height
    require_columns(path, frame, EXPOSURE_COLUMNS, report)
    check_pattern(path, frame, "occ_code", SOC_DETAILED, "a SOC detailed code like 11-1011")
    frame = frame.with_columns(to_number(path, frame, "observed_exposure"))
    check_range(path, frame, "observed_exposure", 0, 1)
    check_unique(path, frame, ["occ_code"])
    tidy = frame.select(
        pl.col("occ_code").alias("soc_code"),
        "title",
        "observed_exposure",
        pl.col(LINE).cast(pl.Int32).alias("source_line"),
    ).sort("soc_code")
    report.rows_kept = tidy.height
    return Reading(tidy, report)


def read_task_penetration(path: Path, source: Source) -> Reading:
    """`task,penetration`: O*NET task text, share 0-1 of the task seen in AI usage."""
    report = ReadReport()
    frame = read_strings(path)
    report.rows_in_file = frame.height
    require_columns(path, frame, PENETRATION_COLUMNS, report)
    frame = frame.with_columns(to_number(path, frame, "penetration"))
    check_range(path, frame, "penetration", 0, 1)
    frame = collapse_identical_rows(frame, report)  # upstream repeats a few tasks verbatim
    check_unique(path, frame, ["task"])
    tidy = frame.select(
        "task",
        pl.col("task").str.strip_chars().str.to_lowercase().alias("task_lower"),
        "penetration",
        pl.col(LINE).cast(pl.Int32).alias("source_line"),
    ).sort("task")
    report.rows_kept = tidy.height
    return Reading(tidy, report)
