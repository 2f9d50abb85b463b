"""The occupation side of the marts, as the pages ask for it: every OEWS occupation
(`occupations`), its O*NET tasks (`occupation_tasks`) and where its jobs are
(`state_occupations`).

Lookups are cached per Marts (`per_marts`), so a callback filters and sorts a table of ~830
rows at most once per view. Ranks are the marts' own; lists that show tied rows one after
another order them by state name or SOC code (docs/methodology.md, "Ranks").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from dashboard.data import Marts, per_marts
from dashboard.metrics import OCCUPATION_MEASURES
from etl.geo import US_51

INDEX_PAGE_SIZE = 50
DEFAULT_INDEX_SORT = "weighted"  # the most exposure-weighted jobs first
# Index sort keys -> (the column sorted on, largest first by default). A top-coded wage
# (empty, with its lower bound) sorts at the top of the wages.
INDEX_SORTS: dict[str, tuple[str, bool]] = {
    "title": ("title", False),
    "jobs": ("jobs", True),
    "lq": ("location_quotient", True),
    "wage": ("wage_order", True),
    "exposure": ("observed_exposure", True),
    "weighted": ("exposure_weighted_jobs", True),
    "tasks": ("penetrated_task_share_pct", True),
    "usage": ("us_task_attributed_share_pct", True),
}
STATE_ONLY_SORTS = ("lq",)


# --- every occupation -------------------------------------------------------------------
@per_marts(maxsize=1)
def titles(data: Marts) -> dict[str, str]:
    """SOC code -> OEWS title, for every occupation of the index."""
    return dict(data.occupations.select("soc_code", "title").rows())


@per_marts(maxsize=1)
def major_groups(data: Marts) -> dict[str, str]:
    """SOC major group ('29') -> its title, in code order."""
    groups = (
        data.occupations.select("major_group", "major_group_title").unique().sort("major_group")
    )
    return dict(groups.rows())


@per_marts(maxsize=1)
def largest_occupation(data: Marts) -> str:
    """The occupation with the most US jobs: the map's occupation until one is chosen."""
    return data.occupations.sort(["us_employment", "soc_code"], descending=[True, False])[
        "soc_code"
    ][0]


@per_marts(maxsize=1024)
def occupation(data: Marts, soc: str) -> dict | None:
    """The occupation's `occupations` row."""
    rows = data.occupations.filter(pl.col("soc_code") == soc)
    return rows.row(0, named=True) if rows.height else None


@per_marts(maxsize=1024)
def onet_titles(data: Marts, soc: str) -> dict[str, str]:
    """The O*NET occupations under a code, '31-1121' -> 'Home Health Aides' (the SOC part
    of each O*NET-SOC code: what a combined OEWS code stands for)."""
    rows = (
        data.occupation_tasks.filter(pl.col("soc_code") == soc)
        .select(pl.col("onet_soc_2019").str.slice(0, 7).alias("code"), "onet_title")
        .unique("code", keep="first")
        .sort("code")
    )
    return dict(rows.rows())


# --- where an occupation's jobs are -----------------------------------------------------
@per_marts(maxsize=1)
def _by_occupation(data: Marts) -> tuple[pl.DataFrame, dict[str, tuple[int, int]]]:
    """state_occupations in occupation order, and where each occupation's rows start and
    how many there are: an occupation's rows are then a slice (this takes ~30 ms once)
    rather than a filter of all 37,000 rows for each occupation viewed (1-2 ms)."""
    frame = data.state_occupations.sort("soc_code", maintain_order=True)
    spans = frame.with_row_index("at").group_by("soc_code").agg(pl.col("at").first(), pl.len())
    return frame, {soc: (at, rows) for soc, at, rows in spans.iter_rows()}


def _state_rows(data: Marts, soc: str) -> pl.DataFrame:
    """The occupation's state_occupations rows (the states, the US, DC and territories)."""
    frame, spans = _by_occupation(data)
    at, rows = spans.get(soc, (0, 0))
    return frame.slice(at, rows)


