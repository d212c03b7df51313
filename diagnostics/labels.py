"""Names, reference values and text helpers shared by the diagnostics and their figures.

A diagnostic and the plot that draws it both need, say, the names of the four quadrants of
the passion map or the shares the seeds claim: they live here, so that the analysis modules
and ``diagnostics/plots/`` import this small module instead of each other. Nothing here
computes a figure; add a constant or a text helper when an analysis module and a plot module
both need it.
"""

from __future__ import annotations

import textwrap

__all__ = ["QUADRANTS", "NO_ENERGY", "ROLES", "REFERENCE_SHARES", "FOLKLORE", "OTHER_SEGMENTS",
           "STABLE", "PLAN_ROLES", "short_label"]

#: Quadrants of the passion x connectivity map: (passionate, hyper-connected) -> name.
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, True): "the engine",
    (False, True): "hidden influencers",
    (True, False): "isolated enthusiasts",
    (False, False): "the periphery",
}
#: Quadrant of people without usable energy answers.
NO_ENERGY = "no energy answers"

#: Roles on the brokerage map, drawn in this order.
ROLES: tuple[str, ...] = ("others", "formal leaders", "hyper-connected", "backstage leaders")

#: Seed shares claimed or observed elsewhere, drawn as reference lines (never targets).
REFERENCE_SHARES: tuple[tuple[float, str], ...] = (
    (0.01, "1%: a published claim, unverified"),
    (0.03, "3%: Innovisor, vendor claim"),
    (0.035, "3.5%: Chenoweth, political campaigns"),
)

#: The "iceberg of ignorance" figure, labelled as the folklore it is.
FOLKLORE = ("'only 4% of information reaches the top': folklore (Yoshida's 1989 'Iceberg of "
            "Ignorance'; the study cannot be found), unverified")

#: The Sankey's name for the flows too small to show one by one, combined.
OTHER_SEGMENTS = "small flows (combined)"

#: Roles of the people the movement plan engages, in the plan's order.
PLAN_ROLES: tuple[str, ...] = ("hyper-connected", "backstage leader", "tribe connector")

#: Bootstrap stability (mean adjusted Rand) at which a segmentation counts as stable.
STABLE = 0.75


def short_label(text: str, width: int = 60) -> str:
    """A question shortened to about ``width`` characters at a word boundary.

    Examples
    --------
    >>> short_label("In my team, people speak up immediately when they see an unsafe situation.", 40)
    'In my team, people speak up immediately…'
    """
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    return textwrap.shorten(text, width=width + 1, placeholder="…").replace(" …", "…")
