"""The occupation side: every OEWS occupation, its tasks, where it is concentrated, and the
most exposed jobs of a state — checked against the raw job_exposure, task_penetration and
O*NET rows read here with the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

pytestmark = pytest.mark.integration
LMI = Path("huggingface.co/datasets/Anthropic/EconomicIndex/resolve/main/labor_market_impacts")
ONET_TASKS = Path("www.onetcenter.org/dl_files/database/db_29_3_text/Task Statements.txt")


def mart(config, name: str) -> pl.DataFrame:
    return pl.read_parquet(config.processed_dir / f"{name}.parquet")


def raw_exposure(mirror: Path) -> dict[str, float]:
    with (mirror / LMI / "job_exposure.csv").open(newline="") as handle:
        return {r["occ_code"]: float(r["observed_exposure"]) for r in csv.DictReader(handle)}


def raw_penetration(mirror: Path) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    with (mirror / LMI / "task_penetration.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["task"].strip().lower(), []).append(float(row["penetration"]))
    return found


def raw_tasks(mirror: Path, soc: str) -> dict[int, str]:
    with (mirror / ONET_TASKS).open(newline="", encoding="utf-8") as handle:
        return {
            int(r["Task ID"]): r["Task"]
            for r in csv.DictReader(handle, delimiter="\t")
            if r["O*NET-SOC Code"].startswith(soc + ".")
        }


@pytest.mark.parametrize("soc", ["29-1141", "15-1252", "43-4051"])
def test_occupation_values_from_the_raw_files(built, mirror, soc):
    occupation = mart(built, "occupations").filter(pl.col("soc_code") == soc).row(0, named=True)
    assert occupation["observed_exposure"] == raw_exposure(mirror)[soc]
    tasks = raw_tasks(mirror, soc)
    penetration = raw_penetration(mirror)
    penetrated = {
        i for i, text in tasks.items() if sum(penetration.get(text.strip().lower(), [0])) > 0
    }
    assert occupation["tasks"] == len(tasks)
    assert occupation["tasks_penetrated"] == len(penetrated)
    assert occupation["penetrated_task_share_pct"] == pytest.approx(
        len(penetrated) / len(tasks) * 100
    )
    listed = mart(built, "occupation_tasks").filter(pl.col("soc_code") == soc)
    assert set(listed["task_id"]) == set(tasks)
    for task_id, value in listed.select("task_id", "penetration").rows():
        values = penetration.get(tasks[task_id].strip().lower())
        if values:
            assert value == pytest.approx(sum(values) / len(values))


def test_every_oews_detailed_occupation_is_listed(built):
    occupations = mart(built, "occupations")
    us = mart(built, "state_occupations").filter(pl.col("state") == "US")
    assert set(occupations["soc_code"]) == set(us["soc_code"])
    assert 800 < occupations.height < 900
    aides = occupations.filter(pl.col("soc_code") == "31-1120").row(0, named=True)
    assert aides["combined_code"] and aides["stands_for"] == "31-1121,31-1122"
    assert aides["observed_exposure"] is None and aides["exposure_status"] == "no exposure score"


def test_registered_nurses_are_most_concentrated_in_west_virginia(built):
    nurses = mart(built, "state_occupations").filter(pl.col("soc_code") == "29-1141")
    first = nurses.filter(pl.col("state_rank_by_lq") == 1).row(0, named=True)
    assert (first["state"], first["location_quotient"]) == ("WV", 1.54)
    assert (
        first["state_rank_by_lq_of"]
        == nurses.filter(
            pl.col("location_quotient").is_not_null()
            & ~pl.col("is_territory")
            & (pl.col("state") != "US")
        ).height
    )


def test_indianas_most_exposed_jobs_are_the_cards_jobs(built):
    indiana = mart(built, "state_occupations").filter(
        (pl.col("state") == "IN") & pl.col("highly_exposed")
    )
    summary = mart(built, "state_summary").filter(
        (pl.col("state") == "IN") & (pl.col("wave") == "2026-05")
    )
    assert indiana.height == 81
    assert indiana["employment"].sum() == summary["jobs_high_exposure"].item() == 604_560
    first = indiana.sort("rank_by_exposure_weighted_jobs").row(0, named=True)
    assert first["title"] == "Customer Service Representatives"
    assert (first["employment"], first["observed_exposure"]) == (44_630, 0.7011)


def test_state_ranks_by_employment_follow_the_one_rule(built):
    """Each state's rank for an occupation's jobs among the 51: 1 + states with more jobs;
    equal counts share the best rank; territories and the nation are not ranked."""
    nurses = mart(built, "state_occupations").filter(pl.col("soc_code") == "29-1141")
    ranked = nurses.filter(pl.col("state_rank_by_employment").is_not_null())
    jobs = dict(ranked.select("state", "employment").rows())
    assert len(jobs) == 51 and set(nurses.filter(pl.col("is_territory"))["state"]).isdisjoint(jobs)
    for state, rank, of in ranked.select(
        "state", "state_rank_by_employment", "state_rank_by_employment_of"
    ).rows():
        assert rank == 1 + sum(v > jobs[state] for v in jobs.values()) and of == 51
    assert ranked.sort("state_rank_by_employment")["state"][0] == "CA"


def test_rank_within_the_major_group_counts_the_ranked(built):
    occupations = mart(built, "occupations").filter(pl.col("major_group") == "29")
    scored = occupations.filter(pl.col("observed_exposure").is_not_null())
    assert set(scored["rank_in_group_by_exposure_of"]) == {scored.height}
    assert occupations.filter(pl.col("observed_exposure").is_null())[
        "rank_in_group_by_exposure_of"
    ].null_count() == (occupations.height - scored.height)


def test_us_rank_by_exposure_weighted_jobs_counts_the_scored(built):
    occupations = mart(built, "occupations")
    scored = occupations.filter(pl.col("us_exposure_weighted_jobs").is_not_null())
    assert set(scored["rank_by_exposure_weighted_jobs_of"]) == {scored.height}
    first = occupations.filter(pl.col("rank_by_exposure_weighted_jobs") == 1)
    assert first["soc_code"].to_list() == ["43-4051"]  # Customer Service Representatives
