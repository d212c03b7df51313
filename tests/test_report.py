"""The report's parts: escaping, people, formulas, sheet names, the summary, native charts."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import plotly.graph_objects as go
import pytest
from fake_results import FORMULAS, HOSTILE, fake_results
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnostics import ConfigError, Finding, OutputError, PrivacyGuard, load, run_all
from diagnostics.report import SUPPORTED_FORMATS, build_report, write_report
from diagnostics.report.charts import native_chart
from diagnostics.report.content import Section, _unique_sheet, select_findings
from diagnostics.report.html import render_html
from diagnostics.report.sanitize import People, escape_markup, formula_like, plain_text


@pytest.fixture(scope="module")
def fake(wb):
    return fake_results(wb)


@pytest.fixture(scope="module")
def fake_report(fake):
    return build_report(fake)


# ------------------------------------------------------------------ text
@pytest.mark.parametrize(("text", "expected"), [
    ("<b>bold</b><br>next", "<b>bold</b><br>next"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("x < 5 > 3", "x &lt; 5 &gt; 3"),
    ("%{y}<extra>2025-H1</extra>", "%{y}<extra>2025-H1</extra>"),
    ("<a href='javascript:x'>link</a>", "&lt;a href='javascript:x'&gt;link&lt;/a&gt;"),
    ("<span style=\"color:red\">red</span>", "<span style=\"color:red\">red</span>"),
    ("<span style='font-size:0.7em'>small</span>", "<span style='font-size:0.7em'>small</span>"),
])
def test_escape_markup(text: str, expected: str) -> None:
    assert escape_markup(text) == expected


@given(st.text())
def test_escaped_text_has_no_other_tags(text: str) -> None:
    escaped = escape_markup(text)
    for tag in re.findall(r"<[^<>]*>", escaped):
        assert re.fullmatch(r"</?(br\s*/?|b|i|em|sup|sub|s|u|extra|span[^<>]*)>", tag, re.I), tag
    assert plain_text(escaped).replace("\n", "") == plain_text(text).replace("\n", "") or "<" in text


@given(st.text(min_size=1))
def test_formula_like_is_the_first_character(text: str) -> None:
    # every text a spreadsheet evaluates is caught, also behind leading blanks (which some
    # programs trim before evaluating); any other first character is left alone
    if text[0] in "=+-@\t\r\n" or text.strip()[:1] in ("=", "+", "-", "@"):
        assert formula_like(text)
    elif not text[0].isspace():
        assert not formula_like(text)


@given(st.lists(st.text(max_size=60), max_size=30))
@settings(max_examples=60)
def test_sheet_names_are_valid_and_unique(names: list[str]) -> None:
    used: set[str] = {"contents", "about"}
    sheets = [_unique_sheet(n, used) for n in names]
    assert len({s.lower() for s in sheets}) == len(sheets)
    for s in sheets:
        assert 1 <= len(s) <= 31
        assert not set(s) & set("[]:*?/\\'")
        assert s.lower() not in ("contents", "about", "history")


def test_people_pseudonyms_and_names() -> None:
    guard = PrivacyGuard()
    ids = ["E0001", "E0002", "E0010"]
    hidden = People(ids, guard.pseudonym)
    shown = People(ids, guard.pseudonym, names=True)
    assert hidden.text("E0001 advises E0010") == (f"{guard.pseudonym('E0001')} advises "
                                                 f"{guard.pseudonym('E0010')}")
    assert hidden.text("E00011 is not a person") == "E00011 is not a person"
    assert shown.text(f"seed {guard.pseudonym('E0002')}") == "seed E0002"
    import pandas as pd

    frame = pd.DataFrame({"respondent_id": ids, "n": [1, 2, 3]})
    before = frame.copy()
    assert list(hidden.frame(frame)["respondent_id"]) == [guard.pseudonym(i) for i in ids]
    assert frame.equals(before)


# ------------------------------------------------------------------ summary
def _sections(n: int) -> list[Section]:
    return [Section(f"s{i}", f"S{i}", "", (), (), (), (), (), ()) for i in range(n)]


@given(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 5)), max_size=40))
def test_summary_takes_the_heaviest_five_to_eight(found: list[tuple[float, int]]) -> None:
    sections = _sections(6)
    candidates = [(Finding(f"f{i}", weight=w), sections[s]) for i, (w, s) in enumerate(found)]
    chosen = select_findings(candidates)
    assert len(chosen) == min(len(found), 8) or 5 <= len(chosen) <= 8
    assert len(chosen) >= min(len(found), 5)
    weights = [k.finding.weight for k in chosen]
    assert weights == sorted(weights, reverse=True)
    per_section: dict[str, int] = {}
    for k in chosen:
        per_section[k.section.key] = per_section.get(k.section.key, 0) + 1
    if len(chosen) > 5:
        assert max(per_section.values()) <= 2
    with_findings = {s for _w, s in found}
    if len(with_findings) <= 8:  # every section with a finding is heard before any twice
        assert len(per_section) == len(with_findings)


# ------------------------------------------------------------------ native charts
def test_bar_becomes_a_column_chart_with_the_same_numbers() -> None:
    fig = go.Figure([go.Bar(x=["A", "B", "C"], y=[0.5, 0.7, 0.2], name="2025-H1",
                            error_y={"type": "data", "array": [0.1, 0.05, 0.02]}),
                     go.Bar(x=["B", "C"], y=[0.6, 0.3], name="2025-H2")])
    fig.update_layout(yaxis_tickformat=".0%", yaxis_title="share", barmode="group")
    spec = native_chart(fig)
    assert spec is not None and (spec.kind, spec.grouping) == ("column", "clustered")
    assert spec.categories == ["A", "B", "C"]
    assert spec.series[0].values == [0.5, 0.7, 0.2]
    assert spec.series[1].values == [None, 0.6, 0.3]
    assert spec.series[0].plus == pytest.approx([0.1, 0.05, 0.02])
    assert spec.number_format == "0%" and spec.y_title == "share"


@pytest.mark.parametrize(("layout", "orientation", "expected"), [
    ({"barmode": "stack"}, "v", ("column", "stacked")),
    ({"barmode": "stack", "barnorm": "percent"}, "h", ("bar", "percent")),
    ({"barmode": "relative"}, "h", ("bar", "stacked")),
])
def test_bar_modes(layout: dict, orientation: str, expected: tuple[str, str]) -> None:
    x, y = (["A", "B"], [1, 2]) if orientation == "v" else ([1, 2], ["A", "B"])
    fig = go.Figure([go.Bar(x=x, y=y, orientation=orientation)] * 2).update_layout(**layout)
    spec = native_chart(fig)
    assert spec is not None and (spec.kind, spec.grouping) == expected


def test_numpy_values_survive_plotlys_typed_arrays() -> None:
    import numpy as np

    fig = go.Figure(go.Bar(x=["a", "b"], y=np.array([3, 9], dtype="int16")))
    assert native_chart(fig).series[0].values == [3.0, 9.0]


@pytest.mark.parametrize(("fig", "kind"), [
    (go.Figure(go.Scatter(x=["H1", "H2"], y=[3.1, 3.4], mode="lines+markers")), "line"),
    (go.Figure(go.Scatter(x=[0.1, 0.5, 0.9], y=[1, 2, 3], mode="markers")), "xy"),
    (go.Figure(go.Pie(labels=["a", "b"], values=[2, 3])), "pie"),
    (go.Figure(go.Pie(labels=["a", "b"], values=[2, 3], hole=0.5)), "doughnut"),
])
def test_other_native_kinds(fig: go.Figure, kind: str) -> None:
    spec = native_chart(fig)
    assert spec is not None and spec.kind == kind


@pytest.mark.parametrize("fig", [
    go.Figure(go.Heatmap(z=[[1, 2], [3, 4]])),
    go.Figure([go.Bar(x=["a"], y=[1]), go.Scatter(x=["a"], y=[1])]),
    go.Figure(go.Scatter(x=[0, 1, None, 1, 2], y=[0, 1, None, 1, 0], mode="lines")),
    go.Figure(go.Scatter(x=[1, 2], y=[1, 2], mode="markers", marker={"color": [0.1, 0.9]})),
    go.Figure(go.Scatter(x=[3.2, 3.9], y=["Sales", "Ops"], mode="markers")),
    go.Figure(go.Histogram(x=[1, 2, 2, 3])),
], ids=["heatmap", "bar+line", "network edges", "colour scale", "dot plot", "histogram"])
def test_figures_without_a_native_type_are_images(fig: go.Figure) -> None:
    assert native_chart(fig) is None


def test_reference_lines_become_captions() -> None:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[0.5, 0.9])).update_layout(yaxis_tickformat=".0%")
    fig.add_hline(y=0.78, line_dash="dot", annotation_text="78% claimed, unverified")
    spec = native_chart(fig)
    assert "reference line at 78%" in spec.captions
    assert "78% claimed, unverified" in spec.captions


# ------------------------------------------------------------------ content and formats
def test_hostile_text_is_escaped_in_html(fake_report) -> None:
    page = render_html(fake_report)
    body = page.split("</head>", 1)[1]
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body  # as text in the page
    fig = next(f for f in fake_report.figures if f.name == "main")
    data = fig.safe
    assert data["layout"]["title"]["text"].startswith("<b>Values</b> &lt;script&gt;")
    assert data["data"][0]["hovertext"][0].startswith("&lt;script&gt;")
    assert data["data"][0]["name"].startswith("&lt;script&gt;")
    assert "&lt;script&gt;" in data["data"][0]["x"][2]
    # the native-chart copy keeps the text as it is (PowerPoint shows it as text)
    assert fig.figure.to_dict()["data"][0]["name"] == HOSTILE


def test_skipped_and_method_and_claims_in_html(fake_report) -> None:
    page = render_html(fake_report)
    assert "The list of initiatives was not provided" in page and "initiatives.csv" not in page
    assert "Counted by hand from the fake table." in page and "<p>Second paragraph.</p>" in page
    assert page.count("claimed, unverified") >= 1 and "folklore" in page
    assert "a warning about the data" in page.lower()


def test_people_are_left_out_of_the_client_report_unless_names(fake, fake_report) -> None:
    ids = list(fake.results["fake"].people)
    # a table of people one by one (id and their own figure) is in the analyst's copy only
    assert not any(t.name == "people" for t in fake_report.tables)
    assert fake_report.individual_left_out == ("fake: people",)
    # a figure's points keep their place but lose the person's label
    scatter = next(f for f in fake_report.figures if f.name == "people").figure
    assert list(scatter.data[0].text) == ["", "", ""]
    named = build_report(fake, names=True)
    assert list(next(t for t in named.tables if t.name == "people").frame["respondent_id"]) == ids


def test_xlsx_neutralises_formulas(fake, tmp_path: Path) -> None:
    written = write_report(fake, tmp_path, formats="xlsx")
    book = openpyxl.load_workbook(written[0])
    sheet = book["Stories"]
    cells = {c.value: c for c in sheet["A"][1:]}
    for text in FORMULAS:
        assert text in cells, text
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    with zipfile.ZipFile(written[0]) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert "<f>" not in xml and "<f " not in xml


def test_unknown_format_names_the_option(fake, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--format.*docx.*html, pdf, pptx, xlsx"):
        write_report(fake, tmp_path, formats="html,docx")
    assert not any(tmp_path.iterdir())


def test_a_failing_format_leaves_nothing(fake, tmp_path: Path, monkeypatch) -> None:
    import diagnostics.report.xlsx as xlsx

    (tmp_path / "report.html").write_text("old", encoding="utf-8")

    def broken(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx, "write_xlsx", broken)
    with pytest.raises((OutputError, OSError)):
        write_report(fake, tmp_path, formats="html,xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "old"


def test_branding_from_workbook_toml(tmp_path: Path, sample_dir: Path) -> None:
    import shutil

    from PIL import Image

    folder = tmp_path / "org"
    shutil.copytree(sample_dir, folder)
    Image.new("RGB", (40, 20), "#AA3300").save(folder / "logo.png")
    toml = (folder / "workbook.toml").read_text(encoding="utf-8")
    toml = toml.replace('primary = "#1F4E79"', 'primary = "red;} body {display:none"')
    toml = toml.replace('organisation = "Northwind Logistics (synthetic)"',
                        'organisation = "Acme <b>&</b> Co"')
    (folder / "workbook.toml").write_text(toml + 'logo = "logo.png"\n', encoding="utf-8")
    report = build_report(run_all(load(folder), only=[]))
    assert report.branding.primary == "#1F4E79" and report.branding.accent == "#F28C28"
    assert report.branding.logo is not None and report.branding.logo_mime == "image/png"
    assert any("primary" in n for n in report.build_notes)
    page = render_html(report)
    assert "data:image/png;base64," in page and "--primary: #1F4E79;" in page
    assert "red;}" not in page.split("</style>", 1)[0]
    assert "Acme &lt;b&gt;&amp;&lt;/b&gt; Co" in page


def test_write_report_html_and_xlsx_only(fake, tmp_path: Path) -> None:
    written = write_report(fake, tmp_path, formats=["html", "xlsx", "html"])
    assert [p.name for p in written] == ["report.html", "report.xlsx"]
    assert set(written.seconds) == {"content", "html", "xlsx"}
    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert book.sheetnames[:2] == ["Contents", "About"]
    assert {"Values", "Stories"} <= set(book.sheetnames)
    assert "People" not in book.sheetnames  # people one by one: analyst copy only
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count('class="chart-data"') == len(build_report(fake).figures)
    assert page.count('-appendix-plot" class="chart-slot"') == len(build_report(fake).figures)
    json.dumps(written.seconds)


def test_panel_previews_the_report_and_exports(fake, tmp_path: Path) -> None:
    from diagnostics.panels.report import report_panel

    panel = report_panel(fake.workbook, results=fake, out=tmp_path / "out")
    ids = [v for _label, v in panel.main_control.options]
    assert ids == [f.id for f in panel.report.figures]
    before = panel.main_figure.figure.to_dict()["data"]
    panel.main_control.value = ids[-1]
    after = panel.main_figure.figure.to_dict()["data"]
    assert before != after and "cdw-main-control" in panel.main_control._dom_classes
    assert "cdw-main-figure" in panel.main_figure._dom_classes
    for fmt, box in zip(SUPPORTED_FORMATS, panel.formats, strict=True):
        box.value = fmt in ("html", "xlsx")
    panel.export()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".culture-diagnostics", "report.html",
                                                        "report.xlsx"]


def test_cli_report_writes_the_chosen_formats(tmp_path: Path, capsys) -> None:
    from diagnostics.cli import main

    assert main(["report", "data/sample", "--out", str(tmp_path), "--format", "html,xlsx",
                 "--quiet", "--profile"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".culture-diagnostics", "report.html",
                                                        "report.xlsx"]
    # --profile: the run's steps, the report's writing, then the report's stages
    lines = capsys.readouterr().out.splitlines()
    steps = [line.split("  ")[0] for line in lines[lines.index(next(
        line for line in lines if line.startswith("step"))) + 1:]]
    assert steps[0] == "loading and validation" and "writing the report" in steps
    stages = next(line for line in lines if line.startswith("report stages"))
    assert all(f" {stage} " in stages for stage in ("content", "html", "xlsx"))
    assert "pdf" not in stages
    assert main(["report", "data/sample", "--out", str(tmp_path / "x"), "--format", "docx",
                 "--quiet"]) == 1
    assert "--format docx" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_images_are_drawn_in_one_browser_session(monkeypatch, tmp_path: Path) -> None:
    """Starting chromium takes seconds: every figure of a report shares one session."""
    import kaleido

    from diagnostics.report.images import TABS, ImageJob, write_images

    sessions: list[int] = []
    written: list[str] = []

    class FakeKaleido:
        def __init__(self, **options) -> None:
            assert options.get("mathjax") is False  # no MathJax from a CDN
            assert options.get("n") == TABS  # figures drawn side by side, one tab per core

        async def __aenter__(self):
            sessions.append(1)
            return self

        async def __aexit__(self, *exc) -> None:
            return None

        async def write_fig_from_object(self, specs, **_options) -> None:
            for spec in specs:
                assert spec["opts"]["format"] == "jpeg" and spec["opts"]["scale"] == 2
                assert spec["fig"]["layout"]["paper_bgcolor"] == "white"
                Path(spec["path"]).write_bytes(b"x")
                written.append(spec["path"])

    monkeypatch.setattr(kaleido, "Kaleido", FakeKaleido)
    figures = [go.Figure(go.Bar(x=["a"], y=[i]), layout={"paper_bgcolor": "rgba(0,0,0,0)"})
               for i in range(9)]
    done: list[int] = []
    write_images([ImageJob(f, tmp_path / f"{i}.jpg", "jpeg", scale=2) for i, f in enumerate(figures)],
                 on_done=done.append)
    assert sessions == [1] and len(written) == 9 and sum(done) == 9
