"""The training page: one self-contained HTML file to watch a network learn, frame by frame.

``python -m demos.moons --html PATH`` and ``python -m demos.digits --html PATH``
record a frame every few steps or epochs and hand the frames to
:func:`write_page`.  The page works offline (no network fetch: CSS, script,
charts and pictures are all inside it; pictures are PNGs in ``data:`` URIs
made with matplotlib) and has:

* the loss and accuracy curves, and each layer's mean |∂L/∂w| over training
  (log scale), with a cursor at the frame shown;
* the demo's own panels (for moons the decision boundary and each hidden
  neuron's level set; for digits a confusion matrix and the worst-classified
  images), swapped frame by frame;
* a timeline to scrub (a range input, the arrow keys) and play/pause;
* saturated sigmoid/tanh units and dead ReLUs marked on the neuron panels;
* a click on a data point opens its computation graph at that frame, in the
  neuron view of :mod:`autograd.draw`, with the values of that point.

Graphs are heavy (a 2-16-16-1 network's drawing is about 250 kB of SVG), so
a frame stores its drawing once as a template, and for each point only the
texts and colours that differ from it; the page fills the template in when
a point is clicked.  Positions come from the template's layout, so a number
a little wider than the template's may run close to its box's edge.

Frames are plain data (:class:`Frame`): what the page changes when it shows
a frame is a list of ``(element id, attribute, value)`` settings.
"""

import base64
import concurrent.futures
import html
import io
import json
import math
import os
import re
from collections import namedtuple

from autograd.files import write_atomically

from ._common import require

__all__ = ["Frame", "Chart", "GraphSet", "png_data_uri", "graph_set", "filled", "line_chart",
           "write_page"]

Frame = namedtuple("Frame", "label settings graphs")
Frame.__doc__ = """One recorded moment of training.

``label``: str shown beside the timeline (e.g. "step 20: loss 0.31, accuracy 92%");
``settings``: list of (element id, attribute, value) triples the page applies
to show this frame (attribute ``"text"`` sets the text, others are set with
``setAttribute``: ``href`` for an SVG image, ``class``, ``style``, ``x1``...);
``graphs``: a :class:`GraphSet` for the clickable points, or None."""

GraphSet = namedtuple("GraphSet", "templates strings values")
GraphSet.__doc__ = """A frame's computation graphs in compact form.

``templates``: list of SVG texts with each varying text or attribute set
replaced by a slot marker, one per distinct structure of drawing (points
whose drawings have the same elements share one); ``strings``: every
distinct string a slot takes in this frame, once; ``values``: dict point key
-> [template index, list of indexes into ``strings``, one per slot]."""

Chart = namedtuple("Chart", "svg cursor_id x_of")
Chart.__doc__ = """An inline SVG line chart: its ``svg`` text, the id of its cursor line,
and ``x_of(x)``, the horizontal position of a data x in the chart."""

# Attributes that place things: kept from the template's layout, never slots.
_GEOMETRY = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "points", "d",
             "transform", "width", "height", "viewBox", "font-size", "stroke-width"}
_TOOLTIPS = {"xlink:title", "title"}
_NAMES = {"id"}
_BLACK_TEXT = re.compile(r'<text((?:(?!\sfill=)[^>])*)>')
_SLOT = "\u0000"


