"""`area_occupations`: the jobs of each metropolitan and nonmetropolitan area (OEWS May
2025) by detailed occupation, with their observed exposure.

The cells are OEWS's own estimates for the area, each with its relative standard error
(RSE). Area estimates rest on far fewer survey responses than state ones, so the precision
rule (etl/evidence.py) flags an employment estimate whose RSE is over 30 % and withholds
one over 40 %, with everything computed from it (share, per 1,000 jobs, location quotient,
exposure-weighted jobs). Wages are shown as published: BLS measures their precision
separately and the file read does not carry it.
"""

from __future__ import annotations

import polars as pl

from etl.evidence import (
    NO_EXPOSURE_SCORE,
    NOT_IN_FILE,
    NOT_PUBLISHED,
    TOO_LITTLE_DATA,
    WITHHELD,
    precision,
    status,
)
from etl.marts.area_counties import AREA_CODE, AREA_LEVELS, AREA_NAME
from etl.marts.occupations import EXPOSURE, HIGH_EXPOSURE_THRESHOLD, OEWS_FIELDS
from etl.spec import IS_TERRITORY, STATE, Column, Mart, col, rank_columns, rank_within

RSE = "02"
AREA_FIELDS = {**OEWS_FIELDS, RSE: "employment_rse_pct"}
MEDIAN_WAGE = "13"
KEY = ["area_code", "soc_code"]
AREA_ROW_COLUMNS = (
    *KEY,
    "geo_level",
    "area_name",
    "state",
    "area_states",
    "is_territory",
    "occupation_name",
    "occupation_level",
    "datatype_code",
    "value",
    "status",
    "lower_bound",
    "footnote_codes",
)
# What the precision rule empties with the employment estimate: everything computed from it.
FROM_EMPLOYMENT = (
    "employment",
    "employment_share_pct",
    "employment_per_1000_jobs",
    "location_quotient",
    "exposure_weighted_jobs",
)


def area_rows(oews: pl.DataFrame, datatypes: list[str]) -> pl.DataFrame:
    """The detailed-occupation rows of the metro and nonmetro areas for `datatypes`, each
    with `series`: a number per (area, occupation). The staging table keeps the file's order
    (by series id), so a series' rows are consecutive: numbering runs costs no hashing (were
    they not, a key would repeat and the mart would refuse it)."""
    return (
        oews.select(AREA_ROW_COLUMNS)  # not the series ids: no copy of 60 MB of text
        .filter(
            pl.col("geo_level").is_in(AREA_LEVELS)
            & (pl.col("occupation_level") == "detailed")
            & pl.col("datatype_code").is_in(datatypes)
        )
        .with_columns(pl.struct("area_code", "soc_code").rle_id().alias("series"))
    )


def _by_series(rows: pl.DataFrame, columns: list[str | pl.Expr]) -> pl.DataFrame:
    """One row per series: `columns` of its first row."""
    return rows.filter(pl.col("series") != pl.col("series").shift(1, fill_value=-1)).select(
        "series", *columns
    )


def area_employment(oews: pl.DataFrame) -> pl.DataFrame:
    """area_code, soc_code, employment, employment_rse_pct: every published detailed cell
    of every area (what the area tables sum and average: a sum is far more precise than
    the cells it adds up)."""
    rows = area_rows(oews, ["01", RSE])
    cells = _by_series(rows, [pl.col(KEY).cast(pl.String)])
    for code, field in (("01", "employment"), (RSE, "employment_rse_pct")):
        part = rows.filter(pl.col("datatype_code") == code).select(
            "series", pl.col("value").alias(field)
        )
        cells = cells.join(part, on="series", how="left")
    return cells.drop("series")


def area_totals(oews: pl.DataFrame) -> pl.DataFrame:
    """area_code, area_employment: all occupations, per metro and nonmetro area."""
    return oews.filter(
        pl.col("geo_level").is_in(AREA_LEVELS)
        & (pl.col("soc_code") == "00-0000")
        & (pl.col("datatype_code") == "01")
    ).select(pl.col("area_code").cast(pl.String), pl.col("value").alias("area_employment"))


