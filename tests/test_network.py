"""Network diagnostics on the sample: planted truth recovered, a second implementation
(networkx) agrees, privacy holds, options are checked, and results do not depend on row order."""

from __future__ import annotations

import dataclasses
import gc
import json
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from diagnostics import ConfigError, InsufficientDataError, Segmentation, load, run_all
from diagnostics.network import (
    ALL_WAVES,
    backstage_leaders,
    find_tribes,
    greedy_seeds,
    hyper_connected,
    movement_seeds,
    network_change,
    network_graph,
    picture_labels,
    reach_to_top,
    simulate_spread,
)
from diagnostics.network import graph as graph_module
from diagnostics.network.common import robust_z
from diagnostics.network.graph import Network
from diagnostics.network.reach import leader_distances
from diagnostics.plots.network import MAX_PEOPLE_DRAWN, network_figure
from diagnostics.privacy import PrivacyGuard

WAVES = ("2025-H1", "2025-H2")


@pytest.fixture(scope="module")
def truth(sample_dir: Path) -> dict:
    return json.loads((sample_dir / "truth.json").read_text(encoding="utf-8"))


def _nx_graph(net: Network) -> nx.DiGraph:
    """The same ties as a networkx graph, built from the workbook's table, not from igraph."""
    g = nx.DiGraph()
    g.add_nodes_from(net.ids)
    s, t, w = net.edges()
    g.add_weighted_edges_from(zip(net.ids[s], net.ids[t], w, strict=True))
    return g


# --------------------------------------------------------------------------- the graph

def test_graph_is_built_once_and_forgotten_with_its_workbook(sample_dir: Path) -> None:
    book = load(sample_dir)
    net = network_graph(book)
    assert network_graph(book, relation="influence") is net
    assert network_graph(book, relation="advice") is not net
    assert net.relation == "influence" and net.wave == WAVES[1] and net.graph.is_directed()
    assert hyper_connected(book).network is net and find_tribes(book).network is net
    key = id(book)
    assert key in graph_module._CACHE
    del book, net
    gc.collect()
    assert key not in graph_module._CACHE


def test_network_picture_is_the_same_in_every_process(wb) -> None:
    """igraph draws from Python's random module, which each process seeds anew: the layout of
    the whole network and of a drawn part must not depend on that state (a client's report
    drawn twice shows the same picture)."""
    import random

    from diagnostics.plots.network import _positions

    pictures = []
    for state in (1, 2):  # what two processes would start from
        graph_module._CACHE.pop(id(wb), None)
        random.seed(state)
        net = network_graph(wb)
        pictures.append((net.layout(0), _positions(net, np.arange(0, net.n, 3), 0)))
    graph_module._CACHE.pop(id(wb), None)
    np.testing.assert_array_equal(pictures[0][0], pictures[1][0])
    np.testing.assert_array_equal(pictures[0][1], pictures[1][1])


def test_graph_matches_the_ties_of_its_relation_and_wave(wb) -> None:
    for wave in WAVES:
        net = network_graph(wb, wave=wave)
        ties = wb.network[(wb.network["relation"] == "influence") & (wb.network["wave"] == wave)]
        assert net.graph.ecount() == len(ties)
        s, t, w = net.edges()
        got = set(zip(net.ids[s], net.ids[t], w, strict=True))
        assert got == set(zip(ties["source"], ties["target"], ties["weight"], strict=True))
        respondents = set(wb.survey.loc[wb.survey["wave"] == wave, "respondent_id"])
        assert respondents <= set(net.ids)
        assert list(net.ids) == sorted(net.ids)
    pooled = network_graph(wb, wave=ALL_WAVES)
    both = wb.network[wb.network["relation"] == "influence"]
    assert pooled.graph.ecount() == len(both.drop_duplicates(["source", "target"]))
    assert sum(pooled.graph.es["weight"]) == pytest.approx(both["weight"].sum())


