"""The bug lab: the classic backpropagation bugs, each in a small broken engine, run beside chainrule.

What learners get wrong about backpropagation keeps coming back (micrograd's
issues #2, #53, #57, #64, #72, #77, #90, #91, #96, #102; ARENA's backprop
exercises).  Each bug lives here in an engine written in micrograd's style,
one class of about a hundred lines (:class:`MicroValue`), and a subclass that
changes one method, the way the bug is usually written:

1. overwriting instead of accumulating (``child.grad = ...`` for ``+=``);
2. children kept in a set, so ``a·a`` and ``a + a`` lose an edge;
3. a recursive topological sort (RecursionError past depth 1,000);
4. no topological order at all: a node passes its gradient on as soon as it
   is reached, before every path has added to it;
5. no ``zero_grad()`` between training steps (with chainrule itself, which,
   like PyTorch, adds into a leaf's ``.grad``).

Each runs on the lecture examples: ``b = a + a``; ``a = 1; b = a + a; c = b + b``;
J = 3(a + b·c); the notes' sigmoid neuron and its loss; a chain 2,000 deep;
and ``a·a``.  The lab prints the wrong numbers beside chainrule's, and the
verdict of :func:`autograd.gradcheck` (backward() against the nudge), naming
the input that disagrees.

Run it with ``python -m demos.bugs``; a teacher can ``from demos import bugs``
and call :func:`run_lab` for the figures, or use one engine on their own
example:

>>> a = OverwritingValue(3.0)
>>> b = a + a
>>> b.backward()
>>> a.grad            # the right gradient is 2: the second edge overwrote the first
1.0
"""

import argparse
import math
import sys
from collections import namedtuple

from autograd import Value, gradcheck
from autograd.views.text import format_number

from ._common import heading, say

__all__ = ["MicroValue", "OverwritingValue", "SetChildrenValue", "RecursiveSortValue",
           "NoOrderValue", "EXAMPLES", "BUGS", "Example", "Bug", "Row", "run_example",
           "run_lab", "train_neuron", "main"]

CHAIN_DEPTH = 2000
CHAIN_FACTOR = 1 + 1 / CHAIN_DEPTH     # y = x·(1 + 1/n), n times: dy/dx = (1 + 1/n)^n ≈ e


# --- an engine in micrograd's style -------------------------------------------------------

