"""The marts built from the real mirror: published figures, sums, coverage, documentation."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import polars as pl
import pytest

from etl.geo import US_51
from etl.marts.runner import MARTS, build_marts, publish
from etl.staging import load_staging

pytestmark = pytest.mark.integration
WAVES = ("2025-08", "2025-11", "2026-02", "2026-04", "2026-05")


def mart(config, name: str) -> pl.DataFrame:
    return pl.read_parquet(config.processed_dir / f"{name}.parquet")


def test_aui_recomputed_from_2025_08_counts_matches_published(built):
    usage = mart(built, "state_usage").filter(pl.col("wave") == "2025-08")
    aui = dict(usage.select("state", "aui_computed").rows())
    # Published Aug-2025 AUI (Anthropic, 2 dp): DC 3.82, UT 3.78.
    assert abs(round(aui["DC"], 2) - 3.82) < 1e-6
    assert abs(round(aui["UT"], 2) - 3.78) < 1e-6
    ranks = dict(usage.select("state", "aui_rank").rows())
    assert ranks["DC"] == 1 and ranks["UT"] == 2


def test_aui_definition_by_hand(built):
    """(count_s / Σ count) / (pop_s / Σ pop) over the 51, from the staged inputs."""
    long = pl.read_parquet(built.staging_dir / "aei_long.parquet")
    counts = dict(
        long.filter((pl.col("wave") == "2025-11") & (pl.col("variable") == "usage_count"))
        .select("state", "value")
        .rows()
    )
    population = dict(
        pl.read_parquet(built.staging_dir / "working_age_population.parquet")
        .select("state", "working_age_pop")
        .rows()
    )
    expected = (counts["IN"] / sum(counts.values())) / (population["IN"] / sum(population.values()))
    usage = mart(built, "state_usage").filter(
        (pl.col("wave") == "2025-11") & (pl.col("state") == "IN")
    )
    assert usage["aui"].item() == pytest.approx(expected, rel=1e-12)
    assert usage["aui_source"].item() == "computed from counts"


@pytest.mark.parametrize("wave", WAVES)
def test_usage_shares_sum_to_100_over_51_states(built, wave):
    usage = mart(built, "state_usage").filter(pl.col("wave") == wave)
    assert sorted(usage["state"]) == sorted(US_51)
    tolerance = 1e-9 if wave < "2026" else 0.05  # the wide release rounds to 2 dp
    assert usage["usage_share_pct"].sum() == pytest.approx(100, abs=tolerance)
    assert usage["aui"].null_count() == 0
    assert usage["aui_rank"].min() == 1 and usage["aui_rank"].max() <= 51


def test_published_usage_share_2025_08_sums_to_100(built):
    usage = mart(built, "state_usage").filter(pl.col("wave") == "2025-08")
    # The published share's denominator includes conversations of unknown state.
    assert usage["usage_share_published_pct"].sum() == pytest.approx(100, abs=0.01)


def test_request_shares_sum_to_100_per_state(built):
    requests = mart(built, "state_requests").filter(pl.col("level") == "minor")
    sums = requests.group_by("wave", "state").agg(pl.col("state_pct").sum())
    assert sums.height > 100
    assert sums["state_pct"].min() == pytest.approx(100, abs=1e-6)
    assert sums["state_pct"].max() == pytest.approx(100, abs=1e-6)


def test_automation_and_augmentation_sum_to_100(built):
    usage = mart(built, "state_usage").filter(pl.col("automation_share_pct").is_not_null())
    total = usage["automation_share_pct"] + usage["augmentation_share_pct"]
    assert (total - 100).abs().max() < 1e-9
    assert set(usage["wave"]) == {"2025-08", "2026-04", "2026-05"}


def test_a_wave_without_counts_is_marked_not_available_never_zero(built):
    usage = mart(built, "state_usage")
    wide = usage.filter(pl.col("wave").is_in(["2026-04", "2026-05"]))
    assert wide["usage_count"].null_count() == wide.height
    assert wide["aui_computed"].null_count() == wide.height
    assert (wide["aui_source"] == "published").all()
    assert not wide["fields_available"].str.contains("usage_count").any()
    nov = usage.filter(pl.col("wave") == "2025-11")  # no collaboration facet in the file
    assert nov["automation_share_pct"].null_count() == 51
    assert not (usage["usage_count"] == 0).any()


def test_every_table_has_51_states_for_every_wave(built):
    summary = mart(built, "state_summary")
    for wave in WAVES:
        rows = summary.filter((pl.col("wave") == wave) & ~pl.col("is_territory"))
        assert sorted(rows["state"]) == sorted([*US_51, "US"]), wave
    states = mart(built, "states")
    assert sorted(states.filter(~pl.col("is_territory"))["state"]) == sorted(US_51)
    assert states.filter(pl.col("state") == "IN")["neighbours"].item() == "IL,KY,MI,OH"
    occupations = mart(built, "state_occupations")
    assert set(US_51) <= set(occupations["state"])
    major = mart(built, "state_requests").filter(pl.col("level") == "major")
    for wave in ("2025-08", "2025-11", "2026-02"):
        assert major.filter(pl.col("wave") == wave)["state"].n_unique() == 51


def _hand_exposure_weighted_employment(mirror: Path, fips: str) -> float:
    """Independent of the pipeline: the raw BLS and AEI files, read with the csv module."""
    oe = mirror / "download.bls.gov" / "pub" / "time.series" / "oe"
    with (oe / "oe.occupation").open() as handle:
        detailed = {
            r["occupation_code"].strip()
            for r in csv.DictReader(handle, delimiter="\t")
            if r["display_level"].strip() == "3"
        }
    prefix = f"OEUS{fips}00000000000"
    employment: dict[str, float] = {}
    with (oe / "oe.data.0.Current").open() as handle:
        rows = csv.reader(handle, delimiter="\t")
        header = [name.strip() for name in next(rows)]  # BLS pads the columns with spaces
        for cells in rows:
            row = dict(zip(header, cells, strict=True))
            series = row["series_id"].strip()
            value = row["value"].strip()
            if series.startswith(prefix) and series.endswith("01") and value != "-":
                code = series[17:23]
                if code in detailed:
                    employment[f"{code[:2]}-{code[2:]}"] = float(value)
    exposure_file = (
        mirror
        / "huggingface.co"
        / "datasets"
        / "Anthropic"
        / "EconomicIndex"
        / "resolve"
        / "main"
        / "labor_market_impacts"
        / "job_exposure.csv"
    )
    with exposure_file.open() as handle:
        exposure = {r["occ_code"]: float(r["observed_exposure"]) for r in csv.DictReader(handle)}
    both = [code for code in employment if code in exposure]
    return sum(employment[c] * exposure[c] for c in both) / sum(employment[c] for c in both)


@pytest.mark.parametrize("state, fips", [("IN", "18"), ("CA", "06"), ("WY", "56")])
def test_exposure_weighted_employment_by_hand(built, mirror, state, fips):
    summary = mart(built, "state_summary").filter(
        (pl.col("state") == state) & (pl.col("wave") == "2026-05")
    )
    expected = _hand_exposure_weighted_employment(mirror, fips)
    assert summary["exposure_weighted_employment"].item() == pytest.approx(expected, rel=1e-12)


def test_coverage_is_measured_and_stored(built):
    manifest = json.loads((built.processed_dir / "manifest.json").read_text())
    coverage = manifest["coverage"]
    exposure = coverage["employment_with_exposure_pct"]
    assert 85 <= exposure["states"]["min"] <= exposure["states"]["max"] <= 95
    assert exposure["US"] == pytest.approx(90.38, abs=0.01)
    by_match = coverage["us_task_usage_by_match_pct"]
    assert by_match["wave"] == "2025-08"
    # docs/data-sources.md: the path through the 2010->2019 crosswalk reaches 98.9 % directly; the
    # combined OEWS codes take the rest.
    assert by_match["shares"]["direct"] == pytest.approx(98.9, abs=0.05)
    assert sum(by_match["shares"].values()) == pytest.approx(100, abs=1e-6)
    assert "21-1011 -> 21-1018" in by_match["combined_codes_used"]
    assert coverage["task_usage_reaching_employment_pct"]["US"] == pytest.approx(100, abs=1e-6)


def test_indiana_largest_occupations_and_top_use(built):
    occupations = mart(built, "state_occupations").filter(pl.col("state") == "IN")
    total = occupations.sort("rank_by_employment", nulls_last=True).head(1)
    assert total["title"].item() == "Laborers and Freight, Stock, and Material Movers, Hand"
    assert total["employment"].item() == 103_200
    summary = mart(built, "state_summary").filter(
        (pl.col("state") == "IN") & (pl.col("wave") == "2025-08")
    )
    assert summary["largest_occupation_1_title"].item() == total["title"].item()
    assert summary["total_employment"].item() == 3_201_220
    top = mart(built, "state_requests").filter(
        (pl.col("state") == "IN")
        & (pl.col("wave") == "2025-08")
        & (pl.col("level") == "major")
        & (pl.col("rank_in_state") == 1)
    )
    assert summary["top_use_1_name"].item() == top["cluster"].item()
    assert summary["top_use_1_specialization"].item() == pytest.approx(
        top["state_pct"].item() / top["us_pct"].item()
    )


def test_wyoming_nov_2025_is_flagged_not_hidden(built):
    usage = mart(built, "state_usage").filter(
        (pl.col("wave") == "2025-11") & (pl.col("state") == "WY")
    )
    assert usage["usage_count"].item() > 0
    assert "anomalous" in usage["caveat"].item()


def test_every_mart_column_is_in_the_data_dictionary(built):
    dictionary = pl.read_csv(built.processed_dir / "data_dictionary.csv")
    documented = set(dictionary.select("table", "column").rows())
    for spec in MARTS:
        frame = mart(built, spec.name)
        assert frame.columns == spec.column_names
        missing = {(spec.name, c) for c in frame.columns} - documented
        assert not missing, missing
        csv_copy = pl.read_csv(
            built.processed_dir / "csv" / f"{spec.name}.csv", infer_schema_length=0
        )
        assert csv_copy.height == frame.height
    assert (dictionary["definition"].str.len_chars() > 0).all()


def test_marts_are_deterministic(built, tmp_path):
    """Same staging tables -> byte-identical Parquet for every table."""
    manifest = json.loads((built.processed_dir / "manifest.json").read_text())
    staged = load_staging(built.staging_dir)
    again = tmp_path / "processed"
    publish(build_marts(staged), staged, again, manifest["fingerprint"])
    for spec in MARTS:
        name = f"{spec.name}.parquet"
        assert (again / name).read_bytes() == (built.processed_dir / name).read_bytes(), name


def test_conform_sorts_by_key_and_refuses_a_repeated_key():
    from etl.spec import Mart, col

    spec = Mart(
        name="toy",
        description="",
        key=("state", "level"),
        columns=(
            col("state", pl.String, "", ""),
            col("level", pl.Int8, "", ""),
            col("value", pl.Float64, "", ""),
        ),
        staging=(),
        marts=(),
        build=lambda inputs: inputs["toy"],
    )
    frame = pl.DataFrame(
        {
            "state": ["OH", None, "IN", "IN"],
            "level": [0, 1, 1, 0],
            "value": [1.0, 2.0, 3.0, 4.0],
            "working": ["x"] * 4,
        }
    )
    conformed = spec.conform(frame)
    assert conformed.columns == ["state", "level", "value"]
    # nulls sort first: the first row has no predecessor, so it is never a "repeat"
    assert conformed.rows() == [(None, 1, 2.0), ("IN", 0, 4.0), ("IN", 1, 3.0), ("OH", 0, 1.0)]
    with pytest.raises(ValueError, match=r"repeats, e.g. \[\('IN', 1\)\]"):
        spec.conform(pl.concat([frame, frame.slice(2, 1)]))


def test_published_national_rows_replace_the_state_weighted_us_share(built):
    """A complete release has national rows (`US` or `USA`): where they exist the published
    US share is used, and the manifest's coverage says which was used."""
    staged = load_staging(built.staging_dir)
    long = staged.tables["aei_long"]
    template = long.filter(
        (pl.col("wave") == "2025-08")
        & (pl.col("facet") == "request")
        & (pl.col("level") == 2)
        & (pl.col("state") == "IN")
    ).head(1)
    cluster = template["cluster_name"].item()
    national = template.with_columns(
        pl.lit("nation").alias("geo_level"),
        pl.lit("US").alias("state"),
        pl.lit(12.345).alias("value"),
        pl.lit(None, pl.String).alias("state_fips"),
        pl.lit(None, pl.String).alias("state_name"),
    )
    collaboration = long.filter(
        (pl.col("wave") == "2025-08")
        & (pl.col("facet") == "collaboration")
        & (pl.col("state") == "IN")
        & pl.col("cluster_name").is_in(
            ["directive", "feedback loop", "task iteration", "learning", "validation"]
        )
    ).with_columns(
        pl.lit("nation").alias("geo_level"),
        pl.lit("US").alias("state"),
        pl.lit(20.0).alias("value"),  # five equal patterns: automation = 2 / 5 = 40 %
        pl.lit(None, pl.String).alias("state_fips"),
        pl.lit(None, pl.String).alias("state_name"),
    )
    tables = dict(staged.tables)
    tables["aei_long"] = pl.concat([long, national, collaboration])
    marts = build_marts(type(staged)(tables, staged.sources))
    requests = marts["state_requests"].filter(
        (pl.col("wave") == "2025-08")
        & (pl.col("cluster") == cluster)
        & (pl.col("level") == "major")
    )
    assert set(requests["us_pct"]) == {12.345}
    assert set(requests["us_pct_source"]) == {"published national"}
    us = marts["state_summary"].filter((pl.col("wave") == "2025-08") & (pl.col("state") == "US"))
    assert us["automation_share_pct"].item() == pytest.approx(40.0)
