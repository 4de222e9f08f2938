"""The notes' computation graph J = 3(a + b·c), shared by the tests that step, print and type it."""

from autograd import Value

J_TREE_AFTER_BACKWARD = "\n".join([
    "J = 33.0 (grad 1.0)  [*]",
    "├─(∂J/∂n0 = 11.0)─ n0 = 3.0 (grad 11.0)  [constant]",
    "└─(∂J/∂v = 3.0)─ v = 11.0 (grad 3.0)  [+]",
    "   ├─(∂v/∂a = 1.0)─ a = 5.0 (grad 3.0)  [input]",
    "   └─(∂v/∂u = 1.0)─ u = 6.0 (grad 3.0)  [*]",
    "      ├─(∂u/∂b = 2.0)─ b = 3.0 (grad 6.0)  [input]",
    "      └─(∂u/∂c = 3.0)─ c = 2.0 (grad 9.0)  [input]",
])
"""text_tree(J) once the backward pass has run."""


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
