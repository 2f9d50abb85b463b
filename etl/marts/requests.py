"""`state_requests`: what people in each state use AI for (request clusters), vs the US.

Read from `aei_harmonised`, where levels are named the same in every release (detailed,
minor, major). Each release has its own request taxonomy (`taxonomy`); clusters are
comparable only within one taxonomy.

The US share comes from the national rows where the file has them. Otherwise it is rebuilt
from the states: the usage-weighted mean of the published state shares,
Σ_s w_s · pct_s,c ÷ Σ_s w_s over the states that publish the level (w = conversations, or
the usage share where no counts exist). Unpublished cells fold into `not_classified` in
the state rows, so this is the share among those states' conversations.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from etl.evidence import NOT_COMPUTABLE, NOT_IN_FILE, TOO_LITTLE_DATA, WITHHELD, status, support
from etl.geo import US_51
from etl.intervals import proportion_rank_interval, seed_of, wilson
from etl.spec import (
    ANOMALY,
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

UNCLASSIFIED = ("not_classified", "none")


# Columns every wave x state x cluster mart carries about its support and flags.
SHARE_INTERVAL_COLUMNS = (
    col(
        "state_pct_low",
        pl.Float64,
        "% of the state's conversations",
        "95 % Wilson interval of state_pct, lower end: k = the published count (or state_pct × "
        "the state's conversations), n = the state's conversations. Sampling only: "
        "conversations cluster by user, so the real uncertainty is larger. Empty where the "
        "release publishes no counts (interval_status says so).",
    ),
    col("state_pct_high", pl.Float64, "% of the state's conversations", "Upper end."),
    col(
        "specialization_low",
        pl.Float64,
        "ratio",
        "state_pct_low ÷ us_pct: the specialization's interval (the US share held fixed).",
    ),
    col("specialization_high", pl.Float64, "ratio", "state_pct_high ÷ us_pct."),
    status_col("interval_status", "state_pct_low"),
)
SUPPORT_COLUMNS = (
    col(
        "conversations",
        pl.Float64,
        "conversations",
        "The state's conversations in the wave, where the release publishes counts: what its "
        "shares rest on.",
        "AEI usage_count",
    ),
    *support_cols("the state's shares"),
    col("caveat", pl.String, "", "Publisher's caveat for this state-wave, else empty."),
    ANOMALY,
    status_col("state_pct_status", "state_pct"),
    status_col("specialization_status", "specialization"),
)


def _request_rows(harmonised: pl.DataFrame) -> pl.DataFrame:
    """wave, geo_level, state, level, cluster, cluster_id, taxonomy, state_pct, state_count."""
    rows = harmonised.filter(
        (pl.col("dimension") == "request") & pl.col("measure").is_in(["pct", "count"])
    )
    frame = rows.pivot(
        "measure",
        index=["wave", "geo_level", "state", "level", "taxonomy", "cluster_id", "cluster"],
        values="value",
    ).rename({"pct": "state_pct", "count": "state_count"}, strict=False)
    missing = [c for c in ("state_pct", "state_count") if c not in frame.columns]
    return frame.with_columns(pl.lit(None, pl.Float64).alias(c) for c in missing)


def with_us_baseline(rows: pl.DataFrame, weights: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Add us_pct (national rows, else usage-weighted mean of states) and its source.

    `rows`: wave, geo_level, state, level, cluster_id, state_pct; `weights`: wave, state, w.
    `keys`: columns identifying one cell within a wave (e.g. level, cluster_id).
    """
    group = ["wave", *[k for k in keys if k != "cluster_id"]]
    national = rows.filter(pl.col("geo_level") == "nation").select(
        "wave", *keys, pl.col("state_pct").alias("us_pct_national")
    )
    states = rows.filter(pl.col("geo_level") == "state").join(
        weights, on=["wave", "state"], how="left"
    )
    publishing = states.filter(pl.col("w").is_not_null()).select(*group, "state", "w").unique()
    weight_total = publishing.group_by(group).agg(stable_sum(pl.col("w")).alias("w_total"))
    rebuilt = (
        states.filter(pl.col("w").is_not_null())
        .group_by("wave", *keys)
        .agg(
            stable_sum(pl.col("state_pct") * pl.col("w")).alias("weighted"),
            pl.col("state").n_unique().alias("states_publishing"),
        )
        .join(weight_total, on=group)
        .select(
            "wave",
            *keys,
            "states_publishing",
            (pl.col("weighted") / pl.col("w_total")).alias("us_pct_rebuilt"),
        )
    )
    return (
        states.drop("w")
        .join(rebuilt, on=["wave", *keys], how="left")
        .join(national, on=["wave", *keys], how="left")
        .with_columns(
            pl.coalesce("us_pct_national", "us_pct_rebuilt").alias("us_pct"),
            pl.when(pl.col("us_pct_national").is_not_null())
            .then(pl.lit("published national"))
            .otherwise(pl.lit("usage-weighted mean of published states"))
            .alias("us_pct_source"),
        )
        .drop("us_pct_national", "us_pct_rebuilt")
    )


