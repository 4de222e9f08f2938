"""Gradients as Values: the backward pass recorded as a graph, so a derivative can be differentiated again.

The first-order sweep (``autograd.backward.sweep``) multiplies floats: the
local derivatives stored on each node in the forward pass.  Here the same
chain rule runs on Values.  Each node's local derivatives are evaluated
again by its row of the table, ``node.op.local_grads(*parents, node)``, on
the parent Values and on the node itself.  Every row is written so that it
works on floats and on Values alike (``ops.exp``, ``ops.log``, ordinary
arithmetic).  Each product "local derivative × upstream gradient" and each
sum of them is then a new node.  The gradient that comes out is a Value
whose graph is the backward pass; its own ``backward()`` gives the second
derivative.  PyTorch calls this ``create_graph=True``.

>>> from autograd import Value
>>> x = Value(3.0, "x")
>>> y = x ** 3                       # y = x³
>>> dy_dx = grad(y, x, create_graph=True)
>>> dy_dx.data, grad(dy_dx, x)       # 3x² = 27 and 6x = 18
(27.0, 18.0)

Nothing here touches ``.grad``, except :func:`backward_graph`, which is what
``root.backward(create_graph=True)`` runs.
"""

import numbers

from .graph import topological_order
from .value import CONSTANT, Value

__all__ = ["grad", "backward_graph", "hessian", "derivatives", "depends_on"]


def _constant(number):
    """A constant leaf: the seed 1 of the chain rule, or the 0 of an input the root does not use."""
    constant = Value(number)
    constant.role = CONSTANT
    return constant


def _require_value(node, who, what):
    if not isinstance(node, Value):
        raise TypeError(f"{who}: {what} must be a Value, got {type(node).__name__} {node!r}")


def depends_on(order, sources):
    """The nodes of ``order`` that depend on any of ``sources`` (the sources included).

    A node depends on a source when a path of edges leads from the source up
    to it; only along those edges can a gradient with respect to a source be
    non-zero, so the sweeps here touch no other edge.

    Args:
        order: list of Values in topological order (parents first).
        sources: iterable of Values.

    Returns:
        set of Values.

    >>> a, b = Value(1.0, "a"), Value(2.0, "b")
    >>> u = a * 2
    >>> y = u + b
    >>> sorted(node.label or str(node.op) for node in depends_on(topological_order(y), [a]))
    ['*', '+', 'a']
    """
    reached = set(sources)
    for node in order:
        if node.parents and any(parent in reached for parent in node.parents):
            reached.add(node)
    return reached


def _accumulate(order, adjoint, create_graph, reach=None):
    """The chain rule from the end of ``order`` down, into the dict ``adjoint``; return the multiply-adds done.

    ``adjoint`` comes seeded (the root's d root/d root, and any leaf's
    gradient so far); on return it maps each node reached to d root/d node.
    For each node, from the root down, and each parent in argument order::

        adjoint[parent] += local_grad * adjoint[node]

    With ``create_graph`` the local derivatives are evaluated by the table's
    rule on Values, so every product and sum is a node; otherwise they are
    the floats the forward pass stored.  With ``reach`` (a set), only edges
    into nodes of ``reach`` are followed.
    """
    multiply_adds = 0
    for node in reversed(order):
        parents = node.parents
        if not parents or (reach is not None and node not in reach):
            continue
        upstream = adjoint.get(node)
        if upstream is None:
            continue
        if create_graph:
            local_grads = node.op.local_grads(*parents, node)
        else:
            local_grads = node.local_grads
        for slot, parent in enumerate(parents):
            if reach is not None and parent not in reach:
                continue
            contribution = local_grads[slot] * upstream
            multiply_adds += 1
            before = adjoint.get(parent)
            adjoint[parent] = contribution if before is None else before + contribution
    return multiply_adds


def gradients(root, wrt, create_graph=False):
    """d root / d x for each x in ``wrt``, and the multiply-adds the reverse sweep took.

    The sweep behind :func:`grad`; :mod:`autograd.jacobian` counts with it.

    Args:
        root: a Value.
        wrt: a list of Values.
        create_graph: see :func:`grad`.

    Returns:
        (list of floats or Values, int).
    """
    order = topological_order(root)
    reach = depends_on(order, wrt)
    adjoint = {root: _constant(1.0) if create_graph else 1.0}
    multiply_adds = _accumulate(order, adjoint, create_graph, reach)
    results = []
    for x in wrt:
        result = adjoint.get(x)
        if result is None:   # root does not depend on x
            result = _constant(0.0) if create_graph else 0.0
        results.append(result)
    return results, multiply_adds


