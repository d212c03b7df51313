"""Issue 17, goal 5: the sample's report, all four formats, from the command line.

``python -m benchmarks report_cli`` runs ``culture-diagnostics report data/sample --out DIR``
once (loading, the diagnostics and all four formats, as a user runs it) and gives its wall
seconds, its processor seconds (the command and every process it started, chromium
included), the PDF's size and the load average before and after. The goal: under 30 s on a
quiet two-core machine and a PDF under 3 MB. ``python -m benchmarks report`` times each
format alone as well.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.bench_report import cli_end_to_end


def run(quick: bool = False) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        return [cli_end_to_end(Path(tmp) / "cli", "600 people (the sample)")]
