"""The validated tables of one data folder."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from .config import Config
from .errors import ConfigError, Problem
from .privacy import PrivacyGuard, check_minimums, pseudonym_digits
from .words import plural

__all__ = ["Workbook", "KINDS", "MIN_ANSWERED_SHARE", "answered_enough"]

#: Item kinds of the codebook.
KINDS: tuple[str, ...] = ("motivation", "behaviour", "energy", "outcome", "other")

#: A respondent takes part in a diagnostic when they answered at least this share of its items.
MIN_ANSWERED_SHARE: float = 2 / 3


def _natural_key(text: str) -> list[object]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", str(text))]


def answered_enough(frame: pd.DataFrame, items: Sequence[str], *,
                    min_share: float = MIN_ANSWERED_SHARE) -> tuple[pd.DataFrame, int]:
    """Keep the rows that answered at least ``min_share`` of ``items``.

    Returns the kept rows and how many were left out (the missing-answer policy).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"a": [1, None, 3], "b": [2, None, None], "c": [1, 1, None]})
    >>> kept, dropped = answered_enough(f, ["a", "b", "c"])
    >>> len(kept), dropped
    (1, 2)
    """
    if not items:
        return frame.iloc[0:0], len(frame)
    share = frame[list(items)].notna().mean(axis=1)
    keep = share >= min_share - 1e-12
    return frame.loc[keep], int((~keep).sum())


@dataclass(frozen=True)
class Workbook:
    """A loaded, validated data folder. Build it with :func:`diagnostics.load`.

    Attributes
    ----------
    folder
        Where the data came from.
    config
        Settings from workbook.toml (and options).
    survey
        One row per respondent and wave: ``respondent_id`` (text), ``wave`` (text),
        ``is_leader`` (bool), the attribute columns (text, missing as NA), and one float
        column per item, already reverse-coded per the codebook (missing as NaN).
    codebook
        One row per item, indexed by item: ``kind``, ``scale_min``, ``scale_max``,
        ``label``, ``construct``, ``reverse``, ``non_negotiable`` and any extra columns.
    attributes
        The attribute columns of the survey (department, level, location, ...).
    waves
        The waves in order (natural sort of their names).
    network, actions, initiatives, stories, comments
        The optional tables, or ``None`` when the file is absent (comments: ``respondent_id``,
        ``text``, ``item``, ``sensitive`` as bool, and ``wave`` when given).
    problems
        Warnings found while loading (the data were used after the stated repair).
    """

    folder: Path
    config: Config
    survey: pd.DataFrame
    codebook: pd.DataFrame
    attributes: tuple[str, ...]
    waves: tuple[str, ...]
    network: pd.DataFrame | None = None
    actions: pd.DataFrame | None = None
    initiatives: pd.DataFrame | None = None
    stories: pd.DataFrame | None = None
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    #: One row per invited person (and wave, when the roster has one): ``respondent_id``,
    #: ``manager_id`` (or NA), ``wave`` (or NA) and the roster's attributes; ``None``
    #: without roster.csv. E-mail addresses are not kept.
    roster: pd.DataFrame | None = None
    comments: pd.DataFrame | None = None

    @classmethod
    def build(cls, *, folder: Path, config: Config, survey: pd.DataFrame, codebook: pd.DataFrame,
              attributes: Sequence[str], network: pd.DataFrame | None = None,
              actions: pd.DataFrame | None = None, initiatives: pd.DataFrame | None = None,
              stories: pd.DataFrame | None = None, roster: pd.DataFrame | None = None,
              problems: Sequence[Problem] = (),
              comments: pd.DataFrame | None = None) -> Workbook:
        """Assemble a workbook from trusted tables (types are set here)."""
        survey = survey.copy()
        survey["respondent_id"] = survey["respondent_id"].astype(str)
        survey["wave"] = survey["wave"].astype(str)
        leader = survey["is_leader"].astype(bool) if "is_leader" in survey else \
            pd.Series(False, index=survey.index)
        if config.leader_levels and "level" in survey:
            leader = leader | survey["level"].isin(config.leader_levels)
        survey["is_leader"] = leader.astype(bool)
        items = list(codebook.index)
        for item in items:
            if survey[item].dtype != "float64":
                survey[item] = survey[item].astype("float64")
        order = ["respondent_id", "wave", "is_leader", *attributes, *items]
        survey = survey[order].reset_index(drop=True)
        waves = tuple(sorted(survey["wave"].unique(), key=_natural_key))
        book = codebook.copy()
        for col in ("label", "construct"):
            book[col] = book[col].fillna("").astype(str) if col in book else ""
        book["label"] = book["label"].where(book["label"] != "", pd.Series(book.index, index=book.index))
        book["reverse"] = book["reverse"].astype(bool)
        book["non_negotiable"] = book["non_negotiable"].astype(bool)
        book["scale_min"] = book["scale_min"].astype(float)
        book["scale_max"] = book["scale_max"].astype(float)
        return cls(folder=Path(folder), config=config, survey=survey, codebook=book,
                   attributes=tuple(attributes), waves=waves, network=network, actions=actions,
                   initiatives=initiatives, stories=stories, problems=tuple(problems),
                   roster=roster, comments=comments)

    # ------------------------------------------------------------------ views
    @property
    def items(self) -> list[str]:
        """All item columns, in codebook order."""
        return list(self.codebook.index)

    def items_of(self, kind: str) -> list[str]:
        """The items of one kind (``motivation``, ``behaviour``, ``energy``, ``outcome``, ``other``)."""
        if kind not in KINDS:
            raise ConfigError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}.")
        return list(self.codebook.index[self.codebook["kind"] == kind])

    @property
    def non_negotiables(self) -> list[str]:
        """Behaviour items flagged non-negotiable."""
        return list(self.codebook.index[self.codebook["non_negotiable"]])

    def constructs(self, kind: str | None = None) -> dict[str, list[str]]:
        """Items per construct (items without a construct are left out)."""
        book = self.codebook if kind is None else self.codebook[self.codebook["kind"] == kind]
        book = book[book["construct"] != ""]
        return {c: list(g.index) for c, g in book.groupby("construct", sort=False)}

    @property
    def latest_wave(self) -> str:
        return self.waves[-1]

    def responses(self, wave: str | None = None) -> pd.DataFrame:
        """The survey rows of one wave (default: the latest wave, the current state)."""
        wave = self.latest_wave if wave is None else str(wave)
        if wave not in self.waves:
            raise ConfigError(f"wave {wave!r} is not in the survey; waves: {', '.join(self.waves)}.")
        return self.survey[self.survey["wave"] == wave].reset_index(drop=True)

    def answered_enough(self, items: Sequence[str], *, wave: str | None = None,
                        min_share: float = MIN_ANSWERED_SHARE) -> tuple[pd.DataFrame, int]:
        """The survey rows of one wave that answered enough of ``items`` (the missing-answer policy).

        Parameters
        ----------
        items
            The items a diagnostic needs.
        wave
            The wave (default: the latest).
        min_share
            The share of ``items`` a respondent must have answered (default two thirds).

        Returns
        -------
        rows, left_out
            The kept rows (index reset) and how many respondents were left out; say the
            count in the result's notes.

        Examples
        --------
        >>> from diagnostics import load
        >>> wb = load("data/sample")
        >>> rows, left_out = wb.answered_enough(wb.items_of("motivation"))
        >>> len(rows) + left_out == len(wb.responses())
        True
        """
        unknown = [i for i in items if i not in self.codebook.index]
        if unknown:
            raise ConfigError(f"{plural(len(unknown), 'item').capitalize()} {', '.join(map(str, unknown))} are not in the codebook.")
        kept, left_out = answered_enough(self.responses(wave), items, min_share=min_share)
        return kept.reset_index(drop=True), left_out

    def select_waves(self, waves: Sequence[str]) -> Workbook:
        """A workbook restricted to the given waves.

        Waves may be survey waves or, in a folder whose survey has a single wave (for
        example people and their network only), waves of the network's ties.
        """
        net = self.network
        net_waves: set[str] = set()
        if net is not None and "wave" in net and net["wave"].notna().any():
            net_waves = set(net["wave"].dropna().astype(str))
        survey_only = len(self.waves) == 1
        known = set(self.waves) | (net_waves if survey_only else set())
        missing = [w for w in waves if w not in known]
        if missing:
            listed = sorted(known, key=_natural_key)
            raise ConfigError(f"{plural(len(missing), 'wave').capitalize()} {', '.join(missing)} not in the data; waves: "
                              f"{', '.join(listed)}. Give waves separated by commas, e.g. "
                              f"--waves {','.join(listed[-2:])}.")
        survey, ordered = self.survey, self.waves
        if any(w in self.waves for w in waves):
            survey = self.survey[self.survey["wave"].isin(waves)].reset_index(drop=True)
            ordered = tuple(w for w in self.waves if w in set(waves))
        if net_waves and net is not None:
            net = net[net["wave"].isna() | net["wave"].isin(waves)].reset_index(drop=True)
        comments = self.comments
        if comments is not None and "wave" in comments and any(w in self.waves for w in waves):
            comments = comments[comments["wave"].isna() | comments["wave"].isin(waves)].reset_index(drop=True)
        return replace(self, survey=survey, waves=ordered, network=net, comments=comments)

    @property
    def people(self) -> pd.DataFrame:
        """One row per person: id, is_leader and attributes from their latest wave."""
        cols = ["respondent_id", "is_leader", *self.attributes]
        order = {w: i for i, w in enumerate(self.waves)}
        s = self.survey[[*cols, "wave"]].copy()
        s["_w"] = s["wave"].map(order)
        s = s.sort_values("_w", kind="stable").drop_duplicates("respondent_id", keep="last")
        return s[cols].set_index("respondent_id").sort_index()

    @property
    def leaders(self) -> list[str]:
        """Ids of formal leaders (``is_leader`` = 1 or a level in ``leader_levels``)."""
        people = self.people
        return list(people.index[people["is_leader"].to_numpy(dtype=bool)])

    def with_min_group_size(self, min_group_size: int, *,
                            allow_small_groups: bool | None = None) -> Workbook:
        """The same workbook with another privacy minimum (the one place it is set).

        Everything reads the minimum from :attr:`guard`. Free text keeps its higher minimum,
        raised to ``min_group_size`` when that is larger. A minimum below 3 needs
        ``allow_small_groups`` (given here or when loading).

        Examples
        --------
        >>> from diagnostics import load
        >>> load("data/sample").with_min_group_size(8).guard.min_group_size
        8
        """
        config = self.config.with_options(min_group_size=min_group_size,
                                          allow_small_groups=allow_small_groups)
        check_minimums(config.min_group_size, config.min_text_group_size,
                       allow_small_groups=config.allow_small_groups)
        return replace(self, config=config)

    def pool_small_groups(self) -> tuple[Workbook, list[str]]:
        """The same workbook with the groups below the minimum counted together.

        Groups with fewer than ``min_group_size`` respondents in some wave are relabelled,
        in the survey and the roster, as one group "Other (small groups)", or, when they are
        too few together, as part of the smallest other group ("Marketing (with smaller
        groups)"); see :meth:`PrivacyGuard.pool_groups`. Every diagnostic run on the result
        then shows the large groups instead of hiding a sibling of a small group.
        :func:`diagnostics.run_all` does this once for a run.

        Returns
        -------
        workbook, sentences
            The pooled workbook and one sentence per grouping saying, in a client's
            words, what was counted together and why.

        Examples
        --------
        >>> from diagnostics import load
        >>> pooled, said = load("data/sample").pool_small_groups()
        >>> sorted(pooled.survey["department"].unique())[3:5]
        ['IT', 'Marketing (with smaller groups)']
        """
        pooling = self.guard.pool_groups(self.survey, self.attributes, roster=self.roster)
        if not pooling:
            return self, []
        roster = pooling.apply(self.roster) if self.roster is not None else None
        return replace(self, survey=pooling.apply(self.survey), roster=roster), \
            pooling.sentences()

    @property
    def guard(self) -> PrivacyGuard:
        """The privacy guard with this folder's minimum group sizes (the one source of truth).

        Read the minimum as ``workbook.guard.min_group_size``; set it with
        :func:`diagnostics.load` or :meth:`with_min_group_size`.
        """
        return PrivacyGuard(self.config.min_group_size, self.config.min_text_group_size,
                            key=self.config.pseudonym_key,
                            withhold=self.config.withhold,
                            allow_small_groups=self.config.allow_small_groups,
                            digits=self._pseudonym_digits)

    @cached_property
    def _pseudonym_digits(self) -> int:
        """Hex digits that give each person of this folder a pseudonym of their own."""
        columns = {"survey": ["respondent_id"], "roster": ["respondent_id", "manager_id"],
                   "network": ["source", "target"], "actions": ["respondent_id"],
                   "initiatives": ["sponsor_id"], "stories": ["author_id"],
                   "comments": ["respondent_id"]}
        ids: set[str] = set()
        for table, names in columns.items():
            frame = getattr(self, table)
            for name in names:
                if frame is not None and name in frame:
                    ids.update(frame[name].dropna().astype(str).unique().tolist())
        return pseudonym_digits(self.config.pseudonym_key, ids)

    @property
    def warnings(self) -> list[str]:
        """Warnings found while loading, as sentences."""
        return [str(p) for p in self.problems]

    def scale_midpoint(self, item: str) -> float:
        row = self.codebook.loc[item]
        return float((row["scale_min"] + row["scale_max"]) / 2)

    def __repr__(self) -> str:
        n = self.survey.groupby("wave").size()
        counts = ", ".join(f"{w}: {n.get(w, 0)}" for w in self.waves)
        extra = [k for k in ("network", "actions", "initiatives", "stories", "comments") if getattr(self, k) is not None]
        return (f"<Workbook {self.config.organisation!r}: {len(self.items)} items, respondents "
                f"per wave {counts}; also {', '.join(extra) or 'no other files'}>")


