"""`state_usage`: how much each state uses AI, per wave (usage share, AUI, tier, automation).

Long-layout waves publish counts, so usage share and AUI are computed from them
(docs/methodology.md); the wide release publishes share and AUI (2 dp) but no counts.
Both values are kept where both exist, and the build checks that they agree to rounding.
"""

from __future__ import annotations

import polars as pl

from etl.evidence import (
    ANOMALY_RATIO,
    NOT_COMPUTABLE,
    NOT_IN_FILE,
    NOT_PUBLISHED,
    TOO_LITTLE_DATA,
    WITHHELD,
    status,
    support,
)
from etl.geo import US_51
from etl.harmonise.aei import AUGMENTATION, AUTOMATION
from etl.intervals import rounding_rank_range, seed_of, share_rank_interval, wilson
from etl.sources.registry import aei_wave_sources
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

CLASSIFIED_PATTERNS = [*AUTOMATION, *AUGMENTATION]
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


def _automation_coverage(harmonised: pl.DataFrame) -> pl.DataFrame:
    """Share of the state's conversations in the five classified collaboration patterns:
    what the automation share rests on."""
    patterns = harmonised.filter(
        (pl.col("geo_level") == "state")
        & (pl.col("dimension") == "collaboration")
        & (pl.col("measure") == "pct")
        & pl.col("cluster_id").is_in(CLASSIFIED_PATTERNS)
    )
    return patterns.group_by("wave", "state").agg(
        stable_sum(pl.col("value")).alias("automation_coverage_pct")
    )


def _anomalies(usage: pl.DataFrame) -> pl.DataFrame:
    """The anomaly rule (etl/evidence.py): a state-wave's AUI against the median AUI of the
    same state's other waves, publisher-flagged waves left out of the median."""
    ranked = usage.filter(pl.col("state").is_in(US_51) & pl.col("aui").is_not_null())
    base = ranked.filter(pl.col("caveat") == "").select(
        "state", pl.col("wave").alias("other_wave"), pl.col("aui").alias("other_aui")
    )
    median = (
        ranked.select("wave", "state", "aui")
        .join(base, on="state")
        .filter(pl.col("other_wave") != pl.col("wave"))
        .group_by("wave", "state", "aui")
        .agg(pl.col("other_aui").median().alias("median_other"))
    )
    ratio = pl.col("aui") / pl.col("median_other")
    flagged = (ratio > ANOMALY_RATIO) | (ratio < 1 / ANOMALY_RATIO)
    return median.filter(flagged).select(
        "wave",
        "state",
        pl.format(
            "AUI {} is {}× the median of this state's other waves ({}): treat with caution",
            pl.col("aui").round(2),
            ratio.round(1),
            pl.col("median_other").round(2),
        ).alias("anomaly"),
    )


def _with_statuses(usage: pl.DataFrame) -> pl.DataFrame:
    """Support of the state-level figures, withheld values, and a status for every null."""
    level, reason = support(conversations=pl.col("usage_count"))
    usage = usage.with_columns(level.alias("support"), reason.alias("support_reason"))
    withheld = pl.col("support") == WITHHELD
    usage = usage.with_columns(
        pl.when(withheld).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("usage_share_pct", "aui", "aui_computed")
    )

    def absent(column: str) -> pl.Expr:  # no state of the wave has it: the file lacks it
        return pl.col(column).is_null().all().over("wave")

    return usage.with_columns(
        status("usage_count", (absent("usage_count"), NOT_IN_FILE)).alias("usage_count_status"),
        status("usage_share_pct", (withheld, TOO_LITTLE_DATA)).alias("usage_share_status"),
        status("aui", (withheld, TOO_LITTLE_DATA)).alias("aui_status"),
        status("aui_computed", (withheld, TOO_LITTLE_DATA), (pl.lit(True), NOT_COMPUTABLE)).alias(
            "aui_computed_status"
        ),
        status("aui_published", (absent("aui_published"), NOT_IN_FILE)).alias(
            "aui_published_status"
        ),
        status("automation_share_pct", (absent("automation_share_pct"), NOT_IN_FILE)).alias(
            "automation_status"
        ),
    )


