"""What a briefing says: every number from the marts, every sentence from a template."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import plotly.graph_objects as go

from dashboard.data import Marts
from dashboard.figures.charts import state_vs_us_bars, usage_vs_jobs_bars
from dashboard.figures.maps import locator
from dashboard.metrics import METRICS
from dashboard.views import Params, groups
from etl.marts.summary import HIGH_EXPOSURE_THRESHOLD


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    comparison: str


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
    groups_note: str
    caveats: list[str]
    sources: list[str]
    citation: str
    figures: dict[str, go.Figure] = field(default_factory=dict)


def _pct(value: float | None, digits: int = 1) -> str:
    return f"{value:.{digits}f}%" if value is not None else "not published"


def _narrative(data: Marts, state: str, wave: str, row: dict, us: dict, top: tuple | None) -> str:
    name = data.state_names[state]
    parts = []
    if row.get("aui") is not None:
        more = "more" if row["aui"] >= 1 else "less"
        parts.append(
            f"In {data.wave_label(wave)}, people in {name} used Claude {more} than the "
            f"state's working-age population predicts: an AI Usage Index of {row['aui']:.2f} "
            f"(the US is 1.00), rank {row['aui_rank']} of 51. {name} accounted for "
            f"{row['usage_share_pct']:.2f}% of US conversations."
        )
    if top:
        used, first = top
        parts.append(
            f"The most common use of AI in {name} ({used}) was “{first.label}”: "
            f"{first.state_pct:.1f}% of conversations, {first.specialization:.2f}× its US "
            "share."
        )
    if row.get("automation_share_pct") is not None:
        parts.append(
            f"{row['automation_share_pct']:.0f}% of classified conversations were automation "
            f"(Claude carrying out the task) against {us['automation_share_pct']:.0f}% "
            "nationally."
        )
    if row.get("exposure_weighted_employment") is not None:
        parts.append(
            f"The largest occupation is {row['largest_occupation_1_title']} "
            f"({row['largest_occupation_1_employment']:,.0f} jobs). On average, "
            f"{row['exposure_weighted_employment'] * 100:.1f}% of the task time of {name}'s "
            f"jobs is observed in AI use (US {us['exposure_weighted_employment'] * 100:.1f}%); "
            f"{row['jobs_high_exposure']:,.0f} jobs ({row['jobs_high_exposure_pct']:.1f}%) are "
            f"in occupations where it is at least {HIGH_EXPOSURE_THRESHOLD:.0%}."
        )
    return " ".join(parts)


def briefing(data: Marts, state: str, wave: str, today: date | None = None) -> Briefing:
    name = data.state_names[state]
    row, us = data.summary(wave, state) or {}, data.summary(wave, "US") or {}
    params = Params(state=state, wave=wave)
    tiles = []
    for headline in data.headlines(wave, state):
        spec = METRICS[headline.metric]
        rank = f"rank {headline.rank} of 51 · " if headline.rank else ""
        comparison = (
            f"{rank}{data.population_share[state]:.2f}% of US working-age people"
            if headline.metric == "usage_share"
            else f"{rank}US {spec.format(headline.us_value)}"
        )
        tiles.append(Tile(spec.label, spec.format(headline.value), comparison))
    tiles.append(
        Tile(
            "Jobs in highly exposed occupations",
            f"{row['jobs_high_exposure']:,.0f}"
            if row.get("jobs_high_exposure") is not None
            else "not published",
            f"{_pct(row.get('jobs_high_exposure_pct'))} of jobs · US "
            f"{_pct(us.get('jobs_high_exposure_pct'))}",
        )
    )
    used, uses = data.top_uses(state, wave, "major", 6)
    group_wave, group_rows = groups(data, params)
    table = data.occupation_table(state, 8)
    occupations = [
        [
            r["title"],
            f"{r['employment']:,.0f}",
            f"≥ ${r['median_wage_lower_bound']:,.0f}"
            if r["median_wage_status"] == "top-coded"
            else (
                f"${r['median_annual_wage']:,.0f}"
                if r["median_annual_wage"] is not None
                else "not released"
            ),
            f"{r['observed_exposure']:.0%}" if r["observed_exposure"] is not None else "no score",
        ]
        for r in table.iter_rows(named=True)
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
        narrative=_narrative(data, state, wave, row, us, (used, uses[0]) if uses else None),
        uses_note=(
            f"Wave {used} ({data.wave_label(used)}), coarsest request level. "
            "Bars: share of conversations; × US = specialization."
            if used
            else "Request clusters are not published for this state."
        ),
        occupations=occupations,
        groups_note=f"Share of AI usage (wave {group_wave}) vs share of jobs (OEWS May 2025).",
        caveats=[
            "Usage is a sample of Claude.ai conversations; a missing value was not published "
            "by Anthropic (privacy floor), never zero.",
            "Exposure describes tasks seen in AI use, not jobs lost or created. OEWS excludes "
            "the self-employed.",
            *data.caveats(state),
        ],
        sources=sources,
        citation="State AI Economic Index ("
        + (today or date.today()).strftime("%Y")
        + "), briefing for "
        + name
        + ". Data: Anthropic Economic Index (CC-BY); "
        "O*NET 29.3 (USDOL/ETA, CC BY 4.0); BLS OEWS May 2025.",
        figures={
            "locator": locator(state, height=150),
            "uses": state_vs_us_bars(uses, name, width=34, empty="Not published for this state."),
            "groups": usage_vs_jobs_bars(group_rows[:6], name, width=44),
        },
    )
