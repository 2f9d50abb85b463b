"""`aei_harmonised`: every AEI release layout as one tidy table (the "garden" step).

The long layout (releases 2025-09-15, 2026-01-15, 2026-03-24: one row per geography, facet,
level, variable and cluster, with counts) and the wide layout (release 2026-06-26: one row
per geography, category, hierarchy level, node and metric; shares rounded to 2 dp, no
counts) are turned into the same rows: one per wave, geography, dimension, level, cluster
and measure. Everything that depends on the layout happens here and nowhere else:

- names: long `level` 0/1/2 and wide `hierarchy_level` 0/1/2 both count from the leaf
  (detailed, minor, major); wide overall metrics become dimensions (`use_case_work_pct` ->
  use_case / work / pct);
- keys: long clusters are keyed by their name, wide nodes by `node_external_id` (names
  repeat there);
- the automation share: published by the wide layout (`collaboration_bucket_*`), computed
  here for the long layout from the five classified collaboration patterns (directive +
  feedback loop) ÷ all five, and marked so in `derivation`;
- task taxonomies: long tasks are O*NET 20.1 statements (O*NET-SOC 2010), wide tasks O*NET
  29.3 task ids (O*NET-SOC 2019).

A new release in a known layout needs only its registry entry; a new layout needs a reader
and a branch here. See docs/architecture.md.
"""

from __future__ import annotations

import polars as pl

from etl.sources.registry import aei_wave_sources
from etl.spec import RELEASE, STATE, WAVE, Mart, col, stable_sum

LAYOUT_OF_READER = {"aei_long": "long", "aei_wide": "wide"}
LEVEL_NAMES = {0: "detailed", 1: "minor", 2: "major"}
OCCUPATION_LEVELS = {0: "detailed", 1: "major"}  # wide soc_occupation: O*NET-SOC, 2-digit
TASKS_2010 = "O*NET 20.1 task statements (AEI, O*NET-SOC 2010)"
TASKS_2019 = "O*NET 29.3 task ids (O*NET-SOC 2019)"
OCCUPATIONS = "SOC 2018 (O*NET-SOC)"
AUTOMATION = ("directive", "feedback loop")
AUGMENTATION = ("task iteration", "learning", "validation")
# Long facets -> dimension (the geography-level usage facet is already `usage`).
LONG_DIMENSIONS = {"onet_task": "task", "soc_occupation": "occupation"}
# Wide overall metrics: metric id -> (dimension, cluster, measure).
WIDE_OVERALL = {
    "usage_pct": ("usage", "conversations", "pct"),
    "usage_per_capita_index": ("usage", "conversations", "index"),
    "collaboration_bucket_automation_pct": ("collaboration_bucket", "automation", "pct"),
    "collaboration_bucket_augmentation_pct": ("collaboration_bucket", "augmentation", "pct"),
    "multitasking_pct": ("primitive", "multitasking", "pct"),
    "human_only_ability_pct": ("primitive", "human_only_ability", "pct"),
    "ai_autonomy_mean": ("primitive", "ai_autonomy", "mean"),
    "ai_education_years_mean": ("primitive", "ai_education_years", "mean"),
    "human_education_years_mean": ("primitive", "human_education_years", "mean"),
    "human_only_time_mean": ("primitive", "human_only_time", "mean"),
    "human_with_ai_time_mean": ("primitive", "human_with_ai_time", "mean"),
}
WIDE_PREFIXES = {  # families of wide overall metrics: prefix -> dimension
    "use_case_": "use_case",
    "collaboration_": "collaboration",
    "artifact_": "artifact",
}
COLUMNS = (
    "wave",
    "release",
    "layout",
    "geo_level",
    "state",
    "is_territory",
    "dimension",
    "level",
    "taxonomy",
    "cluster_id",
    "cluster",
    "measure",
    "value",
    "unit",
    "derivation",
    "conversations",
    "source_id",
    "source_line",
)


def _releases() -> pl.DataFrame:
    rows = [
        (wave, s.release, LAYOUT_OF_READER[s.reader], s.id)
        for wave, s in aei_wave_sources().items()
    ]
    return pl.DataFrame(
        rows, schema=["wave", "release", "layout", "source_id"], orient="row"
    ).with_columns(pl.col("layout"))


def _measure(variable: pl.Expr) -> pl.Expr:
    """usage_count -> count, request_pct -> pct, ..._mean -> mean."""
    return variable.str.extract(r"_(count|pct|mean|index)$").fill_null(variable)


