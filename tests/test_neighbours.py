"""Neighbours from the topology agree with the geometry, as geopandas computes it."""

from __future__ import annotations

import geopandas as gpd
import polars as pl

from etl.marts.states import STATE_SHAPES, neighbours


def geometric_neighbours() -> dict[str, list[str]]:
    """Independent of the topology: states whose outlines intersect along a line."""
    shapes = gpd.read_file(STATE_SHAPES, layer="states")[["id", "geometry"]]
    pairs = gpd.sjoin(shapes, shapes, predicate="intersects")
    pairs = pairs[pairs["id_left"] != pairs["id_right"]]
    geometry = shapes.set_index("id").geometry
    found: dict[str, list[str]] = {}
    for a, b in zip(pairs["id_left"], pairs["id_right"], strict=True):
        if geometry[a].intersection(geometry[b]).length > 0:
            found.setdefault(a, []).append(b)
    return {state: sorted(others) for state, others in found.items()}


def test_topology_and_geometry_agree():
    from_topology = dict(neighbours().rows())
    assert from_topology == geometric_neighbours()
    assert sum(len(v) for v in from_topology.values()) == 214  # 107 shared borders


def test_four_corners_are_not_neighbours():
    table = neighbours()
    arizona = table.filter(pl.col("state_fips") == "04")["neighbour"].item().to_list()
    assert arizona == ["06", "32", "35", "49"]  # CA, NV, NM, UT; not CO (a single point)
    assert table.filter(pl.col("state_fips") == "02").is_empty()  # Alaska: none
