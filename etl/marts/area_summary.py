"""`area_summary`: the headline numbers of each area inside the states.

One row per OEWS metropolitan area (393), per OEWS nonmetropolitan area (135) and per
state's nonmetro remainder (49: the map's regions outside every metro, each the sum of
the state's OEWS nonmetropolitan areas). The numbers are the state ones, computed the same
way on the area's OEWS cells: total jobs, the exposure-weighted employment (the average
observed exposure of its jobs), jobs in highly exposed occupations, coverage, and its most
exposed occupations. A metro spanning states is one row: OEWS publishes one estimate for
the whole metro, which cannot be split by state (state_areas lists it under each state).
Sums and averages use every published cell; the precision rule only withholds single cells
(area_occupations), so a top occupation is never one whose estimate is withheld.
"""

from __future__ import annotations

import polars as pl

from etl.evidence import NOT_COMPUTABLE, NOT_IN_FILE, WITHHELD, precision, status
from etl.marts.area_counties import (
    AREA_CODE,
    AREA_NAME,
    AREA_TYPE,
    METRO,
    NONMETRO,
    REMAINDER,
    oews_areas,
    remainder_code,
)
from etl.marts.area_occupations import area_employment, area_totals
from etl.marts.occupations import HIGH_EXPOSURE_THRESHOLD
from etl.marts.tasks import oews_occupations
from etl.spec import IS_TERRITORY, Mart, col, rank_columns, rank_within, stable_sum, status_col

TOP_N = 3
TOP_FIELDS = {
    "soc_code": ("soc_code", pl.String, "SOC 2018", "its OEWS detailed occupation code"),
    "title": ("title", pl.String, "", "its title"),
    "employment": ("employment", pl.Float64, "jobs", "its employment in the area"),
    "observed_exposure": ("exposure", pl.Float64, "share 0-1", "its observed exposure"),
    "exposure_weighted_jobs": (
        "exposure_weighted_jobs",
        pl.Float64,
        "job equivalents",
        "employment × observed exposure",
    ),
}


def _units(areas: pl.DataFrame, counties: pl.DataFrame) -> pl.DataFrame:
    """Every row of the table: the OEWS areas and the nonmetro remainders, with the area
    each is drawn as on the map (`map_area_code`) and the OEWS areas it adds up."""
    nonmetro = areas.filter(pl.col("area_type") == NONMETRO)
    names = counties.filter(pl.col("area_type") == REMAINDER).unique("area_code")
    remainders = (
        nonmetro.group_by("state")
        .agg(
            pl.len().alias("oews_areas"),
            pl.col("area_code").sort().str.join(",").alias("oews_area_codes"),
        )
        .with_columns(
            remainder_code(pl.col("state")).alias("area_code"),
            pl.lit(REMAINDER).alias("area_type"),
            pl.col("state").alias("area_states"),
        )
        .join(names.select("area_code", "area_name"), on="area_code", how="left")
    )
    return pl.concat(
        [
            areas.with_columns(
                pl.lit(1, pl.UInt32).alias("oews_areas"),
                pl.col("area_code").alias("oews_area_codes"),
            ),
            remainders,
        ],
        how="diagonal",
    ).with_columns(
        pl.when(pl.col("area_type") == NONMETRO)
        .then(remainder_code(pl.col("state")))
        .otherwise(pl.col("area_code"))
        .alias("map_area_code")
    )


def _members(units: pl.DataFrame) -> pl.DataFrame:
    """area_code (an OEWS area) -> unit (a row of the table it counts in: itself, and for a
    nonmetro area also its state's remainder)."""
    return units.select(
        pl.col("oews_area_codes").str.split(",").alias("area_code"),
        pl.col("area_code").alias("unit"),
    ).explode("area_code")


def _unit_cells(oews: pl.DataFrame, units: pl.DataFrame, exposure: pl.DataFrame) -> pl.DataFrame:
    """unit, soc_code, employment, observed_exposure, shown: every published detailed cell
    of each row's OEWS areas, summed over them (a remainder's several areas). `shown`: a
    single area's cell the precision rule does not withhold; a remainder's sum always."""
    level, _ = precision(pl.col("employment_rse_pct"))
    return (
        area_employment(oews)
        .filter(pl.col("employment").is_not_null())
        .with_columns((level != WITHHELD).alias("shown"))
        .join(_members(units), on="area_code")
        .group_by("unit", "soc_code")
        .agg(pl.col("employment").sum(), pl.col("shown").all())
        .join(units.select(pl.col("area_code").alias("unit"), "area_type"), on="unit")
        .with_columns(pl.col("shown") | (pl.col("area_type") == REMAINDER))
        .join(exposure, on="soc_code", how="left")
    )


