"""The loss guard: a build that would lose what the last good build had fails, naming the
file to blame, unless the user allows it for that source (`aiei build --allow-loss ID`).

Lost means: a table, an AEI wave, a state of a wave, or more than half of a column's
non-empty values for a wave. A file cut at a line boundary, a header-only file or a month
gone from a release would otherwise pass every reader's check and silently empty the
product. A first build (no previous one) is never blocked.
"""

from __future__ import annotations

import polars as pl

from etl.errors import UserFacingError
from etl.sources.registry import aei_wave_sources, sources
from etl.spec import Mart

ALL_WAVES = "*"  # the profile key of tables without a wave column
AEI_READERS = ("aei_long", "aei_wide")


class LossError(UserFacingError, RuntimeError):
    """The new build would lose data the current one has."""


def profile(marts: dict[str, pl.DataFrame]) -> dict:
    """Per table and wave: rows, the states present, and every column's non-empty count.
    Stored in the manifest, it is what the next build is compared with."""
    found: dict = {}
    for name, frame in marts.items():
        groups = (
            frame.partition_by("wave", as_dict=True)
            if "wave" in frame.columns
            else {(ALL_WAVES,): frame}
        )
        found[name] = {
            str(wave): {
                "rows": part.height,
                "states": sorted(part["state"].unique().to_list())
                if "state" in part.columns
                else [],
                "non_null": {c: part.height - part[c].null_count() for c in part.columns},
            }
            for (wave,), part in sorted(groups.items())
        }
    return found


def _blame(mart: Mart, by_name: dict[str, Mart], wave: str) -> list[str]:
    """Source ids a loss in `mart` (for `wave`) can come from: the wave's AEI file if the
    loss is in a wave of a mart that reads AEI data, else the files of every staging table
    it reads."""
    readers: set[str] = set()
    pending = [mart]
    while pending:
        step = pending.pop()
        readers |= set(step.staging)
        pending += [by_name[m] for m in step.marts]
    wave_source = aei_wave_sources().get(wave)
    if wave_source and readers & set(AEI_READERS):
        return [wave_source.id]
    if wave_source:
        readers -= set(AEI_READERS)
    return sorted(s.id for s in sources() if s.reader in readers)


def check_losses(
    previous: dict, current: dict, marts: tuple[Mart, ...], allowed: frozenset[str]
) -> None:
    """Raise LossError naming the file(s) behind each loss the user did not allow."""
    by_name = {m.name: m for m in marts}
    losses: list[tuple[str, list[str]]] = []
    for name, waves in previous.items():
        if name not in current or not sum(w["rows"] for w in current[name].values()):
            losses.append((f"table {name} would be empty", _blame(by_name[name], by_name, "")))
            continue
        for wave, before in waves.items():
            after = current[name].get(wave)
            blame = _blame(by_name[name], by_name, wave)
            if after is None:
                losses.append((f"{name} would lose wave {wave}", blame))
                continue
            gone = sorted(set(before["states"]) - set(after["states"]))
            if gone:
                shown = ", ".join(gone[:8]) + ("…" if len(gone) > 8 else "")
                losses.append((f"{name} would lose {len(gone)} state(s) of {wave}: {shown}", blame))
            for column, count in before["non_null"].items():
                kept = after["non_null"].get(column, 0)
                if count and kept * 2 < count:
                    losses.append(
                        (f"{name}.{column} would keep {kept} of {count} values for {wave}", blame)
                    )
    blocked = [(what, blame) for what, blame in losses if not set(blame) & allowed]
    if blocked:
        files = sorted({sid for _, blame in blocked for sid in blame})
        lines = [f"  {what} (from {', '.join(blame)})" for what, blame in blocked[:12]]
        more = f"\n  … and {len(blocked) - 12} more" if len(blocked) > 12 else ""
        raise LossError(
            "the new build would lose data the current one has; nothing was replaced:\n"
            + "\n".join(lines)
            + more
            + "\n  fix: check these files (a cut or emptied download?); if the loss is real, "
            f"run `aiei build --allow-loss {' '.join(files)}`"
        )
