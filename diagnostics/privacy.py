"""The privacy guard: the one gate every group-level figure passes before it leaves the library.

Culture surveys promise confidentiality. A figure about a group of fewer than
``min_group_size`` respondents (5 by default, the field's common minimum) is never
shown. Neither is a figure that lets a reader work out such a small group by
subtraction: a group whose complement within its parent is smaller than the minimum,
or the last visible sibling of a group that was hidden (secondary suppression).
Free text has its own, higher minimum (``min_text_group_size``, 10 by default).

Minimums below :data:`SAFE_MIN_GROUP_SIZE` (3) for figures or :data:`SAFE_MIN_TEXT_GROUP_SIZE`
(5) for free text are refused unless ``allow_small_groups`` is set; every output then carries
:func:`small_groups_warning`.

People are shown as pseudonyms: an HMAC-SHA256 of the respondent id under a secret key that
no output carries (random for each load, unless the analyst keeps a key file for pseudonyms
that stay the same across runs and waves; :func:`read_pseudonym_key`). A pseudonym cannot be
reversed by hashing every possible id without the key.

:mod:`diagnostics.release` adds the checks across tables: two figures of a run about the
same group whose respondents differ by fewer than the minimum are not both released.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ConfigError

__all__ = ["PrivacyGuard", "Guarded", "SuppressedGroup", "SAFE_MIN_GROUP_SIZE",
           "SAFE_MIN_TEXT_GROUP_SIZE", "check_minimums", "small_groups_warning",
           "new_pseudonym_key", "read_pseudonym_key", "WITHHELD_BY_RELEASE", "POOLED_LABEL",
           "Pooling", "pooled_with", "PSEUDONYM_DIGITS", "pseudonym_digits"]

#: Hex digits of a pseudonym unless a workbook's people need more (:func:`pseudonym_digits`).
PSEUDONYM_DIGITS = 6
#: Smallest minimum group size for figures accepted without ``allow_small_groups``.
SAFE_MIN_GROUP_SIZE = 3
#: Smallest minimum group size for free text accepted without ``allow_small_groups``.
SAFE_MIN_TEXT_GROUP_SIZE = 5
#: The label of the row that pools groups below the minimum (``apply(..., pool=...)``).
POOLED_LABEL = "Other (small groups)"
#: The reason given for a group withheld by the release check across tables.
WITHHELD_BY_RELEASE = ("another figure of this report covers nearly the same people, so "
                       "comparing the two would reveal the answers of the few who differ")
_KEY_BYTES = 32


def pooled_with(host: str) -> str:
    """The label of a large group that also counts the groups below the minimum.

    Examples
    --------
    >>> pooled_with("Marketing")
    'Marketing (with smaller groups)'
    """
    return f"{host} (with smaller groups)"


@dataclass(frozen=True)
class Pooling:
    """How the groups below the minimum are counted together, grouping by grouping.

    Made by :meth:`PrivacyGuard.pool_groups` from the respondents themselves, so that every
    table of a run shows the same groups: the groups below the minimum in any wave are
    counted together as one group, "Other (small groups)"; when they are too few together,
    the smallest other group (the *host*) counts them as well and is shown as, for example,
    "Marketing (with smaller groups)". Every other group stays visible, and no figure of a
    group below the minimum can be worked out by subtracting the visible groups from the
    whole (they are all inside one group of at least the minimum).

    Attributes
    ----------
    labels
        Grouping -> {group: label shown}, only for the groups that change.
    hosts
        Grouping -> the large groups counted with the small ones (may be empty).
    minimum
        The minimum group size the pooling was made for.
    """

    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    hosts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    minimum: int = 5

    def __bool__(self) -> bool:
        return bool(self.labels)

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (a copy) with each grouping's column relabelled; other columns untouched."""
        out = frame.copy()
        for attribute, labels in self.labels.items():
            if attribute in out.columns:
                column = out[attribute]
                shown = column.astype("string").map(lambda v, lab=labels: lab.get(v, v))
                out[attribute] = shown.where(column.notna(), column).astype(column.dtype)
        return out

    def sentences(self) -> list[str]:
        """One sentence per grouping, in a client's words (never a small group's name)."""
        out = []
        for attribute in self.labels:
            grouping = attribute.replace("_", " ")
            hosts = list(self.hosts.get(attribute, ()))
            rule = (f"Groups with fewer than {self.minimum} people answering are not shown on "
                    f"their own by {grouping}")
            if not hosts:
                out.append(f"{rule}: they are counted together as \"{POOLED_LABEL}\".")
            elif len(hosts) == 1:
                out.append(f"{rule}: they are counted with {hosts[0]}, shown as "
                           f"\"{pooled_with(hosts[0])}\", so that their answers cannot be "
                           f"worked out from the overall figures ({hosts[0]} is the smallest "
                           "group large enough for that).")
            else:
                out.append(f"{rule}: they are counted together with {', '.join(hosts[:-1])} "
                           f"and {hosts[-1]} as \"{POOLED_LABEL}\", so that their answers "
                           "cannot be worked out from the overall figures.")
        return out


