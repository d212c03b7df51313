"""The report's content, built once from the run's results and shared by every format.

Every figure and table comes from a result's own ``figures()`` and ``tables()`` (the
notebooks draw with the same calls), so the report and a notebook show the same numbers.
The report adds only what needs no privacy decision of its own: the participation
figures of the overview (which pass the guard), counts of what the guard withheld (never
group sizes), the methods and the references.
"""

from __future__ import annotations

import datetime as _dt
import mimetypes
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tqdm.auto import tqdm

from ..errors import DiagnosticsError
from ..inputs import LIMITS, UnsafeInput, read_input
from ..results import DiagnosticResult, Finding, Skipped
from ..words import client_text, column_title, count
from .references import CLAIMS, Claim, Reference, references_for
from .sanitize import People, escape_markup, map_strings, plain_text, safe_colour

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from ..runner import RunResults
    from ..workbook import Workbook
    from .charts import ChartSpec
    from .tables import PeopleTable

__all__ = ["individual_level", "PERSON_COLUMNS", "Report", "Section", "ReportFigure", "ReportTable", "SkippedSection", "KeyFinding",
           "Branding", "Withheld", "build_report", "figure_label", "OVERVIEW_KEY", "select_findings"]

OVERVIEW_KEY = "who_answered"
#: The step whose result gives the main body's "What to do next" page.
PLAN_KEY = "plan"
#: Sections shown in the appendix only: they are about the measurement, not the organisation.
APPENDIX_SECTIONS = frozenset({"reliability"})
#: The main body's finding pages: at most this many (one page or slide each).
MAX_FINDING_PAGES = 13
#: Titles of the contract's diagnostics, for those this version cannot run yet.
CONTRACT_TITLES: dict[str, str] = {
    "segments": "Frame segments", "non_negotiables": "Non-negotiable behaviours",
    "tribes": "Tribes", "hyper_connected": "Hyper-connected people",
    "backstage_leaders": "Backstage leaders", "movement_seeds": "Movement seeds",
    "reach_to_top": "Reach to the top", "activism": "Activism ladder",
    "tandems": "Grassroots and leadership in tandem", "stories": "Story themes",
    "waves": "Change between waves", "reliability": "Construct reliability",
}
DEFAULT_PRIMARY = "#1F4E79"
DEFAULT_ACCENT = "#E69F00"
#: Layout keys that hold no text from the data (left alone when escaping, for speed).
_NO_TEXT = frozenset({"template", "colorway", "colorscale", "marker_colorscale"})
_SHEET_BAD = re.compile(r"[\[\]:*?/\\']")
#: Columns that name a person: a table with one is individual-level.
PERSON_COLUMNS = frozenset({"person", "respondent_id", "author", "author_id", "source",
                            "target", "sponsor_id", "manager_id", "seed"})
#: Columns a list of people may carry besides the person (a pseudonymous list, as the
#: contract's lists of people).
_LIST_COLUMNS = frozenset({"order", "rank"})
#: Columns that key a row to a record of the data folder (a story to its author).
_RECORD_KEYS = ("story_id",)


@dataclass(frozen=True)
class ReportFigure:
    """One figure of a section.

    ``figure`` is the result's own figure (the very object, unless people had to be shown
    another way): the notebook panel shows it and PowerPoint rebuilds it as a native chart
    from its values. ``safe`` is the same figure as a plotly dict with free-text markup
    escaped for plotly.js (the HTML page and the PDF's images).
    """

    id: str
    section: str
    name: str
    title: str
    figure: go.Figure
    safe: dict[str, Any]

    @cached_property
    def native(self) -> ChartSpec | None:
        """The figure as a native PowerPoint chart, or ``None`` when it is shown as a picture
        (worked out once, for the deck and for which pictures to take)."""
        from .charts import native_chart

        return native_chart(self.figure)


