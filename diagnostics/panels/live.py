"""A plotly figure that redraws in place: a small anywidget calling ``Plotly.react``.

The figure comes from ``diagnostics.plots`` as a ``go.Figure``; :class:`LiveFigure` sends it
to the page as JSON (one string trait) and the page updates the drawn plot in place with
``Plotly.react`` instead of drawing a new plot in place of the old one. plotly.js is the copy
bundled with the ``plotly`` package (offline, no CDN): the page uses ``window.Plotly`` when
it is there (``panels.start()`` puts it there), else asks the kernel for the bundle once per
page (a custom message with the file as a binary buffer, never stored in the notebook) and
every figure of the page shares it. The module the page loads per figure is a few lines, so
a figure never waits for a large module (``go.FigureWidget``'s 5 MB module is given two
seconds by anywidget, after which the figure stays blank on a busy machine).

Changes that arrive while the page draws are merged: only the newest figure is drawn. The
plot element carries ``__cdwReceived`` (when the last figure arrived) and ``__cdwDrawn``
(when it was drawn; both ``performance.now()``), which the latency benchmark reads.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import anywidget
import plotly.graph_objects as go
import traitlets

__all__ = ["LiveFigure", "plotly_bundle"]

#: The page side: load plotly.js once per page, draw with Plotly.react on every change.
_ESM = r"""
// sizes follow the element (a ResizeObserver below), not the window
const CONFIG = {displaylogo: false};

function plotlyReady(model) {
  if (window.Plotly && window.Plotly.react) return Promise.resolve(window.Plotly);
  if (!window.__cdwPlotlyLoading) {
    window.__cdwPlotlyLoading = new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error("plotly.js did not arrive from the kernel")),
                               120000);
      const fail = (err) => {
        clearTimeout(timer);
        model.off("msg:custom", onMessage);
        window.__cdwPlotlyLoading = null;  // the next figure asks again
        reject(err);
      };
      const onMessage = (msg, buffers) => {
        if (!msg || msg.type !== "plotly-bundle") return;
        clearTimeout(timer);
        model.off("msg:custom", onMessage);
        if (window.Plotly && window.Plotly.react) { resolve(window.Plotly); return; }
        const url = URL.createObjectURL(new Blob([buffers[0]], {type: "text/javascript"}));
        const script = document.createElement("script");
        script.src = url;
        script.onload = () => { URL.revokeObjectURL(url); resolve(window.Plotly); };
        script.onerror = () => fail(new Error("plotly.js could not be loaded"));
        document.head.appendChild(script);
      };
      model.on("msg:custom", onMessage);
      model.send({type: "plotly-bundle"});
    });
  }
  return window.__cdwPlotlyLoading;
}

async function render({model, el}) {
  // as wide as its place: the whole width in a column, an equal share beside other figures
  el.style.width = "100%";
  el.style.flex = "0 0 auto";
  el.style.minWidth = "0";
  const gd = document.createElement("div");
  gd.style.width = "100%";
  el.appendChild(gd);
  let Plotly;
  try {
    Plotly = await plotlyReady(model);
  } catch (err) {
    el.textContent = "The figure could not be drawn: " + err.message;
    return;
  }
  let drawing = false, again = false, width = 0;
  const draw = async () => {
    gd.__cdwReceived = performance.now();
    if (drawing) { again = true; return; }
    drawing = true;
    try {
      do {
        again = false;
        const spec = JSON.parse(model.get("_spec") || "{}");
        const layout = spec.layout || {};
        // an explicit height: plotly sizes an autosized plot from its element, which has none
        gd.style.height = (layout.height || 450) + "px";
        await Plotly.react(gd, spec.data || [], layout, CONFIG);
        gd.__cdwDrawn = performance.now();
      } while (again);
    } finally {
      drawing = false;
    }
  };
  model.on("change:_spec", draw);
  let row = null;
  const observer = new ResizeObserver(() => {
    const parent = el.parentElement;
    if (row === null && parent) {  // beside other figures (an HBox): an equal share of the page
      row = parent.classList.contains("widget-hbox") && parent.parentElement;
      if (row) observer.observe(row);
    }
    if (row) {
      const share = Math.floor(row.clientWidth / Math.max(1, el.parentElement.children.length));
      if (share > 0) el.style.width = share + "px";
    }
    const now = el.clientWidth;
    if (now && now !== width && gd._fullLayout) {
      width = now;
      Plotly.Plots.resize(gd);
    }
  });
  observer.observe(el);
  await draw();
  return () => {
    model.off("change:_spec", draw);
    observer.disconnect();
    Plotly.purge(gd);
  };
}

export default { render };
"""


@functools.cache
def plotly_bundle() -> bytes:
    """plotly.js as bundled with the ``plotly`` package (read once)."""
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()


class LiveFigure(anywidget.AnyWidget):  # type: ignore[misc]
    """A plotly figure in the page that redraws in place: ``view.show(fig)``.

    Attributes
    ----------
    figure
        The ``go.Figure`` shown now (``view.data`` is its traces).

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> view = LiveFigure(go.Figure(go.Bar(x=["a"], y=[1])))
    >>> view.show(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])))
    >>> list(view.data[0].x)
    ['a', 'b']
    >>> view.spec["data"][0]["x"]
    ['a', 'b']
    """

    _esm = _ESM
    #: The figure as plotly JSON (one string: parsed once in the page).
    _spec = traitlets.Unicode("").tag(sync=True)

    def __init__(self, fig: go.Figure | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.figure: go.Figure = go.Figure()
        self.on_msg(self._on_message)
        if fig is not None:
            self.show(fig)

    @property
    def data(self) -> tuple[Any, ...]:
        """The traces shown now."""
        return tuple(self.figure.data)

    @property
    def spec(self) -> dict[str, Any]:
        """What the page draws: the figure's ``data`` and ``layout`` as plain JSON."""
        return dict(json.loads(self._spec)) if self._spec else {"data": [], "layout": {}}

    def show(self, fig: go.Figure) -> None:
        """Draw ``fig`` in place of what is shown (one update of the page)."""
        import plotly.io as pio

        self.figure = fig
        self._spec = pio.to_json(fig, validate=False, remove_uids=False)

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "plotly-bundle":
            self.send({"type": "plotly-bundle"}, buffers=[plotly_bundle()])
