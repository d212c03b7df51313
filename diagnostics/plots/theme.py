"""The workbook's look: one palette and layout for notebook and report figures alike."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

__all__ = ["COLORS", "SEQUENTIAL", "DIVERGING", "apply_theme", "REFERENCE_LINE", "TEMPLATE",
           "wrap_title", "TITLE_WIDTH", "themed_figure", "theme_layout", "reference_hline"]

#: Categorical palette (colour-blind safe, Okabe-Ito order).
COLORS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
                           "#F0E442", "#000000", "#999999", "#882255")
SEQUENTIAL = "Blues"
DIVERGING = "RdBu"
#: Style of reference lines for claimed or external figures (e.g. the seeds' 78%).
REFERENCE_LINE = {"dash": "dot", "color": "#555555", "width": 1.5}


#: The plotly template under the workbook's layout.
TEMPLATE = "plotly_white"


def _set_template(fig: go.Figure) -> None:
    """Give ``fig`` the registered template without validating it again.

    Assigning ``template="plotly_white"`` deep-copies and validates the whole template
    (about 20 ms, most of a simple figure's cost, which a panel pays on every redraw). The
    registered template is valid already, so it is set the way plotly sets its default
    template on a new figure: with validation off for that one assignment.
    """
    import plotly.io as pio

    layout = fig.layout
    if not getattr(fig, "_allow_disable_validation", False) or not hasattr(layout, "_validate"):
        fig.update_layout(template=TEMPLATE)  # plotly changed: the validated route
        return
    layout._validate = False
    try:
        layout.template = pio.templates[TEMPLATE]
    finally:
        layout._validate = True


#: Characters of a title line: a longer title is cut on the report's 680-pixel page.
TITLE_WIDTH = 70


def wrap_title(title: str, width: int = TITLE_WIDTH) -> str:
    """``title`` broken into lines of at most ``width`` characters at spaces (plotly's ``<br>``).

    Examples
    --------
    >>> wrap_title("Short")
    'Short'
    >>> wrap_title("Initiative success: grassroots support x leadership sponsor (tandem vs rest)", 40)
    'Initiative success: grassroots support x<br>leadership sponsor (tandem vs rest)'
    """
    if len(title) <= width or "<br>" in title:
        return title
    import textwrap

    return "<br>".join(textwrap.wrap(title, width, break_long_words=False,
                                     break_on_hyphens=False))


def theme_layout(*, title: str | None = None, height: int | None = None) -> dict[str, Any]:
    """The layout :func:`apply_theme` sets (template aside), as plain plotly JSON.

    Examples
    --------
    >>> theme_layout(title="One bar")["title"]
    {'text': 'One bar', 'x': 0.01}
    >>> theme_layout()["margin"]["t"], "title" in theme_layout()
    (30, False)
    """
    lines = wrap_title(title).count("<br>") + 1 if title else 0
    layout: dict[str, Any] = {
        "colorway": list(COLORS),
        "font": {"family": "DejaVu Sans, Arial, sans-serif", "size": 13},
        "margin": {"l": 60, "r": 30, "t": 60 + 22 * (lines - 1) if title else 30, "b": 80},
        # at the bottom edge of the whole figure, so it never covers the x-axis title
        "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom",
                   "x": 0.01},
    }
    if title is not None:
        layout["title"] = {"text": wrap_title(title), "x": 0.01}
    if height is not None:
        layout["height"] = height
    return layout


def reference_hline(y: float, text: str) -> dict[str, Any]:
    """Layout of a horizontal reference line at ``y`` across the plot, ``text`` on its left end.

    What ``fig.add_hline(y=y, line=REFERENCE_LINE, annotation_text=text,
    annotation_position="top left")`` adds, as plain plotly JSON (``shapes`` and
    ``annotations``) for :func:`themed_figure`.

    Examples
    --------
    >>> reference_hline(0.78, "claimed")["shapes"][0]["xref"]
    'x domain'
    """
    return {"shapes": [{"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y,
                        "yref": "y", "line": dict(REFERENCE_LINE)}],
            "annotations": [{"showarrow": False, "text": text, "x": 0, "xanchor": "left",
                             "xref": "x domain", "y": y, "yanchor": "bottom", "yref": "y"}]}


def _merged(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """``base`` updated by ``update`` as ``update_layout`` does: nested objects merged."""
    out = dict(base)
    for key, value in update.items():
        old = out.get(key)
        out[key] = (_merged(old, value) if isinstance(old, dict) and isinstance(value, dict)
                    else value)
    return out


def themed_figure(data: list[dict[str, Any]], layout: dict[str, Any] | None = None, *,
                  title: str | None = None, height: int | None = None) -> go.Figure:
    """A figure of the workbook's look from plain plotly JSON: traces ``data`` and ``layout``.

    The same figure as ``apply_theme(go.Figure(data, layout), title=..., height=...)``, built
    without plotly's property-by-property validation, which costs a few milliseconds per
    trace and per layout update (most of a simple figure's time, paid again on every redraw
    of a panel). The caller gives valid plotly JSON with arrays as numpy arrays or lists
    (``tests/test_figures_fast.py`` checks each figure built so against plotly's validated
    route). Once built, the figure validates later changes as any figure does.

    Examples
    --------
    >>> fig = themed_figure([{"type": "bar", "x": ["a"], "y": [1]}],
    ...                     {"xaxis": {"title": {"text": "letter"}}}, title="One bar")
    >>> fig.layout.title.text, fig.layout.xaxis.title.text, fig.data[0].type
    ('One bar', 'letter', 'bar')
    """
    full = _merged(layout or {}, theme_layout(title=title, height=height))
    fig = go.Figure({"data": data, "layout": full}, _validate=False)
    for part in (fig, fig.layout, *fig.data):
        part._validate = True
    _set_template(fig)
    return fig


def apply_theme(fig: go.Figure, *, title: str | None = None, height: int | None = None) -> go.Figure:
    """Apply the workbook's layout to ``fig`` (in place) and return it.

    Examples
    --------
    >>> fig = apply_theme(go.Figure(go.Bar(x=["a"], y=[1])), title="One bar")
    >>> fig.layout.title.text, fig.layout.template.layout.plot_bgcolor
    ('One bar', 'white')
    """
    _set_template(fig)
    fig.update_layout(theme_layout(title=title, height=height))
    return fig
