"""Network diagnostics at scale: 100,000 people and 1,000,000 ties, igraph against networkx.

The workbook's path (``network_graph`` -> ``find_tribes`` -> ``hyper_connected`` ->
``backstage_leaders``: Leiden tribes, in-degree, PageRank, eigenvector, two-step reach,
betweenness from 250 sampled source people, Burt's constraint) runs on a generated
organisation network. networkx computes the same measures on the same ties (Louvain for the
tribes: networkx has no Leiden of its own). Each library runs in its own process, so each
peak memory is its own. Every row has wall-clock ``seconds`` and ``cpu_seconds`` (the
process's CPU time; on a shared, loaded machine wall-clock time overstates the cost, and
the load average at the start is recorded in ``load``).

networkx is slow on some of these measures; those are timed on part of the work and scaled
up linearly, and the row says how (``how``): betweenness from 5 of the 250 sampled source
people (the cost is one breadth-first search per source), constraint on 100 people and
two-step reach on 2,000 people (the cost is per person, on a graph whose people are alike
by construction). Louvain runs in full, in its own process, with a cap of ``NX_CAP``
seconds; a capped run is reported as at least the cap.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
#: Longest networkx's Louvain may run (wall-clock seconds) before it is reported as "at least".
NX_CAP = 3600.0
FULL = (100_000, 1_000_000)
QUICK = (5_000, 50_000)


def generate(people: int, ties: int, seed: int = 0) -> pd.DataFrame:
    """An organisation network: skewed tribes, skewed popularity, 10% of ties across tribes.

    Returns ``source``, ``target`` (ids ``P000001``...), ``weight`` (1-3): exactly ``ties``
    distinct directed ties without self-ties.
    """
    rng = np.random.default_rng(seed)
    n_tribes = max(4, people // 400)
    share = np.exp(rng.normal(0.0, 0.5, size=n_tribes))
    tribe = np.sort(rng.choice(n_tribes, size=people, p=share / share.sum()))
    popularity = np.exp(rng.normal(0.0, 1.0, size=people))
    cum = np.cumsum(popularity)
    bounds = np.searchsorted(tribe, np.arange(n_tribes + 1))
    start = np.concatenate([[0.0], cum])[bounds[:-1]]
    total = cum[bounds[1:] - 1] - start
    draw = int(ties * 1.15)
    src = rng.integers(0, people, size=draw)
    within = rng.random(draw) >= 0.10
    u = rng.random(draw)
    tgt = np.where(within,
                   np.searchsorted(cum, start[tribe[src]] + u * total[tribe[src]], side="right"),
                   np.searchsorted(cum, u * cum[-1], side="right"))
    tgt = np.minimum(tgt, people - 1)
    ok = src != tgt
    key = np.unique(src[ok].astype(np.int64) * people + tgt[ok])
    if len(key) < ties:
        raise RuntimeError("the generator produced too few distinct ties; raise the overdraw")
    key = np.sort(rng.permutation(key)[:ties])
    ids = np.array([f"P{i:06d}" for i in range(people)], dtype=object)
    return pd.DataFrame({"source": ids[key // people], "target": ids[key % people],
                         "weight": rng.integers(1, 4, size=len(key)).astype(float)})


def _workbook(people: int, ties: int) -> Any:
    from diagnostics.config import Config
    from diagnostics.workbook import Workbook

    rng = np.random.default_rng(1)
    ids = [f"P{i:06d}" for i in range(people)]
    survey = pd.DataFrame({"respondent_id": ids, "wave": "1",
                           "is_leader": rng.random(people) < 0.05,
                           "department": rng.choice([f"D{k}" for k in range(12)], size=people)})
    codebook = pd.DataFrame(columns=["kind", "scale_min", "scale_max", "label", "construct",
                                     "reverse", "non_negotiable"]).rename_axis("item")
    network = generate(people, ties).assign(relation="influence", wave=None)[
        ["source", "target", "relation", "weight", "wave"]]
    return Workbook.build(folder=Path("."), config=Config(), survey=survey, codebook=codebook,
                          attributes=["department"], network=network)


class _Clock:
    """Collects rows of wall-clock and CPU seconds."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def __call__(self, name: str, fn: Callable[[], Any], *, scale: float = 1.0,
                 how: str = "full") -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn()
        self.rows.append({"measure": name, "seconds": (time.perf_counter() - wall) * scale,
                          "cpu_seconds": (time.process_time() - cpu) * scale, "how": how})
        return value


def _igraph_part(people: int, ties: int) -> list[dict[str, Any]]:
    from diagnostics.network import backstage_leaders, find_tribes, hyper_connected, network_graph

    wb = _workbook(people, ties)
    clock = _Clock()
    net = clock("graph (from the ties table)", lambda: network_graph(wb))
    tribes = clock("tribes (Leiden, with profile)", lambda: find_tribes(wb, stability_runs=0))
    clock("in-degree", net.in_degree)
    clock("PageRank", net.pagerank)
    clock("eigenvector", net.eigenvector)
    clock("two-step reach", net.two_step_reach)
    hubs = clock("hyper-connected (rest of the result)", lambda: hyper_connected(wb))
    clock("betweenness (250 sampled sources)", lambda: net.betweenness())
    clock("constraint", net.constraint)
    brokers = clock("backstage leaders (rest of the result)",
                    lambda: backstage_leaders(wb, tribes=tribes, hyper=hubs))
    clock.rows[-1].update({"tribes": tribes.n_tribes, "modularity": round(tribes.modularity, 3),
                           "hyper_connected": len(hubs.people), "backstage": len(brokers.people),
                           "betweenness_sources": brokers.sources})
    return clock.rows


