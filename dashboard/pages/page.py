"""What a page is, as data: its path, how it reads its URL, its layout, its document title
and its callbacks. The registry (`dashboard.pages`) routes to pages and puts their
callbacks on each app it is given, so any number of apps can live in one process."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output, State

if TYPE_CHECKING:
    from dashboard.data import Marts
    from dashboard.previews import Preview

_PARAMETER = re.compile(r"<(\w+)>")


@dataclass(frozen=True)
class Example:
    """Valid values for a callback's inputs, then its states, and the index of the input
    that fired: what the tests post to check that the callback answers with real numbers."""

    values: tuple[object, ...]
    fired: int = 0


@dataclass(frozen=True)
class Callback:
    """A server callback as data; `register` puts it on one app."""

    function: Callable[..., object]
    outputs: tuple[Output, ...]
    inputs: tuple[Input, ...]
    example: Callable[[Marts], Example]
    state: tuple[State, ...] = ()
    prevent_initial_call: bool = True

    def register(self, app: Dash) -> None:
        outputs = self.outputs if len(self.outputs) > 1 else self.outputs[0]
        app.callback(
            outputs, *self.inputs, *self.state, prevent_initial_call=self.prevent_initial_call
        )(self.function)


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # "/state/<state>": each <parameter> is one path segment
    # The page's view from its URL (path parameters over the query); raises
    # urls.BadParameter for parameters it cannot show.
    parse: Callable[[Mapping[str, object], Marts], Any]
    layout: Callable[[Any, Marts], object]  # (view, marts) -> component tree
    title: Callable[[Any, Marts], str]  # (view, marts) -> the document title
    callbacks: tuple[Callback, ...] = ()
    # What the server's HTML shows before any script runs (dashboard/first_view.py);
    # None: the title and the site's summary.
    preview: Callable[[Any, Marts], Preview] | None = None
    embeddable: bool = False  # also served at /embed<path>, with minimal chrome

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The path as a regular expression; a trailing slash is optional."""
        parts = _PARAMETER.split(self.path.rstrip("/"))  # literal, name, literal, ...
        regex = "".join(
            rf"(?P<{part}>[^/]{{1,40}})" if index % 2 else re.escape(part)
            for index, part in enumerate(parts)
        )
        return re.compile(regex + "/?")

    def match(self, path: str) -> dict[str, str] | None:
        """The path's parameters if the path is this page's, else None."""
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found else None


def no_parameters(query: Mapping[str, object], data: Marts) -> None:
    """The view of a page that reads nothing from its URL."""
    return None
