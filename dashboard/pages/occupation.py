"""`/occupation/29-1141`: one occupation — its jobs, wage and exposure, where in the US its
jobs are, the O*NET tasks AI use reaches, and where it stands in its major group."""

from __future__ import annotations

from dash import Input, Output, State, ctx, dcc, html

from dashboard import area_views, occupation_data, occupation_views, present, previews, tables
from dashboard import components as ui
from dashboard.data import Marts, marts, per_marts
from dashboard.metrics import AREA_MEASURES, OCCUPATION_MEASURES
from dashboard.occupation_controls import measure_dropdown
from dashboard.pages.page import Callback, Example, Page
from dashboard.urls import OccupationView, build_query, sync_url

FIGURE_FORMATS = ("png", "svg")
MAP_DOWNLOADS = (  # (link text, link id)
    ("CSV", "occupation-map-csv"),
    ("PNG", "occupation-map-png"),
    ("SVG", "occupation-map-svg"),
)


def title(data: Marts, view: OccupationView) -> str:
    return occupation_data.titles(data)[view.soc]


def map_downloads(view: OccupationView) -> list[str]:
    """The map's CSV (every state, every measure), then the chart as PNG and SVG."""
    query = build_query(soc=view.soc, measure=view.measure)
    return [
        f"/download/occupation/{view.soc}/states.csv",
        *[f"/download/figure/occupation-map.{fmt}{query}" for fmt in FIGURE_FORMATS],
    ]


def _cards(data: Marts, row: dict) -> list[html.Div]:
    us = occupation_data.us_row(data, row["soc_code"])
    threshold = data.high_exposure_threshold
    if row["observed_exposure"] is None:
        standing = "OEWS combined codes are not scored" if row["combined_code"] else "not scored"
    elif row["highly_exposed"]:
        standing = f"highly exposed ({present.high_exposure_text(threshold)})"
    else:
        standing = f"below the highly exposed cut-off ({present.high_exposure_text(threshold)})"
    usage_wave = row["task_usage_wave"]
    return [
        ui.card(
            "US jobs",
            present.jobs_text(row["us_employment"], row["us_employment_status"]),
            f"{present.percent_text(us.get('employment_share_pct'), 2)} of US jobs",
            "Wage and salary jobs, BLS OEWS May 2025; the self-employed are not counted.",
        ),
        ui.card(
            "Median annual wage",
            present.occupation_wage(row),
            "US, BLS OEWS May 2025",
            "Half of the occupation's jobs pay more, half less.",
        ),
        ui.card(
            "Observed exposure",
            present.exposure_text(row["observed_exposure"]),
            standing,
            "Share of the occupation's task time seen in work-related AI use (Anthropic): "
            f"{present.NATIONAL_SCORE}.",
        ),
        ui.card(
            "Exposure-weighted jobs",
            present.weighted_jobs_text(
                row["us_exposure_weighted_jobs"], row["us_exposure_weighted_jobs_status"]
            ),
            present.rank_text(
                row["rank_by_exposure_weighted_jobs"],
                row["rank_by_exposure_weighted_jobs_tied"],
                row["rank_by_exposure_weighted_jobs_of"],
            )
            + " among occupations",
            "US jobs × observed exposure: how much of the country's exposure it carries.",
        ),
        ui.card(
            "Tasks with AI use",
            present.tasks_penetrated_text(row["tasks_penetrated"], row["tasks"]),
            "O*NET 29.3 tasks with AEI penetration above zero",
            "Penetration: how often a task appears in AI use (AEI task_penetration).",
        ),
        ui.card(
            "Share of task-classified usage",
            present.share_text(
                row["us_task_attributed_share_pct"], row["us_task_attributed_share_status"]
            ),
            f"US, wave {usage_wave}" if usage_wave else "no published task reaches it",
            "Its share of US Claude.ai conversations classified to O*NET tasks; withheld "
            "(too little data) when it rests on fewer than 5 tasks.",
        ),
    ]


