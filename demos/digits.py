"""Handwritten digits: an MLP trained with softmax cross-entropy on scikit-learn's 8×8 digit images.

The notes' first use of a network is "extracting features of handwritten
digits" (``../shared/seeds/000_*``), and their output layer is a softmax over
classes (``001_*``).  Here the whole of chainrule does it: 1,797 images of
8×8 pixels (scikit-learn's bundled copy of the UCI digits, no download),
pixels scaled to [0, 1], a quarter held out for testing (stratified, fixed),
``MLP(64, [32, 10])`` with ReLU, ``nn.cross_entropy`` from the logits,
minibatches of 32 and the Adam optimiser.  Every weight's gradient comes from
the same scalar backward() as J = 3(a + b·c).

Run it with ``python -m demos.digits`` (``--epochs``; ``--quick`` for a
one-epoch run on a few hundred images; ``--html PATH`` for the training
page of :mod:`demos.digits_page`; ``--replay`` to record each image's
training step once and replay it as compiled code, ``autograd.compile``,
many times faster, with the same numbers: over each minibatch with NumPy, a
matrix per layer (the notes' vectorised formulas), or with ``--replay
python`` one sample at a time in plain Python).
"""

import argparse
import random
import time
from collections import namedtuple

import nn
from autograd import no_grad
from autograd.compile import compile_step

from ._common import require, say
from .gradient_health import layer_gradient_sizes

__all__ = ["EPOCHS", "REPLAY_MODES", "DigitsResult", "load_digits_split", "one_hot", "evaluate", "train_digits", "report", "main"]

EPOCHS = 8
"""Default epochs: ~97% test accuracy in about 20 s on two cores (92-95% after 2-3)."""

HIDDEN = 32
"""Neurons in the hidden layer."""

REPLAY_MODES = ("numpy", "python")
"""The ways ``--replay`` can replay the recorded step: NumPy over the minibatch, or plain Python."""

QUICK_TRAIN_IMAGES = 320
"""How many training images ``--quick`` uses (one epoch: 10 minibatches)."""

DigitsResult = namedtuple("DigitsResult",
                          "model epoch_losses test_accuracy n_train n_test training_seconds")
DigitsResult.__doc__ = """The trained ``model``; ``epoch_losses`` (list of floats, the mean
minibatch loss of each epoch); ``test_accuracy`` (float in [0, 1]) on
``n_test`` held-out images; ``n_train`` training images used;
``training_seconds`` (float, the training loop only)."""


def load_digits_split():
    """The digits, pixels scaled to [0, 1], split 75/25 the same way every time.

    Returns:
        (train_inputs, test_inputs, train_labels, test_labels): lists; each
        input is a list of 64 floats, each label an int 0-9.
    """
    datasets = require("sklearn.datasets", "the digits demo")
    model_selection = require("sklearn.model_selection", "the digits demo")
    digits = datasets.load_digits()
    # Pixel values are 0..16 in this data set.
    images = digits.data / 16.0
    train_x, test_x, train_y, test_y = model_selection.train_test_split(
        images, digits.target, test_size=0.25, random_state=0, stratify=digits.target)
    # Plain lists of floats and ints: the engine works on Python numbers, not arrays.
    return ([[float(pixel) for pixel in row] for row in train_x],
            [[float(pixel) for pixel in row] for row in test_x],
            [int(label) for label in train_y],
            [int(label) for label in test_y])


def one_hot(label, n_classes=10):
    """The class index as probabilities: 1.0 at ``label``, 0.0 elsewhere (list of n_classes floats).

    >>> one_hot(2, 4)
    [0.0, 0.0, 1.0, 0.0]
    """
    return [1.0 if k == label else 0.0 for k in range(n_classes)]


def evaluate(model, inputs, labels):
    """The fraction of images whose largest logit is the right class, computed under no_grad()."""
    right = 0
    with no_grad():
        for x, label in zip(inputs, labels):
            logits = [z.data for z in model(x)]
            right += logits.index(max(logits)) == label
    return right / len(labels)


