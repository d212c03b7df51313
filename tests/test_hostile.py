"""Hostile files and paths (issue 19, items 4 and 5): each gets a clear answer, in bounded time.

The cases a committed folder can hold (a control character, mixed encodings, folded column
names, an unknown wave, a deep workbook.toml) are broken fixtures (``test_validation.py``).
What git cannot hold or should not (pipes, devices, links, bombs, huge files) is made here,
in a temporary folder. Every test checks that the input is unchanged.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from diagnostics import DataError, load, run_all, validate
from diagnostics.cli import main
from diagnostics.config import read_config
from diagnostics.errors import OutputError
from diagnostics.inputs import LIMITS, printable
from diagnostics.outputs import MARKER, staged_directory

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "fixtures" / "valid"

pytestmark = pytest.mark.timeout(60)


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(VALID, folder)
    return folder


def _problems(folder: Path, file: str) -> list[str]:
    return [str(p) for p in validate(folder).problems if p.file == file]


# ---------------------------------------------------------------- regular files only

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_fifo_as_survey_toml_or_logo_is_named_not_waited_on(data: Path) -> None:
    (data / "survey.csv").unlink()
    os.mkfifo(data / "survey.csv")
    (data / "workbook.toml").unlink()
    os.mkfifo(data / "workbook.toml")
    start = time.perf_counter()
    survey = _problems(data, "survey.csv")
    toml = _problems(data, "workbook.toml")
    assert time.perf_counter() - start < 10
    assert survey == ["survey.csv: is a named pipe (FIFO), not a file. Put the table itself in "
                      "its place."]
    assert toml == ["workbook.toml: is a named pipe (FIFO), not a file. Put the settings file "
                    "itself in its place. The settings were not read."]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_fifo_as_the_logo_leaves_the_report_without_a_logo(data: Path) -> None:
    from diagnostics.report import build_report

    os.mkfifo(data / "logo.png")
    with (data / "workbook.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[branding]\nlogo = "logo.png"\n')
    report = build_report(run_all(load(data), only=[]))
    assert report.branding.logo is None
    assert any("is a named pipe (FIFO), not a file" in n for n in report.build_notes)


def test_a_folder_named_survey_csv_is_not_missing(data: Path) -> None:
    (data / "survey.csv").unlink()
    (data / "survey.csv").mkdir()
    assert _problems(data, "survey.csv") == [
        "survey.csv: is a folder, not a file. Put the table itself in its place."]


def test_a_link_to_the_zero_device_is_refused_without_reading(data: Path) -> None:
    (data / "survey.csv").unlink()
    (data / "survey.csv").symlink_to("/dev/zero")
    (data / "workbook.toml").unlink()
    (data / "workbook.toml").symlink_to("/dev/zero")
    start = time.perf_counter()
    report = validate(data)
    assert time.perf_counter() - start < 10
    messages = {p.file: p.message for p in report.problems}
    assert messages["survey.csv"].startswith("is a link to a file outside the data folder; it "
                                             "was not read.")
    assert messages["workbook.toml"].startswith("is a link to a file outside the data folder")


def test_a_link_to_a_device_inside_the_folder_says_what_it_is(data: Path) -> None:
    (data / "survey.csv").unlink()
    (data / "null").symlink_to("/dev/null")  # a link inside the folder...
    (data / "survey.csv").symlink_to(data / "null")  # ...to a link leaving it
    assert "outside the data folder" in _problems(data, "survey.csv")[0]


def test_a_link_outside_the_folder_is_refused_without_echoing_its_content(
        data: Path, tmp_path: Path, capsys) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$secret-hash:19000:0:99999:7:::\nrespondent_id\n",
                      encoding="utf-8")
    (data / "survey.csv").unlink()
    (data / "survey.csv").symlink_to(secret)
    assert main(["validate", str(data)]) == 2
    out = capsys.readouterr()
    assert "secret-hash" not in out.out + out.err and "root:" not in out.out + out.err
    assert "survey.csv: is a link to a file outside the data folder; it was not read." in out.out


def test_a_link_inside_the_folder_is_followed(data: Path) -> None:
    (data / "kept").mkdir()
    (data / "survey.csv").rename(data / "kept" / "answers.csv")
    (data / "survey.csv").symlink_to(Path("kept") / "answers.csv")
    assert validate(data).ok


def test_a_broken_link_says_so(data: Path) -> None:
    (data / "network.csv").unlink()
    (data / "network.csv").symlink_to(data / "nowhere.csv")
    assert _problems(data, "network.csv") == [
        "network.csv: is a link to a file that does not exist. Copy the file itself into the "
        "data folder."]


# ---------------------------------------------------------------- sizes and bombs

def test_a_huge_table_is_refused_before_it_is_read(data: Path) -> None:
    with (data / "stories.csv").open("r+b") as handle:  # sparse: no disk is used
        handle.truncate(LIMITS.table_bytes + 1)
    start = time.perf_counter()
    problems = _problems(data, "stories.csv")
    assert time.perf_counter() - start < 5
    assert problems == ["stories.csv: is 512 MB, more than the 512 MB the workbook reads for a "
                        "table."]


def test_a_huge_logo_is_left_out(data: Path) -> None:
    from diagnostics.report import build_report

    with (data / "logo.png").open("wb") as handle:
        handle.truncate(1536 * 2**20)  # 1.5 GB, sparse
    with (data / "workbook.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[branding]\nlogo = "logo.png"\n')
    report = build_report(run_all(load(data), only=[]))
    assert report.branding.logo is None
    assert any("is 1.5 GB, more than the 5.0 MB the workbook reads for a logo" in n
               for n in report.build_notes)


def test_a_logo_outside_the_folder_is_not_read(data: Path, tmp_path: Path) -> None:
    from PIL import Image

    from diagnostics.report import build_report

    Image.new("RGB", (4, 4)).save(tmp_path / "elsewhere.png")
    with (data / "workbook.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'\n[branding]\nlogo = "{tmp_path / "elsewhere.png"}"\n')
    report = build_report(run_all(load(data), only=[]))
    assert report.branding.logo is None
    assert any("is outside the data folder" in n for n in report.build_notes)


def test_a_big_workbook_toml_is_refused(data: Path) -> None:
    (data / "workbook.toml").write_text("# padding\n" * 200_000, encoding="utf-8")
    assert _problems(data, "workbook.toml") == [
        "workbook.toml: is 1.9 MB, more than the 1.0 MB the workbook reads for a settings "
        "file. The settings were not read."]


def test_a_deep_table_header_is_refused_without_recursion(tmp_path: Path) -> None:
    path = tmp_path / "workbook.toml"
    path.write_text("[" + ".".join(["a"] * 3000) + "]\nx = 1\n", encoding="utf-8")
    _config, problems = read_config(path)
    assert [p.message for p in problems] == [
        "nests tables or lists more than 8 deep; the settings need two levels at most (a "
        "[section] of `key = value` lines). The settings were not read."]


def _survey_xlsx(data: Path) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in (data / "survey.csv").read_text(encoding="utf-8").splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rezip(xlsx: bytes, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = edit(content)
            target.writestr(info.filename, content, compresslevel=9)
    return out.getvalue()


def test_an_xlsx_read_like_its_csv(data: Path) -> None:
    expected = load(data).survey
    (data / "survey.xlsx").write_bytes(_survey_xlsx(data))
    (data / "survey.csv").unlink()
    workbook = load(data)
    assert workbook.survey.equals(expected)


def test_an_xlsx_bomb_is_refused_before_unpacking(data: Path) -> None:
    """A real sheet padded with 64 MB of spaces (XML allows them): under 100 KB on disk.

    The benchmark (``python -m benchmarks fuzz``) times a 4 GB one.
    """
    pad = b" " * (64 * 2**20)
    bomb = _rezip(_survey_xlsx(data), lambda xml: xml.replace(b"</sheetData>",
                                                              pad + b"</sheetData>"))
    assert len(bomb) < 200 * 2**10
    (data / "survey.xlsx").write_bytes(bomb)
    (data / "survey.csv").unlink()
    start = time.perf_counter()
    problems = _problems(data, "survey.xlsx")
    assert time.perf_counter() - start < 5
    assert len(problems) == 1 and re.fullmatch(
        r"survey\.xlsx: has a part \(xl/worksheets/sheet1\.xml\) that would unpack \d+ times "
        r"larger than stored, as only a deliberately made archive does; it was not unpacked\. "
        r"If it is a real survey, save it as CSV UTF-8 instead\.", problems[0]), problems


def test_an_xlsx_unpacking_beyond_the_limit_is_refused(data: Path, monkeypatch) -> None:
    import diagnostics.inputs as inputs

    monkeypatch.setattr(inputs, "LIMITS", replace(LIMITS, xlsx_unpacked_bytes=4096))
    (data / "survey.xlsx").write_bytes(_survey_xlsx(data))
    (data / "survey.csv").unlink()
    assert "would unpack to" in _problems(data, "survey.xlsx")[0]


def test_an_xlsx_claiming_the_whole_sheet_is_read_quickly(data: Path) -> None:
    """The sheet says it spans A1:XFD1048576 (17 billion cells); only its cells are read."""
    lie = _rezip(_survey_xlsx(data), lambda xml: re.sub(
        rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml))
    (data / "survey.xlsx").write_bytes(lie)
    (data / "survey.csv").unlink()
    start = time.perf_counter()
    assert validate(data).ok
    assert time.perf_counter() - start < 10


def test_an_xlsx_over_the_cell_budget_stops(data: Path, monkeypatch) -> None:
    import diagnostics.reading as reading

    monkeypatch.setattr(reading, "LIMITS", replace(LIMITS, xlsx_cells=50))
    (data / "survey.xlsx").write_bytes(_survey_xlsx(data))
    (data / "survey.csv").unlink()
    problem = validate(data).problems[0]
    assert (problem.file, problem.line) == ("survey.xlsx", 6)  # 10 cells a row: the 51st
    assert problem.message.startswith("has more than 50 cells")


# ---------------------------------------------------------------- what is printed

def test_terminal_escapes_are_never_printed_raw(data: Path, capsys) -> None:
    text = (data / "survey.csv").read_text(encoding="utf-8")
    (data / "survey.csv").write_text(text.replace("R05,2024,Ventes & Marché",
                                                  "R05,2024,\x1b]0;owned\x07\x1b[2J"),
                                     encoding="utf-8")
    assert main(["validate", str(data)]) == 2
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "\x07" not in out.out + out.err
    assert "value `\\x1b]0;owned\\x07\\x1b[2J`: this cell holds a control character" in out.out


def test_printable_shows_escapes_and_direction_overrides() -> None:
    assert printable("Sales\x01") == "Sales\\x01"
    assert printable("a\u202eb") == "a\\u202eb"
    assert printable("Opérations") == "Opérations"


def test_validate_into_a_closed_pipe_ends_quietly() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "diagnostics.cli", "validate",
                             str(VALID)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # as `| head -1` does once it has its line
    _out, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipeError" not in err, err.decode()
    assert proc.returncode == 1


# ---------------------------------------------------------------- outputs never land on inputs

def test_json_onto_the_survey_is_refused(data: Path, capsys) -> None:
    before = _hashes(data)
    assert main(["run", str(data), "--json", str(data / "survey.csv"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"--json {data / 'survey.csv'}: is inside the data folder" in err
    assert _hashes(data) == before


def test_json_into_any_data_folder_or_over_a_foreign_file_is_refused(
        data: Path, tmp_path: Path, capsys) -> None:
    other = tmp_path / "other"
    shutil.copytree(VALID, other)
    assert main(["run", str(data), "--json", str(other / "results.json"), "--quiet"]) == 1
    assert "is inside a data folder" in capsys.readouterr().err
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    assert main(["run", str(data), "--json", str(notes), "--quiet"]) == 1
    assert "the file exists and is not results the workbook wrote" in capsys.readouterr().err
    assert notes.read_text(encoding="utf-8") == "my notes\n"
    assert not (other / "results.json").exists()


def test_report_into_the_data_folder_is_refused(data: Path, capsys) -> None:
    before = _hashes(data)
    for out in (data, data / "report"):
        assert main(["report", str(data), "--out", str(out), "--format", "html",
                     "--quiet"]) == 1
        assert "data folder" in capsys.readouterr().err
    assert _hashes(data) == before and not (data / "report").exists()


def test_report_into_a_foreign_folder_is_refused(data: Path, tmp_path: Path, capsys) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.html").write_text("my own page", encoding="utf-8")
    assert main(["report", str(data), "--out", str(mine), "--format", "html", "--quiet"]) == 1
    assert "the folder is not empty and was not written by the workbook" in \
        capsys.readouterr().err
    assert (mine / "report.html").read_text(encoding="utf-8") == "my own page"


def test_sample_over_a_data_folder_is_refused(data: Path, capsys) -> None:
    before = _hashes(data)
    assert main(["sample", str(data), "--people", "200"]) == 1
    assert f"sample {data}: is a data folder" in capsys.readouterr().err
    assert _hashes(data) == before


def test_sample_over_its_own_output_is_allowed(tmp_path: Path) -> None:
    assert main(["sample", str(tmp_path / "s"), "--people", "200", "--seed", "1"]) == 0
    assert main(["sample", str(tmp_path / "s"), "--people", "200", "--seed", "2"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]


def test_a_folder_named_report_xlsx_does_not_leave_half_a_report(data: Path,
                                                                  tmp_path: Path) -> None:
    from diagnostics.report import write_report

    results = run_all(load(data), only=[])
    out = tmp_path / "out"
    write_report(results, out, formats="html")
    (out / "notes.txt").write_text("kept", encoding="utf-8")
    (out / "report.xlsx").mkdir()
    (out / "report.xlsx" / "inside").write_text("x", encoding="utf-8")
    old_page = (out / "report.html").read_bytes()
    try:
        write_report(results, out, formats="html,xlsx")
    except OutputError:  # all or nothing: then the old page is untouched
        assert (out / "report.html").read_bytes() == old_page
    else:
        assert (out / "report.xlsx").is_file() and (out / "report.html").is_file()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "kept"
    assert (out / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


def test_an_interrupted_report_leaves_nothing_behind(data: Path, tmp_path: Path,
                                                     monkeypatch) -> None:
    import diagnostics.report.xlsx as xlsx

    images = tmp_path / "tmp"
    images.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(images))

    def killed(*_a, **_k):
        os.kill(os.getpid(), signal.SIGTERM)  # as `kill PID` from another terminal
        time.sleep(5)

    monkeypatch.setattr(xlsx, "write_xlsx", killed)
    out = tmp_path / "out"
    assert main(["report", str(data), "--out", str(out), "--format", "html,xlsx",
                 "--quiet"]) == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "tmp"]
    assert not any(images.iterdir())


def test_a_failing_write_leaves_no_staging_folder(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), staged_directory(tmp_path / "out") as stage:
        (stage / "a.txt").write_text("a", encoding="utf-8")
        raise RuntimeError("boom")
    assert not any(tmp_path.iterdir())


def test_a_killed_run_s_staging_folder_is_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".out.{dead.pid}.abcd1234.tmp"
    stale.mkdir()
    (stale / "report.html").write_text("half", encoding="utf-8")
    with staged_directory(tmp_path / "out") as stage:
        (stage / "a.txt").write_text("a", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_swap_keeps_other_files_and_replaces_written_ones(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with staged_directory(out, marker="test") as stage:
        (stage / "a.txt").write_text("old a", encoding="utf-8")
        (stage / "b.txt").write_text("old b", encoding="utf-8")
    with staged_directory(out, marker="test") as stage:
        (stage / "a.txt").write_text("new a", encoding="utf-8")
    assert (out / "a.txt").read_text(encoding="utf-8") == "new a"
    assert (out / "b.txt").read_text(encoding="utf-8") == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_loaded_control_character_never_reaches_a_report(data: Path) -> None:
    text = (data / "survey.csv").read_text(encoding="utf-8")
    (data / "survey.csv").write_text(text.replace("Ventes & Marché", "Sales\x01"),
                                     encoding="utf-8")
    with pytest.raises(DataError, match=r"value `Sales\\x01`: this cell holds a control"):
        load(data)
