"""Shared pieces of the notebook panels."""

from __future__ import annotations

import functools
import html
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import ipywidgets as widgets
import plotly.graph_objects as go

from ..errors import DataError, DiagnosticsError, InsufficientDataError
from ..loading import ValidationReport, validate
from ..workbook import Workbook
from .live import LiveFigure
from .opening import opening

__all__ = ["sample_folder", "default_folder", "start", "error_box", "show_error", "FigureView", "side_by_side",
           "show_figure", "redraw", "guarded_callback", "mark_main", "help_labels",
           "with_help", "absent", "absent_from"]


def sample_folder() -> Path:
    """The bundled sample organisation's data folder."""
    return Path(__file__).resolve().parents[2] / "data" / "sample"


#: Environment variable naming the data folder the notebooks open (default: the sample).
DATA_ENV = "CULTURE_DIAGNOSTICS_DATA"


def default_folder() -> Path:
    """The data folder the notebooks open: ``$CULTURE_DIAGNOSTICS_DATA``, else the sample.

    Examples
    --------
    >>> default_folder().name
    'sample'
    """
    return Path(os.environ[DATA_ENV]).expanduser() if os.environ.get(DATA_ENV) else sample_folder()


def start(data: str | Path | None = None) -> Workbook:
    """Prepare a notebook: offline plotly, then load the data folder.

    The default folder is ``$CULTURE_DIAGNOSTICS_DATA`` when set (``CULTURE_DIAGNOSTICS_DATA=
    /path/to/folder make lab`` opens every notebook on that folder), else the bundled sample.
    Raises :class:`~diagnostics.DataError` with the validation report when the folder is
    not usable; the start notebook shows it as a list.
    """
    import plotly.offline

    plotly.offline.init_notebook_mode(connected=False)
    folder = Path(data or default_folder())
    report = checked(folder)
    if not report.ok or report.workbook is None:
        raise DataError(report.problems, folder=str(folder))
    return report.workbook


#: The last folder the notebooks checked: its files' fingerprint and the validation report.
_CHECKED: dict[Path, tuple[tuple[tuple[str, int, int], ...], ValidationReport]] = {}


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    found = []
    for entry in sorted(folder.iterdir()):
        stat = entry.stat()
        found.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def checked(folder: str | Path) -> ValidationReport:
    """``validate(folder)``, read once while no file of the folder changes.

    The start cell and the validation panel check the same folder: at 100,000 people reading
    it takes seconds, so the second asks again only when a file was added, removed or changed
    (name, size or modification time). Only the last folder is kept.

    Examples
    --------
    >>> checked("data/sample") is checked("data/sample")
    True
    """
    path = Path(folder).expanduser()
    try:
        key, fingerprint = path.resolve(), _fingerprint(path)
    except OSError:  # not a folder (or unreadable): validate says so in its words
        return validate(path)
    kept = _CHECKED.get(key)
    if kept is not None and kept[0] == fingerprint:
        return kept[1]
    report = validate(path)
    _CHECKED.clear()
    _CHECKED[key] = (fingerprint, report)
    return report


def _error_html(err: BaseException) -> str:
    if isinstance(err, DiagnosticsError):
        text = html.escape(str(err)).replace("\n", "<br>")
    else:
        text = ("Something unexpected went wrong; the details are below for the project's "
                "issue tracker.<pre>" + html.escape("".join(traceback.format_exception(err)))
                + "</pre>")
    return (f"<div class='cdw-error' style='border-left:4px solid #c0392b;padding:6px 10px;"
            f"background:#fdecea'>{text}</div>")


#: How a panel without enough data starts its message.
_NEEDS = "Not enough data for this panel: "


def absent(reason: str) -> widgets.VBox:
    """A panel whose data are absent: it says in plain words what it needs.

    The box carries ``result = None`` and ``absent`` (the reason), so that a panel built on
    it (:func:`absent_from`) can say the same instead of failing.
    """
    box = widgets.VBox([widgets.HTML(
        f"<div class='cdw-absent' style='border-left:4px solid #999;padding:6px 10px;"
        f"background:#f4f4f4'><i>{html.escape(reason)}</i></div>")])
    box.add_class("cdw-absent")
    box.result = None  # type: ignore[attr-defined]
    box.absent = reason  # type: ignore[attr-defined]
    return box


def absent_from(panel: Any) -> widgets.VBox | None:
    """``absent(...)`` with the same reason when ``panel`` is a panel without data, else None."""
    if isinstance(panel, widgets.Box) and hasattr(panel, "result") and panel.result is None:
        return absent(getattr(panel, "absent", None) or "This needs the panel above, which "
                      "has no result for these data.")
    return None


def error_box(err: BaseException) -> widgets.HTML:
    """An error shown in the page, not as a traceback: the message a person can act on."""
    box = widgets.HTML(_error_html(err))
    box.add_class("cdw-error")
    return box


def show_error(output: widgets.Output, err: BaseException) -> None:
    """Show ``err`` in ``output`` (replacing what it showed) as an error box."""
    output.outputs = ({"output_type": "display_data", "metadata": {},
                       "data": {"text/html": _error_html(err),
                                "text/plain": f"{type(err).__name__}: {err}"}},)


#: A plotly figure that redraws in place (``Plotly.react`` behind a small anywidget; see
#: :mod:`diagnostics.panels.live`): ``view.show(fig)``, ``view.figure``, ``view.data``.
FigureView = LiveFigure


