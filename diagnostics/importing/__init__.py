"""Turning raw survey exports into a data folder: ``culture-diagnostics import``.

One small module per layout (:mod:`.qualtrics`, :mod:`.surveymonkey`, :mod:`.msforms`,
:mod:`.googleforms`, :mod:`.glint`) says what each column is; :mod:`.convert` keeps the real,
finished responses, recognises each question's answer ladder (:mod:`diagnostics.answers`),
and writes ``survey.csv``, a drafted ``codebook.csv``, ``comments.csv`` and
``import-report.txt`` whole or not at all.
"""

from __future__ import annotations

from .convert import ImportResult, import_export

__all__ = ["ImportResult", "import_export"]
