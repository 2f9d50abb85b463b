"""Sampling uncertainty on shares, AUI and ranks, checked against hand computations written
here from the raw counts (not the pipeline's formulas)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from etl.intervals import DRAWS, proportion_rank_interval, share_rank_interval

pytestmark = pytest.mark.integration
AEI = Path("huggingface.co/datasets/Anthropic/EconomicIndex/resolve/main")
LONG_2025_08 = (
    AEI / "release_2025_09_15/data/intermediate/aei_raw_claude_ai_2025-08-04_to_2025-08-11.csv"
)
POPULATION = AEI / "release_2025_09_15/data/intermediate/working_age_pop_2024_us_state.csv"


def wilson_by_hand(k: float, n: float) -> tuple[float, float]:
    """The Wilson score interval, from its textbook form (z = 1.96 to 2 dp is not enough)."""
    z = 1.959963984540054
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return centre - half, centre + half


def mart(config, name: str) -> pl.DataFrame:
    return pl.read_parquet(config.processed_dir / f"{name}.parquet")


def test_montana_software_share_interval(built):
    """MT, Feb 2026: 56 of 373 conversations assisted software development (15.01 %)."""
    requests = mart(built, "state_requests").filter(
        (pl.col("wave") == "2026-02")
        & (pl.col("level") == "major")
        & (pl.col("state") == "MT")
        & pl.col("cluster").str.starts_with("Assist with software development")
    )
    row = requests.row(0, named=True)
    assert row["conversations"] == 373
    assert row["state_pct"] / 100 * 373 == pytest.approx(56, abs=1e-6)
    low, high = wilson_by_hand(56, 373)
    assert row["state_pct_low"] == pytest.approx(low * 100, rel=1e-9)
    assert row["state_pct_high"] == pytest.approx(high * 100, rel=1e-9)
    assert 11.7 < row["state_pct_low"] < 11.8 and 18.9 < row["state_pct_high"] < 19.0
    # first by the point estimate, but not clearly first
    assert row["state_rank"] == 1 and row["state_rank_low"] == 1 and row["state_rank_high"] > 10
    assert row["specialization_low"] == pytest.approx(row["state_pct_low"] / row["us_pct"])


def test_indiana_usage_share_and_aui_intervals_by_hand(built, mirror):
    counts: dict[str, float] = {}
    with (mirror / LONG_2025_08).open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["geography"] == "state_us" and row["variable"] == "usage_count":
                counts[row["geo_id"]] = float(row["value"])
    with (mirror / POPULATION).open(newline="") as handle:
        population = {r["state_code"]: float(r["working_age_pop"]) for r in csv.DictReader(handle)}
    total, people = sum(counts.values()), sum(population[s] for s in counts)
    low, high = wilson_by_hand(counts["IN"], total)
    population_share = population["IN"] / people
    usage = (
        mart(built, "state_usage")
        .filter((pl.col("wave") == "2025-08") & (pl.col("state") == "IN"))
        .row(0, named=True)
    )
    assert usage["usage_share_low_pct"] == pytest.approx(low * 100, rel=1e-9)
    assert usage["usage_share_high_pct"] == pytest.approx(high * 100, rel=1e-9)
    assert usage["aui_low"] == pytest.approx(low / population_share, rel=1e-9)
    assert usage["aui_high"] == pytest.approx(high / population_share, rel=1e-9)
    assert usage["aui_low"] < usage["aui"] < usage["aui_high"]
    assert usage["aui_rank_low"] <= usage["aui_rank"] <= usage["aui_rank_high"]


def test_rank_intervals_narrow_for_big_states_and_wide_for_small_ones(built):
    usage = mart(built, "state_usage")
    width = {
        (r["wave"], r["state"]): r["aui_rank_high"] - r["aui_rank_low"]
        for r in usage.filter(pl.col("aui_rank_low").is_not_null()).iter_rows(named=True)
    }
    # (not 2025-11: Wyoming's anomalous traffic put it first by a wide margin that week)
    for wave in ("2025-08", "2026-02"):
        assert width[(wave, "CA")] < width[(wave, "WY")], wave
    # DC and UT stand far above the rest in 2025-08: first or second, nothing else
    ranks = usage.filter(pl.col("wave") == "2025-08").filter(pl.col("state").is_in(["DC", "UT"]))
    assert set(ranks["aui_rank_low"]) | set(ranks["aui_rank_high"]) <= {1, 2}


def test_every_rank_interval_holds_its_rank(built):
    usage = mart(built, "state_usage").filter(pl.col("aui_rank").is_not_null())
    assert (usage["aui_rank_low"] <= usage["aui_rank"]).all()
    assert (usage["aui_rank"] <= usage["aui_rank_high"]).all()
    requests = mart(built, "state_requests").filter(pl.col("state_rank_low").is_not_null())
    assert requests.height > 1000
    assert (requests["state_rank_low"] <= requests["state_rank"]).all()
    assert (requests["state_rank"] <= requests["state_rank_high"]).all()


def test_waves_without_counts_get_the_rounding_range(built):
    usage = mart(built, "state_usage").filter(pl.col("wave") == "2026-05")
    rows = {r["state"]: r for r in usage.iter_rows(named=True)}
    for state in ("IN", "MI"):  # both 0.61
        assert rows[state]["aui"] == 0.61
        assert (rows[state]["aui_rank_low"], rows[state]["aui_rank_high"]) == (32, 33)
        assert rows[state]["aui_low"] is None
        assert rows[state]["interval_status"] == "not computable"
        assert "rounding" in rows[state]["rank_interval_kind"]


def test_simulation_is_seeded():
    counts = np.array([5000.0, 4900.0, 300.0, 290.0, 20.0])
    point = np.array([1, 2, 3, 4, 5])
    first = share_rank_interval(counts, point, seed=7)
    again = share_rank_interval(counts, point, 7)
    assert all((a == b).all() for a, b in zip(first, again, strict=True))
    low, high = first
    assert list(low[:2]) == [1, 1] and list(high[:2]) == [2, 2]  # 5000 vs 4900: a coin toss
    assert low[4] == high[4] == 5
    k = np.array([[50.0, 10.0, np.nan]])
    n = np.array([[100.0, 100.0, 100.0]])
    low, high = proportion_rank_interval(k, n, np.array([[1, 2, np.nan]]), seed=1)
    assert (low[0, 0], high[0, 0]) == (1, 1) and np.isnan(low[0, 2])
    assert DRAWS >= 2000
