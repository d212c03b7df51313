"""Panels of the frames notebook: construct reliability, and motivational segments with their frames."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from ..errors import DiagnosticsError
from ..plots import segments as seg_plots
from ..plots.reliability import alpha_figure, item_rest_figure
from ..reliability import MISSING_POLICIES, construct_reliability
from ..segments import K_RANGE, LOW_CERTAINTY, Segmentation, SegmentSearch, search_segments
from ..words import count
from ..workbook import KINDS, Workbook
from .common import error_box, guarded_callback, redraw, show_figure, with_help

__all__ = ["reliability_panel", "segments_panel", "SegmentCache"]


def _notes_html(result: Any) -> str:
    parts = [f"<li>{html.escape(n)}</li>" for n in result.notes]
    parts += [f"<li style='color:#b03a2e'><b>Warning:</b> {html.escape(w)}</li>"
              for w in result.warnings]
    if result.suppressed:
        parts.append(f"<li>{count(len(result.suppressed), 'group figure')} withheld by the privacy "
                     "guard.</li>")
    return f"<ul style='margin:4px 0'>{''.join(parts)}</ul>" if parts else ""


@with_help
def reliability_panel(workbook: Workbook) -> widgets.VBox:
    """Cronbach's alpha per construct and how each item fits (pick kinds and missing policy)."""
    kinds = [k for k in KINDS if workbook.constructs(k)]
    kind = widgets.Dropdown(options=[("all kinds", "")] + [(k, k) for k in kinds], value="",
                            description="Items",
                            tooltip="Which kinds of items to check (motivation first)")
    missing = widgets.ToggleButtons(
        options=list(MISSING_POLICIES), value="listwise", description="Missing",
        tooltips=["respondents who answered every item of the construct",
                  "respondents with two thirds answered; pairwise covariances"])
    alpha_fig = show_figure()
    items_fig = show_figure()
    notes = widgets.HTML()
    out = widgets.Output()

    def render() -> None:
        out.clear_output()
        result = construct_reliability(workbook, kinds=None if not kind.value else
                                       [kind.value], missing=missing.value)
        redraw(alpha_fig, alpha_figure(result))
        redraw(items_fig, item_rest_figure(result))
        notes.value = _notes_html(result)

    callback = guarded_callback(out, render)
    kind.observe(callback, names="value")
    missing.observe(callback, names="value")
    try:
        render()
    except DiagnosticsError as err:
        return widgets.VBox([error_box(err)])
    return widgets.VBox([widgets.HBox([kind, missing]), notes, alpha_fig, items_fig, out])


def _default_attribute(workbook: Workbook) -> str | None:
    if "department" in workbook.attributes:
        return "department"
    return workbook.attributes[0] if workbook.attributes else None


class SegmentCache:
    """The fitted searches of one workbook, by (use, method), each with every k built.

    Fitting (all k, bootstrap resamples, the unclustered reference) happens once per
    (use, method); changing the number of segments or the grouping then only redraws.
    """

    def __init__(self, workbook: Workbook, *, seed: int = 0) -> None:
        self.workbook = workbook
        self.seed = seed
        self._searches: dict[tuple[str, str], SegmentSearch] = {}
        self._figures: dict[tuple[Any, ...], go.Figure] = {}

    def search(self, use: str, method: str, *, progress: bool = False) -> SegmentSearch:
        key = (use, method)
        if key not in self._searches:
            found = search_segments(self.workbook, use=use, method=method,
                                    seed=self.seed, progress=progress)
            self._searches[key] = found
            attribute = _default_attribute(self.workbook)
            for k in (None, *found.ks):  # build every k now: a change of k only redraws
                self.figure(use, method, k, "profile", "constructs")
                for name in ("sizes", "criteria", "projection"):
                    self.figure(use, method, k, name)
                if attribute is not None:
                    self.figure(use, method, k, "spread", attribute)
        return self._searches[key]

    def get(self, use: str, method: str, k: int | None, *,
            progress: bool = False) -> Segmentation:
        return self.search(use, method, progress=progress).segmentation(k)

    def figure(self, use: str, method: str, k: int | None, name: str,
               option: str | None = None) -> go.Figure:
        """A figure of one segmentation, built once: ``profile`` (option: level),
        ``criteria``, ``sizes``, ``spread`` (option: attribute) or ``projection``."""
        key = (use, method, k, name, option)
        if key not in self._figures:
            result = self.get(use, method, k)
            if name == "profile":
                fig = seg_plots.profile_figure(result, level=option or "constructs")
            elif name == "spread":
                fig = seg_plots.spread_figure(result, str(option))
            else:
                fig = getattr(seg_plots, f"{name}_figure")(result)
            self._figures[key] = fig
        return self._figures[key]


