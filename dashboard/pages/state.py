"""`/state/IN`: one state's profile — how much AI is used, for what, and which jobs it meets."""

from __future__ import annotations

import hashlib

from dash import Input, Output, Patch, State, ctx, dcc, html, no_update

from dashboard import components as ui
from dashboard import present, previews, views
from dashboard.data import Marts, marts, per_marts
from dashboard.metrics import METRICS
from dashboard.pages.most_exposed import CALLBACKS as MOST_EXPOSED_CALLBACKS
from dashboard.pages.most_exposed import section as most_exposed_section
from dashboard.pages.page import Callback, Example, Page
from dashboard.pages.state_areas import CALLBACKS as STATE_AREAS_CALLBACKS
from dashboard.pages.state_areas import section as state_areas_section
from dashboard.pages.state_profile import sections as profile_sections
from dashboard.urls import LEVELS, StateView, build_query, sync_url

LEVEL_LABELS = dict(zip(LEVELS, ("Broad uses (coarsest level)", "Finer uses"), strict=True))
NEIGHBOUR_METRICS = ("aui", "usage_share", "automation", "exposure")
# What a wave or level switch changes, as paths into body()'s list: the sections of the
# wave's usage and headline numbers whole, and in the two OEWS sections (most exposed jobs,
# jobs by wage) only the lines that name the wave. The rest depends on the state alone
# (its jobs, its areas' map and table, the trend, the sources) and stays as drawn, so a
# switch sends a third of the body (tests/test_state_patch.py: the patched body of any
# view is the new view's body).
VIEW_PARTS: tuple[tuple[int | str, ...], ...] = (
    (0,),  # the banner of the wave's flags
    (1,),  # the briefing's links
    (2,),  # the story
    (3,),  # the cards
    (4,),  # top uses, occupation groups
    (6, "props", "children", 1),  # most exposed jobs: the count of the wave's summary
    (6, "props", "children", 5),  # ... and its links
    (7,),  # how people use it
    (8, "props", "children", 5),  # who is exposed: its links
    (9,),  # usage and income
    (11,),  # automation, neighbours
)


def _links(view: StateView, section: str, figure: str | None = None, **query: str) -> html.P:
    """CSV of the section's numbers, and the chart as PNG/SVG."""
    state, params = view.state, {"wave": view.wave, "level": view.level, **query}
    links = [("CSV", f"/download/state/{state}/{section}.csv{build_query(**params)}", None)]
    if figure:
        figure_query = build_query(state=state, **params)
        links += [
            (fmt.upper(), f"/download/figure/{figure}.{fmt}{figure_query}", None)
            for fmt in ("png", "svg")
        ]
    return html.P(["Download: ", *ui.download_links(links)], className="downloads")


def _cards(data: Marts, view: StateView) -> list[html.Div]:
    tiles = present.headline_tiles(
        data.summary(view.wave, view.state) or {},
        data.summary(view.wave, "US") or {},
        data.population_share.get(view.state),
    )
    return [
        ui.card(t.label, t.value, f"{t.rank} · {t.comparison}", t.definition, t.evidence)
        for t in tiles
    ]


def _top_uses(data: Marts, view: StateView) -> html.Section:
    name = data.state_names[view.state]
    used, rows = views.top_uses(data, view)
    heading = f"What people in {name} use Claude.ai for — {used or view.wave}"
    if used is None:
        body = [ui.source_line("Request clusters are not published for this state.")]
    else:
        body = [
            ui.graph("top-uses", views.top_uses_figure(data, view), f"Bar chart: {heading}"),
            ui.source_line(views.top_uses_note(data, view)),
            ui.table_view(
                "Table: top uses",
                ui.table(
                    ["Use of AI", f"{name} %", "95 % interval", "US %", "× US"],
                    [
                        [
                            r.label,
                            r.state_pct,
                            present.range_text(r.low, r.high),
                            r.us_pct,
                            r.specialization,
                        ]
                        for r in rows
                    ],
                    caption=heading,
                    numeric=[False, True, True, True, True],
                ),
            ),
            _links(view, "top_uses", "top-uses"),
        ]
    return html.Section([html.H2(heading), *body], className="panel")