def test_de_energising_ties_are_left_out_and_counted(wb) -> None:
    net = network_graph(wb, relation="energy")
    negative = int((wb.network.loc[wb.network["relation"] == "energy", "weight"] <= 0).sum())
    assert negative > 0 and net.dropped == negative
    assert min(net.graph.es["weight"]) > 0
    assert any("weight of zero or less" in n for n in hyper_connected(wb, relation="energy").notes)


@pytest.mark.parametrize("wave", WAVES)
def test_centralities_equal_networkx(wb, wave: str) -> None:
    net = network_graph(wb, wave=wave)
    g = _nx_graph(net)
    ids = list(net.ids)
    assert np.array_equal(net.in_degree(), [g.in_degree(p) for p in ids])
    assert np.allclose(net.in_strength(), [g.in_degree(p, weight="weight") for p in ids])
    pr = nx.pagerank(g, weight="weight", tol=1e-13, max_iter=10_000)
    assert np.allclose(net.pagerank(), [pr[p] for p in ids], atol=1e-9)
    u = g.to_undirected(reciprocal=False)
    between = nx.betweenness_centrality(nx.Graph(u.edges()), normalized=False)
    assert np.allclose(net.betweenness()[0], [between.get(p, 0.0) for p in ids])
    constraint = nx.constraint(g, weight="weight")
    mine = net.constraint()
    theirs = np.array([constraint[p] for p in ids], dtype=float)
    assert np.array_equal(np.isnan(mine), np.isnan(theirs))
    assert np.allclose(mine[~np.isnan(mine)], theirs[~np.isnan(theirs)])
    reverse = g.reverse()
    reach = [len(nx.single_source_shortest_path_length(reverse, p, cutoff=2)) - 1 for p in ids]
    assert np.array_equal(net.two_step_reach(), reach)
    assert np.array_equal(np.diff(net.reach_sets(2).indptr) - 1, reach)


def test_sampled_betweenness_estimates_the_exact_one(wb) -> None:
    net = network_graph(wb)
    exact, used = net.betweenness()
    assert used == net.n
    every, _ = net.betweenness(sources=net.n - 1 + 1)
    assert np.allclose(every, exact)
    approx, used = net.betweenness(sources=200, seed=1)
    assert used == 200
    assert np.corrcoef(exact, approx)[0, 1] > 0.9
    assert approx.sum() == pytest.approx(exact.sum(), rel=0.2)


# --------------------------------------------------------------------------- planted truth

@pytest.mark.parametrize("wave", [*WAVES, ALL_WAVES])
def test_tribes_recover_the_planted_tribes(wb, truth, wave: str) -> None:
    tribes = find_tribes(wb, wave=wave)
    a = tribes.assignments
    planted = pd.Series(truth["tribes"])[a.index]
    assert normalized_mutual_info_score(planted, a) >= 0.8
    assert tribes.n_tribes == planted.nunique()
    assert tribes.department_overlap < 0.3  # planted tribes cut across departments
    assert 0.5 < tribes.modularity < 1 and tribes.stability > 0.9


def test_resolution_moves_the_number_of_tribes(wb) -> None:
    counts = [find_tribes(wb, resolution=r, stability_runs=0).n_tribes for r in (0.3, 1.0, 3.0)]
    assert counts[0] <= counts[1] < counts[2]


@pytest.mark.parametrize("wave", WAVES)
def test_planted_hyper_connected_lead_their_list(wb, truth, wave: str) -> None:
    hubs = hyper_connected(wb, wave=wave)
    assert set(hubs.people) == set(truth["hyper_connected"])
    degree = hubs.scores["in_degree"]
    assert list(degree[list(hubs.people)]) == sorted(degree[list(hubs.people)], reverse=True)
    assert degree[list(hubs.people)].min() > degree.drop(list(hubs.people)).max()
    assert 0 < hubs.joint_reach <= 1
    assert hubs.reach_curve["reach"].is_monotonic_increasing
    assert hyper_connected(wb, wave=wave, top=3).people == hubs.people[:3]