def _combined(data: Marts, row: dict) -> html.P | None:
    """What an OEWS combined code stands for, and why it has no exposure score."""
    if not row["combined_code"]:
        return None
    parts = present.soc_list_text(
        row["stands_for"], occupation_data.onet_titles(data, row["soc_code"])
    )
    return html.P(
        [
            html.B(f"{row['soc_code']} is an OEWS combined code"),
            f": it stands for {parts}. Observed exposure is scored for those detailed codes, "
            "not for the combination OEWS publishes, so it has no exposure score; its tasks "
            "are those of the codes it stands for.",
        ],
        className="caveat",
        role="note",
    )


@per_marts(maxsize=2048)
def ranking(data: Marts, view: OccupationView) -> object:
    """The 51 by the marts' rank of the view's measure (tied states by name), as Dash's
    JSON; state names link to their profiles."""
    metric = OCCUPATION_MEASURES[view.measure]
    rows = [
        [
            present.rank_short(r[metric.rank], r[metric.tied]),
            ui.link(r["state_name"], f"/state/{r['state']}"),
            metric.format(r[metric.column]),
        ]
        for r in occupation_data.state_ranking(data, view.soc, view.measure)
    ]
    return ui.frozen(
        ui.table(
            ["Rank", "State", metric.short],
            rows,
            caption=f"{metric.label}, states ranked (1 = highest). {present.TIE_NOTE}",
            table_id="occupation-ranking-table",
            numeric=[True, False, True],
            stacking=False,  # three narrow columns fit a phone
        )
    )


def _map(data: Marts, view: OccupationView) -> html.Div:
    measure_control = measure_dropdown("occupation-measure", view.measure)
    name = title(data, view)
    return html.Div(
        [
            html.Section(
                [
                    html.H2(f"Where the jobs are — {occupation_views.OEWS}"),
                    html.Div(
                        ui.labelled("Show", "occupation-measure", measure_control),
                        className="controls",
                    ),
                    ui.graph(
                        "occupation-map",
                        occupation_views.occupation_map_json(data, view),
                        f"Map of US states coloured by {name}: the chosen measure; the same "
                        "numbers are in the ranking table.",
                        className="map-graph",
                    ),
                    html.P(
                        OCCUPATION_MEASURES[view.measure].definition,
                        id="occupation-definition",
                        className="source",
                    ),
                    html.P(
                        [
                            "Download: ",
                            *ui.download_links(
                                [
                                    (text, href, link_id)
                                    for (text, link_id), href in zip(
                                        MAP_DOWNLOADS, map_downloads(view), strict=True
                                    )
                                ]
                            ),
                        ],
                        className="downloads",
                    ),
                ],
                className="map-panel",
            ),
            html.Section(
                [
                    html.H2("Ranking"),
                    ui.scroll_box(
                        ranking(data, view),
                        "Ranking table",
                        "ranking-scroll",
                        id="occupation-ranking",
                    ),
                ],
                className="ranking-panel",
            ),
        ],
        className="map-layout",
    )


TASK_COLUMNS = (
    tables.Column("task", "Task", numeric=False),
    tables.Column("onet", "O*NET occupation", numeric=False),
    tables.Column("penetration", "Penetration"),
    tables.Column("usage", "US usage share"),
)
GROUP_COLUMNS = (
    tables.Column("title", "Occupation", numeric=False),
    tables.Column("rank", "Rank"),
    tables.Column("exposure", "Observed exposure"),
    tables.Column("jobs", "US jobs"),
)


