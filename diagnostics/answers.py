"""Answer texts: how a typed answer is compared, and the answer ladders the importer knows.

A codebook row may list its answer texts in scale order (``labels``, separated by ``|``)
and the texts that mean "no answer" (``missing_labels``); the loader then reads
``Strongly agree`` as the scale's top point. Texts are compared after :func:`normalise`:
Unicode compatibility forms folded (NFKC), case folded, curly quotes and dashes made plain,
and runs of spaces made one. ``"  STRONGLY  agree "`` and ``"Strongly agree"`` are one answer.

The built-in ladders (English and Dutch) let ``culture-diagnostics import`` recognise a
question's scale from the answer texts it finds: agreement, favourability, satisfaction,
frequency, likelihood, importance, and any ``Very X ... Very un-X`` ladder.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["normalise", "split_labels", "Ladder", "LADDERS", "MISSING_ANSWERS",
           "match_ladder"]

_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                        "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                        "\u2212": "-", "\u00a0": " "})
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form in which two answer texts are compared.

    Examples
    --------
    >>> normalise("  Strongly\\u00a0 AGREE ")
    'strongly agree'
    >>> normalise("Don\\u2019t know") == normalise("don't know")
    True
    """
    folded = unicodedata.normalize("NFKC", str(text)).translate(_PLAIN).casefold()
    return _SPACES.sub(" ", folded).strip()


def split_labels(cell: str) -> list[str]:
    """The answer texts of a codebook ``labels`` cell, in order (``|`` separates them).

    Examples
    --------
    >>> split_labels("Disagree | Neutral|Agree")
    ['Disagree', 'Neutral', 'Agree']
    >>> split_labels("")
    []
    """
    if not str(cell).strip():
        return []
    return [part.strip() for part in str(cell).split("|")]


#: Answers read as "no answer" by the importer (compared after :func:`normalise`).
MISSING_ANSWERS: tuple[str, ...] = (
    "N/A", "NA", "Not applicable", "Does not apply", "Don't know", "Do not know",
    "Unfamiliar (N/A)", "Unfamiliar", "No opinion", "Prefer not to say",
    "Prefer not to answer", "No basis for evaluation", "Cannot say", "Can't say",
    "Niet van toepassing", "N.v.t.", "Nvt", "Weet niet", "Weet ik niet", "Geen mening",
    "Zeg ik liever niet",
)


@dataclass(frozen=True)
class Ladder:
    """An answer ladder: its name and its answer texts from the lowest point to the highest."""

    name: str
    labels: tuple[str, ...]

    def mapping(self, start: int = 1) -> dict[str, int]:
        """Normalised answer text -> scale point (the lowest is ``start``)."""
        return {normalise(t): start + i for i, t in enumerate(self.labels)}


