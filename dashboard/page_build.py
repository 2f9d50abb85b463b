"""A page and its callbacks answer from one build.

The page's HTML names the build it was rendered from (`<meta name="aiei-build">`), and a
`request_pre` hook of Dash's renderer copies that id into every callback request it sends
(`"build"` in the JSON body, beside Dash's own keys). Client-side navigation only ever
runs callbacks, so everything a browser tab shows until it is reloaded comes from that
build. The server answers such a callback from the page's build while its folder is on
disk; once it is gone the callback changes nothing on the page and shows a notice with a
reload link instead, so a page never mixes numbers of two builds. A callback naming no
build (a client of its own) is answered from the current build.
"""

from __future__ import annotations

import html
import json

from flask import Response, current_app

from dashboard.components import DATA_UPDATED
from dashboard.data import EXTENSION, DataNotBuilt, answer_from, marts

META_NAME = "aiei-build"
# Runs on each callback's payload before the renderer serialises it (a constant script,
# so its hash in the Content-Security-Policy never changes).
REQUEST_HOOK = """function(payload) {
    var build = document.querySelector('meta[name="__META__"]');
    if (build && build.content) { payload.build = build.content; }
}""".replace("__META__", META_NAME)


def meta_tag() -> str:
    """The `<meta>` naming the build this page is rendered from ("" before any build)."""
    try:
        build_id = marts().build_id
    except DataNotBuilt:
        return ""
    return f'<meta name="{META_NAME}" content="{html.escape(build_id)}">'


def answer_from_page_build(build_id: str | None) -> Response | None:
    """Pin the callback to its page's build; or, that build being gone, the answer that
    shows the notice (a Dash response updating no output, with a side update)."""
    if build_id is None:
        return None
    try:
        data = current_app.extensions[EXTENSION].of_build(build_id)
    except DataNotBuilt:
        return None  # the callback itself says there is no data
    if data is not None:
        answer_from(data)
        return None
    body = {"multi": True, "response": {}, "sideUpdate": {DATA_UPDATED: {"hidden": False}}}
    return Response(json.dumps(body), mimetype="application/json")
