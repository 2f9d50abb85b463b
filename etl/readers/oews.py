"""BLS OEWS time.series flat files (`oe.data.0.Current` plus its code lists).

Series id = `OEU` + areatype (1) + area (7) + industry (6) + occupation (6) + datatype (2).
We keep cross-industry (`000000`) series for the nation, the state-level areas and the
areas inside the states (areatype M: metropolitan areas, area code `00` + CBSA, and
nonmetropolitan areas, area code state FIPS + 5 digits), and the datatypes the marts use;
decode every part of the id, join the code lists, and keep BLS footnotes. `geo_level` says
which kind of area a row is: nation, state, metro or nonmetro; marts about states read only
the nation and state rows (`nation_and_states`). A metro or nonmetro row's `state` is the
state `oe.area` files the area under (a multi-state metro's first-named state: Chicago-
Naperville-Elgin, IL-IN is IL), and `area_states` lists every state in its name. A value of
`-` means
"no value": null with a `status` saying why, never zero: `not released` (footnote 8),
`top-coded` (footnote 5: the wage is at or above the top code, kept as `lower_bound`), or
`hourly not applicable` (footnote 4: occupations paid by the year have no hourly wage).
The real data file is ~331 MB (industries): it is scanned lazily and filtered before
anything is collected.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from etl.geo import state_table, usps_expr
from etl.readers.table import (
    LINE,
    REFETCH,
    Reading,
    ReadReport,
    SourceFormatError,
    check_last_line,
    check_unique,
    first_line,
    read_strings,
    require_columns,
    sniff,
)
from etl.sources.registry import Source

DATA_COLUMNS = ("series_id", "year", "period", "value", "footnote_codes")
CODE_LISTS = {  # role in the registry -> the columns its reader needs
    "area": ("state_code", "area_code", "areatype_code", "area_name"),
    "occupation": ("occupation_code", "occupation_name", "display_level"),
    "datatype": ("datatype_code", "datatype_name"),
    "footnote": ("footnote_code", "footnote_text"),
}
CROSS_INDUSTRY = "000000"
# What the marts use (etl/marts/occupations.py OEWS_FIELDS): employment, annual mean and
# median wage, employment per 1,000 jobs, location quotient; and the employment's relative
# standard error, for the precision rule of area estimates (6 of the 17 datatypes).
KEPT_DATATYPES = ("01", "02", "04", "13", "16", "17")
ALL_OCCUPATIONS = "000000"
TOP_CODE_FOOTNOTE = "5"
OCCUPATION_LEVELS = {0: "major", 1: "minor", 2: "broad", 3: "detailed"}
# Series id = prefix (OEU, areatype, area, industry, occupation) + datatype (2 digits).
SERIES_PREFIX, SERIES_LENGTH = 23, 25
SERIES_PREFIX_PATTERN = r"^OEU[NSM]\d{7}000000\d{6}$"
# The nation and the state-level areas: what every state mart reads.
STATE_LEVELS = ("nation", "state")
METRO_PREFIX = "00"  # an areatype-M area code `00` + CBSA is a metro; state FIPS + 5: nonmetro
# The states at the end of a metro's name: "Cincinnati, OH-KY-IN".
NAME_STATES = r", ([A-Z]{2}(?:-[A-Z]{2})*)$"
# Columns of the decoded series that only the checks read (not copied to every row).
SERIES_CHECKED_ONLY = ("occupation_code", "areatype_code", "state_of_area")


def nation_and_states(oews: pl.DataFrame) -> pl.DataFrame:
    """The rows of the nation and the state-level areas (not the metro/nonmetro areas)."""
    return oews.filter(pl.col("geo_level").is_in(STATE_LEVELS))


def _code_list(
    path: Path, columns: tuple[str, ...], key: str, report: ReadReport, known: tuple[str, ...] = ()
) -> pl.DataFrame:
    frame = read_strings(path, separator="\t", quoting=False)
    frame = frame.with_columns(pl.col(pl.String).str.strip_chars())
    require_columns(path, frame, columns, report, known=known)
    check_unique(path, frame, [key])
    return frame


def _scan_data(path: Path) -> pl.LazyFrame:
    """The data file as text columns plus line numbers, after checking its head and tail."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    sniff(path, head)
    header = head.decode("utf-8-sig", errors="replace").splitlines()[0]
    columns = [c.strip() for c in header.split("\t")]
    missing = [c for c in DATA_COLUMNS if c not in columns]
    if missing:
        raise SourceFormatError(
            path,
            f"missing column(s) {missing}; the header has {columns}",
            line=1,
            column=missing[0],
        )
    check_last_line(path, "\t", len(columns))
    return pl.scan_csv(
        path,
        separator="\t",
        infer_schema=False,
        quote_char=None,
        null_values=[],
        row_index_name=LINE,
        row_index_offset=2,
        new_columns=columns,
        has_header=True,
    )


