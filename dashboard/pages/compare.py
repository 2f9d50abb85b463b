"""`/compare?states=IN,OH,MI`: two to four states side by side."""

from __future__ import annotations

from dash import Input, Output, ctx, dcc, html

from dashboard import components as ui
from dashboard import present, previews, views
from dashboard.data import Marts, marts, per_marts
from dashboard.figures.charts import compare_bars, trend_lines
from dashboard.metrics import METRICS
from dashboard.pages.page import Callback, Example, Page
from dashboard.urls import MAX_COMPARED, CompareView, build_query, sync_url

COMPARED_METRICS = ("aui", "usage_share", "automation", "exposure")


def _charts(data: Marts, view: CompareView) -> list[html.Div]:
    names = {s: data.state_names[s] for s in view.states}
    charts = []
    for metric in (METRICS[m] for m in COMPARED_METRICS):
        places = {names[s]: s for s in view.states}
        if metric.id != "usage_share":  # the US is 100% of itself
            places["United States"] = "US"
        values = {}
        for name, place in places.items():
            row = data.summary(view.wave, place) or {}
            values[name] = (metric.scaled(row.get(metric.column)), present.value_text(metric, row))
        figure = compare_bars(
            values, metric.label, metric.axis, reference=1.0 if metric.id == "aui" else None
        )
        charts.append(
            ui.graph(f"compare-{metric.id}", figure, f"Bar chart comparing {metric.label}")
        )
    return charts


def _table(data: Marts, view: CompareView) -> html.Table:
    """Each metric's value, and for a state its rank among the 51 as the marts have it."""
    rows = []
    for place in [*view.states, "US"]:
        row = data.summary(view.wave, place) or {}
        cells = []
        for metric in (METRICS[m] for m in COMPARED_METRICS):
            value = present.value_text(metric, row)
            rank = "" if place == "US" else present.metric_rank(metric, row)
            cells.append(html.Span([value, html.Br(), html.Small(rank)]) if rank else value)
        name = "United States" if place == "US" else data.state_names[place]
        rows.append([name, *cells, row.get("largest_occupation_1_title") or "—"])
    return ui.table(
        ["Place", *[METRICS[m].short for m in COMPARED_METRICS], "Largest occupation"],
        rows,
        caption=f"Side by side, wave {view.wave}. {present.SHORT_RANK_NOTE}",
        numeric=[False, True, True, True, True, False],
    )


def _flags(data: Marts, view: CompareView) -> html.Div | None:
    """Caveats and automatic flags of the compared states in this wave."""
    notes = [
        f"{data.state_names[s]}: {flag}"
        for s in view.states
        for flag in present.flags(data.summary(view.wave, s) or {})
    ]
    return html.Div([html.P(n) for n in notes], className="caveat", role="note") if notes else None


def _uses(data: Marts, view: CompareView) -> list[html.Div]:
    columns = []
    for state in view.states:
        used, top = data.top_uses(state, view.wave, "major", 5)
        if used is None:
            caption = "Request clusters are not published for this state."
        else:
            support = data.request_support(state, used, "major")
            caption = "; ".join(
                part
                for part in (
                    f"Wave {used}"
                    + (" (the latest with request clusters)" if used != view.wave else ""),
                    present.conversations_text(support.get("conversations")),
                    present.support_text(support.get("support"), support.get("support_reason")),
                )
                if part
            )
        columns.append(
            html.Div(
                [
                    html.H3(data.state_names[state]),
                    ui.table(
                        ["Use of AI", "%", "95 % interval", "× US"],
                        [
                            [
                                r.label,
                                r.state_pct,
                                present.range_text(r.low, r.high),
                                r.specialization,
                            ]
                            for r in top
                        ],
                        caption=caption,
                        numeric=[False, True, True, True],
                    ),
                ],
                className="compare-column",
            )
        )
    return columns


@per_marts(maxsize=128)
def body(data: Marts, view: CompareView) -> object:
    """The comparison below the controls, as Dash's JSON: a pure function of the view."""
    if len(view.states) < 2:
        return ui.frozen(
            [html.P("Choose at least two states to compare.", className="notice-info")]
        )
    trends = trend_lines(
        {data.state_names[s]: data.trend(s, "aui") for s in view.states},
        "AUI across waves",
        "index",
        views.release_breaks(data),
        reference=1.0,
    )
    csv = "/download/compare.csv" + build_query(states=",".join(view.states), wave=view.wave)
    return ui.frozen(
        [
            html.P(
                ["Download this comparison: ", *ui.download_links([("CSV", csv, None)])],
                className="downloads",
            ),
            _flags(data, view),
            _table(data, view),
            html.P(present.SAMPLING_NOTE, className="source"),
            html.Div(_charts(data, view), className="four-up"),
            html.H2("Top uses of AI"),
            html.Div(_uses(data, view), className="compare-row"),
            ui.graph("compare-trend", trends, "Line chart: AUI across waves for the chosen states"),
        ]
    )


def layout(view: CompareView, data: Marts) -> html.Div:
    states_control = dcc.Dropdown(
        id="compare-states",
        value=list(view.states),
        multi=True,
        options=[
            {"label": name, "value": code}
            for code, name in sorted(data.state_names.items(), key=lambda kv: kv[1])
        ],
    )
    return html.Div(
        [
            html.H1("Compare states"),
            html.Div(
                [
                    ui.labelled(f"States (2 to {MAX_COMPARED})", "compare-states", states_control),
                    ui.wave_dropdown("compare-wave", view.wave, data.wave_labels),
                ],
                className="controls",
                role="group",
                **{"aria-label": "Comparison settings"},
            ),
            ui.share_panel(),
            html.Div(body(data, view), id="compare-body"),
            dcc.Location(id="compare-url", refresh="callback-nav"),
        ]
    )


def sync_compare(search, states, wave):
    data = marts()
    view, new_search = sync_url(
        CompareView,
        data,
        search,
        {"states": states, "wave": wave},
        from_url=ctx.triggered_id == "compare-url",
    )
    return new_search, list(view.states), view.wave, body(data, view)


PAGE = Page(
    name="compare",
    path="/compare",
    parse=CompareView.parse,
    layout=layout,
    title=lambda view, data: "Compare " + ", ".join(view.states),
    preview=previews.compare,
    embeddable=True,
    callbacks=(
        Callback(
            sync_compare,
            outputs=(
                Output("compare-url", "search"),
                Output("compare-states", "value"),
                Output("compare-wave", "value"),
                Output("compare-body", "children"),
            ),
            inputs=(
                Input("compare-url", "search"),
                Input("compare-states", "value"),
                Input("compare-wave", "value"),
            ),
            example=lambda data: Example(("", ["IN", "OH"], data.latest_wave), fired=1),
        ),
    ),
)
