"""Write one self-contained HTML page that plays a graph's forward pass, then its backward pass edge by edge.

The page holds a picture (an inline SVG from :mod:`autograd.draw`) for every
step: first the forward pass, one node at a time; then the start of the
backward pass (d root/d root = 1); then one picture per edge update of the
backward pass, that edge highlighted; then the finished gradients.  Under the
picture, a sentence says what the step computed (the backward steps use the
stepper's sentences, :func:`autograd.stepper.sentence`).  Previous / Next /
Play buttons and the ← / → keys move through the steps.

The page needs no network: CSS, script and pictures are all inside the file.
Every picture has the same layout, so nothing moves but what changes.

Things a test or a curious reader can find in the page:

* ``#counter`` ("step 4 of 15"), ``#phase`` and ``#sentence``: the current step;
* ``section.frame``: one per step, with ``data-phase`` (``forward``, ``start``,
  ``backward``, ``done``), ``data-sentence``, and for a backward step
  ``data-edge="n2->n4"`` (parent -> child, the drawing's node names),
  ``data-slot`` and ``data-step``; the frame shown has the class ``current``;
* ``ul.values`` inside each frame: every node's data (forward) or grad
  (backward) at that step, one ``li`` per node with ``data-node``;
* in the SVG, the highlighted edge and its two nodes have the class ``highlight``.
"""

import html
import json
import pathlib
import re

from . import draw
from .graph import topological_order
from .stepper import Stepper, format_number

__all__ = ["write_html", "MAX_ANIMATED_NODES"]

MAX_ANIMATED_NODES = 40
"""The most nodes an animated page draws: it holds one picture per step, and
a graph with more nodes is too big to follow step by step anyway."""


def write_html(root, path, *, title=None):
    """Write the animated forward and backward pass of ``root``'s graph to one HTML file.

    Writing the page runs the backward pass on ``root``: afterwards every
    ``grad`` is what ``root.backward()`` gives (leaves accumulate, as with
    ``backward()``).  The page is self-contained (inline SVG, CSS and script;
    no network access) and opens in any browser.

    Args:
        root: the Value whose graph to animate (at most
            :data:`MAX_ANIMATED_NODES` nodes).
        path (str or os.PathLike): the file to write, e.g. ``"backprop.html"``.
        title (str or None): the page's heading; default "forward and
            backward pass of <root>".

    Returns:
        pathlib.Path: the file written.

    Raises:
        GraphTooLargeError: for a graph of more than :data:`MAX_ANIMATED_NODES` nodes.
        DotNotFoundError: if Graphviz's ``dot`` program is not installed.

    >>> import tempfile, pathlib
    >>> from autograd import Value
    >>> a, b = Value(2.0, "a"), Value(4.0, "b")
    >>> y = (a * b).named("y")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     page = write_html(y, pathlib.Path(folder) / "y.html")
    ...     text = page.read_text(encoding="utf-8")
    >>> 'data-edge="n0->n2"' in text, a.grad, b.grad
    (True, 4.0, 2.0)
    """
    order = topological_order(root)
    if len(order) > MAX_ANIMATED_NODES:
        raise draw.GraphTooLargeError(
            f"this graph has {len(order)} nodes, more than the {MAX_ANIMATED_NODES} an animated "
            f"page draws (one picture per step); animate a smaller graph, such as one neuron "
            f"and its loss, and draw this one with autograd.draw.save_svg(root, path, "
            f"view='neurons')")
    stepper = Stepper(root)     # runs the sweep once, then winds the grads back to the start
    names = stepper.names
    root_name = stepper.root_name
    title = title if title is not None else f"forward and backward pass of {root_name}"

    # First pass: measure every picture's text cells; then draw them all with
    # the widest of each cell and the final colour scale, so the layout and
    # the colours stay put from one picture to the next.
    stepper.run()
    scale = draw._grad_scale(order)
    widths = {}
    for _ in _pictures(stepper, order, draw._Frame(scale=scale), widths, render=False):
        pass
    frames = list(_pictures(stepper, order, draw._Frame(widths=widths, scale=scale), {},
                            render=True))
    stepper.run()                # leave the grads as backward() leaves them

    path = pathlib.Path(path)
    path.write_text(_page(title, frames), encoding="utf-8")
    return path


