"""plotly figures as native PowerPoint charts, where PowerPoint has the chart type.

:func:`native_chart` reads a figure's traces generically: bar traces become column or bar
charts (clustered, stacked or 100% stacked, as the figure's ``barmode``), scatter traces
become line charts (text categories on x) or XY scatter charts (numbers on x), pie traces
pie or doughnut charts. Error bars, colours, axis titles and number formats carry over.
Anything else (heatmaps, histograms, bar and line mixed, network drawings, facets, bubble
sizes or colour scales) returns ``None`` and the deck shows the figure as an image.
What a native chart cannot draw (reference lines, annotations) is returned as caption text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .sanitize import plain_text

__all__ = ["ChartSpec", "SeriesSpec", "native_chart", "MAX_POINTS"]

#: Figures with more points than this are shown as images (a chart this dense is not edited).
MAX_POINTS = 1500
_LABELLED_POINTS = 60
_RGB = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)")


@dataclass
class SeriesSpec:
    """One series of a native chart."""

    name: str
    values: list[float | None]
    x: list[float] | None = None          # XY charts
    colour: str | None = None              # "RRGGBB"
    point_colours: list[str | None] | None = None
    line: bool = True
    markers: bool = True
    dash: bool = False
    plus: list[float] | None = None        # error bars
    minus: list[float] | None = None
    labels: list[str] | None = None        # per-point data labels


@dataclass
class ChartSpec:
    """Everything needed to draw a figure as a native chart."""

    kind: str                               # column, bar, line, xy, pie, doughnut
    grouping: str = "clustered"             # clustered, stacked, percent
    categories: list[str] = field(default_factory=list)
    series: list[SeriesSpec] = field(default_factory=list)
    title: str = ""
    x_title: str = ""
    y_title: str = ""
    number_format: str = "General"          # of the value axis
    x_number_format: str = "General"
    value_range: tuple[float | None, float | None] = (None, None)
    reverse_categories: bool = False
    legend: bool = True
    captions: list[str] = field(default_factory=list)

    @property
    def points(self) -> int:
        return sum(len(s.values) for s in self.series)


def colour(value: Any) -> str | None:
    """``RRGGBB`` from a plotly colour (``#rgb``, ``#rrggbb``, ``rgb()``, ``rgba()``), else None.

    Examples
    --------
    >>> colour("#0072B2"), colour("rgba(0, 114, 178, 0.5)"), colour("steelblue")
    ('0072B2', '0072B2', None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if re.fullmatch(r"#[0-9a-fA-F]{6}", text):
        return text[1:].upper()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", text):
        return "".join(c * 2 for c in text[1:]).upper()
    m = _RGB.match(text)
    if m:
        return "".join(f"{min(255, int(float(v))):02X}" for v in m.groups())
    return None


def number_format(tickformat: Any) -> str:
    """An Excel number format for a d3 tick format.

    Examples
    --------
    >>> [number_format(t) for t in [".0%", ".1%", ",.0f", ".2f", None]]
    ['0%', '0.0%', '#,##0', '0.00', 'General']
    """
    if not isinstance(tickformat, str) or not tickformat:
        return "General"
    m = re.fullmatch(r"(,)?\.(\d+)([%fr])?", tickformat.replace("~", ""))
    if not m:
        return "General"
    comma, digits, kind = m.groups()
    decimals = "." + "0" * int(digits) if int(digits) else ""
    base = ("#,##0" if comma else "0") + decimals
    return base + "%" if kind == "%" else base


def _array(value: Any) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict) and "bdata" in value:  # plotly's typed arrays (base64)
        import base64

        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value.get("dtype", "f8"))
        return flat.tolist()
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def _is_number(value: Any) -> bool:
    return not isinstance(value, (bool, str)) and _number(value) is not None


def _errors(trace: dict[str, Any], axis: str, values: list[float | None]
            ) -> tuple[list[float] | None, list[float] | None]:
    err = trace.get(f"error_{axis}")
    if not isinstance(err, dict) or err.get("visible") is False:
        return None, None
    kind = err.get("type", "data" if "array" in err else "percent")
    n = len(values)
    if kind == "data":
        plus = _array(err.get("array"))
        if plus is None:
            return None, None
        minus = plus if err.get("symmetric", "arrayminus" not in err) else _array(err.get("arrayminus"))
        minus = minus if minus is not None else plus
    elif kind == "constant":
        plus = [err.get("value", 0)] * n
        minus = plus if err.get("symmetric", True) else [err.get("valueminus", 0)] * n
    elif kind == "percent":
        pct = float(err.get("value", 10)) / 100
        plus = minus = [abs(v or 0) * pct for v in values]
    else:
        return None, None

    def clean(xs: list[Any]) -> list[float]:
        return [(_number(v) or 0.0) for v in (list(xs) + [0.0] * n)[:n]]

    return clean(plus), clean(minus)


