"""``culture-diagnostics import``: round trips through every layout, the real exports, bad files.

The round-trip exports are written by ``tests/fixtures/exports/make_exports.py`` from one known
survey (:data:`make_exports.PEOPLE`); the real exports are read from ``../shared/data/exports``
(see its README) and never copied into the repository.
"""

from __future__ import annotations

import hashlib
import io
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnostics import DataError, load, validate
from diagnostics.answers import LADDERS
from diagnostics.cli import main
from diagnostics.importing import import_export

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "tests" / "fixtures" / "exports"
REAL = ROOT.parent / "shared" / "data" / "exports"
sys.path.insert(0, str(EXPORTS))
import make_exports as mx  # noqa: E402

FILES = sorted(p.name for p in EXPORTS.iterdir() if p.suffix in (".csv", ".tsv", ".xlsx"))
#: Layouts that group a matrix's statements under their question (the construct).
GROUPED = {"qualtrics.csv", "qualtrics_2017.csv", "qualtrics_legacy.csv", "qualtrics.tsv",
           "qualtrics.xlsx", "surveymonkey.csv", "surveymonkey.xlsx", "googleforms.csv"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_layout_has_a_fixture() -> None:
    assert set(FILES) == {"qualtrics.csv", "qualtrics_2017.csv", "qualtrics_legacy.csv",
                          "qualtrics.tsv", "qualtrics.xlsx", "surveymonkey.csv",
                          "surveymonkey.xlsx", "msforms.xlsx", "googleforms.csv", "glint.csv"}


def test_committed_text_exports_are_what_the_script_writes(tmp_path: Path) -> None:
    mx.write_all(tmp_path)
    for name in FILES:
        if not name.endswith(".xlsx"):  # a zip's timestamps differ from run to run
            assert _sha(tmp_path / name) == _sha(EXPORTS / name), name


@pytest.mark.parametrize("name", FILES)
def test_round_trip(name: str, tmp_path: Path) -> None:
    export = EXPORTS / name
    before = _sha(export)
    result = import_export(export, tmp_path / "out")
    assert _sha(export) == before, "the export was changed"
    wb = load(result.folder)
    survey = wb.survey
    assert len(survey) == len(mx.PEOPLE)
    book = wb.codebook
    matrix = [i for i in book.index if book.at[i, "label"] in mx.STATEMENTS]
    assert [book.at[i, "label"] for i in matrix] == list(mx.STATEMENTS)
    for item in matrix:
        assert (book.at[item, "scale_min"], book.at[item, "scale_max"]) == (1, 5)
        assert book.at[item, "labels"].split("|") == list(mx.AGREE)
        assert book.at[item, "kind"] == "other"
        assert book.at[item, "construct"] == (mx.MATRIX if name in GROUPED else "")
    trust, helps = matrix
    assert survey[trust].tolist() == [p[1] for p in mx.PEOPLE]
    assert survey[helps].tolist() == [p[2] for p in mx.PEOPLE]
    if name != "glint.csv":
        often = next(i for i in book.index if book.at[i, "label"] == mx.FREQUENCY)
        assert book.at[often, "labels"].split("|") == list(mx.OFTEN)
        assert book.at[often, "missing_labels"] == "N/A"
        assert survey[often].tolist() == pytest.approx(
            [float("nan") if p[3] is None else p[3] for p in mx.PEOPLE], nan_ok=True)
        assert "taken as missing: N/A" in result.report
    department = [a for a in wb.attributes if a != "manager_id"]
    assert len(department) == 1
    assert survey[department[0]].tolist() == [p[4] for p in mx.PEOPLE]
    comments = pd.read_csv(result.folder / "comments.csv", dtype=str, keep_default_na=False)
    assert list(comments.columns) == ["respondent_id", "item", "text", "sensitive"]
    assert comments["text"].tolist() == [p[5] for p in mx.PEOPLE if p[5]]
    assert comments["respondent_id"].isin(survey["respondent_id"]).all()
    assert (result.folder / "import-report.txt").read_text() == result.report
    if name.startswith("qualtrics"):
        assert result.left_out == {"preview": 1, "unfinished": 1}
        assert "Responses left out: 1 preview, 1 unfinished." in result.report
        dropped = next(x for x in result.report.splitlines() if x.startswith("Metadata"))
        assert "Email" in dropped  # dropped, and said so
        assert "example.com" not in (result.folder / "survey.csv").read_text()
    if name == "glint.csv":
        assert result.left_out == {"unfinished": 1}
        assert comments["sensitive"].tolist() == ["0", "1", "0"]
        assert comments["item"].eq(trust).all()
        assert survey["manager_id"].tolist()[1:] == ["P1"] * 5


def test_keep_all_keeps_the_preview_and_the_unfinished(tmp_path: Path) -> None:
    result = import_export(EXPORTS / "qualtrics.csv", tmp_path / "out", keep_all=True)
    assert result.responses == len(mx.PEOPLE) + 2
    assert "--keep-all" in result.report


def test_id_column_option(tmp_path: Path) -> None:
    result = import_export(EXPORTS / "surveymonkey.csv", tmp_path / "a")
    assert load(result.folder).survey["respondent_id"].iloc[0] == "11400"
    with pytest.raises(DataError, match="has no column `Badge`"):
        import_export(EXPORTS / "surveymonkey.csv", tmp_path / "b", id_column="Badge")
    assert not (tmp_path / "b").exists()


# --------------------------------------------------------------------------- real exports

def _real() -> list[Path]:
    if not REAL.is_dir():
        return []
    return sorted(p for p in REAL.glob("*/*.csv"))


needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is absent: the real "
                                "exports are read from the shared folder, never copied here")