class MicroValue:
    """A scalar of a small engine written like micrograd, correct: the baseline the bugs change.

    Each operation keeps its children (the inputs, in order) and their local
    derivatives; ``backward()`` sorts the graph in topological order and,
    from the output down, sends each node's gradient to its children:
    ``child.grad += local_grad × node.grad``.

    Args:
        data (float): the number.
        children (tuple): the inputs of the op that made it.
        local_grads (tuple of float): ∂self/∂child, one per child.
        op (str): the op's symbol, for reading.

    >>> a, b = MicroValue(2.0), MicroValue(4.0)
    >>> y = a * b + a
    >>> y.backward()
    >>> a.grad, b.grad
    (5.0, 2.0)
    """

    def __init__(self, data, children=(), local_grads=(), op=""):
        self.data = float(data)
        self.grad = 0.0
        self._keep(children, local_grads)
        self._op = op

    def _keep(self, children, local_grads):
        self._prev = tuple(children)
        self._local_grads = tuple(local_grads)

    def _edges(self):
        """(child, local derivative) for every edge into this node, one per input."""
        return zip(self._prev, self._local_grads)

    def __repr__(self):
        return f"{type(self).__name__}(data={self.data!r}, grad={self.grad!r})"

    # --- the operations ---------------------------------------------------------------

    def _wrap(self, other):
        return other if isinstance(other, MicroValue) else type(self)(other)

    def __add__(self, other):
        other = self._wrap(other)
        return type(self)(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        other = self._wrap(other)
        return type(self)(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-self._wrap(other))

    def __rsub__(self, other):
        return self._wrap(other) + (-self)

    def __truediv__(self, other):
        other = self._wrap(other)
        return type(self)(self.data / other.data, (self, other),
                          (1 / other.data, -self.data / other.data ** 2), "/")

    def __rtruediv__(self, other):
        return self._wrap(other) / self

    __radd__ = __add__
    __rmul__ = __mul__

    def log(self):
        """Natural log; local derivative 1/x."""
        return type(self)(math.log(self.data), (self,), (1 / self.data,), "log")

    def sigmoid(self):
        """1 / (1 + e^-x); local derivative σ(1 − σ)."""
        s = 1 / (1 + math.exp(-self.data))
        return type(self)(s, (self,), (s * (1 - s),), "sigmoid")

    # --- the backward pass ----------------------------------------------------------------

    def _topological_order(self):
        """Every node this one depends on, children before parents (an iterative depth-first search)."""
        order, visited, stack = [], {self}, [(self, iter(self._prev))]
        while stack:
            node, children_left = stack[-1]
            for child in children_left:
                if child not in visited:
                    visited.add(child)
                    stack.append((child, iter(child._prev)))
                    break
            else:
                stack.pop()
                order.append(node)
        return order

    def _send_back(self):
        """The chain rule along this node's edges: each child gets local derivative × upstream gradient."""
        for child, local_grad in self._edges():
            child.grad += local_grad * self.grad

    def backward(self):
        """d self/d node for every node, into ``.grad``, sweeping in reverse topological order."""
        order = self._topological_order()
        self.grad = 1.0
        for node in reversed(order):
            node._send_back()


# --- the broken engines: each changes one method --------------------------------------------

class OverwritingValue(MicroValue):
    """Bug 1: ``child.grad = ...`` where it must be ``+=``; a value used twice keeps one path's gradient."""

    def _send_back(self):
        for child, local_grad in self._edges():
            child.grad = local_grad * self.grad          # the bug: = instead of +=


class SetChildrenValue(MicroValue):
    """Bug 2: children kept in a set, their local derivatives in a dict by child: ``a·a`` has one edge left."""

    def _keep(self, children, local_grads):
        self._prev = set(children)                       # the bug: {a, a} is {a}
        self._local_grads = dict(zip(children, local_grads))

    def _edges(self):
        return ((child, self._local_grads[child]) for child in self._prev)


class RecursiveSortValue(MicroValue):
    """Bug 3: micrograd's recursive topological sort: one Python frame per level of the graph."""

    def _topological_order(self):
        order, visited = [], set()

        def build_topo(node):
            if node not in visited:
                visited.add(node)
                for child in node._prev:
                    build_topo(child)                     # the bug: recursion as deep as the graph
                order.append(node)

        build_topo(self)
        return order


class NoOrderValue(MicroValue):
    """Bug 4: no topological order: each node sends its gradient on as soon as it is reached."""

    def backward(self):
        self.grad = 1.0
        reached, stack = {self}, [self]
        while stack:
            node = stack.pop()
            node._send_back()                            # the bug: its gradient may be incomplete
            for child in node._prev:
                if child not in reached:
                    reached.add(child)
                    stack.append(child)


# --- the lecture examples -------------------------------------------------------------------

Example = namedtuple("Example", ["name", "inputs", "f"])
Example.__doc__ = """One example: its name as the notes write it, its inputs [(name, value)], and f(*inputs) -> output.

``f`` uses only + - * /, ``log`` and ``sigmoid``, so it runs on chainrule's
Values and on every engine here alike.
"""

NEURON_XS, NEURON_YS = (0.1, 0.2, 0.3), (0, 0, 1)


def _b_is_a_plus_a(a):
    return a + a


def _c_is_b_plus_b(a):
    b = a + a
    return b + b


def _notes_j(a, b, c):
    return 3 * (a + b * c)


def _neuron_loss(w, b):
    """The notes' neuron: a_i = σ(w·x_i + b), L = -(1/n) Σ [y_i ln a_i + (1 - y_i) ln(1 - a_i)]."""
    total = 0
    for x, y in zip(NEURON_XS, NEURON_YS):
        a = (w * x + b).sigmoid()
        total = total + y * a.log() + (1 - y) * (1 - a).log()   # a is used twice: a fork
    return -total / len(NEURON_XS)


def _chain(x):
    for _ in range(CHAIN_DEPTH):
        x = x * CHAIN_FACTOR
    return x


def _a_times_a(a):
    return a * a


EXAMPLES = [
    Example("b = a + a", [("a", 3.0)], _b_is_a_plus_a),
    Example("a = 1; b = a + a; c = b + b", [("a", 1.0)], _c_is_b_plus_b),
    Example("J = 3(a + b·c)", [("a", 5.0), ("b", 3.0), ("c", 2.0)], _notes_j),
    Example("sigmoid neuron and its loss", [("w", 0.7), ("b", 0.1)], _neuron_loss),
    Example(f"a chain {CHAIN_DEPTH:,} deep", [("x", 1.0)], _chain),
    Example("y = a·a", [("a", 3.0)], _a_times_a),
]


# --- running them ---------------------------------------------------------------------------

Row = namedtuple("Row", ["example", "right", "got", "error", "disagree", "verdict"])
Row.__doc__ = """One example under one engine.

Fields: example (Example); right (list of floats, chainrule's gradients);
got (list of floats, or None when the engine failed); error (str or None,
the exception the engine raised); disagree (list of input names where
gradcheck fails); verdict (str, gradcheck's verdict in words).
"""

Bug = namedtuple("Bug", ["title", "engine", "broken_line", "why"])
Bug.__doc__ = """One classic bug: a title, the engine that has it (a MicroValue subclass, or None for
the training-loop bug), the line as it is usually written, and why it gives the numbers it gives."""

BUGS = [
    Bug("overwriting instead of accumulating", OverwritingValue,
        "child.grad = local_grad * self.grad      (right: child.grad += ...)",
        "Where a value feeds two operations (a fork), its gradient is the sum of what each "
        "path sends back: the chain rule along each path, then the sum rule over the paths. "
        "Overwriting keeps only the last path's upstream gradient × local derivative, so "
        "every example with a fork (a + a, b + b, a·a, the neuron's w and b, used by three "
        "samples) is wrong, and the ones without (J, the chain) are right."),
    Bug("children kept in a set", SetChildrenValue,
        "self._prev = set(children)               (right: a tuple, one entry per edge)",
        "a + a and a·a have two edges into a, but the set {a, a} is {a}: one edge is lost, "
        "and with it one local derivative × upstream gradient. Graphs whose operations never "
        "take the same value twice (J, the neuron, the chain) are right."),
    Bug("a recursive topological sort", RecursiveSortValue,
        "def build_topo(v): ... build_topo(child)  (right: an explicit stack)",
        f"The numbers are right wherever it runs, but the recursion goes one Python frame per "
        f"level of the graph, and Python stops at {sys.getrecursionlimit():,} frames: a chain "
        f"{CHAIN_DEPTH:,} deep raises RecursionError before the backward pass starts."),
    Bug("no topological order at all", NoOrderValue,
        "visit from the output, send each node's gradient on at once  (right: reverse topological order)",
        "A node may pass its gradient on only when it is complete, after every node that uses "
        "it has added its upstream gradient × local derivative: that is what the topological "
        "order guarantees. In the neuron each activation a_i feeds both ln a_i and "
        "ln(1 − a_i); visited after the first path only, a_i sends an incomplete gradient to "
        "z_i, w and b, and the second path's share never gets past it."),
    Bug("no zero_grad() between training steps", None,
        "loss.backward() twice with no zero_grad() between  (right: zero_grad(), then backward())",
        "backward() adds into a leaf's .grad (chainrule, like PyTorch, accumulates there), so "
        "without zero_grad() the second step's gradient is the sum of both passes: twice the "
        "right one when nothing moved, and a stale mixture of old and new gradients while "
        "training, which then takes steps of the wrong size."),
]


def _chainrule_grads(example):
    leaves = [Value(value, name) for name, value in example.inputs]
    example.f(*leaves).backward()
    return [leaf.grad for leaf in leaves]


def _engine_grads(example, engine):
    """The gradients ``engine`` computes for ``example``, or (None, 'RecursionError: ...')."""
    if engine is None:                       # bug 5: chainrule itself, backward() twice
        leaves = [Value(value, name) for name, value in example.inputs]
        example.f(*leaves).backward()
        example.f(*leaves).backward()        # a second step's pass, no zero_grad() before it
        return [leaf.grad for leaf in leaves], None
    leaves = [engine(value) for _, value in example.inputs]
    try:
        example.f(*leaves).backward()
    except RecursionError as error:
        return None, f"RecursionError: {error}"
    return [leaf.grad for leaf in leaves], None


def run_example(example, engine):
    """Run ``example`` on chainrule and on ``engine``; check the engine's gradients with gradcheck.

    Args:
        example (Example).
        engine: a MicroValue subclass, or None for chainrule without ``zero_grad()``.

    Returns:
        Row.
    """
    right = _chainrule_grads(example)
    got, error = _engine_grads(example, engine)
    names = [name for name, _ in example.inputs]
    if got is None:
        return Row(example, right, None, error, names, "no gradient to check: " + error.split(":")[0])
    report = gradcheck(example.f, [Value(value, name) for name, value in example.inputs],
                       grads=got, raise_on_failure=False)
    disagree = [name for name, analytic, numeric, difference in report.rows
                if not difference <= 1e-5 + 1e-4 * abs(numeric)]
    if report.ok:
        verdict = "agrees"
    else:
        worst = max((row for row in report.rows if row[0] in disagree), key=lambda row: row[3])
        numbers = f"backward() {format_number(worst[1])}, the nudge {format_number(worst[2])}"
        verdict = (f"disagrees at {disagree[0]}: {numbers}" if len(disagree) == 1 else
                   f"disagrees at {', '.join(disagree)}; at {worst[0]}: {numbers}")
    return Row(example, right, got, None, disagree, verdict)


def run_lab(examples=EXAMPLES, bugs=BUGS):
    """Every bug on every example: a list of (Bug, list of Row)."""
    return [(bug, [run_example(example, bug.engine) for example in examples]) for bug in bugs]


def train_neuron(steps=3, lr=1.0, zero_grad=True):
    """Gradient descent on the notes' neuron with chainrule; return [(w, b, loss) before each step] + the end.

    With ``zero_grad=False`` the leaves' gradients are never reset, the
    classic stale-gradient bug.
    """
    w, b = Value(0.7, "w"), Value(0.1, "b")
    history = []
    for _ in range(steps):
        loss = _neuron_loss(w, b)
        history.append((w.data, b.data, loss.data))
        if zero_grad:
            w.grad = b.grad = 0.0
        loss.backward()
        w.data -= lr * w.grad
        b.data -= lr * b.grad
    history.append((w.data, b.data, _neuron_loss(w, b).data))
    return history


# --- printing ---------------------------------------------------------------------------

def _grads_text(example, grads):
    return ", ".join(f"{name} {format_number(g)}" for (name, _), g in zip(example.inputs, grads))


def show(lab):
    """Print the lab: for each bug, a table of the examples, chainrule beside the broken engine."""
    for number, (bug, rows) in enumerate(lab, start=1):
        heading(f"Bug {number} of {len(lab)}: {bug.title}")
        print(f"  the line:  {bug.broken_line}")
        print()
        table = [("example", "chainrule (right)", "with the bug", "gradcheck on the one with the bug")]
        for row in rows:
            got = _grads_text(row.example, row.got) if row.got is not None else row.error.split(":")[0]
            table.append((row.example.name, _grads_text(row.example, row.right), got, row.verdict))
        widths = [max(len(line[k]) for line in table) for k in range(3)]
        for line in table:
            print("  " + "  ".join(cell.ljust(width) for cell, width in zip(line, widths))
                  + "  " + line[3])
        print()
        say("Why: " + bug.why, indent="  ")
        if bug.engine is None:
            print()
            right, stale = train_neuron(zero_grad=True), train_neuron(zero_grad=False)
            print("  three steps of gradient descent on the neuron, learning rate 1:")
            print(f"  step   {'with zero_grad(): w, b, loss':<36}without: w, b, loss")
            for step, (good, bad) in enumerate(zip(right, stale)):
                print(f"  {step:>4}   " + f"{', '.join(format_number(x) for x in good):<36}"
                      + ", ".join(format_number(x) for x in bad))


def main(argv=None):
    """Run the bug lab and print it (``python -m demos.bugs``)."""
    parser = argparse.ArgumentParser(prog="python -m demos.bugs", description=__doc__.split("\n")[0])
    parser.parse_args(argv)
    print("The bug lab: each classic backpropagation bug in a small engine written like")
    print("micrograd, run beside chainrule on the lecture examples.  gradcheck compares each")
    print("engine's backward() with the nudge (central differences) and names the inputs that disagree.")
    show(run_lab())
    return 0


if __name__ == "__main__":
    sys.exit(main())
