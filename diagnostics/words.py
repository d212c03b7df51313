"""Words for clients: plurals, uncertainty in words, natural order of bands, column names.

Every sentence a client reads (findings, notes, the report, the panels) is written with these
helpers, so that the report never shows "figure(s)", a snake_case column or tenure bands in
alphabetical order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["plural", "count", "percent", "between", "natural_key", "natural_order", "client_text",
           "column_title", "SHARE_COLUMNS", "is_share_column"]

_IRREGULAR = {"person": "people", "is": "are", "was": "were", "has": "have", "this": "these",
              "does": "do", "group figure": "group figures", "diagnostic": "diagnostics",
              "criterion": "criteria", "its": "their"}


def plural(n: float, word: str, many: str | None = None) -> str:
    """``word`` in the singular for one, else in the plural (``many`` or a regular plural).

    Examples
    --------
    >>> plural(1, "figure"), plural(3, "figure"), plural(2, "person"), plural(0, "reply")
    ('figure', 'figures', 'people', 'replies')
    """
    if n == 1:
        return word
    if many is not None:
        return many
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def count(n: float, word: str, many: str | None = None) -> str:
    """The number and the word agreeing with it.

    Examples
    --------
    >>> count(1, "weak link"), count(6, "figure"), count(2, "person")
    ('1 weak link', '6 figures', '2 people')
    """
    shown = f"{int(n):,}" if float(n).is_integer() else f"{n:g}"
    return f"{shown} {plural(n, word, many)}"


def percent(value: float, digits: int = 0) -> str:
    """A share 0-1 as a percentage (``"n/a"`` when not a number).

    Examples
    --------
    >>> percent(0.4567), percent(0.4567, 1), percent(float("nan"))
    ('46%', '45.7%', 'n/a')
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    return f"{100 * float(value):.{digits}f}%"


def between(low: float, high: float, *, share: bool = True, digits: int = 0) -> str:
    """An interval in words: "between 38% and 60%".

    Examples
    --------
    >>> between(0.381, 0.6)
    'between 38% and 60%'
    >>> between(2.345, 3.1, share=False, digits=1)
    'between 2.3 and 3.1'
    """
    if share:
        return f"between {percent(low, digits)} and {percent(high, digits)}"
    return f"between {low:.{digits}f} and {high:.{digits}f}"


_BAND = re.compile(r"^\s*(?P<lt>[<≤]|under|less than)?\s*(?P<a>\d+(?:[.,]\d+)?)"
                   r"\s*(?P<rest>(?:[-–]\s*\d+(?:[.,]\d+)?)?\s*(?P<plus>\+|or more|and over)?)",
                   re.IGNORECASE)


def natural_key(value: Any) -> tuple[int, float, float, str]:
    """Sort key that puts bands in their natural order: "<1", "1-3", "3-5", "5-10", "10+".

    Values that do not start with a number sort after the numeric ones, alphabetically.

    Examples
    --------
    >>> sorted(["1-3 years", "10+ years", "3-5 years", "5-10 years", "<1 year"], key=natural_key)
    ['<1 year', '1-3 years', '3-5 years', '5-10 years', '10+ years']
    """
    text = str(value)
    m = _BAND.match(text)
    if m is None:
        return (1, 0.0, 0.0, text.lower())
    a = float(m.group("a").replace(",", "."))
    lower = a - 0.5 if m.group("lt") else a
    upper = math.inf if m.group("plus") else a
    return (0, lower, upper, text.lower())


def natural_order(values: Iterable[Any]) -> list[Any]:
    """Distinct values in natural order when they are all bands, else as first seen.

    Examples
    --------
    >>> natural_order(["5-10", "<1", "1-3", "10+", "1-3"])
    ['<1', '1-3', '5-10', '10+']
    >>> natural_order(["Sales", "HR", "Sales"])
    ['Sales', 'HR']
    """
    seen = list(dict.fromkeys(v for v in values if v is not None and v == v))
    if seen and all(natural_key(v)[0] == 0 for v in seen):
        return sorted(seen, key=natural_key)
    return seen


