"""`state_summary`: the headline numbers of each state and wave, plus US rows to compare.

It is what the map colours and what the briefing leads with, so every column is a number a
legislator can read: AUI and rank, usage share, automation share, how exposed the state's
jobs are, the top uses of AI, and the largest occupations.
"""

from __future__ import annotations

import polars as pl

from etl.evidence import NOT_COMPUTABLE, NOT_IN_FILE, SUPPORTED, status
from etl.geo import US_51
from etl.marts.occupations import HIGH_EXPOSURE_THRESHOLD
from etl.marts.usage import INTERVAL_COLUMNS
from etl.readers.oews import nation_and_states
from etl.spec import (
    ANOMALY,
    IS_TERRITORY,
    RELEASE,
    STATE,
    STATE_NAME,
    WAVE,
    Mart,
    col,
    rank_columns,
    rank_within,
    stable_sum,
    status_col,
    support_cols,
)

TOP_N = 3
TOP_USE_LEVEL = "major"  # the coarsest request level: published for all 51 in 2025 waves


# Jobs counted at two more cut-offs, so a reader sees how much the 0.25 choice matters.
OTHER_THRESHOLDS = {"low": 0.1, "very_high": 0.5}


def exposure_by_state(occupations: pl.DataFrame) -> pl.DataFrame:
    scored = occupations.filter(pl.col("employment").is_not_null())
    both = pl.col("observed_exposure").is_not_null()
    return scored.group_by("state").agg(
        *[
            pl.col("employment")
            .filter(both & (pl.col("observed_exposure") >= cut))
            .sum()
            .alias(f"jobs_exposure_{name}")
            for name, cut in OTHER_THRESHOLDS.items()
        ],
        (
            stable_sum((pl.col("employment") * pl.col("observed_exposure")).filter(both))
            / pl.col("employment").filter(both).sum()
        ).alias("exposure_weighted_employment"),
        stable_sum((pl.col("employment") * pl.col("observed_exposure")).filter(both)).alias(
            "exposure_weighted_jobs"
        ),
        pl.col("employment")
        .filter(both & (pl.col("observed_exposure") >= HIGH_EXPOSURE_THRESHOLD))
        .sum()
        .alias("jobs_high_exposure"),
        stable_sum(pl.col("employment_share_pct").filter(both)).alias(
            "employment_with_exposure_pct"
        ),
    )


def _spread(
    frame: pl.DataFrame, by: list[str], order: list[str], fields: dict[str, str], prefix: str
) -> pl.DataFrame:
    """The first N ranked rows per group, in `order` (rank, then a documented key for ties),
    as flat columns prefix_1_field, prefix_2_field, ..."""
    top = (
        frame.filter(pl.col(order[0]).is_not_null())
        .sort([*by, *order])
        .with_columns(pl.int_range(1, pl.len() + 1).over(by).alias("position"))
        .filter(pl.col("position") <= TOP_N)
    )
    wide = None
    for n in range(1, TOP_N + 1):
        part = top.filter(pl.col("position") == n).select(
            *by, *[pl.col(src).alias(f"{prefix}_{n}_{dst}") for src, dst in fields.items()]
        )
        wide = part if wide is None else wide.join(part, on=by, how="full", coalesce=True)
    return wide


def _top_uses(requests: pl.DataFrame) -> pl.DataFrame:
    """Tied clusters are listed by name."""
    major = requests.filter((pl.col("level") == TOP_USE_LEVEL) & pl.col("is_classified"))
    fields = {"cluster": "name", "state_pct": "pct", "specialization": "specialization"}
    states = _spread(major, ["wave", "state"], ["rank_in_state", "cluster"], fields, "top_use")
    national = (
        major.select("wave", "cluster", "us_pct")
        .unique(["wave", "cluster"])
        .with_columns(pl.lit(1.0).alias("specialization"), pl.lit("US").alias("state"))
        .rename({"us_pct": "state_pct"})
        .pipe(rank_within, ["wave"], "state_pct", "rank")
    )
    us = _spread(national, ["wave", "state"], ["rank", "cluster"], fields, "top_use")
    return pl.concat([states, us], how="diagonal_relaxed")


