"""The whole ``culture-diagnostics run`` at organisation scale, against networkx's four measures.

Two folders are written once to a temporary folder:

- a network-only folder of 100,000 people and 1,000,000 influence ties (``quick``: 5,000 /
  50,000), the organisation network of :mod:`benchmarks.bench_network` (skewed tribes,
  skewed popularity) with a survey of people (department, formal leaders);
- a whole organisation of 100,000 people (``quick``: 5,000) made by ``culture-diagnostics
  sample``: survey with items, two waves, three relations of ties, actions, initiatives,
  stories.

Then, each in a fresh process (so that its time and peak memory are its own):

- ``culture-diagnostics run DIR --json OUT --quiet --profile`` on each folder: the step a
  user runs, loading included; the per-step profile is kept in the row (``profile``);
- networkx on the network-only folder's ties: reading the ties with pandas, building the
  directed graph, in-degree, PageRank, Louvain communities and betweenness from 100 sampled
  sources (unnormalised) on the undirected graph.

The row of the network-only run reports ``ratio``: networkx's seconds divided by the run's
(the goal is at least 3, with the run under 120 s and 4 GB; the whole organisation under
300 s and 4 GB). The load average at the start of each part is recorded in ``load``: on a
shared, loaded machine wall-clock time overstates the cost, and ``cpu_seconds`` (the
process's CPU time, children included) is reported too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FULL = (100_000, 1_000_000)
QUICK = (5_000, 50_000)


def write_network_folder(folder: Path, people: int, ties: int) -> Path:
    """A folder with only ``survey.csv`` (people) and ``network.csv`` (influence ties)."""
    from benchmarks.bench_network import generate

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    ids = [f"P{i:06d}" for i in range(people)]
    pd.DataFrame({"respondent_id": ids,
                  "department": rng.choice([f"D{k}" for k in range(12)], size=people),
                  "is_leader": (rng.random(people) < 0.05).astype(int)}
                 ).to_csv(folder / "survey.csv", index=False)
    generate(people, ties).assign(relation="influence").to_csv(folder / "network.csv",
                                                                index=False)
    return folder


#: Survey items of the whole generated organisation (the sample's 34 and added team practices).
ITEMS = 60


def write_organisation(folder: Path, people: int, items: int = ITEMS, seed: int = 7) -> Path:
    """A whole organisation of ``people``: ``culture-diagnostics sample``, padded to ``items``.

    The sample generator (:func:`diagnostics.sample.write_sample`: survey, two waves, three
    relations of ties, actions, initiatives, stories, comments, roster) writes its 34 items;
    further team-practice behaviour items (1-5, not non-negotiable) are added to both waves,
    each a planted item's answer moved by chance (a step up or down for a third of the people),
    with about 3% missing, so that the survey has ``items`` items as in the goal.
    """
    from diagnostics.sample import write_sample

    write_sample(folder, people=people, seed=seed)
    codebook = pd.read_csv(folder / "codebook.csv", dtype=str, keep_default_na=False)
    survey = pd.read_csv(folder / "survey.csv", dtype=str, keep_default_na=False)
    extra = items - len(codebook)
    if extra <= 0:
        return folder
    rng = np.random.default_rng(seed)
    base = [c for c in codebook.loc[codebook["kind"] == "behaviour", "item"]]
    rows, columns = [], {}
    for j in range(extra):
        name = f"t{j + 1:02d}"
        source = pd.to_numeric(survey[base[j % len(base)]], errors="coerce").to_numpy()
        step = rng.choice([-1, 0, 0, 0, 0, 1], size=len(survey))
        value = np.clip(source + step, 1, 5)
        value[rng.random(len(survey)) < 0.03] = np.nan
        columns[name] = [f"{v:.0f}" if v == v else "" for v in value]
        rows.append({"item": name, "kind": "behaviour", "scale_min": "1", "scale_max": "5",
                     "label": f"In my team, we keep team practice {j + 1} going.",
                     "construct": "team practice", "reverse": "0", "non_negotiable": "0",
                     "importance_of": ""})
    survey = pd.concat([survey, pd.DataFrame(columns, index=survey.index)], axis=1)
    survey.to_csv(folder / "survey.csv", index=False)
    pd.concat([codebook, pd.DataFrame(rows)], ignore_index=True).to_csv(
        folder / "codebook.csv", index=False)
    return folder


def _timed(cmd: list[str]) -> dict[str, Any]:
    """Run a command; wall and CPU seconds (children), peak memory, its output."""
    load = round(os.getloadavg()[0], 1)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err[-2000:]}")
    return {"seconds": wall, "out": out, "load": load}


def _run_cli(folder: Path, out: Path) -> dict[str, Any]:
    code = ("import resource, sys, time; from diagnostics.cli import main; "
            "c = time.process_time(); rc = main(sys.argv[1:]); "
            "u = resource.getrusage(resource.RUSAGE_SELF); "
            "print('\\x1e' + str(time.process_time() - c) + ' ' + str(u.ru_maxrss / 1024)); "
            "sys.exit(rc)")
    found = _timed([sys.executable, "-c", code, "run", str(folder), "--json", str(out),
                    "--quiet", "--profile"])
    text, tail = found["out"].rsplit("\x1e", 1)
    cpu, peak = (float(v) for v in tail.split())
    return {"seconds": found["seconds"], "cpu_seconds": cpu, "peak_mb_process": peak,
            "load": found["load"], "profile": text.strip()}


def networkx_measures(network_csv: str) -> None:
    """networkx's degree, PageRank, Louvain and 100-source betweenness (in this process)."""
    import resource

    import networkx as nx

    cpu = time.process_time()
    ties = pd.read_csv(network_csv)
    g = nx.DiGraph()
    g.add_weighted_edges_from(ties[["source", "target", "weight"]].itertuples(index=False))
    undirected = nx.Graph(g.to_undirected(reciprocal=False))
    dict(g.in_degree())
    nx.pagerank(g, weight="weight")
    parts = nx.community.louvain_communities(undirected, weight="weight", seed=0)
    nx.betweenness_centrality(undirected, k=min(100, len(undirected)), seed=0,
                              normalized=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\x1e" + json.dumps({"cpu_seconds": time.process_time() - cpu, "peak_mb_process": peak,
                               "tribes": len(parts)}))


