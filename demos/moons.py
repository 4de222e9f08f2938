"""Two moons: micrograd's classic demo, an MLP trained by full-batch gradient descent until it classifies every point, and its decision boundary as a PNG.

The task of Karpathy's micrograd (``demo.ipynb``): 100 points in two
interleaved half-moons (``sklearn.datasets.make_moons(n_samples=100,
noise=0.1, random_state=1)``), labels -1 and +1, the network
``MLP(2, [16, 16, 1])`` with ReLU, the max-margin (hinge) loss plus L2
regularisation 1e-4, and SGD with a learning rate falling linearly from 1.0
to 0.1 over 100 steps.  Training stops as soon as every training point is on
the right side.  It is the notes' training loop (``../shared/seeds/003_*``,
"the update process": forward pass, loss, backward pass, update) on a problem
that needs hidden layers: no straight line separates the moons.

Run it with ``python -m demos.moons`` (``--out`` sets the PNG's path).

``--lr`` sets the starting learning rate and ``--detect-anomaly`` trains
inside ``autograd.detect_anomaly()``, which stops at the first NaN or infinity
with the op, the edge and the line that made it.  A far too large learning
rate is how training usually meets one.  ``--lr 50`` is not large enough
here, because ReLU units switch off: the weights jump to about 6e24 in six
steps, and from step 8 every ReLU of the second hidden layer is off for every
point, so no gradient of the hinge loss reaches the hidden weights.  What is
left is the L2 term's 2αw, which shrinks each weight by 1 - 2·lr·α = 0.99 a
step; the largest number reached is the loss, about 6e45, far below the
1.8e308 a float holds.  ``--lr 6000 --detect-anomaly`` shows a weighted sum
overflowing at step 7 (5000 happens to stay finite).
"""

import argparse
import math
import os
import sys
from collections import namedtuple

import nn
from autograd import AnomalyError, detect_anomaly, no_grad

from ._common import DEFAULT_OUT_DIR, require, say

__all__ = ["SEED", "MoonsResult", "load_moons", "accuracy", "train_moons",
           "plot_decision_boundary", "main"]

SEED = 1
"""The MLP's seed.  Seed 0 stalls at 91% within 100 steps; seed 1 reaches 100% at step 63."""

MoonsResult = namedtuple("MoonsResult", "model inputs labels history accuracy steps")
MoonsResult.__doc__ = """The trained ``model``; the data (``inputs``: list of [x1, x2],
``labels``: list of -1/+1); ``history``: list of (step, loss, accuracy) before
each step's update; the final training ``accuracy`` (float in [0, 1]) and the
number of updates made, ``steps``."""


def load_moons(n_samples=100, noise=0.1, random_state=1):
    """micrograd's data set: (inputs as a list of [x1, x2] floats, labels as a list of -1/+1)."""
    datasets = require("sklearn.datasets", "the two-moons demo")
    points, classes = datasets.make_moons(n_samples=n_samples, noise=noise, random_state=random_state)
    inputs = [[float(x1), float(x2)] for x1, x2 in points]
    labels = [1 if c == 1 else -1 for c in classes]
    return inputs, labels


def accuracy(scores, labels):
    """The fraction of scores on the right side of 0 (a score > 0 predicts +1)."""
    right = sum((score.data > 0) == (label > 0) for score, label in zip(scores, labels))
    return right / len(labels)


def train_moons(max_steps=100, seed=SEED, alpha=1e-4, log=print, every=10, lr=1.0):
    """Train micrograd's two-moons classifier until 100% training accuracy or ``max_steps`` updates.

    Each step: forward pass over all 100 points, hinge loss + L2, backward
    pass, one SGD update with the learning rate ``linear_decay(lr, lr / 10, 100)``
    (micrograd's 1.0 down to 0.1 by default).  Training also stops when the
    loss is NaN or infinite: nothing after that can be trusted.

    Args:
        max_steps: the most updates to make.
        seed: the MLP's weight seed.
        alpha: the L2 strength.
        log: a function of one str for progress lines (e.g. ``print``), or None.
        every: log every this many steps.
        lr: the starting learning rate (a positive float).

    Returns:
        MoonsResult.
    """
    inputs, labels = load_moons()
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=seed)
    optimizer = nn.SGD(model.parameters(), lr=nn.linear_decay(lr, lr / 10, 100))
    history = []
    step = 0
    while True:
        scores = [model(x)[0] for x in inputs]
        data_loss = nn.hinge(scores, labels)
        loss = data_loss + nn.l2(model.parameters(), alpha)
        fraction = accuracy(scores, labels)
        history.append((step, loss.data, fraction))
        done = fraction == 1.0 or step == max_steps or not math.isfinite(loss.data)
        if log is not None and (step % every == 0 or done):
            log(f"step {step:3d}: loss {loss.data:.4g}, training accuracy {fraction:.0%}, "
                f"learning rate {optimizer.current_lr():.3f}")
        if done:
            break
        model.zero_grad()
        loss.backward()
        optimizer.step()
        step += 1
    return MoonsResult(model, inputs, labels, history, fraction, step)