def usage_weights(usage: pl.DataFrame) -> pl.DataFrame:
    """Per wave and state: conversations where counted, else the usage share."""
    return usage.filter(~pl.col("is_territory")).select(
        "wave", "state", pl.coalesce("usage_count", "usage_share_pct").alias("w")
    )


def with_specialization_and_rank(frame: pl.DataFrame, cell: list[str]) -> pl.DataFrame:
    """Specialization = state pct ÷ US pct. Two ranks of the one rule: the cluster's rank
    within the state (1 = the state's largest classified cluster) and the state's rank
    among the 51 for the cluster (1 = the largest share)."""
    classified = ~pl.col("cluster").is_in(UNCLASSIFIED)
    frame = frame.with_columns(
        classified.alias("is_classified"),
        pl.when(classified & (pl.col("us_pct") > 0))
        .then(pl.col("state_pct") / pl.col("us_pct"))
        .alias("specialization"),
    )
    frame = rank_within(
        frame, ["wave", "state", *cell], "state_pct", "rank_in_state", where=classified
    )
    return rank_within(
        frame,
        ["wave", *cell, "cluster_id"],
        "state_pct",
        "state_rank",
        where=classified & pl.col("state").is_in(US_51),
        ranked_of="states_ranked",
    )


def with_support(
    frame: pl.DataFrame, usage: pl.DataFrame, cell: list[str], *, unclassified: bool
) -> pl.DataFrame:
    """The state's conversations, its publisher and automatic flags, and the support rule
    (etl/evidence.py): withheld under 100 conversations; with `unclassified`, flagged where
    the state's not_classified share of the cell is over twice the US's. Withheld shares
    are emptied."""
    flags = usage.select(
        "wave", "state", pl.col("usage_count").alias("conversations"), "caveat", "anomaly"
    )
    frame = frame.join(flags, on=["wave", "state"], how="left")
    ratio = None
    if unclassified:
        shares = frame.filter(pl.col("cluster_id") == "not_classified").select(
            "wave",
            "state",
            *cell,
            pl.col("state_pct").alias("not_classified_pct"),
            pl.col("us_pct").alias("us_not_classified_pct"),
        )
        frame = frame.join(shares, on=["wave", "state", *cell], how="left")
        ratio = pl.col("not_classified_pct") / pl.col("us_not_classified_pct")
    level, reason = support(conversations=pl.col("conversations"), unclassified_ratio=ratio)
    frame = frame.with_columns(level.alias("support"), reason.alias("support_reason"))
    return frame.with_columns(
        pl.when(pl.col("support") == WITHHELD).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("state_pct", "state_count")
    )


def with_statuses(frame: pl.DataFrame) -> pl.DataFrame:
    withheld = pl.col("support") == WITHHELD
    no_counts = pl.col("state_count").is_null().all().over("wave")
    return frame.with_columns(
        status("state_pct", (withheld, TOO_LITTLE_DATA)).alias("state_pct_status"),
        status("state_count", (withheld, TOO_LITTLE_DATA), (no_counts, NOT_IN_FILE)).alias(
            "state_count_status"
        ),
        status(
            "specialization",
            (withheld, TOO_LITTLE_DATA),
            (~pl.col("is_classified"), NOT_COMPUTABLE),
            (pl.col("us_pct").fill_null(0) <= 0, NOT_COMPUTABLE),
        ).alias("specialization_status"),
    )


