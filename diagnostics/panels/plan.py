"""Panel of the plan notebook: the movement plan for the next sprint, and the revisit."""

from __future__ import annotations

import html
from collections.abc import Mapping

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ..errors import DiagnosticsError
from ..plan import MovementPlan, movement_plan, revisit_plan
from ..plots.plan import engage_figure, focus_figure, revisit_figure
from ..results import DiagnosticResult
from ..runner import RunOptions, run_all
from ..workbook import Workbook
from .ahead import Ahead, neighbours
from .common import guarded_callback, mark_main, redraw, show_figure, with_help
from .opening import step as opening_step

__all__ = ["plan_panel", "PLAN_INPUTS"]

#: The results the plan draws on (keys of the run), each a keyword of ``movement_plan``.
PLAN_INPUTS: Mapping[str, str] = {
    "hyper_connected": "hyper_connected", "backstage_leaders": "backstage_leaders",
    "tribes": "tribes", "segments": "segments", "non_negotiables": "non_negotiables",
    "tandems": "tandems",
}

_VIEWS = (("Where to focus: the weakest links", "focus"),
          ("Movement starters by tribe", "engage"),
          ("How the targeted links moved since the last wave", "revisit"))

_TABLE_HEADERS = {
    "focus": {"question": "Behaviour", "group": "Group", "attribute": "Grouped by",
              "adherence": "Act on it", "rest_adherence": "Rest of the organisation"},
    "engage": {"person": "Person", "role": "Role", "tribe": "Tribe", "why": "Why"},
    "frames": {"segment": "Segment", "share": "Share", "lead_with": "Lead with",
               "avoid": "Avoid", "where": "Most common in"},
    "initiatives": {"name": "Initiative", "kind": "What it needs", "why": "Why"},
    "track": {"indicator": "What to track", "group": "Group", "how": "Baseline and target"},
}


def _table(frame: pd.DataFrame, part: str) -> str:
    headers = _TABLE_HEADERS[part]
    if not len(frame):
        return "<p><i>Nothing here.</i></p>"
    shown = frame[[c for c in headers if c in frame.columns]].copy()
    for col in ("adherence", "rest_adherence", "share"):
        if col in shown:
            shown[col] = shown[col].map(lambda v: f"{v:.0%}")
    shown = shown.rename(columns=headers)
    return shown.to_html(index=False, escape=True, border=0, classes="cdw-table")


def _plan_html(plan: MovementPlan) -> str:
    parts = [f"<h4>The sprint: {plan.sprint_start:%d %B %Y} to {plan.resurvey:%d %B %Y}</h4>"]
    parts += [f"<p>{html.escape(f.headline)}</p>" for f in plan.findings()]
    for part, title in (("engage", "Who to engage"), ("frames", "How to frame it per segment"),
                        ("focus", "Which non-negotiable to work on where"),
                        ("initiatives", "Which initiatives to back"),
                        ("track", "What to track")):
        parts.append(f"<h4>{title}</h4>")
        if part in plan.reasons:
            parts.append(f"<p><i>{html.escape(plan.reasons[part])}</i></p>")
        parts.append(_table(getattr(plan, part), part))
    return "".join(parts)


def _inputs(results: Mapping[str, object]) -> dict[str, DiagnosticResult | None]:
    return {arg: r if isinstance(r := results.get(key), DiagnosticResult) else None
            for key, arg in PLAN_INPUTS.items()}


@with_help
def plan_panel(workbook: Workbook, *, names: bool = False) -> widgets.VBox:
    """The movement plan for the next sprint; the view is the main control.

    Runs the diagnostics the plan draws on (the step running shows while it opens), then shows the plan's
    parts; with two waves, the revisit of the plan made on the earlier wave.
    The returned box carries ``main_control``, ``main_figure`` and ``result``.
    """
    keys = list(PLAN_INPUTS)

    def step(title: str) -> None:  # shown while the panel opens (panels.opening)
        opening_step(title)

    results = run_all(workbook, RunOptions(), only=keys, on_step=step).ran()
    try:
        plan = movement_plan(workbook, names=names, **_inputs(results))  # type: ignore[arg-type]
    except DiagnosticsError as err:
        empty = widgets.VBox([widgets.HTML(f"<i>No plan can be made from this data folder: "
                                           f"{html.escape(str(err))}</i>")])
        empty.result = None
        return empty
    views = [v for v in _VIEWS if v[1] != "revisit" or len(workbook.waves) >= 2]
    view = widgets.Dropdown(options=views, value="focus", description="Show",
                            layout=widgets.Layout(width="60%"),
                            tooltip="Which part of the plan the chart shows: the weakest links "
                                    "to work on, the movement starters per tribe, or (with two "
                                    "waves) how the links the last plan targeted moved")
    fig = show_figure(focus_figure(plan))
    text = widgets.HTML(_plan_html(plan))
    out = widgets.Output()
    # each view's figure, kept; the other views are drawn ahead while the page is idle
    def figure(shown: str) -> go.Figure:
        if shown == "focus":
            return focus_figure(plan)
        if shown == "engage":
            return engage_figure(plan)
        try:
            revisit = revisit_plan(workbook, earlier=workbook.waves[-2], later=workbook.waves[-1])
        except DiagnosticsError as err:
            raise DiagnosticsError(f"The revisit could not be made: {err}") from err
        return revisit_figure(revisit)

    figures: Ahead[str, go.Figure] = Ahead(figure)
    view_names = [v for _, v in views]

    def render() -> None:
        redraw(fig, figures.get(view.value))
        figures.ahead(neighbours(view_names, view.value, reach=len(view_names)))

    view.observe(guarded_callback(out, render), names="value")
    box = widgets.VBox([view, fig, out, text])
    box.result = plan
    box.ahead = figures
    figures.ahead(neighbours(view_names, view.value, reach=len(view_names)))
    return mark_main(box, view, fig)