@dataclass(frozen=True)
class ReportTable:
    """A table behind a section's figures, with its (unique, valid) Excel sheet name."""

    section: str
    name: str
    sheet: str
    frame: pd.DataFrame

    @cached_property
    def people(self) -> PeopleTable:
        """The table as people read it (client column names, shares, natural order), worked
        out once for the page, the printed page and the workbook."""
        from .tables import people_frame

        return people_frame(self.frame)


@dataclass(frozen=True)
class Withheld:
    """What the privacy guard withheld in one section for one grouping.

    ``named`` holds each withheld group with its reason in plain words (never its size).
    """

    dimension: str
    groups: int
    reasons: tuple[tuple[str, int], ...]
    named: tuple[tuple[str, str], ...] = ()

    @property
    def sentence(self) -> str:
        """One sentence a client understands: which groups are not shown, and why.

        A group below the minimum is never named (its name with the rule would bound its
        size): the sentence states the rule instead. A large group withheld to protect a
        smaller one is named, with the reason.

        Examples
        --------
        >>> Withheld("department", 2, (), (("Legal", "fewer than 5 respondents"),
        ...          ("Sales", "hidden as well, so that a smaller hidden group (or the people "
        ...                    "in no group) cannot be worked out from the total"))).sentence
        'Not shown by department: groups with fewer than 5 people answering; Sales (not shown so that a smaller group cannot be worked out from the total).'
        """
        rules: list[str] = []
        parts: list[str] = []
        for group, reason in self.named:
            if reason.startswith("fewer than"):
                head, _, tail = reason.partition(":")
                rule = ("groups with " + head.replace(" respondents", " people answering")
                        .replace(" distinct authors", " people writing")
                        + (f" ({tail.strip()})" if tail else ""))
                if rule not in rules:
                    rules.append(rule)
            elif "below the privacy minimum" in reason:  # cells of two-way tables
                rule = "cells below the privacy minimum, or that could be worked out from one"
                if rule not in rules:
                    rules.append(rule)
            else:
                parts.append(f"{group} ({_plain_reason(reason)})")
        grouping = self.dimension.replace("_", " ")
        return f"Not shown by {grouping}: " + "; ".join([*rules, *parts]) + "."


@dataclass(frozen=True)
class Section:
    """One diagnostic's part of the report."""

    key: str
    title: str
    method: str
    figures: tuple[ReportFigure, ...]
    tables: tuple[ReportTable, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...]
    withheld: tuple[Withheld, ...]
    quotes: tuple[tuple[str, str], ...] = ()

    @property
    def appendix_only(self) -> bool:
        """Sections about the measurement itself (reliability) live in the appendix only."""
        return self.key in APPENDIX_SECTIONS

    @property
    def anchor(self) -> str:
        return f"sec-{self.key}"

    @property
    def withheld_groups(self) -> int:
        return sum(w.groups for w in self.withheld)


@dataclass(frozen=True)
class SkippedSection:
    key: str
    title: str
    reason: str


@dataclass(frozen=True)
class KeyFinding:
    """A finding of the executive summary and the section it comes from."""

    finding: Finding
    section: Section

    @property
    def figure(self) -> ReportFigure | None:
        """The figure that shows the finding (the one it names, else the section's first)."""
        named = [f for f in self.section.figures if f.name == self.finding.figure]
        if named:
            return named[0]
        return self.section.figures[0] if self.section.figures else None

    @property
    def anchor(self) -> str:
        return f"finding-{abs(hash((self.section.key, self.finding.headline))) % 10**8}"


@dataclass(frozen=True)
class Branding:
    """Colours, logo and organisation name from workbook.toml (checked, never trusted)."""

    organisation: str
    primary: str = DEFAULT_PRIMARY
    accent: str = DEFAULT_ACCENT
    logo: bytes | None = None
    logo_mime: str = ""
    logo_name: str = ""

    @property
    def logo_data_uri(self) -> str:
        if self.logo is None:
            return ""
        import base64

        return f"data:{self.logo_mime};base64,{base64.b64encode(self.logo).decode('ascii')}"