def _observations(
    scan: pl.LazyFrame,
    unused_datatypes: list[str],
    annual_datatypes: list[str],
    top_codes: tuple[float, float],
) -> pl.LazyFrame:
    """Cross-industry rows of every area, without the datatypes the product does not use
    (unknown codes are kept, to be rejected), with each value's status and a top-coded
    wage's lower bound. The filter reads fixed positions of the id, so the padding BLS puts
    after it is stripped only from the rows kept; everything per row is computed here, as
    the file is parsed, chunk by chunk."""
    raw, value = pl.col("series_id"), pl.col("value_raw")
    datatype = raw.str.slice(SERIES_PREFIX, 2)
    status = (
        pl.when(value != "-")
        .then(pl.lit("published"))
        .when(pl.col("footnote_codes").str.contains("5"))
        .then(pl.lit("top-coded"))
        .when(pl.col("footnote_codes").str.contains("4"))
        .then(pl.lit("hourly not applicable"))
        .otherwise(pl.lit("not released"))
    )
    hourly_cap, annual_cap = top_codes
    top_coded = pl.col("status") == "top-coded"
    return (
        scan.filter(
            raw.str.slice(3, 1).is_in(["N", "S", "M"])
            & (raw.str.slice(11, 6) == CROSS_INDUSTRY)
            & ~raw.str.slice(23, 2).is_in(unused_datatypes)
        )
        .select(
            raw.str.strip_chars(),
            pl.col("value").str.strip_chars().alias("value_raw"),
            pl.col("footnote_codes").str.strip_chars().fill_null(""),
            pl.col("year").str.strip_chars().cast(pl.Int16, strict=False),
            pl.col("period").str.strip_chars(),
            LINE,
        )
        .with_columns(
            # numbers the series (the file is sorted by series id, so a series is a run)
            raw.str.slice(0, SERIES_PREFIX).rle_id().alias("run"),
            datatype.alias("datatype_code"),
            datatype.is_in(annual_datatypes).alias("annual"),
            value.cast(pl.Float64, strict=False).alias("value"),
            status.alias("status"),
        )
        .with_columns(
            pl.when(top_coded & pl.col("annual"))
            .then(pl.lit(annual_cap))
            .when(top_coded)
            .then(pl.lit(hourly_cap))
            .alias("lower_bound")
        )
    )


def _collect(path: Path, *queries: pl.LazyFrame) -> list[pl.DataFrame]:
    try:
        return pl.collect_all(queries)
    except pl.exceptions.ComputeError as exc:
        raise _first_undecodable_line(path) or SourceFormatError(
            path,
            f"cannot be parsed as a BLS time.series file: {exc}",
            fix="fetch it again; it may be truncated",
        ) from exc


