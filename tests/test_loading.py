"""Loading the valid fixture: known answers, input variants, the missing-answer policy.

Every variant of ``tests/fixtures/valid/`` (encodings, separators, line ends, Excel, a
Qualtrics export) must load to the same workbook as the plain CSV folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from diagnostics import Workbook, load, validate
from diagnostics.loading import MISSING_TOKENS
from diagnostics.workbook import MIN_ANSWERED_SHARE, answered_enough

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = FIXTURES / "valid"
QUALTRICS = FIXTURES / "qualtrics"
CSV_FILES = ("survey.csv", "codebook.csv", "network.csv", "actions.csv", "initiatives.csv",
             "stories.csv")
#: Qualtrics column -> the item name of the plain fixture.
QUALTRICS_ITEMS = {"MOT_1": "m01", "MOT_2": "m02", "BEH_1": "b01", "BEH_2": "b02", "Q5": "e01"}


@pytest.fixture(scope="module")
def plain() -> Workbook:
    return load(VALID)


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write_rows(path: Path, rows: list[list[str]], *, delimiter: str = ",",
                encoding: str = "utf-8", newline: str = "\n") -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))


def _each_csv(folder: Path, change: Callable[[Path], None]) -> None:
    for name in CSV_FILES:
        change(folder / name)


def _reencode(encoding: str) -> Callable[[Path], None]:
    def variant(folder: Path) -> None:
        _each_csv(folder, lambda p: p.write_bytes(p.read_text(encoding="utf-8").encode(encoding)))
    return variant


def _separator(delimiter: str, decimal_comma: bool = False) -> Callable[[Path], None]:
    number = re.compile(r"^-?\d+\.\d+$")

    def variant(folder: Path) -> None:
        def change(path: Path) -> None:
            rows = _rows(path)
            if decimal_comma:
                rows = [[c.replace(".", ",") if number.match(c) else c for c in row]
                        for row in rows]
            _write_rows(path, rows, delimiter=delimiter)
        _each_csv(folder, change)
    return variant


def _line_ends(newline: str) -> Callable[[Path], None]:
    def variant(folder: Path) -> None:
        _each_csv(folder, lambda p: p.write_bytes(
            p.read_bytes().replace(b"\n", newline.encode())))
    return variant


def _excel_value(text: str) -> object:
    if re.fullmatch(r"-?\d+", text) and not (len(text) > 1 and text.startswith("0")):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        return dt.datetime.fromisoformat(text)
    return text or None


def _xlsx(folder: Path) -> None:
    for name in CSV_FILES:
        path = folder / name
        book = openpyxl.Workbook()
        sheet = book.active
        for row in _rows(path):
            sheet.append([_excel_value(c) for c in row])
        book.save(path.with_suffix(".xlsx"))
        path.unlink()


def _utf16_tabs(folder: Path) -> None:
    """Excel's *Unicode Text*: UTF-16 with a byte-order mark, tab-separated, CRLF."""
    _each_csv(folder, lambda p: _write_rows(p, _rows(p), delimiter="\t", encoding="utf-16",
                                            newline="\r\n"))


def _padded_and_blank_rows(folder: Path) -> None:
    """Spaces around cells, blank lines and Excel's trailing rows of empty cells."""
    path = folder / "survey.csv"
    rows = [[f" {c}  " for c in row] for row in _rows(path)]
    rows.insert(3, [])
    rows.append([""] * len(rows[0]))
    _write_rows(path, rows)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n\n", encoding="utf-8")


def _upper_case_names(folder: Path) -> None:
    for name in ("survey.csv", "codebook.csv"):
        (folder / name).rename(folder / name.replace(".csv", ".CSV").capitalize())


def _nfd_accents(folder: Path) -> None:
    """Accents typed as a letter plus a combining mark (as macOS may write file contents)."""
    path = folder / "survey.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(unicodedata.normalize("NFD", line) if i % 2 else line
                            for i, line in enumerate(lines)), encoding="utf-8")


def _header_case(folder: Path) -> None:
    """The contract's column names in other cases and with spaces or hyphens."""
    changes = {"survey.csv": [("respondent_id,wave,", "Respondent ID,Wave,"),
                              (",is_leader,", ",IS_LEADER,")],
               "codebook.csv": [("item,kind,scale_min,scale_max,", "Item,Kind,Scale Min,Scale-Max,")],
               "network.csv": [("source,target,", "Source,Target,")]}
    for name, pairs in changes.items():
        text = (folder / name).read_text(encoding="utf-8")
        for old, new in pairs:
            text = text.replace(old, new, 1)
        (folder / name).write_text(text, encoding="utf-8")