@dataclass(frozen=True)
class Report:
    """Everything the four formats show, computed once."""

    title: str
    branding: Branding
    date: str
    data_folder: str
    respondents: tuple[tuple[str, int], ...]
    intro: str
    summary: tuple[KeyFinding, ...]
    more: tuple[KeyFinding, ...]
    sections: tuple[Section, ...]
    skipped: tuple[SkippedSection, ...]
    min_group_size: int
    min_text_group_size: int
    names: bool
    warnings: tuple[str, ...]
    references: tuple[Reference, ...]
    claims: tuple[Claim, ...] = CLAIMS
    build_notes: tuple[str, ...] = field(default=())
    #: The warning every output carries when a minimum group size is below the safe one.
    privacy_warning: str | None = None
    #: Individual-level tables left out of this (client) report: in the analyst's copy only.
    individual_left_out: tuple[str, ...] = field(default=())
    #: "What to do next": the movement plan's steps (what, how) in plain words, after the
    #: findings of the main body; empty when the plan could not be made.
    next_steps: tuple[tuple[str, str], ...] = field(default=())

    @property
    def figures(self) -> list[ReportFigure]:
        return [f for s in self.sections for f in s.figures]

    @property
    def tables(self) -> list[ReportTable]:
        return [t for s in self.sections for t in s.tables]

    @property
    def finding_pages(self) -> tuple[KeyFinding, ...]:
        """The main body: the summary's findings, then one more per remaining section."""
        return self.summary + self.more

    @property
    def quotes(self) -> list[tuple[str, str]]:
        return [q for s in self.sections for q in s.quotes]

    @property
    def overview(self) -> Section | None:
        return next((s for s in self.sections if s.key == OVERVIEW_KEY), None)


# ---------------------------------------------------------------- building blocks
def _branding(workbook: Workbook, notes: list[str]) -> Branding:
    config = workbook.config
    raw = dict(config.branding)
    primary = safe_colour(raw.get("primary"), DEFAULT_PRIMARY)
    accent = safe_colour(raw.get("accent"), DEFAULT_ACCENT)
    for key, used in (("primary", primary), ("accent", accent)):
        if key in raw and safe_colour(raw[key], "") != used:
            notes.append(f"workbook.toml [branding] {key} = {raw[key]!r} is not a colour like "
                         f"#1F4E79; the default {used} was used.")
    mime = name = ""
    data: bytes | None = None
    if raw.get("logo"):
        path = (Path(workbook.folder) / raw["logo"]).resolve()
        mime = mimetypes.guess_type(path.name)[0] or ""
        if mime not in ("image/png", "image/jpeg", "image/gif", "image/svg+xml"):
            notes.append(f"workbook.toml [branding] logo = {raw['logo']!r}: expected a PNG, JPEG, "
                         "GIF or SVG file; the report has no logo.")
        else:
            try:
                data = read_input(Path(workbook.folder) / raw["logo"], limit=LIMITS.logo_bytes,
                                  folder=workbook.folder, what="logo")
                name = path.name
            except UnsafeInput as err:
                notes.append(f"workbook.toml [branding] logo = {raw['logo']!r} was not "
                             f"read: it {err} The logo must be an image file in the data "
                             "folder; the report has no logo.")
    return Branding(organisation=config.organisation, primary=primary, accent=accent,
                    logo=data, logo_mime=mime if data is not None else "", logo_name=name)


def _withheld(result: DiagnosticResult) -> tuple[Withheld, ...]:
    """Counts of withheld groups per grouping; one reason per group (its first)."""
    first: dict[tuple[str, str], str] = {}
    for s in result.suppressed:
        first.setdefault((s.dimension, s.group), _reason_kind(s.reason))
    why: dict[tuple[str, str], str] = {}
    for s in result.suppressed:
        why.setdefault((s.dimension, s.group), s.reason)
    by_dim: dict[str, Counter[str]] = {}
    named: dict[str, list[tuple[str, str]]] = {}
    for (dimension, group), reason in first.items():
        by_dim.setdefault(dimension, Counter())[reason] += 1
        named.setdefault(dimension, []).append((group, why[(dimension, group)]))
    return tuple(Withheld(d, sum(c.values()), tuple(sorted(c.items())), tuple(named[d]))
                 for d, c in by_dim.items())


