"""What a page says before any script runs: its heading, summary sentence and headline
numbers with their ranks, and the picture a link preview shows.

The server puts this into the HTML of every first load (dashboard/first_view.py): the
`<title>`, `<meta name="description">`, the Open Graph tags, and a first view readable
with JavaScript off, by crawlers and by link unfurlers. Every sentence and number comes
from the formatters the pages and the briefing use (dashboard/present.py, views.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import occupation_data, present, views
from dashboard.data import Marts
from dashboard.metrics import METRICS
from dashboard.urls import CompareView, MapView, OccupationView, StateView, build_query

SITE_SUMMARY = "What people use AI for, state by state, joined with the jobs people hold."


@dataclass(frozen=True)
class Preview:
    heading: str  # the page's <h1>
    summary: str  # its summary sentence(s)
    lead: str = ""  # the headline number with its rank: 'AUI 0.61, rank 32 of 51'
    lines: tuple[tuple[str, str | None], ...] = ()  # more numbers: (text, link or None)
    image: str = "/card/US.png"  # the 1200×630 card (dashboard/cards.py)

    @property
    def description(self) -> str:
        """`<meta name="description">`: 'AI in Indiana — AUI 0.61, rank 32 of 51. In May…'"""
        text = f"{self.heading} — {self.lead}. {self.summary}" if self.lead else self.summary
        return text if len(text) <= 300 else text[:299].rsplit(" ", 1)[0] + "…"


def plain(heading: str, summary: str = SITE_SUMMARY) -> Preview:
    return Preview(heading, summary)


def headline(metric_id: str, row: dict) -> str:
    """'AUI 0.61, rank 32 of 51': a metric's value and its rank as every page writes them."""
    metric = METRICS[metric_id]
    return f"{metric.short} {present.value_text(metric, row)}, {present.metric_rank(metric, row)}"


def state(view: StateView, data: Marts) -> Preview:
    row = data.summary(view.wave, view.state) or {}
    us = data.summary(view.wave, "US") or {}
    tiles = present.headline_tiles(row, us, data.population_share.get(view.state))
    return Preview(
        f"AI in {data.state_names[view.state]}",
        views.state_story(data, view),
        headline("aui", row),
        tuple((f"{t.label}: {t.value} · {t.rank} · {t.comparison}", None) for t in tiles),
        f"/card/{view.state}.png{build_query(wave=view.wave)}",
    )


def map_page(view: MapView, data: Marts) -> Preview:
    rows, _ = views.map_rows(data, view)
    ranked = sorted((r for r in rows if r.rank is not None), key=lambda r: (r.rank or 0, r.name))
    metric = views.map_metric(view)
    first = ranked[0] if ranked else None
    lead = f"{first.name}: {metric.short} {first.value_text}, {first.rank_text}" if first else ""
    return Preview(
        "Where is Claude.ai used most?",
        f"{views.map_title(data, view)}. {views.map_claim(data, view)}".strip(),
        lead,
        tuple(
            (f"{present.rank_short(r.rank, r.tied)} {r.name}: {r.value_text}", f"/state/{r.state}")
            for r in ranked
        ),
        f"/card/US.png{build_query(wave=view.wave)}",
    )


def compare(view: CompareView, data: Marts) -> Preview:
    names = [data.state_names[s] for s in view.states]
    lines = tuple(
        (
            f"{data.state_names[s]}: {headline('aui', data.summary(view.wave, s) or {})}",
            f"/state/{s}",
        )
        for s in view.states
    )
    return Preview(
        "Compare states",
        f"{', '.join(names)} side by side, {data.wave_label(view.wave)}.",
        " · ".join(text for text, _ in lines),
        lines,
        f"/card/US.png{build_query(wave=view.wave)}",
    )


def occupation(view: OccupationView, data: Marts) -> Preview:
    row = occupation_data.occupation(data, view.soc)
    us = occupation_data.us_row(data, view.soc)
    rank = present.rank_text(
        row["rank_by_exposure_weighted_jobs"],
        row["rank_by_exposure_weighted_jobs_tied"],
        row["rank_by_exposure_weighted_jobs_of"],
    )
    jobs = present.jobs_text(row["us_employment"], row["us_employment_status"])
    weighted = present.weighted_jobs_text(
        row["us_exposure_weighted_jobs"], row["us_exposure_weighted_jobs_status"]
    )
    return Preview(
        f"{row['title']} ({view.soc})",
        f"{jobs} US jobs ({present.percent_text(us.get('employment_share_pct'), 2)} of US "
        f"jobs, BLS OEWS May 2025); median annual wage {present.occupation_wage(row)}; "
        f"observed exposure {present.exposure_text(row['observed_exposure'])}.",
        f"Exposure-weighted jobs {weighted}, {rank} among occupations",
    )
