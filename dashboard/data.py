"""The marts of one build and the small lookups the pages make.

Nothing else in the dashboard touches the data files. A Marts is one build: the folder the
`processed` link points at is resolved once, when it is loaded, and every file comes from
that immutable folder. Which marts exist comes from the build's manifest ("tables"); waves,
their labels and release breaks from the `waves` mart. Every lookup is a filter on a small
in-memory table, cached on the Marts instance, so a callback never does heavy work and two
builds (or two apps) never share a cache. Which build answers a request: `marts()` here,
`dashboard.builds` for how a worker follows new builds.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import polars as pl
from flask import current_app, g

from dashboard.figures.charts import GroupRow, OccupationRow, ShareRow, TrendPoint
from dashboard.metrics import METRICS
from etl.geo import US_51

Result = TypeVar("Result")
# The two occupation-group measures (docs/methodology.md): never one column, label or line.
OCCUPATION_MEASURES = ("published", "task_attributed")


class DataNotBuilt(RuntimeError):
    """The marts are missing: run `aiei build`."""


def per_marts(maxsize: int = 256) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """Cache `function(data, *args)` in an LRU kept on the Marts `data` itself.

    Pages, figures and rankings are pure functions of the marts and a view. Keyed by the
    Marts object, two apps with different data in one process never share a cached page,
    and a cache goes when its marts go."""

    def decorate(function: Callable[..., Result]) -> Callable[..., Result]:
        @functools.wraps(function)
        def cached(data: Marts, *args: object, **kwargs: object) -> Result:
            bound = data.memo.get(function)
            if bound is None:
                bound = data.memo.setdefault(
                    function, functools.lru_cache(maxsize)(functools.partial(function, data))
                )
            return bound(*args, **kwargs)

        return cached

    return decorate


class Mart:
    """A mart of the build as an attribute of Marts: `data.state_summary`."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.name = self.name or attribute

    def __get__(self, data: Marts, owner: type | None = None) -> pl.DataFrame:
        try:
            return data.tables[self.name]
        except KeyError:
            raise DataNotBuilt(
                f"{data.directory} has no {self.name} mart: run `aiei build`"
            ) from None


