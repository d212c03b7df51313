"""Fuzzing every file kind of a data folder: each case ends in a result or a clear error.

A few hundred cases (random bytes, flipped bytes, awkward cells and headers, dropped rows and
columns, odd settings, the survey as .xlsx with its zip bytes mutated) from
``tests/fuzzing.py``; ``python -m benchmarks fuzz`` runs thousands, and the diagnostics and
the report on every usable one.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzzing import FILES, Mutation, apply, cases, check, original_files  # noqa: E402

ORIGINAL = original_files()


@pytest.mark.timeout(900)  # about 40 s on two idle cores; far more on a busy machine
@settings(max_examples=200, deadline=timedelta(seconds=60), database=None,
          phases=[Phase.explicit, Phase.generate],  # no shrinking: the cases are small
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases, st.integers(0, 4))
def test_every_mutated_folder_ends_in_a_result_or_a_clear_error(mutations: list[Mutation],
                                                                 fifth: int) -> None:
    """Validation for every case; the command line's output for one in five (it is slower)."""
    check(apply(ORIGINAL, mutations), cli=fifth == 0)


@pytest.mark.parametrize("file", FILES)
def test_random_bytes_in_place_of_each_file(file: str) -> None:
    noise = bytes((i * 97 + 13) % 256 for i in range(3000))
    assert check(apply(ORIGINAL, [Mutation(file, "bytes", (noise,))])) == "refused" or \
        file in ("actions.csv", "initiatives.csv", "stories.csv", "network.csv")
