"""Making results safe to show: markup escaped, people pseudonymised, formulas neutralised.

Free text from the data (story text, labels, names) reaches the report through figure
titles, hover text, axis categories and table cells. Each output needs its own care:

* plotly.js (HTML page and PDF images) reads a small set of tags (``<b>``, ``<br>``, ...)
  in every string and drops the others, so a story with ``<script>`` would lose its
  text: :func:`escape_markup` keeps the plot code's own tags and turns every other
  ``<`` and ``>`` into entities, which plotly.js shows as the characters themselves;
* PowerPoint shows text as it is: :func:`plain_text` removes the plot code's tags only;
* a spreadsheet evaluates a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return as a formula: :func:`formula_like` finds them so the writer stores
  them as text;
* people: :class:`People` maps respondent ids to pseudonyms (or back, with ``names``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["escape_markup", "plain_text", "formula_like", "People", "map_strings",
           "safe_colour"]

#: Tags that plotly.js itself understands in text, as the plot code writes them.
_PLOTLY_TAG = re.compile(
    r"<(?:br\s*/?|/?(?:b|i|em|sup|sub|s|u|extra)|span(?:\s+style=(?:\"[^\"<>]*\"|'[^'<>]*'))?|/span)>",
    re.IGNORECASE)
_PSEUDONYM = re.compile(r"\bP-[0-9a-f]{6,64}\b")
#: A word that announces respondent ids, and the list of ids after it (digits, commas,
#: "and", "or", spaces, quotes, brackets), for :meth:`People.sentence`.
_ID_CONTEXT = re.compile(
    r"((?:respondent|respondents|respondent_id|person|people|id|ids|source|target|author|"
    r"author_id|manager_id)\b[\s:=]*(?:ids?\b[\s:=]*)?)"
    r"((?:[\[('\"]*\d+[\])'\"]*(?:\s*(?:,|and|or|&)\s*|\s+))*[\[('\"]*\d+[\])'\"]*)",
    re.IGNORECASE)
#: The loader's "column `target`: value `17`" when the column holds people.
_ID_VALUE = re.compile(r"(column `(?:respondent_id|source|target|author_id|sponsor_id|"
                       r"manager_id|person)`: value `)([^`]*)(`)")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def escape_markup(text: str) -> str:
    """Keep plotly's own tags in ``text``; show every other ``<`` and ``>`` as a character.

    Examples
    --------
    >>> escape_markup("<b>Trust</b> <script>alert(1)</script>")
    '<b>Trust</b> &lt;script&gt;alert(1)&lt;/script&gt;'
    >>> escape_markup("a < 5 and b > 3")
    'a &lt; 5 and b &gt; 3'
    """
    if "<" not in text and ">" not in text:
        return text
    out: list[str] = []
    last = 0
    for match in _PLOTLY_TAG.finditer(text):
        out.append(text[last:match.start()].replace("<", "&lt;").replace(">", "&gt;"))
        out.append(match.group(0))
        last = match.end()
    out.append(text[last:].replace("<", "&lt;").replace(">", "&gt;"))
    return "".join(out)


def plain_text(text: str) -> str:
    """``text`` without plotly's tags (``<br>`` becomes a line break), entities decoded.

    Examples
    --------
    >>> plain_text("<b>Adherence</b><br>by department &amp; level")
    'Adherence\\nby department & level'
    >>> plain_text("<script>x</script>")
    '<script>x</script>'
    """
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
    return html.unescape(_PLOTLY_TAG.sub("", text))


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (or a formula's start).

    Examples
    --------
    >>> [formula_like(t) for t in ["=SUM(A1)", "+1", "-x", "@x", "\\tx", "plain", ""]]
    [True, True, True, True, True, False, False]

    Leading spaces and line breaks are not trimmed away first (a program that trims cells
    would otherwise meet the formula behind them):

    >>> [formula_like(t) for t in ["\\t=2+3", "\\r\\n=HYPERLINK(1)", "  =1", "\\u00a0@x", "a=b"]]
    [True, True, True, True, False]
    """
    if not text:
        return False
    if text[0] in "=+-@\t\r\n":
        return True
    return text.lstrip()[:1] in ("=", "+", "-", "@")


def safe_colour(value: object, default: str) -> str:
    """A ``#rrggbb`` colour from workbook.toml, or ``default`` when it is not one.

    Examples
    --------
    >>> safe_colour("#1F4E79", "#000000"), safe_colour("red;} body{", "#000000")
    ('#1F4E79', '#000000')
    """
    text = str(value).strip() if value is not None else ""
    if not _HEX.match(text):
        return default
    if len(text) == 4:
        text = "#" + "".join(c * 2 for c in text[1:])
    return text.upper()


