"""`/state/IN`: one state's profile — how much AI is used, for what, and which jobs it meets."""

from __future__ import annotations

from functools import lru_cache

from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components as ui
from dashboard import views
from dashboard.data import Marts, marts
from dashboard.metrics import METRICS
from dashboard.urls import BadParameter, build_query, parse_query, state_code, wave_id
from dashboard.views import Params

LEVELS = {"major": "Broad uses (coarsest level)", "minor": "Finer uses"}


def _cards(data: Marts, state: str, wave: str) -> list[html.Div]:
    row = data.summary(wave, state) or {}
    us = data.summary(wave, "US") or {}
    cards = []
    for headline in data.headlines(wave, state):
        spec = METRICS[headline.metric]
        rank = f"rank {headline.rank} of 51" if headline.rank else "not ranked"
        compare = (
            f"{data.population_share[state]:.2f}% of US working-age people"
            if headline.metric == "usage_share"
            else f"US {spec.format(headline.us_value)}"
        )
        cards.append(ui.card(spec.label, spec.format(headline.value), f"{rank} · {compare}"))
    jobs, share = row.get("jobs_high_exposure"), row.get("jobs_high_exposure_pct")
    cards.append(
        ui.card(
            "Jobs in highly exposed occupations",
            f"{jobs:,.0f}" if jobs is not None else "not published",
            f"{share:.1f}% of jobs · US {us.get('jobs_high_exposure_pct') or 0:.1f}%"
            if share is not None
            else "",
            "observed exposure ≥ 0.25",
        )
    )
    return cards


def _links(state: str, view: str, wave: str, level: str, figure: str | None = None) -> html.P:
    """CSV of the section's numbers, and the chart as PNG/SVG."""
    links = [
        ("CSV", f"/download/state/{state}/{view}.csv{build_query(wave=wave, level=level)}", None)
    ]
    if figure:
        query = build_query(state=state, wave=wave, level=level)
        links += [
            (fmt.upper(), f"/download/figure/{figure}.{fmt}{query}", None) for fmt in ("png", "svg")
        ]
    return html.P(["Download: ", *ui.download_links(links)], className="downloads")


def _top_uses(data: Marts, state: str, wave: str, level: str) -> html.Section:
    name = data.state_names[state]
    params = Params(state=state, wave=wave, level=level)
    used, rows = views.top_uses(data, params)
    heading = f"What people in {name} use AI for"
    if used is None:
        body = [ui.source_line("Request clusters are not published for this state.")]
    else:
        note = (
            f"Wave {used} ({data.wave_label(used)})"
            + (f" — the latest wave with request clusters; {wave} has none" if used != wave else "")
            + ". Share of the state's conversations; “× US” is the specialization index "
            "(state share ÷ US share). Clusters of different releases are not comparable."
        )
        body = [
            ui.graph("top-uses", views.top_uses_figure(data, params), f"Bar chart: {heading}"),
            ui.source_line(note),
            ui.table_view(
                "Table: top uses",
                ui.table(
                    ["Use of AI", f"{name} %", "US %", "× US"],
                    [[r.label, r.state_pct, r.us_pct, r.specialization] for r in rows],
                    caption=heading,
                    numeric=[False, True, True, True],
                ),
            ),
            _links(state, "top_uses", wave, level, "top-uses"),
        ]
    return html.Section([html.H2(heading), *body], className="panel")


def _groups(data: Marts, state: str, wave: str) -> html.Section:
    name = data.state_names[state]
    params = Params(state=state, wave=wave)
    shown_wave, rows = views.groups(data, params)
    heading = f"Where AI use meets {name}'s jobs"
    return html.Section(
        [
            html.H2(heading),
            ui.graph(
                "groups",
                views.groups_figure(data, params),
                f"Bar chart: {heading}, by occupation group",
            ),
            ui.source_line(
                f"Share of the state's AI usage by occupation group (wave {shown_wave}"
                + (", the latest with this breakdown" if shown_wave != wave else "")
                + ") beside the group's share of the state's jobs (BLS OEWS May 2025)."
            ),
            ui.table_view(
                "Table: AI usage and jobs by occupation group",
                ui.table(
                    ["Occupation group", "% of AI usage", "% of jobs"],
                    [[r.label, r.usage_share_pct, r.employment_share_pct] for r in rows],
                    caption=heading,
                    numeric=[False, True, True],
                ),
            ),
            _links(state, "groups", shown_wave, "major", "groups"),
        ],
        className="panel",
    )


