"""`/area/0026900`: one metropolitan area, OEWS nonmetropolitan area or state nonmetro
remainder — its jobs and their exposure beside its states' and the US's, its most exposed
and its largest occupations, the counties it is made of, and its CSV."""

from __future__ import annotations

from dash import dcc, html

from dashboard import area_data, area_views, present
from dashboard import components as ui
from dashboard.data import Marts, per_marts
from dashboard.metrics import AREA_MEASURES
from dashboard.pages.page import Page
from dashboard.urls import AreaView
from etl.evidence import IMPRECISE_RSE_PCT, MAX_RSE_PCT

KIND = {
    "metro": "Metropolitan area",
    "nonmetro": "OEWS nonmetropolitan area",
    "nonmetro remainder": "Nonmetro remainder",
}
PRECISION_NOTE = (
    f"OEWS area estimates rest on fewer survey responses than state ones: an employment "
    f"estimate whose relative standard error (RSE) is over {IMPRECISE_RSE_PCT:g} % is "
    f"flagged (low support), one over {MAX_RSE_PCT:g} % is withheld with everything computed "
    "from it. Cells BLS suppresses are not published; sums over an area undercount them."
)


def _states_line(data: Marts, row: dict) -> list:
    """Links to the states the area is in, with its counties in each."""
    counts = dict(
        part.split(" ") for part in (row["counties_by_state"] or "").split(", ") if " " in part
    )
    links: list = []
    for state in row["area_states"].split(","):
        if links:
            links.append(" · ")
        name = data.state_names.get(state, state)
        counties = counts.get(state)
        links.append(dcc.Link(name, href=f"/state/{state}"))
        if counties:
            links.append(f" ({counties} {'county' if counties == '1' else 'counties'})")
    return links


def _compare(data: Marts, row: dict, column: str, value_of) -> str:
    """'Indiana 11.6% · US 12.4%': the same measure for the area's states and the US."""
    places = [*row["area_states"].split(","), "US"]
    parts = []
    for place in places:
        summary = data.summary(data.latest_wave, place) or {}
        label = "US" if place == "US" else data.state_names.get(place, place)
        parts.append(f"{label} {value_of(summary)}")
    return " · ".join(parts)


def _cards(data: Marts, row: dict) -> list[html.Div]:
    exposure, per_1000 = AREA_MEASURES["exposure"], AREA_MEASURES["per_1000"]
    rank = (
        present.rank_text(
            row["rank_among_metros"], row["rank_among_metros_tied"], row["metros_ranked"]
        )
        + " among metros"
        if row["rank_among_metros"] is not None
        else "metros only are ranked"
    )
    return [
        ui.card(
            "Jobs",
            present.jobs_text(row["total_employment"], row["total_employment_status"]),
            "all occupations, OEWS May 2025"
            + (f"; {row['oews_areas']} OEWS areas summed" if row["oews_areas"] > 1 else ""),
            "Wage and salary jobs; the self-employed are not counted.",
        ),
        ui.card(
            "Average observed exposure of jobs",
            present.value_text(exposure, row),
            f"{rank} · "
            + _compare(data, row, "", lambda s: exposure.format(s.get(exposure.column))),
            present.metric_summary(exposure, data.high_exposure_threshold),
        ),
        ui.card(
            "Jobs in highly exposed occupations",
            present.value_text(per_1000, row) + " per 1,000",
            f"{present.count_text(row['jobs_high_exposure'])} jobs · "
            + _compare(data, row, "", lambda s: per_1000.format(area_data.per_1000(s))),
            present.metric_definition(per_1000, data.high_exposure_threshold),
        ),
        ui.card(
            "Coverage",
            present.share_text(
                row["employment_with_exposure_pct"], row["employment_with_exposure_status"], 1
            ),
            "of its jobs in occupations with a published employment and a score",
            "The rest is suppressed by BLS, in occupations OEWS does not show separately, or "
            "without a score: the numbers above leave it out.",
        ),
    ]


def _exposed_table(rows: tuple[dict, ...], caption: str) -> html.Table:
    return ui.table(
        ["Rank", "Occupation", "Jobs", "RSE", "Observed exposure", "Exposure-weighted jobs"],
        [
            [
                present.rank_short(
                    r["rank_by_exposure_weighted_jobs"], r["rank_by_exposure_weighted_jobs_tied"]
                ),
                [dcc.Link(r["title"], href=f"/occupation/{r['soc_code']}")],
                present.jobs_text(r["employment"], r["employment_status"])
                + (" ⚑" if r["support"] != "sufficient" else ""),
                present.percent_text(r["employment_rse_pct"], 1),
                present.exposure_text(r["observed_exposure"]),
                present.weighted_jobs_text(
                    r["exposure_weighted_jobs"], r["exposure_weighted_jobs_status"]
                ),
            ]
            for r in rows
        ],
        caption=caption,
        table_id="area-exposed-table",
        numeric=[True, False, True, True, True, True],
    )


def _largest_table(rows: tuple[dict, ...], caption: str) -> html.Table:
    return ui.table(
        ["Rank", "Occupation", "Jobs", "Share of jobs", "Median wage", "Observed exposure", "LQ"],
        [
            [
                present.rank_short(r["rank_by_employment"], r["rank_by_employment_tied"]),
                [dcc.Link(r["title"], href=f"/occupation/{r['soc_code']}")],
                present.jobs_text(r["employment"], r["employment_status"]),
                present.share_text(r["employment_share_pct"], r["employment_share_status"]),
                present.occupation_wage(r),
                present.exposure_text(r["observed_exposure"]),
                present.quotient_text(r["location_quotient"]),
            ]
            for r in rows
        ],
        caption=caption,
        table_id="area-largest-table",
        numeric=[True, False, True, True, True, True, True],
    )


