"""The report read as a client reads it: the PDF's text and the deck searched for the defects
of issue 16, on the sample and on a small folder made as a user would (40 people, one survey,
no network, no actions, no stories).

Defects: words broken mid-word, "(s)" plurals, snake_case column names, item codes in the
executive summary, zeros shown for figures that could not be computed, bar labels on the
bars, native charts that lost a series, a point or a reference line (a series with neither a
line nor markers is not drawn by LibreOffice), a main body longer than 20 pages or 25 slides,
a PDF of 3 MB or more, internal file names, finding pages without what they mean and what to
do, and the plan missing from the main body. Each check runs on both reports.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from report_build import ReportBuild, shared_report_fixture  # noqa: F401  (the report_build fixture)

from conftest import SAMPLE

MAIN_PAGES = 20
MAIN_SLIDES = 25
PDF_BYTES = 3_000_000
_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def _needs(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed: run `make system`")


def _pages(pdf: Path) -> list[str]:
    _needs("pdftotext")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


def _deck(path: Path) -> tuple[list[str], list[str], list]:
    """Slide titles, the text of each slide, and the native charts of each slide."""
    from pptx import Presentation

    deck = Presentation(str(path))
    titles, texts, charts = [], [], []
    for slide in deck.slides:
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        titles.append(title)
        texts.append("\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame))
        charts.append([s.chart for s in slide.shapes if s.has_chart])
    return titles, texts, charts


def drawn(series_xml, points: int) -> bool:
    """Whether a line or scatter series shows at all: markers, or a line through two points.

    Examples
    --------
    >>> from lxml import etree
    >>> ns = 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" ' \\
    ...      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    >>> hidden = etree.fromstring(f'<c:ser {ns}><c:spPr><a:ln><a:noFill/></a:ln></c:spPr>'
    ...                           '<c:marker><c:symbol val="none"/></c:marker></c:ser>')
    >>> drawn(hidden, 1), drawn(hidden, 5)
    (False, False)
    >>> line = etree.fromstring(f'<c:ser {ns}><c:marker><c:symbol val="none"/></c:marker></c:ser>')
    >>> drawn(line, 1), drawn(line, 2)
    (False, True)
    """
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    symbol = series_xml.find(f"{c}marker/{c}symbol")
    markers = symbol is None or symbol.get("val") != "none"
    line_off = series_xml.find(f"{c}spPr/{a}ln/{a}noFill") is not None
    return markers or (not line_off and points >= 2)


def _vocabulary(texts: list[str]) -> set[str]:
    return {w.lower() for t in texts for w in re.findall(r"[A-Za-z]{2,}", t)}


def mid_word_breaks(pages: list[str], vocabulary: set[str]) -> list[str]:
    """Line ends where a word of the report's own text was split in two ("Purpo" / "se").

    Examples
    --------
    >>> mid_word_breaks(["Purpo\\nse of the team"], {"purpose", "of", "the", "team"})
    ['Purpo|se']
    >>> mid_word_breaks(["of the\\nteam"], {"of", "the", "team"})
    []
    """
    found = []
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        for a, b in zip(lines, lines[1:], strict=False):
            left = re.search(r"(?<![A-Za-z.])([A-Za-z]{2,})$", a)
            right = re.match(r"([A-Za-z]{2,})\b", b)
            if not left or not right:
                continue
            head, tail = left.group(1), right.group(1)
            joined = (head + tail).lower()
            if joined in vocabulary and head.lower() not in vocabulary \
                    and tail.lower() not in vocabulary:
                found.append(f"{head}|{tail}")
    return found


def _main_body(pages: list[str]) -> int:
    """Pages before the appendix (its title page starts with "Appendix")."""
    for i, page in enumerate(pages):
        if i > 1 and any(line.strip() == "Appendix" for line in page.splitlines()[:8]):
            return i
    raise AssertionError("no appendix page found")


def _check(report, results, pdf: Path, pptx: Path, codes: list[str]) -> None:
    pages = _pages(pdf)
    text = "\n".join(pages)
    # length, size
    assert _main_body(pages) <= MAIN_PAGES
    assert pdf.stat().st_size < PDF_BYTES
    titles, slide_texts, slide_charts = _deck(pptx)
    charts = [c for cs in slide_charts for c in cs]
    appendix = titles.index("Appendix")
    assert appendix <= MAIN_SLIDES
    deck_text = "\n".join(slide_texts)
    # every finding page and slide says what it means and what to do
    for k in report.finding_pages:
        assert k.finding.meaning and k.finding.action, (k.section.key, k.finding.headline)
    main = "\n".join(pages[:_main_body(pages)])
    assert main.count("What it means:") >= len(report.finding_pages)
    # the plan, when there is one, is the main body's last page and slide before the appendix
    if "plan" in results.results and hasattr(results.results["plan"], "steps"):
        assert report.next_steps
        assert "What to do next" in main and "What to do next" in titles[:appendix]
        for what, _how in report.next_steps:
            assert what in main.replace("\n", " ")
    # the list of figures says a title once ("Indicators: Indicators of ..." is not)
    flat = " ".join(text.split())
    for s in report.sections:
        for f in s.figures:
            if f.title != s.title and f.title.lower().startswith(s.title.lower()):
                assert f"{s.title}: {f.title}" not in flat, f.title
    for title in titles:
        head, _, rest = title.removeprefix("Appendix · ").partition(": ")
        assert not (rest and rest.lower().startswith(head.lower())), title
    # no "(s)" plurals, no source texts, no internal file names in the client text
    for where, words in (("pdf", text), ("deck", deck_text)):
        assert "(s)" not in words, where
        assert "source texts" not in words.lower(), where
        assert not re.search(r"\b\w+\.csv\b", words), (where, re.findall(r"\b\w+\.csv\b", words))
    # no snake_case: column names and the main body (methods may name a codebook column)
    assert not _SNAKE.findall(main), _SNAKE.findall(main)[:10]
    from diagnostics.report.tables import people_frame

    for table in report.tables:
        columns = list(people_frame(table.frame).frame.columns)
        assert not [c for c in columns if _SNAKE.fullmatch(str(c))], (table.name, columns)
    # the executive summary speaks in question text, never item codes, never truncated
    start = next(i for i, p in enumerate(pages) if "Executive summary" in p and i > 1)
    summary = pages[start] + pages[start + 1]
    summary = summary.split("Who answered")[0]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, codes)) + r")\b")
    assert not pattern.findall(summary), pattern.findall(summary)
    assert "..." not in summary and "holm" not in summary.lower()
    for k in report.summary:
        assert not pattern.findall(k.finding.headline), k.finding.headline
    # no word broken in two at a line end
    vocabulary = _vocabulary([text] + [str(c) for t in report.tables for c in t.frame.columns])
    vocabulary |= _vocabulary([str(v) for t in report.tables for c in t.frame.columns
                               if t.frame[c].dtype == object for v in t.frame[c].head(50)])
    assert not mid_word_breaks(pages, vocabulary), mid_word_breaks(pages, vocabulary)[:10]
    # bar labels off the bars: outside the bar's end in clustered bar charts
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_LABEL_POSITION

    clustered = (XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.COLUMN_CLUSTERED)
    for chart in charts:
        plot = chart.plots[0]
        if chart.chart_type in clustered and any(
                v is not None and v < 0 for s in plot.series for v in s.values):
            # category names away from zero, where a negative bar would cover them
            assert chart.category_axis.tick_label_position == XL_TICK_LABEL_POSITION.LOW
        for series in plot.series:
            values = list(series.values)
            assert any(v is not None for v in values), f"empty series {series.name!r}"
            if chart.chart_type in clustered:
                for i, _v in enumerate(values):
                    label = series.points[i].data_label
                    if label.has_text_frame and label.text_frame.text:
                        assert label.position == XL_LABEL_POSITION.OUTSIDE_END
            else:  # line and scatter: every series drawn (markers, or a line of two points)
                if chart.chart_type == XL_CHART_TYPE.XY_SCATTER_LINES:
                    # LibreOffice draws no XY series before the one with the most points
                    assert len(values) <= len(list(plot.series[0].values)), series.name
                points = sum(v is not None for v in values)
                assert drawn(series._element, points), (chart.chart_title.text_frame.text
                                                        if chart.has_title else "", series.name)
    _native_series_kept(report, slide_charts[appendix:])
    _reference_lines_kept(report)
    _uncomputed_not_zero(report, results, text)


def _native_series_kept(report, appendix_charts: list[list]) -> None:
    """The appendix shows every figure once, in order: each native chart there has every
    series (by name) and every point of the figure's native version."""
    from diagnostics.report.charts import native_chart

    expected = [spec for f in report.figures if (spec := native_chart(f.figure)) is not None]
    charts = [c for cs in appendix_charts for c in cs]
    assert len(charts) == len(expected), (len(charts), len(expected))
    for spec, chart in zip(expected, charts, strict=True):
        series = list(chart.plots[0].series)
        assert [s.name for s in series] == [s.name for s in spec.series], spec.title
        for want, got in zip(spec.series, series, strict=True):
            assert len(list(got.values)) == len(want.values), (spec.title, want.name)


