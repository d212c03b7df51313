"""The privacy guard: the one gate every group-level figure passes before it leaves the library.

Culture surveys promise confidentiality. A figure about a group of fewer than
``min_group_size`` respondents (5 by default, the field's common minimum) is never
shown. Neither is a figure that lets a reader work out such a small group by
subtraction: a group whose complement within its parent is smaller than the minimum,
or the last visible sibling of a group that was hidden (secondary suppression).
Free text has its own, higher minimum (``min_text_group_size``, 10 by default).
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import ConfigError

__all__ = ["PrivacyGuard", "Guarded", "SuppressedGroup"]


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
    salt
        Text mixed into pseudonyms so they differ between organisations.

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
    salt: str = ""

    def __post_init__(self) -> None:
        if self.min_group_size < 1:
            raise ConfigError("min_group_size must be at least 1.")
        if self.min_text_group_size is None:
            object.__setattr__(self, "min_text_group_size", max(10, self.min_group_size))
        elif self.min_text_group_size < self.min_group_size:
            raise ConfigError("min_text_group_size must be at least min_group_size.")

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
        minimum = self.threshold(text=text)
        n = pd.to_numeric(sizes, errors="coerce").fillna(0).astype(int)
        parent = int(n.sum() if total is None else total)
        reasons: dict[Hashable, str] = {}
        for key, size in n.items():
            if size < minimum:
                reasons[key] = f"fewer than {minimum} respondents"
            elif 0 < parent - size < minimum:
                reasons[key] = (f"the rest of its parent group has fewer than {minimum} "
                                "respondents, so it could be worked out by subtraction")
        # Secondary suppression: hidden groups, and the people of the parent in no listed
        # group, must not be recoverable together as "total minus everything shown" when
        # they are fewer than the minimum.
        outside = max(parent - int(n.sum()), 0)
        while True:
            exposed = sum(int(n[k]) for k in reasons) + outside
            shown = [k for k in n.index if k not in reasons]
            if not shown or exposed == 0 or exposed >= minimum:
                break
            smallest = min(shown, key=lambda k: (int(n[k]), str(k)))
            reasons[smallest] = ("hidden as well, so that a smaller hidden group (or the "
                                 "people in no group) cannot be worked out from the total")
        mask = pd.Series([k not in reasons for k in n.index], index=n.index, dtype=bool)
        return mask, reasons

    def apply(
        self,
        frame: pd.DataFrame,
        *,
        by: str | Sequence[str],
        n: str = "n",
        within: str | Sequence[str] | None = None,
        totals: Mapping[Hashable, int] | int | None = None,
        text: bool = False,
    ) -> Guarded:
        """Return the rows of a group-level table that may be shown.

        Parameters
        ----------
        frame
            One row per group with a respondent count column ``n``.
        by
            The column(s) naming the group.
        n
            The column holding the number of respondents behind each row's figures.
        within
            Column(s) naming the parent group (for two-way tables such as segment x
            department); the complement and secondary rules apply inside each parent.
            ``None``: the whole table is one parent.
        totals
            Respondents per parent (a number when there is one parent); default the sum
            of ``n`` within the parent.
        text
            Apply the free-text minimum.

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
            raise ConfigError(f"The table has no column(s) {missing} to guard by.")
        if frame.empty:
            return Guarded(frame.copy(), ())
        keep = np.ones(len(frame), dtype=bool)
        withheld: list[SuppressedGroup] = []
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
                    not 0 < outside < minimum:
                continue  # nothing to hide in this parent (what visible_mask would find)
            part = frame.iloc[rows]
            mask, reasons = self.visible_mask(part[n], total=total, text=text)
            keep[rows] = mask.to_numpy()
            for idx, reason in reasons.items():
                row = part.loc[idx]
                key = tuple(row[c] for c in by_cols)
                withheld.append(SuppressedGroup(" x ".join(by_cols), _label(
                    key if len(key) > 1 else key[0]), reason))
        return Guarded(frame.loc[keep].copy(), tuple(withheld))

    def allowed(self, n: int, *, text: bool = False) -> bool:
        """Whether a single group of ``n`` respondents may be shown on its own."""
        return n >= self.threshold(text=text)

    def pseudonym(self, person_id: object) -> str:
        """A stable pseudonym for a person (``P-`` and six hex digits).

        Examples
        --------
        >>> PrivacyGuard(salt="acme").pseudonym("E0001") == PrivacyGuard(salt="acme").pseudonym("E0001")
        True
        """
        digest = hashlib.blake2b(f"{self.salt}\x1f{person_id}".encode(), digest_size=8).hexdigest()
        return f"P-{digest[:6]}"

    def pseudonymise(self, ids: Iterable[object]) -> list[str]:
        """Pseudonyms for many people, in order."""
        return [self.pseudonym(i) for i in ids]
