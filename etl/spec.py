"""Declarations that travel with each mart: its key, its columns and what each one means.

The data dictionary is generated from these declarations, and the build refuses a mart
whose columns differ from what it declares, so the dictionary can never drift.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Column:
    name: str
    dtype: type[pl.DataType] | pl.DataType
    unit: str
    definition: str
    source: str


@dataclass(frozen=True)
class Mart:
    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    staging: tuple[str, ...]  # staging tables read
    marts: tuple[str, ...]  # other marts read
    build: Callable[[dict[str, pl.DataFrame]], pl.DataFrame]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def conform(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Exactly the declared columns, in order and typed, sorted by key; the builders'
        working columns are dropped here. A declared column the builder lacks is an error."""
        missing = [c for c in self.column_names if c not in frame.columns]
        if missing:
            raise ValueError(f"mart {self.name}: the builder did not produce {missing}")
        key = list(self.key)
        frame = frame.select([pl.col(c.name).cast(c.dtype) for c in self.columns]).sort(key)
        # Sorted by key, a repeated key sits next to its twin: compare each row with the last.
        repeats = pl.all_horizontal(
            [pl.col(k).eq_missing(pl.col(k).shift(1)) for k in key] + [pl.int_range(pl.len()) > 0]
        )
        duplicated = frame.filter(repeats)
        if duplicated.height:
            raise ValueError(
                f"mart {self.name}: key {self.key} repeats, e.g. "
                f"{duplicated.select(key).head(2).rows()}"
            )
        return frame


def col(
    name: str,
    dtype: type[pl.DataType] | pl.DataType,
    unit: str,
    definition: str,
    source: str = "computed",
) -> Column:
    return Column(name, dtype, unit, definition, source)


# Columns many marts share, declared once.
STATE = col(
    "state",
    pl.String,
    "USPS code",
    "Two-letter USPS code of the state (DC counts as a state; US = the nation).",
    "etl/geo.py reference list",
)
STATE_NAME = col("state_name", pl.String, "", "State name.", "etl/geo.py reference list")
WAVE = col(
    "wave",
    pl.String,
    "YYYY-MM",
    "AEI data wave: the month its sample window falls in (the waves table lists them "
    "with their releases and windows).",
    "AEI release files",
)
RELEASE = col(
    "release",
    pl.String,
    "",
    "AEI release folder the wave comes from (e.g. release_2025_09_15).",
    "etl/sources/registry.py",
)
IS_TERRITORY = col(
    "is_territory",
    pl.Boolean,
    "",
    "True for PR, GU, VI, AS, MP: shown, never counted among the 51 (50 states + DC).",
    "etl/geo.py",
)


def stable_sum(expr: pl.Expr) -> pl.Expr:
    """A float sum in a fixed order: polars sums groups in parallel pieces whose order varies
    between runs, which changes the last bits and breaks byte-identical outputs."""
    return expr.sort().sum()


def rank_within(
    frame: pl.DataFrame,
    group: list[str],
    value: str,
    name: str,
    *,
    where: pl.Expr | None = None,
    ranked_of: str | None = None,
) -> pl.DataFrame:
    """The one rank rule of the product (docs/methodology.md, "Ranks"): in each group,
    1 = the largest `value`; rows with equal values share the best rank and are flagged in
    `<name>_tied`; rows with a null value, or outside `where`, get no rank. `ranked_of`, if
    given, names a column with how many rows of the group were ranked. Lists that show
    tied rows one after the other order them by a documented key, never by rank alone."""
    eligible = pl.col(value).is_not_null() & (where if where is not None else pl.lit(True))
    rank = pl.col(value).rank("min", descending=True).over([*group, eligible])
    tied = pl.len().over([*group, eligible, value]) > 1
    columns = [
        pl.when(eligible).then(rank).cast(pl.Int16).alias(name),
        pl.when(eligible).then(tied).alias(f"{name}_tied"),
    ]
    if ranked_of:
        count = pl.col(value).count().over([*group, eligible])
        columns.append(pl.when(eligible).then(count).cast(pl.Int16).alias(ranked_of))
    return frame.with_columns(columns)


def rank_columns(name: str, what: str, among: str, ranked_of: str | None = None) -> list[Column]:
    """Declarations of the columns `rank_within` adds."""
    columns = [
        col(
            name,
            pl.Int16,
            "rank",
            f"Rank of {what} {among} (1 = largest). Equal values share the best rank "
            "(see the _tied column).",
        ),
        col(
            f"{name}_tied",
            pl.Boolean,
            "",
            f"True when another row shares this {name} (equal value); null when not ranked.",
        ),
    ]
    if ranked_of:
        columns.append(col(ranked_of, pl.Int16, "count", f"How many were ranked {among}."))
    return columns


def status_col(name: str, value: str) -> Column:
    """The column saying why `value` is missing (etl/evidence.py's closed list)."""
    return col(
        name,
        pl.String,
        "",
        f"Why {value} is empty, where it is: not published (the source withheld it), not in "
        "the file read, not computable, too little data (withheld by the support rule) or no "
        "exposure score. Empty where the value is present.",
        "etl/evidence.py",
    )


def support_cols(what: str, prefix: str = "") -> list[Column]:
    """The support level and its reason (etl/evidence.py's one rule)."""
    return [
        col(
            f"{prefix}support",
            pl.String,
            "",
            f"How much data {what} rests on: sufficient, low support (flagged: its rows cover "
            "under 50 % of the state's conversations, or the state's not_classified share is "
            "over twice the US's), or withheld (fewer than 100 conversations, or a "
            "task-attributed figure resting on fewer than 5 tasks; the value is then empty).",
            "etl/evidence.py",
        ),
        col(f"{prefix}support_reason", pl.String, "", "The support level's reason in words."),
    ]


ANOMALY = col(
    "anomaly",
    pl.String,
    "",
    "Automatic flag: the state's AUI this wave is more than twice, or less than half, the "
    "median AUI of its other waves (publisher-flagged waves left out); empty otherwise.",
    "etl/evidence.py",
)
