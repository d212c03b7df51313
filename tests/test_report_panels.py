"""One render path: the notebook panels and the report show the same figures, number for number."""

from __future__ import annotations

import base64
import importlib
import json
import math
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from conftest import SAMPLE
from diagnostics import RunOptions, load, run_all
from diagnostics.panels.common import FigureView
from diagnostics.report.html import render_html
from diagnostics.report.sanitize import escape_markup

#: Notebook panels whose first view is a figure of the report: (panel module, function,
#: report section, figure name).
PANELS = [
    ("overview", "participation_panel", "who_answered", "department"),
    ("movement", "tandem_panel", "tandems", "tandems"),
    ("movement", "ladder_panel", "activism", "ladder"),
    ("network", "reach_panel", "reach_to_top", "reach"),
    ("stories", "themes_panel", "stories", "themes"),
    ("behaviours", "non_negotiables_panel", "non_negotiables", "heatmap department"),
]


@pytest.fixture(scope="module")
def panel():
    from diagnostics.panels.report import report_panel

    results = run_all(load(SAMPLE), RunOptions(seed=0))
    return report_panel(results.workbook, results=results)


def _plain(value):
    """Nested lists of plain values; NaN as None (JSON writes NaN as null)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _numbers(value) -> list:
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            flat = flat.reshape([int(n) for n in str(value["shape"]).split(",")])
        return _plain(flat.tolist())
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return _plain(value.tolist() if hasattr(value, "tolist") else list(value))


def _traces(fig) -> list[dict]:
    """The numbers and labels of each trace, as plain lists."""
    if isinstance(fig, FigureView):
        fig = fig.figure
    data = fig["data"] if isinstance(fig, dict) else fig.to_dict()["data"]
    out = []
    for trace in data:
        out.append({axis: _numbers(trace.get(axis)) for axis in ("x", "y", "z", "values", "labels")
                    if trace.get(axis) is not None})
    return out


def _escaped(traces: list[dict]) -> list[dict]:
    def esc(v):
        if isinstance(v, list):
            return [esc(x) for x in v]
        return escape_markup(v) if isinstance(v, str) else v

    return [{k: esc(vs) for k, vs in t.items()} for t in traces]


def test_report_panel_figures_are_the_pages_charts(panel) -> None:
    """Every figure the report panel shows is, number for number, the chart in the HTML page."""
    page = render_html(panel.report)
    ids = [v for _label, v in panel.main_control.options]
    assert ids == [f.id for f in panel.report.figures] and len(ids) >= 10
    for label, fig_id in panel.main_control.options:
        panel.main_control.value = fig_id
        match = re.search(r'class="chart-data" data-figure="' + re.escape(fig_id) + r'">(.*?)</script>',
                          page, re.S)
        assert match is not None, label
        assert _escaped(_traces(panel.main_figure)) == _traces(json.loads(match.group(1))), label


@pytest.mark.parametrize(("module", "function", "section", "name"), PANELS,
                         ids=[f"{p[1]}" for p in PANELS])
def test_notebook_panels_draw_the_reports_figures(panel, module: str, function: str,
                                                  section: str, name: str) -> None:
    report = panel.report
    shown = next((f for f in report.figures if (f.section, f.name) == (section, name)), None)
    assert shown is not None, f"the report has no figure {name!r} in section {section!r}"
    box = getattr(importlib.import_module(f"diagnostics.panels.{module}"), function)(
        panel.report_workbook)
    widget = getattr(box, "main_figure", None)
    if widget is None:
        found: list[go.FigureWidget | FigureView] = []

        def walk(w) -> None:
            if isinstance(w, (go.FigureWidget, FigureView)):
                found.append(w)
            for child in getattr(w, "children", ()):
                walk(child)

        walk(box)
        widget = found[0]
    assert _traces(widget) == _traces(shown.figure)