class Marts:
    states = Mart()
    state_usage = Mart()
    state_summary = Mart()
    state_requests = Mart()
    state_occupations = Mart()
    state_occupation_groups = Mart()
    occupations = Mart()
    occupation_tasks = Mart()
    state_usage_profile = Mart()
    state_wage_bands = Mart()
    state_income_fit = Mart()
    wave_table = Mart("waves")

    def __init__(self, directory: Path, cache_dir: Path | None = None) -> None:
        """The build in `directory` (a build folder, or the `processed` link to one).
        `cache_dir` keeps renders of builds (default: `cache/` beside `directory`)."""
        self.cache_dir = cache_dir or directory.parent / "cache"
        directory = directory.resolve()  # once: a link flipped later changes nothing here
        manifest = directory / "manifest.json"
        if not manifest.is_file():
            raise DataNotBuilt(f"{directory} has no manifest.json: run `aiei build` first")
        self.directory = directory
        self.manifest: dict = json.loads(manifest.read_text())
        if "build_id" not in self.manifest:
            raise DataNotBuilt(f"{directory} is from an older pipeline: run `aiei build`")
        self.build_id: str = self.manifest["build_id"]
        names = list(self.manifest.get("tables", {}))
        missing = [n for n in names if not (directory / f"{n}.parquet").is_file()]
        if not names or missing:
            raise DataNotBuilt(f"{directory} lacks {missing or 'every mart'}: run `aiei build`")
        # A float nobody published is null here, whether the file says null or NaN.
        self.tables: dict[str, pl.DataFrame] = {
            name: pl.read_parquet(directory / f"{name}.parquet").with_columns(
                pl.col(pl.Float32, pl.Float64).fill_nan(None)
            )
            for name in names
        }
        self.dictionary = pl.read_csv(directory / "data_dictionary.csv")
        self.memo: dict[Callable, Callable] = {}  # see per_marts

    @property
    def render_dir(self) -> Path:
        """Where renders of this build (chart images, briefings) are cached."""
        return self.cache_dir / self.build_id

    @property
    def table_names(self) -> list[str]:
        """Every mart of the build, in the manifest's order."""
        return list(self.tables)

    # --- waves ----------------------------------------------------------------------------
    @cached_property
    def waves(self) -> list[str]:
        return sorted(self.wave_table["wave"].to_list())

    @property
    def latest_wave(self) -> str:
        return self.waves[-1]

    @cached_property
    def wave_labels(self) -> dict[str, str]:
        """'2026-05' -> 'May 2026', in wave order."""
        labels = dict(self.wave_table.select("wave", "label").rows())
        return {w: labels[w] for w in self.waves}

    def wave_label(self, wave: str) -> str:
        return self.wave_labels[wave]

    @cached_property
    def releases(self) -> dict[str, str]:
        return dict(self.wave_table.select("wave", "release").rows())

    @cached_property
    def release_breaks(self) -> list[str]:
        """Waves that start a new release: sample window, platform and taxonomies may change."""
        return sorted(self.wave_table.filter(pl.col("release_break"))["wave"].to_list())

    @cached_property
    def waves_with_counts(self) -> list[str]:
        return sorted(self.wave_table.filter(pl.col("publishes_counts"))["wave"].to_list())

    @cached_property
    def waves_with_requests(self) -> list[str]:
        return sorted(self.state_requests["wave"].unique().to_list())

    # --- states ---------------------------------------------------------------------------
    @cached_property
    def state_names(self) -> dict[str, str]:
        names = dict(self.states.select("state", "state_name").rows())
        return {s: names[s] for s in US_51}

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

    @cached_property
    def high_exposure_threshold(self) -> float | None:
        """The observed exposure at or above which the build calls an occupation highly
        exposed (`state_summary.high_exposure_threshold`)."""
        values = self.state_summary["high_exposure_threshold"].drop_nulls().unique()
        return values.item() if values.len() == 1 else None

    # --- the map --------------------------------------------------------------------------
    @per_marts()
    def metric_values(
        self, metric: str, wave: str, cluster: str | None = None
    ) -> tuple[tuple[dict, ...], float | None]:
        """(one row per state of the 51 in map order, with the metric's value, status, rank
        and interval columns as the marts name them, the state's sample and flags; the US
        value). Ranks are the marts' own."""
        spec = METRICS[metric]
        evidence = [
            c for c in (spec.status, spec.low, spec.high, spec.rank_low, spec.rank_high) if c
        ]
        columns = [
            spec.column,
            spec.rank,
            spec.tied,
            spec.ranked,
            *evidence,
            "caveat",
            "anomaly",
            "support",
            "support_reason",
        ]
        if metric == "cluster":
            frame = self.state_requests.filter(
                (pl.col("wave") == wave)
                & (pl.col("level") == "major")
                & (pl.col("cluster_id") == cluster)
            ).rename({"conversations": "usage_count"})
            us_value = frame["us_pct"].drop_nulls().max() if frame.height else None
            columns += ["specialization", "usage_count"]
        elif spec.table == "state_summary":
            frame = self.state_summary.filter(pl.col("wave") == wave)
            us_rows = frame.filter(pl.col("state") == "US")
            us_value = us_rows[spec.column].item() if us_rows.height else None
            columns += ["usage_count", "rank_interval_kind"]
        else:  # the usage profile or the income fit, with the state-wave's flags
            frame = self._metric_frame(spec.table, spec.subject, wave).join(
                self.state_summary.filter(pl.col("wave") == wave).select(
                    "state", "caveat", "anomaly"
                ),
                on="state",
                how="left",
            )
            us = frame["us_value"].drop_nulls() if "us_value" in frame.columns else None
            us_value = us.max() if us is not None and us.len() else None
        # A column the metric's table lacks (the fit has no status: it has a row for every
        # state with an AUI) reads as missing.
        frame = frame.with_columns(pl.lit(None).alias(c) for c in columns if c not in frame.columns)
        found = {r["state"]: r for r in frame.select("state", *columns).iter_rows(named=True)}
        # A state with no row for the wave (or the use) is one the release withheld.
        empty = {**dict.fromkeys(columns), spec.status: "not published"}
        rows = tuple(
            {"state": s, "name": self.state_names[s], **found.get(s, empty)} for s in US_51
        )
        return rows, us_value

    @per_marts(maxsize=64)
    def metric_waves(self, metric: str) -> tuple[str, ...]:
        """The waves in which some state has a value of `metric`: a metric a wave lacks is
        offered disabled, with its reason, never switched silently."""
        spec = METRICS[metric]
        if metric == "cluster":
            return tuple(self.waves_with_requests)
        if metric in ("occupation", "metro"):  # OEWS May 2025: the same beside every wave
            return tuple(self.waves)
        table = self.tables.get(spec.table)
        if table is None:  # a build without the mart: the metric is in no wave
            return ()
        if spec.subject:
            table = table.filter(pl.col("metric") == spec.subject)
        present = table.filter(pl.col(spec.column).is_not_null())["wave"]
        return tuple(sorted(present.unique().to_list()))

    def _metric_frame(self, table: str, subject: str, wave: str) -> pl.DataFrame:
        frame = self.tables[table].filter(pl.col("wave") == wave)
        return frame.filter(pl.col("metric") == subject) if subject else frame

    @per_marts(maxsize=16)
    def clusters(self, wave: str) -> tuple[tuple[str, str], ...]:
        """(cluster_id, name) of the coarsest request level in a wave, largest US share first."""
        rows = self.state_requests.filter(
            (pl.col("wave") == wave) & (pl.col("level") == "major") & pl.col("is_classified")
        )
        ranked = (
            rows.group_by("cluster_id", "cluster")
            .agg(pl.col("us_pct").max())
            .sort("us_pct", "cluster_id", descending=[True, False])
        )
        return tuple(ranked.select("cluster_id", "cluster").rows())

    # --- a state --------------------------------------------------------------------------
    @per_marts(maxsize=512)
    def summary(self, wave: str, state: str) -> dict | None:
        rows = self.state_summary.filter((pl.col("wave") == wave) & (pl.col("state") == state))
        return rows.row(0, named=True) if rows.height else None

    @per_marts(maxsize=512)
    def top_uses(
        self, state: str, wave: str, level: str = "major", n: int = 8
    ) -> tuple[str | None, tuple[ShareRow, ...]]:
        """The state's largest request clusters in `wave`, or in the latest wave that has
        them (returned first, so the page can say which wave it shows)."""
        candidates = [w for w in self.waves_with_requests if w <= wave] or self.waves_with_requests
        for used in sorted(candidates, reverse=True):
            rows = (
                self.state_requests.filter(
                    (pl.col("wave") == used)
                    & (pl.col("state") == state)
                    & (pl.col("level") == level)
                    & pl.col("rank_in_state").is_not_null()
                )
                .sort("rank_in_state", "cluster")  # tied clusters by name
                .head(n)
            )
            if rows.height:
                return used, tuple(
                    ShareRow(
                        r["cluster"],
                        r["state_pct"],
                        r["us_pct"],
                        r["specialization"],
                        r["state_pct_low"],
                        r["state_pct_high"],
                    )
                    for r in rows.iter_rows(named=True)
                )
        return None, ()

    @per_marts(maxsize=512)
    def request_support(self, state: str, wave: str, level: str) -> dict:
        """The support of a state's request clusters at a level (the same for every
        cluster of the level): conversations, not_classified share vs the US, level."""
        rows = self.state_requests.filter(
            (pl.col("wave") == wave) & (pl.col("state") == state) & (pl.col("level") == level)
        )
        if not rows.height:
            return {}
        columns = [
            "conversations",
            "not_classified_pct",
            "us_not_classified_pct",
            "support",
            "support_reason",
            "caveat",
            "anomaly",
        ]
        return rows.select(columns).row(0, named=True)

    @per_marts()
    def occupation_rows(self, state: str, n: int = 10) -> tuple[dict, ...]:
        """The state's `n` largest occupations (state_occupations rows); ties by title."""
        return tuple(
            self.state_occupations.filter(
                (pl.col("state") == state) & pl.col("rank_by_employment").is_not_null()
            )
            .sort("rank_by_employment", "title")
            .head(n)
            .iter_rows(named=True)
        )

    def largest_occupations(self, state: str, n: int = 10) -> tuple[OccupationRow, ...]:
        return tuple(
            OccupationRow(
                r["title"], r["employment"], r["observed_exposure"], r["task_attributed_share_pct"]
            )
            for r in self.occupation_rows(state, n)
        )

    @cached_property
    def task_usage_waves(self) -> list[str]:
        """The waves whose task usage the occupations' usage shares come from."""
        return sorted(self.state_occupations["task_usage_wave"].drop_nulls().unique().to_list())

    @per_marts(maxsize=512)
    def occupation_groups(self, state: str, wave: str) -> tuple[str | None, tuple[GroupRow, ...]]:
        """(the measure this wave has — 'published' or 'task_attributed' — and the groups in
        it, largest first; groups whose figure is withheld come last, empty)."""
        rows = self.state_occupation_groups.filter(
            (pl.col("state") == state) & (pl.col("wave") == wave)
        )
        for measure in OCCUPATION_MEASURES:
            share = f"{measure}_share_pct"
            if rows.height and rows[f"{measure}_status"].ne_missing("not in the file read").any():
                ordered = rows.sort(
                    share, "major_group_title", descending=[True, False], nulls_last=True
                )
                return measure, tuple(
                    GroupRow(
                        r["major_group_title"],
                        r[share],
                        r["employment_share_pct"],
                        r[f"{measure}_support"],
                        r[f"{measure}_support_reason"] or "",
                        r[f"{measure}_status"] or "",
                    )
                    for r in ordered.iter_rows(named=True)
                )
        return None, ()

    @per_marts()
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

    def anomalies(self, state: str) -> list[str]:
        """The automatic anomaly flags of a state, 'wave: text'."""
        rows = self.state_usage.filter((pl.col("anomaly") != "") & (pl.col("state") == state))
        return [f"{r['wave']}: {r['anomaly']}" for r in rows.sort("wave").iter_rows(named=True)]

    def caveats(self, state: str | None = None) -> list[str]:
        """The publisher's caveats for a state (or for every state), 'wave: text'."""
        rows = self.state_usage.filter(pl.col("caveat") != "")
        if state is not None:
            rows = rows.filter(pl.col("state") == state)
        return [
            f"{r['wave']}{'' if state else ', ' + r['state_name']}: {r['caveat']}"
            for r in rows.sort("wave", "state").iter_rows(named=True)
        ]


EXTENSION = "aiei_marts"  # server.extensions[EXTENSION]: the app's dashboard.builds.MartsSource


def marts() -> Marts:
    """The marts the current request answers from. The first call of a request picks the
    build (the current one, unless `answer_from` chose a page's own) and every later call
    gets the same, so no request mixes two builds."""
    if "aiei_marts" not in g:
        g.aiei_marts = current_app.extensions[EXTENSION].current()
    return g.aiei_marts


def answer_from(data: Marts) -> None:
    """Answer the current request from `data`: the build its page was rendered from."""
    g.aiei_marts = data
