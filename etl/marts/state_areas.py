"""`state_areas`: the map of a state, area by area.

One row per state and area the map draws in it: each metropolitan area with counties in
the state, and the state's nonmetro remainder (its counties in no metro, its OEWS
nonmetropolitan areas combined). A metro spanning states appears under each of them,
marked shared, with the counties it has in that state, but its numbers are the whole
metro's: OEWS does not split a metro's jobs by state. Areas are ranked within the state by
exposure-weighted employment.
"""

from __future__ import annotations

import polars as pl

from etl.marts.area_counties import AREA_CODE, AREA_NAME
from etl.marts.area_summary import AREA_SUMMARY
from etl.spec import (
    IS_TERRITORY,
    STATE,
    STATE_NAME,
    Column,
    Mart,
    col,
    rank_columns,
    rank_within,
)

FROM_SUMMARY = (
    "area_name",
    "area_type",
    "area_states",
    "is_shared",
    "counties",
    "oews_area_codes",
    "total_employment",
    "exposure_weighted_employment",
    "jobs_high_exposure",
    "jobs_high_exposure_per_1000",
)


def build_state_areas(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    counties = inputs["area_counties"]
    in_state = counties.group_by("state", "state_name", "is_territory", "area_code").agg(
        pl.len().cast(pl.Int32).alias("counties_in_state"),
        pl.col("county_fips").sort().str.join(",").alias("county_fips_in_state"),
    )
    summary = inputs["area_summary"].select("area_code", *FROM_SUMMARY)
    return (
        in_state.join(summary, on="area_code", how="left")
        .rename({"counties": "counties_in_area"})
        .pipe(
            rank_within,
            ["state"],
            "exposure_weighted_employment",
            "rank_in_state",
            ranked_of="areas_ranked",
        )
    )


def _summary_column(name: str, definition: str | None = None) -> Column:
    """A column as area_summary declares it, its definition replaced where given."""
    found = next(c for c in AREA_SUMMARY.columns if c.name == name)
    return col(name, found.dtype, found.unit, definition or found.definition, found.source)


STATE_AREAS = Mart(
    name="state_areas",
    description="Each state's areas on the map: the metropolitan areas with counties in it "
    "(shared ones under each of their states) and its nonmetro remainder, ranked within the "
    "state by exposure-weighted employment.",
    key=("state", "area_code"),
    columns=(
        STATE,
        STATE_NAME,
        IS_TERRITORY,
        AREA_CODE,
        AREA_NAME,
        col(
            "area_type",
            pl.String,
            "",
            "metro, or nonmetro remainder (the state's counties in no metro, its OEWS "
            "nonmetropolitan areas combined).",
        ),
        _summary_column("area_states"),
        _summary_column(
            "is_shared",
            "True for a metro that spans other states too: listed under each, with the "
            "whole metro's numbers (OEWS does not split a metro's jobs by state).",
        ),
        col(
            "counties_in_state",
            pl.Int32,
            "counties",
            "How many of the area's counties lie in this state.",
            "OMB July 2023 delineation; Census county boundaries 2023",
        ),
        col(
            "county_fips_in_state",
            pl.String,
            "FIPS codes, comma-separated",
            "Those counties' five-digit FIPS codes.",
            "OMB July 2023 delineation; Census county boundaries 2023",
        ),
        col(
            "counties_in_area",
            pl.Int32,
            "counties",
            "How many counties the whole area has, in every state it spans.",
            "OMB July 2023 delineation; Census county boundaries 2023",
        ),
        _summary_column("oews_area_codes"),
        _summary_column(
            "total_employment",
            "All-occupations employment of the whole area, May 2025 (a shared metro's in "
            "every state it spans; a remainder's summed over its OEWS areas).",
        ),
        _summary_column("exposure_weighted_employment"),
        _summary_column("jobs_high_exposure"),
        _summary_column("jobs_high_exposure_per_1000"),
        *rank_columns(
            "rank_in_state",
            "the area's exposure-weighted employment",
            "among the state's areas (its metros, shared ones included, and its remainder)",
            ranked_of="areas_ranked",
        ),
    ),
    staging=(),
    marts=("area_counties", "area_summary"),
    build=build_state_areas,
)
