"""AEI long schema (releases 2025-09-15, 2026-01-15, 2026-03-24).

`geo_id,geography,date_start,date_end,platform_and_product,facet,level,variable,cluster_name,value`
with the first nine columns a unique key. We keep the rows about the United States: each
state (`state_us` geo `IN` in 2025-08; `country-state` geo `US-IN` later) and the nation
(`country` geo `US`, or `USA` as the enriched files write it), and drop other countries,
the global rows and `not_classified` geos.
The geography-level usage facet (`state_us`, `country-state`, `country`) is renamed `usage`
so one name means the same thing in every release.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.geo import TERRITORIES, attach_state_names, usps_expr
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
    "geo_id",
    "geography",
    "date_start",
    "date_end",
    "platform_and_product",
    "facet",
    "level",
    "variable",
    "cluster_name",
    "value",
)
KEY = COLUMNS[:9]
GEOGRAPHIES = ("global", "country", "state_us", "country-state")
USAGE_FACETS = ("state_us", "country-state", "country", "global")
# Facets documented for the long-schema releases; intersections are `a::b` of these.
CONTENT_FACETS = (
    "onet_task",
    "collaboration",
    "request",
    "use_case",
    "soc_occupation",
    "ai_autonomy",
    "multitasking",
    "human_only_ability",
    "human_education_years",
    "ai_education_years",
    "human_only_time",
    "human_with_ai_time",
    "task_success",
)
# The facets the marts read; the report says which of these a file lacks.
USED_FACET_VARIABLES = {
    "usage": ("usage_count", "usage_pct"),
    "onet_task": ("onet_task_count", "onet_task_pct"),
    "collaboration": ("collaboration_count", "collaboration_pct"),
    "request": ("request_count", "request_pct"),
}
NOT_A_PLACE = ("not_classified", "NONE")
# The raw files write the nation `US`, the enriched and wide ones `USA`: both are the nation.
NATION_IDS = ("US", "USA")


def _known_facets(source: Source) -> set[str]:
    return set(USAGE_FACETS) | set(CONTENT_FACETS) | set(source.extra_facets)


def _check_facets(path: Path, frame: pl.DataFrame, source: Source) -> None:
    known = _known_facets(source)
    parts = pl.col("facet").str.split("::")
    unknown = ~parts.list.eval(pl.element().is_in(sorted(known))).list.all()
    hit = first_line(frame, unknown)
    if hit:
        line, row = hit
        raise SourceFormatError(
            path,
            f"unknown facet {row['facet']!r}",
            line=line,
            column="facet",
            fix=f"if upstream added this facet, declare it in extra_facets of source "
            f"{source.id!r} in etl/sources/registry.py",
        )


def _check_window(path: Path, frame: pl.DataFrame, source: Source) -> str:
    """The file's dates must be the window its registry entry declares; returns the wave."""
    windows = {dates: wave for wave, dates in source.waves.items()}
    for column in ("date_start", "date_end"):
        expected = sorted({dates[0 if column == "date_start" else 1] for dates in windows})
        hit = first_line(frame, ~pl.col(column).is_in(expected))
        if hit:
            line, row = hit
            raise SourceFormatError(
                path,
                f"{row[column]!r} disagrees with the registry's window "
                f"{source.window} for {source.id!r}",
                line=line,
                column=column,
                fix="the file is not the release the registry names: check the URL, or "
                "correct `waves` in etl/sources/registry.py",
            )
    pairs = frame.select("date_start", "date_end").unique().rows()
    if len(pairs) != 1:
        raise SourceFormatError(
            path,
            f"holds several windows {sorted(pairs)}; the long schema carries one wave per file",
            column="date_start",
        )
    return windows[pairs[0]]


def _us_rows(path: Path, frame: pl.DataFrame) -> pl.DataFrame:
    """Keep states (USPS) and the nation; reject unknown state codes."""
    geo = pl.col("geo_id")
    geography = pl.col("geography")
    is_state = (geography == "state_us") | (
        (geography == "country-state") & geo.str.starts_with("US-")
    )
    is_state = is_state & ~geo.is_in(NOT_A_PLACE) & ~geo.str.ends_with("-not_classified")
    is_nation = (geography == "country") & geo.is_in(NATION_IDS)
    kept = frame.filter(is_state | is_nation).with_columns(
        pl.when(geography == "country")
        .then(pl.lit("nation"))
        .otherwise(pl.lit("state"))
        .alias("geo_level"),
        pl.when(geography == "country")
        .then(pl.lit("US"))
        .otherwise(usps_expr("geo_id"))
        .alias("state"),
    )
    hit = first_line(kept, pl.col("state").is_null())
    if hit:
        line, row = hit
        raise SourceFormatError(
            path,
            f"unknown US state {row['geo_id']!r} in geography {row['geography']!r}",
            line=line,
            column="geo_id",
            fix="expected a USPS code (IN) or ISO 3166-2 code (US-IN)",
        )
    return kept


