"""Not a page: three sections of the state page — "How people here use it" (use cases,
outputs, autonomy, time with and without AI, each beside the US), "Who is exposed" (highly
exposed jobs by wage band; exposure against wage), "Usage and income" (AUI against GDP per
working-age person for the 51, the fit, the state's residual in words). The state page adds
them to its body with one line."""

from __future__ import annotations

from dash import html

from dashboard import components as ui
from dashboard import present, profile_views
from dashboard.data import Marts
from dashboard.urls import StateView, build_query


def _downloads(view: StateView, csv: str, figures: tuple[str, ...]) -> html.P:
    """CSV of the section's numbers, and each chart as PNG/SVG."""
    query = build_query(wave=view.wave)
    links = [("CSV", f"/download/state/{view.state}/{csv}.csv{query}", None)]
    figure_query = build_query(state=view.state, wave=view.wave)
    for figure in figures:
        suffix = f" ({figure.replace('-', ' ')})" if len(figures) > 1 else ""
        links += [
            (f"{fmt.upper()}{suffix}", f"/download/figure/{figure}.{fmt}{figure_query}", None)
            for fmt in ("png", "svg")
        ]
    return html.P(["Download: ", *ui.download_links(links)], className="downloads")


def _usage(data: Marts, view: StateView) -> html.Section:
    name = data.state_names[view.state]
    heading = f"How people in {name} use Claude.ai — {view.wave}"
    rows = profile_views.profile_rows(data, view)
    if not rows:
        others = ", ".join(profile_views.profile_waves(data)) or "none"
        body = [
            ui.source_line(
                f"The {view.wave} release does not publish use cases, outputs or task times "
                f"per state. Waves that do: {others}."
            )
        ]
    else:
        body = [
            ui.graph(
                "usage-profile",
                profile_views.usage_profile_figure(data, view),
                f"Bar chart: {heading}: use cases and the most common outputs, beside the US",
            ),
            ui.source_line(
                "Use case: work, personal or coursework (they add up to 100 %). Outputs: the "
                f"{profile_views.ARTIFACTS_SHOWN} most common concrete outputs of the state's "
                "conversations (AEI's classification; 'none' and 'other' left out). AI "
                "autonomy: 1–5. Time: AEI's estimate of how long the task would take a "
                "person without and with AI, both in minutes (published in hours and in "
                "minutes). US: published national, else the usage-weighted mean of the 51. "
                + present.NO_COUNTS_NOTE
            ),
            ui.table_view(
                "Table: how people use Claude.ai",
                ui.table(
                    ["Measure", name, "US", "Rank among the 51"],
                    [
                        [
                            r["label"],
                            present.profile_value_text(r["value"], r["unit"], r["status"]),
                            present.profile_value_text(r["us_value"], r["unit"]),
                            present.rank_text(r["rank"], r["rank_tied"], r["states_ranked"]),
                        ]
                        for r in rows
                    ],
                    caption=f"{heading}. Rank 1 = the highest value.",
                    numeric=[False, True, True, False],
                ),
            ),
            _downloads(view, "usage_profile", ("usage-profile",)),
        ]
    return html.Section([html.H2(heading, id="usage-profile-heading"), *body], className="panel")


