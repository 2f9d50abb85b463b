"""Metro and nonmetropolitan areas, on the real mirror: every expected value is computed
here from the raw files (csv for OEWS and job exposure, openpyxl for the delineation, json
for the county shapes), never through the pipeline."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import polars as pl
import pytest

from etl.geo import US_51

pytestmark = pytest.mark.integration

OE = Path("download.bls.gov/pub/time.series/oe")
DELINEATION = Path(
    "www2.census.gov/programs-surveys/metro-micro/geographies/reference-files/2023/"
    "delineation-files/list1_2023.xlsx"
)
EXPOSURE = Path(
    "huggingface.co/datasets/Anthropic/EconomicIndex/resolve/main/labor_market_impacts/"
    "job_exposure.csv"
)
COUNTIES = Path(__file__).resolve().parents[1] / "assets" / "geo" / "counties-10m.json"
INDIANAPOLIS = "0026900"
FIPS_TO_USPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "72": "PR",
}  # fmt: skip


def mart(config, name: str) -> pl.DataFrame:
    return pl.read_parquet(config.processed_dir / f"{name}.parquet")


def tab_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        header = [name.strip() for name in next(rows)]  # BLS pads its columns
        return [dict(zip(header, (c.strip() for c in r), strict=True)) for r in rows]


@cache
def raw_oews(mirror: Path) -> dict:
    """From oe.data: every area's all-occupations employment, and per (area, detailed
    occupation) the employment (None if not released) and its RSE. Areatype-M series sort
    first (OEUM < OEUN < OEUS): the scan stops at the first other one."""
    detailed = {
        r["occupation_code"]
        for r in tab_rows(mirror / OE / "oe.occupation")
        if r["display_level"] == "3"
    }
    totals: dict[str, float] = {}
    cells: dict[tuple[str, str], dict[str, float | None]] = defaultdict(dict)
    with (mirror / OE / "oe.data.0.Current").open(newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows)
        for series, _year, _period, value, _notes in rows:
            series, value = series.strip(), value.strip()
            if not series.startswith("OEUM"):
                break
            area, occupation, datatype = series[4:11], series[17:23], series[23:25]
            number = None if value == "-" else float(value)
            if occupation == "000000" and datatype == "01":
                totals[area] = number
            elif occupation in detailed and datatype in ("01", "02"):
                soc = f"{occupation[:2]}-{occupation[2:]}"
                cells[(area, soc)]["employment" if datatype == "01" else "rse"] = number
    return {"totals": totals, "cells": dict(cells)}


@cache
def raw_exposure(mirror: Path) -> dict[str, float]:
    with (mirror / EXPOSURE).open(newline="") as handle:
        return {r["occ_code"]: float(r["observed_exposure"]) for r in csv.DictReader(handle)}


@cache
def raw_areas(mirror: Path) -> list[dict[str, str]]:
    return [r for r in tab_rows(mirror / OE / "oe.area") if r["areatype_code"] == "M"]


@cache
def raw_delineation(mirror: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    sheet = load_workbook(mirror / DELINEATION, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[2])  # row 3
    return [dict(zip(header, r, strict=True)) for r in rows[3:] if r[0] and r[9]]


@cache
def raw_counties() -> dict[str, str]:
    """county FIPS -> USPS of the 50 states, DC and PR, from the county shapes."""
    topology = json.loads(COUNTIES.read_text())
    ids = [g["id"] for g in topology["objects"]["counties"]["geometries"]]
    return {fips: FIPS_TO_USPS[fips[:2]] for fips in ids if fips[:2] in FIPS_TO_USPS}


def metro_states(mirror: Path) -> dict[str, set[str]]:
    """'00' + CBSA -> the states of its counties, for the metropolitan CBSAs."""
    found: dict[str, set[str]] = defaultdict(set)
    for row in raw_delineation(mirror):
        if row["Metropolitan/Micropolitan Statistical Area"] == "Metropolitan Statistical Area":
            found["00" + row["CBSA Code"]].add(FIPS_TO_USPS[row["FIPS State Code"]])
    return found


def exposure_by_hand(mirror: Path, areas: list[str]) -> tuple[float, float]:
    """(Σ employment × exposure ÷ Σ employment over the detailed occupations with both,
    jobs in occupations with exposure ≥ 0.25), over the areas' published cells summed."""
    exposure, cells = raw_exposure(mirror), raw_oews(mirror)["cells"]
    employment: dict[str, float] = defaultdict(float)
    for (area, soc), cell in cells.items():
        if area in areas and cell.get("employment") is not None:
            employment[soc] += cell["employment"]
    both = [soc for soc in employment if soc in exposure]
    weighted = sum(employment[s] * exposure[s] for s in both) / sum(employment[s] for s in both)
    return weighted, sum(employment[s] for s in both if exposure[s] >= 0.25)