@pytest.mark.parametrize("wave", WAVES)
def test_planted_brokers_lead_the_backstage_leaders(wb, truth, wave: str) -> None:
    brokers = backstage_leaders(wb, wave=wave)
    planted = set(truth["backstage_leaders"])
    assert set(brokers.people[: len(planted)]) == planted
    scores = brokers.scores.loc[list(brokers.people)]
    assert not scores["is_leader"].any() and not scores["hyper_connected"].any()
    assert (scores["tribes_bridged"] >= 2).all()
    assert list(scores["rank"]) == list(range(1, len(brokers.people) + 1))


def test_planted_hyper_connected_are_sure_and_the_rule_is_reported(wb, truth) -> None:
    hubs = hyper_connected(wb)
    sure = hubs.scores.loc[list(hubs.people), "certainty"]
    assert (sure >= 0.9).all()  # six people named by 46-68 against a typical 6
    others = hubs.scores["certainty"].drop(list(hubs.people))
    assert others.max() < 0.5
    data = hubs.to_json()
    assert data["reason"] == "" and data["chance_floor"] < data["knee"] * 10
    assert hubs.knee == 6 and hubs.chance_floor < hubs.scores["in_degree"][list(hubs.people)].min()


def _book(ties: list[tuple[str, str]], people: list[str], *, leaders: tuple[str, ...] = ()):
    from diagnostics.config import Config
    from diagnostics.workbook import Workbook

    survey = pd.DataFrame({"respondent_id": people, "wave": "1",
                           "is_leader": [p in leaders for p in people]})
    codebook = pd.DataFrame(columns=["kind", "scale_min", "scale_max", "label", "construct",
                                     "reverse", "non_negotiable"]).rename_axis("item")
    network = pd.DataFrame(ties, columns=["source", "target"]).assign(
        relation="influence", weight=1.0, wave=None)
    return Workbook.build(folder=Path("."), config=Config(), survey=survey, codebook=codebook,
                          attributes=[], network=network)


def test_nobody_is_hyper_connected_in_an_even_network_and_the_reason_says_why() -> None:
    # 60 people in a circle, each names the next three: everyone is named by exactly three
    people = [f"E{i:02d}" for i in range(60)]
    ties = [(people[i], people[(i + k) % 60]) for i in range(60) for k in (1, 2, 3)]
    hubs = hyper_connected(_book(ties, people))
    assert hubs.people == ()
    assert "no more than chance" in hubs.reason and "named by 3" in hubs.reason
    assert hubs.reason in hubs.findings()[0].headline


def test_chance_floor_and_knee_by_hand() -> None:
    from scipy.stats import poisson

    from diagnostics.network.hubs import chance_floor, degree_knee

    # 200 people named by 4 on average: in a random network, the chance that anyone of the
    # 200 is named by more than 13 is below 5% (Bonferroni), by more than 12 it is not
    deg = np.full(200, 4)
    assert chance_floor(deg) == 13
    assert poisson.sf(13, 4) < 0.05 / 200 <= poisson.sf(12, 4)
    # a step: three far above the rest
    assert degree_knee(np.array([30, 29, 28, 5, 5, 4, 4, 4, 3, 3, 3]), cap=10) == 3
    # a straight line has no point below its chord
    assert degree_knee(np.arange(10, 0, -1), cap=9) == 0


