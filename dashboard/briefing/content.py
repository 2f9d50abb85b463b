"""What a briefing says: every number from the marts, every sentence from a template."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import plotly.graph_objects as go

from dashboard import occupation_data, present, views
from dashboard.data import Marts
from dashboard.figures.charts import state_vs_us_bars, usage_vs_jobs_bars
from dashboard.figures.maps import locator
from dashboard.metrics import METRICS
from dashboard.present import Tile
from dashboard.urls import StateView

LARGEST_SHOWN = 5  # the largest occupations; with the five most exposed, one page
MOST_EXPOSED_SHOWN = 5


@dataclass
class Briefing:
    state: str
    name: str
    wave: str
    wave_label: str
    generated: str
    tiles: list[Tile]
    narrative: str
    uses_note: str
    occupations: list[list[str]]
    most_exposed: list[list[str]]  # the state page's most exposed jobs: the first five
    most_exposed_note: str
    groups_note: str
    caveats: list[str]
    sources: list[str]
    citation: str
    figures: dict[str, go.Figure] = field(default_factory=dict)


def _narrative(data: Marts, view: StateView, row: dict, us: dict, top: tuple | None) -> str:
    """Sentences for the numbers that are published; each number formatted like the page."""
    name, fmt = data.state_names[view.state], {m: METRICS[m].format for m in METRICS}
    parts = []
    if row.get("aui") is not None:
        more = "more" if row["aui"] >= 1 else "less"
        parts.append(
            f"In {data.wave_label(view.wave)}, people in {name} used Claude {more} than the "
            "state's working-age population predicts: an AI Usage Index of "
            f"{fmt['aui'](row['aui'])} (the US is {fmt['aui'](us.get('aui'))}), "
            f"{present.metric_rank(METRICS['aui'], row)}. {name} accounted for "
            f"{fmt['usage_share'](row.get('usage_share_pct'))} of US conversations."
        )
    if top:
        used, first = top
        parts.append(
            f"The most common use of AI in {name} ({used}) was “{first.label}”: "
            f"{present.percent_text(first.state_pct)} of conversations, "
            f"{present.number_text(first.specialization)}× its US share."
        )
    if row.get("automation_share_pct") is not None:
        parts.append(
            f"{fmt['automation'](row['automation_share_pct'])} of classified conversations were "
            "automation (Claude carrying out the task) against "
            f"{fmt['automation'](us.get('automation_share_pct'))} nationally."
        )
    if row.get("exposure_weighted_employment") is not None:
        parts.append(
            f"The largest occupation is {row['largest_occupation_1_title']} "
            f"({present.count_text(row['largest_occupation_1_employment'])} jobs). On average, "
            f"{fmt['exposure'](row['exposure_weighted_employment'])} of the task time of "
            f"{name}'s jobs is observed in AI use (US "
            f"{fmt['exposure'](us.get('exposure_weighted_employment'))}); "
            f"{present.count_text(row.get('jobs_high_exposure'))} jobs "
            f"({fmt['jobs_high_exposure'](row.get('jobs_high_exposure_pct'))}) are in "
            "occupations with "
            f"{present.high_exposure_text(row.get('high_exposure_threshold'))}."
        )
    return " ".join(parts)


def briefing(data: Marts, state: str, wave: str, today: date | None = None) -> Briefing:
    name = data.state_names[state]
    row, us = data.summary(wave, state) or {}, data.summary(wave, "US") or {}
    view = StateView(state, wave)
    tiles = present.headline_tiles(row, us, data.population_share.get(state))
    used, uses = views.top_uses(data, view, 6)
    measure, group_rows = views.groups(data, view)
    measure_name = present.MEASURE_NAMES.get(measure or "", "")
    occupations = [
        [
            r["title"],
            present.count_text(r["employment"]),
            present.occupation_wage(r),
            present.exposure_text(r["observed_exposure"]),
        ]
        for r in data.occupation_rows(state, LARGEST_SHOWN)
    ]
    exposed = occupation_data.most_exposed(data, state)
    most_exposed = [
        [
            r["title"],
            present.jobs_text(r["employment"], r["employment_status"]),
            present.exposure_text(r["observed_exposure"]),
        ]
        for r in exposed[:MOST_EXPOSED_SHOWN]
    ]
    releases: dict[str, set[str]] = {}
    for source in data.manifest.get("sources", {}).values():
        releases.setdefault(source["publisher"], set()).add(source["release"])
    sources = [
        "Anthropic Economic Index, Hugging Face Anthropic/EconomicIndex ("
        + ", ".join(sorted(r for r in releases.get("Anthropic", ()) if r.startswith("release")))
        + "; CC-BY)",
        "O*NET 29.3 and the O*NET-SOC 2010-2019 crosswalk (USDOL/ETA, CC BY 4.0)",
        "BLS Occupational Employment and Wage Statistics, May 2025 (public domain)",
    ]
    return Briefing(
        state=state,
        name=name,
        wave=wave,
        wave_label=data.wave_label(wave),
        generated=(today or date.today()).isoformat(),
        tiles=tiles,
        narrative=_narrative(data, view, row, us, (used, uses[0]) if uses else None),
        uses_note=(
            f"Wave {used} ({data.wave_label(used)}), coarsest request level. "
            "Bars: share of conversations; × US = specialization."
            if used
            else "Request clusters are not published for this state."
        ),
        occupations=occupations,
        most_exposed=most_exposed,
        most_exposed_note=(
            f"of the {len(exposed)} with "
            f"{present.high_exposure_text(row.get('high_exposure_threshold'))}, most jobs × "
            "exposure first"
        ),
        groups_note=(
            f"Claude.ai usage by occupation group, {measure_name} (wave {wave}), vs share of "
            "jobs (OEWS May 2025)."
            if measure
            else f"Claude.ai usage by occupation group is not in the {wave} release."
        ),
        caveats=present.caveats(data.caveats(state)),
        sources=sources,
        citation="State AI Economic Index ("
        + (today or date.today()).strftime("%Y")
        + "), briefing for "
        + name
        + ". Data: Anthropic Economic Index (CC-BY); "
        "O*NET 29.3 (USDOL/ETA, CC BY 4.0); BLS OEWS May 2025.",
        figures={
            "locator": locator(state, list(data.state_names), height=150),
            "uses": state_vs_us_bars(uses, name, width=34, empty="Not published for this state."),
            "groups": usage_vs_jobs_bars(
                group_rows[:6],
                name,
                measure=measure_name,
                width=50,
                empty="Not in this wave's release.",
            ),
        },
    )