def _nx_graph(net: pd.DataFrame) -> Any:
    import networkx as nx

    g = nx.DiGraph()
    g.add_weighted_edges_from(net[["source", "target", "weight"]].itertuples(index=False))
    return g


def _networkx_part(people: int, ties: int) -> list[dict[str, Any]]:
    import networkx as nx

    net = generate(people, ties)
    rng = np.random.default_rng(0)
    clock = _Clock()
    g = clock("graph (from the ties table)", lambda: _nx_graph(net))
    undirected = clock("undirected copy", lambda: nx.Graph(g.to_undirected(reciprocal=False)))
    clock.rows.append(_louvain_capped(people, ties))
    clock("in-degree", lambda: dict(g.in_degree()))
    clock("PageRank", lambda: nx.pagerank(g, weight="weight"))
    clock("eigenvector", lambda: nx.eigenvector_centrality_numpy(undirected, weight="weight"))
    nodes = list(g.nodes)
    sample = [nodes[i] for i in rng.choice(len(nodes), size=min(2000, len(nodes)), replace=False)]
    reverse = g.reverse(copy=False)
    clock("two-step reach", lambda: [len(nx.single_source_shortest_path_length(
        reverse, p, cutoff=2)) for p in sample], scale=len(nodes) / len(sample),
        how=f"{len(sample)} of {len(nodes)} people, scaled up")
    k = min(250, len(nodes))
    part = min(5, k)
    clock("betweenness (250 sampled sources)", lambda: nx.betweenness_centrality(
        undirected, k=part, seed=0, normalized=False), scale=k / part,
        how=f"{part} of {k} sampled sources, scaled up")
    few = sample[:100]
    clock("constraint", lambda: nx.constraint(g, nodes=few, weight="weight"),
          scale=len(nodes) / len(few), how=f"{len(few)} of {len(nodes)} people, scaled up")
    return clock.rows


def _louvain_only(people: int, ties: int) -> None:
    import networkx as nx

    g = nx.Graph(_nx_graph(generate(people, ties)).to_undirected(reciprocal=False))
    wall, cpu = time.perf_counter(), time.process_time()
    parts = nx.community.louvain_communities(g, weight="weight", seed=0)
    print("\x1e" + json.dumps({"seconds": time.perf_counter() - wall,
                               "cpu_seconds": time.process_time() - cpu, "tribes": len(parts)}))


def _louvain_capped(people: int, ties: int) -> dict[str, Any]:
    code = f"import benchmarks.bench_network as m; m._louvain_only({people}, {ties})"
    try:
        out = subprocess.run([sys.executable, "-c", code], cwd=HERE.parent, capture_output=True,
                             text=True, timeout=NX_CAP, check=True).stdout
        found = json.loads(out.rsplit("\x1e", 1)[1])
        return {"measure": "tribes (Louvain)", "how": "full (own process)", **found}
    except subprocess.TimeoutExpired:
        return {"measure": "tribes (Louvain)", "seconds": NX_CAP, "cpu_seconds": None,
                "how": f"stopped at the {NX_CAP:.0f} s cap: at least this"}


def _child(part: str, people: int, ties: int) -> None:
    rows = (_igraph_part if part == "igraph" else _networkx_part)(people, ties)
    print("\x1e" + json.dumps(rows))


def _in_process(part: str, people: int, ties: int) -> tuple[list[dict[str, Any]], float]:
    code = f"import benchmarks.bench_network as m; m._child({part!r}, {people}, {ties})"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            cwd=HERE.parent, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or "\x1e" not in out:
        raise RuntimeError(f"the {part} part failed")
    return json.loads(out.rsplit("\x1e", 1)[1]), usage.ru_maxrss / 1024


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Time the network measures with igraph (the workbook) and networkx on the same graph."""
    people, ties = QUICK if quick else FULL
    size = f"{people:,} people / {ties:,} ties"
    rows: list[dict[str, Any]] = []
    for library in ("igraph", "networkx"):
        load = round(os.getloadavg()[0], 1)
        found, peak = _in_process(library, people, ties)
        for r in found:
            rows.append({"benchmark": f"network {library}: {r.pop('measure')}", "size": size,
                         "library": library, "peak_mb_process": round(peak, 1), "load": load,
                         **r})
        rows.append({
            "benchmark": f"network {library}: total", "size": size, "library": library,
            "seconds": sum(r["seconds"] for r in found),
            "cpu_seconds": sum(r["cpu_seconds"] or r["seconds"] for r in found),
            "peak_mb_process": round(peak, 1), "load": load,
            "how": "graph, tribes, centralities, brokers (networkx: some rows scaled up)"})
    return rows


if __name__ == "__main__":  # pragma: no cover
    for row in run(quick="--quick" in sys.argv):
        print(row)
