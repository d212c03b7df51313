"""Shared pieces of the notebook panels."""

from __future__ import annotations

import html
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from ..errors import DiagnosticsError
from ..loading import load
from ..workbook import Workbook

__all__ = ["sample_folder", "start", "error_box", "show_figure", "redraw", "guarded_callback"]


def sample_folder() -> Path:
    """The bundled sample organisation's data folder."""
    return Path(__file__).resolve().parents[2] / "data" / "sample"


def start(data: str | Path | None = None) -> Workbook:
    """Prepare a notebook: offline plotly, then load the data folder (default: the sample).

    Raises :class:`~diagnostics.DataError` with the validation report when the folder is
    not usable; the start notebook shows it as a list.
    """
    import plotly.offline

    plotly.offline.init_notebook_mode(connected=False)
    return load(data or sample_folder())


def error_box(err: BaseException) -> widgets.HTML:
    """An error shown in the page, not as a traceback: the message a person can act on."""
    if isinstance(err, DiagnosticsError):
        text = html.escape(str(err)).replace("\n", "<br>")
    else:
        text = ("Something unexpected went wrong; the details are below for the project's "
                "issue tracker.<pre>" + html.escape("".join(traceback.format_exception(err)))
                + "</pre>")
    return widgets.HTML(f"<div style='border-left:4px solid #c0392b;padding:6px 10px;"
                        f"background:#fdecea'>{text}</div>")


def show_figure(fig: go.Figure) -> go.FigureWidget:
    """A FigureWidget that later redraws in place."""
    return go.FigureWidget(fig)


def redraw(target: go.FigureWidget, new: go.Figure) -> None:
    """Replace the traces and layout of a shown FigureWidget with those of ``new``, in one update."""
    with target.batch_update():
        target.data = []
        target.add_traces(list(new.data))
        target.layout = new.layout


def guarded_callback(output: widgets.Output, render: Callable[[], Any]) -> Callable[[Any], None]:
    """Wrap a widget callback so errors show in ``output`` instead of being swallowed."""

    def callback(_change: Any = None) -> None:
        try:
            render()
        except Exception as err:  # shown in the page, never swallowed
            output.clear_output()
            with output:
                from IPython.display import display

                display(error_box(err))

    return callback
