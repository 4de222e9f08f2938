"""Forward mode: push tangents from the inputs up to the outputs, one edge at a time (jvp).

Reverse mode (``backward()``) starts at one output and carries d out/d node
down to every input.  Forward mode starts at the inputs: each input gets a
tangent (how fast it moves, 1.0 for "differentiate by this one"), and each
node's tangent is gathered from its parents', parents first::

    tangent of node = Σ over its parents  ∂node/∂parent · tangent of parent

The local derivatives ∂node/∂parent are the very floats the forward pass
stored on the node from the table in ``autograd/ops.py``: forward and reverse
mode share every rule.  When one input has tangent 1 and the others 0, the
tangent of an output is d output/d input; for several seeds it is the
directional derivative (JAX's ``jvp``, the Jacobian-vector product).

A parent that depends on no seeded input has tangent 0; its edge is skipped,
as JAX skips its symbolic zeros, so a sweep touches only the edges on a path
from a seeded input.

The notes' J = 3(a + b·c) at a = 5, b = 3, c = 2:

>>> from autograd import Value
>>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
>>> J = 3 * (a + b * c)
>>> jvp(J, {a: 1.0}), jvp(J, {b: 1.0}), jvp(J, {c: 1.0})
(3.0, 6.0, 9.0)
>>> jvp(J, {a: 1.0, b: 1.0})     # J's slope when a and b both move at speed 1
9.0
"""

import numbers

from .graph import topological_order
from .value import Value

__all__ = ["TangentUpdate", "ForwardRecord", "forward_sweep", "record_forward", "jvp",
           "joint_order", "push_tangents", "seeds_from", "outputs_from"]


class TangentUpdate:
    """One step of forward mode: one edge's contribution to its child's tangent.

    ``tangent of child += local_grad × parent_tangent`` where ``local_grad``
    is ∂child/∂parent.  The mirror of :class:`autograd.EdgeUpdate`.

    Attributes:
        child: the Value whose tangent grows.
        slot: which of ``child.parents`` the edge comes from (0-based).
        parent: ``child.parents[slot]``.
        local_grad: ``child.local_grads[slot]`` (float).
        parent_tangent: the parent's tangent, complete by now (float).
        tangent_before, tangent_after: the child's tangent before and after (floats).
    """

    __slots__ = ("child", "slot", "parent", "local_grad", "parent_tangent",
                 "tangent_before", "tangent_after")

    def __init__(self, child, slot, parent, local_grad, parent_tangent, tangent_before,
                 tangent_after):
        self.child = child
        self.slot = slot
        self.parent = parent
        self.local_grad = local_grad
        self.parent_tangent = parent_tangent
        self.tangent_before = tangent_before
        self.tangent_after = tangent_after

    @property
    def contribution(self):
        """local_grad × parent_tangent: what this edge adds to the child's tangent."""
        return self.local_grad * self.parent_tangent

    def __repr__(self):
        return (f"TangentUpdate(child={self.child.label or self.child.op!r}, slot={self.slot}, "
                f"local_grad={self.local_grad!r}, parent_tangent={self.parent_tangent!r}, "
                f"tangent_after={self.tangent_after!r})")


def outputs_from(outputs, who):
    """A list of Values from one Value or a list/tuple of them; TypeError naming ``who`` otherwise."""
    if isinstance(outputs, Value):
        return [outputs]
    if isinstance(outputs, (list, tuple)) and outputs:
        for position, out in enumerate(outputs):
            if not isinstance(out, Value):
                raise TypeError(f"{who}: output {position} must be a Value, got "
                                f"{type(out).__name__} {out!r}")
        return list(outputs)
    raise TypeError(f"{who} needs a Value or a non-empty list of Values as its output(s), "
                    f"got {type(outputs).__name__} {outputs!r}")