def test_indianapolis_all_occupations_employment(built, mirror):
    assert raw_oews(mirror)["totals"][INDIANAPOLIS] == 1_105_170
    row = mart(built, "area_summary").filter(pl.col("area_code") == INDIANAPOLIS)
    assert row["area_name"].item() == "Indianapolis-Carmel-Greenwood, IN"
    assert row["total_employment"].item() == 1_105_170


def test_indianapolis_exposure_by_hand(built, mirror):
    weighted, high = exposure_by_hand(mirror, [INDIANAPOLIS])
    row = mart(built, "area_summary").filter(pl.col("area_code") == INDIANAPOLIS)
    assert row["exposure_weighted_employment"].item() == pytest.approx(weighted, rel=1e-12)
    assert row["jobs_high_exposure"].item() == high
    assert row["jobs_high_exposure_per_1000"].item() == pytest.approx(high / 1_105_170 * 1000)
    listed = mart(built, "state_areas").filter(pl.col("area_code") == INDIANAPOLIS)
    assert listed["state"].to_list() == ["IN"]
    assert (
        listed["exposure_weighted_employment"].item() == row["exposure_weighted_employment"].item()
    )


def test_a_nonmetro_remainder_adds_up_its_oews_areas(built, mirror):
    indiana = sorted(r["area_code"] for r in raw_areas(mirror) if r["area_code"].startswith("18"))
    assert indiana == ["1800001", "1800002", "1800003"]
    row = (
        mart(built, "area_summary").filter(pl.col("area_code") == "nonmetro-IN").row(0, named=True)
    )
    totals = raw_oews(mirror)["totals"]
    assert row["total_employment"] == sum(totals[a] for a in indiana)
    assert row["area_name"] == "Nonmetropolitan Indiana: 3 OEWS areas combined"
    assert row["oews_area_codes"] == ",".join(indiana)
    weighted, high = exposure_by_hand(mirror, indiana)
    assert row["exposure_weighted_employment"] == pytest.approx(weighted, rel=1e-12)
    assert row["jobs_high_exposure"] == high
    assert row["employment_with_exposure_pct"] is None
    assert row["employment_with_exposure_status"] == "not computable"


def test_every_metro_has_a_shape(built, mirror):
    from shapely.geometry import shape

    oews_metros = {r["area_code"] for r in raw_areas(mirror) if r["area_code"].startswith("00")}
    assert len(oews_metros) == 393 and oews_metros == set(metro_states(mirror))
    path = built.processed_dir / "area_shapes.geojson"
    features = json.loads(path.read_text())["features"]
    shapes = {f["id"]: shape(f["geometry"]) for f in features}
    drawn_metros = {f["id"] for f in features if f["properties"]["area_type"] == "metro"}
    assert drawn_metros == oews_metros
    assert all(shapes[code].area > 0 for code in shapes)
    manifest = json.loads((built.processed_dir / "manifest.json").read_text())
    assert manifest["files"]["area_shapes.geojson"]["bytes"] == path.stat().st_size < 1_000_000


