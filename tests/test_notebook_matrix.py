"""Every notebook and the report on valid folders that lack something (see ``folder_matrix``).

The notebooks of one folder run in one kernel, one after the other (each starts with its own
``panels.start()``), so that the matrix costs one kernel start per folder. A cell fails the
test when it shows an error output, a traceback or the "Something unexpected" box; a panel
whose data are absent must say what it needs instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from folder_matrix import FOLDERS, make_folder
from nbclient import NotebookClient

from diagnostics.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Report formats per folder: Excel only where whole sections are absent.
XLSX_TOO: dict[str, tuple[str, ...]] = {"survey only": ("html", "xlsx"),
                                        "network only": ("html", "xlsx")}


def _combined(folder: Path) -> tuple[nbformat.NotebookNode, list[tuple[str, str]]]:
    """All notebooks' code cells in one notebook, on ``folder``; each cell's (notebook, source)."""
    cells = [nbformat.v4.new_code_cell(
        f"import os\nos.environ['CULTURE_DIAGNOSTICS_DATA'] = {str(folder)!r}")]
    origin = [("setup", "")]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cells.append(nbformat.v4.new_code_cell(cell.source))
                origin.append((path.name, cell.source))
    return nbformat.v4.new_notebook(cells=cells), origin


def _problems(nb: nbformat.NotebookNode, origin: list[tuple[str, str]]) -> list[str]:
    found = []
    for cell, (name, source) in zip(nb.cells, origin, strict=True):
        for out in cell.get("outputs", []):
            text = json.dumps(out)
            if out.get("output_type") == "error":
                found.append(f"{name}: `{source.splitlines()[-1]}` raised "
                             f"{out.get('ename')}: {out.get('evalue')}")
            elif "Traceback" in text or "Something unexpected went wrong" in text:
                found.append(f"{name}: `{source.splitlines()[-1]}` shows a traceback: "
                             f"{text[:300]}")
    return found


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("matrix")
    return {kind: make_folder(kind, base / kind.replace(" ", "_")) for kind in FOLDERS}


@pytest.mark.timeout(1800)  # every notebook in one kernel; measured 625 s beside the browser tests
@pytest.mark.parametrize("kind", FOLDERS)
def test_every_notebook_runs_without_a_traceback(folders: dict[str, Path], kind: str) -> None:
    nb, origin = _combined(folders[kind])
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()
    problems = _problems(nb, origin)
    assert not problems, f"{kind}:\n" + "\n".join(problems)


@pytest.mark.parametrize("kind", FOLDERS)
def test_the_report_is_written(folders: dict[str, Path], kind: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """``culture-diagnostics report`` succeeds on each folder.

    The Excel file is written only where sections are absent (its sheets then differ from the
    sample's, which ``test_report`` covers); "30 people" has every section, so HTML suffices.
    """
    out = tmp_path / "report"
    formats = XLSX_TOO.get(kind, ("html",))
    code = main(["report", str(folders[kind]), "--out", str(out), "--format", ",".join(formats),
                 "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, f"{kind}: {captured.err[-2000:]}"
    assert "Traceback" not in captured.err
    assert {f".{f}" for f in formats} <= {p.suffix for p in out.iterdir()}
