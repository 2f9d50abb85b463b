"""Writes that readers never see half-done: write beside the target, then rename."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def write_text_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)


def replace_folder(target: Path, fill: Callable[[Path], None]) -> None:
    """Make a new `target` folder with `fill(folder)` beside the old one, then swap it in.
    If `fill` fails (or the process is killed), the old folder stays as it was; the
    half-made folder of a killed process is removed by the next call."""
    remove_leftovers(target)
    temp = target.parent / f".{target.name}-building-{os.getpid()}"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir(parents=True)
    try:
        fill(temp)
        swap_in(temp, target)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def swap_in(new: Path, target: Path) -> None:
    """Replace `target` by `new`: two renames, the old tree deleted only after both."""
    retired = target.parent / f".{target.name}-retired-{os.getpid()}"
    if target.exists():
        os.replace(target, retired)
    os.replace(new, target)
    shutil.rmtree(retired, ignore_errors=True)


def remove_leftovers(target: Path) -> None:
    """Delete the half-made or retired trees beside `target` left by killed processes."""
    for leftover in target.parent.glob(".*-*-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            if leftover.is_symlink():  # a link made to be renamed into place
                leftover.unlink()
            else:
                shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def publish_build(
    builds: Path, build_id: str, link: Path, fill: Callable[[Path], None], keep: int = 3
) -> Path:
    """Make a new folder `builds/<build_id>-<time>-<pid>` with `fill` (never one that is
    being served), then point `link` at it in one atomic step (a symlink replaced by
    rename), so `link` is never missing nor half-made. The newest `keep` builds stay on
    disk for processes still serving them; older ones are removed."""
    final = builds / f"{build_id}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    replace_folder(final, fill)
    _point(link, final)
    with (builds / HISTORY).open("a", encoding="utf-8") as log:  # what was published, when
        log.write(f"{final.name}\n")
    _prune(builds, keep, current=final)
    return final


HISTORY = "history.log"


def published_builds(builds: Path) -> list[Path]:
    """The builds that were published, newest first, that are still on disk."""
    log = builds / HISTORY
    names = log.read_text(encoding="utf-8").split() if log.is_file() else []
    return [builds / n for n in reversed(dict.fromkeys(names)) if (builds / n).is_dir()]


def _point(link: Path, target: Path) -> None:
    if link.exists() and not link.is_symlink():  # a data dir from before builds/: move it
        os.replace(link, target.parent / f"{target.name}-previous")
    temp = link.parent / f".{link.name}-link-{os.getpid()}"
    temp.unlink(missing_ok=True)
    temp.symlink_to(os.path.relpath(target, link.parent))
    os.replace(temp, link)


def _prune(builds: Path, keep: int, current: Path) -> None:
    finished = sorted(
        (p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in [p for p in finished if p != current][keep - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
