"""`state_income_fit`: is usage just income? Per wave, the AUI of the 51 against their GDP per
working-age person, fitted on logs (log AUI = a + b · log income, ordinary least squares):
b is the income elasticity of usage, R² how much of the spread income explains, and each
state's residual says whether it uses Claude more or less than its income predicts."""

from __future__ import annotations

import numpy as np
import polars as pl

from etl.geo import US_51
from etl.spec import STATE, STATE_NAME, WAVE, Mart, col, rank_columns, rank_within

# A state within ±10 % of its predicted AUI uses Claude "about as much as its income
# predicts": the fit leaves most states within that band.
ABOUT_AS_PREDICTED = 0.10


def build_state_income_fit(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    income = inputs["states"].select("state", "state_name", "gdp_per_working_age_person")
    usage = inputs["state_usage"].filter(
        pl.col("state").is_in(US_51) & pl.col("aui").is_not_null() & (pl.col("aui") > 0)
    )
    parts = []
    for (wave,), frame in sorted(usage.partition_by("wave", as_dict=True).items()):
        joined = frame.select("state", "aui").join(income, on="state").sort("state")
        x = np.log(joined["gdp_per_working_age_person"].to_numpy())
        y = np.log(joined["aui"].to_numpy())
        slope, intercept = np.polyfit(x, y, 1)
        residual = y - (intercept + slope * x)
        r_squared = 1 - (residual**2).sum() / ((y - y.mean()) ** 2).sum()
        parts.append(
            joined.with_columns(
                pl.lit(wave).alias("wave"),
                pl.lit(slope).alias("slope"),
                pl.lit(intercept).alias("intercept"),
                pl.lit(r_squared).alias("r_squared"),
                pl.lit(len(joined), pl.Int16).alias("states_in_fit"),
                pl.Series("predicted_aui", np.exp(intercept + slope * x)),
                pl.Series("residual_ratio", np.exp(residual)),
            )
        )
    if not parts:
        return pl.DataFrame()
    fit = pl.concat(parts)
    ratio = pl.col("residual_ratio")
    return fit.with_columns(
        pl.when(ratio > 1 + ABOUT_AS_PREDICTED)
        .then(pl.lit("more than its income predicts"))
        .when(ratio < 1 - ABOUT_AS_PREDICTED)
        .then(pl.lit("less than its income predicts"))
        .otherwise(pl.lit("about as much as its income predicts"))
        .alias("residual_words")
    ).pipe(rank_within, ["wave"], "residual_ratio", "residual_rank")


STATE_INCOME_FIT = Mart(
    name="state_income_fit",
    description="Usage against income: per wave, the fit of log AUI on log GDP per "
    "working-age person over the 51, and each state's residual (more or less use than its "
    "income predicts).",
    key=("wave", "state"),
    columns=(
        WAVE,
        STATE,
        STATE_NAME,
        col("aui", pl.Float64, "index", "The state's AUI this wave.", "state_usage"),
        col(
            "gdp_per_working_age_person",
            pl.Float64,
            "US dollars per person",
            "GDP 2024 ÷ working-age population.",
            "states",
        ),
        col(
            "slope",
            pl.Float64,
            "elasticity",
            "b in log AUI = a + b · log income (OLS over the 51): % more usage per % more income.",
        ),
        col("intercept", pl.Float64, "log index", "a of the same fit."),
        col(
            "r_squared", pl.Float64, "share 0-1", "Share of the spread of log AUI the fit explains."
        ),
        col("states_in_fit", pl.Int16, "count", "States in the fit (the 51 with an AUI)."),
        col(
            "predicted_aui",
            pl.Float64,
            "index",
            "exp(a + b · log income): the AUI the state's income predicts.",
        ),
        col(
            "residual_ratio",
            pl.Float64,
            "ratio",
            "aui ÷ predicted_aui: above 1, more use than income predicts.",
        ),
        col(
            "residual_words",
            pl.String,
            "",
            "The residual in words: more than / about as "
            f"much as (within ±{ABOUT_AS_PREDICTED:.0%}) / less than its income predicts.",
        ),
        *rank_columns("residual_rank", "the state's residual_ratio", "among the 51"),
    ),
    staging=(),
    marts=("states", "state_usage"),
    build=build_state_income_fit,
)
