"""The deeper state profile as data + figure, from a StateView: how people use Claude.ai
(state_usage_profile), who is exposed by wage (state_wage_bands, state_occupations), usage
against income (state_income_fit). The state page, the image export (`views.FIGURES`), the
CSVs and the briefing call these, so each shows what the page shows."""

from __future__ import annotations

import polars as pl

from dashboard.data import Marts, per_marts
from dashboard.figures.charts import ShareRow, state_vs_us_bars
from dashboard.figures.profile import (
    BandRow,
    IncomePoint,
    OccupationPoint,
    exposure_wage_scatter,
    income_scatter,
    wage_band_bars,
)
from dashboard.metrics import USE_CASES, is_missing
from dashboard.urls import StateView

USE_CASE_METRICS = tuple(f"use_case:{case}" for case in USE_CASES)
# How autonomously, and how long the task would take with and without AI (both in minutes).
WORK_METRICS = (
    "primitive:ai_autonomy",
    "primitive:human_only_time",
    "primitive:human_with_ai_time",
)
ARTIFACTS_SHOWN = 5
# Not outputs: conversations without a concrete one, and the unclassified remainder.
NOT_ARTIFACTS = ("artifact:none", "artifact:other")


# --- how people use it ------------------------------------------------------------------
@per_marts(maxsize=512)
def usage_profile(data: Marts, state: str, wave: str) -> dict[str, dict]:
    """The state's state_usage_profile rows of the wave, by metric."""
    rows = data.state_usage_profile.filter((pl.col("state") == state) & (pl.col("wave") == wave))
    return {r["metric"]: r for r in rows.iter_rows(named=True)}


@per_marts(maxsize=8)
def profile_waves(data: Marts) -> tuple[str, ...]:
    """The waves whose release publishes use cases per state."""
    rows = data.state_usage_profile.filter(pl.col("metric").is_in(USE_CASE_METRICS))
    return tuple(sorted(rows["wave"].unique().to_list()))


def profile_rows(data: Marts, view: StateView) -> tuple[dict, ...]:
    """What the panel shows, in order: the use cases, the top outputs, autonomy and time."""
    rows = usage_profile(data, view.state, view.wave)
    artifacts = sorted(
        (
            r
            for m, r in rows.items()
            if m.startswith("artifact:") and m not in NOT_ARTIFACTS and not is_missing(r["value"])
        ),
        key=lambda r: (-r["value"], r["label"]),
    )[:ARTIFACTS_SHOWN]
    return (
        *(rows[m] for m in USE_CASE_METRICS if m in rows),
        *artifacts,
        *(rows[m] for m in WORK_METRICS if m in rows),
    )


def _share_row(row: dict) -> ShareRow:
    value, us = row["value"], row["us_value"]
    ratio = value / us if not is_missing(value) and not is_missing(us) and us else None
    return ShareRow(row["label"], value, us, ratio)


def usage_profile_figure(data: Marts, view: StateView) -> dict:
    """Use cases and the top outputs (shares of conversations) beside the US."""
    shares = [r for r in profile_rows(data, view) if r["unit"].startswith("%")]
    return state_vs_us_bars(
        [_share_row(r) for r in shares],
        data.state_names[view.state],
        empty=f"The {view.wave} release does not publish use cases per state.",
        width=24,  # as the top uses: labels over more lines fit beside the bars on a phone
    )


# --- who is exposed ---------------------------------------------------------------------
@per_marts(maxsize=128)
def wage_bands(data: Marts, state: str) -> tuple[dict, ...]:
    """The state's wage bands, lowest first ('wage not published' last)."""
    rows = data.state_wage_bands.filter(pl.col("state") == state).with_columns(
        (pl.col("wage_band") == 0).alias("_last")
    )
    return tuple(rows.sort("_last", "wage_band").drop("_last").iter_rows(named=True))


def exposed_pct(row: dict) -> float | None:
    """The share of the band's scored jobs in highly exposed occupations."""
    scored = row.get("jobs_with_score")
    return None if not scored else row["jobs_high_exposure"] / scored * 100


def wage_band_figure(data: Marts, view: StateView) -> dict:
    us = {r["wage_band"]: r for r in wage_bands(data, "US")}
    return wage_band_bars(
        [
            BandRow(
                r["wage_band_label"],
                r["jobs_high_exposure"],
                exposed_pct(r),
                exposed_pct(us.get(r["wage_band"], {})),
            )
            for r in wage_bands(data, view.state)
            if r["jobs_with_score"]
        ],
        data.state_names[view.state],
    )


@per_marts(maxsize=128)
def occupation_points(data: Marts, state: str) -> tuple[OccupationPoint, ...]:
    """The state's occupations with jobs, a wage and an exposure score."""
    rows = data.state_occupations.filter(
        (pl.col("state") == state)
        & pl.col("employment").is_not_null()
        & pl.col("observed_exposure").is_not_null()
        & pl.coalesce("median_annual_wage", "median_wage_lower_bound").is_not_null()
    )
    return tuple(
        OccupationPoint(
            r["title"],
            r["median_annual_wage"] or r["median_wage_lower_bound"],
            r["observed_exposure"],
            r["employment"],
            r["median_annual_wage"] is None,
        )
        for r in rows.iter_rows(named=True)
    )


def exposure_wage_figure(data: Marts, view: StateView) -> dict:
    return exposure_wage_scatter(occupation_points(data, view.state), data.high_exposure_threshold)


# --- usage and income -------------------------------------------------------------------
@per_marts(maxsize=16)
def income_fit(data: Marts, wave: str) -> tuple[dict, ...]:
    """The wave's fit: one row per state of the 51 with an AUI, by name."""
    rows = data.state_income_fit.filter(pl.col("wave") == wave).sort("state_name")
    return tuple(rows.iter_rows(named=True))


def income_row(data: Marts, view: StateView) -> dict | None:
    return next((r for r in income_fit(data, view.wave) if r["state"] == view.state), None)


def income_figure(data: Marts, view: StateView) -> dict:
    rows = income_fit(data, view.wave)
    return income_scatter(
        [
            IncomePoint(
                r["state"],
                r["state_name"],
                r["gdp_per_working_age_person"],
                r["aui"],
                r["residual_ratio"],
            )
            for r in rows
        ],
        rows[0]["slope"] if rows else 0.0,
        rows[0]["intercept"] if rows else 0.0,
        view.state,
    )
