"""AEI wide schema (release 2026-06-26): one row per geography x node x metric, monthly.

`date_start,date_end,geo_id,geo_level,category_name,hierarchy_level,metric_id,value,node_name,
node_external_id`; `date_end` is exclusive; `hierarchy_level` 0 is the leaf. We keep US
states (`subregion` geo `US-XX`) and the nation (`country` geo `USA`, or `US`). Request
node ids are opaque per release, so the key is `node_external_id`, never `node_name` (names
repeat).
Each metric gets its unit beside it: the two time metrics are in different units
(hours vs minutes), a trap for anyone who compares them.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.geo import TERRITORIES, attach_state_names, usps_expr
from etl.readers.aei_long import NATION_IDS
from etl.readers.table import (
    LINE,
    Reading,
    ReadReport,
    SourceFormatError,
    check_allowed,
    check_range,
    check_unique,
    first_line,
    read_strings,
    require_columns,
    to_number,
)
from etl.sources.registry import Source

COLUMNS = (
    "date_start",
    "date_end",
    "geo_id",
    "geo_level",
    "category_name",
    "hierarchy_level",
    "metric_id",
    "value",
    "node_name",
    "node_external_id",
)
KEY = (
    "date_start",
    "date_end",
    "geo_id",
    "geo_level",
    "category_name",
    "hierarchy_level",
    "metric_id",
    "node_external_id",
)
GEO_LEVELS = ("global", "country", "subregion")
CATEGORIES = ("overall", "onet", "request", "soc_occupation")
UNITS = {
    "usage_per_capita_index": "index (1 = proportional to working-age population)",
    "ai_autonomy_mean": "scale 1-5",
    "ai_education_years_mean": "years",
    "human_education_years_mean": "years",
    "human_only_time_mean": "hours",
    "human_with_ai_time_mean": "minutes",
}
KNOWN_METRICS = (
    "usage_pct",
    "usage_per_capita_index",
    "pct",
    "multitasking_pct",
    "human_only_ability_pct",
    "ai_autonomy_mean",
    "ai_education_years_mean",
    "human_education_years_mean",
    "human_only_time_mean",
    "human_with_ai_time_mean",
    "use_case_work_pct",
    "use_case_personal_pct",
    "use_case_coursework_pct",
    "collaboration_bucket_automation_pct",
    "collaboration_bucket_augmentation_pct",
    "collaboration_directive_pct",
    "collaboration_feedback_loop_pct",
    "collaboration_task_iteration_pct",
    "collaboration_learning_pct",
    "collaboration_validation_pct",
    "collaboration_none_pct",
)
# What the marts read; the report lists which of these the file lacks for states.
USED = {
    "overall": (
        "usage_pct",
        "usage_per_capita_index",
        "collaboration_bucket_automation_pct",
        "collaboration_bucket_augmentation_pct",
    ),
    "request": ("pct",),
    "onet": ("pct",),
    "soc_occupation": ("pct",),
}


def _waves(path: Path, frame: pl.DataFrame, source: Source) -> pl.Expr:
    """Map each row's window to its wave; any window the registry lacks is an error."""
    by_window = {dates: wave for wave, dates in source.waves.items()}
    windows = pl.concat_str("date_start", "date_end", separator="/")
    known = [f"{a}/{b}" for a, b in by_window]
    hit = first_line(frame, ~windows.is_in(known))
    if hit:
        line, row = hit
        raise SourceFormatError(
            path,
            f"window {row['date_start']}..{row['date_end']} is not in the registry's "
            f"windows for {source.id!r} ({source.window})",
            line=line,
            column="date_start",
            fix="a new month in the file: add it to `waves` of this source in "
            "etl/sources/registry.py",
        )
    return windows.replace_strict({f"{a}/{b}": w for (a, b), w in by_window.items()})