def _exposed(data: Marts, view: StateView) -> html.Section:
    name = data.state_names[view.state]
    heading = f"Who is exposed in {name}: jobs by wage — OEWS May 2025"
    bands = profile_views.wage_bands(data, view.state)
    us = {r["wage_band"]: r for r in profile_views.wage_bands(data, "US")}
    threshold = present.high_exposure_text(data.high_exposure_threshold)
    scored = sum(r["jobs_with_score"] or 0 for r in bands)
    return html.Section(
        [
            html.H2(heading, id="wage-bands-heading"),
            html.P(
                f"The wage band with the most of {name}'s jobs in occupations with "
                f"{threshold}: {present.exposed_band_text(bands)}.",
                className="story",
            ),
            html.Div(
                [
                    ui.graph(
                        "wage-bands",
                        profile_views.wage_band_figure(data, view),
                        f"Bar chart: jobs in highly exposed occupations in {name} by wage band",
                    ),
                    ui.graph(
                        "exposure-wage",
                        profile_views.exposure_wage_figure(data, view),
                        f"Scatter chart: {name}'s occupations, median wage against observed "
                        "exposure, sized by jobs",
                    ),
                ],
                className="two-up",
            ),
            ui.source_line(
                "Wage bands: fifths of US jobs by their occupation's median annual wage "
                "(national cut points, OEWS May 2025; top-coded wages at their lower bound). "
                f"Highly exposed: {threshold}, this product's cut-off; observed exposure is "
                "one national score per occupation. Under each band: the share of the band's "
                "jobs that are highly exposed, in the state and in the US. Right: each "
                "occupation with a wage and a score, its area proportional to its jobs; "
                "orange = highly exposed, dotted line = the cut-off."
            ),
            ui.table_view(
                "Table: jobs and exposure by wage band",
                ui.table(
                    [
                        "Median annual wage",
                        "Jobs with a score",
                        "Highly exposed jobs",
                        "% of the band highly exposed",
                        "US %",
                        "Average exposure",
                    ],
                    [
                        [
                            r["wage_band_label"],
                            present.count_text(r["jobs_with_score"]),
                            present.count_text(r["jobs_high_exposure"]),
                            present.percent_text(profile_views.exposed_pct(r)),
                            present.percent_text(
                                profile_views.exposed_pct(us.get(r["wage_band"], {}))
                            ),
                            present.exposure_fine_text(r["exposure_weighted_employment"]),
                        ]
                        for r in bands
                    ],
                    caption=f"{heading}: {present.count_text(scored)} jobs with an exposure "
                    "score in all.",
                    numeric=[False, True, True, True, True, True],
                ),
            ),
            _downloads(view, "wage_bands", ("wage-bands", "exposure-wage")),
        ],
        className="panel",
    )


def _income(data: Marts, view: StateView) -> html.Section:
    name = data.state_names[view.state]
    heading = f"Usage and income — {view.wave}"
    row = profile_views.income_row(data, view)
    fit = profile_views.income_fit(data, view.wave)
    return html.Section(
        [
            html.H2(heading, id="income-heading"),
            html.P(present.income_text(name, row), className="story", id="income-verdict"),
            ui.graph(
                "income-fit",
                profile_views.income_figure(data, view),
                f"Scatter chart: AUI against GDP per working-age person for the 51, "
                f"{name} highlighted, with the fitted line",
            ),
            ui.source_line(
                "AUI: share of US Claude.ai conversations ÷ share of US working-age people. "
                "Income: GDP 2024 ÷ working-age population (AEI's companion files). Line: "
                "least squares of log AUI on log income over the 51, per wave. Within ±10 % "
                "of the line reads “about as much as its income predicts”."
            ),
            ui.table_view(
                "Table: usage and income, the 51",
                ui.table(
                    [
                        "State",
                        "GDP per working-age person",
                        "AUI",
                        "AUI income predicts",
                        "AUI ÷ predicted",
                        "Rank",
                    ],
                    [
                        [
                            r["state_name"],
                            f"${r['gdp_per_working_age_person']:,.0f}",
                            present.number_text(r["aui"]),
                            present.number_text(r["predicted_aui"]),
                            present.number_text(r["residual_ratio"]),
                            present.rank_short(r["residual_rank"], r["residual_rank_tied"]),
                        ]
                        for r in fit
                    ],
                    caption=f"{heading}. Rank 1 = the most use for its income. "
                    f"{present.SHORT_RANK_NOTE}",
                    numeric=[False, True, True, True, True, True],
                ),
            ),
            _downloads(view, "income_fit", ("income-fit",)),
        ],
        className="panel",
    )


def sections(data: Marts, view: StateView) -> list[html.Section]:
    """The three sections, for the state page's body."""
    return [_usage(data, view), _exposed(data, view), _income(data, view)]
