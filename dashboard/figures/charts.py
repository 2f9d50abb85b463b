"""Bar and line charts of a state against the US. Inputs are plain rows (dataclasses);
each chart is the plain JSON plotly would make of it (`style.chart`)."""

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
    legend_above,
    wrap,
)

COMPARE_COLOURS = ("#1f5f99", "#e08214", "#5e3c99", "#1b9e77")


@dataclass(frozen=True)
class ShareRow:
    label: str
    state_pct: float | None
    us_pct: float | None
    specialization: float | None = None
    low: float | None = None  # the state share's 95 % sampling interval, where computable
    high: float | None = None


def _interval(rows: Sequence[ShareRow]) -> dict | None:
    """Error bars of the 95 % sampling intervals, where the rows have them."""
    if not any(r.low is not None and r.high is not None for r in rows):
        return None
    return {
        "type": "data",
        "symmetric": False,
        "array": [(r.high - r.state_pct) if r.high is not None else 0 for r in rows],
        "arrayminus": [(r.state_pct - r.low) if r.low is not None else 0 for r in rows],
        "color": MUTED,
        "thickness": 1.2,
        "width": 3,
    }


def row_height(labels: Sequence[str], minimum: int) -> int:
    """Plotly gives every category the same band: size it for the longest wrapped label."""
    return max(minimum, 15 * max((label.count("<br>") for label in labels), default=0) + 24)


def state_vs_us_bars(
    rows: Sequence[ShareRow],
    state_name: str,
    unit: str = "% of conversations",
    empty: str = "Not published for this wave.",
    width: int = 40,
) -> dict:
    """Horizontal bars, largest first: the state's share beside the US share, with the
    specialization (state ÷ US) written past the longer bar and its interval."""
    if not rows:
        return empty_figure(empty)
    rows = list(rows)[::-1]  # plotly draws the first category at the bottom
    labels = [wrap(r.label, width) for r in rows]
    notes = [f"{r.specialization:.2f}× US" if r.specialization is not None else "" for r in rows]
    state = hbar(
        labels,
        [r.state_pct for r in rows],
        STATE_COLOUR,
        name=state_name,
        customdata=notes,
        hovertemplate="%{y}<br>" + state_name + ": %{x:.2f}" + f" {unit}"
        "<br>%{customdata}<extra></extra>",
    )
    interval = _interval(rows)
    if interval is not None:
        state["error_x"] = interval
    return chart(
        [
            hbar(
                labels,
                [r.us_pct for r in rows],
                US_COLOUR,
                name="United States",
                hovertemplate="%{y}<br>US: %{x:.2f}" + f" {unit}<extra></extra>",
            ),
            state,
            {
                "type": "scatter",
                "y": labels,
                "x": [max(r.us_pct or 0, r.high or 0, r.state_pct or 0) for r in rows],
                "mode": "text",
                "text": notes,
                "textposition": "middle right",
                "cliponaxis": False,
                "showlegend": False,
                "hoverinfo": "skip",
            },
        ],
        barmode="group",
        bargap=0.25,
        bargroupgap=0.05,
        showlegend=True,
        legend=legend_above(),
        # the legend (two lines on a phone) and the axis sit outside the rows' bands
        height=90 + len(labels) * row_height(labels, 34),
        xaxis=axis(unit, ticksuffix="%", nticks=4),  # upright on a phone
        yaxis=axis(),
        margin={"l": 8, "r": 72, "t": 28, "b": 8},  # room for "1.06× US" past the bars
    )


@dataclass(frozen=True)
class OccupationRow:
    title: str
    employment: float | None
    exposure: float | None
    usage_share_pct: float | None = None