def _cells(oews: pl.DataFrame) -> pl.DataFrame:
    """One row per (area, detailed occupation): each wanted datatype as a column, with its
    status (BLS suppression is "not published"; a top-coded wage has a lower bound)."""
    rows = area_rows(oews, list(AREA_FIELDS))
    frame = _by_series(
        rows,
        [
            pl.col("area_code", "soc_code", "area_name", "state", "area_states").cast(pl.String),
            pl.col("geo_level").alias("area_type"),
            "is_territory",
            pl.col("occupation_name").cast(pl.String).alias("title"),
        ],
    )
    parts = rows.select("series", "datatype_code", "value", "status", "lower_bound").partition_by(
        "datatype_code", as_dict=True, maintain_order=True
    )
    for code, field in AREA_FIELDS.items():
        if (code,) not in parts:  # a datatype absent from the file read
            frame = frame.with_columns(
                pl.lit(None, pl.Float64).alias(field), pl.lit(NOT_IN_FILE).alias(f"{field}_status")
            )
            if code == MEDIAN_WAGE:
                frame = frame.with_columns(
                    pl.lit(None, pl.Float64).alias("median_wage_lower_bound")
                )
            continue
        part = parts[(code,)].select(
            "series",
            pl.col("value").alias(field),
            pl.when(pl.col("status") == "published")
            .then(pl.lit(None, pl.String))
            .when(pl.col("status") == "top-coded")
            .then(pl.lit("top-coded"))
            .otherwise(pl.lit(NOT_PUBLISHED))
            .alias(f"{field}_status"),
            *(
                [pl.col("lower_bound").alias("median_wage_lower_bound")]
                if code == MEDIAN_WAGE
                else []
            ),
        )
        frame = frame.join(part, on="series", how="left").with_columns(
            # a cell missing from the file: not published either
            pl.col(f"{field}_status").fill_null(
                pl.when(pl.col(field).is_null()).then(pl.lit(NOT_PUBLISHED))
            )
        )
    notes = (
        rows.filter(pl.col("footnote_codes") != "")
        .group_by("series")
        .agg(
            pl.col("footnote_codes")
            .str.split(",")
            .list.explode(keep_nulls=False, empty_as_null=False)
            .str.strip_chars()
            .unique()
            .sort()
            .str.join(",")
        )
    )
    return (
        frame.join(notes, on="series", how="left")
        .with_columns(pl.col("footnote_codes").fill_null(""))
        .drop("series")
    )


