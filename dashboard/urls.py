"""The URL is the state of the app: every view's parameters are read and written here.

A view (MapView, StateView, CompareView) is what a page shows. `parse` reads one from a
query (a page URL, a download or figure URL, or a page's control values) and raises
BadParameter naming the parameter, with the HTTP status it deserves; `search` writes the
canonical query back, defaults left out. Page validation (first loads and client-side
routing), layouts, callbacks and every download, figure and briefing route parse here, so
a bad parameter gets the same answer everywhere. `sync_url` keeps a page's URL and its
controls in step, the same way on every page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol, Self, TypeVar
from urllib.parse import parse_qs, urlencode

from dash import no_update
from dash.exceptions import PreventUpdate

from dashboard import area_data, occupation_data
from dashboard.metrics import (
    AREA_MEASURES,
    DEFAULT_AREA_MEASURE,
    DEFAULT_MEASURE,
    DEFAULT_METRIC,
    METRICS,
    OCCUPATION_MEASURES,
)
from etl.geo import US_51

if TYPE_CHECKING:
    from dashboard.data import Marts

MAX_QUERY_LENGTH = 512
MAX_COMPARED = 4
LEVELS = ("major", "minor")  # request-cluster levels a state profile can show
DEFAULT_COMPARED = ("IN", "OH", "MI")
MAX_WORDS = 60  # an occupation search: longer than any title
ORDERS = ("asc", "desc")  # ORDERS[descending]
MAP_TABS = ("map", "chart", "table")  # how the map page shows its metric; the first by default
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9 ,._:/()'&+-]{0,200}$")


class BadParameter(ValueError):
    """A URL parameter the app cannot show. `status` is the HTTP status it deserves."""

    def __init__(self, name: str, value: object, expected: str, status: int = 400) -> None:
        text = value if isinstance(value, str) else repr(value)
        shown = text if len(text) <= 40 else text[:40] + "…"
        super().__init__(f"{name} = {shown!r} is not valid: expected {expected}")
        self.name, self.value, self.expected, self.status = name, text, expected, status


def parse_query(search: object) -> dict[str, str]:
    """`?a=1&b=2` -> {"a": "1", "b": "2"}; refuses over-long or odd query strings."""
    if search is not None and not isinstance(search, str):
        raise BadParameter("query", search, "a query string")
    text = (search or "").lstrip("?")
    if len(text) > MAX_QUERY_LENGTH:
        raise BadParameter("query", text, f"at most {MAX_QUERY_LENGTH} characters")
    query = {}
    for key, values in parse_qs(text, keep_blank_values=True).items():
        value = values[-1]
        if not _SAFE_VALUE.match(key) or not _SAFE_VALUE.match(value):
            raise BadParameter(key, value, "letters, digits and simple punctuation")
        query[key] = value
    return query


def build_query(**params: str | None) -> str:
    kept = {k: v for k, v in params.items() if v}
    return "?" + urlencode(kept) if kept else ""


# --- one parameter ----------------------------------------------------------------------
def text(query: Mapping[str, object], name: str) -> str | None:
    """The parameter as text, None when absent or empty; anything but text is refused."""
    value = query.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadParameter(name, value, "text")
    return value


def choice(name: str, value: object, options: Sequence[str], default: str) -> str:
    """One of `options`; `default` when absent."""
    if value is None or value == "":
        return default
    if not isinstance(value, str) or value not in options:
        raise BadParameter(name, value, f"one of {', '.join(options)}")
    return value


def state_code(value: str | None) -> str:
    code = (value or "").upper()
    if code not in US_51:
        raise BadParameter(
            "state", value or "", "a two-letter code of the 50 states or DC, e.g. IN", status=404
        )
    return code


def wave_id(value: str | None, waves: Sequence[str]) -> str:
    """A wave of `waves`; the latest of them when absent."""
    return choice("wave", value, waves, waves[-1])


def soc_code(value: str | None, data: Marts, status: int = 400) -> str:
    """An OEWS occupation code of the marts (`occupations`)."""
    if value not in occupation_data.titles(data):
        raise BadParameter(
            "occupation", value or "", "an OEWS occupation code, e.g. 29-1141", status=status
        )
    return value


def state_list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    codes = [state_code(part.strip()) for part in value.split(",") if part.strip()]
    if len(codes) > MAX_COMPARED:
        raise BadParameter("states", value, f"at most {MAX_COMPARED} states")
    return tuple(dict.fromkeys(codes))


# --- views ------------------------------------------------------------------------------
class View(Protocol):
    @classmethod
    def parse(cls, query: Mapping[str, object], data: Marts) -> Self: ...

    @classmethod
    def from_controls(cls, controls: Mapping[str, object], data: Marts) -> Self: ...

    def search(self, data: Marts) -> str: ...


@dataclass(frozen=True)
class MapView:
    """`/?metric=cluster&wave=2026-02&cluster=...`: the map and its ranking;
    `/?metric=occupation&occupation=29-1141&measure=lq` for an occupation; `&tab=chart`
    shows the metric as a ranked bar chart, `&tab=table` as the ranking alone."""

    metric: str
    wave: str
    cluster: str | None = None
    occupation: str | None = None  # a SOC code, for the metric "occupation"
    measure: str | None = None  # for the metric "occupation": a key of OCCUPATION_MEASURES
    tab: str = MAP_TABS[0]

    @classmethod
    def parse(cls, query: Mapping[str, object], data: Marts) -> MapView:
        metric = choice("metric", text(query, "metric"), list(METRICS), DEFAULT_METRIC)
        wave = wave_id(text(query, "wave"), data.metric_waves(metric))
        tab = choice("tab", text(query, "tab"), MAP_TABS, MAP_TABS[0])
        if metric == "occupation":
            code = text(query, "occupation") or occupation_data.largest_occupation(data)
            measure = choice(
                "measure", text(query, "measure"), list(OCCUPATION_MEASURES), DEFAULT_MEASURE
            )
            return cls(metric, wave, occupation=soc_code(code, data), measure=measure, tab=tab)
        if metric != "cluster":
            return cls(metric, wave, tab=tab)
        clusters = [cluster_id for cluster_id, _ in data.clusters(wave)]
        cluster = text(query, "cluster") or next(iter(clusters), None)
        if cluster not in clusters:
            raise BadParameter("cluster", cluster or "", f"a request cluster of wave {wave}")
        return cls(metric, wave, cluster, tab=tab)

    @classmethod
    def from_controls(cls, controls: Mapping[str, object], data: Marts) -> MapView:
        """The dropdowns offer only waves that have the metric (the others are disabled), but
        the cluster dropdown may hold a use of another wave: the wave's largest use then."""
        metric, wave, cluster = (controls.get(k) for k in ("metric", "wave", "cluster"))
        occupation, measure = controls.get("occupation"), controls.get("measure")
        if metric == "cluster" and wave in data.waves_with_requests:
            if cluster not in [c for c, _ in data.clusters(wave)]:
                cluster = None
        else:
            cluster = None
        if metric != "occupation":
            occupation = measure = None
        return cls.parse(
            {
                "metric": metric,
                "wave": wave,
                "cluster": cluster,
                "occupation": occupation,
                "measure": measure,
                "tab": controls.get("tab"),
            },
            data,
        )

    @property
    def shown(self) -> MapView:
        """The data the view shows, whichever tab shows it (the key of cached figures)."""
        return replace(self, tab=MAP_TABS[0])

    def search(self, data: Marts) -> str:
        return build_query(
            metric=None if self.metric == DEFAULT_METRIC else self.metric,
            wave=None if self.wave == data.latest_wave else self.wave,
            cluster=self.cluster,
            occupation=self.occupation,
            measure=None if self.measure == DEFAULT_MEASURE else self.measure,
            tab=None if self.tab == MAP_TABS[0] else self.tab,
        )


