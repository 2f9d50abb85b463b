"""The county shapes the build decodes from the topology are GDAL's, point for point."""

from __future__ import annotations

import geopandas as gpd
import shapely

from etl.area_shapes import county_shapes
from etl.marts.area_counties import COUNTY_SHAPES


def test_counties_decode_as_gdal_reads_them():
    read_by_gdal = gpd.read_file(COUNTY_SHAPES, layer="counties")
    decoded = county_shapes()
    assert list(decoded) == list(read_by_gdal["id"])
    # Same coordinates, rings and types (GDAL drops rings of under 4 points: 51610 is empty).
    assert [shapely.to_wkb(s) for s in decoded.values()] == [
        shapely.to_wkb(s) for s in read_by_gdal.geometry.values
    ]
    assert decoded["51610"].is_empty
