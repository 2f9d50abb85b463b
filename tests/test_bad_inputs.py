"""The bad-input catalogue: real upstream files, damaged the ways files get damaged, run
through the staging step. Each case ends in an error naming the file (and the line and
column where there is one), or in a documented tolerance recorded in the manifest."""

from __future__ import annotations

import gzip
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from etl.readers.oews import read_oews
from etl.readers.table import SourceFormatError
from etl.sources.fetch import FetchResult, cache_path
from etl.sources.registry import SOURCES, sources_by_id
from etl.staging import read_sources
from tests.conftest import mirror_dir

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Case:
    name: str
    source: str  # registry id of the damaged file
    damage: Callable[[bytes], bytes]
    error: str | None = None  # expected in the error message; None = tolerated
    line: int | Callable[[], int] | None = None  # a callable finds the line in the real file
    column: str | None = None
    warning: str | None = None  # expected in the manifest when tolerated


def lines(body: bytes) -> list[bytes]:
    return body.split(b"\n")


def replace_line(number: int, new: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """Rewrite line `number` (1 = header)."""

    def damage(body: bytes) -> bytes:
        rows = lines(body)
        rows[number - 1] = new(rows[number - 1])
        return b"\n".join(rows)

    return damage


def set_field(number: int, index: int, value: bytes, separator: bytes = b",") -> Callable:
    def new(row: bytes) -> bytes:
        cells = row.split(separator)
        cells[index] = value
        return separator.join(cells)

    return replace_line(number, new)


def append(row: bytes) -> Callable[[bytes], bytes]:
    return lambda body: body.rstrip(b"\n") + b"\n" + row + b"\n"


def header(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    return replace_line(1, lambda row: row.replace(old, new))


def drop_column(index: int) -> Callable[[bytes], bytes]:
    def damage(body: bytes) -> bytes:
        return b"\n".join(
            b",".join(c for i, c in enumerate(r.split(b",")) if i != index) if r else r
            for r in lines(body)
        )

    return damage


def duplicate_line(number: int) -> Callable[[bytes], bytes]:
    def damage(body: bytes) -> bytes:
        rows = lines(body)
        return b"\n".join([*rows[:number], rows[number - 1], *rows[number:]])

    return damage


@cache
def first_kept_oews_line() -> int:
    """The first line of the real OEWS data file that the reader keeps (the file also holds
    rows the reader skips, such as datatypes the product does not use, in upstream order)."""
    oews = [s for s in SOURCES if s.reader == "oews"]
    paths = {s.role: cache_path(s.url, mirror_dir()) for s in oews}
    table = read_oews(paths, {s.role: s for s in oews}).table
    return int(table["source_line"].min())


def on_first_kept_oews_line(index: int, value: bytes) -> Callable[[bytes], bytes]:
    def damage(body: bytes) -> bytes:
        return set_field(first_kept_oews_line(), index, value, b"\t")(body)

    return damage


def in_workbook(edit: Callable) -> Callable[[bytes], bytes]:
    """Edit the first worksheet of an xlsx body (as someone re-saving it would)."""

    def damage(body: bytes) -> bytes:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(body))
        edit(workbook.worksheets[0])
        saved = io.BytesIO()
        workbook.save(saved)
        return saved.getvalue()

    return damage


def set_cell(reference: str, value: str) -> Callable[[bytes], bytes]:
    def edit(sheet) -> None:
        sheet[reference] = value

    return in_workbook(edit)


AEI_8 = "aei_2025_08"
DELINEATION = "cbsa_delineation"
HTML = b"<!DOCTYPE html>\n<html><body><h1>503 Service Unavailable</h1></body></html>\n"
CASES = [
    Case("truncated mid-row", AEI_8, lambda b: b[:-25], error="truncated"),
    Case("empty file", AEI_8, lambda b: b"", error="empty"),
    Case("HTML error page saved as CSV", AEI_8, lambda b: HTML, error="HTML", line=1),
    Case(
        "renamed column",
        AEI_8,
        header(b",value", b",val"),
        error="missing column",
        line=1,
        column="value",
    ),
    Case(
        "missing column",
        AEI_8,
        drop_column(4),
        error="missing column",
        line=1,
        column="platform_and_product",
    ),
    Case(
        "extra column",
        AEI_8,
        lambda b: b"\n".join(r + (b",x" if r else b"") for r in lines(b)),
        warning="ignored unexpected column",
    ),
    Case(
        "new facet",
        AEI_8,
        append(
            b"AK,state_us,2025-08-04,2025-08-11,Claude AI (Free and "
            b"Pro),brand_new_facet,0,x_pct,y,1.0"
        ),
        error="unknown facet",
        column="facet",
    ),
    Case("duplicate key rows", AEI_8, duplicate_line(5), error="repeat the key", line=5),
    Case(
        "negative count",
        AEI_8,
        append(
            b"AK,state_us,2025-08-04,2025-08-11,Claude AI (Free "
            b"and Pro),onet_task,0,onet_task_count,zz task,-3.0"
        ),
        error="outside",
        column="value",
    ),
    Case(
        "share over 100", AEI_8, set_field(2, 9, b"140.0"), error="outside", line=2, column="value"
    ),
    Case(
        "unknown state code",
        AEI_8,
        set_field(2, 0, b"XX"),
        error="unknown US state",
        line=2,
        column="geo_id",
    ),
    Case(
        "NA as a state code",
        AEI_8,
        set_field(2, 0, b"NA"),
        error="unknown US state",
        line=2,
        column="geo_id",
    ),
    Case(
        "non-numeric value",
        AEI_8,
        set_field(3, 9, b"twelve"),
        error="not a number",
        line=3,
        column="value",
    ),
    Case(
        "non-UTF-8 bytes",
        AEI_8,
        replace_line(4, lambda r: r.replace(b"AK", b"A\xff")),
        error="not UTF-8",
        line=4,
    ),
    Case(
        "dates disagree with the registry",
        AEI_8,
        lambda b: b.replace(b"2025-08-11", b"2025-08-18"),
        error="registry's window",
        column="date_end",
    ),
    Case("BOM at the start", AEI_8, lambda b: b"\xef\xbb\xbf" + b),
    Case("CRLF line ends", AEI_8, lambda b: b.replace(b"\n", b"\r\n")),
    Case("blank lines", AEI_8, lambda b: b.replace(b"\n", b"\n\n", 3) + b"\n"),
    Case(
        "wide: new metric",
        "aei_2026_06_26",
        append(b"2026-05-01,2026-06-01,US-AK,subregion,overall,0,brand_new_metric,1.0,Overall,-"),
        warning="metrics not documented",
    ),
    Case(
        "wide: month not in the registry",
        "aei_2026_06_26",
        append(b"2026-07-01,2026-08-01,US-AK,subregion,overall,0,usage_pct,1.0,Overall,-"),
        error="not in the registry",
        column="date_start",
    ),
    Case(
        "wide: unknown category",
        "aei_2026_06_26",
        append(b"2026-05-01,2026-06-01,US-AK,subregion,brand_new,0,pct,1.0,X,x"),
        error="unknown value",
        column="category_name",
    ),
    Case(
        "wide: unknown subregion",
        "aei_2026_06_26",
        append(b"2026-05-01,2026-06-01,US-ZZ,subregion,overall,0,usage_pct,1.0,Overall,-"),
        error="unknown US subregion",
        column="geo_id",
    ),
    Case(
        "OEWS: non-numeric value",
        "oews_data",
        on_first_kept_oews_line(3, b"   lots"),
        error="neither a number",
        line=first_kept_oews_line,
        column="value",
    ),
    Case(
        "OEWS: unknown datatype",
        "oews_data",
        append(b"OEUS180000000000000000099     \t2025\tA01\t5\t"),
        error="datatype_code",
        column="series_id",
    ),
    Case("OEWS: truncated data file", "oews_data", lambda b: b[:-7], error="truncated"),
    Case(
        "OEWS: footnote 5 reworded",
        "oews_footnote",
        lambda b: b.replace(b"$115.00 per hour", b"115 dollars hourly"),
        error="top code",
    ),
    Case(
        "OEWS: area list lost a column",
        "oews_area",
        header(b"area_name", b"name"),
        error="missing column",
        column="area_name",
    ),
    Case(
        "job exposure over 1",
        "job_exposure",
        set_field(2, 2, b"1.7"),
        error="outside",
        line=2,
        column="observed_exposure",
    ),
    Case(
        "job exposure: bad SOC code",
        "job_exposure",
        set_field(3, 0, b"11-10x1"),
        error="not a SOC detailed code",
        line=3,
        column="occ_code",
    ),
    Case(
        "task penetration: conflicting duplicate",
        "task_penetration",
        append(b"Write instructional articles on designated subjects.,0.1"),
        error="repeat the key",
        column="task",
    ),
    Case(
        "population: unknown state",
        "working_age_population",
        set_field(2, 2, b"ZZ"),
        error="unknown US state",
        line=2,
        column="state_code",
    ),
    Case(
        "population: a state missing",
        "working_age_population",
        lambda b: b"\n".join(r for r in lines(b) if not r.endswith(b",WY")) + b"\n",
    ),
    Case(
        "crosswalk: malformed code",
        "onet_crosswalk_2010_2019",
        set_field(2, 2, b"11-1011"),
        error="O*NET-SOC code",
        line=2,
    ),
    Case(
        "O*NET tasks: duplicate task",
        "onet_task_statements",
        duplicate_line(3),
        error="repeat the key",
        line=3,
    ),
    Case(
        "wide: NaN AUI",
        "aei_2026_06_26",
        set_field(4658, 7, b"NaN"),
        error="not a finite",
        line=4658,
        column="value",
    ),
    Case(
        "long: infinite usage count",
        AEI_8,
        append(
            b"AK,state_us,2025-08-04,2025-08-11,Claude AI (Free and Pro),onet_task,0,"
            b"onet_task_count,zz task,inf"
        ),
        error="not a finite",
        column="value",
    ),
    Case(
        "OEWS: negative employment",
        "oews_data",
        on_first_kept_oews_line(3, b"-2113660"),
        error="outside",
        line=first_kept_oews_line,
        column="value",
    ),
    Case(
        "OEWS: NaN value",
        "oews_data",
        on_first_kept_oews_line(3, b"NaN"),
        error="outside",
        line=first_kept_oews_line,
        column="value",
    ),
    Case(
        "OEWS: header only",
        "oews_data",
        lambda b: b.split(b"\n", 1)[0] + b"\n",
        error="no data rows",
        line=2,
    ),
    Case(
        "GDP: NaN",
        "state_gdp",
        set_field(2, 2, b"NaN"),
        error="not a finite",
        line=2,
        column="gdp_total",
    ),
    Case("gzip body saved as .csv", AEI_8, lambda b: gzip.compress(b), error="gzip", line=1),
    Case(
        "delineation: missing column",
        DELINEATION,
        in_workbook(lambda sheet: sheet.delete_cols(10)),  # J: FIPS State Code
        error="missing column",
        line=3,
        column="FIPS State Code",
    ),
    Case(
        "delineation: unknown state",
        DELINEATION,
        set_cell("J57", "99"),
        error="unknown US state",
        line=57,
        column="FIPS State Code",
    ),
    Case(
        "delineation: state name of another state",
        DELINEATION,
        set_cell("I57", "Indiana"),
        error="is not the name of FIPS state",
        line=57,
        column="State Name",
    ),
    Case(
        "delineation: truncated file",
        DELINEATION,
        lambda b: b[: len(b) // 2],
        error="truncated or damaged",
    ),
    Case("delineation: HTML page saved as xlsx", DELINEATION, lambda b: HTML, error="HTML"),
    Case(
        "delineation: a county row after the notes",
        DELINEATION,
        in_workbook(lambda sheet: sheet.append(["10100", None, None, "Aberdeen, SD"])),
        error="after the blank row",
        line=1922,
        column="CBSA Title",
    ),
    *[
        Case(
            f"{source}: header only",
            source,
            lambda b: b.split(b"\n", 1)[0] + b"\n",
            error="no data rows",
            line=2,
        )
        for source in (
            "aei_2026_06_26",
            "job_exposure",
            "working_age_population",
            "state_gdp",
            "task_penetration",
            "onet_task_statements",
            "onet_occupations",
            "aei_task_statements",
        )
    ],
]


def stage_with(case: Case, mirror: Path, tmp: Path) -> tuple[dict, Path]:
    """Copy the reader's files from the mirror, damage one, read them; return what the
    manifest would record per source, and the damaged file."""
    target = sources_by_id()[case.source]
    fetched = []
    for source in SOURCES:
        if source.reader != target.reader:
            continue
        path = cache_path(source.url, tmp / "raw")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cache_path(source.url, mirror), path)
        if source.id == case.source:
            path.write_bytes(case.damage(path.read_bytes()))
            damaged = path
        fetched.append(
            FetchResult(
                source.id, source.url, path, path.stat().st_size, "0" * 64, "test", "mirror"
            )
        )
    return read_sources(fetched).sources, damaged


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, mirror: Path, tmp_path: Path):
    if case.error is None:
        entries, _ = stage_with(case, mirror, tmp_path)
        report = entries[case.source if case.source != "oews_footnote" else "oews_data"]["read"]
        if case.warning:
            assert any(case.warning in w for w in report["warnings"]), report["warnings"]
        if case.name == "population: a state missing":
            assert report["absent"]["states"] == ["WY"]
        return
    with pytest.raises(SourceFormatError) as raised:
        stage_with(case, mirror, tmp_path)
    error = raised.value
    message = str(error)
    assert case.error in message, message
    assert error.path.name in message  # the file is named
    if case.line is not None:
        expected_line = case.line() if callable(case.line) else case.line
        assert error.line == expected_line, message
    if case.column is not None:
        assert error.column == case.column, message