def _axis_title(layout: dict[str, Any], name: str) -> str:
    axis = layout.get(name) or {}
    title = axis.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    return plain_text(str(title)) if title else ""


def _captions(layout: dict[str, Any], fmt: str) -> list[str]:
    notes: list[str] = []
    for shape in layout.get("shapes") or []:
        if shape.get("type") != "line":
            continue
        y0, y1, x0, x1 = (shape.get(k) for k in ("y0", "y1", "x0", "x1"))
        if y0 is not None and y0 == y1 and shape.get("yref", "y") != "paper":
            notes.append(f"reference line at {_fmt(y0, fmt)}")
        elif x0 is not None and x0 == x1 and shape.get("xref", "x") != "paper":
            notes.append(f"reference line at {_fmt(x0, fmt)}")
    for note in layout.get("annotations") or []:
        text = note.get("text")
        if text:
            notes.append(plain_text(str(text)).replace("\n", " "))
    return notes


def _fmt(value: Any, fmt: str) -> str:
    v = _number(value)
    if v is None:
        return str(value)
    if fmt.endswith("%"):
        return f"{v:.0%}" if "." not in fmt else f"{v:.1%}"
    return f"{v:.3g}"


def _trace_colour(trace: dict[str, Any], index: int, colorway: list[str]) -> tuple[str | None, list[str | None] | None]:
    marker = trace.get("marker") or {}
    line = trace.get("line") or {}
    value = marker.get("color", line.get("color"))
    if isinstance(value, str):
        return colour(value), None
    arr = _array(value)
    if arr is not None:
        if all(isinstance(c, str) for c in arr):
            return None, [colour(c) for c in arr]
        return None, None  # numbers on a colour scale: handled by the caller
    return (colour(colorway[index % len(colorway)]) if colorway else None), None


def _unsupported_marker(trace: dict[str, Any]) -> bool:
    marker = trace.get("marker") or {}
    color = _array(marker.get("color"))
    if color is not None and not all(isinstance(c, str) for c in color):
        return True
    size = _array(marker.get("size"))
    return size is not None and len({_number(s) for s in size}) > 1


def native_chart(fig: Any) -> ChartSpec | None:
    """The native chart for ``fig`` (a plotly Figure or its dict), or ``None`` for an image.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> fig = go.Figure([go.Bar(x=["A", "B"], y=[0.5, 0.7], name="2025")])
    >>> spec = native_chart(fig.update_layout(yaxis_tickformat=".0%"))
    >>> spec.kind, spec.categories, spec.series[0].values, spec.number_format
    ('column', ['A', 'B'], [0.5, 0.7], '0%')
    >>> native_chart(go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))) is None
    True
    """
    data = fig if isinstance(fig, dict) else fig.to_dict()
    layout = data.get("layout") or {}
    traces = [t for t in data.get("data") or [] if t.get("visible", True) not in (False, "legendonly")]
    if not traces:
        return None
    types = {t.get("type", "scatter") for t in traces}
    if any(t.get("xaxis", "x") != "x" or t.get("yaxis", "y") != "y" for t in traces):
        return None
    colorway = list(layout.get("colorway") or (layout.get("template") or {}).get("layout", {}).get("colorway") or [])
    if types == {"bar"}:
        spec = _bars(traces, layout, colorway)
    elif types <= {"scatter", "scattergl"}:
        spec = _scatters(traces, layout, colorway)
    elif types == {"pie"} and len(traces) == 1:
        spec = _pie(traces[0], layout, colorway)
    else:
        return None
    if spec is None or spec.points == 0 or spec.points > MAX_POINTS:
        return None
    title = (layout.get("title") or {}).get("text") if isinstance(layout.get("title"), dict) else layout.get("title")
    spec.title = plain_text(str(title)).replace("\n", " ") if title else ""
    spec.captions = _captions(layout, spec.number_format)
    if any(s.name == "reference line" for s in spec.series):  # drawn: no need to say them
        spec.captions = [c for c in spec.captions if not c.startswith("reference line at")]
    spec.legend = (len(spec.series) > 1 or spec.kind in ("pie", "doughnut")) and layout.get("showlegend", True) is not False
    if spec.kind == "xy":
        # LibreOffice leaves out every XY series before the one with the most points (the
        # engine and hidden influencers of the passion map were not drawn): the longest
        # first, the rest in their order (reference lines, with two points, come last)
        spec.series.sort(key=lambda s: -len(s.values))
    return spec


