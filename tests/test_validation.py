"""The validator's complete, exact report for each broken folder of ``tests/fixtures/broken/``.

Each folder is the valid fixture with one thing broken (``tests/fixtures/make_fixtures.py``
says what). The report must hold exactly the problems listed here: severity, file, line,
column and value exactly, and the message recognisably (a fragment of it).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from diagnostics import DataError, load, validate
from diagnostics.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BROKEN = FIXTURES / "broken"
sys.path.insert(0, str(FIXTURES))
from make_fixtures import CASES, write_all  # noqa: E402

E, W = "error", "warning"

#: case -> every problem: (severity, file, line, column, value, fragment of the message).
EXPECTED: dict[str, list[tuple[str, str, int | None, str | None, str | None, str]]] = {
    "missing_survey": [
        (E, "survey.csv", None, None, None, "is missing"),
    ],
    "missing_codebook": [
        (E, "codebook.csv", None, None, None,
         "survey.csv has 5 columns that look like survey items (m01, m02, b01, b02, e01)"),
    ],
    "missing_column": [
        (E, "survey.csv", 1, "respondent_id", None, "the required column `respondent_id` is "
         "missing from the header. Columns found: person, wave"),
    ],
    "missing_codebook_column": [
        (E, "codebook.csv", 1, "scale_max", None, "the required column `scale_max` is missing"),
    ],
    "empty_file": [
        (E, "survey.csv", None, None, None, "the file is empty"),
    ],
    "header_only": [
        (E, "survey.csv", 2, None, None, "has a header but no data rows"),
    ],
    "duplicate_respondent": [
        (E, "survey.csv", 4, "respondent_id", "R02",
         "appears twice in wave 2024; the first row is line 3"),
    ],
    "non_numeric_answer": [
        (E, "survey.csv", 6, "b01", "agree", "expected a number on the scale 1-5"),
    ],
    "out_of_scale_answer": [
        (E, "survey.csv", 7, "m01", "7", "outside the scale 1-5 declared in codebook.csv"),
        (E, "survey.csv", 7, "e01", "11", "outside the scale 0-10 declared in codebook.csv"),
    ],
    "codebook_absent_column": [
        (E, "codebook.csv", 7, "item", "q99", "survey.csv has no such column"),
    ],
    "item_missing_from_codebook": [
        (W, "survey.csv", 1, "b02", None, "codebook.csv has no row for it; it is read as an "
         "attribute"),
    ],
    "answer_labels": [
        (E, "survey.csv", 4, "m01", "Kinda", "expected a number on the scale 1-5, one of the "
         "answer texts in codebook.csv (strongly disagree, disagree, neutral, agree, strongly "
         "agree), one read as missing (don't know) or an empty cell"),
    ],
    "labels_count": [
        (E, "codebook.csv", 2, "labels", "Disagree|Neutral|Agree",
         "lists 3 answer texts but the scale 1-5 has 5 points"),
    ],
    "recode_values": [
        (E, "survey.csv", 2, "b02", "14", "off the scale 1-5 declared in codebook.csv by a "
         "constant offset (10 to 12, most likely 10): these look like the survey tool's recode values"),
    ],
    "response_status": [
        (W, "survey.csv", 1, "Finished", None, "1 unfinished, 1 preview responses; they are "
         "kept"),
    ],
    "bad_kind": [
        (E, "codebook.csv", 5, "kind", "attitude",
         "expected one of motivation, behaviour, energy, outcome, other"),
    ],
    "bad_reverse": [
        (E, "codebook.csv", 3, "reverse", "yes please", "expected 0 or 1"),
    ],
    "bad_non_negotiable": [
        (E, "codebook.csv", 4, "non_negotiable", "maybe", "expected 0 or 1"),
    ],
    "bad_scale": [
        (E, "codebook.csv", 2, "scale_min", "low", "expected a number (the lowest answer"),
        (E, "codebook.csv", 2, "scale_max", "high", "expected a number (the highest answer"),
        (E, "codebook.csv", 6, "scale_max", "0", "expected a number larger than scale_min"),
    ],
    "reserved_item": [
        (E, "codebook.csv", 7, "item", "wave", "is the survey's column for the wave, not an item"),
    ],
    "bad_is_leader": [
        (E, "survey.csv", 7, "is_leader", "boss", "expected 0 or 1 (1 for a formal leader)"),
    ],
    "blank_wave": [
        (E, "survey.csv", 13, "wave", "", "expected a wave name"),
    ],
    "ragged_row": [
        (E, "survey.csv", 5, None, "3", "this row has 12 cells but the header has 10 columns"),
    ],
    "duplicate_column": [
        (E, "survey.csv", 1, "b01", None, "appears more than once in the header"),
        (E, "codebook.csv", 5, "item", "b02", "survey.csv has no such column"),
    ],
    "unnamed_column": [
        (E, "survey.csv", 1, "#9", None, "has values but no name in the header"),
        (E, "codebook.csv", 5, "item", "b02", "survey.csv has no such column"),
    ],
    "unclosed_quote": [
        (E, "survey.csv", 6, None, None, 'a quote (") opened in this row is never closed'),
    ],
    "not_text": [
        (E, "survey.csv", None, None, None, "holds binary data, not text"),
    ],
    "network_warnings": [
        (W, "network.csv", 10, "target", "R02", "2 ties go from a person to themselves"),
        (W, "network.csv", 13, "source", "Z01",
         "2 ties name people who are not in survey.csv"),
        (W, "network.csv", 12, "target", "X99",
         "1 tie names people who are not in survey.csv"),
    ],
    "bad_network": [
        (E, "network.csv", 10, "source", "", "every tie needs a respondent id"),
        (E, "network.csv", 5, "weight", "strong", "expected a number"),
    ],
    "bad_actions": [
        (E, "actions.csv", 7, "action", "", "every row needs an action"),
        (E, "actions.csv", 8, "date", "31/31/2024", "expected a date such as 2025-03-31"),
        (W, "actions.csv", 9, "respondent_id", "X77",
         "1 action names people who are not in survey.csv"),
    ],
    "bad_initiatives": [
        (E, "initiatives.csv", 6, "initiative_id", "I01",
         "appears again; it was first used on line 2"),
        (E, "initiatives.csv", 5, "supporters", "many", "expected a whole number of supporters"),
        (E, "initiatives.csv", 5, "outcome", "won", "expected success, failure or ongoing"),
    ],
    "bad_stories": [
        (E, "stories.csv", 8, "story_id", "S01", "appears again; it was first used on line 2"),
        (E, "stories.csv", 6, "direction", "sideways", "expected top-down or bottom-up"),
        (W, "stories.csv", 7, "text", "", "the story has no text; it was left out"),
    ],
    "foreign_format": [
        (E, "survey.csv", None, None, None, "The folder has survey.xls, which cannot be read: "
         "save it as survey.csv (CSV UTF-8) or survey.xlsx."),
    ],
    "files_in_subfolder": [
        (E, "survey.csv", None, None, None,
         "It is in the subfolder export: give that folder instead."),
    ],
    "csv_and_xlsx": [
        (W, "survey.xlsx", None, None, None, "was not read: survey.csv of the same name is read"),
    ],
    "bad_toml_syntax": [
        (E, "workbook.toml", 4, None, "min_text_group_size =", "is not valid TOML"),
    ],
    "bad_toml_values": [
        (E, "workbook.toml", 2, "min_group_size", "0", "expected a whole number of at least 1"),
        (E, "workbook.toml", 3, "leader_levels", "3", "expected a list of level names"),
        (E, "workbook.toml", 8, "ladder.share", "fan", "expected one of spectator, clicktivist"),
        (E, "workbook.toml", 4, "branding", "blue", "expected a table"),
    ],
    "control_character": [
        (E, "survey.csv", 5, "department", "Ventes & Marché\x01", "holds a control character"),
    ],
    "mixed_encoding": [
        (E, "survey.csv", 3, None, None, "mixes two text encodings: line(s) 2, 4, 6, 8, 10, 12 "
         "are UTF-8, line(s) 3, 5, 7, 9, 11, 13 are not"),
    ],
    "folded_column_names": [
        (E, "survey.csv", 1, "\uff24epartment", None,
         "differs from `department` only in upper and lower case or in letter width"),
    ],
    "unknown_wave": [
        (E, "network.csv", 4, "wave", "2204", "this wave matches no wave of survey.csv (2024, "
         "2025)"),
    ],
    "toml_too_deep": [
        (E, "workbook.toml", None, None, None, "nests tables or lists more than 8 deep"),
    ],
}

CASE_NAMES = sorted(CASES)


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_case_has_an_expected_report() -> None:
    assert set(EXPECTED) == set(CASES)
    on_disk = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    assert on_disk == set(CASES)


def test_committed_fixtures_are_what_the_script_writes(tmp_path: Path) -> None:
    write_all(tmp_path)
    for name in CASES:
        assert _hashes(tmp_path / name) == _hashes(BROKEN / name), name
    assert (tmp_path / "README.md").read_text() == (BROKEN / "README.md").read_text()


@pytest.mark.parametrize("case", CASE_NAMES)
def test_exact_report(case: str) -> None:
    folder = BROKEN / case
    before = _hashes(folder)
    report = validate(folder)
    found = [(p.severity, p.file, p.line, p.column, p.value) for p in report.problems]
    expected = [row[:5] for row in EXPECTED[case]]
    assert found == expected, "\n".join(str(p) for p in report.problems)
    for problem, row in zip(report.problems, EXPECTED[case], strict=True):
        assert row[5] in problem.message, (problem.message, row[5])
        assert problem.message[-1] in ".)", "a message is a sentence"
    assert _hashes(folder) == before, "validation changed an input file"


@pytest.mark.parametrize("case", CASE_NAMES)
def test_load_raises_data_error_or_returns_with_warnings(case: str) -> None:
    errors = [row for row in EXPECTED[case] if row[0] == E]
    if errors:
        with pytest.raises(DataError) as info:
            load(BROKEN / case)
        assert len([p for p in info.value.problems if p.severity == E]) == len(errors)
        first = info.value.problems[[p.severity for p in info.value.problems].index(E)]
        assert str(first) in str(info.value)
    else:
        workbook = load(BROKEN / case)
        assert [(p.file, p.line) for p in workbook.problems] == \
            [(row[1], row[2]) for row in EXPECTED[case]]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_cli_prints_every_problem_and_exits_2(case: str, capsys) -> None:
    code = main(["validate", str(BROKEN / case)])
    out = capsys.readouterr()
    has_errors = any(row[0] == E for row in EXPECTED[case])
    assert code == (2 if has_errors else 0)
    assert "Traceback" not in out.out + out.err
    report = validate(BROKEN / case)
    for problem in report.problems:
        assert str(problem) in out.out
    assert ("NOT usable" in out.out) == has_errors


def test_network_warnings_leave_the_ties_out() -> None:
    workbook = load(BROKEN / "network_warnings")
    valid = load(FIXTURES / "valid")
    assert len(workbook.network) == len(valid.network) == 8
    net = workbook.network
    assert not (net["source"] == net["target"]).any()
    people = set(workbook.survey["respondent_id"])
    assert set(net["source"]) <= people and set(net["target"]) <= people


def test_missing_folder(tmp_path: Path) -> None:
    report = validate(tmp_path / "nowhere")
    assert not report.ok and len(report.problems) == 1
    assert "is not a folder" in report.problems[0].message


def test_problem_text_names_the_place() -> None:
    report = validate(BROKEN / "out_of_scale_answer")
    assert str(report.problems[0]) == (
        "survey.csv line 7, column `m01`: value `7`: is outside the scale 1-5 declared in "
        "codebook.csv. Fix the value, or set scale_min/scale_max for m01.")
    blank = validate(BROKEN / "blank_wave").problems[0]
    assert str(blank).startswith("survey.csv line 13, column `wave`: empty cell: ")


def test_cli_says_how_each_file_was_read(tmp_path: Path, capsys) -> None:
    import shutil

    folder = tmp_path / "d"
    shutil.copytree(FIXTURES / "valid", folder)
    text = (folder / "survey.csv").read_text(encoding="utf-8").replace(",", ";")
    (folder / "survey.csv").write_bytes(text.encode("cp1252"))
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "  survey.csv: 12 rows x 10 columns (Windows-1252, semicolon-separated)" in out
    assert "  network.csv: 8 rows x 5 columns (UTF-8, comma-separated)" in out
