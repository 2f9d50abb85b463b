"""`/occupations`: every OEWS detailed occupation, searched, filtered by major group, sorted,
and with a state chosen, its jobs, location quotient and wage in that state."""

from __future__ import annotations

from dataclasses import replace

from dash import Input, Output, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import components as ui
from dashboard import occupation_data, present, tables
from dashboard.data import Marts, marts, per_marts
from dashboard.pages.page import Callback, Example, Page
from dashboard.urls import BadParameter, OccupationIndexView, parse_query, sync_url

TABLE = "index"
COLUMNS = (
    tables.Column("title", "Occupation", numeric=False, descending_first=False),
    tables.Column("jobs", "Jobs"),
    tables.Column("lq", "Location quotient"),
    tables.Column("wage", "Median annual wage"),
    tables.Column("exposure", "Observed exposure"),
    tables.Column("weighted", "Exposure-weighted jobs"),
    tables.Column("tasks", "Tasks with AI use"),
    tables.Column("usage", "Share of US task-classified usage"),
)
BY_KEY = {c.key: c for c in COLUMNS}


def hidden_columns(view: OccupationIndexView) -> tuple[str, ...]:
    """The location quotient is a state's: hidden for the US."""
    return () if view.state else occupation_data.STATE_ONLY_SORTS


def heading(data: Marts, view: OccupationIndexView) -> str:
    return f"Occupations in {data.state_names[view.state]}" if view.state else "Occupations"


def caption(data: Marts, view: OccupationIndexView) -> str:
    order = "descending" if view.descending else "ascending"
    where = (
        f"Jobs, location quotient, wage and exposure-weighted jobs in "
        f"{data.state_names[view.state]}; exposure, tasks and usage share are national."
        if view.state
        else "US figures."
    )
    return (
        f"{where} Sorted by {BY_KEY[view.sort].label.lower()}, {order}. The column headers "
        "are buttons that sort the table."
    )


def _row(row: dict) -> list[object]:
    title = [
        ui.link(row["title"], f"/occupation/{row['soc_code']}"),
        ui.element("Span", row["soc_code"], className="soc"),
    ]
    return [
        title,
        present.jobs_text(row["jobs"], row["jobs_status"]),
        present.quotient_text(row["location_quotient"]),
        present.occupation_wage(row),
        present.exposure_text(row["observed_exposure"]),
        present.weighted_jobs_text(
            row["exposure_weighted_jobs"], row["exposure_weighted_jobs_status"]
        ),
        present.tasks_penetrated_text(row["tasks_penetrated"], row["tasks"]),
        present.share_text(
            row["us_task_attributed_share_pct"], row["us_task_attributed_share_status"]
        ),
    ]


@per_marts(maxsize=512)
def page_rows(data: Marts, view: OccupationIndexView) -> object:
    """The rows of the view's page, as Dash's JSON."""
    frame = occupation_data.index_rows(data, view.query)
    start = (view.page - 1) * occupation_data.INDEX_PAGE_SIZE
    rows = frame.slice(start, occupation_data.INDEX_PAGE_SIZE).iter_rows(named=True)
    return ui.frozen(tables.body(COLUMNS, [_row(r) for r in rows], hidden_columns(view)))


def status(data: Marts, view: OccupationIndexView) -> str:
    """'51–100 of 830 occupations · page 2 of 17', or that none match."""
    total = occupation_data.index_rows(data, view.query).height
    if not total:
        return "No occupation matches. Try fewer or shorter words, or another group."
    pages = occupation_data.index_pages(data, view.query)
    first = (view.page - 1) * occupation_data.INDEX_PAGE_SIZE + 1
    last = min(total, view.page * occupation_data.INDEX_PAGE_SIZE)
    return f"{first:,}–{last:,} of {total:,} occupations · page {view.page} of {pages}"


def csv_href(view: OccupationIndexView, data: Marts) -> str:
    """The whole view (every page) as CSV."""
    return "/download/occupations.csv" + replace(view, page=1).search(data)


