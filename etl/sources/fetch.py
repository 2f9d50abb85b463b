"""Fetch upstream files into a URL-addressed cache, verifiably and atomically.

Order of preference for each file: the cache (`data/raw/HOST/PATH`), then a mirror laid out
the same way (`AIEI_MIRROR`), then the network. Every new body is written to a temporary
file beside its target, checked (not empty, not an HTML page, complete, checksum) and only
then renamed into place, so the cache never holds a partial file. The first checksum seen
for a URL is pinned in the lock file; a later, different body is refused unless the user
accepts it explicitly.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from etl.config import Settings
from etl.readers.structure import check_structure
from etl.readers.table import SourceFormatError
from etl.sources.checks import FetchError, check_body
from etl.sources.lock import LockEntry, load_lock, save_lock
from etl.sources.options import FetchOptions
from etl.sources.registry import Source


@dataclass(frozen=True)
class FetchResult:
    source_id: str
    url: str
    path: Path
    bytes: int
    sha256: str
    retrieved_at: str  # when this body first entered the cache
    origin: str  # "cache", "mirror" or "network"

    @property
    def downloaded(self) -> bool:
        return self.origin != "cache"


def cache_path(url: str, root: Path) -> Path:
    """`https://HOST/a%20b/c?x=1` -> root/HOST/a b/c (the query is not part of the path)."""
    parts = urlsplit(url)
    relative = unquote(parts.path).lstrip("/")
    segments = [parts.netloc, *relative.split("/")]
    if not parts.netloc or any(s in ("", ".", "..") for s in segments):
        raise FetchError(
            url,
            "is not a plain https://HOST/PATH file URL",
            "fix the URL in etl/sources/registry.py",
        )
    return root.joinpath(*segments)


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:  # the stdlib's loop: one reused buffer, GIL released
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _verify(
    source: Source, path: Path, lock: dict[str, LockEntry], options: FetchOptions
) -> tuple[int, str]:
    size, digest = path.stat().st_size, sha256_of(path)
    if source.sha256 and digest != source.sha256:  # never overridden: the registry is code
        raise FetchError(
            source.url,
            f"checksum {digest[:12]}… ({size:,} B) differs from the upstream checksum the "
            f"registry knows ({source.sha256[:12]}…, {source.bytes or '?'} B)",
            f"if upstream really published a new version (`aiei releases` tells), update "
            f"sha256/bytes of {source.id!r} in etl/sources/registry.py",
        )
    pinned = lock.get(source.url)
    changed = pinned and (pinned.sha256 != digest or pinned.bytes != size)
    if changed and source.id not in options.accept_changed:
        raise FetchError(
            source.url,
            f"the file changed: pinned {pinned.bytes:,} B sha256 {pinned.sha256[:12]}… on "
            f"{pinned.retrieved_at}, now {size:,} B sha256 {digest[:12]}…",
            f"check the release notes upstream, then run `aiei build --accept-changed "
            f"{source.id}` (the pinned file stays in place until you do)",
        )
    return size, digest


def _temp_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    return Path(name)


def _from_mirror(source: Source, mirror: Path, temp: Path) -> bool:
    candidate = cache_path(source.url, mirror)
    if not candidate.is_file():
        return False
    shutil.copyfile(candidate, temp)
    check_body(source.url, temp)
    return True


def _check_structure(source: Source, temp: Path, origin: str) -> None:
    """A body that cannot be the file never enters the cache nor the lock."""
    try:
        check_structure(temp, source)
    except SourceFormatError as exc:
        raise FetchError(
            source.url,
            f"the body from the {origin} is not the data file: {exc.problem}"
            + (f" (line {exc.line})" if exc.line else ""),
            f"nothing was cached or pinned; try again later: aiei fetch {source.id} --refresh",
        ) from None


def fetch_one(
    source: Source, settings: Settings, lock: dict[str, LockEntry], options: FetchOptions
) -> FetchResult:
    target = cache_path(source.url, settings.raw_dir)
    pinned = lock.get(source.url)
    if target.is_file() and not options.refresh:
        size, digest = _verify(source, target, lock, options)
        stamp = pinned.retrieved_at if pinned and pinned.sha256 == digest else _now()
        return FetchResult(source.id, source.url, target, size, digest, stamp, "cache")

    temp = _temp_beside(target)
    try:
        if settings.mirror and _from_mirror(source, settings.mirror, temp):
            origin = "mirror"
        elif options.offline:
            where = (
                f"nor in the mirror {settings.mirror}"
                if settings.mirror
                else "and no mirror is set (AIEI_MIRROR)"
            )
            raise FetchError(
                source.url,
                f"not in the cache ({target}) {where}, and --offline forbids the network",
                "set AIEI_MIRROR to a directory laid out as MIRROR/HOST/PATH, "
                "or run without --offline",
            )
        else:
            from etl.sources.http import download  # requests is slow to import: only here

            download(source.url, temp, settings.user_agent, options)
            origin = "network"
        _check_structure(source, temp, origin)
        size, digest = _verify(source, temp, lock, options)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    stamp = pinned.retrieved_at if pinned and pinned.sha256 == digest else _now()
    return FetchResult(source.id, source.url, target, size, digest, stamp, origin)


def fetch_sources(
    sources: Iterable[Source], settings: Settings, options: FetchOptions | None = None
) -> list[FetchResult]:
    """Fetch all sources concurrently; pin new checksums; report every failure at once."""
    options = options or FetchOptions()
    sources = list(sources)
    lock = load_lock(settings.lock_file)
    results: list[FetchResult] = []
    errors: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        futures = [pool.submit(fetch_one, s, settings, lock, options) for s in sources]
        for source, future in zip(sources, futures, strict=True):
            try:
                results.append(future.result())
            except FetchError as exc:
                errors.append(str(exc))
            except OSError as exc:  # disk full, permissions: name the file and the cause
                errors.append(
                    f"{source.url}: {exc.__class__.__name__}: {exc}\n  fix: check "
                    "free space and permissions of the data directory"
                )
    pins = {r.url: LockEntry(r.bytes, r.sha256, r.retrieved_at) for r in results}
    if any(lock.get(url) != pin for url, pin in pins.items()):  # a no-op writes nothing
        save_lock(settings.lock_file, lock | pins)
    if errors:
        raise FetchError(
            f"{len(errors)} of {len(sources)} source(s)",
            "could not be fetched:\n" + "\n".join(errors),
            "see each message above",
        )
    return results
