"""A synthetic organisation with planted truth: the known answers of every diagnostic's tests.

:func:`generate_sample` builds the tables of a fictitious logistics company, *Northwind
Logistics*, from a seed; :func:`write_sample` writes them as a data folder (the files of the
data-folder contract plus ``truth.json``, what was planted). The same ``people`` and ``seed``
give the same bytes on every run.

What is planted (keys of ``truth.json``)
----------------------------------------
``segments``
    Each wave-1 respondent's motivational segment (five segments of skewed size that cut
    across departments; each has its own profile on the five motivation constructs).
    ``segments_by_wave`` holds both waves; ``segment_movers`` the ~10% who changed segment
    between the waves (``{id: [segment in wave 1, segment in wave 2]}``);
    ``segment_profiles`` the latent construct means of each segment (1-7 scale).
``tribes``
    Each person's tribe (an int): dense peer groups in the influence network that cut
    across departments. Tribes are the same in both waves.
``hyper_connected``
    About 1% of people named by very many colleagues across tribes (top in-degree and
    PageRank). They are not formal leaders and also have a high betweenness.
``backstage_leaders``
    Non-leaders (level Professional or Associate) with a moderate number of ties spread
    over their own tribe and four others: after the hyper-connected, they have the highest
    betweenness among non-leaders (at 600 people, among everyone but the hyper-connected).
``weak_groups`` and ``weak_group_details``
    Three non-negotiable behaviours that are clearly lower (planted shift on the latent
    scale in ``weak_group_details``) in one department or location, in both waves. No
    other group differs systematically on a non-negotiable.
``wave_changes`` and ``wave_change_details``
    Items whose population mean shifts between the waves (the planted shift, on the
    reverse-coded scale). Every other item comes from the same distribution in both waves.
``themes``, ``theme_names``, ``theme_directions``, ``theme_weights``, ``story_themes``
    The top terms of each planted story theme, which themes each direction tells, and
    each story's main theme.
``activism_levels``
    Each person's highest rung on the activism ladder (``spectator`` has no actions).
``tandem_rates``, ``grassroots_threshold``
    The planted success rate per quadrant of grassroots support (``supporters >=
    grassroots_threshold``) and leadership sponsorship (``sponsor_level`` not ``none``),
    among finished initiatives (``ongoing`` ones left out). Successes are planted as exact
    counts, so the observed rates match the planted ones up to rounding.
``say_do_gaps``
    The planted gap between importance items and the behaviour they rate.
``headcount``, ``headcount_by_department``
    How many people were employed in each wave (respondents and non-respondents).
``network_noise``
    Rows planted for the loader to warn about and drop: ties to people who left
    (ids ``X9001``...) and ties from a person to themselves.

Ties
----
A row of ``network.csv`` is one answer of ``source`` in a network question, naming
``target``. For ``influence``: *source names target as someone who influences their view*,
so influence flows from target to source and a high in-degree means influential. For
``advice``: source goes to target for advice. For ``energy``: source finds target
energising (``weight`` 1) or de-energising (``weight`` -1). Influence weights are the
strength of the tie (1-3); advice weights are 1. Influence ties were asked in both waves
(respondents of a wave name colleagues present in that wave; non-respondents have no
out-ties in that wave), advice and energy ties in wave ``2025-H1`` only.

Survey
------
Answers are whole numbers on each item's scale; reverse-worded items (``reverse`` = 1) are
written as answered (raw), the loader reverse-codes them. Non-respondents of a wave have no
row in that wave; everyone answered at least one wave. About 3% of answers are missing,
concentrated in a minority of respondents who skip items or break off.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from .errors import ConfigError
from .outputs import check_output, staged_directory

__all__ = ["SampleOrganisation", "generate_sample", "write_sample", "SAMPLE_FILES", "MIN_PEOPLE"]

#: The files :func:`write_sample` writes, in this order.
SAMPLE_FILES: tuple[str, ...] = ("survey.csv", "codebook.csv", "network.csv", "actions.csv",
                                 "initiatives.csv", "stories.csv", "comments.csv",
                                 "roster.csv",
                                 "workbook.toml", "truth.json")

#: The smallest organisation the generator makes (smaller ones cannot hold the planted truth).
MIN_PEOPLE: int = 100

ORGANISATION = "Northwind Logistics (synthetic)"
WAVES: tuple[str, str] = ("2025-H1", "2025-H2")

# --------------------------------------------------------------------------- organisation

_DEPARTMENTS: tuple[tuple[str, float], ...] = (
    ("Operations", 0.36), ("Sales", 0.16), ("Customer Service", 0.14), ("IT", 0.11),
    ("Finance", 0.09), ("Marketing", 0.07), ("HR", 0.07),
)
_SMALL_DEPARTMENT = "Legal"  # exactly three people, to exercise privacy suppression
_LEVELS: tuple[tuple[str, float], ...] = (
    ("Executive", 0.015), ("Senior manager", 0.05), ("Manager", 0.12), ("Professional", 0.38),
    ("Associate", 0.435),
)
_LOCATIONS: tuple[tuple[str, float], ...] = (
    ("Rotterdam", 0.42), ("Eindhoven", 0.24), ("Amsterdam", 0.22), ("Antwerp", 0.12),
)
_TENURE: tuple[tuple[str, float], ...] = (
    ("<1 year", 0.10), ("1-3 years", 0.25), ("3-5 years", 0.20), ("5-10 years", 0.25),
    ("10+ years", 0.20),
)
_NEWCOMER_SHARE = 0.06
_LEAVER_SHARE = 0.06
_NONRESPONSE = 0.17  # share of each wave's headcount who do not answer

# --------------------------------------------------------------------------- motivation

_CONSTRUCTS: tuple[str, ...] = ("purpose", "growth", "security", "recognition", "belonging")
_SEGMENTS: tuple[str, ...] = ("Purpose seekers", "Growth climbers", "Security keepers",
                              "Recognition driven", "Belonging builders")
_SEGMENT_SHARES = np.array([0.30, 0.25, 0.20, 0.15, 0.10])
#: Latent mean of each segment (rows) on each construct (columns), 1-7 scale.
_PROFILES = np.array([
    [6.3, 4.1, 3.7, 3.6, 4.2],
    [3.8, 6.3, 3.6, 4.2, 3.7],
    [3.9, 3.6, 6.3, 3.9, 4.2],
    [3.6, 4.2, 4.0, 6.3, 3.8],
    [4.2, 3.7, 4.1, 3.8, 6.3],
])
_MOTIVATION_PERSON_SD = 0.50  # stable person deviation per construct
_MOTIVATION_ITEM_SD = 0.60  # answer noise per item and wave
_STYLE_SD = 0.15  # acquiescence: a person's tendency to agree with everything
_SEGMENT_MOVERS = 0.10

# --------------------------------------------------------------------------- codebook

_ITEMS: tuple[tuple[str, str, int, int, str, str, int, int, str], ...] = (
    # item, kind, min, max, label, construct, reverse, non_negotiable, importance_of
    ("m01", "motivation", 1, 7, "The work I do contributes to something that matters to me.", "purpose", 0, 0, ""),
    ("m02", "motivation", 1, 7, "I want to know how my daily work helps our customers and society.", "purpose", 0, 0, ""),
    ("m03", "motivation", 1, 7, "As long as the pay is right, it does not matter to me what my work is for.", "purpose", 1, 0, ""),
    ("m04", "motivation", 1, 7, "I want to keep learning new skills in my job.", "growth", 0, 0, ""),
    ("m05", "motivation", 1, 7, "Opportunities to move up are important to me.", "growth", 0, 0, ""),
    ("m06", "motivation", 1, 7, "I am happy to keep doing the same job for years without new challenges.", "growth", 1, 0, ""),
    ("m07", "motivation", 1, 7, "A stable, predictable job matters more to me than anything else.", "security", 0, 0, ""),
    ("m08", "motivation", 1, 7, "I value clear rules and procedures.", "security", 0, 0, ""),
    ("m09", "motivation", 1, 7, "I would gladly trade job security for more excitement.", "security", 1, 0, ""),
    ("m10", "motivation", 1, 7, "It matters to me that my efforts are noticed.", "recognition", 0, 0, ""),
    ("m11", "motivation", 1, 7, "Praise from my manager motivates me to do more.", "recognition", 0, 0, ""),
    ("m12", "motivation", 1, 7, "I want my pay and bonus to reflect my performance.", "recognition", 0, 0, ""),
    ("m13", "motivation", 1, 7, "Feeling part of a close team is important to me.", "belonging", 0, 0, ""),
    ("m14", "motivation", 1, 7, "I prefer working on my own over working with colleagues.", "belonging", 1, 0, ""),
    ("m15", "motivation", 1, 7, "I enjoy the social side of work.", "belonging", 0, 0, ""),
    ("b01", "behaviour", 1, 5, "In my team, people speak up immediately when they see an unsafe situation.", "non-negotiable", 0, 1, ""),
    ("b02", "behaviour", 1, 5, "In my team, we keep the promises we make to customers.", "non-negotiable", 0, 1, ""),
    ("b03", "behaviour", 1, 5, "In my team, we report mistakes and results honestly, even when it is uncomfortable.", "non-negotiable", 0, 1, ""),
    ("b04", "behaviour", 1, 5, "In my team, everyone is treated with respect, whatever their role or background.", "non-negotiable", 0, 1, ""),
    ("b05", "behaviour", 1, 5, "In my team, we share what we know with other teams.", "team practice", 0, 0, ""),
    ("b06", "behaviour", 1, 5, "In my team, we give each other direct feedback.", "team practice", 0, 0, ""),
    ("b07", "behaviour", 1, 5, "In my team, we try out new ways of working.", "team practice", 0, 0, ""),
    ("b08", "behaviour", 1, 5, "In my team, we celebrate successes together.", "team practice", 0, 0, ""),
    ("b09", "behaviour", 1, 5, "In my team, we involve customers when we change how we work.", "team practice", 0, 0, ""),
    ("b10", "behaviour", 1, 5, "In my team, decisions are taken quickly, close to the work.", "team practice", 0, 0, ""),
    ("i01", "other", 1, 5, "How important is it to you that teams share what they know with other teams?", "importance", 0, 0, "b05"),
    ("i02", "other", 1, 5, "How important is it to you that colleagues give each other direct feedback?", "importance", 0, 0, "b06"),
    ("i03", "other", 1, 5, "How important is it to you that your team tries out new ways of working?", "importance", 0, 0, "b07"),
    ("e01", "energy", 1, 5, "I feel energised by my work.", "energy", 0, 0, ""),
    ("e02", "energy", 1, 5, "I have the energy to help make change happen here.", "energy", 0, 0, ""),
    ("e03", "energy", 1, 5, "At the end of a workday I often feel drained.", "energy", 1, 0, ""),
    ("o01", "outcome", 1, 5, "I would recommend Northwind as a place to work.", "engagement", 0, 0, ""),
    ("o02", "outcome", 1, 5, "I see myself still working at Northwind in two years.", "intent to stay", 0, 0, ""),
)
_ITEM_NAMES: tuple[str, ...] = tuple(row[0] for row in _ITEMS)

_NON_NEGOTIABLE_MEAN = 4.55
_PRACTICE_MEANS = np.array([3.2, 3.0, 3.1, 3.5, 2.9, 3.0])  # b05..b10
_IMPORTANCE_MEAN = 4.25
#: Planted weak groups: (item, attribute, group, shift on the latent scale).
_WEAK_GROUPS: tuple[tuple[str, str, str, float], ...] = (
    ("b01", "department", "Operations", -0.95),
    ("b02", "location", "Eindhoven", -0.95),
    ("b04", "department", "Sales", -0.95),
)
#: Planted wave changes: item -> shift of its latent mean from wave 1 to wave 2.
_WAVE_CHANGES: dict[str, float] = {"b06": -0.5, "b09": 0.45, "e01": 0.5, "o01": 0.45}
#: Planted drivers: outcome -> predictor -> slope on the person's latent energy and team
#: practice (every other construct has none), most important first.
_DRIVERS: dict[str, dict[str, float]] = {
    "engagement": {"energy": 0.5, "team practice": 0.6},
    "intent to stay": {"team practice": 0.8, "energy": 0.3},
}
#: The 0-10 recommendation item (eNPS), written after the other items.
_ENPS_ITEM: tuple[Any, ...] = (
    "o03", "outcome", 0, 10, "How likely is it that you would recommend Northwind to a friend as "
    "a place to work?", "advocacy", 0, 0, "")
_ENPS_MEAN = 7.6
_ENPS_DRIVERS: dict[str, float] = {"energy": 1.2, "team practice": 1.5}
_ENPS_WEAK_GROUP: tuple[str, str, float] = ("department", "Customer Service", -2.0)

# --------------------------------------------------------------------------- network

_TRIBE_SIZE = 65  # people per tribe on average
_MIXING = 0.06  # share of ordinary influence ties that leave the tribe
_HUB_SHARE = 0.01
_HUB_NAMING = 0.6  # chance that a respondent names one of the hyper-connected
_BROKER_PER = 120  # one backstage leader per this many people
_BROKER_TRIBES = 4  # other tribes each backstage leader bridges to
_BROKER_TIES = 3  # ties a backstage leader names in each tribe it bridges (and is named by)
_TIE_KEEP = 0.85  # share of wave-1 influence ties a wave-2 respondent names again
_DEPARTED = ("X9001", "X9002", "X9003")

# --------------------------------------------------------------------------- actions

_LADDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("clicktivist", ("view", "like", "react")),
    ("contributor", ("comment", "share")),
    ("activist", ("attend", "volunteer", "act")),
    ("advocate", ("lead", "recruit")),
)
_LADDER_SHARES = np.array([0.28, 0.41, 0.17, 0.10, 0.04])  # spectator .. advocate
_CHANNELS: tuple[tuple[str, ...], ...] = (
    ("intranet", "app", "Teams"),
    ("intranet", "Teams", "app"),
    ("town hall", "workshop", "site visit"),
    ("in person", "Teams"),
)

# --------------------------------------------------------------------------- initiatives

_GRASSROOTS_THRESHOLD = 15
_TANDEM_RATES: dict[str, float] = {"tandem": 0.75, "grassroots only": 0.30,
                                   "leadership only": 0.25, "neither": 0.10}
_INITIATIVE_TOPICS: tuple[str, ...] = (
    "Safety walk", "Green fleet pilot", "Buddy programme", "Night-shift rota redesign",
    "Customer call-back", "Lean warehouse", "Digital proof of delivery", "Mentoring circle",
    "Wellbeing week", "Route optimisation", "Parcel tracking app", "Knowledge cafe",
    "Returns fast lane", "Zero-waste packaging", "Onboarding buddies", "Fleet electrification",
    "Shift swap app", "Customer promise board", "Speak-up training", "Hackathon",
    "Cross-dock clean-up", "Driver feedback loop", "Inclusive hiring", "Pallet recycling",
)

# --------------------------------------------------------------------------- stories

_THEMES: tuple[str, ...] = ("customer", "safety", "workload", "strategy", "teamwork", "learning")
#: Distinctive vocabulary per theme, most frequent first; the first five (none of them an
#: English stop word) are the core terms listed in the truth.
_THEME_TERMS: dict[str, tuple[str, ...]] = {
    "customer": ("customer", "delivery", "promise", "parcel", "complaint", "order", "deadline", "client"),
    "safety": ("safety", "incident", "speak", "hazard", "forklift", "risk", "helmet", "near-miss"),
    "workload": ("overtime", "workload", "burnout", "shifts", "staffing", "pressure", "weekend", "exhausted"),
    "strategy": ("strategy", "vision", "transformation", "roadmap", "digital", "ambition", "growth", "future"),
    "teamwork": ("colleagues", "support", "teamwork", "helped", "covered", "together", "buddy", "pitched"),
    "learning": ("training", "mentor", "skills", "learning", "course", "coaching", "workshop", "curious"),
}
_THEME_WEIGHTS: dict[str, dict[str, float]] = {
    "top-down": {"strategy": 0.45, "customer": 0.30, "safety": 0.25},
    "bottom-up": {"workload": 0.30, "teamwork": 0.25, "customer": 0.15, "safety": 0.15,
                  "learning": 0.15},
}
_SENTENCES: dict[str, tuple[str, ...]] = {
    "customer": (
        "A customer called about a late delivery, and {name} made sure we kept our promise.",
        "We promised the customer the parcel would arrive before the deadline, and the delivery was on time.",
        "Every order is a promise to a customer, and this week we kept every delivery promise.",
        "After a complaint about a damaged parcel, {name} visited the customer and fixed the delivery the same day.",
        "Our biggest client told us that we handle every complaint fast, and that our delivery promise is why they stay a customer.",
        "{name} rerouted three trucks so the customer order met its delivery deadline.",
        "One customer complaint made us rethink how we confirm each parcel and each delivery promise.",
    ),
    "safety": (
        "{name} stopped the forklift line because of a safety risk, and nobody was hurt.",
        "After the incident in the warehouse we now speak up about every safety hazard.",
        "A near-miss with a forklift reminded us that safety comes first and that everyone may speak up.",
        "{name} reported a safety incident that others had ignored, and the hazard was removed.",
        "We start each shift with a short safety talk, so people speak up about every hazard.",
        "Wearing a helmet felt silly until the incident last month; now safety is part of how we work.",
        "Because {name} chose to speak up, we fixed the hazard before it became a safety incident.",
    ),
    "workload": (
        "The workload in our team has been too high, and overtime is becoming normal.",
        "{name} worked overtime every weekend this month, and we worry about burnout.",
        "With staffing this low, every shift feels like pressure and the workload keeps growing.",
        "Several people are close to burnout because of the workload and the extra shifts.",
        "We asked for more staffing, because the overtime and the weekend shifts are not sustainable.",
        "I feel exhausted; the pressure and the overtime leave little time to recover from burnout.",
        "Extra shifts and unpaid overtime are how we cope with the staffing gap and the workload.",
    ),
    "strategy": (
        "Our strategy is a transformation of how Northwind works, and the vision is clear.",
        "The leadership team shared the vision and the roadmap for our digital transformation.",
        "Growth is our ambition, and the strategy shows where we want to be in the future.",
        "The transformation asks every site to contribute to the strategy and the vision for 2030.",
        "Our digital roadmap is the next step in the transformation and in our growth strategy.",
        "We explained the ambition behind the strategy so that everybody understands the vision.",
        "This digital roadmap turns our vision into a strategy that every team can act on.",
    ),
    "teamwork": (
        "When {name} was ill, colleagues covered the shift together without being asked.",
        "Teamwork saved the week: colleagues helped each other and we finished together.",
        "{name} helped two new colleagues find their way, and that support made a real difference.",
        "Our teamwork is strong because colleagues support each other and pitch in together.",
        "Everyone pitched in together to support the night team; that is real teamwork.",
        "A buddy system means new colleagues are always helped by someone who can support them.",
        "The colleagues from the other shift covered for us, and their support felt like teamwork.",
    ),
    "learning": (
        "{name} became my mentor, and the training helped me learn new skills.",
        "The learning budget let me take a course in planning, and I use the skills every day.",
        "A mentor and a short training made the new system easy to learn.",
        "We started a learning lunch where people teach each other skills from a course or training.",
        "Coaching from my mentor was the best learning experience I had this year.",
        "After the training workshop, {name} offered to mentor others in the new skills.",
        "Being curious is rewarded here: the training and the mentor programme help us build skills.",
    ),
}
_FILLERS: tuple[str, ...] = (
    "I wanted to share this because it says something about who we are.",
    "It was a busy week, but this stood out.",
    "Not everything went well, but we kept going.",
    "This happened at our site last month.",
    "I think more people should hear about this.",
    "It is a small thing, but it matters.",
    "Let's keep doing this.",
    "Honestly, I did not expect it.",
)
_DUTCH: tuple[tuple[str, str], ...] = (
    ("workload", "De werkdruk is hoog en we maken veel overuren. Gelukkig helpen we elkaar wel."),
    ("workload", "Door het personeelstekort draaien we extra diensten in het weekend. Dat houden we niet lang vol."),
    ("teamwork", "Mijn collega nam spontaan mijn dienst over toen mijn kind ziek was. Dat is echte teamgeest."),
    ("safety", "Na het incident bij de laadperrons durven we elkaar aan te spreken op veiligheid. Dat is een grote stap."),
)
#: Stories whose text needs escaping (HTML, a spreadsheet formula, quotes), with their theme.
_TRICKY: tuple[tuple[str, str, str], ...] = (
    ("customer", "bottom-up", "<script>alert(1)</script> Just testing whether the intranet form "
     "escapes text. The delivery promise to our customer still matters most."),
    ("workload", "bottom-up", "=SUM(A1:A2) is what I typed into the overtime sheet, because the "
     "workload numbers never add up. Staffing is the real problem."),
    ("safety", "top-down", 'Our site manager said "safety first, always" & meant it: 100% of '
     "incidents were discussed, and nobody was blamed for speaking up."),
)
_NAMES: tuple[str, ...] = ("Sanne", "Ahmed", "Lotte", "Daan", "Fatima", "Pieter", "Maria", "Joost",
                           "Emma", "Yusuf", "Noor", "Bram", "Ines", "Kofi", "Eva", "Tomasz")
_STORY_CHANNELS: dict[str, tuple[str, ...]] = {
    "top-down": ("town hall", "CEO blog", "newsletter", "intranet"),
    "bottom-up": ("intranet", "team meeting", "Yammer", "story booth"),
}

_LADDER_TOML: tuple[tuple[str, str], ...] = tuple(
    (action, level) for level, actions in _LADDER for action in actions)


# =========================================================================== result type

@dataclass(frozen=True, eq=False)
class SampleOrganisation:
    """A generated organisation: its tables, its settings and what was planted.

    Attributes
    ----------
    survey, codebook, network, actions, initiatives, stories
        The tables exactly as :func:`write_sample` writes them (answers as nullable
        integers, reverse-worded items raw as answered).
    workbook_toml
        The text of ``workbook.toml``.
    truth
        What was planted (the keys are described in the module documentation); a
        read-only mapping.
    people, seed
        The arguments it was made with.
    """

    survey: pd.DataFrame
    codebook: pd.DataFrame
    network: pd.DataFrame
    actions: pd.DataFrame
    initiatives: pd.DataFrame
    stories: pd.DataFrame
    roster: pd.DataFrame
    comments: pd.DataFrame
    workbook_toml: str
    truth: MappingProxyType[str, Any]
    people: int
    seed: int

    def files(self) -> dict[str, bytes]:
        """The bytes of every file of the data folder, keyed by file name.

        Examples
        --------
        >>> org = generate_sample(people=200, seed=1)
        >>> sorted(org.files()) == sorted(SAMPLE_FILES)
        True
        """
        out = {
            "survey.csv": _csv(self.survey),
            "codebook.csv": _csv(self.codebook),
            "network.csv": _csv(self.network),
            "actions.csv": _csv(self.actions),
            "initiatives.csv": _csv(self.initiatives),
            "stories.csv": _csv(self.stories),
            "roster.csv": _csv(self.roster),
            "comments.csv": _csv(self.comments),
            "workbook.toml": self.workbook_toml.encode("utf-8"),
            "truth.json": (json.dumps(_plain(self.truth), sort_keys=True, indent=1,
                                      ensure_ascii=False) + "\n").encode("utf-8"),
        }
        return {name: out[name] for name in SAMPLE_FILES}


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, (dict, MappingProxyType)):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


# =========================================================================== helpers

def _counts(total: int, shares: Sequence[float] | np.ndarray, minimum: int = 0) -> np.ndarray:
    """Split ``total`` into whole counts proportional to ``shares`` (largest remainder)."""
    p = np.asarray(shares, dtype=float)
    p = p / p.sum()
    raw = p * total
    counts = np.maximum(np.floor(raw).astype(np.int64), minimum)
    while counts.sum() > total:  # minimums took too much: take from the largest
        counts[np.argmax(counts)] -= 1
    rest = total - int(counts.sum())
    order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    counts[order[:rest]] += 1
    return counts


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of ``probs`` (rows sum to 1)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None] * cum[:, -1:]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _draw_by_group(rng: np.random.Generator, group: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """One draw per person from ``probs[group]`` (one row of probabilities per group)."""
    out = np.empty(len(group), dtype=np.int64)
    for g in range(len(probs)):
        where = np.flatnonzero(group == g)
        p = probs[g] / probs[g].sum()
        out[where] = np.minimum(np.searchsorted(np.cumsum(p), rng.random(len(where)), "right"),
                                len(p) - 1)
    return out


class _Picker:
    """Draw people within groups, proportional to a weight (vectorised)."""

    def __init__(self, group: np.ndarray, weight: np.ndarray, n_groups: int) -> None:
        w = np.where(group >= 0, weight, 0.0).astype(float)
        self.order = np.argsort(group, kind="stable")
        sorted_groups = group[self.order]
        self.cum = np.concatenate([[0.0], np.cumsum(w[self.order])])
        self.lo = np.searchsorted(sorted_groups, np.arange(n_groups), "left")
        self.hi = np.searchsorted(sorted_groups, np.arange(n_groups), "right")
        self.total = self.cum[self.hi] - self.cum[self.lo]
        self.weight = w

    def pick(self, rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
        """One person per entry of ``groups``; -1 where the group has nobody to pick."""
        groups = np.asarray(groups, dtype=np.int64)
        a = self.cum[self.lo[groups]]
        b = self.cum[self.hi[groups]]
        u = a + rng.random(len(groups)) * (b - a)
        pos = np.searchsorted(self.cum, u, side="right") - 1
        pos = np.clip(pos, self.lo[groups], np.maximum(self.hi[groups] - 1, self.lo[groups]))
        chosen = self.order[np.minimum(pos, len(self.order) - 1)]
        ok = (self.total[groups] > 0) & (self.weight[chosen] > 0)
        return np.where(ok, chosen, -1)


def _fix_counts(rng: np.random.Generator, labels: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Move randomly chosen people from over-full labels to under-full ones until the
    counts per label equal ``target`` (keeps most of any tilt in the first draw)."""
    labels = labels.copy()
    have = np.bincount(labels, minlength=len(target))
    surplus = [rng.choice(np.flatnonzero(labels == k), size=have[k] - target[k], replace=False)
               for k in range(len(target)) if have[k] > target[k]]
    if surplus:
        movers = rng.permutation(np.concatenate(surplus))
        deficit = np.repeat(np.arange(len(target)), np.maximum(target - have, 0))
        labels[movers] = deficit
    return labels


