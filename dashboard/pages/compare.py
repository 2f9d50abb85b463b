"""`/compare?states=IN,OH,MI`: two to four states side by side."""

from __future__ import annotations

from functools import lru_cache

from dash import Input, Output, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components as ui
from dashboard.data import marts
from dashboard.figures.charts import compare_bars, trend_lines
from dashboard.metrics import METRICS
from dashboard.urls import (
    MAX_COMPARED,
    BadParameter,
    build_query,
    parse_query,
    state_list,
    wave_id,
)

DEFAULT_STATES = ["IN", "OH", "MI"]
COMPARED_METRICS = ("aui", "usage_share", "automation", "exposure")


def _params(query: dict[str, str]) -> tuple[list[str], str]:
    data = marts()
    states = state_list(query.get("states")) or DEFAULT_STATES
    return states, wave_id(query.get("wave"), data.waves)


def body(states: list[str], wave: str) -> list:
    return _body(tuple(states), wave)


@lru_cache(maxsize=128)
def _frozen_body(states: tuple[str, ...], wave: str) -> object:
    return ui.frozen(_body(states, wave))


@lru_cache(maxsize=128)
def _body(states: tuple[str, ...], wave: str) -> list:
    data = marts()
    if len(states) < 2:
        return [html.P("Choose at least two states to compare.", className="notice-info")]
    names = {s: data.state_names[s] for s in states}
    charts = []
    for metric in COMPARED_METRICS:
        spec = METRICS[metric]
        values = {names[s]: (data.summary(wave, s) or {}).get(spec.column) for s in states}
        if metric != "usage_share":  # the US is 100 % of itself
            values["United States"] = (data.summary(wave, "US") or {}).get(spec.column)
        if metric == "exposure":
            values = {k: v * 100 if v is not None else None for k, v in values.items()}
        charts.append(
            ui.graph(
                f"compare-{metric}",
                compare_bars(
                    values,
                    spec.label,
                    "%" if metric in ("usage_share", "automation", "exposure") else "index",
                    reference=1.0 if metric == "aui" else None,
                    decimals=1 if metric == "exposure" else spec.decimals,
                ),
                f"Bar chart comparing {spec.label}",
            )
        )
    rows = []
    for s in [*states, "US"]:
        row = data.summary(wave, s) or {}
        rows.append(
            [
                "United States" if s == "US" else names[s],
                *[METRICS[m].format(row.get(METRICS[m].column)) for m in COMPARED_METRICS],
                row.get("largest_occupation_1_title") or "—",
            ]
        )
    uses = []
    for s in states:
        used, top = data.top_uses(s, wave, "major", 5)
        uses.append(
            html.Div(
                [
                    html.H3(names[s]),
                    ui.table(
                        ["Use of AI", "%", "× US"],
                        [[r.label, r.state_pct, r.specialization] for r in top],
                        caption=f"Wave {used}" if used else "Not published",
                        numeric=[False, True, True],
                    ),
                ],
                className="compare-column",
            )
        )
    trends = trend_lines(
        {names[s]: data.trend(s, "aui") for s in states},
        "AUI across waves",
        "index",
        data.release_breaks,
        reference=1.0,
    )
    return [
        html.P(
            [
                "Download this comparison: ",
                html.A(
                    "CSV",
                    download="",
                    href="/download/compare.csv" + build_query(states=",".join(states), wave=wave),
                ),
            ],
            className="downloads",
        ),
        ui.table(
            ["Place", *[METRICS[m].short for m in COMPARED_METRICS], "Largest occupation"],
            rows,
            caption=f"Side by side, wave {wave}",
            numeric=[False, True, True, True, True, False],
        ),
        html.Div(charts, className="four-up"),
        html.H2("Top uses of AI"),
        html.Div(uses, className="compare-row"),
        ui.graph("compare-trend", trends, "Line chart: AUI across waves for the chosen states"),
    ]


def layout(query: dict[str, str]) -> html.Div:
    data = marts()
    states, wave = _params(query)
    return html.Div(
        [
            html.H1("Compare states"),
            html.Div(
                [
                    ui.labelled(
                        f"States (2 to {MAX_COMPARED})",
                        "compare-states",
                        dcc.Dropdown(
                            id="compare-states",
                            value=states,
                            multi=True,
                            options=[
                                {"label": n, "value": s}
                                for s, n in sorted(data.state_names.items(), key=lambda kv: kv[1])
                            ],
                        ),
                    ),
                    ui.wave_dropdown("compare-wave", wave, data),
                ],
                className="controls",
                role="group",
                **{"aria-label": "Comparison settings"},
            ),
            html.Div(body(states, wave), id="compare-body"),
            dcc.Location(id="compare-url", refresh="callback-nav"),
        ]
    )


@callback(
    Output("compare-url", "search"),
    Output("compare-states", "value"),
    Output("compare-wave", "value"),
    Output("compare-body", "children"),
    Input("compare-url", "search"),
    Input("compare-states", "value"),
    Input("compare-wave", "value"),
    prevent_initial_call=True,
)
@ui.never_fails
def sync_compare(search, states, wave):
    data = marts()
    if ctx.triggered_id == "compare-url":
        query = parse_query(search)
    else:
        query = {"states": ",".join((states or [])[:MAX_COMPARED]), "wave": wave}
    shown = (list(states or []), wave)
    try:
        states, wave = _params(query)
    except BadParameter:
        return (no_update,) * 4
    if ctx.triggered_id == "compare-url" and (states, wave) == shown:
        raise PreventUpdate  # the URL component reporting the view already on screen
    new_search = build_query(
        states=",".join(states), wave=None if wave == data.latest_wave else wave
    )
    return (
        new_search if new_search != (search or "") else no_update,
        states,
        wave,
        _frozen_body(tuple(states), wave),
    )