def _plain_reason(reason: str) -> str:
    """A guard's reason in a client's words.

    Examples
    --------
    >>> _plain_reason("fewer than 5 respondents")
    'fewer than 5 people answered'
    >>> _plain_reason('fewer than 5 respondents: counted in "Other (small groups)"')
    'fewer than 5 people answered; counted in "Other (small groups)"'
    """
    if reason.startswith("fewer than"):
        head, _, tail = reason.partition(":")
        text = head.replace("respondents", "people answered").replace("distinct authors",
                                                                       "people wrote")
        return text + (f";{tail}" if tail else "")
    if "subtraction" in reason:
        return "shown with its parent group, the rest would be too few people"
    if "hidden as well" in reason:
        return "not shown so that a smaller group cannot be worked out from the total"
    if reason.startswith("counted in"):
        return reason
    if "another figure of this report" in reason:
        return "another part of the report covers nearly the same people"
    return reason


def _reason_kind(reason: str) -> str:
    if reason.startswith("fewer than"):
        return "below the minimum group size"
    if "subtraction" in reason:
        return "its remainder is below the minimum"
    if "hidden as well" in reason:
        return "hidden so a smaller group cannot be worked out"
    return reason


def _figure_title(fig: go.Figure, fallback: str) -> str:
    text = fig.layout.title.text if fig.layout.title is not None else None
    return plain_text(str(text)).replace("\n", " ") if text else fallback


def figure_label(section_title: str, figure_title: str) -> str:
    """A figure's name in a list of figures: its section and its own title, said once.

    Examples
    --------
    >>> figure_label("Unconventional indicators", "Unconventional indicators of the movement")
    'Unconventional indicators of the movement'
    >>> figure_label("Tribes", "Tribes"), figure_label("Tribes", "Size of each tribe")
    ('Tribes', 'Tribes: Size of each tribe')
    """
    if figure_title in (section_title, ""):
        return section_title
    if figure_title.lower().startswith(section_title.lower()):
        return figure_title
    return f"{section_title}: {figure_title}"


def _words_cut(text: str, limit: int = 31) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0].rstrip(" -–,")
    return cut if cut else text[:limit]


def sheet_label(title: str, key: str, name: str) -> str:
    """A readable sheet name: the table's own name in words, or the topic for its main table.

    Examples
    --------
    >>> sheet_label("Tribes", "tribes", "tribes"), sheet_label("Tribes", "tribes", "tribe_segment")
    ('Tribes', 'Tribe segment')
    >>> sheet_label("Non-negotiable behaviours", "non_negotiables", "adherence by group")
    'Adherence by group'
    """
    own = name[len(key):].strip(" _") if name.startswith(key) else name
    if not own or own == key:
        return title
    text = own.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _unique_sheet(name: str, used: set[str], topic: str = "") -> str:
    base = _SHEET_BAD.sub("-", name).strip() or "table"
    if base.lower() == "history":
        base = "history table"
    base = _words_cut(base)
    if base.lower() in used and topic:
        base = _words_cut(f"{topic} - {base}")
    candidate, i = base[:31], 2
    while candidate.lower() in used:
        suffix = f"~{i}"
        candidate = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(candidate.lower())
    return candidate


