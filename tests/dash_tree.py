"""Reading Dash component trees in tests: the strings a page shows."""

from __future__ import annotations

from dashboard.components import frozen


def texts(tree: object) -> list[str]:
    """Every string a component tree shows (its children), whether the tree holds
    components or the JSON Dash sends."""
    tree = frozen(tree)
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, list):
        return [t for item in tree for t in texts(item)]
    if isinstance(tree, dict) and "props" in tree:
        return texts(tree["props"].get("children"))
    return []
