"""The shared panel pieces: figure views, main-panel marks, errors in the page, the data folder."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest

from diagnostics import DataError, load
from diagnostics.panels import FigureView, default_folder, mark_main, redraw, show_figure
from diagnostics.panels.common import DATA_ENV, error_box, guarded_callback
from diagnostics.panels.overview import distribution_panel, participation_panel, validation_panel


def _shown(view: FigureView) -> dict:
    """What the page draws: the JSON the view sends (parsed as plotly.js parses it)."""
    return view.spec


def test_figure_view_draws_and_redraws_in_place() -> None:
    view = show_figure(go.Figure(go.Bar(x=["a"], y=[1], name="first")))
    assert _shown(view)["data"][0]["name"] == "first"
    redraw(view, go.Figure([go.Bar(x=["a", "b"], y=[3, 4], name="second"), go.Scatter(y=[1])]))
    shown = _shown(view)
    assert [t["name"] for t in shown["data"][:1]] == ["second"] and len(shown["data"]) == 2
    assert [t.type for t in view.data] == ["bar", "scatter"]


def test_figure_view_sends_plotly_js_once_asked() -> None:
    """The page asks for the bundled plotly.js (offline); the view answers with the file."""
    import plotly

    from diagnostics.panels.live import plotly_bundle

    view = show_figure(go.Figure(go.Bar(y=[1])))
    sent: list = []
    view.send = lambda content, buffers=None: sent.append((content, buffers))  # type: ignore[method-assign]
    view._handle_custom_msg({"type": "something else"}, [])
    assert sent == []
    view._handle_custom_msg({"type": "plotly-bundle"}, [])
    ((content, (bundle,)),) = sent
    assert content == {"type": "plotly-bundle"}
    assert bundle.startswith(b"/**\n* plotly.js v") and len(bundle) > 1_000_000
    assert bundle == plotly_bundle() and b"window.Plotly = Plotly" in bundle
    assert "cdn" not in view._esm.lower() and "Plotly.react" in view._esm
    assert plotly.__version__  # the bundle is the one shipped with this plotly


def test_redraw_still_accepts_a_figure_widget() -> None:
    widget = go.FigureWidget(go.Figure(go.Bar(y=[1])))
    redraw(widget, go.Figure(go.Scatter(y=[5, 6], name="new")))
    assert [t.name for t in widget.data] == ["new"]


def test_mark_main_sets_classes_and_attributes() -> None:
    import ipywidgets as widgets

    control, view = widgets.Dropdown(options=["a", "b"]), FigureView()
    box = mark_main(widgets.VBox([control, view]), control, view)
    assert "cdw-main-control" in control._dom_classes
    assert "cdw-main-figure" in view._dom_classes
    assert box.main_control is control and box.main_figure is view


def test_distribution_panel_main_control_changes_the_figure(wb) -> None:
    box = distribution_panel(wb)
    before = _shown(box.main_figure)["data"]
    box.main_control.value = wb.items[3]
    after = _shown(box.main_figure)["data"]
    assert after != before
    assert box.main_figure.figure.layout.title.text.startswith(wb.items[3])


def test_split_by_shows_the_whole_organisation_by_default(wb) -> None:
    box = distribution_panel(wb)
    split = box.children[0].children[1]
    assert split.value == "" and split.label == "whole organisation"
    split.value = "department"
    groups = {g for t in _shown(box.main_figure)["data"] for g in t["y"]}
    assert "Legal" not in groups and len(groups) > 1  # Legal (3 people) is withheld


def test_every_control_has_a_label_and_help(wb) -> None:
    import ipywidgets as widgets

    boxes = [validation_panel(), participation_panel(wb), distribution_panel(wb)]
    todo, controls = list(boxes), []
    while todo:
        w = todo.pop()
        todo.extend(getattr(w, "children", ()))
        if isinstance(w, widgets.ValueWidget) and not isinstance(w, widgets.HTML):
            controls.append(w)
    assert len(controls) >= 5
    for c in controls:
        assert c.description and c.tooltip, f"{type(c).__name__} {c.description!r} lacks help"
        if isinstance(c, widgets.Dropdown | widgets.Text):  # their tooltip alone is not shown
            assert f"title='{c.tooltip}'" in c.description


def test_errors_show_in_the_page_not_as_tracebacks() -> None:
    import ipywidgets as widgets

    out = widgets.Output()

    state = {"fail": True}

    def render() -> None:
        if state["fail"]:
            raise ValueError("boom")

    callback = guarded_callback(out, render)
    callback()
    (shown,) = out.outputs
    assert "cdw-error" in str(shown["data"]) and "boom" in str(shown["data"])
    state["fail"] = False
    callback()
    assert out.outputs == (), "a fixed error disappears"
    assert "Something unexpected went wrong" in error_box(ValueError("x")).value
    known = error_box(DataError([]))
    assert "Traceback" not in known.value and "cdw-error" in known._dom_classes


def test_data_errors_render_without_traceback_in_notebooks(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load(tmp_path / "missing")
    lines = info.value._render_traceback_()
    assert len(lines) == 1 and "DataError" in lines[0] and "is not a folder" in lines[0]


def test_default_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.delenv(DATA_ENV, raising=False)
    assert default_folder().name == "sample"
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    assert default_folder() == tmp_path
    assert validation_panel().children[0].children[0].value == str(tmp_path)


def test_a_panel_without_enough_data_says_what_it_needs() -> None:
    import ipywidgets as widgets

    from diagnostics.errors import InsufficientDataError
    from diagnostics.panels import absent_from, with_help

    @with_help
    def panel(workbook: object) -> widgets.VBox:
        raise InsufficientDataError("the codebook has no behaviour items")

    @with_help
    def follower(box: widgets.VBox) -> widgets.VBox:
        raise AssertionError("not called on a panel without data")

    box = panel(object())
    assert box.result is None and "no behaviour items" in box.absent
    assert "no behaviour items" in box.children[0].value
    after = follower(box)
    assert after.result is None and after.absent == box.absent
    assert absent_from(widgets.VBox()) is None  # a plain box is not a panel without data


def test_the_folder_is_read_once_while_its_files_do_not_change(tmp_path: Path) -> None:
    """The start cell and the validation panel share one check; a changed file is read again."""
    import shutil

    from diagnostics.panels import start
    from diagnostics.panels.common import checked

    folder = tmp_path / "data"
    shutil.copytree(Path(__file__).parent / "fixtures" / "valid", folder)
    wb = start(folder)
    assert validation_panel(folder).workbook is wb
    assert checked(folder) is checked(folder)
    before = checked(folder)
    survey = folder / "survey.csv"
    survey.write_text(survey.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = checked(folder)
    assert after is not before and after.ok
    (folder / "codebook.csv").unlink()
    with pytest.raises(DataError):
        start(folder)
