"""Coverage: how much of each join actually connects, measured on every build.

Stored in the processed manifest and printed, so a reader knows how far each number reaches:
the share of a state's jobs that carry an exposure score, and the share of its classified
task usage that reaches an OEWS occupation with employment.
"""

from __future__ import annotations

import polars as pl

from etl.geo import US_51
from etl.marts.task_attribution import attributed_usage


def _summary(values: pl.Series) -> dict[str, float | None]:
    values = values.drop_nulls()
    if values.is_empty():
        return {"min": None, "median": None, "max": None}
    return {
        "min": round(values.min(), 2),
        "median": round(values.median(), 2),
        "max": round(values.max(), 2),
    }


def measure_coverage(marts: dict[str, pl.DataFrame]) -> dict:
    occupations = marts["state_occupations"]
    in_51 = pl.col("state").is_in(US_51)

    exposure = (
        occupations.filter(pl.col("observed_exposure").is_not_null())
        .group_by("state")
        .agg(pl.col("employment_share_pct").sum().alias("pct"))
    )
    # Usage attributed to an occupation the state's OEWS does not list, or lists without
    # employment, does not reach; a state with task data and no reach counts as 0 %.
    attributed = attributed_usage(
        marts["state_tasks"], marts["task_occupation_map"], marts["state_usage"]
    )
    latest = attributed.filter(pl.col("wave") == pl.col("wave").max())
    with_tasks = latest.select("state").unique()
    employed = occupations.filter(pl.col("employment").is_not_null()).select(
        "state", pl.col("soc_code").alias("oews_code")
    )
    reached = with_tasks.join(
        latest.join(employed, on=["state", "oews_code"])
        .group_by("state")
        .agg(pl.col("share_pct").sum().alias("pct")),
        on="state",
        how="left",
    ).with_columns(pl.col("pct").fill_null(0.0))

    by_method = _task_usage_by_match(marts)
    return {
        "employment_with_exposure_pct": {
            "definition": "share of the state's all-occupations employment in detailed "
            "occupations with an observed_exposure score",
            "US": _value(exposure, "US"),
            "states": _summary(exposure.filter(in_51)["pct"]),
            "by_state": dict(exposure.filter(in_51).sort("state").rows()),
        },
        "task_usage_reaching_employment_pct": {
            "definition": "share of the state's classified O*NET task usage attributed to an "
            "OEWS occupation with published employment in that state",
            "US": _value(reached, "US"),
            "states": _summary(reached.filter(in_51)["pct"]),
            "states_with_task_data": reached.filter(in_51).height,
            "by_state": dict(reached.filter(in_51).sort("state").select("state", "pct").rows()),
        },
        "us_task_usage_by_match_pct": by_method,
        "us_share_source": _us_share_sources(marts),
    }


def _us_share_sources(marts: dict[str, pl.DataFrame]) -> dict:
    """Per table and wave, where the US shares came from: the release's national rows where
    it has them, else the usage-weighted mean of the published states."""
    found: dict = {}
    for name in ("state_requests", "state_tasks"):
        rows = marts[name].group_by("wave", "us_pct_source").len().sort("wave", "us_pct_source")
        for wave, source, count in rows.rows():
            found.setdefault(name, {}).setdefault(wave, {})[source] = count
    return found


def _value(frame: pl.DataFrame, state: str) -> float | None:
    row = frame.filter(pl.col("state") == state)
    return round(row["pct"].item(), 3) if row.height else None


def _task_usage_by_match(marts: dict[str, pl.DataFrame]) -> dict:
    """US task usage (latest task wave) by how it reached OEWS: direct, combined, unmatched."""
    tasks = marts["state_tasks"].filter(pl.col("is_classified"))
    if tasks.is_empty():
        return {}
    latest = tasks["wave"].max()
    national = (
        tasks.filter(pl.col("wave") == latest).select("taxonomy", "task_key", "us_pct").unique()
    )
    joined = national.join(
        marts["task_occupation_map"], on=["taxonomy", "task_key"], how="left"
    ).with_columns(
        pl.col("match").fill_null("task not in the statements file"),
        (pl.col("us_pct") * pl.col("weight").fill_null(1)).alias("part"),
    )
    total = national["us_pct"].sum()
    shares = joined.group_by("match").agg(pl.col("part").sum() / total * 100).sort("match")
    unmatched = (
        joined.filter(pl.col("oews_code").is_null())
        .group_by("soc_code")
        .agg((pl.col("part").sum() / total * 100).alias("pct"))
        .sort("pct", descending=True)
    )
    combined = (
        joined.filter(pl.col("match") == "combined OEWS code")
        .select("soc_code", "oews_code")
        .unique()
        .sort("soc_code")
    )
    return {
        "wave": latest,
        "shares": {m: round(p, 3) for m, p in shares.rows()},
        "combined_codes_used": [f"{a} -> {b}" for a, b in combined.rows()],
        "unmatched_soc_codes": {s or "(none)": round(p, 3) for s, p in unmatched.rows()},
    }
