"""`state_occupations`: the jobs people hold (OEWS May 2025), their AI exposure, and the
share of the state's task-classified conversations attributed to each occupation.

Observed exposure is one national score per SOC occupation; OEWS publishes some occupations
only as combined codes (13-1020, 31-1120, …) that the score file does not cover: those have
"no exposure score". The task-attributed share rests on few tasks for a single occupation
and is withheld under the support rule (docs/methodology.md); no ratio of usage to
employment is published for detailed occupations: one task attributed to one small
occupation makes it meaningless.
"""

from __future__ import annotations

import polars as pl

from etl.evidence import (
    NO_EXPOSURE_SCORE,
    NOT_IN_FILE,
    TOO_LITTLE_DATA,
    WITHHELD,
    status,
    support,
)
from etl.geo import US_51
from etl.marts.task_attribution import attributed_usage
from etl.readers.oews import nation_and_states
from etl.spec import (
    ANOMALY,
    STATE,
    STATE_NAME,
    Mart,
    col,
    rank_columns,
    rank_within,
    status_col,
    support_cols,
)

OEWS_FIELDS = {
    "01": "employment",
    "04": "mean_annual_wage",
    "13": "median_annual_wage",
    "16": "employment_per_1000_jobs",
    "17": "location_quotient",
}
MEDIAN_WAGE = "13"
HIGH_EXPOSURE_THRESHOLD = 0.25  # "highly exposed": this product's choice (methodology.md)


def oews_cells(oews: pl.DataFrame, level: str) -> pl.DataFrame:
    """One row per (state, soc_code) at an OEWS level: the wanted datatypes as columns, each
    with its status (BLS suppression is "not published"; a top-coded wage has a lower
    bound instead of a value)."""
    cells = oews.filter(
        (pl.col("occupation_level") == level) & pl.col("datatype_code").is_in(list(OEWS_FIELDS))
    ).with_columns(pl.col("datatype_code").replace_strict(OEWS_FIELDS).alias("field"))
    values = cells.pivot("field", index=["state", "soc_code"], values="value")
    statuses = cells.with_columns(
        pl.when(pl.col("status") == "published")
        .then(pl.lit(None, pl.String))
        .when(pl.col("status") == "top-coded")
        .then(pl.lit("top-coded"))
        .otherwise(pl.lit("not published"))
        .alias("status"),
        (pl.col("field") + "_status").alias("field"),
    ).pivot("field", index=["state", "soc_code"], values="status")
    median = cells.filter(pl.col("datatype_code") == MEDIAN_WAGE).select(
        "state", "soc_code", pl.col("lower_bound").alias("median_wage_lower_bound")
    )
    notes = (
        cells.filter(pl.col("footnote_codes") != "")
        .group_by("state", "soc_code")
        .agg(
            pl.col("footnote_codes")
            .str.split(",")
            .list.explode(keep_nulls=False, empty_as_null=False)
            .str.strip_chars()
            .unique()
            .sort()
            .str.join(",")
            .alias("footnote_codes")
        )
    )
    titles = cells.select(
        "state",
        "soc_code",
        pl.col("occupation_name").cast(pl.String).alias("title"),
        pl.col("is_territory"),
    ).unique(["state", "soc_code"])
    frame = (
        titles.join(values, on=["state", "soc_code"], how="left")
        .join(statuses, on=["state", "soc_code"], how="left")
        .join(median, on=["state", "soc_code"], how="left")
        .join(notes, on=["state", "soc_code"], how="left")
        .with_columns(pl.col("footnote_codes").fill_null(""))
    )
    for field in OEWS_FIELDS.values():  # a datatype absent from the file read
        if field not in frame.columns:
            frame = frame.with_columns(
                pl.lit(None, pl.Float64).alias(field), pl.lit(NOT_IN_FILE).alias(f"{field}_status")
            )
        else:
            frame = frame.with_columns(
                pl.col(f"{field}_status").fill_null(
                    pl.when(pl.col(field).is_null()).then(pl.lit("not published"))
                )
            )
    return frame


def state_totals(oews: pl.DataFrame) -> pl.DataFrame:
    return oews.filter(
        (pl.col("soc_code") == "00-0000") & (pl.col("datatype_code") == "01")
    ).select(pl.col("state").cast(pl.String), pl.col("value").alias("state_employment"))


