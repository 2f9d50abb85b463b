"""How the app and the briefing say things: ranks, headline tiles, wages, exposure, waves and
caveats. The state page, the map, the ranking table, compare, the CSVs and the briefing all
format through here, so they never disagree.

Pure functions of plain values and mart rows (no Dash, no files): figures may use them too.

Rules:
- A missing value (None, NaN, infinite) reads as its status words ("not published", "not
  released", "no score"), never "nan", "None" or 0.
- Ranks come from the marts only. Ties share the best rank: "rank 32 of 51, tied" in
  sentences, hovers and tiles; "32=" in tables (`rank_short`), whose rows list tied states
  by name (`TIE_NOTE` says so on the page). "of N" is the number of states ranked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dashboard.metrics import HEADLINE_METRICS, METRICS, NOT_PUBLISHED, Metric, is_missing

NOT_RANKED = "not ranked"
TIE_NOTE = "Tied states share a rank (32=) and are listed by name."
SHORT_RANK_NOTE = "A rank such as 32= is shared with another state."
NO_SCORE = "no score"
NOT_RELEASED = "not released"
CAVEATS = (
    "Usage comes from a sample of Claude.ai conversations; a missing value means the "
    "publisher did not release it (privacy floor), never zero.",
    "Exposure and usage describe tasks, not jobs lost or created.",
    "OEWS counts wage and salary jobs; self-employed workers are excluded.",
)


# --- ranks ------------------------------------------------------------------------------
def rank_text(rank: int | None, tied: bool | None, of: int | None) -> str:
    """'rank 32 of 51, tied', or 'not ranked'."""
    if rank is None:
        return NOT_RANKED
    return f"rank {rank} of {of}" + (", tied" if tied else "")


def rank_short(rank: int | None, tied: bool | None) -> str:
    """The table form: '32=' for a tie, '32' otherwise, '—' when not ranked."""
    if rank is None:
        return "—"
    return f"{rank}=" if tied else str(rank)


def metric_rank(metric: Metric, row: Mapping[str, object]) -> str:
    """The rank text of `metric` in a state_summary (or state_requests) row."""
    return rank_text(row.get(metric.rank), row.get(metric.tied), row.get(metric.ranked))


# --- numbers ----------------------------------------------------------------------------
def count_text(value: float | None, missing: str = NOT_PUBLISHED) -> str:
    return missing if is_missing(value) else f"{value:,.0f}"


def percent_text(value: float | None, decimals: int = 1, missing: str = NOT_PUBLISHED) -> str:
    """A value already in percent: 18.9 -> '18.9%'."""
    return missing if is_missing(value) else f"{value:.{decimals}f}%"


def number_text(value: float | None, decimals: int = 2) -> str:
    return NOT_PUBLISHED if is_missing(value) else f"{value:,.{decimals}f}"


def exposure_text(value: float | None) -> str:
    """Observed exposure of an occupation (0-1) as a percent: '23%', or 'no score'."""
    return NO_SCORE if is_missing(value) else f"{value:.0%}"


def wage_text(status: str | None, wage: float | None, lower_bound: float | None) -> str:
    """An OEWS annual wage: '$45,120', '≥ $239,200' when top-coded, else 'not released'."""
    if status == "top-coded" and not is_missing(lower_bound):
        return f"≥ ${lower_bound:,.0f}"
    return NOT_RELEASED if is_missing(wage) else f"${wage:,.0f}"


def occupation_wage(row: Mapping[str, object]) -> str:
    """`wage_text` of a state_occupations row's median annual wage."""
    return wage_text(
        row.get("median_annual_wage_status"),
        row.get("median_annual_wage"),
        row.get("median_wage_lower_bound"),
    )


def high_exposure_text(threshold: float | None) -> str:
    """What 'highly exposed' means, from the threshold the build used."""
    return (
        "high observed exposure" if is_missing(threshold) else f"observed exposure ≥ {threshold:g}"
    )


def metric_definition(metric: Metric, threshold: float | None) -> str:
    return metric.definition.format(high_exposure=high_exposure_text(threshold))


def metric_summary(metric: Metric, threshold: float | None) -> str:
    return metric.summary.format(high_exposure=high_exposure_text(threshold))


# --- occupation measures ----------------------------------------------------------------
# The two measures of Claude.ai usage by occupation group, named so they are never confused.
MEASURE_NAMES = {
    "published": "share of all conversations",
    "task_attributed": "share of task-classified conversations",
}
MEASURE_DEFINITIONS = {
    "published": "the group's share of all the state's Claude.ai conversations, as the "
    "release publishes it",
    "task_attributed": "the group's share of the state's task-classified conversations: the "
    "few published O*NET task rows attributed to occupations (they cover part of the "
    "state's conversations; see the coverage)",
}


