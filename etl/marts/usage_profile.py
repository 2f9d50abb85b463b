"""`state_usage_profile`: how people in each state use Claude.ai — for work, study or at home,
what Claude produces, how autonomously, how long the task would take — from the releases
that publish these metrics per state (the 2026 monthly release). Each metric with its US
value, its rank among the 51 and its definition in words (AEI's documentation).

The release publishes no counts, so these figures have no sampling interval. The two time
metrics are published in different units (hours without AI, minutes with AI): both are
given in minutes here.
"""

from __future__ import annotations

import polars as pl

from etl.evidence import NOT_PUBLISHED, status
from etl.geo import US_51
from etl.marts.requests import usage_weights
from etl.spec import (
    STATE,
    STATE_NAME,
    WAVE,
    Mart,
    col,
    rank_columns,
    rank_within,
    stable_sum,
    status_col,
)

DIMENSIONS = ("use_case", "artifact", "primitive", "collaboration", "collaboration_bucket")
# (dimension, cluster) -> (label, definition). From the release's documentation.
PRIMITIVES = {
    "ai_autonomy": (
        "AI autonomy",
        "Mean degree of AI autonomy in completing the task, on a 1–5 scale.",
    ),
    "ai_education_years": (
        "AI 'education' shown",
        "Mean estimated equivalent years of education Claude's answers demonstrate.",
    ),
    "human_education_years": (
        "Education the task needs",
        "Mean estimated years of human education the task requires.",
    ),
    "human_only_time": (
        "Time without AI",
        "Mean estimated time for a person to complete the task without AI (published in "
        "hours; given here in minutes).",
    ),
    "human_with_ai_time": (
        "Time with AI",
        "Mean estimated time for a person to complete the task with AI assistance.",
    ),
    "multitasking": (
        "Multitasking",
        "Share of conversations involving more than one distinct task.",
    ),
    "human_only_ability": (
        "A person alone could do it",
        "Share of conversations whose task a person could complete without AI.",
    ),
}
FAMILIES = {
    "use_case": ("Use: {}", "Share of the state's conversations whose use case is '{}'."),
    "artifact": (
        "Produces: {}",
        "Share of the state's conversations whose most prominent concrete output is '{}'.",
    ),
    "collaboration": (
        "Collaboration: {}",
        "Share of the state's conversations whose human–AI collaboration pattern is '{}'.",
    ),
    "collaboration_bucket": (
        "Collaboration: {}",
        "Share of the state's conversations in the '{}' collaboration bucket.",
    ),
}
HOURS = "human_only_time"  # the one metric published in hours


def _label(dimension: str, cluster: str) -> tuple[str, str]:
    if dimension == "primitive":
        return PRIMITIVES.get(cluster, (cluster.replace("_", " ").capitalize(), "As published."))
    label, definition = FAMILIES[dimension]
    return label.format(cluster), definition.format(cluster)


def build_state_usage_profile(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    harmonised = inputs["aei_harmonised"]
    rows = harmonised.filter(
        pl.col("dimension").is_in(DIMENSIONS)
        & (pl.col("level") == "overall")
        & pl.col("measure").is_in(["pct", "mean"])
    ).with_columns(
        pl.concat_str("dimension", "cluster_id", separator=":").alias("metric"),
        # both time metrics in minutes
        pl.when(pl.col("cluster_id") == HOURS)
        .then(pl.col("value") * 60)
        .otherwise(pl.col("value"))
        .alias("value"),
        pl.when(pl.col("cluster_id") == HOURS)
        .then(pl.lit("minutes"))
        .when(pl.col("measure") == "pct")
        .then(pl.lit("% of the state's conversations"))
        .otherwise(pl.col("unit"))
        .alias("unit"),
    )
    labels = pl.DataFrame(
        [
            (dimension, cluster, *_label(dimension, cluster))
            for dimension, cluster in rows.select("dimension", "cluster_id").unique().rows()
        ],
        schema=["dimension", "cluster_id", "label", "definition"],
        orient="row",
    )
    states = rows.filter(pl.col("geo_level") == "state")
    national = rows.filter(pl.col("geo_level") == "nation").select(
        "wave", "metric", pl.col("value").alias("us_value_national")
    )
    weights = usage_weights(inputs["state_usage"])
    weighted = (
        states.filter(pl.col("state").is_in(US_51))
        .join(weights, on=["wave", "state"])
        .group_by("wave", "metric")
        .agg(
            (stable_sum(pl.col("value") * pl.col("w")) / stable_sum(pl.col("w"))).alias(
                "us_value_weighted"
            )
        )
    )
    names = inputs["states"].select("state", "state_name", "is_territory")
    frame = (
        states.join(labels, on=["dimension", "cluster_id"], how="left")
        .join(national, on=["wave", "metric"], how="left")
        .join(weighted, on=["wave", "metric"], how="left")
        .join(names, on="state", how="left")
        .with_columns(
            pl.coalesce("us_value_national", "us_value_weighted").alias("us_value"),
            pl.when(pl.col("us_value_national").is_not_null())
            .then(pl.lit("published national"))
            .otherwise(pl.lit("usage-weighted mean of the states"))
            .alias("us_value_source"),
        )
        .pipe(
            rank_within,
            ["wave", "metric"],
            "value",
            "rank",
            where=pl.col("state").is_in(US_51),
            ranked_of="states_ranked",
        )
    )
    return frame.with_columns(status("value", (pl.lit(True), NOT_PUBLISHED)).alias("status"))


STATE_USAGE_PROFILE = Mart(
    name="state_usage_profile",
    description="How people in each state use Claude.ai (use cases, outputs, autonomy, time "
    "with and without AI, collaboration), per wave, with the US value and the state's rank.",
    key=("wave", "state", "metric"),
    columns=(
        WAVE,
        STATE,
        STATE_NAME,
        col("is_territory", pl.Boolean, "", "PR, GU, VI: shown, never ranked among the 51."),
        col(
            "metric",
            pl.String,
            "",
            "dimension:subject, e.g. use_case:work, artifact:code fix or debug, "
            "primitive:human_only_time.",
            "AEI metric_id",
        ),
        col(
            "dimension",
            pl.String,
            "",
            "use_case, artifact, primitive, collaboration or collaboration_bucket.",
        ),
        col("label", pl.String, "", "The metric in words, for a chart."),
        col(
            "definition",
            pl.String,
            "",
            "What the metric measures (AEI's documentation).",
            "AEI release_2026_06_26 data_documentation.md",
        ),
        col(
            "value",
            pl.Float64,
            "see unit",
            "The state's value as published (2 dp; the "
            "time without AI converted from hours to minutes).",
            "AEI overall metrics",
        ),
        col(
            "unit", pl.String, "", "% of the state's conversations, minutes, years or a 1–5 scale."
        ),
        status_col("status", "value"),
        col(
            "us_value",
            pl.Float64,
            "see unit",
            "The US value: published national where the "
            "release has it, else the usage-weighted mean of the 51.",
        ),
        col(
            "us_value_source",
            pl.String,
            "",
            "'published national' or 'usage-weighted mean of the states'.",
        ),
        *rank_columns(
            "rank", "the state's value", "among the 50 states and DC", ranked_of="states_ranked"
        ),
    ),
    staging=(),
    marts=("aei_harmonised", "states", "state_usage"),
    build=build_state_usage_profile,
)
