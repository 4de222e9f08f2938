"""Random graphs applying the rows of the table of operations directly, with several outputs: for forward mode and gradients as Values."""

import math

from hypothesis import strategies as st

from autograd import Value, ops
from autograd.value import _apply

ROWS = [*ops.OPS.values(), ops.power_by(2.0), ops.power_by(3.0), ops.power_by(-1.0),
        ops.power_by(0.5), ops.leaky_relu_with(0.1)]
"""Every fixed row of the table and a few of the parametrised ones (x**n, leaky ReLU)."""


def n_inputs_of(row, pick):
    """How many parents to give ``row``: its arity, or 3 or 5 for an n-ary row (fits Σ and Σw·a+b)."""
    return row.arity if row.arity is not None else 3 + 2 * (pick % 2)


@st.composite
def graph_specs(draw, max_outputs=3):
    """Leaf values, then steps (a row of ROWS and operand picks), then how many outputs to take."""
    leaves = draw(st.lists(st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False),
                           min_size=1, max_size=4))
    steps = draw(st.lists(st.tuples(st.integers(0, len(ROWS) - 1),
                                    st.lists(st.integers(0, 1000), min_size=6, max_size=6)),
                          min_size=1, max_size=10))
    n_outputs = draw(st.integers(1, max_outputs))
    return leaves, steps, n_outputs


def build(spec):
    """Build a spec's graph by applying each row (``_apply``, what every operation runs).

    Operands are picked among the nodes so far, favouring recent ones so that
    subexpressions get shared.  A step outside its row's domain (log of a
    negative, 1/0), or one whose value or local derivative is huge or not
    finite, is left out.

    Returns:
        (leaves, outputs): lists of Values; the outputs are the last nodes made
        (a leaf, when too few nodes were made).
    """
    values, steps, n_outputs = spec
    leaves = [Value(x, f"x{i}") for i, x in enumerate(values)]
    nodes = list(leaves)
    for row_index, picks in steps:
        row = ROWS[row_index]
        n_inputs = n_inputs_of(row, picks[-1])
        parents = tuple(nodes[-1 - pick % len(nodes)] for pick in picks[:n_inputs])
        try:
            node = _apply(row, parents)
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        if abs(node.data) > 1e4 or not all(math.isfinite(g) and abs(g) < 1e4
                                           for g in node.local_grads):
            continue
        nodes.append(node)
    return leaves, nodes[-n_outputs:]
