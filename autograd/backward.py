"""The backward pass: one sweep of the chain rule over the topological order.

``backward()``, the REPL stepper and the animated page all run this same
sweep, so they cannot disagree: the stepper records the edge updates that the
sweep makes and replays them.
"""

import contextlib
import gc

from .graph import topological_order

__all__ = ["backward", "sweep", "EdgeUpdate"]


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
    """

    __slots__ = ("child", "slot", "parent", "local_grad", "upstream_grad",
                 "grad_before", "grad_after")

    def __init__(self, child, slot, parent, local_grad, upstream_grad, grad_before, grad_after):
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


def sweep(root, on_edge=None):
    """Run the chain rule from ``root`` down to every leaf; return the topological order.

    For each node in reverse topological order (so its gradient is complete),
    and each of its parents in argument order::

        parent.grad += local_grad * node.grad

    Without ``on_edge``, a node whose gradient is exactly 0 passes nothing on
    (each of its edges would add 0; only an infinite local derivative would
    have made a nan of it); with ``on_edge``, every edge is reported.

    Args:
        root: a Value.
        on_edge: optional callable, given an :class:`EdgeUpdate` after each
            update; the stepper and the animation record the pass this way.

    Returns:
        list of Values in topological order (root last).
    """
    with _collector_paused():
        order = topological_order(root)
        seed_gradients(order)
        if on_edge is None:
            _apply_chain_rule(order)
            return order
        for node in reversed(order):
            upstream_grad = node.grad
            for slot, (parent, local_grad) in enumerate(zip(node.parents, node.local_grads)):
                before = parent.grad
                parent.grad += local_grad * upstream_grad
                on_edge(EdgeUpdate(node, slot, parent, local_grad, upstream_grad, before,
                                   parent.grad))
        return order


def _apply_chain_rule(order):
    """The sweep's updates over ``order`` (topological), with no bookkeeping: the hot path.

    Leaves are skipped (they pass nothing on) and each parent is paired with
    its local derivative by position rather than by zip(), which builds an
    object per node and a tuple per edge: this loop takes half the time the
    zip() one did.  A node whose gradient is exactly 0 (behind a ReLU that was
    off, a sample the hinge loss is done with) is skipped too: its edges would
    each add 0·local_grad, which changes no gradient, except that an infinite
    local derivative would make it nan.
    """
    for node in reversed(order):
        parents = node.parents
        if parents and node.grad:
            upstream_grad = node.grad
            local_grads = node.local_grads
            slot = 0
            for parent in parents:
                parent.grad += local_grads[slot] * upstream_grad
                slot += 1


def backward(root):
    """Fill in ``grad`` on every node ``root`` depends on: d(root)/d(node), by the chain rule.

    See :meth:`autograd.Value.backward`.
    """
    sweep(root)
