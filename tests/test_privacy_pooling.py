"""Small groups counted together so that large siblings stay visible (issue 16 item 5, issue 19).

The sample's Legal department has 3 people in each wave. Before, every group table hid Legal
and then, so that Legal could not be worked out from the total, one more department (Marketing
in one table, HR in another). Now the run counts Legal with the smallest department large
enough to protect it, shown as "Marketing (with smaller groups)": every other department is
shown in every table, and nothing about Legal can be worked out.
"""

from __future__ import annotations

import json
import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from privacy_attacks import complement_attack, subtraction_attack

from diagnostics import PrivacyGuard
from diagnostics.privacy import POOLED_LABEL, pooled_with
from diagnostics.release import audit, group_figures
from diagnostics.report import build_report

MARKETING = pooled_with("Marketing")


def _survey(counts: dict[str, dict[str, int]]) -> pd.DataFrame:
    """Respondents from {wave: {group: people}}."""
    rows = [{"respondent_id": f"{w}-{g}-{i}", "wave": w, "department": g}
            for w, groups in counts.items() for g, k in groups.items() for i in range(k)]
    return pd.DataFrame(rows)


def test_small_groups_counted_together_known_answers() -> None:
    guard = PrivacyGuard(min_group_size=5)
    # two small groups make 5 together: they are "Other (small groups)", no one else joins
    pooling = guard.pool_groups(_survey({"W1": {"Sales": 40, "Marketing": 31, "Legal": 3,
                                                "Audit": 2}}), ["department"])
    assert dict(pooling.labels["department"]) == {"Legal": POOLED_LABEL, "Audit": POOLED_LABEL}
    assert pooling.hosts["department"] == ()
    # one small group: the smallest other group (Marketing, 31) counts it; Sales stays
    pooling = guard.pool_groups(_survey({"W1": {"Sales": 40, "Marketing": 31, "Legal": 3}}),
                                ["department"])
    assert dict(pooling.labels["department"]) == {"Legal": MARKETING, "Marketing": MARKETING}
    assert pooling.hosts["department"] == ("Marketing",)
    # small in one wave only is small: the same groups are shown in every wave. Legal and
    # Audit are 4 together in W2, so the smallest other group joins: HR (its fewest, 6 in W1,
    # is fewer than Sales's 40)
    pooling = guard.pool_groups(_survey({"W1": {"Sales": 40, "HR": 6, "Legal": 9},
                                         "W2": {"Sales": 41, "HR": 30, "Legal": 3, "Audit": 1}}),
                                ["department"])
    assert set(pooling.labels["department"]) == {"Legal", "Audit", "HR"}
    assert set(pooling.labels["department"].values()) == {pooled_with("HR")}
    # a group of the roster nobody answered for is counted in the pool too
    roster = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(2)], "department": "Board"})
    pooling = guard.pool_groups(_survey({"W1": {"Sales": 40, "Legal": 3, "Audit": 2}}),
                                ["department"], roster=roster)
    assert dict(pooling.labels["department"]) == {"Audit": POOLED_LABEL, "Board": POOLED_LABEL,
                                                  "Legal": POOLED_LABEL}
    # nothing below the minimum: nothing changes
    assert not guard.pool_groups(_survey({"W1": {"Sales": 40, "HR": 5}}), ["department"])


def test_the_sentences_name_the_large_group_never_the_small_ones() -> None:
    guard = PrivacyGuard(min_group_size=5)
    pooling = guard.pool_groups(_survey({"W1": {"Sales": 40, "Marketing": 31, "Legal": 3}}),
                                ["department"])
    [sentence] = pooling.sentences()
    assert "Legal" not in sentence and "3" not in sentence
    assert "Marketing" in sentence and "fewer than 5 people" in sentence
    table = pooling.apply(_survey({"W1": {"Sales": 40, "Marketing": 31, "Legal": 3}}))
    assert table["department"].value_counts().to_dict() == {"Sales": 40, MARKETING: 34}


@settings(max_examples=150, deadline=None)
@given(counts=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1,
                       max_size=7),
       minimum=st.integers(3, 8))
def test_after_pooling_every_group_meets_the_minimum(counts: list[tuple[int, int]],
                                                     minimum: int) -> None:
    """Whatever the sizes, each group shown has 0 or at least the minimum in every wave (unless
    the whole wave is smaller), and a group not below the minimum keeps its name unless it
    had to count the small ones."""
    survey = _survey({w: {f"g{i}": c[j] for i, c in enumerate(counts)}
                      for j, w in enumerate(("W1", "W2"))})
    if survey.empty:
        return
    pooling = PrivacyGuard(min_group_size=minimum).pool_groups(survey, ["department"])
    shown = pooling.apply(survey)
    per_wave = shown.groupby(["wave", "department"]).size()
    totals = shown.groupby("wave").size()
    for (wave, _group), k in per_wave.items():
        assert k >= minimum or totals[wave] < minimum
    labels = pooling.labels.get("department", {})
    hosts = pooling.hosts.get("department", ())
    for i, (a, b) in enumerate(counts):
        name = f"g{i}"
        if (a == 0 or a >= minimum) and (b == 0 or b >= minimum) and name not in hosts:
            assert name not in labels
    assert len(hosts) <= len(counts)