def with_intervals(
    frame: pl.DataFrame, cell: list[str], simulate: pl.Expr | None = None
) -> pl.DataFrame:
    """95 % Wilson intervals of each share (k = the published count, or the published share ×
    the state's conversations; n = the state's conversations), the specialization's (the
    state interval over the US share), and with `simulate`, the interval of the state's rank
    among the 51 for the cluster (binomial redraws of every state's count) for the rows
    `simulate` selects."""
    count = pl.coalesce("state_count", pl.col("state_pct") / 100 * pl.col("conversations"))
    low, high = wilson(count, pl.col("conversations"))
    computable = pl.col("conversations").is_not_null() & pl.col("state_pct").is_not_null()
    frame = frame.with_columns(
        pl.when(computable).then(low).alias("state_pct_low"),
        pl.when(computable).then(high).alias("state_pct_high"),
    ).with_columns(
        pl.when(pl.col("specialization").is_not_null())
        .then(pl.col(f"state_pct_{end}") / pl.col("us_pct"))
        .alias(f"specialization_{end}")
        for end in ("low", "high")
    )
    frame = frame.with_columns(
        pl.lit(None, pl.Int16).alias("state_rank_low"),
        pl.lit(None, pl.Int16).alias("state_rank_high"),
    )
    if simulate is not None:
        ranked = pl.col("state_rank").is_not_null() & computable & simulate
        keys = ["wave", *cell]
        parts = [
            _simulated_state_ranks(group, keys)
            for _, group in frame.filter(ranked).group_by(keys, maintain_order=True)
        ]
        if parts:
            frame = frame.update(pl.concat(parts), on=["wave", "state", *cell, "cluster_id"])
    no_counts = pl.col("conversations").is_null() & pl.col("state_pct").is_not_null()
    return frame.with_columns(
        status(
            "state_pct_low",
            (pl.col("support") == WITHHELD, TOO_LITTLE_DATA),
            (no_counts, NOT_COMPUTABLE),
        ).alias("interval_status")
    )


