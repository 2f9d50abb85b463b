"""The legislator's briefing: one Letter page, the marts' numbers, readable PNG."""

from __future__ import annotations

import io

import polars as pl
import pytest
from PIL import Image, ImageStat
from pypdf import PdfReader

from dashboard.briefing.layout import PAGE_HEIGHT_PX, PAGE_WIDTH_PX
from dashboard.briefing.render import PNG_SCALE, render_briefings
from dashboard.data import Marts

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def indiana(built, browser, tmp_path_factory):
    data = Marts(built.processed_dir)
    out = tmp_path_factory.mktemp("briefings")
    [rendered] = render_briefings(data, ["IN"], data.latest_wave, out)
    return data, rendered


def test_pdf_is_one_letter_page_with_the_marts_numbers(indiana):
    data, rendered = indiana
    reader = PdfReader(rendered.paths["pdf"])
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # 8.5 x 11 in
    text = reader.pages[0].extract_text()
    row = data.summary(data.latest_wave, "IN")
    assert "Indiana" in text
    assert f"{row['aui']:.2f}" in text
    assert f"rank {row['aui_rank']} of 51" in text
    occupations = data.state_occupations.filter(pl.col("state") == "IN").sort(
        "rank_by_employment", nulls_last=True
    )
    top = occupations["title"][0]
    assert top.split(",")[0] in text.replace("\n", " ")
    assert row["largest_occupation_1_title"] == top


def test_png_has_the_expected_size_and_is_not_blank(indiana):
    _, rendered = indiana
    image = Image.open(rendered.paths["png"]).convert("L")
    assert image.size == (PAGE_WIDTH_PX * PNG_SCALE, PAGE_HEIGHT_PX * PNG_SCALE)
    assert ImageStat.Stat(image).var[0] > 500  # text and charts, not a blank page


def test_briefing_route_serves_pdf_and_png(app, browser):
    client = app.server.test_client()
    pdf = client.get("/briefing/OH.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) == 1
    png = client.get("/briefing/OH.png")
    assert png.data.startswith(b"\x89PNG")


def test_pdf_lists_the_four_most_exposed_jobs(indiana):
    data, rendered = indiana
    text = PdfReader(rendered.paths["pdf"]).pages[0].extract_text().replace("\n", " ")
    assert "Most exposed jobs" in text
    exposed = (
        data.state_occupations.filter(
            (pl.col("state") == "IN")
            & pl.col("highly_exposed")
            & pl.col("employment").is_not_null()
        )
        .sort("rank_by_exposure_weighted_jobs", "soc_code")
        .head(4)
    )
    assert exposed["title"][0] == "Customer Service Representatives"
    assert "Customer Service Representatives 44,630 70%" in text
    for jobs in exposed["employment"]:
        assert f"{jobs:,.0f}" in text


def test_every_states_briefing_fits_on_one_page(built, browser, tmp_path):
    """The renderer refuses a briefing taller than the page; no file is written."""
    data = Marts(built.processed_dir)
    rendered = render_briefings(data, list(data.state_names), data.latest_wave, tmp_path, ())
    assert [r.state for r in rendered] == list(data.state_names)


def _structure(node, found: list) -> list:
    """Every structure element under `node` of the PDF's structure tree: (type, alt)."""
    node = node.get_object()
    if "/S" in node:
        found.append((node["/S"], node.get("/Alt")))
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if hasattr(kid, "get"):
            _structure(kid, found)
    return found


def test_pdf_is_tagged_with_language_title_headings_and_alt_text(indiana, built):
    """Section 508: a tagged PDF whose figures carry alt text that says what they show."""
    data, rendered = indiana
    reader = PdfReader(rendered.paths["pdf"])
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"
    assert (
        reader.metadata.title
        == f"AI in Indiana, wave {data.latest_wave}: State AI Economic Index briefing"
    )
    elements = _structure(root["/StructTreeRoot"], [])
    kinds = [kind for kind, _ in elements]
    assert kinds.count("/H1") == 1 and "/H2" in kinds and "/Table" in kinds
    # reading order: the title, then the sections in the order printed
    assert kinds.index("/H1") < kinds.index("/H2") < kinds.index("/Table")
    alts = [alt for kind, alt in elements if kind == "/Figure" and alt]
    assert alts[0] == "Map of the United States with Indiana highlighted."
    requests = pl.read_parquet(built.processed_dir / "state_requests.parquet")
    top = (
        requests.filter(
            (pl.col("state") == "IN")
            & (pl.col("level") == "major")
            & (pl.col("rank_in_state") == 1)
            & (pl.col("wave") <= data.latest_wave)
        )
        .sort("wave")
        .row(-1, named=True)
    )
    uses = next(alt for alt in alts if alt.startswith("Bar chart: the top uses"))
    assert f"{top['cluster']}: {top['state_pct']:.2f}% in Indiana, {top['us_pct']:.2f}% in" in uses
    assert any(alt.startswith("Bar chart by occupation group") for alt in alts)


def test_pdf_says_how_it_is_used_who_is_exposed_and_usage_against_income(indiana):
    """One line each for the deeper profile, with the marts' values."""
    data, rendered = indiana
    text = " ".join(PdfReader(rendered.paths["pdf"]).pages[0].extract_text().split())
    uses = data.state_usage_profile.filter(
        (pl.col("state") == "IN") & (pl.col("wave") == data.latest_wave)
    )
    work = uses.filter(pl.col("metric") == "use_case:work")["value"].item()
    assert "How it is used:" in text and f"work {work:.2f}%" in text
    assert "Highly exposed jobs, most in the wage band" in text
    fit = data.state_income_fit.filter(
        (pl.col("state") == "IN") & (pl.col("wave") == data.latest_wave)
    ).row(0, named=True)
    assert f"Indiana uses AI {fit['residual_words']}" in text
