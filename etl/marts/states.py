"""`states`: one row per geography with its population, GDP and neighbours."""

from __future__ import annotations

import polars as pl

from etl.config import PROJECT_ROOT
from etl.geo import state_table
from etl.marts.spec import IS_TERRITORY, STATE, STATE_NAME, Mart, col

STATE_SHAPES = PROJECT_ROOT / "assets" / "geo" / "states-albers-10m.json"


def neighbours() -> pl.DataFrame:
    """state_fips -> sorted FIPS codes of the states sharing a border line with it.

    States meeting at a single point (the Four Corners) are not neighbours.
    """
    import geopandas as gpd  # heavy import, only when this step reruns

    shapes = gpd.read_file(STATE_SHAPES, layer="states")[["id", "geometry"]]
    pairs = gpd.sjoin(shapes, shapes, predicate="intersects")
    pairs = pairs[pairs["id_left"] != pairs["id_right"]]
    geometry = shapes.set_index("id").geometry
    shared = [
        geometry[a].intersection(geometry[b]).length > 0
        for a, b in zip(pairs["id_left"], pairs["id_right"], strict=True)
    ]
    pairs = pairs[shared]
    return (
        pl.DataFrame({"state_fips": pairs["id_left"].tolist(),
                      "neighbour": pairs["id_right"].tolist()})
        .group_by("state_fips").agg(pl.col("neighbour").sort())
    )


def build_states(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    population = inputs["working_age_population"].select("state", "working_age_pop")
    gdp = inputs["state_gdp"].select("state", "gdp_usd", pl.col("year").alias("gdp_year"))
    reference = state_table()
    fips_to_usps = dict(reference.select("state_fips", "state").rows())
    borders = neighbours().with_columns(
        pl.col("neighbour").list.eval(pl.element().replace_strict(fips_to_usps))
        .list.sort().list.join(",").alias("neighbours")
    )
    in_oews = inputs["oews"].filter(pl.col("geo_level") == "state")["state"].cast(pl.String)
    geographies = reference.filter(~pl.col("is_territory")
                                   | pl.col("state").is_in(in_oews.implode()))
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
        col("working_age_pop", pl.Int64, "persons", "Population aged 15-64, 2024: the AUI "
            "denominator.", "AEI working_age_pop_2024_us_state.csv (Census)"),
        col("gdp_usd", pl.Float64, "current US dollars", "Gross domestic product, 2024.",
            "AEI gdp_2024_us_state.csv (BEA)"),
        col("gdp_year", pl.Int16, "year", "Year of gdp_usd.", "AEI gdp_2024_us_state.csv"),
        col("gdp_per_working_age_person", pl.Float64, "US dollars per person",
            "gdp_usd / working_age_pop."),
        col("neighbours", pl.String, "USPS codes, comma-separated",
            "States sharing a border line (not a single point) with this one.",
            "npm us-atlas@3.0.1 states-albers-10m.json (Census boundaries), via geopandas"),
    ),
    staging=("working_age_population", "state_gdp", "oews"),
    marts=(),
    build=build_states,
)
