"""The jobs people hold (OEWS May 2025), their AI exposure, and their share of AI usage.

`state_occupations`: SOC 2018 detailed occupations per state (and the US).
`state_occupation_groups`: the same by SOC major group, per wave, beside the share of the
state's AI usage each group receives.
"""

from __future__ import annotations

import polars as pl

from etl.marts.requests import usage_weights, with_us_baseline
from etl.marts.tasks import oews_occupations, soc_to_oews
from etl.spec import (
    STATE,
    STATE_NAME,
    WAVE,
    Mart,
    col,
    rank_columns,
    rank_within,
    stable_sum,
)

OEWS_FIELDS = {
    "01": "employment",
    "04": "mean_annual_wage",
    "13": "median_annual_wage",
    "16": "employment_per_1000_jobs",
    "17": "location_quotient",
}
MEDIAN_WAGE = "13"


def _oews_cells(oews: pl.DataFrame, level: str) -> pl.DataFrame:
    """One row per (state, soc_code) at an OEWS level, the wanted datatypes as columns."""
    cells = oews.filter(
        (pl.col("occupation_level") == level) & pl.col("datatype_code").is_in(list(OEWS_FIELDS))
    )
    values = cells.pivot("datatype_code", index=["state", "soc_code"], values="value")
    values = values.rename({k: v for k, v in OEWS_FIELDS.items() if k in values.columns})
    median = cells.filter(pl.col("datatype_code") == MEDIAN_WAGE).select(
        "state",
        "soc_code",
        pl.col("status").alias("median_wage_status"),
        pl.col("lower_bound").alias("median_wage_lower_bound"),
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
    return (
        titles.join(values, on=["state", "soc_code"], how="left")
        .join(median, on=["state", "soc_code"], how="left")
        .join(notes, on=["state", "soc_code"], how="left")
        .with_columns(pl.col("footnote_codes").fill_null(""))
    )


def _state_totals(oews: pl.DataFrame) -> pl.DataFrame:
    return oews.filter(
        (pl.col("soc_code") == "00-0000") & (pl.col("datatype_code") == "01")
    ).select("state", pl.col("value").alias("state_employment"))


def exposure_by_oews_code(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """oews_code -> observed_exposure: direct, or the mean over the SOC codes a combined OEWS
    code stands for (job_exposure scores SOC 2018 codes, not OEWS's combined ones)."""
    exposure = inputs["job_exposure"].select("soc_code", "observed_exposure")
    soc_detailed = inputs["soc_structure"].filter(pl.col("level") == "detailed")["code"]
    mapping = soc_to_oews(soc_detailed, oews_occupations(inputs["oews"]), set(soc_detailed))
    components = (
        mapping.filter(pl.col("match") == "combined OEWS code")
        .join(exposure, on="soc_code")
        .group_by("oews_code")
        .agg(
            stable_sum(pl.col("observed_exposure")) / pl.len(),
            pl.col("soc_code").sort().str.join(",").alias("components"),
        )
        .with_columns(("mean of SOC " + pl.col("components")).alias("exposure_method"))
        .drop("components")
    )
    direct = exposure.rename({"soc_code": "oews_code"}).with_columns(
        pl.lit("direct").alias("exposure_method")
    )
    return pl.concat([direct, components.select(direct.columns)]).unique("oews_code", keep="first")


def _usage_by_occupation(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """state, soc_code -> share of the state's classified task usage, latest task wave.

    Each task's share of the state's conversations is split along task_occupation_map
    weights; dividing by the state's total classified task share makes it a share of
    classified task usage. The US row uses the US task shares.
    """
    tasks = inputs["state_tasks"].filter(pl.col("is_classified"))
    if tasks.is_empty():
        return pl.DataFrame(
            schema={
                "state": pl.String,
                "soc_code": pl.String,
                "usage_share_pct": pl.Float64,
                "task_usage_wave": pl.String,
            }
        )
    latest = tasks["wave"].max()
    tasks = tasks.filter(pl.col("wave") == latest)
    national = tasks.select(
        pl.lit("US").alias("state"), "taxonomy", "task_key", pl.col("us_pct").alias("state_pct")
    ).unique()
    shares = pl.concat([tasks.select("state", "taxonomy", "task_key", "state_pct"), national])
    mapping = inputs["task_occupation_map"].select("taxonomy", "task_key", "oews_code", "weight")
    allocated = shares.join(mapping, on=["taxonomy", "task_key"], how="left").with_columns(
        (pl.col("state_pct") * pl.col("weight").fill_null(1)).alias("part")
    )
    totals = shares.group_by("state").agg(stable_sum(pl.col("state_pct")).alias("classified"))
    return (
        allocated.filter(pl.col("oews_code").is_not_null())
        .group_by("state", "oews_code")
        .agg(stable_sum(pl.col("part")))
        .join(totals, on="state")
        .select(
            "state",
            pl.col("oews_code").alias("soc_code"),
            (pl.col("part") / pl.col("classified") * 100).alias("usage_share_pct"),
            pl.lit(latest).alias("task_usage_wave"),
        )
    )


def build_state_occupations(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    oews = inputs["oews"].with_columns(pl.col("state").cast(pl.String))
    detailed = _oews_cells(oews, "detailed").join(_state_totals(oews), on="state", how="left")
    exposure = exposure_by_oews_code(inputs).rename({"oews_code": "soc_code"})
    usage = _usage_by_occupation(inputs)
    us = (
        detailed.filter(pl.col("state") == "US")
        .with_columns(
            (pl.col("employment") / pl.col("state_employment") * 100).alias(
                "us_employment_share_pct"
            )
        )
        .select("soc_code", "us_employment_share_pct")
        .join(
            usage.filter(pl.col("state") == "US").select(
                "soc_code", pl.col("usage_share_pct").alias("us_usage_share_pct")
            ),
            on="soc_code",
            how="left",
        )
    )
    names = inputs["states"].select("state", "state_name")
    return (
        detailed.join(exposure, on="soc_code", how="left")
        .join(usage, on=["state", "soc_code"], how="left")
        .join(us, on="soc_code", how="left")
        .join(names, on="state", how="left")
        .with_columns(
            pl.col("state_name").fill_null(
                pl.when(pl.col("state") == "US").then(pl.lit("United States"))
            ),
            pl.col("soc_code").str.slice(0, 2).alias("major_group"),
            (pl.col("employment") / pl.col("state_employment") * 100).alias("employment_share_pct"),
        )
        .pipe(rank_within, ["state"], "employment", "rank_by_employment")
        .with_columns(
            (pl.col("usage_share_pct") / pl.col("employment_share_pct")).alias(
                "usage_to_employment_ratio"
            ),
        )
    )


def _major_groups(oews: pl.DataFrame) -> pl.DataFrame:
    majors = oews.filter(
        (pl.col("occupation_level") == "major") & (pl.col("datatype_code") == "01")
    )
    return majors.select(
        pl.col("state").cast(pl.String),
        pl.col("soc_code").str.slice(0, 2).alias("major_group"),
        pl.col("occupation_name").cast(pl.String).alias("major_group_title"),
        pl.col("value").alias("employment"),
    )


def _published_group_usage(harmonised: pl.DataFrame) -> pl.DataFrame:
    rows = harmonised.filter(
        (pl.col("dimension") == "occupation")
        & (pl.col("level") == "major")
        & (pl.col("measure") == "pct")
    )
    return rows.select(
        "wave",
        "geo_level",
        "state",
        pl.col("cluster_id").alias("major_group"),
        pl.col("value").alias("state_pct"),
    )


def build_state_occupation_groups(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    oews = inputs["oews"]
    occupations = inputs["state_occupations"]
    groups = _major_groups(oews).join(
        _state_totals(oews).with_columns(pl.col("state").cast(pl.String)), on="state", how="left"
    )
    exposure = (
        occupations.filter(
            pl.col("observed_exposure").is_not_null() & pl.col("employment").is_not_null()
        )
        .group_by("state", "major_group")
        .agg(
            (
                stable_sum(pl.col("employment") * pl.col("observed_exposure"))
                / pl.col("employment").sum()
            ).alias("exposure_weighted_employment")
        )
    )

    derived = (
        occupations.filter(pl.col("usage_share_pct").is_not_null())
        .group_by(
            pl.col("task_usage_wave").alias("wave"),
            "state",
            "major_group",
        )
        .agg(stable_sum(pl.col("usage_share_pct")))
        .with_columns(
            pl.lit("O*NET task usage attributed to occupations").alias("usage_share_source")
        )
    )
    published = _published_group_usage(inputs["aei_harmonised"])
    published = with_us_baseline(
        published.with_columns(
            pl.col("major_group").alias("cluster_id"), pl.col("major_group").alias("cluster")
        ),
        usage_weights(inputs["state_usage"]),
        ["cluster_id"],
    ).select(
        "wave",
        "state",
        "major_group",
        pl.col("state_pct").alias("usage_share_pct"),
        pl.col("us_pct").alias("us_usage_share_pct"),
        pl.lit("published soc_occupation share").alias("usage_share_source"),
    )
    derived_us = derived.filter(pl.col("state") == "US").select(
        "wave", "major_group", pl.col("usage_share_pct").alias("us_usage_share_pct")
    )
    derived = derived.filter(pl.col("state") != "US").join(
        derived_us, on=["wave", "major_group"], how="left"
    )
    usage = pl.concat([derived, published.select(derived.columns)])
    waves = inputs["state_usage"].select("wave").unique()
    names = inputs["states"].select("state", "state_name")
    return (
        groups.join(waves, how="cross")
        .join(usage, on=["wave", "state", "major_group"], how="left")
        .join(exposure, on=["state", "major_group"], how="left")
        .join(names, on="state", how="left")
        .filter(pl.col("state") != "US")
        .with_columns(
            (pl.col("employment") / pl.col("state_employment") * 100).alias("employment_share_pct"),
            (pl.col("usage_share_pct") / pl.col("us_usage_share_pct")).alias("specialization"),
        )
        .with_columns(
            (pl.col("usage_share_pct") / pl.col("employment_share_pct")).alias(
                "usage_to_employment_ratio"
            )
        )
    )


EXPOSURE = col(
    "observed_exposure",
    pl.Float64,
    "share 0-1",
    "Anthropic's observed AI "
    "exposure of the occupation: task-time-weighted coverage of its tasks by "
    "work-related Claude usage (automated uses weighted more).",
    "AEI labor_market_impacts/job_exposure.csv (Massenkoff & McCrory 2026)",
)

STATE_OCCUPATIONS = Mart(
    name="state_occupations",
    description="Each state's SOC detailed occupations (OEWS May 2025): jobs, wages, location "
    "quotient, AI exposure, and the occupation's share of the state's AI task usage.",
    key=("state", "soc_code"),
    columns=(
        STATE,
        STATE_NAME,
        col("is_territory", pl.Boolean, "", "PR, GU, VI (OEWS publishes them)."),
        col(
            "soc_code",
            pl.String,
            "SOC 2018",
            "OEWS detailed occupation code (OEWS also "
            "publishes a few combined codes, e.g. 13-1020).",
            "BLS OEWS series id",
        ),
        col("title", pl.String, "", "Occupation title.", "BLS OEWS oe.occupation"),
        col("major_group", pl.String, "2-digit SOC", "SOC major group."),
        col(
            "employment",
            pl.Float64,
            "jobs",
            "Employment, May 2025 (null = not released).",
            "BLS OEWS datatype 01",
        ),
        col(
            "employment_share_pct",
            pl.Float64,
            "% of state jobs",
            "employment ÷ the state's all-occupations employment × 100.",
            "BLS OEWS datatypes 01",
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
        col(
            "location_quotient",
            pl.Float64,
            "ratio",
            "Occupation's share of state jobs ÷ its share of US jobs, as published.",
            "BLS OEWS datatype 17",
        ),
        col(
            "median_annual_wage",
            pl.Float64,
            "US dollars",
            "Annual median wage (null when not released or top-coded).",
            "BLS OEWS datatype 13",
        ),
        col(
            "median_wage_status",
            pl.String,
            "",
            "published, top-coded, not released.",
            "BLS OEWS value '-' and footnotes",
        ),
        col(
            "median_wage_lower_bound",
            pl.Float64,
            "US dollars",
            "For top-coded wages: the wage is at least this (BLS footnote 5).",
            "BLS OEWS oe.footnote",
        ),
        col(
            "mean_annual_wage",
            pl.Float64,
            "US dollars",
            "Annual mean wage.",
            "BLS OEWS datatype 04",
        ),
        col(
            "footnote_codes",
            pl.String,
            "BLS codes",
            "BLS footnotes on any of the row's "
            "cells (see oe.footnote; 4 = hourly wage not applicable, 5 = top-coded, 8 = not "
            "released).",
            "BLS OEWS",
        ),
        EXPOSURE,
        col(
            "exposure_method",
            pl.String,
            "",
            "direct (same SOC code), or the mean over the "
            "SOC codes an OEWS combined code stands for.",
        ),
        col(
            "usage_share_pct",
            pl.Float64,
            "% of classified task usage",
            "The occupation's "
            "share of the state's AI usage classified to O*NET tasks, attributed along "
            "task_occupation_map.",
            "AEI onet_task; O*NET; crosswalk",
        ),
        col(
            "task_usage_wave",
            pl.String,
            "YYYY-MM",
            "Wave the usage share comes from (the latest with task data).",
        ),
        col(
            "usage_to_employment_ratio",
            pl.Float64,
            "ratio",
            "usage_share_pct ÷ "
            "employment_share_pct: > 1 = the occupation's tasks take more of the state's AI "
            "usage than the occupation takes of its jobs.",
        ),
        col("us_employment_share_pct", pl.Float64, "% of US jobs", "Same occupation, nation."),
        col(
            "us_usage_share_pct",
            pl.Float64,
            "% of classified task usage",
            "Same occupation, nation (from US task shares).",
        ),
    ),
    staging=("oews", "job_exposure", "soc_structure"),
    marts=("states", "state_tasks", "task_occupation_map"),
    build=build_state_occupations,
)

STATE_OCCUPATION_GROUPS = Mart(
    name="state_occupation_groups",
    description="Jobs and AI usage by SOC major group, per state and wave: where AI use meets "
    "the state's employment.",
    key=("wave", "state", "major_group"),
    columns=(
        WAVE,
        STATE,
        STATE_NAME,
        col("major_group", pl.String, "2-digit SOC", "SOC major group."),
        col("major_group_title", pl.String, "", "Major group title.", "BLS OEWS oe.occupation"),
        col(
            "employment",
            pl.Float64,
            "jobs",
            "Employment in the group (OEWS's own major-group "
            "estimate; detailed levels are never summed).",
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
            "Σ employment × "
            "observed_exposure ÷ Σ employment over the group's detailed occupations with both.",
        ),
        col(
            "usage_share_pct",
            pl.Float64,
            "%",
            "The group's share of the state's AI usage: "
            "published soc_occupation pct (2026 waves), or attributed from O*NET tasks.",
        ),
        col("usage_share_source", pl.String, "", "Which of the two the wave has."),
        col(
            "us_usage_share_pct",
            pl.Float64,
            "%",
            "Same for the nation (usage-weighted mean of published states for the 2026 waves).",
        ),
        col("specialization", pl.Float64, "ratio", "usage_share_pct ÷ us_usage_share_pct."),
        col(
            "usage_to_employment_ratio",
            pl.Float64,
            "ratio",
            "usage_share_pct ÷ employment_share_pct.",
        ),
    ),
    staging=("oews",),
    marts=("aei_harmonised", "state_occupations", "state_usage", "states"),
    build=build_state_occupation_groups,
)
