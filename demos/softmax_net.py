"""Note 001's network: MLP(4, [5, 3]) with a softmax output, its 43 parameters term by term, softmax worked through, and training on iris.

From the lecture notes, ``../shared/seeds/001_*``: a network with 4 inputs,
a hidden layer of 5 neurons and an output layer of 3, whose parameters the
notes count as 4×5 + 5×3 + 5 + 3 = 43 (W[1], W[2], b[1], b[2]); its output
layer is a softmax, read as the probabilities of dog, cat and horse; and the
softmax worked for the scores [10, 20, 30], [1, 2] and [1, 2, 3].

The same network then learns a real 3-class problem with 4 features:
scikit-learn's bundled iris flowers (150 samples, no download), features
standardised, a stratified quarter held out, ``nn.cross_entropy`` from the
logits (softmax plus the log loss in one stable step), full-batch Adam.

Where the notes slip, the demo says so: the dog/cat/horse probabilities
0.6/0.1/0.3 written beside the scores 10/20/30 (softmax of those scores is
about 0/0/1), and e^10/(e^10 + e^2 + e^0) written as 0 (it is 0.99962).

Run it with ``python -m demos.softmax_net`` (``--epochs N``).
"""

import argparse
import math
from collections import namedtuple

import nn
from autograd import Value, no_grad

from ._common import heading, require, say

__all__ = ["NOTES_SCORES", "count_parameters", "softmax_of", "load_iris_split", "IrisRun",
           "train_iris", "main"]

NOTES_SCORES = ([10.0, 20.0, 30.0], [1.0, 2.0], [1.0, 2.0, 3.0])
CLASSES = ("dog", "cat", "horse")
EPOCHS = 200


def count_parameters(model):
    """The parameters of an MLP grouped as the notes count them.

    Returns:
        list of (name, shape text, count) in the notes' order W[1], W[2], ..., b[1], b[2], ...

    >>> rows = count_parameters(nn.MLP(4, [5, 3]))
    >>> [(name, count) for name, _, count in rows], sum(count for _, _, count in rows)
    ([('W[1]', 20), ('W[2]', 15), ('b[1]', 5), ('b[2]', 3)], 43)
    """
    weights, biases = [], []
    for l, layer in enumerate(model.layers, start=1):
        n_weights = sum(len(neuron.w) for neuron in layer.neurons)
        weights.append((f"W[{l}]", f"{layer.n_inputs}×{layer.n_outputs}", n_weights))
        biases.append((f"b[{l}]", f"{layer.n_outputs}", len(layer.neurons)))
    return weights + biases


def softmax_of(scores):
    """softmax(scores) by nn.softmax, as floats: e^(z_i) / Σ_j e^(z_j).

    >>> [round(p, 4) for p in softmax_of([1.0, 2.0])]
    [0.2689, 0.7311]
    """
    return [p.data for p in nn.softmax([Value(z) for z in scores])]


def load_iris_split():
    """Iris, features standardised with the training quarter's means and deviations, 75/25 stratified.

    Returns:
        (train_inputs, test_inputs, train_labels, test_labels): lists of
        4-float lists and of ints 0-2.
    """
    datasets = require("sklearn.datasets", "the iris demo")
    model_selection = require("sklearn.model_selection", "the iris demo")
    iris = datasets.load_iris()
    train_x, test_x, train_y, test_y = model_selection.train_test_split(
        iris.data, iris.target, test_size=0.25, random_state=0, stratify=iris.target)
    means = train_x.mean(axis=0)
    deviations = train_x.std(axis=0)
    scale = lambda rows: [[float(v) for v in (row - means) / deviations] for row in rows]
    return scale(train_x), scale(test_x), [int(y) for y in train_y], [int(y) for y in test_y]


IrisRun = namedtuple("IrisRun", "model losses train_accuracy test_accuracy n_train n_test")
IrisRun.__doc__ = """The trained ``model``, the loss of each epoch (list of floats), the final
training and test accuracy (floats in [0, 1]) and the split's sizes."""


def _accuracy(model, inputs, labels):
    with no_grad():
        right = 0
        for x, y in zip(inputs, labels):
            logits = [z.data for z in model(x)]
            right += logits.index(max(logits)) == y
    return right / len(labels)


