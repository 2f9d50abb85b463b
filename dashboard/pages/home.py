"""`/`: the US map with a metric and wave selector and a ranking table beside it."""

from __future__ import annotations

from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import area_data, occupation_controls, present, previews, views
from dashboard import components as ui
from dashboard.data import Marts, marts, per_marts
from dashboard.metrics import METRICS
from dashboard.pages.page import Callback, Example, Page
from dashboard.urls import BadParameter, MapView, StateView, build_query, choice, sync_url

SORTS = {"rank": "Rank", "name": "State", "value": "Value"}
AREAS_LISTED = 50
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
    if view.tab == "chart":  # the chart shown: its bars, not the map
        path = path.replace("figure/map.", "figure/map-bars.")
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


TAB_LABELS = {"map": "Map", "chart": "Chart", "table": "Table"}
BREAK_MARK = "◆"


def slider_waves(data: Marts, view: MapView) -> tuple[str, ...]:
    """The waves the slider steps through: those with the metric; none for a metric that
    is the same in every wave (OEWS jobs and national scores)."""
    waves = data.metric_waves(view.metric)
    return waves if METRICS[view.metric].by_wave and len(waves) > 1 else ()


def slider_marks(data: Marts, waves: tuple[str, ...]) -> dict[int, str]:
    """Each wave's mark; a wave that starts a new release is marked ◆."""
    breaks = set(data.release_breaks)
    return {i: f"{BREAK_MARK} {w}" if w in breaks else w for i, w in enumerate(waves)}


def slider_state(data: Marts, view: MapView) -> tuple[int, int, dict[int, str], bool]:
    """The slider's value, last index, marks, and whether it is hidden."""
    waves = slider_waves(data, view)
    if not waves:
        return 0, 1, {}, True
    return waves.index(view.wave), len(waves) - 1, slider_marks(data, waves), False


def layout_class(view: MapView) -> str:
    return f"map-layout tab-{view.tab}"


FIGURE_LABELS = {
    "map": "Map of US states coloured by the chosen metric; the same numbers are in the "
    "ranking table.",
    "chart": "Bar chart of the states ranked by the chosen metric; the same numbers are in "
    "the ranking table.",
    "table": "",
}


def tab_figure(data: Marts, view: MapView) -> object:
    """The Map tab's choropleth or the Chart tab's ranked bars, in one graph (the Table
    tab hides it and keeps what it drew)."""
    if view.tab == "chart":
        return views.map_bars_json(data, view.shown)
    if view.tab == "map":
        return views.map_figure_json(data, view.shown)
    return no_update


def figure_box(data: Marts, view: MapView) -> html.Div:
    figure = tab_figure(data, view)
    box = ui.graph(
        "map",
        views.map_figure_json(data, view.shown) if figure is no_update else figure,
        FIGURE_LABELS[view.tab] or FIGURE_LABELS["map"],
        className="map-graph",
    )
    box.id = "map-figure"
    return box