def _dates(rng: np.random.Generator, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """ISO dates drawn uniformly between day offsets ``start`` and ``end`` (in 2025)."""
    days = start + np.floor(rng.random(len(start)) * (end - start)).astype(np.int64)
    return np.datetime_as_string(np.datetime64("2025-01-01") + days.astype("timedelta64[D]"))


def _wave_of(dates: np.ndarray) -> np.ndarray:
    return np.where(dates < "2025-07-01", WAVES[0], WAVES[1])


# =========================================================================== people

@dataclass
class _People:
    n: int
    ids: np.ndarray
    department: np.ndarray  # index into departments (last one: the small department)
    departments: tuple[str, ...]
    level: np.ndarray  # index into _LEVELS
    location: np.ndarray
    tenure: np.ndarray  # wave-1 band index
    tenure2: np.ndarray
    leader: np.ndarray
    in_w: np.ndarray  # (2, n) employed in wave
    resp: np.ndarray  # (2, n) answered the survey in wave
    tribe: np.ndarray
    n_tribes: int
    hubs: np.ndarray
    brokers: np.ndarray
    broker_tribes: np.ndarray  # (n_brokers, _BROKER_TRIBES) other tribes each broker bridges
    segment: np.ndarray  # (2, n)
    movers: np.ndarray
    energy: np.ndarray
    tribe_mood: np.ndarray


def _make_people(rng: np.random.Generator, n: int) -> _People:
    width = max(4, len(str(n)))
    ids = np.array([f"E{i:0{width}d}" for i in range(1, n + 1)])
    n_new = round(_NEWCOMER_SHARE * n)
    n_old = n - n_new
    n_leave = round(_LEAVER_SHARE * n_old)
    in_w = np.zeros((2, n), dtype=bool)
    in_w[0, :n_old] = True
    in_w[1, :] = True
    leavers = rng.choice(n_old, size=n_leave, replace=False)
    in_w[1, leavers] = False
    stayers = np.flatnonzero(in_w[0] & in_w[1])

    # departments: skewed, plus exactly three people in the small department (all stayers)
    names = tuple(d for d, _ in _DEPARTMENTS) + (_SMALL_DEPARTMENT,)
    small = np.sort(rng.choice(stayers, size=3, replace=False))
    rest = np.setdiff1d(np.arange(n), small)
    counts = _counts(len(rest), [s for _, s in _DEPARTMENTS], minimum=2)
    department = np.empty(n, dtype=np.int64)
    department[small] = len(names) - 1
    department[rest] = rng.permutation(np.repeat(np.arange(len(_DEPARTMENTS)), counts))

    level_counts = _counts(n, [s for _, s in _LEVELS], minimum=1)
    level = rng.permutation(np.repeat(np.arange(len(_LEVELS)), level_counts))
    everyone = np.zeros(n, dtype=np.int64)
    location = _draw_by_group(rng, everyone, np.array([[s for _, s in _LOCATIONS]]))
    tenure = _draw_by_group(rng, everyone, np.array([[s for _, s in _TENURE]]))
    tenure[n_old:] = 0
    tenure2 = tenure.copy()
    tenure2[(tenure == 0) & (rng.random(n) < 0.5) & (np.arange(n) < n_old)] = 1
    leader = (level <= 1) | ((level == 2) & (rng.random(n) < 0.25))

    # tribes: skewed sizes, only loosely tied to department
    n_tribes = max(4, round(n / _TRIBE_SIZE))
    tribe_w = np.linspace(2.2, 0.7, n_tribes)
    tilt = rng.normal(0.0, 0.35, size=(len(names), n_tribes))
    tribe = _draw_by_group(rng, department, tribe_w[None, :] * np.exp(tilt))
    tribe_mood = rng.normal(0.0, 0.3, size=n_tribes)

    # hyper-connected and backstage leaders: non-leaders present in both waves
    pool = np.setdiff1d(stayers, small)
    pool = pool[~leader[pool]]
    n_hubs = max(2, round(_HUB_SHARE * n))
    hubs = np.sort(rng.choice(pool[level[pool] >= 2], size=n_hubs, replace=False))
    candidates = np.setdiff1d(pool[level[pool] >= 3], hubs)
    n_brokers = max(3, round(n / _BROKER_PER))
    # spread the brokers over tribes: at most one per tribe while tribes last
    shuffled = rng.permutation(candidates)
    _, first = np.unique(tribe[shuffled], return_index=True)
    firsts = shuffled[np.sort(first)]
    others = np.setdiff1d(shuffled, firsts)
    brokers = np.sort(np.concatenate([firsts, rng.permutation(others)])[:n_brokers])
    # other tribes per broker: distinct, and never the broker's own
    reach = min(_BROKER_TRIBES, n_tribes - 1)
    others = np.argsort(rng.random((len(brokers), n_tribes - 1)), axis=1)[:, :reach]
    broker_tribes = others + (others >= tribe[brokers][:, None])

    # response: exactly _NONRESPONSE of each wave's headcount does not answer; everyone
    # answers at least one wave (those employed in one wave only answer it), and the small
    # department, the hyper-connected and the backstage leaders answer both
    resp = in_w.copy()
    forced = np.concatenate([small, hubs, brokers])
    eligible = np.setdiff1d(stayers, forced)
    skip1 = rng.choice(eligible, size=round(_NONRESPONSE * in_w[0].sum()), replace=False)
    rest = np.setdiff1d(eligible, skip1)
    skip2 = rng.choice(rest, size=round(_NONRESPONSE * in_w[1].sum()), replace=False)
    resp[0, skip1] = False
    resp[1, skip2] = False

    # motivational segments, slightly tilted by department; movers between waves
    seg_tilt = rng.normal(0.0, 0.15, size=(len(names), len(_SEGMENTS)))
    seg1 = _draw_by_group(rng, department, _SEGMENT_SHARES[None, :] * np.exp(seg_tilt))
    seg1 = _fix_counts(rng, seg1, _counts(n, _SEGMENT_SHARES))
    segment = np.vstack([seg1, seg1])
    both = np.flatnonzero(resp[0] & resp[1])
    movers = np.sort(rng.choice(both, size=round(_SEGMENT_MOVERS * len(both)), replace=False))
    shift = rng.integers(1, len(_SEGMENTS), size=len(movers))
    segment[1, movers] = (seg1[movers] + shift) % len(_SEGMENTS)

    energy = tribe_mood[tribe] + rng.normal(0.0, 0.7, size=n)
    return _People(n, ids, department, names, level, location, tenure, tenure2, leader, in_w, resp,
                   tribe, n_tribes, hubs, brokers, broker_tribes, segment, movers, energy,
                   tribe_mood)


def _normalise(p: np.ndarray) -> np.ndarray:
    return p / p.sum(axis=1, keepdims=True)


def _names(table: tuple[tuple[str, float], ...]) -> np.ndarray:
    return np.array([name for name, _ in table])


# =========================================================================== survey

def _make_survey(rng: np.random.Generator, pp: _People) -> tuple[pd.DataFrame, dict[str, Any]]:
    n = pp.n
    items = _ITEM_NAMES
    col = {item: j for j, item in enumerate(items)}
    n_dep, n_loc = len(pp.departments), len(_LOCATIONS)
    # stable person and group effects (the same in both waves)
    style = rng.normal(0.0, _STYLE_SD, size=n)
    mot_person = rng.normal(0.0, _MOTIVATION_PERSON_SD, size=(n, len(_CONSTRUCTS)))
    mot_item = rng.normal(0.0, 0.15, size=15)
    general = rng.normal(0.0, 0.4, size=n)  # how positively someone sees their team
    beh_person = rng.normal(0.0, 0.3, size=(n, 10))
    dept_practice = rng.normal(0.0, 0.4, size=(n_dep, 6))
    loc_practice = rng.normal(0.0, 0.12, size=(n_loc, 6))
    importance_person = rng.normal(0.0, 0.4, size=n)
    outcome_person = rng.normal(0.0, 0.55, size=(n, 2))
    # each person's latent team practice (the mean of b05-b10 before answer noise), centred
    practice = (dept_practice[pp.department].mean(axis=1) + loc_practice[pp.location].mean(axis=1)
                + general + beh_person[:, 4:].mean(axis=1))
    weak_shift = np.zeros((n, 4))
    for item, attribute, group, shift in _WEAK_GROUPS:
        values = pp.department if attribute == "department" else pp.location
        names = list(pp.departments if attribute == "department" else _names(_LOCATIONS))
        weak_shift[values == names.index(group), col[item] - 15] += shift

    frames = []
    for w, wave in enumerate(WAVES):
        who = np.flatnonzero(pp.resp[w])
        m = len(who)
        x = np.empty((m, len(items)))
        seg = pp.segment[w, who]
        construct = np.repeat(np.arange(5), 3)
        x[:, :15] = (_PROFILES[seg][:, construct] + mot_person[who][:, construct]
                     + style[who, None] + mot_item[None, :]
                     + rng.normal(0.0, _MOTIVATION_ITEM_SD, size=(m, 15)))
        x[:, 15:19] = (_NON_NEGOTIABLE_MEAN + 0.5 * general[who, None] + beh_person[who, :4]
                       + weak_shift[who] + rng.normal(0.0, 0.35, size=(m, 4)))
        x[:, 19:25] = (_PRACTICE_MEANS[None, :] + dept_practice[pp.department[who]]
                       + loc_practice[pp.location[who]] + general[who, None]
                       + beh_person[who, 4:] + rng.normal(0.0, 0.6, size=(m, 6)))
        x[:, 25:28] = (_IMPORTANCE_MEAN + importance_person[who, None]
                       + rng.normal(0.0, 0.55, size=(m, 3)))
        en = pp.energy[who]
        x[:, 28] = 3.35 + en + rng.normal(0.0, 0.55, size=m)
        x[:, 29] = 3.25 + 0.85 * en + rng.normal(0.0, 0.6, size=m)
        x[:, 30] = 3.1 + 0.8 * en + rng.normal(0.0, 0.65, size=m)
        stay_bonus = np.array([0.0, -0.25, 0.35, -0.1, 0.15])[seg]
        # planted drivers: each outcome leans on energy and team practice (see _DRIVERS)
        tp = practice[who]
        x[:, 31] = (3.45 + _DRIVERS["engagement"]["energy"] * en
                    + _DRIVERS["engagement"]["team practice"] * tp
                    + 0.5 * outcome_person[who, 0] + rng.normal(0.0, 0.6, size=m))
        x[:, 32] = (3.5 + _DRIVERS["intent to stay"]["energy"] * en
                    + _DRIVERS["intent to stay"]["team practice"] * tp + stay_bonus
                    + 0.5 * outcome_person[who, 1] + rng.normal(0.0, 0.7, size=m))
        if w == 1:
            for item, shift in _WAVE_CHANGES.items():
                x[:, col[item]] += shift
        lo = np.array([row[2] for row in _ITEMS], dtype=float)
        hi = np.array([row[3] for row in _ITEMS], dtype=float)
        answer = np.clip(np.rint(x), lo, hi)
        reverse = np.array([row[6] == 1 for row in _ITEMS])
        answer[:, reverse] = (lo + hi)[reverse] - answer[:, reverse]  # written raw, as answered
        answer[_missing_mask(rng, m, len(items))] = np.nan

        frame = pd.DataFrame({
            "respondent_id": pp.ids[who],
            "wave": wave,
            "department": np.asarray(pp.departments)[pp.department[who]],
            "level": _names(_LEVELS)[pp.level[who]],
            "location": _names(_LOCATIONS)[pp.location[who]],
            "tenure_band": _names(_TENURE)[(pp.tenure if w == 0 else pp.tenure2)[who]],
            "is_leader": pp.leader[who].astype(np.int64),
        })
        answers = pd.DataFrame({item: pd.array(answer[:, j], dtype="Int64")
                                for j, item in enumerate(items)})
        frames.append(pd.concat([frame, answers], axis=1))
    survey = pd.concat(frames, ignore_index=True)
    truth = {
        "weak_group_details": [
            {"item": item, "attribute": attribute, "group": group, "shift": shift}
            for item, attribute, group, shift in _WEAK_GROUPS
        ],
        "say_do_gaps": {
            row[0]: round(_IMPORTANCE_MEAN - float(_PRACTICE_MEANS[col[row[8]] - 19]), 2)
            for row in _ITEMS if row[8]
        },
    }
    truth["_latent"] = {"energy": pp.energy, "team practice": practice}
    return survey, truth


def _make_roster(rng: np.random.Generator, pp: _People) -> pd.DataFrame:
    """Everyone employed in each wave, with a manager tree.

    The top executive has no manager; each department's most senior person reports to
    them; everyone else reports to a more senior person of their own department (one
    level up when there is one), else to the department's most senior person.
    """
    frames = []
    for w, wave in enumerate(WAVES):
        present = np.flatnonzero(pp.in_w[w])
        order = present[np.lexsort((present, pp.level[present]))]
        top = order[0]
        manager = np.full(pp.n, -1)
        for d in range(len(pp.departments)):
            members = order[pp.department[order] == d]
            if not len(members):
                continue
            head = members[0]
            if head != top:
                manager[head] = top
            for person in members[1:]:
                above = members[pp.level[members] < pp.level[person]]
                if len(above):
                    nearest = above[pp.level[above] == pp.level[above].max()]
                    manager[person] = rng.choice(nearest)
                elif person != top:
                    manager[person] = head
        frames.append(pd.DataFrame({
            "respondent_id": pp.ids[present],
            "manager_id": np.where(manager[present] >= 0, pp.ids[np.maximum(manager[present], 0)],
                                   ""),
            "email": [f"{i.lower()}@sample.example" for i in pp.ids[present]],
            "wave": wave,
            "department": np.asarray(pp.departments)[pp.department[present]],
            "level": _names(_LEVELS)[pp.level[present]],
            "location": _names(_LOCATIONS)[pp.location[present]],
        }))
    return pd.concat(frames, ignore_index=True)


def _make_recommendation(rng: np.random.Generator, pp: _People, survey: pd.DataFrame,
                         latent: dict[str, np.ndarray]) -> tuple[pd.Series, dict[str, Any]]:
    """The 0-10 recommendation item (eNPS) of every survey row, from its own random stream.

    It leans on the same energy and team practice as the other outcomes, is lower in one
    department, and does not change between the waves.
    """
    index = pd.Series(np.arange(pp.n), index=pp.ids)
    who = index.loc[survey["respondent_id"].to_numpy()].to_numpy()
    weak = survey["department"].to_numpy() == _ENPS_WEAK_GROUP[1]
    x = (_ENPS_MEAN + _ENPS_DRIVERS["energy"] * latent["energy"][who]
         + _ENPS_DRIVERS["team practice"] * latent["team practice"][who]
         + _ENPS_WEAK_GROUP[2] * weak + rng.normal(0.0, 1.5, size=len(who)))
    answer = np.clip(np.rint(x), 0, 10)
    answer[rng.random(len(who)) < 0.03] = np.nan
    truth = {"enps": {"item": _ENPS_ITEM[0], "wave_change": 0.0,
                      "weak_group": {"attribute": _ENPS_WEAK_GROUP[0],
                                     "group": _ENPS_WEAK_GROUP[1], "shift": _ENPS_WEAK_GROUP[2]},
                      "drivers": dict(_ENPS_DRIVERS)}}
    return pd.Series(pd.array(answer, dtype="Int64"), name=_ENPS_ITEM[0]), truth


#: Planted comment themes: name -> (English terms, Dutch terms).
_COMMENT_THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "workload": (("workload", "overtime", "staffing", "shifts", "breaks"),
                 ("werkdruk", "overuren", "bezetting", "diensten", "pauzes")),
    "communication": (("communication", "updates", "information", "decisions", "transparency"),
                      ("communicatie", "informatie", "besluiten", "updates", "openheid")),
    "training": (("training", "courses", "coaching", "skills", "mentoring"),
                 ("opleiding", "cursussen", "coaching", "vaardigheden", "begeleiding")),
    "tools": (("systems", "software", "scanners", "laptops", "equipment"),
              ("systemen", "software", "scanners", "laptops", "apparatuur")),
}
_COMMENT_QUESTION = "What would make Northwind a better place to work?"
_EN_POSITIVE = ("The {a} here is great, and {b} and {c} keep getting better.",
                "I really appreciate the {a}; good {b} and {c} make my job easier.",
                "Excellent {a} this year, helpful {b}, and the {c} works well.",
                "Thanks for the {a}: {b} and {c} have improved a lot.",
                "Happy with our {a}, our {b} and the {c}.",
                "The {a}, the {b} and the {c} are a real strength of this place.",
                "Good to see progress on {a}, {b} and {c}.",
                "Keep investing in {a}; the {b} and {c} are excellent now.")
