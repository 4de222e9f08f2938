"""Write one self-contained HTML page that plays a graph's forward pass, then its backward pass edge by edge.

The page reads one record of the backward pass (:func:`autograd.record`):
first the forward pass, one node at a time; then the start of the backward
pass (d root/d root = 1); then one picture per step, that edge highlighted;
then the finished gradients, those of one ``backward()`` from zero.  Under
the picture, a sentence says what the step computed (the stepper's
sentences, :func:`.stepper.sentence`).  Previous / Next / Play buttons and the
← / → keys move through the steps.  Writing the page changes no ``.grad``.

The page needs no network: CSS, script and pictures are all inside the file.
Every picture has the same layout, so nothing moves but what changes.

Things a test or a curious reader can find in the page:

* ``#counter`` ("step 4 of 15"), ``#phase`` and ``#sentence``: the current step;
* ``section.frame``: one per step, with ``data-phase`` (``forward``, ``start``,
  ``backward``, ``done``), ``data-sentence``, and for a backward step
  ``data-edge="n2->n4"`` (parent -> child, the drawing's node ids),
  ``data-slot`` and ``data-step``; the frame shown has the class ``current``;
* ``ul.values`` inside each frame: every node's data (forward) or grad
  (backward) at that step, one ``li`` per node with ``data-node``;
* ``#glossary``: what each ``n<K>`` name stands for;
* in the SVG, the highlighted edge and its two nodes have the class ``highlight``.
"""

import math
import re

from . import draw
from .canvas import GraphTooLargeError, largest_grad, render_svg
from .stepper import sentence
from .text import d, format_number, glossary, html_text, in_derivative, partial, printable

__all__ = ["write_html", "MAX_ANIMATED_NODES", "MAX_ANIMATED_EDGES"]

MAX_ANIMATED_NODES = 40
"""The most nodes an animated page draws: it holds one picture per step."""

MAX_ANIMATED_EDGES = 80
"""The most steps (edges) an animated page draws: each is a picture of the whole graph."""


def write_html(root, path, *, title=None, constants=False, quiz=False):
    """Write the animated forward and backward pass of ``root``'s graph to one HTML file.

    The page shows one backward pass from zero, whatever ``backward()`` calls
    came before, and changes no ``.grad``.  It is self-contained (inline SVG,
    CSS and script; no network access), opens in any browser, and is written
    atomically (all of it, or nothing).

    Args:
        root: a Value (at most :data:`MAX_ANIMATED_NODES` nodes and
            :data:`MAX_ANIMATED_EDGES` steps), or a record of one.
        path (str or os.PathLike): the file to write, e.g. ``"backprop.html"``.
        title (str or None): the page's heading; default "forward and
            backward pass of <root>".
        constants (bool): show constants (the 3 in 3·v) as nodes with steps of their own.
        quiz (bool): predict, then reveal: at each step of the backward pass
            the page asks for the local derivative and the parent's new
            gradient, and shows the step's picture and sentence only once
            they are checked (see :mod:`.quiz`; the page reads numbers and
            + − * / ** with brackets, right within 0.001, or 0.1% past 1).
            The score and the ops missed are kept as the learner goes.

    Returns:
        pathlib.Path: the file written.

    Raises:
        TypeError: if ``root`` is not a Value (a list of outputs: pick one, out[0]).
        GraphTooLargeError: for a graph past either limit.
        DotNotFoundError: if Graphviz's ``dot`` program is not installed.
        OSError: if the file cannot be written.

    >>> import tempfile, pathlib
    >>> from autograd import Value
    >>> a, b = Value(2.0, "a"), Value(4.0, "b")
    >>> y = (a * b).named("y")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     page = write_html(y, pathlib.Path(folder) / "y.html")
    ...     text = page.read_text(encoding="utf-8")
    >>> 'data-edge="n0-&gt;n2"' in text, 'a.grad = 4' in text, a.grad
    (True, True, 0.0)
    """
    rec = draw.record_of(root, "write_html", constants)
    shown = rec.shown_nodes()
    if len(shown) > MAX_ANIMATED_NODES or rec.n_steps > MAX_ANIMATED_EDGES:
        raise GraphTooLargeError(
            f"this graph has {len(shown)} nodes and {rec.n_steps} edges to step through, more "
            f"than the {MAX_ANIMATED_NODES} nodes and {MAX_ANIMATED_EDGES} edges an animated "
            f"page draws (one picture per step); animate a smaller graph, such as one neuron "
            f"and its loss, and draw this one with autograd.views.draw.save_svg(root, path, "
            f"view='neurons')")
    names = draw.picture(rec, show_grads=False).names
    root_name = names[rec.root]
    title = printable(title) if title is not None else f"forward and backward pass of {root_name}"

    # First pass: measure every picture's text cells; then draw them all with
    # the widest of each cell and one colour scale, so the layout and the
    # colours stay put from one picture to the next.
    scale = max(largest_grad(rec.grads_at(k)[node] for node in shown if rec.reached(node, k))
                for k in range(rec.n_steps + 1))
    widths = {}
    for _ in _pictures(rec, names, draw.Frame(scale=scale), widths, render=False):
        pass
    frames = list(_pictures(rec, names, draw.Frame(widths=widths, scale=scale), {},
                            render=True))
    if quiz:
        _add_questions(rec, names, frames)
    notes = glossary(rec.order, names, shown)
    return draw.write_atomically(path, _page(title, frames, notes, quiz=quiz))


