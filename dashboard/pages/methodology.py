"""`/methodology`: definitions, releases, versions, checksums, coverage and caveats."""

from __future__ import annotations

from dash import dcc, html

from dashboard import components as ui
from dashboard import present
from dashboard.data import Marts
from dashboard.pages.page import Page, no_parameters

LIMITS = (
    "AEI counts are a sample of Claude.ai conversations over each wave's window (the Waves "
    "table below); they describe Claude use, not all AI use.",
    "A missing value means the publisher did not release it (below a privacy floor) or it "
    "is zero; the files do not say which. The app shows “not published”, never 0.",
    "Request clusters and O*NET task lists change between releases: compare clusters only "
    "within a release. Usage share, AUI and automation share are comparable across waves.",
    "Observed exposure measures how much of an occupation's task time shows up in AI use; "
    "it does not measure jobs lost, created or changed.",
    "Occupation usage shares attribute each task's usage equally to the occupations that "
    "share the task statement, and split O*NET 2010 codes the 2019 crosswalk divides.",
    "OEWS counts wage and salary jobs in May 2025 and excludes the self-employed; BLS "
    "suppresses some cells (shown as not released).",
)


def _aui_definition(data: Marts) -> str:
    counted = set(data.waves_with_counts)
    published = [w for w in data.waves if w not in counted]
    return (
        "AUI (Anthropic AI Usage Index): usage share ÷ share of the working-age (15–64) "
        "population. Computed from counts where the release publishes counts ("
        + (", ".join(data.waves_with_counts) or "none")
        + "); the published value where only that is published ("
        + (", ".join(published) or "none")
        + ")."
    )


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
            html.H2("Definitions"),
            html.Ul(
                [
                    html.Li("Usage share: a state's conversations ÷ those of the 50 states + DC."),
                    html.Li(_aui_definition(data)),
                    html.Li(
                        "Specialization index: the state's share of a use ÷ the US share. "
                        "Without national rows, the US share is the usage-weighted mean of the "
                        "published state shares."
                    ),
                    html.Li(
                        "Automation share: (directive + feedback loop) ÷ the five classified "
                        "collaboration patterns."
                    ),
                    html.Li(
                        "Exposure-weighted employment: Σ employment × observed exposure ÷ Σ "
                        "employment over detailed occupations with both; highly exposed = "
                        f"{present.high_exposure_text(data.high_exposure_threshold)}."
                    ),
                    html.Li(
                        "Task → occupation: AEI task statement → O*NET 20.1 (O*NET-SOC 2010) → "
                        "O*NET 2010→2019 crosswalk → SOC 2018 → OEWS occupation (combined OEWS "
                        "codes where BLS publishes only those)."
                    ),
                ]
            ),
            html.H2("Coverage of the joins"),
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
            html.H2("What the data cannot say"),
            html.Ul([html.Li(text) for text in LIMITS]),
            html.H3("Caveats the publisher attached to a wave"),
            html.Ul([html.Li(text) for text in data.caveats()] or [html.Li("None.")]),
            html.H2("Waves"),
            ui.table(
                ["Wave", "Release", "Window", "Published", "New release"],
                waves,
                caption="AEI waves in this build",
            ),
            html.H2("Upstream files"),
            html.Div(
                ui.table(
                    ["File", "Release", "URL", "Licence", "Bytes", "sha256", "Retrieved"],
                    sources,
                    caption="Every file the build read, with its checksum",
                ),
                className="table-scroll",
            ),
            html.P(
                f"Built {manifest.get('built_at')} from commit {manifest.get('git_commit')}. "
                f"Packages: {versions}.",
                className="source",
            ),
            html.H2("Data dictionary"),
            html.Div(
                ui.table(
                    ["Table", "Column", "Unit", "Definition", "Source"],
                    dictionary,
                    caption="Every column of every table",
                ),
                className="table-scroll",
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
