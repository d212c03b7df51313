"""Network diagnostics on the real public sets: centralities equal networkx's on the same ties,
Sampson's factions and other published structure are recovered."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from onadata_sets import ONADATA, onadata_folder
from realdata import NETWORK_SETS, REAL, available, network_folder, network_info
from sklearn.metrics import normalized_mutual_info_score

from diagnostics import load
from diagnostics.network import (
    backstage_leaders,
    find_tribes,
    hyper_connected,
    network_graph,
    reach_to_top,
    relations,
)

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="real data sets not on this machine")
_WAVE = re.compile(r"^(.*?)(T\d)$")


def _nx_from_files(name: str, network: str, ids: list[str]) -> nx.DiGraph:
    """The network straight from the set's edge file (not through the workbook's loader)."""
    files = {f.name.lower(): f for f in (REAL / name).glob("edges_*.csv")}
    edges = pd.read_csv(files[f"edges_{network.lower()}.csv"], dtype={"source": str, "target": str})
    if "weight" not in edges:
        edges["weight"] = 1.0
    edges = edges[edges["weight"] > 0]
    g = nx.DiGraph()
    g.add_nodes_from(ids)
    directed = network_info(name).at[network, "Directed"]
    for s, t, w in edges[["source", "target", "weight"]].itertuples(index=False):
        g.add_edge(s, t, weight=float(w))
        if not directed:
            g.add_edge(t, s, weight=float(w))
    return g


def _cases() -> list[tuple[str, str]]:
    if not REAL.is_dir():
        return []
    return [(name, network) for name in NETWORK_SETS if available(name)
            for network in network_info(name).index]


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("real")
    return {name: load(network_folder(name, root / name)) for name in NETWORK_SETS
            if available(name)}


@pytest.mark.parametrize(("name", "network"), _cases(), ids=lambda v: str(v))
def test_centralities_equal_networkx(books, name: str, network: str) -> None:
    wb = books[name]
    match = _WAVE.match(network)
    relation = (match.group(1) if match else network).lower()
    net = network_graph(wb, relation=relation, wave=match.group(2) if match else None)
    ids = list(net.ids)
    g = _nx_from_files(name, network, ids)
    assert net.graph.ecount() == g.number_of_edges()
    assert np.array_equal(net.in_degree(), [g.in_degree(p) for p in ids])
    assert np.allclose(net.in_strength(), [g.in_degree(p, weight="weight") for p in ids])
    pagerank = nx.pagerank(g, weight="weight", tol=1e-13, max_iter=100_000)
    assert np.allclose(net.pagerank(), [pagerank[p] for p in ids], atol=1e-9)
    undirected = nx.Graph(g.to_undirected(reciprocal=False).edges())
    undirected.add_nodes_from(ids)
    between = nx.betweenness_centrality(undirected, normalized=False)
    assert np.allclose(net.betweenness()[0], [between[p] for p in ids])
    constraint = nx.constraint(g, weight="weight")
    mine = net.constraint()
    theirs = np.array([constraint[p] for p in ids], dtype=float)
    assert np.array_equal(np.isnan(mine), np.isnan(theirs))
    assert np.allclose(mine[~np.isnan(mine)], theirs[~np.isnan(theirs)])
    reverse = g.reverse()
    reach = [len(nx.single_source_shortest_path_length(reverse, p, cutoff=2)) - 1 for p in ids]
    assert np.array_equal(net.two_step_reach(), reach)
    # eigenvector centrality of the undirected weighted ties (reciprocal weights added), on
    # connected networks, where the leading eigenvector is unique
    weighted = nx.Graph()
    weighted.add_nodes_from(ids)
    for s, t, w in g.edges(data="weight"):
        old = weighted.get_edge_data(s, t, {"weight": 0.0})["weight"]
        weighted.add_edge(s, t, weight=old + w)
    if nx.is_connected(weighted):
        eig = nx.eigenvector_centrality_numpy(weighted, weight="weight")
        top = max(abs(v) for v in eig.values())
        assert np.allclose(net.eigenvector(), [abs(eig[p]) / top for p in ids], atol=1e-6)


def _sampson(tmp_path: Path):
    return load(network_folder("sampson_monastery", tmp_path / "s",
                               networks=["LikeT1", "LikeT2", "LikeT3"]))


@pytest.mark.skipif(not available("sampson_monastery"), reason="Sampson not present")
def test_sampsons_factions_are_recovered(tmp_path: Path) -> None:
    wb = _sampson(tmp_path)
    tribes = find_tribes(wb, relation="like")  # the last wave, T3, as Sampson's groups
    groups = wb.people["sampson_group"][tribes.assignments.index]
    score = normalized_mutual_info_score(groups, tribes.assignments)
    # SOURCE.md: best of 50 Louvain runs on symmetrised LikeT3 reaches NMI 0.81 with 3 groups
    assert score >= 0.8 and tribes.n_tribes == 3
    young_turks = set(groups.index[groups == "Young Turks"])
    assert any(set(m.index) == young_turks for _, m in tribes.assignments.groupby(
        tribes.assignments))
    # the factions formed over time: the first wave fits them less
    early = find_tribes(wb, relation="like", wave="T1").assignments
    assert normalized_mutual_info_score(groups[early.index], early) < score


@pytest.mark.skipif(not available("karate_club"), reason="karate club not present")
def test_karate_club_split(tmp_path: Path) -> None:
    wb = load(network_folder("karate_club", tmp_path / "k", networks=["Connection"]))
    tribes = find_tribes(wb, resolution=0.5)
    club = wb.people["Club"][tribes.assignments.index]
    assert tribes.n_tribes == 2
    assert normalized_mutual_info_score(club, tribes.assignments) > 0.6


@pytest.mark.skipif(not available("padgett_florentine"), reason="Padgett not present")
def test_the_medici_broker_the_marriage_network(tmp_path: Path) -> None:
    wb = load(network_folder("padgett_florentine", tmp_path / "p", networks=["Marriage"]))
    brokers = backstage_leaders(wb, min_tribes=1)
    assert brokers.scores["betweenness"].idxmax() == "MEDICI"
    assert brokers.people[0] == "MEDICI"


@pytest.mark.skipif(not available("krackhardt_hightech"), reason="Krackhardt not present")
def test_krackhardt_advice_published_in_degrees_and_reach(tmp_path: Path) -> None:
    import json

    nodes = pd.read_csv(REAL / "krackhardt_hightech" / "nodes.csv", dtype=str)
    bosses = list(nodes.loc[nodes["level"].isin(["1", "2"]), "id"])
    wb = load(network_folder("krackhardt_hightech", tmp_path / "k", networks=["advice"],
                             leaders=bosses))
    checks = json.loads((REAL / "krackhardt_hightech" / "reference_checks.json").read_text())
    net = network_graph(wb)
    # reference_checks lists, per manager, how many name them for advice
    published = checks["networks"]["advice"]["indegree"]
    assert {p: int(d) for p, d in zip(net.ids, net.in_degree(), strict=True)} == \
        {p: int(d) for p, d in published.items()}
    hubs = hyper_connected(wb, top=3)
    assert hubs.people[0] == max(published, key=lambda p: (published[p], p == "2"))
    top = reach_to_top(wb)
    assert top.n_leaders == 5 and 0 < top.within_2_steps <= 1


# ---------------------------------------------------------------- workplace networks (onadata)

_ONA = pytest.mark.skipif(ONADATA is None, reason="onadata is not installed")


@pytest.fixture(scope="module")
def workplaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    if ONADATA is None:
        pytest.skip("onadata is not installed")
    root = tmp_path_factory.mktemp("ona")
    return {name: load(onadata_folder(name, root / name)) for name in ("workfrance", "email")}


@_ONA
@pytest.mark.parametrize(("name", "most", "size"), [("workfrance", 28, 211), ("email", 211, 1005)])
def test_hyper_connected_on_real_workplaces_are_the_most_named(workplaces, name: str, most: int,
                                                                size: int) -> None:
    hubs = hyper_connected(workplaces[name])
    degree = hubs.scores["in_degree"]
    assert hubs.network.n == size and int(degree.max()) == most
    k = len(hubs.people)
    assert 1 <= k <= 0.05 * size and hubs.reason == ""
    # the list is the top of the in-degree ranking: nobody left out is named more
    assert degree[list(hubs.people)].min() >= degree.drop(list(hubs.people)).max()
    assert hubs.people[0] == degree.idxmax()
    assert (degree[list(hubs.people)] > hubs.chance_floor).all()
    sure = hubs.scores.loc[list(hubs.people), "certainty"]
    assert sure.between(0, 1).all() and sure.iloc[0] == sure.max()


@_ONA
@pytest.mark.parametrize("name", ["workfrance", "email"])
def test_backstage_on_real_workplaces_is_short_and_says_its_rule(workplaces, name: str) -> None:
    brokers = backstage_leaders(workplaces[name])
    n = brokers.network.n
    assert 1 <= len(brokers.people) <= 0.03 * n  # not 106 of 211 or 513 of 1,005
    assert any("No formal leaders are flagged" in note for note in brokers.notes)
    assert "not known" in brokers.to_json()["rule"]
    scores = brokers.scores.loc[list(brokers.people)]
    assert (scores["betweenness"] > brokers.null_cut).all()
    assert not scores["hyper_connected"].any() and (scores["tribes_bridged"] >= 2).all()


@_ONA
def test_email_tribes_follow_departments_better_once_split(workplaces) -> None:
    # email-Eu-core: 42 departments; modularity alone merges many of them
    wb = workplaces["email"]
    dept = wb.people["department"]
    whole = find_tribes(wb, split_above=0, stability_runs=0)
    split = find_tribes(wb, stability_runs=0)
    before = normalized_mutual_info_score(dept[whole.assignments.index], whole.assignments)
    after = normalized_mutual_info_score(dept[split.assignments.index], split.assignments)
    assert split.splits > 0 and after > before + 0.1


def _quality_cases() -> list[str]:
    names = ["sample"] + [n for n in ("karate_club", "sampson_monastery", "krackhardt_hightech",
                                      "kapferer_tailorshop") if available(n)]
    return names + (["workfrance", "email"] if ONADATA is not None else [])


@pytest.mark.parametrize("name", _quality_cases())
def test_faster_tribes_find_the_same_partition_quality(name: str, tmp_path: Path) -> None:
    """igraph's Leiden (the tribes step) against leidenalg's (before): same modularity."""
    import leidenalg

    if name == "sample":
        wb = load("data/sample")
    elif name in ("workfrance", "email"):
        wb = load(onadata_folder(name, tmp_path / name))
    else:
        wb = load(network_folder(name, tmp_path / name))
    for relation in relations(wb):
        net = network_graph(wb, relation=relation)
        if net.graph.ecount() == 0:
            continue
        g = net.undirected()
        theirs = leidenalg.find_partition(g, leidenalg.RBConfigurationVertexPartition,
                                          weights="weight", seed=0, n_iterations=-1)
        reference = g.modularity(theirs.membership, weights="weight")
        tribes = find_tribes(wb, relation=relation, split_above=0, stability_runs=0)
        assert tribes.modularity >= reference - 0.005, relation
