"""Indicators: each equals an independent computation (pandas, networkx); missing inputs are
reported, not invented; the runner runs indicators after the results they read."""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from diagnostics import ConfigError, InsufficientDataError, WaveComparison
from diagnostics.activism import activism_ladder
from diagnostics.indicators import INDICATORS, movement_indicators
from diagnostics.pipeline import resolve, step

SAMPLE = "data/sample"


@pytest.fixture(scope="module")
def ladder(wb):
    return activism_ladder(wb)


@pytest.fixture(scope="module")
def result(wb, ladder):
    return movement_indicators(wb, ladder=ladder)


def _value(result, name: str) -> float:
    return float(result.to_frame().set_index("indicator").at[name, "value"])


def _influence_graph(wb) -> nx.DiGraph:
    net = wb.network[(wb.network["relation"] == "influence") & (wb.network["wave"] == wb.waves[-1])]
    g = nx.DiGraph()
    g.add_nodes_from(wb.people.index)
    g.add_edges_from(net[["source", "target"]].itertuples(index=False))
    return g


def _reached(g: nx.DiGraph, sources: list[str], hops: int) -> set[str]:
    back = g.reverse(copy=False)  # influence flows from the named (target) to the namer
    seen = set(sources)
    for s in sources:
        seen |= set(nx.single_source_shortest_path_length(back, s, cutoff=hops))
    return seen


def test_every_indicator_is_there_with_formula_and_reading(result) -> None:
    t = result.to_frame()
    assert list(t["indicator"]) == list(INDICATORS)
    assert t["available"].all() and (t["formula"].str.len() > 20).all()
    assert (t["reading"].str.len() > 20).all()
    ok = t[t["available"]]
    assert ((ok["low"] <= ok["value"]) & (ok["value"] <= ok["high"])).all()


def test_energy_equals_pandas(wb, result) -> None:
    survey = pd.read_csv(f"{SAMPLE}/survey.csv")
    survey = survey[survey["wave"] == "2025-H2"]
    items = ["e01", "e02", "e03"]
    survey["e03"] = 6 - survey["e03"]  # reverse-worded
    answered = survey[items].notna().sum(axis=1) >= 2
    person = ((survey.loc[answered, items] - 1) / 4).mean(axis=1) * 100
    assert _value(result, "energy") == pytest.approx(person.mean())


def test_energy_network_equals_pandas(wb, result) -> None:
    net = pd.read_csv(f"{SAMPLE}/network.csv")
    energy = net[(net["relation"] == "energy") & (net["source"] != net["target"])
                 & net["source"].isin(wb.people.index) & net["target"].isin(wb.people.index)]
    assert _value(result, "energy network") == pytest.approx((energy["weight"] > 0).mean())
    net_in = energy.groupby("target")["weight"].sum()
    detail = result.to_frame().set_index("indicator").at["energy network", "detail"]
    assert f"{int((net_in > 0).sum())} energisers, {int((net_in < 0).sum())} de-energisers" in detail


@pytest.mark.parametrize("hops", [1, 2, 3])
def test_influence_spread_equals_networkx(wb, ladder, hops: int) -> None:
    activists = list(ladder.assignments.index[ladder.assignments.isin(["activist", "advocate"])])
    reached = _reached(_influence_graph(wb), activists, hops) & set(wb.people.index)
    result = movement_indicators(wb, ladder=ladder, hops=hops)
    assert _value(result, "influence spread") == pytest.approx(len(reached) / len(wb.people))


def test_spread_grows_with_hops(wb, ladder) -> None:
    values = [_value(movement_indicators(wb, ladder=ladder, hops=h), "influence spread")
              for h in (1, 2, 3, 4)]
    assert values == sorted(values) and values[0] < values[-1]


def test_storytelling_reach_equals_networkx(wb, result) -> None:
    authors = sorted(set(wb.stories["author_id"]) & set(wb.people.index))
    reached = _reached(_influence_graph(wb), authors, 1) & set(wb.people.index)
    assert _value(result, "storytelling reach") == pytest.approx(len(reached) / len(wb.people))


