"""Citing the index: CITATION.cff, the citation text and BibTeX, one public URL for every
absolute address, the Cite panel on every page and the briefing's "Cite as" line."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from dashboard import citation
from dashboard.public_url import absolute, public_url
from etl.config import PROJECT_ROOT
from tests.dash_requests import router_request

CITED = citation.Citation(
    url="https://aiei.example.org/state/IN",
    version="0.1.0",
    build_id="79cefcff31da",
    built="2026-11-30",
    subject="R&D in Indiana_1",
)


def test_citation_cff_has_the_required_keys_and_the_package_version():
    """CITATION.cff (YAML; no YAML reader installed): the keys GitHub and Zenodo require,
    read as text, and the version the package has."""
    text = (PROJECT_ROOT / "CITATION.cff").read_text()
    top = dict(re.findall(r'^([a-z-]+): *"?([^"\n]*)"?$', text, re.M))
    assert top["cff-version"] == "1.2.0"
    assert top["title"] == citation.TITLE and top["message"]
    package = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert top["version"] == package["version"]
    assert re.search(r"^authors:\n  - name: \"State AI Economic Index contributors\"$", text, re.M)


def test_plain_text_names_the_url_version_and_build():
    assert citation.plain_text(CITED) == (
        "State AI Economic Index (2026). R&D in Indiana_1. Version 0.1.0, data build "
        "79cefcff31da of 2026-11-30. "
        + citation.DATA_SOURCES
        + " https://aiei.example.org/state/IN"
    )


def test_bibtex_escapes_and_balances():
    bib = citation.bibtex(CITED)
    assert bib.startswith("@misc{aiei2026_r_d_in_indiana_1,\n")
    assert "  title = {{State AI Economic Index}: R\\&D in Indiana\\_1},\n" in bib
    assert "  url = {https://aiei.example.org/state/IN},\n" in bib
    assert "  version = {0.1.0},\n" in bib and "Data build 79cefcff31da of 2026-11-30." in bib
    depth = 0
    for char in bib.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0


def test_one_public_url_setting(monkeypatch):
    monkeypatch.delenv("AIEI_PUBLIC_URL", raising=False)
    assert absolute("/state/IN") == "http://127.0.0.1:8050/state/IN"
    monkeypatch.setenv("AIEI_PUBLIC_URL", "https://aiei.example.org/")
    assert public_url() == "https://aiei.example.org"
    assert absolute("state/IN") == "https://aiei.example.org/state/IN"
    monkeypatch.setenv("AIEI_PUBLIC_URL", "aiei.example.org")
    with pytest.raises(ValueError, match=r"AIEI_PUBLIC_URL='aiei\.example\.org' is not valid"):
        public_url()


@pytest.mark.integration
def test_every_page_ends_with_its_cite_panel(app, built):
    build = json.loads((built.processed_dir / "manifest.json").read_text())
    client = app.server.test_client()
    for path in ("/", "/state/IN", "/occupation/29-1141", "/methodology"):
        answer = client.post("/_dash-update-component", json=router_request(path))
        children = answer.json["response"]
        panel = children["page"]["children"][-1]["props"]
        assert panel["id"] == "cite-panel", path
        texts = [c["props"]["children"] for c in panel["children"] if c["type"] == "Pre"]
        plain, bib = texts
        assert plain.endswith(f" http://127.0.0.1:8050{path}") and build["build_id"] in plain
        title = children["page-title"]["data"]
        assert plain.startswith(f"State AI Economic Index ({build['built_at'][:4]}). {title}.")
        assert f"url = {{http://127.0.0.1:8050{path}}}" in bib


@pytest.mark.integration
def test_the_briefing_cites_its_state_page(built, monkeypatch):
    from dashboard.briefing.content import briefing
    from dashboard.data import Marts

    monkeypatch.setenv("AIEI_PUBLIC_URL", "https://aiei.example.org")
    data = Marts(built.processed_dir)
    older = data.waves[-2]
    cited = briefing(data, "IN", older).citation
    assert cited.endswith(f" https://aiei.example.org/state/IN?wave={older}")
    assert "AI in Indiana, briefing" in cited and data.build_id in cited
    latest = briefing(data, "IN", data.waves[-1]).citation
    assert latest.endswith(" https://aiei.example.org/state/IN")
