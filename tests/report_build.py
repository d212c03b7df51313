"""One build of the full report on the sample, shared by every report test in a session.

pytest-xdist runs tests in several processes; the first to ask builds the report into a
folder shared by all of them (under a file lock), the others read what it measured.
"""

from __future__ import annotations

import fcntl
import json
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import SAMPLE

__all__ = ["shared_report_fixture", "ReportBuild"]


class ReportBuild:
    """The folder of a full report build on the sample and what was measured."""

    def __init__(self, folder: Path, info: dict) -> None:
        self.folder = folder
        self.info = info

    def path(self, fmt: str) -> Path:
        return self.folder / f"report.{fmt}"


@contextmanager
def _lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(folder: Path) -> dict:
    from diagnostics import RunOptions, load, run_all
    from diagnostics.report import write_report

    start = time.perf_counter()
    results = run_all(load(SAMPLE), RunOptions(seed=0))
    run_seconds = time.perf_counter() - start
    outcome = write_report(results, folder, formats="html,pdf,pptx,xlsx")
    report = outcome.report
    return {
        "run_seconds": run_seconds,
        "seconds": outcome.seconds,
        "cpu_seconds": outcome.cpu_seconds,
        "pages": outcome.pages,
        "figure_pages": outcome.figure_pages,
        "slides": outcome.slides,
        "native_charts": outcome.native_charts,
        "figures": [{"id": f.id, "section": f.section, "name": f.name, "title": f.title}
                    for f in report.figures],
        "sections": [s.key for s in report.sections],
        "skipped": [s.key for s in report.skipped],
        "sheets": [t.sheet for t in report.tables],
        "summary": [k.finding.headline for k in report.summary],
    }


@pytest.fixture(scope="session", name="report_build")
def shared_report_fixture(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> ReportBuild:
    base = tmp_path_factory.getbasetemp()
    root = base if worker_id == "master" else base.parent
    folder = root / "shared-report"
    done = root / "shared-report.json"
    with _lock(root / "shared-report.lock"):
        if not done.exists():
            done.write_text(json.dumps(_build(folder)), encoding="utf-8")
    return ReportBuild(folder, json.loads(done.read_text(encoding="utf-8")))
