"""The deeper state profile's charts: who is exposed by wage, and usage against income.
(How people use Claude.ai is drawn with charts.state_vs_us_bars.) Inputs are plain rows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from dashboard import present
from dashboard.figures.charts import row_height
from dashboard.figures.style import (
    ACCENT,
    MUTED,
    STATE_COLOUR,
    US_COLOUR,
    axis,
    chart,
    empty_figure,
    hbar,
)

# Log axes labelled at round values only (plotly labels 2, 3, … between decades).
DOLLAR_TICKS = (20_000, 30_000, 50_000, 75_000, 100_000, 150_000, 200_000, 300_000, 400_000)
AUI_TICKS = (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6)


def _dollars(value: float) -> str:
    return f"${value / 1000:,.0f}k"


def _dollar_ticks(points: Sequence[OccupationPoint]) -> dict:
    low, high = min(p.wage for p in points), max(p.wage for p in points)
    shown = [v for v in DOLLAR_TICKS if low / 1.2 <= v <= high * 1.2]
    return {"tickvals": shown, "ticktext": [_dollars(v) for v in shown]}


@dataclass(frozen=True)
class BandRow:
    label: str  # the band's wages in words
    jobs_high_exposure: float | None
    exposed_pct: float | None  # % of the band's scored jobs that are highly exposed
    us_exposed_pct: float | None


def wage_band_bars(rows: Sequence[BandRow], state_name: str) -> dict:
    """Jobs in highly exposed occupations by wage band, lowest band at the top, each with
    the share of the band's jobs they are in the state and in the US."""
    rows = [r for r in rows if r.jobs_high_exposure is not None]
    if not rows:
        return empty_figure("No jobs with an exposure score.")
    rows = rows[::-1]
    notes = [
        f"{present.percent_text(r.exposed_pct)} · US {present.percent_text(r.us_exposed_pct)}"
        for r in rows
    ]
    # The shares under each band's name, not past its bar: on a phone a note past the
    # longest bar ran off the chart.
    labels = [f"{r.label}<br>{note}" for r, note in zip(rows, notes, strict=True)]
    return chart(
        [
            hbar(
                labels,
                [r.jobs_high_exposure for r in rows],
                ACCENT,
                customdata=[[r.label, note] for r, note in zip(rows, notes, strict=True)],
                hovertemplate="%{customdata[0]}<br>%{x:,.0f} highly exposed jobs in "
                + state_name
                + "<br>share of the band's jobs: %{customdata[1]}<extra></extra>",
            )
        ],
        height=50 + len(rows) * row_height(labels, 30),
        xaxis=axis("highly exposed jobs", tickformat=","),
        yaxis=axis(),
        margin={"l": 8, "r": 24, "t": 8, "b": 8},
    )


@dataclass(frozen=True)
class OccupationPoint:
    title: str
    wage: float  # median annual wage (the lower bound where top-coded)
    exposure: float  # observed exposure, 0-1
    employment: float
    top_coded: bool = False