@dataclass(frozen=True)
class StateView:
    """`/state/IN?wave=2026-05&level=minor` (the state from the path, or `?state=IN`);
    `&where=lq&occupation=15-1252` colours its "Where in" map by an occupation's location
    quotient (`where`: a key of AREA_MEASURES; `occupation` only with `lq`)."""

    state: str
    wave: str
    level: str = LEVELS[0]
    where: str = DEFAULT_AREA_MEASURE
    occupation: str | None = None

    @classmethod
    def parse(cls, query: Mapping[str, object], data: Marts) -> StateView:
        where = choice("where", text(query, "where"), list(AREA_MEASURES), DEFAULT_AREA_MEASURE)
        code = text(query, "occupation") if where == "lq" else None
        return cls(
            state_code(text(query, "state")),
            wave_id(text(query, "wave"), data.waves),
            choice("level", text(query, "level"), LEVELS, LEVELS[0]),
            where,
            soc_code(code, data) if code else None,
        )

    @classmethod
    def from_controls(cls, controls: Mapping[str, object], data: Marts) -> StateView:
        return cls.parse(controls, data)

    def search(self, data: Marts) -> str:
        return build_query(
            wave=None if self.wave == data.latest_wave else self.wave,
            level=None if self.level == LEVELS[0] else self.level,
            where=None if self.where == DEFAULT_AREA_MEASURE else self.where,
            occupation=self.occupation,
        )


