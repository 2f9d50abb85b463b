"""`/`: the US map with a metric and wave selector and a ranking table beside it."""

from __future__ import annotations

from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components as ui
from dashboard import occupation_controls, present, previews, views
from dashboard.data import Marts, marts, per_marts
from dashboard.metrics import METRICS
from dashboard.pages.page import Callback, Example, Page
from dashboard.urls import BadParameter, MapView, StateView, build_query, choice, sync_url

SORTS = {"rank": "Rank", "name": "State", "value": "Value"}
FLAG_MARK = " ⚑"
FLAG_NOTE = "a publisher's caveat or an automatic flag: see the state's profile"
RANKING_NOTE = (
    f"{present.TIE_NOTE} Plausible ranks: the ranks sampling (or the published rounding) "
    f"allows, 95 %. ⚑ marks {FLAG_NOTE}."
)
DOWNLOADS = (  # (link text, path under /download/, link id)
    ("CSV", "map.csv", "map-csv"),
    ("PNG", "figure/map.png", "map-png"),
    ("SVG", "figure/map.svg", "map-svg"),
)


def download_href(path: str, view: MapView) -> str:
    return f"/download/{path}" + build_query(
        metric=view.metric,
        wave=view.wave,
        cluster=view.cluster,
        occupation=view.occupation,
        measure=view.measure,
    )


def cluster_options(data: Marts, view: MapView) -> list[dict[str, str]]:
    """The uses of AI of the map's wave (of the latest wave with them, for other metrics)."""
    wave = view.wave if view.metric == "cluster" else data.waves_with_requests[-1]
    return [{"label": name, "value": cid} for cid, name in data.clusters(wave)]


def definition(data: Marts, view: MapView) -> str:
    return present.metric_definition(views.map_metric(view), data.high_exposure_threshold)


def metric_options(data: Marts, wave: str) -> list[dict[str, object]]:
    """Every metric; one the wave lacks is offered disabled with its reason, so choosing a
    wave never switches the metric silently (and the other way round)."""
    return [
        {"label": m.label, "value": m.id}
        if wave in data.metric_waves(m.id)
        else {"label": f"{m.label} (not in the {wave} release)", "value": m.id, "disabled": True}
        for m in METRICS.values()
    ]


def wave_options(data: Marts, metric: str) -> list[dict[str, object]]:
    return ui.wave_options(data.wave_labels, data.metric_waves(metric), METRICS[metric].short)


@per_marts(maxsize=512)
def ranking(data: Marts, view: MapView, sort: str) -> object:
    """The ranking table (as Dash's JSON) with the marts' ranks; tied states by name."""
    metric = views.map_metric(view)
    rows, _ = views.map_rows(data, view)
    key = {
        "rank": lambda r: (r.rank is None, r.rank or 0, r.name),
        "name": lambda r: r.name,
        "value": lambda r: (r.value is None, -(r.value or 0), r.name),
    }[sort]
    return ui.frozen(
        ui.table(
            ["Rank", "Plausible ranks", "State", metric.short],
            [
                [
                    present.rank_short(r.rank, r.tied),
                    r.rank_range,
                    [
                        dcc.Link(r.name, href=f"/state/{r.state}"),
                        html.Span(FLAG_MARK, title=FLAG_NOTE) if r.flagged else "",
                    ],
                    r.value_text,
                ]
                for r in sorted(rows, key=key)
            ],
            caption=f"{metric.label}, states ranked (1 = highest)",
            table_id="ranking-table",
            numeric=[True, True, False, True],
        )
    )


def layout(view: MapView, data: Marts) -> html.Div:
    metric_control = dcc.Dropdown(
        id="metric",
        value=view.metric,
        clearable=False,
        searchable=False,
        options=metric_options(data, view.wave),
    )
    cluster_control = dcc.Dropdown(
        id="cluster", value=view.cluster, clearable=False, options=cluster_options(data, view)
    )
    downloads = [(text, download_href(path, view), i) for text, path, i in DOWNLOADS]
    sort_buttons = [
        html.Button(label, id={"type": "sort", "key": key}, className="sort-button", n_clicks=0)
        for key, label in SORTS.items()
    ]
    return html.Div(
        [
            html.H1("Where is Claude.ai used most?"),
            html.P(
                "Claude.ai conversations per state from the Anthropic Economic Index, joined with "
                "the jobs people hold (BLS OEWS May 2025). Click a state for its profile.",
                className="lede",
            ),
            html.Div(
                [
                    ui.labelled("Metric", "metric", metric_control),
                    ui.labelled(
                        "Wave",
                        "wave",
                        dcc.Dropdown(
                            id="wave",
                            value=view.wave,
                            clearable=False,
                            searchable=False,
                            options=wave_options(data, view.metric),
                        ),
                    ),
                    html.Div(
                        ui.labelled("Use of AI", "cluster", cluster_control),
                        id="cluster-control",
                        hidden=view.metric != "cluster",
                    ),
                    occupation_controls.map_controls(data, view),
                ],
                className="controls",
                role="group",
                **{"aria-label": "Map settings"},
            ),
            html.Div(
                [
                    html.Section(
                        [
                            html.H2(views.map_title(data, view), id="map-title"),
                            ui.graph(
                                "map",
                                views.map_figure_json(data, view),
                                "Map of US states coloured by the chosen metric; "
                                "the same numbers are in the ranking table.",
                                className="map-graph",
                            ),
                            html.P(
                                definition(data, view), id="metric-definition", className="source"
                            ),
                            html.P(
                                [
                                    "Download this view: ",
                                    *ui.download_links(downloads),
                                    " · ",
                                    dcc.Link("all data and the dictionary", href="/methodology"),
                                ],
                                className="downloads",
                            ),
                        ],
                        className="map-panel",
                    ),
                    html.Section(
                        [
                            html.H2("Ranking"),
                            html.Div(
                                [html.Span("Sort by ", className="sort-label"), *sort_buttons],
                                className="sort-buttons",
                                role="group",
                                **{"aria-label": "Sort the ranking"},
                            ),
                            html.P(views.map_claim(data, view), id="map-claim"),
                            html.P(RANKING_NOTE, className="source"),
                            html.Div(
                                ranking(data, view, "rank"),
                                id="ranking",
                                className="ranking-scroll",
                            ),
                        ],
                        className="ranking-panel",
                    ),
                ],
                className="map-layout",
            ),
            dcc.Store(id="ranking-sort", data="rank"),
            # This page's own view of the URL: its callbacks fire only while it is shown.
            dcc.Location(id="map-url", refresh="callback-nav"),
        ]
    )