def exposure_wage_scatter(points: Sequence[OccupationPoint], threshold: float | None) -> dict:
    """Each occupation of the state with a wage and a score: median wage against observed
    exposure, the marker's area proportional to its jobs; highly exposed ones in the accent."""
    if not points:
        return empty_figure("No occupation has both a wage and an exposure score.")
    largest = max(p.employment for p in points) or 1

    def markers(group: Sequence[OccupationPoint], colour: str, name: str) -> dict:
        # values rounded to what the hover shows: the page sends every point
        return {
            "type": "scatter",
            "x": [round(p.wage) for p in group],
            "y": [round(p.exposure * 100, 1) for p in group],
            "mode": "markers",
            "name": name,
            "marker": {
                "size": [round(4 + 26 * math.sqrt(p.employment / largest), 1) for p in group],
                "color": colour,
                "opacity": 0.6,
                "line": {"width": 0.5, "color": "white"},
            },
            "customdata": [
                [p.title + (" (wage top-coded)" if p.top_coded else ""), f"{p.employment:,.0f}"]
                for p in group
            ],
            "hovertemplate": "%{customdata[0]}<br>%{customdata[1]} jobs · median wage "
            "$%{x:,.0f}<br>observed exposure %{y:.0f}%<extra></extra>",
        }

    high = [threshold is not None and p.exposure >= threshold for p in points]
    exposed = [p for p, h in zip(points, high, strict=True) if h]
    others = [p for p, h in zip(points, high, strict=True) if not h]
    # the cut-off as a layout shape (add_hline is slow: it inspects every subplot)
    cut_off = [
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": threshold * 100,
            "y1": threshold * 100,
            "line": {"color": MUTED, "dash": "dot", "width": 1},
        }
    ]
    return chart(
        [
            markers(others, STATE_COLOUR, "other occupations"),
            markers(exposed, ACCENT, "highly exposed"),
        ],
        shapes=cut_off if threshold is not None else [],
        height=340,
        xaxis=axis("median annual wage (log scale)", type="log", **_dollar_ticks(points)),
        yaxis=axis("observed exposure", ticksuffix="%", rangemode="tozero"),
        margin={"l": 8, "r": 16, "t": 8, "b": 8},
    )


@dataclass(frozen=True)
class IncomePoint:
    state: str
    name: str
    income: float  # GDP per working-age person, dollars
    aui: float
    ratio: float  # AUI ÷ the AUI income predicts


def income_scatter(
    points: Sequence[IncomePoint], slope: float, intercept: float, state: str
) -> dict:
    """AUI against GDP per working-age person for the 51 (both on log scales), the fitted
    line log AUI = a + b · log income, and the state in focus highlighted and named."""
    if not points:
        return empty_figure("No AUI published for this wave.")
    low, high = min(p.income for p in points), max(p.income for p in points)
    line_x = [low * (high / low) ** (i / 20) for i in range(21)]
    others = [p for p in points if p.state != state]
    focus = [p for p in points if p.state == state]

    def markers(
        rows: Sequence[IncomePoint], colour: str, size: int, name: str, named: bool = False
    ) -> dict:
        trace = {
            "type": "scatter",
            "x": [p.income for p in rows],
            "y": [p.aui for p in rows],
            "mode": "markers+text" if named else "markers",
            "textposition": "top center",
            "marker": {"size": size, "color": colour, "line": {"width": 0.5, "color": "white"}},
            "name": name,
            "customdata": [[p.name, f"{p.ratio:.2f}"] for p in rows],
            "hovertemplate": "%{customdata[0]}<br>AUI %{y:.2f} · $%{x:,.0f} per working-age "
            "person<br>%{customdata[1]}× the AUI its income predicts<extra></extra>",
        }
        return {**trace, "text": [p.name for p in rows]} if named else trace

    return chart(
        [
            {
                "type": "scatter",
                "x": line_x,
                "y": [math.exp(intercept + slope * math.log(x)) for x in line_x],
                "mode": "lines",
                "line": {"color": MUTED, "dash": "dash", "width": 1.5},
                "name": "what income predicts (fit over the 51)",
                "hoverinfo": "skip",
            },
            markers(others, US_COLOUR, 8, "other states"),
            markers(focus, STATE_COLOUR, 13, focus[0].name if focus else state, named=True),
        ],
        height=340,
        showlegend=True,
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        xaxis=axis(
            "GDP per working-age person, 2024 (log scale)",
            type="log",
            tickvals=[v for v in DOLLAR_TICKS if low / 1.2 <= v <= high * 1.2],
            ticktext=[_dollars(v) for v in DOLLAR_TICKS if low / 1.2 <= v <= high * 1.2],
        ),
        yaxis=axis("AUI (log scale)", type="log", tickvals=list(AUI_TICKS)),
        margin={"l": 8, "r": 16, "t": 28, "b": 8},
    )