@dataclass(frozen=True)
class CompareView:
    """`/compare?states=IN,OH,MI&wave=2026-05`: up to four states side by side."""

    states: tuple[str, ...]
    wave: str

    @classmethod
    def parse(cls, query: Mapping[str, object], data: Marts) -> CompareView:
        states = state_list(text(query, "states")) or DEFAULT_COMPARED
        return cls(states, wave_id(text(query, "wave"), data.waves))

    @classmethod
    def from_controls(cls, controls: Mapping[str, object], data: Marts) -> CompareView:
        """A fifth state chosen in the dropdown is dropped: four is the most shown."""
        chosen = controls.get("states") or []
        if not isinstance(chosen, list) or not all(isinstance(s, str) for s in chosen):
            raise BadParameter("states", chosen, "a list of state codes")
        return cls.parse({**controls, "states": ",".join(chosen[:MAX_COMPARED])}, data)

    def search(self, data: Marts) -> str:
        return build_query(
            states=",".join(self.states),
            wave=None if self.wave == data.latest_wave else self.wave,
        )


# --- the occupation side ----------------------------------------------------------------
@dataclass(frozen=True)
class OccupationIndexView:
    """`/occupations?q=nurse&group=29&state=IN&sort=wage&order=asc&page=2`: the occupation
    index, searched, filtered and sorted (each sort has its natural order: names A-Z,
    numbers largest first; `order` says the other)."""

    words: str = ""
    group: str | None = None
    state: str | None = None
    sort: str = occupation_data.DEFAULT_INDEX_SORT
    descending: bool = True
    page: int = 1

    @classmethod
    def parse(cls, query: Mapping[str, object], data: Marts) -> OccupationIndexView:
        words = " ".join((text(query, "q") or "").split())
        if len(words) > MAX_WORDS:
            raise BadParameter("q", words, f"at most {MAX_WORDS} characters")
        group = text(query, "group")
        if group is not None and group not in occupation_data.major_groups(data):
            raise BadParameter("group", group, "a two-digit SOC major group, e.g. 29")
        state = text(query, "state")
        if state is not None and state.upper() not in US_51:
            raise BadParameter("state", state, "a two-letter code of the 50 states or DC")
        state = state.upper() if state else None
        sorts = [
            k
            for k in occupation_data.INDEX_SORTS
            if state or k not in occupation_data.STATE_ONLY_SORTS
        ]
        sort = choice("sort", text(query, "sort"), sorts, occupation_data.DEFAULT_INDEX_SORT)
        natural = occupation_data.INDEX_SORTS[sort][1]
        order = choice("order", text(query, "order"), ORDERS, ORDERS[natural])
        page_text = text(query, "page") or "1"
        if not page_text.isdigit() or int(page_text) < 1:
            raise BadParameter("page", page_text, "a page number, 1 or more")
        view = cls(words, group, state, sort, order == "desc")
        pages = occupation_data.index_pages(data, view.query)
        return replace(view, page=min(int(page_text), pages))

    @classmethod
    def from_controls(cls, controls: Mapping[str, object], data: Marts) -> OccupationIndexView:
        """A state cleared while the table is sorted by a state's figure (its location
        quotient) sorts by the default again."""
        if not controls.get("state") and controls.get("sort") in occupation_data.STATE_ONLY_SORTS:
            controls = {**controls, "sort": None, "order": None}
        return cls.parse(controls, data)

    @property
    def query(self) -> occupation_data.IndexQuery:
        """Which rows, in which order: the view less its page."""
        return occupation_data.IndexQuery(
            self.words, self.group, self.state, self.sort, self.descending
        )

    def search(self, data: Marts) -> str:
        natural = occupation_data.INDEX_SORTS[self.sort][1]
        return build_query(
            q=self.words,
            group=self.group,
            state=self.state,
            sort=None if self.sort == occupation_data.DEFAULT_INDEX_SORT else self.sort,
            order=None if self.descending == natural else ORDERS[self.descending],
            page=None if self.page == 1 else str(self.page),
        )


