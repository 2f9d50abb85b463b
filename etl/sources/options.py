"""How a fetch behaves: shared by the cache logic (fetch.py) and the network code (http.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FetchOptions:
    offline: bool = False
    refresh: bool = False  # ignore the cache and fetch again (to check upstream for changes)
    # ids of the sources whose body may differ from the one pinned in the lock file
    accept_changed: frozenset[str] = frozenset()
    attempts: int = 4
    backoff: float = 1.0  # seconds; doubles after each failed attempt
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    workers: int = 4
    progress: bool = True