def _uncomputed_not_zero(report, results, text: str) -> None:
    """Indicators that could not be computed say why, in words, and are never drawn as zero."""
    indicators = next((s for s in report.sections if s.key == "indicators"), None)
    if indicators is None:
        return
    table = results.results["indicators"].table
    missing = int((~table["available"].astype(bool)).sum())
    fig = indicators.figures[0].figure
    tiles = [t for t in fig.data if t.type == "indicator"]
    assert len(tiles) == len(table) - missing
    assert all(t.value is not None and t.value == t.value for t in tiles)
    notes = [a.text for a in fig.layout.annotations if "not available, because" in a.text]
    assert len(notes) == missing
    assert ("not available, because" in text) == (missing > 0)


def _reference_lines_kept(report) -> None:
    """Every native XY chart keeps its figure's straight reference lines as series."""
    from diagnostics.report.charts import native_chart

    for fig in report.figures:
        spec = native_chart(fig.figure)
        if spec is None or spec.kind != "xy":
            continue
        shapes = [s for s in (fig.figure.to_dict()["layout"].get("shapes") or [])
                  if s.get("type") == "line" and (s.get("x0") == s.get("x1") and s.get("xref", "x") == "x"
                                                   or s.get("y0") == s.get("y1") and s.get("yref", "y") == "y")]
        drawn = [s for s in spec.series if s.name == "reference line"]
        assert len(drawn) == len(shapes), fig.title


