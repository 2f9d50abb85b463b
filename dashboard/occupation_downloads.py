"""CSV of the occupation side's views: the occupation index as filtered and sorted, an
occupation's states and tasks, a state's most exposed jobs. Each holds the rows its page
shows, in the page's order, with the marts' columns (statuses and ranks included)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import polars as pl
from flask import Flask, Response, request

from dashboard import occupation_data
from dashboard.data import DataNotBuilt, Marts, marts
from dashboard.downloads import csv_response
from dashboard.urls import BadParameter, OccupationIndexView, OccupationView, StateView, parse_query
from etl.geo import US_51

STATE_COLUMNS = (
    "state",
    "state_name",
    "soc_code",
    "title",
    "employment",
    "employment_status",
    "employment_share_pct",
    "location_quotient",
    "location_quotient_status",
    "median_annual_wage",
    "median_annual_wage_status",
    "median_wage_lower_bound",
    "state_rank_by_employment",
    "state_rank_by_employment_tied",
    "state_rank_by_employment_of",
    "state_rank_by_lq",
    "state_rank_by_lq_tied",
    "state_rank_by_lq_of",
    "state_rank_by_share",
    "state_rank_by_share_tied",
    "state_rank_by_share_of",
)
EXPOSED_COLUMNS = (
    "state",
    "soc_code",
    "title",
    "rank_by_exposure_weighted_jobs",
    "rank_by_exposure_weighted_jobs_tied",
    "employment",
    "observed_exposure",
    "exposure_weighted_jobs",
    "median_annual_wage",
    "median_annual_wage_status",
    "median_wage_lower_bound",
    "location_quotient",
    "location_quotient_status",
    "employment_share_pct",
)


def index_view(data: Marts, view: OccupationIndexView) -> pl.DataFrame:
    """Every row of the index view (all its pages), in its order."""
    frame = occupation_data.index_rows(data, view.query).drop("wage_order", "search_text")
    if view.state is None:  # a location quotient is a state's
        frame = frame.drop("location_quotient", "location_quotient_status")
    return frame.select(pl.lit(view.state or "US").alias("state"), pl.all())


def states_view(data: Marts, soc: str) -> pl.DataFrame:
    """The occupation in the US and in each of the 51, with the three ranks of the map."""
    return data.state_occupations.filter(
        (pl.col("soc_code") == soc) & pl.col("state").is_in(["US", *US_51])
    ).select(STATE_COLUMNS)


def tasks_view(data: Marts, soc: str) -> pl.DataFrame:
    rows = occupation_data.tasks(data, soc)
    return pl.DataFrame(list(rows), schema=data.occupation_tasks.schema)


def most_exposed_view(data: Marts, state: str) -> pl.DataFrame:
    rows = occupation_data.most_exposed(data, state)
    return pl.DataFrame(list(rows), schema=data.state_occupations.schema).select(EXPOSED_COLUMNS)


def _guarded(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Parameters are read like page URLs; a bad one answers its status in words."""

    @wraps(handler)
    def wrapped(*args: object, **kwargs: object) -> Response:
        try:
            query = parse_query(request.query_string.decode("utf-8", "replace"))
            return handler(marts(), query, *args, **kwargs)
        except BadParameter as exc:
            return Response(f"{exc}\n", status=exc.status, mimetype="text/plain")
        except DataNotBuilt:
            return Response(
                "No data built yet: run `aiei build`.\n", status=503, mimetype="text/plain"
            )

    return wrapped


def register(server: Flask) -> None:
    """/download/occupations.csv, /download/occupation/<soc>/(states|tasks).csv and
    /download/state/<state>/most_exposed.csv."""

    @server.get("/download/occupations.csv")
    @_guarded
    def download_index(data: Marts, query: dict[str, str]) -> Response:
        view = OccupationIndexView.parse(query, data)
        return csv_response(index_view(data, view), f"aiei_occupations_{view.state or 'US'}.csv")

    @server.get("/download/occupation/<soc>/states.csv")
    @_guarded
    def download_states(data: Marts, query: dict[str, str], soc: str) -> Response:
        view = OccupationView.parse({**query, "soc": soc}, data)
        return csv_response(states_view(data, view.soc), f"aiei_occupation_{view.soc}_states.csv")

    @server.get("/download/occupation/<soc>/tasks.csv")
    @_guarded
    def download_tasks(data: Marts, query: dict[str, str], soc: str) -> Response:
        view = OccupationView.parse({**query, "soc": soc}, data)
        return csv_response(tasks_view(data, view.soc), f"aiei_occupation_{view.soc}_tasks.csv")

    @server.get("/download/state/<state>/most_exposed.csv")
    @_guarded
    def download_most_exposed(data: Marts, query: dict[str, str], state: str) -> Response:
        view = StateView.parse({**query, "state": state}, data)
        return csv_response(
            most_exposed_view(data, view.state), f"aiei_{view.state}_most_exposed_oews-2025-05.csv"
        )
