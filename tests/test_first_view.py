"""The HTML the server sends, read as a crawler, a link unfurler or a browser with
JavaScript off would: each page's own title, description, Open Graph tags and first view,
with the numbers the page shows. Expected values are computed here from the Parquet files."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import polars as pl
import pytest
from PIL import Image

pytestmark = pytest.mark.integration
PUBLIC = "https://aiei.example.org"


class Page(HTMLParser):
    """The title, the <meta> tags by name or property, and the text of the first view
    (`#first-view`, beside Dash's entry point)."""

    def __init__(self, body: str) -> None:
        super().__init__()
        self.metas: dict[str, str] = {}
        self.title = ""
        self.h1 = ""
        self.entry_text: list[str] = []
        self.links: list[str] = []
        self._in: list[str] = []
        self._entry_depth = 0
        self.feed(body)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "meta" and ("name" in attributes or "property" in attributes):
            self.metas[attributes.get("name") or attributes["property"]] = attributes["content"]
        if attributes.get("id") == "first-view":
            self._entry_depth = 1
        elif self._entry_depth and tag == "div":
            self._entry_depth += 1
        if self._entry_depth and tag == "a":
            self.links.append(attributes["href"])
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._entry_depth and tag == "div":
            self._entry_depth -= 1
        if self._in:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "title":
            self.title += data
        if self._entry_depth:
            self.entry_text.append(data)
            if "h1" in self._in:
                self.h1 += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.entry_text).split())


@pytest.fixture(scope="module")
def client(app, monkeypatch_module):
    monkeypatch_module.setenv("AIEI_PUBLIC_URL", PUBLIC)
    return app.server.test_client()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def latest(built) -> pl.DataFrame:
    """The latest wave's state_summary rows of the 51 and its ranks by the one rule."""
    directory = built.processed_dir
    wave = pl.read_parquet(directory / "waves.parquet")["wave"].sort()[-1]
    return pl.read_parquet(directory / "state_summary.parquet").filter(
        (pl.col("wave") == wave) & (pl.col("state") != "US")
    )


def aui_rank(latest: pl.DataFrame, state: str) -> str:
    aui = dict(latest.select("state", "aui").rows())
    above = sum(v > aui[state] for v in aui.values() if v is not None)
    tied = sum(v == aui[state] for v in aui.values()) > 1
    ranked = sum(v is not None for v in aui.values())
    return f"rank {above + 1} of {ranked}" + (", tied" if tied else "")


def test_state_page_html_has_its_story_numbers_and_preview(client, latest):
    response = client.get("/state/IN")
    assert response.status_code == 200
    page = Page(response.get_data(as_text=True))
    aui = f"{dict(latest.select('state', 'aui').rows())['IN']:.2f}"
    rank = aui_rank(latest, "IN")
    # Readable with JavaScript off: the heading, the summary sentence, AUI with its rank.
    assert page.h1 == "AI in Indiana"
    assert f"an AI Usage Index of {aui}" in page.text and rank in page.text
    assert f"AUI {aui}, {rank}" in page.text
    assert "JavaScript" in page.text  # the <noscript> note
    # Its own title and preview.
    assert page.title == "Indiana · State AI Economic Index"
    assert page.metas["description"].startswith(f"AI in Indiana — AUI {aui}, {rank}")
    assert page.metas["og:title"] == "AI in Indiana"
    assert page.metas["og:description"] == page.metas["description"]
    assert page.metas["og:url"] == f"{PUBLIC}/state/IN"
    assert page.metas["og:image"].startswith(f"{PUBLIC}/card/IN.png")
    assert (page.metas["og:image:width"], page.metas["og:image:height"]) == ("1200", "630")
    assert not re.search(r"\b(nan|None|inf)\b", page.text)


def test_the_card_is_a_1200_by_630_png_rendered_once_per_build(client, built):
    page = Page(client.get("/state/IN").get_data(as_text=True))
    path = page.metas["og:image"].removeprefix(PUBLIC)
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    cached = list(built.data_dir.glob("cache/*/cards/IN-*.png"))
    assert len(cached) == 1 and cached[0].read_bytes() == response.data
    assert client.get(path).data == response.data  # read from the cache
    assert client.get("/card/ZZ.png").status_code == 404


def test_every_page_has_its_own_title_and_description(client, latest):
    first = latest.filter(pl.col("aui_rank") == 1)["state_name"].to_list()
    pages = {
        "/": ("Map", "Where is Claude.ai used most?"),
        "/state/OH": ("Ohio", "AI in Ohio"),
        "/compare?states=IN,OH": ("Compare IN, OH", "Compare states"),
        "/occupation/29-1141": ("Registered Nurses", "Registered Nurses (29-1141)"),
        "/methodology": ("Methodology", "Methodology"),
    }
    descriptions = set()
    for url, (title, heading) in pages.items():
        page = Page(client.get(url).get_data(as_text=True))
        assert page.title == f"{title} · State AI Economic Index", url
        assert page.h1 == heading, url
        descriptions.add(page.metas["description"])
    assert len(descriptions) == len(pages)
    home = Page(client.get("/").get_data(as_text=True))
    assert len(first) == 1 and f"{first[0]}: AUI" in home.metas["description"]
    # Without scripts the map page still ranks the 51, each a link to its profile.
    assert {f"/state/{s}" for s in latest["state"]} <= set(home.links)
    compare = Page(client.get("/compare?states=IN,OH").get_data(as_text=True))
    assert aui_rank(latest, "OH") in compare.text and aui_rank(latest, "IN") in compare.text


def test_embeds_may_be_framed_and_the_app_may_not(client):
    embed = client.get("/embed/state/IN")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert '<body class="embed">' in embed.get_data(as_text=True)
    assert Page(embed.get_data(as_text=True)).metas["og:url"] == f"{PUBLIC}/state/IN"
    full = client.get("/state/IN")
    assert "frame-ancestors 'self'" in full.headers["Content-Security-Policy"]
    assert client.get("/embed/?metric=automation").status_code == 200
    assert client.get("/embed/compare?states=IN,OH").status_code == 200
    assert client.get("/embed/occupation/29-1141").status_code == 200
    assert client.get("/embed/methodology").status_code == 404  # not an embeddable view
    assert client.get("/embed/state/ZZ").status_code == 404


def test_embed_ancestors_are_configurable(built, monkeypatch):
    from dashboard.app import create_app

    monkeypatch.setenv("AIEI_EMBED_ANCESTORS", "https://in.gov https://www.in.gov")
    client = create_app(built.processed_dir).server.test_client()
    policy = client.get("/embed/state/IN").headers["Content-Security-Policy"]
    assert "frame-ancestors https://in.gov https://www.in.gov" in policy
    assert "frame-ancestors 'self'" in client.get("/").headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("url", "status", "named"),
    [("/?tab=globe", 400, "tab"), ("/state/ZZ", 404, "state"), ("/embed/state/ZZ", 404, "state")],
)
def test_bad_links_keep_their_status(client, url, status, named):
    response = client.get(url)
    assert response.status_code == status
    assert f"{named} = " in response.get_data(as_text=True)
