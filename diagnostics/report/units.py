"""One report per unit: a department (or any attribute's group), or a manager's reporting line.

``culture-diagnostics report DATA --out DIR --by department`` writes, for every department
that passes the privacy rules (at least ``min_group_size`` respondents, and at least as many
in the rest of the organisation), a report of that unit comparing it with the organisation,
and an index page listing the units written and those skipped with the reason.
``--by manager`` does the same for every manager's whole reporting line (everyone under them,
directly or not) from ``roster.csv`` (``respondent_id``, ``manager_id``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from ..errors import ConfigError, InsufficientDataError
from ..outputs import staged_directory
from ..runner import RunOptions, RunResults, run_all
from ..units import read_reporting_lines, reporting_lines, unit_comparison
from ..workbook import Workbook

__all__ = ["write_unit_reports", "UnitReports", "UNIT_STEPS"]

#: The diagnostics each unit's report runs (besides the comparison with the organisation).
UNIT_STEPS: tuple[str, ...] = ("favourability", "enps", "drivers", "comments")


# --------------------------------------------------------------------------- writing

@dataclass(frozen=True)
class UnitReports:
    """What :func:`write_unit_reports` wrote: the index page, the units written and skipped."""

    index: Path
    written: dict[str, Path]
    skipped: dict[str, str]


def _slug(text: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "unit"
    slug, i = base, 2
    while slug in used:
        slug, i = f"{base}-{i}", i + 1
    used.add(slug)
    return slug


def _units(workbook: Workbook, by: str, names: bool) -> dict[str, set[str]]:
    latest = workbook.responses()
    if by == "manager":
        roster = workbook.roster
        if roster is not None and "manager_id" in roster:
            lines = reporting_lines(roster.drop_duplicates("respondent_id", keep="last"))
        else:
            lines = read_reporting_lines(workbook.folder)
        present = set(latest["respondent_id"])
        return {(m if names else f"Reporting line of {workbook.guard.pseudonym(m)}"):
                members & present for m, members in lines.items()}
    if by not in workbook.attributes:
        raise ConfigError(f"--by {by}: not an attribute of the survey; attributes: "
                          f"{', '.join(workbook.attributes) or 'none'}, or manager.")
    labels = latest[by].astype("string")
    return {str(g): set(latest.loc[(labels == g).fillna(False).to_numpy(), "respondent_id"])
            for g in sorted(labels.dropna().unique())}


def _index_html(title: str, by: str, written: dict[str, Path], skipped: dict[str, str],
                out: Path) -> str:
    rows = "".join(f"<li><a href='{html.escape(p.relative_to(out).as_posix())}/report.html'>"
                   f"{html.escape(u)}</a></li>" for u, p in written.items())
    skips = "".join(f"<li>{html.escape(u)}: {html.escape(r)}</li>" for u, r in skipped.items())
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
            "max-width:50em;margin:2em auto}}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p>One report per {html.escape(by)}, each comparing "
            "the unit with the rest of the organisation.</p>"
            f"<h2>Reports written ({len(written)})</h2><ul>{rows}</ul>"
            f"<h2>Units without a report ({len(skipped)})</h2><ul>{skips or '<li>none</li>'}</ul>"
            "</body></html>")


def write_unit_reports(workbook: Workbook, out: str | Path, *, by: str,
                       formats: Sequence[str] | str = ("html",),
                       options: RunOptions | None = None, names: bool = False,
                       progress: bool = False,
                       on_unit: Callable[[str], Any] | None = None) -> UnitReports:
    """Write one report per unit of ``by`` (an attribute, or ``"manager"``) and an index page.

    Parameters
    ----------
    workbook
        A loaded data folder.
    out
        The output folder: ``index.html`` and one subfolder per unit written.
    by
        An attribute of the survey (e.g. ``department``), or ``"manager"`` for every
        manager's reporting line from ``roster.csv``.
    formats
        Formats of each unit's report (default HTML only).
    options
        Seed and waves (default :class:`~diagnostics.runner.RunOptions`).
    names
        Name managers by their id instead of a pseudonym (analyst use only).
    progress
        Show a progress bar over the units.
    on_unit
        Called with each unit's name before it is written.

    Returns
    -------
    UnitReports
        The index page, the reports written (unit -> folder) and the units skipped with
        their reason.

    Raises
    ------
    ConfigError
        For an unknown attribute, or reporting lines that form a loop.
    DataError
        For ``--by manager`` without a usable ``roster.csv``.

    Examples
    --------
    >>> import tempfile
    >>> from diagnostics import load
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     done = write_unit_reports(load("data/sample", min_group_size=10), tmp, by="level")
    ...     sorted(done.skipped), len(done.written)
    (['Executive'], 4)
    """
    from . import write_report

    options = RunOptions() if options is None else options
    if options.waves:
        workbook = workbook.select_waves(list(options.waves))
    minimum = workbook.guard.min_group_size
    units = _units(workbook, by, names)
    total = len(workbook.responses())
    target = Path(out)
    written: dict[str, Path] = {}
    skipped: dict[str, str] = {}
    used: set[str] = set()
    run_options = replace(options, waves=None, progress=False)
    with staged_directory(target, marker="reports by unit") as stage, tqdm(total=len(units), desc=f"reports by {by}",
                                                 unit="unit", disable=not progress) as bar:
        for unit, members in units.items():
            bar.set_postfix_str(unit[:30])
            if on_unit is not None:
                on_unit(unit)
            size = len(members)
            if size < minimum:
                skipped[unit] = f"fewer than {minimum} respondents"
            elif total - size < minimum:
                skipped[unit] = (f"the rest of the organisation has fewer than {minimum} "
                                 "respondents, so the unit could be worked out by subtraction")
            else:
                part = workbook.survey[workbook.survey["respondent_id"].isin(members)]
                comments = workbook.comments
                if comments is not None:
                    comments = comments[comments["respondent_id"].isin(members)].reset_index(drop=True)
                unit_book = replace(workbook, survey=part.reset_index(drop=True),
                                    waves=tuple(w for w in workbook.waves if w in set(part["wave"])),
                                    comments=comments)
                results = run_all(unit_book, run_options, only=list(UNIT_STEPS))
                merged = dict(results.results)
                try:
                    merged = {"unit_vs_organisation": unit_comparison(workbook, members, unit),
                              **merged}
                except InsufficientDataError as err:
                    skipped[unit] = str(err)
                    bar.update(1)
                    continue
                folder = stage / _slug(unit, used)
                write_report(RunResults(unit_book, merged, results.warnings), folder,
                             formats=formats, names=names)
                written[unit] = target / folder.name
            bar.update(1)
        title = f"Reports by {by}: {workbook.config.organisation}"
        (stage / "index.html").write_text(_index_html(title, by, written, skipped, target),
                                          encoding="utf-8")
    return UnitReports(index=target / "index.html", written=written, skipped=skipped)
