"""Tables of the occupation side: each row headed by its first cell, and on a narrow screen
stacked, every cell under its column's name (`data-label`, app.css), so a wide table never
makes the page scroll sideways.

A sortable table has a button in each column header, the <th> carrying aria-sort. The
header is drawn once with the page; a sort redraws only the body and sets each header's
aria-sort, so the button just pressed keeps the keyboard focus (a redrawn header would
drop it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dash import Input, Output, ctx, html

from dashboard import components as ui


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True
    descending_first: bool = True  # a first press sorts largest (or Z) first


def _ids(table_id: str, key: str) -> tuple[dict, dict]:
    """(the header cell's id, its button's id)."""
    return {"type": f"{table_id}-header", "key": key}, {"type": f"{table_id}-sort", "key": key}


def aria_sort(key: str, sort: str, descending: bool) -> str:
    if key != sort:
        return "none"
    return "descending" if descending else "ascending"


def body(
    columns: Sequence[Column],
    rows: Sequence[Sequence[object]],
    hidden: Sequence[str] = (),
    highlighted: Sequence[bool] = (),
) -> list[dict]:
    """The rows, as Dash's JSON: one cell per column each (a list is a cell's children), the
    first the row's header; every cell labelled with its column for the stacked narrow
    layout. Rows whose `highlighted` is true are marked."""
    shown = [(i, c) for i, c in enumerate(columns) if c.key not in hidden]
    marks = list(highlighted) or [False] * len(rows)
    return [
        ui.element(
            "Tr",
            [
                ui.element("Th", _children(row[0]), scope="row")
                if index == 0
                else ui.element("Td", _children(row[index]), **_cell_props(column))
                for index, column in shown
            ],
            **({"className": "highlight"} if marked else {}),
        )
        for row, marked in zip(rows, marks, strict=True)
    ]


def _children(value: object) -> object:
    """A cell's children: a list as it is, anything else as the tables of the app show it."""
    return value if isinstance(value, list) else ui.cell(value)


def _cell_props(column: Column) -> dict:
    """Cells are numbers, right-aligned by the stylesheet; a text column says so. Props are
    left out rather than sent empty: a table of 81 rows is sent on every sort."""
    return {"data-label": column.label, **({} if column.numeric else {"className": "text"})}


def stacked_table(
    columns: Sequence[Column], rows: object, caption: str, table_id: str | None = None
) -> html.Table:
    """A table that does not sort, around `rows` (from `body`)."""
    return html.Table(
        [
            html.Caption(caption),
            html.Thead(
                html.Tr(
                    [
                        html.Th(c.label, scope="col", className="num" if c.numeric else None)
                        for c in columns
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        className="data-table stacking",
        **({"id": table_id} if table_id else {}),
    )


def sortable_table(
    table_id: str,
    columns: Sequence[Column],
    rows: object,
    caption: object,
    sort: str,
    descending: bool,
    hidden: Sequence[str] = (),
) -> html.Table:
    """A sortable table around `rows` (from `body`); columns in `hidden` are drawn hidden
    (on a page that shows them only sometimes)."""
    header = []
    for column in columns:
        header_id, button_id = _ids(table_id, column.key)
        header.append(
            html.Th(
                html.Button(column.label, id=button_id, className="sort-header", n_clicks=0),
                id=header_id,
                scope="col",
                className="num" if column.numeric else None,
                hidden=column.key in hidden,
                **{"aria-sort": aria_sort(column.key, sort, descending)},
            )
        )
    return html.Table(
        [
            html.Caption(caption, id=f"{table_id}-caption"),
            html.Thead(html.Tr(header)),
            html.Tbody(rows, id=f"{table_id}-body"),
        ],
        className="data-table sortable stacking",
        id=table_id,
    )


def sort_inputs(table_id: str, columns: Sequence[Column]) -> tuple[Input, ...]:
    return tuple(Input(_ids(table_id, c.key)[1], "n_clicks") for c in columns)


def sort_outputs(table_id: str, columns: Sequence[Column]) -> tuple[Output, ...]:
    return tuple(Output(_ids(table_id, c.key)[0], "aria-sort") for c in columns)


def pressed(table_id: str) -> str | None:
    """The key of the sort button that fired this callback, if one did (a press, not a
    button being drawn)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or trigger.get("type") != f"{table_id}-sort":
        return None
    return trigger["key"] if ctx.triggered[0].get("value") else None


def next_sort(column: Column, sort: str, descending: bool) -> tuple[str, bool]:
    """A press on the sorted column turns its order round; on another, sorts by it in its
    first order."""
    if column.key == sort:
        return sort, not descending
    return column.key, column.descending_first
