"""`/`: the US map with a metric and wave selector and a ranking table beside it."""

from __future__ import annotations

from functools import lru_cache

from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components as ui
from dashboard.data import marts
from dashboard.figures.maps import MapRow, choropleth
from dashboard.metrics import METRICS
from dashboard.urls import BadParameter, build_query, map_params, parse_query

SORTS = {"rank": "Rank", "name": "State", "value": "Value"}


def _view(query: dict[str, str]) -> tuple[str, str, str | None]:
    return map_params(query, marts())


def download_href(path: str, metric: str, wave: str, cluster: str | None) -> str:
    return f"/download/{path}" + build_query(metric=metric, wave=wave, cluster=cluster)


def _title(metric: str, wave: str, cluster: str | None) -> str:
    data = marts()
    spec = METRICS[metric]
    what = dict(data.clusters(wave)).get(cluster, "") if metric == "cluster" else spec.label
    return f"{what} — {data.wave_label(wave)}"


@lru_cache(maxsize=256)  # figures are pure functions of these three: build each once
def map_figure(metric: str, wave: str, cluster: str | None):
    rows, us_value = marts().map_rows(metric, wave, cluster)
    return ui.as_dict(choropleth(rows, METRICS[metric], us_value)), rows, us_value


@lru_cache(maxsize=512)
def ranking(rows: tuple[MapRow, ...], metric: str, sort: str = "rank") -> html.Table:
    spec = METRICS[metric]
    key = {
        "rank": lambda r: (r.rank is None, r.rank or 0),
        "name": lambda r: r.name,
        "value": lambda r: (r.value is None, -(r.value or 0)),
    }[sort]
    ordered = sorted(rows, key=key)
    return ui.table(
        ["Rank", "State", spec.short],
        [[r.rank if r.rank else "—", r.name, spec.format(r.value)] for r in ordered],
        caption=f"{spec.label}, states ranked (1 = highest)",
        table_id="ranking-table",
        numeric=[True, False, True],
    )


@lru_cache(maxsize=512)
def frozen_ranking(rows: tuple[MapRow, ...], metric: str, sort: str) -> object:
    return ui.frozen(ranking(rows, metric, sort))


