"""The whole Jacobian of f: Rⁿ → Rᵐ two ways, n forward sweeps or m reverse sweeps, with the multiply-adds each took.

Row i, column j of the Jacobian is ∂y_i/∂x_j.  Forward mode gets one column
per sweep (seed x_j with tangent 1: every output's tangent is ∂y_i/∂x_j);
reverse mode gets one row per sweep (start the chain rule at y_i: every
input's gradient is ∂y_i/∂x_j).  Each sweep does one multiply-add per edge it
follows, and both follow only the edges that lie on a path from an input to
an output (an edge anywhere else carries a zero).  So, as Chris Olah's
"Calculus on Computational Graphs" puts it, forward mode pays for the edges
once per input and reverse mode once per output: for a loss (m = 1) over a
million parameters, reverse mode is about a million times cheaper.  That is
the notes' "all the gradients in a single backward swoop"
(``../shared/seeds/003_*``).

>>> from autograd import Value
>>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
>>> J = 3 * (a + b * c)
>>> jacobian_forward(J, [a, b, c])
Jacobian(rows=[[3.0, 6.0, 9.0]], mode='forward', sweeps=3, multiply_adds=8)
>>> jacobian_reverse(J, [a, b, c])
Jacobian(rows=[[3.0, 6.0, 9.0]], mode='reverse', sweeps=1, multiply_adds=5)
"""

from .forward import joint_order, outputs_from, push_tangents, seeds_from
from .higher import depends_on, gradients
from .value import Value

__all__ = ["Jacobian", "jacobian_forward", "jacobian_reverse", "count_edges"]


class Jacobian:
    """A Jacobian and what computing it cost.

    Attributes:
        rows (list of m lists of n floats): ``rows[i][j]`` = ∂y_i/∂x_j.
        mode (str): ``"forward"`` or ``"reverse"``.
        sweeps (int): how many sweeps over the graph (n forward, m reverse).
        multiply_adds (int): how many ``+= local_grad × tangent`` (or
            ``× upstream_grad``) updates the sweeps made together: one per
            edge followed.
    """

    __slots__ = ("rows", "mode", "sweeps", "multiply_adds")

    def __init__(self, rows, mode, sweeps, multiply_adds):
        self.rows = rows
        self.mode = mode
        self.sweeps = sweeps
        self.multiply_adds = multiply_adds

    def __repr__(self):
        return (f"Jacobian(rows={self.rows!r}, mode={self.mode!r}, sweeps={self.sweeps}, "
                f"multiply_adds={self.multiply_adds})")


def _inputs_from(inputs, who):
    """The inputs as a list of distinct leaves (the errors of :func:`autograd.forward.seeds_from`)."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError(f"{who} needs a non-empty list of input Values, got "
                        f"{type(inputs).__name__} {inputs!r}")
    for position, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"{who}: input {position} must be a Value, got "
                            f"{type(x).__name__} {x!r}")
    seeds_from(dict.fromkeys(inputs, 1.0), who)   # refuses an input made by an operation
    if len(set(inputs)) != len(inputs):
        raise ValueError(f"{who}: an input appears twice in the list of inputs")
    return list(inputs)


def jacobian_forward(outputs, inputs):
    """The Jacobian by forward mode: one sweep per input, each giving a column.

    Args:
        outputs: a Value or a list of m Values (y_1 .. y_m).
        inputs: a list of n distinct leaf Values (x_1 .. x_n).

    Returns:
        :class:`Jacobian` with m rows of n floats, ``sweeps`` = n.

    Raises:
        TypeError: an output or input that is not a Value.
        ValueError: an input that is not a leaf, or one listed twice.
    """
    outputs = outputs_from(outputs, "jacobian_forward")
    inputs = _inputs_from(inputs, "jacobian_forward")
    order = joint_order(outputs)
    rows = [[0.0] * len(inputs) for _ in outputs]
    multiply_adds = 0
    for column, x in enumerate(inputs):
        tangent = {x: 1.0}
        multiply_adds += push_tangents(order, tangent)
        for row, out in enumerate(outputs):
            rows[row][column] = tangent.get(out, 0.0)
    return Jacobian(rows, "forward", len(inputs), multiply_adds)


def jacobian_reverse(outputs, inputs):
    """The Jacobian by reverse mode: one sweep per output, each giving a row.

    Each sweep is the chain rule of ``backward()`` from one output, into a
    dict rather than ``.grad`` (no gradient on the graph is changed).

    Args:
        outputs: a Value or a list of m Values (y_1 .. y_m).
        inputs: a list of n distinct leaf Values (x_1 .. x_n).

    Returns:
        :class:`Jacobian` with m rows of n floats, ``sweeps`` = m.

    Raises:
        TypeError: an output or input that is not a Value.
        ValueError: an input that is not a leaf, or one listed twice.
    """
    outputs = outputs_from(outputs, "jacobian_reverse")
    inputs = _inputs_from(inputs, "jacobian_reverse")
    rows = []
    multiply_adds = 0
    for out in outputs:
        row, done = gradients(out, inputs)
        rows.append(row)
        multiply_adds += done
    return Jacobian(rows, "reverse", len(outputs), multiply_adds)


def count_edges(outputs, inputs):
    """How many edges the graph of ``outputs`` has, and how many lie on a path from one of ``inputs``.

    Args:
        outputs: a Value or a list of Values.
        inputs: a list of Values.

    Returns:
        (int, int): (all edges, edges on a path from an input to an output).

    >>> from autograd import Value
    >>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    >>> count_edges(3 * (a + b * c), [a, b, c])   # the edge from the constant 3 carries nothing
    (6, 5)
    """
    order = joint_order(outputs_from(outputs, "count_edges"))
    reach = depends_on(order, inputs)
    every = sum(len(node.parents) for node in order)
    on_paths = sum(1 for node in order for parent in node.parents if parent in reach)
    return every, on_paths
