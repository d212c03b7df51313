"""Every notebook runs end to end on the sample, is committed without outputs, and stays thin."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Constructs that make a cell hold logic that belongs in the library.
_LOGIC = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.While, ast.Lambda,
          ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)


def _ids() -> list[str]:
    return [p.name for p in NOTEBOOKS]


def test_there_are_notebooks() -> None:
    assert (ROOT / "notebooks" / "00_start_here.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids())
def test_committed_without_outputs_and_thin(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown", "the first cell explains what the notebook answers"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not cell.get("outputs"), f"{path.name}: commit notebooks without outputs"
        tree = ast.parse(cell.source)
        logic = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, _LOGIC)]
        assert not logic, f"{path.name}: logic in a cell ({logic}) belongs in diagnostics/"
        calls = [n.func.attr for n in ast.walk(tree)
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
        assert "groupby" not in calls, f"{path.name}: a groupby in a cell belongs in diagnostics/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids())
def test_notebook_runs_end_to_end(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert shown, f"{path.name} showed nothing"
    text = str(shown)
    assert "Traceback" not in text and "Something unexpected went wrong" not in text
