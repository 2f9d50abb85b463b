"""Compare the Hugging Face Hub's file tree of the AEI dataset with the source registry.

`aiei releases` reads the tree of Anthropic/EconomicIndex from the Hub API and reports
release folders the registry neither uses nor ignores on purpose, registered files whose
upstream checksum differs from the one the product knows, lock-file pins that upstream has
moved past, and registered files that are gone. No data file is downloaded: an LFS entry
carries its sha256; a plain-git entry carries a git blob SHA-1, compared with the blob id of
a local copy (the cache, else the mirror).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from etl.config import Settings
from etl.sources.fetch import cache_path, sha256_of
from etl.sources.hub import HubTree, ReleasesError, UpstreamFile, Version, fetch_tree
from etl.sources.lock import LockEntry, load_lock
from etl.sources.registry import AEI_ROOT, IGNORED_RELEASES, Source, sources

EXIT_FINDINGS = 3  # something is new or changed: a scheduled job should act
RELEASE_FOLDER = re.compile(r"release_\d{4}_\d{2}_\d{2}|labor_market_impacts")


# --- what the product knows ------------------------------------------------------------


def dataset_path(source: Source) -> str | None:
    """The file's path in the AEI dataset, or None for a source hosted elsewhere."""
    return unquote(source.url.removeprefix(AEI_ROOT)) if source.url.startswith(AEI_ROOT) else None


def git_blob_sha1(path: Path) -> str:
    """The id git gives a file's content: SHA-1 over b"blob <size>\\0" and the bytes."""
    digest = hashlib.sha1(b"blob %d\0" % path.stat().st_size, usedforsecurity=False)
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, lambda: digest).hexdigest()


def _local_version(path: Path) -> Version:
    return Version(sha256_of(path), git_blob_sha1(path), path.stat().st_size)


def _references(
    source: Source, upstream: UpstreamFile, pin: LockEntry | None, copies: list[Path]
) -> list[tuple[str, Version]]:
    """What the product knows about the file, most authoritative first."""
    known = []
    if source.sha256:
        known.append(("registry", Version(source.sha256, None, source.bytes)))
    if pin:
        known.append(("lock pin", Version(pin.sha256, None, pin.bytes)))
    if upstream.sha256:
        return known
    # Plain git: the Hub gives only a git blob id, so each known sha256 needs a local body
    # with that sha256 to compute its blob id from; with no checksum known, the local copy
    # itself is the reference.
    bodies = [_local_version(path) for path in copies]
    if not known:
        return [("local copy", bodies[0])] if bodies else []
    by_sha256 = {body.sha256: body.git_blob_sha1 for body in bodies}
    return [(label, replace(v, git_blob_sha1=by_sha256.get(v.sha256))) for label, v in known]


def _same(upstream: UpstreamFile, known: Version) -> bool | None:
    """Whether upstream holds the known version; None when it cannot be told."""
    if upstream.sha256:
        return upstream.sha256 == known.sha256
    return upstream.git_oid == known.git_blob_sha1 if known.git_blob_sha1 else None


# --- the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewRelease:
    folder: str
    files: tuple[UpstreamFile, ...]


@dataclass(frozen=True)
class Change:
    source_id: str
    path: str
    compared_with: str  # "registry", "lock pin" or "local copy"
    old: Version
    new: Version


@dataclass(frozen=True)
class Disappeared:
    source_id: str
    path: str


@dataclass(frozen=True)
class NotCompared:
    source_id: str
    path: str
    reason: str


