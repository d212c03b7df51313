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

The figure's layout template (the workbook's, about 7 kB of JSON) is sent once per view, not
with every figure: a figure that has it says so (``"template": "shared"``) and the page puts
the template, parsed once, back into the layout it draws. The rest of the figure is encoded
from its properties as they are (no deep copy), as ``plotly.io.to_json`` encodes them.

Changes that arrive while the page draws are merged: only the newest figure is drawn. The
plot element carries ``__cdwReceived`` (when the last figure arrived) and ``__cdwDrawn``
(when it was drawn; both ``performance.now()``), which the latency benchmark reads.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import anywidget
import plotly.graph_objects as go
import traitlets
from _plotly_utils.utils import convert_to_base64

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
  let drawing = false, again = false, width = 0, templateText = null, template = null;
  const sharedTemplate = () => {
    const text = model.get("_template") || "";
    if (text !== templateText) {  // parsed once per change: the same object on every redraw
      templateText = text;
      template = text ? JSON.parse(text) : null;
    }
    return template;
  };
  const draw = async () => {
    gd.__cdwReceived = performance.now();
    if (drawing) { again = true; return; }
    drawing = true;
    try {
      do {
        again = false;
        const spec = JSON.parse(model.get("_spec") || "{}");
        const layout = spec.layout || {};
        if (spec.template === "shared") layout.template = sharedTemplate();
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
    #: The figure as plotly JSON (one string: parsed once in the page), without the template
    #: when it is the shared one (``"template": "shared"``).
    _spec = traitlets.Unicode("").tag(sync=True)
    #: The layout template of the figures, as plotly JSON: sent again only when it changes.
    _template = traitlets.Unicode("").tag(sync=True)

    def __init__(self, fig: go.Figure | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.figure: go.Figure = go.Figure()
        self._template_sent: Any = None
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
        if not self._spec:
            return {"data": [], "layout": {}}
        spec = dict(json.loads(self._spec))
        if spec.pop("template", None) == "shared":
            spec["layout"]["template"] = json.loads(self._template)
        return spec

    def show(self, fig: go.Figure) -> None:
        """Draw ``fig`` in place of what is shown (one update of the page)."""
        import plotly.io as pio

        self.figure = fig
        found = _properties(fig)
        if found is None:  # not a plotly figure as this module knows them: plotly encodes it
            self._spec = pio.to_json(fig, validate=False, remove_uids=False)
            return
        data, layout = found
        spec: dict[str, Any] = {"data": data, "layout": layout}
        template = layout.pop("template", None)
        with self.hold_sync():  # template and figure reach the page in one message
            if template is not None:
                if template != self._template_sent:
                    self._template = pio.json.to_json_plotly(template)
                    self._template_sent = copy.deepcopy(template)
                spec["template"] = "shared"
            convert_to_base64(spec)  # numeric arrays as plotly encodes them (typed, base64)
            self._spec = pio.json.to_json_plotly(spec)

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "plotly-bundle":
            self.send({"type": "plotly-bundle"}, buffers=[plotly_bundle()])


def _copied(value: Any) -> Any:
    """``value`` with its dicts and lists copied (the arrays in them are not)."""
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copied(v) for v in value]
    return value


def _properties(fig: Any) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """A figure's traces and layout as plotly JSON (None: not a figure this module knows).

    Read from the properties plotly keeps (``_props``: what ``to_plotly_json`` deep-copies),
    copied down to the arrays, so that encoding never changes the figure.
    """
    layout = getattr(getattr(fig, "layout", None), "_props", None)
    traces = [getattr(t, "_props", None) for t in getattr(fig, "data", ())]
    if not isinstance(layout, dict) or not all(isinstance(t, dict) for t in traces):
        return None
    return [_copied(t) for t in traces], _copied(layout)
