"""The network of one relation, built once per workbook, with its measures computed on demand.

A row of ``network.csv`` is one answer of ``source`` naming ``target`` (for ``influence``:
source names target as someone who influences their view; for ``advice``: source goes to
target for advice; for ``energy``: source finds target energising). In every relation the
named person is the one listened to, so:

* a high **in-degree** (named by many) means influential, sought out, energising;
* influence and information **flow from target to source**: the people who name you are the
  ones you reach in one step.

:func:`network_graph` builds the directed, weighted igraph graph of one relation and wave
and keeps it in a cache keyed by the workbook object, so the network diagnostics and the
notebook widgets share one graph and one set of measures.
"""

from __future__ import annotations

import random
import re
import threading
import warnings
import weakref
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import ConfigError, InsufficientDataError
from ..workbook import Workbook

__all__ = ["Network", "network_graph", "relations", "default_relation", "relation_waves",
           "RELATION_PREFERENCE", "ALL_WAVES"]

#: Relations chosen by default, first present wins (otherwise the relation with most ties).
RELATION_PREFERENCE: tuple[str, ...] = ("influence", "advice", "energy")
#: Pass as ``wave`` to pool the ties of every wave (weights added).
ALL_WAVES = "all"
#: Above this many people, betweenness is estimated from a sample of source people.
EXACT_BETWEENNESS_LIMIT = 4000
#: Source people sampled for approximate betweenness.
BETWEENNESS_SAMPLE = 250
#: Above this many people, fewer source people are sampled (:data:`BETWEENNESS_SAMPLE_LARGE`).
LARGE_NETWORK = 20_000
#: Source people sampled for approximate betweenness above :data:`LARGE_NETWORK` people.
BETWEENNESS_SAMPLE_LARGE = 100


def _natural_key(text: str) -> list[object]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", str(text))]


def relations(workbook: Workbook) -> list[str]:
    """The relations in ``network.csv``: the preferred ones first, then by number of ties.

    Examples
    --------
    >>> from diagnostics import load
    >>> relations(load("data/sample"))
    ['influence', 'advice', 'energy']
    """
    if workbook.network is None or workbook.network.empty:
        return []
    counts = workbook.network["relation"].value_counts()
    preferred = [r for r in RELATION_PREFERENCE if r in counts.index]
    rest = sorted((r for r in counts.index if r not in preferred), key=lambda r: (-counts[r], r))
    return preferred + rest


def default_relation(workbook: Workbook) -> str:
    """The relation the network diagnostics use unless told otherwise (influence when present)."""
    found = relations(workbook)
    if not found:
        raise InsufficientDataError("no network.csv in the data folder")
    return found[0]


def relation_waves(workbook: Workbook, relation: str) -> list[str]:
    """The waves in which ``relation`` has ties, in time order (empty when ties carry no wave)."""
    net = workbook.network
    if net is None:
        return []
    # the distinct waves first, then as text: no loop over every tie in Python
    waves = net.loc[(net["relation"] == relation) & net["wave"].notna(), "wave"]
    found = set(waves.drop_duplicates().astype(str).tolist())
    order = {w: i for i, w in enumerate(workbook.waves)}
    return sorted(found, key=lambda w: (order.get(w, len(order)), _natural_key(w)))


