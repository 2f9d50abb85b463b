"""The area side's charts as data + figure: a state's counties by their area ("Where in
<state>"), the US's metros, an occupation metro by metro, and an area's most exposed jobs.
Pages, the image export and the map CSV call these, so each shows what the page shows."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from dashboard import area_data, occupation_data, present
from dashboard.data import Marts, per_marts
from dashboard.figures.area_maps import AreaRow, area_map
from dashboard.figures.occupations import ExposedRow, exposed_jobs_bars
from dashboard.figures.style import figure_json
from dashboard.metrics import AREA_MEASURES, METRICS, OCCUPATION_MEASURES, Metric, is_missing

if TYPE_CHECKING:
    from dashboard.urls import StateView

SHAPES_URL = "/area-shapes.geojson"  # served once per build, cached by the browser
COUNTY_SHAPES_URL = "/county-shapes/{state}.geojson"  # a state's counties, likewise
REMAINDER_NOTE = "no quotient of its own: it adds up several OEWS areas"


def _lq_note(data: Marts, row: dict, by_area: dict[str, dict]) -> tuple[float | None, str, str]:
    """(value, value text, note) of an occupation's location quotient in an area; for a
    remainder, none, with its OEWS areas' own quotients in the note."""
    spec = AREA_MEASURES["lq"]
    if not area_data.is_remainder(row):
        cell = by_area.get(row["area_code"]) or {}
        value = cell.get(spec.column)
        status = cell.get(spec.status) or present.NOT_PUBLISHED
        return value, spec.format(value) if not is_missing(value) else status, ""
    parts = [
        f"{p['area_name']}: {present.value_text(spec, by_area.get(p['area_code']) or {})}"
        for p in area_data.oews_parts(data, row)
    ]
    return None, REMAINDER_NOTE, "Its OEWS areas — " + "; ".join(parts)


# --- a state's counties ("Where in <state>") --------------------------------------------
def where_metric(measure: str, soc: str | None, data: Marts) -> Metric:
    spec = AREA_MEASURES[measure]
    if measure == "lq" and soc:
        return replace(spec, label=f"{occupation_data.titles(data)[soc]}: location quotient")
    return spec


@per_marts(maxsize=1024)
def where_rows(
    data: Marts, state: str, measure: str, soc: str | None
) -> tuple[tuple[AreaRow, ...], tuple[tuple[float, float], ...], str]:
    """(one row per county of the state, coloured by its area's value; the dots that mark
    the nonmetro remainder's counties; the remainder's name, or '')."""
    spec = AREA_MEASURES[measure]
    by_area = area_data.occupation_by_area(data, soc) if measure == "lq" and soc else {}
    values = {}
    remainder = ""
    for row in area_data.state_areas(data, state):
        shared = (
            f"Shared with {', '.join(s for s in row['area_states'].split(',') if s != state)}: "
            "the whole metro's value"
            if row["is_shared"]
            else ""
        )
        if measure == "lq":
            value, text, note = _lq_note(data, row, by_area)
        else:
            value, text, note = row[spec.column], present.value_text(spec, row), ""
        rank = present.rank_text(
            row["rank_in_state"], row["rank_in_state_tied"], row["areas_ranked"]
        )
        notes = [n for n in (note, shared) if n]
        if measure != "lq":
            notes.append(f"{rank.capitalize()} in the state")
        values[row["area_code"]] = (row, value, text, tuple(notes))
        if area_data.is_remainder(row):
            remainder = row["area_name"]
    geometries = area_data.county_geometries(data)
    rows, dots = [], []
    for county in area_data.state_counties(data, state):
        found = values.get(county["area_code"])
        if found is None:
            continue
        row, value, text, notes = found
        rows.append(
            AreaRow(
                county["county_fips"],
                row["area_code"],
                f"{row['area_name']}<br>{county['county']} County",
                value,
                text,
                notes,
            )
        )
        if area_data.is_remainder(row) and county["county_fips"] in geometries:
            dots.append(area_data.centroid(geometries[county["county_fips"]]))
    return tuple(rows), tuple(dots), remainder


def where_figure(
    data: Marts, state: str, measure: str, soc: str | None, shapes: dict | str | None = None
) -> dict:
    """The state's counties by their area; `shapes` their URL on a page (fetched once per
    state, cached), the shapes themselves in an image."""
    rows, dots, remainder = where_rows(data, state, measure, soc)
    note = f"Dotted: {remainder}" if remainder else ""
    return area_map(
        rows,
        where_metric(measure, soc, data),
        shapes or area_data.state_county_shapes(data, state),
        dots=dots,
        note=note,
    )