def _largest_occupations(occupations: pl.DataFrame) -> pl.DataFrame:
    """Tied occupations are listed by SOC code."""
    fields = {"title": "title", "employment": "employment", "observed_exposure": "exposure"}
    order = ["rank_by_employment", "soc_code"]
    return _spread(occupations, ["state"], order, fields, "largest_occupation")


def _national_automation(harmonised: pl.DataFrame) -> pl.DataFrame:
    """The automation share a release publishes for the nation, where it does."""
    return harmonised.filter(
        (pl.col("geo_level") == "nation")
        & (pl.col("dimension") == "collaboration_bucket")
        & (pl.col("cluster_id") == "automation")
        & (pl.col("measure") == "pct")
    ).select("wave", pl.col("value").alias("national_automation"))


def _us_usage(usage: pl.DataFrame, harmonised: pl.DataFrame) -> pl.DataFrame:
    """National rows: totals over the 51; the automation share as published for the nation
    where the release has national rows, else the usage-weighted mean of the states'."""
    states = usage.filter(~pl.col("is_territory"))
    weight = pl.coalesce("usage_count", "usage_share_pct")
    automation = pl.col("automation_share_pct")
    return (
        states.group_by("wave", "release")
        .agg(
            pl.col("usage_count")
            .sum()
            .alias("usage_count")
            .pipe(lambda e: pl.when(pl.col("usage_count").is_not_null().any()).then(e)),
            pl.lit(100.0).alias("usage_share_pct"),
            pl.lit(1.0).alias("aui"),
            pl.when(automation.is_not_null().any())
            .then(
                stable_sum((automation * weight).filter(automation.is_not_null()))
                / stable_sum(weight.filter(automation.is_not_null()))
            )
            .alias("automation_share_pct"),
        )
        .with_columns(
            pl.lit("US").alias("state"),
            pl.lit("United States").alias("state_name"),
            pl.lit(False).alias("is_territory"),
            # the US is the reference (AUI 1, 100 % of itself): no interval to draw
            pl.lit(NOT_COMPUTABLE).alias("interval_status"),
        )
        .join(_national_automation(harmonised), on="wave", how="left")
        .with_columns(
            pl.coalesce("national_automation", "automation_share_pct").alias("automation_share_pct")
        )
        .drop("national_automation")
    )


