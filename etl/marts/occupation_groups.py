"""`state_occupation_groups`: jobs by SOC major group beside two different AI-usage measures.

The two measures are different quantities and never share a column, a label or a trend line
(docs/methodology.md, "Two occupation measures"):

- **task-attributed share** (waves with O*NET task rows, e.g. 2025-08): the group's share of
  the state's *task-classified* conversations, built from the few task rows that pass the
  privacy floor (they cover 3–66 % of a state's conversations). Usage of an occupation the
  state's OEWS does not list stays in its major group (the group comes from the code).
- **published share** (the 2026 release's `soc_occupation` facet): the group's share of
  *all* the state's conversations, as published.
"""

from __future__ import annotations

import polars as pl

from etl.evidence import NOT_IN_FILE, TOO_LITTLE_DATA, WITHHELD, status, support
from etl.marts.occupations import state_totals
from etl.marts.requests import usage_weights, with_us_baseline
from etl.marts.task_attribution import attributed_usage
from etl.readers.oews import nation_and_states
from etl.spec import (
    ANOMALY,
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

MEASURES = ("task_attributed", "published")


def _major_groups(oews: pl.DataFrame) -> pl.DataFrame:
    majors = oews.filter(
        (pl.col("occupation_level") == "major") & (pl.col("datatype_code") == "01")
    )
    return majors.select(
        pl.col("state").cast(pl.String),
        "is_territory",
        pl.col("soc_code").str.slice(0, 2).alias("major_group"),
        pl.col("occupation_name").cast(pl.String).alias("major_group_title"),
        pl.col("value").alias("employment"),
    )


def _task_attributed(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    rows = attributed_usage(
        inputs["state_tasks"], inputs["task_occupation_map"], inputs["state_usage"], "major_group"
    )
    level, reason = support(
        conversations=pl.col("conversations"),
        tasks=pl.col("tasks_attributed"),
        coverage_pct=pl.col("task_coverage_pct"),
    )
    rows = rows.with_columns(
        level.alias("task_attributed_support"), reason.alias("task_attributed_support_reason")
    ).with_columns(
        pl.when(pl.col("task_attributed_support") != WITHHELD)
        .then(pl.col("share_pct"))
        .alias("task_attributed_share_pct")
    )
    us = rows.filter(pl.col("state") == "US").select(
        "wave", "major_group", pl.col("share_pct").alias("us_task_attributed_share_pct")
    )
    return (
        rows.filter(pl.col("state") != "US")
        .join(us, on=["wave", "major_group"], how="left")
        .select(
            "wave",
            "state",
            "major_group",
            "task_attributed_share_pct",
            "us_task_attributed_share_pct",
            "tasks_attributed",
            "task_coverage_pct",
            "task_attributed_support",
            "task_attributed_support_reason",
        )
    )


def _published(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    rows = inputs["aei_harmonised"].filter(
        (pl.col("dimension") == "occupation")
        & (pl.col("level") == "major")
        & (pl.col("measure") == "pct")
    )
    cells = rows.select(
        "wave",
        "geo_level",
        "state",
        pl.col("cluster_id").alias("major_group"),
        pl.col("cluster_id"),
        pl.col("cluster_id").alias("cluster"),
        pl.col("value").alias("state_pct"),
    )
    with_us = with_us_baseline(cells, usage_weights(inputs["state_usage"]), ["cluster_id"])
    coverage = stable_sum(pl.col("state_pct")).over("wave", "state")
    level, reason = support(coverage_pct=pl.col("published_coverage_pct"))
    return (
        with_us.with_columns(coverage.alias("published_coverage_pct"))
        .with_columns(level.alias("published_support"), reason.alias("published_support_reason"))
        .select(
            "wave",
            "state",
            "major_group",
            pl.col("state_pct").alias("published_share_pct"),
            pl.col("us_pct").alias("us_published_share_pct"),
            "published_coverage_pct",
            "published_support",
            "published_support_reason",
        )
    )


def _with_ratios_ranks_statuses(frame: pl.DataFrame) -> pl.DataFrame:
    for measure in MEASURES:
        share, us_share = f"{measure}_share_pct", f"us_{measure}_share_pct"
        frame = frame.with_columns(
            (pl.col(share) / pl.col(us_share)).alias(f"{measure}_specialization"),
            (pl.col(share) / pl.col("employment_share_pct")).alias(
                f"{measure}_share_to_employment_ratio"
            ),
        ).pipe(rank_within, ["wave", "state"], share, f"{measure}_share_rank")
        withheld = pl.col(f"{measure}_support") == WITHHELD
        absent = pl.col(share).is_null().all().over("wave")
        frame = frame.with_columns(
            status(share, (withheld, TOO_LITTLE_DATA), (absent, NOT_IN_FILE)).alias(
                f"{measure}_status"
            )
        )
    return frame


def build_state_occupation_groups(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    oews = nation_and_states(inputs["oews"])
    occupations = inputs["state_occupations"]
    groups = _major_groups(oews).join(state_totals(oews), on="state", how="left")
    scored = pl.col("observed_exposure").is_not_null() & pl.col("employment").is_not_null()
    exposure = (
        occupations.filter(scored)
        .group_by("state", "major_group")
        .agg(
            (
                stable_sum(pl.col("employment") * pl.col("observed_exposure"))
                / pl.col("employment").sum()
            ).alias("exposure_weighted_employment")
        )
    )
    usage = inputs["state_usage"]
    flags = usage.select("wave", "state", "caveat", "anomaly")
    names = inputs["states"].select("state", "state_name")
    frame = (
        groups.filter(pl.col("state") != "US")
        .join(inputs["waves"].select("wave"), how="cross")
        .join(_task_attributed(inputs), on=["wave", "state", "major_group"], how="left")
        .join(_published(inputs), on=["wave", "state", "major_group"], how="left")
        .join(exposure, on=["state", "major_group"], how="left")
        .join(names, on="state", how="left")
        .join(flags, on=["wave", "state"], how="left")
        .with_columns(
            (pl.col("employment") / pl.col("state_employment") * 100).alias("employment_share_pct"),
            pl.col("caveat", "anomaly").fill_null(""),
        )
    )
    return _with_ratios_ranks_statuses(frame)


def _measure_columns(measure: str, name: str, definition: str, source: str) -> list:
    return [
        col(f"{measure}_share_pct", pl.Float64, "%", definition, source),
        status_col(f"{measure}_status", f"{measure}_share_pct"),
        col(f"us_{measure}_share_pct", pl.Float64, "%", f"The same {name} for the nation."),
        col(
            f"{measure}_specialization",
            pl.Float64,
            "ratio",
            f"{measure}_share_pct ÷ us_{measure}_share_pct.",
        ),
        col(
            f"{measure}_share_to_employment_ratio",
            pl.Float64,
            "ratio",
            f"{measure}_share_pct ÷ employment_share_pct: above 1, the group takes more of the "
            "usage than of the state's jobs.",
        ),
        *rank_columns(f"{measure}_share_rank", f"the group's {name}", "among the state's groups"),
        *support_cols(f"the {name}", prefix=f"{measure}_"),
    ]


STATE_OCCUPATION_GROUPS = Mart(
    name="state_occupation_groups",
    description="Jobs by SOC major group, per state and wave, beside two different measures of "
    "Claude.ai usage: the share of task-classified conversations attributed to the group, and "
    "the published share of all conversations.",
    key=("wave", "state", "major_group"),
    columns=(
        WAVE,
        STATE,
        STATE_NAME,
        col("is_territory", pl.Boolean, "", "PR, GU, VI: shown, never counted among the 51."),
        col("major_group", pl.String, "2-digit SOC", "SOC major group."),
        col("major_group_title", pl.String, "", "Major group title.", "BLS OEWS oe.occupation"),
        col(
            "employment",
            pl.Float64,
            "jobs",
            "Employment in the group (OEWS's own major-group estimate; detailed levels are "
            "never summed).",
            "BLS OEWS datatype 01",
        ),
        col(
            "employment_share_pct",
            pl.Float64,
            "% of state jobs",
            "employment ÷ state all-occupations employment × 100.",
        ),
        col(
            "exposure_weighted_employment",
            pl.Float64,
            "share 0-1",
            "Σ employment × observed_exposure ÷ Σ employment over the group's detailed "
            "occupations with both.",
        ),
        *_measure_columns(
            "task_attributed",
            "share of task-classified conversations",
            "Share of the state's task-classified Claude.ai conversations attributed to the "
            "group's occupations (waves with O*NET task rows). Rests on tasks_attributed tasks "
            "covering task_coverage_pct of the state's conversations.",
            "AEI onet_task; O*NET; crosswalk",
        ),
        col("tasks_attributed", pl.UInt32, "tasks", "Published tasks that reach the group."),
        col(
            "task_coverage_pct",
            pl.Float64,
            "% of the state's conversations",
            "Share of the state's conversations its published task rows cover.",
        ),
        *_measure_columns(
            "published",
            "share of all conversations",
            "The group's share of all the state's Claude.ai conversations, as the release "
            "publishes it (soc_occupation facet, major groups).",
            "AEI soc_occupation",
        ),
        col(
            "published_coverage_pct",
            pl.Float64,
            "% of the state's conversations",
            "Sum of the state's published group shares: the share of its conversations "
            "classified to an occupation group.",
        ),
        col("caveat", pl.String, "", "Publisher's caveat for this state-wave, else empty."),
        ANOMALY,
    ),
    staging=("oews",),
    marts=(
        "aei_harmonised",
        "waves",
        "states",
        "state_usage",
        "state_tasks",
        "task_occupation_map",
        "state_occupations",
    ),
    build=build_state_occupation_groups,
)
