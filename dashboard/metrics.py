"""The headline metrics: what each one is, where its value and rank live in the marts, and
how it is displayed (every page, table, chart, CSV and briefing formats it here)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from etl.evidence import NOT_PUBLISHED


def is_missing(value: object) -> bool:
    """None, NaN and infinities are values nobody published, never numbers to show."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    short: str
    unit: str
    column: str  # the value: a column of state_summary (state_requests for "cluster")
    rank: str  # the mart's rank of the value among the 51 (ties share the best rank)
    tied: str  # True when another state has the same value
    ranked: str  # how many states were ranked
    status: str  # why the value is missing, where it is (etl/evidence.py's closed list)
    scale: str  # "ratio" (diverging around 1, log) or "sequential"
    definition: str  # a paragraph: under the map
    summary: str  # one line: under a headline tile
    decimals: int = 2  # display rules: value × multiplier, this many decimals, then suffix
    multiplier: float = 1.0
    suffix: str = ""
    axis: str = ""  # a chart's value axis title
    # The sampling interval (95 %) of the value and of its rank, where the marts have them.
    low: str = ""
    high: str = ""
    rank_low: str = ""
    rank_high: str = ""
    # Where the value lives: a state_summary column, or one metric of state_usage_profile
    # (`subject`), or the income fit (data.metric_values reads each).
    table: str = "state_summary"
    subject: str = ""
    by_wave: bool = True  # False: the same in every wave (OEWS jobs, national scores)

    def scaled(self, value: float | None) -> float | None:
        """The value in display units (a share 0-1 as a percent), None when missing."""
        return None if is_missing(value) else value * self.multiplier

    def format(self, value: float | None) -> str:
        shown = self.scaled(value)
        return NOT_PUBLISHED if shown is None else f"{shown:,.{self.decimals}f}{self.suffix}"


# The use cases the 2026 release publishes per state (state_usage_profile "use_case:*").
USE_CASES = {"work": "work", "personal": "personal use", "coursework": "coursework"}


def _ranks(name: str) -> dict[str, str]:
    """The rank and status columns the build writes beside each ranked state_summary value."""
    return {
        "rank": f"{name}_rank",
        "tied": f"{name}_rank_tied",
        "ranked": f"{name}_states_ranked",
        "status": f"{name}_status",
    }