#: Column names with their client wording (others: underscores to spaces, first letter up).
_COLUMN_WORDS: dict[str, str] = {
    "n": "People", "people": "People", "respondents": "People", "count": "Count",
    "share": "Share", "share_low": "Share, lower bound", "share_high": "Share, upper bound",
    "ci_low": "Lower bound", "ci_high": "Upper bound", "low": "Lower bound",
    "high": "Upper bound", "mean_low": "Mean, lower bound", "mean_high": "Mean, upper bound",
    "label": "Question", "item": "Question code", "tenure_band": "Tenure",
    "is_leader": "Formal leader", "p": "p-value", "p_adjusted": "Adjusted p-value",
    "sd": "Standard deviation", "in_degree": "Named by", "pagerank": "PageRank",
    "nmi": "Overlap (NMI)", "alpha": "Cronbach's alpha", "n_items": "Questions",
    "item_rest_r": "Item-rest correlation", "alpha_if_deleted": "Alpha without this question",
    "lead_with": "Lead with", "rest_adherence": "Rest of the organisation",
    "importance_item": "Importance question", "practice_item": "Practice question",
    "from_wave": "From wave", "to_wave": "To wave", "story_id": "Story",
    "two_step_reach": "Reach in two steps", "hyper_connected": "Hyper-connected",
    "share_of_group": "Share of the group", "share_of_segment": "Share of the segment",
    "share_top_down": "Share of top-down stories", "share_bottom_up": "Share of bottom-up stories",
    "n_stories": "Stories", "cross_department_share": "Ties across departments",
    "tribes_bridged": "Tribes bridged", "in_strength": "Weighted mentions",
}
_WORDS_IN_NAMES = {"ci": "interval", "pct": "percent", "n": "number of", "nmi": "NMI",
                   "id": "ID", "k": "k"}


def column_title(name: Any) -> str:
    """A column's name as a client reads it.

    Examples
    --------
    >>> column_title("tenure_band"), column_title("share_low"), column_title("mean_certainty")
    ('Tenure', 'Share, lower bound', 'Mean certainty')
    >>> column_title("2025-H1")
    '2025-H1'
    """
    text = str(name)
    if text in _COLUMN_WORDS:
        return _COLUMN_WORDS[text]
    if "_" not in text and not text.islower():
        return text
    words = [_WORDS_IN_NAMES.get(w, w) for w in text.split("_") if w]
    out = " ".join(words).strip() or text
    return out[:1].upper() + out[1:]


#: Columns that hold shares (0-1) when they are numbers between 0 and 1.
SHARE_COLUMNS = re.compile(r"(^|_)(share|rate|reach|glue|percent|adherence|within_2_steps|cohesion|"
                           r"reciprocity|certainty|cross_department_share)(_|$)|"
                           r"^(share|rate)_|_(share|rate)$")


def is_share_column(name: Any, values: Iterable[Any]) -> bool:
    """Whether a column holds shares 0-1 (by its name and its values).

    Examples
    --------
    >>> is_share_column("share_low", [0.1, 0.5]), is_share_column("share", [3.0])
    (True, False)
    >>> is_share_column("rest_adherence", [0.9, 1.0])
    True
    """
    if not SHARE_COLUMNS.search(str(name)):
        return False
    numbers = [float(v) for v in values
               if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v]
    return bool(numbers) and all(-1.0 <= v <= 1.0 for v in numbers)


#: The data files in words a client reads.
_FILES = {"network.csv": "the network survey (who works with whom)",
          "actions.csv": "the record of actions", "initiatives.csv": "the list of initiatives",
          "stories.csv": "the collected stories", "survey.csv": "the survey",
          "codebook.csv": "the list of questions", "workbook.toml": "the settings",
          "roster.csv": "the list of everyone invited", "comments.csv": "the written comments"}
_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def client_text(text: str) -> str:
    """A technical sentence (file names, snake_case) in words a client reads.

    Examples
    --------
    >>> client_text("no network.csv in the data folder")
    'The network survey (who works with whom) was not provided'
    >>> client_text("stories.csv has no author_id")
    'The collected stories have no author id'
    >>> client_text("Storytelling reach: no stories.csv in the data")
    'Storytelling reach: no collected stories in the data'
    """
    text = str(text)
    m = re.fullmatch(r"no (\S+\.(?:csv|toml)) in the data folder\.?", text.strip())
    if m and m.group(1) in _FILES:
        phrase = _FILES[m.group(1)]
        return phrase[:1].upper() + phrase[1:] + " was not provided"
    for name, phrase in _FILES.items():
        text = re.sub(rf"\bno {re.escape(name)}", "no " + phrase.removeprefix("the "), text)
        if text.startswith(name + " has "):
            many = name in ("stories.csv", "comments.csv")
            text = phrase + (" have " if many else " has ") + text[len(name) + 5:]
        text = text.replace(name, phrase)
    text = text.replace("in the data folder", "in the data")
    text = _SNAKE.sub(lambda m: m.group(0).replace("_", " "), text)
    return text[:1].upper() + text[1:]