def occupations_bars(
    rows: Sequence[OccupationRow], threshold: float | None, width: int = 36
) -> dict:
    """Largest occupations by jobs; bar colour = observed AI exposure: accent at or above
    `threshold` (highly exposed), grey = no score."""
    if not rows:
        return empty_figure("No occupation data.")
    rows = list(rows)[::-1]
    labels = [wrap(r.title, width) for r in rows]
    colours = [
        US_COLOUR
        if r.exposure is None
        else ACCENT
        if threshold is not None and r.exposure >= threshold
        else STATE_COLOUR
        for r in rows
    ]
    notes = [
        "no score" if r.exposure is None else f"exposure {present.exposure_text(r.exposure)}"
        for r in rows
    ]
    return chart(
        [
            hbar(
                labels,
                [r.employment for r in rows],
                colours,
                text=notes,
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}<br>%{x:,.0f} jobs<br>AI %{text}<extra></extra>",
            )
        ],
        height=50 + len(rows) * row_height(labels, 26),
        xaxis=axis("jobs (OEWS May 2025)", tickformat=","),
        yaxis=axis(),
        margin={"l": 8, "r": 90, "t": 8, "b": 8},
    )


@dataclass(frozen=True)
class GroupRow:
    label: str
    usage_share_pct: float | None  # in the measure the chart names (`measure`)
    employment_share_pct: float | None
    support: str = "sufficient"  # the support rule's level (etl/evidence.py) and its reason
    support_reason: str = ""
    status: str = ""  # why usage_share_pct is missing, where it is

    @property
    def flag(self) -> str:
        """'low support: …' or 'withheld: …', '' when the support is sufficient."""
        return present.support_text(self.support, self.support_reason)

    @property
    def low_support(self) -> bool:
        return self.support == "low support"


def usage_vs_jobs_bars(
    rows: Sequence[GroupRow],
    state_name: str,
    measure: str = "share of AI usage",
    empty: str = "AI usage by occupation group is not published for this wave.",
    width: int = 34,
) -> dict:
    """By occupation group: share of the state's Claude.ai usage (in `measure`, which the
    legend names) beside share of its jobs. A group under the support rule's flag is
    hatched and labelled "low support"; withheld groups are not drawn."""
    rows = [r for r in rows if r.usage_share_pct is not None]
    if not rows:
        return empty_figure(empty)
    rows = rows[::-1]
    labels = [
        wrap(
            r.label.removesuffix(" Occupations") + (" (low support)" if r.low_support else ""),
            width,
        )
        for r in rows
    ]
    return chart(
        [
            hbar(
                labels,
                [r.employment_share_pct for r in rows],
                US_COLOUR,
                name=f"share of {state_name} jobs",
                hovertemplate="%{y}<br>%{x:.1f}% of jobs<extra></extra>",
            ),
            {
                "type": "bar",
                "y": labels,
                "x": [r.usage_share_pct for r in rows],
                "orientation": "h",
                "name": measure,
                "marker": {
                    "color": STATE_COLOUR,
                    "pattern": {
                        "shape": ["/" if r.low_support else "" for r in rows],
                        "fgcolor": "white",
                    },
                },
                "customdata": [r.flag for r in rows],
                "hovertemplate": "%{y}<br>%{x:.1f}% "
                + measure
                + "<br>%{customdata}<extra></extra>",
            },
        ],
        barmode="group",
        showlegend=True,
        bargap=0.25,
        legend=legend_above(),
        height=max(170, 60 + len(labels) * row_height(labels, 30)),
        xaxis=axis(ticksuffix="%"),
        yaxis=axis(),
        margin={"l": 8, "r": 16, "t": 28, "b": 8},
    )


@dataclass(frozen=True)
class TrendPoint:
    wave: str
    value: float | None
    note: str = ""  # e.g. "computed from counts" / "published"