def _run_networkx(folder: Path) -> dict[str, Any]:
    code = ("import benchmarks.bench_run as m, sys; "
            "m.networkx_measures(sys.argv[1])")
    found = _timed([sys.executable, "-c", code, str(folder / "network.csv")])
    return {"seconds": found["seconds"], "load": found["load"],
            **json.loads(found["out"].rsplit("\x1e", 1)[1])}


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Time the whole run on both folders and networkx on the same ties."""
    people, ties = QUICK if quick else FULL
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        net_folder = write_network_folder(root / "network_only", people, ties)
        size = f"{people:,} people / {ties:,} ties"
        mine = _run_cli(net_folder, root / "network_only.json")
        theirs = _run_networkx(net_folder)
        rows.append({"benchmark": "run: network-only folder (whole process)", "size": size,
                     **mine, "ratio": theirs["seconds"] / mine["seconds"],
                     "cpu_ratio": theirs["cpu_seconds"] / mine["cpu_seconds"]})
        rows.append({"benchmark": "networkx: degree, PageRank, Louvain, betweenness (100)",
                     "size": size, **theirs})
        rows.append(run_organisation(root / "organisation", people))
    return rows


#: Goal 2 of issue 17: the whole organisation's run within this many seconds and MB.
TARGET_SECONDS, TARGET_MB = 300, 4096


def run_organisation(org: Path, people: int, *, written: bool = False) -> dict[str, Any]:
    """Generate the whole organisation (:func:`write_organisation`) and time ``run`` on it.

    With ``written``, ``org`` is a folder :func:`write_organisation` wrote before (it is
    only read). The row holds the run's per-step profile (``profile``) and its ratio to the
    goal (``ratio_to_target``: seconds / 300, ``cpu_ratio_to_target``: CPU seconds / 300;
    below 1 meets it); both are printed to stderr as well, so that ``python -m benchmarks
    run`` shows them.
    """
    if not written:
        write_organisation(org, people)
    files = sorted(p.name for p in org.glob("*.csv"))
    ties = sum(1 for _ in (org / "network.csv").open(encoding="utf-8")) - 1
    with tempfile.TemporaryDirectory() as tmp:
        whole = _run_cli(org, Path(tmp) / "organisation.json")
    row = {"benchmark": "run: whole generated organisation (whole process)",
           "size": f"{people:,} people, {ITEMS} items, {ties:,} tie rows, {', '.join(files)}",
           **whole, "target_seconds": TARGET_SECONDS, "target_mb": TARGET_MB,
           "ratio_to_target": whole["seconds"] / TARGET_SECONDS,
           "cpu_ratio_to_target": whole["cpu_seconds"] / TARGET_SECONDS}
    print(f"{row['benchmark']} ({row['size']}), load {whole['load']}:\n{whole['profile']}\n"
          f"{whole['seconds']:.1f} s wall ({row['ratio_to_target']:.2f} of the "
          f"{TARGET_SECONDS} s target), {whole['cpu_seconds']:.1f} s CPU "
          f"({row['cpu_ratio_to_target']:.2f}), peak {whole['peak_mb_process']:.0f} MB of "
          f"{TARGET_MB}", file=sys.stderr, flush=True)
    return row


if __name__ == "__main__":  # pragma: no cover
    # python -m benchmarks.bench_run [--quick] | --organisation DIR PEOPLE (a folder written
    # before by write_organisation: only the whole organisation's run is timed)
    if "--organisation" in sys.argv:
        at = sys.argv.index("--organisation")
        folder, size = Path(sys.argv[at + 1]), int(sys.argv[at + 2])
        rows = [run_organisation(folder, size, written=True)]
    else:
        rows = run(quick="--quick" in sys.argv)
    for row in rows:
        profile = row.pop("profile", None)
        print(row)
        if profile and "ratio_to_target" not in row:  # the organisation's went to stderr
            print(profile)