def _occupations(data: Marts, state: str) -> html.Section:
    name = data.state_names[state]
    table = data.occupation_table(state)
    heading = f"{name}'s largest occupations and their AI exposure"
    wage = [
        f"≥ ${r['median_wage_lower_bound']:,.0f}"
        if r["median_wage_status"] == "top-coded"
        else (
            f"${r['median_annual_wage']:,.0f}"
            if r["median_annual_wage"] is not None
            else "not released"
        )
        for r in table.iter_rows(named=True)
    ]
    return html.Section(
        [
            html.H2(heading),
            ui.graph(
                "occupations",
                views.occupations_figure(data, Params(state=state)),
                f"Bar chart: {heading}; orange bars are highly exposed occupations",
            ),
            ui.source_line(
                "Jobs: BLS OEWS May 2025. Exposure: Anthropic's observed exposure "
                "(share of the occupation's task time seen in AI use); orange ≥ 0.25, "
                "grey = no score. AI usage share: the occupation's share of the state's "
                "AI task usage (2025-08)."
            ),
            ui.table_view(
                "Table: largest occupations",
                ui.table(
                    ["Occupation", "Jobs", "Median wage", "AI exposure", "% of AI task usage"],
                    [
                        [
                            r["title"],
                            f"{r['employment']:,.0f}",
                            w,
                            f"{r['observed_exposure']:.0%}"
                            if r["observed_exposure"] is not None
                            else "no score",
                            r["usage_share_pct"],
                        ]
                        for r, w in zip(table.iter_rows(named=True), wage, strict=True)
                    ],
                    caption=heading,
                    numeric=[False, True, True, True, True],
                ),
            ),
            _links(state, "occupations", "", "", "occupations"),
        ],
        className="panel",
    )


def _automation(data: Marts, state: str, wave: str) -> html.Section:
    return html.Section(
        [
            html.H2("Automation or augmentation?"),
            ui.graph(
                "automation",
                views.automation_figure(data, Params(state=state, wave=wave)),
                "Stacked bars: automation and augmentation shares",
            ),
            ui.source_line(
                "Automation: Claude carries out the task (directive, feedback loop). "
                "Augmentation: people work with Claude (task iteration, learning, "
                "validation). Neighbouring states and the US for comparison."
            ),
            _links(state, "summary", wave, "", "automation"),
        ],
        className="panel",
    )


def _neighbours(data: Marts, state: str, wave: str) -> html.Section:
    places = [state, *data.neighbours(state), "US"]
    rows = []
    for place in places:
        row = data.summary(wave, place) or {}
        label = "United States" if place == "US" else data.state_names[place]
        link = label if place in (state, "US") else dcc.Link(label, href=f"/state/{place}")
        rows.append(
            [
                link,
                METRICS["aui"].format(row.get("aui")),
                row.get("aui_rank") or "—",
                "—" if place == "US" else METRICS["usage_share"].format(row.get("usage_share_pct")),
                METRICS["automation"].format(row.get("automation_share_pct")),
                METRICS["exposure"].format(row.get("exposure_weighted_employment")),
            ]
        )
    compare = ",".join(places[:-1][:4])
    return html.Section(
        [
            html.H2("Compared with its neighbours and the US"),
            ui.table(
                ["Place", "AUI", "AUI rank", "Usage share", "Automation", "Job exposure"],
                rows,
                caption=f"Headline numbers, wave {wave}",
                numeric=[False, True, True, True, True, True],
            ),
            html.P(
                dcc.Link("Compare these states side by side", href=f"/compare?states={compare}")
            ),
        ],
        className="panel",
    )


def _trend(data: Marts, state: str) -> html.Section:
    name = data.state_names[state]
    aui = views.trend_aui_figure(data, Params(state=state))
    share = views.trend_share_figure(data, Params(state=state))
    return html.Section(
        [
            html.H2("Trend across waves"),
            html.Div(
                [
                    ui.graph("trend-aui", aui, f"Line chart: {name}'s AUI across waves"),
                    ui.graph(
                        "trend-share", share, f"Line chart: {name}'s usage share across waves"
                    ),
                ],
                className="two-up",
            ),
            ui.source_line(
                "Dotted lines mark a new AEI release (new sample window, platform or "
                "taxonomy). AUI and usage share are comparable across releases; "
                "2025 waves are one week, 2026-04/05 are calendar months."
            ),
            ui.table_view(
                "Table: trend",
                ui.table(
                    ["Wave", "AUI", "Usage share %", "How AUI was obtained"],
                    [
                        [a.wave, a.value, s.value, a.note]
                        for a, s in zip(
                            data.trend(state, "aui"),
                            data.trend(state, "usage_share_pct"),
                            strict=True,
                        )
                    ],
                    caption=f"{name} across waves",
                    numeric=[False, True, True, False],
                ),
            ),
            _links(state, "trend", "", "", "trend-aui"),
        ],
        className="panel",
    )


