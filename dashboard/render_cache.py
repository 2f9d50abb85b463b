"""Renders kept on disk per build, and bounded while they are made.

A chart image or a briefing is a pure function of the build and a canonical view, so it is
rendered once per build into `cache/<build id>/` under the data dir and read from there
afterwards, by every worker (dashboard/builds.py deletes the folders of builds no longer
on disk). Each renderer is one browser per process, rendering one thing at a time; a
RenderQueue bounds how many requests hold a worker thread for it, rendering or waiting,
so slow renders never take the threads pages need: a request beyond the bound is told to
come back shortly (503 with Retry-After) instead of queueing without end.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard.data import Marts

log = logging.getLogger("dashboard")


class RendererBusy(RuntimeError):
    """Enough requests are already rendering or waiting for the renderer."""


class RenderQueue:
    """At most `size` requests of a process render or wait for the renderer at once."""

    def __init__(self, size: int) -> None:
        self._places = threading.BoundedSemaphore(size)

    @contextmanager
    def place(self) -> Iterator[None]:
        if not self._places.acquire(blocking=False):
            raise RendererBusy
        try:
            yield
        finally:
            self._places.release()


def cache_path(data: Marts, kind: str, name: str, key: str) -> Path:
    """`cache/<build id>/<kind>/<name>-<digest of key>`: `key` is the canonical view."""
    stem, _, suffix = name.rpartition(".")
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return data.render_dir / kind / f"{stem}-{digest}.{suffix}"


def cached(path: Path, queue: RenderQueue, render: Callable[[], bytes]) -> bytes:
    """The bytes at `path`; rendered by `render` (with a place in `queue`) and stored
    there the first time."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    with queue.place():
        payload = render()
    _store(path, payload)
    return payload


def _store(path: Path, payload: bytes) -> None:
    """Write beside the target and rename, so no reader sees half a file. A cache that
    cannot be written (its build just deleted, a full disk) costs a render, not the answer."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        log.warning("render not cached at %s: %s", path, exc)
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temp, path)
    except OSError as exc:
        log.warning("render not cached at %s: %s", path, exc)
    finally:
        Path(temp).unlink(missing_ok=True)
