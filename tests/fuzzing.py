"""Mutations of a small data folder, shared by the fuzz test and ``python -m benchmarks fuzz``.

A case starts from ``tests/fixtures/valid/`` (every file kind: survey, codebook, network,
actions, initiatives, stories, workbook.toml) and applies one to three mutations: random
bytes in place of a file, bytes flipped, inserted or cut, a cell or a header replaced by an
awkward value, a row repeated or dropped, a column dropped, a settings line replaced, or the
survey turned into an .xlsx file (whose zip bytes may then be mutated too).

:func:`check` runs one case the way a user would meet it and raises ``AssertionError``
when the answer is anything but a result or a clear ``DataError``/``ConfigError``: an
exception of another kind, a traceback printed, a control character printed raw, or an
input file changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from diagnostics import DataError, run_all, validate
from diagnostics.cli import main
from diagnostics.errors import DiagnosticsError

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
TABLES = ("survey.csv", "codebook.csv", "network.csv", "actions.csv", "initiatives.csv",
          "stories.csv")
FILES = TABLES + ("workbook.toml", "survey.xlsx")

#: Awkward cell values: numbers in odd spellings, missing-value words, separators, quotes,
#: line ends, control and direction characters, formulas, ids of other files, long text.
NASTY: tuple[str, ...] = (
    "", " ", "NA", "nan", "NaN", "inf", "-inf", "1e999", "-0", "0x10", "1_000", "\uff11",
    "\u0663", "1,5", "3.", ".5", "5" * 400, '"', '""', '"a', ",", ";", "\t", "|", "\n", "\r",
    "\x00", "\x01", "\x1b[31m", "\x7f", "\x85", "\u202e", "\ufeff", "\u2028", "=1+2",
    "@SUM(A1)", "+1", "-1", "é", "\uff24epartment", "Department", "respondent_id", "wave",
    "item", "source", "2024", "2025", "2099", "R01", "R01.0", "R99", "1", "0", "10", "11",
    "True", "yes", "none", "null", "#N/A", "\\", "'", "\U0001f4a5", "a" * 5000, "top-down",
    "success", "motivation", "behaviour", "advice", "2025-13-45", "1900-01-01",
    "99999999999999999999",
)
#: Awkward values for a workbook.toml line.
TOML_LINES: tuple[str, ...] = (
    "min_group_size = 0", "min_group_size = -3", "min_group_size = 1e9", "min_group_size = \"5\"",
    "min_group_size = 99999999999999999999", "min_text_group_size = 1", "organisation = 5",
    "organisation = \"\\u0001\"", "organisation = \"\"", "leader_levels = [[[1]]]",
    "leader_levels = \"Manager\"", "[ladder]\nlike = \"hero\"", "[ladder]\n\"\" = \"activist\"",
    "[branding]\nlogo = \"/dev/zero\"", "[branding]\nlogo = \"../../etc/passwd.png\"",
    "[branding]\nprimary = \"red\"", "grassroots_threshold = -1", "grassroots_threshold = nan",
    "story_themes = 0", "story_themes = 10000", "x = " + "[" * 60 + "]" * 60,
    "[a.b.c.d.e.f.g.h.i.j]", "= 1", "organisation = \"\"\"", "ladder = 3", "branding = []",
)


@dataclass(frozen=True)
class Mutation:
    """One change to one file of the folder."""

    file: str
    op: str
    args: tuple = ()


def original_files() -> dict[str, bytes]:
    """The valid folder's files, by name."""
    return {p.name: p.read_bytes() for p in sorted(VALID.iterdir()) if p.is_file()}


def _csv_rows(data: bytes, errors: str = "surrogateescape") -> list[list[str]]:
    text = data.decode("utf-8", errors=errors)
    return [line.split(",") for line in text.split("\n") if line != ""]


def _csv_bytes(rows: list[list[str]]) -> bytes:
    text = "\n".join(",".join(row) for row in rows) + "\n"
    return text.encode("utf-8", errors="surrogateescape")


