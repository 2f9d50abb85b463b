"""The map of the areas inside the states: county shapes merged into area shapes.

Each metro is the union of its counties (OMB's delineation), each state's nonmetro
remainder the union of its counties in no metro (`area_counties`). The counties come from
the vendored Census cartographic file (assets/geo/counties-10m.json, longitude/latitude
TopoJSON), decoded here with numpy as GDAL's TopoJSON driver decodes it (geopandas and its
GDAL took a second to import and read it). The areas tile the states (neighbours share
their borders exactly), so they are simplified together, as one coverage: a border moves
the same way for both neighbours. Written as GeoJSON (`area_shapes.geojson` in the build):
feature id = area_code, exterior rings clockwise, the winding d3-geo (and so Plotly)
expects.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import orjson
import polars as pl
import shapely

from etl.marts.area_counties import COUNTY_SHAPES

FILE_NAME = "area_shapes.geojson"
# How far to simplify: roughly the side, in degrees, of the smallest triangle a border
# keeps (0.03: about 3 km), and the grid coordinates are snapped to (0.001: about 100 m).
# Together they keep the file under half a megabyte.
TOLERANCE_DEGREES = 0.03
GRID_DEGREES = 0.001
PROPERTIES = ("area_code", "area_name", "area_type", "is_territory")
MIN_RING_POINTS = 4  # a closed ring with an area; GDAL drops shorter ones


def area_shapes(area_counties: pl.DataFrame, path: Path = COUNTY_SHAPES) -> bytes:
    """GeoJSON of every mapped area (metros and nonmetro remainders), features sorted by
    area_code, with PROPERTIES."""
    area_of = dict(area_counties.select("county_fips", "area_code").iter_rows())
    counties: dict[str, list[shapely.Geometry]] = {}
    for county, shape in county_shapes(path).items():
        if county in area_of:  # not the territories without OEWS areas
            counties.setdefault(area_of[county], []).append(shape)
    codes = sorted(counties)
    # County edges match exactly: a coverage union is fast and exact. The topology's
    # quantisation leaves a few rings touching themselves, repaired once merged.
    merged = np.array([shapely.coverage_union_all(counties[code]) for code in codes])
    shapes = shapely.make_valid(merged, method="structure", keep_collapsed=False)
    shapes = shapely.coverage_simplify(shapes, TOLERANCE_DEGREES)
    shapes = shapely.orient_polygons(shapely.set_precision(shapes, GRID_DEGREES), exterior_cw=True)
    empty = [code for code, shape in zip(codes, shapes, strict=True) if shape.is_empty]
    if empty:
        raise ValueError(f"area shapes: nothing left of {empty[:5]} once simplified")
    properties = {
        row["area_code"]: row
        for row in area_counties.group_by("area_code")
        .agg(pl.col(PROPERTIES[1:]).first())
        .iter_rows(named=True)
    }
    features = ",".join(
        _feature(code, properties[code], shapely.to_geojson(shape))
        for code, shape in zip(codes, shapes, strict=True)
    )
    return ('{"type":"FeatureCollection","features":[' + features + "]}").encode()


def county_shapes(path: Path = COUNTY_SHAPES) -> dict[str, shapely.Geometry]:
    """county_fips -> its polygon or multipolygon, in the file's order."""
    topology = orjson.loads(path.read_bytes())
    arcs = _arcs(topology)

    def polygon(rings: list[list[int]]) -> shapely.Polygon:
        # GDAL drops a ring of under 4 points; the first ring kept is the exterior.
        kept = [ring for ring in (_ring(arcs, r) for r in rings) if len(ring) >= MIN_RING_POINTS]
        return shapely.Polygon(kept[0], kept[1:]) if kept else shapely.Polygon()

    shapes = {}
    for county in topology["objects"]["counties"]["geometries"]:
        if county["type"] == "Polygon":
            shapes[county["id"]] = polygon(county["arcs"])
        else:
            parts = (polygon(rings) for rings in county["arcs"])
            shapes[county["id"]] = shapely.MultiPolygon([p for p in parts if not p.is_empty])
    return shapes


def _arcs(topology: dict) -> list[np.ndarray]:
    """Each arc of a quantised topology as longitude/latitude points: its integer steps
    summed, then scaled and translated. One running sum over all arcs, less the sum before
    each arc, gives each arc's own sums exactly (integers far below 2^53)."""
    arcs = topology["arcs"]
    lengths = np.fromiter(map(len, arcs), dtype=np.intp, count=len(arcs))
    ends = np.cumsum(lengths)
    steps = np.array(list(itertools.chain.from_iterable(arcs)), dtype=np.float64)
    running = np.cumsum(steps, axis=0)
    before = np.vstack([[0.0, 0.0], running[ends[:-1] - 1]])
    quantised = running - np.repeat(before, lengths, axis=0)
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    points = np.column_stack(
        [quantised[:, 0] * scale_x + shift_x, quantised[:, 1] * scale_y + shift_y]
    )
    return np.split(points, ends[:-1])


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    """A ring's points: its arcs in turn (index ~i: arc i reversed), each arc after the
    first without its first point (the previous arc's last), closed if it is not."""
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
    points = np.concatenate([parts[0], *(part[1:] for part in parts[1:])])
    if (points[0] != points[-1]).any():
        points = np.vstack([points, points[:1]])
    return points


def _feature(code: str, properties: dict, geometry: str) -> str:
    """One GeoJSON feature around GEOS's own geometry text (snapped to the grid): a round
    trip through Python floats would print 39.800000000000004 for 39.8."""
    head = {"type": "Feature", "id": code, "properties": properties}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    return text[:-1] + ',"geometry":' + geometry + "}"
