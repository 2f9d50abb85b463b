"""What a briefing says: every number from the marts, every sentence from a template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import plotly.graph_objects as go

from dashboard import area_data, citation, occupation_data, present, profile_views, views
from dashboard.data import Marts
from dashboard.figures.charts import GroupRow, ShareRow, state_vs_us_bars, usage_vs_jobs_bars
from dashboard.figures.maps import locator
from dashboard.present import Tile
from dashboard.public_url import absolute
from dashboard.urls import StateView

USES_SHOWN, GROUPS_SHOWN = 4, 6  # what fits one page beside the occupations tables
LARGEST_SHOWN = 5  # the largest occupations; with the four most exposed, one page
MOST_EXPOSED_SHOWN = 4


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
    area_line: str  # "Most exposed area: …", or "" for a state without areas
    groups_note: str
    profile: list[tuple[str, str]]  # how it is used, who is exposed, usage and income
    caveats: list[str]
    sources: list[str]
    citation: str
    figures: dict[str, go.Figure | dict] = field(default_factory=dict)
    # Each figure in words: its alt text in the tagged PDF, for screen readers.
    alt: dict[str, str] = field(default_factory=dict)


def briefing(data: Marts, state: str, wave: str, today: date | None = None) -> Briefing:
    name = data.state_names[state]
    row, us = data.summary(wave, state) or {}, data.summary(wave, "US") or {}
    view = StateView(state, wave)
    tiles = present.headline_tiles(row, us, data.population_share.get(state))
    _, uses = views.top_uses(data, view, USES_SHOWN)
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
    uses_rows = profile_views.usage_profile(data, state, wave)
    profile = [
        (
            "How it is used:",
            present.use_case_line(
                [uses_rows[m] for m in profile_views.USE_CASE_METRICS if m in uses_rows]
            ),
        ),
        (
            "Highly exposed jobs,",
            "most in the wage band "
            + present.exposed_band_text(profile_views.wage_bands(data, state)),
        ),
        (
            "Usage and income:",
            present.income_short(name, profile_views.income_row(data, view)),
        ),
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
        narrative=views.state_story(data, view),
        uses_note=views.top_uses_note(data, view),
        occupations=occupations,
        most_exposed=most_exposed,
        most_exposed_note=(  # "highly exposed": the last tile defines it
            f"of {len(exposed)} highly exposed; by jobs × exposure"
        ),
        area_line=present.most_exposed_area_line(
            area_data.most_exposed_area(data, state), name, row.get("exposure_weighted_employment")
        ),
        groups_note=(
            f"Bars: {present.MEASURE_DEFINITIONS[measure]} (wave {wave}), beside the group's "
            "share of the state's jobs (OEWS May 2025)."
            + " "
            + present.group_support_note(group_rows[:GROUPS_SHOWN])
            if measure
            else f"Claude.ai usage by occupation group is not in the {wave} release."
        ),
        profile=profile,
        caveats=[*present.caveats(data.caveats(state)), present.SAMPLING_NOTE],
        sources=sources,
        # the state page of this wave, at the address AIEI_PUBLIC_URL names: the same from
        # the command line and from the server
        citation=citation.plain_text(
            citation.of_build(
                data.manifest,
                absolute(f"/state/{state}{view.search(data)}"),
                f"AI in {name}, briefing",
            )
        ),
        alt={
            "locator": f"Map of the United States with {name} highlighted.",
            "uses": uses_alt(name, uses),
            "groups": groups_alt(group_rows[:GROUPS_SHOWN], measure_name, wave),
        },
        figures={
            "locator": locator(state, list(data.state_names), height=120),
            "uses": state_vs_us_bars(uses, name, width=34, empty="Not published for this state."),
            "groups": usage_vs_jobs_bars(
                group_rows[:GROUPS_SHOWN],
                name,
                measure=measure_name,
                width=50,
                empty=present.groups_empty_text(measure, wave),
            ),
        },
    )


def uses_alt(name: str, rows: Sequence[ShareRow]) -> str:
    if not rows:
        return "Bar chart of the top uses of Claude.ai: not published for this state."
    return (
        f"Bar chart: the top uses of Claude.ai, as a share of conversations in {name} and in "
        "the US. "
        + "; ".join(
            f"{r.label}: {present.percent_text(r.state_pct, 2)} in {name}, "
            f"{present.percent_text(r.us_pct, 2)} in the US"
            for r in rows
        )
        + "."
    )


def groups_alt(rows: Sequence[GroupRow], measure_name: str, wave: str) -> str:
    if not rows:
        return f"Bar chart of Claude.ai usage by occupation group: not in the {wave} release."
    return (
        f"Bar chart by occupation group: Claude.ai usage ({measure_name}) beside the group's "
        "share of the state's jobs. "
        + "; ".join(
            f"{r.label}: usage {present.share_or_status(r.usage_share_pct, r.status)} %, "
            f"jobs {present.number_text(r.employment_share_pct)} %"
            for r in rows
        )
        + "."
    )