def check_minimums(min_group_size: int, min_text_group_size: int, *,
                   allow_small_groups: bool = False, where: str = "") -> None:
    """Refuse minimums that defeat confidentiality unless the user allowed them explicitly.

    Raises
    ------
    ConfigError
        When ``min_group_size`` < 3 or ``min_text_group_size`` < 5 without
        ``allow_small_groups``.

    Examples
    --------
    >>> check_minimums(5, 10)
    >>> check_minimums(1, 1, allow_small_groups=True)
    >>> check_minimums(2, 10)
    Traceback (most recent call last):
    ...
    diagnostics.errors.ConfigError: min_group_size 2 is below 3: figures could describe one or two people. Give --allow-small-groups (allow_small_groups=True) to accept it; every output will then say so.
    """
    source = f"{where}: " if where else ""
    if min_group_size < SAFE_MIN_GROUP_SIZE and not allow_small_groups:
        raise ConfigError(f"{source}min_group_size {min_group_size} is below "
                          f"{SAFE_MIN_GROUP_SIZE}: figures could describe one or two people. "
                          "Give --allow-small-groups (allow_small_groups=True) to accept it; "
                          "every output will then say so.")
    if min_text_group_size < SAFE_MIN_TEXT_GROUP_SIZE and not allow_small_groups:
        raise ConfigError(f"{source}min_text_group_size {min_text_group_size} is below "
                          f"{SAFE_MIN_TEXT_GROUP_SIZE}: quotes could be traced to their few "
                          "authors. Give --allow-small-groups (allow_small_groups=True) to "
                          "accept it; every output will then say so.")


def small_groups_warning(min_group_size: int, min_text_group_size: int) -> str | None:
    """The warning every output carries when a minimum is below the safe one, else ``None``.

    Examples
    --------
    >>> small_groups_warning(5, 10) is None
    True
    >>> small_groups_warning(1, 10)[:40]
    'Confidentiality reduced: figures may des'
    """
    parts = []
    if min_group_size < SAFE_MIN_GROUP_SIZE:
        parts.append(f"figures may describe groups of {min_group_size} "
                     f"{'person' if min_group_size == 1 else 'people'}")
    if min_text_group_size < SAFE_MIN_TEXT_GROUP_SIZE:
        parts.append(f"comments and stories may be quoted from groups of "
                     f"{min_text_group_size} {'person' if min_text_group_size == 1 else 'people'}")
    if not parts:
        return None
    return ("Confidentiality reduced: " + " and ".join(parts) + " (minimum group size set below "
            f"{SAFE_MIN_GROUP_SIZE}, or below {SAFE_MIN_TEXT_GROUP_SIZE} for free text, on "
            "request). Individual answers may be recognisable; do not share this output with "
            "the people it describes.")


def new_pseudonym_key() -> bytes:
    """A fresh random key for pseudonyms (32 bytes)."""
    return secrets.token_bytes(_KEY_BYTES)


