"""Interactive ipywidgets panels for the notebooks (the only place that imports ipywidgets).

Each notebook calls one panel per cell; the panels call the library and draw with the same
figure code as the report.
"""

from .common import (
    FigureView,
    absent,
    absent_from,
    default_folder,
    error_box,
    guarded_callback,
    help_labels,
    mark_main,
    redraw,
    sample_folder,
    show_figure,
    start,
    with_help,
)

__all__ = ["absent", "absent_from", "FigureView", "default_folder", "error_box",
           "guarded_callback", "help_labels", "mark_main", "redraw", "sample_folder",
           "show_figure", "start", "with_help"]
