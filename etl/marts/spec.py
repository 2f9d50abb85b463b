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
    # Optional first step that reads staging tables only: it starts with the marts step,
    # beside other marts, and the frames it returns are added to `build`'s inputs.
    prepare: Callable[[dict[str, pl.DataFrame]], dict[str, pl.DataFrame]] | None = None

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
    "AEI data wave: the month its sample window falls in "
    "(2025-08, 2025-11, 2026-02, 2026-04, 2026-05).",
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
    tiebreak: str,
    where: pl.Expr | None = None,
) -> pl.DataFrame:
    """1 = largest `value` in each group; ties broken by `tiebreak`, so ranks are stable.
    Rows with a null value, or outside `where`, get no rank. The rows come back sorted by
    group, then rank (Mart.conform sorts every mart by its key in the end)."""
    eligible = pl.col(value).is_not_null() & (where if where is not None else pl.lit(True))
    return frame.sort(
        [*group, value, tiebreak], descending=[*[False] * len(group), True, False], nulls_last=True
    ).with_columns(
        pl.when(eligible)
        .then(pl.int_range(1, pl.len() + 1).over([*group, eligible]))
        .cast(pl.Int16)
        .alias(name)
    )
