"""Culture diagnostic workbook: culture change measured as an internal social movement.

The public API in one screen. Load a data folder once (it is validated at the edge),
then call diagnostics on its tables; each returns an immutable result with
``.to_frame()``, ``.figure()`` and ``.to_json()``.
"""

from .config import Config
from .errors import (
    ConfigError,
    DataError,
    DiagnosticsError,
    InsufficientDataError,
    OutputError,
    Problem,
)
from .loading import ValidationReport, load, validate
from .privacy import Guarded, PrivacyGuard, SuppressedGroup
from .results import DiagnosticResult, Finding, Skipped
from .runner import RunOptions, RunResults, run_all
from .workbook import Workbook, answered_enough

__all__ = [
    "Config",
    "ConfigError",
    "DataError",
    "DiagnosticResult",
    "DiagnosticsError",
    "Finding",
    "Guarded",
    "InsufficientDataError",
    "OutputError",
    "PrivacyGuard",
    "Problem",
    "RunOptions",
    "RunResults",
    "Skipped",
    "SuppressedGroup",
    "ValidationReport",
    "Workbook",
    "answered_enough",
    "load",
    "run_all",
    "validate",
]

__version__ = "0.1.0"
