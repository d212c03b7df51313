"""What a layout module says about an export: its columns, their roles, where data begin."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Column", "Layout", "common_question", "code_names"]

#: Roles a column can have. ``answer``: a question's answers (the drafting decides whether it
#: is an item, an attribute or a comment); ``text``: open text by the tool's own marking;
#: ``metadata``: dropped (dates, addresses, names, e-mail); ``id``: the respondent's id;
#: ``finished`` / ``progress`` / ``status`` / ``completed``: the response status;
#: ``manager``: the manager's id; ``sensitive``: a comment's sensitive flag (of
#: ``comment_of``); ``topics``: a tool's comment topics (dropped).
ROLES = ("answer", "text", "metadata", "id", "finished", "progress", "status", "completed",
         "manager", "sensitive", "topics")


@dataclass
class Column:
    """One column of an export."""

    index: int
    name: str
    question: str
    statement: str = ""
    group: str = ""
    role: str = "answer"
    comment_of: str = ""


@dataclass
class Layout:
    """An export as a layout module read it."""

    name: str
    columns: list[Column]
    first_row: int
    notes: list[str] = field(default_factory=list)
    #: Whether answer columns may hold the survey tool's negative not-applicable codes.
    negative_missing: bool = False
    #: The layout's own scale for numeric answers (Viva Glint: 1-5 agreement), if any.
    numeric_ladder: str = ""


def header_columns(header: list[str], roles: dict[str, tuple[str, str]]) -> list[Column]:
    """One column per non-empty cell of a one-row header, its role set from ``roles``.

    ``roles`` maps a header text in lower case to its role and name (an empty name keeps the
    header text); the other columns stay answers, named later by :func:`code_names`.

    Examples
    --------
    >>> [(c.index, c.role, c.name) for c in header_columns(["ID", "", "Q1"], {"id": ("id", "")})]
    [(0, 'id', 'ID'), (2, 'answer', '')]
    """
    columns = []
    for i, text in enumerate(header):
        if not text:
            continue
        column = Column(i, "", text)
        role = roles.get(text.lower())
        if role is not None:
            column.role, column.name = role[0], role[1] or text
        columns.append(column)
    return columns


def common_question(texts: list[str]) -> tuple[str, list[str]]:
    """Split the texts of a matrix's columns into the question and each statement.

    The question is the longest common start, cut back to its last ``-`` separator.

    Examples
    --------
    >>> common_question(["Rate us-Speed", "Rate us-Price"])
    ('Rate us', ['Speed', 'Price'])
    >>> common_question(["Rate us - Speed", "Rate us - Price"])
    ('Rate us', ['Speed', 'Price'])
    """
    if len(texts) < 2:
        return (texts[0] if texts else ""), [""] * len(texts)
    prefix = texts[0]
    for text in texts[1:]:
        while not text.startswith(prefix):
            prefix = prefix[:-1]
    cut = prefix.rfind("-")
    if cut <= 0:
        return prefix.strip() or texts[0], [t[len(prefix):].strip() or t for t in texts]
    question = prefix[:cut].rstrip(" -")
    return question, [t[cut + 1:].strip(" -") or t for t in texts]


def code_names(columns: list[Column]) -> None:
    """Give columns without a usable code ``q01``, ``q02_1``, ... (one number per question)."""
    number = 0
    seen: dict[str, int] = {}
    for column in columns:
        if column.role in ("metadata", "id", "topics") or column.name:
            continue
        key = column.group or f"#{column.index}"
        if key not in seen:
            number += 1
            seen[key] = number
        column.name = f"q{seen[key]:02d}"
    by_group: dict[str, list[Column]] = {}
    for column in columns:
        if re.fullmatch(r"q\d+", column.name) and column.group:
            by_group.setdefault(column.group, []).append(column)
    for members in by_group.values():
        if len(members) > 1:
            for k, column in enumerate(members, 1):
                column.name = f"{column.name}_{k}"
