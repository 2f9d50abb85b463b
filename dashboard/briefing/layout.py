"""The briefing's page: US Letter portrait, HTML + CSS, charts drawn by plotly.js.

A shell page (plotly.js, styles) is loaded once per browser; each state's briefing is
swapped into it, so a batch of 51 parses plotly.js once.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import plotly
import plotly.graph_objects as go

from dashboard.briefing.content import Briefing
from dashboard.figures.style import FONT
from etl.config import PROJECT_ROOT

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
TOPOJSON = (PROJECT_ROOT / "assets" / "topojson").as_uri() + "/"
PAGE_WIDTH_PX, PAGE_HEIGHT_PX = 816, 1056  # 8.5 x 11 in at 96 px per inch

STYLE = (
    Path(__file__)
    .with_name("briefing.css")
    .read_text(encoding="utf-8")
    .replace("__FONT__", FONT.replace("'", '"'))
)

SHELL = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>State AI Economic Index briefing</title>
<style>__STYLE__</style><script src="__PLOTLY__"></script></head>
<body><div id="page"></div><script>
window.showBriefing = async function (body, figures, title) {
  if (title) document.title = title;  // the PDF's title
  document.getElementById("page").innerHTML = body;
  await Promise.all(Object.entries(figures).map(([id, figure]) =>
    Plotly.newPlot(id, figure.data, figure.layout,
                   {staticPlot: true, topojsonURL: "__TOPOJSON__"})));
  const sheet = document.querySelector(".sheet");
  return Math.max(0, sheet.scrollHeight - sheet.clientHeight);  // px that do not fit
};
</script></body></html>
"""

# Chart sizes inside the page (CSS px): two columns of the printable width.
FIGURE_SIZES = {"locator": (125, 72), "uses": (350, 205), "groups": (716, 124)}


def shell_html() -> str:
    return (
        SHELL.replace("__STYLE__", STYLE)
        .replace("__PLOTLY__", PLOTLY_JS.as_uri())
        .replace("__TOPOJSON__", TOPOJSON)
    )


def _sized(name: str, figure: go.Figure | dict) -> dict:
    width, height = FIGURE_SIZES[name]
    figure = go.Figure(figure)
    figure.update_layout(
        width=width,
        height=height,
        font={"size": 9.5},
        legend={
            "font": {"size": 9},
            "orientation": "h",
            "x": 0,
            "y": 1,
            "xanchor": "left",
            "yanchor": "bottom",
        },
        margin={"t": 18 if name == "groups" else 0},
        showlegend=name == "groups",
    )
    return json.loads(figure.to_json())


def _table(rows: list[list[str]]) -> str:
    head = (
        "<tr><th>Occupation</th><th class='num'>Jobs</th><th class='num'>Median wage</th>"
        "<th class='num'>Exposure</th></tr>"
    )
    body = "".join(
        "<tr><td><div class='clamp'>"
        + html.escape(r[0])
        + "</div></td>"
        + "".join(f"<td class='num'>{html.escape(c)}</td>" for c in r[1:])
        + "</tr>"
        for r in rows
    )
    return f"<table>{head}{body}</table>"


def _exposed(rows: list[list[str]]) -> str:
    """The state's most exposed jobs: one line each (long titles end in an ellipsis)."""
    head = "<tr><th>Occupation</th><th class='num'>Jobs</th><th class='num'>Exposure</th></tr>"
    body = "".join(
        f"<tr><td class='clip'>{html.escape(title)}</td><td class='num'>{html.escape(jobs)}</td>"
        f"<td class='num'>{html.escape(exposure)}</td></tr>"
        for title, jobs, exposure in rows
    )
    return f"<table class='compact'>{head}{body}</table>"


def title(b: Briefing) -> str:
    """The document's title (the tagged PDF's /Title)."""
    return f"AI in {b.name}, wave {b.wave}: State AI Economic Index briefing"


def page(b: Briefing) -> tuple[str, dict[str, dict]]:
    """(body HTML, {element id: figure JSON}) for one state's briefing; each chart is an
    image named by its alt text (role=img), so the tagged PDF gives it a /Figure with /Alt."""
    e = html.escape
    tiles = "".join(
        f"<div class='tile'><div class='label'>{e(t.label)}</div>"
        f"<div class='value{' status' if t.missing else ''}'>{e(t.value)}</div>"
        f"<div class='cmp'>{e(t.rank)} · {e(t.comparison)}</div>"
        + (f"<div class='evidence'>{e(t.evidence)}</div>" if t.evidence else "")
        + f"<div class='def'>{e(t.definition)}</div></div>"
        for t in b.tiles
    )
    caveats = " ".join(e(c) for c in b.caveats)
    profile = " ".join(f"<b>{e(label)}</b> {e(text)}." for label, text in b.profile)
    body = f"""
<div class="sheet">
  <header>
    <div><h1>AI in {e(b.name)}</h1>
      <div class="sub">State AI Economic Index briefing · Claude.ai usage: wave {e(b.wave)}
        ({e(b.wave_label)}) · jobs: BLS OEWS May 2025 · generated {e(b.generated)}</div>
    </div>
    <div id="locator" role="img" aria-label="{e(b.alt["locator"])}"></div>
  </header>
  <div class="tiles">{tiles}</div>
  <p class="narrative">{e(b.narrative)}<span class="profile">{profile}</span></p>
  <div class="columns">
    <section><h2>Top uses of Claude.ai</h2>
      <p class="note"><span class="key state"></span> {e(b.name)}
        <span class="key us"></span> United States</p>
      <div id="uses" role="img" aria-label="{e(b.alt["uses"])}"></div>
      <p class="note">{e(b.uses_note)}</p></section>
    <section><h2>Main sources of employment</h2>{_table(b.occupations)}
      <p class="note">Jobs and median wages: BLS OEWS May 2025. Exposure: Anthropic's
        observed exposure, one national score per occupation; no score: not rated, or a
        combined OEWS code.</p>
      <h2 class="next">Most exposed jobs <span class="aside">{e(b.most_exposed_note)}</span>
      </h2>{_exposed(b.most_exposed)}</section>
  </div>
  {f'<p class="note area">{e(b.area_line)}</p>' if b.area_line else ""}
  <section><h2>Where Claude.ai use meets {e(b.name)}'s jobs</h2><div id="groups" role="img"
    aria-label="{e(b.alt["groups"])}"></div>
    <p class="note">{e(b.groups_note)}</p></section>
  <footer>
    <p><b>Caveats.</b> {caveats}</p>
    <p><b>Sources.</b> {e("; ".join(b.sources))}.</p>
    <p><b>Cite as.</b> {e(b.citation)}</p>
  </footer>
</div>"""
    return body, {name: _sized(name, figure) for name, figure in b.figures.items()}