@per_marts(maxsize=512)
def ranking(data: Marts, view: MapView, sort: str) -> object:
    """The ranking table (as Dash's JSON) with the marts' ranks; tied states by name."""
    metric = views.map_metric(view)
    rows, _ = views.map_rows(data, view.shown)
    key = {
        "rank": lambda r: (r.rank is None, r.rank or 0, r.name),
        "name": lambda r: r.name,
        "value": lambda r: (r.value is None, -(r.value or 0), r.name),
    }[sort]
    page = "area" if view.metric == "metro" else "state"
    # The metro map has 436 areas: a page of them keeps the callback small (the CSV has all).
    listed = AREAS_LISTED if page == "area" else len(rows)
    # Plausible ranks only where the metric has rank intervals (not OEWS or national values).
    plausible = bool(metric.rank_low)
    return ui.frozen(
        ui.table(
            ["Rank", *(["Plausible ranks"] if plausible else []), page.capitalize(), metric.short],
            [
                [
                    present.rank_short(r.rank, r.tied),
                    *([r.rank_range] if plausible else []),
                    [
                        ui.link(r.name, f"/{page}/{r.state}"),
                        ui.element("Span", FLAG_MARK, title=FLAG_NOTE) if r.flagged else "",
                    ],
                    r.value_text,
                ]
                for r in sorted(rows, key=key)[:listed]
            ],
            caption=f"{metric.label}, {page}s ranked (1 = highest)"
            + (
                f": the first {listed} of {len(rows)} in this order (every area is in the CSV); "
                "metros are ranked, nonmetro remainders listed unranked"
                if page == "area"
                else ""
            ),
            table_id="ranking-table",
            numeric=[True, *([True] if plausible else []), False, True],
            stacking=False,  # four narrow columns fit a phone
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
    slider = slider_state(data, view)
    sort_buttons = [
        html.Button(
            label,
            id={"type": "sort", "key": key},
            className="sort-button",
            n_clicks=0,
            **{"aria-pressed": pressed(key, "rank")},
        )
        for key, label in SORTS.items()
    ]
    return html.Div(
        [
            html.H1("Where is Claude.ai used most?"),
            html.P(
                "Claude.ai conversations per state from the Anthropic Economic Index, joined with "
                "the jobs people hold (BLS OEWS May 2025). Click a state, or pick one from the "
                "list under the map, for its profile.",
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
            ui.share_panel(),
            html.Div(
                [
                    html.Div(
                        [
                            html.Button(
                                label,
                                id={"type": "map-tab", "key": key},
                                type="button",
                                className="tab-button",
                                n_clicks=0,
                                **{"aria-pressed": "true" if key == view.tab else "false"},
                            )
                            for key, label in TAB_LABELS.items()
                        ],
                        className="tab-buttons",
                        role="group",
                        **{"aria-label": "Show the metric as"},
                    ),
                    html.Div(
                        [
                            html.Span("Wave", id="wave-slider-label", className="slider-label"),
                            dcc.Slider(
                                id="wave-slider",
                                min=0,
                                max=slider[1],
                                step=1,
                                value=slider[0],
                                marks=slider[2],
                                included=False,
                                allow_direct_input=False,
                            ),
                            html.P(
                                f"{BREAK_MARK} a new release starts: its sample window, platform "
                                "or taxonomy may differ from the wave before.",
                                className="source",
                            ),
                        ],
                        id="wave-slider-control",
                        className="wave-slider",
                        role="group",
                        hidden=slider[3],
                        **{"aria-labelledby": "wave-slider-label"},
                    ),
                ],
                className="view-bar",
            ),
            html.Div(
                [
                    html.Section(
                        [
                            html.H2(views.map_title(data, view), id="map-title"),
                            figure_box(data, view),
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
                            html.P(views.map_claim(data, view.shown), id="map-claim"),
                            html.P(RANKING_NOTE, className="source"),
                            ui.scroll_box(
                                ranking(data, view.shown, "rank"),
                                "Ranking table",
                                "ranking-scroll",
                                id="ranking",
                            ),
                        ],
                        className="ranking-panel",
                    ),
                ],
                id="map-layout",
                className=layout_class(view),
            ),
            dcc.Store(id="map-tab", data=view.tab),
            dcc.Store(id="ranking-sort", data="rank"),
            # This page's own view of the URL: its callbacks fire only while it is shown.
            dcc.Location(id="map-url", refresh="callback-nav"),
        ]
    )


def sync_map(search, metric, wave, cluster, occupation, measure, sort, tab, step, was_hidden):
    """The URL and the controls in step, both ways (back/forward too), and the view drawn:
    only the tab shown is drawn (the other chart when its tab is chosen). The occupation
    control, hidden until the occupation metric is chosen, gets its ~800 options when it
    is first shown (occupation_controls.listed_options)."""
    data = marts()
    try:
        sort = choice("sort", sort, list(SORTS), "rank")
    except BadParameter:
        raise PreventUpdate from None
    if ctx.triggered_id == "wave-slider":
        known = isinstance(metric, str) and metric in METRICS  # a posted list is no metric
        waves = slider_waves(data, MapView(metric, wave)) if known else ()
        if not isinstance(step, int) or not 0 <= step < len(waves):
            raise PreventUpdate
        wave = waves[step]
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
            "tab": tab,
        },
        from_url=ctx.triggered_id == "map-url",
    )
    shown = view.shown
    return (
        new_search,
        view.metric,
        view.wave,
        view.cluster,
        cluster_options(data, view),
        metric_options(data, view.wave),
        wave_options(data, view.metric),
        view.metric != "cluster",
        occupation_controls.occupation_options(data)
        if view.metric == "occupation" and was_hidden is not False
        else no_update,
        # another metric leaves the occupation controls as they are
        view.occupation or no_update,
        view.measure or no_update,
        view.metric != "occupation",
        tab_figure(data, view),
        FIGURE_LABELS[view.tab] or no_update,
        views.map_title(data, view),
        definition(data, view),
        views.map_claim(data, shown),
        ranking(data, shown, sort),
        *[download_href(path, view) for _, path, _ in DOWNLOADS],
        view.tab,
        layout_class(view),
        *["true" if key == view.tab else "false" for key in TAB_LABELS],
        *slider_state(data, view),
    )


def pressed(key: str, sort: str) -> str:
    """A sort button's aria-pressed: screen readers say which order the ranking is in."""
    return "true" if key == sort else "false"


def choose_tab(*_clicks):
    return ctx.triggered_id["key"] if ctx.triggered_id else no_update


def choose_sort(*_clicks):
    if not ctx.triggered_id:
        return no_update, *[no_update for _ in SORTS]
    sort = ctx.triggered_id["key"]
    return sort, *[pressed(key, sort) for key in SORTS]


def state_list(data: Marts) -> html.Details:
    """Every state as a link, A to Z: a way to open a state without aiming at the map (on a
    phone) or without a mouse."""
    return html.Details(
        [
            html.Summary("All states, A to Z"),
            html.Ul(
                [
                    html.Li(dcc.Link(name, href=f"/state/{code}"))
                    for code, name in sorted(data.state_names.items(), key=lambda kv: kv[1])
                ],
                className="state-list",
            ),
        ],
        className="state-picker",
    )


def open_state(click, wave):
    """A click on a state opens its profile (keeping the wave); on an area, its page. A
    map's shape names it by `location`, a Chart-tab bar by `customdata`."""
    try:
        point = click["points"][0]
        location = point["location"] if "location" in point else point["customdata"]
    except (TypeError, KeyError, IndexError):
        raise PreventUpdate from None  # the graph reporting "no click yet" on mount
    data = marts()
    if isinstance(location, str) and area_data.area(data, location) is not None:
        return f"/area/{location}", ""
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
                Output("occupation", "options"),
                Output("occupation", "value"),
                Output("measure", "value"),
                Output("occupation-control", "hidden"),
                Output("map", "figure"),
                Output("map-figure", "aria-label"),
                Output("map-title", "children"),
                Output("metric-definition", "children"),
                Output("map-claim", "children"),
                Output("ranking", "children"),
                *[Output(link_id, "href") for _, _, link_id in DOWNLOADS],
                Output("map-tab", "data"),
                Output("map-layout", "className"),
                *[Output({"type": "map-tab", "key": key}, "aria-pressed") for key in TAB_LABELS],
                Output("wave-slider", "value"),
                Output("wave-slider", "max"),
                Output("wave-slider", "marks"),
                Output("wave-slider-control", "hidden"),
            ),
            inputs=(
                Input("map-url", "search"),
                Input("metric", "value"),
                Input("wave", "value"),
                Input("cluster", "value"),
                Input("occupation", "value"),
                Input("measure", "value"),
                Input("ranking-sort", "data"),
                Input("map-tab", "data"),
                Input("wave-slider", "value"),
            ),
            state=(State("occupation-control", "hidden"),),
            example=lambda data: Example(
                (
                    "",
                    "aui",
                    data.latest_wave,
                    None,
                    None,
                    None,
                    "rank",
                    "map",
                    len(data.metric_waves("aui")) - 1,
                    True,
                ),
                fired=1,
            ),
        ),
        Callback(
            choose_tab,
            outputs=(Output("map-tab", "data", allow_duplicate=True),),
            inputs=tuple(Input({"type": "map-tab", "key": key}, "n_clicks") for key in TAB_LABELS),
            example=lambda data: Example((0, 1, 0), fired=1),
        ),
        Callback(
            choose_sort,
            outputs=(
                Output("ranking-sort", "data"),
                *(Output({"type": "sort", "key": key}, "aria-pressed") for key in SORTS),
            ),
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