def where_occupation(data: Marts, state: str, measure: str, soc: str | None) -> str | None:
    """The occupation whose location quotient colours the map: the one chosen, else the
    state's largest; none for the other measures."""
    if measure != "lq":
        return None
    return soc or next((r["soc_code"] for r in data.occupation_rows(state, 1)), None)


def where_view_figure(data: Marts, view: StateView) -> dict:
    """The "Where in" map of a state page's view, with its shapes: the chart image."""
    soc = where_occupation(data, view.state, view.where, view.occupation)
    return where_figure(data, view.state, view.where, soc)


@per_marts(maxsize=1024)
def where_figure_json(data: Marts, state: str, measure: str, soc: str | None) -> dict:
    url = COUNTY_SHAPES_URL.format(state=state)
    return figure_json(where_figure(data, state, measure, soc, url))


# --- the US, metro by metro -------------------------------------------------------------
@per_marts(maxsize=1)
def metro_values(data: Marts) -> tuple[tuple[dict, ...], float | None]:
    """The map page's rows for the metric "metro" — each metro and nonmetro remainder of
    the 51 (`state` = its area code, as the map's rows are keyed), by name — and the US
    value."""
    spec = METRICS["metro"]
    rows = tuple(
        {
            "state": r["area_code"],
            "name": r["area_name"],
            **{c: r[c] for c in (spec.column, spec.rank, spec.tied, spec.ranked, spec.status)},
            "area_type": r["area_type"],
            "total_employment": r["total_employment"],
        }
        for r in sorted(area_data.areas(data).values(), key=lambda r: r["area_name"])
        if r["area_code"] == r["map_area_code"]  # metros and remainders: what the map draws
    )
    us = data.summary(data.latest_wave, "US") or {}
    return rows, us.get(spec.column)


def metro_figure(
    data: Marts, rows: tuple, metric: Metric, geojson: dict | str, us_text: str
) -> dict:
    """The US map of areas from the map page's ranked rows."""
    return area_map(
        [
            AreaRow(
                r.state,
                r.state,
                r.name,
                r.value,
                r.value_text,
                (r.rank_text.capitalize() + " among metros",),
            )
            for r in rows
        ],
        metric,
        geojson,
        whole_us=True,
        shared_notes=(f"US: {us_text}",),
        height=460,
    )


# --- an occupation, metro by metro ------------------------------------------------------
@per_marts(maxsize=2048)
def occupation_metros(data: Marts, soc: str) -> tuple[dict, ...]:
    """The occupation in each metro of the 51 with a published location quotient, highest
    first (ties by name): the occupation page's metro table."""
    spec = OCCUPATION_MEASURES["lq"]
    rows = [
        r
        for r in area_data.occupation_by_area(data, soc).values()
        if area_data.is_metro(r) and not is_missing(r[spec.column])
    ]
    return tuple(sorted(rows, key=lambda r: (-r[spec.column], r["area_name"])))


def occupation_metro_figure(data: Marts, soc: str, geojson: dict | str) -> dict:
    by_area = area_data.occupation_by_area(data, soc)
    rows = []
    for row in area_data.areas(data).values():
        if row["area_code"] != row["map_area_code"]:
            continue
        value, text, note = _lq_note(data, row, by_area)
        cell = by_area.get(row["area_code"]) or {}
        jobs = f"Jobs: {present.jobs_text(cell.get('employment'), cell.get('employment_status'))}"
        rows.append(
            AreaRow(
                row["area_code"],
                row["area_code"],
                row["area_name"],
                value,
                text,
                tuple(n for n in (note, "" if area_data.is_remainder(row) else jobs) if n),
            )
        )
    return area_map(rows, AREA_MEASURES["lq"], geojson, whole_us=True, height=460)


@per_marts(maxsize=2048)
def occupation_metro_json(data: Marts, soc: str) -> dict:
    """The page's map: the shapes by URL, so the page carries no geometry."""
    return figure_json(occupation_metro_figure(data, soc, SHAPES_URL))


# --- an area's most exposed jobs --------------------------------------------------------
def area_exposed_figure(data: Marts, code: str) -> dict:
    return exposed_jobs_bars(
        [
            ExposedRow(
                r["title"], r["employment"], r["observed_exposure"], r["exposure_weighted_jobs"]
            )
            for r in area_data.most_exposed(data, code)
        ]
    )