_EN_NEGATIVE = ("The {a} is terrible, and {b} and {c} are even worse.",
                "Poor {a}, and nobody fixes the awful {b} or the {c}.",
                "I am frustrated with the {a}; {b} and {c} are bad and unfair.",
                "The {a} is a disaster, the {b} is weak and the {c} is broken.",
                "Stop ignoring the {a}: {b} and {c} make people angry.",
                "Sad to say the {a}, the {b} and the {c} have got worse.",
                "Fix the {a} please; {b} and {c} are a constant problem.",
                "Disappointing {a}, useless {b}, and the {c} is a mess.")
_NL_POSITIVE = ("De {a} is hier uitstekend, en {b} en {c} zijn prima.",
                "Ik ben blij met de {a}; {b} en {c} zijn goed geregeld.",
                "Fijne {a}, sterke {b} en een prettige {c}.",
                "De {a}, de {b} en de {c} zijn echt goed.")
_NL_NEGATIVE = ("De {a} is slecht, en {b} en {c} zijn ronduit waardeloos.",
                "Ik vind de {a} onduidelijk; {b} en {c} zijn slecht.",
                "Vervelende {a}, zwakke {b} en een chaotische {c}.",
                "De {a}, de {b} en de {c} zijn echt slecht.")
_SENSITIVE_TEXTS = ("My team lead keeps bullying a colleague and nobody acts on it.",
                    "I witnessed harassment at the depot and reported it twice.",
                    "Er is sprake van pesten in ons team, dat moet stoppen.")


