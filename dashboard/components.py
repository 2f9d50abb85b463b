"""Layout pieces every page uses: the frame, headline cards, accessible tables, notices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

from dashboard import citation, present
from dashboard.figures.style import figure_json
from dashboard.public_url import absolute

# The one config of every chart. Nothing in the toolbar leaves the origin: no Plotly logo
# link, no "Share chart..." upload (plotly.js 3 shows it unless showSendToCloud is off),
# no "Edit in Chart Studio"; the PNG download is made in the browser.
GRAPH_CONFIG = {
    "topojsonURL": "/assets/topojson/",  # the map file is served by this app, not a CDN
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "plotlyServerURL": "",
    "displayModeBar": "hover",
    "responsive": True,
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
        "resetScale2d",
        "pan2d",
        "zoom2d",
        "zoomInGeo",
        "zoomOutGeo",
        "resetGeo",
        "hoverClosestGeo",
        "sendDataToCloud",
        "sendChartToCloud",
        "editInChartStudio",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
        "toggleSpikelines",
    ],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

SITE_NAME = "State AI Economic Index"
DATA_UPDATED = "data-updated"  # the notice a page whose build is gone shows (page_build.py)
CITATION = f"{citation.TITLE}. {citation.DATA_SOURCES}"


def frame() -> html.Div:
    """Header, navigation, the page slot, footer."""
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            dcc.Store(id="page-title"),  # the router's title for the page shown
            html.A("Skip to content", href="#page", className="skip-link"),
            html.Header(
                [
                    dcc.Link("State AI Economic Index", href="/", className="brand"),
                    html.Nav(
                        [
                            dcc.Link("Map", href="/"),
                            dcc.Link("Occupations", href="/occupations"),
                            dcc.Link("Compare states", href="/compare"),
                            dcc.Link("Methodology & sources", href="/methodology"),
                        ],
                        **{"aria-label": "Main"},
                    ),
                    # assets/search.js builds the search box in here
                    html.Div(id="site-search", className="site-search", role="search"),
                ],
                className="site-header",
            ),
            data_updated_notice(),
            html.Main(id="page", tabIndex="-1"),
            html.Footer(
                [
                    html.P(CITATION),
                    html.P(
                        [
                            dcc.Link("Methodology, sources and licences", href="/methodology"),
                            " · ",
                            dcc.Link("What changed in the data", href="/changes"),
                            " · Every number comes from the upstream files listed there, "
                            "with their checksums.",
                        ]
                    ),
                ],
                className="site-footer",
            ),
        ]
    )


def card(label: str, value: str, detail: str, note: str = "", evidence: str = "") -> html.Div:
    return html.Div(
        [
            html.Div(label, className="card-label"),
            html.Div(value, className="card-value"),
            html.Div(detail, className="card-detail"),
            html.Div(evidence, className="card-evidence") if evidence else None,
            html.Div(note, className="card-note") if note else None,
        ],
        className="card",
        role="group",
        **{"aria-label": f"{label}: {value}. {detail}"},
    )


def link(text: str, href: str) -> dict:
    """`frozen(dcc.Link(text, href=href))`, for the many links of a table's rows."""
    return element("Link", text, namespace="dash_core_components", href=href)


def table(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    caption: str,
    table_id: str | None = None,
    numeric: Sequence[bool] | None = None,
    stacking: bool = True,
) -> html.Table:
    """A table whose rows stack on a narrow screen, each cell under its column's name
    (`stacking` in app.css), so it never makes a phone's page scroll sideways; a table
    narrow enough for a phone (the map's ranking) can keep its columns."""
    numeric = numeric or [False] * len(columns)
    head = [
        element("Th", c, scope="col", className="num" if n else None)
        for c, n in zip(columns, numeric, strict=True)
    ]
    body = [
        element(
            "Tr",
            [
                element("Td", cell(v), className="num" if n else "text", **{"data-label": c})
                for v, n, c in zip(row, numeric, columns, strict=True)
            ],
        )
        for row in rows
    ]
    return html.Table(
        [html.Caption(caption), element("Thead", element("Tr", head)), element("Tbody", body)],
        className="data-table stacking" if stacking else "data-table",
        **({"id": table_id} if table_id else {}),
    )


def cell(value: object) -> object:
    """Numbers the caller did not format get two decimals; missing ones their status.
    (A dict is a component as JSON: `element`, `link`.)"""
    if isinstance(value, float | None):
        return present.number_text(value)
    if isinstance(value, list | tuple):  # text and components side by side
        return [cell(v) if isinstance(v, float | None) else v for v in value]
    return value if isinstance(value, str | int | dict | Component) else str(value)


def scroll_box(content: object, label: str, className: str, **kw: object) -> html.Div:
    """A box that scrolls its content (a long table): reachable with the keyboard, so it
    can be scrolled without a mouse, and named for screen readers."""
    return html.Div(
        content, className=className, tabIndex="0", role="region", **{"aria-label": label}, **kw
    )


def table_view(summary: str, content: html.Table) -> html.Details:
    """The chart's numbers as a table, for screen readers and for checking."""
    return html.Details([html.Summary(summary), content], className="table-view")


def labelled(label: str, control_id: str, control: object) -> html.Div:
    """A control under its label; the label's id lets assets/a11y.js put the visible label
    into a dropdown's accessible name."""
    return html.Div(
        [html.Label(label, htmlFor=control_id, id=f"{control_id}-label"), control],
        className="control",
    )


