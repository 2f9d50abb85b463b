"""`aiei changes`: what moved between the last two builds — the files read, the waves, and
the headline numbers a user may have cited (each state's AUI and rank, usage share,
automation share, exposure) — so a changed number can be explained."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from etl.atomic import published_builds
from etl.errors import UserFacingError

HEADLINES = (
    "aui",
    "aui_rank",
    "usage_share_pct",
    "usage_share_rank",
    "automation_share_pct",
    "exposure_weighted_employment",
    "jobs_high_exposure",
)
TOLERANCE = 1e-9  # floating noise is not a change


class NoPreviousBuild(UserFacingError):
    """Fewer than two builds on disk."""


@dataclass
class Changes:
    previous: dict
    current: dict
    files: list[dict] = field(default_factory=list)
    waves_added: list[str] = field(default_factory=list)
    waves_removed: list[str] = field(default_factory=list)
    numbers: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, default=str)


def _about(folder: Path) -> tuple[dict, pl.DataFrame]:
    manifest = json.loads((folder / "manifest.json").read_text())
    summary = pl.read_parquet(folder / "state_summary.parquet")
    return manifest, summary


def compare(previous_dir: Path, current_dir: Path) -> Changes:
    old, old_summary = _about(previous_dir)
    new, new_summary = _about(current_dir)
    changes = Changes(
        previous={k: old.get(k) for k in ("build_id", "built_at", "git_commit")},
        current={k: new.get(k) for k in ("build_id", "built_at", "git_commit")},
    )
    old_sources, new_sources = old.get("sources", {}), new.get("sources", {})
    for source_id in sorted(set(old_sources) | set(new_sources)):
        before, after = old_sources.get(source_id), new_sources.get(source_id)
        if before is None or after is None or before["sha256"] != after["sha256"]:
            changes.files.append(
                {
                    "source": source_id,
                    "before": before and {"sha256": before["sha256"], "bytes": before["bytes"]},
                    "after": after and {"sha256": after["sha256"], "bytes": after["bytes"]},
                }
            )
    old_waves, new_waves = set(old_summary["wave"]), set(new_summary["wave"])
    changes.waves_added = sorted(new_waves - old_waves)
    changes.waves_removed = sorted(old_waves - new_waves)
    columns = [c for c in HEADLINES if c in old_summary.columns and c in new_summary.columns]
    joined = old_summary.select("wave", "state", *columns).join(
        new_summary.select("wave", "state", *columns), on=["wave", "state"], suffix="_new"
    )
    for column in columns:
        before, after = pl.col(column), pl.col(f"{column}_new")
        moved = joined.filter(
            (before.is_null() != after.is_null())
            | ((before - after).abs() > TOLERANCE).fill_null(False)
        )
        changes.numbers += [
            {"wave": w, "state": s, "column": column, "before": b, "after": a}
            for w, s, b, a in moved.select("wave", "state", column, f"{column}_new").rows()
        ]
    return changes


def last_two(builds: Path) -> tuple[Path, Path]:
    found = published_builds(builds)
    if len(found) < 2:
        raise NoPreviousBuild(
            f"{builds}: {len(found)} published build(s) on disk, 2 are needed to compare\n"
            "  fix: run `aiei build` again after an upstream file or the code changed"
        )
    return found[1], found[0]


def format_text(changes: Changes, limit: int = 40) -> str:
    p, c = changes.previous, changes.current
    lines = [f"from build {p['build_id']} ({p['built_at']}) to {c['build_id']} ({c['built_at']})"]
    for f in changes.files:
        before = f["before"] and f"{f['before']['sha256'][:12]}… {f['before']['bytes']:,} B"
        after = f["after"] and f"{f['after']['sha256'][:12]}… {f['after']['bytes']:,} B"
        lines.append(f"file {f['source']}: {before or 'absent'} -> {after or 'absent'}")
    lines += [f"wave added: {w}" for w in changes.waves_added]
    lines += [f"wave removed: {w}" for w in changes.waves_removed]
    for n in changes.numbers[:limit]:
        before, after = changed_value(n["before"]), changed_value(n["after"])
        lines.append(f"{n['wave']} {n['state']} {n['column']}: {before} -> {after}")
    if len(changes.numbers) > limit:
        lines.append(f"… and {len(changes.numbers) - limit} more (aiei changes --json)")
    if not (changes.files or changes.waves_added or changes.waves_removed or changes.numbers):
        lines.append("no file, wave or headline number changed")
    return "\n".join(lines)


def changed_value(value: object) -> str:
    """A headline number as `aiei changes` and the /changes page write it."""
    if value is None:
        return "empty"
    return f"{value:,.4g}" if isinstance(value, float) else str(value)
