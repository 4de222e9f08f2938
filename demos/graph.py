"""The computation graph J = 3(a + b·c): a forward pass, a backward pass, and a nudge to check it.

From the lecture notes, ``../shared/seeds/002_*`` ("Computation graph"): with
a = 5, b = 3, c = 2 the notes name the intermediate nodes u = b·c and
v = a + u, so J = 3v = 33.  By nudging and the chain rule they find
dJ/dv = 3, dJ/da = 3 (a from 5 to 5.001 takes J to 33.003) and dJ/db = 6.
For u they write dJ/du = 2, with u = 5 and J = 38.003 in the nudge: u is 6,
the nudge 6 -> 6.001 takes J from 33 to 33.003, and dJ/du = 3 (their own
chain rule, dJ/dv · dv/du = 3 × 1, says so too).  They never compute dJ/dc;
backward() gives 9.  The demo prints all of them and names the slips.

Run it with ``python -m demos.graph`` (``--a``, ``--b``, ``--c`` change the inputs).
"""

import argparse

from autograd import Value, record
from autograd.views.stepper import sentence
from autograd.views.text import format_number, node_names

from ._common import heading, say

__all__ = ["build_graph", "graph_derivatives", "nudge_input", "backward_steps", "show", "main"]

NOTES_INPUTS = {"a": 5.0, "b": 3.0, "c": 2.0}

# How each node is computed from the others, as the notes write it; the forward
# pass prints these beside the numbers.
EXPRESSIONS = {"u": "b·c", "v": "a + u", "J": "3·v"}


def build_graph(a=5.0, b=3.0, c=2.0):
    """Run the forward pass of J = 3(a + b·c), labelling every node.

    Args:
        a, b, c: numbers.

    Returns:
        dict from label ("a", "b", "c", "u", "v", "J") to its Value.

    >>> nodes = build_graph()
    >>> nodes["u"].data, nodes["v"].data, nodes["J"].data
    (6.0, 11.0, 33.0)
    """
    a, b, c = Value(a, "a"), Value(b, "b"), Value(c, "c")
    u = (b * c).named("u")
    v = (a + u).named("v")
    J = (3 * v).named("J")
    return {"a": a, "b": b, "c": c, "u": u, "v": v, "J": J}


def graph_derivatives(a=5.0, b=3.0, c=2.0):
    """Run forward and backward; return J and dJ/d(node) for every labelled node.

    Returns:
        dict with keys "J", "dJ/dJ", "dJ/dv", "dJ/du", "dJ/da", "dJ/db", "dJ/dc" (floats).

    >>> graph_derivatives()["dJ/dc"]
    9.0
    """
    nodes = build_graph(a, b, c)
    nodes["J"].backward()
    result = {"J": nodes["J"].data}
    for name in ("J", "v", "u", "a", "b", "c"):
        result[f"dJ/d{name}"] = nodes[name].grad
    return result


def nudge_input(name, h=0.001, a=5.0, b=3.0, c=2.0):
    """Nudge one input by ``h`` and see how far J moves, as the notes do (a: 5 -> 5.001).

    Args:
        name: "a", "b" or "c".
        h: the nudge.

    Returns:
        (J before, J after, (J after - J before) / h): the last is the slope dJ/d(name).

    Raises:
        ValueError: for a name other than a, b, c.

    >>> before, after, slope = nudge_input("a")
    >>> before, round(after, 9), round(slope, 6)
    (33.0, 33.003, 3.0)
    """
    inputs = {"a": a, "b": b, "c": c}
    if name not in inputs:
        raise ValueError(f"nudge_input: the inputs are a, b and c, not {name!r}")
    before = build_graph(**inputs)["J"].data
    inputs[name] += h
    after = build_graph(**inputs)["J"].data
    return before, after, (after - before) / h


def backward_steps(a=5.0, b=3.0, c=2.0):
    """The backward pass of J, one chain-rule step per edge, as sentences.

    Each step is one step of the engine's recorded pass (``autograd.record``),
    written as every view writes it (:func:`autograd.views.stepper.sentence`):
    dJ/d(parent) += upstream gradient dJ/d(child) · local derivative
    ∂(child)/∂(parent).  Every node here feeds exactly one other, so no
    gradient needs adding up.  The edge into the constant 3 is not a step: a
    constant has nothing to learn.

    Returns:
        list of str, in the order the engine makes the updates.
    """
    rec = record(build_graph(a, b, c)["J"])
    names = node_names(rec.order)
    return [f"{sentence(update, names, 'J')}   (as {update.child.label} = "
            f"{EXPRESSIONS[update.child.label]})" for update in rec.steps]


def show(a=5.0, b=3.0, c=2.0):
    """Print the forward pass, the backward pass and the nudge check."""
    nodes = build_graph(a, b, c)
    say("The notes' computation graph J = 3(a + b·c), with the intermediate nodes "
        "named u = b·c and v = a + u.")
    heading("Forward pass: each node from its parents")
    for name in ("a", "b", "c"):
        print(f"  {name} = {format_number(nodes[name].data)}")
    for name in ("u", "v", "J"):
        print(f"  {name} = {EXPRESSIONS[name]} = {format_number(nodes[name].data)}")

    heading("Backward pass: the chain rule, from J back to the inputs")
    say("Start with dJ/dJ = 1. Walking back along each edge, multiply the upstream "
        "gradient dJ/d(node above) by the local derivative ∂(node above)/∂(node below):")
    for step in backward_steps(a, b, c):
        print("  " + step)
    derivatives = graph_derivatives(a, b, c)
    print("  So: " + ", ".join(f"{key} = {format_number(derivatives[key])}"
                               for key in ("dJ/dv", "dJ/du", "dJ/da", "dJ/db", "dJ/dc")))

    if (a, b, c) == (5.0, 3.0, 2.0):
        u_nudged = 3 * (Value(a) + (nodes["u"].data + 0.001))
        say(f"The notes write dJ/du = 2, with u = 5 and J = 38.003 in its nudge. Here u = b·c = "
            f"{nodes['u'].data:g}; nudging u to {nodes['u'].data + 0.001:g} takes J from "
            f"{nodes['J'].data:g} to {u_nudged.data:.6g}, so dJ/du = {derivatives['dJ/du']:g}, as "
            "their own chain rule dJ/dv · ∂v/∂u = 3 × 1 says. They never compute dJ/dc; it is "
            f"{derivatives['dJ/dc']:g}.", indent="  ")

    heading("Check by nudging each input by 0.001")
    for name in ("a", "b", "c"):
        before, after, slope = nudge_input(name, 0.001, a, b, c)
        print(f"  {name}: {format_number(nodes[name].data)} -> "
              f"{format_number(nodes[name].data + 0.001)} moves J from {format_number(before)} "
              f"to {format_number(after)}, {format_number(slope)} times the nudge "
              f"(backward() said dJ/d{name} = {format_number(derivatives['dJ/d' + name])})")


def main(argv=None):
    """Command line: ``python -m demos.graph [--a 5] [--b 3] [--c 2]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.graph", description=__doc__.splitlines()[0])
    for name, default in NOTES_INPUTS.items():
        parser.add_argument(f"--{name}", type=float, default=default,
                            help=f"the input {name} (default {default:g}, as in the notes)")
    args = parser.parse_args(argv)
    show(args.a, args.b, args.c)


if __name__ == "__main__":
    main()
