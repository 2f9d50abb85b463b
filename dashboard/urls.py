"""The URL is the state of the app: parse and validate it in one place.

Pages, the server's request check and the download routes all use these functions, so a
bad parameter gets the same clear message everywhere.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode

from dashboard.metrics import METRICS
from etl.geo import US_51

MAX_QUERY_LENGTH = 512
MAX_COMPARED = 4
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9 ,._:/()'&+-]{0,200}$")


class BadParameter(ValueError):
    """A URL parameter the app cannot show. `status` is the HTTP status it deserves."""

    def __init__(self, name: str, value: str, expected: str, status: int = 400) -> None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        super().__init__(f"{name} = {shown!r} is not valid: expected {expected}")
        self.name, self.value, self.expected, self.status = name, value, expected, status


def parse_query(search: str | None) -> dict[str, str]:
    """`?a=1&b=2` -> {"a": "1", "b": "2"}; refuses over-long or odd query strings."""
    if search is not None and not isinstance(search, str):
        raise BadParameter("query", repr(search), "a query string")
    text = (search or "").lstrip("?")
    if len(text) > MAX_QUERY_LENGTH:
        raise BadParameter("query", text, f"at most {MAX_QUERY_LENGTH} characters")
    parsed = parse_qs(text, keep_blank_values=True)
    query = {}
    for key, values in parsed.items():
        value = values[-1]
        if not _SAFE_VALUE.match(key) or not _SAFE_VALUE.match(value):
            raise BadParameter(key, value, "letters, digits and simple punctuation")
        query[key] = value
    return query


def build_query(**params: str | None) -> str:
    kept = {k: v for k, v in params.items() if v}
    return "?" + urlencode(kept) if kept else ""


def state_code(value: str) -> str:
    code = value.upper()
    if code not in US_51:
        raise BadParameter(
            "state", value, "a two-letter code of the 50 states or DC, e.g. IN", status=404
        )
    return code


def metric_id(value: str | None) -> str:
    from dashboard.metrics import DEFAULT_METRIC

    if value is None or value == "":
        return DEFAULT_METRIC
    if value not in METRICS:
        raise BadParameter("metric", value, f"one of {', '.join(METRICS)}")
    return value


def wave_id(value: str | None, waves: list[str]) -> str:
    if value is None or value == "":
        return waves[-1]
    if value not in waves:
        raise BadParameter("wave", value, f"one of {', '.join(waves)}")
    return value


def state_list(value: str | None) -> list[str]:
    if not value:
        return []
    codes = [state_code(part.strip()) for part in value.split(",") if part.strip()]
    if len(codes) > MAX_COMPARED:
        raise BadParameter("states", value, f"at most {MAX_COMPARED} states")
    return list(dict.fromkeys(codes))


def map_params(query: dict[str, str], data) -> tuple[str, str, str | None]:
    """(metric, wave, cluster) of a map URL; the cluster metric defaults to the largest use."""
    metric = metric_id(query.get("metric"))
    waves = data.waves_with_requests() if metric == "cluster" else data.waves
    wave = wave_id(query.get("wave"), waves)
    cluster = None
    if metric == "cluster":
        clusters = dict(data.clusters(wave))
        cluster = query.get("cluster") or next(iter(clusters), None)
        if cluster not in clusters:
            raise BadParameter("cluster", cluster or "", f"a request cluster of wave {wave}")
    return metric, wave, cluster