class _ClientWords:
    """People shown as pseudonyms (or ids), and attribute names in words ("tenure_band" ->
    "tenure") in every text of the report's figures and findings."""

    def __init__(self, people: People, attributes: Sequence[str]) -> None:
        self.people = people
        names = sorted((a for a in attributes if "_" in a), key=len, reverse=True)
        self.words = {a: column_title(a).lower() for a in names}
        self.pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b") if names else None

    def text(self, text: str) -> str:
        return self._in_words(self.people.text(text))

    def sentence(self, text: str) -> str:
        return self._in_words(self.people.sentence(text))

    @property
    def names(self) -> bool:
        return self.people.names

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self.people.frame(frame)

    def unlabelled(self, text: str) -> str:
        return self._in_words(self.people.unlabelled(text))

    def _in_words(self, shown: str) -> str:
        """Attribute names (``tenure_band``) in the words of their column titles."""
        if self.pattern is not None and "_" in shown:
            shown = self.pattern.sub(lambda m: self.words[m.group(1)], shown)
        return shown

    def __getattr__(self, name: str) -> Any:
        return getattr(self.people, name)


class _Builder:
    def __init__(self, workbook: Workbook, people: Any) -> None:
        self.workbook = workbook
        self.people = people
        self.sheets: set[str] = {"contents", "about"}
        self.n_fig = 0
        #: individual-level tables left out of the client report (section: name)
        self.individual: list[str] = []

    def figure(self, section: str, name: str, fig: go.Figure, fallback: str) -> ReportFigure:
        import plotly.graph_objects as go

        self.n_fig += 1
        data = fig.to_dict()
        changed = [False]

        def people(text: str) -> str:
            shown = self.people.text(text) if self.people.names else self.people.unlabelled(text)
            changed[0] = changed[0] or shown != text
            return shown

        mapped = map_strings(data, people, skip=_NO_TEXT)
        shown = go.Figure(mapped) if changed[0] else fig
        safe = map_strings(mapped, escape_markup, skip=_NO_TEXT)
        return ReportFigure(id=f"fig-{self.n_fig}", section=section, name=name,
                            title=_figure_title(shown, fallback), figure=shown, safe=safe)

    def table(self, section: str, name: str, frame: pd.DataFrame,
              title: str = "") -> ReportTable | None:
        if not self.people.names:
            if individual_level(frame):
                self.individual.append(f"{section}: {name}")
                return None
            frame = frame.drop(columns=[c for c in _RECORD_KEYS if c in frame.columns])
        label = sheet_label(title or column_title(section), section, name)
        return ReportTable(section=section, name=name,
                           sheet=_unique_sheet(label, self.sheets, title.split(":")[0]),
                           frame=self.people.frame(frame))

    def section(self, key: str, result: DiagnosticResult) -> Section:
        figures = tuple(self.figure(key, name, fig, result.title)
                        for name, fig in result.figures().items())
        title = result.title or column_title(key)
        tables = tuple(t for name, frame in result.tables().items()
                       if (t := self.table(key, name, frame, title)) is not None)
        text = self.people.text
        findings = tuple(Finding(text(f.headline), f.value, text(f.uncertainty), f.weight,
                                 meaning=text(f.meaning), action=text(f.action),
                                 statistics=text(f.statistics), figure=f.figure)
                         for f in result.findings())
        quotes = tuple((text(about), text(quote)) for about, quote in result.quotations())
        return Section(key=key, title=result.title or key, method=result.method,
                       figures=figures, tables=tables, findings=findings,
                       notes=tuple(client_text(self.people.sentence(n)) for n in result.notes),
                       warnings=tuple(client_text(self.people.sentence(w)) for w in result.warnings),
                       withheld=_withheld(result), quotes=quotes)

    def overview(self) -> Section | None:
        """"Who answered": respondents per wave and per attribute, through the guard."""
        from ..overview import participation

        wb = self.workbook
        if not wb.attributes:
            return None
        figures: list[ReportFigure] = []
        tables: list[ReportTable] = []
        withheld: list[Withheld] = []
        method = ""
        for attribute in wb.attributes[:4]:
            result = participation(wb, by=attribute)
            method = result.method
            figures.append(self.figure(OVERVIEW_KEY, attribute, result.figure(),
                                       f"Respondents by {column_title(attribute).lower()}"))
            table = self.table(OVERVIEW_KEY, f"Who answered by {column_title(attribute).lower()}",
                               result.to_frame(), "Who answered")
            if table is not None:
                tables.append(table)
            withheld.extend(_withheld(result))
        return Section(key=OVERVIEW_KEY, title="Who answered", method=method,
                       figures=tuple(figures), tables=tuple(tables), findings=(),
                       notes=(), warnings=(), withheld=tuple(withheld))


