"""The occupation side of the map: one row per OEWS detailed occupation (`occupations`) and
its O*NET tasks (`occupation_tasks`).

An occupation's exposure is one national score (job_exposure); its tasks come from O*NET
29.3 under every O*NET-SOC code of its SOC code, each with AEI's observed penetration and,
where an AEI release publishes the task's share of US conversations, that share. OEWS
publishes some occupations only as combined codes (31-1120 Home Health and Personal Care
Aides stands for 31-1121 and 31-1122): their tasks are those of the codes they stand for,
and they have no exposure score.
"""

from __future__ import annotations

import polars as pl

from etl.evidence import NO_EXPOSURE_SCORE, NOT_PUBLISHED, status
from etl.harmonise.aei import TASKS_2010, TASKS_2019
from etl.marts.tasks import oews_occupations, soc_to_oews
from etl.spec import Mart, col, rank_columns, rank_within, stable_sum, status_col


def _soc_links(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """O*NET-SOC 2019 code -> OEWS code, directly or through a combined OEWS code."""
    tasks = inputs["onet_task_statements"]
    soc = tasks.select(pl.col("onet_soc_2019").str.slice(0, 7).alias("soc_code")).unique()
    detailed = set(inputs["soc_structure"].filter(pl.col("level") == "detailed")["code"])
    links = soc_to_oews(soc["soc_code"], oews_occupations(inputs["oews"]), detailed)
    return links.filter(pl.col("oews_code").is_not_null())


def _task_usage(state_tasks: pl.DataFrame) -> pl.DataFrame:
    """The latest US share of conversations per task statement (lower case) or task id."""
    us = (
        state_tasks.filter(pl.col("is_classified"))
        .select("wave", "taxonomy", "task_key", "us_pct")
        .unique(["wave", "taxonomy", "task_key"])
        .sort("wave")
        .group_by("taxonomy", "task_key")
        .last()
    )
    return us


def build_occupation_tasks(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    tasks = inputs["onet_task_statements"].with_columns(
        pl.col("onet_soc_2019").str.slice(0, 7).alias("soc_code")
    )
    links = _soc_links(inputs).select("soc_code", "oews_code")
    penetration = (
        inputs["task_penetration"]
        .group_by("task_lower")
        .agg(stable_sum(pl.col("penetration")) / pl.len())
    )
    usage = _task_usage(inputs["state_tasks"])
    by_text = usage.filter(pl.col("taxonomy") == TASKS_2010).select(
        pl.col("task_key").alias("task_lower"),
        pl.col("us_pct").alias("share_by_text"),
        pl.col("wave").alias("wave_by_text"),
    )
    by_id = usage.filter(pl.col("taxonomy") == TASKS_2019).select(
        pl.col("task_key").cast(pl.Int32, strict=False).alias("task_id"),
        pl.col("us_pct").alias("share_by_id"),
        pl.col("wave").alias("wave_by_id"),
    )
    frame = (
        tasks.join(links, on="soc_code", how="inner")
        .join(penetration, on="task_lower", how="left")
        .join(by_text, on="task_lower", how="left")
        .join(by_id, on="task_id", how="left")
        .with_columns(
            # the newer task list first (2026 ids), else the 2025 statements
            pl.coalesce("share_by_id", "share_by_text").alias("us_usage_share_pct"),
            pl.coalesce("wave_by_id", "wave_by_text").alias("usage_wave"),
        )
        .with_columns(
            pl.col("us_usage_share_pct").is_not_null().alias("has_published_usage"),
            (pl.col("penetration") > 0).fill_null(False).alias("penetrated"),
        )
    )
    return frame.select(
        pl.col("oews_code").alias("soc_code"),
        "onet_soc_2019",
        pl.col("occupation_title").alias("onet_title"),
        "task_id",
        "task",
        "task_type",
        "penetration",
        status("penetration", (pl.lit(True), NOT_PUBLISHED)).alias("penetration_status"),
        "penetrated",
        "us_usage_share_pct",
        status("us_usage_share_pct", (pl.lit(True), NOT_PUBLISHED)).alias("usage_status"),
        "usage_wave",
        "has_published_usage",
    )


def build_occupations(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    us = inputs["state_occupations"].filter(pl.col("state") == "US")
    tasks = (
        inputs["occupation_tasks"]
        .group_by("soc_code")
        .agg(
            pl.col("task_id").n_unique().alias("tasks"),
            pl.col("task_id").filter(pl.col("penetrated")).n_unique().alias("tasks_penetrated"),
            pl.col("task_id")
            .filter(pl.col("has_published_usage"))
            .n_unique()
            .alias("tasks_with_usage"),
            pl.col("onet_soc_2019").unique().sort().str.join(",").alias("onet_codes"),
        )
    )
    links = _soc_links(inputs)
    combined = (
        links.filter(pl.col("match") == "combined OEWS code")
        .group_by(pl.col("oews_code").alias("soc_code"))
        .agg(pl.col("soc_code").sort().str.join(",").alias("stands_for"))
    )
    groups = (
        inputs["oews"]
        .filter((pl.col("occupation_level") == "major") & (pl.col("geo_level") == "nation"))
        .select(
            pl.col("soc_code").str.slice(0, 2).alias("major_group"),
            pl.col("occupation_name").cast(pl.String).alias("major_group_title"),
        )
        .unique("major_group")
    )
    frame = (
        us.select(
            "soc_code",
            "title",
            "major_group",
            pl.col("employment").alias("us_employment"),
            pl.col("employment_status").alias("us_employment_status"),
            "median_annual_wage",
            "median_annual_wage_status",
            "median_wage_lower_bound",
            "observed_exposure",
            "exposure_status",
            pl.col("exposure_weighted_jobs").alias("us_exposure_weighted_jobs"),
            "highly_exposed",
            pl.col("task_attributed_share_pct").alias("us_task_attributed_share_pct"),
            pl.col("task_attributed_share_status").alias("us_task_attributed_share_status"),
            "task_usage_wave",
        )
        .join(groups, on="major_group", how="left")
        .join(tasks, on="soc_code", how="left")
        .join(combined, on="soc_code", how="left")
        .with_columns(
            pl.col("tasks", "tasks_penetrated", "tasks_with_usage").fill_null(0),
            pl.col("stands_for").is_not_null().alias("combined_code"),
            pl.col("stands_for").fill_null(""),
            pl.col("onet_codes").fill_null(""),
        )
        .with_columns(
            pl.when(pl.col("tasks") > 0)
            .then(pl.col("tasks_penetrated") / pl.col("tasks") * 100)
            .alias("penetrated_task_share_pct")
        )
        .pipe(
            rank_within,
            [],
            "us_exposure_weighted_jobs",
            "rank_by_exposure_weighted_jobs",
            ranked_of="rank_by_exposure_weighted_jobs_of",
        )
        .pipe(
            rank_within,
            ["major_group"],
            "observed_exposure",
            "rank_in_group_by_exposure",
            ranked_of="rank_in_group_by_exposure_of",
        )
    )
    return frame.with_columns(
        status("penetrated_task_share_pct", (pl.lit(True), NOT_PUBLISHED)).alias(
            "penetrated_task_share_status"
        ),
        status(
            "us_exposure_weighted_jobs", (pl.col("observed_exposure").is_null(), NO_EXPOSURE_SCORE)
        ).alias("us_exposure_weighted_jobs_status"),
    )


SOC = col(
    "soc_code",
    pl.String,
    "SOC 2018",
    "OEWS detailed occupation code (or an OEWS combined code, e.g. 31-1120).",
    "BLS OEWS",
)

OCCUPATION_TASKS = Mart(
    name="occupation_tasks",
    description="The O*NET tasks of every OEWS occupation, with AEI's observed penetration and "
    "the task's share of US Claude.ai conversations where a release publishes it.",
    key=("soc_code", "onet_soc_2019", "task_id"),
    columns=(
        SOC,
        col(
            "onet_soc_2019",
            pl.String,
            "O*NET-SOC 2019",
            "The O*NET occupation the task belongs to (several can share one SOC code).",
            "O*NET 29.3",
        ),
        col("onet_title", pl.String, "", "Its title.", "O*NET 29.3"),
        col("task_id", pl.Int32, "", "O*NET task id.", "O*NET 29.3 Task Statements"),
        col("task", pl.String, "", "The task statement.", "O*NET 29.3 Task Statements"),
        col("task_type", pl.String, "", "Core or Supplemental (O*NET).", "O*NET 29.3"),
        col(
            "penetration",
            pl.Float64,
            "share 0-1",
            "AEI's observed penetration of the task (matched on the statement text).",
            "AEI labor_market_impacts/task_penetration.csv",
        ),
        status_col("penetration_status", "penetration"),
        col("penetrated", pl.Boolean, "", "penetration > 0."),
        col(
            "us_usage_share_pct",
            pl.Float64,
            "% of US conversations",
            "The task's share of US "
            "Claude.ai conversations in the latest wave that publishes it (2026 task ids, else "
            "the 2025 statements matched on text); not published below AEI's privacy floor.",
            "state_tasks.us_pct",
        ),
        status_col("usage_status", "us_usage_share_pct"),
        col("usage_wave", pl.String, "YYYY-MM", "Wave of us_usage_share_pct."),
        col(
            "has_published_usage",
            pl.Boolean,
            "",
            "True where a release publishes the task's share.",
        ),
    ),
    staging=("onet_task_statements", "task_penetration", "soc_structure", "oews"),
    marts=("state_tasks",),
    build=build_occupation_tasks,
)

OCCUPATIONS = Mart(
    name="occupations",
    description="Every OEWS detailed occupation: US jobs and wage, observed exposure, "
    "exposure-weighted jobs, how many of its O*NET tasks AI usage touches, and its share of "
    "task-classified US conversations.",
    key=("soc_code",),
    columns=(
        SOC,
        col("title", pl.String, "", "Occupation title.", "BLS OEWS oe.occupation"),
        col("major_group", pl.String, "2-digit SOC", "SOC major group."),
        col("major_group_title", pl.String, "", "Major group title.", "BLS OEWS"),
        col("us_employment", pl.Float64, "jobs", "US employment, May 2025.", "BLS OEWS 01"),
        status_col("us_employment_status", "us_employment"),
        col(
            "median_annual_wage", pl.Float64, "US dollars", "US annual median wage.", "BLS OEWS 13"
        ),
        col(
            "median_annual_wage_status",
            pl.String,
            "",
            "top-coded or not published where the wage is empty.",
        ),
        col(
            "median_wage_lower_bound",
            pl.Float64,
            "US dollars",
            "For top-coded wages: at least this.",
        ),
        col(
            "observed_exposure",
            pl.Float64,
            "share 0-1",
            "Anthropic's observed exposure: one "
            "national score per occupation (Massenkoff & McCrory 2026).",
            "AEI job_exposure.csv",
        ),
        status_col("exposure_status", "observed_exposure"),
        col(
            "us_exposure_weighted_jobs",
            pl.Float64,
            "job equivalents",
            "us_employment × observed_exposure.",
        ),
        status_col("us_exposure_weighted_jobs_status", "us_exposure_weighted_jobs"),
        col("highly_exposed", pl.Boolean, "", "observed_exposure ≥ 0.25 (this product's cut-off)."),
        col(
            "tasks",
            pl.UInt32,
            "tasks",
            "O*NET 29.3 tasks under the SOC code (all its O*NET-SOC codes).",
        ),
        col("tasks_penetrated", pl.UInt32, "tasks", "Of which with AEI penetration above 0."),
        col(
            "penetrated_task_share_pct",
            pl.Float64,
            "% of its tasks",
            "tasks_penetrated ÷ tasks × 100.",
        ),
        status_col("penetrated_task_share_status", "penetrated_task_share_pct"),
        col(
            "tasks_with_usage",
            pl.UInt32,
            "tasks",
            "Of its tasks, those whose share of US conversations a release publishes.",
        ),
        col(
            "us_task_attributed_share_pct",
            pl.Float64,
            "% of task-classified conversations",
            "Its share of US task-classified conversations (task usage attributed to "
            "occupations), under the support rule.",
            "state_occupations (US)",
        ),
        status_col("us_task_attributed_share_status", "us_task_attributed_share_pct"),
        col("task_usage_wave", pl.String, "YYYY-MM", "Wave of the task data."),
        col("onet_codes", pl.String, "O*NET-SOC codes", "The O*NET occupations under the code."),
        col("combined_code", pl.Boolean, "", "True for an OEWS combined code."),
        col("stands_for", pl.String, "SOC codes", "The SOC codes a combined code stands for."),
        *rank_columns(
            "rank_by_exposure_weighted_jobs",
            "the occupation's US exposure-weighted jobs",
            "among all occupations",
            ranked_of="rank_by_exposure_weighted_jobs_of",
        ),
        *rank_columns(
            "rank_in_group_by_exposure",
            "the occupation's observed exposure",
            "within its major group",
            ranked_of="rank_in_group_by_exposure_of",
        ),
    ),
    staging=("onet_task_statements", "soc_structure", "oews"),
    marts=("state_occupations", "occupation_tasks"),
    build=build_occupations,
)
