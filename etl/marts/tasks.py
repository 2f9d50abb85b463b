"""Task usage per state, and the path from an AEI task to an OEWS occupation.

`task_occupation_map` keeps every hop with its weight and how it matched, so a reader can
see how each occupation's usage was joined (docs/methodology.md):

    AEI task name (lower case) -> AEI onet_task_statements.csv (O*NET 20.1 = O*NET-SOC 2010)
    -> O*NET 2010->2019 crosswalk -> O*NET-SOC 2019 -> SOC 2018 (drop .xx) -> OEWS code

A task statement shared by n occupations gives each 1/n of its usage (as AEI does); a 2010
code the crosswalk splits into m codes gives each 1/m. SOC codes that OEWS publishes only
inside a combined code (13-1020, 21-1018, 25-9045, 29-2010, 31-1120, ...) map to the one
combined OEWS code of their broad group. Task ids of the 2026 wide release are O*NET 30.x ids
and map through O*NET 29.3 Task Statements (O*NET-SOC 2019) by id.
"""

from __future__ import annotations

import polars as pl

from etl.harmonise.aei import TASKS_2010, TASKS_2019
from etl.marts.requests import (
    SHARE_INTERVAL_COLUMNS,
    SUPPORT_COLUMNS,
    UNCLASSIFIED,
    usage_weights,
    with_intervals,
    with_specialization_and_rank,
    with_statuses,
    with_support,
    with_us_baseline,
)
from etl.spec import (
    RELEASE,
    STATE,
    STATE_NAME,
    WAVE,
    Mart,
    col,
    rank_columns,
    stable_sum,
    status_col,
)


def oews_occupations(oews: pl.DataFrame) -> pl.DataFrame:
    """OEWS detailed-level codes and titles (national list)."""
    return (
        oews.filter((pl.col("geo_level") == "nation") & (pl.col("occupation_level") == "detailed"))
        .select("soc_code", pl.col("occupation_name").cast(pl.String).alias("oews_title"))
        .unique()
        .sort("soc_code")
    )


def soc_to_oews(
    soc_codes: pl.Series, oews_codes: pl.DataFrame, soc_detailed: set[str]
) -> pl.DataFrame:
    """soc_code -> oews_code and match method ('direct', 'combined OEWS code', unmatched)."""
    published = set(oews_codes["soc_code"])
    combined_by_broad: dict[str, list[str]] = {}
    for code in sorted(published - soc_detailed):  # OEWS-only combined codes
        combined_by_broad.setdefault(code[:6], []).append(code)
    rows = []
    for soc in sorted(set(soc_codes.drop_nulls())):
        if soc in published:
            rows.append((soc, soc, "direct"))
        elif len(combined_by_broad.get(soc[:6], [])) == 1:
            rows.append((soc, combined_by_broad[soc[:6]][0], "combined OEWS code"))
        else:
            rows.append((soc, None, "no OEWS occupation"))
    return pl.DataFrame(rows, schema=["soc_code", "oews_code", "match"], orient="row")


