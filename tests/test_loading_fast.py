"""The loader's fast paths find what its careful paths find (issue 17, loading).

Each fast path tells the usual folder from its bytes or with pyarrow and hands anything
unusual to the careful path. Here each is compared with the careful answer on many inputs,
and whole folders (the sample, and copies with defects planted at random) are validated with
the fast paths on and off: the same problems, in the same order, and the same workbook.
"""

from __future__ import annotations

import dataclasses
import random
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnostics import loading, reading, validate
from diagnostics.loading import (
    _duplicated,
    _has_cycle,
    _is_missing_text,
    _missing,
    _numeric,
    _plain_numbers,
)
from diagnostics.reading import _clean, _codes, _has_control, _may_need_cleaning

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

number_text = st.one_of(
    st.text(alphabet="0123456789+-.eE,_ x", max_size=6),
    st.sampled_from(["", "NA", "nan", "inf", "-inf", "1e400", "\u0663", "\uff11", "07",
                     "10", "3.5", "-0", "5.", ".5", " 3", "#N/A", "null"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(number_text, max_size=40))
def test_plain_numbers_read_as_each_value_is_read(cells: list[str]) -> None:
    column = pd.Series(cells, dtype=str)
    fast = _plain_numbers(column)
    if fast is None:  # not plain numbers: the careful path reads it
        return
    value, missing = _numeric(column)
    assert np.array_equal(fast[0], value, equal_nan=True)
    assert np.array_equal(np.signbit(fast[0]), np.signbit(value))
    assert np.array_equal(fast[1], missing)


def test_plain_numbers_take_digits_and_leave_the_rest() -> None:
    value, missing = _plain_numbers(pd.Series(["1", "", "10", "007"], dtype=str))
    assert np.array_equal(value, [1, np.nan, 10, 7], equal_nan=True)
    assert missing.tolist() == [False, True, False, False]
    assert _plain_numbers(pd.Series(["1", "2,5"], dtype=str)) is None  # a decimal comma
    assert _plain_numbers(pd.Series(["1", "NA"], dtype=str)) is None  # a missing word
    assert _plain_numbers(pd.Series(["1", "inf"], dtype=str)) is None


missing_text = st.one_of(
    st.text(alphabet=["a", "N", "n", "/", "#", ".", "-", " ", "\t", "\xa0", "\u2003",
                      "\u0085", "\x1c", "\u212a", "\u0130", "E", "1", "\u00e9"], max_size=7),
    st.sampled_from(["NA", " n/a ", "NULL", "None", "E000001", "Remote", "\u00a0NA"]),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(missing_text, min_size=1, max_size=30), st.integers(0, 2**31))
def test_missing_cells_of_long_columns(pool: list[str], seed: int) -> None:
    rng = np.random.default_rng(seed)
    column = pd.Series(np.array(pool, dtype=object)[rng.integers(0, len(pool), 6_000)],
                       dtype=str)
    codes, uniques = _codes(column)
    each = np.array([_is_missing_text(u) for u in uniques], dtype=bool)[codes]
    assert np.array_equal(_missing(column), each)


line_text = st.lists(st.sampled_from(["a", "b", ",", " ", "\t", "\x0b", "\x1c", "\u00e9",
                                      "e\u0301", "\u00a0", "\u2013", "\u3000", "\x07",
                                      "\u0085", "\n"]), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(line_text)
def test_a_text_said_clean_has_only_clean_cells(text: str) -> None:
    raw = text.encode("utf-8")
    if not _may_need_cleaning(text, ",", raw):
        cells = [c for line in text.split("\n") for c in line.split(",")]
        assert all(_clean(c) == c for c in cells)
    control = any(loading_control(c) for c in text)
    assert _has_control(np.frombuffer(raw, dtype=np.uint8)) == control


def loading_control(char: str) -> bool:
    from diagnostics.inputs import CONTROL

    return CONTROL.search(char) is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-1, 11), min_size=1, max_size=12))
def test_circles_found_by_jumping_as_by_walking(parent: list[int]) -> None:
    up = np.array([p if p < len(parent) else -1 for p in parent])

    def walks_round(start: int) -> bool:
        seen, node = set(), start
        while node >= 0 and node not in seen:
            seen.add(node)
            node = int(up[node])
        return node >= 0

    assert _has_cycle(up) == any(walks_round(i) for i in range(len(up)))


def test_repeated_rows_by_codes_as_by_pandas() -> None:
    frame = pd.DataFrame({"a": ["x", "y", "x", "x", "y"], "b": ["1", "1", "1", "2", "1"],
                          "w": pd.Series(["A", None, "A", None, None], dtype=str)})
    assert _duplicated(frame, ["a", "b", "w"]).tolist() == [False, False, True, False, True]
    assert _duplicated(frame, ["a", "b", "w"]).equals(frame.duplicated(["a", "b", "w"]))


def _plant(folder: Path, rng: random.Random) -> None:
    """A few random defects in a folder's CSV files (cells, lines, separators, encodings)."""
    tokens = ["", " ", "NA", "n/a", "x", "3.5", "2,5", "1e0", "+2", "07", "99", "-1", "inf",
              "1_0", " 3", "\u00a03", "e\u0301", '"', "\x07", ";", "\t", "TRUE", "\u0663",
              "E000001", "\r", "\n", "Strongly agree", "#N/A", "5.", "1e400", "2024-13-45"]
    files = sorted(folder.glob("*.csv"))
    for _ in range(rng.randint(1, 4)):
        path = rng.choice(files)
        lines = path.read_bytes().split(b"\n")
        i = rng.randrange(len(lines))
        kind = rng.random()
        if kind < 0.6 and lines[i]:
            cells = lines[i].split(b",")
            cells[rng.randrange(len(cells))] = rng.choice(tokens).encode("utf-8")
            lines[i] = b",".join(cells)
        elif kind < 0.7:
            lines.insert(i, rng.choice([b"", b"  ", b",,,", lines[i]]))
        elif kind < 0.8:
            lines[i] = lines[i] + b"," + rng.choice(tokens).encode("utf-8")
        elif kind < 0.9:
            lines[i] = lines[i].decode("utf-8", "replace").encode("cp1252", "replace")
        else:
            lines = [line + b"\r" for line in lines]
        path.write_bytes(b"\n".join(lines))


def _validated(folder: Path) -> tuple:
    report = validate(folder, pseudonym_key=b"k" * 32)
    wb = report.workbook
    tables = () if wb is None else tuple(
        getattr(wb, f.name) for f in dataclasses.fields(wb) if f.name not in ("config",))
    return report.problems, report.files, tables


def _same(a: object, b: object) -> bool:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        return True
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.mark.parametrize("seed", [None, 1, 2, 3, 4, 5, 6])
def test_folders_read_the_same_with_and_without_the_fast_paths(
    seed: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    if seed is not None:
        _plant(folder, random.Random(seed))
    fast = _validated(folder)
    monkeypatch.setattr(loading, "FAST_PATHS", False)
    monkeypatch.setattr(reading, "FAST_PATHS", False)
    careful = _validated(folder)
    assert _same(fast[0], careful[0]) and fast[1] == careful[1]
    assert _same(fast[2], careful[2])
