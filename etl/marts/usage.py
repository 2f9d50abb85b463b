"""`state_usage`: how much each state uses AI, per wave (usage share, AUI, tier, automation).

Long-layout waves publish counts, so usage share and AUI are computed from them
(docs/methodology.md); the wide release publishes share and AUI (2 dp) but no counts.
Both values are kept where both exist, and the build checks that they agree to rounding.
"""

from __future__ import annotations

import polars as pl

from etl.geo import US_51
from etl.sources.registry import aei_wave_sources
from etl.spec import (
    IS_TERRITORY,
    RELEASE,
    STATE,
    STATE_NAME,
    WAVE,
    Mart,
    col,
    rank_within,
    stable_sum,
)

TIER_NAMES = {4: "Leading", 3: "Upper middle", 2: "Lower middle", 1: "Emerging", 0: "Minimal"}
# Published AUI is rounded to 2 dp; a larger gap to our recomputation means a real disagreement.
AUI_TOLERANCE = 0.005 + 1e-9
OPTIONAL_FIELDS = (
    "usage_count",
    "usage_share_published_pct",
    "aui_computed",
    "aui_published",
    "automation_share_pct",
)


# Harmonised rows -> state_usage columns: (dimension, cluster_id, measure) -> column.
USAGE_ROWS = {
    ("usage", "conversations", "count"): "usage_count",
    ("usage", "conversations", "pct"): "usage_share_published_pct",
    ("usage", "conversations", "index"): "aui_published",
    ("collaboration_bucket", "automation", "pct"): "automation_share_pct",
}


def _usage_rows(harmonised: pl.DataFrame) -> pl.DataFrame:
    """wave, state and the usage columns a wave publishes (others absent or null)."""
    key = pl.concat_str("dimension", "cluster_id", "measure", separator="/")
    names = {"/".join(k): v for k, v in USAGE_ROWS.items()}
    rows = harmonised.filter((pl.col("geo_level") == "state") & key.is_in(list(names)))
    frame = rows.with_columns(key.replace_strict(names).alias("field")).pivot(
        "field", index=["wave", "state"], values="value"
    )
    missing = [c for c in USAGE_ROWS.values() if c not in frame.columns]
    return frame.with_columns(pl.lit(None, pl.Float64).alias(c) for c in missing)


def _with_shares(frame: pl.DataFrame, population: pl.DataFrame) -> pl.DataFrame:
    """Usage share and AUI over the 51; territories get neither (not in the denominator)."""
    in_51 = pl.col("state").is_in(US_51)
    frame = frame.join(population, on="state", how="left")
    counted = in_51 & pl.col("usage_count").is_not_null()
    count_total = stable_sum(pl.col("usage_count").filter(counted)).over("wave")
    pop_total = pl.col("working_age_pop").filter(counted).sum().over("wave")
    share_from_counts = pl.when(counted).then(pl.col("usage_count") / count_total * 100)
    aui_computed = pl.when(counted).then(
        (pl.col("usage_count") / count_total) / (pl.col("working_age_pop") / pop_total)
    )
    return frame.with_columns(
        share_from_counts.alias("share_from_counts"),
        aui_computed.alias("aui_computed"),
    ).with_columns(
        pl.coalesce("share_from_counts", pl.when(in_51).then("usage_share_published_pct")).alias(
            "usage_share_pct"
        ),
        pl.when(pl.col("share_from_counts").is_not_null())
        .then(pl.lit("computed from counts"))
        .when(in_51 & pl.col("usage_share_published_pct").is_not_null())
        .then(pl.lit("published"))
        .alias("usage_share_source"),
        pl.coalesce("aui_published", "aui_computed").alias("aui"),
        pl.when(pl.col("aui_published").is_not_null())
        .then(pl.lit("published"))
        .when(pl.col("aui_computed").is_not_null())
        .then(pl.lit("computed from counts"))
        .alias("aui_source"),
        (pl.col("aui_published") - pl.col("aui_computed")).alias("aui_published_minus_computed"),
    )


def _with_rank_and_tier(frame: pl.DataFrame) -> pl.DataFrame:
    """Rank 1 = highest AUI among the 51; tiers are AUI quartiles across them."""
    ranked = pl.col("aui").is_not_null() & pl.col("state").is_in(US_51)
    n = pl.col("aui").filter(ranked).count().over("wave")
    ascending = pl.when(ranked).then(pl.col("aui").rank("min").over("wave", ranked))
    quartile = ((ascending - 1) * 4 / n).floor().cast(pl.Int8) + 1
    tier = pl.when(ranked & (pl.col("aui") <= 0)).then(pl.lit(0, pl.Int8)).otherwise(quartile)
    return (
        rank_within(frame, ["wave"], "aui", "aui_rank", where=ranked, ranked_of="states_ranked")
        .with_columns(tier.alias("usage_tier"))
        .with_columns(
            pl.col("usage_tier")
            .replace_strict(TIER_NAMES, default=None, return_dtype=pl.String)
            .alias("usage_tier_name")
        )
    )