#: Glint's companion files are not survey exports (no answers to import).
COMPANIONS = {"attrition.csv", "employee_attributes.csv"}


@needs_real
@pytest.mark.parametrize("path", _real(), ids=lambda p: p.parent.name + "/" + p.name)
def test_real_export_imports_and_validates(path: Path, tmp_path: Path) -> None:
    before = _sha(path)
    out = tmp_path / "out"
    if path.name in COMPANIONS:
        with pytest.raises(DataError, match="has no question that reads as a scale"):
            import_export(path, out)
        assert not out.exists()
        return
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, header=None)
    data = raw.iloc[3:] if raw.iloc[2].str.contains("ImportId").any() else raw.iloc[2:]
    status_test = "Status" in set(raw.iloc[1]) and len(data) > 0 and \
        (data[list(raw.iloc[1]).index("Status")] == "2").all()
    if status_test:  # QualtricsTools made these with Qualtrics' test responses (Status 2)
        with pytest.raises(DataError, match=r"every response would be left out \(\d+ test\)"):
            import_export(path, out)
        assert not out.exists()
    result = import_export(path, out, keep_all=status_test)
    report = validate(out)
    assert report.ok, "\n".join(map(str, report.errors))
    assert len(report.workbook.codebook) == len(result.items) > 0
    assert _sha(path) == before


@needs_real
def test_real_glint_known_values(tmp_path: Path) -> None:
    result = import_export(REAL / "glint_export" / "survey_export.csv", tmp_path / "g")
    wb = load(result.folder)
    assert wb.survey["respondent_id"].tolist() == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert wb.survey["q01"].tolist() == [4, 3, 4, 2, 3, 4]
    assert wb.survey["q02"].tolist() == [3, 4, 2, 3, 4, 3]
    assert wb.codebook.loc["q01", "label"] == "My work is meaningful"
    comments = pd.read_csv(result.folder / "comments.csv", dtype=str)
    assert comments["text"].tolist() == ["Great", "Ok", "Good", "Thanks", "Support"]
    assert "alex@example.com" not in (result.folder / "survey.csv").read_text()


@needs_real
def test_real_qualtrics_matrix_constructs(tmp_path: Path) -> None:
    path = REAL / "qualtrics_legacy_logic" / "Survey_Logic_EVERYWHERE.csv"
    result = import_export(path, tmp_path / "q", keep_all=True)
    book = load(result.folder).codebook
    assert book.loc["Q5_1", "label"] == "Click to write Statement 1"
    assert book.loc["Q5_1", "construct"] == "Click to write the question text"
    assert result.left_out == {"test": 10}


# --------------------------------------------------------------------------- bad files

