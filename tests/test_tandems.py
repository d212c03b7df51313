"""Tandems: the planted effect (truth.json), a second implementation (statsmodels), options
and properties."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnostics import ConfigError, InsufficientDataError, load
from diagnostics.comparisons import wilson_interval
from diagnostics.tandems import QUADRANTS, tandem_analysis, tandem_table

SAMPLE = "data/sample"


@pytest.fixture(scope="module")
def truth():
    return json.loads(Path(SAMPLE, "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def planted(wb, truth):
    return tandem_analysis(wb, threshold=truth["grassroots_threshold"])


def test_planted_rates_are_found_within_their_intervals(planted, truth) -> None:
    q = planted.quadrants.set_index("quadrant")
    for name, rate in truth["tandem_rates"].items():
        assert q.at[name, "success_rate"] == pytest.approx(rate, abs=0.011), name
        assert q.at[name, "ci_low"] <= rate <= q.at[name, "ci_high"], name


def test_the_tandem_effect_is_found_with_its_interval(planted, truth) -> None:
    t = planted.test
    assert t["fisher_p"] < 1e-4 and t["chi2_p"] < 1e-4
    assert t["difference_low"] > 0.2  # clearly above the rest, not just above zero
    rates = truth["tandem_rates"]
    assert t["difference_low"] < rates["tandem"] - 0.2 < t["difference_high"]
    assert t["odds_ratio_low"] > 1


def test_the_default_threshold_is_the_median_and_still_finds_the_effect(wb) -> None:
    result = tandem_analysis(wb)
    assert result.threshold == wb.initiatives["supporters"].median()
    assert result.threshold_source == "median of supporters"
    assert result.test["fisher_p"] < 1e-3 and result.test["difference_low"] > 0


def test_threshold_from_workbook_toml(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    shutil.copytree(SAMPLE, folder)
    toml = folder / "workbook.toml"
    toml.write_text("grassroots_threshold = 15\n" + toml.read_text(encoding="utf-8"),
                    encoding="utf-8")
    result = tandem_analysis(load(folder))
    assert (result.threshold, result.threshold_source) == (15.0, "workbook.toml")
    assert tandem_analysis(load(folder), threshold=20).threshold_source == "option"


def test_rates_equal_an_independent_pandas_computation(truth) -> None:
    raw = pd.read_csv(Path(SAMPLE, "initiatives.csv"))
    g = raw["supporters"] >= truth["grassroots_threshold"]
    s = raw["sponsor_level"] != "none"
    raw["q"] = np.select([g & s, g & ~s, ~g & s], list(QUADRANTS[:3]), QUADRANTS[3])
    finished = raw[raw["outcome"] != "ongoing"]
    expected = finished.groupby("q")["outcome"].apply(lambda o: (o == "success").mean())
    table = tandem_table(load(SAMPLE).initiatives, threshold=truth["grassroots_threshold"])
    got = table.set_index("quadrant")["success_rate"]
    for name in QUADRANTS:
        assert got[name] == pytest.approx(expected[name])
    assert int(table["n"].sum() + table["ongoing"].sum()) == len(raw)
    assert int(table["ongoing"].sum()) == int((raw["outcome"] == "ongoing").sum())


def test_wilson_and_interaction_equal_statsmodels(planted) -> None:
    sm = pytest.importorskip("statsmodels.api")
    from statsmodels.stats.proportion import proportion_confint

    q = planted.quadrants
    low, high = proportion_confint(q["successes"], q["n"], method="wilson")
    assert np.allclose(q["ci_low"], low) and np.allclose(q["ci_high"], high)
    # the interaction of a logistic regression with grassroots x leadership
    rows = []
    for r in q.itertuples():
        rows += [(int(r.grassroots), int(r.leadership), 1)] * int(r.successes)
        rows += [(int(r.grassroots), int(r.leadership), 0)] * int(r.failures)
    data = pd.DataFrame(rows, columns=["g", "l", "y"])
    x = sm.add_constant(np.column_stack([data["g"], data["l"], data["g"] * data["l"]]))
    fit = sm.Logit(data["y"], x).fit(disp=0)
    assert planted.test["interaction"] == pytest.approx(fit.params.iloc[3], abs=1e-6)
    assert planted.test["interaction_p"] == pytest.approx(fit.pvalues.iloc[3], abs=1e-6)


def test_json_quadrant_names_and_reference_line(planted) -> None:
    data = planted.to_json()
    names = set(data["quadrants"])
    for word in ("tandem", "grassroots", "leadership", "neither"):
        assert any(word in n for n in names), word
    assert all(set(v) >= {"n", "success_rate"} for v in data["quadrants"].values())
    fig = planted.figure().to_plotly_json()
    texts = [a.get("text", "") for a in fig["layout"].get("annotations", [])]
    assert any("78%" in t and "claimed, unverified" in t for t in texts)
    assert len(planted.figure().data[0].error_y.array) == 4


def test_run_json_carries_the_movement_keys(sample_run) -> None:
    data = sample_run.to_json()
    for key in ("activism", "tandems", "stories", "indicators"):
        assert "skipped" not in data[key], data[key]
    assert data["activism"]["levels"] and data["tandems"]["quadrants"] and data["stories"]["themes"]
    assert isinstance(data["stories"]["overlap"], float)


@pytest.mark.parametrize("bad", [-1, "15", True])
def test_bad_threshold_is_a_config_error(wb, bad) -> None:
    with pytest.raises(ConfigError, match="threshold"):
        tandem_analysis(wb, threshold=bad)


def test_too_few_initiatives_are_skipped_with_a_reason(wb) -> None:
    few = wb.initiatives.head(5)
    with pytest.raises(InsufficientDataError, match="finished initiative"):
        tandem_analysis(replace(wb, initiatives=few))
    with pytest.raises(InsufficientDataError, match="initiatives.csv"):
        tandem_analysis(replace(wb, initiatives=None))


def test_an_empty_quadrant_is_reported_not_hidden(wb) -> None:
    result = tandem_analysis(wb, threshold=10_000)
    q = result.quadrants.set_index("quadrant")
    assert q.at["tandem", "n"] == 0 and np.isnan(q.at["tandem", "success_rate"])
    assert any("tandem" in w for w in result.warnings)
    assert "cannot be measured" in result.findings()[0].headline


def test_wilson_known_value() -> None:
    # Newcombe (1998), table I: 81/263 -> 0.2553 to 0.3662
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**16), threshold=st.integers(1, 60))
def test_row_order_does_not_matter_and_bounds_hold(wb, seed: int, threshold: int) -> None:
    shuffled = wb.initiatives.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    copy = shuffled.copy()
    a = tandem_table(wb.initiatives, threshold=threshold)
    b = tandem_table(shuffled, threshold=threshold)
    pd.testing.assert_frame_equal(shuffled, copy)
    pd.testing.assert_frame_equal(a, b)
    shown = b[b["n"] > 0]
    assert ((shown["ci_low"] <= shown["success_rate"]) & (shown["success_rate"] <= shown["ci_high"])).all()
    assert ((shown["ci_low"] >= 0) & (shown["ci_high"] <= 1)).all()


def test_the_threshold_slider_redraws_the_tandem_chart(wb) -> None:
    from diagnostics.panels.movement import tandem_panel

    box = tandem_panel(wb)
    assert "cdw-main-control" in box.main_control._dom_classes
    assert "cdw-main-figure" in box.main_figure._dom_classes
    before = tuple(box.main_figure.data[0].y)
    box.main_control.value = 30
    after = tuple(box.main_figure.data[0].y)
    assert before != after
    expected = tandem_table(wb.initiatives, threshold=30)["success_rate"].fillna(0.0)
    assert np.allclose(after, expected)
