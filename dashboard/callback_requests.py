"""What a callback request must be before Dash sees it.

Dash's dispatcher trusts its renderer: JSON nested past Python's recursion limit, a lone
surrogate in a string, `outputs` of another length or naming other components, or an
output without its property each make it fail with a 500. So a request is checked here
against the callback it names: JSON (parsed by orjson, which limits nesting and accepts
only valid UTF-8), an object naming a server callback of this app with exactly its
outputs, inputs and state in order, the changed inputs among its inputs, and optionally
the build its page was rendered from (dashboard/page_build.py). Anything else is refused
with one line saying what is wrong. (The app uses no wildcard ids.)
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from dash._utils import split_callback_id, stringify_id

from dashboard.builds import BUILD_ID


class MalformedCallback(ValueError):
    """A callback request the app cannot answer; the message says why, in one line."""


def _names(items: object, what: str) -> list[str]:
    """`id.property` of each argument, ids as Dash writes them (a dict id as JSON)."""
    if not isinstance(items, list) or not all(
        isinstance(item, dict)
        and isinstance(item.get("id"), str | dict)
        and isinstance(item.get("property"), str)
        for item in items
    ):
        raise MalformedCallback(f"{what}: expected {{id, property}} objects")
    return [f"{stringify_id(item['id'])}.{item['property']}" for item in items]


def _expect(found: list[str], wanted: list[str], what: str) -> None:
    if found != wanted:
        raise MalformedCallback(f"{what}: not this callback's ({', '.join(wanted) or 'none'})")


def parse(body: bytes, callback_map: Mapping[str, dict]) -> dict:
    """The request's JSON, checked against the callback it names; MalformedCallback if
    it is not a request this app's renderer could have sent."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedCallback(f"not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise MalformedCallback("not a JSON object")
    output = payload.get("output")
    callback = callback_map.get(output) if isinstance(output, str) else None
    if callback is None or "callback" not in callback:
        raise MalformedCallback("output: not a server callback of this app")
    # one dict for one output, a list for several; an output several callbacks may set is
    # `id.property@<hash>`, which the renderer sends with its hash and Dash accepts without
    wanted = split_callback_id(output)
    several = isinstance(wanted, list)
    outputs = payload.get("outputs")
    _expect(
        [name.split("@")[0] for name in _names(outputs if several else [outputs], "outputs")],
        [name.split("@")[0] for name in _names(wanted if several else [wanted], "outputs")],
        "outputs",
    )
    inputs = _names(payload.get("inputs"), "inputs")
    _expect(inputs, _names(callback["inputs"], "inputs"), "inputs")
    _expect(_names(payload.get("state", []), "state"), _names(callback["state"], "state"), "state")
    changed = payload.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(c in inputs for c in changed):
        raise MalformedCallback("changedPropIds: expected a list of this callback's inputs")
    build = payload.get("build")
    if build is not None and not (isinstance(build, str) and BUILD_ID.fullmatch(build)):
        raise MalformedCallback("build: expected the build id of the page")
    return payload