def test_the_total_gives_away_a_group_hidden_alone() -> None:
    """The attack on "everyone minus the groups shown": it recovers a small group hidden on its
    own (so it can fail), and nothing from what the guard or the pooling shows."""
    answers = {"Sales": [4.0] * 40, "Ops": [3.0] * 57, "Legal": [1.0, 2.0, 2.0]}
    table = pd.DataFrame({"department": list(answers), "n": [len(v) for v in answers.values()],
                          "mean": [sum(v) / len(v) for v in answers.values()],
                          "item": "b01"})
    everyone = pd.DataFrame({"item": ["b01"], "n": [100], "mean": [(160 + 171 + 5) / 100]})
    naive = table[table["n"] >= 5]  # only the small group left out
    [found] = complement_attack({"overall": everyone, "by department": naive}, minimum=5,
                                attributes=["department"])
    assert found.people == 3 and abs(found.value - 5 / 3) < 1e-9  # Legal's mean, exactly
    guarded = PrivacyGuard(min_group_size=5).apply(table, by="department").frame
    assert complement_attack({"overall": everyone, "by department": guarded}, minimum=5,
                             attributes=["department"]) == []
    survey = pd.DataFrame({"wave": "W1", "department": [g for g, v in answers.items()
                                                        for _ in v],
                           "b01": [a for v in answers.values() for a in v]})
    pooled = PrivacyGuard(min_group_size=5).pool_groups(survey, ["department"]).apply(survey)
    by = pooled.groupby("department")["b01"].agg(["size", "mean"]).reset_index()
    by = by.rename(columns={"size": "n"}).assign(item="b01")
    assert set(by["department"]) == {pooled_with("Sales"), "Ops"}  # Sales: the smaller
    assert complement_attack({"overall": everyone, "by department": by}, minimum=5,
                             attributes=["department"]) == []


def _department_labels(frame: pd.DataFrame) -> set[str] | None:
    """The departments a one-way table shows, or ``None`` when it is not one."""
    cols = set(map(str, frame.columns))
    two_way = {"segment", "tribe", "theme", "from_segment", "quadrant"} & cols
    if two_way:
        return None
    for grouping in ("grouping", "attribute", "by", "dimension"):
        if grouping in cols and "group" in cols:
            part = frame[frame[grouping].astype(str) == "department"]
            return set(part["group"].astype(str)) if len(part) else None
    if "department" in cols:
        return set(frame["department"].astype(str))
    if "group" in cols and "Customer Service" in set(frame["group"].astype(str)):
        return set(frame["group"].astype(str))
    return None


def test_every_department_table_of_the_sample_shows_marketing_and_hr(sample_run) -> None:
    wb = sample_run.workbook
    assert set(wb.survey["department"]) == {"Customer Service", "Finance", "HR", "IT",
                                            MARKETING, "Operations", "Sales"}
    assert any("counted with Marketing" in w for w in sample_run.warnings)
    seen = 0
    for key, result in sample_run.ran().items():
        for name, frame in result.tables().items():
            labels = _department_labels(frame.reset_index())
            if labels is None or len(labels) < 3:  # a short list of weak groups, say
                continue
            seen += 1
            assert {"HR", MARKETING} <= labels, (key, name, labels)
            assert "Legal" not in labels
            n = next((c for c in ("n", "invited", "respondents") if c in frame.columns), None)
            if n is not None:
                rows = frame.reset_index()
                counted = rows[rows.astype(str).eq(MARKETING).any(axis=1)]
                assert (pd.to_numeric(counted[n]) >= 5).all(), (key, name)
    assert seen >= 10  # who answered, response rates, adherence, say-do, waves, eNPS, ...
    report = build_report(sample_run)
    charts = [f for f in report.figures if "Customer Service" in json.dumps(
        f.figure.to_plotly_json(), default=str)]
    assert len(charts) >= 8  # respondents, response rates, adherence, activism, heatmap, eNPS...
    for f in charts:
        text = json.dumps(f.figure.to_plotly_json(), default=str)
        assert "Legal" not in text
        assert re.search(r"\bHR\b", text) and MARKETING in text, f.title
    assert "Legal" not in json.dumps(sample_run.to_json(), default=str).replace(
        "respondent_id", "")  # the analyst's JSON holds ids, never the small group's name


def test_nothing_about_the_small_department_can_be_worked_out(sample_run) -> None:
    wb = sample_run.workbook
    tables = {t.sheet: t.frame for t in build_report(sample_run).tables}
    assert subtraction_attack(tables, minimum=5, attributes=wb.attributes,
                              people=wb.survey) == []
    assert complement_attack(tables, minimum=5, attributes=wb.attributes) == []
    assert audit(group_figures(sample_run.ran(), wb), wb, minimum=5) == []


def test_rounding_counts_alone_would_hide_nothing(sample_run) -> None:
    """Why counts of people are shown exact (docs/privacy.md): a mean and a share of whole
    answers over n people are fractions with denominator n, so the exact n comes back from
    the figures beside a rounded count. On the sample's adherence by group, n rounded to
    the nearest 5 is recovered exactly, for nearly every row, from the mean and the share."""
    from fractions import Fraction
    from math import lcm

    tables = [t.frame for t in build_report(sample_run).tables]
    frame = next(f for f in tables if {"grouping", "group", "item", "n", "mean", "share"}
                 <= set(f.columns))
    recovered = 0
    for row in frame.itertuples():
        step = lcm(Fraction(float(row.mean)).limit_denominator(1000).denominator,
                   Fraction(float(row.share)).limit_denominator(1000).denominator)
        rounded = 5 * round(row.n / 5)
        candidates = [m for m in range(rounded - 2, rounded + 3) if m > 0 and m % step == 0]
        assert row.n in candidates  # the exact count is always among them
        recovered += candidates == [row.n]
    assert len(frame) > 100 and recovered >= 0.95 * len(frame)
