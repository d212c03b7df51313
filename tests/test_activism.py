"""The activism ladder: known answers (planted truth, an independent pandas computation,
networkx), input variants (mapping overrides, unmapped and plural actions) and properties."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from types import MappingProxyType

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnostics import ConfigError, HyperConnected, InsufficientDataError, Tribes
from diagnostics.activism import activism_ladder, map_actions
from diagnostics.config import LADDER_LEVELS

SAMPLE = "data/sample"


@pytest.fixture(scope="module")
def ladder(wb):
    return activism_ladder(wb)


def _pandas_levels() -> pd.Series:
    """Each person's highest rung straight from the CSV files, without the library."""
    mapping = tomllib.loads(open(f"{SAMPLE}/workbook.toml", encoding="utf-8").read())["ladder"]
    rank = {level: i for i, level in enumerate(LADDER_LEVELS)}
    actions = pd.read_csv(f"{SAMPLE}/actions.csv", dtype=str)
    actions["rank"] = actions["action"].str.lower().map(mapping).map(rank)
    top = actions.groupby("respondent_id")["rank"].max()
    people = pd.read_csv(f"{SAMPLE}/survey.csv", dtype=str)["respondent_id"].unique()
    top = top.reindex(people).fillna(0).astype(int)
    return top.map(dict(enumerate(LADDER_LEVELS)))


def test_ladder_counts_equal_an_independent_pandas_computation(ladder) -> None:
    expected = _pandas_levels().value_counts().reindex(LADDER_LEVELS, fill_value=0)
    assert ladder.to_json()["levels"] == {k: int(v) for k, v in expected.items()}
    assert ladder.assignments.to_dict() == _pandas_levels().to_dict()


def test_every_person_gets_the_planted_level(ladder) -> None:
    truth = json.loads(open(f"{SAMPLE}/truth.json", encoding="utf-8").read())["activism_levels"]
    got = ladder.assignments.to_dict()
    assert got == truth


def test_clicks_to_deeds_is_clicks_over_deeds(ladder) -> None:
    actions = pd.read_csv(f"{SAMPLE}/actions.csv", dtype=str)
    clicks = actions["action"].isin(["view", "like", "react"]).sum()
    deeds = actions["action"].isin(["attend", "act", "volunteer", "lead", "recruit"]).sum()
    assert (ladder.clicks, ladder.deeds) == (clicks, deeds)
    assert ladder.clicks_to_deeds == pytest.approx(clicks / deeds)
    low, high = ladder.clicks_to_deeds_ci
    assert low < ladder.clicks_to_deeds < high


def test_funnel_and_intervals_are_consistent(ladder) -> None:
    c = ladder.counts
    assert c["at_or_above"].iloc[0] == c["n"].sum() == len(ladder.assignments)
    assert (np.diff(c["at_or_above"]) <= 0).all()
    assert ((c["ci_low"] <= c["share"]) & (c["share"] <= c["ci_high"])).all()


def test_group_figures_pass_the_guard(ladder) -> None:
    groups = set(ladder.by_group["group"])
    assert "Legal" not in groups
    assert any(s.group == "Legal" for s in ladder.suppressed)
    assert (ladder.by_group.groupby(["attribute", "group"])["n"].first() >= 5).all()
    # shares within each group add up to one
    sums = ladder.by_group.groupby(["attribute", "group"])["share"].sum()
    assert np.allclose(sums, 1.0)


def test_advocates_are_pseudonymous_and_their_position_matches_networkx(wb, ladder) -> None:
    adv = ladder.advocates
    assert len(adv) == ladder.to_json()["levels"]["advocate"]
    assert adv["person"].str.match(r"^P-[0-9a-f]{6,64}$").all()
    net = wb.network[(wb.network["relation"] == "influence") & (wb.network["wave"] == "2025-H2")]
    g = nx.DiGraph()
    g.add_nodes_from(wb.people.index)
    g.add_weighted_edges_from(net[["source", "target", "weight"]].itertuples(index=False))
    ids = list(ladder.assignments.index[ladder.assignments == "advocate"])
    indeg = dict(g.in_degree())
    expected = sorted(indeg[i] for i in ids)
    assert sorted(adv["in_degree"].astype(int)) == expected
    pr = nx.pagerank(g, weight="weight")
    assert sorted(adv["pagerank"].round(5)) == pytest.approx(sorted(round(pr[i], 5) for i in ids),
                                                            abs=2e-5)
    named = activism_ladder(wb, names=True).advocates["person"]
    assert set(named) == set(ids)


