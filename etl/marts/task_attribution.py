"""Attributing task usage to occupations, for detailed occupations and for major groups.

Each published task's share of a state's conversations is split along the weights of
`task_occupation_map` (docs/methodology.md, "From a task to an occupation") and divided by
the state's total published task share: the occupation's share of the state's
*task-classified* conversations. The US row uses the US task shares. What each figure rests
on travels with it: how many tasks reach it, and how much of the state's conversations the
state's published task rows cover.
"""

from __future__ import annotations

import polars as pl

from etl.geo import US_51
from etl.spec import stable_sum


def _support(tasks: pl.DataFrame, usage: pl.DataFrame) -> pl.DataFrame:
    """Per wave and geography (states and US): conversations, task coverage, flags."""
    states = tasks.select("wave", "state", "conversations", "task_coverage_pct", "anomaly").unique(
        ["wave", "state"]
    )
    weights = (
        usage.filter(pl.col("state").is_in(US_51))
        .select("wave", "state", pl.coalesce("usage_count", "usage_share_pct").alias("w"))
        .join(states.select("wave", "state", "task_coverage_pct"), on=["wave", "state"], how="left")
    )
    waves_with_tasks = states.select("wave").unique()
    national = (
        weights.join(waves_with_tasks, on="wave")
        .group_by("wave")
        .agg(
            (
                stable_sum(pl.col("w") * pl.col("task_coverage_pct").fill_null(0))
                / stable_sum(pl.col("w"))
            ).alias("task_coverage_pct"),
            pl.when(pl.col("w").is_not_null().all())
            .then(stable_sum(pl.col("w")))
            .alias("conversations"),
        )
        .with_columns(pl.lit("US").alias("state"), pl.lit("").alias("anomaly"))
    )
    counted = usage.select("wave", "state", pl.col("usage_count").alias("counted"))
    national = national.join(
        counted.group_by("wave").agg(pl.col("counted").is_not_null().all().alias("has_counts")),
        on="wave",
    ).with_columns(
        pl.when(pl.col("has_counts")).then(pl.col("conversations")).alias("conversations")
    )
    return pl.concat([states, national.select(states.columns)])


def attributed_usage(
    tasks: pl.DataFrame, mapping: pl.DataFrame, usage: pl.DataFrame, key: str = "oews_code"
) -> pl.DataFrame:
    """wave, state, `key` (an OEWS code, or `major_group`), share_pct, tasks_attributed,
    conversations, task_coverage_pct, anomaly — for every wave with task data."""
    classified = tasks.filter(pl.col("is_classified") & pl.col("state_pct").is_not_null())
    national = (
        classified.group_by("wave", "taxonomy", "task_key")
        .agg(pl.col("us_pct").first().alias("state_pct"))
        .with_columns(pl.lit("US").alias("state"))
    )
    shares = pl.concat(
        [
            classified.select("wave", "state", "taxonomy", "task_key", "state_pct"),
            national.select("wave", "state", "taxonomy", "task_key", "state_pct"),
        ]
    )
    totals = shares.group_by("wave", "state").agg(
        stable_sum(pl.col("state_pct")).alias("classified_pct")
    )
    links = mapping.filter(pl.col("oews_code").is_not_null()).select(
        "taxonomy",
        "task_key",
        "oews_code",
        "weight",
        pl.col("oews_code").str.slice(0, 2).alias("major_group"),
    )
    return (
        shares.join(links, on=["taxonomy", "task_key"])
        .group_by("wave", "state", key)
        .agg(
            stable_sum(pl.col("state_pct") * pl.col("weight")).alias("part"),
            pl.col("task_key").n_unique().alias("tasks_attributed"),
        )
        .join(totals, on=["wave", "state"])
        .join(_support(tasks, usage), on=["wave", "state"], how="left")
        .with_columns((pl.col("part") / pl.col("classified_pct") * 100).alias("share_pct"))
        .drop("part", "classified_pct")
    )
