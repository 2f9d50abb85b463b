"""Downloads: CSV of the current view of every page and of every mart, the ZIP bundle,
chart images and briefings.

Views are made from the same lookups the pages draw, so a download holds exactly what the
page shows. These files are for people to open: text cells that a spreadsheet would run as
a formula are neutralised (the API at /api/v1 keeps exact values for machines). Images and
briefings are rendered once per build and view (dashboard/render_cache.py).
"""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from dataclasses import asdict, fields
from pathlib import Path

import polars as pl
from flask import Flask, Response, request

from dashboard import (
    api,
    area_views,
    citation,
    images,
    occupation_views,
    profile_views,
    render_cache,
    views,
)
from dashboard.data import DataNotBuilt, Marts, marts, per_marts
from dashboard.public_url import absolute
from dashboard.render_cache import RendererBusy, RenderQueue
from dashboard.urls import (
    BadParameter,
    CompareView,
    MapView,
    OccupationView,
    StateView,
    View,
    parse_query,
)
from dashboard.views import FIGURES

# What a spreadsheet runs as a formula: = + - @ (or their fullwidth forms, which some
# spreadsheets read as the same), tab or CR, first or after leading spaces.
FORMULA_START = r"^[ \u00a0\u3000]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]"
STATE_VIEWS = (
    "summary",
    "top_uses",
    "occupations",
    "groups",
    "trend",
    "usage_profile",
    "wage_bands",
    "income_fit",
)
SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
RETRY_AFTER_SECONDS = 5


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells starting with = + - @ ＝ ＋ － ＠ tab or CR (after any leading spaces)
    with ' so spreadsheets show them as text instead of running them (CSV formula
    injection)."""
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START))
        .then("'" + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def csv_response(frame: pl.DataFrame, filename: str) -> Response:
    body = neutralise(frame).write_csv()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{SAFE_NAME.sub("_", filename)}"'},
    )


def only_view_parameters(query: dict[str, str], view_type: type) -> None:
    """A view download reads its view's parameters; any other is refused by name rather
    than ignored (a `?state=IN` that filters nothing would hand over a file it does not
    describe)."""
    only_parameters(query, [f.name for f in fields(view_type)])


def only_parameters(query: dict[str, str], known: list[str]) -> None:
    """Refuse, by name, a parameter this download does not read."""
    for name, value in query.items():
        if name not in known:
            expected = (
                f"one of this download's parameters: {', '.join(sorted(known))}"
                if known
                else "no parameters (this file is the same for every request)"
            )
            raise BadParameter(name, value, expected)


# --- views ------------------------------------------------------------------------------
def map_view(data: Marts, view: MapView) -> pl.DataFrame:
    """The map's numbers as the marts have them (value or status, interval, rank and its
    plausible range, sample, support, flags) and in the words the map and ranking show."""
    evidence, us_value = views.map_values(data, view)
    shown, _ = views.map_rows(data, view)
    cluster = views.map_subject(data, view) if view.cluster else ""
    return pl.DataFrame(
        [
            {
                "wave": view.wave,
                "metric": view.metric,
                "cluster": cluster,
                "occupation": view.occupation or "",
                **row,
                "value_text": r.value_text,
                "rank_text": r.rank_text,
                "us_value": us_value,
            }
            for row, r in zip(evidence, shown, strict=True)
        ],
        infer_schema_length=None,
    ).rename({"name": "state_name"})


def state_view(data: Marts, name: str, view: StateView) -> pl.DataFrame:
    state, wave = view.state, view.wave
    if name == "summary":
        return data.state_summary.filter(
            pl.col("state").is_in([state, "US"]) & (pl.col("wave") == wave)
        )
    if name == "top_uses":
        used, rows = views.top_uses(data, view)
        support = data.request_support(state, used, view.level) if used else {}
        return (
            pl.DataFrame(
                [asdict(r) for r in rows] or None,
                schema={
                    "label": pl.String,
                    "state_pct": pl.Float64,
                    "us_pct": pl.Float64,
                    "specialization": pl.Float64,
                    "low": pl.Float64,
                    "high": pl.Float64,
                },
                orient="row",
            )
            .with_columns(
                pl.lit(state).alias("state"),
                pl.lit(used).alias("wave"),
                pl.lit(view.level).alias("level"),
                pl.lit(support.get("conversations"), pl.Float64).alias("conversations"),
                pl.lit(support.get("support"), pl.String).alias("support"),
                pl.lit(support.get("support_reason"), pl.String).alias("support_reason"),
            )
            .rename({"label": "cluster", "low": "state_pct_low", "high": "state_pct_high"})
        )
    if name == "occupations":
        return data.state_occupations.filter(pl.col("state") == state).sort(
            "rank_by_employment", "title", nulls_last=True
        )
    if name == "groups":
        return data.state_occupation_groups.filter(
            (pl.col("state") == state) & (pl.col("wave") == wave)
        )
    if name == "trend":
        return data.state_usage.filter(pl.col("state") == state).sort("wave")
    if name == "usage_profile":  # every metric the release publishes, with the US and ranks
        return data.state_usage_profile.filter(
            (pl.col("state") == state) & (pl.col("wave") == wave)
        ).sort("dimension", "metric")
    if name == "wage_bands":  # the state's bands beside the US's
        return data.state_wage_bands.filter(pl.col("state").is_in([state, "US"]))
    if name == "income_fit":  # the chart's 51 points: the state is one row among them
        return pl.DataFrame(profile_views.income_fit(data, wave), infer_schema_length=None)
    raise BadParameter("view", name, f"one of {', '.join(STATE_VIEWS)}", status=404)


def compare_view(data: Marts, view: CompareView) -> pl.DataFrame:
    return data.state_summary.filter(
        pl.col("state").is_in([*view.states, "US"]) & (pl.col("wave") == view.wave)
    )


def figure_title(data: Marts, name: str, view: View) -> tuple[str, str | None]:
    """(title, AEI wave) for an exported chart; no wave for a chart of OEWS jobs alone."""
    if isinstance(view, MapView):
        return views.map_title(data, view), views.map_wave(data, view)
    state = data.state_names[view.state]
    titles = {
        "top-uses": f"What people in {state} use AI for",
        "groups": f"AI usage and jobs by occupation group, {state}",
        "occupations": f"{state}'s largest occupations and their AI exposure",
        "automation": f"Automation and augmentation, {state} and neighbours",
        "trend-aui": f"AI Usage Index across waves, {state}",
        "trend-share": f"Share of US conversations across waves, {state}",
        "most-exposed": f"Most exposed jobs in {state}",
        "usage-profile": f"How people in {state} use AI, beside the US",
        "wage-bands": f"Jobs in highly exposed occupations by wage band, {state}",
        "exposure-wage": f"Observed exposure against median wage, {state}'s occupations",
        "income-fit": f"AI use against income, the 51 states ({state} highlighted)",
    }
    if name == "where-map":  # OEWS jobs and national scores: the same in every wave
        soc = area_views.where_occupation(data, view.state, view.where, view.occupation)
        return f"Where in {state}: {area_views.where_metric(view.where, soc, data).label}", None
    # top uses come from the latest wave with request clusters, which the page names
    wave = (views.top_uses(data, view)[0] or view.wave) if name == "top-uses" else view.wave
    when = "all waves" if name.startswith("trend") else data.wave_label(wave)
    return titles[name], when


# A worker's threads that may render or wait for a renderer: the rest serve pages.
FIGURE_QUEUE = RenderQueue(2)
BRIEFING_QUEUE = RenderQueue(2)
_briefing_lock = threading.Lock()  # one briefing browser at a time


def figure_image(data: Marts, name: str, fmt: str, view: View) -> bytes:
    """The chart as PNG or SVG, rendered once per build and view."""
    if isinstance(view, OccupationView):
        title, when, _ = occupation_views.figure_labels(data, name, view)
    else:
        title, when = figure_title(data, name, view)
    usage = (
        f"Anthropic Economic Index ({when})"
        if when
        else "observed exposure from the Anthropic Economic Index"
    )
    source = f"Source: {usage}; BLS OEWS May 2025; O*NET 29.3. State AI Economic Index."
    path = render_cache.cache_path(data, "figures", f"{name}.{fmt}", repr(view))
    return render_cache.cached(
        path,
        FIGURE_QUEUE,
        lambda: images.render(FIGURES[name].figure(data, view), fmt, title=title, source=source),
    )


def cached_briefing(data: Marts, state: str, wave: str, fmt: str) -> Path:
    """Render on first request (one at a time per process), then serve from the build's
    cache, so a rebuild never serves stale numbers."""
    from dashboard.briefing.render import file_name, render_briefings

    folder = data.render_dir / "briefings"
    target = folder / file_name(state, wave, fmt)
    if not target.is_file():
        with BRIEFING_QUEUE.place(), _briefing_lock:
            if not target.is_file():  # rendered while this request waited
                render_briefings(data, [state], wave, folder, ("pdf", "png"))
    return target


# --- the bundle -------------------------------------------------------------------------

BUNDLE_README = """State AI Economic Index: data bundle
=====================================