def _to_xlsx(data: bytes) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in _csv_rows(data, errors="replace"):
        try:
            sheet.append(row)
        except Exception:  # openpyxl refuses control characters: such cells are left out
            sheet.append([c if c.isprintable() else "" for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def apply(files: dict[str, bytes], mutations: list[Mutation]) -> dict[str, bytes]:
    """The folder's files after ``mutations`` (the input dict is not changed)."""
    files = dict(files)
    for m in mutations:
        if m.file == "survey.xlsx" and "survey.xlsx" not in files and "survey.csv" in files:
            files["survey.xlsx"] = _to_xlsx(files.pop("survey.csv"))
        name = m.file if m.file in files else None
        if name is None and m.op != "bytes":
            continue
        name = name or m.file
        data = files.get(name, b"")
        if m.op == "bytes":
            files[name] = m.args[0]
        elif m.op == "flip":
            buf = bytearray(data)
            for where, byte in m.args[0]:
                if buf:
                    buf[int(where * (len(buf) - 1))] = byte
            files[name] = bytes(buf)
        elif m.op == "insert":
            at = int(m.args[0] * len(data))
            files[name] = data[:at] + m.args[1] + data[at:]
        elif m.op == "truncate":
            files[name] = data[:int(m.args[0] * len(data))]
        elif m.op == "toml":
            lines = data.decode("utf-8", errors="replace").splitlines()
            at = int(m.args[0] * len(lines))
            lines[at:at + 1] = [m.args[1]]
            files[name] = ("\n".join(lines) + "\n").encode("utf-8")
        elif name.endswith(".csv"):
            rows = _csv_rows(data)
            if not rows:
                continue
            r = min(int(m.args[0] * len(rows)), len(rows) - 1)
            width = max(len(rows[r]), 1)
            c = min(int(m.args[1] * width), width - 1)
            if m.op == "cell" and len(rows) > 1:
                r = max(r, 1)
                rows[r] = rows[r] + [""] * (c + 1 - len(rows[r]))
                rows[r][c] = m.args[2]
            elif m.op == "header":
                rows[0] = rows[0] + [""] * (c + 1 - len(rows[0]))
                rows[0][c] = m.args[2]
            elif m.op == "dup_row":
                rows.insert(r, list(rows[r]))
            elif m.op == "drop_row":
                del rows[r]
            elif m.op == "drop_col":
                rows = [row[:c] + row[c + 1:] for row in rows]
            files[name] = _csv_bytes(rows)
    return files


_fraction = st.floats(0, 1, allow_nan=False)
_value = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))


def _mutation(file: str) -> st.SearchStrategy[Mutation]:
    raw = st.one_of(
        st.builds(lambda b: ("bytes", (b,)), st.binary(max_size=400)),
        st.builds(lambda f: ("flip", (tuple(f),)),
                  st.lists(st.tuples(_fraction, st.integers(0, 255)), min_size=1, max_size=8)),
        st.builds(lambda w, b: ("insert", (w, b)), _fraction, st.binary(min_size=1, max_size=16)),
        st.builds(lambda w: ("truncate", (w,)), _fraction),
    )
    if file == "workbook.toml":
        parts = st.one_of(raw, st.builds(lambda w, line: ("toml", (w, line)), _fraction,
                                         st.sampled_from(TOML_LINES)))
    elif file == "survey.xlsx":
        parts = st.one_of(st.just(("convert", ())), raw)
    else:
        cells = st.builds(lambda op, r, c, v: (op, (r, c, v)), st.sampled_from(["cell", "header"]),
                          _fraction, _fraction, _value)
        rows = st.builds(lambda op, r, c: (op, (r, c)),
                         st.sampled_from(["dup_row", "drop_row", "drop_col"]), _fraction, _fraction)
        parts = st.one_of(cells, cells, cells, rows, raw)
    return parts.map(lambda p: Mutation(file, p[0], p[1]))


#: One case: one to three mutations of files of any kind.
cases = st.lists(st.sampled_from(FILES).flatmap(_mutation), min_size=1, max_size=3)


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def check(files: dict[str, bytes], *, run: bool = False, cli: bool = True) -> str:
    """Validate (and with ``run``, run and export) one folder; returns how it ended.

    ``"refused"``: a clear DataError/ConfigError; ``"loaded"``: usable; ``"ran"``: usable and
    every diagnostic ran or was skipped with a reason, the JSON written and the Excel report.

    Raises
    ------
    AssertionError
        When the answer is not a result or a clear error (see the module's docstring).
    """
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        before = _hashes(folder)
        report = validate(folder)
        for problem in report.problems:
            shown = str(problem)
            assert not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in shown), repr(shown)
        workbook = report.workbook if report.ok else None
        outcome = "loaded" if workbook is not None else "refused"
        if workbook is None:  # what load() raises
            assert str(DataError(report.problems, folder=str(folder)))
        if cli:
            out, err_out = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err_out):
                code = main(["validate", str(folder)])
            printed = out.getvalue() + err_out.getvalue()
            assert code == (0 if report.ok else 2), (code, printed)
            assert "Traceback" not in printed
            assert not any(ord(ch) < 32 and ch not in "\n" for ch in printed), repr(printed)
        if run and workbook is not None:
            try:
                results = run_all(workbook)
                json.dumps(results.to_json(), allow_nan=False)
                from diagnostics.report import write_report

                write_report(results, Path(tmp) / "out", formats="html,xlsx")
                outcome = "ran"
            except DiagnosticsError as err:
                assert str(err)
                outcome = "refused"
        assert _hashes(folder) == before, "an input file was changed"
        shutil.rmtree(folder)
    return outcome
