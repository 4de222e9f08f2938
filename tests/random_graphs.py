"""Random computation graphs for property tests: every row of the table, repeated inputs, constants.

``graph_specs()`` is a hypothesis strategy; ``build(spec)`` makes the graph
of a spec (call it twice for two identical graphs).  Operands are picked among
all nodes so far, favouring recent ones, so subexpressions get shared and an
input is used more than once.
"""

import math

from hypothesis import strategies as st

from autograd import Value, maximum, minimum, sum_values, weighted_sum


def _pow(x, y):
    return x ** y


# Every row of the table, as a way to build a node from existing nodes.  A
# number operand (3 * x, x ** 2, x + 0.5) becomes a constant leaf or part of the op.
UNARY = {
    "neg": lambda x: -x,
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "leaky_relu": lambda x: x.leaky_relu(0.1),
    "relu 0.5 at 0": lambda x: x.relu(grad_at_zero=0.5),
    "softplus": lambda x: x.softplus(),
    "step": lambda x: x.step(),
    "abs": lambda x: abs(x),
    "max(x, 0.5)": lambda x: maximum(x, 0.5),
    "**2": lambda x: x ** 2,
    "**-1": lambda x: x ** -1,
    "3*x": lambda x: 3 * x,
    "x+0.5": lambda x: x + 0.5,
}
BINARY = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y,
          "/": lambda x, y: x / y, "**": _pow, "max": lambda x, y: x.max(y),
          "min": lambda x, y: minimum(x, y)}
NARY = {
    "sum": lambda xs: sum_values(xs),
    "Σw·a+b": lambda xs: weighted_sum(xs[:len(xs) // 2], xs[len(xs) // 2:2 * (len(xs) // 2)],
                                      xs[-1]),
}
BUILDERS = {**{k: (1, f) for k, f in UNARY.items()}, **{k: (2, f) for k, f in BINARY.items()},
            **{k: (None, f) for k, f in NARY.items()}}


@st.composite
def graph_specs(draw, max_steps=10):
    """Leaf values, a list of (op, operand picks), and how many backward() calls come first (0, 1 or 3)."""
    # Inputs of ordinary size: at 1e-232 a path's product and the sweep's running sum
    # under- and overflow in different places, which is rounding, not a wrong rule.
    leaves = draw(st.lists(st.floats(-2.5, 2.5, allow_nan=False).filter(
        lambda x: x == 0 or abs(x) > 1e-6), min_size=1, max_size=4))
    steps = draw(st.lists(
        st.tuples(st.sampled_from(sorted(BUILDERS)),
                  st.lists(st.integers(0, 1000), min_size=3, max_size=5)),
        min_size=1, max_size=max_steps))
    backward_calls = draw(st.sampled_from([0, 1, 3]))
    return leaves, steps, backward_calls


def build(spec):
    """The graph of a spec: its root (the last node made)."""
    leaves, steps, _ = spec
    return make_nodes([Value(x, f"x{i}") for i, x in enumerate(leaves)], steps)[-1]


def make_nodes(leaves, steps):
    """The nodes a spec's steps make from ``leaves`` (a list of Values), in order."""
    nodes = list(leaves)
    for op, picks in steps:
        arity, make = BUILDERS[op]
        operands = [nodes[-1 - pick % len(nodes)] for pick in picks[:arity or len(picks)]]
        nodes.append(make(operands) if arity is None else make(*operands))
    return nodes[len(leaves):]


def same(x, y):
    """Equal floats, counting nan as equal to nan (x ** y with x < 0 has a nan derivative)."""
    return x == y or (math.isnan(x) and math.isnan(y))