def test_resolution_limit_ring_of_groups_is_resolved() -> None:
    # Fortunato & Barthelemy's ring: 120 dense groups of 12 (about 46 ties inside each), each
    # tied to the next by one tie. Merging two neighbours raises modularity when the ties
    # overall (about 5,600) exceed 2 x (ties inside + 1)^2 (about 4,400): modularity merges
    # neighbouring groups; splitting tribes of 20 or more again recovers every group.
    rng = np.random.default_rng(0)
    people = [f"E{g:03d}-{i:02d}" for g in range(120) for i in range(12)]
    ties = []
    for g in range(120):
        members = people[12 * g: 12 * g + 12]
        ties += [(a, b) for i, a in enumerate(members) for b in members[i + 1:]
                 if rng.random() < 0.7]
        ties.append((members[0], people[12 * ((g + 1) % 120) + 1]))
    book = _book(ties, people)
    planted = pd.Series([p[:4] for p in people], index=people)
    whole = find_tribes(book, split_above=0, stability_runs=0)
    split = find_tribes(book, split_above=20, stability_runs=0)
    assert whole.n_tribes < 120  # the resolution limit
    assert adjusted_rand_score(planted[whole.assignments.index], whole.assignments) < 0.9
    assert split.n_tribes == 120 and split.splits > 0
    assert adjusted_rand_score(planted[split.assignments.index], split.assignments) == 1.0
    assert split.to_json()["split_above"] == 20 and split.to_json()["splits"] == split.splits


def test_backstage_list_is_short_and_explained(wb) -> None:
    brokers = backstage_leaders(wb)
    assert len(brokers.people) <= max(1, int(0.03 * brokers.network.n))
    scores = brokers.scores.loc[list(brokers.people)]
    assert (scores["betweenness"] > brokers.null_cut).all() and scores["beyond_chance"].all()
    assert brokers.to_json()["rule"].startswith("brokers without a formal leadership role")
    # a cap below the number who qualify keeps the strongest, and says so
    capped = backstage_leaders(wb, max_share=0.004)
    assert capped.people == brokers.people[:2]
    assert any("more people meet the rule" in n for n in capped.notes)


def test_passion_map_quadrants(wb) -> None:
    hubs = hyper_connected(wb)
    s = hubs.scores.dropna(subset=["passion"])
    connected = s["connectivity"] > 1 - hubs.connected_share
    passionate = s["passion"] >= hubs.passion_cut
    assert (s.loc[connected & passionate, "quadrant"] == "the engine").all()
    assert (s.loc[connected & ~passionate, "quadrant"] == "hidden influencers").all()
    assert (s.loc[~connected & passionate, "quadrant"] == "isolated enthusiasts").all()
    assert (s.loc[~connected & ~passionate, "quadrant"] == "the periphery").all()
    assert hubs.quadrants["n"].sum() == len(s)
    assert hubs.scores["connectivity"].between(0, 1).all()


def test_movement_seeds_beat_random_people(wb, truth) -> None:
    seeds = movement_seeds(wb, runs=100, seed=3)
    net = seeds.network
    assert len(seeds.people) == round(0.01 * net.n)
    assert seeds.reach > seeds.reach_random
    assert len(set(seeds.people) & set(truth["hyper_connected"])) >= 3
    assert 0 < seeds.reach_random < seeds.reach <= 1 and 0 < seeds.reach_leaders <= 1
    for _, curve in seeds.curves.groupby("strategy"):
        assert curve["mean"].is_monotonic_increasing
    sizes = seeds.summary.set_index("strategy")["people"]
    assert sizes["best-placed leaders"] == sizes["random people"] == len(seeds.people)
    assert sizes["formal leaders"] == net.leader.sum()
    best = greedy_seeds(net, 6, among=np.flatnonzero(net.leader))
    assert net.leader[best].all() and len(best) == 6
    by = seeds.by_share
    assert set(by["share"]) >= {0.01, 0.03, 0.035}
    assert (by["low"] <= by["mean"]).all() and (by["mean"] <= by["high"]).all()
    again = movement_seeds(wb, runs=100, seed=3)
    assert again.to_json() == seeds.to_json()


