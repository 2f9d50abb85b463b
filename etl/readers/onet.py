"""O*NET files: task statements (AEI's O*NET 20.1 CSV and O*NET 29.3 text), occupations,
and the O*NET-SOC 2010 -> 2019 taxonomy crosswalk."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.readers.table import (
    LINE,
    Reading,
    ReadReport,
    check_pattern,
    check_unique,
    read_strings,
    require_columns,
    to_number,
)
from etl.sources.registry import Source

ONET_SOC = r"^\d{2}-\d{4}\.\d{2}$"
TASK_COLUMNS = ("O*NET-SOC Code", "Title", "Task ID", "Task", "Task Type")
AEI_TASK_COLUMNS = (*TASK_COLUMNS, "soc_major_group")
OCCUPATION_COLUMNS = ("O*NET-SOC Code", "Title", "Description")
CROSSWALK_COLUMNS = (
    "O*NET-SOC 2010 Code",
    "O*NET-SOC 2010 Title",
    "O*NET-SOC 2019 Code",
    "O*NET-SOC 2019 Title",
)
UNUSED_TASK_COLUMNS = ("Incumbents Responding", "Date", "Domain Source")


def _tasks(path: Path, *, separator: str, code_column: str, extra: tuple[str, ...]) -> Reading:
    report = ReadReport()
    # O*NET's text files quote fields holding '"' the CSV way ("Conduct ""head counts""").
    frame = read_strings(path, separator=separator)
    report.rows_in_file = frame.height
    require_columns(path, frame, (*TASK_COLUMNS, *extra), report, known=UNUSED_TASK_COLUMNS)
    check_pattern(path, frame, "O*NET-SOC Code", ONET_SOC, "an O*NET-SOC code like 11-1011.00")
    frame = frame.with_columns(to_number(path, frame, "Task ID", pl.Int32))
    check_unique(path, frame, ["O*NET-SOC Code", "Task ID"])
    tidy = frame.select(
        pl.col("O*NET-SOC Code").alias(code_column),
        pl.col("Title").alias("occupation_title"),
        pl.col("Task ID").alias("task_id"),
        pl.col("Task").alias("task"),
        # AEI names tasks by their statement in lower case: this is the join key.
        pl.col("Task").str.strip_chars().str.to_lowercase().alias("task_lower"),
        pl.col("Task Type").alias("task_type"),
        *[pl.col(c) for c in extra],
        pl.col(LINE).cast(pl.Int32).alias("source_line"),
    ).sort(code_column, "task_id")
    report.rows_kept = tidy.height
    return Reading(tidy, report)


def read_aei_task_statements(path: Path, source: Source) -> Reading:
    """AEI's `onet_task_statements.csv`: O*NET 20.1 tasks, codes in O*NET-SOC 2010."""
    return _tasks(path, separator=",", code_column="onet_soc_2010", extra=("soc_major_group",))


def read_onet_task_statements(path: Path, source: Source) -> Reading:
    """O*NET 29.3 `Task Statements.txt` (tab-separated), codes in O*NET-SOC 2019."""
    return _tasks(path, separator="\t", code_column="onet_soc_2019", extra=())


def read_onet_occupations(path: Path, source: Source) -> Reading:
    report = ReadReport()
    frame = read_strings(path, separator="\t")
    report.rows_in_file = frame.height
    require_columns(path, frame, OCCUPATION_COLUMNS, report)
    check_pattern(path, frame, "O*NET-SOC Code", ONET_SOC, "an O*NET-SOC code like 11-1011.00")
    check_unique(path, frame, ["O*NET-SOC Code"])
    tidy = frame.select(
        pl.col("O*NET-SOC Code").alias("onet_soc_2019"),
        pl.col("Title").alias("title"),
        pl.col("Description").alias("description"),
    ).sort("onet_soc_2019")
    report.rows_kept = tidy.height
    return Reading(tidy, report)


def read_onet_crosswalk(path: Path, source: Source) -> Reading:
    columns = CROSSWALK_COLUMNS
    report = ReadReport()
    frame = read_strings(path)
    report.rows_in_file = frame.height
    require_columns(path, frame, columns, report)
    for column in (columns[0], columns[2]):
        check_pattern(path, frame, column, ONET_SOC, "an O*NET-SOC code like 11-1011.00")
    check_unique(path, frame, [columns[0], columns[2]])
    tidy = frame.select(
        pl.col(columns[0]).alias("onet_soc_2010"),
        pl.col(columns[1]).alias("title_2010"),
        pl.col(columns[2]).alias("onet_soc_2019"),
        pl.col(columns[3]).alias("title_2019"),
    ).sort("onet_soc_2010", "onet_soc_2019")
    report.rows_kept = tidy.height
    return Reading(tidy, report)