def _tasks(data: Marts, view: OccupationView) -> html.Section:
    tasks = occupation_data.tasks(data, view.soc)
    # which O*NET occupation a task is of, where the code has several
    several = len({r["onet_soc_2019"] for r in tasks}) > 1
    columns = [c for c in TASK_COLUMNS if several or c.key != "onet"]
    rows = [
        [
            r["task"],
            *([r["onet_title"]] if several else []),
            present.penetration_text(r["penetration"]),
            present.share_text(r["us_usage_share_pct"], r["usage_status"]),
        ]
        for r in tasks
    ]
    charted = min(occupation_views.TASKS_CHARTED, sum(1 for r in tasks if r["penetration"]))
    query = build_query(soc=view.soc)
    return html.Section(
        [
            html.H2("Its tasks and AI use"),
            ui.graph(
                "occupation-tasks",
                occupation_views.tasks_figure(data, view),
                "Bar chart: penetration of the occupation's tasks seen in AI use; the same "
                "numbers are in the table below.",
            ),
            ui.source_line(
                f"The {charted} most penetrated of its tasks charted; orange where a release "
                "publishes the task's share of US conversations. Penetration: AEI's observed "
                "penetration of the O*NET task (task_penetration.csv). US usage share: the "
                "task's share of US Claude.ai conversations, where published (below AEI's "
                "privacy floor it is not)."
            ),
            ui.scroll_box(
                tables.stacked_table(
                    columns,
                    tables.body(
                        columns, rows, highlighted=[r["has_published_usage"] for r in tasks]
                    ),
                    "Every O*NET 29.3 task of the occupation: highlighted where a release "
                    "publishes its US usage share; then tasks with penetration above zero, "
                    "highest first.",
                    table_id="occupation-tasks-table",
                ),
                "Tasks table",
                "tasks-scroll",
            ),
            html.P(
                [
                    "Download: ",
                    *ui.download_links(
                        [
                            ("CSV", f"/download/occupation/{view.soc}/tasks.csv", None),
                            *[
                                (
                                    fmt.upper(),
                                    f"/download/figure/occupation-tasks.{fmt}{query}",
                                    None,
                                )
                                for fmt in FIGURE_FORMATS
                            ],
                        ]
                    ),
                ],
                className="downloads",
            ),
        ],
        className="panel",
    )


def _group(data: Marts, row: dict) -> html.Section:
    group = row["major_group_title"]
    if row["rank_in_group_by_exposure"] is None:
        standing = f"It has no exposure score, so it is not ranked among the {group}."
    else:
        standing = (
            present.rank_text(
                row["rank_in_group_by_exposure"],
                row["rank_in_group_by_exposure_tied"],
                row["rank_in_group_by_exposure_of"],
            ).capitalize()
            + f" by observed exposure among the {group} with a score (1 = most exposed)."
        )
    neighbours = occupation_data.group_neighbours(data, row["soc_code"])
    rows = [
        [
            [
                html.B(r["title"])
                if r["soc_code"] == row["soc_code"]
                else dcc.Link(r["title"], href=f"/occupation/{r['soc_code']}")
            ],
            present.rank_short(r["rank_in_group_by_exposure"], r["rank_in_group_by_exposure_tied"]),
            present.exposure_fine_text(r["observed_exposure"]),
            present.jobs_text(r["us_employment"], r["us_employment_status"]),
        ]
        for r in neighbours
    ]
    return html.Section(
        [
            html.H2(f"Among its group: {group}"),
            html.P(standing),
            tables.stacked_table(
                GROUP_COLUMNS,
                tables.body(
                    GROUP_COLUMNS,
                    rows,
                    highlighted=[r["soc_code"] == row["soc_code"] for r in neighbours],
                ),
                f"Occupations of major group {row['major_group']} next to it by observed "
                "exposure (tied occupations by SOC code).",
            ),
            html.P(
                dcc.Link(
                    "Every occupation of the group",
                    href=f"/occupations{build_query(group=row['major_group'], sort='exposure')}",
                )
            ),
        ],
        className="panel",
    )


def _sources(data: Marts) -> html.Section:
    return html.Section(
        [
            html.H2("Sources and caveats"),
            html.Ul(
                [
                    html.Li(
                        "Jobs, wages and location quotients: BLS Occupational Employment and "
                        "Wage Statistics, May 2025 (wage and salary jobs; BLS suppresses some "
                        "cells, shown as not published)."
                    ),
                    html.Li(
                        "Observed exposure: Anthropic Economic Index, job_exposure.csv "
                        f"(Massenkoff & McCrory 2026), {present.NATIONAL_SCORE}. “Highly "
                        f"exposed” ({present.high_exposure_text(data.high_exposure_threshold)}) "
                        "is this product's cut-off, not the source's."
                    ),
                    html.Li(
                        "Tasks: O*NET 29.3 task statements (USDOL/ETA, CC BY 4.0); "
                        "penetration from AEI's task_penetration.csv, matched on the task text."
                    ),
                    *[html.Li(c) for c in present.CAVEATS],
                ]
            ),
            html.P(dcc.Link("Full methodology", href="/methodology")),
        ],
        className="panel",
    )


METROS_LISTED = 15