# --- the pictures -----------------------------------------------------------------

class _Picture:
    """One step of the page: its SVG, sentence and the attributes a test reads."""

    def __init__(self, phase, sentence, values, svg, attributes):
        self.phase = phase
        self.sentence = sentence
        self.values = values            # list of (node name, text, changed?)
        self.svg = svg
        self.attributes = attributes    # extra data- attributes


def _pictures(stepper, order, frame, widths_seen, render):
    """Yield every step's _Picture, moving ``stepper`` from its start to its end.

    Args:
        stepper: a Stepper of the graph (reset to its start first).
        order: the graph's topological order.
        frame: a ``draw._Frame``, what stays equal across pictures.
        widths_seen (dict): filled with the longest text of each cell of any picture.
        render (bool): run dot for each picture (False when only measuring).
    """
    names = stepper.names
    root_name = stepper.root_name
    stepper.reset()

    def picture(**options):
        frame.applied = options.pop("applied")
        drawing = draw._Drawing(stepper.root, frame=frame, **options)
        for key, length in drawing.lengths.items():
            widths_seen[key] = max(length, widths_seen.get(key, 0))
        return draw._render_svg(drawing.digraph) if render else ""

    title = f"computation graph of {root_name}"
    # The forward pass, one node at a time.
    for upto in range(1, len(order) + 1):
        node = order[upto - 1]
        values = [(names[n], f"{names[n]} = {format_number(n.data)}", n is node)
                  for n in order[:upto]]
        svg = picture(forward_upto=upto, applied=set(), title=title)
        yield _Picture("forward", _forward_sentence(node, names), values, svg,
                       {"node": f"n{upto - 1}"})

    # The start of the backward pass: d root/d root = 1.
    def grads(changed=None):
        return [(names[n], f"{names[n]}.grad = {format_number(n.grad)}", n is changed)
                for n in order]

    svg = picture(grads_known=True, applied=set(), title=title)
    yield _Picture("start", _start_sentence(root_name), grads(stepper.root), svg,
                   {"node": f"n{len(order) - 1}"})

    # One picture per edge update, replayed by the stepper from the one sweep.
    position = {node: i for i, node in enumerate(order)}
    applied = set()
    for number in range(1, stepper.total + 1):
        stepper.next()
        update = stepper.current
        applied.add((update.child, update.slot))
        svg = picture(grads_known=True, highlight=update, applied=set(applied), title=title)
        edge = f"n{position[update.parent]}->n{position[update.child]}"
        yield _Picture("backward", stepper.sentence(update), grads(update.parent), svg,
                       {"edge": edge, "slot": str(update.slot), "step": str(number),
                        "parent": names[update.parent], "child": names[update.child]})

    # The finished gradients.
    svg = picture(grads_known=True, applied=set(applied), title=title)
    yield _Picture("done", _done_sentence(order, names, root_name), grads(), svg, {})


def _forward_sentence(node, names):
    """What the forward pass computes at ``node``, with its local derivatives."""
    name = names[node]
    if not node.parents:
        if node.role == "constant":
            return f"{name} = {format_number(node.data)}: a constant, a plain number in the expression"
        article = "an" if node.role[0] in "aeiou" else "a"
        return f"{name} = {format_number(node.data)}: {article} {node.role}, given"
    op = node.op
    inputs = [names[parent] for parent in node.parents]
    numbers = [format_number(parent.data) for parent in node.parents]
    if len(inputs) == 2 and op.arity == 2:
        expression = f"{inputs[0]} {op} {inputs[1]}"
        with_numbers = f"{numbers[0]} {op} {numbers[1]}"
    elif len(inputs) == 1 and not str(op)[0].isalpha():
        expression, with_numbers = f"{inputs[0]}{op}", f"{numbers[0]}{op}"   # v**2
    else:
        expression = f"{op}({', '.join(inputs)})"
        with_numbers = f"{op}({', '.join(numbers)})"
    text = f"{name} = {expression}"
    if len(inputs) <= 4:
        text += f" = {with_numbers}"
    text += f" = {format_number(node.data)}"
    if len(inputs) <= 4:
        local = ", ".join(f"∂{name}/∂{parent} = {format_number(g)}"
                          for parent, g in zip(inputs, node.local_grads))
        text += f".  Kept for the backward pass: {local}"
    return text


