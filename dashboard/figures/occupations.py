"""Charts of the occupation side: an occupation's tasks, and a state's most exposed jobs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard import present
from dashboard.figures.charts import row_height
from dashboard.figures.style import (
    ACCENT,
    GRID,
    STATE_COLOUR,
    US_COLOUR,
    base_layout,
    empty_figure,
    wrap,
)


def _axis(**kw: object) -> dict:
    return {"gridcolor": GRID, "zeroline": False, "automargin": True, **kw}


@dataclass(frozen=True)
class TaskRow:
    task: str
    penetration: float | None  # 0-1
    usage_share_pct: float | None  # % of US conversations, where published


def task_bars(rows: Sequence[TaskRow], width: int = 36) -> go.Figure:
    """The tasks AI use reaches: penetration per task, highest first; orange where a release
    publishes the task's share of US conversations."""
    rows = [r for r in rows if r.penetration]
    if not rows:
        return empty_figure("None of this occupation's O*NET tasks is seen in AI use.")
    rows = rows[::-1]  # plotly draws the first category at the bottom
    labels = [wrap(r.task, width) for r in rows]
    notes = [f"US usage share {present.share_text(r.usage_share_pct)}" for r in rows]
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=[r.penetration * 100 for r in rows],
            orientation="h",
            marker_color=[STATE_COLOUR if r.usage_share_pct is None else ACCENT for r in rows],
            customdata=notes,
            text=[present.penetration_text(r.penetration) for r in rows],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>penetration %{text}<br>%{customdata}<extra></extra>",
        )
    )
    figure.update_layout(
        base_layout(
            height=50 + len(rows) * row_height(labels, 26),
            xaxis=_axis(title="AEI penetration of the task", ticksuffix="%", rangemode="tozero"),
            yaxis=_axis(),
            margin={"l": 8, "r": 56, "t": 8, "b": 8},
        )
    )
    return figure


@dataclass(frozen=True)
class ExposedRow:
    title: str
    employment: float
    exposure: float
    exposure_weighted_jobs: float


def exposed_jobs_bars(rows: Sequence[ExposedRow], width: int = 30) -> go.Figure:
    """A state's most exposed jobs: each occupation's jobs (grey) and, over them, its
    exposure-weighted jobs (jobs × observed exposure, orange), largest weighted first."""
    if not rows:
        return empty_figure("No highly exposed occupation has published jobs here.")
    rows = list(rows)[::-1]
    labels = [wrap(r.title, width) for r in rows]
    exposure = [present.exposure_text(r.exposure) for r in rows]
    figure = go.Figure(
        [
            go.Bar(
                y=labels,
                x=[r.employment for r in rows],
                orientation="h",
                name="jobs",
                marker_color=US_COLOUR,
                text=[f"exposure {e}" for e in exposure],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}<br>%{x:,.0f} jobs<extra></extra>",
            ),
            go.Bar(
                y=labels,
                x=[r.exposure_weighted_jobs for r in rows],
                orientation="h",
                name="exposure-weighted jobs (jobs × exposure)",
                marker_color=ACCENT,
                customdata=exposure,
                hovertemplate="%{y}<br>%{x:,.0f} exposure-weighted jobs<br>observed "
                "exposure %{customdata}<extra></extra>",
            ),
        ]
    )
    figure.update_layout(
        base_layout(
            barmode="overlay",
            bargap=0.3,
            showlegend=True,
            legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
            height=70 + len(rows) * row_height(labels, 26),
            xaxis=_axis(title="jobs (OEWS May 2025)", tickformat=","),
            yaxis=_axis(),
            margin={"l": 8, "r": 96, "t": 28, "b": 8},
        )
    )
    return figure