def build_task_occupation_map(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    # Only the tasks the usage files name: the map explains numbers that exist.
    used = _task_keys(inputs)
    tasks_2010 = inputs["aei_task_statements"].filter(
        pl.col("task_lower").is_in(
            used.filter(pl.col("taxonomy") == TASKS_2010)["task_key"].implode()
        )
    )
    crosswalk = inputs["onet_crosswalk"]
    tasks_2019 = inputs["onet_task_statements"].filter(
        pl.col("task_id")
        .cast(pl.String)
        .is_in(used.filter(pl.col("taxonomy") == TASKS_2019)["task_key"].implode())
    )
    soc_detailed = set(inputs["soc_structure"].filter(pl.col("level") == "detailed")["code"])
    oews_codes = oews_occupations(inputs["oews"])

    by_text = (
        tasks_2010.group_by("task_lower", "onet_soc_2010")
        .agg(pl.col("task").first(), pl.col("task_id").min())
        .with_columns((1 / pl.col("onet_soc_2010").n_unique().over("task_lower")).alias("w_text"))
    )
    fanout = crosswalk.with_columns((1 / pl.len().over("onet_soc_2010")).alias("w_crosswalk"))
    long_path = by_text.join(
        fanout.select("onet_soc_2010", "onet_soc_2019", "w_crosswalk"),
        on="onet_soc_2010",
        how="left",
    ).select(
        pl.lit(TASKS_2010).alias("taxonomy"),
        pl.col("task_lower").alias("task_key"),
        "task",
        "task_id",
        "onet_soc_2010",
        "onet_soc_2019",
        (pl.col("w_text") * pl.col("w_crosswalk").fill_null(1)).alias("weight"),
        pl.col("onet_soc_2019").is_null().alias("no_crosswalk"),
    )
    wide_path = tasks_2019.select(
        pl.lit(TASKS_2019).alias("taxonomy"),
        pl.col("task_id").cast(pl.String).alias("task_key"),
        "task",
        "task_id",
        pl.lit("").alias("onet_soc_2010"),
        "onet_soc_2019",
        pl.lit(1.0).alias("weight"),
        pl.lit(False).alias("no_crosswalk"),
    )
    path = pl.concat([long_path, wide_path]).with_columns(
        pl.col("onet_soc_2019").str.slice(0, 7).alias("soc_code"),
        pl.col("onet_soc_2010").fill_null(""),
    )
    matched = soc_to_oews(path["soc_code"], oews_codes, soc_detailed)
    return (
        path.join(matched, on="soc_code", how="left")
        .join(oews_codes.rename({"soc_code": "oews_code"}), on="oews_code", how="left")
        .with_columns(
            pl.when(pl.col("no_crosswalk"))
            .then(pl.lit("no crosswalk entry"))
            .otherwise(pl.col("match"))
            .alias("match"),
            pl.col("onet_soc_2019").fill_null(""),
        )
        .drop("no_crosswalk")
    )


TASK_OCCUPATION_MAP = Mart(
    name="task_occupation_map",
    description="How the AI usage of each O*NET task in the usage files is attributed to "
    "OEWS occupations: every hop, its weight and how it matched.",
    key=("taxonomy", "task_key", "onet_soc_2010", "onet_soc_2019"),
    columns=(
        col(
            "taxonomy",
            pl.String,
            "",
            "Which task list the key belongs to: the AEI O*NET 20.1 "
            "statements (2025 waves) or O*NET 29.3 task ids (2026 wide release).",
        ),
        col(
            "task_key",
            pl.String,
            "",
            "Task statement in lower case (2025 waves, AEI's "
            "cluster_name) or O*NET task id (2026).",
            "AEI onet_task / onet node ids",
        ),
        col(
            "task",
            pl.String,
            "",
            "Task statement as O*NET writes it.",
            "AEI onet_task_statements.csv; O*NET 29.3 Task Statements.txt",
        ),
        col(
            "task_id",
            pl.Int32,
            "",
            "O*NET task id (the smallest, where one statement has several).",
            "O*NET",
        ),
        col(
            "onet_soc_2010",
            pl.String,
            "O*NET-SOC 2010",
            "Occupation the statement belongs to in O*NET 20.1 (empty for the 2026 taxonomy).",
            "AEI onet_task_statements.csv",
        ),
        col(
            "onet_soc_2019",
            pl.String,
            "O*NET-SOC 2019",
            "Occupation after O*NET's 2010->2019 crosswalk (empty if the crosswalk has no entry).",
            "O*NET 2010_to_2019_Crosswalk.csv; O*NET 29.3",
        ),
        col(
            "weight",
            pl.Float64,
            "share of the task",
            "Share of the task's usage given to "
            "this row: 1/n over the n occupations sharing the statement × 1/m over the m "
            "2019 codes a 2010 code splits into.",
        ),
        col("soc_code", pl.String, "SOC 2018", "Six-digit SOC code (O*NET-SOC without .xx)."),
        col(
            "oews_code",
            pl.String,
            "SOC 2018 (OEWS)",
            "OEWS detailed occupation receiving the usage.",
            "BLS OEWS oe.occupation",
        ),
        col("oews_title", pl.String, "", "OEWS occupation title.", "BLS OEWS oe.occupation"),
        col(
            "match",
            pl.String,
            "",
            "direct; combined OEWS code (the only OEWS-only code of the "
            "SOC broad group); no OEWS occupation; no crosswalk entry.",
        ),
    ),
    staging=(
        "aei_task_statements",
        "onet_crosswalk",
        "onet_task_statements",
        "soc_structure",
        "oews",
    ),
    marts=("aei_harmonised",),
    build=build_task_occupation_map,
)


def _task_keys(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return _task_rows(inputs).select("taxonomy", "task_key").unique()


def _task_rows(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """wave, geo_level, state, taxonomy, task_key, state_pct, state_count."""
    rows = inputs["aei_harmonised"].filter(
        (pl.col("dimension") == "task") & pl.col("measure").is_in(["pct", "count"])
    )
    frame = rows.pivot(
        "measure", index=["wave", "geo_level", "state", "taxonomy", "cluster_id"], values="value"
    ).rename({"cluster_id": "task_key", "pct": "state_pct", "count": "state_count"}, strict=False)
    missing = [c for c in ("state_pct", "state_count") if c not in frame.columns]
    return frame.with_columns(pl.lit(None, pl.Float64).alias(c) for c in missing)


def task_coverage(tasks: pl.DataFrame) -> pl.DataFrame:
    """Per wave and state: how many task rows the release publishes and the share of the
    state's conversations they cover (what any figure built from them rests on)."""
    classified = ~pl.col("cluster").is_in(UNCLASSIFIED)
    return tasks.group_by("wave", "state").agg(
        pl.col("task_key").filter(classified).n_unique().alias("tasks_published"),
        stable_sum(pl.col("state_pct").filter(classified)).alias("task_coverage_pct"),
    )


def build_state_tasks(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    usage = inputs["state_usage"]
    mapping = inputs["task_occupation_map"]
    rows = _task_rows(inputs).with_columns(
        pl.col("task_key").alias("cluster_id"), pl.col("task_key").alias("cluster")
    )
    with_us = with_us_baseline(rows, usage_weights(usage), ["taxonomy", "cluster_id"])
    occupations = mapping.group_by("taxonomy", "task_key").agg(
        pl.col("task").first(),
        pl.col("task_id").min(),
        pl.col("oews_title").drop_nulls().unique().sort().str.join("; ").alias("occupations"),
        pl.col("oews_code").drop_nulls().unique().sort().str.join(",").alias("oews_codes"),
    )
    # Upstream lists a few statements twice with different capitalisation: one value each.
    penetration = (
        inputs["task_penetration"]
        .group_by(pl.col("task_lower").alias("penetration_key"))
        .agg(stable_sum(pl.col("penetration")) / pl.len())
    )
    meta = usage.select("wave", "state", "state_name", "release").unique()
    coverage = task_coverage(with_us)
    return (
        with_support(with_us, usage, ["taxonomy"], unclassified=False)
        .pipe(with_specialization_and_rank, ["taxonomy"])
        .pipe(with_statuses)
        .pipe(with_intervals, ["taxonomy"])
        .join(coverage, on=["wave", "state"], how="left")
        .join(occupations, on=["taxonomy", "task_key"], how="left")
        .with_columns(pl.col("task").str.to_lowercase().alias("penetration_key"))
        .join(penetration, on="penetration_key", how="left")
        .join(meta, on=["wave", "state"], how="left")
    )


STATE_TASKS = Mart(
    name="state_tasks",
    description="O*NET tasks people in each state use Claude for: share of the state's "
    "conversations, US share, specialization, and the occupations each task "
    "belongs to.",
    key=("wave", "state", "task_key"),
    columns=(
        WAVE,
        STATE,
        STATE_NAME,
        RELEASE,
        col("taxonomy", pl.String, "", "Task list of the key (see task_occupation_map)."),
        col(
            "task_key",
            pl.String,
            "",
            "Task statement in lower case (2025) or O*NET task id (2026).",
            "AEI onet_task cluster_name / onet node id",
        ),
        col("task", pl.String, "", "Task statement.", "O*NET via AEI"),
        col("task_id", pl.Int32, "", "O*NET task id (smallest where shared).", "O*NET"),
        col(
            "state_pct",
            pl.Float64,
            "% of the state's conversations",
            "Share of the state's conversations classified to this task, as published.",
            "AEI onet_task_pct",
        ),
        col(
            "state_count",
            pl.Float64,
            "conversations",
            "Conversations classified to the task, where published.",
            "AEI onet_task_count",
        ),
        col(
            "us_pct",
            pl.Float64,
            "% of US conversations",
            "US share: Σ_s count ÷ Σ_s "
            "conversations over the states publishing tasks (usage-weighted mean of state "
            "shares), or the national row where published.",
        ),
        col(
            "us_pct_source",
            pl.String,
            "",
            "'published national' or 'usage-weighted mean of published states'.",
        ),
        col("states_publishing", pl.UInt32, "count", "States with a published value for the task."),
        col("is_classified", pl.Boolean, "", "False for none / not_classified."),
        col("specialization", pl.Float64, "ratio", "state_pct ÷ us_pct; > 1 = over-represented."),
        *rank_columns("rank_in_state", "the task", "among the state's published tasks"),
        *rank_columns(
            "state_rank",
            "the state's share of the task",
            "among the 50 states and DC publishing it",
            ranked_of="states_ranked",
        ),
        *SUPPORT_COLUMNS,
        col(
            "tasks_published",
            pl.UInt32,
            "tasks",
            "How many tasks the release publishes for the state this wave (cells above the "
            "privacy floor).",
            "AEI onet_task facet",
        ),
        col(
            "task_coverage_pct",
            pl.Float64,
            "% of the state's conversations",
            "Share of the state's conversations its published task rows cover: what any "
            "figure built from them (occupations, occupation groups) rests on.",
            "AEI onet_task facet",
        ),
        status_col("state_count_status", "state_count"),
        *SHARE_INTERVAL_COLUMNS,
        col(
            "occupations",
            pl.String,
            "OEWS titles, '; '-separated",
            "OEWS occupations the task belongs to (see task_occupation_map).",
            "O*NET; BLS OEWS",
        ),
        col("oews_codes", pl.String, "SOC codes, comma-separated", "Their OEWS codes."),
        col(
            "penetration",
            pl.Float64,
            "share 0-1",
            "AEI's observed penetration of the task statement (matched on the statement text).",
            "AEI task_penetration.csv",
        ),
    ),
    staging=("task_penetration",),
    marts=("aei_harmonised", "state_usage", "task_occupation_map"),
    build=build_state_tasks,
)
