"""The map of the areas inside the states: county shapes merged into area shapes.

Each metro is the union of its counties (OMB's delineation), each state's nonmetro
remainder the union of its counties in no metro (`area_counties`). The counties come from
the vendored Census cartographic file (assets/geo/counties-10m.json, longitude/latitude
TopoJSON). The areas tile the states (neighbours share their borders exactly), so they are
simplified together, as one coverage: a border moves the same way for both neighbours.
Written as GeoJSON (`area_shapes.geojson` in the build): feature id = area_code, exterior
rings clockwise, the winding d3-geo (and so Plotly) expects.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from etl.marts.area_counties import COUNTY_SHAPES

FILE_NAME = "area_shapes.geojson"
# How far to simplify: roughly the side, in degrees, of the smallest triangle a border
# keeps (0.03: about 3 km), and the grid coordinates are snapped to (0.001: about 100 m).
# Together they keep the file under half a megabyte.
TOLERANCE_DEGREES = 0.03
GRID_DEGREES = 0.001
PROPERTIES = ("area_code", "area_name", "area_type", "is_territory")


def area_shapes(area_counties: pl.DataFrame, path: Path = COUNTY_SHAPES) -> bytes:
    """GeoJSON of every mapped area (metros and nonmetro remainders), features sorted by
    area_code, with PROPERTIES."""
    # geopandas (with pandas) takes about a second to import: only when a map is drawn.
    import geopandas
    import shapely

    counties = geopandas.read_file(path, layer="counties")
    area_of = dict(area_counties.select("county_fips", "area_code").iter_rows())
    counties["area_code"] = counties["id"].map(area_of)
    counties = counties[counties["area_code"].notna()]  # territories without OEWS areas
    # County edges match exactly: a coverage union is fast and exact. The topology's
    # quantisation leaves a few rings touching themselves, repaired once merged.
    merged = counties.dissolve("area_code", method="coverage")
    shapes = shapely.make_valid(merged.geometry.values, method="structure", keep_collapsed=False)
    shapes = shapely.coverage_simplify(shapes, TOLERANCE_DEGREES)
    shapes = shapely.orient_polygons(shapely.set_precision(shapes, GRID_DEGREES), exterior_cw=True)
    empty = [code for code, shape in zip(merged.index, shapes, strict=True) if shape.is_empty]
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
        for code, shape in sorted(zip(merged.index, shapes, strict=True))
    )
    return ('{"type":"FeatureCollection","features":[' + features + "]}").encode()


def _feature(code: str, properties: dict, geometry: str) -> str:
    """One GeoJSON feature around GEOS's own geometry text (snapped to the grid): a round
    trip through Python floats would print 39.800000000000004 for 39.8."""
    head = {"type": "Feature", "id": code, "properties": properties}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    return text[:-1] + ',"geometry":' + geometry + "}"
