"""Participation: response rates from roster.csv, against the sample's planted headcounts and
tiny hand-computed rosters."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from diagnostics import load, validate
from diagnostics.comparisons import chi_square_independence
from diagnostics.participation import response_rates

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
VALID = ROOT / "tests" / "fixtures" / "valid"


def test_sample_rates_match_the_planted_headcounts() -> None:
    wb = load(SAMPLE)
    truth = json.loads((SAMPLE / "truth.json").read_text())
    result = response_rates(wb)
    wave = wb.waves[-1]
    assert result.invited == truth["headcount"][wave]
    frame = result.to_frame()
    departments = frame[frame["attribute"] == "department"].set_index("group")
    planted = truth["headcount_by_department"][wave]
    assert "Legal" not in departments.index and planted["Legal"] == 3
    answered = wb.survey[wb.survey["wave"] == wave].groupby("department").size()
    for group, row in departments.iterrows():
        assert row["invited"] == planted[group]
        assert row["responded"] == answered[group]
        assert row["rate"] == pytest.approx(answered[group] / planted[group])
    hidden = {s.group: s.reason for s in result.suppressed if s.dimension == "department"}
    assert hidden["Legal"].startswith("fewer than 5")
    assert set(hidden) - {"Legal"} <= {min(planted, key=lambda d: (planted[d], d) if d != "Legal"
                                           else (10**9, d))}
    shape = result.to_json()
    assert set(shape["overall"]) == {"invited", "responded", "rate"}
    assert shape["by"]["department"]["Sales"]["invited"] == planted["Sales"]


def _folder(tmp_path: Path, roster: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(VALID, folder)
    for extra in folder.iterdir():
        if extra.name not in ("survey.csv", "codebook.csv"):
            extra.unlink()
    (folder / "roster.csv").write_text(roster)
    return folder


#: R01 leads R02 and R03; R03 leads R04, R05, R07, X1; X1 and X2 never answered.
ROSTER = ("respondent_id,manager_id,email,team\n"
          "R01,,a@x.example,top\nR02,R01,b@x.example,red\nR03,R01,c@x.example,red\n"
          "R04,R03,d@x.example,blue\nR05,R03,e@x.example,blue\nR07,R03,f@x.example,blue\n"
          "X1,R03,g@x.example,blue\nX2,R02,h@x.example,red\n")


def test_tiny_roster_by_hand(tmp_path: Path) -> None:
    wb = load(_folder(tmp_path, ROSTER), min_group_size=2, allow_small_groups=True)
    result = response_rates(wb, wave="2025")
    # wave 2025 answered: R01, R02, R03, R04, R05, R07
    assert (result.invited, result.responded) == (8, 6)
    frame = result.to_frame().set_index("group")
    assert frame.loc["blue", ["invited", "responded"]].tolist() == [4, 3]
    # top (1 person) is below the minimum of 2; red (3) is hidden too, or top's figures
    # would follow from the total minus blue and red
    assert "top" not in frame.index and "red" not in frame.index
    lines = result.lines.set_index("manager")["invited"].to_dict()
    guard = wb.guard
    # R01's line: everyone else (7); R03's line: 4; R02's line: X2 alone (hidden)
    assert lines == {guard.pseudonym("R01"): 7, guard.pseudonym("R03"): 4}
    assert "R01" not in json.dumps(result.to_json())
    assert not result.warnings  # R06 answered in 2024 only
    earlier = response_rates(wb, wave="2024")
    assert earlier.warnings and "1 respondent of wave 2024 is not" in earlier.warnings[0]


def test_roster_errors_name_their_place(tmp_path: Path) -> None:
    bad = ("respondent_id,manager_id\nR01,R03\nR02,R01\nR03,R02\nR04,Z9\nR05,R05\nR04,R01\n"
           "R06,R01\nR07,R01\n")
    report = validate(_folder(tmp_path, bad))
    found = [(p.line, p.column, p.value, p.message.split(" (")[0][:40]) for p in report.errors]
    assert (7, "respondent_id", "R04", "this person is listed twice; the first r") in found
    assert (5, "manager_id", "Z9", "this manager_id is not a respondent_id o") in found
    assert (6, "manager_id", "R05", "this person is their own manager. Leave ") in found
    cycle = [p for p in report.errors if "circle" in p.message]
    assert len(cycle) == 1 and "R01 -> R03 -> R02 -> R01" in cycle[0].message
    assert not report.ok


def test_missing_respondents_are_a_warning(tmp_path: Path) -> None:
    report = validate(_folder(tmp_path, "respondent_id\nR01\nR02\n"))
    assert report.ok
    warn = [p for p in report.warnings if p.file == "roster.csv"]
    assert len(warn) == 1 and "5 respondents of" in warn[0].message and warn[0].value == "R03"


def test_chi_square_matches_a_hand_computation() -> None:
    # expected 15 in every cell: 4 * 5**2 / 15
    stat, dof, p = chi_square_independence(pd.DataFrame([[10, 20], [20, 10]]))
    assert stat == pytest.approx(4 * 25 / 15) and dof == 1 and p == pytest.approx(0.00982, abs=1e-5)
