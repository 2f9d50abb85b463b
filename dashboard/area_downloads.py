"""CSV of the area side's views (an area's occupations, a state's areas) and the area map's
shapes, fetched once per build by the pages that draw it."""

from __future__ import annotations

import json

import polars as pl
from flask import Flask, Response

from dashboard import area_data
from dashboard.area_views import COUNTY_SHAPES_URL, SHAPES_URL
from dashboard.data import DataNotBuilt, Marts, marts
from dashboard.downloads import csv_response
from dashboard.occupation_downloads import _guarded
from dashboard.urls import AreaView, OccupationView, StateView


def occupations_view(data: Marts, code: str) -> pl.DataFrame:
    """Every occupation of an OEWS area (area_occupations), by SOC code; for a nonmetro
    remainder, those of each of its OEWS areas."""
    codes = area_data.area(data, code)["oews_area_codes"].split(",")
    return pl.concat([area_data.occupations(data, c) for c in codes]).sort("area_code", "soc_code")


def state_areas_view(data: Marts, state: str) -> pl.DataFrame:
    return pl.DataFrame(
        list(area_data.state_areas(data, state)), schema=area_data.table(data, "state_areas").schema
    )


def occupation_areas_view(data: Marts, soc: str) -> pl.DataFrame:
    """The occupation in every OEWS area of the 50 states and DC, by area code."""
    rows = list(area_data.occupation_by_area(data, soc).values())
    return pl.DataFrame(rows, schema=area_data.table(data, "area_occupations").schema).sort(
        "area_code"
    )


def register(server: Flask) -> None:
    """/download/area/<code>/occupations.csv, /download/state/<state>/areas.csv,
    /download/occupation/<soc>/areas.csv and the area shapes."""

    @server.get("/download/area/<code>/occupations.csv")
    @_guarded
    def download_area(data: Marts, query: dict[str, str], code: str) -> Response:
        view = AreaView.parse({"code": code}, data)
        return csv_response(
            occupations_view(data, view.code), f"aiei_area_{view.code}_occupations_oews-2025-05.csv"
        )

    @server.get("/download/state/<state>/areas.csv")
    @_guarded
    def download_state_areas(data: Marts, query: dict[str, str], state: str) -> Response:
        view = StateView.parse({**query, "state": state}, data)
        return csv_response(
            state_areas_view(data, view.state), f"aiei_{view.state}_areas_oews-2025-05.csv"
        )

    @server.get("/download/occupation/<soc>/areas.csv")
    @_guarded
    def download_occupation_areas(data: Marts, query: dict[str, str], soc: str) -> Response:
        view = OccupationView.parse({"soc": soc}, data)
        return csv_response(
            occupation_areas_view(data, view.soc),
            f"aiei_occupation_{view.soc}_areas_oews-2025-05.csv",
        )

    @server.get(COUNTY_SHAPES_URL.replace("{state}", "<state>"))
    @_guarded
    def county_shapes(data: Marts, query: dict[str, str], state: str) -> Response:
        view = StateView.parse({"state": state}, data)
        body = json.dumps(area_data.state_county_shapes(data, view.state), separators=(",", ":"))
        return Response(
            body, mimetype="application/json", headers={"Cache-Control": "public, max-age=3600"}
        )

    @server.get(SHAPES_URL)
    def area_shapes() -> Response:
        try:
            body = area_data.shapes_bytes(marts())
        except (DataNotBuilt, FileNotFoundError):
            return Response("{}", status=503, mimetype="application/json")
        return Response(
            body, mimetype="application/json", headers={"Cache-Control": "public, max-age=3600"}
        )