class Network:
    """The directed, weighted graph of one relation (and wave), and its measures.

    Do not build it directly: :func:`network_graph` builds it once per workbook, relation
    and wave. Measures are computed on first use and kept (the object is shared by every
    network diagnostic and widget of the same workbook).

    Attributes
    ----------
    relation, wave
        What the ties are (``wave`` ``None`` when the ties carry no wave, ``"all"`` when pooled).
    ids
        Respondent ids of the nodes, sorted (node ``i`` is ``ids[i]``).
    graph
        ``igraph.Graph``, directed, an edge ``source -> target`` per tie (source names
        target), edge attribute ``weight`` (> 0).
    leader
        Whether each node is a formal leader.
    dropped
        Ties left out because their weight is zero or negative (e.g. de-energising ties).
    """

    def __init__(self, *, relation: str, wave: str | None, ids: np.ndarray, graph: ig.Graph,
                 leader: np.ndarray, dropped: int) -> None:
        self.relation = relation
        self.wave = wave
        self.ids = ids
        self.graph = graph
        self.leader = leader
        self.dropped = dropped
        self.index: dict[str, int] = {p: i for i, p in enumerate(ids)}
        self._cache: dict[Hashable, Any] = {}

    def __repr__(self) -> str:
        wave = "" if self.wave is None else f", wave {self.wave}"
        return (f"<Network {self.relation}{wave}: {self.n} people, {self.graph.ecount()} ties, "
                f"{int(self.leader.sum())} formal leaders>")

    # ------------------------------------------------------------------ basics
    @property
    def n(self) -> int:
        """Number of people (nodes)."""
        return self.graph.vcount()

    def cached(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value stored under ``key``, computed by ``compute()`` the first time.

        One computation at a time across threads (:data:`_COMPUTING`): a panel drawing ahead
        in the background and the notebook's next cell never compute the same value twice at
        once, nor call igraph (not made for threads) on one network together.
        """
        found = self._cache.get(key, _MISSING)
        if found is not _MISSING:
            return found
        with _COMPUTING:
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    def undirected(self) -> ig.Graph:
        """The ties as an undirected graph (reciprocal ties collapsed, weights added)."""
        return self.cached("undirected", lambda: self.graph.as_undirected(
            mode="collapse", combine_edges={"weight": "sum"}))

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Source index, target index and weight of every tie."""
        def compute() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            el = np.asarray(self.graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
            return el[:, 0], el[:, 1], np.asarray(self.graph.es["weight"], dtype=float) \
                if self.graph.ecount() else np.zeros(0)
        return self.cached("edges", compute)

    def names_matrix(self) -> sp.csr_matrix:
        """``A[s, t]`` = weight of the tie in which ``s`` names ``t`` (sparse)."""
        def compute() -> sp.csr_matrix:
            s, t, w = self.edges()
            return sp.csr_matrix((w, (s, t)), shape=(self.n, self.n))
        return self.cached("names_matrix", compute)

    def connected(self) -> np.ndarray:
        """Whether each person has at least one tie (in or out)."""
        return self.cached("connected", lambda: np.asarray(self.graph.degree(), dtype=int) > 0)

    # ------------------------------------------------------------------ measures
    def in_degree(self) -> np.ndarray:
        """How many people name each person."""
        return self.cached("in_degree", lambda: np.asarray(self.graph.indegree(), dtype=int))

    def in_strength(self) -> np.ndarray:
        """Sum of the weights of the ties naming each person."""
        return self.cached("in_strength", lambda: np.asarray(
            self.graph.strength(mode="in", weights="weight"), dtype=float))

    def pagerank(self, damping: float = 0.85) -> np.ndarray:
        """Weighted PageRank on the directed ties (being named by the named counts more)."""
        return self.cached(("pagerank", damping), lambda: np.asarray(
            self.graph.pagerank(weights="weight", directed=True, damping=damping), dtype=float))

    def eigenvector(self) -> np.ndarray:
        """Eigenvector centrality of the undirected weighted ties, scaled to a maximum of 1.

        On a disconnected network it concentrates on the component with the largest
        leading eigenvalue (people elsewhere score near 0).
        """
        def compute() -> np.ndarray:
            g = self.undirected()
            if g.ecount() == 0:
                return np.zeros(self.n)
            with warnings.catch_warnings():  # igraph warns on disconnected graphs; documented
                warnings.simplefilter("ignore", RuntimeWarning)
                values = g.eigenvector_centrality(weights="weight", scale=True)
            return np.asarray(values, dtype=float)
        return self.cached("eigenvector", compute)

    def two_step_reach(self) -> np.ndarray:
        """How many people each person reaches within two steps of influence flow.

        One step: the people who name them; two steps: also the people who name those.
        """
        return self.cached("two_step_reach", lambda: np.asarray(
            self.graph.neighborhood_size(order=2, mode="in", mindist=1), dtype=int))

    def constraint(self) -> np.ndarray:
        """Burt's constraint (low: a broker spanning structural holes; NaN without ties)."""
        return self.cached("constraint", lambda: np.asarray(
            self.graph.constraint(weights="weight"), dtype=float))

    def betweenness(self, sources: int | None = None, seed: int = 0) -> tuple[np.ndarray, int]:
        """Betweenness on the undirected ties (hop counts), exact or estimated.

        Parameters
        ----------
        sources
            How many source people to sample (Brandes & Pich 2007); ``None``: exact up to
            :data:`EXACT_BETWEENNESS_LIMIT` people, :data:`BETWEENNESS_SAMPLE` sources up to
            :data:`LARGE_NETWORK` people, else :data:`BETWEENNESS_SAMPLE_LARGE`.
        seed
            Seed of the sample.

        Returns
        -------
        values, used
            The (estimated) betweenness of each person, as the unnormalised count of
            shortest paths between pairs of others; and the number of sources used
            (``n`` when exact).
        """
        n = self.n
        if sources is None:
            sources = (n if n <= EXACT_BETWEENNESS_LIMIT else BETWEENNESS_SAMPLE if
                       n <= LARGE_NETWORK else BETWEENNESS_SAMPLE_LARGE)
        if isinstance(sources, bool) or not isinstance(sources, (int, np.integer)) or sources < 1:
            raise ConfigError(f"betweenness_sources must be a whole number of at least 1, got "
                              f"{sources!r}.")
        k = min(int(sources), n)
        return self.cached(("betweenness", k, seed if k < n else None),
                           lambda: (_betweenness(self.undirected(), k, seed), k))

    def rewired(self, seed: int = 0) -> ig.Graph:
        """The undirected ties rewired at random, each person keeping their number of ties.

        Ten degree-preserving swaps per tie (igraph's ``rewire``; three above
        :data:`LARGE_NETWORK` people, where each tie is still moved about six times), drawn
        from ``seed``: the random network the brokerage of real people is compared with.
        """
        def compute() -> ig.Graph:
            g = self.undirected().copy()
            with igraph_seed(seed):
                g.rewire(n=(10 if self.n <= LARGE_NETWORK else 3) * g.ecount())
            return g
        return self.cached(("rewired", seed), compute)

    def null_betweenness(self, sources: int, seed: int = 0) -> np.ndarray:
        """Betweenness in :meth:`rewired`, measured as :meth:`betweenness` with ``sources``."""
        k = min(int(sources), self.n)
        return self.cached(("null_betweenness", k, seed),
                           lambda: _betweenness(self.rewired(seed), k, seed))

    def reach_sets(self, steps: int = 2) -> sp.csr_matrix:
        """Row ``i``: the people ``i`` reaches within ``steps`` steps of flow (itself included).

        Computed as the pattern of ``(I + B)^steps`` with ``B[i, j] = 1`` when ``j`` names
        ``i`` (sparse products, float32 so that path counts never wrap to zero).
        """
        def compute() -> sp.csr_matrix:
            s, t, _ = self.edges()
            one = sp.csr_matrix((np.ones(len(s), dtype=np.float32), (t, s)),
                                shape=(self.n, self.n))
            step = (one + sp.identity(self.n, dtype=np.float32, format="csr")).tocsr()
            step.data[:] = 1
            reach = step
            for _ in range(steps - 1):
                reach = (reach @ step).tocsr()
                reach.data[:] = 1  # keep the pattern only
            reach.sort_indices()
            return sp.csr_matrix((np.ones(reach.nnz, dtype=bool), reach.indices, reach.indptr),
                                 shape=(self.n, self.n))
        return self.cached(("reach_sets", steps), compute)

    def layout(self, seed: int = 0) -> np.ndarray:
        """Fruchterman-Reingold positions of every person (``n x 2``), cached per seed."""
        def compute() -> np.ndarray:
            g = self.undirected()
            rng = np.random.default_rng(seed)
            start = rng.uniform(-1.0, 1.0, size=(self.n, 2)).tolist()
            if g.ecount() == 0:
                return np.asarray(start)
            with igraph_seed(seed):
                pos = g.layout_fruchterman_reingold(weights="weight", niter=300, seed=start,
                                                    grid="nogrid" if self.n <= 2000 else "grid")
            return np.asarray(pos.coords, dtype=float)
        return self.cached(("layout", seed), compute)


@contextmanager
def igraph_seed(seed: int) -> Iterator[None]:
    """Within the block, igraph's random draws come from ``seed``; the caller's state after.

    python-igraph draws from Python's :mod:`random` module, which every process seeds anew, so
    a layout or a rewiring left to it differs from one process to the next.

    Examples
    --------
    >>> g = ig.Graph.Ring(6)
    >>> with igraph_seed(3):
    ...     a = g.layout_fruchterman_reingold(niter=50).coords
    >>> with igraph_seed(3):
    ...     b = g.layout_fruchterman_reingold(niter=50).coords
    >>> a == b
    True
    """
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def _betweenness(g: ig.Graph, k: int, seed: int) -> np.ndarray:
    """Betweenness (hop counts), exact when ``k`` is every node, else from ``k`` sampled sources."""
    n = g.vcount()
    if k >= n:
        return np.asarray(g.betweenness(directed=False), dtype=float)
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(n, size=k, replace=False)).tolist()
    part = np.asarray(g.betweenness(directed=False, sources=picked, targets=None), dtype=float)
    return part * (n / k)


# --------------------------------------------------------------------------- cache

_CACHE: dict[int, dict[tuple[str, str | None], Network]] = {}
#: Held while a network's cached value is computed (re-entrant: computations nest).
_COMPUTING = threading.RLock()
_MISSING = object()


def _forget(key: int) -> None:
    _CACHE.pop(key, None)


def _ties(workbook: Workbook, relation: str, wave: str | None) -> pd.DataFrame:
    net = workbook.network
    if net is None:
        raise InsufficientDataError("no network.csv in the data folder")
    ties = net[net["relation"] == relation]
    if wave is not None and wave != ALL_WAVES:
        ties = ties[ties["wave"].isna() | (ties["wave"].astype(str) == wave)]
    ties = ties.groupby(["source", "target"], sort=True)["weight"].sum().reset_index()
    return ties


def network_graph(workbook: Workbook, *, relation: str | None = None,
                  wave: str | None = None) -> Network:
    """The network of one relation and wave, built once per workbook and kept.

    Parameters
    ----------
    workbook
        A loaded data folder with ``network.csv``.
    relation
        The relation (``influence``, ``advice``, ``energy``, ...); default: influence when
        present, else advice, energy, or the relation with the most ties.
    wave
        The wave of the ties; default the latest wave in which the relation has ties (the
        current state). ``"all"`` pools the ties of every wave (weights added). Ties without
        a wave count in every wave.

    Returns
    -------
    Network
        People: the wave's survey respondents and everyone named in it (all people when the
        wave is not a survey wave). Ties with a weight of zero or less (de-energising) are
        left out and counted in ``dropped``.

    Raises
    ------
    InsufficientDataError
        Without ``network.csv``.
    ConfigError
        For an unknown relation or wave.

    Examples
    --------
    >>> from diagnostics import load
    >>> wb = load("data/sample")
    >>> net = network_graph(wb)
    >>> net.relation, net.wave, net.graph.is_directed()
    ('influence', '2025-H2', True)
    >>> network_graph(wb) is net  # built once, then kept
    True
    """
    found = relations(workbook)
    if not found:
        raise InsufficientDataError("no network.csv in the data folder")
    rel = found[0] if relation is None else str(relation).lower()
    if rel not in found:
        raise ConfigError(f"relation {relation!r} is not in network.csv; relations: "
                          f"{', '.join(found)}.")
    waves = relation_waves(workbook, rel)
    if wave is None:
        wave = waves[-1] if waves else None
    elif wave != ALL_WAVES and str(wave) not in waves:
        raise ConfigError(f"wave {wave!r} has no {rel} ties; waves with {rel} ties: "
                          f"{', '.join(waves) or 'none (the ties carry no wave)'}, or 'all'.")
    wave = None if wave is None else str(wave)
    key = (rel, wave)
    book = _CACHE.get(id(workbook))
    if book is None:
        book = _CACHE[id(workbook)] = {}
        weakref.finalize(workbook, _forget, id(workbook))
    if key in book:
        return book[key]

    ties = _ties(workbook, rel, wave)
    positive = ties["weight"] > 0
    dropped = int((~positive).sum())
    ties = ties[positive]
    if wave is not None and wave in workbook.waves:
        present = workbook.survey.loc[workbook.survey["wave"] == wave, "respondent_id"]
    else:
        present = workbook.survey["respondent_id"]
    # the distinct ids first (hashed by pandas), then a set of those: no loop over every tie
    named = (set(present.unique().tolist()) | set(ties["source"].unique().tolist())
             | set(ties["target"].unique().tolist()))
    ids = np.array(sorted(named), dtype=object)
    index = pd.Index(ids)
    edges = np.column_stack([index.get_indexer(ties["source"]), index.get_indexer(ties["target"])])
    graph = ig.Graph(n=len(ids), directed=True)
    graph.add_edges(edges)  # from the array: faster than a list of pairs
    graph.es["weight"] = ties["weight"].astype(float).tolist()
    graph.vs["name"] = ids.tolist()
    people = workbook.people
    leader = people["is_leader"].reindex(ids).fillna(False).to_numpy(dtype=bool)
    network = Network(relation=rel, wave=wave, ids=ids, graph=graph, leader=leader,
                      dropped=dropped)
    # the edge list as built (edge k is row k), so that edges() need not read it back
    network.cached("edges", lambda: (edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64),
                                     ties["weight"].to_numpy(dtype=float)))
    book[key] = network
    return network


def require_ties(net: Network, *, minimum: int = 3) -> None:
    """Raise :class:`InsufficientDataError` when fewer than ``minimum`` people have ties."""
    tied = int(net.connected().sum())
    if tied < minimum:
        raise InsufficientDataError(
            f"only {tied} people have {net.relation} ties; at least {minimum} are needed")
