"""What the report's appendix cites: the sources behind the methods, and the seeds' claims.

Each reference names the diagnostics it supports, so the appendix lists the ones that
matter for the sections that ran (plus the general ones, tagged ``"*"``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Reference", "Claim", "REFERENCES", "CLAIMS", "references_for", "claims_for"]


@dataclass(frozen=True)
class Reference:
    """A source the report relies on, with what it supports, in plain words."""

    source: str
    supports: str
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    """A figure from the source texts (the seeds) and how far it could be checked."""

    claim: str
    status: str
    shown_as: str
    sections: tuple[str, ...]


REFERENCES: tuple[Reference, ...] = (
    Reference("Field practice of survey vendors (Culture Amp, Qualtrics EX, Viva Glint, "
              "Microsoft Viva Insights)",
              "Five respondents is the usual smallest group whose scores are reported; "
              "comments need more (Viva Glint shows them from ten responses); views whose "
              "remainder within a parent group is below the minimum are blocked as well.",
              ("*",)),
    Reference("Organisational network analysis practice",
              "Survey-based network analysis is confidential rather than anonymous: individuals "
              "are reported to the analyst only, under pseudonyms by default.",
              ("tribes", "hyper_connected", "backstage_leaders", "movement_seeds",
               "reach_to_top")),
    Reference("Cronbach (1951), coefficient alpha; corrected item-total correlation",
              "Alpha measures how consistently a construct's items are answered; bands of "
              ".90 excellent, .80 good, .70 acceptable, .60 questionable are a rule of thumb. "
              "An item that correlates negatively with the rest of its construct was almost "
              "always left un-reversed.",
              ("reliability",)),
    Reference("Latent profile and mixture-model practice",
              "Class membership is treated as known only when classification entropy is high "
              "(above about .95); otherwise assignments carry uncertainty.",
              ("segments", "waves")),
    Reference("Battilana & Casciaro, Academy of Management Journal (2012)",
              "In 68 change initiatives in the UK National Health Service, change agents "
              "central in the informal network succeeded more often, whatever their formal "
              "rank; bridging ties helped far-reaching change and cohesive ties helped smaller "
              "change. This is the empirical backing for backstage leaders.",
              ("backstage_leaders", "hyper_connected", "tribes")),
    Reference("Cross & Prusak, Harvard Business Review (2002); Cross, Baker & Parker (2003)",
              "Informal networks hold central connectors, boundary spanners, information "
              "brokers and peripheral specialists; energy networks hold energisers and "
              "de-energisers.",
              ("hyper_connected", "backstage_leaders", "indicators")),
    Reference("Burt (1992) structural holes; Freeman (1977) betweenness; Brin & Page (1998) "
              "PageRank",
              "Measures of brokerage (low constraint, high betweenness) and of influence "
              "through the network.",
              ("hyper_connected", "backstage_leaders")),
    Reference("Traag, Waltman & van Eck, Scientific Reports (2019)",
              "The Leiden algorithm finds well-connected communities in a network.",
              ("tribes",)),
    Reference("Kempe, Kleinberg & Tardos, KDD (2003)",
              "The independent cascade model of spread, and greedy selection of the seeds "
              "that reach the most people.",
              ("movement_seeds",)),
    Reference("Cross, Rebele & Grant, Harvard Business Review (2016)",
              "Three to five per cent of employees account for a fifth to a third of the "
              "collaborations that add value.",
              ("movement_seeds", "hyper_connected")),
    Reference("Chenoweth & Stephan (2011); Chenoweth (2020)",
              "Non-violent political campaigns that drew active participation from about "
              "3.5% of a population tended to succeed; a finding about nations, not "
              "organisations.",
              ("movement_seeds", "activism")),
    Reference("Barrett Values Centre, cultural entropy",
              "The share of votes for limiting values, read in bands: up to 10% healthy, "
              "11-20% minor issues, 21-30% significant, 31-40% serious, above 40% critical "
              "(the organisational wording of the bands is not confirmed).",
              ("indicators",)),
    Reference("Strategy& (PwC) survey of change leaders (2013)",
              "About half of major change initiatives meet their goals (54% in that survey): "
              "the base rate against which a success rate is read.",
              ("tandems", "activism")),
    Reference("Johnson (2000), Multivariate Behavioral Research 35, 1-19; Tonidandel & "
              "LeBreton (2008), Organizational Research Methods 11, 97-110; Tonidandel, "
              "LeBreton & Johnson (2009), Psychological Methods 14, 387-399; Budescu (1993), "
              "Psychological Bulletin 114, 542-551",
              "Relative weights divide the explained variation among correlated predictors and "
              "agree closely with general dominance weights; bootstrap intervals, and a test "
              "against an added random variable, say which weights stand out from chance.",
              ("drivers",)),
    Reference("Reichheld (2003), Harvard Business Review 81(12); Rocks (2016), The American "
              "Statistician 70(4), 365-372",
              "The Net Promoter Score (promoters 9-10 minus detractors 0-6 on a 0-10 "
              "recommendation question); the adjusted-Wald interval performs best among the "
              "intervals compared on a large database of scores.",
              ("enps",)),
)

CLAIMS: tuple[Claim, ...] = (
    Claim("Grassroots movements backed by committed leaders in tandem succeeded 78% of the "
          "time (attributed to US policy-change research).",
          "No primary source found: claimed, unverified.",
          "A dotted reference line labelled \"claimed, unverified\".",
          ("tandems",)),
    Claim("1% of employees is enough to start a movement.",
          "No primary source found: claimed, unverified. The nearest published analogues are "
          "a vendor's claim that 3% of employees influence 85-90% of colleagues (Innovisor), "
          "3-5% of employees providing 20-35% of value-adding collaborations (Cross, Rebele & "
          "Grant 2016) and 3.5% in non-violent political campaigns (Chenoweth).",
          "Reference lines at 1%, 3% and 3.5%, each with its source.",
          ("movement_seeds",)),
    Claim("Only 4% of information reaches the boardroom.",
          "Traced to Yoshida's \"Iceberg of Ignorance\" (1989), whose original study cannot be "
          "found: folklore.",
          "Not used as a benchmark; at most labelled as folklore.",
          ("reach_to_top",)),
)


def references_for(sections: set[str]) -> list[Reference]:
    """The references that support the given sections, plus the general ones."""
    return [r for r in REFERENCES if "*" in r.sections or sections & set(r.sections)]


def claims_for(sections: set[str]) -> list[Claim]:
    """The seeds' claims that bear on the given sections (all when ``sections`` is empty)."""
    return [c for c in CLAIMS if not sections or sections & set(c.sections)]
