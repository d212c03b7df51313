"""The workbook's look: one palette and layout for notebook and report figures alike."""

from __future__ import annotations

import plotly.graph_objects as go

__all__ = ["COLORS", "SEQUENTIAL", "DIVERGING", "apply_theme", "REFERENCE_LINE", "TEMPLATE",
           "wrap_title", "TITLE_WIDTH"]

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


def apply_theme(fig: go.Figure, *, title: str | None = None, height: int | None = None) -> go.Figure:
    """Apply the workbook's layout to ``fig`` (in place) and return it.

    Examples
    --------
    >>> fig = apply_theme(go.Figure(go.Bar(x=["a"], y=[1])), title="One bar")
    >>> fig.layout.title.text, fig.layout.template.layout.plot_bgcolor
    ('One bar', 'white')
    """
    _set_template(fig)
    lines = wrap_title(title).count("<br>") + 1 if title else 0
    fig.update_layout(
        colorway=list(COLORS),
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 13},
        margin={"l": 60, "r": 30, "t": 60 + 22 * (lines - 1) if title else 30, "b": 80},
        # at the bottom edge of the whole figure, so it never covers the x-axis title
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0.01},
    )
    if title is not None:
        fig.update_layout(title={"text": wrap_title(title), "x": 0.01})
    if height is not None:
        fig.update_layout(height=height)
    return fig