METRICS: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric(
            "aui",
            "Anthropic AI Usage Index (AUI)",
            "AUI",
            "index, US = 1",
            "aui",
            rank="aui_rank",
            tied="aui_rank_tied",
            ranked="states_ranked",
            status="aui_status",
            scale="ratio",
            definition="A state's share of US Claude.ai conversations divided by its share of "
            "the US working-age population. Above 1: more use than its population predicts.",
            summary="Share of US conversations ÷ share of US working-age people (US = 1). "
            "Rank 1 = the most use for its population.",
            axis="index",
            low="aui_low",
            high="aui_high",
            rank_low="aui_rank_low",
            rank_high="aui_rank_high",
        ),
        Metric(
            "usage_share",
            "Share of US conversations",
            "Usage share",
            "% of the 50 states + DC",
            "usage_share_pct",
            **_ranks("usage_share"),
            scale="sequential",
            definition="The state's Claude.ai conversations as a share of all conversations "
            "from the 50 states and DC (located by IP address).",
            summary="The state's share of Claude.ai conversations from the 50 states and DC. "
            "Rank 1 = the largest share.",
            suffix="%",
            axis="%",
            low="usage_share_low_pct",
            high="usage_share_high_pct",
            rank_low="usage_share_rank_low",
            rank_high="usage_share_rank_high",
        ),
        Metric(
            "automation",
            "Automation share",
            "Automation",
            "% of classified conversations",
            "automation_share_pct",
            **_ranks("automation"),
            scale="sequential",
            definition="Directive and feedback-loop conversations (Claude does the task) as "
            "a share of the five classified collaboration patterns; the rest is augmentation.",
            summary="Conversations where Claude carries out the task; the rest augment. "
            "Rank 1 = the most automation.",
            decimals=1,
            suffix="%",
            axis="%",
        ),
        Metric(
            "exposure",
            "Average observed exposure of jobs",
            "Observed exposure",
            "0–100 %",
            "exposure_weighted_employment",
            **_ranks("exposure"),
            scale="sequential",
            definition="Observed exposure (Anthropic; Massenkoff & McCrory 2026) is one "
            "national score per occupation combining how feasible its tasks are for language "
            "models with how much of them is seen in work-related Claude use. This is its "
            "average over the state's jobs (OEWS May 2025): states differ only through their "
            "mix of occupations. The same in every wave.",
            by_wave=False,
            summary="Observed exposure of the state's jobs, averaged over its jobs (one "
            "national score per occupation: only the job mix differs). Rank 1 = the most "
            "exposed.",
            decimals=1,
            multiplier=100,
            suffix="%",
            axis="%",
        ),
        Metric(
            "jobs_high_exposure",
            "Jobs in highly exposed occupations",
            "Highly exposed jobs",
            "% of the state's jobs",
            "jobs_high_exposure_pct",
            **_ranks("jobs_high_exposure"),
            scale="sequential",
            definition="Share of the state's jobs (OEWS May 2025) in occupations with "
            "{high_exposure}. The same in every wave.",
            by_wave=False,
            summary="Jobs in occupations with {high_exposure} (a cut-off chosen by this "
            "product). Rank 1 = the largest share of jobs.",
            decimals=1,
            suffix="%",
            axis="%",
        ),
        Metric(
            "cluster",
            "Share of a use of AI",
            "Use share",
            "% of the state's conversations",
            "state_pct",
            rank="state_rank",
            tied="state_rank_tied",
            ranked="states_ranked",
            status="state_pct_status",
            scale="sequential",
            definition="Share of the state's conversations in the chosen request cluster "
            "(coarsest level). Hover shows the specialization: state share ÷ US share.",
            summary="Share of the state's conversations in this use of AI.",
            suffix="%",
            axis="%",
            low="state_pct_low",
            high="state_pct_high",
            rank_low="state_rank_low",
            rank_high="state_rank_high",
        ),
        *(
            Metric(
                f"use_{case}",
                f"Use of Claude.ai for {words}",
                f"{case.capitalize()} use",
                "% of the state's conversations",
                "value",
                rank="rank",
                tied="rank_tied",
                ranked="states_ranked",
                status="status",
                scale="sequential",
                definition=f"Share of the state's Claude.ai conversations whose use case is "
                f"{words} (AEI's classification: work, personal or coursework; the three add "
                "up to 100 %). The release publishes no counts, so there is no sampling "
                "interval.",
                summary=f"Share of the state's conversations for {words}. Rank 1 = the "
                "largest share.",
                suffix="%",
                axis="%",
                table="state_usage_profile",
                subject=f"use_case:{case}",
            )
            for case, words in USE_CASES.items()
        ),
        Metric(
            "income_residual",
            "AI use against income",
            "Use vs income",
            "ratio, 1 = as its income predicts",
            "residual_ratio",
            rank="residual_rank",
            tied="residual_rank_tied",
            ranked="states_in_fit",
            status="residual_status",
            scale="ratio",
            definition="The state's AUI ÷ the AUI its GDP per working-age person predicts "
            "(a straight line through log AUI against log income of the 51, fitted per wave). "
            "Above 1: more use than its income predicts; within ±10 % about as much.",
            summary="AUI ÷ the AUI income predicts. Rank 1 = the most use for its income.",
            table="state_income_fit",
        ),
    )
}
DEFAULT_METRIC = "aui"
# The state profile's and the briefing's headline tiles, in order.
HEADLINE_METRICS = ("aui", "usage_share", "automation", "exposure", "jobs_high_exposure")

