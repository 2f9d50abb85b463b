"""Every surface, every state, every wave: no "nan", "None" or "inf", no blank where a number
or its status belongs, and each headline value and rank in the same words everywhere.

The sweep renders what a user can reach — 51 state profiles and 51 comparisons per wave,
the map and ranking of every metric a wave has, 51 briefings per wave, every mart CSV and
every API table — from the session's real build, without a browser (the same functions the
pages and the briefing renderer call)."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from dashboard import present, views
from dashboard.briefing.content import briefing
from dashboard.briefing.layout import page as briefing_page
from dashboard.data import Marts
from dashboard.downloads import map_view
from dashboard.metrics import HEADLINE_METRICS, METRICS, OCCUPATION_MEASURES
from dashboard.pages import compare as compare_page
from dashboard.pages import home as home_page
from dashboard.pages import state as state_page
from dashboard.urls import CompareView, MapView, StateView
from etl.geo import US_51
from tests.dash_tree import texts

pytestmark = pytest.mark.integration
WAVES = ("2025-08", "2025-11", "2026-02", "2026-04", "2026-05")  # the mirror's waves
# Registered Nurses (every state), Actors (suppressed in many states), a combined OEWS code
OCCUPATIONS_SWEPT = ("29-1141", "27-2011", "15-1252")

# A number nobody published, written the way Python, JSON or a spreadsheet would.
BAD_WORD = re.compile(r"\b(nan|NaN|None|inf|Infinity|-Infinity)\b")


def as_json(tree: object) -> str:
    """A Dash tree or figure as JSON text; a NaN float stays visible as NaN."""
    return json.dumps(tree, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))


def blank_cells(tree: object) -> list[dict]:
    """Table cells (Td) that show nothing at all."""
    found = []
    if isinstance(tree, list):
        for item in tree:
            found += blank_cells(item)
    elif isinstance(tree, dict) and "props" in tree:
        if tree.get("type") == "Td" and not "".join(texts(tree["props"].get("children"))).strip():
            found.append(tree)
        found += blank_cells(tree["props"].get("children"))
    return found


def assert_clean(where: str, tree: object) -> None:
    dumped = as_json(tree)
    bad = BAD_WORD.search(dumped)
    assert bad is None, f"{where}: {dumped[max(0, bad.start() - 120) : bad.end() + 60]}"
    assert blank_cells(tree) == [], f"{where}: blank table cells"


@pytest.fixture(scope="module")
def data(built) -> Marts:
    return Marts(built.processed_dir)


def test_every_map_and_ranking_is_clean(data):
    assert tuple(data.waves) == WAVES, "the build's waves changed: sweep them all (WAVES)"
    for metric in METRICS:
        for wave in data.metric_waves(metric):
            if metric == "occupation":  # OEWS beside every wave: one wave, each measure
                if wave != data.waves[-1]:
                    continue
                picks = [
                    MapView(metric, wave, occupation=code, measure=measure)
                    for code in OCCUPATIONS_SWEPT
                    for measure in OCCUPATION_MEASURES
                ]
            else:
                clusters = (
                    [c for c, _ in data.clusters(wave)][:3] if metric == "cluster" else [None]
                )
                picks = [MapView(metric, wave, cluster) for cluster in clusters]
            for view in picks:
                where = f"/{view.search(data)}"
                assert_clean(where, views.map_figure_json(data, view))
                assert_clean(where, home_page.ranking(data, view, "rank"))
                assert_clean(where, views.map_claim(data, view))
                csv = map_view(data, view).write_csv()
                assert BAD_WORD.search(csv) is None, where


def test_every_mart_csv_and_api_table_is_clean(built, app):
    client = app.server.test_client()
    for csv in sorted((built.processed_dir / "csv").glob("*.csv")):
        text = csv.read_text(encoding="utf-8")
        bad = BAD_WORD.search(text)
        assert bad is None, f"{csv.name}: {text[max(0, bad.start() - 80) : bad.end() + 40]}"
    catalogue = client.get("/api/v1/").get_json()
    tables = [t["name"] for t in catalogue["tables"]]
    assert "state_summary" in tables
    for table in tables:
        offset, total = 0, 1
        while offset < total:
            url = f"/api/v1/{table}.json?limit=10000&offset={offset}"
            response = client.get(url)
            assert response.status_code == 200, url
            text = response.get_data(as_text=True)
            body = json.loads(text, parse_constant=pytest.fail)  # NaN, Infinity: not JSON
            bad = BAD_WORD.search(text)
            assert bad is None, f"{url}: {text[max(0, bad.start() - 80) : bad.end()]}"
            offset, total = offset + len(body["rows"]), body["total"]


def test_known_numbers_are_shown(data, built, app):
    """Indiana, May 2026: an AUI of 0.61 (the published value), on every surface."""
    summary = pl.read_parquet(built.processed_dir / "state_summary.parquet")
    aui = summary.filter((pl.col("state") == "IN") & (pl.col("wave") == "2026-05"))["aui"].item()
    assert round(aui, 2) == 0.61
    view = StateView("IN", "2026-05")
    assert "an AI Usage Index of 0.61" in " ".join(texts(state_page.body(data, view)))
    body, _ = briefing_page(briefing(data, "IN", "2026-05"))
    assert "<div class='value'>0.61</div>" in body
    rows, _ = views.map_rows(data, MapView("aui", "2026-05"))
    assert next(r for r in rows if r.state == "IN").value_text == "0.61"
    api = app.server.test_client().get("/api/v1/state_summary.json?state=IN&wave=2026-05")
    assert api.get_json()["rows"][0]["aui"] == pytest.approx(0.61)


def briefing_is_clean(where: str, body: str, figures: dict) -> None:
    bad = BAD_WORD.search(body) or BAD_WORD.search(as_json(figures))
    assert bad is None, f"{where}: {bad.group()}"
    assert not re.search(r"<td[^>]*>\s*</td>", body), f"{where}: blank cell"
    assert not re.search(r"<div class='value[^']*'>\s*</div>", body), f"{where}: blank tile"


@pytest.mark.parametrize("wave", WAVES)
def test_every_surface_of_a_wave_is_clean_and_says_the_same(data, wave):
    """Each state's profile, a comparison with the next state, and its briefing: clean;
    and one formatter: the map hover, the ranking table, the profile, the comparison, the
    briefing and the map CSV say the same value and rank for every state and metric."""
    profiles, comparisons, tiles = {}, {}, {}
    for i, state in enumerate(US_51):
        profile = state_page.body(data, StateView(state, wave))
        assert_clean(f"/state/{state}?wave={wave}", profile)
        other = US_51[(i + 1) % len(US_51)]
        comparison = compare_page.body(data, CompareView((state, other), wave))
        assert_clean(f"/compare {state},{other} {wave}", comparison)
        content = briefing(data, state, wave)
        briefing_is_clean(f"briefing {state} {wave}", *briefing_page(content))
        profiles[state] = " ".join(texts(profile))
        comparisons[state] = " ".join(texts(comparison))
        tiles[state] = {t.label: t for t in content.tiles}
    compared = set(compare_page.COMPARED_METRICS)
    for metric_id in HEADLINE_METRICS:
        if wave not in data.metric_waves(metric_id):
            continue
        metric = METRICS[metric_id]
        view = MapView(metric_id, wave)
        rows, _ = views.map_rows(data, view)
        published = views.map_figure_json(data, view)["data"][0]
        hover = dict(zip(published["locations"], published["text"], strict=True))
        table = home_page.ranking(data, view, "name")["props"]["children"][2]["props"]
        name_cell = 2 if metric.rank_low else 1  # after the plausible ranks, where there are any
        ranking = {
            "".join(texts(row["props"]["children"][name_cell])).removesuffix(home_page.FLAG_MARK): [
                " ".join(texts(cell)) for cell in row["props"]["children"]
            ]
            for row in table["children"]
        }
        csv = {r["state"]: r for r in map_view(data, view).iter_rows(named=True)}
        for r in rows:
            where = f"{metric_id} {wave} {r.state}"
            if r.state in hover or r.value is not None:  # a state without a value is grey
                assert r.value_text in hover[r.state], where
                assert r.rank_text.capitalize() in hover[r.state], where
            cells = ranking[r.name]
            assert cells[0] == present.rank_short(r.rank, r.tied), where
            assert cells[-1] == r.value_text, where
            assert (csv[r.state]["value_text"], csv[r.state]["rank_text"]) == (
                r.value_text,
                r.rank_text,
            ), where
            assert r.rank_text in profiles[r.state], where
            tile = tiles[r.state][metric.label]
            assert tile.rank == r.rank_text, where
            if metric_id != "jobs_high_exposure":  # that tile counts jobs
                assert tile.value == r.value_text, where
                assert r.value_text in profiles[r.state], where
            if metric_id in compared:
                assert r.value_text in comparisons[r.state], where
                assert r.rank_text in comparisons[r.state], where
