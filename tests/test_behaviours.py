"""Non-negotiables: planted weak groups, independent computations, privacy, options, properties."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from diagnostics import ConfigError, InsufficientDataError, run_all
from diagnostics.behaviours import NonNegotiables, non_negotiables, say_do_pairs
from diagnostics.comparisons import adjust_pvalues, newcombe_interval, two_proportion_test
from diagnostics.workbook import answered_enough

sm_proportion = pytest.importorskip("statsmodels.stats.proportion")
sm_multitest = pytest.importorskip("statsmodels.stats.multitest")


@pytest.fixture(scope="module")
def truth():
    return json.loads(open("data/sample/truth.json", encoding="utf-8").read())


@pytest.fixture(scope="module")
def result(wb) -> NonNegotiables:
    return non_negotiables(wb)


# --------------------------------------------------------------------------- planted truth

@pytest.mark.parametrize("wave", ["2025-H1", "2025-H2"])
@pytest.mark.parametrize("measure", ["share", "mean"])
def test_planted_weak_groups_flagged_and_at_most_one_other(wb, truth, wave, measure) -> None:
    res = non_negotiables(wb, wave=wave, measure=measure)
    planted = {(w["item"], w["attribute"], w["group"]) for w in truth["weak_groups"]}
    flagged = set(res.weakest_links()[["item", "grouping", "group"]].itertuples(index=False,
                                                                                  name=None))
    assert planted <= flagged
    assert len(flagged - planted) <= 1, flagged - planted
    items = res.to_json()["items"]
    for item, _attribute, group in planted:
        assert group in items[item]["weakest_groups"]


def test_glue_index_counts_the_groups_holding_every_non_negotiable(result, truth) -> None:
    g = result.to_frame()
    nn = g[g["non_negotiable"]]
    per = nn.groupby(["grouping", "group"]).agg(items=("item", "nunique"), holds=("holds", "all"))
    per = per[per["items"] == len(result.items)]
    assert result.glue_index == pytest.approx(per["holds"].mean())
    # the planted weak groups are exactly the groups that do not hold
    failing = set(per.index[~per["holds"]])
    assert failing == {(w["attribute"], w["group"]) for w in truth["weak_groups"]}
    assert 0 < result.glue_index < 1


def test_non_negotiables_hold_with_less_spread_than_the_others_outside_weak_links(result) -> None:
    spread = result.overall.set_index("item")["spread"]
    others = spread[result.other_items]
    # b03 has no planted weak group: it holds everywhere, with (almost) no spread
    assert spread["b03"] < 0.01 < others.mean()
    assert (result.overall.loc[result.overall["non_negotiable"], "share"] > 0.8).all()


def test_say_do_gaps_as_planted(result, wb, truth) -> None:
    org = result.say_do[result.say_do["grouping"] == "organisation"].set_index("importance_item")
    needed = wb.items_of("behaviour") + [i for i, _ in say_do_pairs(wb)]
    rows, _ = answered_enough(wb.responses(), needed)  # the missing-answer policy
    assert set(org.index) == set(truth["say_do_gaps"])
    for imp, practice in say_do_pairs(wb):
        both = rows[[imp, practice]].dropna()
        expected = (both[imp] - both[practice]).mean()
        assert org.at[imp, "gap"] == pytest.approx(expected)
        assert org.at[imp, "n"] == len(both)
        assert org.at[imp, "gap_low"] > 0.5
        assert org.at[imp, "practice_item"] == practice


# --------------------------------------------------------------------------- independent figures

def _policy_rows(wb):
    """The wave's respondents who answered a behaviour item: each question's figures use
    everyone who answered it (one set of people per group and question across the report)."""
    rows = wb.responses()
    return rows[rows[wb.items_of("behaviour")].notna().any(axis=1)]


def test_group_figures_equal_an_independent_pandas_computation(result, wb) -> None:
    rows = _policy_rows(wb)
    g = result.to_frame()
    dept = g[g["grouping"] == "department"]
    p_raw = []
    for row in dept.itertuples():
        answered = rows[rows[row.item].notna()]
        inside = answered.loc[answered["department"] == row.group, row.item]
        rest = answered.loc[answered["department"] != row.group, row.item]
        k, n = int((inside >= 4).sum()), len(inside)
        kr, nr = int((rest >= 4).sum()), len(rest)
        assert (row.n, row.rest_n) == (n, nr)
        assert row.mean == pytest.approx(inside.mean())
        assert row.share == pytest.approx(k / n)
        assert row.rest_adherence == pytest.approx(kr / nr)
        low, high = sm_proportion.proportion_confint(k, n, alpha=0.05, method="wilson")
        assert (row.share_low, row.share_high) == pytest.approx((low, high))
        low, high = sm_proportion.confint_proportions_2indep(k, n, kr, nr, method="newcomb")
        assert (row.difference_low, row.difference_high) == pytest.approx((low, high))
        if 0 < k + kr < n + nr:
            _, p = sm_proportion.proportions_ztest([k, kr], [n, nr], alternative="smaller")
            assert row.p == pytest.approx(p, rel=1e-6)
        p_raw.append(row.p)
    # Holm over the whole family of group x non-negotiable tests
    nn = g[g["non_negotiable"]]
    expected = sm_multitest.multipletests(nn["p"], method="holm")[1]
    assert np.allclose(nn["p_adjusted"], expected)


def test_mean_measure_uses_welch_against_the_rest(wb) -> None:
    res = non_negotiables(wb, measure="mean", by=["location"])
    rows = _policy_rows(wb)
    for row in res.to_frame().itertuples():
        answered = rows[rows[row.item].notna()]
        inside = answered.loc[answered["location"] == row.group, row.item]
        rest = answered.loc[answered["location"] != row.group, row.item]
        p = stats.ttest_ind(inside, rest, equal_var=False, alternative="less").pvalue
        assert row.p == pytest.approx(p, rel=1e-6)
        assert row.adherence == pytest.approx(inside.mean())
        assert row.difference == pytest.approx(inside.mean() - rest.mean())
        low, high = stats.t.interval(0.95, len(inside) - 1, loc=inside.mean(),
                                     scale=stats.sem(inside))
        assert (row.mean_low, row.mean_high) == pytest.approx((low, high))


def test_standard_uses_an_exact_binomial_test(wb) -> None:
    res = non_negotiables(wb, standard=0.8, by=["department"])
    g = res.to_frame()
    assert g.loc[~g["non_negotiable"], "p_standard"].isna().all()  # for non-negotiables only
    g = g[g["non_negotiable"]]
    for row in g.itertuples():
        k = round(row.share * row.n)
        assert row.p_standard == pytest.approx(stats.binomtest(k, row.n, 0.8,
                                                               alternative="less").pvalue)
    assert set(g.loc[g["below_standard"], "group"]) == {"Operations", "Sales"}
    assert (g.loc[g["below_standard"], "share"] < 0.8).all()
    assert res.to_json()["standard"] == 0.8


def test_corrections_agree_with_statsmodels() -> None:
    p = np.random.default_rng(3).uniform(0, 0.2, size=40)
    for ours, theirs in (("holm", "holm"), ("fdr_bh", "fdr_bh"), ("bonferroni", "bonferroni")):
        assert np.allclose(adjust_pvalues(p, ours), sm_multitest.multipletests(p, method=theirs)[1])
    with_nan = np.array([0.01, np.nan, 0.02])
    assert np.isnan(adjust_pvalues(with_nan)[1])
    assert adjust_pvalues(with_nan)[[0, 2]] == pytest.approx([0.02, 0.02])


@pytest.mark.parametrize(("k1", "n1", "k2", "n2"), [(56, 70, 48, 80), (9, 10, 3, 10), (0, 12, 5, 40),
                                                    (30, 30, 35, 40)])
def test_newcombe_and_z_against_statsmodels(k1, n1, k2, n2) -> None:
    low, high = newcombe_interval(k1, n1, k2, n2)
    ref = sm_proportion.confint_proportions_2indep(k1, n1, k2, n2, method="newcomb")
    assert (float(low), float(high)) == pytest.approx(ref)
    _, p = sm_proportion.proportions_ztest([k1, k2], [n1, n2], alternative="two-sided")
    assert float(two_proportion_test(k1, n1, k2, n2)) == pytest.approx(p)


# --------------------------------------------------------------------------- privacy

def test_legal_never_appears_and_withheld_groups_are_recorded(result) -> None:
    text = json.dumps(result.to_json()) + result.to_frame().to_csv()
    text += "".join(t.to_csv() for t in result.tables().values())
    text += "".join(f.to_json() for f in result.figures().values())
    assert "Legal" not in text
    assert "Legal" in {s.group for s in result.suppressed}
    # one set of groups per grouping, whatever the item (no differencing across items)
    g = result.to_frame()
    sets = g.groupby(["grouping", "item"])["group"].agg(frozenset)
    assert sets.groupby(level="grouping").nunique().eq(1).all()


def test_complement_rule_hides_a_group_whose_rest_is_too_small(wb) -> None:
    survey = wb.survey.copy()
    latest = survey["wave"] == wb.latest_wave
    # everyone but three respondents of the latest wave in one location
    idx = survey.index[latest]
    survey.loc[idx, "location"] = "Everywhere"
    survey.loc[idx[:3], "location"] = "Elsewhere"
    book = dataclasses.replace(wb, survey=survey)
    res = non_negotiables(book, by=["location"])
    assert res.to_frame().empty or not set(res.to_frame()["group"]) & {"Everywhere", "Elsewhere"}
    reasons = {s.group: s.reason for s in res.suppressed}
    assert "rest of its parent" in reasons["Everywhere"]


@pytest.mark.parametrize("minimum", [5, 40, 120])
def test_min_group_size_option_hides_smaller_groups(wb, minimum) -> None:
    res = non_negotiables(wb.with_min_group_size(minimum))
    g = res.to_frame()
    assert (g["n"] >= minimum).all() and (g["rest_n"] >= minimum).all()


# --------------------------------------------------------------------------- groupings

def test_segments_and_tribes_as_groupings(wb, truth) -> None:
    segments = pd.Series(truth["segments_by_wave"][wb.latest_wave])
    tribes = pd.Series(truth["tribes"]).astype(str)
    res = non_negotiables(wb, by=["department"], groupings={"segment": segments, "tribe": tribes})
    g = res.to_frame()
    assert set(g["grouping"]) == {"department", "segment", "tribe"}
    assert set(g.loc[g["grouping"] == "segment", "group"]) == set(segments)
    # segments and tribes were not planted to differ on the non-negotiables
    flagged = res.weakest_links()
    assert set(flagged["grouping"]) <= {"department"}
    rows = _policy_rows(wb)
    seg = rows["respondent_id"].map(segments)
    inside = rows.loc[seg == "Purpose seekers", "b03"].dropna()
    row = g[(g["grouping"] == "segment") & (g["group"] == "Purpose seekers") & (g["item"] == "b03")]
    assert row["n"].item() == len(inside)


def test_runner_passes_segments_and_tribes(sample_run) -> None:
    res = sample_run.results["non_negotiables"]
    assert {"department", "level", "location", "segment", "tribe"} <= set(res.groupings)
    data = res.to_json()
    assert {"items", "glue_index"} <= set(data)
    assert set(data["items"]) == set(sample_run.workbook.non_negotiables)
    for entry in data["items"].values():
        assert {"adherence", "spread", "weakest_groups"} <= set(entry)
        assert 0 <= entry["adherence"] <= 1


# --------------------------------------------------------------------------- options and errors

@pytest.mark.parametrize(("option", "value"), [
    ("measure", "median"), ("correction", "sidak"), ("alpha", 1.5), ("favourable", 0),
    ("standard", 1.2), ("by", ["shoe_size"]),
])
def test_bad_options_name_the_option(wb, option, value) -> None:
    with pytest.raises(ConfigError, match=option):
        non_negotiables(wb, **{option: value})


def test_no_non_negotiables_is_insufficient(wb) -> None:
    book = wb.codebook.copy()
    book["non_negotiable"] = False
    with pytest.raises(InsufficientDataError, match="non_negotiable"):
        non_negotiables(dataclasses.replace(wb, codebook=book))
    results = run_all(dataclasses.replace(wb, codebook=book), only=["non_negotiables"])
    assert "non_negotiable" in results.to_json()["non_negotiables"]["skipped"]


@pytest.mark.parametrize("correction", ["holm", "fdr_bh", "bonferroni"])
def test_corrections_all_find_the_planted_weak_groups(wb, truth, correction) -> None:
    res = non_negotiables(wb, correction=correction)
    flagged = set(res.weakest_links()[["item", "group"]].itertuples(index=False, name=None))
    assert {(w["item"], w["group"]) for w in truth["weak_groups"]} <= flagged


def test_missing_answers_are_left_out_not_imputed(wb) -> None:
    survey = wb.survey.copy()
    latest = survey.index[survey["wave"] == wb.latest_wave]
    survey.loc[latest[:40], wb.items_of("behaviour")] = np.nan  # 40 people skipped them all
    res = non_negotiables(dataclasses.replace(wb, survey=survey))
    assert res.n_respondents <= len(latest) - 40
    assert any("left out" in n for n in res.notes)


# --------------------------------------------------------------------------- properties

@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_row_order_does_not_matter_and_input_unchanged(wb, result, seed) -> None:
    before = wb.survey.copy()
    shuffled = wb.survey.sample(frac=1, random_state=seed).reset_index(drop=True)
    res = non_negotiables(dataclasses.replace(wb, survey=shuffled))
    pd.testing.assert_frame_equal(res.to_frame(), result.to_frame(), check_exact=False)
    assert res.glue_index == result.glue_index
    pd.testing.assert_frame_equal(wb.survey, before)


def test_bounds_hold(result) -> None:
    g = result.to_frame()
    assert g["share"].between(0, 1).all()
    assert (g["share_low"] <= g["share"] + 1e-12).all() and (g["share"] <= g["share_high"] + 1e-12).all()
    assert (g["difference_low"] <= g["difference"] + 1e-12).all()
    assert (g["difference"] <= g["difference_high"] + 1e-12).all()
    assert g["p_adjusted"].between(0, 1).all() and (g["p_adjusted"] >= g["p"] - 1e-15).all()
    assert 0 <= result.glue_index <= 1


def test_figures_carry_the_data(result) -> None:
    heat = result.figure(grouping="location")
    z = np.array(heat.data[0].z, dtype=float)
    g = result.to_frame()
    eindhoven = g[(g["grouping"] == "location") & (g["group"] == "Eindhoven") & (g["item"] == "b02")]
    col = list(heat.data[0].x).index("Eindhoven")
    row = [y.replace("★ ", "") for y in heat.data[0].y].index("b02")
    assert z[row, col] == pytest.approx(eindhoven["adherence"].item())
    assert "▼" in heat.data[0].text[row][col]
    assert result.figures()["glue"].data[0].value == pytest.approx(100 * result.glue_index)
    links = result.figures()["weakest links"].data[0]
    assert len(links.x) == len(result.lowest_groups())  # flagged, or else each item's lowest
    assert list(links.marker.color).count("#D55E00") == len(result.weakest_links())
    assert result.weakest_links()["label"].iloc[0] in result.findings()[0].headline