def seeds_from(tangents, who):
    """The seed tangents as a dict {leaf: float}; a single Value ``x`` means {x: 1.0}.

    Raises:
        TypeError: a key that is not a Value, or a tangent that is not a number.
        ValueError: a key that is not a leaf (made by an operation).
    """
    if isinstance(tangents, Value):
        tangents = {tangents: 1.0}
    if not isinstance(tangents, dict):
        raise TypeError(f"{who}: tangents must be a dict {{input Value: number}} or one input "
                        f"Value, got {type(tangents).__name__} {tangents!r}")
    seeds = {}
    for leaf, tangent in tangents.items():
        if not isinstance(leaf, Value):
            raise TypeError(f"{who}: each key of tangents must be a Value, got "
                            f"{type(leaf).__name__} {leaf!r}")
        if leaf.parents:
            name = leaf.label or f"the ({leaf.op}) node"
            raise ValueError(f"{who}: {name} was made by '{leaf.op}'; forward mode seeds "
                             f"leaves (inputs), so seed the leaves it is made from")
        if isinstance(tangent, bool) or not isinstance(tangent, numbers.Real):
            raise TypeError(f"{who}: the tangent of {leaf.label or repr(leaf.data)} must be a "
                            f"number, got {type(tangent).__name__} {tangent!r}")
        seeds[leaf] = float(tangent)
    return seeds


def joint_order(outputs):
    """One topological order of everything a list of outputs depends on, each node once.

    Each output's own order, with the nodes already listed left out: a
    parent is always listed before its children.

    >>> a = Value(1.0, "a")
    >>> y1, y2 = (a * 2).named("y1"), (a + 1).named("y2")
    >>> [node.label or str(node.op) for node in joint_order([y1, y2])]
    ['a', '', 'y1', '', 'y2']
    """
    order, seen = [], set()
    for out in outputs:
        for node in topological_order(out):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return order


def push_tangents(order, tangent, on_edge=None):
    """Forward mode over ``order``: fill ``tangent`` (a dict, seeded) and return the multiply-adds done.

    For each node, parents first, and each parent in argument order that has
    a tangent: ``tangent[node] += local_grad × tangent[parent]``.
    """
    multiply_adds = 0
    for node in order:
        parents = node.parents
        if not parents:
            continue   # a leaf: its tangent is its seed, or 0
        local_grads = node.local_grads
        total = None
        for slot, parent in enumerate(parents):
            parent_tangent = tangent.get(parent)
            if parent_tangent is None:
                continue   # no seeded input below this parent: its tangent is 0
            before = 0.0 if total is None else total
            total = before + local_grads[slot] * parent_tangent
            multiply_adds += 1
            if on_edge is not None:
                on_edge(TangentUpdate(node, slot, parent, local_grads[slot], parent_tangent,
                                      before, total))
        if total is not None:
            tangent[node] = total
    return multiply_adds


def forward_sweep(outputs, tangents, on_edge=None):
    """Push tangents from the seeded inputs up to ``outputs``; return every node's tangent.

    Args:
        outputs: a Value or a list of Values.
        tangents: dict {leaf Value: number}, the seeds; or one leaf, meaning {leaf: 1.0}.
        on_edge: optional callable, given a :class:`TangentUpdate` after each
            edge; the forward stepper records the sweep this way.

    Returns:
        dict {Value: float}: the tangent of each seeded leaf and of each node
        that depends on one; every other node's tangent is 0.

    Raises:
        TypeError, ValueError: see :func:`jvp`.

    >>> a = Value(2.0, "a")
    >>> y = (a * a).named("y")
    >>> updates = []
    >>> forward_sweep(y, a, on_edge=updates.append)[y]
    4.0
    >>> [(u.local_grad, u.parent_tangent, u.tangent_after) for u in updates]
    [(2.0, 1.0, 2.0), (2.0, 1.0, 4.0)]
    """
    outputs = outputs_from(outputs, "forward_sweep")
    tangent = seeds_from(tangents, "forward_sweep")
    push_tangents(joint_order(outputs), tangent, on_edge)
    return tangent


