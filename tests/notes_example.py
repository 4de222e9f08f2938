"""The notes' computation graph J = 3(a + b·c), shared by the tests that step, print and type it."""

from autograd import Value

J_TREE_AFTER_BACKWARD = "\n".join([
    "J = 33 (grad 1)  [3·v]",
    "└─(∂J/∂v = 3)─ v = 11 (grad 3)  [a + u]",
    "   ├─(∂v/∂a = 1)─ a = 5 (grad 3)  [input]",
    "   └─(∂v/∂u = 1)─ u = 6 (grad 3)  [b·c]",
    "      ├─(∂u/∂b = 2)─ b = 3 (grad 6)  [input]",
    "      └─(∂u/∂c = 3)─ c = 2 (grad 9)  [input]",
])
"""text_tree(J): the whole of one backward pass from zero."""


def notes_graph():
    """The notes' J = 3(a + b·c) at a = 5, b = 3, c = 2, labelled as in the notes.

    Returns:
        (J, (a, b, c, u, v)).
    """
    a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    u = (b * c).named("u")
    v = (a + u).named("v")
    J = (3 * v).named("J")
    return J, (a, b, c, u, v)