# --- an occupation, state by state ------------------------------------------------------
# The map's "an occupation" metric and the occupation page show one of these
# state_occupations columns for the chosen occupation (BLS OEWS May 2025), each with the
# marts' rank of the state among the 51.
OCCUPATION_MEASURES: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric(
            "lq",
            "Location quotient",
            "LQ",
            "ratio, US = 1",
            "location_quotient",
            rank="state_rank_by_lq",
            tied="state_rank_by_lq_tied",
            ranked="state_rank_by_lq_of",
            status="location_quotient_status",
            scale="ratio",
            definition="The occupation's share of the state's jobs ÷ its share of US jobs, "
            "as BLS publishes it (OEWS May 2025). Above 1: more concentrated in the state "
            "than in the US.",
            summary="Share of the state's jobs ÷ share of US jobs (US = 1).",
            axis="ratio",
        ),
        Metric(
            "share",
            "Share of the state's jobs",
            "% of jobs",
            "% of the state's jobs",
            "employment_share_pct",
            rank="state_rank_by_share",
            tied="state_rank_by_share_tied",
            ranked="state_rank_by_share_of",
            status="employment_status",
            scale="sequential",
            definition="The occupation's jobs as a share of all the state's jobs (OEWS May 2025).",
            summary="The occupation's jobs ÷ all the state's jobs.",
            suffix="%",
            axis="%",
        ),
        Metric(
            "employment",
            "Jobs",
            "Jobs",
            "jobs",
            "employment",
            rank="state_rank_by_employment",
            tied="state_rank_by_employment_tied",
            ranked="state_rank_by_employment_of",
            status="employment_status",
            scale="sequential",
            definition="Wage and salary jobs in the occupation in the state (OEWS May 2025; "
            "the self-employed are not counted).",
            summary="Jobs in the occupation in the state.",
            decimals=0,
            axis="jobs",
        ),
    )
}
DEFAULT_MEASURE = "lq"
# On the map, "an occupation" is the last metric; which measure it shows is the view's.
METRICS["occupation"] = replace(
    OCCUPATION_MEASURES[DEFAULT_MEASURE],
    id="occupation",
    label="Where an occupation's jobs are",
    by_wave=False,
)

# --- the areas inside the states --------------------------------------------------------
# The state page's "Where in <state>" map and the map page's metro metric colour each
# metro and nonmetro remainder by one of these area_summary / state_areas columns (OEWS May
# 2025); "lq" is one occupation's location quotient in each area (area_occupations).
AREA_MEASURES: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric(
            "exposure",
            "Average observed exposure of the area's jobs",
            "Observed exposure",
            "0–100 %",
            "exposure_weighted_employment",
            rank="rank_in_state",
            tied="rank_in_state_tied",
            ranked="areas_ranked",
            status="exposure_weighted_employment_status",
            scale="sequential",
            definition="Observed exposure (one national score per occupation) averaged over "
            "the area's jobs (OEWS May 2025): areas differ only through their mix of "
            "occupations. A shared metro's value is the whole metro's.",
            summary="Observed exposure averaged over the area's jobs.",
            decimals=1,
            multiplier=100,
            suffix="%",
            axis="%",
        ),
        Metric(
            "per_1000",
            "Jobs in highly exposed occupations per 1,000 jobs",
            "Highly exposed per 1,000",
            "per 1,000 jobs",
            "jobs_high_exposure_per_1000",
            rank="rank_in_state",
            tied="rank_in_state_tied",
            ranked="areas_ranked",
            status="exposure_weighted_employment_status",
            scale="sequential",
            definition="Jobs in occupations with {high_exposure} per 1,000 of the area's jobs "
            "(OEWS May 2025). A shared metro's value is the whole metro's.",
            summary="Jobs in highly exposed occupations per 1,000 jobs.",
            decimals=0,
            axis="per 1,000 jobs",
        ),
        Metric(
            "lq",
            "An occupation's location quotient",
            "LQ",
            "ratio, US = 1",
            "location_quotient",
            rank="rank_in_state",
            tied="rank_in_state_tied",
            ranked="areas_ranked",
            status="location_quotient_status",
            scale="ratio",
            definition="The occupation's share of the area's jobs ÷ its share of US jobs, as "
            "BLS publishes it for each metro and nonmetropolitan area (OEWS May 2025). A "
            "nonmetro remainder adds up several OEWS areas and has no quotient of its own: "
            "hover shows its areas' quotients.",
            summary="Share of the area's jobs ÷ share of US jobs (US = 1).",
            axis="ratio",
        ),
    )
}
DEFAULT_AREA_MEASURE = "exposure"
# On the US map, "metro areas" shows the average observed exposure of each metro's jobs
# (and of each state's nonmetro remainder), ranked among the metros by the marts.
METRICS["metro"] = replace(
    AREA_MEASURES[DEFAULT_AREA_MEASURE],
    id="metro",
    label="Observed exposure of jobs, metro by metro",
    short="Observed exposure",
    rank="rank_among_metros",
    tied="rank_among_metros_tied",
    ranked="metros_ranked",
    by_wave=False,
    definition="Observed exposure (one national score per occupation; Anthropic, Massenkoff "
    "& McCrory 2026) averaged over the jobs of each of the 387 metropolitan areas of the 50 "
    "states and DC and of each state's nonmetro remainder (its OEWS nonmetropolitan areas "
    "combined), OEWS May 2025. Areas differ only through their mix of occupations. Ranks: "
    "among the metros. The same in every wave.",
)