def as_dict(figure: object) -> object:
    """A go.Figure as a plain dict: Dash would deep-copy the figure on every serialisation;
    cached layouts serialise a dict much faster (and smaller: style.figure_json)."""
    return figure_json(figure) if isinstance(figure, go.Figure | dict) else figure


def graph(graph_id: str, figure: object, description: str, **kw: object) -> html.Div:
    """A chart labelled for screen readers (dcc.Graph takes no aria attributes)."""
    return html.Div(
        dcc.Graph(id=graph_id, figure=as_dict(figure), config=GRAPH_CONFIG, **kw),
        role="figure",
        **{"aria-label": description},
    )


def wave_options(
    labels: Mapping[str, str], available: Sequence[str] | None = None, lacking: str = ""
) -> list[dict[str, object]]:
    """`2026-05 (May 2026)` per wave; a wave outside `available` is disabled and says what
    it lacks, rather than being switched to silently."""
    return [
        {"label": present.wave_text(w, label), "value": w}
        if available is None or w in available
        else {
            "label": f"{present.wave_text(w, label)}: {lacking} not in this release",
            "value": w,
            "disabled": True,
        }
        for w, label in labels.items()
    ]


def wave_dropdown(control_id: str, wave: str, labels: Mapping[str, str]) -> html.Div:
    """The wave selector every page has, labels from the waves mart."""
    return labelled(
        "Wave",
        control_id,
        dcc.Dropdown(
            id=control_id,
            value=wave,
            clearable=False,
            searchable=False,
            options=wave_options(labels),
        ),
    )


def download_links(links: Sequence[tuple[str, str, str | None]]) -> list:
    """`CSV · PNG · SVG` as download links: (text, href, element id or None) each."""
    items: list = []
    for text, href, link_id in links:
        if items:
            items.append(" · ")
        items.append(html.A(text, href=href, download="", **({"id": link_id} if link_id else {})))
    return items


def data_updated_notice() -> html.Div:
    """Hidden until a callback finds the build its page came from gone; the link reloads
    the page's own address (the view is in the URL)."""
    return html.Div(
        [
            "The data has been updated since this page was opened. ",
            html.A("Reload the page", href=""),
            " to see the new numbers.",
        ],
        id=DATA_UPDATED,
        className="notice notice-info data-updated",
        role="status",
        hidden=True,
    )


def notice(title: str, message: str, kind: str = "error") -> html.Div:
    return html.Div(
        [html.H1(title), html.P(message), html.P(dcc.Link("Back to the map", href="/"))],
        className=f"notice notice-{kind}",
        role="alert",
    )


def share_panel() -> html.Details:
    """Copy this view's permalink or an <iframe> embed snippet; the page's downloads are
    beside its charts. assets/share.js fills both fields from the address bar when the
    panel opens or a button is pressed, so they follow the controls."""
    fields = (
        ("share-link", "Link to this view", "Copy link", "Link copied.", 1),
        (
            "share-embed",
            "Embed code (an <iframe> for your web page)",
            "Copy embed code",
            "Embed code copied.",
            3,
        ),
    )
    return html.Details(
        [
            html.Summary("Share"),
            *[
                html.Div(
                    [
                        html.Label(label, htmlFor=field_id),
                        html.Textarea(id=field_id, readOnly=True, rows=rows, spellCheck="false"),
                        html.Button(
                            button,
                            type="button",
                            className="copy-button",
                            **{"data-copy": field_id, "data-copied": done},
                        ),
                    ],
                    className="share-field",
                )
                for field_id, label, button, done, rows in fields
            ],
            html.P(id="share-status", className="source", role="status"),
            html.P(
                [
                    "Downloads: the CSV, PNG and SVG of each chart are under it; all the "
                    "data, the dictionary and a bundle are on ",
                    dcc.Link("Methodology & sources", href="/methodology"),
                    ".",
                ],
                className="source",
            ),
        ],
        className="share-panel",
    )


def embed_source(path: str, search: object) -> html.P:
    """An embed's source line, linking back to the same view in the full app (share.js
    keeps the link on the current view)."""
    return html.P(
        [
            "Source: ",
            html.A(
                "State AI Economic Index",
                href=absolute(path + (search if isinstance(search, str) else "")),
                target="_blank",
                rel="noopener",
                **{"data-full-view": ""},
            ),
            " (open the full view, with sources and downloads). Data: Anthropic Economic "
            "Index; BLS OEWS May 2025; O*NET 29.3.",
        ],
        className="source embed-source",
    )


def source_line(text: str) -> html.P:
    return html.P(text, className="source")


def frozen(value: object) -> object:
    """A component tree as the plain JSON structure Dash sends to the browser. Cached
    layouts returned this way skip Dash's per-request walk over every component."""
    if value is None or isinstance(value, str | int | float | dict):  # most values: quick
        return value
    if isinstance(value, Component):  # an ABC check: slow
        tree = value.to_plotly_json()
        tree["props"] = {k: frozen(v) for k, v in tree["props"].items()}
        return tree
    if isinstance(value, list | tuple):
        return [frozen(v) for v in value]
    return value


def element(kind: str, children: object, namespace: str = "dash_html_components", **props) -> dict:
    """`frozen(html.<kind>(children, **props))` without building the component: the JSON
    Dash sends. A table row is a dozen components, and building then freezing them was
    most of a table's cost (a sorted table of 81 rows: 24 ms; this way a tenth of that).
    Props are not checked as a component's are: pass only the element's own."""
    return {"props": {"children": frozen(children), **props}, "type": kind, "namespace": namespace}