def test_momentum_equals_pandas(wb, result) -> None:
    actions = pd.read_csv(f"{SAMPLE}/actions.csv", parse_dates=["date"])
    deeds = actions[actions["action"].isin(["attend", "act", "volunteer", "lead", "recruit"])]
    first = deeds.groupby("respondent_id")["date"].min()
    sprint = first.dt.year.astype(str) + "-H" + np.where(first.dt.month <= 6, "1", "2")
    expected = sprint.value_counts().sort_index()
    got = result.momentum.set_index("sprint")["new_activists"]
    assert got.to_dict() == expected.to_dict()
    assert _value(result, "momentum") == expected.iloc[-1]


def test_behaviour_change_equals_a_paired_pandas_computation(wb, result) -> None:
    items = [f"b{i:02d}" for i in range(1, 11)]
    s = wb.survey
    scores = {}
    for w in wb.waves:
        part = s[s["wave"] == w].set_index("respondent_id")[items]
        part = part[part.notna().mean(axis=1) >= 2 / 3 - 1e-12]
        scores[w] = part.mean(axis=1)
    both = scores[wb.waves[0]].index.intersection(scores[wb.waves[1]].index)
    diff = (scores[wb.waves[1]][both] - scores[wb.waves[0]][both]).mean()
    assert _value(result, "behaviour change") == pytest.approx(diff)


def test_waves_result_is_cited_when_present(wb, ladder, sample_run) -> None:
    waves = sample_run.get(WaveComparison)
    assert waves is not None
    changes = pd.DataFrame({"item": ["b06", "b09", "b01", "e01"],
                            "significant": [True, True, False, True]})
    res = movement_indicators(wb, ladder=ladder, waves=replace(waves, changes=changes))
    detail = res.to_frame().set_index("indicator").at["behaviour change", "detail"]
    assert "2 of 3 behaviour items changed significantly" in detail


def test_missing_inputs_are_reported_not_invented(wb) -> None:
    bare = replace(wb, network=None, actions=None, stories=None)
    res = movement_indicators(bare)
    t = res.to_frame().set_index("indicator")
    assert t.at["energy", "available"] and t.at["behaviour change", "available"]
    for name in ("energy network", "influence spread", "momentum", "storytelling reach"):
        assert not t.at[name, "available"] and t.at[name, "reason"], name
        assert np.isnan(t.at[name, "value"])
    assert "skipped" in res.to_json()["indicators"]["momentum"]
    res.figure()  # the dashboard draws grey tiles for them
    one_wave = replace(bare, survey=wb.survey[wb.survey["wave"] == wb.waves[-1]],
                       waves=(wb.waves[-1],))
    t = movement_indicators(one_wave).to_frame().set_index("indicator")
    assert t.at["behaviour change", "reason"] == "one survey wave only"
    undated = replace(wb, actions=wb.actions.drop(columns="date"))
    t = movement_indicators(undated).to_frame().set_index("indicator")
    assert t.at["momentum", "reason"] == "actions.csv has no dates"


def test_nothing_computable_is_insufficient_data(wb) -> None:
    codebook = wb.codebook[wb.codebook["kind"] == "motivation"]
    bare = replace(wb, network=None, actions=None, stories=None, codebook=codebook)
    with pytest.raises(InsufficientDataError, match="no indicator"):
        movement_indicators(bare)


@pytest.mark.parametrize("bad", [0, 5, "2"])
def test_bad_hops_is_a_config_error(wb, bad) -> None:
    with pytest.raises(ConfigError, match="hops"):
        movement_indicators(wb, hops=bad)


def test_indicators_run_after_activism_and_waves() -> None:
    assert step("indicators").needs == ("activism", "waves")
    keys = [s.key for s in resolve(["indicators"])]
    assert keys[-1] == "indicators" and {"activism", "waves"} <= set(keys)