def read_pseudonym_key(path: str | Path, *, data_folder: str | Path | None = None,
                       create: bool = True) -> bytes:
    """Read the analyst's pseudonym key file, creating it when absent.

    The file holds 64 hexadecimal digits (32 random bytes) and is created readable by its
    owner only. Keep it outside the data folder and outside every output folder: with it,
    anyone holding the ids can reverse the pseudonyms.

    Parameters
    ----------
    path
        The key file.
    data_folder
        The data folder, refused as the key's place (the key would travel with the data).
    create
        Create the file (with a new random key) when it does not exist.

    Raises
    ------
    ConfigError
        When the file is inside ``data_folder``, is not a regular file, or does not hold a key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     key = read_pseudonym_key(pathlib.Path(d) / "acme.key")
    ...     key == read_pseudonym_key(pathlib.Path(d) / "acme.key"), len(key)
    (True, 32)
    """
    target = Path(path).expanduser()
    if data_folder is not None:
        folder = Path(data_folder).resolve()
        where = target.resolve()
        if where == folder or folder in where.parents:
            raise ConfigError(f"--pseudonym-key {target}: the key file is inside the data folder "
                              f"{data_folder}; keep it elsewhere (for example in your home "
                              "folder), or anyone given the data could reverse the pseudonyms.")
    if not target.exists() and not target.is_symlink():
        if not create:
            raise ConfigError(f"--pseudonym-key {target}: no such file.")
        key = new_pseudonym_key()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(key.hex() + "\n")
        except OSError as err:
            raise ConfigError(f"--pseudonym-key {target}: could not create the key file "
                              f"({err.strerror or err}).") from err
        return key
    if not target.is_file():
        raise ConfigError(f"--pseudonym-key {target}: not a regular file; give the path of a "
                          "key file (it is created when absent).")
    try:
        with open(target, "rb") as handle:
            raw = handle.read(1024)
    except OSError as err:
        raise ConfigError(f"--pseudonym-key {target}: could not be read "
                          f"({err.strerror or err}).") from err
    text = raw.decode("ascii", errors="replace").strip()
    if len(text) != 2 * _KEY_BYTES or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise ConfigError(f"--pseudonym-key {target}: expected a key file written by this tool "
                          f"({2 * _KEY_BYTES} hexadecimal digits); give a new path to create "
                          "one.")
    return bytes.fromhex(text)


@dataclass(frozen=True)
class SuppressedGroup:
    """A group whose figures were withheld, and why (never its size)."""

    dimension: str
    group: str
    reason: str

    def __str__(self) -> str:
        return f"{self.dimension} = {self.group}: {self.reason}"


@dataclass(frozen=True)
class Guarded:
    """The visible part of a group-level table and the list of what was withheld."""

    frame: pd.DataFrame
    suppressed: tuple[SuppressedGroup, ...] = field(default_factory=tuple)


def _label(key: Hashable) -> str:
    if isinstance(key, tuple):
        return " / ".join(str(k) for k in key)
    return str(key)


