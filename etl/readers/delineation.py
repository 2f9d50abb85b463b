"""OMB's county → CBSA delineation, as the Census Bureau publishes it ("List 1", xlsx).

One worksheet: two title rows, the header on row 3, one row per county (or county
equivalent) that lies in a core based statistical area (CBSA: metropolitan or
micropolitan), then a blank row and source notes. Counties in no CBSA are not listed.
The reader returns one row per county: its 5-digit FIPS code, name and state, its CBSA
(code, title, metropolitan or micropolitan) and whether it is a central or an outlying
county. Errors name the file, the sheet row (as `line`) and the column's header.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from python_calamine import CalamineError, CalamineWorkbook

from etl.geo import USPS_TO_NAME, usps_expr
from etl.readers.table import (
    LINE,
    REFETCH,
    Reading,
    ReadReport,
    SourceFormatError,
    check_allowed,
    check_pattern,
    check_states,
    check_unique,
    first_line,
)
from etl.sniff import looks_like_markup
from etl.sources.registry import Source

CBSA_CODE, CBSA_TITLE = "CBSA Code", "CBSA Title"
CBSA_TYPE = "Metropolitan/Micropolitan Statistical Area"
COUNTY, STATE_NAME = "County/County Equivalent", "State Name"
STATE_FIPS, COUNTY_FIPS = "FIPS State Code", "FIPS County Code"
ROLE = "Central/Outlying County"
COLUMNS = (CBSA_CODE, CBSA_TITLE, CBSA_TYPE, COUNTY, STATE_NAME, STATE_FIPS, COUNTY_FIPS, ROLE)
# Columns of List 1 the product does not use (metropolitan divisions, CSAs).
KNOWN = ("Metropolitan Division Code", "CSA Code", "Metropolitan Division Title", "CSA Title")
CBSA_TYPES = {
    "Metropolitan Statistical Area": "metropolitan",
    "Micropolitan Statistical Area": "micropolitan",
}
ROLES = {"Central": "central", "Outlying": "outlying"}
# The header is the first row naming several columns; the title rows above it name one.
HEADER_SEARCH_ROWS = 10
ZIP_MAGIC = b"PK\x03\x04"


def _cell_text(value: object) -> str:
    """A cell as text (an empty cell is ""): codes are stored as text (`"013"`); a number
    keeps no leading zero, so a re-saved file whose codes became numbers fails the code
    checks, as it should."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def sheet_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(sheet row number, cells as text) of the workbook's first worksheet, blank rows
    included, from row 1 and column A whatever the sheet's stored dimensions."""
    with path.open("rb") as handle:
        head = handle.read(2048)
    if not head.strip():
        raise SourceFormatError(path, "the file is empty", fix=REFETCH)
    if looks_like_markup(head):
        raise SourceFormatError(
            path,
            "this is an HTML/XML page, not a workbook (an error or login page saved under "
            "the file's name)",
            line=1,
            fix=REFETCH,
        )
    if not head.startswith(ZIP_MAGIC):
        raise SourceFormatError(path, "not an xlsx workbook (no ZIP signature)", fix=REFETCH)
    try:
        # Opened as a stream: a fetch checks the body under a temporary name (.part).
        with path.open("rb") as handle:
            sheet = CalamineWorkbook.from_filelike(handle).get_sheet_by_index(0)
            values = sheet.to_python(skip_empty_area=False)  # from A1, blank rows kept
    except (CalamineError, OSError) as exc:
        raise SourceFormatError(
            path,
            f"cannot be opened as an xlsx workbook ({exc.__class__.__name__}: {exc}): "
            "the file is truncated or damaged",
            fix=REFETCH,
        ) from exc
    return [(number, [_cell_text(v) for v in row]) for number, row in enumerate(values, start=1)]


def find_header(
    path: Path, rows: list[tuple[int, list[str]]], required: tuple[str, ...] = COLUMNS
) -> tuple[int, list[str]]:
    """The header row (its number and names) holding the `required` columns: the first row
    of the first HEADER_SEARCH_ROWS with three or more non-empty cells (the title rows
    above it have one)."""
    found = next(
        ((n, cells) for n, cells in rows[:HEADER_SEARCH_ROWS] if sum(map(bool, cells)) >= 3),
        None,
    )
    if found is None:
        raise SourceFormatError(
            path,
            f"no header row (a row naming the columns, e.g. {CBSA_CODE!r}) in the first "
            f"{HEADER_SEARCH_ROWS} rows",
            fix="upstream changed the layout: update etl/readers/delineation.py",
        )
    number, header = found
    missing = [c for c in required if c not in header]
    if missing:
        raise SourceFormatError(
            path,
            f"missing column(s) {missing}; the header (row {number}) has {header}",
            line=number,
            column=missing[0],
            fix="upstream renamed or dropped a column: update the reader for this layout",
        )
    return number, header


