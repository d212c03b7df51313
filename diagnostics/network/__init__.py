"""Network diagnostics: tribes, hyper-connected people, backstage leaders, movement seeding,
reach to the top, and change between waves.

Every diagnostic works on the graph of one relation of ``network.csv`` (influence by
default), built once per workbook by :func:`network_graph` and shared (with its measures and
layout) by all of them and by the notebook widgets. A tie ``source -> target`` means the
source names the target (listens to them): a high in-degree means influential, and influence
flows from target to source.

Examples
--------
>>> from diagnostics import load
>>> from diagnostics.network import find_tribes, hyper_connected
>>> wb = load("data/sample")
>>> find_tribes(wb).network is hyper_connected(wb).network   # one graph, built once
True
"""

from __future__ import annotations

from .brokers import BackstageLeaders, backstage_leaders
from .change import NetworkChange, network_change
from .graph import (
    ALL_WAVES,
    Network,
    default_relation,
    network_graph,
    relation_waves,
    relations,
)
from .hubs import QUADRANTS, HyperConnected, hyper_connected
from .reach import FOLKLORE, ReachToTop, reach_to_top
from .spread import MovementSeeds, greedy_seeds, movement_seeds, simulate_spread
from .tribes import Tribes, find_tribes
from .views import picture_labels

__all__ = [
    "ALL_WAVES", "FOLKLORE", "QUADRANTS",
    "BackstageLeaders", "HyperConnected", "MovementSeeds", "Network", "NetworkChange",
    "ReachToTop", "Tribes",
    "backstage_leaders", "default_relation", "find_tribes", "greedy_seeds", "hyper_connected",
    "movement_seeds", "network_change", "network_graph", "picture_labels", "reach_to_top",
    "relation_waves", "relations", "simulate_spread",
]
