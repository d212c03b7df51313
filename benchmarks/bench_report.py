"""The client report on the sample: seconds per format, and all four together.

Issue 7 asks for all four formats in under 60 s on the sample. ``report all formats`` is
that figure (writing only, after the diagnostics ran); ``report CLI end to end`` adds
loading and running the diagnostics, as ``make report`` does.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import timed

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def run(quick: bool = False) -> list[dict]:
    from diagnostics import RunOptions, load, run_all
    from diagnostics.report import SUPPORTED_FORMATS, write_report

    rows: list[dict] = []
    seconds, results = timed(lambda: run_all(load(SAMPLE), RunOptions(seed=0)))
    size = f"{len(results.workbook.people)} people"
    rows.append({"benchmark": "report: load + run diagnostics", "size": size,
                 "seconds": round(seconds, 2), "ran": len(results.ran())})
    formats = ("html", "xlsx") if quick else SUPPORTED_FORMATS
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            seconds, outcome = timed(lambda f=fmt: write_report(results, Path(tmp) / f, formats=[f]))
            rows.append({"benchmark": f"report {fmt} alone", "size": size,
                         "seconds": round(seconds, 2), "stages": outcome.seconds})
        if not quick:
            seconds, outcome = timed(lambda: write_report(results, Path(tmp) / "all"))
            rows.append({"benchmark": "report all formats", "size": size,
                         "seconds": round(seconds, 2), "stages": outcome.seconds,
                         "pdf_pages": outcome.pages, "slides": outcome.slides,
                         "native_charts": outcome.native_charts,
                         "figures": len(outcome.report.figures) if outcome.report else 0})
            exe = Path(sys.executable).with_name("culture-diagnostics")
            start = time.perf_counter()
            subprocess.run([str(exe), "report", str(SAMPLE), "--out", str(Path(tmp) / "cli"),
                            "--quiet"], check=True, capture_output=True)
            rows.append({"benchmark": "report CLI end to end", "size": size,
                         "seconds": round(time.perf_counter() - start, 2)})
    return rows