def _groups(data: Marts, view: StateView) -> html.Section:
    name = data.state_names[view.state]
    measure, rows = views.groups(data, view)
    heading = f"Where Claude.ai use meets {name}'s jobs — {view.wave}"
    if measure is None:
        others = [w for w in data.waves if data.occupation_groups(view.state, w)[0]]
        body = [
            ui.source_line(
                f"Claude.ai usage by occupation group is not in the {view.wave} release. "
                + (f"Waves that have it: {', '.join(others)}." if others else "")
            )
        ]
    else:
        measure_name = present.MEASURE_NAMES[measure]
        body = [
            ui.graph(
                "groups",
                views.groups_figure(data, view),
                f"Bar chart: {heading}, by occupation group",
            ),
            ui.source_line(
                f"Bars: {present.MEASURE_DEFINITIONS[measure]}, beside the group's share of "
                "the state's jobs (BLS OEWS May 2025). The two measures of usage by "
                "occupation differ and are never compared with each other. "
                + present.group_support_note(rows)
            ),
            ui.table_view(
                "Table: Claude.ai usage and jobs by occupation group",
                ui.table(
                    ["Occupation group", f"% ({measure_name})", "% of jobs", "Support"],
                    [
                        [
                            r.label,
                            present.share_or_status(r.usage_share_pct, r.status),
                            r.employment_share_pct,
                            r.flag or "sufficient",
                        ]
                        for r in rows
                    ],
                    caption=heading,
                    numeric=[False, True, True, False],
                ),
            ),
            _links(view, "groups", "groups"),
        ]
    return html.Section([html.H2(heading), *body], className="panel")


def _occupations(data: Marts, view: StateView) -> html.Section:
    name = data.state_names[view.state]
    heading = f"{name}'s largest occupations and their observed exposure — OEWS May 2025"
    usage_waves = ", ".join(data.task_usage_waves) or "none"
    return html.Section(
        [
            html.H2(heading),
            ui.graph(
                "occupations",
                views.occupations_figure(data, view),
                f"Bar chart: {heading}; orange bars are highly exposed occupations",
            ),
            ui.source_line(
                "Jobs: BLS OEWS May 2025. Observed exposure: one national score per "
                "occupation (Anthropic; it does not vary by state); orange: "
                f"{present.high_exposure_text(data.high_exposure_threshold)} (this "
                "product's cut-off), grey = no score. Task usage: the occupation's share of "
                f"the state's task-classified Claude.ai conversations (wave {usage_waves}), "
                "withheld where it rests on fewer than 5 tasks."
            ),
            ui.table_view(
                "Table: largest occupations",
                ui.table(
                    [
                        "Occupation",
                        "Jobs",
                        "Median wage",
                        "Observed exposure",
                        "% of task-classified usage",
                    ],
                    [
                        [
                            r["title"],
                            present.count_text(r["employment"]),
                            present.occupation_wage(r),
                            present.exposure_text(r["observed_exposure"]),
                            present.share_or_status(
                                r["task_attributed_share_pct"], r["task_attributed_share_status"]
                            ),
                        ]
                        for r in data.occupation_rows(view.state)
                    ],
                    caption=heading,
                    numeric=[False, True, True, True, True],
                ),
            ),
            _links(view, "occupations", "occupations", wave="", level=""),
        ],
        className="panel",
    )


def _automation(data: Marts, view: StateView) -> html.Section:
    return html.Section(
        [
            html.H2(f"Automation or augmentation? — {view.wave}"),
            ui.graph(
                "automation",
                views.automation_figure(data, view),
                "Stacked bars: automation and augmentation shares",
            ),
            ui.source_line(
                "Automation: Claude carries out the task (directive, feedback loop). "
                "Augmentation: people work with Claude (task iteration, learning, "
                "validation). Neighbouring states and the US for comparison."
            ),
            _links(view, "summary", "automation", level=""),
        ],
        className="panel",
    )


