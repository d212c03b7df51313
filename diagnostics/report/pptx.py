"""The report as an editable 16:9 PowerPoint deck (python-pptx).

Title, executive summary, one slide per key finding, then every figure of every section;
charts are native PowerPoint charts wherever PowerPoint has the chart type (see
:mod:`.charts`), images otherwise. Each slide's speaker notes hold how its figure is
computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..words import count
from .charts import ChartSpec, SeriesSpec
from .content import KeyFinding, Report, ReportFigure, Section, figure_label

__all__ = ["write_pptx", "PptxInfo", "SLIDE_WIDTH_IN", "SLIDE_HEIGHT_IN"]

SLIDE_WIDTH_IN = 13.333
SLIDE_HEIGHT_IN = 7.5
_MARGIN = 0.5
_FONT = "DejaVu Sans"



def _text_only_chart_data() -> tuple[type, type]:
    """python-pptx's category and XY chart data, writing the chart's embedded workbook with
    every text as a text cell.

    Each native chart carries a small Excel workbook (PowerPoint's "Edit data"). python-pptx
    writes it with XlsxWriter, whose ``write`` turns a text starting with ``=`` into a live
    formula and a text that looks like a web address into a link: a department called
    ``=HYPERLINK(...)`` would become one. Here the workbook is opened with those conversions
    off, so labels and series names are stored as the text they are.
    """
    global _CHART_DATA
    if _CHART_DATA is not None:
        return _CHART_DATA
    from contextlib import contextmanager
    from functools import cached_property

    import xlsxwriter
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter

    def text_only(writer: type) -> type:
        class TextOnlyWriter(writer):  # type: ignore[valid-type, misc]
            @contextmanager
            def _open_worksheet(self, xlsx_file: Any) -> Any:
                book = xlsxwriter.Workbook(xlsx_file, {
                    "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False})
                sheet = book.add_worksheet()
                yield book, sheet
                book.close()
        return TextOnlyWriter

    category_writer, xy_writer = text_only(CategoryWorkbookWriter), text_only(XyWorkbookWriter)

    class TextCategoryChartData(CategoryChartData):  # type: ignore[misc]
        @cached_property
        def _workbook_writer(self) -> Any:
            return category_writer(self)

    class TextXyChartData(XyChartData):  # type: ignore[misc]
        @cached_property
        def _workbook_writer(self) -> Any:
            return xy_writer(self)

    _CHART_DATA = (TextCategoryChartData, TextXyChartData)
    return _CHART_DATA


_CHART_DATA: tuple[type, type] | None = None


@dataclass(frozen=True)

class PptxInfo:
    """What was written: the file, the slides, and how many charts are native."""

    path: Path
    slides: int
    native_charts: int
    images: int


#: Parts that python-pptx names only through ``next_partname`` (one chart, its embedded
#: workbook and one notes page per slide).
_COUNTED_PARTS = ("/ppt/charts/chart", "/ppt/embeddings/Microsoft_Excel_Sheet",
                  "/ppt/notesSlides/notesSlide")


def _count_partnames(package: Any) -> None:
    """Name the deck's new charts, workbooks and notes pages from a running set.

    python-pptx's ``next_partname`` walks every part of the package for each new part, so a
    deck of 50 charts and 90 slides took seconds (quadratic). The same names come from a set
    of the names taken so far, per kind of part (the same rule: the highest free number up
    to one more than the names taken).
    """
    from pptx.opc.packuri import PackURI

    original = package.next_partname
    taken: dict[str, set[str]] = {}

    def next_partname(tmpl: str) -> Any:
        prefix = tmpl[: (tmpl % 42).find("42")]
        if not prefix.startswith(_COUNTED_PARTS):
            return original(tmpl)
        if prefix not in taken:
            taken[prefix] = {str(p.partname) for p in package.iter_parts()
                             if p.partname.startswith(prefix)}
        names = taken[prefix]
        for n in range(len(names) + 1, 0, -1):
            candidate = tmpl % n
            if candidate not in names:
                names.add(candidate)
                return PackURI(candidate)
        return original(tmpl)  # pragma: no cover - as python-pptx: cannot happen

    package.next_partname = next_partname


class _Deck:
    def __init__(self, report: Report, images: Mapping[str, Path]) -> None:
        from pptx import Presentation
        from pptx.util import Inches

        self.report = report
        self.images = images
        self.prs = Presentation()
        _count_partnames(self.prs.part.package)
        self.prs.slide_width = Inches(SLIDE_WIDTH_IN)
        self.prs.slide_height = Inches(SLIDE_HEIGHT_IN)
        self.native = 0
        self.pictures = 0
        self.specs: dict[str, ChartSpec | None] = {}

    # ------------------------------------------------------------ basics
    def rgb(self, hex_colour: str) -> Any:
        from pptx.dml.color import RGBColor

        return RGBColor.from_string(hex_colour.lstrip("#").upper())

    def slide(self, title: str, *, notes: str = "") -> Any:
        from pptx.util import Inches, Pt

        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])  # title only
        shape = slide.shapes.title
        shape.left, shape.top = Inches(_MARGIN), Inches(0.3)
        shape.width, shape.height = Inches(SLIDE_WIDTH_IN - 2 * _MARGIN - 1.2), Inches(0.95)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.text = title
        para = frame.paragraphs[0]
        para.alignment = 1  # left
        for run in para.runs:
            run.font.size = Pt(_title_size(title))
            run.font.bold = True
            run.font.name = _FONT
            run.font.color.rgb = self.rgb(self.report.branding.primary)
        bar = slide.shapes.add_shape(1, Inches(_MARGIN), Inches(1.27), Inches(1.6), Inches(0.06))
        bar.fill.solid()
        bar.fill.fore_color.rgb = self.rgb(self.report.branding.accent)
        bar.line.fill.background()
        self.logo(slide, small=True)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide

    def logo(self, slide: Any, *, small: bool) -> None:
        import io

        from pptx.util import Inches

        brand = self.report.branding
        if brand.logo is None or brand.logo_mime == "image/svg+xml":
            return
        height = Inches(0.55 if small else 1.0)
        try:
            pic = slide.shapes.add_picture(io.BytesIO(brand.logo), 0, Inches(0.3), height=height)
        except Exception:  # an unreadable logo never stops the deck
            return
        pic.left = int(self.prs.slide_width - pic.width - Inches(_MARGIN))

    def text(self, slide: Any, left: float, top: float, width: float, height: float,
             paragraphs: Sequence[tuple[str, int, bool, str | None]]) -> Any:
        """A text box; paragraphs are (text, size, bold, colour)."""
        from pptx.util import Inches, Pt

        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        for i, (text, size, bold, colour) in enumerate(paragraphs):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            run = para.add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.name = _FONT
            if colour:
                run.font.color.rgb = self.rgb(colour)
            para.space_after = Pt(6)
        return box

    # ------------------------------------------------------------ charts
    def spec(self, fig: ReportFigure) -> ChartSpec | None:
        if fig.id not in self.specs:
            self.specs[fig.id] = fig.native
        return self.specs[fig.id]

    def chart(self, slide: Any, fig: ReportFigure, left: float, top: float, width: float,
              height: float) -> list[str]:
        """Draw ``fig`` in the box; returns captions of what a native chart could not draw."""
        spec = self.spec(fig)
        if spec is not None:
            try:
                self._native(slide, spec, left, top, width, height)
                self.native += 1
                return spec.captions
            except (ValueError, KeyError, TypeError):
                pass  # an odd figure: fall back to its image
        image = self.images.get(fig.id)
        if image is None:
            self.text(slide, left, top, width, 1, [(f"{fig.title} (chart in the PDF report)", 14,
                                                    False, "555555")])
            return []
        self._picture(slide, image, left, top, width, height)
        self.pictures += 1
        return []

    def _picture(self, slide: Any, image: Path, left: float, top: float, width: float,
                 height: float) -> None:
        from PIL import Image
        from pptx.util import Inches

        with Image.open(image) as im:
            ratio = im.width / im.height
        w, h = width, width / ratio
        if h > height:
            w, h = height * ratio, height
        slide.shapes.add_picture(str(image), Inches(left + (width - w) / 2), Inches(top),
                                 Inches(w), Inches(h))

    def _native(self, slide: Any, spec: ChartSpec, left: float, top: float, width: float,
                height: float) -> None:
        from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
        from pptx.util import Inches, Pt

        kinds = {
            ("column", "clustered"): XL_CHART_TYPE.COLUMN_CLUSTERED,
            ("column", "stacked"): XL_CHART_TYPE.COLUMN_STACKED,
            ("column", "percent"): XL_CHART_TYPE.COLUMN_STACKED_100,
            ("bar", "clustered"): XL_CHART_TYPE.BAR_CLUSTERED,
            ("bar", "stacked"): XL_CHART_TYPE.BAR_STACKED,
            ("bar", "percent"): XL_CHART_TYPE.BAR_STACKED_100,
        }
        if spec.kind in ("column", "bar"):
            chart_type = kinds[(spec.kind, spec.grouping)]
        elif spec.kind == "line":
            chart_type = XL_CHART_TYPE.LINE_MARKERS
        elif spec.kind == "xy":
            chart_type = XL_CHART_TYPE.XY_SCATTER_LINES
        elif spec.kind == "pie":
            chart_type = XL_CHART_TYPE.PIE
        else:
            chart_type = XL_CHART_TYPE.DOUGHNUT
        CategoryChartData, XyChartData = _text_only_chart_data()  # noqa: N806
        if spec.kind == "xy":
            data: Any = XyChartData()
            for s in spec.series:
                series = data.add_series(s.name)
                for x, y in zip(s.x or [], s.values, strict=True):
                    series.add_data_point(x, y)
        else:
            data = CategoryChartData(number_format=spec.number_format)
            data.categories = spec.categories
            for s in spec.series:
                data.add_series(s.name, s.values)
        frame = slide.shapes.add_chart(chart_type, Inches(left), Inches(top), Inches(width),
                                       Inches(height), data)
        chart = frame.chart
        chart.font.size = Pt(12)
        chart.font.name = _FONT
        chart.has_title = bool(spec.title)
        if spec.title:
            chart.chart_title.text_frame.text = spec.title
            for para in chart.chart_title.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(14)
                    run.font.bold = True
        chart.has_legend = spec.legend
        if spec.legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        if spec.kind not in ("pie", "doughnut"):
            self._axes(chart, spec)
        plot = chart.plots[0]
        if spec.kind in ("column", "bar"):
            plot.gap_width = 60
            if spec.grouping != "clustered":
                plot.overlap = 100
        for s, series in zip(spec.series, plot.series, strict=True):
            self._style_series(spec, s, series)
        if spec.kind in ("pie", "doughnut"):
            plot.has_data_labels = True
            plot.data_labels.show_percentage = True
            plot.data_labels.show_value = False
            plot.data_labels.number_format = "0%"
            plot.data_labels.number_format_is_linked = False

    def _axes(self, chart: Any, spec: ChartSpec) -> None:
        from pptx.util import Pt

        value_axis = chart.value_axis
        value_axis.tick_labels.number_format = spec.number_format
        value_axis.tick_labels.number_format_is_linked = False
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = self.rgb("DDDDDD")
        low, high = spec.value_range
        if low is not None:
            value_axis.minimum_scale = low
        if high is not None:
            value_axis.maximum_scale = high
        category_axis = chart.category_axis
        if spec.kind == "xy":
            category_axis.tick_labels.number_format = spec.x_number_format
            category_axis.tick_labels.number_format_is_linked = False
        if spec.reverse_categories:
            category_axis.reverse_order = True
        if spec.kind in ("bar", "column") and any(
                v is not None and v < 0 for s in spec.series for v in s.values):
            # category names at the low end of the value axis, not at zero: there a
            # negative bar would cover its own name
            from pptx.enum.chart import XL_TICK_LABEL_POSITION

            category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        for axis, title in ((category_axis, spec.x_title), (value_axis, spec.y_title)):
            if title:
                axis.has_title = True
                axis.axis_title.text_frame.text = title
                for para in axis.axis_title.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(11)
                        run.font.bold = False

    def _style_series(self, spec: ChartSpec, s: SeriesSpec, series: Any) -> None:
        from pptx.enum.chart import XL_MARKER_STYLE
        from pptx.enum.dml import MSO_LINE_DASH_STYLE
        from pptx.util import Pt

        if spec.kind in ("column", "bar"):
            if s.colour:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = self.rgb(s.colour)
            series.invert_if_negative = False
        elif spec.kind in ("line", "xy"):
            series.smooth = False
            if s.line and s.colour:
                series.format.line.color.rgb = self.rgb(s.colour)
                series.format.line.width = Pt(2)
            if not s.line:
                series.format.line.fill.background()
            if s.dash:
                series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            if s.markers:
                series.marker.style = XL_MARKER_STYLE.CIRCLE
                series.marker.size = 7
                if s.colour:
                    series.marker.format.fill.solid()
                    series.marker.format.fill.fore_color.rgb = self.rgb(s.colour)
                    series.marker.format.line.color.rgb = self.rgb(s.colour)
            else:
                series.marker.style = XL_MARKER_STYLE.NONE
        if s.point_colours:
            for i, c in enumerate(s.point_colours):
                if c:
                    point = series.points[i]
                    point.format.fill.solid()
                    point.format.fill.fore_color.rgb = self.rgb(c)
        if s.labels:
            from pptx.enum.chart import XL_LABEL_POSITION

            # labels off the bars (beyond their end, also for negative values), except in
            # stacked bars where PowerPoint allows no outside position
            outside = spec.kind in ("bar", "column") and spec.grouping == "clustered"
            for i, label in enumerate(s.labels):
                if label:
                    data_label = series.points[i].data_label
                    data_label.text_frame.text = label
                    data_label.font.size = Pt(10)
                    if outside:
                        data_label.position = XL_LABEL_POSITION.OUTSIDE_END
        if s.plus is not None and s.minus is not None:
            _error_bars(series, s.plus, s.minus, xy=spec.kind == "xy")

    # ------------------------------------------------------------ slides
    def title_slide(self) -> None:
        from pptx.util import Inches

        report = self.report
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])  # blank
        band = slide.shapes.add_shape(1, 0, 0, self.prs.slide_width, Inches(0.45))
        band.fill.solid()
        band.fill.fore_color.rgb = self.rgb(report.branding.primary)
        band.line.fill.background()
        self.logo(slide, small=False)
        respondents = (str(report.respondents[0][1]) if len(report.respondents) == 1 else
                       ", ".join(f"{n} in {w}" for w, n in report.respondents))
        self.text(slide, 0.8, 2.2, 11.5, 3.6, [
            (f"{report.title} report".upper(), 16, True, report.branding.accent),
            (report.branding.organisation, 40, True, report.branding.primary),
            (f"{report.date} · people who answered: {respondents}", 16, False, "555555"),
            (f"Confidential. No figure describes a group of fewer than {report.min_group_size} "
             "people; people are shown "
             + ("by their ids (analyst copy)." if report.names else "under pseudonyms."),
             14, False, "555555"),
            *([(report.privacy_warning, 14, True, "C00000")] if report.privacy_warning else []),
        ])
        slide.notes_slide.notes_text_frame.text = report.intro

    def summary_slides(self) -> None:
        """The executive summary: participation, then the findings, three or four a slide."""
        report = self.report
        found = list(report.summary)
        if not found:
            slide = self.slide("Executive summary", notes=report.intro)
            self.text(slide, _MARGIN, 1.55, SLIDE_WIDTH_IN - 2 * _MARGIN, 5.6,
                      [(report.intro, 18, False, "222222"),
                       ("No finding could be made from these data.", 18, False, "555555")])
            return
        per = 4 if len(found) <= 4 else (len(found) + 1) // 2
        for start in range(0, len(found), per):
            part = found[start:start + per]
            title = "Executive summary" + ("" if start == 0 else " (continued)")
            slide = self.slide(title, notes=report.intro + "\n\n" + "\n".join(
                f"{k.finding.headline} {k.finding.statistics}" for k in part))
            lines: list[tuple[str, int, bool, str | None]] = []
            if start == 0:
                lines.append((report.intro.split(". ")[0] + ".", 15, False, "555555"))
            for k in part:
                f = k.finding
                lines.append(((f"{f.value}  " if f.value else "") + f.headline, 14, True,
                              report.branding.primary))
                if f.action:
                    lines.append((f"Recommended action: {f.action}", 12, False, "333333"))
            self.text(slide, _MARGIN, 1.55, SLIDE_WIDTH_IN - 2 * _MARGIN, 5.7, lines)

    def finding_slide(self, k: KeyFinding) -> None:
        """One finding: the chart, the headline, and a two-line takeaway."""
        f = k.finding
        section = k.section
        notes = (f"{f.headline}" + (f" How sure: {f.uncertainty}." if f.uncertainty else "")
                 + (f"\n\nStatistics: {f.statistics}" if f.statistics else "")
                 + f"\n\nHow it is computed: {section.method}")
        slide = self.slide(section.title, notes=notes)
        fig = k.figure
        captions: list[str] = []
        if fig is not None:
            captions = self.chart(slide, fig, _MARGIN, 1.5, 8.4, 5.7)
        side: list[tuple[str, int, bool, str | None]] = [
            (f.headline, 15 if len(f.headline) < 220 else 12, True, "222222")]
        if f.uncertainty:
            side.append((f"How sure: {f.uncertainty}.", 12, False, "555555"))
        if f.meaning:
            side.append((f"What it means: {f.meaning}", 12, False, "333333"))
        if f.action:
            side.append((f"Recommended action: {f.action}", 12, True,
                         self.report.branding.primary))
        if captions:
            side.append(("Also in the chart: " + "; ".join(captions), 10, False, "666666"))
        self.text(slide, 9.1, 1.5, 3.75, 5.7, side)

    def quotes_slide(self) -> None:
        quotes = self.report.quotes[:4]
        if not quotes:
            return
        slide = self.slide("In their own words",
                           notes="Quotes are shown only where enough people wrote about the "
                                 "theme to keep the authors anonymous.")
        lines: list[tuple[str, int, bool, str | None]] = []
        for about, text in quotes:
            lines.append((f"“{text}”", 15, False, "222222"))
            lines.append((about, 11, False, "666666"))
        self.text(slide, _MARGIN, 1.55, SLIDE_WIDTH_IN - 2 * _MARGIN, 5.6, lines)

    def next_steps_slide(self) -> None:
        steps = self.report.next_steps
        if not steps:
            return
        slide = self.slide("What to do next",
                           notes="A plan for the next half-year, drawn from the findings. The "
                                 "plan's charts and tables are in the appendix.")
        lines: list[tuple[str, int, bool, str | None]] = []
        size = 14 if sum(len(h) for _, h in steps) < 1200 else 12
        for i, (what, how) in enumerate(steps, start=1):
            lines.append((f"{i}. {what}", size + 2, True, self.report.branding.primary))
            lines.append((how, size, False, "222222"))
        self.text(slide, _MARGIN, 1.45, SLIDE_WIDTH_IN - 2 * _MARGIN, 5.8, lines)

    def divider_slide(self, title: str, text: str) -> None:
        slide = self.slide(title)
        self.text(slide, _MARGIN, 1.7, SLIDE_WIDTH_IN - 2 * _MARGIN, 2,
                  [(text, 18, False, "444444")])

    def figure_slide(self, section: Section, fig: ReportFigure, *, main: bool = False) -> None:
        prefix = "" if main else "Appendix · "
        title = prefix + (section.title if main else figure_label(section.title, fig.title))
        notes = f"How it is computed: {section.method}"
        if section.notes:
            notes += "\n\n" + "\n".join(section.notes)
        if section.withheld_groups:
            notes += "\n\nPrivacy: " + " ".join(w.sentence for w in section.withheld)
        slide = self.slide(title, notes=notes)
        captions = self.chart(slide, fig, _MARGIN, 1.5, SLIDE_WIDTH_IN - 2 * _MARGIN, 5.3)
        footer = list(captions) + list(section.notes[:1])
        if footer:
            self.text(slide, _MARGIN, 6.85, SLIDE_WIDTH_IN - 2 * _MARGIN, 0.5,
                      [("; ".join(footer), 11, False, "666666")])

    def closing_slides(self) -> None:
        report = self.report
        if report.skipped:
            slide = self.slide("Appendix · What could not be analysed, and why",
                               notes="Each analysis runs only when the data hold what it needs.")
            self.text(slide, _MARGIN, 1.55, SLIDE_WIDTH_IN - 2 * _MARGIN, 5.6,
                      [(f"{s.title}: {s.reason}.", 14, False, "222222") for s in report.skipped])
        withheld = sum(s.withheld_groups for s in report.sections)
        lines = [
            (f"No figure describes a group of fewer than {report.min_group_size} people "
             f"(stories and comments: {report.min_text_group_size}); groups that would reveal a "
             "smaller one by subtraction are withheld too.", 15, False, "222222"),
            (f"{count(withheld, 'group figure')} withheld across the report; each section's notes "
             "name them and say why. Two figures about nearly the same people are never both "
             "shown.", 15, False, "222222"),
        ]
        lines += [(f"{c.claim} {c.status}", 13, False, "555555") for c in report.claims]
        refs = "\n".join(f"{r.source}. {r.supports}" for r in report.references)
        slide = self.slide("Appendix · Methods, privacy and figures often quoted", notes=refs)
        self.text(slide, _MARGIN, 1.55, SLIDE_WIDTH_IN - 2 * _MARGIN, 5.6, lines)


def _title_size(title: str) -> int:
    """Points for a slide title, so that it fits in two or three lines."""
    n = len(title)
    return 26 if n <= 60 else 20 if n <= 100 else 16 if n <= 170 else 13


def _error_bars(series: Any, plus: list[float], minus: list[float], *, xy: bool) -> None:
    """Custom error bars (python-pptx has no API for them): ``c:errBars`` in the series XML."""
    from lxml import etree
    from pptx.oxml.ns import qn

    ser = series._element

    def lit(values: list[float]) -> str:
        pts = "".join(f'<c:pt idx="{i}"><c:v>{v!r}</c:v></c:pt>' for i, v in enumerate(values))
        return (f'<c:numLit><c:formatCode>General</c:formatCode><c:ptCount val="{len(values)}"/>'
                f"{pts}</c:numLit>")

    ns = 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" ' \
         'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    xml = (f"<c:errBars {ns}>" + ('<c:errDir val="y"/>' if xy else "")
           + '<c:errBarType val="both"/><c:errValType val="cust"/><c:noEndCap val="0"/>'
           + f"<c:plus>{lit(plus)}</c:plus><c:minus>{lit(minus)}</c:minus>"
           + '<c:spPr><a:ln w="12700"><a:solidFill><a:srgbClr val="404040"/></a:solidFill>'
           + "</a:ln></c:spPr></c:errBars>")
    element = etree.fromstring(xml)
    anchor = None
    for tag in ("c:cat", "c:val", "c:xVal", "c:yVal", "c:smooth"):
        anchor = ser.find(qn(tag))
        if anchor is not None:
            break
    if anchor is None:
        ser.append(element)
    else:
        anchor.addprevious(element)


def write_pptx(report: Report, path: Path, images: Mapping[str, Path]) -> PptxInfo:
    """Write the deck; ``images`` maps figure ids to image files for non-native charts."""
    deck = _Deck(report, images)
    deck.title_slide()
    deck.summary_slides()
    overview = report.overview
    if overview is not None and overview.figures:
        deck.figure_slide(overview, overview.figures[0], main=True)
    for k in report.finding_pages:
        deck.finding_slide(k)
    deck.quotes_slide()
    deck.next_steps_slide()
    deck.divider_slide("Appendix", "Every figure by topic, what could not be analysed, the "
                       "methods and privacy. Every table is in the Excel workbook.")
    for section in report.sections:
        for fig in section.figures:
            deck.figure_slide(section, fig)
    deck.closing_slides()
    deck.prs.save(str(path))
    return PptxInfo(path=path, slides=len(deck.prs.slides), native_charts=deck.native,
                    images=deck.pictures)


def needs_image(fig: ReportFigure) -> bool:
    """Whether the deck shows ``fig`` as an image (no native chart type fits it)."""
    return fig.native is None