def _tsv_suffix(folder: Path) -> None:
    path = folder / "survey.csv"
    _write_rows(folder / "survey.tsv", _rows(path), delimiter="\t")
    path.unlink()


def _qualtrics(folder: Path) -> None:
    shutil.copy(QUALTRICS / "survey.csv", folder / "survey.csv")
    shutil.copy(QUALTRICS / "codebook.csv", folder / "codebook.csv")


VARIANTS: dict[str, Callable[[Path], None]] = {
    "plain": lambda folder: None,
    "utf8_bom": _reencode("utf-8-sig"),
    "cp1252": _reencode("cp1252"),
    "latin1": _reencode("latin-1"),
    "semicolon_decimal_comma": _separator(";", decimal_comma=True),
    "tab": _separator("\t"),
    "pipe": _separator("|"),
    "crlf": _line_ends("\r\n"),
    "cr": _line_ends("\r"),
    "xlsx": _xlsx,
    "utf16_tabs": _utf16_tabs,
    "padded_and_blank_rows": _padded_and_blank_rows,
    "upper_case_names": _upper_case_names,
    "nfd_accents": _nfd_accents,
    "header_case": _header_case,
    "tsv_suffix": _tsv_suffix,
    "qualtrics": _qualtrics,
}


def _normalised(workbook: Workbook) -> Workbook:
    """The workbook with Qualtrics item names mapped back to the plain fixture's."""
    if "MOT_1" not in workbook.survey.columns:
        return workbook
    survey = workbook.survey.rename(columns=QUALTRICS_ITEMS)
    codebook = workbook.codebook.rename(index=QUALTRICS_ITEMS)
    codebook = codebook[[c for c in ("kind", "scale_min", "scale_max", "label", "construct",
                                     "reverse", "non_negotiable") if c in codebook.columns]]
    return Workbook(workbook.folder, workbook.config, survey, codebook, workbook.attributes,
                    workbook.waves, workbook.network, workbook.actions, workbook.initiatives,
                    workbook.stories, workbook.problems)


