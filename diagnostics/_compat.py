"""Old option names kept for one release, with a DeprecationWarning (the one place they go)."""

from __future__ import annotations

import warnings
from typing import TypeVar

T = TypeVar("T")


def renamed(value: T, old_value: T | None, *, old: str, new: str, where: str) -> T:
    """``value``, or ``old_value`` when the caller still used the old name ``old``.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     renamed(0, 7, old="random_state", new="seed", where="f")
    7
    >>> str(caught[0].message)
    'f(random_state=...) is deprecated and goes in the next release: use f(seed=...).'
    >>> renamed(3, None, old="random_state", new="seed", where="f")
    3
    """
    if old_value is None:
        return value
    warnings.warn(f"{where}({old}=...) is deprecated and goes in the next release: use "
                  f"{where}({new}=...).", DeprecationWarning, stacklevel=3)
    return old_value
