"""Settings of a data folder, read from its optional ``workbook.toml``."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ConfigError, Problem
from .inputs import LIMITS, UnsafeInput, has_control, read_input
from .privacy import new_pseudonym_key, small_groups_warning

__all__ = ["Config", "LADDER_LEVELS", "DEFAULT_LADDER", "read_config"]

#: The activism ladder, lowest rung first.
LADDER_LEVELS: tuple[str, ...] = ("spectator", "clicktivist", "contributor", "activist", "advocate")

#: Default mapping of engagement actions to ladder levels (override in ``[ladder]``).
DEFAULT_LADDER: Mapping[str, str] = MappingProxyType(
    {
        "view": "clicktivist",
        "open": "clicktivist",
        "read": "clicktivist",
        "like": "clicktivist",
        "react": "clicktivist",
        "reaction": "clicktivist",
        "sign": "clicktivist",
        "comment": "contributor",
        "share": "contributor",
        "post": "contributor",
        "suggest": "contributor",
        "attend": "activist",
        "act": "activist",
        "volunteer": "activist",
        "pilot": "activist",
        "lead": "advocate",
        "recruit": "advocate",
        "organise": "advocate",
        "organize": "advocate",
        "mentor": "advocate",
    }
)

_DEFAULT_LEADER_LEVELS: tuple[str, ...] = ()
_NAME = "workbook.toml"


@dataclass(frozen=True)
class Config:
    """Settings for one data folder.

    Attributes
    ----------
    organisation
        Name shown on reports.
    min_group_size
        No figure about a group with fewer respondents leaves the library (default 5).
    min_text_group_size
        Free text (story quotes) is shown only for groups at least this large (default 10).
    leader_levels
        Values of the ``level`` attribute that count as formal leadership, in addition to
        ``is_leader`` = 1.
    ladder
        Mapping of engagement action (lower case) to activism-ladder level.
    branding
        Report branding: ``primary`` and ``accent`` colours, ``logo`` path.
    grassroots_threshold
        Supporters an initiative needs to count as grassroots-backed in the tandem
        analysis; ``None``: the median of the initiatives' supporters.
    story_themes
        Number of story themes; ``None``: chosen from the data.
    smallest_effect
        The smallest change between waves that matters, for means and network figures, in
        standard deviations (Cohen's d, default 0.1); a smaller but detectable shift is
        reported as too small to matter.
    smallest_share_change
        The same for shares, as a share (default 0.03: 3 points).
    allow_small_groups
        Minimums below 3 (figures) or 5 (free text) were accepted explicitly (an option,
        never workbook.toml alone); every output then says so.
    withhold
        Group labels withheld whatever their size (set by the release check across tables).
    pseudonym_key
        The secret key of the pseudonyms: random for each load unless the analyst gives a
        key file (never shown, never written to an output).
    """

    organisation: str = "Organisation"
    min_group_size: int = 5
    min_text_group_size: int = 10
    leader_levels: tuple[str, ...] = _DEFAULT_LEADER_LEVELS
    ladder: Mapping[str, str] = field(default_factory=lambda: DEFAULT_LADDER)
    branding: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    grassroots_threshold: float | None = None
    story_themes: int | None = None
    smallest_effect: float = 0.1
    smallest_share_change: float = 0.03
    allow_small_groups: bool = False
    withhold: frozenset[str] = frozenset()
    pseudonym_key: bytes = field(default_factory=new_pseudonym_key, repr=False, compare=False)

    def with_options(self, *, min_group_size: int | None = None,
                     min_text_group_size: int | None = None,
                     allow_small_groups: bool | None = None,
                     pseudonym_key: bytes | None = None) -> Config:
        """Return a copy with command-line or notebook options applied."""
        changes: dict[str, Any] = {}
        if min_group_size is not None:
            if min_group_size < 1:
                raise ConfigError(
                    f"min_group_size must be a whole number of at least 1, got {min_group_size}."
                )
            changes["min_group_size"] = min_group_size
            changes["min_text_group_size"] = max(self.min_text_group_size, min_group_size)
        if min_text_group_size is not None:
            if min_text_group_size < 1:
                raise ConfigError("min_text_group_size must be a whole number of at least 1, "
                                  f"got {min_text_group_size}.")
            changes["min_text_group_size"] = max(min_text_group_size,
                                                 changes.get("min_group_size", self.min_group_size))
        if allow_small_groups is not None:
            changes["allow_small_groups"] = bool(allow_small_groups)
        if pseudonym_key is not None:
            changes["pseudonym_key"] = bytes(pseudonym_key)
        return replace(self, **changes) if changes else self

    @property
    def privacy_warning(self) -> str | None:
        """The warning every output carries when a minimum is below the safe one."""
        return small_groups_warning(self.min_group_size, self.min_text_group_size)


_SECTION = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")


def _key_line(text: str, key: str, section: str | None = None) -> int | None:
    """The line of ``key = ...`` in ``section`` (``None``: the top level), for the report."""
    current: str | None = None
    pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        heading = _SECTION.match(line)
        if heading:
            current = heading.group(1).strip().strip("\"'")
            continue
        if current == section and pattern.match(line):
            return number
    return None


class _Problems:
    """Problems of workbook.toml, each with the line of its key."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.list: list[Problem] = []

    def add(self, message: str, key: str, value: Any, section: str | None = None) -> None:
        column = key if section is None else f"{section}.{key}"
        self.list.append(Problem(_NAME, message, line=_key_line(self.text, key, section),
                                 column=column, value=str(value)))


def _as_int(data: Mapping[str, Any], key: str, default: int, problems: _Problems) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.add("expected a whole number of at least 1.", key, value)
        return default
    return value


def _too_deep() -> Problem:
    return Problem(_NAME, f"nests tables or lists more than {LIMITS.toml_depth} deep; the "
                          "settings need two levels at most (a [section] of `key = value` "
                          "lines). The settings were not read.")


def _unsafe_values(data: dict[str, Any], text: str) -> list[Problem]:
    """Nesting beyond the limit, or text holding control characters (walked without recursion)."""
    found: list[Problem] = []
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        key, value, depth = stack.pop()
        if depth > LIMITS.toml_depth:
            return [_too_deep()]
        children: list[tuple[str, Any]] = []
        if isinstance(value, dict):
            children = [(str(k), v) for k, v in value.items()]
            if any(has_control(k) for k, _ in children):
                found.append(Problem(_NAME, "a key holds a control character; delete it.",
                                     column=key or None))
        elif isinstance(value, list):
            children = [(f"{key}[{i}]", v) for i, v in enumerate(value)]
        elif isinstance(value, str) and has_control(value):
            section, _, leaf = key.rpartition(".")
            found.append(Problem(_NAME, "this setting holds a control character (shown as "
                                        "\\x..), which no report can show; delete it.",
                                 line=_key_line(text, leaf, section or None), column=key,
                                 value=value[:200]))
        for name, child in children:
            if isinstance(value, dict):
                name = f"{key}.{name}" if key else name
            stack.append((name, child, depth + 1))
    return found[:20]


def _as_share(data: Mapping[str, Any], key: str, default: float, upper: float,
              problems: _Problems, what: str) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < upper:
        problems.add(f"expected {what}.", key, value)
        return default
    return float(value)


def read_config(path: Path) -> tuple[Config, list[Problem]]:
    """Read ``workbook.toml`` at ``path`` (absent: defaults). Returns the config and its problems.

    Each problem names the key (``column``) and its line.
    """
    if not os.path.lexists(path):
        return Config(), []
    try:
        raw = read_input(path, limit=LIMITS.toml_bytes, folder=path.parent, what="settings file")
    except UnsafeInput as err:
        return Config(), [Problem(_NAME, f"{err} The settings were not read.")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return Config(), [Problem(_NAME, f"is not UTF-8 text (byte {err.start + 1} cannot be "
                                         "read). Save it as UTF-8.")]
    try:
        data = tomllib.loads(text)
    except RecursionError:
        return Config(), [_too_deep()]
    except tomllib.TOMLDecodeError as err:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        line = int(where.group(1)) if where else None
        lines = text.splitlines()
        shown = lines[line - 1].strip() if line and line <= len(lines) else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err)).strip()
        return Config(), [Problem(_NAME, f"is not valid TOML ({reason}). Write settings as "
                                         "`key = value`, text in quotes, e.g. "
                                         "`min_group_size = 5`.", line=line,
                                  value=shown[:200] if shown else None)]
    unsafe = _unsafe_values(data, text)
    if unsafe:
        return Config(), unsafe
    problems = _Problems(text)
    organisation = data.get("organisation", Config.organisation)
    if not isinstance(organisation, str) or not organisation.strip():
        problems.add("expected the organisation's name as text in quotes.", "organisation",
                     organisation)
        organisation = Config.organisation
    min_size = _as_int(data, "min_group_size", 5, problems)
    text_min = _as_int(data, "min_text_group_size", max(10, min_size), problems)
    levels_raw = data.get("leader_levels", [])
    if isinstance(levels_raw, str):
        levels_raw = [levels_raw]
    if not isinstance(levels_raw, list) or not all(isinstance(v, str) for v in levels_raw):
        problems.add("expected a list of level names, e.g. [\"Director\", \"Manager\"].",
                     "leader_levels", levels_raw)
        levels_raw = []
    ladder = dict(DEFAULT_LADDER)
    ladder_raw = data.get("ladder", {})
    if not isinstance(ladder_raw, dict):
        problems.add("expected a table mapping action to level ([ladder] with lines such as "
                     "`like = \"clicktivist\"`).", "ladder", ladder_raw)
        ladder_raw = {}
    for action, level in ladder_raw.items():
        if str(level) not in LADDER_LEVELS:
            problems.add(f"expected one of {', '.join(LADDER_LEVELS)}.", action, level,
                         section="ladder")
            continue
        ladder[str(action).strip().lower()] = str(level)
    branding_raw = data.get("branding", {})
    if not isinstance(branding_raw, dict):
        problems.add("expected a table ([branding] with `primary`, `accent`, `logo`).",
                     "branding", branding_raw)
        branding_raw = {}
    branding = {str(k): str(v) for k, v in branding_raw.items()}
    threshold = data.get("grassroots_threshold")
    if threshold is not None and (isinstance(threshold, bool)
                                  or not isinstance(threshold, int | float) or threshold < 0):
        problems.add("expected a number of supporters, 0 or more.", "grassroots_threshold",
                     threshold)
        threshold = None
    themes = _as_int(data, "story_themes", 0, problems) if "story_themes" in data else None
    effect = _as_share(data, "smallest_effect", Config.smallest_effect, 5.0, problems,
                       "a number of standard deviations above 0, e.g. 0.1")
    share = _as_share(data, "smallest_share_change", Config.smallest_share_change, 1.0,
                      problems, "a share above 0 and below 1, e.g. 0.03 for 3 points")
    config = Config(
        organisation=organisation,
        min_group_size=min_size,
        min_text_group_size=max(text_min, min_size),
        leader_levels=tuple(str(v) for v in levels_raw),
        ladder=MappingProxyType(ladder),
        branding=MappingProxyType(branding),
        grassroots_threshold=None if threshold is None else float(threshold),
        story_themes=themes or None,
        smallest_effect=effect,
        smallest_share_change=share,
    )
    return config, problems.list
