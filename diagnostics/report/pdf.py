"""The report as a paginated PDF: the HTML page's content printed by weasyprint.

Charts are images drawn by plotly.js itself (through kaleido) at twice their pixel size,
so they show exactly what the HTML page shows, sharp in print.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .content import Report
from .html import render_html

__all__ = ["write_pdf", "PdfInfo"]


@dataclass(frozen=True)
class PdfInfo:
    """What was written: the file, its page count and the page of each figure (1-based)."""

    path: Path
    pages: int
    figure_pages: dict[str, int]


def write_pdf(report: Report, path: Path, images: Mapping[str, Path]) -> PdfInfo:
    """Print the report to ``path``; ``images`` maps figure ids to their image files."""
    import weasyprint

    folder = {p.parent for p in images.values()}
    base = next(iter(folder)) if len(folder) == 1 else Path.cwd()
    names = {fid: (p.name if p.parent == base else p.resolve().as_uri())
             for fid, p in images.items()}
    page = render_html(report, pdf=True, images=names)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=page, base_url=str(base)).render()
    figure_pages: dict[str, int] = {}
    for number, pg in enumerate(document.pages, start=1):
        for anchor in pg.anchors:
            if anchor.startswith("fig-"):
                figure_pages.setdefault(anchor, number)
    document.write_pdf(path)
    return PdfInfo(path=path, pages=len(document.pages), figure_pages=figure_pages)
