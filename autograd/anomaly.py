"""Anomaly detection: ``detect_anomaly()`` stops at the first NaN or infinity, naming the op, the edge and the line that made it.

PyTorch's ``torch.autograd.detect_anomaly()`` is the model.  Inside the block
(per thread and per asyncio task, like ``no_grad()``) three numbers are
checked, where they are made:

* the forward result of every operation (``value.py``);
* every local derivative ∂out/∂input (``value.py``);
* every edge's contribution ``local_grad × upstream_grad`` to its parent's
  gradient in the backward pass (``backward.py``).

The first one that is NaN or ±inf raises :class:`AnomalyError`.  Each node made
inside the block remembers the file and line of the user's code that made it
(the first frame outside the ``autograd`` and ``nn`` packages), so an error in
the backward pass can point at the line of the forward pass that built the
bad edge.  Outside the block nothing is checked or remembered: making a node
tests the mode it reads anyway, and the backward pass picks its loop once per
sweep, so the checks cost nothing there (see ``python -m demos.benchmark``).
"""

import contextlib
import math
import os
import sys

from .grad_mode import current_mode, mode_with, using_mode
from .ops import number_of

__all__ = ["detect_anomaly", "is_anomaly_enabled", "AnomalyError"]

MAX_OPERANDS_SHOWN = 6
"""An error lists at most this many operands (a neuron's Σw·a+b can have hundreds)."""

# Frames in these folders are the engine's; the creation site is the first
# frame outside them.  nn is autograd's sibling (chainrule installs both side
# by side); it is named by path so that the engine needs no import of nn.
# Paths, not module names: a doctest runs in its module's globals, but its
# frames have a file name of their own.
_AUTOGRAD_DIR = os.path.dirname(os.path.abspath(__file__))
_ENGINE_DIRS = tuple(os.path.join(folder, "") for folder in
                     (_AUTOGRAD_DIR, os.path.join(os.path.dirname(_AUTOGRAD_DIR), "nn")))


class AnomalyError(FloatingPointError):
    """A NaN or infinity appeared inside ``detect_anomaly()``.

    A FloatingPointError (so an ArithmeticError): the arithmetic of the graph
    went out of the real numbers.

    Attributes:
        op: the Op whose forward result, local derivative or backward edge was not finite.
        where: ``"forward result"``, ``"local derivative"`` or ``"backward"``.
        made_at: ``(file, line, function)`` of the user's code that made the
            node, or None when the node was made outside ``detect_anomaly()``.
    """

    def __init__(self, message, op, where, made_at):
        super().__init__(message)
        self.op = op
        self.where = where
        self.made_at = made_at


class LocalGradsMadeAt(tuple):
    """A node's local derivatives (a tuple, as always) that also remember where the node was made.

    Nodes made inside ``detect_anomaly()`` get these instead of a plain tuple.
    Keeping the site on the node's own ``local_grads`` means it lives exactly as
    long as the node: no slot is added to every Value, and no table keyed by
    ``id(node)`` grows through a long training run or mistakes a new node
    for a dead one that had the same id.

    Attributes:
        made_at: ``(file, line, function)``.
    """

    def __new__(cls, local_grads, made_at):
        grads = super().__new__(cls, local_grads)
        grads.made_at = made_at
        return grads


def is_anomaly_enabled():
    """Return True inside ``detect_anomaly()`` (in this thread or asyncio task)."""
    return current_mode().checking


@contextlib.contextmanager
def detect_anomaly():
    """Context manager: stop at the first NaN or infinity, with an error that says where it came from.

    Inside the block, in this thread or asyncio task only (as ``no_grad()``):

    * an operation whose forward result is NaN or ±inf raises;
    * an operation whose local derivative ∂out/∂input is NaN or ±inf raises
      (e.g. ``x ** 0.5`` at 0, whose slope is infinite);
    * ``backward()`` raises at the first edge whose contribution
      ``local_grad × upstream_grad`` leaves its parent's gradient NaN or ±inf.
      The gradients are then left as the sweep had made them up to that edge.

    Each error names the op, its operands with their labels, the edge (child,
    slot, parent) for the backward pass, and the file and line of your code
    that made the node.  It nests with ``no_grad()`` either way round; it
    slows node-making down (each node looks up where it was made), so use it to
    find a fault, not to train.  Modelled on PyTorch's
    ``torch.autograd.detect_anomaly()``, which checks the backward pass only.

    Raises (inside the block):
        AnomalyError: at the first non-finite number.

    >>> from autograd import Value
    >>> big = Value(1e308, "big")
    >>> with detect_anomaly():
    ...     big * 10
    Traceback (most recent call last):
    ...
    autograd.anomaly.AnomalyError: '*' (out = big·10.0) gave a non-finite forward result inf
      operands: big = 1e+308 (input), 10.0 (constant)
      made at <doctest autograd.anomaly.detect_anomaly[2]>, line 2, in <module>
    """
    with using_mode(mode_with(recording=current_mode().recording, checking=True)):
        yield


