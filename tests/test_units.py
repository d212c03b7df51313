"""One report per unit: which units get one, the index page, reporting lines, the comparison."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from diagnostics import load
from diagnostics.cli import main
from diagnostics.errors import ConfigError, DataError
from diagnostics.report.units import write_unit_reports
from diagnostics.units import reporting_lines, unit_comparison


@pytest.fixture(scope="module")
def wb():
    return load("data/sample")


@pytest.fixture(scope="module")
def by_department(wb, tmp_path_factory):
    out = tmp_path_factory.mktemp("units") / "departments"
    return write_unit_reports(wb, out, by="department"), out


def test_every_department_of_five_gets_a_report_and_legal_is_skipped(wb, by_department) -> None:
    done, out = by_department
    sizes = wb.responses()["department"].value_counts()
    assert set(done.written) == set(sizes[sizes >= 5].index)
    assert done.skipped == {"Legal": "fewer than 5 respondents"}
    for unit, folder in done.written.items():
        page = (folder / "report.html").read_text(encoding="utf-8")
        assert "rest of the organisation" in page, unit
        assert "Legal" not in page or unit == "Legal"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Legal: fewer than 5 respondents" in index
    assert all(f"{folder.name}/report.html" in index for folder in done.written.values())


def test_unit_comparison_finds_the_planted_weak_group(wb) -> None:
    members = set(wb.responses().query("department == 'Operations'")["respondent_id"])
    cells = unit_comparison(wb, members, "Operations").to_frame().set_index("item")
    assert cells.at["b01", "direction"] == "lower" and cells.at["b01", "high"] < 0


def test_a_unit_whose_rest_is_too_small_is_skipped(wb, tmp_path) -> None:
    latest = wb.responses()
    keep = latest[latest["department"].isin(["Operations", "Legal"])]
    small = wb.select_waves([wb.latest_wave])
    from dataclasses import replace

    small = replace(small, survey=small.survey[small.survey["respondent_id"].isin(keep["respondent_id"])]
                    .reset_index(drop=True), comments=None)
    done = write_unit_reports(small, tmp_path / "out", by="department")
    assert done.written == {}
    assert "fewer than 5 respondents" in done.skipped["Legal"]
    assert "subtraction" in done.skipped["Operations"]


def test_reporting_lines_and_loops() -> None:
    roster = pd.DataFrame({"respondent_id": ["a", "b", "c", "d", "e"],
                           "manager_id": [None, "a", "a", "b", "d"]})
    lines = reporting_lines(roster)
    assert lines == {"a": {"b", "c", "d", "e"}, "b": {"d", "e"}, "d": {"e"}}
    loop = pd.DataFrame({"respondent_id": ["a", "b"], "manager_id": ["b", "a"]})
    with pytest.raises(ConfigError, match="loop"):
        reporting_lines(loop)


def test_by_manager_from_the_roster(wb, tmp_path) -> None:
    folder = tmp_path / "org"
    shutil.copytree("data/sample", folder)
    ids = sorted(wb.responses()["respondent_id"])
    # E-top manages two leads; lead 1 has 40 people, lead 2 has 3
    rows = [{"respondent_id": ids[0], "manager_id": ""},
            {"respondent_id": ids[1], "manager_id": ids[0]},
            {"respondent_id": ids[2], "manager_id": ids[0]}]
    rows += [{"respondent_id": i, "manager_id": ids[1]} for i in ids[3:43]]
    rows += [{"respondent_id": i, "manager_id": ids[2]} for i in ids[43:46]]
    pd.DataFrame(rows).to_csv(folder / "roster.csv", index=False)
    done = write_unit_reports(load(folder), tmp_path / "out", by="manager")
    assert len(done.written) == 2 and len(done.skipped) == 1
    assert all(ids[k] not in "".join(done.written) + "".join(done.skipped) for k in range(3))
    assert list(done.skipped.values()) == ["fewer than 5 respondents"]
    shutil.copytree("data/sample", tmp_path / "no_roster")
    (tmp_path / "no_roster" / "roster.csv").unlink()
    with pytest.raises(DataError, match="roster.csv"):
        write_unit_reports(load(tmp_path / "no_roster"), tmp_path / "out2", by="manager")


def test_by_manager_on_the_sample_roster(wb) -> None:
    from diagnostics.report.units import _units

    units = _units(wb, "manager", names=False)
    assert units and all(u.startswith("Reporting line of P-") for u in units)
    top = max(units.values(), key=len)
    assert len(top) > 0.9 * wb.responses()["respondent_id"].nunique()  # the top of the tree
    assert not any(wb.roster["respondent_id"].isin([u.split()[-1] for u in units]))


def test_cli_report_by(tmp_path, capsys) -> None:
    code = main(["report", "data/sample", "--out", str(tmp_path / "levels"), "--by", "level",
                 "--quiet"])
    assert code == 0
    assert (tmp_path / "levels" / "index.html").exists()
    assert "Executive" in (tmp_path / "levels" / "index.html").read_text(encoding="utf-8")
    assert main(["report", "data/sample", "--out", str(tmp_path / "x"), "--by", "colour",
                 "--quiet"]) != 0
    assert "colour" in capsys.readouterr().err
