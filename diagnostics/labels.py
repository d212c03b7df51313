"""Names and reference values shared by the diagnostics and their figures.

A diagnostic and the plot that draws it both need, say, the names of the four quadrants of
the passion map or the shares the seeds claim: they live here, so that the analysis modules
and ``diagnostics/plots/`` import this small module instead of each other. Nothing here
computes; add a constant when an analysis module and a plot module both need it.
"""

from __future__ import annotations

__all__ = ["QUADRANTS", "NO_ENERGY", "ROLES", "REFERENCE_SHARES", "FOLKLORE", "OTHER_SEGMENTS",
           "STABLE", "PLAN_ROLES"]

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
    (0.01, "1%: the seeds' claim, unverified"),
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