def _task_attribution(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The latest wave with task data: each occupation's share of the state's task-classified
    conversations, the tasks it rests on, and its support."""
    attributed = attributed_usage(
        inputs["state_tasks"], inputs["task_occupation_map"], inputs["state_usage"]
    )
    if attributed.is_empty():
        return attributed.select("state", "soc_code")
    latest = attributed.filter(pl.col("wave") == pl.col("wave").max())
    level, reason = support(
        conversations=pl.col("conversations"),
        tasks=pl.col("tasks_attributed"),
        coverage_pct=pl.col("task_coverage_pct"),
    )
    return latest.with_columns(level.alias("support"), reason.alias("support_reason")).select(
        "state",
        pl.col("oews_code").alias("soc_code"),
        pl.col("wave").alias("task_usage_wave"),
        pl.when(pl.col("support") != WITHHELD)
        .then(pl.col("share_pct"))
        .alias("task_attributed_share_pct"),
        "tasks_attributed",
        "task_coverage_pct",
        "support",
        "support_reason",
        "anomaly",
    )


STATE_RANKS = {
    "employment": "state_rank_by_employment",
    "location_quotient": "state_rank_by_lq",
    "employment_share_pct": "state_rank_by_share",
}


def build_state_occupations(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    oews = nation_and_states(inputs["oews"]).with_columns(pl.col("state").cast(pl.String))
    detailed = oews_cells(oews, "detailed").join(state_totals(oews), on="state", how="left")
    exposure = inputs["job_exposure"].select("soc_code", "observed_exposure")
    attribution = _task_attribution(inputs)
    share = pl.col("employment") / pl.col("state_employment") * 100
    us = detailed.filter(pl.col("state") == "US").select(
        "soc_code", share.alias("us_employment_share_pct")
    )
    names = inputs["states"].select("state", "state_name")
    frame = (
        detailed.join(exposure, on="soc_code", how="left")
        .join(attribution, on=["state", "soc_code"], how="left")
        .join(us, on="soc_code", how="left")
        .join(names, on="state", how="left")
        .with_columns(
            pl.col("state_name").fill_null(
                pl.when(pl.col("state") == "US").then(pl.lit("United States"))
            ),
            pl.col("soc_code").str.slice(0, 2).alias("major_group"),
            share.alias("employment_share_pct"),
            (pl.col("employment") * pl.col("observed_exposure")).alias("exposure_weighted_jobs"),
            (pl.col("observed_exposure") >= HIGH_EXPOSURE_THRESHOLD).alias("highly_exposed"),
            pl.col("anomaly").fill_null(""),
        )
        .pipe(rank_within, ["state"], "employment", "rank_by_employment")
        .pipe(rank_within, ["state"], "exposure_weighted_jobs", "rank_by_exposure_weighted_jobs")
    )
    in_51 = pl.col("state").is_in(US_51)
    for value, rank in STATE_RANKS.items():  # where the occupation is most concentrated
        frame = rank_within(frame, ["soc_code"], value, rank, where=in_51, ranked_of=f"{rank}_of")
    no_tasks = pl.col("task_usage_wave").is_null()
    return frame.with_columns(
        status("observed_exposure", (pl.lit(True), NO_EXPOSURE_SCORE)).alias("exposure_status"),
        status(
            "exposure_weighted_jobs",
            (pl.col("observed_exposure").is_null(), NO_EXPOSURE_SCORE),
        ).alias("exposure_weighted_jobs_status"),
        status(
            "task_attributed_share_pct",
            (pl.col("support") == WITHHELD, TOO_LITTLE_DATA),
            (no_tasks.all(), NOT_IN_FILE),
        ).alias("task_attributed_share_status"),
    )


EXPOSURE = col(
    "observed_exposure",
    pl.Float64,
    "share 0-1",
    "Anthropic's observed exposure of the occupation: one national score combining how "
    "feasible its tasks are for language models with how much of them is seen in "
    "work-related Claude use (automated uses weigh more). It does not vary by state. OEWS "
    "combined codes (13-1020, 31-1120, …) have no score.",
    "AEI labor_market_impacts/job_exposure.csv (Massenkoff & McCrory 2026)",
)

STATE_OCCUPATIONS = Mart(
    name="state_occupations",
    description="Each state's SOC detailed occupations (OEWS May 2025): jobs, wages, location "
    "quotient, observed exposure, and the share of the state's task-classified Claude.ai "
    "conversations attributed to the occupation.",
    key=("state", "soc_code"),
    columns=(
        STATE,
        STATE_NAME,
        col("is_territory", pl.Boolean, "", "PR, GU, VI (OEWS publishes them)."),
        col(
            "soc_code",
            pl.String,
            "SOC 2018",
            "OEWS detailed occupation code (OEWS also publishes a few combined codes, e.g. "
            "13-1020).",
            "BLS OEWS series id",
        ),
        col("title", pl.String, "", "Occupation title.", "BLS OEWS oe.occupation"),
        col("major_group", pl.String, "2-digit SOC", "SOC major group."),
        col("employment", pl.Float64, "jobs", "Employment, May 2025.", "BLS OEWS datatype 01"),
        status_col("employment_status", "employment"),
        col(
            "employment_share_pct",
            pl.Float64,
            "% of state jobs",
            "employment ÷ the state's all-occupations employment × 100.",
            "BLS OEWS datatype 01",
        ),
        *rank_columns(
            "rank_by_employment", "the occupation's employment", "among the state's occupations"
        ),
        col(
            "employment_per_1000_jobs",
            pl.Float64,
            "per 1,000 jobs",
            "As published.",
            "BLS OEWS datatype 16",
        ),
        status_col("employment_per_1000_jobs_status", "employment_per_1000_jobs"),
        col(
            "location_quotient",
            pl.Float64,
            "ratio",
            "Occupation's share of state jobs ÷ its share of US jobs, as published.",
            "BLS OEWS datatype 17",
        ),
        status_col("location_quotient_status", "location_quotient"),
        col(
            "median_annual_wage",
            pl.Float64,
            "US dollars",
            "Annual median wage (empty when not published or top-coded).",
            "BLS OEWS datatype 13",
        ),
        col(
            "median_annual_wage_status",
            pl.String,
            "",
            "Why median_annual_wage is empty: top-coded (at or above BLS's top code; see "
            "median_wage_lower_bound) or not published (BLS suppression).",
            "BLS OEWS value '-' and footnotes",
        ),
        col(
            "median_wage_lower_bound",
            pl.Float64,
            "US dollars",
            "For top-coded wages: the wage is at least this (BLS footnote 5).",
            "BLS OEWS oe.footnote",
        ),
        col("mean_annual_wage", pl.Float64, "US dollars", "Annual mean wage.", "BLS OEWS 04"),
        col(
            "mean_annual_wage_status",
            pl.String,
            "",
            "Why mean_annual_wage is empty: top-coded or not published.",
            "BLS OEWS",
        ),
        col(
            "footnote_codes",
            pl.String,
            "BLS codes",
            "BLS footnotes on any of the row's cells (see oe.footnote; 4 = hourly wage not "
            "applicable, 5 = top-coded, 8 = not released).",
            "BLS OEWS",
        ),
        EXPOSURE,
        status_col("exposure_status", "observed_exposure"),
        col(
            "exposure_weighted_jobs",
            pl.Float64,
            "job equivalents",
            "employment × observed_exposure: how much of the state's exposure this "
            "occupation carries (the 'most exposed jobs' order).",
        ),
        status_col("exposure_weighted_jobs_status", "exposure_weighted_jobs"),
        *rank_columns(
            "rank_by_exposure_weighted_jobs",
            "the occupation's exposure-weighted jobs",
            "among the state's occupations with a score",
        ),
        col(
            "highly_exposed",
            pl.Boolean,
            "",
            f"observed_exposure ≥ {HIGH_EXPOSURE_THRESHOLD}, this product's cut-off (empty "
            "without a score).",
        ),
        col(
            "task_attributed_share_pct",
            pl.Float64,
            "% of task-classified conversations",
            "Share of the state's task-classified conversations attributed to the occupation: "
            "each published task's share split along task_occupation_map, ÷ the state's total "
            "published task share × 100. Rests on tasks_attributed tasks covering "
            "task_coverage_pct of the state's conversations; withheld under 5 tasks.",
            "AEI onet_task; O*NET; crosswalk",
        ),
        status_col("task_attributed_share_status", "task_attributed_share_pct"),
        col("task_usage_wave", pl.String, "YYYY-MM", "Wave of the task data (the latest with it)."),
        col(
            "tasks_attributed",
            pl.UInt32,
            "tasks",
            "How many published tasks of the state reach this occupation.",
        ),
        col(
            "task_coverage_pct",
            pl.Float64,
            "% of the state's conversations",
            "Share of the state's conversations its published task rows cover.",
        ),
        *support_cols("the task-attributed share"),
        ANOMALY,
        col("us_employment_share_pct", pl.Float64, "% of US jobs", "Same occupation, nation."),
        *rank_columns(
            "state_rank_by_employment",
            "the state's employment in the occupation",
            "among the 50 states and DC",
            ranked_of="state_rank_by_employment_of",
        ),
        *rank_columns(
            "state_rank_by_lq",
            "the state's location quotient for the occupation",
            "among the 50 states and DC",
            ranked_of="state_rank_by_lq_of",
        ),
        *rank_columns(
            "state_rank_by_share",
            "the occupation's share of the state's jobs",
            "among the 50 states and DC",
            ranked_of="state_rank_by_share_of",
        ),
    ),
    staging=("oews", "job_exposure"),
    marts=("states", "state_usage", "state_tasks", "task_occupation_map"),
    build=build_state_occupations,
)