def _start_sentence(root_name):
    return (f"The backward pass starts at {root_name}: d{root_name}/d{root_name} = 1.0, so "
            f"{root_name}.grad = 1.0.  Each step now sends the gradient down one edge: "
            f"parent.grad += local derivative × upstream gradient.")


def _done_sentence(order, names, root_name):
    leaves = [node for node in order if not node.parents and node.role != "constant"][:8]
    listed = ", ".join(f"{names[node]}.grad = {format_number(node.grad)}" for node in leaves)
    text = (f"Done: every grad is now d{root_name}/d(node), the same numbers "
            f"{root_name}.backward() gives")
    return f"{text}: {listed}." if listed else f"{text}."


# --- the page ------------------------------------------------------------------------

_SVG_PROLOGUE = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.DOTALL)
_SVG_ID = re.compile(r'\bid="([^"]*)"')


def _inline_svg(svg, index):
    """An SVG document made fit to sit inside HTML: no prologue or comments, ids unique per frame."""
    svg = _SVG_PROLOGUE.sub("", svg).strip()
    svg = _SVG_ID.sub(lambda match: f'id="f{index}-{match.group(1)}"', svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="step {index + 1}" ', 1)


_CHANGED = ' class="changed"'


def _attribute(text):
    """Escape text for a double-quoted HTML attribute (``>`` may stay, so data-edge reads n0->n2)."""
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _frame_html(index, picture):
    data = {"phase": picture.phase, "sentence": picture.sentence, **picture.attributes}
    attributes = " ".join(f'data-{key}="{_attribute(value)}"' for key, value in data.items())
    values = "".join(
        f'<li data-node="{_attribute(name)}"{_CHANGED if changed else ""}>{html.escape(text)}</li>'
        for name, text, changed in picture.values)
    hidden = "" if index == 0 else " hidden"
    current = " current" if index == 0 else ""
    return (f'<section class="frame{current}" id="frame-{index}" data-index="{index}" '
            f'{attributes}{hidden}>\n<div class="picture">{_inline_svg(picture.svg, index)}</div>\n'
            f'<ul class="values" hidden>{values}</ul>\n</section>')


_STYLE = """
:root { --ink: #222; --muted: #666; --accent: #CC79A7; --line: #d0d0d0; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font-family: Helvetica, Arial, sans-serif; color: var(--ink); background: #fafafa; }
header { padding: 12px 20px 4px; }
h1 { font-size: 1.35rem; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); font-size: 0.9rem; }
#controls { position: sticky; top: 0; z-index: 1; display: flex; gap: 8px; align-items: center;
            flex-wrap: wrap; padding: 8px 20px; background: #fafafa; border-bottom: 1px solid var(--line); }
button { font: inherit; font-size: 0.95rem; padding: 6px 14px; border: 1px solid #999;
         border-radius: 6px; background: white; cursor: pointer; }
button:hover { background: #f0f0f0; }
button:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
button:disabled { color: #aaa; cursor: default; }
#counter { font-variant-numeric: tabular-nums; margin-left: 8px; font-weight: bold; }
#phase { color: var(--muted); }
#phase.backward, #phase.start { color: #7a3b63; }
main { padding: 8px 20px 24px; }
.frame .picture { background: white; border: 1px solid var(--line); border-radius: 8px; padding: 6px;
                  overflow: auto; }
.frame svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
#sentence { font-size: 1.15rem; line-height: 1.5; margin: 14px 0 8px; padding: 10px 14px;
            background: white; border-left: 5px solid var(--accent); border-radius: 4px;
            font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; }
ul.values { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px; }
ul.values li { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85rem;
               padding: 2px 8px; border: 1px solid var(--line); border-radius: 10px; background: white; }
ul.values li.changed { border: 2px solid var(--accent); font-weight: bold; }
.keys { color: var(--muted); font-size: 0.85rem; margin-left: auto; }
"""

_SCRIPT = """
(function () {
  var frames = Array.prototype.slice.call(document.querySelectorAll("section.frame"));
  var counter = document.getElementById("counter");
  var phase = document.getElementById("phase");
  var sentence = document.getElementById("sentence");
  var values = document.getElementById("values");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var play = document.getElementById("play");
  var forwardCount = frames.filter(function (f) { return f.dataset.phase === "forward"; }).length;
  var backwardCount = frames.filter(function (f) { return f.dataset.phase === "backward"; }).length;
  var index = 0;
  var timer = null;

  function describe(frame) {
    var p = frame.dataset.phase;
    if (p === "forward") {
      return "forward pass: node " + (Number(frame.dataset.index) + 1) + " of " + forwardCount;
    }
    if (p === "start") { return "backward pass: start"; }
    if (p === "backward") {
      return "backward pass: edge " + frame.dataset.step + " of " + backwardCount;
    }
    return "backward pass: done";
  }

  function show(i) {
    index = Math.max(0, Math.min(frames.length - 1, i));
    frames.forEach(function (frame, k) {
      frame.hidden = k !== index;
      frame.classList.toggle("current", k === index);
    });
    var frame = frames[index];
    counter.textContent = "step " + (index + 1) + " of " + frames.length;
    phase.textContent = describe(frame);
    phase.className = frame.dataset.phase;
    sentence.textContent = frame.dataset.sentence;
    values.innerHTML = frame.querySelector("ul.values").innerHTML;
    document.body.dataset.current = String(index);
    // Bring the highlighted edge (or the node just computed) into view when
    // the picture is wider than the window.
    var marked = frame.querySelector("g.edge.highlight") || frame.querySelector("g.node.highlight");
    if (marked && marked.scrollIntoView) {
      marked.scrollIntoView({block: "nearest", inline: "center"});
    }
    prev.disabled = index === 0;
    next.disabled = index === frames.length - 1;
    if (index === frames.length - 1) { stop(); }
  }

  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "\\u25B6 Play";
    play.setAttribute("aria-pressed", "false");
  }

  function start() {
    if (index === frames.length - 1) { show(0); }
    timer = setInterval(function () { show(index + 1); }, 1400);
    play.textContent = "\\u275A\\u275A Pause";
    play.setAttribute("aria-pressed", "true");
  }

  prev.addEventListener("click", function () { stop(); show(index - 1); });
  next.addEventListener("click", function () { stop(); show(index + 1); });
  play.addEventListener("click", function () { if (timer === null) { start(); } else { stop(); } });
  document.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") { stop(); show(index + 1); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { stop(); show(index - 1); event.preventDefault(); }
    else if (event.key === " " && event.target.tagName !== "BUTTON") {
      if (timer === null) { start(); } else { stop(); }
      event.preventDefault();
    }
  });
  // A wide graph shrinks to fit the window, but never below 70% of its size:
  // beyond that its numbers would be too small to read, so the picture scrolls.
  frames.forEach(function (frame) {
    var svg = frame.querySelector("svg");
    var width = parseFloat(svg.getAttribute("width"));
    if (width) { svg.style.minWidth = (0.7 * width) + "pt"; }
  });
  show(0);
})();
"""


def _page(title, pictures):
    frames = "\n".join(_frame_html(i, picture) for i, picture in enumerate(pictures))
    first = pictures[0]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<p>First the forward pass computes each value from its inputs; then the backward pass sends
gradients back along every edge: parent.grad += local derivative × upstream gradient.</p>
</header>
<div id="controls">
<button id="prev" type="button" aria-label="previous step">&#9664; Previous</button>
<button id="play" type="button" aria-pressed="false">&#9654; Play</button>
<button id="next" type="button" aria-label="next step">Next &#9654;</button>
<span id="counter">step 1 of {len(pictures)}</span>
<span id="phase">forward pass</span>
<span class="keys">keys: &#8592; &#8594; and space</span>
</div>
<main>
<div id="stage">
{frames}
</div>
<p id="sentence" aria-live="polite">{html.escape(first.sentence)}</p>
<ul id="values" class="values" aria-label="values at this step"></ul>
</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""
