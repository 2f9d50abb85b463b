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

from dashboard.metrics import HEADLINE_METRICS, METRICS, Metric, is_missing
from etl.evidence import NOT_COMPUTABLE, NOT_PUBLISHED

NOT_RANKED = "not ranked"
TIE_NOTE = "Tied states share a rank (32=) and are listed by name."
SHORT_RANK_NOTE = "A rank such as 32= is shared with another state."
NO_SCORE = "no score"
NOT_RELEASED = "not released"
CAVEATS = (
    "Usage comes from a sample of Claude.ai conversations. A value below AEI's privacy floor "
    "is not published (it may be small or zero): every missing value shows its reason, "
    "never 0.",
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
    """The rank text of `metric` in a state_summary (or state_requests) row, with the range
    of ranks sampling (or the published rounding) allows: 'rank 32 of 51, tied (plausible
    27–38)'."""
    text = rank_text(row.get(metric.rank), row.get(metric.tied), row.get(metric.ranked))
    plausible = rank_range(metric, row)
    return f"{text} ({plausible})" if plausible else text


def rank_range(metric: Metric, row: Mapping[str, object]) -> str:
    """'plausible 27–38' (a 95 % sampling interval of the rank), '32–33 given the rounding'
    (a release without counts), or '' where the marts have no range."""
    low = row.get(metric.rank_low) if metric.rank_low else None
    high = row.get(metric.rank_high) if metric.rank_high else None
    if low is None or high is None or row.get(metric.rank) is None:
        return ""
    span = f"{low}–{high}" if low != high else f"{low}"
    if "rounding" in str(row.get("rank_interval_kind") or ""):
        return f"{span} given the rounding" if low != high else ""
    return f"plausible {span}"


def rank_range_short(metric: Metric, row: Mapping[str, object]) -> str:
    """The table form of the range: '27–38', or '—'."""
    low = row.get(metric.rank_low) if metric.rank_low else None
    high = row.get(metric.rank_high) if metric.rank_high else None
    if low is None or high is None:
        return "—"
    return f"{low}–{high}" if low != high else str(low)


def is_clearly_first(metric: Metric, row: Mapping[str, object]) -> bool:
    """Only a state whose whole rank interval is [1, 1] is called first."""
    if row.get(metric.rank) != 1 or row.get(metric.tied):
        return False
    if not metric.rank_high:
        return True
    return row.get(metric.rank_low) == 1 and row.get(metric.rank_high) == 1


def first_place(metric: Metric, rows: Sequence[Mapping[str, object]]) -> str:
    """Who is first, said only as far as the intervals allow: 'Utah is first', or 'one of
    9 states that could plausibly be first: Montana, Nebraska, …'."""
    leaders = [r for r in rows if r.get(metric.rank) == 1]
    if not leaders:
        return ""
    if len(leaders) == 1 and is_clearly_first(metric, leaders[0]):
        return f"{leaders[0]['name']} is first."
    contenders = sorted(
        (
            r
            for r in rows
            if (r.get(metric.rank_low) if metric.rank_low else r.get(metric.rank)) == 1
        ),
        key=lambda r: (r.get(metric.rank) or 99, r["name"]),
    )
    names = ", ".join(r["name"] for r in contenders[:6]) + ("…" if len(contenders) > 6 else "")
    return (
        f"{len(contenders)} states could plausibly be first ({names}): no state is clearly first."
    )


# --- numbers ----------------------------------------------------------------------------
def value_text(metric: Metric, row: Mapping[str, object]) -> str:
    """The metric's value in a mart row, or the words of its status where it is missing."""
    value = row.get(metric.column)
    if not is_missing(value):
        return metric.format(value)
    return str(row.get(metric.status) or NOT_PUBLISHED)


def interval_text(metric: Metric, row: Mapping[str, object]) -> str:
    """'95 % interval 0.42–0.46', or why there is none, or '' for metrics without one."""
    if not metric.low:
        return ""
    low, high = row.get(metric.low), row.get(metric.high)
    if not is_missing(low) and not is_missing(high):
        return f"95 % interval {metric.format(low)}–{metric.format(high)}"
    if row.get("interval_status") == "not computable" and not is_missing(row.get(metric.column)):
        return "interval not computable: no counts published"
    return ""


def conversations_text(count: float | None) -> str:
    """'373 conversations', or '' where the release publishes no counts."""
    return "" if is_missing(count) else f"{count:,.0f} conversations"


def support_text(level: str | None, reason: str | None) -> str:
    """'low support: …' or 'withheld: …'; '' for sufficient support."""
    if not level or level == "sufficient":
        return ""
    return f"{level}: {reason}" if reason else str(level)


def group_support_note(rows: Sequence[object]) -> str:
    """The support of occupation-group rows in two sentences: the low-support reason (the
    same coverage for every group of a state) once, and which groups are withheld."""
    low = dict.fromkeys(r.support_reason for r in rows if r.support == "low support")
    withheld = [f"{r.label} ({r.support_reason})" for r in rows if r.support == "withheld"]
    parts = [f"Hatched, low support: {reason}." for reason in low]
    if len(withheld) > 3:
        parts.append(f"{len(withheld)} groups withheld: too little data (the table says why).")
    elif withheld:
        parts.append("Withheld: " + "; ".join(withheld) + ".")
    return " ".join(parts)


def groups_empty_text(measure: str | None, wave: str) -> str:
    """Why the usage-by-occupation-group chart has no bars."""
    if measure is None:
        return f"Claude.ai usage by occupation group is not in the {wave} release."
    return "Every occupation group is withheld here: too little data (see the support note)."


FLAG_LABELS = {"caveat": "Publisher's caveat", "anomaly": "Automatic flag"}


def flags(row: Mapping[str, object]) -> list[str]:
    """The publisher's caveat and the automatic anomaly flag of a state-wave row, labelled."""
    return [f"{label}: {row[key]}" for key, label in FLAG_LABELS.items() if row.get(key)]


SAMPLING_NOTE = (
    "Ranges are 95 % sampling intervals only: conversations cluster by user and the sample "
    "is Claude.ai traffic, so the real uncertainty is larger."
)


def range_text(low: float | None, high: float | None, decimals: int = 2) -> str:
    """'11.75–18.99', or the status of a missing interval: a release without counts has none."""
    if is_missing(low) or is_missing(high):
        return NOT_COMPUTABLE
    return f"{low:.{decimals}f}–{high:.{decimals}f}"


def share_or_status(value: float | None, status: str | None, decimals: int = 2) -> str:
    """A percent value ('21.18') or, where it is missing, its status words."""
    if is_missing(value):
        return str(status or NOT_PUBLISHED)
    return f"{value:.{decimals}f}"


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
    evidence: str = ""  # what the value rests on: interval, sample, support
    missing: bool = False  # the value is a status in words, not a number


def headline_tiles(
    row: Mapping[str, object], us: Mapping[str, object], population_share: float | None
) -> list[Tile]:
    """The five headline numbers of a state in a wave, from its state_summary row and the US
    row: shown as cards on the state page and as tiles on the briefing."""
    threshold = row.get("high_exposure_threshold") or us.get("high_exposure_threshold")
    tiles = []
    for metric in (METRICS[m] for m in HEADLINE_METRICS):
        value = value_text(metric, row)
        comparison = f"US {metric.format(us.get(metric.column))}"
        evidence = [interval_text(metric, row)]
        if metric.id == "usage_share":  # the US is 100% of itself: compare with people
            comparison = f"{percent_text(population_share, 2)} of US working-age people"
            evidence.append(conversations_text(row.get("usage_count")))
        elif metric.id == "jobs_high_exposure":  # the tile counts jobs; the rank is of the share
            value = count_text(row.get("jobs_high_exposure"))
            comparison = f"{value_text(metric, row)} of jobs · {comparison}"
        if metric.id in ("aui", "usage_share"):
            evidence.append(support_text(row.get("support"), row.get("support_reason")))
        tiles.append(
            Tile(
                label=metric.label,
                value=value,
                rank=metric_rank(metric, row),
                comparison=comparison,
                definition=metric_summary(metric, threshold),
                evidence=" · ".join(e for e in evidence if e),
                missing=is_missing(row.get(metric.column)),
            )
        )
    return tiles


# --- the story ------------------------------------------------------------------------
ROUNDING = 0.005  # the 2026 release rounds the AUI to 2 decimals


def usage_verdict(row: Mapping[str, object]) -> str | None:
    """'more', 'less' or 'about as much' Claude.ai use than the state's working-age
    population predicts — 'more' or 'less' only when the AUI's whole range (its 95 %
    sampling interval, or its rounding where the release has no counts) says so."""
    aui = row.get("aui")
    if is_missing(aui):
        return None
    low, high = row.get("aui_low"), row.get("aui_high")
    if is_missing(low) or is_missing(high):
        low, high = aui - ROUNDING, aui + ROUNDING
    if low > 1:
        return "more"
    if high < 1:
        return "less"
    return "about as much"


@dataclass(frozen=True)
class TopUse:
    wave: str
    name: str
    share_pct: float | None
    specialization: float | None
    support: str = ""  # support_text of the request level, '' when sufficient


def story(
    name: str,
    wave_label: str,
    row: Mapping[str, object],
    us: Mapping[str, object],
    top: TopUse | None = None,
) -> str:
    """The plain-English summary the state page opens with and the briefing prints: every
    number from the marts, claims only as strong as the intervals and support allow."""
    aui, share = METRICS["aui"], METRICS["usage_share"]
    parts = []
    verdict = usage_verdict(row)
    if verdict:
        has_interval = not is_missing(row.get(aui.low))
        interval = interval_text(aui, row) if has_interval else ""
        reference = f"the US is {aui.format(us.get('aui'))}" + (f"; {interval}" if interval else "")
        parts.append(
            f"In {wave_label}, people in {name} used Claude.ai {verdict} than the state's "
            f"working-age population predicts: an AI Usage Index of {value_text(aui, row)} "
            f"({reference}), {metric_rank(aui, row)}."
        )
        parts.append(
            f"{name} accounted for {value_text(share, row)} of US Claude.ai conversations"
            + (
                f" ({conversations_text(row.get('usage_count'))} in the sample)."
                if conversations_text(row.get("usage_count"))
                else "."
            )
        )
    elif row.get("aui_status"):
        parts.append(f"In {wave_label}, {name}'s Claude.ai usage is {row['aui_status']}.")
    if top and not is_missing(top.share_pct):
        caution = f" — {top.support}" if top.support else ""
        parts.append(
            f"The most common use of Claude.ai in {name} ({top.wave}) was “{top.name}”: "
            f"{percent_text(top.share_pct)} of conversations, "
            f"{number_text(top.specialization)}× its US share{caution}."
        )
    automation = METRICS["automation"]
    if not is_missing(row.get(automation.column)):
        parts.append(
            f"{value_text(automation, row)} of classified conversations were automation "
            f"(Claude carrying out the task) against {automation.format(us.get(automation.column))}"
            " nationally."
        )
    exposure = METRICS["exposure"]
    if not is_missing(row.get(exposure.column)):
        threshold = row.get("high_exposure_threshold")
        parts.append(
            f"The average observed exposure of {name}'s jobs is {value_text(exposure, row)} "
            f"(US {exposure.format(us.get(exposure.column))}): one national score per "
            "occupation, so this reflects the state's mix of jobs. "
            f"{count_text(row.get('jobs_high_exposure'))} jobs "
            f"({percent_text(row.get('jobs_high_exposure_pct'))}) are in occupations with "
            f"{high_exposure_text(threshold)}, this product's cut-off."
        )
    parts += [f"{flag}." if not flag.endswith(".") else flag for flag in flags(row)]
    return " ".join(parts)


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


# --- areas inside the states ------------------------------------------------------------
def most_exposed_area_line(
    area: Mapping[str, object] | None, state_name: str, state: object
) -> str:
    """The briefing's line: 'Most exposed area: Muncie, IN (12.5% average observed exposure;
    Indiana 11.3%)', a shared metro marked so; '' without areas."""
    if not area or is_missing(area.get("exposure_weighted_employment")):
        return ""
    exposure = METRICS["exposure"]
    shared = "; a shared metro, counted whole" if area.get("is_shared") else ""
    return (
        f"Most exposed area: {area['area_name']} ("
        f"{exposure.format(area['exposure_weighted_employment'])} average observed exposure; "
        f"{state_name} {exposure.format(state)}{shared})."
    )


# --- the deeper profile -----------------------------------------------------------------
# How people use Claude.ai (the 2026 release's per-state metrics) and usage against income.
NO_COUNTS_NOTE = (
    "The release publishes these shares and means without counts, so they have no sampling "
    "interval: small differences from the US may be noise."
)


def profile_value_text(value: float | None, unit: str, status: str | None = None) -> str:
    """A state_usage_profile value in its unit: '37.21%', '247 min', '2.72' (1–5 scale),
    '11.98 years'; or its status words."""
    if is_missing(value):
        return str(status or NOT_PUBLISHED)
    if unit.startswith("%"):
        return f"{value:.2f}%"
    if unit == "minutes":
        return f"{value:,.0f} min"
    if unit == "years":
        return f"{value:.1f} years"
    return f"{value:.2f}"


def use_case_line(rows: Sequence[Mapping[str, object]]) -> str:
    """The use cases in one line, the US after them: 'work 37.21%, personal 51.29%,
    coursework 11.50% (US 41.32 / 49.74 / 8.94%)'."""
    if not rows:
        return "not published per state in this release"
    states = ", ".join(
        f"{str(r['label']).split(': ', 1)[-1]} "
        f"{profile_value_text(r['value'], str(r['unit']), r.get('status'))}"
        for r in rows
    )
    us = " / ".join(number_text(r["us_value"]) for r in rows)
    return f"{states} (US {us}%)"


def income_verdict(name: str, row: Mapping[str, object] | None) -> str:
    """'Indiana uses AI less than its income predicts' — the words of the fit
    (state_income_fit.residual_words: more / about as much / less, ±10 %) — or why not."""
    if not row or is_missing(row.get("residual_ratio")):
        return f"{name} has no AUI in this wave, so no comparison with its income"
    return f"{name} uses AI {row['residual_words']}"


def income_short(name: str, row: Mapping[str, object] | None) -> str:
    """The verdict with the AUI and the AUI income predicts."""
    verdict = income_verdict(name, row)
    if not row or is_missing(row.get("residual_ratio")):
        return verdict
    return (
        f"{verdict} (AUI {number_text(row['aui'])}, {number_text(row['predicted_aui'])} predicted)"
    )


def income_text(name: str, row: Mapping[str, object] | None) -> str:
    """The verdict with its numbers: AUI, the AUI income predicts, the ratio and its rank,
    and what the fit over the 51 explains."""
    verdict = income_verdict(name, row)
    if not row or is_missing(row.get("residual_ratio")):
        return verdict
    rank = rank_text(
        row.get("residual_rank"), row.get("residual_rank_tied"), row.get("states_in_fit")
    )
    return (
        f"{verdict}: an AUI of {number_text(row['aui'])} where its GDP per working-age person "
        f"(${row['gdp_per_working_age_person']:,.0f}) predicts {number_text(row['predicted_aui'])}"
        f" ({rank} by use for its income). Across the {row['states_in_fit']}, income explains "
        f"{row['r_squared']:.0%} of the spread in AUI (R²); 1 % more income goes with "
        f"{number_text(row['slope'])} % more use."
    )


def exposed_band_text(rows: Sequence[Mapping[str, object]]) -> str:
    """Which wage band holds the most highly exposed jobs: '$61,770–$83,680 (143,200 jobs,
    24% of them)'."""
    banded = [r for r in rows if not is_missing(r.get("jobs_high_exposure"))]
    total = sum(r["jobs_high_exposure"] for r in banded)
    if not banded or not total:
        return "no jobs in highly exposed occupations"
    top = max(banded, key=lambda r: (r["jobs_high_exposure"], -r["wage_band"]))
    return (
        f"{top['wage_band_label']} ({count_text(top['jobs_high_exposure'])} jobs, "
        f"{top['jobs_high_exposure'] / total:.0%} of them)"
    )
