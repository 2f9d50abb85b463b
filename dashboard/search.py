"""What the header's search box looks through: every state and every occupation, served
once per build as JSON at /search-index.json (about 15 kB compressed). The box itself —
an ARIA combobox — is assets/search.js; it fetches the index on first focus and matches
in the browser, so typing costs no request."""

from __future__ import annotations

import json

from flask import Flask, Response

from dashboard import occupation_data
from dashboard.data import DataNotBuilt, Marts, marts, per_marts

INDEX_PATH = "/search-index.json"


@per_marts(maxsize=1)
def index_json(data: Marts) -> bytes:
    return json.dumps(list(occupation_data.search_entries(data)), separators=(",", ":")).encode()


def register(server: Flask) -> None:
    @server.get(INDEX_PATH)
    def search_index() -> Response:
        try:
            body = index_json(marts())
        except DataNotBuilt:
            return Response("[]", status=503, mimetype="application/json")
        return Response(body, mimetype="application/json")  # cached as dashboard/http_cache.py says
