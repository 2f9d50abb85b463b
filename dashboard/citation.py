"""How to cite the index: plain text and BibTeX with the URL, the version and the build,
as pure functions (the Cite panel on every page, the briefing, the ZIP bundle).
CITATION.cff at the repository root says the same for software indexes."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

TITLE = "State AI Economic Index"
AUTHOR = "State AI Economic Index contributors"  # as in CITATION.cff
PACKAGE = "state-ai-economic-index"
DATA_SOURCES = (
    "Data: Anthropic Economic Index (CC-BY); O*NET 29.3 (USDOL/ETA, CC BY 4.0); BLS OEWS May 2025."
)
_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


@dataclass(frozen=True)
class Citation:
    url: str
    version: str
    build_id: str
    built: str  # the build's date, YYYY-MM-DD
    subject: str = ""  # what is cited, e.g. "AI in Indiana"; empty: the index itself

    @property
    def year(self) -> str:
        return self.built[:4]


@functools.cache  # the running code's version: reading it parses the package's metadata
def package_version() -> str:
    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unreleased"


def of_build(manifest: dict, url: str, subject: str = "") -> Citation:
    """The citation of `url` as built from the build whose manifest is `manifest`."""
    return Citation(
        url=url,
        version=package_version(),
        build_id=str(manifest.get("build_id", "")),
        built=str(manifest.get("built_at", ""))[:10],
        subject=subject,
    )


def plain_text(c: Citation) -> str:
    """`State AI Economic Index (2026). AI in Indiana. Version 0.1.0, data build
    79cefcff31da of 2026-11-30. Data: ... <url>` (the URL last, so no full stop joins it)."""
    what = f" {c.subject}." if c.subject else ""
    return (
        f"{TITLE} ({c.year}).{what} Version {c.version}, data build {c.build_id} of "
        f"{c.built}. {DATA_SOURCES} {c.url}"
    )


def _bibtex_text(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def bibtex(c: Citation) -> str:
    key = (
        "aiei"
        + c.year
        + (("_" + re.sub(r"[^a-z0-9]+", "_", c.subject.lower()).strip("_")) if c.subject else "")
    )
    title = f"{{{TITLE}}}" + (f": {_bibtex_text(c.subject)}" if c.subject else "")
    fields = {
        "title": title,
        "author": f"{{{AUTHOR}}}",
        "year": c.year,
        "version": _bibtex_text(c.version),
        "url": c.url,
        "note": _bibtex_text(f"Data build {c.build_id} of {c.built}. {DATA_SOURCES}"),
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@misc{{{key},\n{body}\n}}\n"