def test_every_county_is_in_exactly_one_area_of_its_state(built, mirror):
    metro_of = {
        r["FIPS State Code"] + r["FIPS County Code"]: "00" + r["CBSA Code"]
        for r in raw_delineation(mirror)
        if r["Metropolitan/Micropolitan Statistical Area"] == "Metropolitan Statistical Area"
    }
    counties = {f: s for f, s in raw_counties().items() if s in US_51}
    assert len(counties) == 3144
    listed: dict[str, list[tuple[str, str]]] = defaultdict(list)  # county -> (state, area)
    for row in mart(built, "state_areas").filter(pl.col("state") != "PR").iter_rows(named=True):
        for fips in row["county_fips_in_state"].split(","):
            listed[fips].append((row["state"], row["area_code"]))
    assert set(listed) == set(counties)
    for fips, state in counties.items():
        expected = metro_of.get(fips, f"nonmetro-{state}")
        assert listed[fips] == [(state, expected)], fips


def test_the_remainder_exists_for_the_48_states_with_oews_nonmetro_areas(built, mirror):
    with_nonmetro = {
        FIPS_TO_USPS[r["state_code"]]
        for r in raw_areas(mirror)
        if not r["area_code"].startswith("00") and r["state_code"] != "72"
    }
    assert with_nonmetro == set(US_51) - {"DC", "NJ", "RI"}
    remainders = mart(built, "state_areas").filter(
        (pl.col("area_type") == "nonmetro remainder") & pl.col("counties_in_state").gt(0)
    )
    assert set(remainders.filter(~pl.col("is_territory"))["state"]) == with_nonmetro


def test_multi_state_metros_appear_under_each_of_their_states(built, mirror):
    shared = {code: states for code, states in metro_states(mirror).items() if len(states) > 1}
    assert len(shared) == 43
    assert shared["0016980"] == {"IL", "IN"} and shared["0037980"] == {"PA", "NJ", "DE", "MD"}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in raw_delineation(mirror):
        counts[(FIPS_TO_USPS[row["FIPS State Code"]], "00" + row["CBSA Code"])] += 1
    areas = mart(built, "state_areas").filter(pl.col("is_shared"))
    listed = {(r["state"], r["area_code"]): r for r in areas.iter_rows(named=True)}
    expected = {(state, code) for code, states in shared.items() for state in states}
    assert set(listed) == expected
    for key, row in listed.items():
        assert row["counties_in_state"] == counts[key], key
    chicago = (
        mart(built, "area_summary").filter(pl.col("area_code") == "0016980").row(0, named=True)
    )
    assert (chicago["state"], chicago["is_shared"]) == ("IL", True)
    assert chicago["total_employment"] == raw_oews(mirror)["totals"]["0016980"]


def test_the_precision_rule_withholds_exactly_the_imprecise_cells(built, mirror):
    cells = raw_oews(mirror)["cells"]
    over_40 = {key for key, c in cells.items() if c.get("rse") is not None and c["rse"] > 40}
    over_30 = {key for key, c in cells.items() if c.get("rse") is not None and 30 < c["rse"] <= 40}
    table = mart(built, "area_occupations")
    withheld = table.filter(pl.col("support") == "withheld")
    flagged = table.filter(pl.col("support") == "low support")
    assert set(withheld.select("area_code", "soc_code").rows()) == over_40
    assert set(flagged.select("area_code", "soc_code").rows()) == over_30
    assert withheld["employment"].null_count() == withheld.height
    assert set(withheld["employment_status"]) == {"too little data"}
    assert flagged["employment"].null_count() == 0  # shown, with its flag


def test_indianapolis_top_exposed_occupations_by_hand(built, mirror):
    exposure, cells = raw_exposure(mirror), raw_oews(mirror)["cells"]
    weighted = sorted(
        (-(c["employment"] * exposure[soc]), soc)
        for (area, soc), c in cells.items()
        if area == INDIANAPOLIS
        and c.get("employment") is not None
        and soc in exposure
        and (c.get("rse") or 0) <= 40
    )
    row = mart(built, "area_summary").filter(pl.col("area_code") == INDIANAPOLIS).row(0, named=True)
    top = [row[f"top_exposed_{n}_soc_code"] for n in (1, 2, 3)]
    assert top == [soc for _, soc in weighted[:3]]
    assert row["top_exposed_1_exposure_weighted_jobs"] == pytest.approx(-weighted[0][0])
