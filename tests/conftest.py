"""Shared fixtures: paths of the sample and the real data sets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SHARED_REAL = Path(os.environ.get("CULTURE_REAL_DATA", ROOT.parent / "shared" / "data" / "real"))


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def workbook():
    from diagnostics import load

    return load(SAMPLE)


@pytest.fixture(scope="session")
def sample_run(workbook):
    """Every diagnostic of the sample with seed 0: the run the integration tests share."""
    from diagnostics import RunOptions, run_all

    return run_all(workbook, RunOptions(seed=0))


@pytest.fixture(autouse=True)
def _run_from_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Doctests and tests use paths relative to the project root."""
    monkeypatch.chdir(ROOT)
