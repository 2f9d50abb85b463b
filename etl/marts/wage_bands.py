"""`state_wage_bands`: who is exposed — a state's jobs by wage band (national quintiles of the
OEWS median annual wage, weighted by US employment, so each band holds about a fifth of US
jobs), with the exposure of each band's jobs. Occupations without a published wage form a
band of their own; top-coded wages (at or above BLS's top code) fall in the top band."""

from __future__ import annotations

import polars as pl

from etl.marts.occupations import HIGH_EXPOSURE_THRESHOLD
from etl.spec import STATE, STATE_NAME, Mart, col, stable_sum

BANDS = 5
NO_WAGE = 0  # the band of occupations whose wage BLS does not publish


def national_cut_points(occupations: pl.DataFrame) -> list[float]:
    """The wages below which 20, 40, 60 and 80 % of US jobs (detailed occupations with a
    wage) fall."""
    us = (
        occupations.filter((pl.col("state") == "US") & pl.col("employment").is_not_null())
        .with_columns(_wage().alias("wage"))
        .filter(pl.col("wage").is_not_null())
        .sort("wage")
    )
    share = us["employment"].cum_sum() / us["employment"].sum()
    return [float(us["wage"][int((share < q / BANDS).sum())]) for q in range(1, BANDS)]


def _wage() -> pl.Expr:
    return pl.coalesce("median_annual_wage", "median_wage_lower_bound")


def _share(column: str) -> pl.Expr:
    total = stable_sum(pl.col(column)).over("state")
    return pl.when(total > 0).then(pl.col(column) / total * 100)


def build_state_wage_bands(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    occupations = inputs["state_occupations"].filter(pl.col("employment").is_not_null())
    cuts = national_cut_points(occupations)
    band = pl.lit(BANDS, pl.Int8)
    for number, cut in reversed(list(enumerate(cuts, start=1))):
        band = pl.when(_wage() < cut).then(pl.lit(number, pl.Int8)).otherwise(band)
    band = pl.when(_wage().is_null()).then(pl.lit(NO_WAGE, pl.Int8)).otherwise(band)
    bounds = [0.0, *cuts, None]
    labels = {0: "wage not published"} | {
        n: (
            f"under ${bounds[n]:,.0f}"
            if n == 1
            else f"${bounds[n - 1]:,.0f} and more"
            if n == BANDS
            else f"${bounds[n - 1]:,.0f}–${bounds[n]:,.0f}"
        )
        for n in range(1, BANDS + 1)
    }
    scored = pl.col("observed_exposure").is_not_null()
    jobs = pl.col("employment")
    grouped = (
        occupations.with_columns(band.alias("wage_band"))
        .group_by("state", "state_name", "is_territory", "wage_band")
        .agg(
            jobs.sum().alias("jobs"),
            jobs.filter(scored).sum().alias("jobs_with_score"),
            stable_sum((jobs * pl.col("observed_exposure")).filter(scored)).alias(
                "exposure_weighted_jobs"
            ),
            jobs.filter(pl.col("observed_exposure") >= HIGH_EXPOSURE_THRESHOLD)
            .sum()
            .alias("jobs_high_exposure"),
            pl.len().alias("occupations"),
        )
    )
    return grouped.with_columns(
        pl.col("wage_band").replace_strict(labels, return_dtype=pl.String).alias("wage_band_label"),
        pl.col("wage_band")
        .replace_strict(
            dict(enumerate([None, *cuts[:]], start=1)) | {0: None},
            default=None,
            return_dtype=pl.Float64,
        )
        .alias("band_low_usd"),
        pl.when(pl.col("jobs_with_score") > 0)
        .then(pl.col("exposure_weighted_jobs") / pl.col("jobs_with_score"))
        .alias("exposure_weighted_employment"),
        _share("jobs_with_score").alias("share_of_scored_jobs_pct"),
        _share("exposure_weighted_jobs").alias("share_of_exposure_pct"),
    )


STATE_WAGE_BANDS = Mart(
    name="state_wage_bands",
    description="Each state's jobs by wage band (national quintiles of the OEWS median annual "
    "wage) and how exposed each band's jobs are: who is exposed, high-wage or low-wage jobs.",
    key=("state", "wage_band"),
    columns=(
        STATE,
        STATE_NAME,
        col("is_territory", pl.Boolean, "", "PR, GU, VI."),
        col(
            "wage_band",
            pl.Int8,
            "1-5",
            "1 = the lowest-paid fifth of US jobs … 5 = the highest-paid fifth (national cut "
            "points: employment-weighted quintiles of detailed occupations' median annual "
            "wage, top-coded wages at their lower bound); 0 = wage not published.",
            "BLS OEWS datatype 13",
        ),
        col("wage_band_label", pl.String, "", "The band's wages in words."),
        col(
            "band_low_usd",
            pl.Float64,
            "US dollars",
            "The band's lowest median wage "
            "(empty for the lowest band and for 'wage not published').",
        ),
        col(
            "occupations",
            pl.UInt32,
            "count",
            "Detailed occupations in the band with published employment in the state.",
        ),
        col("jobs", pl.Float64, "jobs", "Employment in the band's occupations."),
        col(
            "jobs_with_score",
            pl.Float64,
            "jobs",
            "Of which in occupations with an observed exposure score.",
        ),
        col(
            "exposure_weighted_jobs",
            pl.Float64,
            "job equivalents",
            "Σ employment × observed_exposure over the band's scored occupations.",
        ),
        col(
            "exposure_weighted_employment",
            pl.Float64,
            "share 0-1",
            "exposure_weighted_jobs ÷ jobs_with_score: the average exposure of the band's jobs.",
        ),
        col(
            "jobs_high_exposure",
            pl.Float64,
            "jobs",
            "Jobs in the band's occupations with "
            f"observed exposure ≥ {HIGH_EXPOSURE_THRESHOLD} (this product's cut-off).",
        ),
        col(
            "share_of_scored_jobs_pct",
            pl.Float64,
            "% of the state's scored jobs",
            "The band's share of the state's jobs with a score.",
        ),
        col(
            "share_of_exposure_pct",
            pl.Float64,
            "% of the state's exposure-weighted jobs",
            "The band's share of the state's exposure-weighted jobs.",
        ),
    ),
    staging=(),
    marts=("state_occupations",),
    build=build_state_wage_bands,
)
