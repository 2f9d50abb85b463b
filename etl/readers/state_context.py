"""AEI's state context files: working-age population (the AUI denominator) and GDP, 2024."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.geo import US_51, attach_state_names, usps_expr
from etl.readers.table import (
    LINE,
    Reading,
    ReadReport,
    check_range,
    check_states,
    check_unique,
    read_strings,
    require_columns,
    to_number,
)
from etl.sources.registry import Source

POPULATION_COLUMNS = ("state", "working_age_pop", "state_code")
GDP_COLUMNS = ("state_code", "state_name", "gdp_total", "year")


def _states(path: Path, frame: pl.DataFrame, column: str, report: ReadReport) -> pl.DataFrame:
    frame = frame.with_columns(usps_expr(column).alias("state"))
    check_states(path, frame, column)
    check_unique(path, frame, ["state"])
    missing = sorted(set(US_51) - set(frame["state"]))
    if missing:
        report.absent["states"] = missing
    return frame


def read_working_age_population(path: Path, source: Source) -> Reading:
    """`state,working_age_pop,state_code` (ages 15-64, Census 2024)."""
    report = ReadReport()
    frame = read_strings(path)
    report.rows_in_file = frame.height
    require_columns(path, frame, POPULATION_COLUMNS, report)
    frame = frame.rename({"state": "name_upstream"})
    frame = _states(path, frame, "state_code", report)
    frame = frame.with_columns(to_number(path, frame, "working_age_pop", pl.Int64))
    check_range(path, frame, "working_age_pop", 1, None)
    tidy = attach_state_names(
        frame.select(
            "state",
            "working_age_pop",
            pl.lit(2024).alias("year"),
            pl.col(LINE).cast(pl.Int32).alias("source_line"),
        )
    ).sort("state")
    report.rows_kept = tidy.height
    return Reading(tidy, report)


def read_state_gdp(path: Path, source: Source) -> Reading:
    """`state_code,state_name,gdp_total,gdp_millions,year` (current US dollars)."""
    report = ReadReport()
    frame = read_strings(path)
    report.rows_in_file = frame.height
    require_columns(
        path,
        frame,
        GDP_COLUMNS,
        report,
        known=("gdp_millions",),
    )
    frame = _states(path, frame, "state_code", report)
    frame = frame.with_columns(
        to_number(path, frame, "gdp_total"), to_number(path, frame, "year", pl.Int16)
    )
    check_range(path, frame, "gdp_total", 1, None)
    tidy = attach_state_names(
        frame.select(
            "state",
            pl.col("gdp_total").alias("gdp_usd"),
            "year",
            pl.col(LINE).cast(pl.Int32).alias("source_line"),
        )
    ).sort("state")
    report.rows_kept = tidy.height
    return Reading(tidy, report)
