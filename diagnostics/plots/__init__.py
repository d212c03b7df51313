"""Figure builders (plotly); the notebooks and the report draw with these alone."""

from .theme import COLORS, apply_theme

__all__ = ["COLORS", "apply_theme"]
