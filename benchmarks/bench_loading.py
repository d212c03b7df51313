"""Loading and validating a large data folder, against a bare ``pandas.read_csv`` of its files.

A folder of 100,000 respondents x 60 items (``quick``: 5,000) is written once to a temporary
folder: answers from a few latent factors on 1-5, 1-7 and 0-10 scales, about 4% missing
(most of it from a minority who skip or break off), department, level, location, tenure
band and is_leader, a codebook of 60 items with reverse-worded ones. Then, each in a fresh
process so that its peak memory is its own:

- ``diagnostics.load`` of the folder (reading, complete validation, typed workbook);
- ``pandas.read_csv`` of ``survey.csv`` and ``codebook.csv`` with default options.

The target is under 10 s and 2 GB for the full size; the load row reports its ratio to the
bare read. Wall-clock seconds are the best of three runs; CPU seconds are reported too, as
they are less disturbed by other work on a shared machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

DEPARTMENTS = ["Operations", "Sales", "Customer Service", "Finance", "IT", "HR", "Marketing",
               "Logistics", "Procurement", "R&D", "Quality", "Legal"]
LEVELS = ["Associate", "Professional", "Team lead", "Manager", "Senior manager", "Executive"]
LOCATIONS = ["Rotterdam", "Antwerpen", "Hamburg", "Lyon", "Gdańsk", "Milano", "Remote"]
TENURE = ["<1 year", "1-3 years", "3-5 years", "5-10 years", "10+ years"]


def write_folder(folder: Path, *, people: int, items: int = 60, seed: int = 0) -> Path:
    """Write a realistic survey folder of ``people`` respondents x ``items`` items."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"q{i:02d}" for i in range(1, items + 1)]
    kinds = (["motivation"] * (items // 3) + ["behaviour"] * (items // 3)
             + ["energy"] * (items // 6))
    kinds += ["outcome"] * (items - len(kinds))
    scale_max = np.where(np.arange(items) % 10 == 9, 10, np.where(np.arange(items) < items // 3, 7, 5))
    scale_min = np.where(scale_max == 10, 0, 1)
    reverse = (np.arange(items) % 7 == 3).astype(int)
    factors = rng.normal(size=(people, 6))
    loadings = rng.normal(0.7, 0.2, size=items)
    which = np.arange(items) % 6
    latent = factors[:, which] * loadings + rng.normal(0, 0.7, size=(people, items))
    span = scale_max - scale_min
    answers = np.clip(np.rint((latent + 2.5) / 5 * span + scale_min), scale_min, scale_max)
    answers = np.where(reverse == 1, scale_min + scale_max - answers, answers)
    missing = rng.random((people, items)) < 0.015
    skippers = rng.random(people) < 0.08
    missing |= skippers[:, None] & (rng.random((people, items)) < 0.3)
    breakoff = rng.random(people) < 0.03
    cut = rng.integers(items // 3, items, size=people)
    missing |= breakoff[:, None] & (np.arange(items)[None, :] >= cut[:, None])
    answers[missing] = np.nan
    dept_p = np.array([30, 14, 12, 7, 7, 5, 5, 8, 4, 4, 3, 1], dtype=float)
    level = rng.choice(len(LEVELS), size=people, p=[0.55, 0.25, 0.1, 0.06, 0.03, 0.01])
    survey = pd.DataFrame({
        "respondent_id": [f"E{i:06d}" for i in range(1, people + 1)],
        "wave": "2025-H1",
        "department": rng.choice(DEPARTMENTS, size=people, p=dept_p / dept_p.sum()),
        "level": np.array(LEVELS)[level],
        "location": rng.choice(LOCATIONS, size=people),
        "tenure_band": rng.choice(TENURE, size=people),
        "is_leader": (level >= 3).astype(int),
    })
    survey = pd.concat([survey, pd.DataFrame(answers, columns=names).astype("Int64")], axis=1)
    survey.to_csv(folder / "survey.csv", index=False)
    pd.DataFrame({
        "item": names, "kind": kinds, "scale_min": scale_min, "scale_max": scale_max,
        "label": [f"Statement {i} of the survey" for i in range(1, items + 1)],
        "construct": [f"{k}_{w}" for k, w in zip(kinds, which, strict=True)],
        "reverse": reverse, "non_negotiable": 0,
    }).to_csv(folder / "codebook.csv", index=False)
    return folder


_LOAD = """
import json, sys, time
from diagnostics import load
start, cpu = time.perf_counter(), time.process_time()
wb = load(sys.argv[1])
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": len(wb.survey), "items": len(wb.items),
                  "missing": int(wb.survey[wb.items].isna().sum().sum())}))
"""

_READ = """
import json, sys, time
import pandas as pd
start, cpu = time.perf_counter(), time.process_time()
survey = pd.read_csv(sys.argv[1] + "/survey.csv")
codebook = pd.read_csv(sys.argv[1] + "/codebook.csv")
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "rows": len(survey)}))
"""


def _child(code: str, folder: Path) -> tuple[dict, float]:
    """Run ``code`` in a fresh Python; its printed JSON and its peak memory in MB."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE,
                            env=env, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"benchmark child failed: {out}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def run(quick: bool = False) -> list[dict]:
    """Time ``load`` (validation included) and a bare ``read_csv`` of the same files."""
    people, items = (5_000, 60) if quick else (100_000, 60)
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_folder(Path(tmp) / "data", people=people, items=items)
        size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        loads = [_child(_LOAD, folder) for _ in range(repeat)]
        reads = [_child(_READ, folder) for _ in range(repeat)]
    load_s = min(r["seconds"] for r, _ in loads)
    read_s = min(r["seconds"] for r, _ in reads)
    load_cpu = min(r["cpu"] for r, _ in loads)
    read_cpu = min(r["cpu"] for r, _ in reads)
    size = f"{people} x {items}"
    info = loads[0][0]
    return [
        {"benchmark": "load + validate (diagnostics.load)", "size": size,
         "seconds": round(load_s, 3), "peak_mb_process": round(max(m for _, m in loads), 1),
         "ratio_to_read_csv": round(load_s / read_s, 2), "cpu_seconds": round(load_cpu, 3),
         "cpu_ratio_to_read_csv": round(load_cpu / read_cpu, 2), "file_mb": round(size_mb, 1),
         "missing_answers": info["missing"], "target_seconds": 10, "target_mb": 2048},
        {"benchmark": "bare pandas.read_csv of the same files", "size": size,
         "seconds": round(read_s, 3), "peak_mb_process": round(max(m for _, m in reads), 1),
         "cpu_seconds": round(read_cpu, 3), "file_mb": round(size_mb, 1)},
    ]


if __name__ == "__main__":  # pragma: no cover
    for row in run(quick="--quick" in sys.argv):
        print(row)
