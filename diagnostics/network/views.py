"""What the network picture is coloured by: tribe, department (guarded), quadrant or role."""

from __future__ import annotations

import pandas as pd

from ..errors import ConfigError
from ..workbook import Workbook
from .common import attribute_of
from .graph import Network
from .tribes import NO_TRIBE, leiden_membership, tribe_label

__all__ = ["picture_labels", "COLOURINGS", "WITHHELD"]

#: What the network picture can be coloured by.
COLOURINGS: tuple[str, ...] = ("tribe", "department", "quadrant", "role")
#: Label of people whose group is too small to be named.
WITHHELD = "withheld (small group)"


def picture_labels(workbook: Workbook, net: Network, colour_by: str, *, resolution: float = 1.0,
                   seed: int = 0, attribute: str = "department") -> pd.Series:
    """A label per person (index respondent id) for colouring the network picture.

    Parameters
    ----------
    workbook
        The data folder the network came from.
    net
        The network (from :func:`~diagnostics.network.network_graph`).
    colour_by
        ``"tribe"`` (Leiden at ``resolution``/``seed``), ``"department"`` (the ``attribute``;
        groups below the privacy minimum are labelled withheld, never named),
        ``"quadrant"`` (passion x connectivity) or ``"role"`` (formal leaders,
        hyper-connected, backstage leaders, others).

    Examples
    --------
    >>> from diagnostics import load
    >>> from diagnostics.network import network_graph
    >>> wb = load("data/sample")
    >>> labels = picture_labels(wb, network_graph(wb), "department")
    >>> "Legal" in set(labels)
    False
    """
    ids = net.ids
    if colour_by == "tribe":
        member = leiden_membership(net, resolution=resolution, seed=seed)
        return pd.Series([tribe_label(int(k)) if k >= 0 else NO_TRIBE for k in member], index=ids,
                         dtype=object)
    if colour_by == "department":
        value = attribute_of(workbook, attribute, ids).astype(object)
        sizes = value.value_counts()
        mask, _ = workbook.guard.visible_mask(sizes)
        hidden = set(sizes.index[~mask.to_numpy()])
        value = value.where(~value.isin(hidden), WITHHELD)
        return value.where(value.notna(), "unknown")
    if colour_by == "quadrant":
        from .hubs import hyper_connected

        return hyper_connected(workbook, relation=net.relation, wave=net.wave).assignments
    if colour_by == "role":
        from .brokers import backstage_leaders

        return backstage_leaders(workbook, relation=net.relation, wave=net.wave,
                                 seed=seed).roles
    raise ConfigError(f"colour_by must be one of {', '.join(COLOURINGS)}, got {colour_by!r}.")