def jvp(outputs, tangents):
    """The tangent of each output: its derivative along the seeded direction (JAX's ``jvp``).

    With one input seeded at 1.0 this is d output/d input; with several,
    Σ_i (∂output/∂x_i)·tangent_i, the Jacobian times the vector of tangents.

    Args:
        outputs: a Value, or a list of Values.
        tangents: dict {leaf Value: number}; or one leaf Value, meaning {leaf: 1.0}.

    Returns:
        float for one output Value; list of floats for a list.

    Raises:
        TypeError: an output or a key that is not a Value, a tangent that is
            not a number.
        ValueError: a key that is not a leaf (forward mode seeds inputs).

    >>> x = Value(0.5, "x")
    >>> jvp([x.tanh(), x.exp()], x) == [1 - x.tanh().data ** 2, x.exp().data]
    True
    """
    single = isinstance(outputs, Value)
    outputs = outputs_from(outputs, "jvp")
    tangent = seeds_from(tangents, "jvp")
    push_tangents(joint_order(outputs), tangent)
    results = [tangent.get(out, 0.0) for out in outputs]
    return results[0] if single else results


class ForwardRecord:
    """One forward-mode sweep kept as data: what the forward stepper reads.

    The mirror of :class:`autograd.BackwardRecord`.  Made by
    :func:`record_forward`; a view at step ``k`` shows exactly the first
    ``k`` of :attr:`steps`.

    Attributes:
        outputs (tuple of Value): the outputs whose tangents are wanted.
        order (tuple of Value): their joint topological order, parents first.
        seeds (dict): leaf -> its tangent (float), where the sweep starts.
        steps (tuple of TangentUpdate): every edge the sweep followed, in order.
        tangents (dict): Value -> its tangent after the whole sweep (float); a
            node missing from it depends on no seeded input: its tangent is 0.
    """

    __slots__ = ("outputs", "order", "seeds", "steps", "tangents")

    def __init__(self, outputs, order, seeds, steps, tangents):
        self.outputs = tuple(outputs)
        self.order = tuple(order)
        self.seeds = dict(seeds)
        self.steps = tuple(steps)
        self.tangents = tangents

    @property
    def n_steps(self):
        """How many steps (edges followed) the sweep has (int)."""
        return len(self.steps)

    def tangents_at(self, step):
        """The tangents after the first ``step`` steps (dict Value -> float; a missing node has none yet).

        Raises:
            ValueError: if ``step`` is not an int from 0 to :attr:`n_steps`.
        """
        if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= self.n_steps:
            raise ValueError(f"step must be an int from 0 to {self.n_steps}, got {step!r}")
        tangents = dict(self.seeds)
        for update in self.steps[:step]:
            tangents[update.child] = update.tangent_after
        return tangents

    def __repr__(self):
        return f"ForwardRecord({len(self.order)} nodes, {self.n_steps} steps)"


def record_forward(outputs, tangents, who="record_forward"):
    """Run forward mode once and keep every edge it followed as data.

    Args:
        outputs: a Value or a list of Values.
        tangents: dict {leaf Value: number}; or one leaf Value, meaning {leaf: 1.0}.
        who (str): the caller's name, for error messages.

    Returns:
        ForwardRecord.

    Raises:
        TypeError, ValueError: as :func:`jvp`.

    >>> a, b = Value(2.0, "a"), Value(5.0, "b")
    >>> rec = record_forward((a * b).named("y"), a)
    >>> rec.n_steps, rec.tangents_at(0) == {a: 1.0}, [t for t in rec.tangents_at(1).values()]
    (1, True, [1.0, 5.0])
    """
    outputs = outputs_from(outputs, who)
    seeds = seeds_from(tangents, who)
    order = joint_order(outputs)
    steps = []
    tangent = dict(seeds)
    push_tangents(order, tangent, steps.append)
    return ForwardRecord(outputs, order, seeds, steps, tangent)
