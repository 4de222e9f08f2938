"""The vectorised formulas of notes 001-002 with NumPy, checked against the scalar engine's per-edge gradients.

From the lecture notes (``../shared/seeds/001_*`` and ``002_*``): a
two-layer network with 3 inputs, 4 sigmoid hidden units and 1 sigmoid
output, written one matrix per layer,

    Z[1] = W[1]·X + b[1]      (4 × m) = (4 × 3)(3 × m) + (4 × 1)
    A[1] = σ(Z[1])            (4 × m)
    Z[2] = W[2]·A[1] + b[2]   (1 × m) = (1 × 4)(4 × m) + (1 × 1)
    A[2] = σ(Z[2])            (1 × m)

(for one sample, m = 1, these are the notes' (4 × 1) = (4 × 3)(3 × 1) + (4 × 1)),
and the backward pass for the mean binary cross-entropy over the m samples:

    dZ[2] = A[2] - Y
    dW[2] = (1/m) dZ[2]·A[1]ᵀ           db[2] = (1/m) Σ_samples dZ[2]
    dZ[1] = W[2]ᵀ·dZ[2] * g′(Z[1])      (* element by element; g′ = A[1](1 - A[1]))
    dW[1] = (1/m) dZ[1]·Xᵀ              db[1] = (1/m) Σ_samples dZ[1]

The same network, as ``nn.MLP(3, [4, 1])`` of scalar Values, gives each
weight one edge per sample (it enters m weighted sums); backward() adds the
m edges' contributions into the weight's grad.  The demo prints those
per-sample contributions for one weight, and checks that every entry of
dW[1], db[1], dW[2], db[2] equals the engine's summed gradient to 1e-12:
one number per node becomes one matrix per layer.

Run it with ``python -m demos.vectorised`` (``--samples M``).
"""

import argparse
import random
from collections import namedtuple

import nn

from ._common import heading, require, say

__all__ = ["N_INPUTS", "N_HIDDEN", "Vectorised", "make_data", "make_network", "numpy_pass",
           "engine_gradients", "compare", "show", "main"]

N_INPUTS, N_HIDDEN = 3, 4

Vectorised = namedtuple("Vectorised", "shapes numpy engine per_sample largest_difference")
Vectorised.__doc__ = """The comparison: ``shapes`` (list of (name, shape) pairs in the order
computed); ``numpy`` and ``engine``: dicts "dW1", "db1", "dW2", "db2" -> NumPy
arrays of the same shapes; ``per_sample``: the m contributions to dL/dw[1]_1,1
(list of floats, one per sample's edge); ``largest_difference``: float."""


def make_data(m, seed=0):
    """m samples: inputs (list of m lists of 3 floats in [-2, 2]) and labels (list of m ints 0/1)."""
    rng = random.Random(seed)
    inputs = [[rng.uniform(-2.0, 2.0) for _ in range(N_INPUTS)] for _ in range(m)]
    labels = [int(x[0] + 0.5 * x[1] - x[2] > 0) for x in inputs]
    return inputs, labels


def make_network(seed=0):
    """``nn.MLP(3, [4, 1])`` with sigmoid everywhere and non-zero biases (so db shows up)."""
    model = nn.MLP(N_INPUTS, [N_HIDDEN, 1], activation="sigmoid", output_activation="sigmoid",
                   seed=seed)
    rng = random.Random(seed + 1)
    for layer in model.layers:
        for neuron in layer.neurons:
            neuron.b.data = rng.uniform(-0.5, 0.5)
    return model


def _matrices(model, np):
    """W[l] as (neurons × inputs) arrays, one row per neuron as the notes write it; b[l] as columns."""
    weights, biases = [], []
    for layer in model.layers:
        weights.append(np.array([[w.data for w in neuron.w] for neuron in layer.neurons]))
        biases.append(np.array([[neuron.b.data] for neuron in layer.neurons]))
    return weights, biases


def numpy_pass(model, inputs, labels):
    """The notes' vectorised forward and backward pass in NumPy.

    Returns:
        (gradients, shapes): a dict "dW1", "db1", "dW2", "db2" -> arrays, and a
        list of (name, shape) for every matrix computed, in order.
    """
    np = require("numpy", "the vectorised formulas")
    (W1, W2), (b1, b2) = _matrices(model, np)
    X = np.array(inputs).T                      # (3 × m): one column per sample
    Y = np.array([labels], dtype=float)         # (1 × m)
    m = X.shape[1]
    Z1 = W1 @ X + b1                            # b1 (4 × 1) is added to every column
    A1 = 1.0 / (1.0 + np.exp(-Z1))
    Z2 = W2 @ A1 + b2
    A2 = 1.0 / (1.0 + np.exp(-Z2))
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * A1 * (1.0 - A1)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    shapes = [("X", X.shape), ("W[1]", W1.shape), ("b[1]", b1.shape), ("Z[1]", Z1.shape),
              ("A[1]", A1.shape), ("W[2]", W2.shape), ("b[2]", b2.shape), ("Z[2]", Z2.shape),
              ("A[2]", A2.shape), ("Y", Y.shape), ("dZ[2]", dZ2.shape), ("dW[2]", dW2.shape),
              ("db[2]", db2.shape), ("dZ[1]", dZ1.shape), ("dW[1]", dW1.shape),
              ("db[1]", db1.shape)]
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}, shapes