@per_marts(maxsize=1024)
def states(data: Marts, soc: str) -> tuple[dict, ...]:
    """The occupation's state_occupations row for each of the 51, in map order (an empty
    row, values None, where OEWS has none for the state)."""
    found = {
        r["state"]: r
        for r in _state_rows(data, soc).filter(pl.col("state").is_in(US_51)).iter_rows(named=True)
    }
    empty = dict.fromkeys(data.state_occupations.columns)
    return tuple(
        {**(found.get(s) or empty), "state": s, "state_name": data.state_names[s]} for s in US_51
    )


@per_marts(maxsize=1024)
def us_row(data: Marts, soc: str) -> dict:
    """The occupation's national state_occupations row (US jobs and share of US jobs)."""
    rows = _state_rows(data, soc).filter(pl.col("state") == "US")
    return rows.row(0, named=True) if rows.height else {}


@per_marts(maxsize=2048)
def state_ranking(data: Marts, soc: str, measure: str) -> tuple[dict, ...]:
    """The 51 by the marts' rank of `measure` (1 = highest); tied states by name, states
    without a value last, by name."""
    rank = OCCUPATION_MEASURES[measure].rank
    return tuple(
        sorted(
            states(data, soc),
            key=lambda r: (r[rank] is None, r[rank] or 0, r["state_name"]),
        )
    )


# --- its tasks --------------------------------------------------------------------------
@per_marts(maxsize=1024)
def tasks(data: Marts, soc: str) -> tuple[dict, ...]:
    """The occupation's O*NET tasks: those with a published US usage share first (largest
    first), then those with penetration above zero (highest first), then the rest; ties by
    task id."""
    rows = data.occupation_tasks.filter(pl.col("soc_code") == soc).with_columns(
        pl.when(pl.col("has_published_usage"))
        .then(0)
        .when(pl.col("penetrated"))
        .then(1)
        .otherwise(2)
        .alias("tier")
    )
    ordered = rows.sort(
        ["tier", "us_usage_share_pct", "penetration", "task_id"],
        descending=[False, True, True, False],
        nulls_last=True,
    )
    return tuple(ordered.drop("tier").iter_rows(named=True))


# --- its major group --------------------------------------------------------------------
@per_marts(maxsize=1024)
def group_ranking(data: Marts, group: str) -> tuple[dict, ...]:
    """The occupations of a major group by the marts' rank of observed exposure within it;
    ties by SOC code, occupations without a score last."""
    rows = data.occupations.filter(pl.col("major_group") == group).sort(
        ["rank_in_group_by_exposure", "soc_code"], nulls_last=True
    )
    return tuple(rows.iter_rows(named=True))


def group_neighbours(data: Marts, soc: str, reach: int = 3) -> tuple[dict, ...]:
    """The occupation and up to `reach` occupations either side of it in its group's
    ranking (the first `2 * reach + 1` of the group for an occupation without a score)."""
    row = occupation(data, soc)
    ranking = group_ranking(data, row["major_group"]) if row else ()
    ranked = [r for r in ranking if r["rank_in_group_by_exposure"] is not None]
    where = next((i for i, r in enumerate(ranked) if r["soc_code"] == soc), None)
    if where is None:
        return tuple(ranked[: 2 * reach + 1])
    start = max(0, min(where - reach, len(ranked) - (2 * reach + 1)))
    return tuple(ranked[start : start + 2 * reach + 1])


# --- a state's most exposed jobs --------------------------------------------------------
@per_marts(maxsize=128)
def most_exposed(data: Marts, state: str) -> tuple[dict, ...]:
    """Exactly the jobs the state's "jobs in highly exposed occupations" card counts
    (highly exposed occupations whose employment is published), by the marts' rank of
    exposure-weighted jobs; ties by SOC code."""
    rows = data.state_occupations.filter(
        (pl.col("state") == state) & pl.col("highly_exposed") & pl.col("employment").is_not_null()
    ).sort(["rank_by_exposure_weighted_jobs", "soc_code"], nulls_last=True)
    return tuple(rows.iter_rows(named=True))


