"""Benchmark of the movement diagnostics: activism ladder, tandems, story themes, indicators.

Each size is a generated sample organisation (``diagnostics.sample``); the rows time each
diagnostic on the loaded workbook.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from diagnostics import load
from diagnostics.activism import activism_ladder
from diagnostics.indicators import movement_indicators
from diagnostics.sample import write_sample
from diagnostics.stories import story_themes
from diagnostics.tandems import tandem_analysis


def _time(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def run(quick: bool = False) -> list[dict]:
    sizes = [600] if quick else [600, 10_000, 100_000]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for people in sizes:
            folder = write_sample(Path(tmp) / f"p{people}", people=people, seed=7)
            wb = load(folder)
            if people == sizes[0]:  # warm-up: the first call pays for imports
                movement_indicators(wb)
                tandem_analysis(wb)
                story_themes(wb)
            seconds, ladder = _time(activism_ladder, wb)
            rows.append({"benchmark": "activism_ladder", "size": people, "seconds": round(seconds, 3),
                         "actions": len(wb.actions)})
            seconds, _ = _time(tandem_analysis, wb)
            rows.append({"benchmark": "tandem_analysis", "size": people, "seconds": round(seconds, 3),
                         "initiatives": len(wb.initiatives)})
            seconds, result = _time(story_themes, wb)
            rows.append({"benchmark": "story_themes", "size": people, "seconds": round(seconds, 3),
                         "stories": len(wb.stories), "themes": result.n_themes})
            seconds, _ = _time(movement_indicators, wb, ladder=ladder)
            rows.append({"benchmark": "movement_indicators", "size": people,
                         "seconds": round(seconds, 3), "ties": len(wb.network)})
    return rows
