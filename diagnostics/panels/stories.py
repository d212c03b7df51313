"""Panels of the stories notebook: themes by direction (the main panel), resonance, quotes."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from ..errors import InsufficientDataError
from ..stories import StoryThemes, fit_story_model, story_themes
from ..words import count, plural
from ..workbook import Workbook
from .ahead import Ahead, neighbours
from .common import absent, absent_from, guarded_callback, redraw, show_figure, with_help

__all__ = ["themes_panel", "theme_count_panel", "resonance_panel", "quotes_html"]

_NO_STORIES = ("Story themes need stories.csv in the data folder (story_id, text and "
               "direction: top-down or bottom-up; author_id for resonance by group).")


def quotes_html(result: StoryThemes, *, limit: int = 300) -> str:
    """Example quotes per theme and direction, escaped (story text is data, never markup).

    Only theme-direction cells that passed the free-text minimum of the privacy guard hold
    quotes; the others are named as withheld.
    """
    parts = []
    for (theme, name), part in result.quotes.groupby(["theme", "name"], sort=True):
        items = []
        for r in part.drop_duplicates("text").itertuples():
            text = r.text if len(r.text) <= limit else r.text[: limit - 3] + "..."
            items.append(f"<li><span style='color:#666'>[{html.escape(r.direction)}]</span> "
                         f"&ldquo;{html.escape(text)}&rdquo;</li>")
        parts.append(f"<p><b>{int(theme)}. {html.escape(str(name))}</b></p><ul>{''.join(items)}</ul>")
    if not parts:
        parts.append("<p><i>No quotes can be shown: no theme has enough authors.</i></p>")
    withheld = [s for s in result.suppressed if s.dimension.startswith("story theme")]
    if withheld:
        parts.append(f"<p><i>Quotes withheld for {len(withheld)} theme and direction "
                     f"{plural(len(withheld), 'combination')} with fewer authors than the free-text minimum.</i></p>")
    return "".join(parts)


def _summary(result: StoryThemes) -> str:
    if not np.isfinite(result.overlap):
        return "<i>Stories from one direction only: no overlap to compute.</i>"
    low, high = result.overlap_ci
    return (f"Overlap of top-down and bottom-up theme mixes: <b>{result.overlap:.2f}</b> "
            f"(95% CI {low:.2f}-{high:.2f}; 1 = the same mix, 0 = no theme in common); "
            f"{100 * result.intersection:.0f}% of the mix is shared. "
            f"{result.n_themes} themes ({html.escape(result.chosen_by)}).")


@with_help
def themes_panel(workbook: Workbook) -> widgets.VBox:
    """Themes by direction; the number of themes is the main control.

    The returned box carries ``main_control`` (the slider), ``main_figure`` and ``result``.
    """
    if workbook.stories is None:
        return absent(_NO_STORIES)
    try:
        model = fit_story_model(workbook.stories)
        first = story_themes(workbook, model=model)
    except InsufficientDataError as err:
        return absent(f"Story themes need more stories: {err}")
    top = int(model.selection["k"].max())
    count = widgets.IntSlider(value=first.n_themes, min=2, max=top, step=1,
                              description="Themes", continuous_update=False,
                              description_tooltip=("Number of story themes; the default "
                                                   f"({first.n_themes}) is the elbow of the "
                                                   "reconstruction error"))
    count.add_class("cdw-main-control")
    fig = show_figure(first.figure())
    fig.add_class("cdw-main-figure")
    summary = widgets.HTML(_summary(first))
    quotes = widgets.HTML(quotes_html(first))
    out = widgets.Output()
    # each number of themes: its themes, figure and texts, kept, and computed ahead for the
    # neighbouring numbers (the model is fitted once; each number costs a bootstrap)
    def compute(k: int) -> tuple[StoryThemes, go.Figure, str, str]:
        result = first if k == first.n_themes else story_themes(workbook, model=model, n_themes=k)
        return result, result.figure(), _summary(result), quotes_html(result)

    results: Ahead[int, tuple[StoryThemes, go.Figure, str, str]] = Ahead(compute)
    values = list(range(count.min, count.max + 1))

    def render() -> None:
        k = int(count.value)
        result, figure, summary_html, quotes_text = results.get(k)
        redraw(fig, figure)
        summary.value = summary_html
        quotes.value = quotes_text
        box.result = result  # type: ignore[attr-defined]
        out.clear_output()
        results.ahead(neighbours(values, k))

    count.observe(guarded_callback(out, render), names="value")
    box = widgets.VBox([count, fig, summary,
                        widgets.HTML("<h4>Example quotes (through the free-text guard)</h4>"),
                        quotes, out])
    box.main_control = count  # type: ignore[attr-defined]
    box.main_figure = fig  # type: ignore[attr-defined]
    box.result = first  # type: ignore[attr-defined]
    box.ahead = results  # type: ignore[attr-defined]
    results.ahead(neighbours(values, first.n_themes))
    return box


def theme_count_panel(themes: widgets.VBox) -> widgets.Widget:
    """How the number of themes was chosen (the reconstruction error by number of themes)."""
    empty = absent_from(themes)
    if empty is not None:
        return empty
    return show_figure(themes.result.figures()["theme_count"])  # type: ignore[attr-defined]


@with_help
def resonance_panel(workbook: Workbook, n_themes: int | None = None) -> widgets.VBox:
    """Which themes each group of authors tells, by an attribute of the authors."""
    if workbook.stories is None:
        return absent(_NO_STORIES)
    if "author_id" not in workbook.stories:
        return absent("Resonance needs the authors of the stories: an author_id column in "
                      "stories.csv.")
    if not workbook.attributes:
        return absent("Resonance needs an attribute of the authors (a column of survey.csv "
                      "such as department) to group them by.")
    try:
        model = fit_story_model(workbook.stories)
    except InsufficientDataError as err:
        return absent(f"Resonance needs more stories: {err}")
    by = widgets.Dropdown(options=list(workbook.attributes),
                          value="department" if "department" in workbook.attributes
                          else workbook.attributes[0],
                          description="Authors by",
                          description_tooltip="Attribute of the story authors to group by")
    from ..plots.stories import resonance_figure

    fig = show_figure()
    note = widgets.HTML()
    out = widgets.Output()

    def render() -> None:
        result = story_themes(workbook, model=model, n_themes=n_themes, by=by.value,
                              quotes_per_theme=0)
        if result.resonance.empty:
            redraw(fig, go.Figure())
            note.value = "<i>No group of authors is large enough to show.</i>"
        else:
            redraw(fig, resonance_figure(result))
            hidden = [s for s in result.suppressed if s.dimension.startswith("authors")]
            note.value = (f"<i>{count(len(hidden), 'group')} withheld by the privacy guard.</i>"
                          if hidden else "")
        out.clear_output()

    by.observe(guarded_callback(out, render), names="value")
    render()
    return widgets.VBox([by, fig, note, out])