@dataclass(frozen=True)
class ReleasesReport:
    endpoint: str
    tree_url: str
    checked_at: str
    pages: int
    upstream_files: int
    registered_files: int
    new_releases: tuple[NewRelease, ...]
    changed: tuple[Change, ...]  # upstream differs from the registry (or the only record)
    pin_only: tuple[Change, ...]  # upstream matches the registry, the lock pins another
    disappeared: tuple[Disappeared, ...]
    not_compared: tuple[NotCompared, ...]  # no checksum known to compare with: no finding

    @property
    def has_findings(self) -> bool:
        return bool(self.new_releases or self.changed or self.pin_only or self.disappeared)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def compare(
    tree: HubTree, registered: list[Source], lock: dict[str, LockEntry], settings: Settings
) -> ReleasesReport:
    """Sort the registry's AEI files and the Hub's release folders into findings."""
    aei = [(source, path) for source in registered if (path := dataset_path(source))]
    changed: list[Change] = []
    pin_only: list[Change] = []
    disappeared: list[Disappeared] = []
    not_compared: list[NotCompared] = []
    roots = [settings.raw_dir, *([settings.mirror] if settings.mirror else [])]
    for source, path in aei:
        upstream = tree.files.get(path)
        if upstream is None:
            disappeared.append(Disappeared(source.id, path))
            continue
        copies = [p for p in (cache_path(source.url, r) for r in roots) if p.is_file()]
        references = _references(source, upstream, lock.get(source.url), copies)
        if not references:
            missing = "no lock pin" + ("" if upstream.sha256 else ", no local copy")
            reason = f"nothing to compare with: no checksum in the registry, {missing}"
            not_compared.append(NotCompared(source.id, path, reason))
            continue
        (label, known), *others = references
        same = _same(upstream, known)
        if same is None:
            reason = f"a plain-git file, and no local copy has the {label}'s sha256"
            not_compared.append(NotCompared(source.id, path, reason))
        elif not same:
            changed.append(Change(source.id, path, label, known, upstream.version))
        elif (pinned := dict(others).get("lock pin")) and pinned.sha256 != known.sha256:
            now = replace(upstream.version, sha256=known.sha256)
            pin_only.append(Change(source.id, path, "lock pin", pinned, now))
    return ReleasesReport(
        endpoint=settings.hf_endpoint,
        tree_url=tree.url,
        checked_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        pages=tree.pages,
        upstream_files=len(tree.files),
        registered_files=len(aei),
        new_releases=_new_releases(tree, {path.split("/", 1)[0] for _, path in aei}),
        changed=tuple(changed),
        pin_only=tuple(pin_only),
        disappeared=tuple(disappeared),
        not_compared=tuple(not_compared),
    )


def _new_releases(tree: HubTree, used: set[str]) -> tuple[NewRelease, ...]:
    new = sorted(
        folder
        for folder in tree.folders - used - IGNORED_RELEASES.keys()
        if RELEASE_FOLDER.fullmatch(folder)
    )
    return tuple(
        NewRelease(
            folder,
            tuple(f for path, f in sorted(tree.files.items()) if path.startswith(folder + "/")),
        )
        for folder in new
    )


def check_releases(settings: Settings) -> ReleasesReport:
    tree = fetch_tree(settings.hf_endpoint, settings.user_agent)
    try:
        lock = load_lock(settings.lock_file)
    except ValueError as exc:
        raise ReleasesError(
            str(settings.lock_file), "the lock file is damaged", f"delete it ({exc})"
        ) from None
    return compare(tree, list(sources()), lock, settings)


# --- the text report ---------------------------------------------------------------------


def _short(checksum: str) -> str:
    return checksum[:12] + "…"


def _describe(version: Version) -> str:
    parts = [f"sha256 {_short(version.sha256)}" if version.sha256 else "sha256 unknown"]
    if version.git_blob_sha1:
        parts.append(f"git blob {_short(version.git_blob_sha1)}")
    parts.append(f"{version.bytes:,} B" if version.bytes is not None else "size unknown")
    return ", ".join(parts)


def _change_lines(change: Change, action: str) -> list[str]:
    return [
        f"  {change.source_id}: {change.path}",
        f"    {change.compared_with + ':':<12} {_describe(change.old)}",
        f"    {'upstream:':<12} {_describe(change.new)}",
        f"    next: {action}",
    ]


def format_text(report: ReleasesReport) -> str:
    lines = [
        f"Hub tree {report.tree_url}: {report.pages} page(s), {report.upstream_files} files; "
        f"{report.registered_files} registered AEI files; checked {report.checked_at}"
    ]
    for release in report.new_releases:
        total = sum(f.bytes for f in release.files)
        lines.append(
            f"NEW RELEASE {release.folder}/: {len(release.files)} file(s), {total:,} B "
            "(not in the registry, not in IGNORED_RELEASES)"
        )
        lines += [f"  {f.path}  {f.bytes:,} B" for f in release.files]
    for change in report.changed:
        lines.append(f"CHANGED upstream, differs from the {change.compared_with}:")
        lines += _change_lines(
            change,
            "read the release notes; update sha256/bytes in etl/sources/registry.py if it has "
            f"them; then `aiei fetch {change.source_id} --refresh --accept-changed`",
        )
    for change in report.pin_only:
        lines.append("PIN IS OLD: upstream matches the registry, your lock file pins another:")
        lines += _change_lines(
            change, f"`aiei fetch {change.source_id} --refresh --accept-changed` to re-pin"
        )
    for gone in report.disappeared:
        lines.append(f"DISAPPEARED upstream: {gone.source_id}: {gone.path}")
        lines.append(
            "    next: find it on the dataset page (moved or withdrawn?); update the registry"
        )
    lines += [
        f"not compared: {s.source_id}: {s.path}: {s.reason}; `aiei fetch {s.source_id}` pins it"
        for s in report.not_compared
    ]
    if report.has_findings:
        lines.append("Something is new or changed: see docs/adding-a-release.md (exit 3).")
    else:
        lines.append("Nothing new: no unknown release folder, no changed or missing file.")
    return "\n".join(lines)
