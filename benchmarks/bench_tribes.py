"""Planted tribes recovered at 2,000, 20,000 and 100,000 people (``quick``: 2,000 only).

For each size, ``culture-diagnostics sample`` writes a generated organisation (planted tribes
of about 65 people, 6% of ordinary ties leaving the tribe), and the tribes step finds the
tribes of its influence network. The row reports the adjusted Rand index and the NMI against
the planted tribes, the number found and planted, how many tribes were split again, the
stability and its seeds, with the step's wall-clock and CPU seconds. For comparison, the
first pass alone (``split_above=0``: classic modularity, which merges small tribes in large
organisations) is scored too. The goal is an ARI of at least 0.9 at every size.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

SIZES = (2_000, 20_000, 100_000)


def _one(people: int, root: Path) -> dict[str, Any]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from diagnostics import load
    from diagnostics.network import find_tribes, network_graph
    from diagnostics.sample import write_sample

    folder = write_sample(root / f"org{people}", people=people)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))["tribes"]
    wb = load(folder)
    network_graph(wb).undirected()
    load_avg = round(os.getloadavg()[0], 1)
    wall, cpu = time.perf_counter(), time.process_time()
    tribes = find_tribes(wb)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    a = tribes.assignments
    planted = np.array([truth[p] for p in a.index])
    first = find_tribes(wb, split_above=0, stability_runs=0).assignments
    return {"benchmark": "tribes: planted tribes recovered", "size": f"{people:,} people",
            "seconds": wall, "cpu_seconds": cpu, "load": load_avg,
            "ari": adjusted_rand_score(planted, a.to_numpy()),
            "nmi": normalized_mutual_info_score(planted, a.to_numpy()),
            "found": tribes.n_tribes, "planted": len(set(planted)), "splits": tribes.splits,
            "stability": tribes.stability, "stability_runs": tribes.stability_runs,
            "ari_first_pass_only": adjusted_rand_score(
                np.array([truth[p] for p in first.index]), first.to_numpy())}


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Score the tribes step against the planted tribes at each size."""
    with tempfile.TemporaryDirectory() as tmp:
        return [_one(n, Path(tmp)) for n in (SIZES[:1] if quick else SIZES)]


if __name__ == "__main__":  # pragma: no cover
    for row in run(quick="--quick" in sys.argv):
        print(row)
