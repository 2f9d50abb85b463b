"""Shared plumbing for readers: parse a delimited upstream file into strings, then validate.

Every check raises `SourceFormatError`, which names the file, the line (1 = header) and the
column, so a user can open the file at the right place. Parsing is done by polars on the
happy path; only when polars refuses a file do we rescan it with the csv module to find
the offending line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.errors import UserFacingError
from etl.sniff import looks_like_markup

LINE = "_line"  # 1-based line number of each row in its file (header = line 1)
TAIL_BYTES = 65536  # enough to hold the last line of any upstream file


class SourceFormatError(UserFacingError, ValueError):
    """An upstream file is not what its reader expects."""

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.path, self.problem, self.line, self.column = Path(path), problem, line, column
        where = str(path) + (f", line {line}" if line is not None else "")
        where += f", column '{column}'" if column is not None else ""
        message = f"{where}: {problem}"
        if fix:
            message += f"\n  fix: {fix}"
        super().__init__(message)


@dataclass
class ReadReport:
    """What a reader found: the facts that go into the staging manifest."""

    rows_in_file: int = 0
    rows_kept: int = 0
    present: dict[str, list[str]] = field(default_factory=dict)
    absent: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "rows_in_file": self.rows_in_file,
            "rows_kept": self.rows_kept,
            "present": self.present,
            "absent": self.absent,
            "warnings": self.warnings,
        }


@dataclass
class Reading:
    table: pl.DataFrame
    report: ReadReport


REFETCH = "fetch it again: aiei fetch --refresh"
COMPRESSED = {b"\x1f\x8b": "gzip-compressed", b"PK\x03\x04": "a ZIP archive"}


def sniff(path: Path, head: bytes) -> None:
    if not head.strip():
        raise SourceFormatError(path, "the file is empty", fix=REFETCH)
    for magic, what in COMPRESSED.items():
        if head.startswith(magic):
            raise SourceFormatError(
                path,
                f"the file is {what}, not text (a compressed body saved under the data "
                "file's name)",
                line=1,
                fix=REFETCH,
            )
    if looks_like_markup(head):
        raise SourceFormatError(
            path,
            "this is an HTML/XML page, not a data file (an error or login page saved "
            "under the data file's name)",
            line=1,
            fix="delete it from the cache and fetch again; check the URL in the registry",
        )


def _locate_parse_error(
    path: Path, separator: str, expected_fields: int, quoting: bool
) -> SourceFormatError | None:
    """Find the first undecodable or ragged line; slow, used only after polars refused."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return SourceFormatError(
            path,
            f"bytes are not UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start})",
            line=line,
            fix="re-download the file; upstream files are UTF-8",
        )
    rows = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=separator,
        quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE,
    )
    for row in rows:
        if len(row) != expected_fields and any(cell.strip() for cell in row):
            return SourceFormatError(
                path,
                f"{len(row)} fields where the header has {expected_fields}",
                line=rows.line_num,
                fix="the file is damaged or truncated; fetch it again",
            )
    return None


