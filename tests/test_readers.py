"""Unit tests of every reader on tiny fixtures written in the exact upstream schemas.

Headers, column order, quoting, padding and code formats are copied from the real files in
the shared mirror (docs/data-sources.md); the values are a few real cells.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from etl.readers.aei_long import read_aei_long
from etl.readers.aei_wide import read_aei_wide
from etl.readers.delineation import read_delineation
from etl.readers.labor_market import read_job_exposure, read_task_penetration
from etl.readers.oews import read_oews
from etl.readers.onet import (
    read_aei_task_statements,
    read_onet_crosswalk,
    read_onet_occupations,
    read_onet_task_statements,
)
from etl.readers.soc import read_soc_structure
from etl.readers.state_context import read_state_gdp, read_working_age_population
from etl.readers.table import SourceFormatError, read_strings
from etl.sources.registry import sources_by_id

# --- fixtures in the upstream schemas ----------------------------------------------------


def write_rows(path: Path, header, rows, *, sep=",", crlf=False, bom=False) -> Path:
    """A delimited file as upstream writes it: csv quoting for ',' files, none for tabs."""
    end = "\r\n" if crlf else "\n"
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        if sep == ",":
            csv.writer(handle, lineterminator=end).writerows([header, *rows])
        else:
            handle.writelines(sep.join(map(str, row)) + end for row in [header, *rows])
    return path


LONG_HEADER = [
    "geo_id",
    "geography",
    "date_start",
    "date_end",
    "platform_and_product",
    "facet",
    "level",
    "variable",
    "cluster_name",
    "value",
]
AUG, NOV, FEB = (
    ("2025-08-04", "2025-08-11"),
    ("2025-11-13", "2025-11-20"),
    ("2026-02-05", "2026-02-12"),
)
FREE_PRO, FREE_PRO_MAX = "Claude AI (Free and Pro)", "Claude AI (Free, Pro, and Max)"
EDIT_DOCS = "Help edit, improve, and create professional written documents and communications"
BUDGETS = "prepare budgets for approval, including those for funding or implementation of programs."


def long_row(
    geo, geography, facet, variable, value, cluster="", level=0, dates=AUG, platform=FREE_PRO
):
    return [geo, geography, *dates, platform, facet, level, variable, cluster, value]


def aug_rows():
    """2025-08: `state_us` rows with USPS geo ids, plus rows the reader must drop."""
    state = ("state_us", "state_us")
    return [
        long_row("IN", *state, "usage_count", "1234.0"),  # line 2
        long_row("IN", *state, "usage_pct", "1.6"),
        long_row("IN", "state_us", "onet_task", "onet_task_count", "12.0", BUDGETS),
        long_row("IN", "state_us", "onet_task", "onet_task_pct", "2.5", BUDGETS),
        long_row(
            "IN",
            "state_us",
            "collaboration",
            "collaboration_pct",
            "41.007194244604314",
            "directive",
        ),
        long_row("IN", "state_us", "collaboration", "collaboration_pct", "3.5", "feedback loop"),
        long_row(
            "IN", "state_us", "request", "request_pct", "10.79136690647482", EDIT_DOCS, level=2
        ),  # line 8
        long_row("AK", *state, "usage_count", "199.0"),
        long_row("US", "country", "country", "usage_count", "77000.0"),
        long_row("NA", "country", "country", "usage_count", "35.0"),  # Namibia
        long_row("GB", "country", "country", "usage_count", "9000.0"),
        long_row(
            "GLOBAL",
            "global",
            "onet_task::collaboration",
            "onet_task_collaboration_pct",
            "30.0",
            f"{BUDGETS}::directive",
        ),  # line 13
    ]


def country_state_rows(dates, platform):
    """2025-11 onwards: `country-state` rows with ISO 3166-2 `US-XX` geo ids."""
    debug = "Help debug, develop, and optimize software across multiple programming domains"
    return [
        long_row(geo, "country-state", facet, variable, value, cluster, level, dates, platform)
        for geo, facet, variable, value, cluster, level in [
            ("US-IN", "country-state", "usage_count", "1999.0", "", 0),
            ("US-IN", "request", "request_pct", "9.547738693467336", debug, 2),
            ("US-PR", "country-state", "usage_count", "40.0", "", 0),
            ("GB-ENG", "country-state", "usage_count", "900.0", "", 0),
        ]
    ]


WIDE_HEADER = [
    "date_start",
    "date_end",
    "geo_id",
    "geo_level",
    "category_name",
    "hierarchy_level",
    "metric_id",
    "value",
    "node_name",
    "node_external_id",
]
APR, MAY = ("2026-04-01", "2026-05-01"), ("2026-05-01", "2026-06-01")
UUID = "6f1c2a52-3a77-4f0e-9a4b-0f1f6b8f6c11"
ARTS = "Arts, Design, Entertainment, Sports, and Media"


def wide_rows():
    indiana, overall, nation = [*APR, "US-IN", "subregion"], ["overall", 0], [*APR, "USA"]
    return [
        [*indiana, *overall, "usage_pct", "1.92", "Overall", "-"],  # line 2
        [*indiana, *overall, "usage_per_capita_index", "0.95", "Overall", "-"],
        [*indiana, *overall, "human_only_time_mean", "1.5", "Overall", "-"],
        [*indiana, *overall, "human_with_ai_time_mean", "12.0", "Overall", "-"],
        [*indiana, "soc_occupation", 1, "pct", "13.71", ARTS, "27"],
        [*indiana, "request", 0, "pct", "2.5", "Debug code", UUID],  # line 7
        [*MAY, "US-IN", "subregion", *overall, "usage_pct", "2.01", "Overall", "-"],
        [*nation, "country", *overall, "usage_pct", "41.2", "Overall", "-"],
        [*APR, "GBR", "country", *overall, "usage_pct", "4.0", "Overall", "-"],
        [*APR, "GLOBAL", "global", *overall, "ai_autonomy_mean", "2.65", "Overall", "-"],
    ]


@dataclass(frozen=True)
class Fixture:
    """A single-file reader and a valid fixture in its upstream schema."""

    key: str
    reader: object
    source_id: str
    name: str
    header: list
    rows: list
    drop: str  # a required column, removed by the missing-column test
    sep: str = ","

    def write(self, directory: Path, rows=None, **kw) -> Path:
        return write_rows(
            directory / self.name,
            self.header,
            self.rows if rows is None else rows,
            sep=self.sep,
            **kw,
        )

    def read(self, path: Path):
        return self.reader(path, sources_by_id()[self.source_id])


TASK_HEADER = [
    "O*NET-SOC Code",
    "Title",
    "Task ID",
    "Task",
    "Task Type",
    "Incumbents Responding",
    "Date",
    "Domain Source",
]
CEO, CSO = "Chief Executives", "Chief Sustainability Officers"
HEAD_COUNTS = 'Conduct "head counts" to help predict the outcome of upcoming votes.'
APPOINT = "Appoint department heads or managers and assign or delegate responsibilities to them."
SWD = "Software Developers, Applications"
FIXTURES = {
    f.key: f
    for f in [
        Fixture(
            "long",
            read_aei_long,
            "aei_2025_08",
            "aei_raw.csv",
            LONG_HEADER,
            aug_rows(),
            "cluster_name",
        ),
        Fixture(
            "long_nov",
            read_aei_long,
            "aei_2025_11",
            "aei_raw_nov.csv",
            LONG_HEADER,
            country_state_rows(NOV, FREE_PRO_MAX),
            "geography",
        ),
        Fixture(
            "wide",
            read_aei_wide,
            "aei_2026_06_26",
            "aei.csv",
            WIDE_HEADER,
            wide_rows(),
            "node_external_id",
        ),
        Fixture(
            "exposure",
            read_job_exposure,
            "job_exposure",
            "job_exposure.csv",
            ["occ_code", "title", "observed_exposure"],
            [
                ["11-1011", CEO, "0.0333"],
                ["15-1252", "Software Developers", "0.288"],
                ["29-1022", "Oral and Maxillofacial Surgeons", "0.0"],
            ],
            "observed_exposure",
        ),
        Fixture(
            "penetration",
            read_task_penetration,
            "task_penetration",
            "task_penetration.csv",
            ["task", "penetration"],
            [
                [
                    "Accept and check containers of mail from large volume "
                    "mailers, couriers, and contractors.",
                    "0.0",
                ],
                [BUDGETS.capitalize(), "0.4215"],
            ],
            "penetration",
        ),
        Fixture(
            "aei_tasks",
            read_aei_task_statements,
            "aei_task_statements",
            "onet_task_statements.csv",
            [*TASK_HEADER, "soc_major_group"],
            [
                ["11-1011.00", CEO, "8831", APPOINT, "Core", "87.0", "07/2014", "Incumbent", "11"],
                [
                    "11-1031.00",
                    "Legislators",
                    "15287",
                    HEAD_COUNTS,
                    "",
                    "",
                    "06/2006",
                    "Analyst",
                    "11",
                ],
            ],
            "soc_major_group",
        ),
        Fixture(
            "onet_tasks",
            read_onet_task_statements,
            "onet_task_statements",
            "Task Statements.txt",
            TASK_HEADER,
            [
                [
                    "11-1011.00",
                    CEO,
                    "8827",
                    BUDGETS.capitalize(),
                    "Core",
                    "95.0",
                    "08/2023",
                    "Incumbent",
                ],
                ["11-1011.00", CEO, "8831", APPOINT, "Core", "95.0", "08/2023", "Incumbent"],
            ],
            "Task ID",
            "\t",
        ),
        Fixture(
            "occupations",
            read_onet_occupations,
            "onet_occupations",
            "Occupation Data.txt",
            ["O*NET-SOC Code", "Title", "Description"],
            [
                [
                    "11-1011.00",
                    CEO,
                    "Determine and formulate policies and provide overall "
                    "direction of companies or private and public sector organizations.",
                ],
                [
                    "11-1011.03",
                    CSO,
                    "Communicate and coordinate with management, shareholders, "
                    "customers, and employees.",
                ],
            ],
            "Description",
            "\t",
        ),
        Fixture(
            "crosswalk",
            read_onet_crosswalk,
            "onet_crosswalk_2010_2019",
            "2010_to_2019_Crosswalk.csv",
            [
                "O*NET-SOC 2010 Code",
                "O*NET-SOC 2010 Title",
                "O*NET-SOC 2019 Code",
                "O*NET-SOC 2019 Title",
            ],
            [
                ["11-1011.00", CEO, "11-1011.00", CEO],
                ["15-1132.00", SWD, "15-1252.00", "Software Developers"],
                [
                    "15-1132.00",
                    SWD,
                    "15-1253.00",
                    "Software Quality Assurance Analysts and Testers",
                ],
            ],
            "O*NET-SOC 2019 Code",
        ),
        Fixture(
            "soc",
            read_soc_structure,
            "soc_structure",
            "soc_structure.csv",
            [
                "Major Group",
                "Minor Group",
                "Broad Occupation",
                "Detailed Occupation",
                "Detailed O*NET-SOC",
                "SOC or O*NET-SOC 2019 Title",
                "soc_major_group",
            ],
            [
                ["11-0000", "", "", "", "", "Management Occupations", "11"],
                ["", "11-1000", "", "", "", "Top Executives", ""],
                ["", "", "11-1010", "", "", CEO, ""],
                ["", "", "", "11-1011", "", CEO, ""],
                ["", "", "", "", "11-1011.03", CSO, ""],
            ],
            "Broad Occupation",
        ),
        Fixture(
            "population",
            read_working_age_population,
            "working_age_population",
            "working_age_pop_2024_us_state.csv",
            ["state", "working_age_pop", "state_code"],
            [
                ["Alabama", "3262439", "AL"],
                ["District of Columbia", "491070", "DC"],
                ["Wyoming", "366535", "WY"],
            ],
            "state_code",
        ),
        Fixture(
            "gdp",
            read_state_gdp,
            "state_gdp",
            "gdp_2024_us_state.csv",
            ["state_code", "state_name", "gdp_total", "gdp_millions", "year"],
            [
                ["AL", "Alabama", "321237600000.0", "321237.6", "2024"],
                ["IN", "Indiana", "513423400000.0", "513423.4", "2024"],
                ["WY", "Wyoming", "52946100000.0", "52946.1", "2024"],
            ],
            "gdp_total",
        ),
    ]
}
ALL = sorted(FIXTURES)


def read_fixture(tmp_path, key):
    return FIXTURES[key].read(FIXTURES[key].write(tmp_path))


def rejects(call, *args) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        call(*args)
    return info.value


# --- happy paths -------------------------------------------------------------------------


def test_aei_long_2025_08_state_us(tmp_path):
    reading = read_fixture(tmp_path, "long")
    table = reading.table
    assert table.columns == [
        "wave",
        "date_start",
        "date_end",
        "platform",
        "geo_level",
        "state",
        "is_territory",
        "facet",
        "level",
        "variable",
        "cluster_name",
        "value",
        "source_line",
        "state_fips",
        "state_name",
    ]
    assert (table.schema["level"], table.schema["value"]) == (pl.Int8, pl.Float64)
    assert set(table["wave"]) == {"2025-08"} and set(table["platform"]) == {FREE_PRO}
    usage = table.filter(pl.col("variable") == "usage_count")
    assert set(usage["facet"]) == {"usage"}  # state_us and country renamed
    assert usage.select("geo_level", "state", "state_fips", "state_name", "value").rows() == [
        ("nation", "US", None, None, 77000.0),
        ("state", "AK", "02", "Alaska", 199.0),
        ("state", "IN", "18", "Indiana", 1234.0),
    ]
    request = table.filter(pl.col("facet") == "request")
    assert request.select("cluster_name", "level", "source_line").rows() == [(EDIT_DOCS, 2, 8)]
    assert (reading.report.rows_in_file, reading.report.rows_kept) == (12, 9)


@pytest.mark.parametrize(
    ("source_id", "dates", "platform"),
    [
        ("aei_2025_11", NOV, FREE_PRO),
        ("aei_2025_11", NOV, FREE_PRO_MAX),
        ("aei_2026_02", FEB, FREE_PRO_MAX),
    ],
)
def test_aei_long_country_state(tmp_path, source_id, dates, platform):
    path = write_rows(tmp_path / "aei.csv", LONG_HEADER, country_state_rows(dates, platform))
    if "," in platform:
        assert f'"{platform}"' in path.read_text()  # quoted because of its commas
    table = read_aei_long(path, sources_by_id()[source_id]).table
    assert set(table["platform"]) == {platform}
    assert sorted(set(table["facet"])) == ["request", "usage"]  # country-state -> usage
    assert table.select("state", "state_fips", "state_name", "is_territory").unique(
        maintain_order=True
    ).rows() == [
        ("IN", "18", "Indiana", False),
        ("PR", "72", "Puerto Rico", True),
    ]  # GB-ENG dropped


def test_aei_long_na_is_namibia_and_is_dropped(tmp_path):
    path = FIXTURES["long"].write(tmp_path)
    countries = read_strings(path).filter(pl.col("geography") == "country")
    assert countries["geo_id"].to_list() == ["US", "NA", "GB"]  # not coerced to null
    table = FIXTURES["long"].read(path).table
    assert table.filter(pl.col("geo_level") == "nation")["value"].to_list() == [77000.0]
    assert 35.0 not in table["value"] and table["state"].null_count() == 0


def test_aei_long_partial_file_reports_what_is_absent(tmp_path):
    rows = [row for row in aug_rows() if row[5] == "state_us"]
    reading = FIXTURES["long"].read(FIXTURES["long"].write(tmp_path, rows))
    assert set(reading.table["facet"]) == {"usage"} and reading.table.height == 3
    absent = reading.report.absent
    assert absent["state facet variables"] == [
        "onet_task/onet_task_count",
        "onet_task/onet_task_pct",
        "collaboration/collaboration_count",
        "collaboration/collaboration_pct",
        "request/request_count",
        "request/request_pct",
    ]
    assert absent["state request levels"] == ["0", "1", "2"]
    assert absent["geographies"] == ["nation (country US) rows"]


def test_aei_wide_states_nation_waves_and_units(tmp_path):
    reading = read_fixture(tmp_path, "wide")
    table = reading.table
    assert table.columns == [
        "wave",
        "date_start",
        "date_end_exclusive",
        "geo_level",
        "state",
        "is_territory",
        "category",
        "hierarchy_level",
        "metric_id",
        "value",
        "unit",
        "node_name",
        "node_id",
        "source_line",
        "state_fips",
        "state_name",
    ]
    assert (table.schema["hierarchy_level"], table.schema["value"]) == (pl.Int8, pl.Float64)
    usage = table.filter(pl.col("metric_id") == "usage_pct")
    assert usage.select(
        "wave", "date_end_exclusive", "geo_level", "state", "state_fips", "state_name", "value"
    ).rows() == [
        ("2026-04", "2026-05-01", "nation", "US", None, None, 41.2),
        ("2026-04", "2026-05-01", "state", "IN", "18", "Indiana", 1.92),
        ("2026-05", "2026-06-01", "state", "IN", "18", "Indiana", 2.01),
    ]
    units = dict(table.select("metric_id", "unit").unique().rows())
    assert (units["human_only_time_mean"], units["human_with_ai_time_mean"], units["pct"]) == (
        "hours",
        "minutes",
        "percent",
    )
    soc = table.filter(pl.col("category") == "soc_occupation")
    assert soc.select("node_name", "node_id", "hierarchy_level").rows() == [(ARTS, "27", 1)]
    assert table.filter(pl.col("category") == "request")["node_id"].to_list() == [UUID]
    assert (reading.report.rows_in_file, reading.report.rows_kept) == (10, 8)
    assert reading.report.absent["state category metrics"] == [
        "overall/collaboration_bucket_automation_pct",
        "overall/collaboration_bucket_augmentation_pct",
        "onet/pct",
    ]


def test_job_exposure(tmp_path):
    table = read_fixture(tmp_path, "exposure").table
    assert table.schema == pl.Schema(
        {
            "soc_code": pl.String,
            "title": pl.String,
            "observed_exposure": pl.Float64,
            "source_line": pl.Int32,
        }
    )
    assert table.row(1) == ("15-1252", "Software Developers", 0.288, 3)


def test_task_penetration_collapses_verbatim_repeats(tmp_path):
    fixture = FIXTURES["penetration"]
    reading = fixture.read(fixture.write(tmp_path, [*fixture.rows, fixture.rows[0]]))
    assert reading.report.warnings == ["dropped 1 verbatim repeated row(s) at lines [4]"]
    assert reading.table.select("task_lower", "penetration").rows() == [
        (
            "accept and check containers of mail from large volume mailers, couriers, and "
            "contractors.",
            0.0,
        ),
        (BUDGETS, 0.4215),
    ]


def test_aei_task_statements(tmp_path):
    table = read_fixture(tmp_path, "aei_tasks").table
    assert table.columns == [
        "onet_soc_2010",
        "occupation_title",
        "task_id",
        "task",
        "task_lower",
        "task_type",
        "soc_major_group",
        "source_line",
    ]
    assert table.schema["task_id"] == pl.Int32
    assert table.select("onet_soc_2010", "task_id", "task_type").rows() == [
        ("11-1011.00", 8831, "Core"),
        ("11-1031.00", 15287, ""),
    ]
    assert table["task_lower"][1] == HEAD_COUNTS.lower()  # CSV quotes undone


def test_onet_task_statements_tab_separated(tmp_path):
    table = read_fixture(tmp_path, "onet_tasks").table
    assert table.select("onet_soc_2019", "occupation_title", "task_id").rows() == [
        ("11-1011.00", CEO, 8827),
        ("11-1011.00", CEO, 8831),
    ]
    assert table["task_lower"][0] == BUDGETS  # the key AEI onet_task clusters match on


def test_onet_task_statements_undoes_csv_style_quotes(tmp_path):
    path = tmp_path / "Task Statements.txt"
    path.write_text(
        "\t".join(TASK_HEADER) + '\n11-1031.00\tLegislators\t15287\t"Conduct '
        '""head counts"" to help predict the outcome of upcoming votes."\t\t\t'
        "06/2006\tAnalyst\n"
    )  # verbatim upstream line
    table = read_onet_task_statements(path, sources_by_id()["onet_task_statements"]).table
    assert table["task_lower"].to_list() == [HEAD_COUNTS.lower()]


def test_onet_occupations(tmp_path):
    table = read_fixture(tmp_path, "occupations").table
    assert table.columns == ["onet_soc_2019", "title", "description"]
    assert table["title"].to_list() == [CEO, CSO]


def test_onet_crosswalk_one_to_many(tmp_path):
    table = read_fixture(tmp_path, "crosswalk").table
    split = table.filter(pl.col("onet_soc_2010") == "15-1132.00")
    assert split.select("title_2010", "onet_soc_2019").rows() == [
        (SWD, "15-1252.00"),
        (SWD, "15-1253.00"),
    ]


def test_soc_structure_levels(tmp_path):
    assert read_fixture(tmp_path, "soc").table.rows() == [
        ("11-0000", "major", "Management Occupations", "11"),
        ("11-1000", "minor", "Top Executives", "11"),
        ("11-1010", "broad", CEO, "11"),
        ("11-1011", "detailed", CEO, "11"),
        ("11-1011.03", "onet_soc", CSO, "11"),
    ]


def test_working_age_population(tmp_path):
    reading = read_fixture(tmp_path, "population")
    assert reading.table.schema["working_age_pop"] == pl.Int64
    assert reading.table.select("state", "state_fips", "state_name", "working_age_pop").rows() == [
        ("AL", "01", "Alabama", 3262439),
        ("DC", "11", "District of Columbia", 491070),
        ("WY", "56", "Wyoming", 366535),
    ]
    assert len(reading.report.absent["states"]) == 48  # a partial file says what it lacks


def test_state_gdp(tmp_path):
    table = read_fixture(tmp_path, "gdp").table
    assert table.schema["year"] == pl.Int16
    assert table.filter(pl.col("state") == "IN").select(
        "state_fips", "state_name", "gdp_usd", "year"
    ).rows() == [("18", "Indiana", 5.134234e11, 2024)]


# --- malformed cells and rows ------------------------------------------------------------

BAD_CELLS = {  # case: fixture, row index, column, new value, line, message[, column named]
    "long facet": ("long", 1, "facet", "mood", 3, "unknown facet 'mood'"),
    "long NA state": ("long", 1, "geo_id", "NA", 3, "unknown US state 'NA'"),
    "long text value": ("long", 1, "value", "1,6", 3, "'1,6' is not a number"),
    "long negative count": ("long", 0, "value", "-3.0", 2, "outside"),
    "long pct over 100": ("long", 1, "value", "100.5", 3, "outside"),
    "long date_start": ("long", 2, "date_start", "2025-08-05", 4, "registry's window"),
    "long date_end": ("long", 3, "date_end", "2025-08-18", 5, "registry's window"),
    "long geography": ("long", 1, "geography", "county", 3, "unknown value 'county'"),
    "long level 3": ("long", 0, "level", "3", 2, "unknown value '3'"),
    "long_nov US-ZZ": ("long_nov", 2, "geo_id", "US-ZZ", 4, "unknown US state 'US-ZZ'"),
    "long_nov dates": ("long_nov", 0, "date_start", FEB[0], 2, "for 'aei_2025_11'"),
    "wide category": ("wide", 4, "category_name", "task_family", 6, "unknown value"),
    "wide window": ("wide", 0, "date_end", "2026-04-30", 2, "registry's windows", "date_start"),
    "wide US-ZZ": ("wide", 1, "geo_id", "US-ZZ", 3, "unknown US subregion 'US-ZZ'"),
    "wide text value": ("wide", 2, "value", "n/a", 4, "'n/a' is not a number"),
    "wide pct over 100": ("wide", 0, "value", "180.0", 2, "outside"),
    "wide negative": ("wide", 2, "value", "-1.5", 4, "outside"),
    "exposure code": ("exposure", 1, "occ_code", "15-1252.00", 3, "not a SOC detailed code"),
    "exposure over 1": ("exposure", 1, "observed_exposure", "1.2", 3, "outside"),
    "penetration text": ("penetration", 1, "penetration", "high", 3, "is not a number"),
    "aei task code": ("aei_tasks", 1, "O*NET-SOC Code", "11-1031", 3, "not an O*NET-SOC code"),
    "onet task id": ("onet_tasks", 1, "Task ID", "88x", 3, "'88x' is not a"),
    "occupation code": ("occupations", 0, "O*NET-SOC Code", "11-1011", 2, "not an O*NET-SOC"),
    "crosswalk code": ("crosswalk", 2, "O*NET-SOC 2019 Code", "15-1253", 4, "not an O*NET-SOC"),
    "soc two codes": (
        "soc",
        2,
        "Detailed Occupation",
        "11-1011",
        4,
        "exactly one code column",
        "Major Group",
    ),
    "population ZZ": ("population", 1, "state_code", "ZZ", 3, "unknown US state or territory"),
    "population NA": ("population", 1, "state_code", "NA", 3, "state or territory 'NA'"),
    "population commas": ("population", 1, "working_age_pop", "3,262,439", 3, "not a Int64"),
    "gdp negative": ("gdp", 1, "gdp_total", "-5.0", 3, "outside"),
}


@pytest.mark.parametrize("case", sorted(BAD_CELLS))
def test_bad_cell_is_rejected(tmp_path, case):
    key, index, column, value, line, message, *named = BAD_CELLS[case]
    fixture = FIXTURES[key]
    rows = [list(row) for row in fixture.rows]
    rows[index][fixture.header.index(column)] = value
    path = fixture.write(tmp_path, rows)
    error = rejects(fixture.read, path)
    assert (error.line, error.column) == (line, named[0] if named else column)
    assert message in str(error) and str(path) in str(error)


DUPLICATES = {  # fixture: row repeated, column given another value, line, column named
    "long": (0, "value", 2, "geo_id"),
    "wide": (5, "node_name", 7, "date_start"),  # a request node renamed, same external id
    "exposure": (0, "observed_exposure", 2, "occ_code"),
    "penetration": (0, "penetration", 2, "task"),
    "aei_tasks": (0, "Task", 2, "O*NET-SOC Code"),
    "crosswalk": (1, None, 3, "O*NET-SOC 2010 Code"),
    "population": (0, "working_age_pop", 2, "state"),
}


@pytest.mark.parametrize("key", sorted(DUPLICATES))
def test_duplicate_key_is_rejected(tmp_path, key):
    index, column, line, named = DUPLICATES[key]
    fixture = FIXTURES[key]
    repeat = list(fixture.rows[index])
    if column:
        repeat[fixture.header.index(column)] = "0.5"
    error = rejects(fixture.read, fixture.write(tmp_path, [*fixture.rows, repeat]))
    assert (error.line, error.column) == (line, named) and "repeat the key" in str(error)


# --- damaged files, for every single-file reader -----------------------------------------


@pytest.mark.parametrize("key", ALL)
def test_missing_column(tmp_path, key):
    fixture = FIXTURES[key]
    keep = [i for i, name in enumerate(fixture.header) if name != fixture.drop]
    path = write_rows(
        tmp_path / fixture.name,
        [fixture.header[i] for i in keep],
        [[row[i] for i in keep] for row in fixture.rows],
        sep=fixture.sep,
    )
    error = rejects(fixture.read, path)
    assert (error.line, error.column) == (1, fixture.drop) and "missing column" in str(error)


@pytest.mark.parametrize("key", ALL)
def test_extra_column_is_accepted_with_a_warning(tmp_path, key):
    fixture = FIXTURES[key]
    plain = fixture.read(fixture.write(tmp_path))
    path = write_rows(
        tmp_path / f"extra_{fixture.name}",
        [*fixture.header, "notes"],
        [[*row, "x"] for row in fixture.rows],
        sep=fixture.sep,
    )
    reading = fixture.read(path)
    assert reading.table.equals(plain.table)
    assert any("'notes'" in warning for warning in reading.report.warnings)


@pytest.mark.parametrize("key", ALL)
def test_bom_and_crlf_are_accepted(tmp_path, key):
    fixture = FIXTURES[key]
    plain = fixture.read(fixture.write(tmp_path))
    path = write_rows(
        tmp_path / f"crlf_{fixture.name}",
        fixture.header,
        fixture.rows,
        sep=fixture.sep,
        crlf=True,
        bom=True,
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in path.read_bytes()
    assert fixture.read(path).table.equals(plain.table)


def _truncated(data: bytes) -> tuple[bytes, int]:
    """Cut the last line two bytes into its second field (a dropped download)."""
    body = data.rstrip(b"\n")
    start = body.rfind(b"\n") + 1
    second = min(i for i in (body.find(b",", start), body.find(b"\t", start)) if i > 0)
    return body[: second + 3], body.count(b"\n") + 1


def _not_utf8(data: bytes) -> tuple[bytes, int]:
    lines = data.split(b"\n")
    lines[2] = b"\xe9" + lines[2]  # a Latin-1 byte on line 3
    return b"\n".join(lines), 3


HTML = b"<!DOCTYPE html>\n<html><head><title>429 Too Many Requests</title></head></html>\n"
DAMAGE = {  # damage: (bytes -> (new bytes, line named)), message
    "empty": (lambda data: (b"", None), "the file is empty"),
    "html page": (lambda data: (HTML, 1), "HTML/XML page"),
    "truncated": (_truncated, "truncated"),
    "not utf-8": (_not_utf8, "not UTF-8"),
}


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_file(tmp_path, key, damage):
    fixture = FIXTURES[key]
    spoil, message = DAMAGE[damage]
    path = fixture.write(tmp_path)
    data, line = spoil(path.read_bytes())
    path.write_bytes(data)
    error = rejects(fixture.read, path)
    assert error.line == line and message in str(error) and str(path) in str(error)


def test_truncated_inside_the_last_value(tmp_path):
    fixture = FIXTURES["long"]
    path = fixture.write(tmp_path, fixture.rows[:7])  # ends: IN request_pct 10.79136690647482
    path.write_bytes(path.read_bytes()[:-9])  # ...,10.791366 without a newline
    rejects(fixture.read, path)


# --- BLS OEWS time.series ----------------------------------------------------------------


def sid(areatype, area, occupation, datatype, industry="000000"):
    return f"OEU{areatype}{area}{industry}{occupation}{datatype}"


OEWS_DATA = [
    (sid("N", "0000000", "000000", "01"), "155495730", ""),  # line 2
    (sid("S", "1800000", "000000", "01"), "3201220", ""),
    (sid("S", "1800000", "000000", "04"), "60840", ""),
    (sid("S", "1800000", "151252", "01"), "14860", ""),
    (sid("S", "1800000", "291022", "13"), "-", "5"),
    (sid("S", "1800000", "291022", "03"), "-", "5"),  # an hourly wage: not used, dropped
    (sid("S", "1800000", "291022", "04"), "-", "5"),
    (sid("S", "1800000", "111011", "01"), "-", "8"),
    (sid("M", "0026900", "000000", "01"), "1087530", ""),  # a metro area
    (sid("S", "1800000", "000000", "01", industry="511000"), "30000", ""),  # an industry
    (sid("S", "7200000", "000000", "01"), "713490", ""),  # line 12
]
OEWS_CODE_LISTS = {
    "area": (
        ["state_code", "area_code", "areatype_code", "area_name"],
        [
            ["00", "0000000", "N", "National"],
            ["18", "1800000", "S", "Indiana"],
            ["18", "0026900", "M", "Indianapolis-Carmel-Greenwood, IN"],
            ["17", "0016980", "M", "Chicago-Naperville-Elgin, IL-IN"],
            ["18", "1800001", "M", "Northern Indiana nonmetropolitan area"],
            ["72", "7200000", "S", "Puerto Rico"],
        ],
    ),
    "occupation": (
        ["occupation_code", "occupation_name", "display_level", "selectable", "sort_sequence"],
        [
            ["000000", "All Occupations", 0, "T", 1],
            ["111011", CEO, 3, "T", 4],
            ["151252", "Software Developers", 3, "T", 107],
            ["291022", "Oral and Maxillofacial Surgeons", 3, "T", 416],
        ],
    ),
    "datatype": (
        ["datatype_code", "datatype_name"],
        [
            ["01", "Employment"],
            ["02", "Employment percent relative standard error"],
            ["03", "Hourly mean wage"],
            ["04", "Annual mean wage"],
            ["13", "Annual median wage"],
        ],
    ),
    "footnote": (
        ["footnote_code", "footnote_text"],
        [
            [
                "4",
                "Wages for some occupations that do not generally work year-round, "
                "full time, are reported either as hourly wages or annual salaries "
                "depending on how they are typically paid.",
            ],
            ["5", "This wage is equal to or greater than $115.00 per hour or $239,200 per year."],
            ["8", "Estimate not released."],
        ],
    ),
}


def write_oews(directory: Path, data=OEWS_DATA, *, crlf=False, bom=False) -> dict[str, Path]:
    """The five time.series files; the data file padded with spaces as BLS pads it."""
    end = "\r\n" if crlf else "\n"
    lines = [
        "series_id                     \tyear\tperiod\t       value\tfootnote_codes",
        *(f"{s:<30}\t2025\tA01\t{v:>12}\t{f}" for s, v, f in data),
    ]
    paths = {"data": directory / "oe.data.0.Current"}
    paths["data"].write_text(("\ufeff" if bom else "") + end.join(lines) + end)
    for role, (header, rows) in OEWS_CODE_LISTS.items():
        paths[role] = write_rows(
            directory / f"oe.{role}", header, rows, sep="\t", crlf=crlf, bom=bom
        )
    return paths


def test_oews_states_nation_and_statuses(tmp_path):
    reading = read_oews(write_oews(tmp_path), {})
    table = reading.table
    assert (table.schema["value"], table.schema["year"]) == (pl.Float64, pl.Int16)
    cell = table.filter(
        (pl.col("state") == "IN")
        & (pl.col("soc_code") == "00-0000")
        & (pl.col("datatype_code") == "01")
    ).row(0, named=True)
    assert (cell["value"], cell["state_fips"], cell["state_name"], cell["area_name"]) == (
        3201220.0,
        "18",
        "Indiana",
        "Indiana",
    )
    assert (cell["occupation_level"], cell["status"], cell["source_line"]) == (
        "total",
        "published",
        3,
    )
    nation = table.filter(pl.col("geo_level") == "nation")
    assert nation.select("state", "value").rows() == [("US", 155495730.0)]
    hidden = table.filter(pl.col("status") != "published").sort("soc_code", "datatype_code")
    assert hidden.select("soc_code", "datatype_code", "value", "status", "lower_bound").rows() == [
        ("11-1011", "01", None, "not released", None),
        ("29-1022", "04", None, "top-coded", 239200.0),
        ("29-1022", "13", None, "top-coded", 239200.0),
    ]
    assert hidden["footnote_text"].cast(pl.String)[0] == "Estimate not released."
    assert table.filter(pl.col("is_territory"))["state"].to_list() == ["PR"]
    # industry detail and the unused hourly datatype dropped
    assert (reading.report.rows_in_file, table.height) == (11, 9)


def test_oews_metro_and_nonmetro_areas(tmp_path):
    """Areas inside the states are kept: a metro under the state oe.area files it under,
    with every state its name lists; a nonmetro area under its own state."""
    data = [
        (sid("M", "0016980", "000000", "01"), "4513280", ""),  # line 2
        (sid("M", "0016980", "000000", "02"), "0.4", ""),
        (sid("M", "0026900", "151252", "01"), "7140", ""),
        (sid("M", "1800001", "151252", "01"), "-", "8"),
        (sid("S", "1800000", "000000", "01"), "3201220", ""),
    ]
    table = read_oews(write_oews(tmp_path, data), {}).table
    assert table.select(
        "geo_level", "state", "area_code", "area_states", "datatype_code", "value", "status"
    ).rows() == [
        ("metro", "IL", "0016980", "IL,IN", "01", 4513280.0, "published"),
        ("metro", "IL", "0016980", "IL,IN", "02", 0.4, "published"),
        ("metro", "IN", "0026900", "IN", "01", 7140.0, "published"),
        ("nonmetro", "IN", "1800001", "IN", "01", None, "not released"),
        ("state", "IN", "1800000", "IN", "01", 3201220.0, "published"),
    ]
    assert table["state_name"].to_list()[:3] == ["Illinois", "Illinois", "Indiana"]


@pytest.mark.parametrize(
    ("area", "message", "column"),
    [
        (["17", "0016980", "M", "Chicago-Naperville-Elgin"], "does not end with", "area_name"),
        (["17", "0016980", "M", "Chicago-Naperville-Elgin, IL-XX"], "unknown state", "area_name"),
        (["18", "0016980", "M", "Chicago-Naperville-Elgin, IL-WI"], "files it under", "area_name"),
        (["99", "0016980", "M", "Chicago-Naperville-Elgin, IL-IN"], "no known state", "state_code"),
    ],
)
def test_oews_rejects_areas_whose_states_cannot_be_known(tmp_path, area, message, column):
    paths = write_oews(tmp_path)
    rows = paths["area"].read_text().splitlines()
    line = next(i for i, r in enumerate(rows, start=1) if "\t0016980\t" in r)
    rows[line - 1] = "\t".join(area)
    paths["area"].write_text("\n".join(rows) + "\n")
    error = rejects(read_oews, paths, {})
    assert error.path == paths["area"] and message in str(error)
    assert (error.line, error.column) == (line, column)


def test_oews_rejects_a_series_of_another_areatype_than_its_area(tmp_path):
    paths = write_oews(tmp_path, [*OEWS_DATA, (sid("S", "0026900", "000000", "01"), "5", "")])
    error = rejects(read_oews, paths, {})
    assert "areatype 'S'" in str(error) and error.line == 13


def test_oews_bom_and_crlf_are_accepted(tmp_path):
    plain = read_oews(write_oews(tmp_path), {}).table
    (tmp_path / "crlf").mkdir()
    assert read_oews(write_oews(tmp_path / "crlf", crlf=True, bom=True), {}).table.equals(plain)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ((sid("S", "1800000", "000000", "01"), "3,201,220", ""), "neither a number nor '-'"),
        ((sid("S", "1800000", "999999", "01"), "5", ""), "occupation_code '999999'"),
        ((sid("S", "1800000", "000000", "99"), "5", ""), "datatype_code '99'"),
        ((sid("S", "9900000", "000000", "01"), "5", ""), "area_code '9900000'"),
        ((sid("S", "1800000", "000000", "01"), "3201221", ""), "repeat the key"),
    ],
)
def test_oews_rejects_bad_data_rows(tmp_path, row, message):
    paths = write_oews(tmp_path, [*OEWS_DATA, row])
    error = rejects(read_oews, paths, {})
    assert error.path == paths["data"] and message in str(error)
    assert error.line == (3 if message == "repeat the key" else 13)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "empty"),
        (HTML.decode(), "HTML"),
        ("series_id\tyear\tperiod\tvalue\tfootnotes\n", "footnote_codes"),
    ],
)
def test_oews_rejects_empty_html_and_missing_columns(tmp_path, body, message):
    paths = write_oews(tmp_path)
    paths["data"].write_text(body)
    error = rejects(read_oews, paths, {})
    assert message in str(error) and error.path == paths["data"]


@pytest.mark.parametrize("damage", ["truncated", "not utf-8"])
def test_oews_damaged_data_file(tmp_path, damage):
    paths = write_oews(tmp_path)
    data, line = DAMAGE[damage][0](paths["data"].read_bytes())
    paths["data"].write_bytes(data)
    assert rejects(read_oews, paths, {}).line == line


@pytest.mark.parametrize("key", ["aei_tasks", "onet_tasks", "gdp", "oews"])
def test_genuine_upstream_headers_raise_no_warning(tmp_path, key):
    reading = read_oews(write_oews(tmp_path), {}) if key == "oews" else read_fixture(tmp_path, key)
    assert reading.report.warnings == []


def test_oews_keeps_exactly_the_datatypes_the_marts_use():
    from etl.marts.area_occupations import AREA_FIELDS
    from etl.marts.occupations import OEWS_FIELDS
    from etl.readers.oews import KEPT_DATATYPES

    assert sorted(KEPT_DATATYPES) == sorted(OEWS_FIELDS | AREA_FIELDS)


@pytest.mark.parametrize(
    "key, written, spelling",
    [("long", "US", "USA"), ("wide", "USA", "US")],
)
def test_national_rows_in_either_spelling_are_the_nation(tmp_path, key, written, spelling):
    """The raw long files write the nation `US`, the enriched and wide ones `USA`."""
    fixture = FIXTURES[key]
    column = fixture.header.index("geo_id")
    rows = [
        [spelling if str(cell) == written and i == column else cell for i, cell in enumerate(r)]
        for r in fixture.rows
    ]
    table = fixture.read(fixture.write(tmp_path, rows=rows)).table
    nation = table.filter(pl.col("geo_level") == "nation")
    assert nation.height == 1 and nation["state"].item() == "US"


# --- OMB county -> CBSA delineation (Census List 1, xlsx) --------------------------------

DELINEATION_HEADER = [
    "CBSA Code",
    "Metropolitan Division Code",
    "CSA Code",
    "CBSA Title",
    "Metropolitan/Micropolitan Statistical Area",
    "Metropolitan Division Title",
    "CSA Title",
    "County/County Equivalent",
    "State Name",
    "FIPS State Code",
    "FIPS County Code",
    "Central/Outlying County",
]
CHICAGO = "Chicago-Naperville-Elgin, IL-IN"
DELINEATION_ROWS = [  # rows 4-6 of the sheet
    ["16980", "16984", "176", CHICAGO, "Metropolitan Statistical Area", "Chicago", "Chicago",
     "Cook County", "Illinois", "17", "031", "Central"],
    ["16980", "23844", "176", CHICAGO, "Metropolitan Statistical Area", "Lake County", "Chicago",
     "Lake County", "Indiana", "18", "089", "Central"],
    ["23140", None, None, "Frankfort, IN", "Micropolitan Statistical Area", None, None,
     "Clinton County", "Indiana", "18", "023", "Outlying"],
]  # fmt: skip


def write_delineation(path: Path, rows=DELINEATION_ROWS, header=DELINEATION_HEADER) -> Path:
    """List 1 as the Census Bureau lays it out: two title rows, the header on row 3, the
    county rows, a blank row, then notes in column A."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "List 1"
    sheet.append(["Table with row headers in column A and column headers in row 3"])
    sheet.append(["List 1. CORE BASED STATISTICAL AREAS (CBSAs) ..., JULY 2023"])
    for row in [header, *rows]:
        sheet.append(row)
    sheet.append([])
    sheet.append(["Note: The Office of Management and Budget's (OMB's) 2020 Standards ..."])
    workbook.save(path)
    return path


