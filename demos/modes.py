"""Forward mode beside reverse mode: the same Jacobians, and what each way costs in multiply-adds.

For f: Rⁿ → Rᵐ the whole Jacobian takes n forward sweeps (one per input,
each giving a column) or m reverse sweeps (one per output, each giving a
row).  Every sweep does one multiply-add per edge it follows, and follows
the edges on paths from its input (forward) or to its output (reverse).
Chris Olah's "Calculus on Computational Graphs" puts it as: forward mode
touches every edge once per input, reverse mode once per output.  The notes
(``../shared/seeds/003_*``) say backprop finds all the gradients "in a single
backward swoop": a loss has m = 1.

Four graphs, both ways, with the Jacobians printed and the multiply-adds
counted (by ``autograd.jacobian``):

1. the notes' J = 3(a + b·c): n = 3, m = 1;
2. one layer with many outputs: n = 2 inputs, m = 12 tanh neurons;
3. the same outputs behind a hidden layer they all share: MLP 2-8-12;
4. a loss over the parameters of micrograd's MLP 2-16-16-1: n = 337 weights and biases, m = 1.

Run it with ``python -m demos.modes``.
"""

import argparse
from collections import namedtuple

from autograd import Value
from autograd.jacobian import count_edges, jacobian_forward, jacobian_reverse
from nn import MLP, Layer, mse

from ._common import heading, say

__all__ = ["Case", "Comparison", "cases", "compare", "edge_count_table", "show", "main"]

Case = namedtuple("Case", "name outputs inputs input_names output_names")
Case.__doc__ = """A graph to differentiate: outputs (list of m Values) with respect to inputs (list of n leaves),
with a short name and names for the inputs and outputs (lists of str)."""

Comparison = namedtuple("Comparison", "case edges edges_on_paths forward reverse")
Comparison.__doc__ = """One case done both ways: the graph's edges (all of them, and those on a path
from an input to an output) and the two :class:`autograd.jacobian.Jacobian` results."""


def notes_graph_case():
    """The notes' J = 3(a + b·c) at a = 5, b = 3, c = 2, with respect to a, b and c."""
    a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    J = (3 * (a + (b * c).named("u")).named("v")).named("J")
    return Case("J = 3(a + b·c)", [J], [a, b, c], ["a", "b", "c"], ["J"])


def layer_case(n_outputs=12):
    """One tanh layer, 2 inputs and ``n_outputs`` neurons, with respect to its inputs."""
    x = [Value(0.5, "x1"), Value(-1.0, "x2")]
    outputs = Layer(2, n_outputs, activation="tanh", seed=1)(x)
    return Case(f"one layer, 2 → {n_outputs}", outputs, x, ["x1", "x2"],
                [out.label for out in outputs])


def shared_hidden_case(n_hidden=8, n_outputs=12):
    """The same many outputs behind a tanh hidden layer they all share, with respect to the inputs."""
    x = [Value(0.5, "x1"), Value(-1.0, "x2")]
    outputs = MLP(2, [n_hidden, n_outputs], activation="tanh", output_activation="tanh",
                  seed=1)(x)
    return Case(f"shared hidden layer, 2 → {n_hidden} → {n_outputs}", outputs, x, ["x1", "x2"],
                [out.label for out in outputs])


def loss_case():
    """A mean squared error over four points of micrograd's MLP 2-16-16-1, with respect to its parameters."""
    model = MLP(2, [16, 16, 1], activation="tanh", seed=2)
    points = [(0.5, -1.0), (1.0, 0.25), (-0.75, 0.5), (0.0, 1.5)]
    targets = [1.0, -1.0, 0.5, 0.0]
    loss = mse([model(list(point))[0] for point in points], targets).named("L")
    parameters = model.parameters()
    return Case(f"loss over MLP 2-16-16-1's {len(parameters)} parameters", [loss], parameters,
                [p.label for p in parameters], ["L"])


def cases():
    """The four cases of this demo, in order (list of :class:`Case`)."""
    return [notes_graph_case(), layer_case(), shared_hidden_case(), loss_case()]


def compare(case):
    """Compute the case's Jacobian both ways and count its edges (a :class:`Comparison`)."""
    every, on_paths = count_edges(case.outputs, case.inputs)
    return Comparison(case, every, on_paths, jacobian_forward(case.outputs, case.inputs),
                      jacobian_reverse(case.outputs, case.inputs))


def largest_difference(comparison):
    """The largest |forward − reverse| over the Jacobian's entries (float)."""
    return max(abs(f - r) for forward_row, reverse_row
               in zip(comparison.forward.rows, comparison.reverse.rows)
               for f, r in zip(forward_row, reverse_row))