def _neighbours(data: Marts, view: StateView) -> html.Section:
    places = [view.state, *data.neighbours(view.state), "US"]
    aui = METRICS["aui"]
    rows = []
    for place in places:
        row = data.summary(view.wave, place) or {}
        label = "United States" if place == "US" else data.state_names[place]
        link = label if place in (view.state, "US") else dcc.Link(label, href=f"/state/{place}")
        values = [present.value_text(METRICS[m], row) for m in NEIGHBOUR_METRICS]
        if place == "US":
            values[1] = "—"  # the US is 100% of itself
        rank = present.rank_short(row.get(aui.rank), row.get(aui.tied))
        plausible = present.rank_range_short(aui, row)
        rows.append(
            [
                link,
                values[0],
                "—" if place == "US" else rank,
                "—" if place == "US" else plausible,
                *values[1:],
            ]
        )
    compare = ",".join(places[:-1][:4])
    return html.Section(
        [
            html.H2(f"Compared with its neighbours and the US — {view.wave}"),
            ui.table(
                [
                    "Place",
                    "AUI",
                    "AUI rank",
                    "Plausible ranks",
                    "Usage share",
                    "Automation",
                    "Observed exposure",
                ],
                rows,
                caption=f"Headline numbers, wave {view.wave}. {present.SHORT_RANK_NOTE}",
                numeric=[False, True, True, True, True, True, True],
            ),
            html.P(
                dcc.Link("Compare these states side by side", href=f"/compare?states={compare}")
            ),
        ],
        className="panel",
    )


def _trend(data: Marts, view: StateView) -> html.Section:
    name = data.state_names[view.state]
    return html.Section(
        [
            html.H2("Trend across waves"),
            html.Div(
                [
                    ui.graph(
                        "trend-aui",
                        views.trend_aui_figure(data, view),
                        f"Line chart: {name}'s AUI across waves",
                    ),
                    ui.graph(
                        "trend-share",
                        views.trend_share_figure(data, view),
                        f"Line chart: {name}'s usage share across waves",
                    ),
                ],
                className="two-up",
            ),
            ui.source_line(
                "Dotted lines mark a new AEI release (new sample window, platform or "
                "taxonomy). AUI and usage share are comparable across releases; the sample "
                f"windows differ: {present.windows_text(data.wave_labels)}."
            ),
            ui.table_view(
                "Table: trend",
                ui.table(
                    ["Wave", "AUI", "Usage share %", "How AUI was obtained"],
                    [
                        [a.wave, a.value, s.value, a.note]
                        for a, s in zip(
                            data.trend(view.state, "aui"),
                            data.trend(view.state, "usage_share_pct"),
                            strict=True,
                        )
                    ],
                    caption=f"{name} across waves",
                    numeric=[False, True, True, False],
                ),
            ),
            _links(view, "trend", "trend-aui", wave="", level=""),
        ],
        className="panel",
    )


def _sources(data: Marts, view: StateView) -> html.Section:
    items = [
        html.Li(
            [
                html.B(entry["title"]),
                f" — {entry['release']}, {entry['licence']}. ",
                html.Span(f"sha256 {entry['sha256'][:12]}…", className="mono"),
            ]
        )
        for entry in data.manifest.get("sources", {}).values()
        if entry.get("publisher")
    ]
    return html.Section(
        [
            html.H2("Sources and caveats"),
            html.Ul(
                [
                    html.Li(c)
                    for c in [
                        *present.caveats(data.caveats(view.state)),
                        *data.anomalies(view.state),
                        present.SAMPLING_NOTE,
                    ]
                ]
            ),
            html.Details([html.Summary("Upstream files used"), html.Ul(items)]),
            html.P(dcc.Link("Full methodology", href="/methodology")),
        ],
        className="panel",
    )


@per_marts(maxsize=128)
def body(data: Marts, view: StateView) -> object:
    """The profile below the controls, as Dash's JSON: a pure function of the view."""
    row = data.summary(view.wave, view.state) or {}
    banner = (
        html.Div([html.P(flag) for flag in present.flags(row)], className="caveat", role="note")
        if present.flags(row)
        else None
    )
    query, state = build_query(wave=view.wave), view.state
    return ui.frozen(
        [
            banner,
            html.P(
                [
                    "One-page briefing for legislators: ",
                    *ui.download_links(
                        [
                            ("PDF", f"/briefing/{state}.pdf{query}", "briefing-pdf"),
                            ("PNG", f"/briefing/{state}.png{query}", "briefing-png"),
                        ]
                    ),
                    " · All of this state's numbers: ",
                    *ui.download_links(
                        [("CSV", f"/download/state/{state}/summary.csv{query}", None)]
                    ),
                ],
                className="downloads",
            ),
            html.P(views.state_story(data, view), className="story", id="state-story"),
            html.Div(_cards(data, view), className="cards"),
            html.Div([_top_uses(data, view), _groups(data, view)], className="two-up"),
            _occupations(data, view),
            most_exposed_section(data, view),
            *profile_sections(data, view),
            state_areas_section(data, view),
            html.Div([_automation(data, view), _neighbours(data, view)], className="two-up"),
            _trend(data, view),
            _sources(data, view),
            dcc.Store(id="state-parts", data=parts_key()),  # last: it moves no part
        ]
    )


