"""The HTML the server sends for a page: its own title, description, link preview and a
first view readable before (or without) any script.

One mechanism for link previews and for slow links: `index_parts` turns the request's
page and view into the `<title>`, `<meta name="description">`, Open Graph tags and a first
view beside Dash's entry point (the page's <h1>, summary sentence and headline numbers with
their ranks, dashboard/previews.py). It stays on screen until the app's own page has
content, then goes (assets/app.css, assets/first-view.js), so the app looks as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from flask import has_request_context, request

from dashboard import components as ui
from dashboard.data import DataNotBuilt, marts
from dashboard.figures.card import HEIGHT, WIDTH
from dashboard.pages import PageNotFound, resolve, split_embed
from dashboard.previews import Preview, plain
from dashboard.public_url import absolute, is_configured, public_url
from dashboard.urls import BadParameter, parse_query

NAVIGATION = (
    ("Map", "/"),
    ("Occupations", "/occupations"),
    ("Compare states", "/compare"),
    ("Methodology & sources", "/methodology"),
)
NOSCRIPT = (
    "This page's charts, tables and controls need JavaScript; above are its summary and "
    "headline numbers. Every table is also a CSV: see "
    '<a href="/methodology">Methodology &amp; sources</a>.'
)


@dataclass(frozen=True)
class FirstView:
    title: str
    preview: Preview
    path: str  # the view's own address, for og:url (an embed's is the full page's)
    embedded: bool


def of_request() -> FirstView | None:
    """The first view of the page the request asks for; None where the server has none
    (no request, no data yet; bad links never get here: dashboard/security.py)."""
    if not has_request_context():
        return None
    try:
        data = marts()
        query = parse_query(request.query_string.decode("utf-8", "replace"))
        page, view = resolve(request.path, query, data)
    except (PageNotFound, BadParameter, DataNotBuilt):
        return None
    embedded, path = split_embed(request.path)
    search = view.search(data) if hasattr(view, "search") else ""
    title = page.title(view, data)
    preview = page.preview(view, data) if page.preview else plain(title)
    return FirstView(title, preview, path + search, embedded)


def _meta(attribute: str, name: str, content: str) -> str:
    return f'<meta {attribute}="{name}" content="{escape(content)}">'


def metas(first: FirstView) -> str:
    """Description, Open Graph and Twitter card tags, and the public address share.js
    builds links from."""
    preview, title = first.preview, f"{first.title} · {ui.SITE_NAME}"
    tags = [
        _meta("name", "description", preview.description),
        _meta("property", "og:type", "website"),
        _meta("property", "og:site_name", ui.SITE_NAME),
        _meta("property", "og:title", preview.heading),
        _meta("property", "og:description", preview.description),
        _meta("property", "og:url", absolute(first.path)),
        _meta("property", "og:image", absolute(preview.image)),
        _meta("property", "og:image:type", "image/png"),
        _meta("property", "og:image:width", str(WIDTH)),
        _meta("property", "og:image:height", str(HEIGHT)),
        _meta("property", "og:image:alt", f"{preview.heading}: {preview.lead or title}"),
        _meta("name", "twitter:card", "summary_large_image"),
        f'<link rel="canonical" href="{escape(absolute(first.path))}">',
    ]
    if is_configured():  # unset, share.js links to the address the page was loaded from
        tags.append(_meta("name", "aiei-public-url", public_url()))
    return "\n".join(tags)


def entry(first: FirstView, app_entry: str) -> str:
    """The page's first view beside Dash's entry point. CSS shows it until the app's own
    page has content (no blank gap while the page's callback is on its way) and
    assets/first-view.js then removes it, so the document holds one page."""
    preview = first.preview
    lines = "".join(
        f'<li><a href="{escape(link)}">{escape(text)}</a></li>'
        if link
        else f"<li>{escape(text)}</li>"
        for text, link in preview.lines
    )
    header = (
        ""
        if first.embedded
        else '<header class="site-header"><a class="brand" href="/">'
        f'{escape(ui.SITE_NAME)}</a><nav aria-label="Main">'
        + "".join(f'<a href="{href}">{escape(text)}</a>' for text, href in NAVIGATION)
        + "</nav></header>"
    )
    lead = (
        f'<p class="first-view-lead"><strong>{escape(preview.lead)}</strong></p>'
        if preview.lead
        else ""
    )
    return (
        '<div id="first-view" class="first-view">'
        + header
        + f'<main><h1>{escape(preview.heading)}</h1><p class="story">{escape(preview.summary)}</p>'
        + lead
        + (f'<ul class="first-view-lines">{lines}</ul>' if lines else "")
        + f'<noscript><p class="notice notice-info">{NOSCRIPT}</p></noscript>'
        + "</main></div>"
        + app_entry
    )


def index_parts(parts: dict[str, str]) -> tuple[dict[str, str], bool]:
    """Dash's index parts with this request's title, tags and first view; and whether the
    page is an embed (its <body> gets the class that hides the site's chrome)."""
    first = of_request()
    if first is None:
        return parts, False
    return {
        **parts,
        "title": escape(f"{first.title} · {ui.SITE_NAME}"),
        "metas": parts.get("metas", "") + "\n" + metas(first),
        "app_entry": entry(first, parts.get("app_entry", "")),
    }, first.embedded
