"""Sampling uncertainty: Wilson intervals for shares, and rank intervals by simulation
(docs/methodology.md, "Sampling uncertainty").

Both treat conversations as independent draws, which they are not (conversations cluster by
user, and the sample is of Claude.ai traffic): the real uncertainty is larger. A release
without counts (the 2026 monthly files) has no sampling interval; its ranks get the range
consistent with the 2-decimal rounding instead.
"""

from __future__ import annotations

import zlib

import numpy as np
import polars as pl

Z_95 = 1.959963984540054  # the normal quantile of a 95 % two-sided interval
DRAWS = 2000
DRAW_BATCH = 200
RANK_PERCENTILES = (2.5, 97.5)


def wilson(k: pl.Expr, n: pl.Expr, *, scale: float = 100.0) -> tuple[pl.Expr, pl.Expr]:
    """95 % Wilson score interval of the proportion k/n, times `scale` (% by default)."""
    p = k / n
    z2 = Z_95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n**2)).sqrt()
    return ((centre - half) * scale).clip(lower_bound=0), ((centre + half) * scale).clip(
        upper_bound=scale
    )


def seed_of(*parts: str) -> int:
    """A seed fixed by what is simulated (never by order or time): same build, same draws."""
    return zlib.crc32("|".join(parts).encode())


def _min_ranks(values: np.ndarray) -> np.ndarray:
    """Rank along the last axis under the product's one rule: 1 = largest, equal values
    share the best rank."""
    values = values.astype(np.float32)  # the order of equal values within a run is not used
    order = np.argsort(-values, axis=-1)
    ordered = np.take_along_axis(values, order, axis=-1)
    positions = np.arange(values.shape[-1])
    starts_run = np.ones(values.shape, dtype=bool)
    starts_run[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    best = np.maximum.accumulate(np.where(starts_run, positions, 0), axis=-1) + 1
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, best, axis=-1)
    return ranks


def _bounds(ranks: np.ndarray, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2.5th-97.5th percentile ranks over the draws (axis 0), widened to hold the point."""
    draws = ranks.shape[0] - 1
    at_low = int(np.floor(RANK_PERCENTILES[0] / 100 * draws))
    at_high = int(np.ceil(RANK_PERCENTILES[1] / 100 * draws))
    # Only two order statistics are read: a partition finds them in half a sort's time.
    ordered = np.partition(ranks, (at_low, at_high), axis=0)
    return np.minimum(ordered[at_low], point), np.maximum(ordered[at_high], point)


def share_rank_interval(
    counts: np.ndarray, point: np.ndarray, seed: int, divide_by: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Rank interval of each state's share of the total (or of share ÷ `divide_by`, e.g. the
    AUI's population share): counts redrawn as one multinomial over the states."""
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(round(counts.sum()), counts / counts.sum(), size=DRAWS)
    values = draws / counts.sum()
    if divide_by is not None:
        values = values / divide_by
    return _bounds(_min_ranks(values), point)


def proportion_rank_interval(
    k: np.ndarray, n: np.ndarray, point: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rank interval of each state's proportion k/n. Arrays are (clusters, states), NaN
    where a state has no published cell. Each count is redrawn from the normal approximation
    of its binomial, k + sqrt(k (1 - k/n)) Z: every published cell holds at least 15
    conversations (AEI's privacy floor), where the approximation is close, and it is ten
    times faster than binomial draws on the ~100,000 cells a build redraws."""
    rng = np.random.default_rng(seed)
    ok = ~np.isnan(k)
    k0, n0 = np.where(ok, k, 0.0), np.where(ok, n, 1.0)
    spread = np.sqrt(k0 * (1 - k0 / n0)).astype(np.float32)
    k0, n0 = k0.astype(np.float32), n0.astype(np.float32)
    positions = np.arange(1, k.shape[-1] + 1, dtype=np.int16)
    ranks = np.empty((DRAWS, *k.shape), dtype=np.int16)
    # A batch of draws at a time: the float and index temporaries (16 bytes a cell) stay
    # small where a release has many clusters. The generator fills draws outermost, so the
    # batches draw exactly the numbers one call would.
    for start in range(0, DRAWS, DRAW_BATCH):
        noise = rng.standard_normal((min(DRAW_BATCH, DRAWS - start), *k.shape), np.float32)
        shares = np.clip(k0 + spread * noise, 0, None) / n0
        shares = np.where(ok, shares, np.float32(-1))  # a state without the cell ranks last
        # Continuous draws never tie, so the one rule's rank is the position in the order.
        order = np.argsort(-shares, axis=-1)
        np.put_along_axis(ranks[start : start + len(noise)], order, positions, axis=-1)
    low, high = _bounds(ranks, point)
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def rounding_rank_range(values: pl.Expr, group: list[str]) -> tuple[pl.Expr, pl.Expr]:
    """The ranks consistent with 2-decimal rounding: a state can rank anywhere among the
    states that share its published value (in May 2026 Indiana and Michigan, both 0.61,
    are 32-33)."""
    best = values.rank("min", descending=True).over(group)
    tied = pl.len().over([*group, values])
    return best, best + tied - 1
