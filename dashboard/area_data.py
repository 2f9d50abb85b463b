"""The areas inside the states, as the pages ask for them: each metro, OEWS nonmetropolitan
area and state nonmetro remainder (`area_summary`), a state's areas (`state_areas`), an
area's occupations (`area_occupations`) and the shapes the maps draw (the build's
`area_shapes.geojson`, and the vendored county shapes for a state's county map).

Lookups are cached per Marts (`per_marts`): a callback filters a small table at most once
per view. Ranks are the marts' own; tied rows are listed by name or SOC code.
"""

from __future__ import annotations

import json

import polars as pl

from dashboard.data import DataNotBuilt, Marts, per_marts
from etl.area_shapes import FILE_NAME as SHAPES_FILE
from etl.marts.area_counties import COUNTY_SHAPES, METRO, REMAINDER

MOST_EXPOSED_SHOWN = 15
LARGEST_SHOWN = 10
COORDINATE_DECIMALS = 3  # about 100 m: the county shapes' own precision


def table(data: Marts, name: str) -> pl.DataFrame:
    """An area mart of the build; a build made before them asks for `aiei build`."""
    try:
        return data.tables[name]
    except KeyError:
        raise DataNotBuilt(f"{data.directory} has no {name} mart: run `aiei build`") from None


# --- areas ------------------------------------------------------------------------------
@per_marts(maxsize=1)
def areas(data: Marts) -> dict[str, dict]:
    """area_code -> its area_summary row, for the areas of the 50 states and DC (Puerto
    Rico's stay in the marts and the API, out of the app's views like PR elsewhere)."""
    rows = table(data, "area_summary").filter(~pl.col("is_territory"))
    return {r["area_code"]: r for r in rows.iter_rows(named=True)}


def area(data: Marts, code: str) -> dict | None:
    return areas(data).get(code)


@per_marts(maxsize=128)
def state_areas(data: Marts, state: str) -> tuple[dict, ...]:
    """The state's areas (`state_areas` rows): its metros, shared ones included, and its
    nonmetro remainder, by the marts' rank within the state (tied ones by name)."""
    return tuple(
        table(data, "state_areas")
        .filter(pl.col("state") == state)
        .sort("rank_in_state", "area_name", nulls_last=True)
        .iter_rows(named=True)
    )


def most_exposed_area(data: Marts, state: str) -> dict | None:
    """The state's area ranked first by exposure-weighted employment (its first by name
    when tied), or None for a state without areas."""
    rows = state_areas(data, state)
    return rows[0] if rows and rows[0]["rank_in_state"] is not None else None


def oews_parts(data: Marts, row: dict) -> list[dict]:
    """The OEWS areas a row adds up: itself, or a remainder's nonmetropolitan areas."""
    return [areas(data)[c] for c in row["oews_area_codes"].split(",") if c in areas(data)]


# --- an area's occupations --------------------------------------------------------------
@per_marts(maxsize=256)
def occupations(data: Marts, code: str) -> pl.DataFrame:
    """An OEWS area's `area_occupations` rows (none for a nonmetro remainder)."""
    return table(data, "area_occupations").filter(pl.col("area_code") == code)


@per_marts(maxsize=256)
def most_exposed(data: Marts, code: str, n: int = MOST_EXPOSED_SHOWN) -> tuple[dict, ...]:
    """The area's occupations with the most exposure-weighted jobs (jobs × exposure), by
    the marts' rank; tied ones by SOC code. Withheld estimates are not ranked."""
    return tuple(
        occupations(data, code)
        .filter(pl.col("rank_by_exposure_weighted_jobs").is_not_null())
        .sort("rank_by_exposure_weighted_jobs", "soc_code")
        .head(n)
        .iter_rows(named=True)
    )


@per_marts(maxsize=256)
def largest(data: Marts, code: str, n: int = LARGEST_SHOWN) -> tuple[dict, ...]:
    """The area's largest occupations by the marts' rank of employment."""
    return tuple(
        occupations(data, code)
        .filter(pl.col("rank_by_employment").is_not_null())
        .sort("rank_by_employment", "soc_code")
        .head(n)
        .iter_rows(named=True)
    )


