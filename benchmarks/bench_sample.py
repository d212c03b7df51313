"""Benchmark: generating and writing the synthetic organisation at realistic and large sizes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks import timed
from diagnostics.sample import write_sample


def run(quick: bool = False) -> list[dict]:
    rows = []
    for people in ([600, 5_000] if quick else [600, 10_000, 100_000]):
        with tempfile.TemporaryDirectory() as tmp:
            seconds, folder = timed(lambda p=people, t=tmp: write_sample(Path(t) / "org",
                                                                        people=p, seed=7))
            size_mb = sum(f.stat().st_size for f in Path(folder).iterdir()) / 1e6
        rows.append({"benchmark": "sample: generate + write folder", "size": f"{people} people",
                     "seconds": round(seconds, 2), "files_mb": round(size_mb, 1)})
    return rows