def read_aei_wide(path: Path, source: Source) -> Reading:
    report = ReadReport()
    frame = read_strings(path)
    report.rows_in_file = frame.height
    require_columns(path, frame, COLUMNS, report)
    frame = frame.select(LINE, *COLUMNS)

    check_allowed(path, frame, "geo_level", GEO_LEVELS)
    check_allowed(
        path,
        frame,
        "category_name",
        (*CATEGORIES, *source.extra_facets),
        fix=f"if upstream added this category, declare it in extra_facets of "
        f"source {source.id!r} in etl/sources/registry.py",
    )
    frame = frame.with_columns(
        _waves(path, frame, source).alias("wave"),
        to_number(path, frame, "hierarchy_level", pl.Int8),
        to_number(path, frame, "value", pl.Float64),
    )
    check_unique(path, frame, KEY)
    new_metrics = sorted(
        set(frame["metric_id"].unique())
        - set(KNOWN_METRICS)
        - {m for m in frame["metric_id"].unique() if m.startswith("artifact_")}
    )
    if new_metrics:
        report.warnings.append(f"metrics not documented for this schema, kept as is: {new_metrics}")

    geo = pl.col("geo_id")
    is_state = (pl.col("geo_level") == "subregion") & geo.str.starts_with("US-")
    is_nation = (pl.col("geo_level") == "country") & geo.is_in(NATION_IDS)
    frame = frame.filter(is_state | is_nation).with_columns(
        pl.when(is_nation).then(pl.lit("nation")).otherwise(pl.lit("state")).alias("geo_level"),
        pl.when(is_nation).then(pl.lit("US")).otherwise(usps_expr("geo_id")).alias("state"),
    )
    hit = first_line(frame, pl.col("state").is_null())
    if hit:
        raise SourceFormatError(
            path, f"unknown US subregion {hit[1]['geo_id']!r}", line=hit[0], column="geo_id"
        )
    check_range(
        path,
        frame.filter(pl.col("metric_id").str.ends_with("_pct") | (pl.col("metric_id") == "pct")),
        "value",
        0,
        100.01,
    )
    check_range(path, frame, "value", 0, None)

    metric = pl.col("metric_id")
    tidy = frame.with_columns(
        pl.col("state").is_in(sorted(TERRITORIES)).alias("is_territory"),
        pl.when(metric.str.ends_with("_pct") | (metric == "pct"))
        .then(pl.lit("percent"))
        .otherwise(metric.replace_strict(UNITS, default="as published"))
        .alias("unit"),
        pl.col(LINE).cast(pl.Int32).alias("source_line"),
    ).select(
        "wave",
        "date_start",
        pl.col("date_end").alias("date_end_exclusive"),
        "geo_level",
        "state",
        "is_territory",
        pl.col("category_name").alias("category"),
        "hierarchy_level",
        "metric_id",
        "value",
        "unit",
        "node_name",
        pl.col("node_external_id").alias("node_id"),
        "source_line",
    )
    tidy = attach_state_names(tidy).sort(
        "wave", "geo_level", "state", "category", "hierarchy_level", "metric_id", "node_id"
    )
    _describe(tidy, report)
    return Reading(tidy, report)


def _describe(tidy: pl.DataFrame, report: ReadReport) -> None:
    report.rows_kept = tidy.height
    combos = (
        tidy.group_by("wave", "geo_level", "category", "hierarchy_level")
        .agg(
            pl.col("state").n_unique().alias("geos"),
            pl.col("metric_id").n_unique().alias("metrics"),
        )
        .sort("wave", "geo_level", "category", "hierarchy_level")
    )
    report.present["wave:geo category/level (geos, metrics)"] = [
        f"{w}:{g} {c}/L{lvl} ({n}, {m})" for w, g, c, lvl, n, m in combos.rows()
    ]
    states = tidy.filter(pl.col("geo_level") == "state")
    have = set(states.select("category", "metric_id").unique().rows())
    report.absent["state category metrics"] = [
        f"{c}/{m}" for c, metrics in USED.items() for m in metrics if (c, m) not in have
    ]
    if tidy.filter(pl.col("geo_level") == "nation").is_empty():
        report.absent["geographies"] = ["nation (country USA) rows"]