def grad(root, wrt, create_graph=False):
    """The gradient of ``root`` with respect to ``wrt``, returned, leaving every ``.grad`` alone.

    PyTorch's ``torch.autograd.grad``.  The reverse sweep follows only the
    edges on paths from ``wrt`` up to ``root``.

    Args:
        root: the Value to differentiate.
        wrt: a Value, or a list/tuple of Values (leaves or intermediate nodes).
        create_graph: if False, the gradients are floats.  If True, they are
            Values whose graph is the backward pass (see the module's
            docstring), to be differentiated again; read the number with
            ``.data``.

    Returns:
        float or Value for a single ``wrt``; a list of them, in order, for a
        list.  An x that ``root`` does not depend on gets 0.0 (a constant
        Value 0 with ``create_graph``).

    Raises:
        TypeError: if ``root`` or an entry of ``wrt`` is not a Value.

    >>> a, b = Value(2.0, "a"), Value(5.0, "b")
    >>> grad(a * b + a, [a, b])
    [6.0, 2.0]
    >>> a.grad, b.grad           # untouched
    (0.0, 0.0)
    """
    _require_value(root, "grad", "the root")
    single = isinstance(wrt, Value)
    targets = [wrt] if single else list(wrt)
    for position, x in enumerate(targets):
        _require_value(x, "grad", f"wrt[{position}]")
    results, _ = gradients(root, targets, create_graph)
    return results[0] if single else results


def backward_graph(root):
    """``root.backward(create_graph=True)``: fill every ``.grad`` with a Value, d root/d node.

    The same updates as the first-order ``backward()``, in the same order,
    with Values instead of floats: intermediate nodes get a fresh gradient,
    leaves accumulate onto the one they hold (a float 0.0 counts as nothing
    yet), and the root's gradient is the constant 1.  So each ``.grad.data``
    equals, to the last bit, what ``backward()`` would have left there.
    A leaf's earlier float gradient enters its new one as a constant.

    Args:
        root: a Value.

    Returns:
        None.

    >>> x = Value(3.0, "x")
    >>> (x * x).backward(create_graph=True)
    >>> x.grad.data                   # 2x
    6.0
    >>> x_grad = x.grad
    >>> x.grad = 0.0
    >>> x_grad.backward()
    >>> x.grad                        # d(2x)/dx
    2.0
    """
    _require_value(root, "backward(create_graph=True)", "the root")
    order = topological_order(root)
    adjoint = {}
    for node in order:
        # Leaves keep what they hold and accumulate, as in backward.seed_gradients.
        if not node.parents and (isinstance(node.grad, Value) or node.grad != 0.0):
            adjoint[node] = node.grad
    seed = _constant(1.0)
    if root.parents or root not in adjoint:
        adjoint[root] = seed
    else:
        adjoint[root] = adjoint[root] + seed
    _accumulate(order, adjoint, create_graph=True)
    for node in order:
        node.grad = adjoint[node]


def hessian(f, inputs):
    """The matrix of second derivatives ∂²f/∂x_i∂x_j of a small function at a point.

    Builds ``f`` once on fresh leaves, takes its gradient with
    ``create_graph=True`` (n Values), then one first-order reverse sweep of
    each gradient entry gives a row.  As ``torch.autograd.functional.hessian``.

    Args:
        f: a function of n Values returning a Value, e.g. ``lambda x, y: x * x * y``.
        inputs: list of n numbers (or Values, whose data is used): the point.

    Returns:
        list of n lists of n floats (symmetric for any f made of the table's
        rows away from their kinks).

    Raises:
        TypeError: if an input is not a number or ``f`` does not return a Value.
        ValueError: if ``inputs`` is empty.

    >>> hessian(lambda x, y: x * x * y + 3 * y, [1.0, 2.0])
    [[4.0, 2.0], [2.0, 0.0]]
    """
    points = []
    for position, x in enumerate(inputs):
        number = x.data if isinstance(x, Value) else x
        if isinstance(number, bool) or not isinstance(number, numbers.Real):
            raise TypeError(f"hessian: inputs[{position}] must be a number, "
                            f"got {type(x).__name__} {x!r}")
        points.append(float(number))
    if not points:
        raise ValueError("hessian needs at least one input")
    leaves = [Value(x, f"x{i + 1}") for i, x in enumerate(points)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"hessian: f must return a Value, got {type(out).__name__} {out!r}")
    first = grad(out, leaves, create_graph=True)
    return [grad(entry, leaves) for entry in first]


def derivatives(f, x, order):
    """f(x), f'(x), f''(x), ... up to the ``order``-th derivative of a function of one Value.

    Each derivative is the gradient of the one before, taken with
    ``create_graph=True`` so that it can be differentiated again.  The graphs
    grow with each order: fine for small functions and orders up to about 6.

    Args:
        f: a function of one Value returning a Value, e.g. ``lambda x: x.tanh()``.
        x: the point (a number).
        order: int >= 0.

    Returns:
        list of order + 1 floats.

    Raises:
        TypeError: if ``f`` does not return a Value.
        ValueError: if ``order`` is negative.

    >>> [round(d, 12) for d in derivatives(lambda x: x ** 3, 2.0, 4)]
    [8.0, 12.0, 12.0, 6.0, 0.0]
    """
    if not isinstance(order, int) or order < 0:
        raise ValueError(f"derivatives: order must be an int >= 0, got {order!r}")
    leaf = Value(x, "x")
    current = f(leaf)
    if not isinstance(current, Value):
        raise TypeError(f"derivatives: f must return a Value, got {type(current).__name__} "
                        f"{current!r}")
    values = [current.data]
    for _ in range(order):
        current = grad(current, leaf, create_graph=True)
        values.append(current.data)
    return values