def _bad(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataError) as info:
        import_export(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert path.read_bytes() == data
    return str(info.value)


def test_bad_files_get_clear_errors(tmp_path: Path) -> None:
    xlsx = (EXPORTS / "qualtrics.xlsx").read_bytes()
    assert "is empty" in _bad(tmp_path, "empty.csv", b"")
    assert "binary data" in _bad(tmp_path, "binary.csv", b"\x00\x01\x02garbage\x00")
    assert "damaged or cut short" in _bad(tmp_path, "cut.xlsx", xlsx[: len(xlsx) // 2])
    assert "not an Excel workbook" in _bad(tmp_path, "fake.xlsx", b"id,a\n1,2\n")
    assert "not an export layout the importer knows" in _bad(
        tmp_path, "plain.csv", b"name,score\nAnn,3\nBob,4\n")
    qualtrics = (EXPORTS / "qualtrics.csv").read_bytes()
    pasted = _bad(tmp_path, "twice.csv", qualtrics + qualtrics)
    assert "two exports (or two layouts) pasted together" in pasted and "line 13" in pasted
    google = (EXPORTS / "googleforms.csv").read_bytes().split(b"\r\n")
    mixed = b"\r\n".join([google[0], google[1], qualtrics.split(b"\r\n")[2], *google[2:]])
    assert "mixes layouts" in _bad(tmp_path, "mixed.csv", mixed)
    assert "has its header rows but no responses" in _bad(
        tmp_path, "head.csv", b"\r\n".join(qualtrics.split(b"\r\n")[:3]))


def test_out_folder_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "survey.csv").write_text("mine\n")
    with pytest.raises(DataError, match="already exists and is not an empty folder"):
        import_export(EXPORTS / "qualtrics.csv", out)
    assert (out / "survey.csv").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no stage left behind


def test_cli_import(tmp_path: Path) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(["import", str(EXPORTS / "glint.csv"), "--out", str(tmp_path / "o")])
    assert code == 0 and "Layout recognised: Viva Glint" in stdout.getvalue()
    (tmp_path / "bad.csv").write_bytes(b"\x00\x00")
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(["import", str(tmp_path / "bad.csv"), "--out", str(tmp_path / "p")])
    assert code == 2 and "bad.csv: holds binary data" in stderr.getvalue()


# --------------------------------------------------------------------------- properties

def _noisy(text: str, style: int) -> str:
    return [text, text.upper(), f"  {text.lower()}  ", text.replace(" ", "  ")][style]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ladder=st.sampled_from(LADDERS), layout=st.sampled_from(["qualtrics", "google",
                                                                 "monkey"]),
       picks=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 3)), min_size=2,
                      max_size=9),
       offset=st.sampled_from([0, 0, 10, 20]), numeric=st.booleans(),
       extra=st.lists(st.text(max_size=12), max_size=3))
def test_random_exports_give_a_folder_or_a_clear_error(tmp_path_factory, ladder, layout,
                                                       picks, offset, numeric, extra) -> None:
    tmp = tmp_path_factory.mktemp("h")
    points = [p % len(ladder.labels) for p, _ in picks]
    answers = [str(p + 1 + offset) if numeric else _noisy(ladder.labels[p], s)
               for p, (_, s) in zip(points, picks, strict=True)]
    header = ["Q1", *[f"X{i}" for i in range(len(extra))]]
    cells = [[a, *extra] for a in answers]
    if layout == "qualtrics":
        rows = [["ResponseId", *header], ["Response ID", "Statement", *extra],
                ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}',
                 *[f'{{"ImportId":"QID{i + 9}"}}' for i in range(len(extra))]],
                *[[f"R_{i}", *c] for i, c in enumerate(cells)]]
    elif layout == "google":
        rows = [["Timestamp", *header], *[["2025/01/01", *c] for c in cells]]
    else:
        rows = [["Respondent ID", "Collector ID", *header], ["", "", "Response", *extra],
                *[[str(i), "1", *c] for i, c in enumerate(cells)]]
    path = tmp / "export.csv"
    path.write_text("\n".join(",".join('"' + c.replace('"', '""') + '"' for c in r)
                              for r in rows) + "\n", encoding="utf-8")
    try:
        result = import_export(path, tmp / "out")
    except DataError as err:
        assert err.problems and all(p.message for p in err.problems)
        assert not (tmp / "out").exists()
        return
    wb = load(result.folder)
    item = next(i for i in wb.codebook.index)
    if not numeric and item == "Q1" or (not numeric and result.items[0] in ("Q1", "q01")):
        got = wb.survey[result.items[0]].tolist()
        labels = wb.codebook.loc[result.items[0], "labels"].split("|")
        assert [labels[int(v) - 1].casefold() for v in got] == \
            [" ".join(a.split()).casefold() for a in answers]
    if numeric and offset and len(set(points)) > 1:
        assert "recode values" in result.report or result.items[0] != "Q1"
