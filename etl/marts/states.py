"""`states`: one row per geography with its population, GDP and neighbours."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import polars as pl

from etl.config import PROJECT_ROOT
from etl.geo import state_table
from etl.readers.oews import nation_and_states
from etl.spec import IS_TERRITORY, STATE, STATE_NAME, Mart, col

STATE_SHAPES = PROJECT_ROOT / "assets" / "geo" / "states-albers-10m.json"


def neighbours(path: Path = STATE_SHAPES) -> pl.DataFrame:
    """state_fips -> sorted FIPS codes of the states sharing a border line with it.

    TopoJSON stores each border once, as an arc both states' outlines use, so two states
    share a border line exactly when they share an arc; states meeting at a single point
    (the Four Corners) share none. This reads the topology directly (a few ms); the tests
    check it against geopandas' geometric intersections.
    """
    topology = json.loads(path.read_text(encoding="utf-8"))
    owners: dict[int, set[str]] = defaultdict(set)
    for shape in topology["objects"]["states"]["geometries"]:
        polygons = shape["arcs"] if shape["type"] == "MultiPolygon" else [shape["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                for arc in ring:
                    owners[arc if arc >= 0 else ~arc].add(shape["id"])
    pairs = {(a, b) for states in owners.values() for a in states for b in states if a != b}
    return (
        pl.DataFrame(sorted(pairs), schema=["state_fips", "neighbour"], orient="row")
        .group_by("state_fips")
        .agg(pl.col("neighbour").sort())
    )


def build_states(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    population = inputs["working_age_population"].select("state", "working_age_pop")
    gdp = inputs["state_gdp"].select("state", "gdp_usd", pl.col("year").alias("gdp_year"))
    reference = state_table()
    fips_to_usps = dict(reference.select("state_fips", "state").rows())
    borders = neighbours().with_columns(
        pl.col("neighbour")
        .list.eval(pl.element().replace_strict(fips_to_usps))
        .list.sort()
        .list.join(",")
        .alias("neighbours")
    )
    in_oews = nation_and_states(inputs["oews"])["state"].unique().cast(pl.String)
    geographies = reference.filter(
        ~pl.col("is_territory") | pl.col("state").is_in(in_oews.implode())
    )
    return (
        geographies.join(population, on="state", how="left")
        .join(gdp, on="state", how="left")
        .join(borders.select("state_fips", "neighbours"), on="state_fips", how="left")
        .with_columns(
            (pl.col("gdp_usd") / pl.col("working_age_pop")).alias("gdp_per_working_age_person"),
            pl.col("neighbours").fill_null(""),
        )
    )


STATES = Mart(
    name="states",
    description="One row per geography: the 50 states and DC, plus the territories that "
    "appear in the sources (flagged, never counted in US totals).",
    key=("state",),
    columns=(
        STATE,
        col("state_fips", pl.String, "FIPS code", "Two-digit state FIPS code.", "etl/geo.py"),
        STATE_NAME,
        IS_TERRITORY,
        col(
            "working_age_pop",
            pl.Int64,
            "persons",
            "Population aged 15-64, 2024: the AUI denominator.",
            "AEI working_age_pop_2024_us_state.csv (Census)",
        ),
        col(
            "gdp_usd",
            pl.Float64,
            "current US dollars",
            "Gross domestic product, 2024.",
            "AEI gdp_2024_us_state.csv (BEA)",
        ),
        col("gdp_year", pl.Int16, "year", "Year of gdp_usd.", "AEI gdp_2024_us_state.csv"),
        col(
            "gdp_per_working_age_person",
            pl.Float64,
            "US dollars per person",
            "gdp_usd / working_age_pop.",
        ),
        col(
            "neighbours",
            pl.String,
            "USPS codes, comma-separated",
            "States sharing a border line (not a single point) with this one: a shared arc "
            "of the state outlines.",
            "npm us-atlas@3.0.1 states-albers-10m.json (Census boundaries); checked against "
            "geopandas",
        ),
    ),
    staging=("working_age_population", "state_gdp", "oews"),
    marts=(),
    build=build_states,
)
