"""Downloads: CSVs hold what the marts hold, are safe in spreadsheets, and name themselves."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import polars as pl
import pytest

from dashboard.downloads import neutralise
from etl.evidence import STATUSES

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(app):
    """The Flask app, reading the marts of the session's build."""
    return app.server.test_client()


def read_csv(body: bytes) -> pl.DataFrame:
    return pl.read_csv(io.BytesIO(body), infer_schema_length=10_000)


# cell -> as downloaded: every start a spreadsheet runs as a formula is prefixed with '
FORMULA_CELLS = {
    '=HYPERLINK("x")': '\'=HYPERLINK("x")',
    "+1": "'+1",
    "-2": "'-2",
    "@SUM(A1)": "'@SUM(A1)",
    "\tx": "'\tx",
    "\rx": "'\rx",
    "＝1+1": "'＝1+1",  # fullwidth = + - @
    "＋1": "'＋1",
    "－2": "'－2",
    "＠SUM(A1)": "'＠SUM(A1)",
    " =1+1": "' =1+1",  # after leading spaces
    "   ＝1+1": "'   ＝1+1",
    "\u3000@x": "'\u3000@x",  # ideographic space
    "\u00a0-2": "'\u00a0-2",  # no-break space
    "plain": "plain",
    "  plain": "  plain",
    "a=b": "a=b",
    "": "",
}


def test_neutralises_formula_cells():
    frame = pl.DataFrame(
        {"text": list(FORMULA_CELLS), "number": [float(i) for i in range(len(FORMULA_CELLS))]}
    )
    safe = neutralise(frame)
    assert safe["text"].to_list() == list(FORMULA_CELLS.values())
    assert safe["number"].to_list() == frame["number"].to_list()  # numbers stay numbers


def test_csv_downloads_are_neutralised_and_the_api_keeps_exact_values(built, tmp_path):
    """A build whose state names start like formulas: the table download for people
    prefixes them, the API for machines gives them as they are."""
    from dashboard.app import create_app

    processed = tmp_path / "processed"
    shutil.copytree(built.processed_dir, processed)
    states = pl.read_parquet(processed / "states.parquet")
    cells = list(FORMULA_CELLS)[: states.height]
    states.with_columns(
        pl.Series("state_name", cells + states["state_name"].to_list()[len(cells) :])
    ).write_parquet(processed / "states.parquet")
    client = create_app(processed).server.test_client()
    for url in ("/download/mart/states.csv", "/download/bundle.zip"):
        response = client.get(url)
        body = response.data
        if url.endswith(".zip"):
            body = zipfile.ZipFile(io.BytesIO(body)).read("csv/states.csv")
        names = read_csv(body)["state_name"].fill_null("").to_list()[: len(cells)]
        assert names == [FORMULA_CELLS[c] for c in cells], url
    exact = read_csv(client.get("/api/v1/states.csv").data)["state_name"].fill_null("")
    assert exact.to_list()[: len(cells)] == cells
    rows = client.get("/api/v1/states.json").json["rows"]
    assert [r["state_name"] for r in rows[: len(cells)]] == cells


def test_mart_csv_rereads_to_the_mart(client, built):
    response = client.get("/download/mart/state_usage.csv?wave=2026-05")
    assert response.status_code == 200
    assert 'filename="aiei_state_usage_2026-05.csv"' in response.headers["Content-Disposition"]
    mart = pl.read_parquet(built.processed_dir / "state_usage.parquet").filter(
        pl.col("wave") == "2026-05"
    )
    downloaded = read_csv(response.data)
    assert downloaded.height == mart.height == 51
    for column in ("state", "aui", "aui_rank", "usage_share_pct", "automation_share_pct"):
        assert downloaded[column].to_list() == mart[column].to_list(), column