def _add_questions(rec, names, frames):
    """Give each backward frame its two questions, as JSON the page's script checks answers against."""
    import json
    from .quiz import Quiz

    def number(x):        # JSON has no nan or inf; the script reads these strings with Number()
        return x if math.isfinite(x) else str(x).replace("inf", "Infinity").replace("nan", "NaN")

    quiz = Quiz(rec, names)
    by_step = {}
    for question in quiz.questions:
        by_step.setdefault(question.step, []).append({
            "kind": question.kind, "asked": question.asked, "prompt": question.prompt,
            "right": number(question.right), "shown": format_number(question.right),
            "op": question.op,
            "mistakes": [[number(value), text] for value, text in question.mistakes]})
    for picture in frames:
        step = picture.attributes.get("step")
        if picture.phase == "backward":
            first = quiz.questions[2 * (int(step) - 1)]
            picture.attributes["quiz"] = json.dumps(
                {"heading": quiz.heading(first), "questions": by_step[int(step)]},
                ensure_ascii=False)


# --- the pictures -----------------------------------------------------------------

class _Picture:
    """One step of the page: its SVG, sentence and the attributes a test reads."""

    def __init__(self, phase, sentence, values, svg, attributes):
        self.phase = phase
        self.sentence = sentence
        self.values = values            # list of (node name, text, changed?)
        self.svg = svg
        self.attributes = attributes    # extra data- attributes


def _pictures(rec, names, frame, widths_seen, render):
    """Yield every step's _Picture, from the record's start to its end.

    Args:
        rec: the record.
        names: the nodes' names.
        frame: a ``draw.Frame``, what stays equal across pictures.
        widths_seen (dict): filled with the longest text of each cell of any picture.
        render (bool): run dot for each picture (False when only measuring).
    """
    root_name = names[rec.root]
    shown = rec.shown_nodes()

    def picture(**options):
        drawing = draw.picture(rec, frame=frame, title=f"computation graph of {root_name}",
                               **options)
        for key, length in drawing.lengths.items():
            widths_seen[key] = max(length, widths_seen.get(key, 0))
        return render_svg(drawing.digraph) if render else ""

    # The forward pass, one node at a time.
    for number, node in enumerate(shown):
        upto = rec.position[node] + 1
        values = [(names[n], f"{names[n]} = {format_number(n.data)}", n is node)
                  for n in shown[:number + 1]]
        yield _Picture("forward", _forward_sentence(node, names), values,
                       picture(forward_upto=upto), {"node": f"n{upto - 1}"})

    def grads(step, changed=None):
        now = rec.grads_at(step)
        return [(names[n], f"{in_derivative(names[n])}.grad = {format_number(now[n])}"
                 if rec.reached(n, step) else f"{in_derivative(names[n])}.grad: not computed yet",
                 n is changed) for n in shown]

    # The start of the backward pass: d root/d root = 1.
    yield _Picture("start", _start_sentence(root_name), grads(0, rec.root), picture(step=0),
                   {"node": f"n{rec.position[rec.root]}"})

    # One picture per step of the record.
    for number, update in enumerate(rec.steps, start=1):
        edge = f"n{rec.position[update.parent]}->n{rec.position[update.child]}"
        yield _Picture("backward", sentence(update, names, root_name),
                       grads(number, update.parent), picture(step=number),
                       {"edge": edge, "slot": str(update.slot), "step": str(number),
                        "parent": names[update.parent], "child": names[update.child]})

    # The finished gradients.
    yield _Picture("done", _done_sentence(rec, names, root_name), grads(rec.n_steps),
                   picture(), {})


