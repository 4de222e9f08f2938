"""The backward pass: one sweep of the chain rule over the topological order, and the record of a pass.

``backward()`` runs :func:`sweep`.  :func:`record` runs the same sweep from a
clean start and keeps every edge update as data, a :class:`BackwardRecord`:
the drawings, the page, the stepper, the tree, the explanations and the
command line all read such a record and nothing else, so they cannot
disagree with each other or with ``backward()``.
"""

import contextlib
import gc
import math
import numbers

from . import anomaly
from .grad_mode import current_mode
from .graph import topological_order
from .ops import number_of

__all__ = ["sweep", "record", "BackwardRecord", "EdgeUpdate", "require_value"]


class EdgeUpdate:
    """One step of the backward pass: one edge's contribution to its parent's gradient.

    ``parent.grad += local_grad × upstream_grad`` where ``local_grad`` is
    ∂child/∂parent and ``upstream_grad`` is d(root)/d(child).

    Attributes:
        child: the Value whose gradient flows down the edge.
        slot: which of ``child.parents`` the edge leads to (0-based).
        parent: ``child.parents[slot]``.
        local_grad: ``child.local_grads[slot]`` (float).
        upstream_grad: ``child.grad`` at that moment (float).
        grad_before, grad_after: ``parent.grad`` before and after the update.
        gathers (bool): the parent already received a contribution earlier in
            this pass (it is used more than once: its gradients add at the fork).
    """

    __slots__ = ("child", "slot", "parent", "local_grad", "upstream_grad",
                 "grad_before", "grad_after", "gathers")

    def __init__(self, child, slot, parent, local_grad, upstream_grad, grad_before, grad_after,
                 gathers=False):
        self.gathers = gathers
        self.child = child
        self.slot = slot
        self.parent = parent
        self.local_grad = local_grad
        self.upstream_grad = upstream_grad
        self.grad_before = grad_before
        self.grad_after = grad_after

    @property
    def contribution(self):
        """local_grad × upstream_grad: what this edge adds to the parent's gradient."""
        return self.grad_after - self.grad_before

    def __repr__(self):
        return (f"EdgeUpdate(child={self.child.label or self.child.op!r}, slot={self.slot}, "
                f"local_grad={self.local_grad!r}, upstream_grad={self.upstream_grad!r}, "
                f"grad_after={self.grad_after!r})")


def seed_gradients(order):
    """Prepare the gradients for a sweep over ``order`` (whose last node is the root).

    Intermediate nodes start from 0 on every call, so a second ``backward()``
    recomputes them instead of compounding them; leaves keep what they have
    and accumulate, as in PyTorch.  The root's gradient is d(root)/d(root) = 1
    (added to a leaf root, set on an intermediate one).
    """
    for node in order:
        if node.parents:
            node.grad = 0.0
    root = order[-1]
    if root.parents:
        root.grad = 1.0
    else:
        root.grad += 1.0


