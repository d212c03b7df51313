"""Benchmark of the frame segmentation: automatic k on large surveys (and the sample).

The target (issue 3): 100,000 respondents x 15 motivation items, k chosen automatically
from 2 to 8, in under 60 s on a 2-core machine. What keeps it fast at large n: the
silhouette on a fixed subsample of 2,000, bootstrap resamples of at most 5,000 rows (the
refits then assign everyone), the unclustered reference on subsamples of 1,000, and above
20,000 respondents k-means (2 starts instead of 10) and the mixture start on a subsample of
20,000 and are refined on everyone.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from diagnostics import Workbook, load, segment_frames
from diagnostics.clustering import adjusted_rand
from diagnostics.config import Config
from diagnostics.sample import (  # the sample's planted segment model, at any size
    _CONSTRUCTS,
    _MOTIVATION_ITEM_SD,
    _MOTIVATION_PERSON_SD,
    _PROFILES,
    _SEGMENT_SHARES,
    _STYLE_SD,
)


def survey(n: int, *, seed: int = 0) -> tuple[Workbook, np.ndarray]:
    """A survey of ``n`` respondents x 15 motivation items (5 constructs) with 5 planted
    segments like the sample's, about 3% missing answers; and the planted labels."""
    rng = np.random.default_rng(seed)
    labels = rng.choice(5, size=n, p=_SEGMENT_SHARES)
    construct = np.repeat(np.arange(5), 3)
    x = (_PROFILES[labels][:, construct] + rng.normal(0, _MOTIVATION_PERSON_SD, (n, 5))[:, construct]
         + rng.normal(0, _STYLE_SD, (n, 1)) + rng.normal(0, _MOTIVATION_ITEM_SD, (n, 15)))
    answers = np.clip(np.rint(x), 1, 7)
    answers[rng.random((n, 15)) < 0.03] = np.nan
    items = [f"m{j + 1:02d}" for j in range(15)]
    frame = pd.DataFrame(answers, columns=items)
    frame.insert(0, "respondent_id", [f"P{i:06d}" for i in range(n)])
    frame.insert(1, "wave", "W1")
    frame.insert(2, "department", rng.choice(["Ops", "Sales", "IT", "HR", "Finance"], n))
    book = pd.DataFrame({"kind": "motivation", "scale_min": 1.0, "scale_max": 7.0,
                         "label": items,
                         "construct": np.array(_CONSTRUCTS)[construct],
                         "reverse": 0, "non_negotiable": 0}, index=pd.Index(items, name="item"))
    wb = Workbook.build(folder=Path("."), config=Config(), survey=frame, codebook=book,
                        attributes=["department"])
    return wb, labels


def _timed(fn):
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - start, time.process_time() - cpu, value


def _row(name: str, size: str, seconds: float, cpu: float, result,
         truth: np.ndarray | None) -> dict:
    row = {"benchmark": name, "size": size, "seconds": round(seconds, 2),
           "cpu_seconds": round(cpu, 2), "k": result.k,
           "structure": result.structure, "clarity": result.clarity,
           "stability": round(float(result.stability), 3),
           "silhouette": round(float(result.silhouette), 3)}
    if truth is not None:
        ids = result.assignments.index.str[1:].astype(int)
        row["ari_planted"] = round(adjusted_rand(truth[ids], result.assignments.to_numpy()), 3)
    return row


def run(quick: bool = False) -> list[dict]:
    rows: list[dict] = []
    wb = load(Path(__file__).resolve().parents[1] / "data" / "sample")
    for method in ("kmeans", "gmm"):
        seconds, cpu, result = _timed(lambda m=method: segment_frames(wb, method=m))
        rows.append(_row(f"segments: sample, automatic k ({method})",
                         f"{len(result.assignments)} x 15", seconds, cpu, result, None))
    for n in [10_000] if quick else [10_000, 100_000]:
        big, truth = survey(n)
        for method in ("kmeans",) if quick else ("kmeans", "gmm"):
            seconds, cpu, result = _timed(lambda b=big, m=method: segment_frames(b, method=m))
            rows.append(_row(f"segments: automatic k ({method})", f"{n} x 15", seconds, cpu,
                             result, truth))
    return rows
