"""The structure every upstream file must have before it may enter the cache or be pinned
in the lock file: not empty, not an HTML page, not compressed, the header its reader needs,
at least one data row, and a complete last line. A workbook (xlsx) has no text header: it
must be a ZIP that opens as a workbook whose header row holds the columns its reader needs,
with a row under it. Cheaper than a full read (the values are the readers' job), and it
runs on every body fetched, before anything is kept."""

from __future__ import annotations

from pathlib import Path

from etl.readers import (
    aei_long,
    aei_wide,
    delineation,
    labor_market,
    oews,
    onet,
    soc,
    state_context,
)
from etl.readers.table import REFETCH, SourceFormatError, check_last_line, sniff
from etl.sources.registry import Source

HEAD_BYTES = 65536
# (reader, role) -> (separator, columns the header must have)
STRUCTURES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("aei_long", "data"): (",", aei_long.COLUMNS),
    ("aei_wide", "data"): (",", aei_wide.COLUMNS),
    ("aei_task_statements", "data"): (",", onet.AEI_TASK_COLUMNS),
    ("soc_structure", "data"): (",", soc.COLUMNS),
    ("working_age_population", "data"): (",", state_context.POPULATION_COLUMNS),
    ("state_gdp", "data"): (",", state_context.GDP_COLUMNS),
    ("job_exposure", "data"): (",", labor_market.EXPOSURE_COLUMNS),
    ("task_penetration", "data"): (",", labor_market.PENETRATION_COLUMNS),
    ("onet_task_statements", "data"): ("\t", onet.TASK_COLUMNS),
    ("onet_occupations", "data"): ("\t", onet.OCCUPATION_COLUMNS),
    ("onet_crosswalk", "data"): (",", onet.CROSSWALK_COLUMNS),
    ("oews", "data"): ("\t", oews.DATA_COLUMNS),
    **{("oews", role): ("\t", columns) for role, columns in oews.CODE_LISTS.items()},
}

# (reader, role) -> columns the workbook's header row must have
WORKBOOKS: dict[tuple[str, str], tuple[str, ...]] = {
    ("cbsa_delineation", "data"): delineation.COLUMNS,
}


def check_workbook(path: Path, required: tuple[str, ...]) -> None:
    """A workbook that opens (a cut ZIP does not), whose header row holds `required`, with a
    data row right under it (a blank row ends the table)."""
    rows = delineation.sheet_rows(path)
    number, _ = delineation.find_header(path, rows, required)
    if not any(any(cells) for row, cells in rows if row == number + 1):
        raise SourceFormatError(
            path, "the workbook has a header but no data rows", line=number + 1, fix=REFETCH
        )


def check_structure(path: Path, source: Source) -> None:
    """Raise SourceFormatError if `path` cannot be the file `source` names."""
    if (source.reader, source.role) in WORKBOOKS:
        check_workbook(path, WORKBOOKS[(source.reader, source.role)])
        return
    separator, required = STRUCTURES[(source.reader, source.role)]
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    sniff(path, head)
    try:
        lines = head.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:  # the block may end inside a character: decode what is whole
        lines = head.decode("utf-8-sig", errors="ignore").splitlines()
    header = [name.strip().strip('"') for name in lines[0].split(separator)]
    missing = [c for c in required if c not in header]
    if missing:
        raise SourceFormatError(
            path,
            f"missing column(s) {missing}; the header has {header}",
            line=1,
            column=missing[0],
            fix=REFETCH,
        )
    if not any(line.strip() for line in lines[1:]):
        raise SourceFormatError(path, "the file has a header but no data rows", line=2, fix=REFETCH)
    check_last_line(path, separator, len(header))