@dataclass(frozen=True)
class PrivacyGuard:
    """Suppress group-level figures that could identify a small group.

    Parameters
    ----------
    min_group_size
        Smallest group whose figures may be shown (default 5).
    min_text_group_size
        Smallest group whose free text (quotes) may be shown (default: 10, or
        ``min_group_size`` when that is larger).
    key
        The secret key of the pseudonyms (bytes); default: a random key for this guard
        only. Give the workbook's key (``workbook.guard`` does) so that one run shows
        each person one way.
    withhold
        Group labels withheld whatever their size (set by the release check across
        tables, :mod:`diagnostics.release`).
    allow_small_groups
        Accept minimums below 3 (figures) or 5 (free text).

    Examples
    --------
    >>> import pandas as pd
    >>> guard = PrivacyGuard(min_group_size=5)
    >>> table = pd.DataFrame({"department": ["Sales", "Ops", "Legal"],
    ...                       "n": [40, 57, 3], "mean": [3.9, 3.5, 4.8]})
    >>> shown = guard.apply(table, by="department")
    >>> sorted(shown.frame["department"])
    ['Ops']
    >>> [s.group for s in shown.suppressed]
    ['Legal', 'Sales']

    Sales is hidden too: with the total of 100 known, showing Sales and Ops would give
    Legal's 3 by subtraction (secondary suppression). Without a small group, all show:

    >>> table = pd.DataFrame({"department": ["Sales", "Ops", "Legal"], "n": [40, 57, 9]})
    >>> sorted(guard.apply(table, by="department").frame["department"])
    ['Legal', 'Ops', 'Sales']
    """

    min_group_size: int = 5
    min_text_group_size: int | None = None
    key: bytes | None = field(default=None, repr=False, compare=False)
    withhold: frozenset[str] = frozenset()
    allow_small_groups: bool = False
    digits: int = PSEUDONYM_DIGITS

    def __post_init__(self) -> None:
        if self.min_group_size < 1:
            raise ConfigError("min_group_size must be at least 1.")
        if self.min_text_group_size is None:
            object.__setattr__(self, "min_text_group_size", max(10, self.min_group_size))
        elif self.min_text_group_size < self.min_group_size:
            raise ConfigError("min_text_group_size must be at least min_group_size.")
        check_minimums(self.min_group_size, int(self.min_text_group_size),  # type: ignore[arg-type]
                       allow_small_groups=self.allow_small_groups)
        if self.key is None:
            object.__setattr__(self, "key", new_pseudonym_key())
        object.__setattr__(self, "withhold", frozenset(str(g) for g in self.withhold))

    def threshold(self, *, text: bool = False) -> int:
        """The minimum group size that applies (the free-text one when ``text``)."""
        return int(self.min_text_group_size if text else self.min_group_size)  # type: ignore[arg-type]

    def visible_mask(
        self, sizes: pd.Series, *, total: int | None = None, text: bool = False
    ) -> tuple[pd.Series, dict[Hashable, str]]:
        """Decide which groups of one parent may be shown.

        Parameters
        ----------
        sizes
            Respondents per group, indexed by group (the groups of one parent).
        total
            Respondents in the parent; default the sum of ``sizes``. Give it when the
            parent also holds people in no listed group.
        text
            Apply the free-text minimum.

        Returns
        -------
        mask, reasons
            A boolean Series (True: may be shown) aligned with ``sizes``, and the reason
            for each hidden group.
        """
        n = pd.to_numeric(sizes, errors="coerce").fillna(0).astype(int)
        shown, reasons = self._mask(list(n.index), n.tolist(), total=total, text=text)
        return pd.Series(shown, index=n.index, dtype=bool), reasons

    def _mask(self, keys: list[Hashable], sizes: list[int], *, total: int | None,
              text: bool) -> tuple[list[bool], dict[Hashable, str]]:
        """:meth:`visible_mask` on plain lists: whether each group may be shown, and why not."""
        minimum = self.threshold(text=text)
        size_of = dict(zip(keys, sizes, strict=True))
        parent = int(sum(sizes) if total is None else total)
        reasons: dict[Hashable, str] = {}
        for key, size in zip(keys, sizes, strict=True):
            if str(key) in self.withhold and size > 0:
                reasons[key] = WITHHELD_BY_RELEASE
            elif size < minimum:
                reasons[key] = f"fewer than {minimum} respondents"
            elif 0 < parent - size < minimum:
                reasons[key] = (f"the rest of its parent group has fewer than {minimum} "
                                "respondents, so it could be worked out by subtraction")
        # Secondary suppression: hidden groups, and the people of the parent in no listed
        # group, must not be recoverable together as "total minus everything shown" when
        # they are fewer than the minimum.
        outside = max(parent - sum(sizes), 0)
        while True:
            exposed = sum(size_of[k] for k in reasons) + outside
            shown = [k for k in keys if k not in reasons]
            if not shown or exposed == 0 or exposed >= minimum:
                break
            smallest = min(shown, key=lambda k: (size_of[k], str(k)))
            reasons[smallest] = ("hidden as well, so that a smaller hidden group (or the "
                                 "people in no group) cannot be worked out from the total")
        return [k not in reasons for k in keys], reasons

    def pooled(self, sizes: pd.Series, *, total: int | None = None,
               text: bool = False) -> list[Hashable] | None:
        """The groups to count together as one "Other (small groups)" row, or ``None``.

        Groups below the minimum are pooled; when they are one group only, or fewer than
        the minimum together, the smallest other groups join them until the pool holds at
        least two groups and the minimum of people. Every other group then stays visible.
        ``None`` when nothing is below the minimum or pooling cannot be made safe (people
        of the parent in no group are fewer than the minimum, a group's rest is below the
        minimum, or a group is withheld by the release check): then :meth:`visible_mask`
        decides alone.

        Examples
        --------
        >>> guard = PrivacyGuard(min_group_size=5)
        >>> guard.pooled(pd.Series({"Sales": 40, "Marketing": 31, "Legal": 3, "Ops": 57}))
        ['Legal', 'Marketing']
        >>> guard.pooled(pd.Series({"Sales": 40, "Legal": 3, "Audit": 2, "Ops": 57}))
        ['Audit', 'Legal']
        """
        minimum = self.threshold(text=text)
        n = pd.to_numeric(sizes, errors="coerce").fillna(0).astype(int)
        parent = int(n.sum() if total is None else total)
        outside = max(parent - int(n.sum()), 0)
        if 0 < outside < minimum:
            return None
        if any(str(k) in self.withhold for k in n.index):
            return None
        if any(size >= minimum and 0 < parent - size < minimum for size in n):
            return None
        pool = [k for k, size in n.items() if 0 < size < minimum]
        if not pool:
            return None
        rest = sorted((k for k in n.index if k not in pool and n[k] > 0),
                      key=lambda k: (int(n[k]), str(k)))
        while sum(int(n[k]) for k in pool) < minimum or len(pool) < 2:
            if not rest:
                return None
            pool.append(rest.pop(0))
        if 0 < parent - sum(int(n[k]) for k in pool) < minimum:
            return None
        return sorted(pool, key=str)

    def pool_groups(self, survey: pd.DataFrame, attributes: Sequence[str], *,
                    roster: pd.DataFrame | None = None) -> Pooling:
        """Decide, grouping by grouping, which groups below the minimum are counted together.

        A group is below the minimum when, in some wave, it has between 1 and
        ``min_group_size - 1`` respondents (or, known from the roster only, that few people
        invited). Such groups are counted together; when they are fewer than the minimum
        together in some wave, the smallest other groups join them one by one until the
        pool holds the minimum in every wave. The decision is made once for all waves, so
        that every table and every wave shows the same groups.

        Parameters
        ----------
        survey
            One row per respondent and wave, with ``wave`` and the attribute columns.
        attributes
            The groupings to pool.
        roster
            The invited people (optional), whose groups nobody answered for count too.

        Returns
        -------
        Pooling
            Apply it to the survey (and roster) with :meth:`Pooling.apply`.

        Examples
        --------
        >>> guard = PrivacyGuard(min_group_size=5)
        >>> survey = pd.DataFrame({"wave": "W1", "department": ["Sales"] * 40
        ...                        + ["Marketing"] * 31 + ["Legal"] * 3 + ["Audit"] * 2})
        >>> dict(guard.pool_groups(survey, ["department"]).labels["department"])
        {'Audit': 'Other (small groups)', 'Legal': 'Other (small groups)'}
        >>> pooling = guard.pool_groups(survey[survey["department"] != "Audit"], ["department"])
        >>> dict(pooling.labels["department"])
        {'Legal': 'Marketing (with smaller groups)', 'Marketing': 'Marketing (with smaller groups)'}
        """
        minimum = self.min_group_size
        labels: dict[str, dict[str, str]] = {}
        hosts: dict[str, tuple[str, ...]] = {}
        for attribute in attributes:
            if attribute not in survey.columns:
                continue
            answered = survey[survey[attribute].notna()]
            counts = (answered.groupby([answered[attribute].astype(str),
                                        answered["wave"].astype(str)]).size()
                      .unstack(fill_value=0))
            small = [str(g) for g, row in counts.iterrows()
                     if ((row > 0) & (row < minimum)).any()]
            unanswered: list[str] = []
            if roster is not None and attribute in roster.columns:
                invited = roster[attribute].dropna().astype(str).value_counts()
                unanswered = [str(g) for g, k in invited.items()
                              if str(g) not in counts.index and 0 < k < minimum]
            if not small and not unanswered:
                continue
            pool = list(small)
            chosen: list[str] = []

            fewest = counts.where(counts > 0).min(axis=1)  # each group's smallest wave
            order = {str(g): (int(k), str(g)) for g, k in fewest.items()}
            others = sorted((g for g in order if g not in pool), key=order.__getitem__)
            while pool and others:
                together = counts.loc[pool].sum()
                if ((together == 0) | (together >= minimum)).all():
                    break
                host = others.pop(0)
                pool.append(host)
                chosen.append(host)
            label = pooled_with(chosen[0]) if len(chosen) == 1 else POOLED_LABEL
            labels[attribute] = {g: label for g in sorted({*pool, *unanswered})}
            hosts[attribute] = tuple(chosen)
        return Pooling(labels, hosts, minimum)

    def apply(
        self,
        frame: pd.DataFrame,
        *,
        by: str | Sequence[str],
        n: str = "n",
        within: str | Sequence[str] | None = None,
        totals: Mapping[Hashable, int] | int | None = None,
        text: bool = False,
        pool: Sequence[str] | None = None,
    ) -> Guarded:
        """Return the rows of a group-level table that may be shown.

        Parameters
        ----------
        frame
            One row per group with a respondent count column ``n``.
        by
            The column or columns naming the group.
        n
            The column holding the number of respondents behind each row's figures.
        within
            The column or columns naming the parent group (for two-way tables such as segment x
            department); the complement and secondary rules apply inside each parent.
            ``None``: the whole table is one parent.
        totals
            Respondents per parent (a number when there is one parent); default the sum
            of ``n`` within the parent.
        text
            Apply the free-text minimum.
        pool
            Columns that add up across groups (``n`` and counts). When given, groups below
            the minimum are counted together in one row labelled "Other (small groups)"
            (with the smallest other groups when needed, see :meth:`pooled`) instead of
            hiding a large sibling; the pooled row sums these columns and leaves the
            others empty.

        Returns
        -------
        Guarded
            ``frame`` holds the visible rows (a copy; the input is not changed) and
            ``suppressed`` names the withheld groups and why.
        """
        by_cols = [by] if isinstance(by, str) else list(by)
        parent_cols = [] if within is None else ([within] if isinstance(within, str) else list(within))
        missing = [c for c in [*by_cols, *parent_cols, n] if c not in frame.columns]
        if missing:
            raise ConfigError(f"The table has no column {missing} to guard by.")
        if frame.empty:
            return Guarded(frame.copy(), ())
        keep = np.ones(len(frame), dtype=bool)
        withheld: list[SuppressedGroup] = []
        pooled_rows: list[dict[str, object]] = []
        minimum = self.threshold(text=text)
        counts = pd.to_numeric(frame[n], errors="coerce").fillna(0).astype(int).to_numpy()
        positions: Mapping[Hashable, np.ndarray]
        positions = (frame.groupby(parent_cols, sort=False, dropna=False).indices if parent_cols
                     else {None: np.arange(len(frame))})
        for parent_key, rows in positions.items():
            if isinstance(parent_key, tuple) and len(parent_key) == 1:
                parent_key = parent_key[0]
            if isinstance(totals, Mapping):
                total = totals.get(parent_key)
            elif totals is not None:
                total = int(totals)
            else:
                total = None
            sizes = counts[rows]
            parent = int(sizes.sum() if total is None else total)
            outside = max(parent - int(sizes.sum()), 0)
            rest = parent - sizes
            if (sizes >= minimum).all() and not ((rest > 0) & (rest < minimum)).any() and \
                    not 0 < outside < minimum and not self.withhold:
                continue  # nothing to hide in this parent (what visible_mask would find)
            part = frame.iloc[rows] if pool is not None else None
            members = (self.pooled(part[n], total=total, text=text) if part is not None
                       else None)
            if part is not None and members is not None:
                chosen = set(members)
                keep[rows] = [i not in chosen for i in part.index]
                row = {c: (part.loc[members, c].sum() if c in (pool or ()) or c == n else None)
                       for c in part.columns}
                for c in by_cols:
                    row[c] = POOLED_LABEL
                for c in parent_cols:
                    row[c] = part[c].iloc[0]
                pooled_rows.append(row)
                for idx in members:
                    r = part.loc[idx]
                    key = tuple(r[c] for c in by_cols)
                    size = int(pd.to_numeric(pd.Series([r[n]]), errors="coerce").fillna(0).iloc[0])
                    withheld.append(SuppressedGroup(" x ".join(by_cols), _label(
                        key if len(key) > 1 else key[0]),
                        f"fewer than {minimum} respondents: counted in \"{POOLED_LABEL}\""
                        if size < minimum else
                        f"counted in \"{POOLED_LABEL}\" so that a smaller group there "
                        "cannot be worked out"))
                continue
            labels = frame.index[rows].tolist()
            shown, reasons = self._mask(labels, sizes.tolist(), total=total, text=text)
            keep[rows] = shown
            where = dict(zip(labels, rows.tolist(), strict=True))
            for idx, reason in reasons.items():
                row = frame.iloc[where[idx]]  # the row as part.loc[idx] gives it
                key = tuple(row[c] for c in by_cols)
                withheld.append(SuppressedGroup(" x ".join(by_cols), _label(
                    key if len(key) > 1 else key[0]), reason))
        shown = frame.loc[keep].copy()
        if pooled_rows:
            extra = pd.DataFrame(pooled_rows, columns=frame.columns)
            shown = pd.concat([shown, extra.astype({c: frame[c].dtype for c in [n, *(pool or [])]
                                                    if c in extra})], ignore_index=True)
        return Guarded(shown, tuple(withheld))

    def allowed(self, n: int, *, text: bool = False) -> bool:
        """Whether a single group of ``n`` respondents may be shown on its own."""
        return n >= self.threshold(text=text)

    def pseudonym(self, person_id: object) -> str:
        """A person's pseudonym (``P-`` and :attr:`digits` hex digits, six unless more are
        needed to tell a workbook's people apart): HMAC-SHA256 of the id under the key.

        The same key gives the same pseudonym; without the key it cannot be recomputed.

        Examples
        --------
        >>> key = bytes(32)
        >>> PrivacyGuard(key=key).pseudonym("E0001") == PrivacyGuard(key=key).pseudonym("E0001")
        True
        >>> PrivacyGuard().pseudonym("E0001") == PrivacyGuard().pseudonym("E0001")  # random keys
        False
        """
        digest = hmac.new(self.key, str(person_id).encode("utf-8"), hashlib.sha256).hexdigest()  # type: ignore[arg-type]
        return f"P-{digest[:self.digits]}"

    def pseudonymise(self, ids: Iterable[object]) -> list[str]:
        """Pseudonyms for many people, in order."""
        return [self.pseudonym(i) for i in ids]



def pseudonym_digits(key: bytes, ids: Iterable[object]) -> int:
    """The fewest hex digits (six at least) that give every distinct id its own pseudonym.

    Six digits tell about 16.7 million pseudonyms apart, yet two of 100,000 people share six
    digits with near certainty (about 300 pairs): their figures would be merged or overwritten
    under one pseudonym. The length is decided for all of a workbook's people at once, so one
    run shows every person under one pseudonym.

    Examples
    --------
    >>> key = bytes(32)
    >>> pseudonym_digits(key, ["E1", "E2", "E3"])
    6
    >>> ids = [f"E{i}" for i in range(30_000)]  # about 27 pairs share six digits
    >>> n = pseudonym_digits(key, ids); n > 6
    True
    >>> guard = PrivacyGuard(key=key, digits=n)
    >>> len(set(guard.pseudonymise(ids))) == len(ids)
    True
    """
    unique = {str(i) for i in ids}
    digests = [hmac.new(key, i.encode("utf-8"), hashlib.sha256).hexdigest() for i in unique]
    digits = PSEUDONYM_DIGITS
    while digits < 64 and len({d[:digits] for d in digests}) < len(digests):
        digits += 1
    return digits
