"""Activation functions: softmax, the slopes of sigmoid, tanh, ReLU, leaky ReLU, softplus and step, and why a network needs a non-linearity.

From the lecture notes: softmax over the scores [10, 20, 30] for dog, cat
and horse (``../shared/seeds/001_*``); the activations and their derivatives,
sigmoid' = a(1 - a), tanh' = 1 - a², ReLU and leaky ReLU with the notes'
slope 0.1, a = max(0.1z, z) (``002_*``); ReLU'(0), which the notes (``003_*``)
take as 0 or 0.5; softplus (``003_*``); the perceptron's step, whose slope is
0 (``002_*``, see ``python -m demos.perceptron``); and why a linear
activation makes a deep network no better than one linear layer (``002_*``).
Every derivative here is the engine's: a backward() through one node.

The notes' table of σ gives σ(0) = 0; it is 0.5 (the table's own slope
formula σ(0)(1 - σ(0)) = 1/4 at z = 0 needs σ(0) = 1/2).

Run it with ``python -m demos.activations``.
"""

import argparse
import random

import nn
from autograd import Value

from ._common import heading, say

__all__ = ["SOFTMAX_SCORES", "softmax_example", "ACTIVATION_FUNCTIONS", "ACTIVATION_NAMES",
           "slope", "slope_table",
           "collapse_linear_layers", "show", "main"]

SOFTMAX_SCORES = {"dog": 10.0, "cat": 20.0, "horse": 30.0}
ACTIVATION_FUNCTIONS = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,                                          # ReLU'(0) = 0, PyTorch's choice
    "relu, 0.5 at 0": lambda z: z.relu(grad_at_zero=0.5),        # the notes' other choice
    "leaky_relu": Value.leaky_relu,                              # slope 0.01, PyTorch's default
    "leaky 0.1": lambda z: z.leaky_relu(0.1),                    # the notes' max(0.1z, z)
    "softplus": Value.softplus,
    "step": Value.step,
}
"""Row label -> function of one Value; the rows of the printed slope table."""
ACTIVATION_NAMES = tuple(ACTIVATION_FUNCTIONS)
POINTS = (-10.0, -1.0, 0.0, 1.0, 10.0)


def softmax_example(scores=None):
    """Softmax of the notes' scores: e^(z_i) / Σ_j e^(z_j).

    Args:
        scores: dict from class name to score (default dog 10, cat 20, horse 30).

    Returns:
        dict from class name to probability (floats summing to 1).

    >>> {name: f"{p:.3g}" for name, p in softmax_example().items()}
    {'dog': '2.06e-09', 'cat': '4.54e-05', 'horse': '1'}
    """
    scores = SOFTMAX_SCORES if scores is None else scores
    probabilities = nn.softmax([Value(z) for z in scores.values()])
    return {name: p.data for name, p in zip(scores, probabilities)}


def slope(activation_name, z):
    """The activation's value and derivative at ``z``, the derivative from backward().

    Returns:
        (g(z), g'(z)) as floats.

    >>> slope("sigmoid", 0.0), slope("tanh", 0.0)
    ((0.5, 0.25), (0.0, 1.0))
    """
    z_node = Value(z, "z")
    out = ACTIVATION_FUNCTIONS[activation_name](z_node)
    out.backward()
    return out.data, z_node.grad


def slope_table(points=POINTS, names=ACTIVATION_NAMES):
    """g(z) and g'(z) for each activation at each point.

    Returns:
        dict from activation name to a list of (z, g(z), g'(z)) tuples.
    """
    return {name: [(z, *slope(name, z)) for z in points] for name in names}


def _rule(activation_name):
    """The activation's derivative rule from the table of ops, for g(z), e.g. '∂g/∂z = 1 − tanh²(z)'."""
    return ACTIVATION_FUNCTIONS[activation_name](Value(0.0)).op.rule_text(0, ["z"], "g")


def _matrix(layer):
    """A linear layer's weights as rows (one per neuron) and its biases."""
    weights = [[w.data for w in neuron.w] for neuron in layer.neurons]
    biases = [neuron.b.data for neuron in layer.neurons]
    return weights, biases


