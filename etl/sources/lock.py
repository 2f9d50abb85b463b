"""The lock file: bytes and sha256 of every upstream file, pinned when first seen."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from etl.atomic import write_text_atomically


@dataclass(frozen=True)
class LockEntry:
    bytes: int
    sha256: str
    retrieved_at: str


def load_lock(path: Path) -> dict[str, LockEntry]:
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {url: LockEntry(**entry) for url, entry in raw["files"].items()}
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(
            f"{path}: the lock file is damaged ({exc})\n  fix: delete it; every "
            "file will be pinned again on the next fetch"
        ) from exc


def save_lock(path: Path, lock: dict[str, LockEntry]) -> None:
    body = {
        "comment": "Pinned upstream files. A different body for a URL is refused "
        "unless fetched with --accept-changed.",
        "files": {url: asdict(lock[url]) for url in sorted(lock)},
    }
    write_text_atomically(path, json.dumps(body, indent=2) + "\n")
