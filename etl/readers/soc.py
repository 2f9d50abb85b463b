"""AEI's `soc_structure.csv`: the SOC 2018 hierarchy as an indented table.

Each row fills exactly one of five code columns (major, minor, broad, detailed, O*NET-SOC);
we turn it into one row per code with its level, title and 2-digit major group.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.readers.table import (
    LINE,
    Reading,
    ReadReport,
    SourceFormatError,
    check_unique,
    first_line,
    read_strings,
    require_columns,
)
from etl.sources.registry import Source

LEVELS = {
    "Major Group": "major",
    "Minor Group": "minor",
    "Broad Occupation": "broad",
    "Detailed Occupation": "detailed",
    "Detailed O*NET-SOC": "onet_soc",
}
TITLE = "SOC or O*NET-SOC 2019 Title"
COLUMNS = (*LEVELS, TITLE, "soc_major_group")


def read_soc_structure(path: Path, source: Source) -> Reading:
    report = ReadReport()
    frame = read_strings(path)
    report.rows_in_file = frame.height
    require_columns(path, frame, COLUMNS, report)
    filled = pl.sum_horizontal([(pl.col(c).str.strip_chars() != "").cast(pl.Int8) for c in LEVELS])
    hit = first_line(frame, filled != 1)
    if hit:
        raise SourceFormatError(
            path, "each row must fill exactly one code column", line=hit[0], column="Major Group"
        )
    code = pl.coalesce([pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)) for c in LEVELS])
    level = pl.coalesce(
        [
            pl.when(pl.col(c).str.strip_chars() != "").then(pl.lit(name))
            for c, name in LEVELS.items()
        ]
    )
    tidy = frame.select(
        code.str.strip_chars().alias("code"),
        level.alias("level"),
        pl.col(TITLE).alias("title"),
        LINE,
    ).with_columns(pl.col("code").str.slice(0, 2).alias("major_group"))
    check_unique(path, tidy, ["code"])
    tidy = tidy.select("code", "level", "title", "major_group").sort("code")
    report.rows_kept = tidy.height
    report.present["levels"] = [
        f"{k}: {v}" for k, v in tidy.group_by("level").len().sort("level").rows()
    ]
    return Reading(tidy, report)
