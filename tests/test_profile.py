"""The deeper state profile: how people use Claude.ai, who is exposed by wage, and usage
against income — checked against the raw rows and computed again here."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
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


# --- the app: the state page, the map, the downloads, the briefing ----------------------
def fit_of(built, wave: str) -> tuple[dict[str, float], dict[str, str]]:
    """Each state's AUI ÷ the AUI its income predicts, and its words, from the AUI and the
    income alone (numpy's least squares on the logs, not the mart's columns)."""
    states = mart(built, "states")
    usage = mart(built, "state_usage").filter(
        (pl.col("wave") == wave) & pl.col("state").is_in(US_51) & (pl.col("aui") > 0)
    )
    income = dict(states.select("state", "gdp_per_working_age_person").rows())
    codes = usage["state"].to_list()
    x = np.log([income[s] for s in codes])
    y = np.log(usage["aui"].to_numpy())
    slope, intercept = np.polyfit(x, y, 1)
    ratio = dict(zip(codes, np.exp(y - intercept - slope * x), strict=True))
    words = {
        s: "more than" if r > 1.1 else "less than" if r < 0.9 else "about as much as"
        for s, r in ratio.items()
    }
    return ratio, words


def test_indiana_page_shows_the_three_panels(built, mirror):
    from dashboard.data import Marts
    from dashboard.pages import state as state_page
    from dashboard.urls import StateView
    from tests.dash_tree import texts

    raw = raw_overall(mirror, "US-IN", "2026-05-01")
    data = Marts(built.processed_dir)
    body = " ".join(texts(state_page.body(data, StateView("IN", "2026-05"))))
    assert "How people in Indiana use Claude.ai — 2026-05" in body
    for metric in ("use_case_work_pct", "use_case_personal_pct", "use_case_coursework_pct"):
        assert f"{raw[metric]:.2f}%" in body
    assert (raw["use_case_work_pct"], raw["use_case_coursework_pct"]) == (37.21, 11.50)
    # both times in minutes: hours × 60 beside minutes as published
    assert f"Time without AI {raw['human_only_time_mean'] * 60:,.0f} min" in body
    assert f"Time with AI {raw['human_with_ai_time_mean']:,.0f} min" in body
    assert "no sampling interval" in body
    # who is exposed: the bands' jobs with a score add up to the state's
    scored = mart(built, "state_occupations").filter(
        (pl.col("state") == "IN")
        & pl.col("employment").is_not_null()
        & pl.col("observed_exposure").is_not_null()
    )
    assert f"{scored['employment'].sum():,.0f} jobs with an exposure score in all" in body
    assert "Who is exposed in Indiana" in body
    ratio, words = fit_of(built, "2026-05")
    assert f"Indiana uses AI {words['IN']} its income predicts" in body
    assert words["IN"] == "less than" and ratio["IN"] < 0.9


def test_the_map_offers_use_cases_and_the_income_residual(built):
    from dashboard import views
    from dashboard.data import Marts
    from dashboard.urls import MapView

    data = Marts(built.processed_dir)
    assert data.metric_waves("use_work") == ("2026-04", "2026-05")
    assert data.metric_waves("income_residual") == tuple(sorted(mart(built, "waves")["wave"]))
    rows, us_value = views.map_rows(data, MapView("use_coursework", "2026-05"))
    indiana = next(r for r in rows if r.state == "IN")
    assert indiana.value_text == "11.50%"
    shares = mart(built, "state_usage_profile").filter(
        (pl.col("wave") == "2026-05") & (pl.col("metric") == "use_case:coursework")
    )
    values = dict(shares.filter(pl.col("state").is_in(US_51)).select("state", "value").rows())
    above = sum(v > values["IN"] for v in values.values())
    assert indiana.rank == above + 1 and indiana.rank_text.startswith(f"rank {above + 1} of 51")
    assert us_value == shares["us_value"][0]
    ratio, _ = fit_of(built, "2026-05")
    rows, us_value = views.map_rows(data, MapView("income_residual", "2026-05"))
    assert us_value is None  # a ratio to a fit has no US value
    by_state = {r.state: r for r in rows}
    assert by_state["IN"].value == pytest.approx(ratio["IN"], rel=1e-9)
    first = max(ratio, key=ratio.get)
    assert by_state[first].rank == 1
    assert by_state["IN"].rank == 1 + sum(v > ratio["IN"] for v in ratio.values())


def test_profile_downloads_and_briefing(built, app):
    from dashboard.briefing.content import briefing
    from dashboard.briefing.layout import page

    client = app.server.test_client()
    uses = pl.read_csv(
        client.get("/download/state/IN/usage_profile.csv?wave=2026-05").data,
        infer_schema_length=None,
    )
    assert dict(uses.select("metric", "value").rows())["use_case:personal"] == 51.29
    bands = pl.read_csv(client.get("/download/state/IN/wage_bands.csv").data)
    assert set(bands["state"]) == {"IN", "US"}
    fit = pl.read_csv(client.get("/download/state/IN/income_fit.csv?wave=2026-05").data)
    assert fit.height == 51 and "IN" in fit["state"].to_list()
    for figure in ("usage-profile", "wage-bands", "exposure-wage", "income-fit"):
        response = client.get(f"/download/figure/{figure}.svg?state=IN&wave=2026-05")
        assert response.status_code == 200 and b"<svg" in response.data[:500], figure
    from dashboard.data import Marts

    body, _ = page(briefing(Marts(built.processed_dir), "IN", "2026-05"))
    assert "work 37.21%, personal 51.29%, coursework 11.50%" in body
    assert "Indiana uses AI less than its income predicts" in body
