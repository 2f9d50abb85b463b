"""Compressed answers kept by their content: the same callback answer (a view many people
open) is brotli-compressed once per worker, not once per request. The key is a hash of the
uncompressed body itself, so a cached answer can never be served for another body.
Measured in benchmarks/areas.py (README, Performance)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from flask import Flask, Response, g

MAX_BYTES = 32 * 1024 * 1024  # per worker: ~2,500 compressed answers of a typical 12 KB
LARGEST = MAX_BYTES // 16  # a large download is compressed each time, not kept


class CompressedAnswers:
    """The cache flask-compress asks (get/set), least recently used dropped beyond
    MAX_BYTES."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.kept: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            found = self.kept.get(key)
            if found is not None:
                self.kept.move_to_end(key)
            return found

    def set(self, key: str, value: bytes) -> None:
        if len(value) > LARGEST:
            return
        with self.lock:
            if key in self.kept:
                self.kept.move_to_end(key)
                return
            self.kept[key] = value
            self.size += len(value)
            while self.size > self.max_bytes:
                _, dropped = self.kept.popitem(last=False)
                self.size -= len(dropped)


def content_key(_request) -> str:
    return g.content_key


def install(server: Flask) -> None:
    """Before flask-compress's hook (after-request hooks run last registered first): name
    each answer by its content."""

    @server.after_request
    def name_content(response: Response) -> Response:
        if not response.is_streamed:  # what flask-compress compresses whole (and caches)
            response.direct_passthrough = False
            g.content_key = hashlib.blake2b(response.get_data(), digest_size=16).hexdigest()
        return response
