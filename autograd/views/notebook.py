"""How a Value, a record and a Stepper show themselves in Jupyter: a drawing, or a short summary when none fits.

Jupyter calls an object's ``_repr_html_`` to display it.  ``Value`` and
``BackwardRecord`` live in the engine, which imports no view, so their
``_repr_html_`` import this module only when a notebook asks; the
:class:`~autograd.views.stepper.Stepper` takes its picture from here too.
Each display reads a record of one backward pass from zero
(:func:`autograd.record`), like every view.

What is drawn, in order of preference:

* the scalar view (every node), if the graph has at most
  :data:`~autograd.views.scalar.MAX_SCALAR_NODES` nodes;
* else the neuron view, if the graph holds neurons of an ``nn`` network and
  that view can draw it;
* else a short summary (data, op, node count; a record's also d root/d root) that says how to draw it.

If Graphviz's ``dot`` is not installed, the summary carries the
:class:`~autograd.views.canvas.DotNotFoundError` message: a display never
shows a traceback.

>>> from autograd import Value
>>> a, b = Value(2.0, "a"), Value(3.0, "b")
>>> y = (a * b).named("y")
>>> shown = value_html(y)
>>> shown.startswith("<div"), "<svg" in shown, "grad 3" in shown, a.grad    # dy/da = b = 3
(True, True, True, 0.0)
"""

import re

from ..backward import record
from ..graph import topological_order
from ..value import NeuronRole
from . import draw
from .canvas import DotNotFoundError, GraphTooLargeError
from .scalar import MAX_SCALAR_NODES
from .text import format_number, html_text, node_names, shown_label

__all__ = ["value_html", "record_html", "picture_html", "summary_html", "MAX_DISPLAY_NODES",
           "BOX"]

MAX_DISPLAY_NODES = 20_000
"""The largest graph a display records to try the neuron view (nn networks of one sample
are a few thousand nodes); a bigger graph gets the summary at once, in about a second,
where recording it would take several."""

SMALLEST_SCALE = 0.75
"""A drawing is shrunk to fit the notebook's width, but never below this share of its size."""

# Every display sits in one of these: a drawing wider than the notebook scrolls inside it.
BOX = '<div class="chainrule" style="max-width:100%; overflow-x:auto">'


def value_html(value):
    """A Value in Jupyter: the drawing of its graph after one backward pass from it, from zero.

    The user's ``.grad`` values are left as they were (the drawing reads a record).

    Args:
        value (autograd.Value): the node shown, the root of the pass drawn.

    Returns:
        str: HTML, an inline SVG or (see the module docstring) a summary.
    """
    order = topological_order(value)
    # Counted as the scalar view counts them: constants are written into their op.
    n_nodes = sum(1 for node in order if node.role != "constant")
    # Refused before recording, which takes seconds for a graph of a million nodes.
    if n_nodes > MAX_SCALAR_NODES:
        why_not = None
        if not _has_neurons(order):
            why_not = _too_many(n_nodes, neurons=False)
        elif len(order) > MAX_DISPLAY_NODES:
            why_not = (f"{_too_many(n_nodes)}, and more than the {MAX_DISPLAY_NODES} a notebook "
                       f"display records to try the network view")
        if why_not:
            return summary_html(value, None, n_nodes, None, why_not, _draw_anyway(n_nodes))
    rec = record(value, who="display")
    svg, why_not, advice = _drawing(rec)
    if svg is None:
        return summary_html(value, None, n_nodes, None, why_not, advice)
    return f"{BOX}{svg}</div>"


def record_html(rec):
    """A BackwardRecord in Jupyter: the drawing of its whole pass, and a line with its step count.

    Args:
        rec (autograd.BackwardRecord): the recorded pass.

    Returns:
        str: HTML, the line and an inline SVG, or (see the module docstring) a summary.
    """
    n_nodes = len(rec.shown_nodes())
    svg, why_not, advice = _drawing(rec)
    if svg is None:
        return summary_html(rec.root, rec.grads[rec.root], n_nodes, rec.n_steps, why_not,
                            advice)
    name = node_names(rec.order)[rec.root]
    line = (f"one backward pass from {name}, from zero: {rec.n_steps} "
            f"step{'s' if rec.n_steps != 1 else ''} over {n_nodes} nodes")
    return f"{BOX}<p>{html_text(line)}</p>{svg}</div>"