Built {built_at} (commit {commit}).

Files
- csv/<table>.csv         every mart, one CSV per table
- parquet/<table>.parquet every mart as the build wrote it (types, nulls and exact values)
- data_dictionary.csv     every column: type, unit, definition or formula, source
- manifest.json           sources (URL, release, bytes, sha256, retrieval time), package
                          versions, row counts, coverage of the joins, warnings
- CITATION.txt, CITATION.bib  how to cite this build, as text and BibTeX

Cite as
  {citation}

Sources:
{citations}

Licences
{licences}
  Code of the State AI Economic Index: MIT.

Text cells beginning with = + - @ (or ＝ ＋ － ＠, tab or CR, also after leading spaces) are
prefixed with ' against spreadsheet formula injection; the API (/api/v1) and data/processed/csv/
keep exact values.
"""


@per_marts(maxsize=1)
def bundle(data: Marts) -> tuple[str, bytes]:
    """(file name, ZIP bytes) of every mart (CSV and Parquet) + dictionary + manifest +
    README + citation; built once per build (per Marts)."""
    manifest = data.manifest
    sources = manifest.get("sources", {}).values()
    built = manifest.get("built_at", "")[:10]
    cited = citation.of_build(manifest, absolute("/"))
    readme = BUNDLE_README.format(
        built_at=manifest.get("built_at"),
        commit=manifest.get("git_commit"),
        citation=citation.plain_text(cited),
        citations="\n".join(sorted({f"  - {s['citation']}" for s in sources})),
        licences="\n".join(sorted({f"  - {s['publisher']}: {s['licence']}" for s in sources})),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for table in data.table_names:
            archive.writestr(f"csv/{table}.csv", neutralise(data.tables[table]).write_csv())
            archive.write(data.directory / f"{table}.parquet", f"parquet/{table}.parquet")
        archive.write(data.directory / "data_dictionary.csv", "data_dictionary.csv")
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        archive.writestr("README.txt", readme)
        archive.writestr("CITATION.txt", citation.plain_text(cited) + "\n")
        archive.writestr("CITATION.bib", citation.bibtex(cited))
    return f"aiei_bundle_{built}.zip", buffer.getvalue()


def error_response(exc: BadParameter | api.ApiError | DataNotBuilt | RendererBusy) -> Response:
    """The one-line plain-text answer to a file request that cannot be served (the
    download, briefing and card routes)."""
    if isinstance(exc, DataNotBuilt):
        return Response("No data built yet: run `aiei build`.\n", status=503, mimetype="text/plain")
    if isinstance(exc, RendererBusy):
        return Response(
            "Busy rendering other images: try again in a few seconds.\n",
            status=503,
            mimetype="text/plain",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return Response(f"{exc}\n", status=exc.status, mimetype="text/plain")


# --- routes -----------------------------------------------------------------------------
def register(server: Flask) -> None:
    """/download/... routes. Parameters are validated like page URLs."""

    def guarded(handler):
        def wrapped(*args, **kwargs):
            try:
                query = parse_query(request.query_string.decode("utf-8", "replace"))
                return handler(marts(), query, *args, **kwargs)
            except (BadParameter, api.ApiError, DataNotBuilt, RendererBusy) as exc:
                return error_response(exc)

        wrapped.__name__ = handler.__name__
        return wrapped

    @server.get("/download/map.csv")
    @guarded
    def download_map(data: Marts, query: dict[str, str]) -> Response:
        only_view_parameters(query, MapView)
        view = MapView.parse(query, data)
        what = view.metric if view.occupation is None else f"{view.occupation}_{view.measure}"
        return csv_response(map_view(data, view), f"aiei_map_{what}_{view.wave}.csv")

    @server.get("/download/state/<state>/<name>.csv")
    @guarded
    def download_state(data: Marts, query: dict[str, str], state: str, name: str) -> Response:
        only_view_parameters(query, StateView)
        view = StateView.parse({**query, "state": state}, data)
        frame = state_view(data, name, view)
        when = {
            "trend": "all-waves",
            "occupations": "oews-2025-05",
            "wage_bands": "oews-2025-05",
        }.get(name, view.wave)
        if name == "top_uses":  # shown from the latest wave with request clusters
            when = views.top_uses(data, view)[0] or view.wave
        return csv_response(frame, f"aiei_{view.state}_{name}_{when}.csv")

    @server.get("/download/compare.csv")
    @guarded
    def download_compare(data: Marts, query: dict[str, str]) -> Response:
        only_view_parameters(query, CompareView)
        view = CompareView.parse(query, data)
        if len(view.states) < 2:
            raise BadParameter("states", query.get("states", ""), "two to four state codes")
        return csv_response(
            compare_view(data, view), f"aiei_compare_{'-'.join(view.states)}_{view.wave}.csv"
        )

    @server.get("/download/mart/<table>.csv")
    @guarded
    def download_mart(data: Marts, query: dict[str, str], table: str) -> Response:
        """The table filtered and projected as the API would (`?state=IN,OH&wave=2026-05`,
        `columns=`); a parameter the API would refuse is refused here too, naming it."""
        if table not in data.table_names:
            raise BadParameter("table", table, f"one of {', '.join(data.table_names)}", status=404)
        for name in ("limit", "offset"):  # the API pages JSON only; a file is whole
            if name in query:
                raise BadParameter(name, query[name], "no paging (a download holds every row)")
        frame = api.select(table, query)
        chosen = [query[k] for k in data.manifest["tables"][table]["key"] if k in query]
        when = "_".join(chosen) or "built-" + data.manifest.get("built_at", "")[:10]
        return csv_response(frame, f"aiei_{table}_{when}.csv")

    @server.get("/download/figure/<name>.<fmt>")
    @guarded
    def download_figure(data: Marts, query: dict[str, str], name: str, fmt: str) -> Response:
        if name not in FIGURES:
            raise BadParameter("figure", name, f"one of {', '.join(FIGURES)}", status=404)
        if fmt not in images.FORMATS:
            raise BadParameter("format", fmt, "png or svg", status=404)
        only_view_parameters(query, FIGURES[name].view)
        view = FIGURES[name].view.parse(query, data)
        payload = figure_image(data, name, fmt, view)
        if isinstance(view, OccupationView):
            where = occupation_views.figure_labels(data, name, view)[2]
        elif name == "where-map":  # OEWS May 2025 in every wave: no wave in the name
            where = "_".join(part for part in (view.state, view.where, view.occupation) if part)
        else:
            where = f"{view.metric if isinstance(view, MapView) else view.state}_{view.wave}"
        filename = f"aiei_{name}_{where}.{fmt}"
        return Response(
            payload,
            mimetype=images.FORMATS[fmt],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @server.get("/briefing/<state>.<fmt>")
    @guarded
    def download_briefing(data: Marts, query: dict[str, str], state: str, fmt: str) -> Response:
        if fmt not in ("pdf", "png"):
            raise BadParameter("format", fmt, "pdf or png", status=404)
        only_parameters(query, ["wave"])  # one briefing per state and wave
        view = StateView.parse({**query, "state": state}, data)
        path = cached_briefing(data, view.state, view.wave, fmt)
        return Response(
            path.read_bytes(),
            mimetype="application/pdf" if fmt == "pdf" else "image/png",
            headers={"Content-Disposition": f'attachment; filename="{path.name}"'},
        )

    @server.get("/download/data_dictionary.csv")
    @guarded
    def download_dictionary(data: Marts, query: dict[str, str]) -> Response:
        only_parameters(query, [])
        return csv_response(data.dictionary, "aiei_data_dictionary.csv")

    @server.get("/download/bundle.zip")
    @guarded
    def download_bundle(data: Marts, query: dict[str, str]) -> Response:
        only_parameters(query, [])
        name, payload = bundle(data)
        return Response(
            payload,
            mimetype="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
