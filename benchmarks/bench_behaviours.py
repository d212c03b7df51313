"""Benchmark of the non-negotiables and the wave comparison on synthetic organisations.

Each size is written with :func:`diagnostics.sample.write_sample` and loaded like a client
folder; the rows also record whether the planted weak groups and wave changes were found.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from benchmarks import timed
from diagnostics import load
from diagnostics.behaviours import non_negotiables
from diagnostics.sample import write_sample
from diagnostics.waves import wave_changes


def run(quick: bool = False) -> list[dict]:
    sizes = [600] if quick else [600, 5_000, 20_000]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for people in sizes:
            folder = write_sample(Path(tmp) / f"org{people}", people=people, seed=7)
            truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
            wb = load(folder)
            seconds, nn = timed(lambda wb=wb: non_negotiables(wb), repeat=1 if quick else 2)
            planted = {(w["item"], w["attribute"], w["group"]) for w in truth["weak_groups"]}
            flagged = set(nn.weakest_links()[["item", "grouping", "group"]].itertuples(
                index=False, name=None))
            rows.append({"benchmark": "non_negotiables", "size": people, "seconds": seconds,
                         "planted_found": len(planted & flagged), "planted": len(planted),
                         "other_flags": len(flagged - planted)})
            seconds, waves = timed(lambda wb=wb: wave_changes(wb))
            items = waves.changes[waves.changes["kind"] == "item"]
            found = set(items.loc[items["significant"], "item"])
            planted_items = set(truth["wave_changes"])
            rows.append({"benchmark": "wave_changes", "size": people,
                         "seconds": seconds, "planted_found": len(planted_items & found),
                         "planted": len(planted_items),
                         "other_flags": len(found - planted_items),
                         "group_tests": len(waves.group_changes)})
    return rows
