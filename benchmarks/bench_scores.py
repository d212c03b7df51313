"""Benchmark of the survey scores (drivers, favourability, heatmap, eNPS, comments, per-unit reports).

Sizes: 10,000 and 100,000 people (``run_size`` times one size).

Each size is written with :func:`diagnostics.sample.write_sample` and loaded like a client
folder; the drivers rows also record whether the planted drivers came out in their planted
order. Drivers run with the default 1,000 bootstrap resamples.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from benchmarks import timed
from diagnostics import load
from diagnostics.comments import comment_themes
from diagnostics.drivers import key_drivers
from diagnostics.enps import enps
from diagnostics.favourability import favourability
from diagnostics.heatmap import item_heatmap
from diagnostics.report.units import write_unit_reports
from diagnostics.sample import write_sample


def run(quick: bool = False) -> list[dict]:
    rows: list[dict] = []
    for people in [600] if quick else [10_000, 100_000]:
        rows.extend(run_size(people))
    return rows


def run_size(people: int) -> list[dict]:
    """The rows of one organisation size."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_sample(Path(tmp) / f"org{people}", people=people, seed=7)
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        wb = load(folder)
        respondents = int((wb.survey["wave"] == wb.latest_wave).sum())
        seconds, drivers = timed(lambda wb=wb: key_drivers(wb), repeat=1)
        recovered = sum(drivers.order(o)[:len(p)] == p for o, p in truth["drivers"].items())
        rows.append({"benchmark": "key_drivers (3 outcomes, 8 predictors, 1000 resamples)",
                     "size": people, "respondents": respondents, "seconds": seconds,
                     "planted_orders_recovered": recovered, "planted": len(truth["drivers"])})
        seconds, _ = timed(lambda wb=wb: key_drivers(wb, by="department"), repeat=1)
        rows.append({"benchmark": "key_drivers by department", "size": people,
                     "respondents": respondents, "seconds": seconds})
        seconds, _ = timed(lambda wb=wb: favourability(wb), repeat=1)
        rows.append({"benchmark": "favourability (4 attributes)", "size": people,
                     "respondents": respondents, "seconds": seconds})
        seconds, heat = timed(lambda wb=wb: item_heatmap(wb, by="department"), repeat=1)
        planted = {(w["item"], w["group"]) for w in truth["weak_groups"]
                   if w["attribute"] == "department"}
        low = heat.to_frame()
        low = set(zip(low.loc[low["direction"] == "lower", "item"],
                      low.loc[low["direction"] == "lower", "group"], strict=True))
        rows.append({"benchmark": "heatmap by department", "size": people,
                     "respondents": respondents, "seconds": seconds,
                     "planted_found": len(planted & low), "planted": len(planted)})
        seconds, _ = timed(lambda wb=wb: enps(wb), repeat=1)
        rows.append({"benchmark": "enps (4 attributes, 2 waves)", "size": people,
                     "respondents": respondents, "seconds": seconds})
        seconds, comments = timed(lambda wb=wb: comment_themes(wb), repeat=1)
        rows.append({"benchmark": "comments (themes, tone, by department)", "size": people,
                     "respondents": respondents, "seconds": seconds,
                     "comments": comments.n_comments})
        if people <= 10_000:  # 100,000: one run of every unit takes minutes; not part of the note
            seconds, units = timed(lambda wb=wb: write_unit_reports(
                wb, Path(tmp) / "units", by="department"), repeat=1)
            rows.append({"benchmark": "report --by department (html)", "size": people,
                         "respondents": respondents, "seconds": seconds,
                         "units_written": len(units.written), "units_skipped": len(units.skipped)})
    return rows
