"""The exceptions the workbook raises: a small hierarchy with messages a person can act on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .inputs import printable
from .words import count

__all__ = [
    "DiagnosticsError",
    "DataError",
    "ConfigError",
    "InsufficientDataError",
    "OutputError",
    "Problem",
]

#: How many problems a message lists before it gives a count of the rest.
SCREENFUL = 40


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with its place and what was expected.

    Parameters
    ----------
    file
        File name inside the data folder (for example ``survey.csv``).
    message
        What is wrong and how to fix it, in words a non-programmer can act on.
    line
        1-based line number in the file as a spreadsheet or text editor shows it
        (the header is line 1), or ``None`` when the problem is about the whole file.
    column
        Column name, or ``None``.
    value
        The offending value as text, or ``None``.
    severity
        ``"error"`` (the folder cannot be used) or ``"warning"`` (the data are used
        after the stated repair, for example dropping a self-tie).
    """

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "error"

    def place(self) -> str:
        """Return ``file line N, column `c```, as much of it as is known (``row N`` in Excel)."""
        parts = [printable(self.file)]
        if self.line is not None:
            parts.append(f"{'row' if self.file.lower().endswith('.xlsx') else 'line'} {self.line}")
        where = " ".join(parts)
        if self.column is not None:
            where += f", column `{printable(self.column)}`"
        return where

    def __str__(self) -> str:
        text = f"{self.place()}: "
        if self.value == "":
            text += "empty cell: "
        elif self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            text += f"value `{printable(shown)}`: "
        return text + printable(self.message)


def format_problems(problems: Sequence[Problem], limit: int = SCREENFUL) -> str:
    """Format problems as a numbered list of at most ``limit`` lines plus a count of the rest."""
    lines = [f"{i}. {p}" for i, p in enumerate(problems[:limit], start=1)]
    if len(problems) > limit:
        lines.append(f"... and {count(len(problems) - limit, 'more problem')} of the same kinds.")
    return "\n".join(lines)


class DiagnosticsError(Exception):
    """Base class of every error the workbook raises on purpose."""

    def _render_traceback_(self) -> list[str]:
        """In a notebook, show the message a person can act on instead of a traceback."""
        return [f"\x1b[1;31m{type(self).__name__}\x1b[0m: {self}"]


class DataError(DiagnosticsError):
    """The data folder cannot be used as it is.

    Carries every problem found in one pass in :attr:`problems`.
    """

    def __init__(self, problems: Iterable[Problem], *, folder: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.folder = folder
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"The data folder {folder!s} has " if folder else "The data have "
        head += f"{count(len(errors), 'problem')} to fix before it can be used:"
        super().__init__(head + "\n" + format_problems(errors or list(self.problems)))


class ConfigError(DiagnosticsError):
    """An option or a workbook.toml setting is not valid."""


class InsufficientDataError(DiagnosticsError):
    """The data are valid but too few for this diagnostic (it is then skipped with this reason)."""


class OutputError(DiagnosticsError):
    """An output could not be written (nothing partial is left behind)."""