# --- the index --------------------------------------------------------------------------
@dataclass(frozen=True)
class IndexQuery:
    """Which occupations the index lists, in which order (the view less its page)."""

    words: str = ""
    group: str | None = None
    state: str | None = None
    sort: str = DEFAULT_INDEX_SORT
    descending: bool = True


@per_marts(maxsize=8)
def _index_base(data: Marts, state: str | None) -> pl.DataFrame:
    """One row per occupation with the columns the index shows: national figures, or with a
    state the state's jobs, location quotient and wage (OEWS May 2025)."""
    national = data.occupations.select(
        "soc_code",
        "title",
        "major_group",
        "observed_exposure",
        "exposure_status",
        "tasks",
        "tasks_penetrated",
        "penetrated_task_share_pct",
        "us_task_attributed_share_pct",
        "us_task_attributed_share_status",
        "combined_code",
    )
    if state is None:
        local = data.occupations.select(
            "soc_code",
            pl.col("us_employment").alias("jobs"),
            pl.col("us_employment_status").alias("jobs_status"),
            pl.lit(None, pl.Float64).alias("location_quotient"),
            pl.lit(None, pl.String).alias("location_quotient_status"),
            "median_annual_wage",
            "median_annual_wage_status",
            "median_wage_lower_bound",
            pl.col("us_exposure_weighted_jobs").alias("exposure_weighted_jobs"),
            pl.col("us_exposure_weighted_jobs_status").alias("exposure_weighted_jobs_status"),
        )
    else:
        local = data.state_occupations.filter(pl.col("state") == state).select(
            "soc_code",
            pl.col("employment").alias("jobs"),
            pl.col("employment_status").alias("jobs_status"),
            "location_quotient",
            "location_quotient_status",
            "median_annual_wage",
            "median_annual_wage_status",
            "median_wage_lower_bound",
            "exposure_weighted_jobs",
            "exposure_weighted_jobs_status",
        )
    return local.join(national, on="soc_code", how="inner").with_columns(
        pl.coalesce("median_annual_wage", "median_wage_lower_bound").alias("wage_order"),
        pl.col("title").str.to_lowercase().alias("search_text"),
    )


@per_marts(maxsize=512)
def index_rows(data: Marts, query: IndexQuery) -> pl.DataFrame:
    """The occupations matching the query (every word in the title, or a SOC code that
    starts with it; the major group; the state), sorted: missing values last whichever
    the direction, ties by SOC code."""
    frame = _index_base(data, query.state)
    for word in query.words.lower().split():
        frame = frame.filter(
            pl.col("search_text").str.contains(word, literal=True)
            | pl.col("soc_code").str.starts_with(word)
        )
    if query.group:
        frame = frame.filter(pl.col("major_group") == query.group)
    column, _ = INDEX_SORTS[query.sort]
    return frame.sort([column, "soc_code"], descending=[query.descending, False], nulls_last=True)


def index_pages(data: Marts, query: IndexQuery) -> int:
    """How many pages the query's rows fill (at least one, empty or not)."""
    return max(1, math.ceil(index_rows(data, query).height / INDEX_PAGE_SIZE))


# --- the search box ---------------------------------------------------------------------
@per_marts(maxsize=1)
def search_entries(data: Marts) -> tuple[dict, ...]:
    """What the header's search box finds: every state (name and code), then every
    occupation (title and SOC code) with its US jobs, by which equal matches are ordered."""
    places = [
        {"label": name, "code": state, "kind": "state", "href": f"/state/{state}", "size": 0}
        for state, name in sorted(data.state_names.items(), key=lambda item: item[1])
    ]
    jobs = data.occupations.select("soc_code", "title", "us_employment").sort("title")
    occupations = [
        {
            "label": title,
            "code": soc,
            "kind": "occupation",
            "href": f"/occupation/{soc}",
            "size": int(employment or 0),
        }
        for soc, title, employment in jobs.rows()
    ]
    return tuple(places + occupations)
