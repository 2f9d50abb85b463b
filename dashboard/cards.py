"""`/card/IN.png?wave=2026-05` and `/card/US.png`: the 1200×630 pictures link previews
show (og:image), rendered once per build and view into the build's render cache
(dashboard/render_cache.py) and read from there afterwards."""

from __future__ import annotations

from flask import Flask, Response, request

from dashboard import images, previews, render_cache, views
from dashboard.components import SITE_NAME
from dashboard.data import DataNotBuilt, Marts, marts
from dashboard.downloads import error_response
from dashboard.figures.card import HEIGHT, WIDTH, card
from dashboard.render_cache import RendererBusy, RenderQueue
from dashboard.urls import BadParameter, MapView, StateView, parse_query, wave_id

CARD_QUEUE = RenderQueue(2)


def figure(data: Marts, place: str, wave: str):
    """The card of a state (its profile's heading, AUI with rank, summary) or of the US map."""
    us_map = views.map_figure(data, MapView("aui", wave))
    source = f"Anthropic Economic Index ({data.wave_label(wave)}); BLS OEWS May 2025; O*NET 29.3"
    if place == "US":
        preview = previews.map_page(MapView("aui", wave), data)
        return card(SITE_NAME, preview.heading, preview.lead, preview.summary, source, us_map)
    preview = previews.state(StateView(place, wave), data)
    return card(SITE_NAME, preview.heading, preview.lead, preview.summary, source, us_map, place)


def card_png(data: Marts, place: str, wave: str) -> bytes:
    path = render_cache.cache_path(data, "cards", f"{place}.png", f"{place} {wave}")
    return render_cache.cached(
        path, CARD_QUEUE, lambda: images.render_exact(figure(data, place, wave), WIDTH, HEIGHT)
    )


def register(server: Flask) -> None:
    @server.get("/card/<place>.png")
    def state_card(place: str) -> Response:
        try:
            data = marts()
            query = parse_query(request.query_string.decode("utf-8", "replace"))
            if place != "US":
                place = StateView.parse({"state": place}, data).state
            wave = wave_id(query.get("wave"), data.waves)
            payload = card_png(data, place, wave)
        except (BadParameter, DataNotBuilt, RendererBusy) as exc:
            return error_response(exc)
        return Response(payload, mimetype="image/png")
