"""A wave or level switch on a state page sends only what the view changes: a Patch over
the body on screen (dashboard/pages/state.py VIEW_PARTS). For every pair of views of a
state, the old body with the patch applied must be the new view's body, so a part left out
of the patch really depends on the state alone."""

from __future__ import annotations

import copy
import itertools

import polars as pl
import pytest

from tests.dash_tree import texts

pytestmark = pytest.mark.integration


def patched(tree: list, patch: dict) -> list:
    """What Dash's renderer does with a Patch of Assign operations."""
    tree = copy.deepcopy(tree)
    for operation in patch["operations"]:
        assert operation["operation"] == "Assign", operation
        *path, last = operation["location"]
        target = tree
        for step in path:
            target = target[step]
        target[last] = operation["params"]["value"]
    return tree


def sent(patch: dict) -> list:
    """The parts a patch assigns."""
    return [operation["params"]["value"] for operation in patch["operations"]]


@pytest.mark.parametrize("state", ["IN", "DC", "WY"])
def test_a_patched_body_is_the_new_views_body(built, state):
    from dashboard.data import Marts
    from dashboard.pages import state as state_page
    from dashboard.urls import LEVELS, StateView

    data = Marts(built.processed_dir)
    waves = pl.read_parquet(built.processed_dir / "waves.parquet")["wave"].to_list()
    views = [StateView(state, wave, level) for wave in waves for level in LEVELS]
    assert len(views) >= 8
    for old, new in itertools.permutations(views, 2):
        patch = state_page.view_patch(data, new)
        assert patched(state_page.body(data, old), patch) == state_page.body(data, new), (
            old,
            new,
        )


def test_the_patch_leaves_out_the_states_own_sections(built):
    """What a switch does not send: the county map and areas table, the largest
    occupations, the most exposed jobs table, the trend (each depends on the state alone)."""
    from dashboard.data import Marts
    from dashboard.pages import state as state_page
    from dashboard.urls import StateView

    data = Marts(built.processed_dir)
    latest = pl.read_parquet(built.processed_dir / "waves.parquet")["wave"].max()
    patch = state_page.view_patch(data, StateView("IN", latest))
    words = " ".join(texts(sent(patch)))
    body = " ".join(texts(state_page.body(data, StateView("IN", latest))))
    for heading in ("Where in Indiana", "Indiana's largest occupations", "Trend across waves"):
        assert heading in body and heading not in words
    assert f"How people in Indiana use Claude.ai — {latest}" in words


def test_a_page_drawn_with_other_parts_gets_the_whole_body(app, built):
    """A tab open across a deployment that moved the parts names other parts (or none):
    its wave switch answers with the whole body, not a patch aimed at the wrong places."""
    from dashboard.data import Marts
    from dashboard.pages import state as state_page
    from dashboard.urls import StateView

    data = Marts(built.processed_dir)
    client = app.server.test_client()
    dependency = next(  # the callback as the app declares it to the renderer
        d for d in client.get("/_dash-dependencies").json if "state-body.children" in d["output"]
    )
    ids = (("state-url", "search"), ("state-wave", "value"), ("state-level", "value"))
    assert [(i["id"], i["property"]) for i in dependency["inputs"]] == list(ids)
    for parts in ("000000000000", None, state_page.parts_key()):
        held = {"state-code": "IN", "state-parts": parts, "where-measure": "exposure"}
        payload = {
            "output": dependency["output"],
            "outputs": [
                dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
                for o in dependency["output"].strip(".").split("...")
            ],
            "inputs": [
                {"id": i, "property": p, "value": v}
                for (i, p), v in zip(ids, ("", "2025-08", "major"), strict=True)
            ],
            "state": [{**s, "value": held.get(s["id"])} for s in dependency["state"]],
            "changedPropIds": ["state-wave.value"],
        }
        response = client.post("/_dash-update-component", json=payload)
        assert response.status_code == 200, response.data[:300]
        answer = response.json["response"]["state-body"]["children"]
        view = StateView("IN", "2025-08")
        if parts == state_page.parts_key():
            assert answer == state_page.view_patch(data, view)
        else:
            assert answer == state_page.body(data, view)
