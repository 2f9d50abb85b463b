"""`/methodology`: definitions, releases, versions, checksums, coverage and caveats."""

from __future__ import annotations

import functools
import re

from dash import dcc, html

from dashboard import components as ui
from dashboard import present
from dashboard.data import Marts
from dashboard.pages.page import Page, no_parameters
from etl.config import PROJECT_ROOT

METHODOLOGY = PROJECT_ROOT / "docs" / "methodology.md"
MARKDOWN_FILE_LINK = re.compile(r"\[([^\]]+)\]\([\w./-]+\.md\)")


@functools.cache
def methodology_text() -> str:
    """docs/methodology.md, the one written methodology, under the page's own title, with
    links to other repository files turned into plain text (they are not pages of the app)
    and the star of O*NET kept from reading as emphasis."""
    text = METHODOLOGY.read_text(encoding="utf-8").removeprefix("# Methodology\n")
    return MARKDOWN_FILE_LINK.sub(r"\1", text).replace("O*NET", "O\\*NET")


def layout(view: None, data: Marts) -> html.Div:
    manifest = data.manifest
    coverage = manifest.get("coverage", {})
    exposure = coverage.get("employment_with_exposure_pct", {})
    reach = coverage.get("task_usage_reaching_employment_pct", {})
    matched = coverage.get("us_task_usage_by_match_pct", {})
    counted = set(data.waves_with_counts)
    breaks = set(data.release_breaks)
    waves = [
        [
            wave,
            data.releases[wave],
            label,
            "counts and shares" if wave in counted else "shares only",
            "yes" if wave in breaks else "",
        ]
        for wave, label in data.wave_labels.items()
    ]
    sources = [
        [
            e["title"],
            e["release"],
            html.A(e["url"], href=e["url"]),
            e["licence"],
            f"{e['bytes']:,}",
            html.Span(e["sha256"], className="mono"),
            e["retrieved_at"],
        ]
        for e in manifest.get("sources", {}).values()
    ]
    dictionary = [
        [r["table"], r["column"], r["unit"], r["definition"], r["source"]]
        for r in data.dictionary.iter_rows(named=True)
    ]
    versions = ", ".join(f"{k} {v}" for k, v in manifest.get("python_packages", {}).items())
    return html.Div(
        [
            html.H1("Methodology and sources"),
            html.H2("Downloads"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.A("Everything (ZIP)", href="/download/bundle.zip", download=""),
                            ": every table as CSV, the data dictionary, the manifest (sources, "
                            "versions, checksums) and a README with the citation and licences.",
                        ]
                    ),
                    html.Li(
                        [
                            html.A(
                                "Data dictionary (CSV)",
                                href="/download/data_dictionary.csv",
                                download="",
                            )
                        ]
                    ),
                    html.Li(
                        [
                            "Each table (CSV): ",
                            *[
                                item
                                for table in data.table_names
                                for item in (
                                    html.A(table, href=f"/download/mart/{table}.csv", download=""),
                                    " ",
                                )
                            ],
                        ]
                    ),
                ]
            ),
            dcc.Markdown(methodology_text(), className="methodology-text"),
            html.H2("This build"),
            html.P(
                "AUI computed from counts in "
                + (", ".join(data.waves_with_counts) or "no wave")
                + "; the published value elsewhere. Highly exposed: "
                f"{present.high_exposure_text(data.high_exposure_threshold)}."
            ),
            html.H3("Coverage of the joins"),
            html.Ul(
                [
                    html.Li(
                        f"Jobs with an exposure score: US {exposure.get('US')}%, states "
                        f"{exposure.get('states', {}).get('min')}–"
                        f"{exposure.get('states', {}).get('max')}%."
                    ),
                    html.Li(
                        f"Task usage reaching an OEWS occupation with employment: US "
                        f"{reach.get('US')}%, states (median) "
                        f"{reach.get('states', {}).get('median')}%."
                    ),
                    html.Li(
                        f"US task usage ({matched.get('wave')}) by how it matched: "
                        + ", ".join(f"{k} {v}%" for k, v in matched.get("shares", {}).items())
                    ),
                ]
            ),
            html.H3("Caveats the publisher attached to a wave"),
            html.Ul([html.Li(text) for text in data.caveats()] or [html.Li("None.")]),
            html.H2("Waves"),
            ui.table(
                ["Wave", "Release", "Window", "Published", "New release"],
                waves,
                caption="AEI waves in this build",
            ),
            html.H2("Upstream files"),
            ui.scroll_box(
                ui.table(
                    ["File", "Release", "URL", "Licence", "Bytes", "sha256", "Retrieved"],
                    sources,
                    caption="Every file the build read, with its checksum",
                ),
                "Files table",
                "table-scroll",
            ),
            html.P(
                f"Built {manifest.get('built_at')} from commit {manifest.get('git_commit')}. "
                f"Packages: {versions}.",
                className="source",
            ),
            html.H2("Data dictionary"),
            ui.scroll_box(
                ui.table(
                    ["Table", "Column", "Unit", "Definition", "Source"],
                    dictionary,
                    caption="Every column of every table",
                ),
                "Data dictionary table",
                "table-scroll",
            ),
            html.P(dcc.Link("Back to the map", href="/")),
        ],
        className="methodology",
    )


PAGE = Page(
    name="methodology",
    path="/methodology",
    parse=no_parameters,
    layout=layout,
    title=lambda view, data: "Methodology",
)
