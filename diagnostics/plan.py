"""The movement plan for the next half-year sprint, and the revisit of the last one.

The source texts ask for a cycle: segment and frame, fix the non-negotiables, engage the
hyper-connected and the backstage leaders, back grassroots with a sponsor, work in
half-year sprints, measure with unconventional indicators, then revisit and refine.
:func:`movement_plan` turns the run's results into that plan, each line with the
figure it comes from; :func:`revisit_plan` sets the plan made on an earlier wave against
the later wave.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from .comparisons import detectable_difference, normal_interval
from .errors import InsufficientDataError
from .labels import PLAN_ROLES
from .privacy import PrivacyGuard
from .results import DiagnosticResult, Finding, jsonable

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from .behaviours import NonNegotiables
    from .indicators import MovementIndicators
    from .network.brokers import BackstageLeaders
    from .network.hubs import HyperConnected
    from .network.tribes import Tribes
    from .segments import Segmentation
    from .tandems import TandemAnalysis
    from .waves import WaveComparison
    from .workbook import Workbook

__all__ = ["MovementPlan", "PlanRevisit", "movement_plan", "revisit_plan", "next_sprint",
           "ROLES", "INITIATIVE_KINDS"]

#: Roles of the people the plan engages, in the order they are listed.
ROLES: tuple[str, ...] = PLAN_ROLES

#: Kinds of initiative the plan names.
INITIATIVE_KINDS: tuple[str, ...] = ("tandem candidate", "needs grassroots support")

_ENGAGE_COLUMNS = ("person", "role", "tribe", "why", "named_by", "reach", "tribes_bridged")
_FOCUS_COLUMNS = ("item", "question", "attribute", "group", "n", "adherence", "adherence_low",
                  "adherence_high", "rest_adherence", "gap")
_TRACK_COLUMNS = ("indicator", "group", "baseline", "target", "detectable", "unit", "n", "how")


def _plural(role: str, n: int) -> str:
    """``hyper-connected person`` / ``people``, ``backstage leader(s)``, ``tribe connector(s)``."""
    if role == ROLES[0]:
        return "hyper-connected person" if n == 1 else "hyper-connected people"
    return role if n == 1 else f"{role}s"


def _listed(parts: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def next_sprint(waves: Sequence[str], *, today: date | None = None,
                months: int = 6) -> tuple[date, date]:
    """Start and end (the re-survey date) of the next sprint.

    Waves named by half-year (``2025-H2``) or quarter (``2025-Q3``) date the sprint
    from the period after the latest wave; otherwise it starts ``today``.

    Examples
    --------
    >>> next_sprint(["2025-H1", "2025-H2"])
    (datetime.date(2026, 1, 1), datetime.date(2026, 7, 1))
    >>> next_sprint(["pilot"], today=date(2026, 3, 15), months=3)
    (datetime.date(2026, 3, 15), datetime.date(2026, 6, 15))
    """
    start = today or date.today()
    if waves:
        match = re.fullmatch(r"(\d{4})-([HQ])([1-4])", str(waves[-1]).strip().upper())
        if match:
            year, kind, part = int(match[1]), match[2], int(match[3])
            month = 1 + (part * 6 if kind == "H" else part * 3)
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
            start = date(year, month, 1)
    total = start.month - 1 + months
    end_year, end_month = start.year + total // 12, total % 12 + 1
    day = min(start.day, 28)
    return start, date(end_year, end_month, day)


@dataclass(frozen=True)
class MovementPlan(DiagnosticResult):
    """The plan for the next sprint: who to engage, how to frame, what to fix, back, track.

    Attributes
    ----------
    wave
        The wave the plan is made from.
    engage
        ``person`` (pseudonym unless names were asked for), ``role`` (:data:`ROLES`),
        ``tribe``, ``why``, ``named_by`` (colleagues who name them), ``reach`` (share of
        colleagues within two steps), ``tribes_bridged``.
    engaged_reach
        Share of everyone else within two steps of at least one engaged person.
    frames
        ``segment``, ``share``, ``lead_with``, ``avoid``, ``where`` (the groups where the
        segment is most common), ``tribes``.
    focus
        The weakest links of the non-negotiables: ``item``, ``question``, ``attribute``,
        ``group``, ``n``, ``adherence`` (with interval), ``rest_adherence``, ``gap``.
    glue_now, glue_if_fixed
        The glue index now, and if every weak link reached the rest of the organisation.
    initiatives
        ``initiative_id``, ``name``, ``kind`` (:data:`INITIATIVE_KINDS`), ``supporters``,
        ``sponsor_level``, ``why``.
    track
        What to measure again: ``indicator``, ``group``, ``baseline``, ``target``,
        ``detectable`` (the smallest change the next survey could detect at the current
        response numbers), ``unit``, ``n``, ``how``.
    sprint_start, resurvey
        When the sprint starts and when to survey again.
    ask_again
        Question texts to keep in the next survey.
    reasons
        Parts of the plan that could not be made, and why.
    """

    key: ClassVar[str] = "plan"
    title: ClassVar[str] = "The movement plan for the next sprint"
    method: ClassVar[str] = (
        "The plan gathers the run's results into one half-year sprint. Engage: every "
        "hyper-connected person and backstage leader, and in each tribe that has neither, its "
        "most-named member; their joint reach is the share of everyone else within two steps "
        "of influence of at least one of them. Frames: each segment's frames to lead with and "
        "to avoid, and the groups where the segment is most common. Focus: the groups "
        "significantly below the rest of the organisation on a non-negotiable (weakest links); "
        "the glue index if they were fixed counts every group that fails only through those "
        "links as holding. Initiatives: ongoing ones with grassroots support at or above the "
        "threshold and no sponsor (tandem candidates) and sponsored ones below it. Track: the "
        "baseline of every non-negotiable and weakest link, a target (the rest of the "
        "organisation's level for a weak link, the baseline plus the detectable change "
        "otherwise) and the smallest change a two-sided test at 95% confidence would detect "
        "with 80% power if the next survey has as many respondents as this one.")
    columns: ClassVar[tuple[str, ...]] = ("part", "what", "why")

    wave: str
    engage: pd.DataFrame
    engaged_reach: float
    frames: pd.DataFrame
    focus: pd.DataFrame
    glue_now: float
    glue_if_fixed: float
    initiatives: pd.DataFrame
    track: pd.DataFrame
    sprint_start: date
    resurvey: date
    ask_again: tuple[str, ...]
    reasons: Mapping[str, str] = field(default_factory=dict)
    confidence: float = 0.95

    def to_frame(self) -> pd.DataFrame:
        """The plan as one table of lines: ``part``, ``what``, ``why``."""
        rows: list[dict[str, str]] = []
        # one line per role: the people one by one are in the engage table (analyst's copy)
        for role, part in self.engage.groupby("role", sort=False):
            named = part["named_by"]
            low, high = int(named.min()), int(named.max())
            span = f"{low}" if low == high else f"{low}-{high}"
            rows.append({"part": "engage",
                         "what": f"{len(part)} {_plural(str(role), len(part))} in "
                                 f"{part['tribe'].nunique()} "
                                 f"{'tribe' if part['tribe'].nunique() == 1 else 'tribes'}",
                         "why": f"each named by {span} colleagues; who they are is in the "
                                "analyst's list of people to engage"})
        for _, r in self.frames.iterrows():
            rows.append({"part": "frame", "what": f"{r['segment']}: {r['lead_with']}",
                         "why": f"{r['share']:.0%} of respondents; most common in {r['where']}"})
        for _, r in self.focus.iterrows():
            rows.append({"part": "focus", "what": f"{r['group']} ({r['attribute']}): {r['question']}",
                         "why": f"{r['adherence']:.0%} act on it against {r['rest_adherence']:.0%} "
                                "in the rest of the organisation"})
        for _, r in self.initiatives.iterrows():
            rows.append({"part": "back", "what": f"{r['name']} ({r['kind']})", "why": r["why"]})
        for _, r in self.track.iterrows():
            rows.append({"part": "track", "what": f"{r['indicator']}" + (
                f" in {r['group']}" if r["group"] else ""), "why": r["how"]})
        rows.append({"part": "re-survey", "what": self.resurvey.isoformat(),
                     "why": f"the end of the half-year sprint that starts {self.sprint_start:%d %B %Y}"})
        return pd.DataFrame(rows, columns=list(self.columns))

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "engage": [{"person": r["person"], "role": r["role"], "tribe": r["tribe"],
                        "why": r["why"]} for _, r in self.engage.iterrows()],
            "engaged_reach": self.engaged_reach,
            "frames": [{"segment": r["segment"], "lead_with": r["lead_with"], "avoid": r["avoid"],
                        "where": r["where"], "tribes": r["tribes"]}
                       for _, r in self.frames.iterrows()],
            "focus": [{"item": r["item"], "attribute": r["attribute"], "group": r["group"],
                       "adherence": r["adherence"], "rest_adherence": r["rest_adherence"]}
                      for _, r in self.focus.iterrows()],
            "glue_now": self.glue_now, "glue_if_fixed": self.glue_if_fixed,
            "initiatives": [{"initiative_id": r["initiative_id"], "kind": r["kind"],
                             "why": r["why"]} for _, r in self.initiatives.iterrows()],
            "track": self.track.to_dict(orient="records"),
            "resurvey": self.resurvey.isoformat(),
            "ask_again": list(self.ask_again),
            "reasons": dict(self.reasons),
        })

    def figure(self) -> go.Figure:
        from .plots.plan import focus_figure

        return focus_figure(self)

    def figures(self) -> dict[str, go.Figure]:
        from .plots.plan import engage_figure

        figs = {"focus": self.figure()}
        if len(self.engage):  # no one to engage: the reason is in the plan's steps, not a chart
            figs["engage"] = engage_figure(self)
        return figs

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"plan": self.to_frame(), "engage": self.engage.copy(),
                "frames": self.frames.copy(), "focus": self.focus.copy(),
                "initiatives": self.initiatives.copy(), "track": self.track.copy()}

    def steps(self) -> list[tuple[str, str]]:
        """The plan as numbered steps for a chief executive: (what to do, how, in words).

        Only steps the data support; what the plan could not say is the last step's reason.

        Examples
        --------
        >>> from diagnostics import load
        >>> from diagnostics.behaviours import non_negotiables
        >>> wb = load("data/sample")
        >>> plan = movement_plan(wb, non_negotiables=non_negotiables(wb))
        >>> [title for title, _ in plan.steps()]
        ['Fix the weakest links first', 'Back the initiatives that are ready', 'Measure again']
        """
        out: list[tuple[str, str]] = []
        if len(self.focus):
            parts = [f"\u201c{r['question']}\u201d in {r['group']} ({r['adherence']:.0%} act on it "
                     f"against {r['rest_adherence']:.0%} elsewhere)"
                     for _, r in self.focus.sort_values("gap").iterrows()]
            links = "link" if len(parts) == 1 else "links"
            out.append(("Fix the weakest links first",
                        f"Ask the leaders concerned what gets in the way of {_listed(parts)}. "
                        f"Fixing these {len(parts)} {links} would lift the share of groups that "
                        f"hold every non-negotiable behaviour from {self.glue_now:.0%} to "
                        f"{self.glue_if_fixed:.0%}."))
        if len(self.engage):
            roles = [f"{n} {_plural(str(role), n)}"
                     for role, n in self.engage["role"].value_counts(sort=False).items()]
            out.append(("Engage the movement starters",
                        f"Invite {len(self.engage)} colleagues ({_listed(roles)}) to start the "
                        f"movement: together they reach {self.engaged_reach:.0%} of their "
                        "colleagues within two steps. Who they are is in the analyst's list, "
                        "not in this report."))
        if len(self.frames):
            top = self.frames.sort_values("share", ascending=False).head(3)
            said = []
            for _, r in top.iterrows():
                where = _listed(re.sub(r"\s*\(\d+%\)", "", str(r["where"])).split(", "))
                said.append(f"for the {str(r['segment']).lower()} group ({r['share']:.0%} of "
                            f"people, most of all in {where}), {str(r['lead_with'])[:1].lower()}"
                            f"{str(r['lead_with'])[1:].rstrip('.')}")
            more = len(self.frames) - len(top)
            rest = f" The other {more} groups are in the appendix." if more > 0 else ""
            out.append(("Speak to what moves each group",
                        "Frame the change in the words that motivate each group: "
                        + "; ".join(said) + "." + rest))
        if len(self.initiatives):
            lines = []
            for kind, ask in ((INITIATIVE_KINDS[0], "find a committed leader to sponsor"),
                              (INITIATIVE_KINDS[1], "recruit support on the floor for")):
                part = self.initiatives[self.initiatives["kind"] == kind]
                if part.empty:
                    continue
                names = [str(n) for n in part["name"].head(3)]
                if len(part) > 3:
                    names.append(f"{len(part) - 3} more")
                what = ("ongoing initiative with strong support and no sponsor"
                        if kind == INITIATIVE_KINDS[0] else "sponsored initiative with few supporters")
                if len(part) > 1:
                    what = what.replace("initiative", "initiatives")
                lines.append(f"{ask} {len(part)} {what} ({_listed(names)})")
            text = "; ".join(lines)
            out.append(("Back the initiatives that are ready", text[:1].upper() + text[1:] + "."))
        survey = (f"Survey again on {self.resurvey:%d %B %Y}, at the end of the half-year sprint, "
                  "with the same questions, to see what moved.")
        weak = self.track[self.track["group"].astype(str) != ""] if len(self.track) else self.track
        if len(weak) and weak["detectable"].notna().any():
            r = weak.iloc[0]
            survey += (f" In {r['group']}, a change of {100 * r['detectable']:.0f} points or more "
                       "on the weakest link will show.")
        gaps = [reason for reason in self.reasons.values() if reason]
        if gaps:
            survey += " What this plan could not say: " + " ".join(gaps)
        out.append(("Measure again", survey))
        return out

    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        if len(self.focus):
            worst = self.focus.sort_values("gap").iloc[0]
            out.append(Finding(
                f"Work first on \u201c{worst['question']}\u201d in {worst['group']}: "
                f"{worst['adherence']:.0%} act on it against {worst['rest_adherence']:.0%} "
                f"elsewhere. Fixing the {len(self.focus)} weakest "
                f"{'link' if len(self.focus) == 1 else 'links'} would lift the share of groups "
                f"that hold every non-negotiable from {self.glue_now:.0%} to "
                f"{self.glue_if_fixed:.0%}.", value=f"{worst['adherence']:.0%}", weight=0.75))
        if len(self.engage):
            out.append(Finding(
                f"Engage {len(self.engage)} people as movement starters (hyper-connected people, "
                "backstage leaders and a connector in every other tribe): together they reach "
                f"{self.engaged_reach:.0%} of their colleagues within two steps.",
                value=f"{self.engaged_reach:.0%}", weight=0.7))
        candidates = self.initiatives[self.initiatives["kind"] == INITIATIVE_KINDS[0]]
        if len(candidates):
            out.append(Finding(
                f"{len(candidates)} ongoing grassroots "
                f"{'initiative has' if len(candidates) == 1 else 'initiatives have'} strong "
                "support but no sponsor: pairing each with a committed leader is the cheapest "
                "lift to their chance of success.", value=str(len(candidates)), weight=0.6))
        out.append(Finding(f"Survey again on {self.resurvey:%d %B %Y}, at the end of the sprint, "
                           "with the same questions, to see what moved.", weight=0.3))
        return out


def _engage(hubs: HyperConnected | None, brokers: BackstageLeaders | None,
            tribes: Tribes | None, guard: PrivacyGuard, names: bool,
            reasons: dict[str, str]) -> tuple[pd.DataFrame, float]:
    from .network.common import person_labels
    from .network.hubs import joint_reach

    rows: list[dict[str, Any]] = []
    if hubs is None and brokers is None:
        reasons["engage"] = ("No network was measured, so the plan cannot say whom to engage; "
                             "ask the network questions of the questionnaire.")
        return pd.DataFrame(columns=list(_ENGAGE_COLUMNS)), float("nan")
    tribe_of = tribes.assignments.astype(str) if tribes is not None else pd.Series(dtype=object)
    scores = hubs.scores if hubs is not None else None
    net = hubs.network if hubs is not None else brokers.network  # type: ignore[union-attr]
    denominator = max(net.n - 1, 1)

    def named_by(person: str) -> float:
        if scores is not None and person in scores.index:
            return float(scores.at[person, "in_degree"])
        return float(net.graph.degree(net.index[person], mode="in"))

    def reach(person: str) -> float:
        return float(net.two_step_reach()[net.index[person]] / denominator)

    chosen: dict[str, str] = {}
    for person in (hubs.people if hubs is not None else ()):
        chosen.setdefault(person, ROLES[0])
    for person in (brokers.people if brokers is not None else ()):
        chosen.setdefault(person, ROLES[1])
    if tribes is not None:
        covered = {tribe_of.get(p) for p in chosen}
        members = tribe_of.groupby(tribe_of).groups
        for tribe, index in sorted(members.items()):
            if tribe in covered or len(index) < guard.min_group_size:
                continue
            best = max(index, key=lambda p: (named_by(str(p)), str(p)))
            chosen[str(best)] = ROLES[2]
    bridged = brokers.scores["tribes_bridged"] if brokers is not None else pd.Series(dtype=float)
    for person, role in chosen.items():
        n_named, share = named_by(person), reach(person)
        n_bridged = float(bridged.get(person, np.nan)) if len(bridged) else float("nan")
        if role == ROLES[0]:
            why = (f"named by {n_named:.0f} colleagues; reaches {share:.0%} of the organisation "
                   "within two steps")
        elif role == ROLES[1]:
            why = (f"bridges {n_bridged:.0f} tribes without a formal leadership role"
                   if not math.isnan(n_bridged) else "bridges tribes without a formal role")
        else:
            why = (f"the most-named member of {tribe_of.get(person, 'a tribe')} "
                   f"({n_named:.0f} colleagues), which has no hyper-connected person or "
                   "backstage leader")
        rows.append({"id": person, "role": role, "tribe": tribe_of.get(person, ""), "why": why,
                     "named_by": n_named, "reach": share, "tribes_bridged": n_bridged})
    frame = pd.DataFrame(rows)
    if frame.empty:
        reasons["engage"] = ("No one stands out in the network as hyper-connected or as a "
                             "backstage leader.")
        return pd.DataFrame(columns=list(_ENGAGE_COLUMNS)), float("nan")
    frame["order"] = frame["role"].map({r: i for i, r in enumerate(ROLES)})
    frame = frame.sort_values(["order", "named_by"], ascending=[True, False], kind="stable")
    together = joint_reach(net, np.array([net.index[p] for p in frame["id"]]))
    frame.insert(0, "person", person_labels(guard, frame["id"], names))
    return frame[list(_ENGAGE_COLUMNS)].reset_index(drop=True), together


def _frames(segments: Segmentation | None, tribes: Tribes | None,
            reasons: dict[str, str]) -> pd.DataFrame:
    cols = ["segment", "share", "lead_with", "avoid", "where", "tribes"]
    if segments is None or not segments.structure:
        reasons["frames"] = ("The motivation answers show no distinct segments, so one frame "
                             "can serve everyone." if segments is not None else
                             "No motivation items were asked, so the plan has no frames.")
        return pd.DataFrame(columns=cols)
    rows = []
    spread = segments.spread
    mix = tribes.segment_mix if tribes is not None else None
    for _, seg in segments.segments.iterrows():
        name = seg["segment"]
        part = spread[spread["segment"] == name].sort_values("share_of_group", ascending=False)
        where = ", ".join(f"{g} ({s:.0%})" for g, s in
                          zip(part["group"].head(2), part["share_of_group"].head(2), strict=False))
        tribes_text = ""
        if mix is not None and len(mix):
            tm = mix[mix["segment"] == name].sort_values("share", ascending=False).head(2)
            tribes_text = ", ".join(f"{t} ({s:.0%})" for t, s in
                                    zip(tm["tribe"], tm["share"], strict=False))
        rows.append({"segment": name, "share": float(seg["share"]), "lead_with": seg["lead_with"],
                     "avoid": seg["avoid"], "where": where or "everywhere alike",
                     "tribes": tribes_text})
    return pd.DataFrame(rows, columns=cols)


def _focus(nn: NonNegotiables | None, reasons: dict[str, str]) -> tuple[pd.DataFrame, float, float]:
    if nn is None:
        reasons["focus"] = "No non-negotiable behaviours were asked."
        return pd.DataFrame(columns=list(_FOCUS_COLUMNS)), float("nan"), float("nan")
    groups = nn.groups[nn.groups["non_negotiable"].astype(bool)]
    weak = groups[groups["weak"].astype(bool)]
    focus = pd.DataFrame({
        "item": weak["item"], "question": weak["label"], "attribute": weak["grouping"],
        "group": weak["group"].astype(str), "n": weak["n"], "adherence": weak["adherence"],
        "adherence_low": weak["adherence_low"], "adherence_high": weak["adherence_high"],
        "rest_adherence": weak["rest_adherence"],
        "gap": weak["adherence"] - weak["rest_adherence"]}, columns=list(_FOCUS_COLUMNS))
    focus = focus.sort_values("gap", kind="stable").reset_index(drop=True)
    items = groups["item"].nunique()
    fixed = groups.assign(after=groups["holds"].astype(bool) | groups["weak"].astype(bool))
    per = fixed.groupby(["grouping", "group"]).agg(items=("item", "nunique"),
                                                   now=("holds", "all"), after=("after", "all"))
    complete = per[per["items"] == items]
    if not len(complete):
        return focus, float("nan"), float("nan")
    if not len(focus):
        reasons["focus"] = ("Every group acts on every non-negotiable about as well as the rest "
                            "of the organisation: there is no weakest link to fix.")
    return focus, float(complete["now"].mean()), float(complete["after"].mean())


def _initiatives(workbook: Workbook, tandems: TandemAnalysis | None,
                 reasons: dict[str, str]) -> pd.DataFrame:
    cols = ["initiative_id", "name", "kind", "supporters", "sponsor_level", "why"]
    table = workbook.initiatives
    if table is None or not len(table):
        reasons["initiatives"] = "No initiatives were listed."
        return pd.DataFrame(columns=cols)
    threshold = tandems.threshold if tandems is not None else float(table["supporters"].median())
    ongoing = table[table["outcome"].astype(str).str.lower() == "ongoing"]
    sponsored = ongoing["sponsor_level"].astype(str).str.strip().str.lower().ne("none")
    strong = ongoing["supporters"] >= threshold
    rows = []
    for idx, row in ongoing.iterrows():
        name = str(row["name"]) if "name" in ongoing and pd.notna(row.get("name")) else \
            str(row["initiative_id"])
        if strong.loc[idx] and not sponsored.loc[idx]:
            kind = INITIATIVE_KINDS[0]
            why = (f"{row['supporters']:.0f} supporters (at least {threshold:g}) and no sponsor: "
                   "find a committed leader to back it")
        elif sponsored.loc[idx] and not strong.loc[idx]:
            kind = INITIATIVE_KINDS[1]
            level = str(row["sponsor_level"])
            article = "an" if level[:1].lower() in "aeiou" else "a"
            why = (f"sponsored by {article} {level} but only {row['supporters']:.0f} "
                   f"supporters (fewer than {threshold:g}): recruit support on the floor")
        else:
            continue
        rows.append({"initiative_id": str(row["initiative_id"]), "name": name, "kind": kind,
                     "supporters": float(row["supporters"]),
                     "sponsor_level": str(row["sponsor_level"]), "why": why})
    frame = pd.DataFrame(rows, columns=cols)
    order = {k: i for i, k in enumerate(INITIATIVE_KINDS)}
    return frame.sort_values(["kind", "supporters"], key=lambda s: s.map(order) if s.name == "kind"
                             else -s, kind="stable").reset_index(drop=True)


def _track(nn: NonNegotiables | None, focus: pd.DataFrame, indicators: MovementIndicators | None,
           confidence: float, power: float) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    if nn is not None:
        for _, r in nn.overall[nn.overall["non_negotiable"].astype(bool)].iterrows():
            p, n = float(r["share"]), int(r["n"])
            step = float(detectable_difference(p, n, n, confidence=confidence, power=power))
            rows.append({"indicator": r["label"], "group": "", "baseline": p,
                         "target": min(1.0, p + step), "detectable": step, "unit": "%", "n": n,
                         "how": f"share acting on it; now {p:.0%}, a change of {step:.0%} or "
                                "more would show in the next survey"})
        for _, r in focus.iterrows():
            p, n = float(r["adherence"]), int(r["n"])
            step = float(detectable_difference(p, n, n, confidence=confidence, power=power))
            rows.append({"indicator": r["question"], "group": r["group"], "baseline": p,
                         "target": float(r["rest_adherence"]), "detectable": step, "unit": "%",
                         "n": n, "how": f"{r['group']} now {p:.0%}; target the rest of the "
                                        f"organisation's {r['rest_adherence']:.0%}; a change of "
                                        f"{step:.0%} or more would show"})
    if indicators is not None:
        for _, r in indicators.table[indicators.table["available"].astype(bool)].iterrows():
            unit = str(r["unit"])
            rows.append({"indicator": str(r["indicator"]), "group": "",
                         "baseline": float(r["value"]), "target": float("nan"),
                         "detectable": float("nan"), "unit": unit, "n": np.nan,
                         "how": f"{r['reading']}".strip() or "track the direction"})
    return pd.DataFrame(rows, columns=list(_TRACK_COLUMNS))


def movement_plan(workbook: Workbook, *, hyper_connected: HyperConnected | None = None,
                  backstage_leaders: BackstageLeaders | None = None,
                  tribes: Tribes | None = None, segments: Segmentation | None = None,
                  non_negotiables: NonNegotiables | None = None,
                  tandems: TandemAnalysis | None = None,
                  indicators: MovementIndicators | None = None,
                  today: date | None = None, confidence: float = 0.95, power: float = 0.8,
                  names: bool = False) -> MovementPlan:
    """The movement plan for the next half-year sprint, from the run's results.

    Parameters
    ----------
    workbook
        The loaded data folder (initiatives, waves, the privacy guard).
    hyper_connected, backstage_leaders, tribes, segments, non_negotiables, tandems, indicators
        The results the plan draws on; each may be ``None`` (the part it feeds says why it
        is missing in :attr:`MovementPlan.reasons`).
    today
        The sprint's start when the waves are not named by half-year (default today).
    confidence, power
        For the smallest detectable change of each tracked figure.
    names
        Show people's ids instead of pseudonyms (analyst use only).

    Returns
    -------
    MovementPlan

    Raises
    ------
    InsufficientDataError
        When none of the results the plan draws on is available.

    Notes
    -----
    Every line carries the figure behind it. The people to engage are pseudonymous unless
    names were asked for; the plan is the analyst's working list, and the people on it
    should hear why they were chosen before anyone else does.

    References
    ----------
    Battilana, J. & Casciaro, T. (2012). Change agents, networks, and institutions.
    *Academy of Management Journal* 55(2).

    Examples
    --------
    >>> from diagnostics import load
    >>> from diagnostics.behaviours import non_negotiables
    >>> wb = load("data/sample")
    >>> plan = movement_plan(wb, non_negotiables=non_negotiables(wb))
    >>> sorted(plan.focus["group"])
    ['Eindhoven', 'Operations', 'Sales']
    >>> plan.resurvey.isoformat()
    '2026-07-01'
    """
    inputs = (hyper_connected, backstage_leaders, tribes, segments, non_negotiables, tandems,
              indicators)
    if all(x is None for x in inputs) and (workbook.initiatives is None
                                           or not len(workbook.initiatives)):
        raise InsufficientDataError("The plan needs at least one of the diagnostics it draws on "
                                    "(network, segments, non-negotiables, initiatives).")
    reasons: dict[str, str] = {}
    guard = workbook.guard
    engage, reach = _engage(hyper_connected, backstage_leaders, tribes, guard, names, reasons)
    frames = _frames(segments, tribes, reasons)
    focus, glue_now, glue_after = _focus(non_negotiables, reasons)
    initiatives = _initiatives(workbook, tandems, reasons)
    track = _track(non_negotiables, focus, indicators, confidence, power)
    start, resurvey = next_sprint(list(workbook.waves), today=today)
    ask: list[str] = []
    book = workbook.codebook
    if len(book):
        wanted = book[book["kind"].isin(["behaviour", "energy", "outcome"])]
        ask = [str(wanted.at[i, "label"]) if str(wanted.at[i, "label"]).strip() else str(i)
               for i in wanted.index]
    if hyper_connected is not None or backstage_leaders is not None:
        ask.append("The network questions (advice, energy, influence), to see whether the "
                   "movement starters' reach grew.")
    wave = non_negotiables.wave if non_negotiables is not None else (
        workbook.waves[-1] if len(workbook.waves) else "")
    return MovementPlan(wave=str(wave), engage=engage, engaged_reach=reach, frames=frames,
                        focus=focus, glue_now=glue_now, glue_if_fixed=glue_after,
                        initiatives=initiatives, track=track, sprint_start=start,
                        resurvey=resurvey, ask_again=tuple(ask), reasons=reasons,
                        confidence=confidence)


# -- the revisit ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanRevisit(DiagnosticResult):
    """The plan made on the earlier wave, set against the later wave.

    Attributes
    ----------
    from_wave, to_wave
        The two waves.
    cells
        One row per non-negotiable x group: ``item``, ``question``, ``attribute``,
        ``group``, ``targeted`` (a weak link in the earlier plan), ``before``, ``after``,
        ``change``, ``n_before``, ``n_after``, ``reached`` (targeted cells: reached the
        target the plan set).
    did, did_low, did_high
        Difference in differences: the mean change of the targeted cells minus the mean
        change of the others, with its interval.
    behaviours
        Every behaviour item: ``item``, ``question``, ``targeted``, ``change``, ``moved``
        (a significant change in the wave comparison).
    """

    key: ClassVar[str] = "revisit"
    title: ClassVar[str] = "Revisiting the last plan"
    method: ClassVar[str] = (
        "The plan is made again from the earlier wave alone; each non-negotiable x group cell "
        "it targeted (a weakest link then) is compared between the waves with the other cells "
        "of the same groupings. The difference in differences is the mean change of the "
        "targeted cells minus the mean change of the rest; its interval combines the binomial "
        "variance of every cell share in both waves (normal approximation). A targeted cell "
        "reached its target when it came within the detectable change of the rest of the "
        "organisation's earlier level. Whether a behaviour moved comes from the comparison "
        "of the waves (its tests and correction).")
    columns: ClassVar[tuple[str, ...]] = ("item", "question", "attribute", "group", "targeted",
                                          "before", "after", "change", "n_before", "n_after",
                                          "reached")

    from_wave: str
    to_wave: str
    cells: pd.DataFrame
    did: float
    did_low: float
    did_high: float
    behaviours: pd.DataFrame
    confidence: float = 0.95

    def to_frame(self) -> pd.DataFrame:
        return self.cells.copy()

    def to_json(self) -> dict[str, Any]:
        targeted = self.cells[self.cells["targeted"]]
        return jsonable({
            "from": self.from_wave, "to": self.to_wave,
            "difference_in_differences": {"estimate": self.did, "low": self.did_low,
                                          "high": self.did_high},
            "targeted": targeted[["item", "attribute", "group", "before", "after",
                                  "reached"]].to_dict(orient="records"),
            "behaviours": self.behaviours.to_dict(orient="records"),
        })

    def figure(self) -> go.Figure:
        from .plots.plan import revisit_figure

        return revisit_figure(self)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"revisit_cells": self.cells.copy(), "revisit_behaviours": self.behaviours.copy()}

    def findings(self) -> list[Finding]:
        targeted = self.cells[self.cells["targeted"]]
        if not len(targeted):
            return [Finding(f"The plan made on {self.from_wave} had no weakest link to work on.",
                            meaning="There was nothing to fix, so nothing to check.",
                            action="Keep the non-negotiable behaviours visible.",
                            weight=0.3)]
        reached = int(targeted["reached"].sum())
        sure = "clearly more" if self.did_low > 0 else (
            "clearly less" if self.did_high < 0 else "about as much as")
        return [Finding(
            f"Between {self.from_wave} and {self.to_wave} the weakest links the plan targeted "
            f"moved {sure} the rest ({self.did:+.0%} points more, between {self.did_low:+.0%} "
            f"and {self.did_high:+.0%}); {reached} of {len(targeted)} reached their target.",
            value=f"{self.did:+.0%}",
            meaning=("The work on the weakest links paid off." if self.did_low > 0 else
                     "The work on the weakest links has not shown yet: they moved no more "
                     "than the rest."),
            action=("Keep going, and turn to the next weakest links." if self.did_low > 0 else
                    "Check what was done about each targeted link, and who owns it now."),
            weight=0.65)]


def revisit_plan(workbook: Workbook, *, earlier: str | None = None, later: str | None = None,
                 waves: WaveComparison | None = None, confidence: float = 0.95,
                 power: float = 0.8) -> PlanRevisit:
    """Set the plan made on the ``earlier`` wave against the ``later`` wave.

    Parameters
    ----------
    workbook
        A loaded data folder with both waves and non-negotiable behaviour items.
    earlier, later
        The waves (default: the last two).
    waves
        The comparison of the two waves (its significance decides which behaviours
        moved); default: computed here.
    confidence, power
        Interval of the difference in differences; power of the detectable change
        behind each target.

    Returns
    -------
    PlanRevisit

    Examples
    --------
    >>> from diagnostics import load
    >>> wb = load("data/sample")
    >>> back = revisit_plan(wb, earlier="2025-H1", later="2025-H2")
    >>> sorted(back.cells[back.cells["targeted"]]["group"].unique())
    ['Eindhoven', 'Operations', 'Sales']
    >>> sorted(back.behaviours[back.behaviours["moved"]]["item"])
    ['b06', 'b09']
    """
    from .behaviours import non_negotiables
    from .waves import wave_changes

    if earlier is None and later is None and len(workbook.waves) >= 2:
        earlier, later = workbook.waves[-2], workbook.waves[-1]
    if earlier not in workbook.waves or later not in workbook.waves:
        raise InsufficientDataError(f"The revisit needs the waves {earlier} and {later}; the "
                                    f"data have {', '.join(workbook.waves) or 'one wave'}.")
    before = non_negotiables(workbook, wave=earlier, confidence=confidence)
    after = non_negotiables(workbook, wave=later, confidence=confidence)
    plan_focus, _, _ = _focus(before, {})
    keys = ["item", "grouping", "group"]
    b = before.groups[before.groups["non_negotiable"].astype(bool)]
    a = after.groups[after.groups["non_negotiable"].astype(bool)]
    cells = b[keys + ["label", "adherence", "n", "rest_adherence"]].merge(
        a[keys + ["adherence", "n"]], on=keys, suffixes=("_before", "_after"))
    targeted = set(zip(plan_focus["item"], plan_focus["attribute"], plan_focus["group"],
                       strict=True))
    cells["targeted"] = [(i, g, str(v)) in targeted for i, g, v in
                         zip(cells["item"], cells["grouping"], cells["group"], strict=True)]
    cells["change"] = cells["adherence_after"] - cells["adherence_before"]
    step = detectable_difference(cells["adherence_before"], cells["n_before"],
                                 cells["n_after"], confidence=confidence, power=power)
    cells["reached"] = cells["targeted"] & (
        cells["adherence_after"] >= cells["rest_adherence"] - step)
    var = (cells["adherence_before"] * (1 - cells["adherence_before"]) / cells["n_before"]
           + cells["adherence_after"] * (1 - cells["adherence_after"]) / cells["n_after"])
    t, u = cells["targeted"], ~cells["targeted"]
    if t.any() and u.any():
        did = float(cells.loc[t, "change"].mean() - cells.loc[u, "change"].mean())
        se = math.sqrt(float(var[t].sum()) / t.sum() ** 2 + float(var[u].sum()) / u.sum() ** 2)
        low, high = normal_interval(did, se, confidence=confidence)
    else:
        did = low = high = float("nan")
    frame = pd.DataFrame({
        "item": cells["item"], "question": cells["label"], "attribute": cells["grouping"],
        "group": cells["group"].astype(str), "targeted": cells["targeted"].astype(bool),
        "before": cells["adherence_before"], "after": cells["adherence_after"],
        "change": cells["change"], "n_before": cells["n_before"], "n_after": cells["n_after"],
        "reached": cells["reached"].astype(bool)}, columns=list(PlanRevisit.columns))
    comparison = waves if waves is not None else wave_changes(
        workbook, waves=(earlier, later), segments=False, by=[])
    changes = comparison.changes
    items = workbook.codebook[workbook.codebook["kind"] == "behaviour"].index
    moved = changes[(changes["kind"] == "item") & changes["item"].isin(items)]
    target_items = {i for i, _, _ in targeted}
    behaviours = pd.DataFrame({
        "item": moved["item"], "question": moved["label"],
        "targeted": moved["item"].isin(target_items), "change": moved["change"],
        "moved": moved["significant"].astype(bool)}).reset_index(drop=True)
    return PlanRevisit(from_wave=earlier, to_wave=later, cells=frame, did=did, did_low=low,
                       did_high=high, behaviours=behaviours, confidence=confidence)