def _occupations(data: Marts, row: dict) -> list[html.Section]:
    """An OEWS area's most exposed and largest occupations, with the chart and CSV."""
    code, name = row["area_code"], row["area_name"]
    exposed = area_data.most_exposed(data, code)
    heading = f"Most exposed occupations in {name}"
    return [
        html.Section(
            [
                html.H2(heading, id="area-most-exposed"),
                ui.source_line(
                    "By exposure-weighted jobs (jobs × observed exposure): how much of the "
                    "area's exposure each occupation carries. ⚑: a low-support estimate "
                    f"(RSE over {IMPRECISE_RSE_PCT:g} %); withheld estimates are not ranked."
                ),
                ui.graph(
                    "area-exposed-chart",
                    area_views.area_exposed_figure(data, code),
                    f"Bar chart: {heading}; the same numbers are in the table below.",
                ),
                _exposed_table(exposed, f"{heading}, BLS OEWS May 2025 (1 = most)."),
            ],
            className="panel",
        ),
        html.Section(
            [
                html.H2(f"Largest occupations in {name}"),
                _largest_table(
                    area_data.largest(data, code),
                    f"The {area_data.LARGEST_SHOWN} occupations with the most jobs in {name}, "
                    "BLS OEWS May 2025.",
                ),
                html.P(
                    [
                        "Download: ",
                        *ui.download_links(
                            [
                                (
                                    "CSV of every occupation",
                                    f"/download/area/{code}/occupations.csv",
                                    "area-csv",
                                )
                            ]
                        ),
                    ],
                    className="downloads",
                ),
            ],
            className="panel",
        ),
    ]


def _remainder(data: Marts, row: dict) -> list[html.Section]:
    """A nonmetro remainder: its OEWS areas (each with its own page) and its top jobs."""
    exposed = [
        [
            row[f"top_exposed_{n}_title"],
            present.count_text(row[f"top_exposed_{n}_employment"]),
            present.exposure_text(row[f"top_exposed_{n}_exposure"]),
            present.count_text(row[f"top_exposed_{n}_exposure_weighted_jobs"]),
        ]
        for n in (1, 2, 3)
        if row[f"top_exposed_{n}_title"]
    ]
    return [
        html.Section(
            [
                html.H2(f"Most exposed occupations in {row['area_name']}"),
                ui.table(
                    ["Occupation", "Jobs", "Observed exposure", "Exposure-weighted jobs"],
                    exposed,
                    caption="Summed over its OEWS nonmetropolitan areas (BLS OEWS May 2025).",
                    table_id="area-exposed-table",
                    numeric=[False, True, True, True],
                ),
                html.H2("Its OEWS nonmetropolitan areas"),
                ui.source_line(
                    "BLS splits the state's counties in no metro into these areas; the county "
                    "table of OEWS nonmetropolitan areas is not among the files read, so the "
                    "map draws them as one region. Each has its own estimates and page."
                ),
                html.Ul(
                    [
                        html.Li(
                            [
                                dcc.Link(p["area_name"], href=f"/area/{p['area_code']}"),
                                f": {present.count_text(p['total_employment'])} jobs, "
                                f"{present.value_text(AREA_MEASURES['exposure'], p)} observed "
                                "exposure",
                            ]
                        )
                        for p in area_data.oews_parts(data, row)
                    ]
                ),
            ],
            className="panel",
        )
    ]


def _notes(data: Marts, row: dict) -> html.Section:
    items = [PRECISION_NOTE, *present.CAVEATS]
    if row["is_shared"]:
        items.insert(
            0,
            f"{row['area_name']} spans {len(row['area_states'].split(','))} states. OEWS "
            "publishes one estimate for the whole metro: its jobs cannot be split by state, "
            "and each state's page lists it whole, marked shared.",
        )
    if row["area_type"] == "nonmetro":
        items.insert(
            0,
            "On the maps this area is part of its state's nonmetro remainder: the county "
            "table of OEWS nonmetropolitan areas is not among the files read.",
        )
    return html.Section(
        [
            html.H2("Sources and caveats"),
            html.Ul([html.Li(i) for i in items]),
            html.P(dcc.Link("Full methodology", href="/methodology")),
        ],
        className="panel",
    )


@per_marts(maxsize=256)
def layout_json(data: Marts, code: str) -> object:
    row = area_data.area(data, code)
    body = _remainder(data, row) if area_data.is_remainder(row) else _occupations(data, row)
    return ui.frozen(
        html.Div(
            [
                html.Nav(
                    _states_line(data, row),
                    className="breadcrumb",
                    **{"aria-label": "States the area is in"},
                ),
                html.H1(
                    [row["area_name"], " ", html.Span(KIND[row["area_type"]], className="soc")]
                ),
                html.P(
                    f"Shared metro: OEWS publishes one estimate for all of it "
                    f"({row['counties_by_state']} counties), which cannot be split by state.",
                    className="caveat",
                    role="note",
                )
                if row["is_shared"]
                else None,
                html.Div(_cards(data, row), className="cards"),
                *body,
                _notes(data, row),
            ]
        )
    )


def layout(view: AreaView, data: Marts) -> object:
    return layout_json(data, view.code)


PAGE = Page(
    name="area",
    path="/area/<code>",
    parse=AreaView.parse,
    layout=layout,
    title=lambda view, data: area_data.area(data, view.code)["area_name"],
)