def _categories(traces: list[dict[str, Any]], axis: str, layout: dict[str, Any]) -> list[Any]:
    axis_layout = layout.get(f"{axis}axis") or {}
    order = _array(axis_layout.get("categoryarray"))
    seen: dict[Any, None] = {}
    if order and axis_layout.get("categoryorder", "array") == "array":
        for c in order:
            seen.setdefault(c, None)
    for t in traces:
        for c in _array(t.get(axis)) or []:
            seen.setdefault(c, None)
    return list(seen)


def _bars(traces: list[dict[str, Any]], layout: dict[str, Any], colorway: list[str]) -> ChartSpec | None:
    orientations = {t.get("orientation", "v") for t in traces}
    if len(orientations) != 1:
        return None
    horizontal = orientations == {"h"}
    cat_axis, val_axis = ("y", "x") if horizontal else ("x", "y")
    if any(_unsupported_marker(t) or t.get("base") is not None for t in traces):
        return None
    categories = _categories(traces, cat_axis, layout)
    if not categories:
        return None
    barmode = layout.get("barmode", "group")
    grouping = {"stack": "stacked", "relative": "stacked"}.get(barmode, "clustered")
    if grouping == "stacked" and layout.get("barnorm") in ("percent", "fraction"):
        grouping = "percent"
    val_layout = layout.get(f"{val_axis}axis") or {}
    spec = ChartSpec(kind="bar" if horizontal else "column", grouping=grouping,
                     categories=[plain_text(str(c)) for c in categories],
                     x_title=_axis_title(layout, f"{cat_axis}axis"),
                     y_title=_axis_title(layout, f"{val_axis}axis"),
                     number_format=number_format(val_layout.get("tickformat")),
                     reverse_categories=(layout.get(f"{cat_axis}axis") or {}).get("autorange") == "reversed")
    rng = _array(val_layout.get("range"))
    if rng and len(rng) == 2:
        spec.value_range = (_number(rng[0]), _number(rng[1]))
    index = {c: i for i, c in enumerate(categories)}
    for k, t in enumerate(traces):
        cats = _array(t.get(cat_axis)) or []
        vals = _array(t.get(val_axis)) or []
        values: list[float | None] = [None] * len(categories)
        point_source: list[int] = [-1] * len(categories)
        for j, (c, v) in enumerate(zip(cats, vals, strict=False)):
            values[index[c]] = _number(v)
            point_source[index[c]] = j
        solid, per_point = _trace_colour(t, k, colorway)
        series = SeriesSpec(name=plain_text(str(t.get("name") or f"series {k + 1}")), values=values,
                            colour=solid)
        if per_point is not None:
            series.point_colours = [per_point[j] if 0 <= j < len(per_point) else None for j in point_source]
        plus, minus = _errors(t, val_axis, [_number(v) for v in vals])
        if plus is not None and minus is not None:
            series.plus = [plus[j] if j >= 0 else 0.0 for j in point_source]
            series.minus = [minus[j] if j >= 0 else 0.0 for j in point_source]
        texts = _array(t.get("text"))
        if texts and t.get("textposition") != "none" and len(categories) <= _LABELLED_POINTS:
            series.labels = [plain_text(str(texts[j])) if 0 <= j < len(texts) and texts[j] is not None else ""
                             for j in point_source]
        spec.series.append(series)
    return spec


def _has_gaps(values: list[Any]) -> bool:
    return any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values)


