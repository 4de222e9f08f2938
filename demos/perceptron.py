"""The step-function perceptron: why gradient descent cannot train it, beside a sigmoid neuron that learns.

From the lecture notes, ``../shared/seeds/002_*`` ("intuition behind
perceptron"): the output is 1 if z = w·x + b > 0 and 0 otherwise,
O/P = step(z).  That is a fine classifier once its weights are right, but
learning them by gradient descent needs dL/dw, and by the chain rule
dL/dw = dL/da · da/dz · dz/dw with da/dz the step's slope: 0 on both sides
of the jump (and undefined at it, where chainrule also uses 0).  So every
gradient is 0, whatever the loss, and the update w ← w - lr·0 changes
nothing.  Nudging tells the same story: the loss is flat in w almost
everywhere, and jumps where a point changes side.

The sigmoid is a smoothed step, with slope σ(z)(1 - σ(z)) > 0 everywhere;
that is why the notes' neurons use it (or tanh, or ReLU).

The demo trains both on the notes' toy data (x = 0.1, 0.2, 0.3 with
y = 0, 0, 1; w = 0.7, b = 0.1) with the same squared-error loss and the same
learning rate.

Run it with ``python -m demos.perceptron`` (``--steps N``).
"""

import argparse
from collections import namedtuple

import nn

from ._common import heading, say
from .neuron import XS, YS

__all__ = ["PerceptronRun", "train_neuron", "loss_at", "main"]

PerceptronRun = namedtuple("PerceptronRun", "activation losses accuracies w b first_grads")
PerceptronRun.__doc__ = """One neuron's training: ``activation`` (str), ``losses`` and
``accuracies`` (lists of floats, before each step and after the last), the
final ``w`` and ``b``, and ``first_grads``: (dL/dw, dL/db) at the start."""


def _neuron(activation, w, b):
    neuron = nn.Neuron(1, activation=activation)
    neuron.w[0].data, neuron.b.data = w, b
    return neuron


def loss_at(activation, w, b=0.1):
    """The mean squared error of a one-input neuron with weight ``w`` and bias ``b`` on the notes' data.

    >>> loss_at("step", 0.7) == loss_at("step", 0.701)
    True
    """
    neuron = _neuron(activation, w, b)
    return nn.mse([neuron([x]) for x in XS], YS).data


def train_neuron(activation, steps=200, lr=5.0, w=0.7, b=0.1):
    """Full-batch gradient descent on the mean squared error for one neuron on the notes' data.

    Returns:
        PerceptronRun.

    >>> run = train_neuron("step", steps=50)
    >>> run.first_grads, (run.w, run.b), run.losses[0] == run.losses[-1]
    ((0.0, 0.0), (0.7, 0.1), True)
    """
    neuron = _neuron(activation, w, b)
    optimizer = nn.SGD(neuron.parameters(), lr=lr)
    losses, accuracies, first_grads = [], [], None
    for step in range(steps + 1):
        outputs = [neuron([x]) for x in XS]
        loss = nn.mse(outputs, YS)
        losses.append(loss.data)
        accuracies.append(sum((a.data >= 0.5) == (y == 1) for a, y in zip(outputs, YS)) / len(YS))
        if step == steps:
            break
        neuron.zero_grad()
        loss.backward()
        if first_grads is None:
            first_grads = (neuron.w[0].grad, neuron.b.grad)
        optimizer.step()
    return PerceptronRun(activation, losses, accuracies, neuron.w[0].data, neuron.b.data, first_grads)


def main(argv=None):
    """Command line: ``python -m demos.perceptron [--steps 200]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.perceptron",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="gradient-descent steps (default 200)")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error("--steps must be at least 1")
    say("The notes' toy data x = 0.1, 0.2, 0.3 with y = 0, 0, 1 and the start w = 0.7, "
        "b = 0.1; loss: mean squared error; learning rate 5. Two neurons: the perceptron "
        "a = step(w·x + b) and the sigmoid neuron a = σ(w·x + b).")

    heading("The first backward pass")
    runs = [train_neuron(activation, args.steps) for activation in ("step", "sigmoid")]
    for run in runs:
        dw, db = run.first_grads
        print(f"  {run.activation:<8}: dL/dw = {dw:+.6f}, dL/db = {db:+.6f}")
    say("The step's local derivative da/dz is 0, so the chain rule multiplies every upstream "
        "gradient by 0: nothing reaches w or b.", indent="  ")

    heading("Nudging the perceptron's weight")
    for w in (0.7, 0.701, 0.8, 1.0, -1.0):
        print(f"  w = {w:<5g}: loss {loss_at('step', w):.6f}   (sigmoid: {loss_at('sigmoid', w):.6f})")
    say("The perceptron's loss does not move when w does: it is flat, with jumps only where a "
        "point crosses z = 0, so its slope is 0 wherever it exists. The sigmoid's loss slopes "
        "smoothly, and its slope says which way to go.", indent="  ")

    heading(f"{args.steps} steps of gradient descent")
    for run in runs:
        print(f"  {run.activation:<8}: loss {run.losses[0]:.4f} -> {run.losses[-1]:.4f}, "
              f"accuracy {run.accuracies[0]:.0%} -> {run.accuracies[-1]:.0%}, "
              f"w {0.7:g} -> {run.w:.4f}, b {0.1:g} -> {run.b:.4f}")
    say("The perceptron never moves from its start (it classifies x = 0.1 and 0.2 wrongly, "
        "and stays that way). The sigmoid neuron learns, which is why networks trained by "
        "gradient descent use smooth activations; the perceptron's own learning rule "
        "(Rosenblatt's, w ← w + (y - a)·x) is not a gradient.", indent="  ")


if __name__ == "__main__":
    main()
