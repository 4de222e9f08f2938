"""The output-layer delta of note 001: δ_j = -(y_j - a_j)·σ(z_j)(1 - σ(z_j)) and ∂L/∂w_ij = δ_j·a_i, from backward().

From the lecture notes, ``../shared/seeds/001_*`` (its last pages): for a
sigmoid output layer and the loss L = ½ Σ_j (y_j - a_j)², the chain rule
∂L/∂w_ij = ∂L/∂a_j · ∂a_j/∂z_j · ∂z_j/∂w_ij gives

    ∂L/∂a_j  = -(y_j - a_j)              (the ½ cancels the 2 of the square)
    ∂a_j/∂z_j = σ(z_j)(1 - σ(z_j))
    ∂z_j/∂w_ij = a_i^[l-1]

    δ_j = -(y_j - a_j)·σ(z_j)(1 - σ(z_j)),   ∂L/∂w_ij = δ_j·a_i^[l-1],   ∂L/∂b_j = δ_j.

The demo builds a small output layer (two inputs from the layer before,
three sigmoid outputs read as dog, cat, horse) with ``nn.Layer``, takes
the notes' loss as ``nn.mse(outputs, targets, reduction="sum", half=True)``,
runs backward(), and prints each δ_j and ∂L/∂w_ij beside the formula.  It
also shows what the default ``nn.mse`` (the mean, no ½) gives instead: 2/n
times the notes' δ.

Run it with ``python -m demos.delta``.
"""

import argparse
from collections import namedtuple

import nn

from ._common import heading, say

__all__ = ["PREVIOUS_ACTIVATIONS", "WEIGHTS", "BIASES", "TARGETS", "CLASSES", "OutputLayer",
           "output_layer_deltas", "single_output_deltas", "show", "main"]

CLASSES = ("dog", "cat", "horse")
PREVIOUS_ACTIVATIONS = (0.5, 0.8)
"""a^[l-1]_1, a^[l-1]_2: what the layer before hands on."""
WEIGHTS = ((0.4, 0.3), (-0.2, 0.5), (0.1, -0.6))
"""WEIGHTS[j][i] = w_ij: the weight from input i to output neuron j (one row per neuron)."""
BIASES = (0.1, 0.0, -0.1)
TARGETS = (1.0, 0.0, 0.0)
"""y: the image is a dog."""

OutputLayer = namedtuple("OutputLayer", "z a delta_engine delta_formula dw_engine dw_formula "
                                        "db_engine delta_mean")
OutputLayer.__doc__ = """The output layer's numbers, each a tuple over the outputs j (floats):

``z``, ``a``; ``delta_engine`` (∂L/∂z_j read from backward()) and
``delta_formula`` (-(y_j - a_j)σ(z_j)(1 - σ(z_j))); ``dw_engine`` and
``dw_formula``: tuples over j of tuples over i of ∂L/∂w_ij; ``db_engine``
(∂L/∂b_j); ``delta_mean``: ∂L/∂z_j when L is ``nn.mse``'s default mean
without the ½."""


def _layer():
    layer = nn.Layer(len(PREVIOUS_ACTIVATIONS), len(CLASSES), activation="sigmoid", layer=2)
    for neuron, weights, bias in zip(layer.neurons, WEIGHTS, BIASES):
        for parameter, value in zip(neuron.w, weights):
            parameter.data = value
        neuron.b.data = bias
    return layer


def _backward(**mse_options):
    """Forward and backward through the layer; return (layer, outputs, the z nodes)."""
    layer = _layer()
    outputs = layer(list(PREVIOUS_ACTIVATIONS))
    loss = nn.mse(outputs, TARGETS, **mse_options)
    layer.zero_grad()
    loss.backward()
    # each output a_j = σ(z_j) has one parent, the weighted-sum node z_j
    return layer, outputs, [a.parents[0] for a in outputs]


def output_layer_deltas():
    """The notes' δ_j and ∂L/∂w_ij for the demo's layer, from backward() and from the formulas.

    Returns:
        OutputLayer.

    >>> result = output_layer_deltas()
    >>> [round(d, 4) for d in result.delta_engine]
    [-0.0856, 0.1404, 0.0864]
    >>> max(abs(e - f) for e, f in zip(result.delta_engine, result.delta_formula)) < 1e-15
    True
    """
    layer, outputs, zs = _backward(reduction="sum", half=True)
    a = tuple(out.data for out in outputs)
    z = tuple(node.data for node in zs)
    delta_formula = tuple(-(y - a_j) * a_j * (1 - a_j) for y, a_j in zip(TARGETS, a))
    dw_formula = tuple(tuple(delta * a_i for a_i in PREVIOUS_ACTIVATIONS) for delta in delta_formula)
    dw_engine = tuple(tuple(w.grad for w in neuron.w) for neuron in layer.neurons)
    db_engine = tuple(neuron.b.grad for neuron in layer.neurons)
    _, _, zs_mean = _backward()
    return OutputLayer(z, a, tuple(node.grad for node in zs), delta_formula, dw_engine, dw_formula,
                       db_engine, tuple(node.grad for node in zs_mean))