def individual_level(frame: pd.DataFrame) -> bool:
    """Whether a table describes people one by one (beyond a plain list of pseudonyms).

    Examples
    --------
    >>> individual_level(pd.DataFrame({"person": ["P-1"], "passion": [4.2]}))
    True
    >>> individual_level(pd.DataFrame({"order": [1], "person": ["P-1"]}))
    False
    >>> individual_level(pd.DataFrame({"group": ["Sales"], "n": [40]}))
    False
    """
    columns = {str(c) for c in frame.columns}
    if isinstance(frame.index, pd.MultiIndex):
        columns |= {str(n) for n in frame.index.names if n is not None}
    elif frame.index.name is not None:
        columns.add(str(frame.index.name))
    people = columns & PERSON_COLUMNS
    return bool(people) and bool(columns - people - _LIST_COLUMNS)


def select_findings(candidates: Sequence[tuple[Finding, Section]], *, most: int = 7,
                    least: int = 5, per_section: int = 2) -> list[KeyFinding]:
    """The findings that matter most, heaviest first, from as many sections as possible.

    Each section's heaviest finding comes first (by weight, up to ``most``), then each
    section's second, and so on up to ``per_section``; when fewer than ``least`` are
    chosen, the heaviest of the rest fill up.

    Examples
    --------
    >>> from diagnostics import Finding
    >>> s = {k: Section(k, k, "", (), (), (), (), (), ()) for k in "abcde"}
    >>> found = [(Finding(f"a{i}", weight=0.9 - i / 10), s["a"]) for i in range(6)]
    >>> found += [(Finding(k, weight=0.1), s[k]) for k in "bcde"]
    >>> [k.finding.headline for k in select_findings(found)]
    ['a0', 'a1', 'b', 'c', 'd', 'e']
    """
    order = sorted(range(len(candidates)), key=lambda i: (-candidates[i][0].weight, i))
    chosen: list[int] = []
    per: Counter[str] = Counter()
    for round_ in range(per_section):
        for i in order:
            if len(chosen) >= most:
                break
            key = candidates[i][1].key
            if i not in chosen and per[key] == round_:
                chosen.append(i)
                per[key] += 1
    for i in order:
        if len(chosen) >= least:
            break
        if i not in chosen:
            chosen.append(i)
    chosen.sort(key=lambda i: (-candidates[i][0].weight, i))
    return [KeyFinding(candidates[i][0], candidates[i][1]) for i in chosen]