def trend_lines(
    series: dict[str, Sequence[TrendPoint]],
    heading: str,
    unit: str,
    breaks: Sequence[tuple[str, str]] = (),
    reference: float | None = None,
) -> dict:
    """One line per geography across waves; dotted verticals mark release breaks
    (new platform, new taxonomy, weekly -> monthly windows)."""
    if not any(p.value is not None for points in series.values() for p in points):
        return empty_figure("No values across waves.")
    traces = []
    for index, (name, points) in enumerate(series.items()):
        colour = (
            COMPARE_COLOURS[index % len(COMPARE_COLOURS)] if name != "United States" else US_COLOUR
        )
        traces.append(
            {
                "type": "scatter",
                "x": [p.wave for p in points],
                "y": [p.value for p in points],
                "name": name,
                "mode": "lines+markers",
                "line": {"color": colour, "width": 2.5},
                "customdata": [p.note for p in points],
                "connectgaps": False,
                "hovertemplate": f"{name}<br>%{{x}}: %{{y:.2f}} {unit}<br>%{{customdata}}"
                "<extra></extra>",
            }
        )
    shapes, annotations = [], []
    for wave, label in breaks:
        shapes.append(
            {
                "type": "line",
                "x0": wave,
                "x1": wave,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": MUTED, "dash": "dot", "width": 1},
            }
        )
        annotations.append(
            {
                "x": wave,
                "y": 1,
                "yref": "paper",
                "text": label,
                "showarrow": False,
                "font": {"size": 10, "color": MUTED},
                "xanchor": "left",
                "yanchor": "top",
                "textangle": 0,
            }
        )
    if reference is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": reference,
                "y1": reference,
                "line": {"color": US_COLOUR, "width": 1},
            }
        )
    return chart(
        traces,
        height=280,
        showlegend=True,
        shapes=shapes,
        annotations=annotations,
        legend={"orientation": "h", "y": -0.2, "x": 0},
        xaxis=axis(type="category"),
        yaxis=axis(unit),
        title={"text": heading, "font": {"size": 14}, "x": 0.01},
        margin={"l": 8, "r": 8, "t": 36, "b": 8},
    )


@dataclass(frozen=True)
class SplitRow:
    label: str
    automation: float | None
    status: str = ""  # why automation is missing, where it is


def automation_bars(rows: Sequence[SplitRow]) -> dict:
    """Automation vs augmentation, stacked to 100 %, one bar per geography; a geography
    without a value keeps its row, labelled with the reason."""
    if all(r.automation is None for r in rows):
        return empty_figure("Collaboration patterns are not published for this wave.")
    rows = list(rows)[::-1]
    labels = [
        r.label if r.automation is not None else f"{r.label} ({r.status or 'not published'})"
        for r in rows
    ]
    return chart(
        [
            hbar(
                labels,
                [r.automation for r in rows],
                ACCENT,
                name="automation",
                texttemplate="%{x:.1f}%",
                textposition="inside",
                hovertemplate="%{y}: %{x:.1f}% automation<extra></extra>",
            ),
            hbar(
                labels,
                [None if r.automation is None else 100 - r.automation for r in rows],
                STATE_COLOUR,
                name="augmentation",
                texttemplate="%{x:.1f}%",
                textposition="inside",
                hovertemplate="%{y}: %{x:.1f}% augmentation<extra></extra>",
            ),
        ],
        barmode="stack",
        showlegend=True,
        height=80 + 40 * len(rows),
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        xaxis=axis(range=[0, 100], ticksuffix="%"),
        yaxis=axis(),
        margin={"l": 8, "r": 8, "t": 28, "b": 8},
    )


def compare_bars(
    values: dict[str, tuple[float | None, str]],
    heading: str,
    unit: str,
    reference: float | None = None,
) -> dict:
    """One bar per geography for one metric: {name: (value in display units, its text)};
    an unpublished value gets a bar of no height labelled with its text ("not published")."""
    names = list(values)
    shown = [values[n][0] if values[n][0] is not None else 0 for n in names]
    text = [values[n][1] for n in names]
    bars = {
        "type": "bar",
        "x": names,
        "y": shown,
        "text": text,
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {
            "color": [
                COMPARE_COLOURS[i % 4] if n != "United States" else US_COLOUR
                for i, n in enumerate(names)
            ]
        },
        "hovertemplate": "%{x}: %{text}" + f" {unit}<extra></extra>",
    }
    shapes = (
        []
        if reference is None
        else [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": reference,
                "y1": reference,
                "line": {"color": MUTED, "dash": "dot", "width": 1},
            }
        ]
    )
    return chart(
        [bars],
        height=260,
        shapes=shapes,
        title={"text": heading, "font": {"size": 14}, "x": 0.01},
        xaxis=axis(),
        yaxis=axis(unit),
        margin={"l": 8, "r": 8, "t": 40, "b": 8},
    )
