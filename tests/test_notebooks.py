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


class _Recording(NotebookClient):
    """Keeps every message the kernel sends while cells run (updates of a display too)."""

    seen: list[dict]

    def process_message(self, msg, cell, cell_index):  # type: ignore[no-untyped-def]
        self.seen.append(msg)
        return super().process_message(msg, cell, cell_index)


def test_a_slow_panel_shows_progress_while_it_opens() -> None:
    """A panel taking over 2 s shows a progress bar and the seconds, then leaves nothing."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import time\nimport ipywidgets as w\nfrom diagnostics.panels import with_help\n"
        "from diagnostics.panels.opening import step\n"
        "@with_help\ndef slow_panel():\n"
        "    step('reading', total=2)\n    time.sleep(2.5)\n    step('drawing', total=2)\n"
        "    return w.VBox([w.Label('ready')])\n"
        "slow_panel()")]
    client = _Recording(nb, timeout=120, kernel_name="python3",
                        resources={"metadata": {"path": str(ROOT)}})
    client.seen = []
    client.execute()
    shown = [m["content"]["data"].get("text/html", "") for m in client.seen
             if m["header"]["msg_type"] in ("display_data", "update_display_data")]
    assert shown[0].startswith("<div class='cdw-opening'><progress>")
    assert "Opening the slow panel... 0 s" in shown[0]
    assert any('<progress value="1" max="2">' in s and "... 2 s; reading" in s for s in shown)
    assert shown[-1] == "", "the progress disappears once the panel is there"
    (cell,) = nb.cells
    assert [o["output_type"] for o in cell.outputs] == ["display_data", "execute_result"]
    assert cell.outputs[0]["data"]["text/html"] == ""