def png_data_uri(rgb_rows):
    """A ``data:image/png;base64,...`` URI of an image given as rows of (r, g, b) floats in [0, 1].

    Args:
        rgb_rows: a NumPy array of shape (height, width, 3), or nested lists of that shape.

    Returns:
        str.
    """
    np = require("numpy", "the training page's pictures")
    image = require("matplotlib.image", "the training page's pictures")
    buffer = io.BytesIO()
    image.imsave(buffer, np.clip(np.asarray(rgb_rows, dtype=float), 0.0, 1.0), format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _render_many(sources):
    """Lay out DOT graphs with Graphviz's dot, one run each, two at a time; return their SVG texts.

    One run per graph: dot can lay out several graphs in one run, but then
    numbers the clusters of the later ones differently, and equal graphs
    would no longer give equal drawings.  Layout, not starting dot, is the
    cost, so nothing is lost.
    """
    graphviz = require("graphviz", "drawing the computation graphs")

    def render(source):
        svg = graphviz.pipe("dot", "svg", source.encode("utf-8")).decode("utf-8")
        # Keep only the <svg> element: the XML declaration and DOCTYPE cannot sit inside
        # HTML.  dot leaves out the fill of black text; writing it in gives a white-on-dark
        # cell and a black-on-light one the same markup, so more points share a template.
        return _BLACK_TEXT.sub(r'<text\1 fill="black">', svg[svg.index("<svg"):])

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(render, sources))


_PART = re.compile(r"(<[^>]*>)")
_ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')
_TAG = re.compile(r"<(/?[\w:-]+)(.*?)(/?)>", re.DOTALL)


def _parts(svg):
    """An SVG as a list of parts: ("tag", name, attributes as (name, value) pairs, closing) or
    ("text", text).  Comments are dropped."""
    parts = []
    for piece in _PART.split(svg):
        if not piece:
            continue
        if piece.startswith("<!--"):
            continue
        if piece.startswith("<"):
            name, attributes, closing = _TAG.fullmatch(piece).groups()
            parts.append(("tag", name, tuple(_ATTRIBUTE.findall(attributes)), closing))
        else:
            parts.append(("text", piece))
    return parts


def _structure(parts):
    """What must match for drawings to share a template: the elements in order, and what names
    them (ids, and the <title> text that holds each node's name), so that the
    template's positions belong to the same node, edge and cluster as the point's texts."""
    shape = []
    for index, part in enumerate(parts):
        if part[0] == "tag":
            shape.append((part[1], tuple((k, v) for k, v in part[2] if k in _NAMES), part[3]))
        elif index > 0 and parts[index - 1][0] == "tag" and parts[index - 1][1] == "title":
            shape.append(("title", part[1]))
        else:
            shape.append("text")
    return tuple(shape)


def graph_set(sources):
    """Render the DOT sources of one frame's points and pack them as a :class:`GraphSet`.

    Args:
        sources: dict point key -> DOT source (e.g. from ``draw.dot_source(loss, view="neurons")``),
            all of the same network.

    Returns:
        GraphSet.
    """
    keys = list(sources)
    groups = {}
    for key, svg in zip(keys, _render_many([sources[key] for key in keys])):
        parts = _parts(svg)
        groups.setdefault(_structure(parts), []).append((key, parts))
    templates, values, strings, index_of = [], {}, [], {}

    def indexed(text):
        # Most slot strings (a colour, a text style) recur across points: keep each once.
        if text not in index_of:
            index_of[text] = len(strings)
            strings.append(text)
        return index_of[text]

    for members in groups.values():
        template_text, slot_values = _template(members)
        for key, _ in members:
            values[key] = [len(templates), [indexed(text) for text in slot_values[key]]]
        templates.append(template_text)
    return GraphSet(templates, strings, values)


def filled(graphs, key):
    """The SVG the page shows for point ``key``: its template with its slots filled (what the page's script does).

    Returns:
        str, or None if the frame has no graph for ``key``.
    """
    if key not in graphs.values:
        return None
    template, indexes = graphs.values[key]
    return re.sub(f"{_SLOT}(\\d+){_SLOT}",
                  lambda match: graphs.strings[indexes[int(match.group(1))]],
                  graphs.templates[template])


