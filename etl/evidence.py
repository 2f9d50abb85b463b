"""What a number rests on: the closed list of reasons a value is missing, and the one rule
that flags or withholds a figure too thin to carry a claim (docs/methodology.md, "What a
number rests on"). Every mart, page, briefing, CSV and API response reads these.
"""

from __future__ import annotations

import polars as pl

# Why a value is missing: every null of a mart value column has one of these beside it.
NOT_PUBLISHED = "not published"  # the source withheld it (privacy floor, BLS suppression)
NOT_IN_FILE = "not in the file read"  # the release (or the partial copy read) lacks it
NOT_COMPUTABLE = "not computable"  # its inputs do not allow it (e.g. no counts, no US share)
TOO_LITTLE_DATA = "too little data"  # withheld by the support rule below
NO_EXPOSURE_SCORE = "no exposure score"  # the occupation has no observed exposure score
STATUSES = (NOT_PUBLISHED, NOT_IN_FILE, NOT_COMPUTABLE, TOO_LITTLE_DATA, NO_EXPOSURE_SCORE)

# The support rule, defaults in one place.
MIN_CONVERSATIONS = 100  # AEI's own reporting minimum per state: below, withheld
MIN_TASKS = 5  # a task-attributed figure resting on fewer tasks: withheld
MIN_COVERAGE_PCT = 50.0  # a figure whose rows cover less of the state's conversations: flagged
MAX_UNCLASSIFIED_RATIO = 2.0  # a state's not_classified share over twice the US's: flagged
SUPPORTED, LOW_SUPPORT, WITHHELD = "sufficient", "low support", "withheld"
SUPPORT_LEVELS = (SUPPORTED, LOW_SUPPORT, WITHHELD)

# The precision rule of OEWS area estimates (docs/methodology.md, "Metro and nonmetropolitan
# areas"): the same three levels, from the relative standard error (RSE) BLS publishes with
# each employment estimate. BLS itself releases none at 50 % or more.
IMPRECISE_RSE_PCT = 30.0  # above: flagged (its 95 % interval is wider than ±59 % of it)
MAX_RSE_PCT = 40.0  # above: withheld (wider than ±78 %: 1,000 jobs could be 220 or 1,780)

# The anomaly rule: a state-wave whose AUI is more than this many times, or less than its
# inverse, the median AUI of the same state's other waves (publisher-flagged waves left out
# of the median).
ANOMALY_RATIO = 2.0


def status(value: str, *reasons: tuple[pl.Expr, str]) -> pl.Expr:
    """The status of column `value`: null where it has a value, else the first reason whose
    condition holds, else "not published"."""
    chosen = pl.lit(NOT_PUBLISHED)
    for condition, reason in reversed(reasons):
        chosen = pl.when(condition).then(pl.lit(reason)).otherwise(chosen)
    return pl.when(pl.col(value).is_not_null()).then(pl.lit(None, pl.String)).otherwise(chosen)


def support(
    *,
    conversations: pl.Expr | None = None,
    tasks: pl.Expr | None = None,
    coverage_pct: pl.Expr | None = None,
    unclassified_ratio: pl.Expr | None = None,
) -> tuple[pl.Expr, pl.Expr]:
    """(support level, reason in words) under the one rule. A check whose input is null
    (e.g. no counts in the release) is skipped."""
    withheld: list[tuple[pl.Expr, pl.Expr]] = []
    low: list[tuple[pl.Expr, pl.Expr]] = []
    if conversations is not None:
        withheld.append(
            (
                conversations < MIN_CONVERSATIONS,
                pl.format(
                    "{} conversations, fewer than {}",
                    conversations.cast(pl.Int64),
                    pl.lit(MIN_CONVERSATIONS),
                ),
            )
        )
    if tasks is not None:
        withheld.append(
            (
                tasks < MIN_TASKS,
                pl.format(
                    "rests on {} task(s), fewer than {}", tasks.cast(pl.Int64), pl.lit(MIN_TASKS)
                ),
            )
        )
    if coverage_pct is not None:
        low.append(
            (
                coverage_pct < MIN_COVERAGE_PCT,
                pl.format(
                    "its rows cover {}% of the state's conversations, under {}%",
                    coverage_pct.round(1),
                    pl.lit(MIN_COVERAGE_PCT).round(0).cast(pl.Int64),
                ),
            )
        )
    if unclassified_ratio is not None:
        low.append(
            (
                unclassified_ratio > MAX_UNCLASSIFIED_RATIO,
                pl.format(
                    "{}× the US share of its conversations is not classified, privacy floor",
                    unclassified_ratio.round(1),
                ),
            )
        )
    level, reason = pl.lit(SUPPORTED), pl.lit("")
    for condition, text in reversed(low):
        hit = condition.fill_null(False)
        level = pl.when(hit).then(pl.lit(LOW_SUPPORT)).otherwise(level)
        reason = pl.when(hit).then(text).otherwise(reason)
    for condition, text in reversed(withheld):
        hit = condition.fill_null(False)
        level = pl.when(hit).then(pl.lit(WITHHELD)).otherwise(level)
        reason = pl.when(hit).then(text).otherwise(reason)
    return level, reason


def precision(rse_pct: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(support level, reason in words) of an OEWS area employment estimate under the
    precision rule. Without an RSE (the estimate is not released) the level is the
    default: the value's own status says why it is missing."""
    level, reason = pl.lit(SUPPORTED), pl.lit("")
    for threshold, outcome in ((IMPRECISE_RSE_PCT, LOW_SUPPORT), (MAX_RSE_PCT, WITHHELD)):
        hit = (rse_pct > threshold).fill_null(False)
        level = pl.when(hit).then(pl.lit(outcome)).otherwise(level)
        reason = (
            pl.when(hit)
            .then(pl.format(f"employment RSE {{}}% (over {threshold:g}%)", rse_pct))
            .otherwise(reason)
        )
    return level, reason


def check_no_nan(name: str, frame: pl.DataFrame) -> None:
    """The build invariant: no NaN or infinity in any float column of a mart."""
    for column, dtype in frame.schema.items():
        if dtype.is_float():
            bad = frame.filter(~pl.col(column).is_finite() & pl.col(column).is_not_null())
            if bad.height:
                raise ValueError(
                    f"mart {name}: column {column!r} holds {bad.height} NaN or infinite "
                    f"value(s), e.g. {bad.head(1).rows(named=True)[0]}"
                )


def check_statuses(name: str, frame: pl.DataFrame) -> None:
    """Every `<x>_status` column holds a status from the closed list (or null where `<x>`
    has a value)."""
    for column in frame.columns:
        if column.endswith("_status") and frame.schema[column] == pl.String:
            unknown = set(frame[column].drop_nulls().unique()) - set(STATUSES) - EXTRA_STATUSES
            if unknown:
                raise ValueError(f"mart {name}: {column} holds unknown statuses {unknown}")


# Wage cells can be top-coded: a value known only as a lower bound, not a missing one.
EXTRA_STATUSES = {"top-coded"}
