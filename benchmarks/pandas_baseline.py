"""The baseline: the pipeline's reads, joins and outputs written plainly in pandas, the way a
typical analysis script would (pd.read_csv, merges, groupby, to_csv). It reads the same 18
files, computes the same headline tables (usage and AUI, request and task shares with US
baselines and specialization, OEWS occupations with exposure and attributed usage, state
summaries) and writes them as CSV. No validation, no provenance.

    python benchmarks/pandas_baseline.py MIRROR_DIR OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

AEI = "huggingface.co/datasets/Anthropic/EconomicIndex/resolve/main"
INTERMEDIATE = "release_2025_09_15/data/intermediate"
LONG_FILES = {
    "2025-08": f"{INTERMEDIATE}/aei_raw_claude_ai_2025-08-04_to_2025-08-11.csv",
    "2025-11": "release_2026_01_15/data/intermediate/"
    "aei_raw_claude_ai_2025-11-13_to_2025-11-20.csv",
    "2026-02": "release_2026_03_24/data/aei_raw_claude_ai_2026-02-05_to_2026-02-12.csv",
}
KEEP = {"keep_default_na": False, "na_values": []}


def read_inputs(mirror: Path) -> dict[str, pd.DataFrame]:
    aei, oe = mirror / AEI, mirror / "download.bls.gov/pub/time.series/oe"
    onet = mirror / "www.onetcenter.org/dl_files/database/db_29_3_text"
    tables = {
        "long": pd.concat(
            [pd.read_csv(aei / p, **KEEP).assign(wave=w) for w, p in LONG_FILES.items()]
        ),
        "wide": pd.read_csv(aei / "release_2026_06_26/data/aei_claude_ai_2026-06-26.csv", **KEEP),
        "population": pd.read_csv(aei / INTERMEDIATE / "working_age_pop_2024_us_state.csv"),
        "gdp": pd.read_csv(aei / INTERMEDIATE / "gdp_2024_us_state.csv"),
        "tasks": pd.read_csv(aei / INTERMEDIATE / "onet_task_statements.csv", **KEEP),
        "soc": pd.read_csv(aei / INTERMEDIATE / "soc_structure.csv", dtype=str, **KEEP),
        "exposure": pd.read_csv(aei / "labor_market_impacts/job_exposure.csv", **KEEP),
        "penetration": pd.read_csv(aei / "labor_market_impacts/task_penetration.csv", **KEEP),
        "tasks_2019": pd.read_csv(onet / "Task Statements.txt", sep="\t", **KEEP),
        "occupations_2019": pd.read_csv(onet / "Occupation Data.txt", sep="\t", **KEEP),
        "crosswalk": pd.read_csv(
            mirror / "www.onetcenter.org/taxonomy/2019/walk/2010_to_2019_Crosswalk.csv", **KEEP
        ),
        "oews": pd.read_csv(oe / "oe.data.0.Current", sep="\t", dtype=str, **KEEP),
    }
    for name in ("area", "occupation", "datatype", "footnote"):
        tables[f"oe_{name}"] = pd.read_csv(oe / f"oe.{name}", sep="\t", dtype=str, **KEEP)
    return tables


def run(mirror: Path, out: Path) -> None:
    t = read_inputs(mirror)
    out.mkdir(parents=True, exist_ok=True)

    # --- usage, AUI, automation per wave ------------------------------------------------
    long = t["long"]
    long = long[
        long["geography"].isin(["state_us", "country-state"]) & (long["geo_id"] != "not_classified")
    ].copy()
    long["state"] = long["geo_id"].str.replace("US-", "", regex=False)
    population = t["population"].rename(columns={"state": "name"})
    usage = long[long["variable"] == "usage_count"].merge(
        population, left_on="state", right_on="state_code"
    )
    usage["usage_share"] = usage["value"] / usage.groupby("wave")["value"].transform("sum") * 100
    usage["aui"] = (usage["usage_share"] / 100) / (
        usage["working_age_pop"] / usage.groupby("wave")["working_age_pop"].transform("sum")
    )
    usage["aui_rank"] = usage.groupby("wave")["aui"].rank(ascending=False, method="min")
    collab = long[long["variable"] == "collaboration_pct"]
    automation = (
        collab[collab["cluster_name"].isin(["directive", "feedback loop"])]
        .groupby(["wave", "state"])["value"]
        .sum()
        / collab.groupby(["wave", "state"])["value"].sum()
        * 100
    )
    usage = usage.merge(
        automation.rename("automation").reset_index(), on=["wave", "state"], how="left"
    )
    wide = t["wide"]
    wide = wide[(wide["geo_level"] == "subregion") & wide["geo_id"].str.startswith("US-")]
    overall = (
        wide[wide["category_name"] == "overall"]
        .pivot_table(index=["date_start", "geo_id"], columns="metric_id", values="value")
        .reset_index()
    )
    usage.to_csv(out / "usage.csv", index=False)
    overall.to_csv(out / "usage_wide.csv", index=False)

    # --- request shares, US baseline, specialization -----------------------------------
    weights = usage[["wave", "state", "value"]].rename(columns={"value": "w"})
    requests = long[long["variable"] == "request_pct"].merge(weights, on=["wave", "state"])
    requests["weighted"] = requests["value"] * requests["w"]
    us = requests.groupby(["wave", "level", "cluster_name"])[["weighted", "w"]].sum()
    us_totals = (
        requests.drop_duplicates(["wave", "level", "state"])
        .groupby(["wave", "level"])["w"]
        .sum()
        .rename("w_total")
    )
    us = us.reset_index().merge(us_totals.reset_index(), on=["wave", "level"])
    us["us_pct"] = us["weighted"] / us["w_total"]
    requests = requests.merge(
        us[["wave", "level", "cluster_name", "us_pct"]], on=["wave", "level", "cluster_name"]
    )
    requests["specialization"] = requests["value"] / requests["us_pct"]
    requests["rank"] = requests.groupby(["wave", "state", "level"])["value"].rank(
        ascending=False, method="first"
    )
    requests.to_csv(out / "requests.csv", index=False)

    # --- tasks -> occupations ------------------------------------------------------------
    task_rows = (
        long[long["facet"] == "onet_task"]
        .pivot_table(index=["wave", "state", "cluster_name"], columns="variable", values="value")
        .reset_index()
    )
    tasks = t["tasks"]
    tasks["task_lower"] = tasks["Task"].str.lower().str.strip()
    tasks["n"] = tasks.groupby("task_lower")["O*NET-SOC Code"].transform("nunique")
    crosswalk = t["crosswalk"]
    crosswalk["m"] = crosswalk.groupby("O*NET-SOC 2010 Code")["O*NET-SOC 2019 Code"].transform(
        "count"
    )
    path = task_rows.merge(tasks, left_on="cluster_name", right_on="task_lower").merge(
        crosswalk, left_on="O*NET-SOC Code", right_on="O*NET-SOC 2010 Code"
    )
    path["soc_code"] = path["O*NET-SOC 2019 Code"].str[:7]
    path["part"] = path["onet_task_pct"] / path["n"] / path["m"]
    path = path.merge(t["penetration"], left_on="Task", right_on="task", how="left")
    occupation_usage = path.groupby(["state", "soc_code"])["part"].sum().reset_index()
    occupation_usage["usage_share"] = (
        occupation_usage["part"] / occupation_usage.groupby("state")["part"].transform("sum") * 100
    )
    task_rows.to_csv(out / "tasks.csv", index=False)

    # --- OEWS occupations with exposure and usage ---------------------------------------
    oews = t["oews"]
    oews.columns = [c.strip() for c in oews.columns]
    oews["series_id"] = oews["series_id"].str.strip()
    oews = oews[
        oews["series_id"].str[3].isin(["N", "S"]) & (oews["series_id"].str[11:17] == "000000")
    ].copy()
    oews["value"] = pd.to_numeric(oews["value"].str.strip().replace("-", None))
    oews["area_code"] = oews["series_id"].str[4:11]
    oews["occupation_code"] = oews["series_id"].str[17:23]
    oews["datatype_code"] = oews["series_id"].str[23:25]
    area = t["oe_area"].apply(lambda c: c.str.strip())
    occupation = t["oe_occupation"].apply(lambda c: c.str.strip())
    oews = oews.merge(area, on="area_code").merge(occupation, on="occupation_code")
    oews["soc_code"] = oews["occupation_code"].str[:2] + "-" + oews["occupation_code"].str[2:]
    detailed = oews[
        (oews["display_level"] == "3") & oews["datatype_code"].isin(["01", "04", "13", "17"])
    ]
    occupations = detailed.pivot_table(
        index=["area_code", "area_name", "soc_code"], columns="datatype_code", values="value"
    ).reset_index()
    totals = oews[(oews["occupation_code"] == "000000") & (oews["datatype_code"] == "01")]
    occupations = occupations.merge(
        totals[["area_code", "value"]].rename(columns={"value": "total"}), on="area_code"
    )
    occupations["employment_share"] = occupations["01"] / occupations["total"] * 100
    occupations = occupations.merge(
        t["exposure"], left_on="soc_code", right_on="occ_code", how="left"
    )
    occupations.to_csv(out / "occupations.csv", index=False)

    # --- summary ---------------------------------------------------------------------------
    scored = occupations.dropna(subset=["01", "observed_exposure"]).copy()
    scored["weighted"] = scored["01"] * scored["observed_exposure"]
    scored["high"] = scored["01"].where(scored["observed_exposure"] >= 0.25, 0)
    summary = scored.groupby("area_code")[["weighted", "01", "high"]].sum()
    summary["exposure_weighted_employment"] = summary["weighted"] / summary["01"]
    largest = occupations.sort_values("01", ascending=False).groupby("area_code").head(3)
    top_uses = requests[requests["rank"] <= 3]
    summary.to_csv(out / "summary.csv")
    largest.to_csv(out / "largest.csv", index=False)
    top_uses.to_csv(out / "top_uses.csv", index=False)
    occupation_usage.to_csv(out / "occupation_usage.csv", index=False)


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]))
