"""Which build a worker answers from, and how it moves to a new one.

`aiei build` publishes every build as an immutable folder, `builds/<build id>-<time>-<pid>`,
and flips the `processed` link to it in one rename (etl/atomic.py); the newest three stay
on disk. A MartsSource looks where the link points on every request (one stat of the link's
target: microseconds), and when it points elsewhere loads the new build completely before
answering from it, so a worker switches all its marts at once; requests already running
finish on the build they started with. The builds pages were rendered from stay
answerable while their folders exist (`of_build`), loaded again if need be (after a worker
restart, or on another worker), so a page and its callbacks see one build.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import threading
from pathlib import Path

from flask import Flask, Response

from dashboard.data import EXTENSION, DataNotBuilt, Marts, marts
from etl.atomic import published_builds

BUILD_HEADER = "X-AIEI-Build"
BUILD_ID = re.compile(r"[0-9a-f]{6,64}")  # etl: the build fingerprint's first 12 hex digits
KEPT_BUILDS = 3  # as many as etl.atomic.publish_build keeps on disk
log = logging.getLogger("dashboard")

# The build folder the link points at: (device, inode). Two folders on disk at once never
# share one, and the folder answered from stays on disk while the link points at it.
Target = tuple[int, int]


def _identity(folder: Path) -> Target | None:
    try:
        found = os.stat(folder)
    except OSError:
        return None  # no build yet, or the link is being replaced by hand
    return found.st_dev, found.st_ino


class MartsSource:
    """The builds of one app: the current one, and those pages were rendered from."""

    def __init__(self, processed_dir: Path) -> None:
        self.processed_dir = processed_dir
        self.builds_dir = processed_dir.parent / "builds"
        self.cache_dir = processed_dir.parent / "cache"
        self._loading = threading.Lock()
        self._current: Marts | None = None
        self._current_at: Target | None = None
        self._failed_at: Target | None = None  # a build that would not load: not retried
        self._loaded: dict[str, Marts] = {}  # by build id, oldest first

    def _target(self) -> Target | None:
        return _identity(self.processed_dir)  # through the link: one system call

    def _settled(self, target: Target | None) -> bool:
        """The current build answers: the link still points at it (or at nothing, or at
        a build that would not load)."""
        return self._current is not None and target in (self._current_at, None, self._failed_at)

    def current(self) -> Marts:
        """The build `processed` points at now; DataNotBuilt before the first build."""
        target = self._target()
        if self._settled(target):
            return self._current
        # One thread loads the new build; the others go on answering from the old one
        # meanwhile (only the very first load makes them wait).
        if not self._loading.acquire(blocking=self._current is None):
            return self._current
        try:
            if not self._settled(target):
                self._switch(target)
            return self._current
        finally:
            self._loading.release()

    def _switch(self, target: Target | None) -> None:
        if target is None:
            raise DataNotBuilt(f"{self.processed_dir} does not exist: run `aiei build`")
        # The folder and its identity, not `target`: the link may have moved since.
        folder = Path(os.path.realpath(self.processed_dir))
        target = _identity(folder)
        try:
            fresh = self._remember(Marts(folder, self.cache_dir))
        except Exception:
            if self._current is None:
                raise
            log.exception("the build at %s cannot be loaded: still on the previous", folder)
            self._failed_at = target
            return
        # A failed folder is forgotten once another loads: its inode may be reused later.
        self._current, self._current_at, self._failed_at = fresh, target, None
        log.info("answering from build %s (%s)", fresh.build_id, fresh.directory.name)
        self._forget_renders()

    def of_build(self, build_id: str) -> Marts | None:
        """The build `build_id` while its folder is on disk (loaded if need be); None
        once it is gone."""
        current = self.current()
        if current.build_id == build_id:
            return current
        loaded = self._loaded.get(build_id)
        if loaded is not None and loaded.directory.is_dir():
            return loaded
        folder = self._folder_of(build_id)
        if folder is None:
            return None
        with self._loading:
            loaded = self._loaded.get(build_id)
            if loaded is not None and loaded.directory == folder:  # loaded meanwhile
                return loaded
            try:
                return self._remember(Marts(folder, self.cache_dir))
            except Exception:  # deleted while it loaded, or damaged: the page must reload
                log.warning("build %s cannot be loaded for its pages", build_id, exc_info=True)
                return None

    def _folder_of(self, build_id: str) -> Path | None:
        if not BUILD_ID.fullmatch(build_id):
            return None
        found = [b for b in published_builds(self.builds_dir) if b.name.startswith(build_id + "-")]
        return found[0].resolve() if found else None

    def _remember(self, data: Marts) -> Marts:
        """Keep `data` for the pages of its build; forget builds whose folders are gone
        and, beyond as many as are kept on disk, the oldest."""
        self._loaded.pop(data.build_id, None)
        self._loaded[data.build_id] = data
        kept = [
            (build_id, other)
            for build_id, other in self._loaded.items()
            if other is data or other is self._current or other.directory.is_dir()
        ]
        self._loaded = dict(kept[-KEPT_BUILDS:])
        return data

    def _forget_renders(self) -> None:
        """Delete the cached renders (`cache/<build id>/`) of builds no longer on disk."""
        live = {b.name.split("-", 1)[0] for b in published_builds(self.builds_dir)}
        live.add(self._current.build_id)
        if self.cache_dir.is_dir():
            for folder in self.cache_dir.iterdir():
                if folder.name not in live:
                    shutil.rmtree(folder, ignore_errors=True)


def install(server: Flask, processed_dir: Path) -> MartsSource:
    """The app's builds, and the `X-AIEI-Build` header on every response: the build the
    request was answered from (the current one for requests that read no data)."""
    source = MartsSource(processed_dir)
    server.extensions[EXTENSION] = source

    @server.after_request
    def name_the_build(response: Response) -> Response:
        with contextlib.suppress(DataNotBuilt):  # before the first build there is none to name
            response.headers[BUILD_HEADER] = marts().build_id
        return response

    return source