def _scatters(traces: list[dict[str, Any]], layout: dict[str, Any], colorway: list[str]) -> ChartSpec | None:
    xs: list[Any] = [_array(t.get("x")) for t in traces]
    ys: list[Any] = [_array(t.get("y")) for t in traces]
    if any(x is None or y is None or len(x) != len(y) for x, y in zip(xs, ys, strict=True)):
        return None
    if any(_unsupported_marker(t) or t.get("fill") not in (None, "none") for t in traces):
        return None
    numeric_x = all(_is_number(v) for x in xs for v in x if v is not None)
    if not all(_is_number(v) for y in ys for v in y if v is not None):
        return None  # text on y (dot plots by group): an image keeps their reading
    lined = [("lines" in t.get("mode", "lines+markers")) for t in traces]
    if any(lined[i] and _has_gaps(xs[i]) for i in range(len(traces))):
        return None  # a drawing (e.g. network edges), not a series
    y_layout = layout.get("yaxis") or {}
    x_layout = layout.get("xaxis") or {}
    spec = ChartSpec(kind="xy" if numeric_x else "line",
                     x_title=_axis_title(layout, "xaxis"), y_title=_axis_title(layout, "yaxis"),
                     number_format=number_format(y_layout.get("tickformat")),
                     x_number_format=number_format(x_layout.get("tickformat")))
    rng = _array(y_layout.get("range"))
    if rng and len(rng) == 2:
        spec.value_range = (_number(rng[0]), _number(rng[1]))
    if not numeric_x:
        categories = _categories(traces, "x", layout)
        spec.categories = [plain_text(str(c)) for c in categories]
        index = {c: i for i, c in enumerate(categories)}
    for k, t in enumerate(traces):
        mode = t.get("mode", "lines+markers" if len(xs[k]) < 20 else "lines")
        solid, per_point = _trace_colour(t, k, colorway)
        dash = ((t.get("line") or {}).get("dash") or "solid") not in ("solid", None)
        series = SeriesSpec(name=plain_text(str(t.get("name") or f"series {k + 1}")), values=[],
                            colour=solid or (per_point[0] if per_point else None),
                            line="lines" in mode, markers="markers" in mode or "lines" not in mode,
                            dash=dash)
        yvals = [_number(v) for v in ys[k]]
        plus, minus = _errors(t, "y", yvals)
        texts = _array(t.get("text")) if "text" in mode else None
        if numeric_x:
            pairs = [(float(x), y, j) for j, (x, y) in enumerate(zip(xs[k], yvals, strict=True))
                     if _number(x) is not None and y is not None]
            series.x = [p[0] for p in pairs]
            series.values = [p[1] for p in pairs]
            keep = [p[2] for p in pairs]
        else:
            series.values = [None] * len(spec.categories)
            keep = [-1] * len(spec.categories)
            for j, (x, y) in enumerate(zip(xs[k], yvals, strict=True)):
                series.values[index[x]] = y
                keep[index[x]] = j
        if plus is not None and minus is not None:
            series.plus = [plus[j] if j >= 0 else 0.0 for j in keep]
            series.minus = [minus[j] if j >= 0 else 0.0 for j in keep]
        if texts:
            if len(keep) > _LABELLED_POINTS:
                return None  # too many labelled points to keep readable
            series.labels = [plain_text(str(texts[j])) if 0 <= j < len(texts) and texts[j] is not None else ""
                             for j in keep]
        spec.series.append(series)
    if numeric_x:
        spec.series.extend(_reference_series(layout, spec.series))
    return spec


def _reference_series(layout: dict[str, Any], series: list[SeriesSpec]) -> list[SeriesSpec]:
    """Vertical and horizontal reference lines of the figure as two-point line series (an XY
    chart has no other way to draw them)."""
    xs = [v for s in series for v in (s.x or []) if v is not None]
    ys = [v for s in series for v in s.values if v is not None]
    if not xs or not ys:
        return []
    out: list[SeriesSpec] = []
    for shape in layout.get("shapes") or []:
        if shape.get("type") != "line":
            continue
        x0, x1, y0, y1 = (_number(shape.get(k)) for k in ("x0", "x1", "y0", "y1"))
        xref, yref = str(shape.get("xref", "x")), str(shape.get("yref", "y"))
        if x0 is not None and x0 == x1 and xref == "x":
            px, py = [x0, x0], [min(ys), max(ys)]
        elif y0 is not None and y0 == y1 and yref == "y":
            px, py = [min(xs), max(xs)], [y0, y0]
        else:
            continue
        tint = colour((shape.get("line") or {}).get("color")) or "888888"
        values: list[float | None] = list(py)
        out.append(SeriesSpec(name="reference line", values=values, x=px, colour=tint,
                              line=True, markers=False, dash=True))
    return out


def _pie(trace: dict[str, Any], layout: dict[str, Any], colorway: list[str]) -> ChartSpec | None:
    labels = _array(trace.get("labels"))
    values = _array(trace.get("values"))
    if not labels or not values or len(labels) != len(values):
        return None
    marker = trace.get("marker") or {}
    colours = _array(marker.get("colors"))
    hole = _number(trace.get("hole")) or 0
    series = SeriesSpec(name=plain_text(str(trace.get("name") or "")), values=[_number(v) for v in values])
    series.point_colours = ([colour(c) for c in colours] if colours else
                            [colour(colorway[i % len(colorway)]) for i in range(len(values))] if colorway else None)
    return ChartSpec(kind="doughnut" if hole > 0 else "pie", categories=[plain_text(str(c)) for c in labels],
                     series=[series], number_format="0%")