def test_delineation_reads_the_county_rows_between_the_titles_and_the_notes(tmp_path):
    reading = read_delineation(write_delineation(tmp_path / "list1_2023.xlsx"), None)
    assert reading.table.rows() == [
        ("17031", "Cook County", "IL", "17", "16980", CHICAGO, "metropolitan", "central", 4),
        ("18089", "Lake County", "IN", "18", "16980", CHICAGO, "metropolitan", "central", 5),
        ("18023", "Clinton County", "IN", "18", "23140", "Frankfort, IN", "micropolitan",
         "outlying", 6),
    ]  # fmt: skip
    assert reading.report.warnings == []
    assert reading.report.present["CBSAs"] == ["metropolitan: 1", "micropolitan: 1"]


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (5, "FIPS County Code", "89", "not a 3-digit county FIPS code"),
        (6, "Metropolitan/Micropolitan Statistical Area", "Metro", "unknown value 'Metro'"),
        (5, "CBSA Title", "Chicago, IL", "CBSA 16980 is"),
    ],
)
def test_delineation_names_the_row_and_column_of_a_bad_cell(tmp_path, row, column, value, message):
    rows = [list(r) for r in DELINEATION_ROWS]
    rows[row - 4][DELINEATION_HEADER.index(column)] = value
    path = write_delineation(tmp_path / "list1_2023.xlsx", rows)
    error = rejects(read_delineation, path, None)
    assert message in str(error) and "list1_2023.xlsx" in str(error)
    assert (error.line, error.column) == (row, column)


def test_workbook_structure_is_checked_before_caching(tmp_path):
    from etl.readers.structure import check_structure
    from etl.sources.registry import sources_by_id

    source = sources_by_id()["cbsa_delineation"]
    good = write_delineation(tmp_path / "good.xlsx")
    check_structure(good, source)
    cut = tmp_path / "cut.part"  # a fetch's temporary name: not ending in .xlsx
    cut.write_bytes(good.read_bytes()[:-200])
    assert "truncated or damaged" in str(rejects(check_structure, cut, source))
    renamed = [c.replace("FIPS State Code", "State FIPS") for c in DELINEATION_HEADER]
    error = rejects(check_structure, write_delineation(tmp_path / "r.xlsx", header=renamed), source)
    assert "missing column" in str(error) and (error.line, error.column) == (3, "FIPS State Code")
    error = rejects(check_structure, write_delineation(tmp_path / "h.xlsx", rows=[]), source)
    assert "no data rows" in str(error)
    html = tmp_path / "page.xlsx"
    html.write_bytes(HTML)
    assert "HTML" in str(rejects(check_structure, html, source))