def layout(query: dict[str, str]) -> html.Div:
    data = marts()
    metric, wave, cluster = _view(query)
    figure, rows, _ = map_figure(metric, wave, cluster)
    spec = METRICS[metric]
    return html.Div(
        [
            html.H1("Where is AI used most?"),
            html.P(
                "Claude conversations per state from the Anthropic Economic Index, joined with "
                "the jobs people hold (BLS OEWS May 2025). Click a state for its profile.",
                className="lede",
            ),
            html.Div(
                [
                    ui.labelled(
                        "Metric",
                        "metric",
                        dcc.Dropdown(
                            id="metric",
                            value=metric,
                            clearable=False,
                            searchable=False,
                            options=[{"label": m.label, "value": m.id} for m in METRICS.values()],
                        ),
                    ),
                    ui.wave_dropdown("wave", wave, data),
                    html.Div(
                        ui.labelled(
                            "Use of AI",
                            "cluster",
                            dcc.Dropdown(
                                id="cluster",
                                value=cluster,
                                clearable=False,
                                options=[
                                    {"label": name, "value": cid}
                                    for cid, name in data.clusters(
                                        wave
                                        if metric == "cluster"
                                        else data.waves_with_requests()[-1]
                                    )
                                ],
                            ),
                        ),
                        id="cluster-control",
                        hidden=metric != "cluster",
                    ),
                ],
                className="controls",
                role="group",
                **{"aria-label": "Map settings"},
            ),
            html.Div(
                [
                    html.Section(
                        [
                            html.H2(_title(metric, wave, cluster), id="map-title"),
                            ui.graph(
                                "map",
                                figure,
                                "Map of US states coloured by the chosen metric; "
                                "the same numbers are in the ranking table.",
                                className="map-graph",
                            ),
                            html.P(spec.definition, id="metric-definition", className="source"),
                            html.P(
                                [
                                    "Download this view: ",
                                    *ui.download_links(
                                        [
                                            (
                                                "CSV",
                                                download_href("map.csv", metric, wave, cluster),
                                                "map-csv",
                                            ),
                                            (
                                                "PNG",
                                                download_href(
                                                    "figure/map.png", metric, wave, cluster
                                                ),
                                                "map-png",
                                            ),
                                            (
                                                "SVG",
                                                download_href(
                                                    "figure/map.svg", metric, wave, cluster
                                                ),
                                                "map-svg",
                                            ),
                                        ]
                                    ),
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
                                [
                                    html.Span("Sort by ", className="sort-label"),
                                    *[
                                        html.Button(
                                            label,
                                            id={"type": "sort", "key": key},
                                            className="sort-button",
                                            n_clicks=0,
                                        )
                                        for key, label in SORTS.items()
                                    ],
                                ],
                                className="sort-buttons",
                                role="group",
                                **{"aria-label": "Sort the ranking"},
                            ),
                            html.Div(
                                ranking(rows, metric), id="ranking", className="ranking-scroll"
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


@callback(
    Output("map-url", "search"),
    Output("metric", "value"),
    Output("wave", "value"),
    Output("cluster", "value"),
    Output("cluster", "options"),
    Output("cluster-control", "hidden"),
    Output("map", "figure"),
    Output("map-title", "children"),
    Output("metric-definition", "children"),
    Output("ranking", "children"),
    Output("map-csv", "href"),
    Output("map-png", "href"),
    Output("map-svg", "href"),
    Input("map-url", "search"),
    Input("metric", "value"),
    Input("wave", "value"),
    Input("cluster", "value"),
    Input("ranking-sort", "data"),
    prevent_initial_call=True,
)
@ui.never_fails
def sync_map(search, metric, wave, cluster, sort):
    """One callback keeps the URL and the controls in step, both ways (back/forward too)."""
    data = marts()
    if ctx.triggered_id == "map-url":
        query = parse_query(search)
    else:
        if metric == "cluster" and wave not in data.waves_with_requests():
            wave = data.waves_with_requests()[-1]
        if metric == "cluster" and cluster not in dict(data.clusters(wave)):
            cluster = None
        query = {
            "metric": metric,
            "wave": wave,
            "cluster": cluster if metric == "cluster" else None,
        }
    shown = (metric, wave, cluster if metric == "cluster" else None)
    try:
        metric, wave, cluster = _view(query)
    except BadParameter:
        return (no_update,) * 13
    if ctx.triggered_id == "map-url" and (metric, wave, cluster) == shown:
        raise PreventUpdate  # the URL component reporting the view already on screen
    figure, rows, _ = map_figure(metric, wave, cluster)
    new_search = build_query(
        metric=None if metric == "aui" else metric,
        wave=None if wave == data.latest_wave else wave,
        cluster=cluster,
    )
    options = [
        {"label": name, "value": cid}
        for cid, name in data.clusters(
            wave if metric == "cluster" else data.waves_with_requests()[-1]
        )
    ]
    return (
        new_search if new_search != (search or "") else no_update,
        metric,
        wave,
        cluster,
        options,
        metric != "cluster",
        figure,
        _title(metric, wave, cluster),
        METRICS[metric].definition,
        frozen_ranking(rows, metric, sort or "rank"),
        *[
            download_href(path, metric, wave, cluster)
            for path in ("map.csv", "figure/map.png", "figure/map.svg")
        ],
    )


@callback(
    Output("ranking-sort", "data"),
    Input({"type": "sort", "key": "rank"}, "n_clicks"),
    Input({"type": "sort", "key": "name"}, "n_clicks"),
    Input({"type": "sort", "key": "value"}, "n_clicks"),
    prevent_initial_call=True,
)
@ui.never_fails
def choose_sort(*_clicks):
    return ctx.triggered_id["key"] if ctx.triggered_id else no_update


@callback(
    Output("url", "pathname", allow_duplicate=True),
    Output("url", "search", allow_duplicate=True),
    Input("map", "clickData"),
    State("wave", "value"),
    prevent_initial_call=True,
)
@ui.never_fails
def open_state(click, wave):
    """A click on a state opens its profile (keeping the wave)."""
    try:
        state = click["points"][0]["location"]
    except (TypeError, KeyError, IndexError):
        raise PreventUpdate from None  # the graph reporting "no click yet" on mount
    return f"/state/{state}", "" if wave == marts().latest_wave else build_query(wave=wave)
