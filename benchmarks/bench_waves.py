"""Wave changes at organisation scale: planted changes found, no negligible shift called a change.

The sample organisation is generated at 20,000 people (``quick``: 2,000), seed 7, and the
two waves compared with :func:`diagnostics.wave_changes` (segment movers left out: they
have their own benchmark). With many respondents even a tiny shift is significant; the
smallest change of interest (0.1 standard deviation, 3 points for shares) decides whether
it matters. The row reports:

- ``planted_found``: planted item changes (``truth.json`` ``wave_changes``) whose verdict is
  *changed*, out of ``planted``;
- ``other_changed``: survey figures called *changed* that are neither a planted item nor
  built from one (a construct, say-do gap or adherence holding a planted item): the target
  is 0;
- ``other_significant``: those of them that are significant (detectable), and
  ``negligible``, ``no_change``, ``inconclusive``: the verdicts of all figures.

Set ``CULTURE_DIAGNOSTICS_WAVES_FOLDER`` to reuse an already generated folder.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from diagnostics import load
from diagnostics.sample import write_sample
from diagnostics.waves import wave_changes


def _built_on(workbook, planted: set[str]) -> set[str]:
    """Figures of the comparison that hold a planted item."""
    out = set(planted)
    for construct, items in workbook.constructs().items():
        if planted & set(items):
            out.add(f"construct: {construct}")
    for item in planted:
        out.add(f"adherence: {item}")
    return out


def check(folder: Path) -> dict:
    """Compare the two waves of ``folder``; the figures of the row (see the module)."""
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    planted = set(truth["wave_changes"])
    workbook = load(folder)
    start = time.perf_counter()
    result = wave_changes(workbook, segments=False)
    seconds = time.perf_counter() - start
    c = result.changes
    survey = c[c["kind"] != "network"]
    allowed = _built_on(workbook, planted)
    allowed |= {i for i in survey["item"] if i.startswith("say-do gap:")
                and any(p in i for p in planted)}
    items = survey[survey["kind"] == "item"].set_index("item")
    others = survey[~survey["item"].isin(allowed)]
    verdicts = c["verdict"].value_counts()
    return {
        "seconds": round(seconds, 2),
        "planted": len(planted),
        "planted_found": int((items.loc[sorted(planted), "verdict"] == "changed").sum()),
        "other_changed": int((others["verdict"] == "changed").sum()),
        "other_changed_names": sorted(others.loc[others["verdict"] == "changed", "item"]),
        "other_significant": int(others["significant"].sum()),
        "negligible": int(verdicts.get("negligible", 0)),
        "no_change": int(verdicts.get("no change", 0)),
        "inconclusive": int(verdicts.get("inconclusive", 0)),
        "network_verdicts": dict(zip(c.loc[c["kind"] == "network", "item"],
                                     c.loc[c["kind"] == "network", "verdict"], strict=True)),
    }


def run(quick: bool = False) -> list[dict]:
    people = 2_000 if quick else 20_000
    given = os.environ.get("CULTURE_DIAGNOSTICS_WAVES_FOLDER")
    if given:
        row = check(Path(given))
        people = json.loads((Path(given) / "truth.json").read_text())["people"]
    else:
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_sample(Path(tmp) / "org", people=people, seed=7)
            row = check(Path(folder))
    return [{"benchmark": "waves: planted found, negligible not a change",
             "size": f"{people} people", **row}]


if __name__ == "__main__":  # pragma: no cover
    for r in run():
        print(r)
