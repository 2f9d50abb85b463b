"""`/changes`: what moved between the build this page answers from and the one before it —
upstream files, waves and headline numbers — so a user who cited a number can see why it now
differs (the same comparison as `aiei changes`)."""

from __future__ import annotations

from dash import dcc, html

from dashboard import components as ui
from dashboard.data import Marts, per_marts
from dashboard.pages.page import Page, no_parameters
from etl.atomic import published_builds
from etl.changes import Changes, changed_value, compare

NUMBERS_SHOWN = 300  # the rest: `aiei changes --json`
COLUMN_NAMES = {
    "aui": "AUI",
    "aui_rank": "AUI rank",
    "usage_share_pct": "Share of US conversations (%)",
    "usage_share_rank": "Usage share rank",
    "automation_share_pct": "Automation share (%)",
    "exposure_weighted_employment": "Average observed exposure of jobs",
    "jobs_high_exposure": "Jobs in highly exposed occupations",
}


@per_marts(maxsize=1)
def changes(data: Marts) -> Changes | None:
    """This build against the published build before it, or None for the first build."""
    builds = published_builds(data.directory.parent)
    names = [b.name for b in builds]
    if data.directory.name not in names:
        return None
    older = builds[names.index(data.directory.name) + 1 :]
    return compare(older[0], data.directory) if older else None


def _build(about: dict) -> str:
    return f"build {about['build_id']} of {about['built_at']}"


def layout(view: None, data: Marts) -> html.Div:
    found = changes(data)
    if found is None:
        return html.Div(
            [
                html.H1("What changed in the data"),
                html.P(
                    f"This server answers from build {data.build_id}, the first one on disk: "
                    "there is no earlier build to compare it with."
                ),
            ]
        )
    files = [
        [
            f["source"],
            f"{f['before']['sha256'][:12]}… ({f['before']['bytes']:,} bytes)"
            if f["before"]
            else "absent",
            f"{f['after']['sha256'][:12]}… ({f['after']['bytes']:,} bytes)"
            if f["after"]
            else "absent",
        ]
        for f in found.files
    ]
    numbers = [
        [
            n["wave"],
            data.state_names.get(n["state"], n["state"]),
            COLUMN_NAMES.get(n["column"], n["column"]),
            changed_value(n["before"]),
            changed_value(n["after"]),
        ]
        for n in found.numbers[:NUMBERS_SHOWN]
    ]
    more = len(found.numbers) - len(numbers)
    return html.Div(
        [
            html.H1("What changed in the data"),
            html.P(
                f"From {_build(found.previous)} to {_build(found.current)}, the one this page "
                "shows. A number you cited may differ for one of these reasons."
            ),
            html.H2("Upstream files"),
            ui.table(["Source", "Before", "After"], files, caption="Files whose checksum changed")
            if files
            else html.P("No upstream file changed."),
            html.H2("Waves"),
            html.P(
                "; ".join(
                    [f"added: {w}" for w in found.waves_added]
                    + [f"removed: {w}" for w in found.waves_removed]
                )
                or "No wave was added or removed."
            ),
            html.H2("Headline numbers"),
            ui.scroll_box(
                ui.table(
                    ["Wave", "State", "Number", "Before", "After"],
                    numbers,
                    caption="Headline numbers that moved",
                    numeric=[False, False, False, True, True],
                ),
                "Changed numbers table",
                "table-scroll",
            )
            if numbers
            else html.P("No headline number changed."),
            html.P(
                f"… and {more:,} more: run `aiei changes --json` for all of them."
                if more > 0
                else ""
            ),
            html.P(dcc.Link("Methodology and sources", href="/methodology")),
        ]
    )


PAGE = Page(
    name="changes",
    path="/changes",
    parse=no_parameters,
    layout=layout,
    title=lambda view, data: "What changed in the data",
)