def assert_same_workbook(a: Workbook, b: Workbook) -> None:
    """Two workbooks hold the same tables, settings and problems (the folder may differ)."""
    assert a.attributes == b.attributes and a.waves == b.waves
    assert a.config == b.config
    for name in ("survey", "codebook", "network", "actions", "initiatives", "stories"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            pd.testing.assert_frame_equal(x, y, obj=name)
    assert [(p.line, p.column, p.value, p.message) for p in a.problems] == \
        [(p.line, p.column, p.value, p.message) for p in b.problems]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variant_loads_to_the_same_workbook(variant: str, tmp_path: Path, plain) -> None:
    folder = tmp_path / variant
    shutil.copytree(VALID, folder)
    VARIANTS[variant](folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    report = validate(folder)
    assert report.ok, "\n".join(str(p) for p in report.problems)
    assert not report.problems, [str(p) for p in report.problems]
    assert_same_workbook(_normalised(report.workbook), plain)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


# --------------------------------------------------------------------------- known answers

def test_valid_fixture_known_answers(plain) -> None:
    s = plain.survey
    assert list(s.columns) == ["respondent_id", "wave", "is_leader", "department", "level",
                               "m01", "m02", "b01", "b02", "e01"]
    assert plain.attributes == ("department", "level") and plain.waves == ("2024", "2025")
    assert plain.items == ["m01", "m02", "b01", "b02", "e01"]
    assert str(s["respondent_id"].dtype) == "str" and str(s["department"].dtype) == "str"
    assert s[plain.items].dtypes.eq("float64").all() and s["is_leader"].dtype == bool
    r02 = s[(s["respondent_id"] == "R02") & (s["wave"] == "2024")].iloc[0]
    # m02 is reverse-worded on 1-5: the raw answer 1 becomes 5; the empty b02 stays missing
    assert r02["m02"] == 5.0 and math.isnan(r02["b02"]) and r02["e01"] == 8.0
    r03 = s[(s["respondent_id"] == "R03") & (s["wave"] == "2024")].iloc[0]
    assert r03["e01"] == 6.5 and r03["m02"] == 3.0 and r03["department"] == "Opérations"
    # leaders: is_leader = 1, and level "Manager" is in workbook.toml's leader_levels
    assert sorted(plain.leaders) == ["R03", "R06"]
    assert int(s[plain.items].isna().sum().sum()) == 6
    book = plain.codebook
    assert book.loc["m02", "reverse"] and not book.loc["m01", "reverse"]
    assert plain.non_negotiables == ["b01"]
    assert book.loc["e01", "scale_max"] == 10.0 and book.loc["e01", "construct"] == ""
    assert book.loc["m02", "label"] == "My work feels pointless, most days."
    assert plain.constructs("motivation") == {"purpose": ["m01", "m02"]}
    assert plain.config.organisation == "Fixture Co" and plain.config.min_group_size == 3
    assert plain.network["weight"].tolist() == [1.0, 1.0, 1.0, 0.5, 1.0, 2.0, 1.0, 3.0]
    assert plain.stories.loc[1, "text"] == ('Our director said: "safety first, always".\n'
                                            "She meant it: the audit was moved.")
    assert plain.initiatives["supporters"].tolist() == [12.0, 4.0, 9.0]
    assert plain.actions["date"].dt.strftime("%Y-%m-%d").tolist()[0] == "2024-03-01"


def test_qualtrics_export_question_text_becomes_labels() -> None:
    wb = load(QUALTRICS)
    assert wb.codebook.loc["MOT_1", "label"] == "The work I do matters to me."
    assert wb.codebook.loc["Q5", "label"] == "How energised do you feel at work (0-10)?"
    # response metadata (IP address, dates, ResponseId) never becomes an attribute
    assert wb.attributes == ("department", "level")
    assert len(wb.survey) == 12 and not wb.problems


def test_qualtrics_without_respondent_id_uses_response_id(tmp_path: Path) -> None:
    rows = _rows(QUALTRICS / "survey.csv")
    rows[0][0] = rows[0][0].lstrip("\ufeff")
    at = rows[0].index("respondent_id")
    _write_rows(tmp_path / "survey.csv", [r[:at] + r[at + 1:] for r in rows], newline="\r\n")
    shutil.copy(QUALTRICS / "codebook.csv", tmp_path / "codebook.csv")
    # without ids, a person's two waves are two people: keep one wave
    wb = load(tmp_path)
    assert wb.survey["respondent_id"].str.startswith("R_").all()
    assert [(p.severity, p.column) for p in wb.problems] == [("warning", "ResponseId")]


def test_excel_rows_are_named_rows(tmp_path: Path) -> None:
    shutil.copytree(VALID, tmp_path / "x")
    _xlsx(tmp_path / "x")
    book = openpyxl.load_workbook(tmp_path / "x" / "survey.xlsx")
    book.active["F4"] = "a lot"  # m01 of R03, 2024: row 4 as Excel shows it
    book.save(tmp_path / "x" / "survey.xlsx")
    report = validate(tmp_path / "x")
    assert [(p.file, p.line, p.column, p.value) for p in report.problems] == \
        [("survey.xlsx", 4, "m01", "a lot")]
    assert str(report.problems[0]).startswith("survey.xlsx row 4, column `m01`: value `a lot`")


def test_missing_tokens_are_missing(tmp_path: Path) -> None:
    shutil.copytree(VALID, tmp_path / "m")
    path = tmp_path / "m" / "survey.csv"
    rows = _rows(path)
    tokens = sorted(MISSING_TOKENS - {""}) + ["N/A", "NULL", "NaN"]
    for i, token in enumerate(tokens):
        rows[1 + i % 12][5 + i % 5] = token
    _write_rows(path, rows)
    wb = load(tmp_path / "m")
    assert not wb.problems
    flat = wb.survey[wb.items].to_numpy()
    assert np.isnan(flat).sum() >= len(set(
        (1 + i % 12, 5 + i % 5) for i in range(len(tokens))))


def test_ids_written_as_decimals_are_read_as_the_survey_ids(tmp_path: Path, plain) -> None:
    """A network exported through a float column (1001.0) still joins the survey's 1001."""
    folder = tmp_path / "f"
    shutil.copytree(VALID, folder)
    for name in ("survey.csv", "network.csv", "actions.csv"):
        text = (folder / name).read_text(encoding="utf-8")
        for i in range(1, 8):
            text = text.replace(f"R0{i}", f"100{i}.0" if name != "survey.csv" else f"100{i}")
        (folder / name).write_text(text, encoding="utf-8")
    wb = load(folder)
    assert [(p.file, p.line, p.column, p.value) for p in wb.problems] == [
        ("network.csv", 2, "source", "1001.0"), ("network.csv", 2, "target", "1002.0"),
        ("actions.csv", 2, "respondent_id", "1001.0")]
    assert "8 ids are written as decimal numbers" in wb.problems[0].message
    assert len(wb.network) == len(plain.network)
    assert wb.network["source"].tolist()[:2] == ["1001", "1002"]
    assert len(wb.actions) == len(plain.actions)


def test_ids_are_kept_as_text_exactly(tmp_path: Path, plain) -> None:
    """Leading zeros, ids longer than a float holds, and non-Latin ids join across files."""
    ids = {"R01": "00012", "R02": "100000000000000000007919", "R03": "Zoë", "R04": "محمد",
           "R05": "李华", "R06": "E-1.5", "R07": "12"}
    folder = tmp_path / "ids"
    shutil.copytree(VALID, folder)
    for name in ("survey.csv", "network.csv", "actions.csv", "initiatives.csv", "stories.csv"):
        text = (folder / name).read_text(encoding="utf-8")
        for old, new in ids.items():
            text = text.replace(old, new)
        (folder / name).write_text(text, encoding="utf-8")
    wb = load(folder)
    assert not wb.problems, [str(p) for p in wb.problems]
    assert set(wb.survey["respondent_id"]) == set(ids.values())
    assert len(wb.network) == len(plain.network) and len(wb.actions) == len(plain.actions)
    assert wb.network["source"].iloc[0] == "00012"
    assert sorted(wb.leaders) == sorted([ids["R03"], ids["R06"]])


def test_a_file_path_is_answered_with_its_folder() -> None:
    report = validate(VALID / "survey.csv")
    assert len(report.problems) == 1 and not report.ok
    assert f"give the folder that holds it, {VALID}" in report.problems[0].message


def test_short_rows_are_read_with_empty_cells_and_a_warning(tmp_path: Path) -> None:
    shutil.copytree(VALID, tmp_path / "s")
    path = tmp_path / "s" / "survey.csv"
    rows = _rows(path)
    rows[12] = rows[12][:8]  # R07 stops after b01: b02 and e01 are missing
    _write_rows(path, rows)
    wb = load(tmp_path / "s")
    assert [(p.severity, p.line) for p in wb.problems] == [("warning", 13)]
    last = wb.survey[wb.survey["respondent_id"] == "R07"].iloc[0]
    assert last["b01"] == 4.0 and math.isnan(last["b02"]) and math.isnan(last["e01"])


# --------------------------------------------------------------------------- immutability

def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_load_twice_is_identical_and_changes_nothing(sample_dir: Path) -> None:
    before = _digest(sample_dir)
    a, b = load(sample_dir), load(sample_dir)
    assert_same_workbook(a, b)
    assert _digest(sample_dir) == before


def test_workbook_views_do_not_mutate(plain) -> None:
    survey = plain.survey.copy()
    plain.responses()
    assert len(plain.people) == 7
    plain.select_waves(["2024"])
    answered_enough(plain.survey, plain.items)
    plain.answered_enough(plain.items_of("motivation"))
    pd.testing.assert_frame_equal(plain.survey, survey)


# --------------------------------------------------------------------------- missing answers

def test_answered_enough_keeps_two_thirds() -> None:
    f = pd.DataFrame({"a": [1, 1, 1, np.nan], "b": [1, 1, np.nan, np.nan],
                      "c": [1, np.nan, np.nan, np.nan]})
    kept, left_out = answered_enough(f, ["a", "b", "c"])
    assert list(kept.index) == [0, 1] and left_out == 2
    assert MIN_ANSWERED_SHARE == pytest.approx(2 / 3)
    kept, left_out = answered_enough(f, ["a", "b", "c"], min_share=1 / 3)
    assert list(kept.index) == [0, 1, 2] and left_out == 1
    kept, left_out = answered_enough(f, [])
    assert kept.empty and left_out == 4


def test_workbook_answered_enough_on_the_fixture(plain) -> None:
    # wave 2025 (the default): R04 answered neither behaviour item b01, b02: left out
    kept, left_out = plain.answered_enough(["b01", "b02"])
    assert left_out == 1 and "R04" not in set(kept["respondent_id"])
    kept, left_out = plain.answered_enough(plain.items, wave="2024")
    assert left_out == 0 and len(kept) == 6


def test_policy_is_documented_the_same_way_everywhere() -> None:
    import diagnostics.loading as loading

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "two thirds" in readme and "never imputed" in readme
    assert "two thirds" in loading.__doc__ and "nothing is" in loading.__doc__