def picture_html(rec, step=None):
    """The picture of a record at ``step`` as inline SVG, or a line saying why it is not drawn.

    What the Stepper's display shows above its sentence.

    Args:
        rec (autograd.BackwardRecord): the recorded pass.
        step (int or None): as for :func:`.draw.picture`; None for the whole pass.

    Returns:
        str: HTML.
    """
    svg, why_not, _ = _drawing(rec, step)
    return svg if svg is not None else f"<p><i>not drawn: {html_text(why_not)}</i></p>"


def summary_html(value, grad, n_nodes, n_steps, why_not, advice=None):
    """A few lines in place of a drawing: data, grad, op, node count, why not drawn, how to draw it.

    Args:
        value (autograd.Value): the root.
        grad (float or None): a record's d root/d root; None for a Value, whose
            ``.grad`` as it is now is not a number of any recorded pass, so a
            summary does not show it.
        n_nodes (int): how many nodes its drawing would have.
        n_steps (int or None): a record's step count, or None for a Value.
        why_not (str): why there is no drawing, shown as it is.
        advice (str or None): Python code that draws it another way, where
            ``value`` stands for the root.

    Returns:
        str: HTML.

    >>> from autograd import Value
    >>> shown = summary_html(Value(2.0, "x") * 3, None, 2, None, "dot is missing")
    >>> "data 6 · op <code>*</code> · 2 nodes" in shown, "dot is missing" in shown
    (True, True)
    """
    name = shown_label(value.label) if value.label else "this Value"
    if value.op:
        made_by = f"op <code>{html_text(str(value.op))}</code>"
    else:
        made_by = f"a leaf ({value.role})"
    facts = [f"data {format_number(value.data)}"]
    if grad is not None:
        facts.append(f"grad {format_number(grad)}")
    facts += [made_by, f"{n_nodes} node{'s' if n_nodes != 1 else ''}"]
    if n_steps is not None:
        facts.append(f"{n_steps} step{'s' if n_steps != 1 else ''} in the recorded pass")
    shown = f'{BOX}<p><b>{html_text(name)}</b>: {" · ".join(facts)}</p>'
    shown += f"<p><i>not drawn: {html_text(why_not)}</i></p>"
    if advice:
        shown += (f"<p>To draw it anyway, with <code>value</code> standing for it:</p>"
                  f"<pre>{html_text(advice)}</pre>")
    return shown + "</div>"


def _draw_anyway(n_nodes):
    """The code that draws a graph of ``n_nodes`` nodes however big, into a file."""
    return (f"from autograd.views import draw\n"
            f'draw.save_svg(value, "graph.svg", max_nodes={n_nodes})   # open it in a browser')


def _has_neurons(order):
    return any(isinstance(node.role, NeuronRole) for node in order)


def _too_many(n_nodes, neurons=True):
    """Why a graph of ``n_nodes`` nodes gets no scalar view (neurons=False: nor a network view)."""
    why_not = (f"its graph has {n_nodes} nodes, more than the {MAX_SCALAR_NODES} the scalar "
               f"view draws")
    return why_not if neurons else why_not + ", and no neurons of an nn network to draw instead"


def _drawing(rec, step=None):
    """Draw ``rec`` at ``step``: (inline SVG, None, None) or (None, why not, how to draw it anyway).

    The scalar view if it fits, else the neuron view if the graph holds neurons.
    """
    n_nodes = len(rec.shown_nodes())
    try:
        if n_nodes <= MAX_SCALAR_NODES:
            return _inline(draw.svg_text(rec, step=step)), None, None
        if not _has_neurons(rec.order):
            return None, _too_many(n_nodes, neurons=False), _draw_anyway(n_nodes)
        try:
            return _inline(draw.svg_text(rec, view="neurons", step=step)), None, None
        except GraphTooLargeError as error:
            return None, f"{_too_many(n_nodes)}; {error}", _draw_anyway(n_nodes)
    except DotNotFoundError as error:
        return None, str(error), None      # the message says how to install Graphviz


def _inline(svg):
    """SVG from ``dot`` made fit for inside HTML: no XML prologue, shrunk to the notebook's width.

    Shrunk at most to :data:`SMALLEST_SCALE` of its size, so its text stays
    readable; a wider drawing (a network) scrolls sideways instead.
    """
    svg = svg[svg.index("<svg"):]
    width = re.match(r'<svg width="([\d.]+)pt"', svg)
    smallest = f" min-width:{float(width.group(1)) * SMALLEST_SCALE:.0f}pt;" if width else ""
    return svg.replace("<svg ", f'<svg style="max-width:100%;{smallest} height:auto" ', 1)