def engine_gradients(model, inputs, labels):
    """backward() on the scalar network: the mean BCE over all m samples in one graph.

    Returns:
        (gradients, per_sample): the dict of arrays laid out like
        :func:`numpy_pass`'s, and the m edge contributions to dL/dw[1]_1,1,
        each found by a backward() through that sample's loss / m alone.
    """
    np = require("numpy", "the vectorised formulas")
    outputs = [model(x)[0] for x in inputs]
    model.zero_grad()
    nn.binary_cross_entropy(outputs, labels).backward()
    gradients = {}
    for l, layer in enumerate(model.layers, start=1):
        gradients[f"dW{l}"] = np.array([[w.grad for w in neuron.w] for neuron in layer.neurons])
        gradients[f"db{l}"] = np.array([[neuron.b.grad] for neuron in layer.neurons])

    weight = model.layers[0].neurons[0].w[0]       # w[1]_1,1
    per_sample = []
    for x, y in zip(inputs, labels):
        model.zero_grad()
        (nn.binary_cross_entropy(model(x), [y]) / len(inputs)).backward()
        per_sample.append(weight.grad)
    model.zero_grad()
    return gradients, per_sample


def compare(m=5, seed=0):
    """Run both and compare them.

    Returns:
        Vectorised.

    >>> result = compare()
    >>> result.largest_difference < 1e-12, [shape for name, shape in result.shapes if name == "Z[1]"]
    (True, [(4, 5)])
    """
    inputs, labels = make_data(m, seed)
    model = make_network(seed)
    by_numpy, shapes = numpy_pass(model, inputs, labels)
    by_engine, per_sample = engine_gradients(model, inputs, labels)
    largest = max(float(abs(by_numpy[name] - by_engine[name]).max()) for name in by_numpy)
    return Vectorised(shapes, by_numpy, by_engine, per_sample, largest)


def _shape(shape):
    return f"({shape[0]} × {shape[1]})"


def show(m=5, seed=0):
    """Print every shape, the four gradients both ways, and the per-sample edges of one weight."""
    result = compare(m, seed)
    shape = dict(result.shapes)
    say(f"A two-layer network, 3 inputs -> 4 sigmoid units -> 1 sigmoid output, on m = {m} "
        "samples; loss: the mean binary cross-entropy. NumPy computes the notes' matrix "
        "formulas; the scalar engine computes one number per node.")

    heading("Shapes, as the notes write them")
    print(f"  one sample: z[1] = W[1]·a[0] + b[1]:  (4 × 1) = (4 × 3)(3 × 1) + (4 × 1)")
    print(f"  m samples:  Z[1] = W[1]·X + b[1]:     {_shape(shape['Z[1]'])} = "
          f"{_shape(shape['W[1]'])}{_shape(shape['X'])} + {_shape(shape['b[1]'])}  "
          "(b[1] added to each column)")
    print(f"              Z[2] = W[2]·A[1] + b[2]:  {_shape(shape['Z[2]'])} = "
          f"{_shape(shape['W[2]'])}{_shape(shape['A[1]'])} + {_shape(shape['b[2]'])}")
    print(f"  dZ[2] = A[2] - Y                       {_shape(shape['dZ[2]'])}")
    print(f"  dW[2] = (1/m) dZ[2]·A[1]ᵀ              {_shape(shape['dW[2]'])} = "
          f"{_shape(shape['dZ[2]'])}{_shape(shape['A[1]'][::-1])}")
    print(f"  db[2] = (1/m) Σ dZ[2]                  {_shape(shape['db[2]'])}")
    print(f"  dZ[1] = W[2]ᵀ·dZ[2] * A[1](1 - A[1])   {_shape(shape['dZ[1]'])} = "
          f"{_shape(shape['W[2]'][::-1])}{_shape(shape['dZ[2]'])} * {_shape(shape['A[1]'])}")
    print(f"  dW[1] = (1/m) dZ[1]·Xᵀ                 {_shape(shape['dW[1]'])} = "
          f"{_shape(shape['dZ[1]'])}{_shape(shape['X'][::-1])}")
    print(f"  db[1] = (1/m) Σ dZ[1]                  {_shape(shape['db[1]'])}")

    heading("The gradients: NumPy's matrices beside backward()'s per-weight grads")
    for name, label in (("dW2", "dW[2]"), ("db2", "db[2]"), ("dW1", "dW[1]"), ("db1", "db[1]")):
        print(f"  {label}:")
        for numpy_row, engine_row in zip(result.numpy[name], result.engine[name]):
            print("    NumPy " + " ".join(f"{v:+.8f}" for v in numpy_row)
                  + "   engine " + " ".join(f"{v:+.8f}" for v in engine_row))
    print(f"  largest difference over all {sum(a.size for a in result.numpy.values())} entries: "
          f"{result.largest_difference:.1e} (within 1e-12: {result.largest_difference <= 1e-12})")

    heading("One weight, m edges: how the sum over samples happens in the graph")
    say(f"w[1]_1,1 feeds the first hidden unit's weighted sum once per sample, so it has "
        f"{m} edges in the graph; backward() adds what flows along each:", indent="  ")
    for k, contribution in enumerate(result.per_sample, start=1):
        print(f"    sample {k}: {contribution:+.10f}")
    print(f"    sum       {sum(result.per_sample):+.10f}   = dW[1][0, 0] = "
          f"{result.numpy['dW1'][0, 0]:+.10f}")
    say("The (1/m)·dZ[1]·Xᵀ product is that sum for every weight at once: row j, column i "
        "adds dZ[1]_j times x_i over the samples.", indent="  ")


def main(argv=None):
    """Command line: ``python -m demos.vectorised [--samples 5] [--seed 0]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.vectorised",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5, help="m, the number of samples (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and weights (default 0)")
    args = parser.parse_args(argv)
    if args.samples < 1:
        parser.error("--samples must be at least 1")
    show(args.samples, args.seed)


if __name__ == "__main__":
    main()
