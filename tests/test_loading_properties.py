"""Properties of the loader: a corrupted folder gives a workbook or a DataError naming places.

Hypothesis corrupts the valid fixture folder at random (cell values, deleted or repeated rows
and columns, truncated files, random bytes, wrong encodings, swapped separators, blank
headers, deleted files, broken settings). Whatever it does, validation never raises, loading
raises nothing but :class:`~diagnostics.DataError`, every problem names a file of the folder
(and its line or column where the problem is about a place in a table), no input file
changes, and the same folder validates identically twice.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnostics import DataError, load, validate

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
FILES = sorted(p.name for p in VALID.iterdir())
TABLES = [f for f in FILES if f.endswith(".csv")]
KNOWN_FILES = set(FILES) | {"survey.xlsx", "codebook.xlsx"}

cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "NA", "-", "7", "-1", "3.5", "3,5", "1e3", "inf", "nan", "x", '"',
                     '"a,b"', "a\nb", ";", "\t", "0", "1", "yes", "R01", "2024", "\ufeff",
                     "é", "\x00", "1_0", "٣"]),
)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def corruption(draw: st.DrawFn) -> tuple[str, str, object]:
    """One change to one file: (file, kind, detail)."""
    file = draw(st.sampled_from(FILES))
    kinds = ["cell", "delete_row", "repeat_row", "delete_column", "repeat_column", "truncate",
             "random_bytes", "insert_bytes", "encoding", "separator", "blank_header",
             "delete_file", "empty_file"]
    if not file.endswith(".csv"):
        kinds = ["truncate", "random_bytes", "insert_bytes", "encoding", "delete_file",
                 "empty_file", "toml_line"]
    kind = draw(st.sampled_from(kinds))
    detail: object = None
    if kind == "cell":
        detail = (draw(st.integers(0, 20)), draw(st.integers(0, 10)), draw(cell_text))
    elif kind in ("delete_row", "repeat_row", "delete_column", "repeat_column", "blank_header"):
        detail = draw(st.integers(0, 20))
    elif kind == "truncate":
        detail = draw(st.floats(0, 1))
    elif kind in ("random_bytes", "insert_bytes"):
        detail = (draw(st.floats(0, 1)), draw(st.binary(min_size=1, max_size=40)))
    elif kind == "encoding":
        detail = draw(st.sampled_from(["utf-16-le", "utf-16-be", "utf-32", "cp1252", "cp437",
                                       "mac_roman", "utf-16"]))
    elif kind == "separator":
        detail = draw(st.sampled_from([(",", ";"), (",", "\t"), (",", " "), (",", ""),
                                       ("\n", ","), ("\n", "\r"), (",", '"')]))
    elif kind == "toml_line":
        detail = draw(st.sampled_from(["min_group_size = -3", "min_group_size = 'five'",
                                       "leader_levels = {a = 1}", "[ladder]\nlike = 7",
                                       "organisation = 12", "[[branding]]", "x = [1, 2",
                                       "min_group_size = 1e9", "min_text_group_size = 2"]))
    return file, kind, detail


def _apply(folder: Path, change: tuple[str, str, object]) -> None:
    file, kind, detail = change
    path = folder / file
    if not path.exists():
        return
    data = path.read_bytes()
    if kind == "delete_file":
        path.unlink()
        return
    if kind == "empty_file":
        path.write_bytes(b"")
        return
    if kind == "truncate":
        path.write_bytes(data[: int(len(data) * float(detail))])
        return
    if kind in ("random_bytes", "insert_bytes"):
        where, blob = detail
        at = int(len(data) * where)
        path.write_bytes(data[:at] + blob + data[at + (len(blob) if kind == "random_bytes" else 0):])
        return
    if kind == "encoding":
        try:
            text = data.decode("utf-8")
            path.write_bytes(text.encode(str(detail), errors="replace"))
        except UnicodeDecodeError:
            pass
        return
    if kind == "toml_line":
        path.write_bytes(data + b"\n" + str(detail).encode() + b"\n")
        return
    if kind == "separator":
        old, new = detail
        path.write_bytes(data.replace(old.encode(), new.encode()))
        return
    lines = _lines(data)
    rows = [line.split(b",") for line in lines]
    width = max(len(r) for r in rows)
    if kind == "cell":
        r, c, text = detail
        row = rows[r % len(rows)]
        row[c % len(row)] = str(text).encode("utf-8", errors="replace")
    elif kind == "delete_row":
        del rows[int(detail) % len(rows)]
    elif kind == "repeat_row":
        i = int(detail) % len(rows)
        rows.insert(i, list(rows[i]))
    elif kind == "delete_column":
        c = int(detail) % width
        rows = [r[:c] + r[c + 1:] for r in rows]
    elif kind == "repeat_column":
        c = int(detail) % width
        rows = [r[: c + 1] + r[c:] for r in rows]
    elif kind == "blank_header":
        c = int(detail) % len(rows[0])
        rows[0][c] = b""
    path.write_bytes(b"\n".join(b",".join(r) for r in rows))


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _check_report(folder: Path) -> None:
    before = _digest(folder)
    report = validate(folder)
    present = {p.name for p in folder.iterdir()}
    for problem in report.problems:
        assert problem.file in KNOWN_FILES | present, problem
        assert problem.severity in ("error", "warning")
        assert problem.message.strip(), problem
        text = str(problem)
        assert text.startswith(problem.file), text
        if problem.value is not None and problem.file != "workbook.toml":
            # a quoted value comes from a place in a table: its line or its column
            assert problem.line is not None or problem.column is not None, problem
        if problem.line is not None:
            assert problem.line >= 1
    if report.ok:
        wb = report.workbook
        assert wb is not None and len(wb.survey) > 0
        assert wb.survey["respondent_id"].notna().all()
        for item in wb.items:
            lo, hi = wb.codebook.loc[item, ["scale_min", "scale_max"]]
            values = wb.survey[item].dropna()
            assert ((values >= lo) & (values <= hi)).all(), item
        assert not wb.survey.duplicated(["respondent_id", "wave"]).any()
        if wb.network is not None:
            assert not (wb.network["source"] == wb.network["target"]).any()
            assert set(wb.network["source"]) <= set(wb.survey["respondent_id"])
        again = load(folder)  # the same folder loads identically twice
        pd.testing.assert_frame_equal(again.survey, wb.survey)
        pd.testing.assert_frame_equal(again.codebook, wb.codebook)
        assert [str(p) for p in again.problems] == [str(p) for p in report.problems]
    else:
        assert report.errors
        try:
            load(folder)
        except DataError as err:
            assert [str(p) for p in err.problems] == [str(p) for p in report.problems]
        else:  # pragma: no cover - the assertion names the defect
            raise AssertionError("load() accepted a folder that validate() rejected")
    assert _digest(folder) == before, "validation changed an input file"


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(corruption(), min_size=1, max_size=3))
def test_corrupted_folder_gives_a_workbook_or_a_data_error(changes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(VALID, folder)
        for change in changes:
            _apply(folder, change)
        _check_report(folder)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600), st.sampled_from(TABLES))
def test_any_bytes_in_a_table(blob: bytes, file: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(VALID, folder)
        (folder / file).write_bytes(blob)
        _check_report(folder)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell_text, min_size=1, max_size=6), min_size=0, max_size=6))
def test_any_small_table_as_the_survey(rows: list[list[str]]) -> None:
    import csv
    import io

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        (folder / "survey.csv").write_text(out.getvalue(), encoding="utf-8")
        _check_report(folder)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(range(12)))
def test_row_order_does_not_change_the_people(order: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(VALID, folder)
        lines = (folder / "survey.csv").read_text(encoding="utf-8").splitlines()
        body = [lines[1 + i] for i in order]
        (folder / "survey.csv").write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
        shuffled, plain = load(folder), load(VALID)
        key = ["wave", "respondent_id"]
        a = shuffled.survey.sort_values(key).reset_index(drop=True)
        b = plain.survey.sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
        assert shuffled.waves == plain.waves
        assert np.array_equal(shuffled.codebook.index, plain.codebook.index)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF, exclude_categories=("Cs",)),
               max_size=12))
def test_control_characters_found_on_bytes_as_by_the_expression(text: str) -> None:
    # the reader looks for control characters on the file's UTF-8 bytes at once
    from diagnostics.inputs import CONTROL
    from diagnostics.reading import _has_control

    found = _has_control(np.frombuffer(text.encode("utf-8"), dtype=np.uint8))
    assert found == (CONTROL.search(text) is not None)