def train_digits(epochs=EPOCHS, train_limit=None, batch_size=32, lr=0.01, hidden=HIDDEN, seed=0,
                 progress=True, log=print, recorder=None, replay=False):
    """Train ``MLP(64, [hidden, 10])`` on the digits and measure it on the held-out quarter.

    Each minibatch: forward pass (one graph for the whole batch), the mean
    softmax cross-entropy, ``zero_grad()``, ``backward()``, one Adam step.

    Args:
        epochs: passes over the training images.
        train_limit: use only the first this many training images (None: all 1,347).
        batch_size, lr, hidden: minibatch size, Adam's learning rate, hidden neurons.
        seed: seeds the weights and the shuffling, so a run reproduces.
        progress: show a tqdm progress bar over minibatches (on stderr).
        log: a function of one str for the per-epoch lines, or None.
        replay: False (build a graph per minibatch), or record one image's
            step (forward, loss, backward) once, the target as one-hot class
            probabilities, and replay it (``autograd.compile``): ``"numpy"``
            (or True) over the whole minibatch with NumPy, a matrix per layer;
            ``"python"`` as generated Python, one sample after another.  The
            same losses and weights to rounding (1e-12), so the same
            accuracy.  The recording is part of the training time.
        recorder: None, or a function called after each epoch with (epoch,
            model, the epoch's mean loss, each layer's mean |dL/dw| averaged
            over the epoch's minibatches).

    Returns:
        DigitsResult.

    Raises:
        ValueError: for a ``replay`` other than False, True, "numpy" or "python".
    """
    replay = _replay_mode(replay)
    train_x, test_x, train_y, test_y = load_digits_split()
    if train_limit is not None:
        train_x, train_y = train_x[:train_limit], train_y[:train_limit]
    tqdm = require("tqdm", "the digits progress bar").tqdm if progress else None

    model = nn.MLP(64, [hidden, 10], activation="relu", seed=seed)
    optimizer = nn.Adam(model.parameters(), lr=lr)
    shuffler = random.Random(seed)
    order = list(range(len(train_x)))
    epoch_losses = []
    started = time.perf_counter()
    step = None
    if replay:
        # The target goes in as one-hot class probabilities, data of the sample,
        # so one program serves every class (a class index would pick a logit:
        # a different graph per class).
        step = compile_step(lambda x, p: nn.cross_entropy(model(x), p), model.parameters(),
                            (train_x[0], one_hot(train_y[0])), numpy=replay == "numpy",
                            name="digits_step")
    for epoch in range(1, epochs + 1):
        shuffler.shuffle(order)
        batches = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
        if progress:
            batches = tqdm(batches, desc=f"epoch {epoch}/{epochs}", unit="batch", leave=False)
        losses, gradient_sizes = [], []
        for batch in batches:
            if step is not None:
                model.zero_grad()
                loss = step([(train_x[i], one_hot(train_y[i])) for i in batch])
            else:
                graph = nn.cross_entropy([model(train_x[i]) for i in batch],
                                         [train_y[i] for i in batch])
                model.zero_grad()
                graph.backward()
                loss = graph.data
            if recorder is not None:
                gradient_sizes.append(layer_gradient_sizes(model))
            optimizer.step()
            losses.append(loss)
            if progress:
                batches.set_postfix(loss=f"{loss:.3f}", refresh=False)
        epoch_losses.append(sum(losses) / len(losses))
        if recorder is not None:
            recorder(epoch, model, epoch_losses[-1],
                     [sum(column) / len(column) for column in zip(*gradient_sizes)])
        if log is not None:
            log(f"epoch {epoch}/{epochs}: mean training loss {epoch_losses[-1]:.4f}")
    training_seconds = time.perf_counter() - started
    test_accuracy = evaluate(model, test_x, test_y)
    return DigitsResult(model, epoch_losses, test_accuracy, len(train_x), len(test_x),
                        training_seconds)


def _replay_mode(replay):
    if replay is True:
        return "numpy"
    if replay is False or replay in REPLAY_MODES:
        return replay
    raise ValueError(f"train_digits: replay must be False, True or one of {REPLAY_MODES}, "
                     f"got {replay!r}")


def report(epochs=EPOCHS, quick=False, replay=False):
    """Train (``quick``: one epoch on 320 images; ``replay``: False, "numpy" or "python") and print what happens; return the DigitsResult."""
    replay = _replay_mode(replay)
    if quick:
        epochs = 1
    n_parameters = 64 * HIDDEN + HIDDEN + HIDDEN * 10 + 10
    say("1,797 handwritten digits of 8×8 pixels, a quarter of them held out for testing.")
    print(f"The network: MLP(64, [{HIDDEN}, 10]) with ReLU, {n_parameters:,} parameters, "
          "every one a Value.")
    say("It outputs 10 logits; the loss is their softmax cross-entropy; Adam with learning "
        "rate 0.01 updates the parameters after each minibatch of 32 images.")
    if replay == "numpy":
        say("Each image's step is recorded once and replayed as generated code over the whole "
            "minibatch with NumPy, one matrix per layer (Z[1] = W[1]·X + b[1], ...): no Values "
            "are built while training.")
    elif replay:
        say("Each image's step is recorded once and replayed as generated Python, one image "
            "after another: no Values are built while training.")
    result = train_digits(epochs, train_limit=QUICK_TRAIN_IMAGES if quick else None,
                          replay=replay)
    print(f"test accuracy: {result.test_accuracy:.1%} ({result.n_test} held-out images)")
    print(f"training time: {result.training_seconds:.2f} s "
          f"({result.n_train} training images, {epochs} epoch{'s' if epochs != 1 else ''})")
    return result


def main(argv=None):
    """Command line: ``python -m demos.digits [--epochs 8] [--quick] [--replay [numpy|python]]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.digits",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS,
                        help=f"passes over the training images (default {EPOCHS})")
    parser.add_argument("--quick", action="store_true",
                        help=f"one epoch on {QUICK_TRAIN_IMAGES} images, for a fast check")
    parser.add_argument("--replay", nargs="?", const="numpy", default=False, choices=REPLAY_MODES,
                        help="record each image's step once and replay it (autograd.compile): "
                             "over each minibatch with NumPy, a matrix per layer (the default), "
                             "or one image at a time as generated Python; the same numbers, "
                             "many times faster")
    parser.add_argument("--html", default=None,
                        help="write the training page (a frame per epoch) to this HTML file")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.html:
        from .digits_page import write_html    # the page needs graphviz and NumPy; plain runs do not
        epochs = 1 if args.quick else args.epochs
        say(f"Training MLP(64, [{HIDDEN}, 10]) for {epochs} epoch{'s' if epochs != 1 else ''} and "
            "recording each one for the training page.")
        _, result = write_html(args.html, epochs, QUICK_TRAIN_IMAGES if args.quick else None)
        print(f"test accuracy: {result.test_accuracy:.1%} ({result.n_test} held-out images)")
        print(f"training page saved to {args.html}")
        return
    report(args.epochs, args.quick, args.replay)


if __name__ == "__main__":
    main()