def _long_rows(long: pl.DataFrame) -> pl.DataFrame:
    facet = pl.col("facet")
    dimension = facet.replace(LONG_DIMENSIONS)
    level = (
        pl.when(dimension == "request")
        .then(pl.col("level").replace_strict(LEVEL_NAMES, return_dtype=pl.String))
        .when(dimension == "task")
        .then(pl.lit("task"))
        .when(dimension == "occupation")
        .then(pl.col("level").replace_strict(OCCUPATION_LEVELS, return_dtype=pl.String))
        .otherwise(pl.lit("overall"))
    )
    cluster = pl.when(facet == "usage").then(pl.lit("conversations")).otherwise("cluster_name")
    return long.filter(~facet.str.contains("::", literal=True)).select(
        "wave",
        "geo_level",
        "state",
        "is_territory",
        dimension.alias("dimension"),
        level.alias("level"),
        pl.when(dimension == "task")
        .then(pl.lit(TASKS_2010))
        .when(dimension == "occupation")
        .then(pl.lit(OCCUPATIONS))
        .otherwise(pl.lit(""))
        .alias("taxonomy"),
        cluster.alias("cluster_id"),
        cluster.alias("cluster"),
        _measure(pl.col("variable")).alias("measure"),
        "value",
        pl.lit("").alias("unit"),
        pl.lit("published").alias("derivation"),
        "source_line",
    )


def _long_automation(rows: pl.DataFrame) -> pl.DataFrame:
    """The automation/augmentation buckets of the long layout, from the five classified
    patterns; only for geographies that publish all five."""
    patterns = rows.filter(
        (pl.col("dimension") == "collaboration")
        & (pl.col("measure") == "pct")
        & pl.col("cluster_id").is_in([*AUTOMATION, *AUGMENTATION])
    )
    automation = (
        patterns.group_by("wave", "geo_level", "state", "is_territory")
        .agg(
            (
                stable_sum(pl.col("value").filter(pl.col("cluster_id").is_in(AUTOMATION)))
                / stable_sum(pl.col("value"))
                * 100
            ).alias("automation"),
            pl.col("cluster_id").n_unique().alias("patterns"),
        )
        .filter(pl.col("patterns") == len(AUTOMATION) + len(AUGMENTATION))
    )
    buckets = [
        automation.select(
            "wave",
            "geo_level",
            "state",
            "is_territory",
            pl.lit(name).alias("cluster_id"),
            value.alias("value"),
        )
        for name, value in (
            ("automation", pl.col("automation")),
            ("augmentation", 100 - pl.col("automation")),
        )
    ]
    return pl.concat(buckets).select(
        "wave",
        "geo_level",
        "state",
        "is_territory",
        pl.lit("collaboration_bucket").alias("dimension"),
        pl.lit("overall").alias("level"),
        pl.lit("").alias("taxonomy"),
        "cluster_id",
        pl.col("cluster_id").alias("cluster"),
        pl.lit("pct").alias("measure"),
        "value",
        pl.lit("").alias("unit"),
        pl.lit("computed from the five collaboration patterns").alias("derivation"),
        pl.lit(None, pl.Int32).alias("source_line"),
    )