def read_strings(path: Path, *, separator: str = ",", quoting: bool = True) -> pl.DataFrame:
    """Every column as text, nothing coerced to null (`NA` is Namibia), plus a line number.

    Rejects empty files, HTML pages, non-UTF-8 bytes, ragged and truncated lines.
    Strips a UTF-8 BOM and CRLF line ends (both occur in files re-saved by hand).
    """
    path = Path(path)
    raw = path.read_bytes()  # small files: read once; parsing and checks share the bytes
    sniff(path, raw[:4096])
    header = raw[:4096].decode("utf-8-sig", errors="replace").splitlines()[0]
    expected = len(header.split(separator))
    try:
        frame = pl.read_csv(
            raw,
            separator=separator,
            infer_schema=False,
            null_values=[],
            quote_char='"' if quoting else None,
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        located = _locate_parse_error(path, separator, expected, quoting)
        if located:
            raise located from exc
        raise SourceFormatError(path, f"cannot be parsed: {exc}") from exc
    check_tail(path, raw[-TAIL_BYTES:], len(raw), separator, expected)
    frame = frame.rename({name: name.strip().lstrip("\ufeff") for name in frame.columns})
    if b"\r" in raw:
        frame = frame.with_columns(pl.col(pl.String).str.strip_chars_end("\r"))
    frame = frame.with_row_index(LINE, offset=2)
    # Blank lines (a hand-edited file, a trailing newline too many) carry no data.
    blank = frame.select(
        pl.all_horizontal([pl.col(c) == "" for c in frame.columns if c != LINE])
    ).to_series()
    frame = frame.filter(~blank) if blank.any() else frame
    if frame.is_empty():
        raise SourceFormatError(path, "the file has a header but no data rows", line=2, fix=REFETCH)
    return frame


def check_last_line(path: Path, separator: str, expected: int) -> None:
    """A body cut mid-row leaves a last line with too few fields and no newline."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - TAIL_BYTES))
        check_tail(path, handle.read(), size, separator, expected)


def check_tail(path: Path, tail: bytes, size: int, separator: str, expected: int) -> None:
    """`tail`: the last TAIL_BYTES of a file of `size` bytes (see check_last_line)."""
    last = tail.rsplit(b"\n", 1)[-1]
    if tail.endswith(b"\n") or not last.strip():
        return
    # Every upstream file ends its last row with a newline: without one, the body was cut,
    # possibly inside a number that would still parse.
    fields = next(csv.reader([last.decode("utf-8", errors="replace")], delimiter=separator), [])
    line = tail.count(b"\n") + 1 if size <= TAIL_BYTES else None
    raise SourceFormatError(
        path,
        f"the last line ({len(fields)} of {expected} fields) has no newline: the file is truncated",
        line=line,
        fix="delete it from the cache and fetch again",
    )


def require_columns(
    path: Path,
    frame: pl.DataFrame,
    required: Sequence[str],
    report: ReadReport,
    known: Sequence[str] = (),
) -> None:
    """Missing columns are fatal; unexpected ones (not required, not `known` upstream
    columns we do not use) are ignored with a warning."""
    present = [c for c in frame.columns if c != LINE]
    missing = [c for c in required if c not in present]
    if missing:
        raise SourceFormatError(
            path,
            f"missing column(s) {missing}; the header has {present}",
            line=1,
            column=missing[0],
            fix="upstream renamed or dropped a column: update the reader for this schema",
        )
    extra = [c for c in present if c not in required and c not in known]
    if extra:
        report.warnings.append(f"ignored unexpected column(s) {extra}")


def first_line(frame: pl.DataFrame, mask: pl.Expr) -> tuple[int, object] | None:
    """(line, row) of the first row matching mask, or None."""
    hit = frame.filter(mask).head(1)
    if hit.is_empty():
        return None
    return int(hit[LINE][0]), hit.row(0, named=True)


def to_number(
    path: Path,
    frame: pl.DataFrame,
    column: str,
    dtype: type[pl.DataType] = pl.Float64,
    *,
    allow_empty: bool = False,
) -> pl.Expr:
    """Validated numeric cast of a text column; names the first bad cell. `NaN`, `inf` and
    friends parse as floats but are not numbers any upstream file means: refused."""
    text = pl.col(column).str.strip_chars()
    parsed = text.cast(dtype, strict=False)
    bad = parsed.is_null() & (text != "") if allow_empty else parsed.is_null()
    kind = "a number" if dtype == pl.Float64 else f"a {dtype}"
    hit = first_line(frame, bad)
    if hit is None and dtype == pl.Float64:
        hit, kind = first_line(frame, ~parsed.is_finite().fill_null(True)), "a finite number"
    if hit:
        line, row = hit
        raise SourceFormatError(
            path,
            f"{row[column]!r} is not {kind}",
            line=line,
            column=column,
            fix=f"the file is damaged: {REFETCH}, or report it upstream",
        )
    return parsed.alias(column)


def check_allowed(
    path: Path, frame: pl.DataFrame, column: str, allowed: Iterable[str], *, fix: str | None = None
) -> None:
    allowed = list(allowed)
    hit = first_line(frame, ~pl.col(column).is_in(allowed))
    if hit:
        line, row = hit
        shown = allowed if len(allowed) <= 12 else [*allowed[:12], "..."]
        raise SourceFormatError(
            path,
            f"unknown value {row[column]!r}; expected one of {shown}",
            line=line,
            column=column,
            fix=fix,
        )


def check_range(
    path: Path, frame: pl.DataFrame, column: str, low: float | None, high: float | None
) -> None:
    condition = pl.lit(False)
    if low is not None:
        condition = condition | (pl.col(column) < low)
    if high is not None:
        condition = condition | (pl.col(column) > high)
    hit = first_line(frame, condition)
    if hit:
        line, row = hit
        raise SourceFormatError(
            path, f"value {row[column]} is outside [{low}, {high}]", line=line, column=column
        )


def check_unique(path: Path, frame: pl.DataFrame, keys: Sequence[str]) -> None:
    duplicated = frame.filter(pl.struct(keys).is_duplicated())
    if duplicated.height:
        lines = duplicated[LINE].head(4).to_list()
        raise SourceFormatError(
            path,
            f"{duplicated.height} rows repeat the key {list(keys)} (lines {lines})",
            line=lines[0],
            column=keys[0],
            fix="the file holds duplicate rows: fetch it again or report it upstream",
        )


def check_states(path: Path, frame: pl.DataFrame, column: str, usps: str = "state") -> None:
    """After normalisation, a null USPS code means the source named an unknown place."""
    hit = first_line(frame, pl.col(usps).is_null())
    if hit:
        line, row = hit
        raise SourceFormatError(
            path, f"unknown US state or territory {row[column]!r}", line=line, column=column
        )


def check_pattern(path: Path, frame: pl.DataFrame, column: str, pattern: str, what: str) -> None:
    hit = first_line(frame, ~pl.col(column).str.contains(pattern))
    if hit:
        raise SourceFormatError(
            path, f"{hit[1][column]!r} is not {what}", line=hit[0], column=column
        )


def collapse_identical_rows(frame: pl.DataFrame, report: ReadReport) -> pl.DataFrame:
    """Drop rows repeated verbatim (a known upstream quirk), with a warning naming the lines.

    Rows that repeat a key with *different* values are left for `check_unique` to reject.
    """
    values = [c for c in frame.columns if c != LINE]
    row = pl.struct(values)
    repeated = frame.filter(row.is_duplicated() & ~row.is_first_distinct())
    if repeated.is_empty():
        return frame
    report.warnings.append(
        f"dropped {repeated.height} verbatim repeated row(s) at lines "
        f"{repeated[LINE].to_list()[:10]}"
    )
    return frame.filter(pl.struct(values).is_first_distinct())
