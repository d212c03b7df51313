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

from collections.abc import Mapping

from ..results import DiagnosticResult
from ..runner import RunOptions, Step
from ..workbook import Workbook
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
    "ALL_WAVES", "FOLKLORE", "QUADRANTS", "STEPS",
    "BackstageLeaders", "HyperConnected", "MovementSeeds", "Network", "NetworkChange",
    "ReachToTop", "Tribes",
    "backstage_leaders", "default_relation", "find_tribes", "greedy_seeds", "hyper_connected",
    "movement_seeds", "network_change", "network_graph", "picture_labels", "reach_to_top",
    "relation_waves", "relations", "simulate_spread",
]


def _needs_network(workbook: Workbook) -> str | None:
    if workbook.network is None or workbook.network.empty:
        return "no network.csv in the data folder"
    return None


def _needs_leaders(workbook: Workbook) -> str | None:
    reason = _needs_network(workbook)
    if reason is None and not workbook.leaders:
        return "no formal leaders are flagged (is_leader = 1 or leader_levels in workbook.toml)"
    return reason


def _needs_waves(workbook: Workbook) -> str | None:
    reason = _needs_network(workbook)
    if reason is None and len(relation_waves(workbook, default_relation(workbook))) < 2:
        return "the network's ties carry fewer than two waves"
    return reason


def _tribes(wb: Workbook, options: RunOptions, done: Mapping[str, DiagnosticResult]) -> Tribes:
    return find_tribes(wb, seed=options.seed, segments=done.get("segments"))


def _hubs(wb: Workbook, options: RunOptions,
          done: Mapping[str, DiagnosticResult]) -> HyperConnected:
    return hyper_connected(wb)


def _brokers(wb: Workbook, options: RunOptions,
             done: Mapping[str, DiagnosticResult]) -> BackstageLeaders:
    tribes = done.get("tribes")
    hubs = done.get("hyper_connected")
    return backstage_leaders(wb, seed=options.seed,
                             tribes=tribes if isinstance(tribes, Tribes) else None,
                             hyper=hubs if isinstance(hubs, HyperConnected) else None)


def _seeds(wb: Workbook, options: RunOptions,
           done: Mapping[str, DiagnosticResult]) -> MovementSeeds:
    return movement_seeds(wb, seed=options.seed, progress=options.progress)


def _reach(wb: Workbook, options: RunOptions, done: Mapping[str, DiagnosticResult]) -> ReachToTop:
    return reach_to_top(wb)


def _change(wb: Workbook, options: RunOptions,
            done: Mapping[str, DiagnosticResult]) -> NetworkChange:
    return network_change(wb, seed=options.seed)


#: The network steps of a run, in order.
STEPS: list[Step] = [
    Step("tribes", Tribes.title, _needs_network, _tribes),
    Step("hyper_connected", HyperConnected.title, _needs_network, _hubs),
    Step("backstage_leaders", BackstageLeaders.title, _needs_network, _brokers),
    Step("movement_seeds", MovementSeeds.title, _needs_network, _seeds),
    Step("reach_to_top", ReachToTop.title, _needs_leaders, _reach),
    Step("network_change", NetworkChange.title, _needs_waves, _change),
]