def _wide_overall_parts(metric: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(dimension, cluster, measure) of a wide overall metric id."""
    dimension, cluster, measure = pl.lit("other"), metric, _measure(metric)
    for prefix, family in WIDE_PREFIXES.items():
        starts = metric.str.starts_with(prefix)
        name = metric.str.strip_prefix(prefix).str.strip_suffix("_pct").str.replace_all("_", " ")
        dimension = pl.when(starts).then(pl.lit(family)).otherwise(dimension)
        cluster = pl.when(starts).then(name).otherwise(cluster)
    for metric_id, (family, name, kind) in WIDE_OVERALL.items():
        exact = metric == metric_id
        dimension = pl.when(exact).then(pl.lit(family)).otherwise(dimension)
        cluster = pl.when(exact).then(pl.lit(name)).otherwise(cluster)
        measure = pl.when(exact).then(pl.lit(kind)).otherwise(measure)
    return dimension, cluster, measure


def _wide_rows(wide: pl.DataFrame) -> pl.DataFrame:
    category, level = pl.col("category"), pl.col("hierarchy_level")
    overall_dimension, overall_cluster, overall_measure = _wide_overall_parts(pl.col("metric_id"))
    is_overall = category == "overall"
    dimension = (
        pl.when(is_overall)
        .then(overall_dimension)
        .otherwise(category.replace({"onet": "task", "soc_occupation": "occupation"}))
    )
    level_name = (
        pl.when(is_overall)
        .then(pl.lit("overall"))
        .when(category == "request")
        .then(level.replace_strict(LEVEL_NAMES, default=None, return_dtype=pl.String))
        .when(category == "onet")
        .then(pl.lit("task"))
        .otherwise(level.replace_strict(OCCUPATION_LEVELS, default=None, return_dtype=pl.String))
    )
    taxonomy = (
        pl.when(category == "onet")
        .then(pl.lit(TASKS_2019))
        .when(category == "soc_occupation")
        .then(pl.lit(OCCUPATIONS))
        .otherwise(pl.lit(""))
    )
    unit = pl.when(pl.col("unit") == "percent").then(pl.lit("")).otherwise(pl.col("unit"))
    return wide.select(
        "wave",
        "geo_level",
        "state",
        "is_territory",
        dimension.alias("dimension"),
        level_name.alias("level"),
        taxonomy.alias("taxonomy"),
        pl.when(is_overall).then(overall_cluster).otherwise("node_id").alias("cluster_id"),
        pl.when(is_overall).then(overall_cluster).otherwise("node_name").alias("cluster"),
        pl.when(is_overall).then(overall_measure).otherwise("metric_id").alias("measure"),
        "value",
        unit.alias("unit"),
        pl.lit("published").alias("derivation"),
        "source_line",
    )


def build_aei_harmonised(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    long = _long_rows(inputs["aei_long"])
    rows = pl.concat(
        [long, _long_automation(long), _wide_rows(inputs["aei_wide"])], how="vertical_relaxed"
    )
    releases = _releases()
    conversations = rows.filter(
        (pl.col("dimension") == "usage") & (pl.col("measure") == "count")
    ).select("wave", "state", pl.col("value").alias("conversations"))
    return (
        rows.join(releases, on="wave", how="left")
        .join(conversations, on=["wave", "state"], how="left")
        .with_columns(
            # the request taxonomy is the release's own: clusters compare within a release
            pl.when(pl.col("dimension") == "request")
            .then(pl.col("release"))
            .otherwise(pl.col("taxonomy"))
            .alias("taxonomy"),
            pl.when((pl.col("dimension") == "usage") & (pl.col("measure") == "pct"))
            .then(pl.lit("% of US conversations (as published)"))
            .when(pl.col("measure") == "pct")
            .then(pl.lit("% of the geography's conversations"))
            .when(pl.col("measure") == "count")
            .then(pl.lit("conversations"))
            .when(pl.col("measure") == "index")
            .then(pl.lit("index (1 = proportional to working-age population)"))
            .otherwise(pl.col("unit"))
            .alias("unit"),
        )
        .select(COLUMNS)
    )


AEI_HARMONISED = Mart(
    name="aei_harmonised",
    description="Every AEI release layout as one tidy table: one row per wave, geography, "
    "dimension, level, cluster and measure, with its source line and, where the release "
    "publishes counts, the geography's conversations.",
    key=("wave", "geo_level", "state", "dimension", "level", "cluster_id", "measure"),
    columns=(
        WAVE,
        RELEASE,
        col(
            "layout",
            pl.String,
            "",
            "File layout of the release: long (with counts) or wide (shares, 2 dp).",
            "etl/sources/registry.py",
        ),
        col("geo_level", pl.String, "", "state (50 states, DC, territories) or nation (US)."),
        STATE,
        col("is_territory", pl.Boolean, "", "PR, GU, VI: kept, never counted among the 51."),
        col(
            "dimension",
            pl.String,
            "",
            "What is measured: usage (conversations), request (clusters of requests), task "
            "(O*NET tasks), collaboration (patterns), collaboration_bucket (automation, "
            "augmentation), occupation (SOC groups), use_case, artifact, primitive (autonomy, "
            "education, time, multitasking).",
            "AEI facet / category_name / metric_id",
        ),
        col(
            "level",
            pl.String,
            "",
            "Granularity within the dimension: detailed, minor, major (requests; both layouts "
            "count from the leaf), task, detailed/major (occupations), overall.",
            "AEI level / hierarchy_level",
        ),
        col(
            "taxonomy",
            pl.String,
            "",
            "The list the cluster belongs to: the release (requests), the O*NET task list "
            "(tasks), SOC (occupations); empty otherwise.",
        ),
        col(
            "cluster_id",
            pl.String,
            "",
            "Stable key within the taxonomy: the name (long layout) or node_external_id (wide "
            "layout) for clusters, tasks and occupations; the subject of an overall metric.",
            "AEI cluster_name / node_external_id / metric_id",
        ),
        col("cluster", pl.String, "", "Name as published.", "AEI cluster_name / node_name"),
        col(
            "measure",
            pl.String,
            "",
            "pct (share of the geography's conversations in the dimension and level), count "
            "(conversations), index (usage per capita), mean (a primitive's average).",
            "AEI variable / metric_id",
        ),
        col(
            "value",
            pl.Float64,
            "see unit",
            "The value as published (or derived, see derivation).",
            "AEI value",
        ),
        col(
            "unit",
            pl.String,
            "",
            "Unit of value; the wide layout's two time means differ (hours vs minutes).",
            "AEI documentation",
        ),
        col(
            "derivation",
            pl.String,
            "",
            "published, or how the row was computed from published rows.",
        ),
        col(
            "conversations",
            pl.Float64,
            "conversations",
            "The geography's conversations in the wave, where the release publishes counts: "
            "what a pct rests on.",
            "AEI usage_count",
        ),
        col(
            "source_id",
            pl.String,
            "",
            "Registry id of the file the row comes from.",
            "etl/sources/registry.py",
        ),
        col(
            "source_line",
            pl.Int32,
            "line",
            "Line of the row in that file (1 = header); empty for derived rows.",
            "AEI file",
        ),
    ),
    staging=("aei_long", "aei_wide"),
    marts=(),
    build=build_aei_harmonised,
)