def layout(view: OccupationIndexView, data: Marts) -> html.Div:
    groups = occupation_data.major_groups(data)
    pages = occupation_data.index_pages(data, view.query)
    return html.Div(
        [
            html.H1(heading(data, view), id="index-heading"),
            html.P(
                "Every detailed occupation of BLS OEWS (May 2025) with its observed AI "
                "exposure (one national score per occupation), the share of its O*NET tasks "
                "seen in AI use, and its share of task-classified Claude.ai usage where the "
                "data support it. Choose a state for its jobs, location quotients and wages.",
                className="lede",
            ),
            html.Div(
                [
                    ui.labelled(
                        "Search occupations",
                        "index-words",
                        dcc.Input(
                            id="index-words",
                            type="search",
                            value=view.words,
                            placeholder="a title or SOC code, e.g. nurse",
                            debounce=0.3,
                            autoComplete="off",
                            className="text-input",
                        ),
                    ),
                    ui.labelled(
                        "Occupation group",
                        "index-group",
                        dcc.Dropdown(
                            id="index-group",
                            value=view.group,
                            placeholder="All groups",
                            options=[
                                {"label": f"{title} ({code})", "value": code}
                                for code, title in groups.items()
                            ],
                        ),
                    ),
                    ui.labelled(
                        "State",
                        "index-state",
                        dcc.Dropdown(
                            id="index-state",
                            value=view.state,
                            placeholder="United States",
                            options=[
                                {"label": name, "value": code}
                                for code, name in sorted(
                                    data.state_names.items(), key=lambda item: item[1]
                                )
                            ],
                        ),
                    ),
                ],
                className="controls",
                role="search",
                **{"aria-label": "Find occupations"},
            ),
            html.P(status(data, view), id="index-status", role="status", className="index-status"),
            ui.scroll_box(
                tables.sortable_table(
                    TABLE,
                    COLUMNS,
                    page_rows(data, view),
                    caption(data, view),
                    view.sort,
                    view.descending,
                    hidden_columns(view),
                ),
                "Occupations table",
                "table-scroll",
            ),
            html.Div(
                [
                    html.Button(
                        "Previous page",
                        id="index-previous",
                        className="pager-button",
                        n_clicks=0,
                        disabled=view.page <= 1,
                    ),
                    html.Button(
                        "Next page",
                        id="index-next",
                        className="pager-button",
                        n_clicks=0,
                        disabled=view.page >= pages,
                    ),
                ],
                className="pager",
                role="group",
                **{"aria-label": "Pages"},
            ),
            html.P(
                [
                    "Download this view (every page): ",
                    *ui.download_links([("CSV", csv_href(view, data), "index-csv")]),
                    " · ",
                    dcc.Link("every column of every occupation", href="/methodology"),
                ],
                className="downloads",
            ),
            ui.source_line(
                "Jobs and wages: BLS OEWS May 2025 (wage and salary jobs; the self-employed "
                "are not counted). Observed exposure: Anthropic (Massenkoff & McCrory 2026), "
                f"{present.NATIONAL_SCORE}; combined OEWS codes have no score. Tasks with AI "
                "use: the occupation's O*NET 29.3 tasks with AEI penetration above zero. "
                "Usage share: the occupation's share of US task-classified Claude.ai "
                "conversations, withheld under the support rule (“too little data”)."
            ),
            dcc.Location(id="index-url", refresh="callback-nav"),
        ]
    )


def _current(search: object, data: Marts) -> OccupationIndexView:
    """The view the URL shows now (the default view for a URL no view has)."""
    try:
        return OccupationIndexView.parse(parse_query(search), data)
    except BadParameter:
        return OccupationIndexView()


def sync_index(search, words, group, state, *_buttons):
    """The URL and the controls in step; a sort or page button moves the view on from the
    one the URL holds."""
    data = marts()
    current = _current(search, data)
    controls = {"q": words, "group": group, "state": state, "sort": current.sort}
    controls["order"] = "desc" if current.descending else "asc"
    pressed = tables.pressed(TABLE)
    if pressed:
        sort, descending = tables.next_sort(BY_KEY[pressed], current.sort, current.descending)
        controls |= {"sort": sort, "order": "desc" if descending else "asc"}
    elif ctx.triggered_id in ("index-previous", "index-next"):
        if not ctx.triggered[0].get("value"):
            raise PreventUpdate  # the button being drawn, not pressed
        step = 1 if ctx.triggered_id == "index-next" else -1
        controls["page"] = str(max(1, current.page + step))
    elif isinstance(ctx.triggered_id, dict):
        raise PreventUpdate  # a sort button being drawn
    view, new_search = sync_url(
        OccupationIndexView, data, search, controls, from_url=ctx.triggered_id == "index-url"
    )
    pages = occupation_data.index_pages(data, view.query)
    return (
        new_search,
        view.words,
        view.group,
        view.state,
        heading(data, view),
        caption(data, view),
        page_rows(data, view),
        status(data, view),
        view.page <= 1,
        view.page >= pages,
        csv_href(view, data),
        not view.state,
        *[tables.aria_sort(c.key, view.sort, view.descending) for c in COLUMNS],
    )


PAGE = Page(
    name="occupations",
    path="/occupations",
    parse=OccupationIndexView.parse,
    layout=layout,
    title=lambda view, data: heading(data, view),
    callbacks=(
        Callback(
            sync_index,
            outputs=(
                Output("index-url", "search"),
                Output("index-words", "value"),
                Output("index-group", "value"),
                Output("index-state", "value"),
                Output("index-heading", "children"),
                Output(f"{TABLE}-caption", "children"),
                Output(f"{TABLE}-body", "children"),
                Output("index-status", "children"),
                Output("index-previous", "disabled"),
                Output("index-next", "disabled"),
                Output("index-csv", "href"),
                Output({"type": f"{TABLE}-header", "key": "lq"}, "hidden"),
                *tables.sort_outputs(TABLE, COLUMNS),
            ),
            inputs=(
                Input("index-url", "search"),
                Input("index-words", "value"),
                Input("index-group", "value"),
                Input("index-state", "value"),
                *tables.sort_inputs(TABLE, COLUMNS),
                Input("index-previous", "n_clicks"),
                Input("index-next", "n_clicks"),
            ),
            # "nurse" typed, then Indiana chosen
            example=lambda data: Example(
                ("", "nurse", None, "IN", *[0] * len(COLUMNS), 0, 0), fired=3
            ),
        ),
    ),
)