def test_map_view_csv_is_what_the_map_shows(client, built):
    response = client.get("/download/map.csv?metric=automation&wave=2025-08")
    assert 'filename="aiei_map_automation_2025-08.csv"' in response.headers["Content-Disposition"]
    view = read_csv(response.data)
    summary = pl.read_parquet(built.processed_dir / "state_summary.parquet").filter(
        (pl.col("wave") == "2025-08") & (pl.col("state") != "US")
    )
    expected = dict(summary.select("state", "automation_share_pct").rows())
    assert view.height == 51
    for state, value in view.select("state", "automation_share_pct").rows():
        assert (
            value == pytest.approx(expected[state])
            if value is not None
            else expected[state] is None
        )
    # One rank rule everywhere: 1 + the states above; equal values share it and say so.
    published = [v for v in expected.values() if v is not None]
    for state, rank, tied, ranked, text, status, value_text in view.select(
        "state",
        "automation_rank",
        "automation_rank_tied",
        "automation_states_ranked",
        "rank_text",
        "automation_status",
        "value_text",
    ).rows():
        value = expected[state]
        if value is None:  # a missing value carries its status, in the map's words too
            assert rank is None and text == "not ranked"
            assert status in STATUSES and value_text == status
            continue
        assert value_text == f"{value:.1f}%"
        assert rank == 1 + sum(other > value for other in published)
        assert tied == (published.count(value) > 1)
        assert ranked == len(published)
        assert text == f"rank {rank} of {ranked}" + (", tied" if tied else "")


def test_state_view_csv_matches_the_top_uses(client, built):
    response = client.get("/download/state/IN/top_uses.csv")
    assert response.status_code == 200
    view = read_csv(response.data)
    requests = (
        pl.read_parquet(built.processed_dir / "state_requests.parquet")
        .filter(
            (pl.col("state") == "IN")
            & (pl.col("wave") == view["wave"][0])
            & (pl.col("level") == "major")
            & pl.col("rank_in_state").is_not_null()
        )
        .sort("rank_in_state")
    )
    assert view["cluster"].to_list() == requests["cluster"].head(view.height).to_list()
    assert f"aiei_IN_top_uses_{view['wave'][0]}.csv" in response.headers["Content-Disposition"]