# --- where a node was made -----------------------------------------------------------

def creation_site():
    """``(file, line, function)`` of the innermost caller outside the autograd and nn packages."""
    frame = sys._getframe(1)
    while frame is not None:
        file = frame.f_code.co_filename
        if not file.startswith(_ENGINE_DIRS):
            return (file, frame.f_lineno, frame.f_code.co_name)
        frame = frame.f_back
    return None


def made_at(node):
    """Where a node made inside ``detect_anomaly()`` was made, or None."""
    return getattr(node.local_grads, "made_at", None)


def _site_text(site):
    if site is None:
        return "made outside detect_anomaly(), so where is not known: build the graph inside the block"
    file, line, function = site
    return f"made at {file}, line {line}, in {function}"


# --- what the errors say ----------------------------------------------------------------

def _describe(node):
    """'a = 5.0 (input)', 'u = 6.0 (made by '*')': an operand as an anomaly error shows it."""
    name = f"{node.label} = {node.data!r}" if node.label else repr(node.data)
    if node.parents:
        return f"{name} (made by '{node.op}')"
    return f"{name} ({node.role})"


def _operands(parents):
    """The operands as one line of text.

    At most MAX_OPERANDS_SHOWN: the non-finite ones first, then the largest in
    size, which are the ones that overflow; shown in argument order, numbered
    by slot when some are left out.
    """
    if len(parents) <= MAX_OPERANDS_SHOWN:
        return ", ".join(_describe(parent) for parent in parents)

    def suspicion(slot):   # non-finite first, then by size
        data = parents[slot].data
        return (math.isfinite(data), -abs(data) if math.isfinite(data) else 0.0)

    shown = sorted(sorted(range(len(parents)), key=suspicion)[:MAX_OPERANDS_SHOWN])
    text = ", ".join(f"[{slot}] {_describe(parents[slot])}" for slot in shown)
    return f"{text}, and {len(parents) - len(shown)} more, none larger"


def _names(parents):
    """How the op's rules name its inputs in an error: the label, a constant's number, or x1, x2, ..."""
    return [parent.label or (repr(parent.data) if parent.role == "constant" else f"x{slot + 1}")
            for slot, parent in enumerate(parents)]


def _formula(op, parents, out_name):
    """'out = a·b': the forward rule with the inputs' names, left out for many inputs."""
    if len(parents) > MAX_OPERANDS_SHOWN:
        return ""
    return f" ({op.formula_text(_names(parents), out_name)})"


def non_finite_forward(op, parents, out, site):
    """The AnomalyError for a forward result ``out`` that is NaN or infinite."""
    return AnomalyError(f"'{op}'{_formula(op, parents, 'out')} gave a non-finite forward "
                        f"result {out!r}\n"
                        f"  operands: {_operands(parents)}\n"
                        f"  {_site_text(site)}", op, "forward result", site)


def non_finite_local_grad(op, parents, out, local_grads, site):
    """The AnomalyError for a node whose local derivatives are not all finite."""
    bad = [slot for slot, grad in enumerate(local_grads) if not math.isfinite(grad)]
    names = _names(parents)
    slots = "; ".join(f"slot {slot}: {op.rule_text(slot, names, 'out')} = "
                      f"{local_grads[slot]!r}" for slot in bad[:MAX_OPERANDS_SHOWN])
    return AnomalyError(f"'{op}'{_formula(op, parents, 'out')} has a non-finite local "
                        f"derivative ({slots})\n"
                        f"  operands: {_operands(parents)}\n"
                        f"  forward result: {out!r}\n"
                        f"  {_site_text(site)}", op, "local derivative", site)


def non_finite_edge(child, slot, parent, local_grad, upstream_grad, grad_before):
    """The AnomalyError for a backward edge that left ``parent.grad`` NaN or infinite."""
    contribution = local_grad * upstream_grad
    if not math.isfinite(contribution):
        cause = (f"its contribution local derivative × upstream gradient = "
                 f"{local_grad!r} × {upstream_grad!r} = {contribution!r}")
    elif not math.isfinite(number_of(grad_before)):
        cause = (f"the parent's gradient was already {grad_before!r} before this edge "
                 f"(left from an earlier backward(): call zero_grad())")
    else:
        cause = (f"adding its contribution {contribution!r} to the parent's gradient "
                 f"{grad_before!r} overflowed")
    site = made_at(child)
    rule = child.op.rule_text(slot, _names(child.parents), child.label or "out")
    return AnomalyError(
        f"backward: the edge from '{child.op}' (slot {slot}) to its parent "
        f"{_describe(parent)} gives a non-finite gradient: {cause}\n"
        f"  child: {_describe(child)}, with upstream gradient {upstream_grad!r}\n"
        f"  local derivative: {rule} = {local_grad!r}\n"
        f"  operands of '{child.op}': {_operands(child.parents)}\n"
        f"  the child was {_site_text(site)}", child.op, "backward", site)