def _summary_html(result: Segmentation) -> str:
    head = f"<p><b>{html.escape(result.choice)}</b></p>"
    if result.k > 1:
        rows = "".join(
            f"<tr><td><b>{html.escape(r.segment)}</b></td><td>{r.share:.0%} "
            f"<small>({r.share_low:.0%}-{r.share_high:.0%})</small></td>"
            f"<td>{html.escape(r.lead_with)}</td><td>{html.escape(r.avoid)}</td>"
            f"<td>{r.uncertain}</td></tr>"
            for r in result.segments.itertuples())
        head += ("<table style='border-collapse:collapse' cellpadding='4'><tr>"
                 "<th align='left'>segment</th><th align='left'>share (95% CI)</th>"
                 "<th align='left'>lead with</th><th align='left'>avoid</th>"
                 f"<th align='left'>between segments (certainty &lt; {LOW_CERTAINTY})</th>"
                 f"</tr>{rows}</table>")
    shared = result.shared_ground[result.shared_ground["shared"]]
    if not shared.empty:
        head += ("<p><b>Shared ground</b> (rated high by every segment): "
                 + "; ".join(html.escape(f"{r.item}: {r.label}") for r in shared.itertuples())
                 + "</p>")
    elif not result.shared_ground.empty:
        best = result.shared_ground.iloc[0]
        head += ("<p><b>Shared ground:</b> no motivation is rated high by every segment; the "
                 f"nearest is {html.escape(str(best['item']))}: "
                 f"{html.escape(str(best['label']))} (lowest segment mean "
                 f"{best['lowest']:.1f}).</p>")
    return head + _notes_html(result)


@with_help
def segments_panel(workbook: Workbook, *, cache: SegmentCache | None = None,
                   progress: bool = True) -> widgets.VBox:
    """Motivational segments: criteria by k, profiles, sizes, where they sit, a 2-D view.

    The number of segments is the main control (``auto``: the criteria choose). The box
    keeps the cache of fitted searches as ``box.cache``.
    """
    cache = cache or SegmentCache(workbook)
    use = widgets.ToggleButtons(options=[("items", "items"), ("constructs", "constructs")],
                                value="items", description="Cluster on",
                                tooltips=["the standardised motivation items",
                                          "the standardised construct scores"])
    method = widgets.Dropdown(options=[("k-means", "kmeans"), ("Gaussian mixture", "gmm")],
                              value="kmeans", description="Method",
                              tooltip="k-means, or a Gaussian mixture (with each person's "
                                      "posterior probability)")
    k = widgets.Dropdown(options=[("auto (criteria choose)", 0)]  # 0: auto (None shows empty)
                         + [(str(x), x) for x in K_RANGE], value=0,
                         description="Segments",
                         tooltip="Number of segments: auto lets silhouette, BIC and stability "
                                 "choose (and says when there are none)")
    k.add_class("cdw-main-control")
    level = widgets.ToggleButtons(options=["constructs", "items"], value="constructs",
                                  description="Profile by",
                                  tooltips=["z-score per construct", "z-score per item"])
    by = widgets.Dropdown(options=list(workbook.attributes) or ["(none)"],
                          value=_default_attribute(workbook) or "(none)",
                          description="Group by",
                          tooltip="Attribute for the segment x group view (small groups "
                                  "withheld)")
    criteria_fig = show_figure()
    profile_fig = show_figure()
    profile_fig.add_class("cdw-main-figure")
    sizes_fig = show_figure()
    spread_fig = show_figure()
    projection_fig = show_figure()
    summary = widgets.HTML()
    out = widgets.Output()

    def current() -> Segmentation:
        with out:
            return cache.get(use.value, method.value, k.value or None, progress=progress)

    def figure(name: str, option: str | None = None) -> go.Figure:
        return cache.figure(use.value, method.value, k.value or None, name, option)

    def render_spread() -> None:
        if by.value in workbook.attributes:
            redraw(spread_fig, figure("spread", by.value))

    def render() -> None:
        result = current()
        out.clear_output()
        redraw(profile_fig, figure("profile", level.value))  # the main figure first
        summary.value = _summary_html(result)
        redraw(sizes_fig, figure("sizes"))
        render_spread()
        redraw(criteria_fig, figure("criteria"))
        redraw(projection_fig, figure("projection"))

    def render_profile() -> None:
        redraw(profile_fig, figure("profile", level.value))

    callback = guarded_callback(out, render)
    for control in (use, method, k):
        control.observe(callback, names="value")
    level.observe(guarded_callback(out, render_profile), names="value")
    by.observe(guarded_callback(out, render_spread), names="value")
    try:
        render()
    except DiagnosticsError as err:
        return widgets.VBox([error_box(err)])
    controls = widgets.VBox([widgets.HBox([use, method]), widgets.HBox([k, level]), by])
    box = widgets.VBox([controls, summary, profile_fig, criteria_fig, sizes_fig, spread_fig,
                        projection_fig, out])
    box.main_control = k  # type: ignore[attr-defined]
    box.main_figure = profile_fig  # type: ignore[attr-defined]
    box.cache = cache  # type: ignore[attr-defined]
    return box