def side_by_side(*views: widgets.Widget) -> widgets.HBox:
    """Figures in one row, sharing its width equally.

    Without this each figure takes plotly's default 700 pixels and two of them ran past a
    1,400-pixel window (the weakest links in ``02_non_negotiables`` were cut off).

    Examples
    --------
    >>> row = side_by_side(show_figure(), show_figure())
    >>> [c.layout.flex for c in row.children], row.layout.width
    (['1 1 0%', '1 1 0%'], '100%')
    """
    for view in views:
        view.layout.flex = "1 1 0%"
        view.layout.min_width = "0"
    return widgets.HBox(list(views), layout=widgets.Layout(width="100%"))


def show_figure(fig: go.Figure | None = None) -> FigureView:
    """A figure view that later redraws in place with :func:`redraw`."""
    return FigureView(fig)


def redraw(target: FigureView | go.FigureWidget, new: go.Figure) -> None:
    """Replace what a shown figure draws with ``new``, in one update."""
    if isinstance(target, FigureView):
        target.show(new)
        return
    with target.batch_update():
        target.data = []
        target.add_traces(list(new.data))
        target.layout = new.layout


def mark_main(box: widgets.Box, control: widgets.Widget,
              fig: FigureView | go.FigureWidget) -> widgets.Box:
    """Mark a notebook's main panel: ``control`` drives ``fig`` (for the browser test and benchmark).

    Adds the CSS classes ``cdw-main-control`` and ``cdw-main-figure`` and sets
    ``box.main_control`` and ``box.main_figure``; returns ``box``.
    """
    control.add_class("cdw-main-control")
    fig.add_class("cdw-main-figure")
    box.main_control = control  # type: ignore[attr-defined]
    box.main_figure = fig  # type: ignore[attr-defined]
    return box


def help_labels(widget: widgets.Widget) -> widgets.Widget:
    """Make the tooltips of ``widget``'s controls (and its children's) show on their labels.

    ipywidgets 8 drops the ``tooltip`` of a dropdown or text box that has a description; this
    puts it on the label as hover text. Returns ``widget``.

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> d = help_labels(widgets.Dropdown(options=["a"], description="Item", tooltip="Pick one"))
    >>> d.description
    "<span title='Pick one'>Item</span>"
    """
    todo = [widget]
    while todo:
        w = todo.pop()
        todo.extend(getattr(w, "children", ()))
        tip, label = getattr(w, "tooltip", None), getattr(w, "description", "")
        if tip and label and not getattr(w, "description_allow_html", True):
            w.description = (f"<span title='{html.escape(tip, quote=True)}'>"
                             f"{html.escape(label)}</span>")
            w.description_allow_html = True
    return widget


_Panel = TypeVar("_Panel", bound=Callable[..., Any])


def privacy_banner(box: Any, *sources: Any) -> Any:
    """Put the reduced-confidentiality warning on top of a panel when a minimum group size
    is below the safe one (``--allow-small-groups``); ``sources`` are the panel's arguments
    (a workbook, or a run's results). Returns ``box``.

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> from diagnostics import load
    >>> wb = load("data/sample", min_group_size=1, allow_small_groups=True)
    >>> box = privacy_banner(widgets.VBox([widgets.Label("panel")]), wb)
    >>> "Confidentiality reduced" in box.children[0].value
    True
    >>> len(privacy_banner(widgets.VBox([widgets.Label("panel")]), load("data/sample")).children)
    1
    """
    warning = None
    for source in sources:
        config = getattr(source, "config", None) or getattr(
            getattr(source, "workbook", None), "config", None)
        warning = getattr(config, "privacy_warning", None)
        if warning:
            break
    if warning and isinstance(box, widgets.Box):
        banner = widgets.HTML(f"<div style='border-left:4px solid #C00000;padding:4px 8px;"
                              f"color:#C00000'><b>{html.escape(warning)}</b></div>")
        banner.add_class("cdw-privacy-warning")
        box.children = (banner, *box.children)
    return box


def with_help(panel: _Panel) -> _Panel:
    """Decorate a panel function so that its controls' tooltips show (:func:`help_labels`).

    A panel whose data are too few or absent (``InsufficientDataError``) shows what it
    needs (:func:`absent`) instead of raising; a panel given the box of such a panel says
    the same (:func:`absent_from`).

    While it opens, the cell shows a progress bar and the seconds so far
    (:func:`~diagnostics.panels.opening.opening`; in a notebook kernel only); a panel may
    report its steps with :func:`~diagnostics.panels.opening.step`.

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> @with_help
    ... def panel() -> widgets.VBox:
    ...     return widgets.VBox([widgets.Dropdown(options=["a"], description="Item",
    ...                                           tooltip="Pick one")])
    >>> panel().children[0].description
    "<span title='Pick one'>Item</span>"
    """

    @functools.wraps(panel)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if args:
            empty = absent_from(args[0])
            if empty is not None:
                return empty
        what = "the " + panel.__name__.removesuffix("_panel").replace("_", " ") + " panel"
        try:
            with opening(what):
                built = panel(*args, **kwargs)
            return privacy_banner(help_labels(built), *args, *kwargs.values())
        except InsufficientDataError as err:
            return absent(f"{_NEEDS}{err}.".replace("..", "."))

    return wrapper  # type: ignore[return-value]


def guarded_callback(output: widgets.Output, render: Callable[[], Any]) -> Callable[..., None]:
    """Wrap a widget callback so errors show in ``output`` instead of being swallowed.

    An error shown by an earlier call disappears when ``render`` succeeds again.
    """

    def callback(_change: Any = None) -> None:
        try:
            render()
        except Exception as err:  # shown in the page, never swallowed
            show_error(output, err)
        else:
            if any("cdw-error" in str(o.get("data", {}).get("text/html", ""))
                   for o in output.outputs):
                output.outputs = ()

    return callback
