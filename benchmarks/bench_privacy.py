"""Benchmark: the release control and the subtraction attacks on a large generated organisation.

For each size: a synthetic organisation is written to a temporary folder, every diagnostic
runs (the release control included, timed on its own), and the attacks of
``tests/privacy_attacks.py`` read the client report's tables: pairs of figures on the same
group, wave and question over counts 1 to minimum - 1 apart, or a group inside a group of
another grouping that many people larger, and everyone minus the groups a table shows (the
few people's answers recovered), people shown with their own scores, quotes joined to their authors.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from diagnostics import load, run_all, runner
from diagnostics.release import audit, group_figures
from diagnostics.report import build_report
from diagnostics.sample import write_sample

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from privacy_attacks import (  # noqa: E402
    complement_attack,
    individual_scores,
    quote_author_join,
    subtraction_attack,
)


def _one(people: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_sample(Path(tmp) / "org", people=people, seed=7)
        wb = load(folder)
        timing: dict[str, float] = {}
        original = runner.release_step

        def timed_release(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timing["release"] = time.perf_counter() - start

        runner.release_step = timed_release
        try:
            start = time.perf_counter()
            results = run_all(wb)
            seconds = time.perf_counter() - start
        finally:
            runner.release_step = original
        figures = group_figures(results.ran(), results.workbook)
        left = audit(figures, results.workbook, minimum=results.workbook.guard.min_group_size)
        tables = {t.sheet: t.frame for t in build_report(results).tables}
        shown = results.workbook
        minimum = shown.guard.min_group_size
        found = subtraction_attack(tables, minimum=minimum, attributes=shown.attributes,
                                   people=shown.survey)
        rest = complement_attack(tables, minimum=minimum, attributes=shown.attributes)
        withheld = sum("is not shown in one diagnostic" in w for w in results.warnings)
        pooled = sum("are not shown on their own" in w for w in results.warnings)
        return {"benchmark": "privacy: release control + attacks", "size": f"{people} people",
                "seconds": seconds, "seconds_run": round(seconds, 1), "seconds_release": round(timing["release"], 2),
                "group_figures": len(figures), "groups_withheld_by_release": withheld,
                "groupings_pooled": pooled, "conflicts_left": len(left),
                "recovered_by_subtraction": len(found), "recovered_from_total": len(rest),
                "people_with_own_scores": individual_scores(tables),
                "quotes_joined_to_authors": quote_author_join(tables)}


def run(quick: bool = False) -> list[dict]:
    return [_one(people) for people in ([600] if quick else [600, 5_000])]
