"""One place that turns any upstream state identifier into a USPS code (with FIPS and name).

Upstream files name states four ways: USPS (`IN`, AEI 2025-08), ISO 3166-2 (`US-IN`, AEI
2025-11 onwards), FIPS (`18`, BLS) and full names (Census population). Every reader calls
`normalise_states` so one key means one place everywhere.
"""

from __future__ import annotations

import polars as pl

# USPS, FIPS, name, is_territory. The 51-geography set is the 50 states + DC.
_STATES: tuple[tuple[str, str, str, bool], ...] = (
    ("AL", "01", "Alabama", False),
    ("AK", "02", "Alaska", False),
    ("AZ", "04", "Arizona", False),
    ("AR", "05", "Arkansas", False),
    ("CA", "06", "California", False),
    ("CO", "08", "Colorado", False),
    ("CT", "09", "Connecticut", False),
    ("DE", "10", "Delaware", False),
    ("DC", "11", "District of Columbia", False),
    ("FL", "12", "Florida", False),
    ("GA", "13", "Georgia", False),
    ("HI", "15", "Hawaii", False),
    ("ID", "16", "Idaho", False),
    ("IL", "17", "Illinois", False),
    ("IN", "18", "Indiana", False),
    ("IA", "19", "Iowa", False),
    ("KS", "20", "Kansas", False),
    ("KY", "21", "Kentucky", False),
    ("LA", "22", "Louisiana", False),
    ("ME", "23", "Maine", False),
    ("MD", "24", "Maryland", False),
    ("MA", "25", "Massachusetts", False),
    ("MI", "26", "Michigan", False),
    ("MN", "27", "Minnesota", False),
    ("MS", "28", "Mississippi", False),
    ("MO", "29", "Missouri", False),
    ("MT", "30", "Montana", False),
    ("NE", "31", "Nebraska", False),
    ("NV", "32", "Nevada", False),
    ("NH", "33", "New Hampshire", False),
    ("NJ", "34", "New Jersey", False),
    ("NM", "35", "New Mexico", False),
    ("NY", "36", "New York", False),
    ("NC", "37", "North Carolina", False),
    ("ND", "38", "North Dakota", False),
    ("OH", "39", "Ohio", False),
    ("OK", "40", "Oklahoma", False),
    ("OR", "41", "Oregon", False),
    ("PA", "42", "Pennsylvania", False),
    ("RI", "44", "Rhode Island", False),
    ("SC", "45", "South Carolina", False),
    ("SD", "46", "South Dakota", False),
    ("TN", "47", "Tennessee", False),
    ("TX", "48", "Texas", False),
    ("UT", "49", "Utah", False),
    ("VT", "50", "Vermont", False),
    ("VA", "51", "Virginia", False),
    ("WA", "53", "Washington", False),
    ("WV", "54", "West Virginia", False),
    ("WI", "55", "Wisconsin", False),
    ("WY", "56", "Wyoming", False),
    ("AS", "60", "American Samoa", True),
    ("GU", "66", "Guam", True),
    ("MP", "69", "Northern Mariana Islands", True),
    ("PR", "72", "Puerto Rico", True),
    ("VI", "78", "U.S. Virgin Islands", True),
)

STATE_COLUMNS = ("state", "state_fips", "state_name")

US_51: tuple[str, ...] = tuple(usps for usps, _, _, territory in _STATES if not territory)
USPS_TO_NAME: dict[str, str] = {usps: name for usps, _, name, _ in _STATES}
TERRITORIES: frozenset[str] = frozenset(usps for usps, _, _, t in _STATES if t)


def state_table() -> pl.DataFrame:
    """The reference list: state (USPS), state_fips, state_name, is_territory."""
    return pl.DataFrame(
        _STATES,
        schema={
            "state": pl.String,
            "state_fips": pl.String,
            "state_name": pl.String,
            "is_territory": pl.Boolean,
        },
        orient="row",
    )


def _lookup() -> dict[str, str]:
    """Every accepted spelling (upper-cased) -> USPS."""
    table: dict[str, str] = {}
    for usps, fips, name, _ in _STATES:
        for key in (usps, f"US-{usps}", fips, name.upper()):
            table[key] = usps
    table["WASHINGTON DC"] = table["DISTRICT OF COLUMBIA"]
    table["VIRGIN ISLANDS"] = table["U.S. VIRGIN ISLANDS"]
    return table


_LOOKUP = _lookup()


def usps_expr(column: str | pl.Expr) -> pl.Expr:
    """USPS code for any accepted spelling (USPS, US-XX, FIPS, name); null where unknown."""
    text = pl.col(column) if isinstance(column, str) else column
    return (
        text.str.strip_chars()
        .str.to_uppercase()
        .replace_strict(_LOOKUP, default=None, return_dtype=pl.String)
    )


def attach_state_names(frame: pl.DataFrame, state_column: str = "state") -> pl.DataFrame:
    """Add state_fips and state_name beside a USPS column."""
    names = (
        state_table().select("state", "state_fips", "state_name").rename({"state": state_column})
    )
    return frame.join(names, on=state_column, how="left", maintain_order="left")