# --- waves ------------------------------------------------------------------------------
def wave_text(wave: str, label: str) -> str:
    """'2026-05 (May 2026)'."""
    return f"{wave} ({label})"


def windows_text(labels: Mapping[str, str]) -> str:
    """Every wave's sample window: '2025-08: Aug 4–11, 2025; …; 2026-05: May 2026'."""
    return "; ".join(f"{wave}: {label}" for wave, label in labels.items())


# --- headline tiles ---------------------------------------------------------------------
@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    rank: str
    comparison: str
    definition: str


def headline_tiles(
    row: Mapping[str, object], us: Mapping[str, object], population_share: float | None
) -> list[Tile]:
    """The five headline numbers of a state in a wave, from its state_summary row and the US
    row: shown as cards on the state page and as tiles on the briefing."""
    threshold = row.get("high_exposure_threshold") or us.get("high_exposure_threshold")
    tiles = []
    for metric in (METRICS[m] for m in HEADLINE_METRICS):
        value = metric.format(row.get(metric.column))
        comparison = f"US {metric.format(us.get(metric.column))}"
        if metric.id == "usage_share":  # the US is 100% of itself: compare with people
            comparison = f"{percent_text(population_share, 2)} of US working-age people"
        elif metric.id == "jobs_high_exposure":  # the tile counts jobs; the rank is of the share
            value = count_text(row.get("jobs_high_exposure"))
            comparison = f"{metric.format(row.get(metric.column))} of jobs · {comparison}"
        tiles.append(
            Tile(
                label=metric.label,
                value=value,
                rank=metric_rank(metric, row),
                comparison=comparison,
                definition=metric_summary(metric, threshold),
            )
        )
    return tiles


def caveats(publisher_caveats: Sequence[str]) -> list[str]:
    """The caveats every state shows, after the publisher's own for this state."""
    return [*publisher_caveats, *CAVEATS]


# --- occupations ------------------------------------------------------------------------
# The occupation index, the occupation page and a state's most exposed jobs. Missing values
# read as the mart's own status words ("no exposure score", "too little data", ...).
NATIONAL_SCORE = "one national score; it does not vary by state"
NO_TASKS = "no O*NET tasks"


def jobs_text(value: float | None, status: str | None = None) -> str:
    """An OEWS employment count, or why it is missing ('not published')."""
    return count_text(value, missing=status or NOT_PUBLISHED)


def share_text(value: float | None, status: str | None = None, decimals: int = 2) -> str:
    """A share in percent, or the status that withholds it ('too little data')."""
    return percent_text(value, decimals, missing=status or NOT_PUBLISHED)


def quotient_text(value: float | None) -> str:
    """A location quotient as published (2 decimals): '1.54'."""
    return NOT_PUBLISHED if is_missing(value) else f"{value:.2f}"


def weighted_jobs_text(value: float | None, status: str | None = None) -> str:
    """Exposure-weighted jobs (employment × exposure), or 'no exposure score'."""
    return count_text(value, missing=status or NO_SCORE)


def penetration_text(value: float | None) -> str:
    """AEI's observed penetration of a task (0-1) as a percent; a trace reads '< 0.1%' so
    a task seen in use never reads as 0."""
    if is_missing(value):
        return NOT_PUBLISHED
    if value == 0:
        return "0%"
    if value < 0.001:
        return "< 0.1%"
    return f"{value:.1%}"


def exposure_fine_text(value: float | None) -> str:
    """Observed exposure to a tenth of a percent, where whole percents would hide an order
    ('7.1%' above '7.0%'), or 'no score'."""
    return NO_SCORE if is_missing(value) else f"{value:.1%}"


def tasks_penetrated_text(penetrated: int | None, tasks: int | None) -> str:
    """'6 of 19 (32%)': the occupation's O*NET tasks with penetration above zero."""
    if not tasks or penetrated is None:
        return NO_TASKS
    return f"{penetrated} of {tasks} ({penetrated / tasks:.0%})"


def soc_list_text(codes: str, titles: Mapping[str, str]) -> str:
    """'31-1121 (Home Health Aides) and 31-1122 (Personal Care Aides)'."""
    parts = [f"{c} ({titles[c]})" if titles.get(c) else c for c in codes.split(",") if c]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
