"""Settings of a data folder, read from its optional ``workbook.toml``."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ConfigError, Problem

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
    """

    organisation: str = "Organisation"
    min_group_size: int = 5
    min_text_group_size: int = 10
    leader_levels: tuple[str, ...] = _DEFAULT_LEADER_LEVELS
    ladder: Mapping[str, str] = field(default_factory=lambda: DEFAULT_LADDER)
    branding: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    grassroots_threshold: float | None = None
    story_themes: int | None = None

    def with_options(self, *, min_group_size: int | None = None) -> Config:
        """Return a copy with command-line or notebook options applied."""
        if min_group_size is None:
            return self
        if min_group_size < 1:
            raise ConfigError(
                f"min_group_size must be a whole number of at least 1, got {min_group_size}."
            )
        return replace(
            self,
            min_group_size=min_group_size,
            min_text_group_size=max(self.min_text_group_size, min_group_size),
        )


def _as_int(data: Mapping[str, Any], key: str, default: int, problems: list[Problem]) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(
            Problem("workbook.toml", "expected a whole number of at least 1.", column=key,
                    value=str(value))
        )
        return default
    return value


def read_config(path: Path) -> tuple[Config, list[Problem]]:
    """Read ``workbook.toml`` at ``path`` (absent: defaults). Returns the config and its problems."""
    problems: list[Problem] = []
    if not path.exists():
        return Config(), problems
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        problems.append(Problem("workbook.toml", f"is not valid TOML: {err}."))
        return Config(), problems
    organisation = str(data.get("organisation", Config.organisation))
    min_size = _as_int(data, "min_group_size", 5, problems)
    text_min = _as_int(data, "min_text_group_size", max(10, min_size), problems)
    levels_raw = data.get("leader_levels", [])
    if isinstance(levels_raw, str):
        levels_raw = [levels_raw]
    if not isinstance(levels_raw, list):
        problems.append(Problem("workbook.toml", "expected a list of level names.",
                                column="leader_levels", value=str(levels_raw)))
        levels_raw = []
    ladder = dict(DEFAULT_LADDER)
    ladder_raw = data.get("ladder", {})
    if not isinstance(ladder_raw, dict):
        problems.append(Problem("workbook.toml", "expected a table mapping action to level.",
                                column="ladder", value=str(ladder_raw)))
        ladder_raw = {}
    for action, level in ladder_raw.items():
        if str(level) not in LADDER_LEVELS:
            problems.append(Problem(
                "workbook.toml", f"expected one of {', '.join(LADDER_LEVELS)}.",
                column=f"ladder.{action}", value=str(level)))
            continue
        ladder[str(action).strip().lower()] = str(level)
    branding_raw = data.get("branding", {})
    branding = {str(k): str(v) for k, v in branding_raw.items()} if isinstance(branding_raw, dict) else {}
    threshold = data.get("grassroots_threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int | float)
                                  or threshold < 0):
        problems.append(Problem("workbook.toml", "expected a number of supporters, 0 or more.",
                                column="grassroots_threshold", value=str(threshold)))
        threshold = None
    themes = _as_int(data, "story_themes", 0, problems) if "story_themes" in data else None
    config = Config(
        organisation=organisation,
        min_group_size=min_size,
        min_text_group_size=max(text_min, min_size),
        leader_levels=tuple(str(v) for v in levels_raw),
        ladder=MappingProxyType(ladder),
        branding=MappingProxyType(branding),
        grassroots_threshold=None if threshold is None else float(threshold),
        story_themes=themes or None,
    )
    return config, problems