def _make_comments(rng: np.random.Generator, survey: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Open answers to one question: planted themes, sentiment and a few sensitive comments.

    About a third of each wave's respondents write; one comment in six is Dutch. Each
    comment names three terms of one theme in a positive or a negative sentence; about one in
    a hundred is a sensitive comment (bullying, harassment), half of them flagged by the
    survey tool, the rest found by the keyword list.
    """
    names = list(_COMMENT_THEMES)
    writes = rng.random(len(survey)) < 0.33
    rows = survey.loc[writes, ["respondent_id", "wave"]].reset_index(drop=True)
    m = len(rows)
    theme = rng.integers(0, len(names), size=m)
    dutch = rng.random(m) < 1 / 6
    positive = rng.random(m) < 0.45
    pick = np.argsort(rng.random((m, 5)), axis=1)[:, :3]  # three different terms of the theme
    template = rng.integers(0, 8, size=m)
    sensitive = rng.random(m) < 0.012
    flagged = sensitive & (rng.random(m) < 0.5)
    texts, labels = [], []
    for i in range(m):
        if sensitive[i]:
            texts.append(_SENSITIVE_TEXTS[template[i] % len(_SENSITIVE_TEXTS)])
            labels.append("negative")
            continue
        terms = _COMMENT_THEMES[names[theme[i]]][1 if dutch[i] else 0]
        pool: tuple[str, ...]
        if dutch[i]:
            pool = _NL_POSITIVE if positive[i] else _NL_NEGATIVE
        else:
            pool = _EN_POSITIVE if positive[i] else _EN_NEGATIVE
        texts.append(pool[template[i] % len(pool)].format(
            a=terms[pick[i, 0]], b=terms[pick[i, 1]], c=terms[pick[i, 2]]))
        labels.append("positive" if positive[i] else "negative")
    comments = pd.DataFrame({"respondent_id": rows["respondent_id"], "wave": rows["wave"],
                             "item": _COMMENT_QUESTION, "text": texts,
                             "sensitive": flagged.astype(np.int64)})
    truth = {"comments": {
        "themes": {name: list(terms[0]) for name, terms in _COMMENT_THEMES.items()},
        "theme_of": [None if sensitive[i] else names[theme[i]] for i in range(m)],
        "sentiment": labels,
        "language": ["nl" if dutch[i] else "en" for i in range(m)],
        "sensitive": [i for i in range(m) if sensitive[i]],
    }}
    return comments, truth


def _missing_mask(rng: np.random.Generator, m: int, k: int) -> np.ndarray:
    """About 3% missing answers: a few skippers, a few break-offs, rare slips."""
    mask = rng.random((m, k)) < 0.005
    skipper = rng.random(m) < 0.12
    mask |= skipper[:, None] & (rng.random((m, k)) < 0.15)
    breakoff = rng.random(m) < 0.03
    stop = rng.integers(int(0.55 * k), int(0.9 * k), size=m)
    mask |= breakoff[:, None] & (np.arange(k)[None, :] >= stop[:, None])
    return mask


def _make_codebook() -> pd.DataFrame:
    columns = ["item", "kind", "scale_min", "scale_max", "label", "construct", "reverse",
               "non_negotiable", "importance_of"]
    return pd.DataFrame([list(row) for row in (*_ITEMS, _ENPS_ITEM)], columns=columns)


# =========================================================================== network

def _influence(rng: np.random.Generator, pp: _People, w: int) -> tuple[np.ndarray, np.ndarray]:
    """The influence ties named by wave ``w``'s respondents (before de-duplication)."""
    n = pp.n
    present = pp.in_w[w]
    sources = np.flatnonzero(pp.resp[w])
    popularity = np.exp(np.clip(rng.normal(0.0, 0.45, size=n), -1.0, 1.0))
    popularity[pp.leader] *= 0.8
    popularity[pp.hubs] = 1.0
    tribe_pick = _Picker(np.where(present, pp.tribe, -1), popularity, pp.n_tribes)
    anyone = _Picker(np.where(present, 0, -1), popularity, 1)

    is_broker = np.zeros(n, dtype=bool)
    is_broker[pp.brokers] = True
    ordinary = sources[~is_broker[sources]]
    degree = rng.integers(6, 11, size=len(ordinary))
    src = np.repeat(ordinary, degree)
    tgt = tribe_pick.pick(rng, pp.tribe[src])
    leave = rng.random(len(src)) < _MIXING
    tgt[leave] = anyone.pick(rng, np.zeros(int(leave.sum()), dtype=np.int64))
    parts_s, parts_t = [src], [tgt]

    # backstage leaders name a few people in their own tribe and in each tribe they bridge
    broker_index = {int(b): k for k, b in enumerate(pp.brokers)}
    for b in sources[is_broker[sources]]:
        tribes = np.concatenate([[pp.tribe[b]], pp.broker_tribes[broker_index[int(b)]]])
        groups = np.repeat(tribes, _BROKER_TIES)
        parts_s.append(np.full(len(groups), b))
        parts_t.append(tribe_pick.pick(rng, groups))
    # ... and as many respondents in each of those other tribes name them
    resp_tribe = _Picker(np.where(pp.resp[w], pp.tribe, -1), np.ones(n), pp.n_tribes)
    for k, b in enumerate(pp.brokers):
        if present[b]:
            groups = np.repeat(pp.broker_tribes[k], _BROKER_TIES)
            parts_s.append(resp_tribe.pick(rng, groups))
            parts_t.append(np.full(len(groups), b))
    # the hyper-connected: named by many respondents across all tribes
    namers = sources[rng.random(len(sources)) < _HUB_NAMING]
    parts_s.append(namers)
    parts_t.append(pp.hubs[rng.permutation(len(namers)) % len(pp.hubs)])  # evenly
    # formal leaders also name a couple of other leaders
    leaders = sources[pp.leader[sources]]
    lead_pick = _Picker(np.where(present & pp.leader, 0, -1), np.ones(n), 1)
    lsrc = np.repeat(leaders, 2)
    parts_s.append(lsrc)
    parts_t.append(lead_pick.pick(rng, np.zeros(len(lsrc), dtype=np.int64)))
    return np.concatenate(parts_s), np.concatenate(parts_t)


def _unique_ties(src: np.ndarray, tgt: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    ok = (src >= 0) & (tgt >= 0) & (src != tgt)
    key = np.unique(src[ok].astype(np.int64) * n + tgt[ok])
    return key // n, key % n


def _make_network(rng: np.random.Generator, pp: _People) -> tuple[pd.DataFrame, dict[str, Any]]:
    n = pp.n
    rows: list[pd.DataFrame] = []

    def add(src: np.ndarray, tgt: np.ndarray, relation: str, weight: np.ndarray, wave: str) -> None:
        rows.append(pd.DataFrame({"source": pp.ids[src], "target": pp.ids[tgt],
                                  "relation": relation, "weight": weight, "wave": wave}))

    def strength(src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
        same = pp.tribe[src] == pp.tribe[tgt]
        u = rng.random(len(src))
        return np.where(same, 1 + (u < 0.6) + (u < 0.25), 1 + (u < 0.3)).astype(np.int64)

    s1, t1 = _unique_ties(*_influence(rng, pp, 0), n)
    add(s1, t1, "influence", strength(s1, t1), WAVES[0])

    # wave 2: respondents of both waves name most of their wave-1 ties again, plus a few new
    fresh_s, fresh_t = _influence(rng, pp, 1)
    again = pp.resp[1][s1] & pp.in_w[1][t1] & pp.resp[0][s1] & (rng.random(len(s1)) < _TIE_KEEP)
    returning = pp.resp[0][fresh_s]
    new = ~returning | (rng.random(len(fresh_s)) < 1 - _TIE_KEEP)
    s2, t2 = _unique_ties(np.concatenate([s1[again], fresh_s[new]]),
                          np.concatenate([t1[again], fresh_t[new]]), n)
    add(s2, t2, "influence", strength(s2, t2), WAVES[1])

    # advice (wave 1): partly the people who influence you, partly seniors in your department
    sources = np.flatnonzero(pp.resp[0])
    k = rng.integers(2, 5, size=len(sources))
    asrc = np.repeat(sources, k)
    reuse = rng.random(len(asrc)) < 0.4
    by_source = _Picker(s1, np.ones(len(s1)), n)  # picks a wave-1 influence tie of the source
    atgt = np.empty(len(asrc), dtype=np.int64)
    tie = by_source.pick(rng, asrc[reuse])
    atgt[reuse] = np.where(tie >= 0, t1[np.maximum(tie, 0)], -1)
    seniority = np.array([3.0, 2.5, 2.0, 1.2, 0.8])[pp.level]
    dept_pick = _Picker(np.where(pp.in_w[0], pp.department, -1), seniority, len(pp.departments))
    atgt[~reuse] = dept_pick.pick(rng, pp.department[asrc[~reuse]])
    a_s, a_t = _unique_ties(asrc, atgt, n)
    add(a_s, a_t, "advice", np.ones(len(a_s), dtype=np.int64), WAVES[0])

    # energy (wave 1): mostly within the tribe; 15% de-energising
    k = rng.integers(3, 6, size=len(sources))
    esrc = np.repeat(sources, k)
    tribe_pick = _Picker(np.where(pp.in_w[0], pp.tribe, -1), np.ones(n), pp.n_tribes)
    anyone = _Picker(np.where(pp.in_w[0], 0, -1), np.ones(n), 1)
    etgt = tribe_pick.pick(rng, pp.tribe[esrc])
    out = rng.random(len(esrc)) < 0.2
    etgt[out] = anyone.pick(rng, np.zeros(int(out.sum()), dtype=np.int64))
    e_s, e_t = _unique_ties(esrc, etgt, n)
    add(e_s, e_t, "energy", np.where(rng.random(len(e_s)) < 0.15, -1, 1).astype(np.int64), WAVES[0])

    # planted problems for the loader: ties to people who left, ties to oneself
    odd = rng.choice(sources, size=len(_DEPARTED) + 2, replace=False)
    rows.append(pd.DataFrame({
        "source": pp.ids[odd],
        "target": np.concatenate([np.array(_DEPARTED), pp.ids[odd[len(_DEPARTED):]]]),
        "relation": "influence", "weight": np.ones(len(odd), dtype=np.int64), "wave": WAVES[0],
    }))
    network = pd.concat(rows, ignore_index=True)
    network = network.sort_values(["wave", "relation", "source", "target"], kind="stable",
                                  ignore_index=True)
    truth = {"network_noise": {"departed_ids": list(_DEPARTED),
                               "self_ties": sorted(pp.ids[odd[len(_DEPARTED):]].tolist())}}
    return network, truth


# =========================================================================== actions

def _make_actions(rng: np.random.Generator, pp: _People) -> tuple[pd.DataFrame, dict[str, str]]:
    n = pp.n
    # the energised climb higher: an ordered draw on energy plus noise, cut at fixed shares
    drive = (pp.energy - pp.energy.mean()) / pp.energy.std() * 0.6 + rng.normal(0.0, 0.8, size=n)
    cuts = np.quantile(drive, np.cumsum(_LADDER_SHARES)[:-1])
    rung = np.searchsorted(cuts, drive, side="right")  # 0 = spectator .. 4 = advocate
    levels = ("spectator",) + tuple(level for level, _ in _LADDER)
    extra = rng.poisson(np.array([0.0, 2.0, 3.5, 5.0, 7.0])[rung])
    count = np.where(rung > 0, 1 + extra, 0)
    person = np.repeat(np.arange(n), count)
    first = np.zeros(len(person), dtype=bool)
    first[np.cumsum(count)[count > 0] - count[count > 0]] = True
    top = rung[person]
    # the first event is at the person's highest rung, the others lower (mostly clicks)
    weights = np.array([6.0, 3.0, 2.0, 1.0])
    probs = np.where(np.arange(4)[None, :] < top[:, None], weights[None, :], 0.0)
    r = _categorical(rng, _normalise(probs)) + 1
    r[first] = top[first]
    names = np.array([a for _, acts in _LADDER for a in acts])
    offset = np.array([0, 3, 5, 8, 10])
    size = np.array([0, 3, 2, 3, 2])
    action = names[offset[r - 1] + np.floor(rng.random(len(r)) * size[r]).astype(np.int64)]
    chan = np.array([list(c) + [c[0]] * (3 - len(c)) for c in _CHANNELS])
    channel = chan[r - 1, np.floor(rng.random(len(r)) * np.array([3, 3, 3, 2])[r - 1]).astype(np.int64)]
    start = np.where(pp.in_w[0], 0, 181)[person]
    end = np.where(pp.in_w[1], 365, 181)[person]
    date = _dates(rng, start, end)
    actions = pd.DataFrame({"respondent_id": pp.ids[person], "action": action, "date": date,
                            "channel": channel, "wave": _wave_of(date)})
    actions = actions.sort_values(["date", "respondent_id", "action"], kind="stable",
                                  ignore_index=True)
    return actions, dict(zip(pp.ids.tolist(), np.asarray(levels)[rung].tolist(), strict=True))


# =========================================================================== initiatives

def _make_initiatives(rng: np.random.Generator, pp: _People) -> tuple[pd.DataFrame, dict[str, Any]]:
    n_init = min(3000, max(60, round(pp.n / 3)))
    supporters = np.clip(np.rint(np.exp(rng.normal(np.log(12.0), 0.9, size=n_init))), 1,
                         max(40, pp.n // 4)).astype(np.int64)
    # leaders sponsor popular initiatives a little more often
    sponsored = rng.random(n_init) < np.where(supporters >= _GRASSROOTS_THRESHOLD, 0.5, 0.35)
    executive = rng.random(n_init) < 0.35
    execs = np.flatnonzero(pp.level == 0)
    seniors = np.flatnonzero(pp.level == 1)
    sponsor = np.where(executive, rng.choice(execs, size=n_init), rng.choice(seniors, size=n_init))
    sponsor_level = np.where(sponsored, np.where(executive, "Executive", "Senior manager"), "none")
    sponsor_id = np.where(sponsored, pp.ids[sponsor], "")
    start = np.floor(rng.random(n_init) * (365 * 3 - 40)).astype(np.int64) - 730  # 2023-01 .. 2025-11
    started = np.datetime_as_string(np.datetime64("2025-01-01") + start.astype("timedelta64[D]"))
    # the later an initiative started, the likelier it still runs (all of the last quarter)
    ongoing = rng.random(n_init) < np.clip((start - 90) / 180, 0.0, 1.0)
    broad = supporters >= _GRASSROOTS_THRESHOLD
    quadrant = np.where(broad, np.where(sponsored, 0, 1), np.where(sponsored, 2, 3))
    outcome = np.where(ongoing, "ongoing", "failure").astype(object)
    for q, rate in enumerate(_TANDEM_RATES.values()):
        done = np.flatnonzero((quadrant == q) & ~ongoing)
        wins = rng.choice(done, size=round(rate * len(done)), replace=False)
        outcome[wins] = "success"
    base = np.where(sponsored, 15000.0, 1500.0)
    resources = (np.rint(base * np.exp(rng.normal(0.0, 0.7, size=n_init)) / 100) * 100).astype(np.int64)
    topic = np.asarray(_INITIATIVE_TOPICS)[rng.integers(0, len(_INITIATIVE_TOPICS), size=n_init)]
    site = _names(_LOCATIONS)[rng.integers(0, len(_LOCATIONS), size=n_init)]
    width = len(str(n_init))
    initiatives = pd.DataFrame({
        "initiative_id": [f"I{i:0{max(3, width)}d}" for i in range(1, n_init + 1)],
        "name": [f"{t} ({s})" for t, s in zip(topic, site, strict=True)],
        "supporters": supporters,
        "sponsor_level": sponsor_level,
        "sponsor_id": sponsor_id,
        "outcome": outcome.astype(str),
        "started": started,
        "resources": resources,
    })
    truth = {"tandem_rates": dict(_TANDEM_RATES), "grassroots_threshold": _GRASSROOTS_THRESHOLD}
    return initiatives, truth


# =========================================================================== stories

def _make_stories(rng: np.random.Generator, pp: _People) -> tuple[pd.DataFrame, dict[str, Any]]:
    n_stories = min(3000, max(60, round(pp.n / 2)))
    direction = np.where(rng.random(n_stories) < 0.4, "top-down", "bottom-up")
    # a few stories are fixed texts: some need escaping, some are in Dutch
    n_dutch = max(2, round(0.012 * n_stories))
    fixed = np.sort(rng.choice(n_stories, size=len(_TRICKY) + n_dutch, replace=False))
    fixed_text: dict[int, tuple[str, str]] = {}
    for k, i in enumerate(fixed.tolist()):
        if k < len(_TRICKY):
            theme, direction[i], text = _TRICKY[k]
        else:
            theme, text = _DUTCH[(k - len(_TRICKY)) % len(_DUTCH)]
            direction[i] = "bottom-up"
        fixed_text[i] = (theme, text)
    top_down = direction == "top-down"
    leaders = np.flatnonzero(pp.leader)
    others = np.flatnonzero(~pp.leader)
    author = np.where(top_down, rng.choice(leaders, size=n_stories),
                      rng.choice(others, size=n_stories))
    start = np.where(pp.in_w[0], 0, 181)[author]  # told while the author was employed
    end = np.where(pp.in_w[1], 365, 181)[author]
    date = _dates(rng, start, end)

    texts: list[str] = []
    themes: list[str] = []
    for i in range(n_stories):
        if i in fixed_text:
            theme, text = fixed_text[i]
            texts.append(text)
            themes.append(theme)
            continue
        weights = _THEME_WEIGHTS[str(direction[i])]
        names = list(weights)
        theme = names[int(rng.choice(len(names), p=np.array(list(weights.values()))))]
        bank = _SENTENCES[theme]
        chosen = [bank[j] for j in rng.choice(len(bank), size=int(rng.integers(2, 5)), replace=False)]
        if rng.random() < 0.2:  # a sentence from a second theme of the same direction
            second = _SENTENCES[names[int(rng.integers(0, len(names)))]]
            chosen.append(second[int(rng.integers(0, len(second)))])
        if rng.random() < 0.5:
            chosen.insert(int(rng.integers(0, len(chosen) + 1)),
                          _FILLERS[int(rng.integers(0, len(_FILLERS)))])
        name = _NAMES[int(rng.integers(0, len(_NAMES)))]
        texts.append(" ".join(chosen[:5]).replace("{name}", name))
        themes.append(theme)
    channel = np.array([
        _STORY_CHANNELS[str(d)][j]
        for d, j in zip(direction, rng.integers(0, 4, size=n_stories), strict=True)
    ])
    width = max(3, len(str(n_stories)))
    ids = [f"S{i:0{width}d}" for i in range(1, n_stories + 1)]
    stories = pd.DataFrame({"story_id": ids, "text": texts, "direction": direction,
                            "author_id": pp.ids[author], "date": date, "channel": channel,
                            "wave": _wave_of(date)})
    truth = {
        "themes": [list(_THEME_TERMS[t][:5]) for t in _THEMES],
        "theme_names": list(_THEMES),
        "theme_terms": {t: list(v) for t, v in _THEME_TERMS.items()},
        "theme_directions": {t: [d for d in ("top-down", "bottom-up") if t in _THEME_WEIGHTS[d]]
                             for t in _THEMES},
        "theme_weights": {d: dict(w) for d, w in _THEME_WEIGHTS.items()},
        "story_themes": dict(zip(ids, themes, strict=True)),
    }
    return stories, truth


# =========================================================================== settings

def _workbook_toml(people: int, seed: int) -> str:
    ladder = "\n".join(f'{action} = "{level}"' for action, level in _LADDER_TOML)
    return (
        "# A synthetic organisation made by the culture diagnostic workbook:\n"
        f"#   culture-diagnostics sample DIR --people {people} --seed {seed}\n"
        "# What was planted in the data is in truth.json.\n"
        f'organisation = "{ORGANISATION}"\n'
        "min_group_size = 5\n"
        "min_text_group_size = 10\n"
        'leader_levels = ["Executive", "Senior manager"]\n'
        "\n"
        "# Engagement actions (actions.csv) and the rung of the activism ladder each shows.\n"
        "[ladder]\n"
        f"{ladder}\n"
        "\n"
        "[branding]\n"
        'primary = "#1F4E79"\n'
        'accent = "#F28C28"\n'
    )


# =========================================================================== public API

def generate_sample(*, people: int = 600, seed: int = 7) -> SampleOrganisation:
    """Generate a synthetic organisation with planted truth.

    Parameters
    ----------
    people
        How many people the organisation has over the two waves (at least
        ``MIN_PEOPLE``): about 6% leave after the first wave and 6% join before the second.
    seed
        Seed of the random generator (a whole number, 0 or more). The same ``people`` and
        ``seed`` always give the same organisation.

    Returns
    -------
    SampleOrganisation
        The tables (``survey``, ``codebook``, ``network``, ``actions``, ``initiatives``,
        ``stories``), the ``workbook_toml`` text and the planted ``truth``.

    Raises
    ------
    ConfigError
        When ``people`` or ``seed`` is out of range.

    Notes
    -----
    Everything is drawn with one ``numpy.random.default_rng(seed)`` (split into an
    independent stream per table), in a fixed order, and vectorised, so 100,000 people
    take seconds. See the module documentation for what is planted and for the meaning
    of a tie.

    Examples
    --------
    >>> org = generate_sample(people=200, seed=1)
    >>> sorted(org.survey["wave"].unique())
    ['2025-H1', '2025-H2']
    >>> int(org.survey.groupby("department")["respondent_id"].nunique()["Legal"])
    3
    >>> sorted(set(org.truth["segments"].values()))[:2]
    ['Belonging builders', 'Growth climbers']
    >>> org.truth["wave_changes"]
    ['b06', 'b09', 'e01', 'o01']
    """
    if isinstance(people, bool) or not isinstance(people, (int, np.integer)) or people < MIN_PEOPLE:
        raise ConfigError(f"people must be a whole number of at least {MIN_PEOPLE}, got "
                          f"{people!r}. The planted structure needs room: use --people "
                          f"{MIN_PEOPLE} or more.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(f"seed must be a whole number of 0 or more, got {seed!r}.")
    people, seed = int(people), int(seed)
    streams = np.random.default_rng(seed).spawn(7)
    pp = _make_people(streams[0], people)
    survey, survey_truth = _make_survey(streams[1], pp)
    latent = survey_truth.pop("_latent")
    # the items added later draw from streams of their own: the earlier tables stay the same
    extra = np.random.default_rng(seed).spawn(8)[7]
    recommend, enps_truth = _make_recommendation(extra, pp, survey, latent)
    survey = pd.concat([survey, recommend], axis=1)
    survey_truth.update(enps_truth)
    survey_truth["drivers"] = {outcome: list(weights) for outcome, weights in _DRIVERS.items()}
    survey_truth["drivers"]["advocacy"] = list(_ENPS_DRIVERS)
    comments, comment_truth = _make_comments(np.random.default_rng(seed).spawn(10)[9], survey)
    survey_truth.update(comment_truth)
    survey_truth["driver_details"] = {outcome: dict(weights) for outcome, weights in _DRIVERS.items()}
    network, network_truth = _make_network(streams[2], pp)
    actions, activism = _make_actions(streams[3], pp)
    initiatives, tandem_truth = _make_initiatives(streams[4], pp)
    stories, story_truth = _make_stories(streams[5], pp)
    roster = _make_roster(streams[6], pp)

    seg_names = np.asarray(_SEGMENTS)
    by_wave = {wave: dict(zip(pp.ids[pp.resp[w]].tolist(),
                              seg_names[pp.segment[w, pp.resp[w]]].tolist(), strict=True))
               for w, wave in enumerate(WAVES)}
    sizes = {name: int((pp.segment[0, pp.resp[0]] == s).sum()) for s, name in enumerate(_SEGMENTS)}
    truth: dict[str, Any] = {
        "organisation": ORGANISATION,
        "people": people,
        "seed": seed,
        "waves": list(WAVES),
        "headcount": {wave: int(pp.in_w[w].sum()) for w, wave in enumerate(WAVES)},
        "headcount_by_department": {
            wave: {name: int((pp.in_w[w] & (pp.department == d)).sum())
                   for d, name in enumerate(pp.departments)}
            for w, wave in enumerate(WAVES)
        },
        "segments": by_wave[WAVES[0]],
        "segments_by_wave": by_wave,
        "segment_sizes": sizes,
        "segment_profiles": {name: dict(zip(_CONSTRUCTS, _PROFILES[s].tolist(), strict=True))
                             for s, name in enumerate(_SEGMENTS)},
        "segment_movers": {pp.ids[i]: [_SEGMENTS[pp.segment[0, i]], _SEGMENTS[pp.segment[1, i]]]
                           for i in pp.movers},
        "tribes": dict(zip(pp.ids.tolist(), pp.tribe.tolist(), strict=True)),
        "tribe_mood": {str(t): round(float(v), 3) for t, v in enumerate(pp.tribe_mood)},
        "hyper_connected": pp.ids[pp.hubs].tolist(),
        "backstage_leaders": pp.ids[pp.brokers].tolist(),
        "tie_direction": "source names target: for influence, target influences source "
                         "(influence flows from target to source; in-degree = influence)",
        "weak_groups": [{"item": i, "attribute": a, "group": g} for i, a, g, _ in _WEAK_GROUPS],
        "wave_changes": sorted(_WAVE_CHANGES),
        "wave_change_details": dict(sorted(_WAVE_CHANGES.items())),
        "activism_levels": activism,
        **survey_truth,
        **network_truth,
        **tandem_truth,
        **story_truth,
    }
    return SampleOrganisation(
        survey=survey, codebook=_make_codebook(), network=network, actions=actions,
        initiatives=initiatives, stories=stories, comments=comments, roster=roster,
        workbook_toml=_workbook_toml(people, seed),
        truth=MappingProxyType(truth), people=people, seed=seed,
    )


def write_sample(directory: str | Path, *, people: int = 600, seed: int = 7) -> Path:
    """Write a synthetic organisation's data folder, with its planted truth in ``truth.json``.

    Parameters
    ----------
    directory
        The folder to write (created when missing): new, empty, or a sample written
        before (it holds ``truth.json``). The files of ``SAMPLE_FILES`` are replaced; other
        files in the folder are left alone.
    people, seed
        As for :func:`generate_sample`.

    Returns
    -------
    Path
        The folder written.

    Raises
    ------
    ConfigError
        When ``people`` or ``seed`` is out of range.
    OutputError
        When the folder cannot be written, is or lies inside a data folder, or is a
        non-empty folder that is not a previous sample; then none of the files is changed.

    Notes
    -----
    The files are written into a temporary folder next to ``directory`` and moved in
    only when all of them are complete. The same arguments give byte-identical files.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = write_sample(tmp, people=200, seed=1)
    ...     sorted(p.name for p in folder.iterdir()) == sorted(SAMPLE_FILES)
    True
    """
    target = Path(directory)
    check_output(target, kind="sample", option="sample")
    org = generate_sample(people=people, seed=seed)
    files = org.files()
    with staged_directory(target) as stage:
        for name, data in files.items():
            (stage / name).write_bytes(data)
    return target