def _sources(data: Marts, state: str) -> html.Section:
    caveats = data.caveats(state)
    sources = data.manifest.get("sources", {})
    items = [
        html.Li(
            [
                html.B(entry["title"]),
                f" — {entry['release']}, {entry['licence']}. ",
                html.Span(f"sha256 {entry['sha256'][:12]}…", className="mono"),
            ]
        )
        for entry in sources.values()
        if entry.get("publisher")
    ]
    return html.Section(
        [
            html.H2("Sources and caveats"),
            html.Ul([html.Li(c) for c in caveats]) if caveats else None,
            html.Ul(
                [
                    html.Li(
                        "Usage comes from a sample of Claude.ai conversations; a missing value "
                        "means the publisher did not release it (privacy floor), never zero."
                    ),
                    html.Li("Exposure and usage describe tasks, not jobs lost or created."),
                    html.Li(
                        "OEWS counts wage and salary jobs; self-employed workers are excluded."
                    ),
                ]
            ),
            html.Details([html.Summary("Upstream files used"), html.Ul(items)]),
            html.P(dcc.Link("Full methodology", href="/methodology")),
        ],
        className="panel",
    )


@lru_cache(maxsize=128)  # a profile is a pure function of (state, wave, level)
def body(state: str, wave: str, level: str) -> list:
    data = marts()
    row = data.summary(wave, state) or {}
    banner = html.P(row["caveat"], className="caveat", role="note") if row.get("caveat") else None
    query = build_query(wave=wave)
    return [
        banner,
        html.P(
            [
                "One-page briefing for legislators: ",
                html.A("PDF", href=f"/briefing/{state}.pdf{query}", id="briefing-pdf", download=""),
                " · ",
                html.A("PNG", href=f"/briefing/{state}.png{query}", id="briefing-png", download=""),
                " · All of this state's numbers: ",
                html.A("CSV", href=f"/download/state/{state}/summary.csv{query}", download=""),
            ],
            className="downloads",
        ),
        html.Div(_cards(data, state, wave), className="cards"),
        html.Div(
            [_top_uses(data, state, wave, level), _groups(data, state, wave)], className="two-up"
        ),
        _occupations(data, state),
        html.Div(
            [_automation(data, state, wave), _neighbours(data, state, wave)], className="two-up"
        ),
        _trend(data, state),
        _sources(data, state),
    ]


@lru_cache(maxsize=128)
def frozen_body(state: str, wave: str, level: str) -> object:
    return ui.frozen(body(state, wave, level))


def _params(state: str, query: dict[str, str]) -> tuple[str, str, str]:
    data = marts()
    code = state_code(state)
    wave = wave_id(query.get("wave"), data.waves)
    level = query.get("level", "major")
    if level not in LEVELS:
        raise BadParameter("level", level, "major or minor")
    return code, wave, level


def layout(state: str, query: dict[str, str]) -> html.Div:
    data = marts()
    code, wave, level = _params(state, query)
    name = data.state_names[code]
    return html.Div(
        [
            html.Div(
                [
                    html.H1(f"AI in {name}"),
                    html.Div(
                        [
                            ui.wave_dropdown("state-wave", wave, data),
                            ui.labelled(
                                "Uses shown",
                                "state-level",
                                dcc.Dropdown(
                                    id="state-level",
                                    value=level,
                                    clearable=False,
                                    searchable=False,
                                    options=[{"label": v, "value": k} for k, v in LEVELS.items()],
                                ),
                            ),
                        ],
                        className="controls",
                        role="group",
                        **{"aria-label": "Profile settings"},
                    ),
                ],
                className="page-head",
            ),
            dcc.Store(id="state-code", data=code),
            dcc.Location(id="state-url", refresh="callback-nav"),
            html.Div(body(code, wave, level), id="state-body"),
        ]
    )


@callback(
    Output("state-url", "search"),
    Output("state-wave", "value"),
    Output("state-level", "value"),
    Output("state-body", "children"),
    Input("state-url", "search"),
    Input("state-wave", "value"),
    Input("state-level", "value"),
    State("state-code", "data"),
    prevent_initial_call=True,
)
@ui.never_fails
def sync_state(search, wave, level, state):
    data = marts()
    from_url = ctx.triggered_id == "state-url"
    shown = (wave, level)
    try:
        query = parse_query(search) if from_url else {"wave": wave, "level": level}
        state, wave, level = _params(state, query)
    except BadParameter:
        return (no_update,) * 4
    if from_url and (wave, level) == shown:
        raise PreventUpdate  # the URL component reporting the view already on screen
    new_search = build_query(
        wave=None if wave == data.latest_wave else wave, level=None if level == "major" else level
    )
    return (
        new_search if new_search != (search or "") else no_update,
        wave,
        level,
        frozen_body(state, wave, level),
    )