def test_reach_to_top_equals_shortest_paths_in_networkx(wb) -> None:
    result = reach_to_top(wb)
    net = result.network
    g = _nx_graph(net)
    leaders = set(net.ids[net.leader])
    up = nx.multi_source_dijkstra_path_length(g, leaders, cutoff=3, weight=lambda *_: 1)
    down = nx.multi_source_dijkstra_path_length(g.reverse(), leaders, cutoff=3,
                                                weight=lambda *_: 1)
    others = [p for p in net.ids if p not in leaders]
    steps = result.steps.set_index(["direction", "steps"])["share"]
    for k in (1, 2, 3):
        assert steps["up", k] == pytest.approx(np.mean([up.get(p, 9) <= k for p in others]))
        assert steps["down", k] == pytest.approx(np.mean([down.get(p, 9) <= k for p in others]))
    assert result.within_2_steps == steps["up", 2]
    assert result.to_json()["within_2_steps"] == steps["up", 2]


def test_change_between_waves(wb) -> None:
    change = network_change(wb)
    row = change.transitions.iloc[0]
    assert row["kept"] > row["added"] > 0 and row["dropped"] > 0
    assert row["tribe_nmi"] > 0.8 and row["hubs_kept"] == 6
    assert list(change.per_wave["wave"]) == list(WAVES)
    with pytest.raises(InsufficientDataError, match="one wave"):
        network_change(wb, relation="advice")


# --------------------------------------------------------------------------- the simulation

def _loop_cascade(flow: sp.csr_matrix, seeds: list[int], rng: np.random.Generator) -> int:
    """A plain independent cascade, one person at a time (the reference implementation)."""
    active = set(seeds)
    frontier = list(seeds)
    while frontier:
        nxt = []
        for u in frontier:
            row = flow.getrow(u)
            for v, p in zip(row.indices, row.data, strict=True):
                if v not in active and rng.random() < p:
                    active.add(v)
                    nxt.append(v)
        frontier = nxt
    return len(active)


def test_vectorised_cascade_agrees_with_a_plain_loop() -> None:
    rng = np.random.default_rng(5)
    n = 40
    g = nx.gnp_random_graph(n, 0.08, seed=2, directed=True)
    rows, cols = zip(*g.edges(), strict=True)
    flow = sp.csr_matrix((np.full(len(rows), 0.35), (rows, cols)), shape=(n, n))
    runs = 1500
    seeds = np.zeros((runs, n), dtype=bool)
    seeds[:, [0, 1]] = True
    vec = simulate_spread(flow, seeds, rng=rng)[:, -1] * n
    loop = np.array([_loop_cascade(flow, [0, 1], rng) for _ in range(runs)])
    se = np.sqrt(vec.var() / runs + loop.var() / runs)
    assert abs(vec.mean() - loop.mean()) < 4 * se