def _exposure(cells: pl.DataFrame) -> pl.DataFrame:
    """Per unit, as for states (etl/marts/summary.py): Σ employment × exposure ÷ Σ
    employment over the occupations with both, and the jobs those carry."""
    both = pl.col("observed_exposure").is_not_null()
    weighted = (pl.col("employment") * pl.col("observed_exposure")).filter(both)
    return cells.group_by("unit").agg(
        (stable_sum(weighted) / pl.col("employment").filter(both).sum()).alias(
            "exposure_weighted_employment"
        ),
        stable_sum(weighted).alias("exposure_weighted_jobs"),
        pl.col("employment")
        .filter(both & (pl.col("observed_exposure") >= HIGH_EXPOSURE_THRESHOLD))
        .sum()
        .alias("jobs_high_exposure"),
        pl.col("employment").filter(both).sum().alias("jobs_with_exposure"),
    )


def _top_exposed(cells: pl.DataFrame, titles: pl.DataFrame) -> pl.DataFrame:
    """The TOP_N occupations with the most exposure-weighted jobs, as flat columns; tied
    occupations are listed by SOC code."""
    ranked = (
        cells.filter(pl.col("shown") & pl.col("observed_exposure").is_not_null())
        .with_columns(
            (pl.col("employment") * pl.col("observed_exposure")).alias("exposure_weighted_jobs")
        )
        .pipe(rank_within, ["unit"], "exposure_weighted_jobs", "rank")
        .filter(pl.col("rank") <= TOP_N)
        .sort("unit", "rank", "soc_code")
        .with_columns(pl.int_range(1, pl.len() + 1).over("unit").alias("position"))
        .filter(pl.col("position") <= TOP_N)
        .join(titles, on="soc_code", how="left")
    )
    wide = cells.select("unit").unique()
    for n in range(1, TOP_N + 1):
        part = ranked.filter(pl.col("position") == n).select(
            "unit",
            *[pl.col(src).alias(f"top_exposed_{n}_{dst}") for src, (dst, *_) in TOP_FIELDS.items()],
        )
        wide = wide.join(part, on="unit", how="left")
    return wide


def _counties(counties: pl.DataFrame) -> pl.DataFrame:
    """Per mapped area: how many counties, and how many in each state it touches."""
    per_state = counties.group_by("area_code", "state").len().sort("area_code", "state")
    return per_state.group_by("area_code").agg(
        pl.col("len").sum().cast(pl.Int32).alias("counties"),
        pl.format("{} {}", "state", "len").str.join(", ").alias("counties_by_state"),
        (pl.len() > 1).alias("is_shared"),
    )


