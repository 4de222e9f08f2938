"""The two-layer chain of the notes: four derivatives by the chain rule, by hand and by backward().

From the lecture notes, ``../shared/seeds/000_*`` (its last pages): one
neuron feeding another,

    z1 = w1·x + b1,   a1 = σ(z1),   z2 = w2·a1 + b2,   a2 = σ(z2),

with w1 = 0.1, b1 = 0.2, w2 = 0.2, b2 = 0.2.  The notes do not state x;
they write z1 = w1·x + b1 = 11/10, from which x = 9.  Then a1 ≈ 0.750,
z2 ≈ 0.350, a2 ≈ 0.587.  With the binary cross-entropy loss
L = -[y ln a2 + (1 - y) ln(1 - a2)] the notes derive

    dL/dw2 = (a2 - y)·a1
    dL/db2 = (a2 - y)
    dL/dw1 = (a2 - y)·w2·a1(1 - a1)·x
    dL/db1 = (a2 - y)·w2·a1(1 - a1)

The notes never state the target y; the demo uses y = 1 (``--y 0`` for the other class).

Run it with ``python -m demos.two_layer``.
"""

import argparse
from collections import namedtuple

from autograd import Value
from autograd.value import PARAMETER

from ._common import heading, say

__all__ = ["NOTES_PARAMETERS", "TwoLayer", "forward_backward", "hand_derivatives", "show", "main"]

NOTES_PARAMETERS = {"w1": 0.1, "b1": 0.2, "w2": 0.2, "b2": 0.2}
NOTES_X = 9.0

TwoLayer = namedtuple("TwoLayer", "x y z1 a1 z2 a2 loss engine hand")
TwoLayer.__doc__ = """The forward values (floats x, y, z1, a1, z2, a2, loss) and two dicts
of derivatives keyed "dL/dw2", "dL/db2", "dL/dw1", "dL/db1": ``engine`` from
backward(), ``hand`` from the notes' formulas."""

DERIVATIVE_NAMES = ("dL/dw2", "dL/db2", "dL/dw1", "dL/db1")

# The notes' formulas as text, printed beside their values.
HAND_FORMULAS = {
    "dL/dw2": "(a2 - y)·a1",
    "dL/db2": "(a2 - y)",
    "dL/dw1": "(a2 - y)·w2·a1(1 - a1)·x",
    "dL/db1": "(a2 - y)·w2·a1(1 - a1)",
}


def hand_derivatives(x, y, w2, a1, a2):
    """The notes' four derivatives of L, the chain rule worked by hand.

    dL/da2 · da2/dz2 = (a2 - y) (the cross-entropy and the sigmoid simplify
    together); going one layer further back multiplies by dz2/da1 = w2 and
    da1/dz1 = a1(1 - a1).

    Returns:
        dict keyed "dL/dw2", "dL/db2", "dL/dw1", "dL/db1" (floats).
    """
    delta2 = a2 - y                       # dL/dz2
    delta1 = delta2 * w2 * a1 * (1 - a1)  # dL/dz1
    return {"dL/dw2": delta2 * a1, "dL/db2": delta2, "dL/dw1": delta1 * x, "dL/db1": delta1}


def forward_backward(y=1.0, x=NOTES_X, w1=0.1, b1=0.2, w2=0.2, b2=0.2):
    """Build the chain with labelled Values, run backward(), and compare with the hand formulas.

    Args:
        y: the target, 0 or 1 (the notes do not say; default 1).
        x, w1, b1, w2, b2: the input and the parameters (default: the notes').

    Returns:
        TwoLayer.

    Raises:
        ValueError: if y is not 0 or 1.

    >>> result = forward_backward()
    >>> round(result.z1, 6), round(result.a1, 3), round(result.z2, 3), round(result.a2, 3)
    (1.1, 0.75, 0.35, 0.587)
    """
    if y not in (0, 1):
        raise ValueError(f"the target y must be 0 or 1, got {y!r}")
    parameters = {name: Value(value, name) for name, value in
                  (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2))}
    for parameter in parameters.values():
        parameter.role = PARAMETER   # so drawings show them as parameters
    x_node = Value(x, "x")
    z1 = (parameters["w1"] * x_node + parameters["b1"]).named("z1")
    a1 = z1.sigmoid().named("a1")
    z2 = (parameters["w2"] * a1 + parameters["b2"]).named("z2")
    a2 = z2.sigmoid().named("a2")
    # The notes' binary cross-entropy for one example, written out so every
    # step is a node of the graph.
    loss = (-(y * a2.log() + (1 - y) * (1 - a2).log())).named("L")
    loss.backward()
    engine = {f"dL/d{name}": parameters[name].grad for name in ("w2", "b2", "w1", "b1")}
    hand = hand_derivatives(x, y, w2, a1.data, a2.data)
    return TwoLayer(float(x), float(y), z1.data, a1.data, z2.data, a2.data, loss.data, engine, hand)


def show(y=1.0):
    """Print the forward pass and the four derivatives, hand formula beside backward()."""
    result = forward_backward(y)
    p = NOTES_PARAMETERS
    say("Two sigmoid neurons in a chain, the notes' example. The notes do not state the "
        f"target; here y = {result.y:g}.")
    heading("Forward pass")
    print(f"  z1 = w1·x + b1 = {p['w1']:g}·{result.x:g} + {p['b1']:g} = {result.z1:.4f}")
    print(f"  a1 = σ(z1) = {result.a1:.4f}")
    print(f"  z2 = w2·a1 + b2 = {p['w2']:g}·{result.a1:.4f} + {p['b2']:g} = {result.z2:.4f}")
    print(f"  a2 = σ(z2) = {result.a2:.4f}")
    print(f"  L = -[y ln a2 + (1 - y) ln(1 - a2)] = {result.loss:.4f}")
    heading("Backward pass: the chain rule by hand and by backward()")
    say("Each derivative is a product of local derivatives along the path from L down to "
        "the parameter: dL/dw1 = dL/da2 · da2/dz2 · dz2/da1 · da1/dz1 · dz1/dw1.", indent="  ")
    for name in DERIVATIVE_NAMES:
        formula = f"{name} = {HAND_FORMULAS[name]}"
        print(f"  {formula:<34} = {result.hand[name]: .6f}   backward(): {result.engine[name]: .6f}")
    largest = max(abs(result.hand[name] - result.engine[name]) for name in DERIVATIVE_NAMES)
    print(f"  largest difference: {largest:.1e}")
    slope = result.a1 * (1 - result.a1)
    say(f"One layer further back the gradient is multiplied by w2 = {p['w2']:g} and by "
        f"σ'(z1) = a1(1 - a1) = {slope:.4f}: dL/db1 = dL/db2 × {p['w2'] * slope:.4f}.")


def main(argv=None):
    """Command line: ``python -m demos.two_layer [--y 1]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.two_layer",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--y", type=int, choices=(0, 1), default=1,
                        help="the target class (the notes do not say; default 1)")
    args = parser.parse_args(argv)
    show(args.y)


if __name__ == "__main__":
    main()
