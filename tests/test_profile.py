"""The deeper state profile: how people use Claude.ai, who is exposed by wage, and usage
against income — checked against the raw rows and computed again here."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import polars as pl
import pytest

from etl.geo import US_51

pytestmark = pytest.mark.integration
WIDE = Path(
    "huggingface.co/datasets/Anthropic/EconomicIndex/resolve/main/release_2026_06_26/data/"
    "aei_claude_ai_2026-06-26.csv"
)


def mart(config, name: str) -> pl.DataFrame:
    return pl.read_parquet(config.processed_dir / f"{name}.parquet")


def raw_overall(mirror: Path, geo: str, start: str) -> dict[str, float]:
    with (mirror / WIDE).open(newline="") as handle:
        return {
            r["metric_id"]: float(r["value"])
            for r in csv.DictReader(handle)
            if r["geo_id"] == geo and r["date_start"] == start and r["category_name"] == "overall"
        }


def test_indiana_use_cases_and_time_in_one_unit(built, mirror):
    raw = raw_overall(mirror, "US-IN", "2026-05-01")
    profile = mart(built, "state_usage_profile").filter(
        (pl.col("state") == "IN") & (pl.col("wave") == "2026-05")
    )
    values = dict(profile.select("metric", "value").rows())
    units = dict(profile.select("metric", "unit").rows())
    assert (
        values["use_case:work"],
        values["use_case:personal"],
        values["use_case:coursework"],
    ) == (
        37.21,
        51.29,
        11.50,
    )
    assert raw["use_case_work_pct"] == 37.21
    # published in hours and in minutes: both given in minutes
    assert values["primitive:human_only_time"] == pytest.approx(raw["human_only_time_mean"] * 60)
    assert values["primitive:human_with_ai_time"] == raw["human_with_ai_time_mean"]
    assert units["primitive:human_only_time"] == units["primitive:human_with_ai_time"] == "minutes"
    assert values["primitive:human_only_time"] > values["primitive:human_with_ai_time"]


def test_profile_ranks_and_us_values(built):
    profile = mart(built, "state_usage_profile").filter(
        (pl.col("wave") == "2026-05") & (pl.col("metric") == "use_case:work")
    )
    ranked = profile.filter(pl.col("state").is_in(US_51)).sort("value", descending=True)
    assert ranked["rank"][0] == 1 and ranked.height == 51
    indiana = profile.filter(pl.col("state") == "IN").row(0, named=True)
    assert indiana["rank"] == 1 + (ranked["value"] > indiana["value"]).sum()
    usage = mart(built, "state_usage").filter(
        (pl.col("wave") == "2026-05") & pl.col("state").is_in(US_51)
    )
    weights = dict(usage.select("state", "usage_share_pct").rows())
    expected = sum(v * weights[s] for s, v in ranked.select("state", "value").rows()) / sum(
        weights[s] for s in ranked["state"]
    )
    assert indiana["us_value"] == pytest.approx(expected, rel=1e-12)


def test_indiana_wage_bands_sum_to_its_jobs_with_a_score(built):
    bands = mart(built, "state_wage_bands").filter(pl.col("state") == "IN")
    occupations = mart(built, "state_occupations").filter(
        (pl.col("state") == "IN") & pl.col("employment").is_not_null()
    )
    scored = occupations.filter(pl.col("observed_exposure").is_not_null())
    assert bands["jobs_with_score"].sum() == scored["employment"].sum()
    assert bands["jobs"].sum() == occupations["employment"].sum()
    assert bands["jobs_high_exposure"].sum() == 604_560
    assert sorted(bands["wage_band"]) == [0, 1, 2, 3, 4, 5]


def test_income_fit_recomputed(built):
    fit = mart(built, "state_income_fit").filter(pl.col("wave") == "2026-05")
    states = mart(built, "states")
    usage = mart(built, "state_usage").filter(
        (pl.col("wave") == "2026-05") & pl.col("state").is_in(US_51)
    )
    income = dict(states.select("state", "gdp_per_working_age_person").rows())
    points = [(math.log(income[s]), math.log(a)) for s, a in usage.select("state", "aui").rows()]
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    residuals = [y - intercept - slope * x for x, y in points]
    r_squared = 1 - sum(r * r for r in residuals) / sum((y - mean_y) ** 2 for _, y in points)
    assert fit["slope"][0] == pytest.approx(slope, rel=1e-9)
    assert fit["r_squared"][0] == pytest.approx(r_squared, rel=1e-9)
    indiana = fit.filter(pl.col("state") == "IN").row(0, named=True)
    predicted = math.exp(intercept + slope * math.log(income["IN"]))
    assert indiana["predicted_aui"] == pytest.approx(predicted, rel=1e-9)
    assert indiana["residual_ratio"] == pytest.approx(0.61 / predicted, rel=1e-9)
    assert indiana["states_in_fit"] == 51