def _dense_cascade(flow: sp.csr_matrix, seeds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The cascade stepped on whole run x person matrices (the former implementation)."""
    indptr, indices, prob = flow.indptr, flow.indices, flow.data
    active, frontier = seeds.copy(), seeds.copy()
    history = [active.mean(axis=1)]
    for _ in range(50):
        r, u = np.nonzero(frontier)
        counts = indptr[u + 1] - indptr[u]
        total = int(counts.sum())
        if total == 0:
            break
        edge = np.repeat(indptr[u] - np.cumsum(counts) + counts, counts) + np.arange(total)
        hit = rng.random(total) < prob[edge]
        new = np.zeros_like(active)
        new[np.repeat(r, counts)[hit], indices[edge[hit]]] = True
        new &= ~active
        if not new.any():
            break
        active |= new
        frontier = new
        history.append(active.mean(axis=1))
    return np.column_stack(history)


@pytest.mark.parametrize(("n", "chance", "start"), [(300, 0.3, 1), (300, 0.9, 20), (60, 0.5, 3)])
def test_cascade_draws_as_the_whole_matrix_steps(n: int, chance: float, start: int) -> None:
    # the same random numbers for the same ties in the same order: identical runs, whether a
    # step's newly reached are few (sorted ids) or many (a mask)
    g = nx.gnp_random_graph(n, 8 / n, seed=3, directed=True)
    rows, cols = zip(*g.edges(), strict=True)
    flow = sp.csr_matrix((np.full(len(rows), chance), (rows, cols)), shape=(n, n))
    seeds = np.zeros((40, n), dtype=bool)
    pick = np.random.default_rng(1)
    for r in range(40):
        seeds[r, pick.choice(n, size=start, replace=False)] = True
    fast = simulate_spread(flow, seeds, rng=np.random.default_rng(9))
    plain = _dense_cascade(flow, seeds, np.random.default_rng(9))
    assert fast.shape == plain.shape and np.array_equal(fast, plain)


@pytest.mark.parametrize("model", ["cascade", "threshold"])
def test_certain_spread_reaches_exactly_what_is_reachable(model: str) -> None:
    g = nx.gnp_random_graph(40, 0.05, seed=4, directed=True)
    rows, cols = zip(*g.edges(), strict=True)
    # chance 1 per tie (cascade); weight 1 per influencer reaches any threshold (threshold)
    flow = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(40, 40))
    seeds = np.zeros((3, 40), dtype=bool)
    seeds[:, 0] = True
    final = simulate_spread(flow, seeds, model=model, rng=np.random.default_rng(0))[:, -1]
    assert np.allclose(final * 40, len(nx.descendants(g, 0)) + 1)


def test_no_spread_without_ties() -> None:
    flow = sp.csr_matrix((5, 5))
    seeds = np.eye(5, dtype=bool)[:2]
    out = simulate_spread(flow, seeds, rng=np.random.default_rng(0))
    assert out.shape == (2, 1) and np.allclose(out, 0.2)


def test_greedy_seeds_cover_at_least_the_greedy_bound(wb) -> None:
    net = network_graph(wb)
    reach = net.reach_sets(2)
    order = greedy_seeds(net, 4)
    sizes = np.diff(reach.indptr)
    assert order[0] == int(np.argmax(sizes))
    covered = np.asarray(reach[order].sum(axis=0)).ravel() > 0
    # any 4 people cover at most the sum of the 4 largest reach sets
    assert covered.sum() >= (1 - 1 / np.e) * min(np.sort(sizes)[-4:].sum(), net.n)
    assert list(greedy_seeds(net, 2)) == list(order[:2])


# --------------------------------------------------------------------------- privacy

def _all_text(result) -> str:
    parts = [json.dumps(result.to_json())]
    parts += [t.to_csv() for t in result.tables().values()]
    parts += [json.dumps(f.to_plotly_json(), default=str) for f in result.figures().values()]
    parts += [f.headline for f in result.findings()]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def results(wb):
    return [find_tribes(wb), hyper_connected(wb), backstage_leaders(wb),
            movement_seeds(wb, runs=30), reach_to_top(wb), network_change(wb)]


def test_the_small_department_never_appears(results) -> None:
    for result in results:
        assert "Legal" not in _all_text(result), result.key


def test_people_are_pseudonymous_except_in_the_json(results, wb) -> None:
    for result in results:
        figures = json.dumps([f.to_plotly_json() for f in result.figures().values()], default=str)
        tables = "".join(t.to_csv() for t in result.tables().values())
        findings = " ".join(f.headline for f in result.findings())
        for text in (figures, tables, findings):
            assert not re.search(r"\bE\d{4}\b", text), result.key
    assert "P-" in results[1].to_frame()["person"].iloc[0]
    named = hyper_connected(wb, names=True).to_frame()
    assert named["person"].iloc[0] == hyper_connected(wb).people[0]


def test_department_colouring_withholds_small_departments(wb) -> None:
    net = network_graph(wb)
    labels = picture_labels(wb, net, "department")
    assert "Legal" not in set(labels) and "withheld (small group)" in set(labels)
    legend = {t.name for t in network_figure(net, labels, colour_by="department",
                                             guard=wb.guard).data}
    assert "Legal" not in legend


def test_tribe_tables_pass_the_guard(results, wb) -> None:
    tribes = results[0]
    minimum = wb.guard.min_group_size
    assert (tribes.department_mix["n"] >= minimum).all()
    assert (tribes.profile["people"] >= minimum).all()
    shown = tribes.profile.dropna(subset=["energy"])
    assert (shown["energy_n"] >= minimum).all()
    assert any(s.group == "Legal" for s in tribes.suppressed)


def test_segment_mix_passes_the_guard(wb, sample_run) -> None:
    segmentation = sample_run.get(Segmentation)
    assert segmentation is not None
    tribes = find_tribes(wb, segments=segmentation)
    mix = tribes.segment_mix
    assert mix is not None and not mix.empty and (mix["n"] >= wb.guard.min_group_size).all()
    assert set(mix["segment"]) <= set(segmentation.assignments)
    assert (mix.groupby("tribe")["share"].sum() <= 1 + 1e-9).all()
    full = mix.groupby("tribe")["share"].sum()
    assert (full > 0.999).any()  # tribes with nothing withheld add up to their members
    assert "tribe_segment" in tribes.tables() and "tribe_segment" in tribes.figures()


# --------------------------------------------------------------------------- options

@pytest.mark.parametrize(("call", "option"), [
    (lambda wb: network_graph(wb, relation="friendship"), "relation"),
    (lambda wb: network_graph(wb, relation="advice", wave="2025-H2"), "wave"),
    (lambda wb: find_tribes(wb, resolution=0), "resolution"),
    (lambda wb: find_tribes(wb, resolution="high"), "resolution"),
    (lambda wb: find_tribes(wb, stability_runs=-1), "stability_runs"),
    (lambda wb: hyper_connected(wb, top=-2), "top"),
    (lambda wb: hyper_connected(wb, max_share=0), "max_share"),
    (lambda wb: hyper_connected(wb, connected_share=1.5), "connected_share"),
    (lambda wb: hyper_connected(wb, passion_cut="median"), "passion_cut"),
    (lambda wb: backstage_leaders(wb, min_tribes=0), "min_tribes"),
    (lambda wb: backstage_leaders(wb, betweenness_sources=0), "betweenness_sources"),
    (lambda wb: backstage_leaders(wb, max_share=0), "max_share"),
    (lambda wb: backstage_leaders(wb, null_quantile=1.5), "null_quantile"),
    (lambda wb: hyper_connected(wb, confidence=95), "confidence"),
    (lambda wb: hyper_connected(wb, resamples=-1), "resamples"),
    (lambda wb: find_tribes(wb, split_above=-1), "split_above"),
    (lambda wb: movement_seeds(wb, share=2), "share"),
    (lambda wb: movement_seeds(wb, model="sir"), "model"),
    (lambda wb: movement_seeds(wb, probability=1.5), "probability"),
    (lambda wb: movement_seeds(wb, runs=1), "runs"),
    (lambda wb: movement_seeds(wb, shares=(0.01, 0.9)), "shares"),
    (lambda wb: reach_to_top(wb, max_steps=1), "max_steps"),
    (lambda wb: picture_labels(wb, network_graph(wb), "mood"), "colour_by"),
])
def test_bad_options_name_the_option(wb, call, option: str) -> None:
    with pytest.raises(ConfigError, match=option):
        call(wb)


def test_without_network_or_leaders_the_steps_skip(wb) -> None:
    bare = dataclasses.replace(wb, network=None)
    data = run_all(bare, only=["tribes", "hyper_connected", "backstage_leaders", "movement_seeds",
                               "reach_to_top"]).to_json()
    for key in ("tribes", "hyper_connected", "backstage_leaders", "movement_seeds",
                "reach_to_top"):
        assert data[key] == {"skipped": "no network.csv in the data folder"}
    with pytest.raises(InsufficientDataError):
        find_tribes(bare)
    flat = dataclasses.replace(wb, survey=wb.survey.assign(is_leader=False))
    with pytest.raises(InsufficientDataError, match="formal leaders"):
        reach_to_top(flat)
    seeds = movement_seeds(flat, runs=10)
    assert np.isnan(seeds.reach_leaders) and seeds.to_json()["reach_leaders"] is None


def test_run_json_carries_the_five_keys(sample_run) -> None:
    data = sample_run.to_json()
    assert set(data["tribes"]) >= {"assignments", "modularity", "department_overlap"}
    assert set(data["hyper_connected"]) >= {"people"}
    assert set(data["backstage_leaders"]) >= {"people"}
    assert set(data["movement_seeds"]) >= {"people", "reach", "reach_leaders", "reach_random"}
    assert set(data["reach_to_top"]) >= {"within_2_steps"}
    assert all(p.startswith("E") for p in data["hyper_connected"]["people"])
    json.dumps(data, allow_nan=False)


# --------------------------------------------------------------------------- properties

def test_robust_z_bounds() -> None:
    assert np.array_equal(robust_z(np.array([3, 3, 3])), [0, 0, 0])
    z = robust_z(np.array([1, 2, 2, 3, 50]))
    assert z.argmax() == 4 and z[4] > 3


_ORDER_FREE = (find_tribes, hyper_connected, backstage_leaders, reach_to_top)


@pytest.fixture(scope="module")
def reference_json(wb) -> list[dict]:
    return [fn(wb).to_json() for fn in _ORDER_FREE]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_row_order_of_network_csv_does_not_matter(wb, reference_json, seed: int) -> None:
    order = np.random.default_rng(seed).permutation(len(wb.network))
    before = wb.network.copy()
    shuffled = dataclasses.replace(wb, network=wb.network.iloc[order].reset_index(drop=True))
    for fn, expected in zip(_ORDER_FREE, reference_json, strict=True):
        assert fn(shuffled).to_json() == expected
    pd.testing.assert_frame_equal(wb.network, before)  # inputs not mutated


def test_inputs_are_not_mutated(sample_dir: Path) -> None:
    book = load(sample_dir)
    survey, network = book.survey.copy(), book.network.copy()
    for result in (find_tribes(book), hyper_connected(book), backstage_leaders(book),
                   movement_seeds(book, runs=10), reach_to_top(book), network_change(book)):
        result.figures()
    pd.testing.assert_frame_equal(book.survey, survey)
    pd.testing.assert_frame_equal(book.network, network)


def test_large_networks_are_drawn_as_a_sample() -> None:
    import igraph as ig

    n = MAX_PEOPLE_DRAWN + 500
    g = ig.Graph.Erdos_Renyi(n=n, m=4 * n, directed=True)
    g.es["weight"] = 1.0
    ids = np.array([f"Q{i:05d}" for i in range(n)], dtype=object)
    net = Network(relation="influence", wave=None, ids=ids, graph=g,
                  leader=np.zeros(n, dtype=bool), dropped=0)
    fig = network_figure(net, pd.Series("x", index=ids), colour_by="tribe",
                         guard=PrivacyGuard())
    drawn = sum(len(t.x) for t in fig.data if t.mode == "markers")
    assert isinstance(fig, go.Figure) and drawn == MAX_PEOPLE_DRAWN
    assert "1,000 of 1,500 people" in fig.layout.title.text
    ties = fig.layout.shapes[0].path  # one path of straight ties, "M x,y L x,y" each
    assert ties.count("M") == ties.count("L") > MAX_PEOPLE_DRAWN  # ties kept


def test_distances_grow_with_steps(wb) -> None:
    net = network_graph(wb)
    d2 = leader_distances(net, max_steps=2)
    d3 = leader_distances(net, max_steps=3)
    assert ((d2 <= 2) == (d3 <= 2)).all() and (d3[net.leader] == 0).all()