def build_report(results: RunResults, *, names: bool = False, progress: bool = False,
                 on_progress: Callable[[str, int, int], Any] | None = None) -> Report:
    """Gather what every format of the report shows, once.

    Parameters
    ----------
    results
        What :func:`diagnostics.run_all` produced.
    names
        Show respondent ids instead of pseudonyms (analyst use only).
    progress
        Show a progress bar.
    on_progress
        Called with (step, done, total) as each section is gathered (for the notebook panel).

    Returns
    -------
    Report

    Examples
    --------
    >>> from diagnostics import load, run_all
    >>> report = build_report(run_all(load("data/sample"), only=[]))
    >>> report.sections[0].title, report.intro.split(",")[0]
    ('Who answered', '470 people answered the latest survey (2025-H2)')
    """
    from ..runner import CONTRACT_KEYS, steps

    workbook = results.workbook
    people = People(workbook.survey["respondent_id"], workbook.guard.pseudonym, names=names)
    builder = _Builder(workbook, _ClientWords(people, workbook.attributes))
    notes: list[str] = []
    branding = _branding(workbook, notes)
    titles = {s.key: s.title for s in steps()}
    ran = [(k, v) for k, v in results.results.items() if isinstance(v, DiagnosticResult)]
    total = len(ran) + 1
    sections: list[Section] = []
    with tqdm(total=total, desc="report: sections", unit="section", disable=not progress,
              leave=False) as bar:
        overview = builder.overview()
        if overview is not None:
            sections.append(overview)
        bar.update(1)
        if on_progress is not None:
            on_progress("Who answered", 1, total)
        for i, (key, result) in enumerate(ran, start=2):
            bar.set_postfix_str(result.title or key)
            try:
                sections.append(builder.section(key, result))
            except DiagnosticsError as err:
                notes.append(f"{result.title or key}: could not be shown ({err}).")
            bar.update(1)
            if on_progress is not None:
                on_progress(result.title or key, i, total)
    titles = {**CONTRACT_TITLES, **titles}
    skipped = tuple(SkippedSection(k, titles.get(k, column_title(k)), client_text(v.reason))
                    for k, v in results.results.items() if isinstance(v, Skipped))
    skipped += tuple(SkippedSection(k, titles[k], "Not available in this version of the workbook")
                     for k in CONTRACT_KEYS if k not in results.results)
    plan = results.results.get(PLAN_KEY)
    plan_steps = getattr(plan, "steps", None)
    next_steps: tuple[tuple[str, str], ...] = tuple(
        (builder.people.text(what), builder.people.text(how))
        for what, how in plan_steps()) if callable(plan_steps) else ()
    # the plan has its own page ("What to do next"), so its findings take no finding page
    body = [s for s in sections if not s.appendix_only and s.key != OVERVIEW_KEY
            and not (next_steps and s.key == PLAN_KEY)]
    candidates = [(f, s) for s in body for f in s.findings]
    summary = tuple(select_findings(candidates))
    shown = {(k.section.key, k.finding.headline) for k in summary}
    covered = {k.section.key for k in summary}
    more: list[KeyFinding] = []
    for s in body:
        rest = [f for f in s.findings if (s.key, f.headline) not in shown]
        if s.key not in covered and rest and s.figures:
            more.append(KeyFinding(max(rest, key=lambda f: f.weight), s))
    # the "What to do next" page counts against the main body's length
    more = more[:max(0, MAX_FINDING_PAGES - len(summary) - (1 if next_steps else 0))]
    sizes = workbook.survey.groupby("wave", sort=False).size()
    respondents = tuple((w, int(sizes.get(w, 0))) for w in workbook.waves)
    latest_wave, latest_n = respondents[-1]
    intro = (f"{count(latest_n, 'person')} answered the latest survey ({latest_wave})"
             if len(respondents) > 1 else f"{count(latest_n, 'person')} answered the survey")
    if len(respondents) > 1:
        earlier = "; ".join(f"{n} in {w}" for w, n in respondents[:-1])
        intro += f", against {earlier}"
    intro += (". Below are the findings that matter most, each with what it means and one "
              "recommended action; a page on each follows. No figure in this report describes "
              f"a group of fewer than {workbook.guard.min_group_size} people.")
    keys = {s.key for s in sections}
    return Report(
        title="Culture diagnostic",
        branding=branding,
        date=_dt.date.today().isoformat(),
        data_folder=Path(workbook.folder).name,
        respondents=respondents,
        intro=intro,
        summary=summary,
        more=tuple(more),
        sections=tuple(sections),
        skipped=skipped,
        min_group_size=workbook.guard.min_group_size,
        min_text_group_size=workbook.guard.threshold(text=True),
        names=names,
        warnings=tuple(client_text(people.sentence(w)) for w in results.warnings),
        privacy_warning=workbook.config.privacy_warning,
        individual_left_out=tuple(builder.individual),
        references=tuple(references_for(keys)),
        build_notes=tuple(notes),
        next_steps=next_steps,
    )