def build_state_usage(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    states = inputs["states"].select("state", "state_name", "is_territory")
    population = inputs["states"].select("state", "working_age_pop")
    harmonised = inputs["aei_harmonised"]
    usage = _with_shares(_usage_rows(harmonised), population)
    available = (
        pl.concat_list([pl.when(pl.col(c).is_not_null()).then(pl.lit(c)) for c in OPTIONAL_FIELDS])
        .list.drop_nulls()
        .list.join(", ")
    )
    usage = (
        usage.with_columns(available.alias("fields_available"))
        .pipe(_with_statuses)
        .pipe(_with_rank_and_tier)
        .join(_automation_coverage(harmonised), on=["wave", "state"], how="left")
        .join(
            inputs["waves"].select("wave", "release", "window_start", "window_end"),
            on="wave",
            how="left",
        )
        .join(states, on="state", how="left")
        .join(_caveats(), on=["wave", "state"], how="left")
        .with_columns(
            (100 - pl.col("automation_share_pct")).alias("augmentation_share_pct"),
            pl.col("caveat").fill_null(""),
        )
    )
    return (
        usage.join(_anomalies(usage), on=["wave", "state"], how="left")
        .with_columns(pl.col("anomaly").fill_null(""))
        .pipe(_with_intervals)
    )


def _with_intervals(usage: pl.DataFrame) -> pl.DataFrame:
    """Wilson intervals of the usage share and the AUI, and rank intervals of both: by
    simulation where the release publishes counts, from the rounding where it does not."""
    counted = pl.col("usage_count").is_not_null() & pl.col("usage_share_pct").is_not_null()
    ranked = pl.col("state").is_in(US_51) & counted
    total = pl.col("usage_count").filter(ranked).sum().over("wave")
    population_share = pl.col("working_age_pop") / pl.col("working_age_pop").filter(
        ranked
    ).sum().over("wave")
    low, high = wilson(pl.col("usage_count"), total)
    usage = rank_within(
        usage,
        ["wave"],
        "usage_share_pct",
        "usage_share_rank",
        where=pl.col("state").is_in(US_51),
        ranked_of="usage_share_states_ranked",
    ).with_columns(
        pl.when(ranked).then(low).alias("usage_share_low_pct"),
        pl.when(ranked).then(high).alias("usage_share_high_pct"),
        pl.when(ranked).then(low / 100 / population_share).alias("aui_low"),
        pl.when(ranked).then(high / 100 / population_share).alias("aui_high"),
        pl.when(ranked).then(population_share).alias("population_share"),
    )
    simulated = [_simulated_ranks(frame) for _, frame in usage.filter(ranked).group_by("wave")]
    rounded = pl.col("state").is_in(US_51) & pl.col("aui").is_not_null() & ~counted
    columns = {}
    for rank, value in (("aui_rank", "aui"), ("usage_share_rank", "usage_share_pct")):
        best, worst = rounding_rank_range(pl.col(value), ["wave", rounded])
        columns[f"{rank}_low"] = pl.when(rounded).then(best)
        columns[f"{rank}_high"] = pl.when(rounded).then(worst)
    usage = usage.with_columns(**columns)
    if simulated:
        sims = pl.concat(simulated)
        usage = usage.update(sims, on=["wave", "state"], how="left")
    no_counts = ~counted & pl.col("aui").is_not_null()
    return usage.with_columns(
        pl.when(pl.col("aui_rank_low").is_null())
        .then(pl.lit(None, pl.String))
        .when(no_counts)
        .then(pl.lit("consistent with the 2-decimal rounding"))
        .otherwise(pl.lit("sampling, 95 %"))
        .alias("rank_interval_kind"),
        status(
            "aui_low",
            (pl.col("support") == WITHHELD, TOO_LITTLE_DATA),
            (no_counts, NOT_COMPUTABLE),
            (pl.col("aui").is_null(), NOT_PUBLISHED),
        ).alias("interval_status"),
    ).drop("population_share")


def _simulated_ranks(wave: pl.DataFrame) -> pl.DataFrame:
    """One wave's states (with counts): AUI and usage-share rank intervals from 2,000
    multinomial redraws of the counts (seeded by the wave)."""
    counts = wave["usage_count"].to_numpy()
    name = wave["wave"][0]
    aui_low, aui_high = share_rank_interval(
        counts,
        wave["aui_rank"].to_numpy(),
        seed_of(name, "aui"),
        divide_by=wave["population_share"].to_numpy(),
    )
    share_low, share_high = share_rank_interval(
        counts, wave["usage_share_rank"].to_numpy(), seed_of(name, "usage_share")
    )
    return wave.select("wave", "state").with_columns(
        pl.Series("aui_rank_low", aui_low, pl.Int16),
        pl.Series("aui_rank_high", aui_high, pl.Int16),
        pl.Series("usage_share_rank_low", share_low, pl.Int16),
        pl.Series("usage_share_rank_high", share_high, pl.Int16),
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


INTERVAL_COLUMNS = (
    *rank_columns(
        "usage_share_rank",
        "the state's usage share",
        "among the 50 states and DC",
        ranked_of="usage_share_states_ranked",
    ),
    col(
        "usage_share_low_pct",
        pl.Float64,
        "% of the 51",
        "95 % Wilson interval of the usage share, lower end: the state's conversations as a "
        "binomial proportion of the 51's (sampling only; conversations cluster by user, so the "
        "real uncertainty is larger). Empty where the release publishes no counts.",
    ),
    col("usage_share_high_pct", pl.Float64, "% of the 51", "Upper end of that interval."),
    col(
        "aui_low",
        pl.Float64,
        "index",
        "95 % interval of the AUI, lower end: the usage-share interval ÷ the population share "
        "(population fixed).",
    ),
    col("aui_high", pl.Float64, "index", "Upper end of that interval."),
    col(
        "aui_rank_low",
        pl.Int16,
        "rank",
        "Best plausible AUI rank: the 2.5th percentile of the ranks over 2,000 seeded "
        "multinomial redraws of the 51 states' counts; for a release without counts, the best "
        "rank consistent with its 2-decimal rounding. Always at or above aui_rank.",
    ),
    col("aui_rank_high", pl.Int16, "rank", "Worst plausible AUI rank (97.5th percentile)."),
    col("usage_share_rank_low", pl.Int16, "rank", "Best plausible usage-share rank (same way)."),
    col("usage_share_rank_high", pl.Int16, "rank", "Worst plausible usage-share rank."),
    col(
        "rank_interval_kind",
        pl.String,
        "",
        "How the rank intervals were made: 'sampling, 95 %' or 'consistent with the 2-decimal "
        "rounding' (a release without counts).",
    ),
    status_col("interval_status", "aui_low (and the other sampling intervals)"),
)

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
        *INTERVAL_COLUMNS,
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
        ANOMALY,
        col(
            "automation_coverage_pct",
            pl.Float64,
            "% of the state's conversations",
            "Share of the state's conversations in the five classified collaboration patterns: "
            "what the automation share rests on.",
            "AEI collaboration facet",
        ),
        *support_cols("the usage share and AUI"),
        status_col("usage_count_status", "usage_count"),
        status_col("usage_share_status", "usage_share_pct"),
        status_col("aui_status", "aui"),
        status_col("aui_computed_status", "aui_computed"),
        status_col("aui_published_status", "aui_published"),
        status_col("automation_status", "automation_share_pct"),
    ),
    staging=(),
    marts=("aei_harmonised", "states", "waves"),
    build=build_state_usage,
)