def test_bundle_holds_every_mart_the_dictionary_and_the_manifest(client, built):
    tables = json.loads((built.processed_dir / "manifest.json").read_text())["tables"]
    response = client.get("/download/bundle.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {"data_dictionary.csv", "manifest.json", "README.txt"} <= names
    assert {f"csv/{table}.csv" for table in tables} <= names
    manifest = json.loads(archive.read("manifest.json"))
    assert all(len(s["sha256"]) == 64 for s in manifest["sources"].values())
    readme = archive.read("README.txt").decode()
    assert "Cite as" in readme and "CC BY 4.0" in readme
    # Parquet beside the CSV: the build's own tables, the same rows and types
    for table in tables:
        kept = pl.read_parquet(io.BytesIO(archive.read(f"parquet/{table}.parquet")))
        assert kept.equals(pl.read_parquet(built.processed_dir / f"{table}.parquet")), table
    # and how to cite this build
    cited = archive.read("CITATION.txt").decode()
    assert manifest["build_id"] in cited and "http://" in cited
    bib = archive.read("CITATION.bib").decode()
    assert bib.startswith("@misc{") and f"Data build {manifest['build_id']}" in bib


@pytest.mark.parametrize(
    "url, status",
    [
        ("/download/mart/nope.csv", 404),
        ("/download/state/ZZ/summary.csv", 404),
        ("/download/map.csv?metric=bogus", 400),
        ("/download/compare.csv?states=IN", 400),
        ("/download/map.csv?colour=red", 400),  # a view download's parameters only
        ("/download/state/IN/summary.csv?soc_code=29-1141", 400),
        ("/download/compare.csv?states=IN,OH&state=IN", 400),
        ("/briefing/IN.doc", 404),
    ],
)
def test_bad_download_parameters_are_named(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert b"is not valid" in response.data and b"Traceback" not in response.data


def test_table_downloads_take_the_api_filters(client, built):
    """`?state=IN` on a table download is the API's filter, not silently ignored."""
    mart = pl.read_parquet(built.processed_dir / "state_usage.parquet")
    response = client.get("/download/mart/state_usage.csv?state=IN,OH&columns=wave,state,aui")
    assert response.status_code == 200
    assert 'filename="aiei_state_usage_IN_OH.csv"' in response.headers["Content-Disposition"]
    downloaded = read_csv(response.data)
    expected = mart.filter(pl.col("state").is_in(["IN", "OH"])).select("wave", "state", "aui")
    assert downloaded.height == 2 * mart["wave"].n_unique() == expected.height
    assert downloaded.rows() == expected.rows()


@pytest.mark.parametrize(
    "url, named",
    [
        ("/download/mart/state_usage.csv?colour=red", "colour"),
        ("/download/mart/state_usage.csv?state=ZZ", "state"),
        ("/download/mart/state_usage.csv?aui=1", "aui"),
        ("/download/mart/states.csv?wave=2026-05", "wave"),
        ("/download/mart/state_usage.csv?limit=10", "limit"),
        # figures, briefings and whole files read only their own parameters
        ("/download/figure/map.png?colour=red", "colour"),
        ("/download/figure/top-uses.svg?state=IN&metric=aui", "metric"),
        ("/briefing/IN.pdf?level=minor", "level"),
        ("/download/data_dictionary.csv?state=IN", "state"),
        ("/download/bundle.zip?wave=2026-05", "wave"),
    ],
)
def test_bad_table_filters_are_refused_by_name(client, url, named):
    response = client.get(url)
    assert response.status_code == 400
    assert named in response.text.splitlines()[0] and "Traceback" not in response.text


@pytest.mark.parametrize(
    "url, signature",
    [
        ("/download/figure/map.png?metric=exposure", b"\x89PNG"),
        ("/download/figure/map.svg", b"<svg"),
        ("/download/figure/top-uses.svg?state=IN", b"<svg"),
        ("/download/figure/occupations.png?state=CA", b"\x89PNG"),
    ],
)
def test_charts_export_offline_as_png_and_svg(client, browser, url, signature):
    response = client.get(url)
    assert response.status_code == 200
    assert signature in response.data[:400]
    assert "attachment" in response.headers["Content-Disposition"]


def test_an_exported_map_carries_the_pages_title_and_its_own_sources(client, browser, built):
    """The metro map is OEWS May 2025 in every wave: its image says so, as the page does,
    and names no AEI wave; the AUI map names its wave."""
    import html

    from dashboard import views
    from dashboard.data import Marts
    from dashboard.urls import MapView

    data = Marts(built.processed_dir)
    metro = html.unescape(client.get("/download/figure/map.svg?metric=metro").data.decode())
    assert "Observed exposure of jobs, metro by metro — OEWS May 2025" in metro
    assert "Anthropic Economic Index (" not in metro and "by state" not in metro
    aui = html.unescape(client.get("/download/figure/map.svg?metric=aui").data.decode())
    assert views.map_title(data, MapView("aui", data.latest_wave)) in aui
    assert f"Anthropic Economic Index ({data.wave_label(data.latest_wave)})" in aui


def test_the_where_map_exports_as_shown(client, browser):
    """Indiana's county map by software developers' location quotient, as an image: its
    title names the measure, its file name the view, and no AEI wave."""
    import html

    response = client.get("/download/figure/where-map.svg?state=IN&where=lq&occupation=15-1252")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="aiei_where-map_IN_lq_15-1252.svg"'
    )
    svg = html.unescape(response.data.decode())
    assert "Where in Indiana: Software Developers: location quotient" in svg
    assert "Anthropic Economic Index (" not in svg
    assert svg.count("choroplethlocation") == 92  # Indiana's counties, each drawn
    bad = client.get("/download/figure/where-map.png?state=IN&where=bogus")
    assert bad.status_code == 400 and bad.text.startswith("where = 'bogus'")