@per_marts(maxsize=2048)
def occupation_by_area(data: Marts, soc: str) -> dict[str, dict]:
    """area_code -> the occupation's `area_occupations` row, in every OEWS area of the 50
    states and DC."""
    rows = table(data, "area_occupations").filter(
        (pl.col("soc_code") == soc) & ~pl.col("is_territory")
    )
    return {r["area_code"]: r for r in rows.iter_rows(named=True)}


# --- comparisons ------------------------------------------------------------------------
def per_1000(row: dict | None) -> float | None:
    """A state_summary row's jobs in highly exposed occupations per 1,000 jobs: the
    area_summary measure, for the state and the US beside an area."""
    if not row or not row.get("total_employment") or row.get("jobs_high_exposure") is None:
        return None
    return row["jobs_high_exposure"] / row["total_employment"] * 1000


# --- shapes -----------------------------------------------------------------------------
@per_marts(maxsize=1)
def shapes_bytes(data: Marts) -> bytes:
    """The build's area map (GeoJSON, feature id = area_code), as served to browsers."""
    return (data.directory / SHAPES_FILE).read_bytes()


@per_marts(maxsize=1)
def shapes(data: Marts) -> dict:
    """The same, parsed: what an exported image (which fetches nothing) draws from."""
    return json.loads(shapes_bytes(data))


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantised, delta-encoded arcs as longitude/latitude points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(
                (round(x * sx + tx, COORDINATE_DECIMALS), round(y * sy + ty, COORDINATE_DECIMALS))
            )
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[list[float]]:
    """A ring from its arcs (a negative index is arc ~i reversed); shared ends once."""
    ring: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return [list(p) for p in ring]


@per_marts(maxsize=1)
def county_geometries(data: Marts) -> dict[str, dict]:
    """county FIPS -> its GeoJSON geometry, from the vendored county shapes (the ones the
    area map is merged from). Decoded once per build, in about a tenth of a second."""
    topology = json.loads(COUNTY_SHAPES.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    geometries = {}
    for g in topology["objects"]["counties"]["geometries"]:
        if g["type"] == "Polygon":
            geometries[g["id"]] = {
                "type": "Polygon",
                "coordinates": [_ring(arcs, r) for r in g["arcs"]],
            }
        elif g["type"] == "MultiPolygon":
            geometries[g["id"]] = {
                "type": "MultiPolygon",
                "coordinates": [[_ring(arcs, r) for r in polygon] for polygon in g["arcs"]],
            }
    return geometries


@per_marts(maxsize=64)
def state_counties(data: Marts, state: str) -> tuple[dict, ...]:
    """The state's counties (`area_counties` rows: county, its area and the area's type),
    by FIPS code."""
    return tuple(
        table(data, "area_counties")
        .filter(pl.col("state") == state)
        .sort("county_fips")
        .iter_rows(named=True)
    )


@per_marts(maxsize=64)
def state_county_shapes(data: Marts, state: str) -> dict:
    """GeoJSON of the state's counties, feature id = county FIPS."""
    geometries = county_geometries(data)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": c["county_fips"], "geometry": geometries[c["county_fips"]]}
            for c in state_counties(data, state)
            if c["county_fips"] in geometries
        ],
    }


def centroid(geometry: dict) -> tuple[float, float]:
    """A point inside-ish a county (the mean of its outer ring's points): where the map
    puts the dot that marks a county of the nonmetro remainder."""
    ring = (
        geometry["coordinates"][0]
        if geometry["type"] == "Polygon"
        else max((p[0] for p in geometry["coordinates"]), key=len)
    )
    return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))


def is_remainder(row: dict) -> bool:
    return row["area_type"] == REMAINDER


def is_metro(row: dict) -> bool:
    return row["area_type"] == METRO
