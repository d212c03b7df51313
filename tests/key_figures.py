"""Key figures of ``culture-diagnostics run DATA --json``: the snapshot the run is compared with.

The snapshot in ``tests/fixtures/snapshot/`` was written from main before the run's wiring moved
into ``diagnostics/pipeline.py`` (issue 12); a refactoring of the run must give the same figures.
When a change is meant to change the numbers, rewrite the snapshot and say so in the commit::

    PYTHONPATH=$PWD python tests/key_figures.py

What is kept: every number, text and flag of the JSON, with two summaries where the JSON is a
long listing: an ``assignments`` map becomes its size per label and a hash of its sorted pairs,
and the long ``group_changes`` table of waves becomes its row count, the sums of its changes and
group sizes, and the rows that are significant, in full.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

SNAPSHOT_DIR = Path(__file__).resolve().parent / "fixtures" / "snapshot"

#: (file name, command-line options) of each snapshot.
RUNS: dict[str, list[str]] = {
    "run_default.json": [],
    "run_seed3_min8.json": ["--seed", "3", "--min-group-size", "8"],
}


def _assignments(mapping: dict[str, Any]) -> dict[str, Any]:
    pairs = sorted((str(k), str(v)) for k, v in mapping.items())
    digest = hashlib.sha256(json.dumps(pairs).encode("utf-8")).hexdigest()
    sizes = Counter(v for _, v in pairs)
    return {"n": len(pairs), "sizes": dict(sorted(sizes.items())), "sha256": digest}


def _group_changes(rows: list[dict[str, Any]]) -> dict[str, Any]:
    finite = [r for r in rows if isinstance(r.get("change"), (int, float))]
    return {
        "rows": len(rows),
        "sum_change": math.fsum(r["change"] for r in finite),
        "sum_n_to": sum(int(r.get("n_to") or 0) for r in rows),
        "significant": [r for r in rows if r.get("significant")],
    }


def summarise(data: Any, path: tuple[str, ...] = ()) -> Any:
    """The JSON with its long listings summarised (see the module's docstring)."""
    if isinstance(data, dict) and data and all(_is_pseudonym(k) for k in data):
        # keyed by pseudonyms, which are random for each run: the values, in a stable order
        values = [summarise(v, (*path, "*")) for v in data.values()]
        return sorted(values, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key == "assignments" and isinstance(value, dict):
                out[key] = _assignments(value)
            elif key == "group_changes" and isinstance(value, list):
                out[key] = _group_changes(value)
            else:
                out[key] = summarise(value, (*path, str(key)))
        return out
    if isinstance(data, list):
        return [summarise(v, (*path, str(i))) for i, v in enumerate(data)]
    return data


def flatten(data: Any, path: str = "") -> dict[str, Any]:
    """``{"a/b/0/c": leaf}`` for every leaf (empty containers kept as leaves)."""
    if isinstance(data, dict) and data:
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(flatten(value, f"{path}/{key}" if path else str(key)))
        return out
    if isinstance(data, list) and data:
        out = {}
        for i, value in enumerate(data):
            out.update(flatten(value, f"{path}/{i}"))
        return out
    return {path: data}


def differences(expected: dict[str, Any], actual: dict[str, Any], *,
                rel: float = 1e-9, abs_: float = 1e-12) -> list[str]:
    """Every figure of ``expected`` missing or different in ``actual`` (new figures are fine)."""
    want, got = flatten(expected), flatten(actual)
    problems: list[str] = []
    for key, value in want.items():
        if key not in got:
            problems.append(f"{key}: missing (expected {value!r})")
            continue
        other = got[key]
        if isinstance(value, float) or isinstance(other, float):
            if (isinstance(value, (int, float)) and isinstance(other, (int, float))
                    and not isinstance(value, bool) and not isinstance(other, bool)
                    and math.isclose(value, other, rel_tol=rel, abs_tol=abs_)):
                continue
            problems.append(f"{key}: {other!r}, expected {value!r}")
        elif value != other and not (_is_pseudonym(value) and _is_pseudonym(other)):
            problems.append(f"{key}: {other!r}, expected {value!r}")
    return problems


def _is_pseudonym(value: Any) -> bool:
    """Pseudonyms are keyed with a new random key for each run (no key file): any two match."""
    return isinstance(value, str) and re.fullmatch(r"P-[0-9a-f]{6,64}", value) is not None


def run_json(options: list[str], out: Path) -> dict[str, Any]:
    """``culture-diagnostics run data/sample --json OUT`` with ``options``, as JSON."""
    from diagnostics.cli import main

    code = main(["run", "data/sample", "--json", str(out), "--quiet", *options])
    if code != 0:
        raise RuntimeError(f"run exited with {code}")
    return json.loads(out.read_text(encoding="utf-8"))


def write_snapshots() -> None:
    import tempfile

    SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, options in RUNS.items():
            data = summarise(run_json(options, Path(tmp) / name))
            text = json.dumps(data, indent=1, sort_keys=False, allow_nan=False)
            (SNAPSHOT_DIR / name).write_text(text + "\n", encoding="utf-8")
            print(f"Wrote {SNAPSHOT_DIR / name}", file=sys.stderr)


if __name__ == "__main__":
    write_snapshots()