def collapse_linear_layers(points=((1.0, 2.0), (-0.5, 3.0), (0.0, 0.0), (2.5, -1.5)), seed=0):
    """Show that two linear layers are one linear map: W2(W1·x + b1) + b2 = W·x + b.

    Builds ``nn.Layer(2, 3, "linear")`` then ``nn.Layer(3, 2, "linear")`` with
    random weights and biases, computes W = W2·W1 and b = W2·b1 + b2, and
    compares both on ``points``.

    Returns:
        (W, b, rows) with W a 2×2 list of lists, b a list of 2 floats, and rows a
        list of (point, two-layer output, single-map output) tuples.

    >>> W, b, rows = collapse_linear_layers()
    >>> max(abs(p - q) for _, two, one in rows for p, q in zip(two, one)) < 1e-12
    True
    """
    first = nn.Layer(2, 3, activation="linear", layer=1, seed=seed)
    second = nn.Layer(3, 2, activation="linear", layer=2, seed=seed + 1)
    # Biases start at 0; give them values so that the biases' part is shown too.
    rng = random.Random(seed)
    for neuron in first.neurons + second.neurons:
        neuron.b.data = rng.uniform(-1.0, 1.0)
    W1, b1 = _matrix(first)
    W2, b2 = _matrix(second)
    W = [[sum(W2[i][k] * W1[k][j] for k in range(len(W1))) for j in range(len(W1[0]))]
         for i in range(len(W2))]
    b = [sum(W2[i][k] * b1[k] for k in range(len(b1))) + b2[i] for i in range(len(W2))]
    rows = []
    for point in points:
        two_layers = [out.data for out in second(first(list(point)))]
        single = [sum(W[i][j] * point[j] for j in range(len(point))) + b[i] for i in range(len(W))]
        rows.append((point, two_layers, single))
    return W, b, rows


def show():
    """Print softmax, the activations' slopes, and the collapse of linear layers."""
    heading("Softmax: scores to probabilities")
    say("The notes' output layer scores an image as dog 10, cat 20, horse 30; softmax turns "
        "the scores into probabilities, e^(z_i) / Σ_j e^(z_j):", indent="  ")
    for name, p in softmax_example().items():
        print(f"  P({name}) = e^{SOFTMAX_SCORES[name]:g} / (e^10 + e^20 + e^30) = {p:.6g}")

    heading("The slopes of the activations, from backward()")
    table = slope_table()
    print(f"  {'slope at z =':<15}" + "".join(f"{z:>9g}" for z in POINTS) + "   rule (from the table of ops)")
    for name in ACTIVATION_NAMES:
        slopes = "".join(f"{slope_at:>9.3g}" for _, _, slope_at in table[name])
        print(f"  {name:<15}{slopes}   {_rule(name)}")
    sigmoid_far, tanh_far = table["sigmoid"][-1][2], table["tanh"][-1][2]
    print()
    say(f"sigmoid' is at most 0.25 (at z = 0) and tanh' at most 1; at z = ±10 they are "
        f"{sigmoid_far:.1e} and {tanh_far:.1e}. The chain rule multiplies these slopes layer "
        "by layer, so a saturated sigmoid or tanh lets almost no gradient through: the "
        "vanishing gradient (python -m demos.vanishing). ReLU's slope is 1 for every positive "
        "z and 0 below. At the kink z = 0 ReLU has no derivative: chainrule uses 0, like "
        "PyTorch, and the notes' other choice 0.5 is Value.relu(grad_at_zero=0.5) or the row "
        "ops.relu_with(0.5). Leaky ReLU keeps a small slope below 0 so no neuron stops "
        "learning altogether: the notes write max(0.1z, z), a slope of 0.1 (nn's "
        "\"leaky_relu\" by name has PyTorch's 0.01; pass ops.leaky_relu_with(0.1) as the "
        "activation for the notes'). Softplus ln(1 + e^z) is a smooth ReLU whose slope is "
        "σ(z). The step function's slope is 0 everywhere.", indent="  ")
    sigmoid_at_0 = table["sigmoid"][POINTS.index(0.0)][1]
    say(f"σ(0) = {sigmoid_at_0:g}: the notes' table of σ writes 0 there.", indent="  ")

    heading("Why a non-linearity: two linear layers are one linear layer")
    W, b, rows = collapse_linear_layers()
    say("A 2 -> 3 -> 2 network with linear activations computes W2(W1·x + b1) + b2, "
        "which is W·x + b with W = W2·W1 and b = W2·b1 + b2:", indent="  ")
    print(f"  W = [[{W[0][0]:.4f}, {W[0][1]:.4f}], [{W[1][0]:.4f}, {W[1][1]:.4f}]], "
          f"b = [{b[0]:.4f}, {b[1]:.4f}]")
    for point, two_layers, single in rows:
        print(f"  x = ({point[0]:g}, {point[1]:g}): two layers give ({two_layers[0]:.6f}, "
              f"{two_layers[1]:.6f}), W·x + b gives ({single[0]:.6f}, {single[1]:.6f})")
    say("However many linear layers are stacked, the result is one linear map, which can "
        "only draw straight decision boundaries. A non-linear activation between the layers "
        "(ReLU, tanh, sigmoid) is what lets depth help.", indent="  ")


def main(argv=None):
    """Command line: ``python -m demos.activations``."""
    parser = argparse.ArgumentParser(prog="python -m demos.activations",
                                     description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    show()


if __name__ == "__main__":
    main()