def _table(path: Path, rows: list[tuple[int, list[str]]], report: ReadReport) -> pl.DataFrame:
    """The county rows under the header, up to the blank row before the notes, as text."""
    header_row, header = find_header(path, rows)
    names = [name or f"column {i + 1}" for i, name in enumerate(header)]
    body: list[tuple[int, list[str]]] = []
    below = iter(r for r in rows if r[0] > header_row)
    for number, cells in below:
        if not any(cells):
            break
        body.append((number, cells))
    for number, cells in below:  # after the blank row: only notes, in column A
        if any(cells[1:]):
            raise SourceFormatError(
                path,
                "a data row after the blank row that ends the table (the notes follow it)",
                line=number,
                column=names[next(i for i, c in enumerate(cells) if i and c)],
            )
    frame = pl.DataFrame(
        [[number for number, _ in body]]
        + [[cells[i] if i < len(cells) else "" for _, cells in body] for i in range(len(names))],
        schema=[LINE, *names],
        orient="col",
    )
    extra = [c for c in names if c not in COLUMNS and c not in KNOWN]
    if extra:
        report.warnings.append(f"ignored unexpected column(s) {extra}")
    if frame.is_empty():
        raise SourceFormatError(
            path, "the workbook has a header but no county rows", line=header_row + 1, fix=REFETCH
        )
    return frame


def _check_cbsas(path: Path, frame: pl.DataFrame) -> None:
    """Each CBSA has one title and one type on all its rows."""
    for column in (CBSA_TITLE, CBSA_TYPE):
        hit = first_line(frame, pl.col(column).n_unique().over(CBSA_CODE) > 1)
        if hit:
            first = frame.filter(pl.col(CBSA_CODE) == hit[1][CBSA_CODE]).row(0, named=True)
            clash = frame.filter(
                (pl.col(CBSA_CODE) == hit[1][CBSA_CODE]) & (pl.col(column) != first[column])
            ).row(0, named=True)
            raise SourceFormatError(
                path,
                f"CBSA {hit[1][CBSA_CODE]} is {clash[column]!r} here but {first[column]!r} "
                f"on row {first[LINE]}",
                line=clash[LINE],
                column=column,
            )


def read_delineation(path: Path, source: Source) -> Reading:
    report = ReadReport()
    rows = sheet_rows(path)
    frame = _table(path, rows, report)
    report.rows_in_file = frame.height
    check_pattern(path, frame, CBSA_CODE, r"^\d{5}$", "a 5-digit CBSA code")
    check_pattern(path, frame, STATE_FIPS, r"^\d{2}$", "a 2-digit state FIPS code")
    check_pattern(path, frame, COUNTY_FIPS, r"^\d{3}$", "a 3-digit county FIPS code")
    for column in (CBSA_TITLE, COUNTY):
        check_pattern(path, frame, column, r"\S", "a name (the cell is empty)")
    check_allowed(path, frame, CBSA_TYPE, CBSA_TYPES)
    check_allowed(path, frame, ROLE, ROLES)
    frame = frame.with_columns(usps_expr(STATE_FIPS).alias("state"))
    check_states(path, frame, STATE_FIPS)
    named = pl.col("state").replace_strict(USPS_TO_NAME, return_dtype=pl.String)
    hit = first_line(frame, pl.col(STATE_NAME) != named)
    if hit:
        raise SourceFormatError(
            path,
            f"state name {hit[1][STATE_NAME]!r} is not the name of FIPS state "
            f"{hit[1][STATE_FIPS]} ({USPS_TO_NAME[hit[1]['state']]})",
            line=hit[0],
            column=STATE_NAME,
        )
    check_unique(path, frame, [STATE_FIPS, COUNTY_FIPS])
    _check_cbsas(path, frame)
    tidy = frame.select(
        (pl.col(STATE_FIPS) + pl.col(COUNTY_FIPS)).alias("county_fips"),
        pl.col(COUNTY).alias("county"),
        "state",
        pl.col(STATE_FIPS).alias("state_fips"),
        pl.col(CBSA_CODE).alias("cbsa_code"),
        pl.col(CBSA_TITLE).alias("cbsa_title"),
        pl.col(CBSA_TYPE).replace_strict(CBSA_TYPES).alias("cbsa_type"),
        pl.col(ROLE).replace_strict(ROLES).alias("county_role"),
        pl.col(LINE).cast(pl.Int32).alias("source_line"),
    )
    report.rows_kept = tidy.height
    report.present["CBSAs"] = [
        f"{kind}: {n}"
        for kind, n in tidy.group_by("cbsa_type")
        .agg(pl.col("cbsa_code").n_unique())
        .sort("cbsa_type")
        .rows()
    ]
    report.present["states"] = [str(tidy["state"].n_unique())]
    return Reading(tidy, report)
