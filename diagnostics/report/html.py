"""The report as one self-contained HTML page (and the page the PDF is printed from).

plotly.js is inlined once in the page's head; each chart is an empty ``div`` followed by
its figure as JSON, and a small loader draws the charts one after the other once the page
has loaded, so that the text shows at once even with dense network drawings. Nothing is
fetched: no CDN, no web fonts, no MathJax.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
import pandas as pd

from .content import Report

__all__ = ["render_html", "TableView", "table_view", "INLINE_ROWS"]

#: Tables up to this many rows are shown in full in the page; longer ones in part.
INLINE_ROWS = 25
_SHOWN_OF_LONG = 8
#: The PDF prints tables up to this many rows; longer ones are named (they are in the Excel).
PDF_ROWS = 12
#: Height of a chart whose figure sets none (pixels; plotly's default is 450).
DEFAULT_HEIGHT = 460
#: plotly.js options for every chart: no link to plotly's cloud, no logo.
CHART_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True,
                                "showSendToCloud": False}


@dataclass(frozen=True)
class TableView:
    """The part of a table shown in the page, as text."""

    columns: list[str]
    rows: list[list[str]]
    n: int
    more: int


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value == int(value) and abs(value) < 1e15:
            return f"{int(value)}"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3f}"
    return str(value)


def table_view(frame: pd.DataFrame, *, limit: int = INLINE_ROWS, partial: bool = True) -> TableView:
    """The rows of ``frame`` to show in a page: all when short, the first few when long
    (none when not ``partial``).

    Examples
    --------
    >>> import pandas as pd
    >>> v = table_view(pd.DataFrame({"group": ["A", "B"], "mean": [3.14159, None]}))
    >>> v.rows
    [['A', '3.14'], ['B', '']]
    """
    n = len(frame)
    shown = frame if n <= limit else frame.head(_SHOWN_OF_LONG if partial else 0)
    rows = [[_cell(v.item() if hasattr(v, "item") else v) for v in row]
            for row in shown.itertuples(index=False, name=None)]
    return TableView([str(c) for c in frame.columns], rows, n, n - len(shown))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("diagnostics", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js, as bundled with the installed plotly (no network)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def chart_div(figure: dict[str, Any], div_id: str) -> str:
    """One chart: an empty ``div`` and its figure as JSON, drawn by the page's loader.

    The JSON is plotly's own encoding, with ``<``, ``>`` and ``/`` written as ``\\u`` escapes,
    so no text from the data can close the script element.
    """
    from plotly.io.json import to_json_plotly

    layout = figure.get("layout") or {}
    height = int(layout.get("height") or DEFAULT_HEIGHT)
    payload = to_json_plotly({"data": figure.get("data") or [], "layout": layout,
                              "config": CHART_CONFIG})
    return (f'<div id="{div_id}" class="chart-slot" style="height:{height}px;width:100%"></div>'
            f'<script type="application/json" class="chart-data" data-target="{div_id}">'
            f"{payload}</script>")


def render_html(report: Report, *, pdf: bool = False,
                images: Mapping[str, str] | None = None) -> str:
    """The report page.

    Parameters
    ----------
    report
        The report's content.
    pdf
        Render the print version: charts as the image files in ``images`` (figure id to
        file name), paged contents, no plotly.js.
    images
        Figure id to image file, for ``pdf``.
    """
    from .._version import __version__

    charts: dict[str, str] = {}
    if not pdf:
        charts = {f.id: chart_div(f.safe, f"{f.id}-plot") for f in report.figures}
    tables = {t.sheet: (table_view(t.frame, limit=PDF_ROWS, partial=False) if pdf
                        else table_view(t.frame)) for t in report.tables}
    template = _environment().get_template("report.html.j2")
    return template.render(report=report, pdf=pdf, charts=charts, images=images or {},
                           tables=tables, plotlyjs="" if pdf else plotly_js(),
                           version=__version__)
