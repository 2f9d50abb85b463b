"""Charts of the occupation side: an occupation's tasks, and a state's most exposed jobs.

Their labels are long (task statements, occupation titles), so each is written above its
bar across the chart's width instead of beside it: the bars keep their length on a phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard import present
from dashboard.figures.style import (
    ACCENT,
    MUTED,
    STATE_COLOUR,
    US_COLOUR,
    axis,
    chart,
    empty_figure,
    hbar,
    wrap,
)

LABEL_WIDTH = 44  # characters a label line holds (about 300 px at 12 px)
LINE_PX, BAR_PX, GAP_PX = 15, 14, 12


def _labelled_chart(traces: list[dict], labels: Sequence[str], **overrides: object) -> dict:
    """Horizontal bars, one category per label, each label written above its bar: every
    category's band holds the label's lines, the bar and a gap."""
    wrapped = [wrap(label, LABEL_WIDTH) for label in labels]
    bands = [(w.count("<br>") + 1) * LINE_PX + BAR_PX + GAP_PX for w in wrapped]
    band = max(bands, default=0)
    annotations = [
        {
            "x": 0,
            "xref": "paper",
            "y": index,
            "yref": "y",
            "yshift": BAR_PX / 2 + 1,
            "text": text,
            "showarrow": False,
            "xanchor": "left",
            "yanchor": "bottom",
            "align": "left",
            "font": {"size": 12},
        }
        for index, text in enumerate(wrapped)
    ]
    return chart(
        traces,
        height=60 + band * len(labels),
        bargap=1 - BAR_PX / band if band else 0.3,
        annotations=annotations,
        yaxis={"showticklabels": False, "showgrid": False, "zeroline": False, "fixedrange": True},
        **overrides,
    )


@dataclass(frozen=True)
class TaskRow:
    task: str
    penetration: float | None  # 0-1
    usage_share_pct: float | None  # % of US conversations, where published


def task_bars(rows: Sequence[TaskRow]) -> dict:
    """The tasks AI use reaches: penetration per task, highest first; orange where a release
    publishes the task's share of US conversations."""
    rows = [r for r in rows if r.penetration]
    if not rows:
        return empty_figure("None of this occupation's O*NET tasks is seen in AI use.")
    rows = rows[::-1]  # plotly draws the first category at the bottom
    bars = hbar(
        list(range(len(rows))),
        [r.penetration * 100 for r in rows],
        [STATE_COLOUR if r.usage_share_pct is None else ACCENT for r in rows],
        customdata=[
            [wrap(r.task, LABEL_WIDTH), present.share_text(r.usage_share_pct)] for r in rows
        ],
        text=[present.penetration_text(r.penetration) for r in rows],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{customdata[0]}<br>penetration %{text}<br>US usage share "
        "%{customdata[1]}<extra></extra>",
    )

    return _labelled_chart(
        [bars],
        [r.task for r in rows],
        xaxis=axis("AEI penetration of the task", ticksuffix="%", range=[0, 100], fixedrange=True),
        margin={"l": 8, "r": 48, "t": 8, "b": 8},
    )


@dataclass(frozen=True)
class ExposedRow:
    title: str
    employment: float
    exposure: float
    exposure_weighted_jobs: float


def exposed_jobs_bars(rows: Sequence[ExposedRow]) -> dict:
    """A state's most exposed jobs: each occupation's jobs (grey) and, over them, its
    exposure-weighted jobs (jobs × observed exposure, orange), largest weighted first."""
    if not rows:
        return empty_figure("No highly exposed occupation has published jobs here.")
    rows = list(rows)[::-1]
    positions = list(range(len(rows)))
    exposure = [present.exposure_text(r.exposure) for r in rows]
    titles = [wrap(r.title, LABEL_WIDTH) for r in rows]
    return _labelled_chart(
        [
            hbar(
                positions,
                [r.employment for r in rows],
                US_COLOUR,
                name="jobs",
                text=[f"exposure {e}" for e in exposure],
                textposition="outside",
                textfont={"color": MUTED},
                cliponaxis=False,
                customdata=titles,
                hovertemplate="%{customdata}<br>%{x:,.0f} jobs<extra></extra>",
            ),
            hbar(
                positions,
                [r.exposure_weighted_jobs for r in rows],
                ACCENT,
                name="exposure-weighted jobs (jobs × exposure)",
                customdata=[list(pair) for pair in zip(titles, exposure, strict=True)],
                hovertemplate="%{customdata[0]}<br>%{x:,.0f} exposure-weighted jobs<br>"
                "observed exposure %{customdata[1]}<extra></extra>",
            ),
        ],
        [r.title for r in rows],
        barmode="overlay",
        showlegend=True,
        legend={"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom"},
        xaxis=axis("jobs (OEWS May 2025)", tickformat=",", fixedrange=True),
        margin={"l": 8, "r": 96, "t": 36, "b": 8},
    )
