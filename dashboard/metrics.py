"""The map's metrics: what each one is, how to format it and how to colour it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    short: str
    unit: str
    column: str  # column of state_summary (or of state_requests for the cluster metric)
    decimals: int
    scale: str  # "ratio" (diverging around 1, log) or "sequential"
    definition: str
    percent: bool = False

    def format(self, value: float | None) -> str:
        if value is None:
            return "not published"
        if self.id == "exposure":
            return f"{value * 100:.1f}%"
        text = f"{value:,.{self.decimals}f}"
        return f"{text}%" if self.percent else text


METRICS: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric(
            "aui",
            "Anthropic AI Usage Index (AUI)",
            "AUI",
            "index, US = 1",
            "aui",
            2,
            "ratio",
            "A state's share of US Claude conversations divided by its share of the US "
            "working-age population. Above 1: more use than its population predicts.",
        ),
        Metric(
            "usage_share",
            "Share of US conversations",
            "Usage share",
            "% of the 50 states + DC",
            "usage_share_pct",
            2,
            "sequential",
            "The state's conversations as a share of all conversations from the 50 states and DC.",
            percent=True,
        ),
        Metric(
            "automation",
            "Automation share",
            "Automation",
            "% of classified conversations",
            "automation_share_pct",
            1,
            "sequential",
            "Directive and feedback-loop conversations (Claude does the task) as a share of "
            "the five classified collaboration patterns; the rest is augmentation.",
            percent=True,
        ),
        Metric(
            "exposure",
            "Exposure-weighted employment",
            "Job exposure",
            "share of jobs' tasks",
            "exposure_weighted_employment",
            3,
            "sequential",
            "Average observed AI exposure of the state's jobs: each occupation's exposure "
            "weighted by its OEWS May 2025 employment. The same in every wave.",
        ),
        Metric(
            "cluster",
            "Share of a use of AI",
            "Use share",
            "% of the state's conversations",
            "state_pct",
            2,
            "sequential",
            "Share of the state's conversations in the chosen request cluster (coarsest "
            "level). Hover shows the specialization: state share ÷ US share.",
            percent=True,
        ),
    )
}
DEFAULT_METRIC = "aui"
