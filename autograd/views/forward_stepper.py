"""Step through forward mode one edge at a time, from the inputs up to the outputs, with a sentence for each step.

The mirror of :mod:`.stepper`: that one replays a record of the backward
sweep, edge by edge from the root down; this one replays a record of the
forward sweep (:func:`autograd.forward.record_forward`, exactly what
:func:`autograd.forward.jvp` runs), edge by edge from the seeded inputs up.
Each step adds one edge's local derivative × its parent's tangent to its
child's tangent.

The notes' graph J = 3(a + b·c) at a = 5, b = 3, c = 2, differentiated by a:

>>> from autograd import Value
>>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
>>> u = (b * c).named("u")
>>> v = (a + u).named("v")
>>> J = (3 * v).named("J")
>>> s = ForwardStepper(J, {a: 1.0})
>>> s
ForwardStepper(J; tangent of a = 1): at the start, 0 of 2 steps; tangent of a = 1 (da/da = 1, where forward mode starts)
>>> s.next()
step 1 of 2: tangent of v += ∂v/∂a · tangent of a = 1 × 1 = 1  ->  tangent of v = 1
>>> s.next()
step 2 of 2: tangent of J += ∂J/∂v · tangent of v = 3 × 1 = 3  ->  tangent of J = 3
>>> s.tangent(J)                  # dJ/da
3.0

Only the edges on a path from a seeded input are stepped: b, c and u do not
move when only a does, so their tangents are 0 and their edges carry nothing.
"""

from ..forward import record_forward
from .text import format_number, in_derivative, node_names, partial
from .walk import Walk

__all__ = ["ForwardStepper", "tangent_sentence"]


def tangent_sentence(update, names):
    """One edge of forward mode as a sentence.

    ``tangent of child += ∂child/∂parent · tangent of parent = local × parent's
    tangent = contribution  ->  tangent of child = new value``; when the child
    already had a tangent from an earlier parent, the last part shows the sum.

    Args:
        update (autograd.forward.TangentUpdate): one recorded step.
        names (dict): a name for each node, from :func:`.text.node_names`.

    Returns:
        str.

    >>> from autograd import Value
    >>> from autograd.forward import record_forward
    >>> a = Value(3.0, "a")
    >>> rec = record_forward((a * a).named("y"), a)
    >>> print(tangent_sentence(rec.steps[1], node_names(rec.order)))
    tangent of y += ∂y/∂a · tangent of a = 3 × 1 = 3  ->  tangent of y = 3 + 3 = 6
    """
    child, parent = names[update.child], names[update.parent]
    result = format_number(update.tangent_after)
    if update.tangent_before != 0:
        result = (f"{format_number(update.tangent_before)} + "
                  f"{format_number(update.contribution)} = {result}")
    return (f"tangent of {in_derivative(child)} += {partial(child, parent)} · tangent of "
            f"{in_derivative(parent)} = {format_number(update.local_grad)} × "
            f"{format_number(update.parent_tangent)} = {format_number(update.contribution)}  ->  "
            f"tangent of {in_derivative(child)} = {result}")


class ForwardStepper(Walk):
    """Replay forward mode from the seeded inputs up to the outputs, one edge at a time.

    Making a ForwardStepper records one forward sweep
    (:func:`autograd.forward.record_forward`) and starts at its beginning:
    only the seeded inputs have a tangent.  ``next()`` applies one edge,
    ``back()`` undoes one; after ``run()`` every tangent is what
    :func:`autograd.forward.jvp` returns.  Tangents are kept in the stepper
    (``tangent(node)``), not on the nodes: the graph and its ``.grad`` are
    left alone.

    Nodes are named as in every view (:func:`.text.node_names`).

    Args:
        outputs: the Value (or list of Values) whose tangents to compute.
        tangents: dict {leaf Value: number}, the seeds; or one leaf, meaning {leaf: 1.0}.

    Raises:
        TypeError, ValueError: as :func:`autograd.forward.jvp`.

    Attributes:
        record (autograd.forward.ForwardRecord): the sweep replayed.
        steps (tuple of autograd.forward.TangentUpdate): its steps, in order.
        total (int), position (int: how many steps are applied), names (dict),
        tangents (dict: each node's tangent now; a node missing has none yet).

    Moving past the end or before the start changes nothing and returns a
    message saying so.

    >>> from autograd import Value
    >>> x = Value(2.0, "x")
    >>> y = (x * x).named("y")
    >>> s = ForwardStepper(y, x)
    >>> s.run(), s.tangent(y)
    (done: 2 of 2 steps, 4.0)
    >>> s.back()
    undid step 2 of 2: tangent of y is 2 again
    """

    def __init__(self, outputs, tangents):
        rec = record_forward(outputs, tangents, who="ForwardStepper")
        names = node_names(rec.order)
        for leaf in rec.seeds:    # a seed that no output uses is still named
            names.setdefault(leaf, leaf.label or f"(input {format_number(leaf.data)})")
        super().__init__(rec, names)
        self.tangents = self.record.tangents_at(0)

    # --- where we are ------------------------------------------------------------

    def tangent(self, node):
        """The node's tangent at this point of the pass (float; 0.0 if it has none yet)."""
        return self.tangents.get(node, 0.0)

    def sentence(self, update):
        """The sentence for one update of this pass, with this graph's names (str)."""
        return tangent_sentence(update, self.names)

    # --- moving: what one step does (Walk moves the position) ---------------------------

    def _apply(self, update):
        self.tangents[update.child] = update.tangent_after

    def _undo(self, update):
        # The tangents at this position, from the record: a node the walk has not
        # reached yet has none (not a tangent of 0).
        self.tangents = self.record.tangents_at(self.position)
        return (f"tangent of {in_derivative(self.names[update.child])} is "
                f"{format_number(update.tangent_before)}")

    def __repr__(self):
        seeds = ", ".join(f"tangent of {in_derivative(self.names[leaf])} = {format_number(t)}"
                          for leaf, t in self.record.seeds.items())
        outputs = ", ".join(self.names[out] for out in self.record.outputs)
        head = f"ForwardStepper({outputs}; {seeds}): {self.where()}"
        if self.total == 0:
            return f"{head}; no edge leads from a seeded input to an output"
        if self.position == 0:
            if list(self.record.seeds.values()) == [1.0]:
                name = self.names[next(iter(self.record.seeds))]
                return (f"{head}; tangent of {in_derivative(name)} = 1 (d{in_derivative(name)}/"
                        f"d{in_derivative(name)} = 1, where forward mode starts)")
            return f"{head}; only the seeded inputs have tangents"
        return f"{head}\n  last step: {self._glossed(self.position - 1)}"
