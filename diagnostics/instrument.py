"""The questionnaire that collects what the workbook's diagnostics need.

:func:`build_instrument` assembles the questions: motivation items for the frame
segments, behaviour items (the client's own non-negotiables in the first slots), how
important people find three team practices, energy items, outcome items with an eNPS
question, a checklist of engagement actions for the activism ladder, three network
name generators (advice, energy, influence) and a story prompt with its direction.
Each question carries its provenance and its text in English and Dutch.

:meth:`Instrument.write` writes it for the survey tool at hand, with a ``codebook.csv``
whose item names are the column names each tool exports, so the collected answers load
without editing:

- ``xlsform``: an XLSForm workbook (ODK, KoboToolbox, SurveyCTO), ``instrument.xlsx``;
- ``qualtrics``: Qualtrics' Advanced Format TXT import file, ``instrument-qualtrics.txt``;
- ``limesurvey``: LimeSurvey's tab-separated survey structure, ``instrument-limesurvey.txt``.

Column names hold only lower-case letters and digits (LimeSurvey's question codes allow
nothing else), so ``m01`` is ``m01`` in every tool's export.

The questions that are not survey items (name generators, actions, the story) come back
as extra columns; :func:`split_collected` turns them into ``network.csv``,
``actions.csv`` and ``stories.csv`` rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .errors import ConfigError, DataError, Problem

__all__ = [
    "Question", "Instrument", "build_instrument", "split_collected", "FORMATS", "LANGUAGES",
    "LADDERS", "ACTIONS", "RELATIONS", "collect_folder", "ID_COLUMNS",
]

#: Output formats and the file each writes.
FORMATS: Mapping[str, str] = {
    "xlsform": "instrument.xlsx",
    "qualtrics": "instrument-qualtrics.txt",
    "limesurvey": "instrument-limesurvey.txt",
}

#: Languages the questions are written in.
LANGUAGES: Mapping[str, str] = {"en": "English", "nl": "Nederlands"}

#: Answer ladders, lowest scale point first: (scale_min, {language: labels}).
LADDERS: Mapping[str, tuple[int, Mapping[str, tuple[str, ...]]]] = {
    "agree7": (1, {
        "en": ("Strongly disagree", "Disagree", "Somewhat disagree",
               "Neither agree nor disagree", "Somewhat agree", "Agree", "Strongly agree"),
        "nl": ("Helemaal mee oneens", "Oneens", "Enigszins oneens", "Niet eens, niet oneens",
               "Enigszins eens", "Eens", "Helemaal mee eens"),
    }),
    "agree5": (1, {
        "en": ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
               "Strongly agree"),
        "nl": ("Helemaal mee oneens", "Oneens", "Niet eens, niet oneens", "Eens",
               "Helemaal mee eens"),
    }),
    "importance5": (1, {
        "en": ("Not at all important", "Slightly important", "Moderately important",
               "Very important", "Extremely important"),
        "nl": ("Helemaal niet belangrijk", "Een beetje belangrijk", "Redelijk belangrijk",
               "Erg belangrijk", "Uiterst belangrijk"),
    }),
    "likely11": (0, {
        "en": ("0 - Not at all likely", *(str(i) for i in range(1, 10)), "10 - Extremely likely"),
        "nl": ("0 - Zeer onwaarschijnlijk", *(str(i) for i in range(1, 10)),
               "10 - Zeer waarschijnlijk"),
    }),
}

#: Engagement actions of the checklist: action name (as in ``actions.csv`` and the
#: default activism ladder) and its text.
ACTIONS: Mapping[str, Mapping[str, str]] = {
    "view": {"en": "Read or watched news about the change",
             "nl": "Nieuws over de verandering gelezen of bekeken"},
    "like": {"en": "Liked or reacted to a post about the change",
             "nl": "Een bericht over de verandering geliket of erop gereageerd met een emoji"},
    "comment": {"en": "Wrote a comment or a suggestion about the change",
                "nl": "Een opmerking of suggestie over de verandering geschreven"},
    "share": {"en": "Passed news about the change on to colleagues",
              "nl": "Nieuws over de verandering doorgegeven aan collega's"},
    "attend": {"en": "Took part in a meeting or session about the change",
               "nl": "Meegedaan aan een bijeenkomst of sessie over de verandering"},
    "volunteer": {"en": "Volunteered for a task or a pilot of the change",
                  "nl": "Me aangemeld voor een taak of een pilot van de verandering"},
    "lead": {"en": "Led an activity or a team effort for the change",
             "nl": "Een activiteit of teaminspanning voor de verandering geleid"},
    "recruit": {"en": "Brought other colleagues in to take part",
                "nl": "Andere collega's overgehaald om mee te doen"},
}

#: Network name generators: relation -> question text.
RELATIONS: Mapping[str, Mapping[str, str]] = {
    "advice": {"en": "Who do you go to for advice when you have a question about your work?",
               "nl": "Bij wie ga je te rade als je een vraag hebt over je werk?"},
    "energy": {"en": "Who gives you energy when you work with them?",
               "nl": "Wie geeft je energie als je met hem of haar samenwerkt?"},
    "influence": {"en": "Whose opinion carries weight with you when something changes at work?",
                  "nl": "Wiens mening weegt voor jou zwaar als er iets verandert op het werk?"},
}

_OWN = "The workbook's own wording."
_CROSS = ("Name generator after Cross & Parker, The Hidden Power of Social Networks (2004); "
          "energy networks after Cross, Baker & Parker (2003).")
_NPS = ("Employee Net Promoter Score, adapted from Reichheld, 'The one number you need to grow', "
        "Harvard Business Review (2003).")

_NAME = re.compile(r"^[a-z][a-z0-9]*$")


@dataclass(frozen=True)
class Question:
    """One question of the instrument.

    Attributes
    ----------
    name
        The column the survey tool exports (and the codebook's ``item``): lower-case
        letters and digits only.
    section
        ``motivation``, ``behaviour``, ``importance``, ``energy``, ``outcome``,
        ``actions``, ``network`` or ``story``.
    text
        Question text by language code.
    ladder
        Key of :data:`LADDERS` for a scale question, else ``None``.
    kind
        The codebook ``kind`` of a scale question (``motivation``, ``behaviour``,
        ``energy``, ``outcome`` or ``other``); empty for the other questions.
    construct, reverse, non_negotiable, importance_of, enps
        Codebook columns.
    source
        Provenance: the published scale and its reference, or the workbook's own wording.
    relation
        For a name generator, the ``relation`` its ties get in ``network.csv``.
    """

    name: str
    section: str
    text: Mapping[str, str]
    ladder: str | None = None
    kind: str = ""
    construct: str = ""
    reverse: bool = False
    non_negotiable: bool = False
    importance_of: str = ""
    enps: bool = False
    source: str = _OWN
    relation: str = ""

    @property
    def is_item(self) -> bool:
        """Whether the question is a scale item of the codebook."""
        return self.ladder is not None


def _q(name: str, section: str, en: str, nl: str, ladder: str | None, kind: str = "",
       **extra: object) -> Question:
    return Question(name, section, {"en": en, "nl": nl}, ladder, kind, **extra)  # type: ignore[arg-type]


def _motivation() -> list[Question]:
    rows = [
        ("m01", "purpose", 0, "The work I do contributes to something that matters to me.",
         "Het werk dat ik doe draagt bij aan iets wat ik belangrijk vind."),
        ("m02", "purpose", 0, "I want to know how my daily work helps our customers and society.",
         "Ik wil weten hoe mijn dagelijkse werk onze klanten en de samenleving helpt."),
        ("m03", "purpose", 1, "As long as the pay is right, it does not matter to me what my work is for.",
         "Zolang het salaris goed is, maakt het mij niet uit waar mijn werk voor dient."),
        ("m04", "growth", 0, "I want to keep learning new skills in my job.",
         "Ik wil in mijn werk nieuwe vaardigheden blijven leren."),
        ("m05", "growth", 0, "Opportunities to move up are important to me.",
         "Kansen om door te groeien zijn belangrijk voor mij."),
        ("m06", "growth", 1, "I am happy to keep doing the same job for years without new challenges.",
         "Ik doe graag jarenlang hetzelfde werk zonder nieuwe uitdagingen."),
        ("m07", "security", 0, "A stable, predictable job matters more to me than anything else.",
         "Een stabiele, voorspelbare baan vind ik belangrijker dan wat dan ook."),
        ("m08", "security", 0, "I value clear rules and procedures.",
         "Ik hecht aan duidelijke regels en procedures."),
        ("m09", "security", 1, "I would gladly trade job security for more excitement.",
         "Ik zou baanzekerheid graag inruilen voor meer uitdaging."),
        ("m10", "recognition", 0, "It matters to me that my efforts are noticed.",
         "Ik vind het belangrijk dat mijn inzet wordt opgemerkt."),
        ("m11", "recognition", 0, "Praise from my manager motivates me to do more.",
         "Waardering van mijn leidinggevende motiveert mij om meer te doen."),
        ("m12", "recognition", 0, "I want my pay and bonus to reflect my performance.",
         "Ik wil dat mijn salaris en bonus mijn prestaties weerspiegelen."),
        ("m13", "belonging", 0, "Feeling part of a close team is important to me.",
         "Me deel voelen van een hecht team is belangrijk voor mij."),
        ("m14", "belonging", 1, "I prefer working on my own over working with colleagues.",
         "Ik werk liever alleen dan samen met collega's."),
        ("m15", "belonging", 0, "I enjoy the social side of work.",
         "Ik geniet van de sociale kant van het werk."),
    ]
    return [_q(n, "motivation", en, nl, "agree7", "motivation", construct=c, reverse=bool(r))
            for n, c, r, en, nl in rows]


#: Example non-negotiables, used when the client names none (replace them with the
#: client's own: ``build_instrument(non_negotiables=[...])``).
EXAMPLE_NON_NEGOTIABLES: tuple[tuple[str, str], ...] = (
    ("In my team, people speak up immediately when they see an unsafe situation.",
     "In mijn team spreken mensen elkaar direct aan als ze een onveilige situatie zien."),
    ("In my team, we keep the promises we make to customers.",
     "In mijn team houden we ons aan de beloftes die we klanten doen."),
    ("In my team, we report mistakes and results honestly, even when it is uncomfortable.",
     "In mijn team melden we fouten en resultaten eerlijk, ook als dat ongemakkelijk is."),
    ("In my team, everyone is treated with respect, whatever their role or background.",
     "In mijn team wordt iedereen met respect behandeld, wat zijn of haar rol of achtergrond ook is."),
)

_PRACTICES = (
    ("b05", "In my team, we share what we know with other teams.",
     "In mijn team delen we onze kennis met andere teams.",
     "How important is it to you that teams share what they know with other teams?",
     "Hoe belangrijk vind je het dat teams hun kennis delen met andere teams?"),
    ("b06", "In my team, we give each other direct feedback.",
     "In mijn team geven we elkaar directe feedback.",
     "How important is it to you that colleagues give each other direct feedback?",
     "Hoe belangrijk vind je het dat collega's elkaar directe feedback geven?"),
    ("b07", "In my team, we try out new ways of working.",
     "In mijn team proberen we nieuwe manieren van werken uit.",
     "How important is it to you that your team tries out new ways of working?",
     "Hoe belangrijk vind je het dat je team nieuwe manieren van werken uitprobeert?"),
    ("b08", "In my team, we celebrate successes together.",
     "In mijn team vieren we successen samen.", "", ""),
    ("b09", "In my team, we involve customers when we change how we work.",
     "In mijn team betrekken we klanten als we onze manier van werken veranderen.", "", ""),
    ("b10", "In my team, decisions are taken quickly, close to the work.",
     "In mijn team worden beslissingen snel en dicht bij het werk genomen.", "", ""),
)


def _behaviours(non_negotiables: Sequence[Mapping[str, str]]) -> list[Question]:
    out = [_q(f"b{i:02d}", "behaviour", nn["en"], nn.get("nl", nn["en"]), "agree5", "behaviour",
              construct="non-negotiable", non_negotiable=True,
              source=_OWN if nn.get("own") is None else "The client's own non-negotiable.")
           for i, nn in enumerate(non_negotiables, start=1)]
    first = len(out) + 1
    importance: list[Question] = []
    for offset, (_, en, nl, imp_en, imp_nl) in enumerate(_PRACTICES):
        name = f"b{first + offset:02d}"
        out.append(_q(name, "behaviour", en, nl, "agree5", "behaviour", construct="team practice"))
        if imp_en:
            importance.append(_q(f"i{len(importance) + 1:02d}", "importance", imp_en, imp_nl,
                                 "importance5", "other", construct="importance",
                                 importance_of=name))
    return out + importance


def _energy_and_outcomes(organisation: str) -> list[Question]:
    return [
        _q("e01", "energy", "I feel energised by my work.", "Mijn werk geeft me energie.",
           "agree5", "energy", construct="energy"),
        _q("e02", "energy", "I have the energy to help make change happen here.",
           "Ik heb de energie om hier verandering mogelijk te maken.", "agree5", "energy",
           construct="energy"),
        _q("e03", "energy", "At the end of a workday I often feel drained.",
           "Aan het eind van een werkdag voel ik me vaak leeg.", "agree5", "energy",
           construct="energy", reverse=True),
        _q("o01", "outcome", f"I would recommend {organisation} as a place to work.",
           f"Ik zou {organisation} aanraden als werkgever.", "agree5", "outcome",
           construct="engagement"),
        _q("o02", "outcome", f"I see myself still working at {organisation} in two years.",
           f"Ik zie mezelf over twee jaar nog steeds bij {organisation} werken.", "agree5",
           "outcome", construct="intent to stay"),
        _q("o03", "outcome",
           f"How likely is it that you would recommend {organisation} as a place to work to a "
           "friend or acquaintance?",
           f"Hoe waarschijnlijk is het dat je {organisation} als werkgever zou aanraden aan een "
           "vriend of kennis?", "likely11", "outcome", construct="advocacy", enps=True, source=_NPS),
    ]


@dataclass(frozen=True)
class Instrument:
    """A questionnaire, ready to be written for a survey tool.

    Attributes
    ----------
    questions
        The questions in the order they are asked.
    languages
        Language codes, the first the tool's base language.
    max_names
        How many colleagues each name generator allows.
    roster
        Invited people (``respondent_id`` and, when present, ``name``), whose names the
        name generators offer; ``None`` asks for colleagues' names as free text.
    organisation
        The organisation's name as the questions use it.
    """

    questions: tuple[Question, ...]
    languages: tuple[str, ...] = ("en", "nl")
    max_names: int = 5
    roster: pd.DataFrame | None = field(default=None, compare=False)
    organisation: str = "our organisation"

    # -- what the collected data look like -------------------------------------------

    def items(self) -> list[Question]:
        """The scale questions (the codebook's items)."""
        return [q for q in self.questions if q.is_item]

    def codebook(self) -> pd.DataFrame:
        """The codebook of the collected data, one row per scale item.

        Its ``labels`` column holds the base language's answer texts, so text
        answers load as their scale points.

        Examples
        --------
        >>> book = build_instrument().codebook()
        >>> book.loc[book["item"] == "o03", ["scale_min", "scale_max", "enps"]].values.tolist()
        [[0, 10, 1]]
        """
        base = self.languages[0]
        rows = []
        for q in self.items():
            low, texts = LADDERS[q.ladder]  # type: ignore[index]
            labels = texts[base]
            rows.append({
                "item": q.name, "kind": q.kind, "scale_min": low,
                "scale_max": low + len(labels) - 1, "label": q.text[base],
                "construct": q.construct, "reverse": int(q.reverse),
                "non_negotiable": int(q.non_negotiable), "importance_of": q.importance_of,
                "enps": int(q.enps), "labels": "|".join(labels), "source": q.source,
            })
        return pd.DataFrame(rows)

    def provenance(self) -> pd.DataFrame:
        """Every question with its section, texts and provenance."""
        rows = []
        for q in self.questions:
            row: dict[str, object] = {"name": q.name, "section": q.section}
            row.update({f"text_{lang}": q.text[lang] for lang in self.languages})
            row["source"] = q.source
            rows.append(row)
        return pd.DataFrame(rows)

    # -- writers ---------------------------------------------------------------------

    def write(self, out: str | Path, *, formats: Iterable[str] = tuple(FORMATS)) -> list[Path]:
        """Write the chosen formats, ``codebook.csv`` and ``questions.csv`` into ``out``.

        The folder is written whole or not at all.

        Raises
        ------
        ConfigError
            For an unknown format.
        """
        from .outputs import staged_directory

        chosen = _formats(formats)
        written: list[Path] = []
        with staged_directory(out) as stage:
            for fmt in chosen:
                path = stage / FORMATS[fmt]
                if fmt == "xlsform":
                    self.to_xlsform(path)
                elif fmt == "qualtrics":
                    path.write_text(self.to_qualtrics(), encoding="utf-8")
                else:
                    path.write_text(self.to_limesurvey(), encoding="utf-8")
                written.append(Path(out) / path.name)
            self.codebook().to_csv(stage / "codebook.csv", index=False)
            self.provenance().to_csv(stage / "questions.csv", index=False)
            written += [Path(out) / "codebook.csv", Path(out) / "questions.csv"]
            if self.roster is not None and "xlsform" in chosen:
                self._roster_choices().to_csv(stage / "roster.csv", index=False)
                written.append(Path(out) / "roster.csv")
        return written

    def _roster_choices(self) -> pd.DataFrame:
        roster = self.roster if self.roster is not None else pd.DataFrame()
        ids = roster["respondent_id"].astype(str)
        names = roster["name"].astype(str) if "name" in roster else ids
        return pd.DataFrame({"name": ids, "label": names})

    def to_xlsform(self, path: str | Path) -> None:
        """Write an XLSForm workbook (sheets ``survey``, ``choices``, ``settings``).

        Name generators are ``select_multiple_from_file roster.csv`` when a roster was
        given (the file is written beside the form), else text questions, one per name.
        """
        langs = self.languages
        label_cols = [f"label::{LANGUAGES[lang]} ({lang})" for lang in langs]
        survey: list[dict[str, object]] = []
        choices: list[dict[str, object]] = []
        lists_done: set[str] = set()

        def label(texts: Mapping[str, str]) -> dict[str, object]:
            return {col: texts[lang] for col, lang in zip(label_cols, langs, strict=True)}

        code = {"en": "Your personal code, as given in your invitation",
                "nl": "Je persoonlijke code, zoals vermeld in je uitnodiging"}
        survey.append({"type": "text", "name": "respondent_id", "required": "yes",
                       **label({lang: code[lang] for lang in langs})})
        for q in self.questions:
            if q.is_item:
                list_name = q.ladder
                survey.append({"type": f"select_one {list_name}", "name": q.name, **label(q.text)})
                if list_name not in lists_done:
                    lists_done.add(list_name)  # type: ignore[arg-type]
                    low, scale = LADDERS[list_name]  # type: ignore[index]
                    for i in range(len(scale[langs[0]])):
                        choices.append({"list_name": list_name, "name": low + i,
                                        **{col: scale[lang][i] for col, lang
                                           in zip(label_cols, langs, strict=True)}})
            elif q.section == "actions":
                survey.append({"type": "select_multiple actions", "name": q.name, **label(q.text)})
                for action, wording in ACTIONS.items():
                    choices.append({"list_name": "actions", "name": action, **label(wording)})
            elif q.section == "network":
                if self.roster is not None:
                    survey.append({"type": "select_multiple_from_file roster.csv", "name": q.name,
                                   "constraint": f"count-selected(.) <= {self.max_names}",
                                   **label(q.text)})
                else:
                    for k in range(1, self.max_names + 1):
                        survey.append({"type": "text", "name": f"{q.name}{k}",
                                       **label({lang: f"{q.text[lang]} ({k})" for lang in langs})})
            elif q.name == "storydir":
                survey.append({"type": "select_one storydir", "name": q.name, **label(q.text)})
                for value, wording in _STORY_DIRECTIONS.items():
                    choices.append({"list_name": "storydir", "name": value, **label(wording)})
            else:
                survey.append({"type": "text", "name": q.name, "appearance": "multiline",
                               **label(q.text)})
        settings = pd.DataFrame([{"form_title": f"Culture survey: {self.organisation}",
                                  "form_id": "culture_survey",
                                  "default_language": f"{LANGUAGES[langs[0]]} ({langs[0]})"}])
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            pd.DataFrame(survey).to_excel(writer, sheet_name="survey", index=False)
            pd.DataFrame(choices).to_excel(writer, sheet_name="choices", index=False)
            settings.to_excel(writer, sheet_name="settings", index=False)
            from .outputs import text_cells

            text_cells(writer.book)  # a label such as "=HYPERLINK(...)" stays text

    def to_qualtrics(self) -> str:
        """The Qualtrics Advanced Format TXT import file (base language only).

        Every scale item is its own single-answer question whose choices are in scale
        order, so Qualtrics' default recode values are the scale points (0-10 for the
        eNPS question is entered with explicit recodes).
        """
        base = self.languages[0]
        lines = ["[[AdvancedFormat]]", ""]
        section = None
        for q in self.questions:
            if q.section != section:
                section = q.section
                lines += [f"[[Block:{_SECTION_TITLES[section]}]]", ""]
            lines.append(_qualtrics_type(q))
            lines.append(f"[[ID:{q.name}]]")
            lines.append(_one_line(q.text[base]))
            lines.append("")
            if q.is_item:
                low, scale = LADDERS[q.ladder]  # type: ignore[index]
                lines.append("[[AdvancedChoices]]")
                for i, text in enumerate(scale[base]):
                    lines.append(f"[[Choice:{low + i}]]")
                    lines.append(text)
            elif q.section == "actions":
                lines.append("[[AdvancedChoices]]")
                for i, wording in enumerate(ACTIONS.values(), start=1):
                    lines.append(f"[[Choice:{i}]]")
                    lines.append(wording[base])
            elif q.section == "network":
                lines.append("[[Choices]]")
                lines += [f"{k}" for k in range(1, self.max_names + 1)]
            elif q.name == "storydir":
                lines.append("[[AdvancedChoices]]")
                for i, wording in enumerate(_STORY_DIRECTIONS.values(), start=1):
                    lines.append(f"[[Choice:{i}]]")
                    lines.append(wording[base])
            lines.append("")
        return "\n".join(lines)

    def to_limesurvey(self) -> str:
        """LimeSurvey's tab-separated survey structure (every language, base first)."""
        header = ["id", "related_id", "class", "type/scale", "name", "relevance", "text", "help",
                  "language", "validation", "mandatory", "other", "default", "same_default"]
        rows: list[list[object]] = []

        def row(**cells: object) -> None:
            rows.append([cells.get(col.replace("/", "_"), "") for col in header])

        row(**{"class": "S", "name": "language", "text": self.languages[0]})
        if len(self.languages) > 1:
            row(**{"class": "S", "name": "additional_languages",
                   "text": " ".join(self.languages[1:])})
        row(**{"class": "S", "name": "format", "text": "G"})
        for lang in self.languages:
            row(**{"class": "SL", "name": "surveyls_title",
                   "text": f"Culture survey: {self.organisation}", "language": lang})
            qid = 0
            section = None
            for q in self.questions:
                if q.section != section:
                    section = q.section
                    row(**{"class": "G", "name": _SECTION_TITLES[section], "relevance": "1",
                           "language": lang})
                qid += 1
                if q.is_item:
                    row(id=qid, **{"class": "Q", "type_scale": "L", "name": q.name,
                                   "relevance": "1", "text": q.text[lang], "language": lang,
                                   "mandatory": "N"})
                    low, scale = LADDERS[q.ladder]  # type: ignore[index]
                    for i, text in enumerate(scale[lang]):
                        row(id=qid, **{"class": "A", "type_scale": "0", "name": str(low + i),
                                       "relevance": str(low + i), "text": text, "language": lang})
                elif q.section == "actions":
                    row(id=qid, **{"class": "Q", "type_scale": "M", "name": q.name,
                                   "relevance": "1", "text": q.text[lang], "language": lang,
                                   "mandatory": "N"})
                    for action, wording in ACTIONS.items():
                        qid += 1
                        row(id=qid, **{"class": "SQ", "type_scale": "0", "name": action,
                               "relevance": "1", "text": wording[lang], "language": lang})
                elif q.section == "network":
                    row(id=qid, **{"class": "Q", "type_scale": "Q", "name": q.name,
                                   "relevance": "1", "text": q.text[lang], "language": lang,
                                   "mandatory": "N"})
                    for k in range(1, self.max_names + 1):
                        qid += 1
                        row(id=qid, **{"class": "SQ", "type_scale": "0", "name": f"n{k}",
                               "relevance": "1", "text": str(k), "language": lang})
                elif q.name == "storydir":
                    row(id=qid, **{"class": "Q", "type_scale": "L", "name": q.name,
                                   "relevance": "1", "text": q.text[lang], "language": lang,
                                   "mandatory": "N"})
                    for value, wording in _STORY_DIRECTIONS.items():
                        row(id=qid, **{"class": "A", "type_scale": "0",
                                       "name": value.replace("-", ""), "text": wording[lang],
                                       "language": lang})
                else:
                    row(id=qid, **{"class": "Q", "type_scale": "T", "name": q.name,
                                   "relevance": "1", "text": q.text[lang], "language": lang,
                                   "mandatory": "N"})
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()


_SECTION_TITLES: Mapping[str, str] = {
    "motivation": "What motivates you", "behaviour": "How we work", "importance": "What matters",
    "energy": "Energy", "outcome": "Your organisation", "actions": "Taking part in the change",
    "network": "Your colleagues", "story": "A story",
}

_STORY_DIRECTIONS: Mapping[str, Mapping[str, str]] = {
    "top-down": {"en": "From leadership", "nl": "Van de leiding"},
    "bottom-up": {"en": "From colleagues on the floor", "nl": "Van collega's op de werkvloer"},
}


def _qualtrics_type(q: Question) -> str:
    if q.is_item or q.name == "storydir":
        return "[[Question:MC:SingleAnswer:Vertical]]"
    if q.section == "actions":
        return "[[Question:MC:MultipleAnswer:Vertical]]"
    if q.section == "network":
        return "[[Question:TE:Form]]"
    return "[[Question:TE:Essay]]"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _formats(formats: Iterable[str]) -> list[str]:
    chosen = [f.strip().lower() for f in formats if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ConfigError(f"Unknown instrument format {', '.join(unknown) or '(none)'}: expected "
                          f"one or more of {', '.join(FORMATS)}, separated by commas.")
    return list(dict.fromkeys(chosen))


def build_instrument(*, organisation: str = "our organisation",
                     non_negotiables: Sequence[str | Mapping[str, str]] | None = None,
                     languages: Sequence[str] = ("en", "nl"), max_names: int = 5,
                     roster: pd.DataFrame | None = None) -> Instrument:
    """Assemble the questionnaire that collects every input of the workbook.

    Parameters
    ----------
    organisation
        The organisation's name, as the outcome questions use it.
    non_negotiables
        The client's own non-negotiable behaviours (one to eight), each a text (used in
        every language) or a mapping ``{"en": ..., "nl": ...}``; default four examples.
    languages
        Language codes from :data:`LANGUAGES`; the first is the base language.
    max_names
        Names each network question allows (1-20).
    roster
        Invited people: ``respondent_id`` and optionally ``name``; the XLSForm then offers
        them as choices in the name generators.

    Returns
    -------
    Instrument

    Raises
    ------
    ConfigError
        For an unknown language, a bad ``max_names`` or too many non-negotiables.

    Notes
    -----
    Motivation items ask about five frames (purpose, growth, security, recognition,
    belonging), three each with one reversed; behaviour items use the stem "In my team"
    so that they describe practice, not intent; the eNPS question is the standard 0-10
    likelihood to recommend. Attributes (department, level, location, tenure, leader
    flag) are not asked: they come from the roster, which keeps the survey short and
    the small groups out of respondents' hands.

    References
    ----------
    Reichheld, F. (2003). The one number you need to grow. *Harvard Business Review*.
    Cross, R. & Parker, A. (2004). *The Hidden Power of Social Networks*. Harvard
    Business School Press.

    Examples
    --------
    >>> inst = build_instrument(organisation="Northwind", non_negotiables=["We keep our word."])
    >>> [q.name for q in inst.questions][:3]
    ['m01', 'm02', 'm03']
    >>> inst.codebook().query("non_negotiable == 1")["label"].tolist()
    ['We keep our word.']
    """
    langs = tuple(dict.fromkeys(lang.strip().lower() for lang in languages if lang.strip()))
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown or not langs:
        raise ConfigError(f"Unknown language {', '.join(unknown) or '(none)'}: expected one or "
                          f"more of {', '.join(LANGUAGES)}.")
    if not 1 <= int(max_names) <= 20:
        raise ConfigError(f"max_names must be between 1 and 20, got {max_names}.")
    if non_negotiables is None:
        nns: list[dict[str, str]] = [{"en": en, "nl": nl} for en, nl in EXAMPLE_NON_NEGOTIABLES]
    else:
        if not 1 <= len(non_negotiables) <= 8:
            raise ConfigError("Give between one and eight non-negotiable behaviours, "
                              f"got {len(non_negotiables)}.")
        nns = []
        for nn in non_negotiables:
            given = {lang: nn for lang in LANGUAGES} if isinstance(nn, str) else dict(nn)
            if not str(given.get("en", "")).strip():
                raise ConfigError("Every non-negotiable needs an English text.")
            nns.append({**{lang: " ".join(str(given.get(lang) or given["en"]).split())
                           for lang in LANGUAGES}, "own": "1"})
    org = " ".join(str(organisation).split()) or "our organisation"
    questions = _motivation() + _behaviours(nns) + _energy_and_outcomes(org)
    questions.append(_q(
        "acts", "actions",
        "In the last six months, which of these have you done for the change? Tick all that apply.",
        "Welke van deze dingen heb je de afgelopen zes maanden voor de verandering gedaan? "
        "Kruis alles aan wat van toepassing is.", None))
    for relation, asked in RELATIONS.items():
        questions.append(Question(f"net{relation}", "network", dict(asked), source=_CROSS,
                                  relation=relation))
    questions.append(_q("story", "story",
                        "Tell us about a moment that shows what working here is really like: "
                        "what happened, and who was involved? (Please leave out names.)",
                        "Vertel over een moment dat laat zien hoe het werken hier echt is: wat "
                        "gebeurde er en wie waren erbij betrokken? (Laat namen weg.)", None))
    questions.append(_q("storydir", "story", "Where did this story come from?",
                        "Van wie kwam dit verhaal?", None))
    for q in questions:
        if not _NAME.match(q.name):  # pragma: no cover - guards the question bank itself
            raise ConfigError(f"Question name {q.name!r} is not lower-case letters and digits.")
    if roster is not None and "respondent_id" not in roster.columns:
        raise ConfigError("The roster needs a respondent_id column.")
    return Instrument(tuple(questions), langs, int(max_names), roster, org)


# -- collected answers back into the data folder's files --------------------------------

def split_collected(survey: pd.DataFrame, *, file: str = "survey.csv",
                    max_names: int | None = None, wave: str | None = None,
                    ) -> dict[str, pd.DataFrame]:
    """Split the instrument's non-item columns out of a collected survey table.

    Parameters
    ----------
    survey
        One row per respondent with ``respondent_id`` and the tool's columns: scale
        items (kept), name generators (``netadvice`` as space-separated ids from an
        XLSForm; ``netadvice1``.. or ``netadvice_1``.. or ``netadvice[n1]``.. with one
        id each), actions (``acts`` space-separated, or ``acts_1``.. / ``acts[view]``.. /
        ``actsview``.. ticked with 1, Y or the action's text), ``story`` and ``storydir``.
    file
        The file name used in error messages.
    max_names
        Drop names beyond this many per question (default: keep all).
    wave
        The wave written on every tie, action and story (default: the ``wave``
        column when present).

    Returns
    -------
    dict
        ``survey`` (without those columns), ``network``, ``actions``, ``stories``.

    Raises
    ------
    DataError
        A story direction or action that is not one of the instrument's.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"respondent_id": ["a", "b"], "m01": [5, 6],
    ...                     "netadvice": ["b", "a c"], "acts": ["view share", ""],
    ...                     "story": ["", "We fixed it together."], "storydir": ["", "bottom-up"]})
    >>> parts = split_collected(raw)
    >>> list(parts["survey"].columns), len(parts["network"]), sorted(parts["actions"]["action"])
    (['respondent_id', 'm01'], 3, ['share', 'view'])
    """
    frame = survey.copy()
    ids = frame["respondent_id"].astype(str)
    waves = (pd.Series(wave, index=frame.index) if wave is not None
             else frame["wave"].astype(str) if "wave" in frame else None)
    used: list[str] = []
    problems: list[Problem] = []
    ties: list[dict[str, object]] = []
    for relation in RELATIONS:
        stem = f"net{relation}"
        cols = [c for c in frame.columns if _belongs(c, stem)]
        if not cols:
            continue
        used += cols
        if stem in cols:  # the tool's own summary column (split columns repeat it)
            cols = [stem]
        for row_no, idx in enumerate(frame.index):
            named: list[str] = []
            for col in cols:
                value = frame.at[idx, col]
                if isinstance(value, str) and value.strip():
                    named += value.split() if col == stem else [value.strip()]
            for target in list(dict.fromkeys(named))[:max_names]:
                if target != ids.iat[row_no]:
                    tie: dict[str, object] = {"source": ids.iat[row_no], "target": target,
                                              "relation": relation, "weight": 1}
                    if waves is not None:
                        tie["wave"] = waves.iat[row_no]
                    ties.append(tie)
    acts: list[dict[str, object]] = []
    action_names = list(ACTIONS)
    act_cols = [c for c in frame.columns if _belongs(c, "acts")]
    used += act_cols
    if "acts" in act_cols:  # the tool's own summary column (split columns repeat it)
        act_cols = ["acts"]
    for col in act_cols:
        suffix = _suffix(col, "acts")
        for row_no, idx in enumerate(frame.index):
            value = frame.at[idx, col]
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            text = str(value).strip()
            if not text or text in {"0", "N", "No", "0.0"}:
                continue
            if suffix == "":
                chosen = text.split()
            elif suffix.isdigit() and 1 <= int(suffix) <= len(action_names):
                chosen = [action_names[int(suffix) - 1]]
            else:
                chosen = [suffix]
            for action in chosen:
                if action not in ACTIONS:
                    problems.append(Problem(
                        file, f"is not an action of the questionnaire; expected one of "
                              f"{', '.join(ACTIONS)}.", line=row_no + 2, column=col, value=text))
                    continue
                act: dict[str, object] = {"respondent_id": ids.iat[row_no], "action": action}
                if waves is not None:
                    act["wave"] = waves.iat[row_no]
                acts.append(act)
    stories: list[dict[str, object]] = []
    if "story" in frame.columns:
        used.append("story")
        directions = frame["storydir"] if "storydir" in frame else pd.Series("", index=frame.index)
        if "storydir" in frame:
            used.append("storydir")
        aliases = {"topdown": "top-down", "bottomup": "bottom-up", "1": "top-down",
                   "2": "bottom-up"}
        for key, wording in _STORY_DIRECTIONS.items():
            aliases.update({key: key, wording["en"].lower(): key, wording["nl"].lower(): key})
        for row_no, idx in enumerate(frame.index):
            text = frame.at[idx, "story"]
            if not isinstance(text, str) or not text.strip():
                continue
            given = directions.loc[idx]
            raw_dir = "" if pd.isna(given) else str(given).strip()
            direction = aliases.get(raw_dir.lower().removesuffix(".0"), "")
            if not direction:
                problems.append(Problem(
                    file, "does not say where the story came from; expected top-down or "
                          "bottom-up.", line=row_no + 2, column="storydir", value=raw_dir))
                continue
            story: dict[str, object] = {"story_id": f"S{len(stories) + 1:04d}",
                                        "text": " ".join(text.split()), "direction": direction,
                                        "author_id": ids.iat[row_no]}
            if waves is not None:
                story["wave"] = waves.iat[row_no]
            stories.append(story)
    if problems:
        raise DataError(problems)
    return {
        "survey": frame.drop(columns=used),
        "network": pd.DataFrame(ties, columns=["source", "target", "relation", "weight"]
                                + (["wave"] if waves is not None else [])),
        "actions": pd.DataFrame(acts, columns=["respondent_id", "action"]
                                + (["wave"] if waves is not None else [])),
        "stories": pd.DataFrame(stories, columns=["story_id", "text", "direction", "author_id"]
                                + (["wave"] if waves is not None else [])),
    }


def _belongs(column: str, stem: str) -> bool:
    return column == stem or _suffix(column, stem) != ""


def _suffix(column: str, stem: str) -> str:
    """The part of ``column`` after ``stem`` (``_3``, ``3``, ``[n3]``, ``/view``, ``[view]``)."""
    if not column.startswith(stem) or column == stem:
        return ""
    rest = column[len(stem):]
    match = re.fullmatch(r"[_./]?\[?n?([A-Za-z0-9]+)\]?", rest)
    return match.group(1) if match else ""


def with_roster_names(instrument: Instrument, roster: pd.DataFrame) -> Instrument:
    """The same instrument offering ``roster``'s people in its name generators."""
    if "respondent_id" not in roster.columns:
        raise ConfigError("The roster needs a respondent_id column.")
    return replace(instrument, roster=roster)


#: Columns that carry the respondent's id in each tool's export, in order of preference.
ID_COLUMNS: tuple[str, ...] = ("respondent_id", "ExternalReference", "ExternalDataReference",
                               "token", "ResponseId", "_uuid", "id")


def _unfinished(frame: pd.DataFrame) -> pd.Series:
    """Rows a tool marks as unfinished, a preview, a test or spam."""
    out = pd.Series(False, index=frame.index)
    if "Finished" in frame:
        out |= frame["Finished"].astype(str).str.strip().str.lower().isin({"0", "false"})
    if "Status" in frame:
        out |= frame["Status"].astype(str).str.strip().str.lower().isin(
            {"1", "8", "16", "survey preview", "survey test", "spam"})
    if "submitdate" in frame:
        out |= frame["submitdate"].astype(str).str.strip() == ""
    return out


def collect_folder(export: str | Path, *, codebook: str | Path, out: str | Path,
                   roster: str | Path | None = None, wave: str | None = None,
                   keep_all: bool = False) -> dict[str, int]:
    """Turn the answers collected with the instrument into a data folder.

    Parameters
    ----------
    export
        The survey tool's export (CSV or XLSX; Qualtrics' three header rows, an
        XLSForm/ODK/KoboToolbox CSV, or LimeSurvey's CSV with question codes as headings).
    codebook
        The ``codebook.csv`` the instrument wrote (copied into the folder).
    out
        The data folder to write (whole or not at all).
    roster
        ``roster.csv`` whose attributes (department, level, ...) are joined to the
        answers by ``respondent_id``; it is copied into the folder.
    wave
        The wave written on every row (default: none, a single wave).
    keep_all
        Keep responses the tool marks as unfinished, previews, tests or spam.

    Returns
    -------
    dict
        Counts: ``responses``, ``left_out``, ``ties``, ``actions``, ``stories``.

    Raises
    ------
    DataError
        An unreadable export, no id column, or answers the instrument did not offer.
    """
    from .outputs import staged_directory
    from .reading import read_table

    export, codebook = Path(export), Path(codebook)
    table, problems = read_table(export)
    errors = [p for p in problems if p.severity == "error"]
    if table is None or errors:
        raise DataError(errors or problems)
    frame = table.frame
    if table.metadata is not None and len(table.metadata) == len(frame):
        # the reader keeps Qualtrics' response metadata apart: the status and the
        # contact's reference are needed here
        meta = table.metadata.reset_index(drop=True)
        wanted = [c for c in ("Status", "Finished", "ExternalReference",
                              "ExternalDataReference") if c in meta.columns]
        frame = pd.concat([meta[wanted], frame.reset_index(drop=True)], axis=1)
    id_col = next((c for c in ID_COLUMNS if c in frame.columns), None)
    if id_col is None:
        raise DataError([Problem(export.name, "has no column naming the respondent; expected "
                                 f"one of {', '.join(ID_COLUMNS)}.", line=table.header_line)])
    drop = _unfinished(frame) if not keep_all else pd.Series(False, index=frame.index)
    frame = frame.loc[~drop].rename(columns={id_col: "respondent_id"})
    book_table, book_problems = read_table(codebook)
    if book_table is None or any(p.severity == "error" for p in book_problems):
        raise DataError(book_problems)
    items = [i for i in book_table.frame["item"] if i in frame.columns]
    if wave is not None:
        frame = frame.assign(wave=wave)
    keep_meta = ["respondent_id"] + (["wave"] if "wave" in frame else [])
    instrument_cols = [c for c in frame.columns
                       if any(_belongs(c, s) for s in ["acts", *(f"net{r}" for r in RELATIONS)])
                       or c in {"story", "storydir"}]
    parts = split_collected(frame[keep_meta + items + instrument_cols], file=export.name)
    survey = parts["survey"]
    roster_frame = None
    if roster is not None:
        roster_table, roster_problems = read_table(Path(roster))
        if roster_table is None or any(p.severity == "error" for p in roster_problems):
            raise DataError(roster_problems)
        roster_frame = roster_table.frame
        attributes = [c for c in roster_frame.columns
                      if c not in {"respondent_id", "email", "name", "manager_id"}]
        survey = survey.merge(roster_frame[["respondent_id", *attributes]], on="respondent_id",
                              how="left")
    with staged_directory(out) as stage:
        survey.to_csv(stage / "survey.csv", index=False)
        (stage / "codebook.csv").write_bytes(codebook.read_bytes())
        for name in ("network", "actions", "stories"):
            if len(parts[name]):
                parts[name].to_csv(stage / f"{name}.csv", index=False)
        if roster_frame is not None:
            roster_frame.to_csv(stage / "roster.csv", index=False)
    return {"responses": len(survey), "left_out": int(drop.sum()), "ties": len(parts["network"]),
            "actions": len(parts["actions"]), "stories": len(parts["stories"])}
