"""Every upstream file the product uses, declared once.

A new AEI release is one more `Source` here (plus a reader only if its schema is new).
`sha256`/`bytes` are set where the upstream file's checksum is known; the lock file
(`data/sources.lock.json`) pins every file on first sight either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AEI_ROOT = "https://huggingface.co/datasets/Anthropic/EconomicIndex/resolve/main/"
ONET_TEXT = "https://www.onetcenter.org/dl_files/database/db_29_3_text/"
OEWS_ROOT = "https://download.bls.gov/pub/time.series/oe/"

AEI_LICENCE = "CC-BY (Anthropic Economic Index data); dataset card MIT"
ONET_LICENCE = "CC BY 4.0"
BLS_LICENCE = "Public domain (U.S. Bureau of Labor Statistics)"

AEI_CITATION = (
    "Anthropic. Anthropic Economic Index, {release}. Hugging Face dataset "
    "Anthropic/EconomicIndex, https://huggingface.co/datasets/Anthropic/EconomicIndex"
)
ONET_CITATION = (
    "O*NET 29.3 Database, U.S. Department of Labor, Employment and Training Administration "
    "(USDOL/ETA), National Center for O*NET Development. Used under the CC BY 4.0 license. "
    "https://www.onetcenter.org/database.html"
)
ONET_CROSSWALK_CITATION = (
    "O*NET-SOC 2010 to O*NET-SOC 2019 Crosswalk, National Center for O*NET Development, "
    "USDOL/ETA. Used under the CC BY 4.0 license. https://www.onetcenter.org/taxonomy/2019/walk.html"
)
LABOR_MARKET_CITATION = (
    "Massenkoff, M. and McCrory, P. (2026). Labor market impacts of AI: A new measure and "
    "early evidence. Anthropic. Data: Anthropic Economic Index, labor_market_impacts, "
    "https://huggingface.co/datasets/Anthropic/EconomicIndex"
)
CENSUS_LICENCE = "Public domain (U.S. Census Bureau)"
DELINEATION_CITATION = (
    "U.S. Census Bureau, Population Division. List 1: Core Based Statistical Areas (CBSAs), "
    "Metropolitan Divisions, and Combined Statistical Areas (CSAs), July 2023, based on OMB "
    "Bulletin No. 23-01. https://www.census.gov/geographies/reference-files/time-series/demo/"
    "metro-micro/delineation-files.html"
)
BLS_CITATION = (
    "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics (OEWS), "
    "May 2025 estimates, time.series flat files, https://www.bls.gov/oes/"
)


@dataclass(frozen=True)
class Source:
    """One upstream file."""

    id: str
    url: str
    title: str
    publisher: str
    release: str
    licence: str
    citation: str
    reader: str  # the format: which reader in etl.readers parses it
    role: str = "data"  # for readers that combine several files (BLS metadata)
    # AEI wave -> (date_start, date_end) exactly as the file writes them.
    waves: dict[str, tuple[str, str]] = field(default_factory=dict)
    sha256: str | None = None  # upstream checksum, where known
    bytes: int | None = None
    extra_facets: tuple[str, ...] = ()  # AEI facets a release adds beyond the known ones
    # wave -> state -> caveat the publisher stated (flagged in the marts, never hidden)
    anomalies: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: str = ""

    @property
    def window(self) -> str:
        return "; ".join(f"{w}: {a} to {b}" for w, (a, b) in self.waves.items())


def _aei(
    id: str,
    path: str,
    title: str,
    release: str,
    reader: str,
    citation: str | None = None,
    **kw: object,
) -> Source:
    return Source(
        id=id,
        url=AEI_ROOT + path,
        title=title,
        publisher="Anthropic",
        release=release,
        licence=AEI_LICENCE,
        citation=citation or AEI_CITATION.format(release=release),
        reader=reader,
        **kw,
    )


def _companion(id: str, name: str, title: str, reader: str, sha256: str, size: int) -> Source:
    return _aei(
        id,
        f"release_2025_09_15/data/intermediate/{name}",
        title,
        "release_2025_09_15",
        reader,
        sha256=sha256,
        bytes=size,
    )


def _oews(role: str, name: str, title: str, **kw: object) -> Source:
    return Source(
        id=f"oews_{role}",
        url=OEWS_ROOT + name,
        title=title,
        publisher="BLS",
        release="OEWS May 2025 (2025A01)",
        licence=BLS_LICENCE,
        citation=BLS_CITATION,
        reader="oews",
        role=role,
        **kw,
    )


def _onet(id: str, name: str, title: str, reader: str, sha256: str, size: int) -> Source:
    return Source(
        id=id,
        url=ONET_TEXT + name.replace(" ", "%20"),
        title=title,
        publisher="O*NET Resource Center",
        release="O*NET 29.3",
        licence=ONET_LICENCE,
        citation=ONET_CITATION,
        reader=reader,
        sha256=sha256,
        bytes=size,
    )


SOURCES: tuple[Source, ...] = (
    # --- AEI usage, one file per release -------------------------------------------------
    _aei(
        "aei_2025_08",
        "release_2025_09_15/data/intermediate/aei_raw_claude_ai_2025-08-04_to_2025-08-11.csv",
        "AEI Claude.ai usage, Aug 4-11 2025 (raw, long schema)",
        "release_2025_09_15",
        "aei_long",
        waves={"2025-08": ("2025-08-04", "2025-08-11")},
        notes="US states as geography=state_us, geo_id USPS. Upstream is 18,894,517 bytes.",
    ),
    _aei(
        "aei_2025_11",
        "release_2026_01_15/data/intermediate/aei_raw_claude_ai_2025-11-13_to_2025-11-20.csv",
        "AEI Claude.ai usage, Nov 13-20 2025 (raw, long schema)",
        "release_2026_01_15",
        "aei_long",
        waves={"2025-11": ("2025-11-13", "2025-11-20")},
        notes="US states as geography=country-state, geo_id US-XX.",
        anomalies={
            "2025-11": {
                "WY": "AEI's January 2026 report excluded Wyoming's traffic "
                "in this window as anomalous; the file still counts it "
                "and so do we."
            }
        },
    ),
    _aei(
        "aei_2026_02",
        "release_2026_03_24/data/aei_raw_claude_ai_2026-02-05_to_2026-02-12.csv",
        "AEI Claude.ai usage, Feb 5-12 2026 (raw, long schema)",
        "release_2026_03_24",
        "aei_long",
        waves={"2026-02": ("2026-02-05", "2026-02-12")},
        notes="As 2025-11, plus GU, PR, VI.",
    ),
    _aei(
        "aei_2026_06_26",
        "release_2026_06_26/data/aei_claude_ai_2026-06-26.csv",
        "AEI Claude.ai usage, April and May 2026 (wide schema)",
        "release_2026_06_26",
        "aei_wide",
        waves={"2026-04": ("2026-04-01", "2026-05-01"), "2026-05": ("2026-05-01", "2026-06-01")},
        notes="date_end is exclusive; values rounded to 2 dp; no counts.",
    ),
    # --- AEI companion files -------------------------------------------------------------
    _companion(
        "aei_task_statements",
        "onet_task_statements.csv",
        "O*NET 20.1 task statements as used by AEI (O*NET-SOC 2010 codes)",
        "aei_task_statements",
        "88427f8d2a9f37a7c08b5420c6c66a01cdae6467b716bbbd31989128504b8ebb",
        3650862,
    ),
    _companion(
        "soc_structure",
        "soc_structure.csv",
        "SOC 2018 structure with O*NET-SOC titles",
        "soc_structure",
        "97dee70470182ac642872839f71a4a938c03677829aadca9bfbf250cb4021863",
        78834,
    ),
    _companion(
        "working_age_population",
        "working_age_pop_2024_us_state.csv",
        "Working-age (15-64) population by state, 2024 (Census; the AUI denominator)",
        "working_age_population",
        "e2d0fb7239934f4f6d0ae3444ab12ad8ff1dd323b71ccfc4295d074b537f17ec",
        1079,
    ),
    _companion(
        "state_gdp",
        "gdp_2024_us_state.csv",
        "GDP by state, 2024 (BEA, via AEI)",
        "state_gdp",
        "cb1573e8143bd407c2ea7c43f5a6822852568c596dbde843fc5d8692c9e967ec",
        2179,
    ),
    _aei(
        "job_exposure",
        "labor_market_impacts/job_exposure.csv",
        "Observed AI exposure by occupation (SOC 2018)",
        "labor_market_impacts",
        "job_exposure",
        citation=LABOR_MARKET_CITATION,
        sha256="4f0a3adf5feeb2ec5f5d02ab18cc5e851a2a4b8470bde84c0c9335017be12d68",
        bytes=37176,
    ),
    _aei(
        "task_penetration",
        "labor_market_impacts/task_penetration.csv",
        "Observed AI penetration by O*NET task statement",
        "labor_market_impacts",
        "task_penetration",
        citation=LABOR_MARKET_CITATION,
        sha256="85bee872db1d55d3e9a7f4e89da5ae4a5d59aa8ec875d728fbf4b7d820984616",
        bytes=1889822,
    ),
    # --- O*NET ---------------------------------------------------------------------------
    _onet(
        "onet_task_statements",
        "Task Statements.txt",
        "O*NET 29.3 task statements (O*NET-SOC 2019)",
        "onet_task_statements",
        "d0204389a327a5483f8b09a5f00c3e4d4855faab70eb98ffd57f2f6750c4326a",
        3425421,
    ),
    _onet(
        "onet_occupations",
        "Occupation Data.txt",
        "O*NET 29.3 occupations (O*NET-SOC 2019)",
        "onet_occupations",
        "164236c5e0f1d16bfbafe017a16f20a993948cc4b1534d1da631652c81708f0f",
        264777,
    ),
    Source(
        id="onet_crosswalk_2010_2019",
        url="https://www.onetcenter.org/taxonomy/2019/walk/2010_to_2019_Crosswalk.csv?fmt=csv",
        title="O*NET-SOC 2010 to 2019 taxonomy crosswalk",
        publisher="O*NET Resource Center",
        release="O*NET-SOC 2019 taxonomy",
        licence=ONET_LICENCE,
        citation=ONET_CROSSWALK_CITATION,
        reader="onet_crosswalk",
        sha256="8f026a33134bfde5770308d1c6117cf70d9dd41c2b3467e6dd271d65bdeecc5a",
        bytes=108052,
    ),
    # --- BLS OEWS (May 2025) -------------------------------------------------------------
    _oews(
        "data",
        "oe.data.0.Current",
        "OEWS May 2025 estimates (all series)",
        notes="Upstream is ~331 MB (all areas, industries); only cross-industry national "
        "and state series are kept.",
    ),
    _oews("area", "oe.area", "OEWS area codes"),
    _oews("occupation", "oe.occupation", "OEWS occupation codes (SOC 2018) and levels"),
    _oews("datatype", "oe.datatype", "OEWS datatype codes"),
    _oews("footnote", "oe.footnote", "OEWS footnote codes"),
    # --- OMB metropolitan delineation (county -> CBSA) ---------------------------------------
    Source(
        id="cbsa_delineation",
        url="https://www2.census.gov/programs-surveys/metro-micro/geographies/reference-files/"
        "2023/delineation-files/list1_2023.xlsx",
        title="Counties in core based statistical areas, July 2023 (OMB delineation, Census "
        "List 1)",
        publisher="U.S. Census Bureau",
        release="July 2023 (OMB Bulletin 23-01)",
        licence=CENSUS_LICENCE,
        citation=DELINEATION_CITATION,
        reader="cbsa_delineation",
        notes="xlsx: title rows, the header on row 3, notes after the county rows. Its 393 "
        "metropolitan CBSAs are the OEWS May 2025 metropolitan areas (area code 00 + CBSA). "
        "Counties in no CBSA are not listed.",
    ),
)


# Top-level AEI folders on the Hub that no source uses on purpose (`aiei releases` reports
# every other folder the registry does not use as new).
IGNORED_RELEASES: dict[str, str] = {
    "release_2025_02_10": "first report (February 2025): national task shares only, "
    "no US-state geography",
    "release_2025_03_27": "March 2025 update: national task and occupation data only, "
    "no US-state geography",
}


# The registry is read through these functions, at call time, so a test can add an entry
# (a new release) by replacing SOURCES alone.
def sources() -> tuple[Source, ...]:
    return SOURCES


def sources_by_id() -> dict[str, Source]:
    by_id = {s.id: s for s in SOURCES}
    if len(by_id) != len(SOURCES):
        raise ValueError("etl/sources/registry.py: two sources share an id")
    return by_id


def aei_wave_sources() -> dict[str, Source]:
    """AEI wave (YYYY-MM) -> the source file that carries it."""
    return {wave: s for s in SOURCES for wave in s.waves}