def edge_count_table(comparisons):
    """The multiply-adds of both ways as a Markdown table (str), one row per case.

    >>> print(edge_count_table([compare(notes_graph_case())]))
    | graph | n inputs | m outputs | edges on a path | forward: sweeps | forward: multiply-adds | reverse: sweeps | reverse: multiply-adds | cheaper |
    |---|---:|---:|---:|---:|---:|---:|---:|---|
    | J = 3(a + b·c) | 3 | 1 | 5 of 6 | 3 | 8 | 1 | 5 | reverse, 1.6× |
    """
    lines = ["| graph | n inputs | m outputs | edges on a path | forward: sweeps "
             "| forward: multiply-adds | reverse: sweeps | reverse: multiply-adds | cheaper |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for comparison in comparisons:
        forward, reverse = comparison.forward, comparison.reverse
        if forward.multiply_adds == reverse.multiply_adds:
            cheaper = "neither"
        else:
            winner = "forward" if forward.multiply_adds < reverse.multiply_adds else "reverse"
            ratio = (max(forward.multiply_adds, reverse.multiply_adds)
                     / min(forward.multiply_adds, reverse.multiply_adds))
            cheaper = f"{winner}, {ratio:.3g}×"
        lines.append(f"| {comparison.case.name} | {len(comparison.case.inputs)} "
                     f"| {len(comparison.case.outputs)} "
                     f"| {comparison.edges_on_paths:,} of {comparison.edges:,} "
                     f"| {forward.sweeps} | {forward.multiply_adds:,} "
                     f"| {reverse.sweeps} | {reverse.multiply_adds:,} | {cheaper} |")
    return "\n".join(lines)


def _show_jacobian(comparison, max_rows=12, max_columns=4):
    """Print the two Jacobians side by side, up to max_rows rows and max_columns columns."""
    case = comparison.case
    columns = min(len(case.inputs), max_columns)
    width = 10 * columns
    names = " ".join(f"{name:>9}" for name in case.input_names[:columns])
    print(f"  {'':<10} {'forward (one column per sweep)':<{width}}   reverse (one row per sweep)")
    print(f"  {'':<10} {names:<{width}}   {names}")
    for row in range(min(len(case.outputs), max_rows)):
        forward = " ".join(f"{x:9.5f}" for x in comparison.forward.rows[row][:columns])
        reverse = " ".join(f"{x:9.5f}" for x in comparison.reverse.rows[row][:columns])
        name = "∂" + case.output_names[row]
        print(f"  {name:<10} {forward:<{width}}   {reverse}")
    hidden_rows = len(case.outputs) - min(len(case.outputs), max_rows)
    hidden_columns = len(case.inputs) - columns
    if hidden_rows or hidden_columns:
        print(f"  (… {hidden_rows} more rows, {hidden_columns} more columns)")
    print(f"  largest |forward − reverse| over all {len(case.outputs) * len(case.inputs)} "
          f"entries: {largest_difference(comparison):.1e}")


def show():
    """Print each case's Jacobians both ways, then the table of multiply-adds."""
    say("Forward mode pushes tangents up from one input: a sweep gives one column of the "
        "Jacobian. Reverse mode (backward()) pulls gradients down from one output: a sweep "
        "gives one row. Both use the same local derivatives from the table of operations.")
    comparisons = [compare(case) for case in cases()]
    for comparison in comparisons:
        case = comparison.case
        heading(f"{case.name}: n = {len(case.inputs)}, m = {len(case.outputs)}")
        _show_jacobian(comparison)
    heading("What each way cost")
    print(edge_count_table(comparisons))
    print()
    say("A sweep costs one multiply-add per edge it follows: forward mode pays for an edge once "
        "per input below it, reverse mode once per output above it. For a loss (m = 1) over "
        "many parameters, one reverse sweep does what would take a forward sweep per "
        "parameter: the notes' 'all the gradients in a single backward swoop'. (A forward "
        "sweep from a last-layer weight is short, so the gap here is smaller than the number "
        "of parameters; it grows with the depth of the network.)")
    print()
    layer, shared = comparisons[1], comparisons[2]
    say(f"Counting sweeps (n against m) is not the whole story. In one layer each output has "
        f"its own neuron, so a reverse sweep touches only that neuron's edges: "
        f"{_sweeps_and_cost(layer.reverse)} against {_sweeps_and_cost(layer.forward)}. "
        f"Once the outputs share work (a hidden layer below them all), every reverse sweep "
        f"pays for that shared work again: {_sweeps_and_cost(shared.reverse)} against "
        f"{_sweeps_and_cost(shared.forward)}. That is when forward mode pays: few inputs, "
        f"many outputs that share their work.")


def _sweeps_and_cost(jacobian):
    """'12 reverse sweeps (36 multiply-adds)' (str)."""
    return (f"{jacobian.sweeps} {jacobian.mode} sweep{'s' if jacobian.sweeps != 1 else ''} "
            f"({jacobian.multiply_adds:,} multiply-adds)")


def main(argv=None):
    """Command line: ``python -m demos.modes``."""
    parser = argparse.ArgumentParser(prog="python -m demos.modes",
                                     description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    show()


if __name__ == "__main__":
    main()
