"""Culture diagnostic workbook: culture change measured as an internal social movement.

The public API in one screen. Load a data folder once (it is validated at the edge),
then call diagnostics on its tables; each returns an immutable result with
``.to_frame()``, ``.figure()`` and ``.to_json()``.
"""

from ._version import __version__ as __version__
from .activism import ActivismLadder, activism_ladder
from .behaviours import NonNegotiables, non_negotiables
from .config import Config
from .errors import (
    ConfigError,
    DataError,
    DiagnosticsError,
    InsufficientDataError,
    OutputError,
    Problem,
)
from .importing import ImportResult, import_export
from .indicators import MovementIndicators, movement_indicators
from .loading import ValidationReport, load, validate
from .network import (
    BackstageLeaders,
    HyperConnected,
    MovementSeeds,
    Network,
    NetworkChange,
    ReachToTop,
    Tribes,
    backstage_leaders,
    find_tribes,
    hyper_connected,
    movement_seeds,
    network_change,
    network_graph,
    reach_to_top,
)
from .participation import ResponseRates, response_rates
from .privacy import Guarded, PrivacyGuard, SuppressedGroup
from .reliability import Reliability, construct_reliability
from .report import build_report, write_report
from .results import DiagnosticResult, Finding, Skipped
from .runner import RunOptions, RunResults, run_all
from .segments import Segmentation, SegmentSearch, search_segments, segment_frames
from .stories import StoryThemes, story_themes
from .tandems import TandemAnalysis, tandem_analysis
from .waves import WaveComparison, wave_changes
from .workbook import Workbook, answered_enough

__all__ = [
    "ActivismLadder",
    "BackstageLeaders",
    "MovementIndicators",
    "StoryThemes",
    "TandemAnalysis",
    "activism_ladder",
    "movement_indicators",
    "story_themes",
    "tandem_analysis",
    "Config",
    "ConfigError",
    "DataError",
    "DiagnosticResult",
    "DiagnosticsError",
    "Finding",
    "Guarded",
    "HyperConnected",
    "InsufficientDataError",
    "MovementSeeds",
    "Network",
    "NetworkChange",
    "NonNegotiables",
    "OutputError",
    "PrivacyGuard",
    "Problem",
    "Reliability",
    "ReachToTop",
    "RunOptions",
    "RunResults",
    "SegmentSearch",
    "Segmentation",
    "Skipped",
    "SuppressedGroup",
    "Tribes",
    "ValidationReport",
    "WaveComparison",
    "Workbook",
    "answered_enough",
    "construct_reliability",
    "backstage_leaders",
    "find_tribes",
    "hyper_connected",
    "load",
    "movement_seeds",
    "network_change",
    "network_graph",
    "reach_to_top",
    "non_negotiables",
    "run_all",
    "search_segments",
    "segment_frames",
    "validate",
    "wave_changes",
    "build_report",
    "write_report",
    "ImportResult",
    "import_export",
    "ResponseRates",
    "response_rates",
]