def sync_map(search, metric, wave, cluster, occupation, measure, sort):
    """The URL and the controls in step, both ways (back/forward too), and the view drawn."""
    data = marts()
    try:
        sort = choice("sort", sort, list(SORTS), "rank")
    except BadParameter:
        raise PreventUpdate from None
    view, new_search = sync_url(
        MapView,
        data,
        search,
        {
            "metric": metric,
            "wave": wave,
            "cluster": cluster,
            "occupation": occupation,
            "measure": measure,
        },
        from_url=ctx.triggered_id == "map-url",
    )
    return (
        new_search,
        view.metric,
        view.wave,
        view.cluster,
        cluster_options(data, view),
        metric_options(data, view.wave),
        wave_options(data, view.metric),
        view.metric != "cluster",
        # another metric leaves the occupation controls as they are
        view.occupation or no_update,
        view.measure or no_update,
        view.metric != "occupation",
        views.map_figure_json(data, view),
        views.map_title(data, view),
        definition(data, view),
        views.map_claim(data, view),
        ranking(data, view, sort),
        *[download_href(path, view) for _, path, _ in DOWNLOADS],
    )


def choose_sort(*_clicks):
    return ctx.triggered_id["key"] if ctx.triggered_id else no_update


def open_state(click, wave):
    """A click on a state opens its profile (keeping the wave)."""
    try:
        location = click["points"][0]["location"]
    except (TypeError, KeyError, IndexError):
        raise PreventUpdate from None  # the graph reporting "no click yet" on mount
    data = marts()
    try:
        view = StateView.parse({"state": location, "wave": wave}, data)
    except BadParameter:
        raise PreventUpdate from None
    return f"/state/{view.state}", view.search(data)


PAGE = Page(
    name="map",
    path="/",
    parse=MapView.parse,
    layout=layout,
    title=lambda view, data: "Map",
    preview=previews.map_page,
    embeddable=True,
    callbacks=(
        Callback(
            sync_map,
            outputs=(
                Output("map-url", "search"),
                Output("metric", "value"),
                Output("wave", "value"),
                Output("cluster", "value"),
                Output("cluster", "options"),
                Output("metric", "options"),
                Output("wave", "options"),
                Output("cluster-control", "hidden"),
                Output("occupation", "value"),
                Output("measure", "value"),
                Output("occupation-control", "hidden"),
                Output("map", "figure"),
                Output("map-title", "children"),
                Output("metric-definition", "children"),
                Output("map-claim", "children"),
                Output("ranking", "children"),
                *[Output(link_id, "href") for _, _, link_id in DOWNLOADS],
            ),
            inputs=(
                Input("map-url", "search"),
                Input("metric", "value"),
                Input("wave", "value"),
                Input("cluster", "value"),
                Input("occupation", "value"),
                Input("measure", "value"),
                Input("ranking-sort", "data"),
            ),
            example=lambda data: Example(
                ("", "aui", data.latest_wave, None, None, None, "rank"), fired=1
            ),
        ),
        Callback(
            choose_sort,
            outputs=(Output("ranking-sort", "data"),),
            inputs=tuple(Input({"type": "sort", "key": key}, "n_clicks") for key in SORTS),
            example=lambda data: Example((0, 1, 0), fired=1),
        ),
        Callback(
            open_state,
            outputs=(
                Output("url", "pathname", allow_duplicate=True),
                Output("url", "search", allow_duplicate=True),
            ),
            inputs=(Input("map", "clickData"),),
            state=(State("wave", "value"),),
            example=lambda data: Example(({"points": [{"location": "IN"}]}, data.latest_wave)),
        ),
    ),
)