def _first_undecodable_line(path: Path) -> SourceFormatError | None:
    """Stream the file (up to ~331 MB) to name the first line that is not UTF-8."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return SourceFormatError(
                    path,
                    f"bytes are not UTF-8 (byte {raw[exc.start]:#04x})",
                    line=number,
                    fix="re-download the file",
                )
    return None


def _places(path: Path, areas: pl.DataFrame) -> pl.DataFrame:
    """Per area code (hundreds, from oe.area): its name, the state its rows belong to and
    every state it touches. A state-level area is its own state (area code = FIPS + 00000);
    a metro or nonmetro area belongs to the state oe.area files it under and touches the
    states its name ends with (a nonmetro area: its one state)."""
    inside = pl.col("areatype_code") == "M"
    metro = inside & pl.col("area_code").str.starts_with(METRO_PREFIX)
    named = pl.col("area_name").str.extract(NAME_STATES).str.split("-")
    places = areas.with_columns(
        usps_expr(
            pl.when(inside).then("state_code").otherwise(pl.col("area_code").str.slice(0, 2))
        ).alias("state_of_area"),
        named.list.eval(usps_expr(pl.element())).alias("named_states"),
    )
    named_states = pl.col("named_states")
    # oe.area's own mistakes are named at their line there, not at a data line.
    for mask, column, problem in (
        (
            inside & pl.col("state_of_area").is_null(),
            "state_code",
            "the state_code of a metro/nonmetro area is no known state",
        ),
        (
            metro & named_states.is_null(),
            "area_name",
            "a metro area's name does not end with its states (', IL-IN')",
        ),
        (
            metro & named_states.list.eval(pl.element().is_null()).list.any(),
            "area_name",
            "a metro area's name ends with an unknown state code",
        ),
        (
            metro & ~named_states.list.contains(pl.col("state_of_area")),
            "area_name",
            "a metro area's name does not list the state its state_code files it under",
        ),
    ):
        hit = first_line(places, mask.fill_null(False))
        if hit:
            raise SourceFormatError(
                path,
                f"{problem}: {hit[1]['area_code']} {hit[1]['area_name']!r} "
                f"(state_code {hit[1]['state_code']!r})",
                line=hit[0],
                column=column,
            )
    return places.select(
        "area_code",
        "areatype_code",
        pl.col("area_name").cast(pl.Categorical),
        pl.when(metro)
        .then(named_states.list.join(","))
        .otherwise(pl.col("state_of_area"))
        .cast(pl.Categorical)
        .alias("area_states"),
        "state_of_area",
    ).join(
        state_table().select(
            pl.col("state").alias("state_of_area"), "state_fips", "state_name", "is_territory"
        ),
        on="state_of_area",
        how="left",
    )


def _series(prefixes: pl.Series, places: pl.DataFrame, occupations: pl.DataFrame) -> pl.DataFrame:
    """Decode each series (area x occupation, ~240k; its datatypes are consecutive rows)
    once rather than each of the ~1.4M rows. What depends on the area alone or on the
    occupation alone is decoded on the code lists (hundreds of rows), then joined."""
    jobs = occupations.select(
        "occupation_code",
        pl.col("occupation_name").cast(pl.Categorical),
        (
            pl.col("occupation_code").str.slice(0, 2)
            + "-"
            + pl.col("occupation_code").str.slice(2, 4)
        ).alias("soc_code"),
        pl.when(pl.col("occupation_code") == ALL_OCCUPATIONS)
        .then(pl.lit("total"))
        .otherwise(
            pl.col("display_level").cast(pl.Int8).replace_strict(OCCUPATION_LEVELS, default=None)
        )
        .cast(pl.Categorical)
        .alias("occupation_level"),
    )
    prefix = pl.col("prefix")
    areatype, national = prefix.str.slice(3, 1), prefix.str.slice(3, 1) == "N"
    return (
        prefixes.to_frame("prefix")
        .with_columns(
            prefix.str.slice(4, 7).alias("area_code"),
            prefix.str.slice(17, 6).alias("occupation_code"),
        )
        .join(places, on="area_code", how="left", maintain_order="left")
        .join(jobs, on="occupation_code", how="left", maintain_order="left")
        .with_columns(
            pl.when(national)
            .then(pl.lit("US"))
            .otherwise(pl.col("state_of_area"))
            .cast(pl.Categorical)
            .alias("state"),
            pl.when(national)
            .then(pl.lit("nation"))
            .when(areatype == "S")
            .then(pl.lit("state"))
            .when(pl.col("area_code").str.starts_with(METRO_PREFIX))
            .then(pl.lit("metro"))
            .otherwise(pl.lit("nonmetro"))
            .alias("geo_level"),
            pl.col("state_fips", "state_name").cast(pl.Categorical),
            pl.col("area_code").cast(pl.Categorical),
            pl.col("is_territory").fill_null(False),
        )
    )


def read_oews(paths: dict[str, Path], sources: dict[str, Source]) -> Reading:
    report = ReadReport()
    data_path = paths["data"]
    areas = _code_list(paths["area"], CODE_LISTS["area"], "area_code", report)
    occupations = _code_list(
        paths["occupation"],
        CODE_LISTS["occupation"],
        "occupation_code",
        report,
        known=("selectable", "sort_sequence"),
    )
    datatypes = _code_list(paths["datatype"], CODE_LISTS["datatype"], "datatype_code", report)
    footnotes = _code_list(paths["footnote"], CODE_LISTS["footnote"], "footnote_code", report)
    footnote_text = dict(footnotes.select("footnote_code", "footnote_text").rows())

    unused = sorted(set(datatypes["datatype_code"]) - set(KEPT_DATATYPES))
    names = dict(datatypes.select("datatype_code", "datatype_name").rows())
    annual = [code for code, name in names.items() if name.startswith("Annual")]
    scan = _scan_data(data_path)
    rows, counted = _collect(
        data_path,
        _observations(scan, unused, annual, _top_codes(paths["footnote"], footnote_text)),
        scan.select(pl.len()),
    )
    # One chunk per column (the parser makes dozens): the columns added below are single
    # chunks, and mixing layouts would copy every column again, at 1.4M rows ~200 MB.
    rows = rows.rechunk()
    report.rows_in_file, report.rows_kept = counted.item(), rows.height
    if rows.is_empty():
        problem = (
            "the file has a header but no data rows"
            if counted.item() == 0
            else "no cross-industry series in the file"
        )
        raise SourceFormatError(data_path, problem, line=2, fix=REFETCH)
    # A run of rows with the same prefix is one series: decode each run's first row, then
    # give every row its run's columns by position (a gather, cheaper than a join).
    runs = rows["run"]
    first_of_run = rows.select(LINE, "series_id").filter(runs != runs.shift(1, fill_value=-1))
    series = _series(
        first_of_run["series_id"].str.slice(0, SERIES_PREFIX),
        _places(paths["area"], areas),
        occupations,
    ).with_columns(first_of_run)
    _validate_series(data_path, series)
    kept = series.drop("prefix", LINE, "series_id", *SERIES_CHECKED_ONLY)
    tidy = pl.concat([rows.drop("run"), kept[runs]], how="horizontal").with_columns(
        # lookups, not a join: a join would copy every column of the 1.4M rows
        pl.col("datatype_code")
        .replace_strict(names, default=None, return_dtype=pl.Categorical)
        .alias("datatype_name"),
        pl.col("footnote_codes")
        .replace_strict(
            _footnote_texts(rows["footnote_codes"].unique(), footnote_text),
            return_dtype=pl.Categorical,
        )
        .alias("footnote_text"),
    )
    _validate_rows(data_path, tidy)
    tidy = tidy.select(
        "geo_level",
        "state",
        "state_fips",
        "state_name",
        "is_territory",
        "area_code",
        "area_name",
        "area_states",
        "soc_code",
        "occupation_name",
        "occupation_level",
        "datatype_code",
        "datatype_name",
        "value",
        "status",
        "lower_bound",
        "footnote_codes",
        "footnote_text",
        "year",
        "period",
        "series_id",
        pl.col(LINE).cast(pl.Int32).alias("source_line"),
    )  # in the file's order (sorted by series id): deterministic, and no 1.4M-row sort
    _describe(tidy, series, report)
    return Reading(tidy, report)


def _validate_rows(path: Path, data: pl.DataFrame) -> None:
    """Every kept row: a series id of the right length, a number or '-', a unique key, and
    a datatype that oe.datatype knows."""
    hit = first_line(
        data,
        (pl.col("series_id").str.len_bytes() != SERIES_LENGTH)
        | ~pl.col("datatype_code").str.contains(r"^\d{2}$"),
    )
    if hit:
        raise SourceFormatError(
            path,
            f"{hit[1]['series_id']!r} is not an OEWS series id",
            line=hit[0],
            column="series_id",
        )
    hit = first_line(data, pl.col("value").is_null() & (pl.col("value_raw") != "-").fill_null(True))
    if hit:
        raise SourceFormatError(
            path,
            f"value {hit[1]['value_raw']!r} is neither a number nor '-' (not released)",
            line=hit[0],
            column="value",
        )
    # Every OEWS datatype is a count, a wage, a ratio or an error: finite and not negative.
    hit = first_line(data, ~pl.col("value").is_finite() | (pl.col("value") < 0))
    if hit:
        raise SourceFormatError(
            path,
            f"value {hit[1]['value_raw']!r} is outside [0, a finite number]",
            line=hit[0],
            column="value",
            fix=f"the file is damaged: {REFETCH}",
        )
    # BLS sorts the file by series id: strictly increasing ids are unique without a hash.
    ids = data["series_id"]
    if not (ids.slice(1) > ids.slice(0, len(ids) - 1)).all():
        check_unique(path, data, ["series_id", "year", "period"])
    hit = first_line(data, pl.col("datatype_name").is_null())
    if hit:
        raise SourceFormatError(
            path,
            f"datatype_code {hit[1]['datatype_code']!r} of series "
            f"{hit[1]['series_id']!r} is not in oe.datatype",
            line=hit[0],
            column="series_id",
        )


def _validate_series(path: Path, series: pl.DataFrame) -> None:
    """Each series (~240k, named at the line of its first row): a well-formed id, an area
    and an occupation the code lists know, of the areatype its id says, in a known state."""
    hit = first_line(series, ~pl.col("prefix").str.contains(SERIES_PREFIX_PATTERN))
    if hit:
        raise SourceFormatError(
            path,
            f"{hit[1]['series_id']!r} is not an OEWS series id",
            line=hit[0],
            column="series_id",
        )
    for column, named, code_list in (
        ("area_code", "area_name", "oe.area"),
        ("occupation_code", "occupation_name", "oe.occupation"),
    ):
        hit = first_line(series, pl.col(named).is_null())
        if hit:
            raise SourceFormatError(
                path,
                f"{column} {hit[1][column]!r} of series "
                f"{hit[1]['series_id']!r} is not in {code_list}",
                line=hit[0],
                column="series_id",
            )
    hit = first_line(series, pl.col("prefix").str.slice(3, 1) != pl.col("areatype_code"))
    if hit:
        raise SourceFormatError(
            path,
            f"series {hit[1]['series_id']!r} has areatype {hit[1]['prefix'][3]!r} but oe.area "
            f"gives area {hit[1]['area_code']} areatype {hit[1]['areatype_code']!r}",
            line=hit[0],
            column="series_id",
        )
    hit = first_line(series, pl.col("state").is_null())
    if hit:
        raise SourceFormatError(
            path,
            f"state area {hit[1]['area_code']!r} is not a known state FIPS code",
            line=hit[0],
            column="series_id",
        )


def _footnote_texts(codes: pl.Series, texts: dict[str, str]) -> dict[str, str]:
    """Each distinct footnote_codes cell ("4", "5,8", "") -> its texts joined; computed on
    the few distinct cells, not the 1.4M rows."""
    return {
        cell: " | ".join(texts[c.strip()] for c in cell.split(",") if c.strip() in texts)
        for cell in codes.to_list()
    }


def _top_codes(path: Path, footnote_text: dict[str, str]) -> tuple[float, float]:
    """The wage top code, read from footnote 5 ("... $115.00 per hour or $239,200 per year")."""
    text = footnote_text.get(TOP_CODE_FOOTNOTE, "")
    found = re.search(r"\$([\d,.]+) per hour or \$([\d,.]+) per year", text)
    if not found:
        raise SourceFormatError(
            path,
            f"footnote {TOP_CODE_FOOTNOTE} no longer states the wage top code: {text!r}",
            column="footnote_text",
            fix="update _top_codes in etl/readers/oews.py",
        )
    return tuple(float(v.replace(",", "")) for v in found.groups())  # type: ignore[return-value]


def _describe(tidy: pl.DataFrame, series: pl.DataFrame, report: ReadReport) -> None:
    counted = dict(series.group_by("geo_level").agg(pl.col("area_code").n_unique()).rows())
    report.present["state-level areas"] = [str(counted.get("state", 0))]
    report.present["metro and nonmetro areas"] = [
        f"{level}: {counted.get(level, 0)}" for level in ("metro", "nonmetro")
    ]
    report.present["datatypes"] = sorted(tidy["datatype_code"].unique().to_list())
    report.present["cells by status"] = [
        f"{status}: {n}" for status, n in tidy.group_by("status").len().sort("status").rows()
    ]