def parts_key() -> str:
    """Names VIEW_PARTS: a page drawn by code with other parts (open in a tab across a
    deployment) gets the whole body instead of a patch aimed at the wrong places."""
    return hashlib.sha256(repr(VIEW_PARTS).encode()).hexdigest()[:12]


def view_patch(data: Marts, view: StateView) -> dict:
    """The body of `view` as changes to the body of any other view of the same state: a
    Patch as the JSON Dash sends (a Patch object itself would make Dash's serialiser
    fall back to walking every value of the body in Python)."""
    full, patch = body(data, view), Patch()
    for path in VIEW_PARTS:
        value, target = full, patch
        for step in path[:-1]:
            value, target = value[step], target[step]
        target[path[-1]] = value[path[-1]]
    return patch.to_plotly_json()


def layout(view: StateView, data: Marts) -> html.Div:
    level_control = dcc.Dropdown(
        id="state-level",
        value=view.level,
        clearable=False,
        searchable=False,
        options=[{"label": label, "value": level} for level, label in LEVEL_LABELS.items()],
    )
    return html.Div(
        [
            html.Div(
                [
                    html.H1(f"AI in {data.state_names[view.state]}"),
                    html.Div(
                        [
                            ui.wave_dropdown("state-wave", view.wave, data.wave_labels),
                            ui.labelled("Uses shown", "state-level", level_control),
                        ],
                        className="controls",
                        role="group",
                        **{"aria-label": "Profile settings"},
                    ),
                ],
                className="page-head",
            ),
            ui.share_panel(),
            dcc.Store(id="state-code", data=view.state),
            dcc.Location(id="state-url", refresh="callback-nav"),
            html.Div(body(data, view), id="state-body"),
        ]
    )


def sync_state(search, wave, level, state, parts, where, occupation):
    """The URL and the controls in step, both ways. The "Where in" map's own callback
    draws it and writes its part of the URL; a URL that changes it (back, forward) sets
    its controls, which redraw it."""
    data = marts()
    from_url = ctx.triggered_id == "state-url"
    view, new_search = sync_url(
        StateView,
        data,
        search,
        {"wave": wave, "level": level, "where": where, "occupation": occupation},
        from_url=from_url,
        fixed={"state": state},
    )
    update = view_patch(data, view) if parts == parts_key() else body(data, view)
    where_controls = (view.where, view.occupation) if from_url else (no_update, no_update)
    return new_search, view.wave, view.level, update, *where_controls


PAGE = Page(
    name="state",
    path="/state/<state>",
    parse=StateView.parse,
    layout=layout,
    title=lambda view, data: data.state_names[view.state],
    preview=previews.state,
    embeddable=True,
    callbacks=(
        Callback(
            sync_state,
            outputs=(
                Output("state-url", "search"),
                Output("state-wave", "value"),
                Output("state-level", "value"),
                Output("state-body", "children"),
                Output("where-measure", "value"),
                Output("where-occupation", "value", allow_duplicate=True),
            ),
            inputs=(
                Input("state-url", "search"),
                Input("state-wave", "value"),
                Input("state-level", "value"),
            ),
            state=(
                State("state-code", "data"),
                State("state-parts", "data"),
                State("where-measure", "value"),
                State("where-occupation", "value"),
            ),
            example=lambda data: Example(
                ("", data.latest_wave, LEVELS[0], "IN", parts_key(), "exposure", None), fired=1
            ),
        ),
        *MOST_EXPOSED_CALLBACKS,
        *STATE_AREAS_CALLBACKS,
    ),
)
