"""What each number rests on: no NaN or infinity anywhere, a status for every missing value,
the support rule, the anomaly rule and the two occupation measures — on the real mirror,
checked against values computed independently from the raw files."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest

from etl.evidence import (
    IMPRECISE_RSE_PCT,
    LOW_SUPPORT,
    MAX_RSE_PCT,
    MIN_COVERAGE_PCT,
    MIN_TASKS,
    NO_EXPOSURE_SCORE,
    NOT_IN_FILE,
    STATUSES,
    SUPPORTED,
    TOO_LITTLE_DATA,
    WITHHELD,
    precision,
)
from etl.marts.runner import MARTS

pytestmark = pytest.mark.integration
AEI = Path("huggingface.co/datasets/Anthropic/EconomicIndex/resolve/main")
LONG_2025_08 = (
    AEI / "release_2025_09_15/data/intermediate/aei_raw_claude_ai_2025-08-04_to_2025-08-11.csv"
)


def mart(config, name: str) -> pl.DataFrame:
    return pl.read_parquet(config.processed_dir / f"{name}.parquet")


@pytest.mark.parametrize("name", [m.name for m in MARTS])
def test_no_nan_or_infinity_in_any_mart_or_csv(built, name):
    frame = mart(built, name)
    for column, dtype in frame.schema.items():
        if dtype.is_float():
            assert frame[column].is_nan().sum() == 0, column
            assert frame[column].is_infinite().sum() == 0, column
    text = (built.processed_dir / "csv" / f"{name}.csv").read_text()
    # a whole cell, not a name containing it (Buchanan County)
    assert not re.search(r"(^|,)(NaN|nan|-?inf|None)(,|$)", text, re.MULTILINE)


@pytest.mark.parametrize("name", [m.name for m in MARTS])
def test_every_status_is_from_the_closed_list(built, name):
    frame = mart(built, name)
    for column in [c for c in frame.columns if c.endswith("_status")]:
        assert set(frame[column].drop_nulls()) <= {*STATUSES, "top-coded"}, column


def test_us_automation_is_missing_with_a_reason_not_nan(built):
    us = mart(built, "state_summary").filter(pl.col("state") == "US").sort("wave")
    rows = {r["wave"]: r for r in us.iter_rows(named=True)}
    for wave in ("2025-11", "2026-02"):  # the files read have no collaboration facet
        assert rows[wave]["automation_share_pct"] is None
        assert rows[wave]["automation_status"] == NOT_IN_FILE
    assert 0 < rows["2025-08"]["automation_share_pct"] < 100
    assert rows["2025-08"]["automation_status"] is None


def _raw_task_rows(mirror: Path) -> dict[str, list[tuple[str, float]]]:
    """2025-08 state onet_task_pct rows straight from the AEI file: state -> (task, pct)."""
    found: dict[str, list[tuple[str, float]]] = defaultdict(list)
    with (mirror / LONG_2025_08).open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["geography"] == "state_us" and row["variable"] == "onet_task_pct":
                found[row["geo_id"]].append((row["cluster_name"], float(row["value"])))
    return found


def test_delaware_computer_occupations_are_withheld(built, mirror):
    """DE publishes a single task in 2025-08: the share it would give its occupation group
    (100 % Computer and Mathematical on main before) is withheld, with the reason."""
    assert len(_raw_task_rows(mirror)["DE"]) == 1
    groups = mart(built, "state_occupation_groups")
    row = groups.filter(
        (pl.col("wave") == "2025-08") & (pl.col("state") == "DE") & (pl.col("major_group") == "15")
    ).row(0, named=True)
    assert row["task_attributed_share_pct"] is None
    assert row["task_attributed_status"] == TOO_LITTLE_DATA
    assert row["task_attributed_support"] == "withheld"
    assert f"fewer than {MIN_TASKS}" in row["task_attributed_support_reason"]
    assert row["task_attributed_share_to_employment_ratio"] is None
    assert row["task_attributed_share_rank"] is None


def test_indiana_task_attributed_groups_are_flagged_and_computed_by_hand(built, mirror):
    """IN's 15 published tasks cover 23.6 % of its conversations: flagged low support. The
    group shares are recomputed here from the raw task rows and the task -> occupation map."""
    tasks = _raw_task_rows(mirror)["IN"]
    coverage = sum(pct for _, pct in tasks)
    assert coverage == pytest.approx(23.64828, abs=1e-4)
    links = mart(built, "task_occupation_map").filter(pl.col("oews_code").is_not_null())
    weights: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for key, code, weight in links.select("task_key", "oews_code", "weight").iter_rows():
        weights[key].append((code[:2], weight))
    expected: dict[str, float] = defaultdict(float)
    tasks_of: dict[str, set[str]] = defaultdict(set)
    for task, pct in tasks:
        for group, weight in weights[task]:
            expected[group] += pct * weight / coverage * 100
            tasks_of[group].add(task)
    groups = mart(built, "state_occupation_groups").filter(
        (pl.col("wave") == "2025-08") & (pl.col("state") == "IN")
    )
    shown = {r["major_group"]: r for r in groups.iter_rows(named=True)}
    assert {g for g in expected if len(tasks_of[g]) >= MIN_TASKS}  # some are shown
    for group, share in expected.items():
        row = shown[group]
        assert row["tasks_attributed"] == len(tasks_of[group]), group
        if len(tasks_of[group]) >= MIN_TASKS:
            assert row["task_attributed_share_pct"] == pytest.approx(share, rel=1e-12), group
        else:  # e.g. Arts and Design: 21.2 % on 3 tasks
            assert row["task_attributed_share_pct"] is None, group
            assert row["task_attributed_status"] == TOO_LITTLE_DATA
    flagged = groups.filter(pl.col("major_group") == "15").row(0, named=True)
    assert flagged["task_attributed_support"] == "low support"
    assert f"under {int(MIN_COVERAGE_PCT)}%" in flagged["task_attributed_support_reason"]
    assert flagged["task_coverage_pct"] == pytest.approx(coverage, rel=1e-12)


def test_the_two_occupation_measures_never_share_a_column(built):
    groups = mart(built, "state_occupation_groups")
    may = groups.filter((pl.col("wave") == "2026-05") & (pl.col("state") == "IN"))
    computer = may.filter(pl.col("major_group") == "15").row(0, named=True)
    assert computer["published_share_pct"] == pytest.approx(21.18)
    assert computer["task_attributed_share_pct"] is None
    assert computer["task_attributed_status"] == NOT_IN_FILE
    august = groups.filter(pl.col("wave") == "2025-08")
    assert august["published_share_pct"].null_count() == august.height
    assert set(august["published_status"]) == {NOT_IN_FILE}
    assert "usage_share_pct" not in groups.columns


def test_no_ratio_is_published_for_detailed_occupations(built):
    occupations = mart(built, "state_occupations")
    assert not [c for c in occupations.columns if "ratio" in c]
    architects = occupations.filter(
        (pl.col("state") == "IN") & (pl.col("title") == "Database Architects")
    ).row(0, named=True)
    assert architects["task_attributed_share_pct"] is None  # one task: withheld
    assert architects["task_attributed_share_status"] == TOO_LITTLE_DATA


def test_combined_oews_codes_have_no_exposure_score(built):
    us = mart(built, "state_occupations").filter(pl.col("state") == "US")
    for code in ("31-1120", "13-1020", "29-2010"):
        row = us.filter(pl.col("soc_code") == code).row(0, named=True)
        assert row["observed_exposure"] is None
        assert row["exposure_status"] == NO_EXPOSURE_SCORE
    assert us.filter(pl.col("soc_code") == "31-1120")["employment"].item() == 4_305_810


def test_anomaly_flags_reach_every_table_of_the_state_wave(built):
    usage = mart(built, "state_usage")
    flagged = usage.filter(pl.col("anomaly") != "").select("wave", "state").rows()
    assert ("2025-08", "UT") in flagged and ("2026-02", "WY") in flagged
    assert ("2026-05", "IN") not in flagged
    for name in ("state_summary", "state_requests", "state_occupation_groups"):
        table = mart(built, name)
        for wave, state in (("2025-08", "UT"), ("2026-02", "WY")):
            rows = table.filter((pl.col("wave") == wave) & (pl.col("state") == state))
            assert rows.height and (rows["anomaly"] != "").all(), (name, wave, state)
    wyoming = usage.filter((pl.col("wave") == "2025-11") & (pl.col("state") == "WY"))
    assert "excluded Wyoming" in wyoming["caveat"].item()


def test_small_states_request_shares_are_flagged(built):
    requests = mart(built, "state_requests").filter(
        (pl.col("wave") == "2025-08") & (pl.col("level") == "major")
    )
    wyoming = requests.filter(pl.col("state") == "WY").row(0, named=True)
    assert wyoming["not_classified_pct"] == pytest.approx(85.925926, abs=1e-5)
    assert wyoming["support"] == "low support"
    assert "not classified" in wyoming["support_reason"]
    california = requests.filter(pl.col("state") == "CA").row(0, named=True)
    assert california["support"] == "sufficient"


def test_jobs_at_other_exposure_cut_offs(built):
    occupations = mart(built, "state_occupations").filter(
        (pl.col("state") == "IN") & pl.col("employment").is_not_null()
    )
    summary = mart(built, "state_summary").filter(
        (pl.col("state") == "IN") & (pl.col("wave") == "2026-05")
    )
    for name, cut in (("low", 0.1), ("very_high", 0.5)):
        expected = occupations.filter(pl.col("observed_exposure") >= cut)["employment"].sum()
        assert summary[f"jobs_exposure_{name}"].item() == expected
    assert summary["jobs_high_exposure"].item() == 604_560
    assert summary["high_exposure_threshold"].item() == 0.25


def test_precision_rule_of_area_estimates_at_its_thresholds():
    """Flagged over 30 % RSE, withheld over 40 %; a cell without an RSE (not released)
    keeps the default level, its value's status saying why it is missing."""
    level, reason = precision(pl.col("rse"))
    rows = (
        pl.DataFrame({"rse": [None, 0.0, 30.0, 30.1, 40.0, 40.1]})
        .select(level.alias("level"), reason.alias("reason"))
        .rows()
    )
    assert (IMPRECISE_RSE_PCT, MAX_RSE_PCT) == (30.0, 40.0)
    assert rows == [
        (SUPPORTED, ""),
        (SUPPORTED, ""),
        (SUPPORTED, ""),
        (LOW_SUPPORT, "employment RSE 30.1% (over 30%)"),
        (LOW_SUPPORT, "employment RSE 40.0% (over 30%)"),
        (WITHHELD, "employment RSE 40.1% (over 40%)"),
    ]