def _metros(data: Marts, soc: str) -> html.Section:
    """Where in the US, metro by metro: each metro's location quotient, as BLS publishes it."""
    listed = area_views.occupation_metros(data, soc)
    return html.Section(
        [
            html.H2(f"Where in the US, metro by metro — {occupation_views.OEWS}"),
            ui.graph(
                "occupation-metro-map",
                area_views.occupation_metro_json(data, soc),
                "Map of US metropolitan areas coloured by the occupation's location quotient; "
                "the metros where it is most concentrated are in the table below.",
                className="map-graph",
            ),
            ui.source_line(
                f"{present.metric_definition(AREA_MEASURES['lq'], None)} Published for "
                f"{len(listed)} metros; grey: BLS suppressed the cell or the precision rule "
                "withholds it (hover for why)."
            ),
            ui.table(
                ["Metro", "Location quotient", "Jobs"],
                [
                    [
                        dcc.Link(r["area_name"], href=f"/area/{r['area_code']}"),
                        present.quotient_text(r["location_quotient"]),
                        present.jobs_text(r["employment"], r["employment_status"]),
                    ]
                    for r in listed[:METROS_LISTED]
                ],
                caption=f"The {min(METROS_LISTED, len(listed))} metros where the occupation is "
                "most concentrated (highest location quotient; equal ones by name).",
                table_id="occupation-metros-table",
                numeric=[False, True, True],
            ),
            html.P(
                [
                    "Download: ",
                    *ui.download_links(
                        [("CSV of every area", f"/download/occupation/{soc}/areas.csv", None)]
                    ),
                ],
                className="downloads",
            ),
        ],
        className="panel",
    )


@per_marts(maxsize=256)
def body(data: Marts, soc: str) -> object:
    """Everything below the map that does not change with the measure, as Dash's JSON."""
    row = occupation_data.occupation(data, soc)
    view = OccupationView(soc)
    return ui.frozen([_metros(data, soc), _tasks(data, view), _group(data, row), _sources(data)])


def layout(view: OccupationView, data: Marts) -> html.Div:
    row = occupation_data.occupation(data, view.soc)
    return html.Div(
        [
            html.Nav(
                [
                    dcc.Link("Occupations", href="/occupations"),
                    " › ",
                    dcc.Link(
                        row["major_group_title"],
                        href=f"/occupations{build_query(group=row['major_group'])}",
                    ),
                ],
                className="breadcrumb",
                **{"aria-label": "Breadcrumb"},
            ),
            html.H1([row["title"], " ", html.Span(view.soc, className="soc")]),
            ui.share_panel(),
            _combined(data, row),
            html.Div(_cards(data, row), className="cards"),
            _map(data, view),
            html.Div(body(data, view.soc)),
            dcc.Store(id="occupation-code", data=view.soc),
            dcc.Location(id="occupation-url", refresh="callback-nav"),
        ]
    )


def sync_occupation(search, measure, soc):
    """The URL and the measure in step, both ways, and the map and its ranking drawn."""
    data = marts()
    view, new_search = sync_url(
        OccupationView,
        data,
        search,
        {"measure": measure},
        from_url=ctx.triggered_id == "occupation-url",
        fixed={"soc": soc},
    )
    return (
        new_search,
        view.measure,
        occupation_views.occupation_map_json(data, view),
        OCCUPATION_MEASURES[view.measure].definition,
        ranking(data, view),
        *map_downloads(view),
    )


PAGE = Page(
    name="occupation",
    path="/occupation/<soc>",
    parse=OccupationView.parse,
    layout=layout,
    title=lambda view, data: title(data, view),
    preview=previews.occupation,
    embeddable=True,
    callbacks=(
        Callback(
            sync_occupation,
            outputs=(
                Output("occupation-url", "search"),
                Output("occupation-measure", "value"),
                Output("occupation-map", "figure"),
                Output("occupation-definition", "children"),
                Output("occupation-ranking", "children"),
                *[Output(link_id, "href") for _, link_id in MAP_DOWNLOADS],
            ),
            inputs=(Input("occupation-url", "search"), Input("occupation-measure", "value")),
            state=(State("occupation-code", "data"),),
            example=lambda data: Example(("", "share", "29-1141"), fired=1),
        ),
    ),
)
