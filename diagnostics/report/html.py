"""The report as one self-contained HTML page (and the page the PDF is printed from).

plotly.js is inlined once in the page's head; each chart is an empty ``div`` followed by
its figure as JSON, and a small loader draws the charts one after the other once the page
has loaded, so that the text shows at once even with dense network drawings. Nothing is
fetched: no CDN, no web fonts, no MathJax.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
import pandas as pd

from ..words import client_text, column_title
from .content import Report, figure_label
from .tables import PeopleTable, people_frame

__all__ = ["render_html", "TableView", "table_view", "INLINE_ROWS"]

#: Tables up to this many rows are shown in full in the page; longer ones in part.
INLINE_ROWS = 25
_SHOWN_OF_LONG = 8
#: The PDF prints tables up to this many rows; longer ones are named (they are in the Excel).
PDF_ROWS = 12
#: Tables with more columns than this are printed on a landscape page; with more than
#: ``PDF_COLUMNS`` only named (they are in the Excel workbook).
WIDE_COLUMNS = 7
PDF_COLUMNS = 14
#: Height of a chart whose figure sets none (pixels; plotly's default is 450).
DEFAULT_HEIGHT = 460
#: plotly.js options for every chart: no link to plotly's cloud, no logo.
CHART_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True,
                                "showSendToCloud": False}


@dataclass(frozen=True)
class TableView:
    """The part of a table shown in the page, as text, with client column names."""

    columns: list[str]
    rows: list[list[str]]
    n: int
    more: int
    numeric: list[bool] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        """Printed on a landscape page (more columns than a portrait page holds)."""
        return len(self.columns) > WIDE_COLUMNS


def _cell(value: Any, share: bool = False) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if share and isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ""
        digits = 1 if 0 < abs(value) < 0.1 else 0
        return f"{100 * value:.{digits}f}%"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value == int(value) and abs(value) < 1e15:
            return f"{int(value):,}" if abs(value) >= 10000 else f"{int(value)}"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        if abs(value) < 0.001:
            return f"{value:.1e}"
        return f"{value:.3f}"
    return str(value)


def table_view(frame: pd.DataFrame, *, limit: int = INLINE_ROWS, partial: bool = True,
               people: PeopleTable | None = None) -> TableView:
    """The rows of ``frame`` to show in a page (all when short, the first few when long, none
    when not ``partial``), for people: client column names, shares as percentages, question
    text instead of codes, bands in natural order.

    Examples
    --------
    >>> import pandas as pd
    >>> v = table_view(pd.DataFrame({"group": ["A", "B"], "mean": [3.14159, None],
    ...                              "share": [0.25, 0.5]}))
    >>> v.columns, v.rows
    (['Group', 'Mean', 'Share'], [['A', '3.14', '25%'], ['B', '', '50%']])
    """
    table = people if people is not None else people_frame(frame)
    shown_frame = table.frame
    n = len(shown_frame)
    shown = shown_frame if n <= limit else shown_frame.head(_SHOWN_OF_LONG if partial else 0)
    shares = [c in table.shares for c in shown_frame.columns]
    rows = [[_cell(v.item() if hasattr(v, "item") else v, s) for v, s in zip(row, shares, strict=True)]
            for row in shown.itertuples(index=False, name=None)]
    numeric = [pd.api.types.is_numeric_dtype(shown_frame[c]) and not pd.api.types.is_bool_dtype(shown_frame[c])
               for c in shown_frame.columns]
    return TableView([str(c) for c in shown_frame.columns], rows, n, n - len(shown), numeric)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("diagnostics", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["column_title"] = column_title
    env.globals["figure_label"] = figure_label
    env.filters["client"] = client_text
    return env


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js, as bundled with the installed plotly (no network)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


#: Figures with more marks than this are printed as a picture (a JPEG drawn by plotly.js at
#: twice the page's resolution) rather than as thousands of vector marks: the sample's network
#: views would otherwise be most of the PDF's size and printing time. (WebGL is not an
#: option: a page holds only a few WebGL contexts, and the print loses the rest.)
PRINT_PICTURE_MARKS = 300
#: The text width of an A4 page with 15 mm margins in CSS pixels (180 mm at 96 px per inch).
PAGE_WIDTH_PX = 680
#: A chart on a finding page taller than this (pixels) is scaled down to fit its page.
MAIN_HEIGHT = 560


def _points(values: Any) -> int:
    if isinstance(values, dict) and "bdata" in values:  # plotly's typed-array encoding
        size = int(str(values.get("dtype", "f8"))[-1] or 8)
        return len(values["bdata"]) * 3 // 4 // max(size, 1)
    return len(values) if hasattr(values, "__len__") else 0


def dense(figure: dict[str, Any]) -> bool:
    """Whether a figure has so many marks that it is printed as a picture."""
    marks = sum(_points(t.get("x")) for t in figure.get("data") or []
                if t.get("type", "scatter") in ("scatter", "scattergl")
                and "markers" in str(t.get("mode", "markers")))
    return marks > PRINT_PICTURE_MARKS


@dataclass(frozen=True)
class ChartPayload:
    """A chart for the page: its figure as JSON (drawn by the page's loader), its height, and
    whether the printed page shows it as a picture."""

    payload: str
    height: int
    picture: bool = False


def chart_payload(figure: dict[str, Any], *, static: bool = False) -> ChartPayload:
    """The figure as JSON for a ``script`` element, with ``<``, ``>`` and ``/`` written as
    ``\\u`` escapes (plotly's own encoding), so no text from the data can close the element.
    ``static``: a picture without hover or toolbar (the printed page).
    """
    from plotly.io.json import to_json_plotly

    layout = figure.get("layout") or {}
    height = int(layout.get("height") or DEFAULT_HEIGHT)
    config = {**CHART_CONFIG, "staticPlot": True} if static else CHART_CONFIG

    payload = to_json_plotly({"data": figure.get("data") or [], "layout": layout,
                              "config": config})
    return ChartPayload(payload, height, picture=static and dense(figure))


def render_html(report: Report, *, pdf: bool = False, plotly_src: str | None = None) -> str:
    """The report page.

    Parameters
    ----------
    report
        The report's content.
    pdf
        Render the print version (printed by chromium to PDF): A4 pages, static charts,
        tables open, wide tables on landscape pages.
    plotly_src
        Load plotly.js from this address (a file beside the page) instead of inlining it:
        the printing browser then compiles it once, before the page is ready.
    """
    from .._version import __version__

    charts = {f.id: chart_payload(f.safe, static=pdf) for f in report.figures}
    tables = {}
    for t in report.tables:
        view = (table_view(t.frame, limit=PDF_ROWS, partial=False, people=t.people) if pdf
                else table_view(t.frame, people=t.people))
        if pdf and len(view.columns) > PDF_COLUMNS:
            view = TableView(view.columns, [], view.n, view.n, view.numeric)
        tables[t.sheet] = view
    template = _environment().get_template("report.html.j2")
    return template.render(report=report, pdf=pdf, charts=charts, tables=tables,
                           plotlyjs="" if plotly_src else plotly_js(), plotly_src=plotly_src,
                           version=__version__, main_height=MAIN_HEIGHT,
                           page_width=PAGE_WIDTH_PX)