def read_aei_long(path: Path, source: Source) -> Reading:
    report = ReadReport()
    frame = read_strings(path)
    report.rows_in_file = frame.height
    require_columns(path, frame, COLUMNS, report)
    frame = frame.select(LINE, *COLUMNS)

    check_allowed(path, frame, "geography", GEOGRAPHIES)
    _check_facets(path, frame, source)
    wave = _check_window(path, frame, source)
    frame = frame.with_columns(
        to_number(path, frame, "level", pl.Int8),
        to_number(path, frame, "value", pl.Float64),
    )
    check_allowed(
        path, frame.with_columns(pl.col("level").cast(pl.String)), "level", ("0", "1", "2")
    )
    check_unique(path, frame, KEY)

    frame = _us_rows(path, frame)
    check_range(path, frame.filter(pl.col("variable").str.ends_with("_count")), "value", 0, None)
    check_range(
        path, frame.filter(pl.col("variable").str.ends_with("_pct")), "value", 0, 100 + 1e-6
    )
    empty_cluster = pl.col("cluster_name").str.strip_chars() == ""
    content = ~pl.col("facet").is_in(USAGE_FACETS)
    hit = first_line(frame, content & empty_cluster)
    if hit:
        raise SourceFormatError(
            path,
            f"facet {hit[1]['facet']!r} row without a cluster_name",
            line=hit[0],
            column="cluster_name",
        )

    tidy = frame.with_columns(
        pl.lit(wave).alias("wave"),
        pl.when(pl.col("facet").is_in(USAGE_FACETS))
        .then(pl.lit("usage"))
        .otherwise(pl.col("facet"))
        .alias("facet"),
        pl.col("state").is_in(sorted(TERRITORIES)).alias("is_territory"),
        pl.col(LINE).cast(pl.Int32).alias("source_line"),
    ).select(
        "wave",
        "date_start",
        "date_end",
        pl.col("platform_and_product").alias("platform"),
        "geo_level",
        "state",
        "is_territory",
        "facet",
        "level",
        "variable",
        "cluster_name",
        "value",
        "source_line",
    )
    tidy = attach_state_names(tidy).sort(
        "geo_level", "state", "facet", "level", "variable", "cluster_name"
    )
    _describe(tidy, report)
    return Reading(tidy, report)


def _describe(tidy: pl.DataFrame, report: ReadReport) -> None:
    """What the file holds, from one summary row per geo level x facet x level x variable."""
    report.rows_kept = tidy.height
    combos = (
        tidy.group_by("geo_level", "facet", "level", "variable")
        .agg(
            pl.col("state").n_unique().alias("geos"),
            pl.col("state").filter(pl.col("is_territory")).unique().alias("territories"),
        )
        .sort("geo_level", "facet", "level", "variable")
    )
    report.present["facet/level/variable (geos)"] = [
        f"{g}:{f}/L{lvl}/{v} ({n})"
        for g, f, lvl, v, n in combos.select(
            "geo_level", "facet", "level", "variable", "geos"
        ).rows()
    ]
    states = combos.filter(pl.col("geo_level") == "state")
    have = set(states.select("facet", "variable").rows())
    report.absent["state facet variables"] = [
        f"{f}/{v}"
        for f, variables in USED_FACET_VARIABLES.items()
        for v in variables
        if (f, v) not in have
    ]
    request_levels = set(states.filter(pl.col("facet") == "request")["level"].to_list())
    report.absent["state request levels"] = [
        str(level) for level in (0, 1, 2) if level not in request_levels
    ]
    if combos.filter(pl.col("geo_level") == "nation").is_empty():
        report.absent["geographies"] = ["nation (country US) rows"]
    report.present["territories"] = sorted(
        set(states["territories"].explode().drop_nulls().to_list())
    )
