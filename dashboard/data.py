"""The marts, loaded once per process, and the small lookups the pages make.

Nothing else in the dashboard touches files. Every lookup is a filter on a small
in-memory table, cached by its arguments, so a callback never does heavy work.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import polars as pl
from flask import Flask, current_app

from dashboard.figures.charts import GroupRow, OccupationRow, ShareRow, TrendPoint
from dashboard.figures.maps import MapRow
from dashboard.metrics import METRICS
from etl.geo import US_51

TABLES = (
    "state_summary",
    "state_usage",
    "state_requests",
    "state_occupations",
    "state_occupation_groups",
    "states",
    "state_tasks",
)
TOP_USE_LEVELS = ("major", "minor")


class DataNotBuilt(RuntimeError):
    """The marts are missing: run `aiei build`."""


@dataclass(frozen=True)
class Headline:
    metric: str
    value: float | None
    rank: int | None
    us_value: float | None


class Marts:
    def __init__(self, directory: Path) -> None:
        missing = [t for t in TABLES if not (directory / f"{t}.parquet").is_file()]
        if missing:
            raise DataNotBuilt(f"{directory} lacks {missing}: run `aiei build` first")
        self.directory = directory
        for table in TABLES:
            setattr(self, table, pl.read_parquet(directory / f"{table}.parquet"))
        self.manifest: dict = json.loads((directory / "manifest.json").read_text())
        self.dictionary = pl.read_csv(directory / "data_dictionary.csv")

    # --- reference ------------------------------------------------------------------------
    @cached_property
    def waves(self) -> list[str]:
        return sorted(self.state_usage["wave"].unique().to_list())

    @cached_property
    def latest_wave(self) -> str:
        return self.waves[-1]

    @cached_property
    def state_names(self) -> dict[str, str]:
        names = dict(self.states.select("state", "state_name").rows())
        return {s: names[s] for s in US_51}

    @cached_property
    def releases(self) -> dict[str, str]:
        return dict(self.state_usage.select("wave", "release").unique().rows())

    def wave_label(self, wave: str) -> str:
        row = self.state_usage.filter(pl.col("wave") == wave).row(0, named=True)
        start, end = row["window_start"], row["window_end"]
        if start.day == 1 and (end.month != start.month or end.day >= 28):
            return f"{start:%B %Y}"
        return f"{start:%b} {start.day}–{end.day}, {start:%Y}"

    @cached_property
    def release_breaks(self) -> list[tuple[str, str]]:
        """First wave of each release after the first: where taxonomies change."""
        breaks, previous = [], None
        for wave in self.waves:
            release = self.releases[wave]
            if previous is not None and release != previous:
                breaks.append((wave, "new release"))
            previous = release
        return breaks

    @cached_property
    def population_share(self) -> dict[str, float]:
        """% of the 51's working-age population: the AUI's denominator."""
        rows = self.states.filter(pl.col("state").is_in(US_51))
        total = rows["working_age_pop"].sum()
        return {s: p / total * 100 for s, p in rows.select("state", "working_age_pop").rows()}

    def neighbours(self, state: str) -> list[str]:
        row = self.states.filter(pl.col("state") == state)
        text = row["neighbours"].item() if row.height else ""
        return [s for s in text.split(",") if s]

    # --- the map --------------------------------------------------------------------------
    @lru_cache(maxsize=256)  # noqa: B019 - one Marts per process, cache lives as long
    def map_rows(
        self, metric: str, wave: str, cluster: str | None = None
    ) -> tuple[tuple[MapRow, ...], float | None]:
        spec = METRICS[metric]
        if metric == "cluster":
            rows = self.state_requests.filter(
                (pl.col("wave") == wave)
                & (pl.col("level") == "major")
                & (pl.col("cluster_id") == cluster)
            )
            values = {
                r["state"]: (r["state_pct"], r["specialization"])
                for r in rows.iter_rows(named=True)
            }
            us_value = rows["us_pct"].max() if rows.height else None
            extras = {
                s: f"Specialization: {v[1]:.2f}× US" for s, v in values.items() if v[1] is not None
            }
            values = {s: v[0] for s, v in values.items()}
        else:
            frame = self.state_summary.filter(pl.col("wave") == wave)
            values = dict(frame.select("state", spec.column).rows())
            us_value = values.pop("US", None)
            extras = {}
        published = {s: values.get(s) for s in US_51 if values.get(s) is not None}
        order = sorted(published, key=lambda s: -published[s])
        ranks = {s: i + 1 for i, s in enumerate(order)}
        rows = tuple(
            MapRow(s, self.state_names[s], published.get(s), ranks.get(s), extras.get(s, ""))
            for s in US_51
        )
        return rows, us_value

    @lru_cache(maxsize=16)  # noqa: B019
    def clusters(self, wave: str) -> tuple[tuple[str, str], ...]:
        """(cluster_id, name) of the coarsest request level in a wave, largest US share first."""
        rows = self.state_requests.filter(
            (pl.col("wave") == wave) & (pl.col("level") == "major") & pl.col("is_classified")
        )
        ranked = (
            rows.group_by("cluster_id", "cluster")
            .agg(pl.col("us_pct").max())
            .sort("us_pct", descending=True)
        )
        return tuple(ranked.select("cluster_id", "cluster").rows())

    # --- a state --------------------------------------------------------------------------
    @lru_cache(maxsize=512)  # noqa: B019
    def summary(self, wave: str, state: str) -> dict | None:
        rows = self.state_summary.filter((pl.col("wave") == wave) & (pl.col("state") == state))
        return rows.row(0, named=True) if rows.height else None

    def headlines(self, wave: str, state: str) -> list[Headline]:
        row, us = self.summary(wave, state) or {}, self.summary(wave, "US") or {}
        found = []
        for metric in ("aui", "usage_share", "automation", "exposure"):
            column = METRICS[metric].column
            rank = row.get("aui_rank") if metric == "aui" else self._rank(wave, state, column)
            found.append(Headline(metric, row.get(column), rank, us.get(column)))
        return found

    @lru_cache(maxsize=512)  # noqa: B019
    def _rank(self, wave: str, state: str, column: str) -> int | None:
        frame = self.state_summary.filter(
            (pl.col("wave") == wave) & pl.col("state").is_in(US_51) & pl.col(column).is_not_null()
        )
        ordered = frame.sort(column, descending=True)["state"].to_list()
        return ordered.index(state) + 1 if state in ordered else None

    def waves_with_requests(self) -> list[str]:
        return self._waves_with_requests

    @cached_property
    def _waves_with_requests(self) -> list[str]:
        return sorted(self.state_requests["wave"].unique().to_list())

    @lru_cache(maxsize=512)  # noqa: B019
    def top_uses(
        self, state: str, wave: str, level: str = "major", n: int = 8
    ) -> tuple[str | None, tuple[ShareRow, ...]]:
        """The state's largest request clusters in `wave`, or in the latest wave that has
        them (returned first, so the page can say which wave it shows)."""
        candidates = [
            w for w in self.waves_with_requests() if w <= wave
        ] or self.waves_with_requests()
        for used in sorted(candidates, reverse=True):
            rows = (
                self.state_requests.filter(
                    (pl.col("wave") == used)
                    & (pl.col("state") == state)
                    & (pl.col("level") == level)
                    & pl.col("rank_in_state").is_not_null()
                )
                .sort("rank_in_state")
                .head(n)
            )
            if rows.height:
                return used, tuple(
                    ShareRow(r["cluster"], r["state_pct"], r["us_pct"], r["specialization"])
                    for r in rows.iter_rows(named=True)
                )
        return None, ()

    @lru_cache(maxsize=256)  # noqa: B019
    def largest_occupations(self, state: str, n: int = 10) -> tuple[OccupationRow, ...]:
        rows = (
            self.state_occupations.filter(
                (pl.col("state") == state) & pl.col("rank_by_employment").is_not_null()
            )
            .sort("rank_by_employment")
            .head(n)
        )
        return tuple(
            OccupationRow(r["title"], r["employment"], r["observed_exposure"], r["usage_share_pct"])
            for r in rows.iter_rows(named=True)
        )

    def occupation_table(self, state: str, n: int = 10) -> pl.DataFrame:
        return (
            self.state_occupations.filter(
                (pl.col("state") == state) & pl.col("rank_by_employment").is_not_null()
            )
            .sort("rank_by_employment")
            .head(n)
        )

    @lru_cache(maxsize=512)  # noqa: B019
    def occupation_groups(self, state: str, wave: str) -> tuple[GroupRow, ...]:
        rows = self.state_occupation_groups.filter(
            (pl.col("state") == state) & (pl.col("wave") == wave)
        ).sort("usage_share_pct", descending=True, nulls_last=True)
        return tuple(
            GroupRow(r["major_group_title"], r["usage_share_pct"], r["employment_share_pct"])
            for r in rows.iter_rows(named=True)
        )

    @lru_cache(maxsize=256)  # noqa: B019
    def trend(self, state: str, column: str) -> tuple[TrendPoint, ...]:
        rows = {
            r["wave"]: r
            for r in self.state_usage.filter(pl.col("state") == state).iter_rows(named=True)
        }
        note_column = "aui_source" if column == "aui" else "usage_share_source"
        return tuple(
            TrendPoint(
                w,
                rows[w][column] if w in rows else None,
                rows[w].get(note_column) or "" if w in rows else "",
            )
            for w in self.waves
        )

    def caveats(self, state: str) -> list[str]:
        rows = self.state_usage.filter((pl.col("state") == state) & (pl.col("caveat") != ""))
        return [f"{r['wave']}: {r['caveat']}" for r in rows.iter_rows(named=True)]


class MartsSource:
    """Where an app's marts live; loaded once, on first use (never at import)."""

    def __init__(self, processed_dir: Path) -> None:
        self.processed_dir = processed_dir
        self._lock = threading.Lock()
        self._marts: Marts | None = None

    def marts(self) -> Marts:
        if self._marts is None:
            with self._lock:
                if self._marts is None:
                    self._marts = Marts(self.processed_dir)
        return self._marts


EXTENSION = "aiei_marts"


def install(server: Flask, processed_dir: Path) -> MartsSource:
    source = MartsSource(processed_dir)
    server.extensions[EXTENSION] = source
    return source


def marts() -> Marts:
    """The marts of the app answering the current request."""
    return current_app.extensions[EXTENSION].marts()