def train_iris(epochs=EPOCHS, lr=0.05, seed=0, progress=False):
    """Train note 001's MLP(4, [5, 3]) (sigmoid hidden units, softmax output) on iris.

    Each epoch: one forward pass over the 112 training flowers, the mean
    cross-entropy of softmax(logits), backward(), one Adam step.

    Returns:
        IrisRun.
    """
    train_x, test_x, train_y, test_y = load_iris_split()
    model = nn.MLP(4, [5, 3], activation="sigmoid", seed=seed)
    optimizer = nn.Adam(model.parameters(), lr=lr)
    epochs_range = range(epochs)
    if progress:
        epochs_range = require("tqdm", "the progress bar").tqdm(epochs_range, desc="iris",
                                                                 unit="epoch", leave=False)
    losses = []
    for _ in epochs_range:
        loss = nn.cross_entropy([model(x) for x in train_x], train_y)
        model.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    return IrisRun(model, losses, _accuracy(model, train_x, train_y),
                   _accuracy(model, test_x, test_y), len(train_x), len(test_x))


def show_parameters():
    """Print the 43 parameters term by term, and the labels of a few."""
    model = nn.MLP(4, [5, 3])
    heading("MLP(4, [5, 3]): the notes' 43 parameters, term by term")
    rows = count_parameters(model)
    for name, shape, count in rows:
        print(f"  {name:<5} {shape:>4}  {count:>3}")
    print("  " + " + ".join(f"{shape}" for _, shape, _ in rows) + " = "
          + " + ".join(str(count) for _, _, count in rows) + f" = {sum(c for _, _, c in rows)}")
    print(f"  len(model.parameters()) = {len(model.parameters())}")
    labels = [p.label for p in model.parameters()]
    print(f"  their labels: {', '.join(labels[:5])}, ... (neuron 1 of layer 1), ..., "
          f"{', '.join(labels[-4:])}")


def show_softmax():
    """Print the notes' three softmax examples and the dog/cat/horse reading."""
    heading("Softmax: e^(z_i) / Σ_j e^(z_j)")
    for scores in NOTES_SCORES:
        probabilities = softmax_of(scores)
        terms = " + ".join(f"e^{z:g}" for z in scores)
        for z, p in zip(scores, probabilities):
            print(f"  scores {[int(s) for s in scores]}: e^{z:g} / ({terms}) = {p:.6g}")
        print(f"    (sum {sum(probabilities):.6f})")
    say("Reading the output as classes: with scores dog 10, cat 20, horse 30 the network "
        "says horse with probability 0.99995 and dog with 2.1e-09. The notes write dog 0.6, "
        "cat 0.1, horse 0.3 beside those scores: probabilities of that kind are what a "
        "softmax gives, but not for these scores (for them dog would need the largest score).",
        indent="  ")
    notes_example = math.exp(10) / (math.exp(10) + math.exp(2) + math.exp(0))
    say(f"The notes also write e^10 / (e^10 + e^2 + e^0) = 0; it is {notes_example:.5f}, "
        "close to 1: e^10 dwarfs e^2 + e^0.", indent="  ")


def main(argv=None):
    """Command line: ``python -m demos.softmax_net [--epochs 200]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.softmax_net",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS,
                        help=f"full-batch Adam steps on iris (default {EPOCHS})")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    show_parameters()
    show_softmax()
    heading("Training it on iris: 4 features, 3 classes")
    run = train_iris(args.epochs, progress=True)
    say(f"{run.n_train} training and {run.n_test} held-out flowers; MLP(4, [5, 3]), sigmoid "
        "hidden units, softmax cross-entropy, full-batch Adam (learning rate 0.05)", indent="  ")
    for epoch in sorted({1, 10, 50, args.epochs} & set(range(1, args.epochs + 1))):
        print(f"  epoch {epoch:>4}: loss {run.losses[epoch - 1]:.4f}")
    print(f"  training accuracy {run.train_accuracy:.1%}, test accuracy {run.test_accuracy:.1%}")
    x = load_iris_split()[1][0]
    with no_grad():
        probabilities = [p.data for p in nn.softmax(run.model(x))]
    print("  the first held-out flower: P(setosa, versicolor, virginica) = ("
          + ", ".join(f"{p:.3f}" for p in probabilities) + ")")


if __name__ == "__main__":
    main()