def single_output_deltas():
    """The dog's neuron alone: (∂L/∂z with the notes' ½ Σ, ∂L/∂z with ``nn.mse``'s default mean).

    >>> notes, default = single_output_deltas()
    >>> round(notes, 4), default / notes
    (-0.0856, 2.0)
    """
    deltas = []
    for options in ({"reduction": "sum", "half": True}, {}):
        neuron = _layer().neurons[0]
        a = neuron(list(PREVIOUS_ACTIVATIONS))
        nn.mse([a], [TARGETS[0]], **options).backward()
        deltas.append(a.parents[0].grad)
    return tuple(deltas)


def show():
    """Print the layer's forward pass, each δ_j and ∂L/∂w_ij beside the notes' formulas."""
    result = output_layer_deltas()
    n = len(CLASSES)
    say("An output layer of three sigmoid neurons (dog, cat, horse) fed by a^[l-1] = "
        f"({PREVIOUS_ACTIVATIONS[0]:g}, {PREVIOUS_ACTIVATIONS[1]:g}); the image is a dog, so "
        "y = (1, 0, 0). The notes' loss L = ½ Σ_j (y_j - a_j)² is "
        "nn.mse(outputs, targets, reduction=\"sum\", half=True).")

    heading("Forward pass")
    for j, name in enumerate(CLASSES):
        w = WEIGHTS[j]
        print(f"  {name:<5}: z_{j + 1} = ({w[0]:g})·{PREVIOUS_ACTIVATIONS[0]:g} + "
              f"({w[1]:g})·{PREVIOUS_ACTIVATIONS[1]:g} + ({BIASES[j]:g}) = {result.z[j]:.4f},  "
              f"a_{j + 1} = σ(z_{j + 1}) = {result.a[j]:.4f}")

    heading("δ_j = -(y_j - a_j)·σ(z_j)(1 - σ(z_j)): the formula beside backward()'s ∂L/∂z_j")
    for j, name in enumerate(CLASSES):
        a_j = result.a[j]
        print(f"  δ_{j + 1} = -({TARGETS[j]:g} - {a_j:.4f})·{a_j:.4f}·(1 - {a_j:.4f}) = "
              f"{result.delta_formula[j]:+.6f}   backward(): {result.delta_engine[j]:+.6f}")

    heading("∂L/∂w_ij = δ_j·a_i^[l-1] and ∂L/∂b_j = δ_j")
    for j in range(n):
        for i, a_i in enumerate(PREVIOUS_ACTIVATIONS):
            print(f"  ∂L/∂w_{i + 1}{j + 1} = {result.delta_formula[j]:+.6f}·{a_i:g} = "
                  f"{result.dw_formula[j][i]:+.6f}   backward(): {result.dw_engine[j][i]:+.6f}")
        print(f"  ∂L/∂b_{j + 1}  = δ_{j + 1} = {result.delta_formula[j]:+.6f}   "
              f"backward(): {result.db_engine[j]:+.6f}")
    worst = max(abs(e - f) for row_e, row_f in zip(result.dw_engine, result.dw_formula)
                for e, f in zip(row_e, row_f))
    print(f"  largest difference between formula and backward(): {worst:.1e}")

    heading("Why the ½ and the sum matter")
    say(f"nn.mse's default is PyTorch's: the mean over the n = {n} outputs, without the ½. "
        f"Its gradient is 2/n = {2 / n:.4f} times the notes' δ:", indent="  ")
    for j, name in enumerate(CLASSES):
        print(f"  {name:<5}: notes' δ {result.delta_engine[j]:+.6f}, default mse "
              f"{result.delta_mean[j]:+.6f} (ratio {result.delta_mean[j] / result.delta_engine[j]:.4f})")
    notes_delta, default_delta = single_output_deltas()
    print(f"  one output neuron (the dog's alone): notes' δ {notes_delta:+.6f}, default mse "
          f"{default_delta:+.6f}, exactly {default_delta / notes_delta:g} times as much")
    say("Pass reduction=\"sum\", half=True to follow the notes.", indent="  ")


def main(argv=None):
    """Command line: ``python -m demos.delta``."""
    parser = argparse.ArgumentParser(prog="python -m demos.delta", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    show()


if __name__ == "__main__":
    main()