def test_network_results_are_used_when_given(wb, ladder, sample_run) -> None:
    hubs, tribes = sample_run.get(HyperConnected), sample_run.get(Tribes)
    assert hubs is not None and tribes is not None
    with_hc = activism_ladder(wb, hyper_connected=hubs, tribes=tribes)
    ids = set(ladder.assignments.index[ladder.assignments == "advocate"])
    position = with_hc.advocate_position
    assert position["hyper_connected_advocates"] == len(ids & set(hubs.people))
    assert position["tribes_with_an_advocate"] == tribes.assignments.reindex(list(ids)).dropna().nunique()
    assert position["tribes"] == tribes.assignments.nunique()
    assert "hyper_connected_advocates" not in ladder.advocate_position


def test_workbook_toml_mapping_overrides_the_default(wb) -> None:
    ladder = dict(wb.config.ladder) | {"like": "contributor"}
    changed = replace(wb, config=replace(wb.config, ladder=MappingProxyType(ladder)))
    before, after = activism_ladder(wb).to_json(), activism_ladder(changed).to_json()
    assert after["levels"]["contributor"] > before["levels"]["contributor"]
    assert after["clicks"] == before["clicks"] - int((wb.actions["action"] == "like").sum())


@pytest.mark.parametrize("extra,expected_level", [("likes", "clicktivist"), ("attended", "activist"),
                                                  ("Recruits", "advocate")])
def test_plural_and_past_forms_map(extra: str, expected_level: str) -> None:
    levels, unmapped = map_actions(pd.DataFrame({"respondent_id": ["a"], "action": [extra]}),
                                   {"like": "clicktivist", "attend": "activist",
                                    "recruit": "advocate"})
    assert levels.iloc[0] == expected_level and unmapped == {}


def test_unmapped_actions_are_reported_with_counts(wb) -> None:
    extra = pd.DataFrame({"respondent_id": ["E0001", "E0002", "E0003"],
                          "action": ["dance", "dance", "sing"]})
    actions = pd.concat([wb.actions, extra], ignore_index=True)
    result = activism_ladder(replace(wb, actions=actions))
    assert result.unmapped == {"dance": 2, "sing": 1}
    assert any("dance (2)" in w and "sing (1)" in w for w in result.warnings)
    assert result.to_json()["levels"] == activism_ladder(wb).to_json()["levels"]


def test_bad_mapping_and_no_actions_are_clear_errors(wb) -> None:
    with pytest.raises(ConfigError, match="'like'.*'hero'"):
        activism_ladder(wb, mapping={"like": "hero"})
    with pytest.raises(InsufficientDataError, match="actions.csv"):
        activism_ladder(replace(wb, actions=None))
    with pytest.raises(InsufficientDataError, match="maps onto"):
        activism_ladder(wb, mapping={"dance": "advocate"})


def test_without_network_the_ladder_still_runs(wb) -> None:
    result = activism_ladder(replace(wb, network=None))
    assert result.advocate_position == {} and "in_degree" not in result.advocates


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**16))
def test_row_order_does_not_matter_and_inputs_are_not_mutated(wb, ladder, seed: int) -> None:
    shuffled = wb.actions.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    copy = shuffled.copy()
    result = activism_ladder(replace(wb, actions=shuffled, network=None))
    pd.testing.assert_frame_equal(shuffled, copy)
    assert result.to_json()["levels"] == ladder.to_json()["levels"]
    assert result.assignments.sort_index().equals(ladder.assignments.sort_index())


def test_the_department_of_three_appears_in_no_movement_output(sample_run) -> None:
    run = sample_run
    for key in ("activism", "tandems", "stories", "indicators"):
        result = run.results[key]
        blob = json.dumps(result.to_json()) + "".join(
            t.to_csv() for t in result.tables().values()) + "".join(
            f.to_json() for f in result.figures().values())
        assert "Legal" not in blob, key


def test_clicks_to_deeds_interval_is_open_ended_when_resamples_lack_deeds() -> None:
    import warnings

    from diagnostics.activism import _bootstrap_ratio

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "invalid value" warning from inf - inf
        low, high = _bootstrap_ratio(np.array([3.0, 2.0]), np.array([1.0, 0.0]),
                                     confidence=0.95, seed=0)
    # resamples: the first person twice (ratio 6/2 = 3, a quarter), one of each (5/1 = 5, a
    # half), the second twice (no deeds: inf, a quarter); 2.5% and 97.5% quantiles: 3 and inf
    assert (low, high) == (3.0, np.inf)