def _simulated_state_ranks(cell: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """One wave and level (`keys`): every cluster's states as (clusters x states) arrays,
    redrawn together; the rank interval of each published state-cluster."""
    wide = cell.pivot("state", index="cluster_id", values="state_pct", sort_columns=True)
    states = wide.columns[1:]
    conversations = dict(cell.select("state", "conversations").unique("state").rows())
    n = np.tile([conversations[s] for s in states], (wide.height, 1))
    k = wide.select(states).to_numpy() / 100 * n
    point = (
        cell.pivot("state", index="cluster_id", values="state_rank", sort_columns=True)
        .select(states)
        .to_numpy()
    )
    where = cell.select(keys).row(0)
    low, high = proportion_rank_interval(k, n, point, seed_of("state_rank", *map(str, where)))
    rows = [
        (*where, cluster, state, int(low[i, j]), int(high[i, j]))
        for i, cluster in enumerate(wide["cluster_id"])
        for j, state in enumerate(states)
        if not np.isnan(low[i, j])
    ]
    schema = {**dict.fromkeys(keys, pl.String), "cluster_id": pl.String, "state": pl.String}
    return pl.DataFrame(
        rows,
        schema={**schema, "state_rank_low": pl.Int16, "state_rank_high": pl.Int16},
        orient="row",
    )


def build_state_requests(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    usage = inputs["state_usage"]
    rows = _request_rows(inputs["aei_harmonised"])
    counted = with_us_baseline(rows, usage_weights(usage), ["level", "cluster_id"])
    meta = usage.select("wave", "state", "state_name", "release").unique()
    return (
        with_support(counted, usage, ["level"], unclassified=True)
        .pipe(with_specialization_and_rank, ["level"])
        .pipe(with_statuses)
        # the map's level (the coarsest): its rank claims are the ones a reader sees
        .pipe(with_intervals, ["level"], simulate=pl.col("level") == "major")
        .join(meta, on=["wave", "state"], how="left")
    )


STATE_REQUESTS = Mart(
    name="state_requests",
    description="What people in each state use Claude for: each request cluster's share of "
    "the state's conversations, the US share, and the specialization index.",
    key=("wave", "state", "level", "cluster_id"),
    columns=(
        WAVE,
        STATE,
        STATE_NAME,
        RELEASE,
        col(
            "taxonomy",
            pl.String,
            "",
            "The request taxonomy the clusters belong to (each "
            "release has its own): compare clusters only within one taxonomy.",
        ),
        col(
            "level",
            pl.String,
            "",
            "Granularity: detailed (leaf), minor, major (coarsest). "
            "Long schema level 0/1/2 and wide hierarchy_level 0/1/2 both count from the leaf.",
            "AEI level / hierarchy_level",
        ),
        col(
            "cluster",
            pl.String,
            "",
            "Request cluster name as published.",
            "AEI cluster_name / node_name",
        ),
        col(
            "cluster_id",
            pl.String,
            "",
            "Stable id within the taxonomy: the name in the long "
            "schema, node_external_id in the wide one (names repeat there).",
            "AEI cluster_name / node_external_id",
        ),
        col(
            "is_classified",
            pl.Boolean,
            "",
            "False for not_classified and none, which are excluded from specialization and ranks.",
        ),
        col(
            "state_pct",
            pl.Float64,
            "% of the state's conversations",
            "Share of the state's conversations in this cluster at this level, as published.",
            "AEI request_pct / pct",
        ),
        col(
            "state_count",
            pl.Float64,
            "conversations",
            "Conversations in the cluster, where published.",
            "AEI request_count",
        ),
        col(
            "us_pct",
            pl.Float64,
            "% of US conversations",
            "US share of the cluster: national "
            "rows where published, else Σ_s w_s·pct_s ÷ Σ_s w_s over the states publishing "
            "the level (w = usage_count, or usage share without counts).",
        ),
        col(
            "us_pct_source",
            pl.String,
            "",
            "'published national' or 'usage-weighted mean of published states'.",
        ),
        col(
            "states_publishing",
            pl.UInt32,
            "count",
            "States with a published value for this cluster.",
        ),
        col(
            "specialization",
            pl.Float64,
            "ratio",
            "state_pct ÷ us_pct (not renormalised); "
            "> 1 means over-represented in the state. Null for unclassified clusters.",
        ),
        *rank_columns(
            "rank_in_state", "the cluster", "among the state's classified clusters at this level"
        ),
        *rank_columns(
            "state_rank",
            "the state's share of the cluster",
            "among the 50 states and DC publishing it",
            ranked_of="states_ranked",
        ),
        *SUPPORT_COLUMNS,
        col(
            "not_classified_pct",
            pl.Float64,
            "% of the state's conversations",
            "The state's not_classified share at this level: conversations in clusters below "
            "the privacy floor fall there, so a high share means small clusters are hidden.",
            "AEI request facet",
        ),
        col(
            "us_not_classified_pct",
            pl.Float64,
            "% of US conversations",
            "The same for the US (national rows, or the usage-weighted mean of states).",
        ),
        status_col("state_count_status", "state_count"),
        *SHARE_INTERVAL_COLUMNS,
        col(
            "state_rank_low",
            pl.Int16,
            "rank",
            "Best plausible state_rank (coarsest level): the 2.5th percentile of the ranks over "
            "2,000 seeded redraws of every state's count in the cluster (normal approximation "
            "of each binomial; every published cell has at least 15 conversations). Always at "
            "or above state_rank. Empty at finer levels and without counts.",
        ),
        col("state_rank_high", pl.Int16, "rank", "Worst plausible state_rank (97.5th)."),
    ),
    staging=(),
    marts=("aei_harmonised", "state_usage"),
    build=build_state_requests,
)
