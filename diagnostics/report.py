"""The client report (a first, HTML-only version; the full report lives here too)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from .errors import ConfigError
from .outputs import atomic_write_text
from .results import DiagnosticResult, Skipped
from .runner import RunResults

__all__ = ["write_report", "SUPPORTED_FORMATS"]

SUPPORTED_FORMATS: tuple[str, ...] = ("html",)


def _section(key: str, value: DiagnosticResult | Skipped, first: list[bool]) -> str:
    if isinstance(value, Skipped):
        return f"<li><b>{html.escape(key)}</b>: skipped ({html.escape(value.reason)})</li>"
    parts = [f"<section><h2>{html.escape(value.title or key)}</h2>"]
    for fig in value.figures().values():
        parts.append(fig.to_html(full_html=False, include_plotlyjs="inline" if first[0] else False))
        first[0] = False
    parts.append(value.to_frame().head(30).to_html(index=False, escape=True, na_rep=""))
    parts.append("</section>")
    return "".join(parts)


def write_report(results: RunResults, out: str | Path, *, formats: Sequence[str] = ("html",),
                 names: bool = False, progress: bool = False) -> list[Path]:
    """Write the report for ``results`` into folder ``out``; returns the files written."""
    unknown = [f for f in formats if f not in SUPPORTED_FORMATS]
    formats = [f for f in formats if f in SUPPORTED_FORMATS]
    if not formats:
        raise ConfigError(f"None of the formats {', '.join(unknown)} can be written yet; "
                          f"available: {', '.join(SUPPORTED_FORMATS)}.")
    first = [True]
    wb = results.workbook
    sections = [_section(k, v, first) for k, v in results.results.items()
                if isinstance(v, DiagnosticResult)]
    skipped = [_section(k, v, first) for k, v in results.results.items() if isinstance(v, Skipped)]
    body = (f"<h1>{html.escape(wb.config.organisation)}: culture diagnostic</h1>"
            + "".join(sections) + "<h2>Not run</h2><ul>" + "".join(skipped) + "</ul>")
    page = f"<!doctype html><html><head><meta charset='utf-8'><title>Report</title></head><body>{body}</body></html>"
    return [atomic_write_text(Path(out) / "report.html", page)]