def map_strings(value: Any, fn: Callable[[str], str], *, skip: frozenset[str] = frozenset()) -> Any:
    """Apply ``fn`` to every string inside nested dicts, lists and arrays (a copy)."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:  # a typed array (numbers): no text
            return value
        return {k: (v if k in skip else map_strings(v, fn, skip=skip)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [map_strings(v, fn, skip=skip) for v in value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        return np.array([map_strings(v, fn, skip=skip) for v in value.tolist()], dtype=object)
    return value


class People:
    """Respondent ids and their pseudonyms, to show people one way throughout a report.

    Parameters
    ----------
    ids
        Every respondent id of the data folder.
    pseudonym
        The guard's pseudonym function (``workbook.guard.pseudonym``).
    names
        ``False`` (default): any respondent id in a figure or table is shown as its
        pseudonym. ``True``: pseudonyms written by the diagnostics are shown as ids.

    Examples
    --------
    >>> from diagnostics import PrivacyGuard
    >>> guard = PrivacyGuard()
    >>> people = People(["E0001", "E0002"], guard.pseudonym)
    >>> people.text("E0001 and E0002") == f"{guard.pseudonym('E0001')} and {guard.pseudonym('E0002')}"
    True
    >>> People(["E0001"], guard.pseudonym, names=True).text(guard.pseudonym("E0001"))
    'E0001'
    """

    def __init__(self, ids: Iterable[object], pseudonym: Callable[[object], str], *,
                 names: bool = False) -> None:
        self.names = names
        unique = sorted({str(i) for i in ids}, key=lambda s: (-len(s), s))
        self._to_pseudonym = {i: pseudonym(i) for i in unique}
        self._to_id = {p: i for i, p in self._to_pseudonym.items()}
        # Ids made of digits only are too easily confused with other numbers in free text:
        # they are mapped only where a whole string is an id.
        wordy = [i for i in unique if not i.isdigit()]
        self._id_pattern = (re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, wordy)) + r")(?![\w-])")
                            if wordy else None)
        digits = [i for i in unique if i.isdigit()]
        self._digits = (re.compile(r"(?<![\w.-])(?:" + "|".join(map(re.escape, digits)) + r")(?![\w.])")
                        if digits else None)

    def unlabelled(self, text: str) -> str:
        """``text`` with every person left out: a whole-string id or pseudonym becomes ``""``,
        one inside a sentence becomes "a person" (figures of the client report, where a
        point's position is a person's own score).

        Examples
        --------
        >>> from diagnostics import PrivacyGuard
        >>> guard = PrivacyGuard()
        >>> people = People(["E0001", "17"], guard.pseudonym)
        >>> people.unlabelled("E0001"), people.unlabelled("17"), people.unlabelled(guard.pseudonym("17"))
        ('', '', '')
        >>> people.unlabelled("E0001 (passion 4.2)")
        'a person (passion 4.2)'
        """
        if self.names:
            return self.text(text)
        if text in self._to_pseudonym or text in self._to_id:
            return ""
        shown = self.text(text)
        return _PSEUDONYM.sub("a person", shown) if "P-" in shown else shown

    def sentence(self, text: str) -> str:
        """``text`` (a warning or note) with people shown the report's way, ids made of
        digits included when a word such as "respondent" or "id" precedes them.

        Examples
        --------
        >>> from diagnostics import PrivacyGuard
        >>> guard = PrivacyGuard()
        >>> people = People(["17", "204"], guard.pseudonym)
        >>> people.sentence("respondent_id 17 and 204 appear twice; 17 groups") == (
        ...     f"respondent_id {guard.pseudonym('17')} and {guard.pseudonym('204')} appear twice; 17 groups")
        True
        >>> people.sentence("line 9, column `target`: value `17`: a self-tie") == (
        ...     f"line 9, column `target`: value `{guard.pseudonym('17')}`: a self-tie")
        True
        """
        shown = self.text(text)
        if self.names or self._digits is None:
            return shown
        shown = _ID_VALUE.sub(lambda m: m.group(1) + self._to_pseudonym.get(m.group(2), m.group(2))
                              + m.group(3), shown)
        return _ID_CONTEXT.sub(lambda m: m.group(1) + self._digits.sub(  # type: ignore[union-attr]
            lambda d: self._to_pseudonym[d.group(0)], m.group(2)), shown)

    def text(self, text: str) -> str:
        """``text`` with people shown the report's way."""
        if self.names:
            if "P-" not in text:
                return text
            return _PSEUDONYM.sub(lambda m: self._to_id.get(m.group(0), m.group(0)), text)
        if text in self._to_pseudonym:
            return self._to_pseudonym[text]
        if self._id_pattern is None:
            return text
        return self._id_pattern.sub(lambda m: self._to_pseudonym[m.group(0)], text)

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``frame`` with people shown the report's way (index kept as a column)."""
        out = frame.copy()
        if not isinstance(out.index, pd.RangeIndex):
            out = out.reset_index()
        out.columns = [self.text(str(c)) for c in out.columns]
        for col in out.columns:
            series = out[col]
            if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
                out[col] = series.map(lambda v: self.text(v) if isinstance(v, str) else v)
        return out
