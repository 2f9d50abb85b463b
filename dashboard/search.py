"""What the header's search box looks through: every state, every occupation and every
area inside the states (metros, OEWS nonmetropolitan areas, nonmetro remainders), served
once per build as JSON at /search-index.json (about 15 kB compressed). The box itself —
an ARIA combobox — is assets/search.js; it fetches the index on first focus and matches
in the browser, so typing costs no request."""

from __future__ import annotations

import json

from flask import Flask, Response

from dashboard import area_data, occupation_data
from dashboard.data import DataNotBuilt, Marts, marts, per_marts

INDEX_PATH = "/search-index.json"


def area_entries(data: Marts) -> list[dict]:
    """Each area of the 50 states and DC by name, with its jobs (ties of a match go to the
    larger)."""
    return [
        {
            "label": row["area_name"],
            "code": code,
            "kind": "area",
            "href": f"/area/{code}",
            "size": int(row["total_employment"] or 0),
        }
        for code, row in sorted(area_data.areas(data).items(), key=lambda i: i[1]["area_name"])
    ]


@per_marts(maxsize=1)
def index_json(data: Marts) -> bytes:
    entries = [*occupation_data.search_entries(data), *area_entries(data)]
    return json.dumps(entries, separators=(",", ":")).encode()


def register(server: Flask) -> None:
    @server.get(INDEX_PATH)
    def search_index() -> Response:
        try:
            body = index_json(marts())
        except DataNotBuilt:
            return Response("[]", status=503, mimetype="application/json")
        return Response(body, mimetype="application/json")  # cached as dashboard/http_cache.py says