def _forward_sentence(node, names):
    """What the forward pass computes at ``node``, with its local derivatives."""
    name = names[node]
    if not node.parents:
        article = "an" if node.role[0] in "aeiou" else "a"
        return f"{name} = {format_number(node.data)}: {article} {node.role}, given"
    op = node.op
    inputs = [names[parent] for parent in node.parents]
    numbers = [format_number(parent.data) for parent in node.parents]
    text = op.formula_text(inputs, name)
    if len(inputs) <= 4:
        with_numbers = op.formula_text(numbers, name).split(" = ", 1)[-1]
        text += f" = {with_numbers}"
    text += f" = {format_number(node.data)}"
    if len(inputs) <= 4:
        local = ", ".join(f"{partial(name, parent)} = {format_number(g)}"
                          for parent, g, p in zip(inputs, node.local_grads, node.parents)
                          if p.role != "constant")
        if local:
            text += f".  Kept for the backward pass: {local}"
    return text


def _start_sentence(root_name):
    return (f"The backward pass starts at {root_name}: {d(root_name, root_name)} = 1, so "
            f"{root_name}.grad = 1.  Each step now sends the gradient down one edge: "
            f"parent.grad += upstream gradient × local derivative.")


def _done_sentence(rec, names, root_name):
    leaves = [node for node in rec.shown_nodes() if not node.parents][:8]
    listed = ", ".join(f"{names[node]}.grad = {format_number(rec.grads[node])}" for node in leaves)
    text = (f"Done: every grad is now {d(root_name, '(node)')}, the same numbers one "
            f"{root_name}.backward() from zero gives")
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