def build_state_usage(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    states = inputs["states"].select("state", "state_name", "is_territory")
    population = inputs["states"].select("state", "working_age_pop")
    usage = _with_rank_and_tier(_with_shares(_usage_rows(inputs["aei_harmonised"]), population))
    available = (
        pl.concat_list([pl.when(pl.col(c).is_not_null()).then(pl.lit(c)) for c in OPTIONAL_FIELDS])
        .list.drop_nulls()
        .list.join(", ")
    )
    caveats = _caveats()
    return (
        usage.join(
            inputs["waves"].select("wave", "release", "window_start", "window_end"),
            on="wave",
            how="left",
        )
        .join(states, on="state", how="left")
        .join(caveats, on=["wave", "state"], how="left")
        .with_columns(
            (100 - pl.col("automation_share_pct")).alias("augmentation_share_pct"),
            available.alias("fields_available"),
            pl.col("caveat").fill_null(""),
        )
    )


def _caveats() -> pl.DataFrame:
    rows = [
        (wave, state, text)
        for wave, source in aei_wave_sources().items()
        for state, text in source.anomalies.get(wave, {}).items()
    ]
    return pl.DataFrame(rows, schema=["wave", "state", "caveat"], orient="row")


def check_published_aui(usage: pl.DataFrame) -> list[str]:
    """Warnings for waves where published and recomputed AUI disagree beyond rounding."""
    off = usage.filter(pl.col("aui_published_minus_computed").abs() > AUI_TOLERANCE)
    return [
        f"{w} {s}: published AUI differs from the recomputed one by {d:+.4f}"
        for w, s, d in off.select("wave", "state", "aui_published_minus_computed").rows()
    ]


STATE_USAGE = Mart(
    name="state_usage",
    description="How much each state uses Claude, per AEI wave: usage share, the Anthropic AI "
    "Usage Index (AUI), its rank and tier, and the automation share.",
    key=("wave", "state"),
    columns=(
        WAVE,
        STATE,
        STATE_NAME,
        IS_TERRITORY,
        RELEASE,
        col(
            "window_start",
            pl.Date,
            "date",
            "First day of the wave's sample window.",
            "AEI file date_start",
        ),
        col(
            "window_end",
            pl.Date,
            "date",
            "Last day of the window, inclusive (the wide "
            "schema's exclusive date_end minus one day).",
            "AEI file date_end",
        ),
        col(
            "usage_count",
            pl.Float64,
            "conversations",
            "Claude.ai conversations from the "
            "state in the sample (null where the release publishes no counts).",
            "AEI usage_count",
        ),
        col(
            "usage_share_pct",
            pl.Float64,
            "% of the 51",
            "State conversations ÷ conversations of the 50 states + DC × 100; from counts "
            "where published, else the published share.",
            "AEI usage_count / usage_pct",
        ),
        col("usage_share_source", pl.String, "", "'computed from counts' or 'published'."),
        col(
            "usage_share_published_pct",
            pl.Float64,
            "%",
            "The share as the release publishes it: in the long layout, of all US "
            "conversations including those of unknown state; in the wide layout, of the "
            "parent country's.",
            "AEI usage_pct",
        ),
        col(
            "working_age_pop",
            pl.Int64,
            "persons",
            "Population aged 15-64, 2024.",
            "AEI working_age_pop_2024_us_state.csv",
        ),
        col(
            "aui",
            pl.Float64,
            "index (1 = proportional)",
            "Anthropic AI Usage Index: usage "
            "share ÷ working-age population share, over the 51. Published value where "
            "published, else aui_computed.",
        ),
        col("aui_source", pl.String, "", "'published' or 'computed from counts'."),
        col(
            "aui_computed",
            pl.Float64,
            "index",
            "(count_s ÷ Σ count) ÷ (pop_s ÷ Σ pop), sums over the 50 states + DC.",
            "AEI usage_count; working-age population",
        ),
        col(
            "aui_published",
            pl.Float64,
            "index",
            "usage_per_capita_index as published (2 dp).",
            "AEI usage_per_capita_index",
        ),
        col(
            "aui_published_minus_computed",
            pl.Float64,
            "index",
            "aui_published − "
            "aui_computed where both exist; the build warns beyond ±0.005 (rounding).",
        ),
        col(
            "aui_rank",
            pl.Int16,
            "rank",
            "Rank by AUI among the states ranked (1 = highest; ties share the best rank).",
        ),
        col(
            "aui_rank_tied",
            pl.Boolean,
            "",
            "True when another state has the same AUI this wave (they share the rank).",
        ),
        col("states_ranked", pl.Int16, "count", "How many of the 51 have an AUI this wave."),
        col(
            "usage_tier",
            pl.Int8,
            "0-4",
            "AUI quartile among the 51: 4 = top quartile; "
            "0 = no usage (Minimal). Quartile = floor((ascending rank − 1) × 4 ÷ n) + 1.",
        ),
        col(
            "usage_tier_name",
            pl.String,
            "",
            "Leading, Upper middle, Lower middle, Emerging, Minimal.",
        ),
        col(
            "automation_share_pct",
            pl.Float64,
            "% of classified collaboration",
            "(directive + feedback loop) ÷ (directive + feedback loop + task iteration + "
            "learning + validation) × 100; the wide release publishes it as "
            "collaboration_bucket_automation_pct.",
            "AEI collaboration facet",
        ),
        col(
            "augmentation_share_pct",
            pl.Float64,
            "% of classified collaboration",
            "100 − automation_share_pct.",
        ),
        col(
            "fields_available",
            pl.String,
            "",
            "Which optional fields this state-wave has; "
            "the rest are not published in the source (not zero).",
        ),
        col(
            "caveat",
            pl.String,
            "",
            "Known anomaly flagged by the publisher, else empty.",
            "etl/sources/registry.py anomalies",
        ),
    ),
    staging=(),
    marts=("aei_harmonised", "states", "waves"),
    build=build_state_usage,
)