def test_the_samples_report_reads_cleanly(report_build: ReportBuild) -> None:
    from diagnostics import load
    from diagnostics.report import build_report

    workbook = load(SAMPLE)
    results = _sample_results()
    report = build_report(results)
    _check(report, results, report_build.path("pdf"), report_build.path("pptx"),
           list(workbook.codebook.index))
    assert 5 <= len(report.summary) <= 7


_RESULTS: dict[str, object] = {}


def _sample_results():
    from diagnostics import RunOptions, load, run_all

    if "sample" not in _RESULTS:
        _RESULTS["sample"] = run_all(load(SAMPLE), RunOptions(seed=0))
    return _RESULTS["sample"]


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 people, one survey without a wave column, no other file: as a user starts."""
    folder = tmp_path_factory.mktemp("small-folder")
    survey = pd.read_csv(SAMPLE / "survey.csv", dtype=str)
    latest = survey[survey["wave"] == survey["wave"].max()]
    latest.head(40).drop(columns=["wave"]).to_csv(folder / "survey.csv", index=False)
    shutil.copy(SAMPLE / "codebook.csv", folder / "codebook.csv")
    return folder


def test_a_small_folder_of_a_user_reads_cleanly(small_folder: Path, tmp_path: Path) -> None:
    from diagnostics import load, run_all
    from diagnostics.report import write_report

    workbook = load(small_folder)
    results = run_all(workbook)
    outcome = write_report(results, tmp_path, formats="pdf,pptx")
    report = outcome.report
    pdf, pptx = tmp_path / "report.pdf", tmp_path / "report.pptx"
    _check(report, results, pdf, pptx, list(workbook.codebook.index))
    text = "\n".join(_pages(pdf))
    assert "40 people answered" in text and "in 1" not in text.split("Contents")[0]
    # on a survey alone most indicators cannot be computed: each says why instead of a zero
    table = results.results["indicators"].table
    assert (~table["available"].astype(bool)).sum() > 0
    skipped = {s.key for s in report.skipped}
    assert {"tribes", "activism", "stories"} <= skipped
    assert "The network survey (who works with whom) was not provided" in text