def plot_decision_boundary(model, inputs, labels, path, resolution=0.05):
    """Save a PNG of the model's decision regions with the training points on top.

    The grid is evaluated under ``no_grad()``: no graph is needed to look.

    Returns:
        the path written (str).
    """
    matplotlib = require("matplotlib", "drawing the decision boundary")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [x for x, _ in inputs]
    ys = [y for _, y in inputs]
    x_min, x_max = min(xs) - 0.5, max(xs) + 0.5
    y_min, y_max = min(ys) - 0.5, max(ys) + 0.5
    grid_x = [x_min + i * resolution for i in range(int((x_max - x_min) / resolution) + 1)]
    grid_y = [y_min + j * resolution for j in range(int((y_max - y_min) / resolution) + 1)]
    with no_grad():
        scores = [[model([x, y])[0].data for x in grid_x] for y in grid_y]

    figure, axes = plt.subplots(figsize=(6, 4.5), dpi=120)
    axes.contourf(grid_x, grid_y, [[1 if s > 0 else -1 for s in row] for row in scores],
                  levels=[-2, 0, 2], colors=["#f4b6a8", "#a8c8f4"], alpha=0.8)
    axes.contour(grid_x, grid_y, scores, levels=[0], colors="black", linewidths=1)
    for label, colour, marker in ((-1, "#c0392b", "o"), (1, "#1f5fa8", "s")):
        points = [p for p, l in zip(inputs, labels) if l == label]
        axes.scatter([p[0] for p in points], [p[1] for p in points], c=colour, marker=marker,
                     edgecolors="white", linewidths=0.5, s=28, label=f"class {label:+d}")
    axes.set_title("Two moons: MLP(2, [16, 16, 1]) decision boundary")
    axes.set_xlabel("x1")
    axes.set_ylabel("x2")
    axes.legend(loc="lower left", fontsize=8)
    figure.tight_layout()
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


def main(argv=None):
    """Command line: ``python -m demos.moons [--steps 100] [--seed 1] [--lr 1.0] [--detect-anomaly] [--out PATH]``.

    Exits with status 1, printing the AnomalyError's message, when
    ``--detect-anomaly`` finds a NaN or infinity.
    """
    parser = argparse.ArgumentParser(prog="python -m demos.moons",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="the most updates (default 100)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"the MLP's seed (default {SEED})")
    parser.add_argument("--lr", type=float, default=1.0,
                        help="the starting learning rate; it decays linearly to a tenth of it "
                             "over 100 steps (default 1.0)")
    parser.add_argument("--detect-anomaly", action="store_true",
                        help="train inside autograd.detect_anomaly(): stop at the first NaN or "
                             "infinity, naming the op, the edge and the line that made it")
    parser.add_argument("--out", default=os.path.join(DEFAULT_OUT_DIR, "moons.png"),
                        help="where to save the decision boundary (default %(default)s)")
    args = parser.parse_args(argv)
    if args.steps < 0:
        parser.error("--steps must be at least 0")
    if not (math.isfinite(args.lr) and args.lr > 0):
        parser.error(f"--lr must be a positive number, got {args.lr!r}")
    say("Training MLP(2, [16, 16, 1]) with ReLU on micrograd's two moons: hinge loss + L2, "
        f"full batch, learning rate decaying from {args.lr:g} to {args.lr / 10:g}.")
    if args.detect_anomaly:
        # Every step is logged, so the loss can be seen growing up to the fault.
        try:
            with detect_anomaly():
                result = train_moons(args.steps, args.seed, lr=args.lr, every=1)
        except AnomalyError as error:
            print(f"\ndetect_anomaly() stopped training at the first NaN or infinity:\n{error}",
                  file=sys.stderr)
            sys.exit(1)
        print("detect_anomaly() found no NaN or infinity.")
    else:
        result = train_moons(args.steps, args.seed, lr=args.lr)
    final_loss = result.history[-1][1]
    if not math.isfinite(final_loss):
        print(f"The loss became {final_loss!r} at step {result.steps}: the learning rate is too "
              "large.  Run again with --detect-anomaly to see the first operation that gave a "
              "NaN or infinity.", file=sys.stderr)
        sys.exit(1)
    if result.accuracy == 1.0:
        print(f"Every training point is classified correctly after {result.steps} steps.")
    else:
        print(f"Stopped after {result.steps} steps at {result.accuracy:.0%} training accuracy.")
    path = plot_decision_boundary(result.model, result.inputs, result.labels, args.out)
    print(f"decision boundary saved to {path}")


if __name__ == "__main__":
    main()
