"""Not a page: a section of the state page, "Where in <state>" — the state's counties
coloured by their area's value (each metro, and the nonmetro remainder drawn dotted), with
a metric selector, and a sortable table of the state's areas; a click on the map or a name
in the table opens the area (`/area/<code>`). The state page adds it to its body and its
callbacks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import area_data, area_views, present, tables
from dashboard import components as ui
from dashboard.data import Marts, marts, per_marts
from dashboard.metrics import AREA_MEASURES, DEFAULT_AREA_MEASURE
from dashboard.occupation_controls import occupation_options
from dashboard.pages.page import Callback, Example
from dashboard.urls import (
    BadParameter,
    StateView,
    build_query,
    choice,
    parse_query,
    soc_code,
    state_code,
)

TABLE = "areas"
COLUMNS = (
    tables.Column("name", "Area", numeric=False, descending_first=False),
    tables.Column("rank", "Rank", descending_first=False),
    tables.Column("exposure", "Observed exposure"),
    tables.Column("per_1000", "Highly exposed per 1,000 jobs"),
    tables.Column("jobs", "Jobs (whole area)"),
    tables.Column("counties", "Counties in the state"),
)
BY_KEY = {c.key: c for c in COLUMNS}
DEFAULT_SORT = ("rank", False)
SORT_VALUES: dict[str, Callable[[dict], object]] = {
    "name": lambda r: r["area_name"],
    "rank": lambda r: r["rank_in_state"],
    "exposure": lambda r: r["exposure_weighted_employment"],
    "per_1000": lambda r: r["jobs_high_exposure_per_1000"],
    "jobs": lambda r: r["total_employment"],
    "counties": lambda r: r["counties_in_state"],
}
SHARED = "shared"


def _sorted(rows: tuple[dict, ...], sort: str, descending: bool) -> list[dict]:
    value = SORT_VALUES[sort]
    known = sorted((r for r in rows if value(r) is not None), key=lambda r: r["area_name"])
    missing = [r for r in rows if value(r) is None]
    return sorted(known, key=value, reverse=descending) + missing


def _name_cell(row: dict, state: str) -> list:
    others = [s for s in row["area_states"].split(",") if s != state]
    return [
        dcc.Link(row["area_name"], href=f"/area/{row['area_code']}"),
        html.Span(
            f" {SHARED} with {', '.join(others)}",
            className="area-shared",
            title="A metro spanning states: OEWS publishes one estimate for the whole metro, "
            "which cannot be split by state.",
        )
        if row["is_shared"]
        else "",
    ]


@per_marts(maxsize=1024)
def rows(data: Marts, state: str, sort: str, descending: bool) -> object:
    exposure, per_1000 = AREA_MEASURES["exposure"], AREA_MEASURES["per_1000"]
    return ui.frozen(
        tables.body(
            COLUMNS,
            [
                [
                    _name_cell(r, state),
                    present.rank_short(r["rank_in_state"], r["rank_in_state_tied"]),
                    present.value_text(exposure, r),
                    present.value_text(per_1000, r),
                    present.count_text(r["total_employment"]),
                    f"{r['counties_in_state']} of {r['counties_in_area']}",
                ]
                for r in _sorted(area_data.state_areas(data, state), sort, descending)
            ],
        )
    )


def caption(data: Marts, state: str, sort: str, descending: bool) -> str:
    order = "descending" if descending else "ascending"
    return (
        f"The metropolitan areas with counties in {data.state_names[state]} and its nonmetro "
        "remainder, BLS OEWS May 2025. Rank: by observed exposure (1 = most; tied areas share "
        f"a rank). Sorted by {BY_KEY[sort].label.lower()}, {order}. The column headers are "
        "buttons that sort the table."
    )


def definition(data: Marts, measure: str) -> str:
    return present.metric_definition(AREA_MEASURES[measure], data.high_exposure_threshold)


def measure_options() -> list[dict[str, str]]:
    return [{"label": m.label, "value": m.id} for m in AREA_MEASURES.values()]


def image_links(data: Marts, view: StateView) -> list[tuple[str, str, str]]:
    """The map as shown, as PNG and SVG (the view's `where` and `occupation` in the link)."""
    query = build_query(state=view.state, where=view.where, occupation=view.occupation)
    return [
        (fmt.upper(), f"/download/figure/where-map.{fmt}{query}", f"where-{fmt}")
        for fmt in ("png", "svg")
    ]


def section(data: Marts, view: StateView) -> html.Section:
    """The section, for the state page's body."""
    name = data.state_names[view.state]
    listed = area_data.state_areas(data, view.state)
    if not listed:
        return html.Section(
            [html.H2(f"Where in {name}"), ui.source_line("No OEWS areas for this state.")],
            className="panel",
        )
    measure, soc = (
        view.where,
        area_views.where_occupation(data, view.state, view.where, view.occupation),
    )
    shared = [r for r in listed if r["is_shared"]]
    sort, descending = DEFAULT_SORT
    return html.Section(
        [
            html.H2(f"Where in {name}", id="where"),
            ui.source_line(
                f"{name}'s counties coloured by the area they belong to: its "
                f"{sum(1 for r in listed if area_data.is_metro(r))} metropolitan areas "
                f"({len(shared)} shared with other states) and, dotted, its counties in no "
                "metro (its OEWS nonmetropolitan areas combined). BLS OEWS May 2025 with "
                "observed exposure, one national score per occupation. A shared metro's "
                "numbers are the whole metro's: OEWS cannot split them by state. Click an "
                "area to open it."
            ),
            html.Div(
                [
                    ui.labelled(
                        "Colour by",
                        "where-measure",
                        dcc.Dropdown(
                            id="where-measure",
                            value=measure,
                            clearable=False,
                            searchable=False,
                            options=measure_options(),
                        ),
                    ),
                    html.Div(
                        ui.labelled(
                            "Occupation",
                            "where-occupation",
                            dcc.Dropdown(
                                id="where-occupation",
                                value=soc,
                                placeholder="Choose an occupation",
                                options=occupation_options(data),
                            ),
                        ),
                        id="where-occupation-control",
                        hidden=measure != "lq",
                    ),
                ],
                className="controls",
                role="group",
                **{"aria-label": "Map of the state's areas"},
            ),
            ui.graph(
                "where-map",
                area_views.where_figure_json(data, view.state, measure, soc),
                f"Map of {name}'s counties coloured by their area's value; the same numbers "
                "are in the table below.",
            ),
            html.P(definition(data, measure), id="where-definition", className="source"),
            html.Div(
                tables.sortable_table(
                    TABLE,
                    COLUMNS,
                    rows(data, view.state, sort, descending),
                    caption(data, view.state, sort, descending),
                    sort,
                    descending,
                ),
                className="exposed-scroll",
            ),
            dcc.Store(id="areas-sort", data=[sort, descending]),
            html.P(
                [
                    "Download: ",
                    *ui.download_links(
                        [
                            ("CSV", f"/download/state/{view.state}/areas.csv", None),
                            *image_links(data, view),
                        ]
                    ),
                ],
                className="downloads",
            ),
        ],
        className="panel",
    )


def draw_where(measure, occupation, state, search):
    """The metric (and occupation) chosen: the map redrawn, its definition, and the page's
    address (`?where=...&occupation=...`, so the map can be shared and reopened)."""
    data = marts()
    try:
        state = state_code(state)
        measure = choice("measure", measure, list(AREA_MEASURES), DEFAULT_AREA_MEASURE)
        soc = soc_code(occupation, data) if measure == "lq" and occupation else None
        shown = StateView.parse({**parse_query(search), "state": state}, data)
    except BadParameter:
        raise PreventUpdate from None
    soc = area_views.where_occupation(data, state, measure, soc)
    view = replace(shown, where=measure, occupation=soc)
    new_search = view.search(data)
    return (
        area_views.where_figure_json(data, state, measure, soc),
        definition(data, measure),
        measure != "lq",
        soc,
        new_search if new_search != (search or "") else no_update,
        *[href for _, href, _ in image_links(data, view)],
    )


def sort_areas(*values):
    """A sort button pressed: the rows in the new order, and each header's aria-sort."""
    *_buttons, current, state = values
    pressed = tables.pressed(TABLE)
    if pressed is None:
        raise PreventUpdate
    try:
        state = state_code(state)
    except BadParameter:
        raise PreventUpdate from None
    valid = isinstance(current, list) and len(current) == 2 and current[0] in BY_KEY
    sort, descending = (current[0], bool(current[1])) if valid else DEFAULT_SORT
    sort, descending = tables.next_sort(BY_KEY[pressed], sort, descending)
    data = marts()
    return (
        [sort, descending],
        rows(data, state, sort, descending),
        caption(data, state, sort, descending),
        *[tables.aria_sort(c.key, sort, descending) for c in COLUMNS],
    )


def open_area(click):
    """A click on a county opens its area's page."""
    try:
        code = click["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        raise PreventUpdate from None
    if not isinstance(code, str) or area_data.area(marts(), code) is None:
        raise PreventUpdate
    return f"/area/{code}", ""


CALLBACKS = (
    Callback(
        draw_where,
        outputs=(
            Output("where-map", "figure"),
            Output("where-definition", "children"),
            Output("where-occupation-control", "hidden"),
            Output("where-occupation", "value"),
            Output("state-url", "search", allow_duplicate=True),
            Output("where-png", "href"),
            Output("where-svg", "href"),
        ),
        inputs=(Input("where-measure", "value"), Input("where-occupation", "value")),
        state=(State("state-code", "data"), State("state-url", "search")),
        example=lambda data: Example(("lq", "15-1252", "IN", "?level=minor")),
    ),
    Callback(
        sort_areas,
        outputs=(
            Output("areas-sort", "data"),
            Output(f"{TABLE}-body", "children"),
            Output(f"{TABLE}-caption", "children"),
            *tables.sort_outputs(TABLE, COLUMNS),
        ),
        inputs=tables.sort_inputs(TABLE, COLUMNS),
        state=(State("areas-sort", "data"), State("state-code", "data")),
        example=lambda data: Example(
            (*[1 if c.key == "jobs" else 0 for c in COLUMNS], list(DEFAULT_SORT), "IN"),
            fired=[c.key for c in COLUMNS].index("jobs"),
        ),
    ),
    Callback(
        open_area,
        outputs=(
            Output("url", "pathname", allow_duplicate=True),
            Output("url", "search", allow_duplicate=True),
        ),
        inputs=(Input("where-map", "clickData"),),
        example=lambda data: Example(
            ({"points": [{"location": "18097", "customdata": "0026900"}]},)
        ),
    ),
)