def _template(members):
    """One template for drawings with the same elements: (its text, dict key -> its slot values).

    Each element keeps the first drawing's geometry (positions and sizes); its
    other attributes, written out together, and its text become a slot where
    the drawings differ.  A tooltip that differs repeats a box's numbers at full
    precision and would make every point's slots ten times larger; it is left
    out rather than shown wrong.
    """
    texts = []
    slot_values = {key: [] for key, _ in members}

    def slot(per_member):
        # per_member: key -> the string that member puts here
        for key, value in per_member.items():
            slot_values[key].append(value)
        return f"{_SLOT}{len(slot_values[members[0][0]]) - 1}{_SLOT}"

    first = members[0][1]
    for index, part in enumerate(first):
        if part[0] == "text":
            seen = {key: parts[index][1] for key, parts in members}
            if len(set(seen.values())) == 1:
                texts.append(part[1])
            elif index > 0 and first[index - 1][0] == "tag" and first[index - 1][1] == "title":
                texts.append("")
            else:
                texts.append(slot(seen))
            continue
        _, name, attributes, closing = part
        geometry = " ".join(f'{k}="{v}"' for k, v in attributes if k in _GEOMETRY)

        def others(attributes, keep_tooltips):
            return " ".join(f'{k}="{v}"' for k, v in attributes
                            if k not in _GEOMETRY and (keep_tooltips or k not in _TOOLTIPS))

        tooltips = {tuple((k, v) for k, v in parts[index][2] if k in _TOOLTIPS) for _, parts in members}
        seen = {key: others(parts[index][2], len(tooltips) == 1) for key, parts in members}
        rest = seen[members[0][0]] if len(set(seen.values())) == 1 else slot(seen)
        inside = " ".join(piece for piece in (geometry, rest) if piece)
        texts.append(f"<{name}{' ' + inside if inside else ''}{closing}>")
    return "".join(texts), slot_values


def line_chart(series, x_values, *, title, y_label, log=False, width=380, height=170, y_range=None):
    """An inline SVG line chart with a vertical cursor.

    Args:
        series: list of (name, colour, list of y values, one per x; None for a gap).
        x_values: the shared x values (numbers, increasing).
        title, y_label: texts.
        log: a log-scale y axis (values <= 0 are left out).
        y_range: (low, high) to fix the y axis; default from the data.

    Returns:
        Chart.
    """
    left, right, top, bottom = 46, 10, 22, 26
    ys = [y for _, _, values, in series for y in values if y is not None and (y > 0 or not log)]
    transform = (lambda y: math.log10(y)) if log else (lambda y: y)
    if y_range is None:
        low, high = (min(map(transform, ys)), max(map(transform, ys))) if ys else (0.0, 1.0)
    else:
        low, high = map(transform, y_range)
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    x_low, x_high = x_values[0], x_values[-1] if x_values[-1] > x_values[0] else x_values[0] + 1

    def x_of(x):
        return left + (x - x_low) / (x_high - x_low) * (width - left - right)

    def y_of(y):
        return top + (high - transform(y)) / (high - low) * (height - top - bottom)

    cursor_id = "cursor-" + re.sub(r"\W+", "-", title.lower()).strip("-")
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="{html.escape(title)}">',
             f'<text x="{left}" y="14" class="chart-title">{html.escape(title)}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" class="axis"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" class="axis"/>']
    for fraction in (0.0, 0.5, 1.0):
        value = low + fraction * (high - low)
        shown = 10 ** value if log else value
        y = top + (1 - fraction) * (height - top - bottom)
        parts.append(f'<text x="{left - 4}" y="{y + 3:.1f}" class="tick" text-anchor="end">'
                     f'{shown:.2g}</text>')
    parts.append(f'<text x="{left}" y="{height - 8}" class="tick">{x_low:g}</text>')
    parts.append(f'<text x="{width - right}" y="{height - 8}" class="tick" text-anchor="end">'
                 f'{x_high:g}</text>')
    parts.append(f'<text x="{(left + width) / 2:.0f}" y="{height - 8}" class="tick" '
                 f'text-anchor="middle">{html.escape(y_label)}</text>')
    for index, (name, colour, values) in enumerate(series):
        points = [f"{x_of(x):.1f},{y_of(y):.1f}" for x, y in zip(x_values, values)
                  if y is not None and (y > 0 or not log)]
        if points:
            parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                         f'stroke-width="1.6"/>')
        parts.append(f'<text x="{width - right - 4}" y="{top + 11 * index + 8}" class="tick" '
                     f'text-anchor="end" style="fill: {colour}">{html.escape(name)}</text>')
    parts.append(f'<line id="{cursor_id}" x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" '
                 'class="cursor"/>')
    parts.append("</svg>")
    return Chart("".join(parts), cursor_id, x_of)


