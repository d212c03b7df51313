"""The full report on the sample, in every format: opened, rendered and searched.

One build is shared by these tests (see ``report_build.py``). The sample has a department
of 3 people (Legal): no format may hold a figure about it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from PIL import Image
from report_build import ReportBuild, shared_report_fixture  # noqa: F401  (the report_build fixture)

SMALL_GROUP = "Legal"
#: Issue 7: all four formats in under 60 s on the sample. The wall-clock figure is measured by
#: benchmarks/bench_report.py on an idle machine; here the build shares two cores with the rest
#: of the suite, so the test holds the report's own processor time to it (the images' browser
#: session is checked apart: one for all figures, test_report.py).
BUDGET_SECONDS = 60


def _needs(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed: run `make system`")


def test_all_four_formats_within_budget(report_build: ReportBuild) -> None:
    for fmt in ("html", "pdf", "pptx", "xlsx"):
        path = report_build.path(fmt)
        assert path.is_file() and path.stat().st_size > 1000, fmt
    seconds = report_build.info["seconds"]
    # "waiting": this process waiting for chromium, which prints while the others are written
    assert {"content", "html", "pdf", "pptx", "xlsx"} <= set(seconds) <= {
        "content", "html", "pdf", "pptx", "xlsx", "waiting"}
    assert report_build.info["cpu_seconds"] < BUDGET_SECONDS, seconds
    assert not [p for p in report_build.folder.parent.iterdir()
                if p.name.startswith(".shared-report.")], "a staging folder was left behind"


def test_html_is_self_contained(report_build: ReportBuild) -> None:
    page = report_build.path("html").read_text(encoding="utf-8")
    head, body = page.split("</head>", 1)
    assert head.count("plotly.js v") >= 1 and body.count("plotly.js v") == 0
    assert len(re.findall(r"<script\b[^>]*>", head)) == 1  # plotly.js, inlined once
    assert not re.search(r"<(script|img|link|iframe)\b[^>]*\b(src|href)=[\"']?(https?:)?//", page)
    assert "@import" not in page and "@font-face" not in page
    assert not re.search(r"mathjax[^\"']*\.js", page, re.I)
    assert not re.search(r"url\(\s*['\"]?https?:", page)
    figures = report_build.info["figures"]
    assert body.count('class="chart-data"') == len(figures) > 0
    for section in report_build.info["sections"]:
        assert f'id="sec-{section}"' in body
    assert 'id="summary"' in body and 'id="appendix"' in body and "How each figure is computed" in body


def test_pdf_pages_and_charts(report_build: ReportBuild, tmp_path: Path) -> None:
    _needs("pdftoppm")
    pdf = report_build.path("pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == report_build.info["pages"]
    # cover, contents, summary, a page per section at least, appendix
    assert pages >= 3 + len(report_build.info["sections"]) + 1
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    figure_pages = report_build.info["figure_pages"]
    assert set(figure_pages) == {f["id"] for f in report_build.info["figures"]}
    # every figure's page has a drawing on it (not an empty or broken chart)
    for number in sorted(set(figure_pages.values())):
        pixels = np.asarray(Image.open(images[number - 1]).convert("L"))
        assert (pixels < 235).mean() > 0.02, f"page {number} looks empty"
    assert 2 not in figure_pages.values()  # the contents page
    # issue 17: under 3 MB, the charts as vector graphics or right-sized pictures
    assert pdf.stat().st_size < 3_000_000


def test_pptx_reopens_with_native_charts_and_converts(report_build: ReportBuild,
                                                      tmp_path: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation(str(report_build.path("pptx")))
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    assert len(deck.slides) == report_build.info["slides"]
    charts = [s for slide in deck.slides for s in slide.shapes if s.has_chart]
    assert len(charts) == report_build.info["native_charts"] >= 1
    for chart in charts:
        plot = chart.chart.plots[0]
        assert any(v is not None for s in plot.series for v in s.values)
    summary = report_build.info["summary"]
    titles = [slide.shapes.title.text for slide in deck.slides if slide.shapes.title is not None]
    assert "Executive summary" in titles
    text = "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                      if shape.has_text_frame)
    for headline in summary:
        assert headline in text
    notes = [slide.notes_slide.notes_text_frame.text for slide in deck.slides
             if slide.has_notes_slide]
    assert sum("How it is computed" in n for n in notes) >= len(report_build.info["figures"])
    _needs("soffice")
    done = subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "pdf", "--outdir", str(tmp_path),
                           str(report_build.path("pptx"))],
                          capture_output=True, text=True, timeout=600, check=False)
    converted = tmp_path / "report.pdf"
    assert done.returncode == 0 and converted.is_file(), done.stderr
    info = subprocess.run(["pdfinfo", str(converted)], capture_output=True, text=True, check=True)
    assert int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1)) == len(deck.slides)


def test_xlsx_has_a_sheet_per_table(report_build: ReportBuild) -> None:
    book = openpyxl.load_workbook(report_build.path("xlsx"), read_only=True)
    sheets = report_build.info["sheets"]
    assert book.sheetnames == ["Contents", "About", *sheets]
    assert len({s.lower() for s in book.sheetnames}) == len(book.sheetnames)
    assert all(len(s) <= 31 for s in book.sheetnames)
    listed = [row[0] for row in book["Contents"].iter_rows(min_row=5, values_only=True)]
    assert listed == sheets


def _pptx_text(path: Path) -> str:
    """Every XML part of the deck, including the workbooks embedded behind its charts."""
    parts: list[str] = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                parts.append(z.read(name).decode("utf-8", "replace"))
            elif name.endswith(".xlsx"):
                import io

                with zipfile.ZipFile(io.BytesIO(z.read(name))) as inner:
                    parts.extend(inner.read(n).decode("utf-8", "replace")
                                 for n in inner.namelist() if n.endswith(".xml"))
    return "\n".join(parts)


def test_small_department_appears_in_no_format(report_build: ReportBuild) -> None:
    _needs("pdftotext")
    html = report_build.path("html").read_text(encoding="utf-8")
    body = html.split("</head>", 1)[1]
    assert SMALL_GROUP not in body
    pdf_text = subprocess.run(["pdftotext", str(report_build.path("pdf")), "-"],
                              capture_output=True, text=True, check=True).stdout
    assert SMALL_GROUP not in pdf_text
    assert SMALL_GROUP not in _pptx_text(report_build.path("pptx"))
    book = openpyxl.load_workbook(report_build.path("xlsx"), read_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and SMALL_GROUP in v for v in row), sheet.title


def test_readme_shows_the_reports_first_pages(report_build: ReportBuild, tmp_path: Path) -> None:
    from conftest import ROOT
    from diagnostics.report.preview import pages_picture

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/report-pages.png)" in readme
    with Image.open(ROOT / "docs" / "report-pages.png") as committed:
        assert committed.format == "PNG" and committed.width > 2 * committed.height
    picture = pages_picture(report_build.path("pdf"), tmp_path / "pages.png", pages=3, dpi=20)
    with Image.open(picture) as im:
        assert 1.9 < im.width / im.height < 2.4  # three A4 pages side by side