def build_area_occupations(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    oews = inputs["oews"]
    exposure = inputs["job_exposure"].select("soc_code", "observed_exposure")
    level, reason = precision(pl.col("employment_rse_pct"))
    frame = (
        _cells(oews)
        .join(area_totals(oews), on="area_code", how="left")
        .join(exposure, on="soc_code", how="left")
        .with_columns(level.alias("support"), reason.alias("support_reason"))
    )
    withheld = pl.col("support") == WITHHELD
    frame = frame.with_columns(
        pl.col("soc_code").str.slice(0, 2).alias("major_group"),
        (pl.col("employment") / pl.col("area_employment") * 100).alias("employment_share_pct"),
        (pl.col("employment") * pl.col("observed_exposure")).alias("exposure_weighted_jobs"),
        (pl.col("observed_exposure") >= HIGH_EXPOSURE_THRESHOLD).alias("highly_exposed"),
    )
    # The precision rule empties the estimate and what is computed from it, then says why.
    frame = frame.with_columns(pl.when(~withheld).then(pl.col(c)).alias(c) for c in FROM_EMPLOYMENT)
    frame = frame.with_columns(
        *[
            pl.when(withheld)
            .then(pl.lit(TOO_LITTLE_DATA))
            .otherwise(pl.col(f"{field}_status"))
            .alias(f"{field}_status")
            for field in ("employment", "employment_per_1000_jobs", "location_quotient")
        ],
        status("employment_share_pct", (withheld, TOO_LITTLE_DATA)).alias(
            "employment_share_status"
        ),
        status("observed_exposure", (pl.lit(True), NO_EXPOSURE_SCORE)).alias("exposure_status"),
        status(
            "exposure_weighted_jobs",
            (pl.col("observed_exposure").is_null(), NO_EXPOSURE_SCORE),
            (withheld, TOO_LITTLE_DATA),
        ).alias("exposure_weighted_jobs_status"),
    )
    return frame.pipe(rank_within, ["area_code"], "employment", "rank_by_employment").pipe(
        rank_within, ["area_code"], "exposure_weighted_jobs", "rank_by_exposure_weighted_jobs"
    )


def _status_col(name: str, value: str) -> Column:
    """Why `value` is empty: the closed list, where "too little data" is the precision rule."""
    return col(
        name,
        pl.String,
        "",
        f"Why {value} is empty, where it is: not published (BLS suppression), too little data "
        "(withheld by the precision rule: employment RSE over 40 %), no exposure score, or "
        "not in the file read. Empty where the value is present.",
        "etl/evidence.py",
    )


AREA_OCCUPATIONS = Mart(
    name="area_occupations",
    description="Each metropolitan and nonmetropolitan area's SOC detailed occupations (OEWS "
    "May 2025): jobs with their relative standard error, wages, location quotient and "
    "observed exposure; imprecise estimates flagged or withheld (the precision rule).",
    key=("area_code", "soc_code"),
    columns=(
        AREA_CODE,
        AREA_NAME,
        col("area_type", pl.String, "", "metro or nonmetro (an OEWS nonmetropolitan area)."),
        col(
            STATE.name,
            pl.String,
            "USPS code",
            "The state oe.area files the area under: a metro spanning states is filed under "
            "its first-named state (Chicago-Naperville-Elgin, IL-IN under IL). See area_states.",
            "BLS OEWS oe.area",
        ),
        col(
            "area_states",
            pl.String,
            "USPS codes, comma-separated",
            "Every state the area spans (a metro's from its name). OEWS publishes one estimate "
            "for the whole area: it cannot be split by state.",
            "BLS OEWS oe.area",
        ),
        IS_TERRITORY,
        col("soc_code", pl.String, "SOC 2018", "OEWS detailed occupation code.", "BLS OEWS"),
        col("title", pl.String, "", "Occupation title.", "BLS OEWS oe.occupation"),
        col("major_group", pl.String, "2-digit SOC", "SOC major group."),
        col(
            "employment",
            pl.Float64,
            "jobs",
            "Employment in the area, May 2025; empty when BLS did not publish it or the "
            "precision rule withholds it (see support).",
            "BLS OEWS datatype 01",
        ),
        _status_col("employment_status", "employment"),
        col(
            "employment_rse_pct",
            pl.Float64,
            "%",
            "Relative standard error of the employment estimate (its standard error ÷ the "
            "estimate × 100): a 95 % interval is about ±1.96 × RSE % of the estimate. Shown "
            "even where the employment is withheld, to say why.",
            "BLS OEWS datatype 02",
        ),
        _status_col("employment_rse_pct_status", "employment_rse_pct"),
        col(
            "employment_share_pct",
            pl.Float64,
            "% of the area's jobs",
            "employment ÷ the area's all-occupations employment × 100.",
            "BLS OEWS datatype 01",
        ),
        _status_col("employment_share_status", "employment_share_pct"),
        *rank_columns(
            "rank_by_employment", "the occupation's employment", "among the area's occupations"
        ),
        col(
            "employment_per_1000_jobs",
            pl.Float64,
            "per 1,000 jobs",
            "As published.",
            "BLS OEWS datatype 16",
        ),
        _status_col("employment_per_1000_jobs_status", "employment_per_1000_jobs"),
        col(
            "location_quotient",
            pl.Float64,
            "ratio",
            "Occupation's share of the area's jobs ÷ its share of US jobs, as published.",
            "BLS OEWS datatype 17",
        ),
        _status_col("location_quotient_status", "location_quotient"),
        col(
            "median_annual_wage",
            pl.Float64,
            "US dollars",
            "Annual median wage (empty when not published or top-coded).",
            "BLS OEWS datatype 13",
        ),
        col(
            "median_annual_wage_status",
            pl.String,
            "",
            "Why median_annual_wage is empty: top-coded (see median_wage_lower_bound) or not "
            "published (BLS suppression).",
            "BLS OEWS value '-' and footnotes",
        ),
        col(
            "median_wage_lower_bound",
            pl.Float64,
            "US dollars",
            "For top-coded wages: the wage is at least this (BLS footnote 5).",
            "BLS OEWS oe.footnote",
        ),
        col("mean_annual_wage", pl.Float64, "US dollars", "Annual mean wage.", "BLS OEWS 04"),
        col(
            "mean_annual_wage_status",
            pl.String,
            "",
            "Why mean_annual_wage is empty: top-coded or not published.",
            "BLS OEWS",
        ),
        col(
            "footnote_codes",
            pl.String,
            "BLS codes",
            "BLS footnotes on any of the row's cells (4 = hourly wage not applicable, 5 = "
            "top-coded, 8 = not released).",
            "BLS OEWS",
        ),
        EXPOSURE,
        _status_col("exposure_status", "observed_exposure"),
        col(
            "exposure_weighted_jobs",
            pl.Float64,
            "job equivalents",
            "employment × observed_exposure: how much of the area's exposure this occupation "
            "carries.",
        ),
        _status_col("exposure_weighted_jobs_status", "exposure_weighted_jobs"),
        *rank_columns(
            "rank_by_exposure_weighted_jobs",
            "the occupation's exposure-weighted jobs",
            "among the area's occupations with a score and an employment shown",
        ),
        col(
            "highly_exposed",
            pl.Boolean,
            "",
            f"observed_exposure ≥ {HIGH_EXPOSURE_THRESHOLD}, this product's cut-off (empty "
            "without a score).",
        ),
        col(
            "support",
            pl.String,
            "",
            "The precision rule for OEWS area estimates: sufficient, low support (flagged: "
            "employment RSE over 30 %) or withheld (RSE over 40 %: the employment and what is "
            "computed from it are empty).",
            "etl/evidence.py",
        ),
        col("support_reason", pl.String, "", "The support level's reason in words."),
    ),
    staging=("oews", "job_exposure"),
    marts=(),
    build=build_area_occupations,
)