_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 16px 22px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.intro { max-width: 980px; margin: 4px 0 10px; line-height: 1.35; }
#controls { display: flex; align-items: center; gap: 12px; margin: 8px 0 12px;
            position: sticky; top: 0; background: white; padding: 6px 0; z-index: 2; }
#timeline { width: 420px; }
#play { width: 84px; }
#frame-label { font-variant-numeric: tabular-nums; }
.row { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.panel { border: 1px solid #ddd; border-radius: 6px; padding: 8px 10px; }
.panel h2 { font-size: 14px; margin: 0 0 6px; }
.chart .axis { stroke: #999; }
.chart .tick { font-size: 10px; fill: #555; }
.chart .chart-title { font-size: 12px; font-weight: bold; }
.chart .cursor { stroke: #CC79A7; stroke-width: 2; }
.point { cursor: pointer; stroke: white; stroke-width: 0.8; }
.point.wrong { stroke: black; stroke-width: 2; }
.point.selected { stroke: #CC79A7; stroke-width: 3.5; }
.units { display: grid; grid-template-columns: repeat(8, 62px); gap: 6px; }
.unit { text-align: center; font-size: 10px; }
.unit img { width: 58px; height: 58px; border: 2px solid #ccc; image-rendering: auto; }
.unit.dead img { border-color: #d62728; }
.unit.saturated img { border-color: #9467bd; }
.unit .flag { height: 12px; font-weight: bold; }
.unit.dead .flag { color: #d62728; }
.unit.saturated .flag { color: #9467bd; }
.legend-flag { font-size: 11px; }
#graph-panel { margin-top: 14px; }
#graph { overflow: auto; max-height: 760px; border: 1px solid #eee; }
#graph svg { max-width: none; }
table.confusion { border-collapse: collapse; font-size: 11px; }
table.confusion td, table.confusion th { width: 26px; height: 22px; text-align: center;
                                         border: 1px solid #eee; }
.worst { display: flex; gap: 10px; flex-wrap: wrap; }
.worst figure { margin: 0; text-align: center; font-size: 11px; cursor: pointer; }
.worst img { width: 64px; height: 64px; image-rendering: pixelated; border: 1px solid #ccc; }
.worst figure.selected img { outline: 3px solid #CC79A7; }
"""

_SCRIPT = """
const DATA = JSON.parse(document.getElementById("page-data").textContent);
const frames = DATA.frames;
const slider = document.getElementById("timeline");
const play = document.getElementById("play");
let current = 0, timer = null, selected = null;

function apply(settings) {
  for (const [id, attribute, value] of settings) {
    const element = document.getElementById(id);
    if (!element) continue;
    if (attribute === "text") element.textContent = value;
    else if (attribute === "class" && element.classList.contains("selected"))
      element.setAttribute("class", value + " selected");
    else element.setAttribute(attribute, value);
  }
}

function graphSvg(graphs, key) {
  if (!graphs || !(key in graphs.values)) return null;
  const [template, indexes] = graphs.values[key];
  return graphs.templates[template].replace(/\\u0000(\\d+)\\u0000/g,
                                            (_, slot) => graphs.strings[indexes[+slot]]);
}

function showGraph() {
  const box = document.getElementById("graph");
  const caption = document.getElementById("graph-caption");
  if (selected === null) return;
  const svg = graphSvg(frames[current].graphs, selected);
  const name = (DATA.point_names || {})[selected] || selected;
  if (svg === null) {
    caption.textContent = name + ": no graph recorded at this frame";
    box.innerHTML = "";
    return;
  }
  caption.textContent = name + " at " + frames[current].label.split(":")[0] +
    ": its computation graph (neuron view), forward and backward pass for this point alone";
  box.innerHTML = svg;
}

function show(index) {
  current = Math.max(0, Math.min(frames.length - 1, index));
  slider.value = current;
  document.getElementById("frame-label").textContent =
    "frame " + (current + 1) + " of " + frames.length + " \u2014 " + frames[current].label;
  apply(frames[current].settings);
  showGraph();
}

function stop() {
  if (timer !== null) clearInterval(timer);
  timer = null;
  play.textContent = "\u25b6 Play";
  play.setAttribute("aria-pressed", "false");
}

function start() {
  if (current >= frames.length - 1) show(0);
  play.textContent = "\u275a\u275a Pause";
  play.setAttribute("aria-pressed", "true");
  timer = setInterval(() => {
    if (current >= frames.length - 1) { stop(); return; }
    show(current + 1);
  }, DATA.interval_ms);
}

slider.addEventListener("input", () => { stop(); show(+slider.value); });
play.addEventListener("click", () => (timer === null ? start() : stop()));
document.addEventListener("keydown", (event) => {
  if (event.target === slider) return;
  if (event.key === "ArrowRight") { stop(); show(current + 1); }
  if (event.key === "ArrowLeft") { stop(); show(current - 1); }
  if (event.key === " ") { event.preventDefault(); play.click(); }
});
document.querySelectorAll("[data-point]").forEach((element) => {
  element.addEventListener("click", () => {
    document.querySelectorAll("[data-point].selected, [data-point] .selected")
      .forEach((e) => e.classList.remove("selected"));
    selected = element.getAttribute("data-point");
    element.classList.add("selected");
    showGraph();
  });
});
show(frames.length - 1);
"""


def write_page(path, *, title, intro, charts, panels_html, frames, point_names=None,
               interval_ms=700):
    """Write the training page to ``path`` atomically (temp file in the same folder, fsync, replace).

    Args:
        path: str or os.PathLike.
        title: the page's title.
        intro: a sentence or two of plain text under the title.
        charts: list of :class:`Chart` (loss, accuracy, gradient sizes...).
        panels_html: the demo's panels as HTML; elements that change per frame
            have ids the frames' settings name, and clickable points carry a
            ``data-point`` attribute whose value keys the frames' graphs.
        frames: list of :class:`Frame`, in training order.
        point_names: dict point key -> a readable name for the graph's caption.
        interval_ms: the delay between frames when playing.

    Returns:
        the path written (str).

    Raises:
        ValueError: if there are no frames.
    """
    if not frames:
        raise ValueError("write_page needs at least one frame")
    data = {
        "interval_ms": interval_ms,
        "point_names": point_names or {},
        "frames": [{"label": frame.label, "settings": frame.settings,
                    "graphs": None if frame.graphs is None else frame.graphs._asdict()}
                   for frame in frames],
    }
    # Inside <script>, "<" written as \\u003c keeps "</script>" and "<!--" out of the JSON.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    charts_html = "".join(f'<div class="panel">{chart.svg}</div>' for chart in charts)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p class="intro">{html.escape(intro)}</p>
<div id="controls">
  <button id="play" type="button" aria-pressed="false">&#9654; Play</button>
  <input id="timeline" type="range" min="0" max="{len(frames) - 1}" step="1" value="{len(frames) - 1}"
         aria-label="timeline: the recorded frame to show">
  <span id="frame-label"></span>
</div>
<div class="row">{charts_html}</div>
<div class="row" style="margin-top:14px">{panels_html}</div>
<div id="graph-panel" class="panel">
  <h2>Computation graph</h2>
  <p id="graph-caption">Click a data point to see its computation graph at the frame shown.</p>
  <div id="graph"></div>
</div>
<script type="application/json" id="page-data">{payload}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return write_atomically(path, lambda file: file.write(page))
