"""Not a page: a section of the state page, "Most exposed jobs in <state>" — the occupations
behind the card "jobs in highly exposed occupations" (every highly exposed occupation whose
employment is published, so the list sums to the card), by the marts' rank of
exposure-weighted jobs, as a sortable table and a chart. The state page adds it to its
body and its callbacks."""

from __future__ import annotations

from collections.abc import Callable

from dash import Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import components as ui
from dashboard import occupation_data, occupation_views, present, tables
from dashboard.data import Marts, marts, per_marts
from dashboard.pages.page import Callback, Example
from dashboard.urls import BadParameter, StateView, build_query, state_code

TABLE = "exposed"
COLUMNS = (
    tables.Column("title", "Occupation", numeric=False, descending_first=False),
    tables.Column("rank", "Rank", descending_first=False),
    tables.Column("jobs", "Jobs"),
    tables.Column("exposure", "Observed exposure"),
    tables.Column("weighted", "Exposure-weighted jobs"),
    tables.Column("wage", "Median annual wage"),
    tables.Column("lq", "Location quotient"),
    tables.Column("share", "Share of the state's jobs"),
)
BY_KEY = {c.key: c for c in COLUMNS}
DEFAULT_SORT = ("rank", False)
# What each sort orders by; ties by SOC code, missing values last.
SORT_VALUES: dict[str, Callable[[dict], object]] = {
    "title": lambda r: r["title"],
    "rank": lambda r: r["rank_by_exposure_weighted_jobs"],
    "jobs": lambda r: r["employment"],
    "exposure": lambda r: r["observed_exposure"],
    "weighted": lambda r: r["exposure_weighted_jobs"],
    "wage": lambda r: r["median_annual_wage"] or r["median_wage_lower_bound"],
    "lq": lambda r: r["location_quotient"],
    "share": lambda r: r["employment_share_pct"],
}


def _sorted(rows: tuple[dict, ...], sort: str, descending: bool) -> list[dict]:
    value = SORT_VALUES[sort]
    present_rows = sorted(
        (r for r in rows if value(r) is not None), key=lambda r: r["soc_code"]
    )  # sorted() is stable: a second sort by value keeps ties in code order
    missing = [r for r in rows if value(r) is None]
    return sorted(present_rows, key=value, reverse=descending) + sorted(
        missing, key=lambda r: r["soc_code"]
    )


def _cells(row: dict) -> list[object]:
    return [
        [ui.link(row["title"], f"/occupation/{row['soc_code']}")],
        present.rank_short(
            row["rank_by_exposure_weighted_jobs"], row["rank_by_exposure_weighted_jobs_tied"]
        ),
        present.jobs_text(row["employment"], row["employment_status"]),
        present.exposure_text(row["observed_exposure"]),
        present.weighted_jobs_text(
            row["exposure_weighted_jobs"], row["exposure_weighted_jobs_status"]
        ),
        present.occupation_wage(row),
        present.quotient_text(row["location_quotient"]),
        present.percent_text(row["employment_share_pct"], 2),
    ]


@per_marts(maxsize=1024)
def rows(data: Marts, state: str, sort: str, descending: bool) -> object:
    """The table's rows in the chosen order, as Dash's JSON."""
    ordered = _sorted(occupation_data.most_exposed(data, state), sort, descending)
    return ui.frozen(tables.body(COLUMNS, [_cells(r) for r in ordered]))


def caption(data: Marts, state: str, sort: str, descending: bool) -> str:
    order = "descending" if descending else "ascending"
    return (
        f"Highly exposed occupations in {data.state_names[state]}, BLS OEWS May 2025. Rank: "
        "by exposure-weighted jobs (1 = most; tied occupations share a rank). Sorted by "
        f"{BY_KEY[sort].label.lower()}, {order}. The column headers are buttons that sort "
        "the table."
    )


def section(data: Marts, view: StateView) -> html.Section:
    """The section, for the state page's body."""
    name = data.state_names[view.state]
    listed = occupation_data.most_exposed(data, view.state)
    summary = data.summary(view.wave, view.state) or {}
    threshold = present.high_exposure_text(summary.get("high_exposure_threshold"))
    heading = f"Most exposed jobs in {name}"
    sort, descending = DEFAULT_SORT
    figure_query = build_query(state=view.state, wave=view.wave)
    return html.Section(
        [
            html.H2(heading, id="most-exposed"),
            ui.source_line(
                f"The {len(listed)} occupations behind the card “jobs in highly exposed "
                f"occupations”: {present.count_text(summary.get('jobs_high_exposure'))} jobs in "
                f"occupations with {threshold}, the cut-off this product chose. Ordered by "
                "exposure-weighted jobs (jobs × observed exposure): how much of the state's "
                "exposure each carries. Exposure is one national score per occupation; the "
                "state's jobs, wages and location quotients are its own (OEWS May 2025)."
            ),
            ui.graph(
                "most-exposed-chart",
                occupation_views.most_exposed_figure(data, view),
                f"Bar chart: {heading}, the {occupation_views.MOST_EXPOSED_CHARTED} with the "
                "most exposure-weighted jobs; every occupation is in the table below.",
            ),
            ui.scroll_box(
                tables.sortable_table(
                    TABLE,
                    COLUMNS,
                    rows(data, view.state, sort, descending),
                    caption(data, view.state, sort, descending),
                    sort,
                    descending,
                ),
                "Most exposed jobs table",
                "exposed-scroll",
            ),
            dcc.Store(id="exposed-sort", data=[sort, descending]),
            html.P(
                [
                    "Download: ",
                    *ui.download_links(
                        [
                            ("CSV", f"/download/state/{view.state}/most_exposed.csv", None),
                            *[
                                (
                                    fmt.upper(),
                                    f"/download/figure/most-exposed.{fmt}{figure_query}",
                                    None,
                                )
                                for fmt in ("png", "svg")
                            ],
                        ]
                    ),
                ],
                className="downloads",
            ),
        ],
        className="panel",
    )


def sort_exposed(*values):
    """A sort button pressed: the rows in the new order, and each header's aria-sort."""
    *_buttons, current, state = values
    pressed = tables.pressed(TABLE)
    if pressed is None:
        raise PreventUpdate  # the buttons being drawn with a new body
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


CALLBACKS = (
    Callback(
        sort_exposed,
        outputs=(
            Output("exposed-sort", "data"),
            Output(f"{TABLE}-body", "children"),
            Output(f"{TABLE}-caption", "children"),
            *tables.sort_outputs(TABLE, COLUMNS),
        ),
        inputs=tables.sort_inputs(TABLE, COLUMNS),
        state=(State("exposed-sort", "data"), State("state-code", "data")),
        example=lambda data: Example(
            (*[1 if c.key == "jobs" else 0 for c in COLUMNS], list(DEFAULT_SORT), "IN"),
            fired=[c.key for c in COLUMNS].index("jobs"),
        ),
    ),
)
