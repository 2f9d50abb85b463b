"""Compressed answers kept by their content (dashboard/compressed_cache.py): a repeated
answer is the same bytes as a fresh compression of it, different answers never share one,
and the cache stays within its bound."""

from __future__ import annotations

import brotli
import flask_compress.flask_compress
import pytest

from dashboard import compressed_cache
from tests.dash_requests import router_request

pytestmark = pytest.mark.integration
CALLBACK = "/_dash-update-component"


def answer(client, path: str, encoding: str) -> bytes:
    response = client.post(
        CALLBACK, json=router_request(path), headers={"Accept-Encoding": encoding}
    )
    assert response.status_code == 200
    return response


def test_a_repeated_answer_is_the_compression_of_its_own_body(app, monkeypatch):
    compressions = []
    compress = flask_compress.flask_compress._compress_data

    def counted(app, data, algorithm):
        compressions.append(algorithm)
        return compress(app, data, algorithm)

    monkeypatch.setattr(flask_compress.flask_compress, "_compress_data", counted)
    client = app.server.test_client()
    plain = answer(client, "/state/IN", "identity")
    first = answer(client, "/state/IN", "br")
    again = answer(client, "/state/IN", "br")
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "br"
    assert again.data == first.data and len(compressions) <= 1  # compressed once at most
    assert brotli.decompress(again.data) == plain.data
    # Another page: its own bytes, never the cached ones of Indiana.
    ohio = answer(client, "/state/OH", "br")
    assert brotli.decompress(ohio.data) == answer(client, "/state/OH", "identity").data
    assert ohio.data != first.data and compressions[-1] == "br"
    # gzip is kept apart from br
    zipped = answer(client, "/state/IN", "gzip")
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.data != first.data


def test_the_cache_keeps_to_its_bound_and_drops_the_least_recent():
    cache = compressed_cache.CompressedAnswers(max_bytes=100)
    for key in "abcd":
        cache.set(key, b"x" * 30)
    assert list(cache.kept) == ["b", "c", "d"] and cache.size == 90
    assert cache.get("b") == b"x" * 30  # b is now the most recent: c goes next
    cache.set("e", b"y" * 30)
    assert list(cache.kept) == ["d", "b", "e"] and cache.get("a") is None
    cache.set("huge", b"z" * (compressed_cache.LARGEST + 1))
    assert cache.get("huge") is None and cache.size == 90