@contextlib.contextmanager
def _collector_paused():
    """Switch off Python's cyclic garbage collector for the length of a sweep.

    A sweep allocates (the topological sort's stack and visited set) while a
    whole graph is alive, and allocations trigger collections that walk every
    live node again, looking for reference cycles that a graph does not have:
    that was half the time of backward() on a chain of a million nodes.  The
    collector is switched back on afterwards, even after an exception, and
    only if it was on before: the user's program is left as it was.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def sweep(root, on_edge=None, *, order=None):
    """Run the chain rule from ``root`` down to every leaf; return the topological order.

    For each node in reverse topological order (so its gradient is complete),
    and each of its parents in argument order::

        parent.grad += local_grad * node.grad

    Every edge is that product in plain floating-point arithmetic, with no
    exception for zeros: a zero local derivative (relu below its kink, a
    product with 0) times an infinite upstream gradient gives nan, and the
    nan reaches the leaves.  PyTorch's mul does the same; its relu instead
    passes 0 (it masks the gradient rather than multiplying it).  One rule
    everywhere is what the stepper shows and a learner can check by hand; an
    infinite upstream gradient means the pass has already blown up, which a
    nan shows rather than hides; and skipping zero edges would cost a test
    per edge in the loop below (about 15% of a sweep over an MLP's graph).
    A node whose gradient is 0 (one behind a ReLU that was off) is skipped
    as a whole when its local derivatives are all finite, one test per node:
    its edges would add exactly 0.  (Adding +0.0 would turn a gradient of
    −0.0 into +0.0; a sweep never makes −0.0, so only one set by hand could
    tell.)

    Args:
        root: a Value.
        on_edge: optional callable, given an :class:`EdgeUpdate` after each
            update; :func:`record` keeps the pass this way.
        order: ``topological_order(root)``, if the caller has it already.

    Returns:
        list of Values in topological order (root last).

    Raises:
        AnomalyError: inside ``detect_anomaly()``, at the first edge that
            leaves its parent's gradient NaN or infinite.
    """
    # Read once per sweep, not once per edge: outside detect_anomaly() the
    # hot loop below runs exactly as it would without anomaly detection.
    checking = current_mode().checking
    with _collector_paused():
        if order is None:
            order = topological_order(root)
        seed_gradients(order)
        if on_edge is None and not checking:
            # The hot path: the same updates as the loop below, with no
            # bookkeeping.  Leaves are skipped (they pass nothing on) and each
            # parent is paired with its local derivative by position rather
            # than by zip(), which builds an object per node and a tuple per
            # edge: this loop takes half the time the zip() one did.  Most
            # nodes have two parents (+, ·): for them the two updates are
            # written out, a quarter less time than the inner loop.  The
            # updates stay in slot order, so a * a still adds twice.
            for node in reversed(order):
                parents = node.parents
                if parents:
                    upstream_grad = node.grad
                    if len(parents) == 2:
                        first_local_grad, second_local_grad = node.local_grads
                        # A node whose gradient is 0 passes nothing on: each
                        # edge would add local_grad · 0 = 0.  In a ReLU
                        # network that is every node behind a ReLU that was
                        # off, about half of them.  Unless a local derivative
                        # is inf or nan (then so is the sum), where 0 · inf is
                        # nan and must reach the parents: those edges are run.
                        if upstream_grad == 0.0 and \
                                (first_local_grad + second_local_grad) * 0.0 == 0.0:
                            continue
                        first, second = parents
                        first.grad += first_local_grad * upstream_grad
                        second.grad += second_local_grad * upstream_grad
                    else:
                        local_grads = node.local_grads
                        # The same test for one parent or many (a neuron's
                        # Σw·a+b): one test per node, however wide.
                        if upstream_grad == 0.0 and sum(local_grads) * 0.0 == 0.0:
                            continue
                        slot = 0
                        for parent in parents:
                            parent.grad += local_grads[slot] * upstream_grad
                            slot += 1
            return order
        reached = set()      # parents that have received a contribution in this pass
        for node in reversed(order):
            upstream_grad = node.grad
            for slot, (parent, local_grad) in enumerate(zip(node.parents, node.local_grads)):
                before = parent.grad
                parent.grad += local_grad * upstream_grad
                if checking and not math.isfinite(number_of(parent.grad)):
                    raise anomaly.non_finite_edge(node, slot, parent, local_grad, upstream_grad,
                                                  before)
                if on_edge is not None:
                    on_edge(EdgeUpdate(node, slot, parent, local_grad, upstream_grad, before,
                                       parent.grad, gathers=parent in reached))
                    reached.add(parent)
        return order


# --- the record of a pass -----------------------------------------------------------

def require_value(root, who):
    """Refuse anything but a Value as the root of a graph, saying what to pass instead.

    Args:
        root: what the caller was given.
        who (str): the caller's name, for the message, e.g. ``"Stepper"``.

    Returns:
        None.

    Raises:
        TypeError: if ``root`` is not a Value; a list or tuple of Values (what
            an MLP returns) gets a hint to pick one: ``out[0]``.

    >>> from autograd import Value
    >>> require_value([Value(1.0), Value(2.0)], "draw")
    Traceback (most recent call last):
    ...
    TypeError: draw needs one Value (the output to differentiate), got a list of 2 Values; pick one: out[0], or make a single loss from them (e.g. nn.mse)
    """
    from .value import Value   # value.py imports this module
    if isinstance(root, Value):
        return
    if isinstance(root, (list, tuple)) and root and all(isinstance(v, Value) for v in root):
        kind, n = type(root).__name__, len(root)
        hint = "pick it: out[0]" if n == 1 else \
            "pick one: out[0], or make a single loss from them (e.g. nn.mse)"
        raise TypeError(f"{who} needs one Value (the output to differentiate), got a {kind} of "
                        f"{n} Value{'s' if n != 1 else ''}; {hint}")
    shown = repr(root)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    raise TypeError(f"{who} needs a Value (the output to differentiate), "
                    f"got {type(root).__name__} {shown}")


class BackwardRecord:
    """One backward pass from ``root``, from zero, kept as data: what every view reads.

    Made by :func:`record`.  A view at step ``k`` shows exactly the first
    ``k`` of :attr:`steps`; a gradient no step has reached yet is "not
    computed yet" as a fact of the record, not a guess.

    Attributes:
        root (Value): the node differentiated; d root/d root = 1 starts the pass.
        order (tuple of Value): the topological order, parents first, root last.
        position (dict): Value -> its index in ``order`` (views name nodes by it).
        updates (tuple of EdgeUpdate): every edge update of the sweep, in sweep
            order, each with the parent's gradient before and after.
        steps (tuple of EdgeUpdate): the updates a learner steps through: all of
            them, or (``constants=False``) all but those into constant leaves,
            the numbers such as the 3 in 3·v, which need no gradient.
        grads (dict): Value -> d root/d node after the whole pass (float).
        constants (bool): whether constant leaves are shown as nodes.
    """

    __slots__ = ("root", "order", "position", "updates", "steps", "grads", "constants",
                 "_first_step")

    def __init__(self, root, order, updates, grads, constants):
        self.root = root
        self.order = tuple(order)
        self.position = {node: i for i, node in enumerate(self.order)}
        self.updates = tuple(updates)
        self.constants = constants
        self.steps = self.updates if constants else tuple(
            update for update in self.updates if not update.parent.role == "constant")
        self.grads = grads
        # The step (1-based) at which each node's gradient first receives a
        # contribution; the root's is known at step 0: d root/d root = 1.
        first = {root: 0}
        for number, update in enumerate(self.steps, start=1):
            first.setdefault(update.parent, number)
        self._first_step = first

    @property
    def n_steps(self):
        """How many steps the pass has (int)."""
        return len(self.steps)

    def shown_nodes(self):
        """The nodes a view draws: every node, less the constant leaves unless ``constants``."""
        if self.constants:
            return list(self.order)
        return [node for node in self.order if node.role != "constant"]

    def check_step(self, step):
        """Return ``step`` if it is an int from 0 to :attr:`n_steps`; ``None`` means the whole pass.

        Raises:
            TypeError: if ``step`` is not an int.
            ValueError: if it is outside 0 .. n_steps.
        """
        if step is None:
            return self.n_steps
        if isinstance(step, bool) or not isinstance(step, numbers.Integral):
            raise TypeError(f"step must be an int from 0 to {self.n_steps}, "
                            f"got {type(step).__name__} {step!r}")
        if not 0 <= step <= self.n_steps:
            raise ValueError(f"step must be from 0 to {self.n_steps} (the pass has "
                             f"{self.n_steps} steps), got {step}")
        return int(step)

    def grads_at(self, step=None):
        """Every node's gradient after the first ``step`` steps (dict Value -> float).

        At step 0 the root holds 1 (d root/d root) and every other node 0;
        at :attr:`n_steps` (or ``None``) the gradients are those of one
        ``backward()`` from zero.
        """
        step = self.check_step(step)
        if step == self.n_steps:
            return dict(self.grads)
        grads = dict.fromkeys(self.order, 0.0)
        grads[self.root] = 1.0
        for update in self.steps[:step]:
            grads[update.parent] = update.grad_after
        return grads

    def reached(self, node, step=None):
        """Has the pass sent any gradient to ``node`` by ``step``? (the root: always)"""
        first = self._first_step.get(node)
        return first is not None and first <= self.check_step(step)

    def applied(self, step=None):
        """The edges, as (child, slot) pairs, that the first ``step`` steps have updated (set)."""
        return {(update.child, update.slot) for update in self.steps[:self.check_step(step)]}

    def _repr_html_(self):
        """In Jupyter: the drawing of the whole pass and a line with its step count.

        Falls back as a Value's display does (see :mod:`autograd.views.notebook`).
        """
        # Imported here, not at the top: the engine is standard library only
        # and imports no view, and only a notebook ever asks for this.
        from .views.notebook import record_html
        return record_html(self)

    def __repr__(self):
        return (f"BackwardRecord(root={self.root.label or self.root.op or 'leaf'!r}, "
                f"{len(self.order)} nodes, {self.n_steps} steps)")


def record(root, *, constants=False, who="record"):
    """Record one backward pass from ``root``, from zero, and leave every ``.grad`` as it was.

    Every gradient in the graph (leaves too) starts from zero, whatever
    ``backward()`` calls came before; the one :func:`sweep` runs and each of
    its edge updates is kept; then every node's ``grad`` is put back as it was.
    So drawing, stepping, explaining or writing a page never changes the
    user's gradients, and never shows gradients accumulated by earlier passes.

    Args:
        root (Value): the output to differentiate.
        constants (bool): count the edges into constant leaves (numbers such as
            the 3 in 3·v) as steps; by default they are left out of ``steps``.
        who (str): the caller's name for the error message.

    Returns:
        BackwardRecord.

    Raises:
        TypeError: if ``root`` is not a Value (a list of outputs gets a hint to pick one).

    >>> from autograd import Value
    >>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    >>> J = (3 * (a + b * c)).named("J")
    >>> J.backward(); J.backward()          # leaves accumulate: a.grad is 6 now
    >>> rec = record(J)
    >>> rec.grads[a], rec.grads[b], rec.grads[c], a.grad
    (3.0, 6.0, 9.0, 6.0)
    >>> rec.n_steps, len(rec.updates)       # the edge into the constant 3 is not a step
    (5, 6)
    >>> rec.grads_at(0)[a], rec.reached(a, 0), rec.reached(a, 2)
    (0.0, False, True)
    """
    require_value(root, who)
    order = topological_order(root)
    saved = [node.grad for node in order]
    updates = []
    try:
        for node in order:
            node.grad = 0.0
        sweep(root, on_edge=updates.append, order=order)
        grads = {node: node.grad for node in order}
    finally:
        for node, grad in zip(order, saved):
            node.grad = grad
    return BackwardRecord(root, order, updates, grads, constants)
