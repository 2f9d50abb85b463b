"""`waves`: one row per AEI wave, from the source registry: its release, window, label and
what the release's layout publishes. Pages, downloads and briefings read waves, their labels
and release breaks from here, so a new release is a registry entry and nothing else."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from etl.harmonise.aei import LAYOUT_OF_READER
from etl.sources.registry import aei_wave_sources
from etl.spec import RELEASE, WAVE, Mart, col


def window_label(start: date, end: date) -> str:
    """'Aug 4–11, 2025' for a week, 'May 2026' for a calendar month (end inclusive)."""
    if start.day == 1 and end == _month_end(start):
        return f"{start:%B %Y}"
    return f"{start:%b} {start.day}–{end.day}, {start:%Y}"


def _month_end(day: date) -> date:
    following = day.replace(day=28) + timedelta(days=4)
    return following - timedelta(days=following.day)


def build_waves(inputs: dict[str, pl.DataFrame]) -> pl.DataFrame:
    present = set(inputs["aei_harmonised"]["wave"].unique())
    rows, previous_release = [], None
    for wave, source in sorted(aei_wave_sources().items()):
        if wave not in present:
            continue
        start, end = (date.fromisoformat(d) for d in source.waves[wave])
        layout = LAYOUT_OF_READER[source.reader]
        if layout == "wide":  # the wide schema's date_end is exclusive
            end -= timedelta(days=1)
        rows.append(
            (
                wave,
                source.release,
                layout,
                start,
                end,
                window_label(start, end),
                layout == "long",
                previous_release is not None and source.release != previous_release,
            )
        )
        previous_release = source.release
    return pl.DataFrame(
        rows,
        schema={
            "wave": pl.String,
            "release": pl.String,
            "layout": pl.String,
            "window_start": pl.Date,
            "window_end": pl.Date,
            "label": pl.String,
            "publishes_counts": pl.Boolean,
            "release_break": pl.Boolean,
        },
        orient="row",
    )


WAVES = Mart(
    name="waves",
    description="The AEI waves in this build: release, sample window, label, layout.",
    key=("wave",),
    columns=(
        WAVE,
        RELEASE,
        col(
            "layout",
            pl.String,
            "",
            "The release's file layout: long (one row per geography, facet, cluster and "
            "variable, with counts) or wide (one row per geography, node and metric; shares "
            "only).",
            "etl/sources/registry.py",
        ),
        col("window_start", pl.Date, "date", "First day of the sample window.", "registry"),
        col("window_end", pl.Date, "date", "Last day of the window, inclusive.", "registry"),
        col("label", pl.String, "", "The window in words: 'Aug 4–11, 2025', 'May 2026'."),
        col(
            "publishes_counts",
            pl.Boolean,
            "",
            "True when the release publishes conversation counts (needed for sampling "
            "intervals); the wide layout publishes shares rounded to 2 dp only.",
        ),
        col(
            "release_break",
            pl.Boolean,
            "",
            "True for the first wave of a release after the first: sample window, platform "
            "and taxonomies may change here; request clusters compare only within a release.",
        ),
    ),
    staging=(),
    marts=("aei_harmonised",),
    build=build_waves,
)
