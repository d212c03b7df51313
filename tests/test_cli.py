"""The command line translates arguments to library calls; exit codes and files are checked."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from key_figures import RUNS, SNAPSHOT_DIR, differences, run_json, summarise

from diagnostics.cli import main
from diagnostics.runner import CONTRACT_KEYS


def test_validate_sample_exits_0(capsys) -> None:
    assert main(["validate", "data/sample"]) == 0
    assert "usable" in capsys.readouterr().out


def test_validate_broken_exits_2_with_places(tmp_path: Path, capsys) -> None:
    shutil.copytree("data/sample", tmp_path / "d")
    survey = tmp_path / "d" / "survey.csv"
    lines = survey.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col = next(i for i, c in enumerate(header) if c.startswith("m"))
    cells = lines[4].split(",")
    cells[col] = "lots"
    lines[4] = ",".join(cells)
    survey.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = survey.read_bytes()
    assert main(["validate", str(tmp_path / "d")]) == 2
    out = capsys.readouterr().out
    assert f"survey.csv line 5, column `{header[col]}`: value `lots`" in out
    assert survey.read_bytes() == before


def test_missing_folder_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path / "nope")]) == 2
    assert "is not a folder" in capsys.readouterr().out
    assert main(["run", str(tmp_path / "nope"), "--json", str(tmp_path / "o.json"), "--quiet"]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert not (tmp_path / "o.json").exists()


def test_run_writes_contract_json(tmp_path: Path) -> None:
    """The command's JSON holds every contract key and the figures of the snapshot taken
    before the pipeline change (tests/key_figures.py), with the seed and minimum passed on."""
    name = "run_seed3_min8.json"
    data = run_json(RUNS[name], tmp_path / "results.json")
    assert RUNS[name] == ["--seed", "3", "--min-group-size", "8"]
    assert set(CONTRACT_KEYS) <= set(data)
    assert isinstance(data["warnings"], list)
    want = json.loads((SNAPSHOT_DIR / name).read_text(encoding="utf-8"))
    problems = differences(want, summarise(data))
    assert not problems, f"{len(problems)} figures differ, e.g.:\n" + "\n".join(problems[:20])


def test_bad_option_values_exit_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", "data/sample", "--json", str(tmp_path / "x.json"), "--min-group-size", "0"])
    assert info.value.code == 2


def test_installed_console_script(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("culture-diagnostics")
    done = subprocess.run([str(exe), "validate", "data/sample"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr


def test_run_profile_prints_each_step_time_and_memory(tmp_path: Path, capsys) -> None:
    out = tmp_path / "results.json"
    assert main(["run", "data/sample", "--json", str(out), "--quiet", "--profile"]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("step"))
    assert "seconds" in lines[header] and "peak MB" in lines[header]
    rows = lines[header + 1:]
    names = [r.split("  ")[0].strip() for r in rows]
    assert names[0] == "loading and validation" and "Tribes" in names
    total = next(r for r in rows if r.startswith("total"))
    steps = [float(r.split()[-3]) for r in rows if not r.startswith(("total", "Wrote"))]
    assert abs(sum(steps) - float(total.split()[-3])) < 0.05 * len(steps)
    assert json.loads(out.read_text(encoding="utf-8"))["tribes"]["splits"] == 0