def build_area_summary(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    oews = inputs["oews"]
    counties = inputs["area_counties"]
    units = _units(oews_areas(oews), counties)
    exposure = inputs["job_exposure"].select("soc_code", "observed_exposure")
    cells = _unit_cells(oews, units, exposure)
    totals = (
        area_totals(oews)
        .join(_members(units), on="area_code")
        .group_by("unit")
        .agg(pl.col("area_employment").sum().alias("total_employment"))
    )
    territory = counties.select("state", "is_territory").unique()
    titles = oews_occupations(oews).select("soc_code", pl.col("oews_title").alias("title"))
    frame = (
        units.rename({"area_code": "unit"})
        .join(totals, on="unit", how="left")
        .join(_exposure(cells), on="unit", how="left")
        .join(_top_exposed(cells, titles), on="unit", how="left")
        .join(_counties(counties).rename({"area_code": "unit"}), on="unit", how="left")
        .join(territory, on="state", how="left")
        .rename({"unit": "area_code"})
    )
    remainder = pl.col("area_type") == REMAINDER
    frame = frame.with_columns(
        (pl.col("jobs_high_exposure") / pl.col("total_employment") * 1000).alias(
            "jobs_high_exposure_per_1000"
        ),
        # A remainder adds up areas that BLS suppresses differently: its share is not given.
        pl.when(~remainder)
        .then(pl.col("jobs_with_exposure") / pl.col("total_employment") * 100)
        .alias("employment_with_exposure_pct"),
        pl.col("is_shared").fill_null(pl.col("area_states").str.contains(",")),
    )
    return frame.with_columns(
        status("counties", (pl.lit(True), NOT_IN_FILE)).alias("counties_status"),
        status("total_employment").alias("total_employment_status"),
        status("exposure_weighted_employment", (pl.lit(True), NOT_COMPUTABLE)).alias(
            "exposure_weighted_employment_status"
        ),
        status("employment_with_exposure_pct", (remainder, NOT_COMPUTABLE)).alias(
            "employment_with_exposure_status"
        ),
    ).pipe(
        rank_within,
        [],
        "exposure_weighted_employment",
        "rank_among_metros",
        where=(pl.col("area_type") == METRO) & ~pl.col("is_territory"),
        ranked_of="metros_ranked",
    )


def _top_columns() -> list:
    return [
        col(
            f"top_exposed_{n}_{dst}",
            dtype,
            unit,
            f"The area's number {n} occupation by exposure-weighted jobs: {what}. Occupations "
            "with a score and an employment shown (not withheld by the precision rule); "
            "tied ones listed by SOC code.",
            "BLS OEWS; AEI job_exposure.csv",
        )
        for n in range(1, TOP_N + 1)
        for dst, dtype, unit, what in TOP_FIELDS.values()
    ]


AREA_SUMMARY = Mart(
    name="area_summary",
    description="The headline numbers of each metropolitan area, OEWS nonmetropolitan area "
    "and state nonmetro remainder: jobs, exposure-weighted employment, jobs in highly exposed "
    "occupations, coverage, most exposed occupations, and the counties and states it spans.",
    key=("area_code",),
    columns=(
        AREA_CODE,
        AREA_NAME,
        AREA_TYPE,
        col(
            "state",
            pl.String,
            "USPS code",
            "The state the area is filed under: a metro spanning states under its first-named "
            "state (oe.area), a nonmetro area or remainder under its own.",
            "BLS OEWS oe.area",
        ),
        col(
            "area_states",
            pl.String,
            "USPS codes, comma-separated",
            "Every state the area spans, first-named first (a metro's from its OEWS name; "
            "the delineation's counties agree).",
            "BLS OEWS oe.area; OMB July 2023 delineation",
        ),
        col(
            "is_shared",
            pl.Boolean,
            "",
            "True for a metro spanning more than one state (43 of the 393). OEWS publishes one "
            "estimate per metro: its jobs cannot be split between its states, and state_areas "
            "lists it, whole, under each.",
        ),
        IS_TERRITORY,
        col(
            "map_area_code",
            pl.String,
            "",
            "The area the map draws this row as: itself, or for an OEWS nonmetropolitan area "
            "its state's nonmetro remainder (the county table of OEWS nonmetropolitan areas "
            "is not read).",
        ),
        col(
            "counties",
            pl.Int32,
            "counties",
            "How many counties (or county equivalents) the area is made of.",
            "OMB July 2023 delineation; Census county boundaries 2023",
        ),
        status_col("counties_status", "counties"),
        col(
            "counties_by_state",
            pl.String,
            "",
            "Its counties per state ('IL 9, IN 4'); empty where counties is.",
            "OMB July 2023 delineation; Census county boundaries 2023",
        ),
        col(
            "oews_areas",
            pl.UInt32,
            "areas",
            "How many OEWS areas the row adds up: 1, or the OEWS nonmetropolitan areas of a "
            "nonmetro remainder.",
            "BLS OEWS oe.area",
        ),
        col(
            "oews_area_codes",
            pl.String,
            "OEWS area codes, comma-separated",
            "The OEWS areas the row adds up.",
            "BLS OEWS oe.area",
        ),
        col(
            "total_employment",
            pl.Float64,
            "jobs",
            "All-occupations employment, May 2025 (a remainder: summed over its OEWS areas).",
            "BLS OEWS datatype 01",
        ),
        status_col("total_employment_status", "total_employment"),
        col(
            "exposure_weighted_employment",
            pl.Float64,
            "share 0-1",
            "Σ employment × observed exposure ÷ Σ employment over the detailed occupations "
            "with both (every published cell, as for states): the average exposure of the "
            "area's jobs.",
        ),
        status_col("exposure_weighted_employment_status", "exposure_weighted_employment"),
        col(
            "exposure_weighted_jobs",
            pl.Float64,
            "job equivalents",
            "Σ employment × observed exposure over the occupations with both.",
        ),
        col(
            "jobs_high_exposure",
            pl.Float64,
            "jobs",
            f"Jobs in occupations with observed exposure ≥ {HIGH_EXPOSURE_THRESHOLD}.",
        ),
        col(
            "jobs_high_exposure_per_1000",
            pl.Float64,
            "per 1,000 jobs",
            "jobs_high_exposure ÷ total_employment × 1,000.",
        ),
        col(
            "employment_with_exposure_pct",
            pl.Float64,
            "% of the area's jobs",
            "Coverage: the share of the area's jobs in detailed occupations with a published "
            "employment and an exposure score (the rest is suppressed by BLS, in occupations "
            "OEWS does not show separately, or without a score). Not given for a nonmetro "
            "remainder, which adds up areas whose suppressed cells differ.",
        ),
        status_col("employment_with_exposure_status", "employment_with_exposure_pct"),
        *rank_columns(
            "rank_among_metros",
            "the metro's exposure-weighted employment",
            "among the metros of the 50 states and DC",
            ranked_of="metros_ranked",
        ),
        *_top_columns(),
    ),
    staging=("oews", "job_exposure"),
    marts=("area_counties",),
    build=build_area_summary,
)