def _frame_html(index, picture):
    data = {"phase": picture.phase, "sentence": picture.sentence, **picture.attributes}
    attributes = " ".join(f'data-{key}="{html_text(value)}"' for key, value in data.items())
    values = "".join(
        f'<li data-node="{html_text(name)}"{_CHANGED if changed else ""}>{html_text(text)}</li>'
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
#play { min-width: 7.5em; }   /* Play and Pause the same width: the buttons never shift */
#glossary { color: var(--muted); font-size: 0.85rem; margin: 4px 0 0; }
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
  var tangentCount = frames.filter(function (f) { return f.dataset.phase === "tangent"; }).length;
  var index = 0;
  var timer = null;

  function describe(frame) {
    var p = frame.dataset.phase;
    if (p === "forward") {
      return "forward pass: node " + (Number(frame.dataset.index) + 1) + " of " + forwardCount;
    }
    if (p === "start") { return "backward pass: start"; }
    if (p === "seed") { return "forward mode: start"; }
    if (p === "tangent") { return "forward mode: edge " + frame.dataset.step + " of " + tangentCount; }
    if (p === "tangents") { return "forward mode: done"; }
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
    // The quiz's script, when the page has one, hides the step's answer until it is checked.
    document.dispatchEvent(new CustomEvent("framechange", {detail: index}));
  }
  window.chainruleShow = function (i) { show(i); };

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
    if (event.target.tagName === "INPUT") { return; }     // typing an answer
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


_QUIZ_PANEL = """
<div id="quiz" hidden>
<p id="quiz-heading"></p>
<p class="answers">
<label><span id="quiz-label-local"></span> <input id="answer-local" autocomplete="off" size="10"></label>
<label><span id="quiz-label-grad"></span> <input id="answer-grad" autocomplete="off" size="10"></label>
<button id="check" type="button">Check</button>
</p>
<ul id="verdicts"></ul>
<p class="note">Type numbers or arithmetic such as 2*3 (+ &minus; * / ** and brackets); an answer
is right within 0.001, or within 0.1% of a value larger than 1.</p>
</div>
<p id="score" aria-live="polite"></p>
"""

_QUIZ_STYLE = """
#quiz { margin: 8px 0; padding: 10px 14px; background: #fff8e6; border: 1px solid #e0c070;
        border-radius: 6px; }
#quiz-heading { margin: 0 0 6px; font-weight: bold; }
#quiz .answers { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 0; }
#quiz label, #verdicts { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
#quiz input { font: inherit; padding: 4px 6px; }
#verdicts { list-style: none; padding: 0; margin: 8px 0 0; }
#verdicts li.right { color: #1a7f37; }
#verdicts li.wrong { color: #b3261e; }
#verdicts li.mistake { color: #7a3b63; padding-left: 1.5em; }
#score { font-weight: bold; }
#quiz .note { margin: 6px 0 0; color: var(--muted); font-size: 0.85rem; }
/* While a step waits for its answers, the arrows' local derivatives are not shown. */
section.frame.quiz-pending g.edge text { visibility: hidden; }
"""

_QUIZ_SCRIPT = r"""
(function () {
  // Predict, then reveal: each backward frame carries its two questions
  // (data-quiz: the right values and what each known mistake would answer),
  // computed from the recorded pass; this script only reads and compares.
  var TOLERANCE = 1e-3;     // right when |answer - right| <= 0.001 * max(1, |right|)
  var frames = Array.prototype.slice.call(document.querySelectorAll("section.frame"));
  var panel = document.getElementById("quiz");
  var heading = document.getElementById("quiz-heading");
  var labels = [document.getElementById("quiz-label-local"), document.getElementById("quiz-label-grad")];
  var inputs = [document.getElementById("answer-local"), document.getElementById("answer-grad")];
  var check = document.getElementById("check");
  var verdicts = document.getElementById("verdicts");
  var score = document.getElementById("score");
  var sentence = document.getElementById("sentence");
  var values = document.getElementById("values");
  var results = {};        // step -> list of {right, lines}, once checked
  var index = 0;

  // Numbers and + - * / ** with brackets, read by a small parser: never eval.
  function parseAnswer(text) {
    var tokens = text.replace(/\u2212/g, "-").match(/\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|\*\*|[-+*\/()]|\S/gi) || [];
    var at = 0;
    function peek() { return tokens[at]; }
    function take() { return tokens[at++]; }
    function expression() {
      var value = term();
      while (peek() === "+" || peek() === "-") { value = take() === "+" ? value + term() : value - term(); }
      return value;
    }
    function term() {
      var value = unary();
      while (peek() === "*" || peek() === "/") { value = take() === "*" ? value * unary() : value / unary(); }
      return value;
    }
    function unary() {
      if (peek() === "-") { take(); return -unary(); }
      if (peek() === "+") { take(); return unary(); }
      return power();
    }
    function power() {
      var base = atom();
      if (peek() === "**") { take(); return Math.pow(base, unary()); }
      return base;
    }
    function atom() {
      var token = take();
      if (token === "(") {
        var value = expression();
        if (take() !== ")") { throw new Error("a bracket is not closed"); }
        return value;
      }
      if (token !== undefined && /^(\d|\.\d)/.test(token)) { return Number(token); }
      throw new Error(token === undefined ? "the answer ends too soon" : "cannot read " + token);
    }
    if (!tokens.length) { throw new Error("no answer"); }
    var value = expression();
    if (at < tokens.length) { throw new Error("cannot read " + tokens[at]); }
    return value;
  }

  function isClose(answer, right) {
    if (!isFinite(right)) { return answer === right || (isNaN(answer) && isNaN(right)); }
    return isFinite(answer) && Math.abs(answer - right) <= TOLERANCE * Math.max(1, Math.abs(right));
  }

  function judge(question, text) {
    var value = parseAnswer(text);
    var right = Number(question.right);
    if (isClose(value, right)) {
      return {right: true, lines: [["right", "right: " + question.asked + " = " + question.shown]]};
    }
    var lines = [["wrong", "wrong: " + question.asked + " = " + question.shown + ", not " + text.trim()]];
    for (var i = 0; i < question.mistakes.length; i++) {
      if (isClose(value, Number(question.mistakes[i][0]))) {
        lines.push(["mistake", "mistake: " + question.mistakes[i][1]]);
        break;
      }
    }
    return {right: false, lines: lines};
  }

  function showVerdicts(lines) {
    verdicts.innerHTML = "";
    lines.forEach(function (line) {
      var item = document.createElement("li");
      item.className = line[0];
      item.textContent = line[1];
      verdicts.appendChild(item);
    });
  }

  function summary() {
    var right = 0, asked = 0, missed = [], missedSteps = {};
    Object.keys(results).sort(function (a, b) { return a - b; }).forEach(function (step) {
      results[step].forEach(function (result) {
        asked += 1;
        if (result.right) { right += 1; return; }
        if (!(result.op in missedSteps)) { missedSteps[result.op] = []; missed.push(result.op); }
        var steps = missedSteps[result.op];
        if (steps.indexOf(step) < 0) { steps.push(step); }
      });
    });
    var text = "score: " + right + " of " + asked + " right";
    if (missed.length) {
      text += "; missed: " + missed.map(function (op) {
        var steps = missedSteps[op];
        return op + " at step" + (steps.length > 1 ? "s " : " ") + steps.join(", ");
      }).join("; ");
    }
    return text;
  }

  function reveal(frame) {
    frames.forEach(function (f) { f.hidden = f !== frame; f.classList.remove("quiz-pending"); });
    sentence.textContent = frame.dataset.sentence;
    values.innerHTML = frame.querySelector("ul.values").innerHTML;
  }

  function onFrame(i) {
    index = i;
    var frame = frames[i];
    frames.forEach(function (f) { f.classList.remove("quiz-pending"); });
    if (frame.dataset.phase !== "backward") { panel.hidden = true; return; }
    var quiz = JSON.parse(frame.dataset.quiz);
    var step = frame.dataset.step;
    panel.hidden = false;
    heading.textContent = quiz.heading;
    quiz.questions.forEach(function (q, k) { labels[k].textContent = q.prompt; });
    if (results[step]) {
      showVerdicts([].concat.apply([], results[step].map(function (r) { return r.lines; })));
      inputs.forEach(function (input) { input.disabled = true; });
      check.disabled = true;
      return;
    }
    // Not answered yet: show the graph as it was before this step, and no sentence.
    var before = frames[i - 1];
    frames.forEach(function (f) { f.hidden = f !== before; });
    before.classList.add("quiz-pending");
    sentence.textContent = "Predict, then check: " + quiz.heading;
    values.innerHTML = before.querySelector("ul.values").innerHTML;
    verdicts.innerHTML = "";
    inputs.forEach(function (input) { input.value = ""; input.disabled = false; });
    check.disabled = false;
    inputs[0].focus();
  }

  check.addEventListener("click", function () {
    var frame = frames[index];
    var quiz = JSON.parse(frame.dataset.quiz);
    var judged = [];
    try {
      quiz.questions.forEach(function (q, k) {
        var result = judge(q, inputs[k].value);
        result.op = q.op;
        judged.push(result);
      });
    } catch (error) {
      showVerdicts([["wrong", error.message + ": type a number or arithmetic such as 2*3"]]);
      return;
    }
    results[frame.dataset.step] = judged;
    score.textContent = summary();
    onFrame(index);
    reveal(frame);
  });
  inputs[0].addEventListener("keydown", function (event) {
    if (event.key === "Enter") { inputs[1].focus(); event.preventDefault(); }
  });
  inputs[1].addEventListener("keydown", function (event) {
    if (event.key === "Enter") { check.click(); event.preventDefault(); }
  });
  document.addEventListener("framechange", function (event) { onFrame(event.detail); });
  score.textContent = "score: 0 of 0 right";
  onFrame(Number(document.body.dataset.current || 0));
})();
"""


_BACKWARD_INTRO = ("First the forward pass computes each value from its inputs; then the "
                   "backward pass sends gradients back along every edge: parent.grad += "
                   "upstream gradient × local derivative.")


def _page(title, pictures, notes, intro=_BACKWARD_INTRO, quiz=False):
    frames = "\n".join(_frame_html(i, picture) for i, picture in enumerate(pictures))
    first = pictures[0]
    glossary_html = "".join(f"<li>{html_text(line)}</li>" for line in notes)
    glossary_html = f'<ul id="glossary">{glossary_html}</ul>' if notes else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_text(title)}</title>
<style>{_STYLE}{_QUIZ_STYLE if quiz else ""}</style>
</head>
<body>
<header>
<h1>{html_text(title)}</h1>
<p>{html_text(intro)}</p>
{glossary_html}
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
<p id="sentence" aria-live="polite">{html_text(first.sentence)}</p>
{_QUIZ_PANEL if quiz else ""}
<ul id="values" class="values" aria-label="values at this step"></ul>
</main>
<script>{_SCRIPT}</script>
{f"<script>{_QUIZ_SCRIPT}</script>" if quiz else ""}
</body>
</html>
"""
