"""The workbook's theme: the fast template route draws exactly what the validated one draws."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.subplots import make_subplots

from diagnostics.plots.theme import COLORS, TEMPLATE, apply_theme


def _validated(fig: go.Figure, **kwargs: object) -> go.Figure:
    """The theme set through plotly's validated route (what ``apply_theme`` did before)."""
    fig.update_layout(template=TEMPLATE)
    apply_theme(fig, **kwargs)
    fig.update_layout(template=TEMPLATE)
    return fig


def _figures() -> dict[str, go.Figure]:
    sub = make_subplots(rows=2, cols=1)
    sub.add_scatter(x=[1, 2], y=[3, 4], row=1, col=1)
    sub.add_bar(x=["a", "b"], y=[1, 2], row=2, col=1)
    return {"bar": go.Figure(go.Bar(x=["a", "b"], y=[1, 2])),
            "heatmap": go.Figure(go.Heatmap(z=[[1, 2], [3, 4]])),
            "subplots": sub,
            "empty": go.Figure()}


@pytest.mark.parametrize("name", list(_figures()))
@pytest.mark.parametrize("title", [None, "A title"])
def test_fast_template_draws_the_same_figure(name: str, title: str | None) -> None:
    fast = apply_theme(_figures()[name], title=title, height=400)
    slow = _validated(_figures()[name], title=title, height=400)
    assert json.loads(fast.to_json()) == json.loads(slow.to_json())
    assert fast.layout.template.layout.plot_bgcolor == "white"
    assert list(fast.layout.colorway) == list(COLORS)


def test_figures_do_not_share_the_registered_template() -> None:
    before = pio.templates[TEMPLATE].to_plotly_json()
    one = apply_theme(go.Figure(go.Bar(x=["a"], y=[1])))
    two = apply_theme(go.Figure(go.Bar(x=["a"], y=[1])))
    one.layout.template.layout.font.size = 40
    assert two.layout.template.layout.font.size != 40
    assert pio.templates[TEMPLATE].to_plotly_json() == before