def _ladders() -> tuple[Ladder, ...]:
    en = [
        ("agreement (5 points)", "Strongly disagree|Disagree|Neither agree nor disagree|Agree|"
                                 "Strongly agree"),
        ("agreement (5 points)", "Strongly disagree|Disagree|Neutral|Agree|Strongly agree"),
        ("agreement (5 points)", "Strongly disagree|Somewhat disagree|Neither agree nor "
                                 "disagree|Somewhat agree|Strongly agree"),
        ("agreement (7 points)", "Strongly disagree|Disagree|Somewhat disagree|Neither agree "
                                 "nor disagree|Somewhat agree|Agree|Strongly agree"),
        ("agreement (4 points)", "Strongly disagree|Disagree|Agree|Strongly agree"),
        ("agreement (3 points)", "Disagree|Neither agree nor disagree|Agree"),
        ("favourability (5 points)", "Very unfavourable|Unfavourable|Neutral|Favourable|"
                                     "Very favourable"),
        ("favourability (5 points)", "Very unfavorable|Unfavorable|Neutral|Favorable|"
                                     "Very favorable"),
        ("satisfaction (5 points)", "Very dissatisfied|Dissatisfied|Neither satisfied nor "
                                    "dissatisfied|Satisfied|Very satisfied"),
        ("satisfaction (5 points)", "Very dissatisfied|Somewhat dissatisfied|Neither "
                                    "satisfied nor dissatisfied|Somewhat satisfied|"
                                    "Very satisfied"),
        ("frequency (5 points)", "Never|Rarely|Sometimes|Often|Always"),
        ("frequency (5 points)", "Never|Rarely|Sometimes|Very often|Always"),
        ("frequency (5 points)", "Never|Sometimes|About half the time|Most of the time|Always"),
        ("likelihood (5 points)", "Very unlikely|Unlikely|Neither likely nor unlikely|Likely|"
                                  "Very likely"),
        ("likelihood (5 points)", "Extremely unlikely|Somewhat unlikely|Neither likely nor "
                                  "unlikely|Somewhat likely|Extremely likely"),
        ("importance (5 points)", "Not at all important|Slightly important|Moderately "
                                  "important|Very important|Extremely important"),
        ("importance (5 points)", "Not important|Slightly important|Moderately important|"
                                  "Important|Very important"),
    ]
    nl = [
        ("agreement (5 points, Dutch)", "Helemaal mee oneens|Mee oneens|Neutraal|Mee eens|"
                                        "Helemaal mee eens"),
        ("agreement (5 points, Dutch)", "Zeer mee oneens|Oneens|Neutraal|Eens|Zeer mee eens"),
        ("agreement (5 points, Dutch)", "Helemaal oneens|Oneens|Niet eens, niet oneens|Eens|"
                                        "Helemaal eens"),
        ("agreement (5 points, Dutch)", "Helemaal mee oneens|Mee oneens|Niet mee eens, niet "
                                        "mee oneens|Mee eens|Helemaal mee eens"),
        ("favourability (5 points, Dutch)", "Zeer ongunstig|Ongunstig|Neutraal|Gunstig|"
                                            "Zeer gunstig"),
        ("satisfaction (5 points, Dutch)", "Zeer ontevreden|Ontevreden|Neutraal|Tevreden|"
                                           "Zeer tevreden"),
        ("frequency (5 points, Dutch)", "Nooit|Zelden|Soms|Vaak|Altijd"),
        ("likelihood (5 points, Dutch)", "Zeer onwaarschijnlijk|Onwaarschijnlijk|Neutraal|"
                                         "Waarschijnlijk|Zeer waarschijnlijk"),
        ("importance (5 points, Dutch)", "Helemaal niet belangrijk|Niet belangrijk|Neutraal|"
                                         "Belangrijk|Zeer belangrijk"),
    ]
    return tuple(Ladder(name, tuple(text.split("|"))) for name, text in en + nl)


#: The built-in ladders, English then Dutch.
LADDERS: tuple[Ladder, ...] = _ladders()

_VERY = re.compile(r"^(very|extremely|zeer|heel|erg) (.+)$")
_NEUTRAL = {"neutral", "neutraal", "neither", "average", "gemiddeld", "ok", "okay"}


def _very_ladder(answers: set[str]) -> Ladder | None:
    """A ``Very X ... Very un-X`` ladder built from the answers seen, or ``None``.

    Recognises ``very X``, ``X``, (a neutral point), ``un-X`` / ``unX`` / ``not X`` /
    ``in-X``/``on-X`` (Dutch), ``very un-X`` among the answers, with X any word.
    """
    stems = {m.group(2) for a in answers if (m := _VERY.match(a))}
    for stem in sorted(stems):
        for neg in (f"un{stem}", f"un-{stem}", f"not {stem}", f"in{stem}", f"on{stem}",
                    f"dis{stem}", f"niet {stem}"):
            low = [a for a in answers if (m := _VERY.match(a)) and m.group(2) == neg]
            if not low:
                continue
            very_low, very_high = low[0], next(a for a in answers
                                               if (m := _VERY.match(a)) and m.group(2) == stem)
            order = [very_low]
            if neg in answers:
                order.append(neg)
            order += sorted(a for a in answers if a in _NEUTRAL)
            if stem in answers:
                order.append(stem)
            order.append(very_high)
            if set(order) >= answers - {very_low, very_high}:
                return Ladder(f"'very {stem}' ladder ({len(order)} points)", tuple(order))
    return None


def match_ladder(answers: Iterable[str], *, missing: Sequence[str] = MISSING_ANSWERS
                 ) -> Ladder | None:
    """The first built-in ladder that holds every answer seen, or ``None``.

    ``answers`` are raw texts; those in ``missing`` are ignored. A single distinct answer
    is not enough to recognise a ladder. The ladders are tried in the order of
    :data:`LADDERS` (five points before seven, four and three), so a five-point question
    whose middle answer nobody chose is still read on five points.

    Examples
    --------
    >>> match_ladder(["Agree", "strongly agree", "Disagree", "N/A"]).name
    'agreement (5 points)'
    >>> match_ladder(["Very happy", "Happy", "Unhappy", "Very unhappy"]).labels[0]
    'very unhappy'
    >>> match_ladder(["red", "green"]) is None
    True
    """
    skip = {normalise(m) for m in missing}
    seen = {normalise(a) for a in answers if str(a).strip()} - skip
    if len(seen) < 2:
        return None
    fits = [ladder for ladder in LADDERS if seen <= set(ladder.mapping())]
    if fits:
        return fits[0]
    return _very_ladder(seen)
