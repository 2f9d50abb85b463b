"""The "Cite this page" panel every page ends with: plain text and BibTeX naming the page's
address (from AIEI_PUBLIC_URL), the version and the build the page was drawn from."""

from __future__ import annotations

from dash import html

from dashboard import citation
from dashboard.data import Marts
from dashboard.public_url import absolute


def panel(data: Marts, path: str, title: str) -> html.Details:
    """Closed by default: a summary line, then the two forms, each ready to copy; `title`
    is the page's (its document title)."""
    cited = citation.of_build(data.manifest, absolute(path), title)
    return html.Details(
        [
            html.Summary("Cite this page"),
            html.P("Plain text", className="cite-label"),
            html.Pre(citation.plain_text(cited), className="cite-text"),
            html.P("BibTeX", className="cite-label"),
            html.Pre(citation.bibtex(cited), className="cite-text"),
            html.P(
                [
                    "The numbers are those of data build ",
                    html.Code(cited.build_id),
                    "; every download and API answer names its build (",
                    html.A("data API", href="/api/v1/"),
                    ").",
                ],
                className="cite-note",
            ),
        ],
        className="cite-panel",
        id="cite-panel",
    )