def build_state_summary(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    usage = inputs["state_usage"]
    head = usage.select(
        "wave",
        "release",
        "state",
        "state_name",
        "is_territory",
        "aui",
        "aui_rank",
        "aui_rank_tied",
        "states_ranked",
        "usage_tier_name",
        "usage_share_pct",
        "usage_count",
        "automation_share_pct",
        "caveat",
        "anomaly",
        "support",
        "support_reason",
        *FROM_USAGE,
    )
    rows = pl.concat([head, _us_usage(usage, inputs["aei_harmonised"])], how="diagonal_relaxed")
    exposure = exposure_by_state(inputs["state_occupations"])
    totals = (
        nation_and_states(inputs["oews"])
        .filter((pl.col("soc_code") == "00-0000") & (pl.col("datatype_code") == "01"))
        .select(pl.col("state").cast(pl.String), pl.col("value").alias("total_employment"))
    )
    summary = (
        rows.join(exposure, on="state", how="left")
        .join(totals, on="state", how="left")
        .join(_top_uses(inputs["state_requests"]), on=["wave", "state"], how="left")
        .join(_largest_occupations(inputs["state_occupations"]), on="state", how="left")
        .with_columns(
            (pl.col("jobs_high_exposure") / pl.col("total_employment") * 100).alias(
                "jobs_high_exposure_pct"
            ),
            *[
                (pl.col(f"jobs_exposure_{name}") / pl.col("total_employment") * 100).alias(
                    f"jobs_exposure_{name}_pct"
                )
                for name in OTHER_THRESHOLDS
            ],
            pl.lit(HIGH_EXPOSURE_THRESHOLD).alias("high_exposure_threshold"),
            pl.lit(TOP_USE_LEVEL).alias("top_use_level"),
            pl.col("caveat", "anomaly").fill_null(""),
            pl.col("support").fill_null(SUPPORTED),
            pl.col("support_reason").fill_null(""),
        )
        .join(_top_uses_support(inputs["state_requests"]), on=["wave", "state"], how="left")
        .pipe(_with_statuses, usage)
    )
    in_51 = pl.col("state").is_in(US_51)
    for value, rank in RANKED.items():
        summary = rank_within(
            summary, ["wave"], value, f"{rank}_rank", where=in_51, ranked_of=f"{rank}_states_ranked"
        )
    return summary


def _top_uses_support(requests: pl.DataFrame) -> pl.DataFrame:
    """The top uses' support: the state's not_classified share at the top-use level."""
    level = requests.filter(pl.col("level") == TOP_USE_LEVEL)
    return level.select(
        "wave",
        "state",
        pl.col("support").alias("top_uses_support"),
        pl.col("support_reason").alias("top_uses_support_reason"),
    ).unique(["wave", "state"])


def _with_statuses(summary: pl.DataFrame, usage: pl.DataFrame) -> pl.DataFrame:
    """Why each headline value is missing where it is. State rows take the usage statuses;
    the US row's automation share is missing only where no state has one."""
    statuses = usage.select(
        "wave", "state", "usage_share_status", "aui_status", "automation_status"
    )
    no_automation = pl.col("automation_share_pct").is_null().all().over("wave")
    no_uses = pl.col("top_use_1_name").is_null().all().over("wave")
    return summary.join(statuses, on=["wave", "state"], how="left").with_columns(
        pl.coalesce(
            "automation_status",
            status("automation_share_pct", (no_automation, NOT_IN_FILE)),
        ).alias("automation_status"),
        status("exposure_weighted_employment").alias("exposure_status"),
        status("jobs_high_exposure").alias("jobs_high_exposure_status"),
        status("top_use_1_name", (no_uses, NOT_IN_FILE)).alias("top_uses_status"),
        pl.col("top_uses_support").fill_null(
            pl.when(pl.col("top_use_1_name").is_null()).then(pl.lit(None))
        ),
    )


# Columns of state_usage repeated here: the usage share's rank and the sampling intervals.
FROM_USAGE = [c.name for c in INTERVAL_COLUMNS]
# Headline columns ranked here among the 51 (AUI and usage share come ranked from
# state_usage): column -> name.
RANKED = {
    "automation_share_pct": "automation",
    "exposure_weighted_employment": "exposure",
    "jobs_high_exposure_pct": "jobs_high_exposure",
}


def _top_columns() -> list:
    columns = []
    for n in range(1, TOP_N + 1):
        columns += [
            col(
                f"top_use_{n}_name",
                pl.String,
                "",
                f"The state's #{n} request cluster at top_use_level, by share of conversations.",
                "state_requests",
            ),
            col(
                f"top_use_{n}_pct",
                pl.Float64,
                "% of conversations",
                f"Share of #{n}.",
                "state_requests.state_pct",
            ),
            col(
                f"top_use_{n}_specialization",
                pl.Float64,
                "ratio",
                f"#{n}'s state share ÷ US share.",
                "state_requests.specialization",
            ),
        ]
    for n in range(1, TOP_N + 1):
        columns += [
            col(
                f"largest_occupation_{n}_title",
                pl.String,
                "",
                f"The state's #{n} occupation by OEWS employment.",
                "state_occupations",
            ),
            col(
                f"largest_occupation_{n}_employment",
                pl.Float64,
                "jobs",
                f"Employment of #{n}.",
                "BLS OEWS",
            ),
            col(
                f"largest_occupation_{n}_exposure",
                pl.Float64,
                "share 0-1",
                f"observed_exposure of #{n}.",
                "AEI job_exposure.csv",
            ),
        ]
    return columns


STATE_SUMMARY = Mart(
    name="state_summary",
    description="Headline numbers per state and wave (with US rows): AUI and rank, usage "
    "share, automation share, exposure of the state's jobs, top uses of AI, "
    "largest occupations.",
    key=("wave", "state"),
    columns=(
        WAVE,
        STATE,
        STATE_NAME,
        IS_TERRITORY,
        RELEASE,
        col(
            "aui",
            pl.Float64,
            "index",
            "Anthropic AI Usage Index (US = 1 by definition).",
            "state_usage.aui",
        ),
        col("aui_rank", pl.Int16, "rank", "1 = highest AUI of the 51.", "state_usage"),
        col(
            "aui_rank_tied",
            pl.Boolean,
            "",
            "True when another state has the same AUI (they share the rank).",
            "state_usage",
        ),
        col("states_ranked", pl.Int16, "count", "States with an AUI this wave.", "state_usage"),
        col("usage_tier_name", pl.String, "", "AUI quartile tier.", "state_usage"),
        col(
            "usage_share_pct",
            pl.Float64,
            "% of the 51",
            "Share of US conversations (US = 100).",
            "state_usage",
        ),
        col(
            "usage_count",
            pl.Float64,
            "conversations",
            "Conversations in the sample (US = sum over the 51).",
            "state_usage",
        ),
        col(
            "automation_share_pct",
            pl.Float64,
            "% of classified collaboration",
            "Automation share; US row: the release's national value where it publishes one, "
            "else the usage-weighted mean of the states'.",
            "state_usage",
        ),
        col(
            "exposure_weighted_employment",
            pl.Float64,
            "share 0-1",
            "Σ_occ employment × "
            "observed_exposure ÷ Σ_occ employment over detailed occupations with both: the "
            "average AI exposure of the state's jobs.",
            "BLS OEWS; AEI job_exposure.csv",
        ),
        col(
            "exposure_weighted_jobs",
            pl.Float64,
            "job equivalents",
            "Σ_occ employment × observed_exposure.",
        ),
        col(
            "employment_with_exposure_pct",
            pl.Float64,
            "% of state jobs",
            "Coverage: share of "
            "the state's all-occupations employment in detailed occupations with an exposure "
            "score (the rest is suppressed by BLS or has no score).",
        ),
        col(
            "jobs_high_exposure",
            pl.Float64,
            "jobs",
            "Employment in occupations with "
            f"observed_exposure ≥ {HIGH_EXPOSURE_THRESHOLD} (at least a quarter of the "
            "occupation's task time covered by observed AI use).",
        ),
        col(
            "jobs_high_exposure_pct",
            pl.Float64,
            "% of state jobs",
            "jobs_high_exposure ÷ all-occupations employment × 100.",
        ),
        col(
            "total_employment",
            pl.Float64,
            "jobs",
            "All-occupations employment, May 2025.",
            "BLS OEWS 00-0000 datatype 01",
        ),
        col(
            "high_exposure_threshold",
            pl.Float64,
            "share 0-1",
            "The observed exposure at or above which this product calls an occupation "
            "highly exposed (a choice of this product, not of the source).",
        ),
        *[
            column
            for value, rank in RANKED.items()
            for column in rank_columns(
                f"{rank}_rank",
                f"the state's {value}",
                "among the 50 states and DC with a value this wave",
                ranked_of=f"{rank}_states_ranked",
            )
        ],
        col("top_use_level", pl.String, "", "Request level of the top uses."),
        *_top_columns(),
        col(
            "caveat",
            pl.String,
            "",
            "Publisher's caveat for this state-wave, else empty.",
            "state_usage",
        ),
        ANOMALY,
        *support_cols("the usage share and AUI"),
        *support_cols("the top uses (request clusters at top_use_level)", prefix="top_uses_"),
        *[
            column
            for name, cut in OTHER_THRESHOLDS.items()
            for column in (
                col(
                    f"jobs_exposure_{name}",
                    pl.Float64,
                    "jobs",
                    f"Employment in occupations with observed_exposure ≥ {cut}: the jobs count "
                    "at another cut-off, to show how much the 0.25 choice matters.",
                ),
                col(
                    f"jobs_exposure_{name}_pct",
                    pl.Float64,
                    "% of state jobs",
                    f"jobs_exposure_{name} ÷ all-occupations employment × 100.",
                ),
            )
        ],
        *INTERVAL_COLUMNS,
        status_col("aui_status", "aui"),
        status_col("usage_share_status", "usage_share_pct"),
        status_col("automation_status", "automation_share_pct"),
        status_col("exposure_status", "exposure_weighted_employment"),
        status_col("jobs_high_exposure_status", "jobs_high_exposure"),
        status_col("top_uses_status", "top_use_1_name"),
    ),
    staging=("oews",),
    marts=("aei_harmonised", "state_usage", "state_requests", "state_occupations"),
    build=build_state_summary,
)
