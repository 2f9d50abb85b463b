"""The real mirror files, read by the real readers: published values must come out."""

from __future__ import annotations

import json

import polars as pl
import pytest

from etl.geo import US_51

pytestmark = pytest.mark.integration


def staged(config, table: str) -> pl.DataFrame:
    return pl.read_parquet(config.staging_dir / f"{table}.parquet")


def test_oews_indiana_all_occupation_employment(built):
    oews = staged(built, "oews")
    cell = oews.filter(
        (pl.col("geo_level") == "state")
        & (pl.col("state") == "IN")
        & (pl.col("soc_code") == "00-0000")
        & (pl.col("datatype_code") == "01")
    )
    assert cell["value"].to_list() == [3_201_220]
    assert cell["series_id"].to_list() == ["OEUS180000000000000000001"]
    states = oews.filter(pl.col("geo_level") == "state")
    assert states["state"].n_unique() == 54  # 50 states, DC, GU, PR, VI
    assert set(states.filter(pl.col("is_territory"))["state"].unique()) == {"GU", "PR", "VI"}


def test_oews_missing_values_are_null_with_their_reason(built):
    oews = staged(built, "oews")
    hidden = oews.filter(pl.col("status") != "published")
    assert hidden.height > 0 and hidden["value"].null_count() == hidden.height
    not_released = oews.filter(pl.col("status") == "not released")
    assert (not_released["footnote_codes"] == "8").all()
    topcoded = oews.filter(pl.col("status") == "top-coded")
    assert topcoded.height > 0
    assert set(topcoded["lower_bound"].unique()) == {239_200.0}  # annual wages only
    assert topcoded["footnote_text"].cast(pl.String).str.contains("239,200").all()


def test_every_aei_wave_has_51_states(built):
    long = staged(built, "aei_long").filter(pl.col("geo_level") == "state")
    for wave in ("2025-08", "2025-11", "2026-02"):
        usage = long.filter((pl.col("wave") == wave) & (pl.col("variable") == "usage_count"))
        assert sorted(usage["state"]) == sorted(US_51), wave
    wide = staged(built, "aei_wide")
    for wave in ("2026-04", "2026-05"):
        aui = wide.filter(
            (pl.col("wave") == wave) & (pl.col("metric_id") == "usage_per_capita_index")
        )
        assert sorted(aui["state"]) == sorted(US_51), wave


def test_2025_08_usage_pct_sums_to_100(built):
    long = staged(built, "aei_long")
    usage = long.filter((pl.col("wave") == "2025-08") & (pl.col("variable") == "usage_pct"))
    assert usage.height == 51
    assert usage["value"].sum() == pytest.approx(100, abs=0.01)


def test_2026_05_published_aui_and_usage_share(built):
    wide = staged(built, "aei_wide").filter(pl.col("wave") == "2026-05")
    usage = wide.filter(pl.col("metric_id") == "usage_pct")
    assert usage["value"].sum() == pytest.approx(100, abs=0.05)
    aui = dict(
        wide.filter(pl.col("metric_id") == "usage_per_capita_index").select("state", "value").rows()
    )
    assert aui["DC"] > aui["IN"] > 0
    assert set(wide["unit"].unique()) >= {"percent"}


def test_wide_time_metrics_carry_their_units(built):
    wide = staged(built, "aei_wide")
    units = dict(
        wide.filter(pl.col("metric_id").str.contains("time_mean"))
        .select("metric_id", "unit")
        .unique()
        .rows()
    )
    assert units == {"human_only_time_mean": "hours", "human_with_ai_time_mean": "minutes"}


def test_job_exposure_has_756_occupations(built):
    exposure = staged(built, "job_exposure")
    assert exposure.height == 756
    assert exposure.filter(pl.col("soc_code") == "11-1021")["observed_exposure"].item() == 0.1378


def test_aei_task_statements_has_19530_rows(built):
    tasks = staged(built, "aei_task_statements")
    assert tasks.height == 19_530
    # AEI's task names are these statements lower-cased: all 447 of the 2025-08 state rows match.
    long = staged(built, "aei_long").filter(pl.col("facet") == "onet_task")
    names = set(long["cluster_name"].unique())
    assert len(names) == 447
    assert names <= set(tasks["task_lower"])


def test_crosswalk_and_onet_29_3(built):
    assert staged(built, "onet_crosswalk").height == 1_164
    assert staged(built, "onet_task_statements").height == 18_796
    assert staged(built, "onet_occupations").height == 1_016


def test_population_and_gdp_cover_51(built):
    population = staged(built, "working_age_population")
    assert sorted(population["state"]) == sorted(US_51)
    assert population.filter(pl.col("state") == "WY")["working_age_pop"].item() == 366_535
    gdp = staged(built, "state_gdp")
    assert gdp.filter(pl.col("state") == "TX")["gdp_usd"].item() == 2_709_392_900_000.0
    assert gdp.filter(pl.col("state") == "IN")["state_fips"].item() == "18"


def test_task_penetration_collapses_upstream_verbatim_repeats(built):
    manifest = json.loads((built.staging_dir / "manifest.json").read_text())
    report = manifest["sources"]["task_penetration"]["read"]
    assert report["rows_in_file"] == 17_998
    assert report["rows_kept"] == 17_992
    assert any("verbatim repeated" in w for w in report["warnings"])


def test_manifest_records_every_source_and_partial_facets(built):
    manifest = json.loads((built.staging_dir / "manifest.json").read_text())
    sources = manifest["sources"]
    assert len(sources) == 19
    entry = sources["aei_2025_11"]
    assert len(entry["sha256"]) == 64 and entry["bytes"] > 0 and entry["retrieved_at"]
    absent = entry["read"]["absent"]["state facet variables"]
    assert "onet_task/onet_task_pct" in absent and "usage/usage_pct" in absent
    assert entry["read"]["absent"]["state request levels"] == ["0"]


def test_second_build_downloads_and_rebuilds_nothing(built, capsys):
    from etl.build import build
    from etl.sources.options import FetchOptions

    result = build(built, FetchOptions(offline=True, progress=False))
    out = capsys.readouterr().out
    assert "0 downloaded/copied" in out
    assert not result.rebuilt and "nothing changed" in out