@dataclass(frozen=True)
class OccupationView:
    """`/occupation/29-1141?measure=share`: one occupation, its map on `measure`."""

    soc: str
    measure: str = DEFAULT_MEASURE

    @classmethod
    def parse(cls, query: Mapping[str, object], data: Marts) -> OccupationView:
        return cls(
            soc_code(text(query, "soc"), data, status=404),
            choice("measure", text(query, "measure"), list(OCCUPATION_MEASURES), DEFAULT_MEASURE),
        )

    @classmethod
    def from_controls(cls, controls: Mapping[str, object], data: Marts) -> OccupationView:
        return cls.parse(controls, data)

    def search(self, data: Marts) -> str:
        return build_query(measure=None if self.measure == DEFAULT_MEASURE else self.measure)


@dataclass(frozen=True)
class AreaView:
    """`/area/0026900`: one metro, OEWS nonmetropolitan area or state nonmetro remainder
    (`nonmetro-IN`) of the 50 states and DC."""

    code: str

    @classmethod
    def parse(cls, query: Mapping[str, object], data: Marts) -> AreaView:
        code = text(query, "code")
        if code is None or area_data.area(data, code) is None:
            raise BadParameter(
                "area",
                code or "",
                "an OEWS metro or nonmetropolitan area code, e.g. 0026900",
                status=404,
            )
        return cls(code)

    @classmethod
    def from_controls(cls, controls: Mapping[str, object], data: Marts) -> AreaView:
        return cls.parse(controls, data)

    def search(self, data: Marts) -> str:
        return ""


V = TypeVar("V", bound=View)


def sync_url(
    view_type: type[V],
    data: Marts,
    search: object,
    controls: Mapping[str, object],
    from_url: bool,
    fixed: Mapping[str, str] | None = None,
) -> tuple[V, object]:
    """A page's URL and its controls describe one view; whichever changed sets it.

    Returns the view and the page's new query string (no_update when it has not changed).
    `fixed` holds parameters neither can change (the state of a profile). Raises
    PreventUpdate for input no view has (the page stays as it is), and when the URL only
    reports the view already on screen (after the controls wrote it)."""
    fixed = fixed or {}
    try:
        shown = view_type.from_controls({**controls, **fixed}, data)
    except BadParameter:
        shown = None
    if from_url:
        try:
            view = view_type.parse({**parse_query(search), **fixed}, data)
        except BadParameter:
            raise PreventUpdate from None
        if view == shown:
            raise PreventUpdate
    elif shown is None:
        raise PreventUpdate
    else:
        view = shown
    new_search = view.search(data)
    return view, new_search if new_search != (search or "") else no_update
