"""A single neuron is a logistic regression: its loss, its gradient by backward(), and one step of gradient descent.

From the lecture notes, ``../shared/seeds/000_*`` (repeated in ``003_*``):
the data x = 0.1, 0.2, 0.3 with labels y = 0, 0, 1; one sigmoid neuron
a = σ(w·x + b) starting from w = 0.7, b = 0.1; the mean binary cross-entropy
loss; the gradient dL/dw = Σ(a_i - y_i)·x_i / n, dL/db = Σ(a_i - y_i) / n;
one update with learning rate 1; and a prediction for x = 0.4.

The notes compute the loss with base-10 logarithms (0.309 before the step,
0.287 after, from values rounded to two digits); chainrule's losses use the
natural log, as every library does.  The two differ by the constant factor
ln 10, so the demo shows both.  The gradient the notes compute, with a - y,
is the gradient of the natural-log loss.

The notes stop after one step and say "we need to run this many times in a
loop" (``003_*``): ``--steps N`` does, saves the loss curve as a PNG and
reports each step at which the prediction for x = 0.4 changes class.

Run it with ``python -m demos.neuron`` (``--w``, ``--b``, ``--lr`` change the
start; ``--steps N`` trains for N steps, ``--out`` sets the plot's path).
"""

import argparse
import math
import os
from collections import namedtuple

import nn
from autograd import no_grad

from ._common import DEFAULT_OUT_DIR, heading, pyplot, say, save_figure

__all__ = ["XS", "YS", "NeuronStep", "NeuronRun", "make_neuron", "neuron_loss", "one_step",
           "train", "plot_loss_curve", "show", "show_run", "main"]

XS = (0.1, 0.2, 0.3)
YS = (0, 0, 1)
NEW_X = 0.4      # the notes' unseen input
THRESHOLD = 0.5  # predict class 1 when a >= 0.5

NeuronStep = namedtuple("NeuronStep", [
    "w", "b", "activations", "loss", "dw", "db", "hand_dw", "hand_db", "lr",
    "w_after", "b_after", "activations_after", "loss_after", "new_x", "prediction",
    "predicted_class",
])
NeuronStep.__doc__ = """The numbers of one gradient-descent step on the notes' neuron (all floats unless said).

Fields: w, b (the start); activations (tuple, a_i before the step); loss
(mean binary cross-entropy, natural log); dw, db (from backward()); hand_dw,
hand_db (from the notes' formulas); lr; w_after, b_after; activations_after
(tuple); loss_after; new_x; prediction (a for new_x with the updated w, b);
predicted_class (int, 1 when prediction >= 0.5).  ``loss / math.log(10)``
is the notes' base-10 loss.
"""


def make_neuron(w=0.7, b=0.1):
    """An ``nn.Neuron`` with one input and a sigmoid, its weight and bias set to ``w`` and ``b``.

    >>> neuron = make_neuron()
    >>> round(neuron([0.1]).data, 6)      # σ(0.7·0.1 + 0.1)
    0.542398
    """
    neuron = nn.Neuron(1, activation="sigmoid")
    neuron.w[0].data = float(w)
    neuron.b.data = float(b)
    return neuron


def neuron_loss(neuron, xs=XS, ys=YS):
    """Forward pass over the data set: return (the activations a_i as Values, the mean BCE loss Value)."""
    activations = [neuron([x]) for x in xs]
    return activations, nn.binary_cross_entropy(activations, ys)


def one_step(w=0.7, b=0.1, lr=1.0, xs=XS, ys=YS, new_x=NEW_X):
    """Run the notes' forward pass, backward pass and one SGD update; return every number.

    Args:
        w, b: the starting weight and bias (the notes: 0.7, 0.1).
        lr: the learning rate α (the notes: 1).
        xs, ys: the data set.
        new_x: the input to predict after the step (the notes: 0.4).

    Returns:
        NeuronStep.

    >>> step = one_step()
    >>> round(step.dw, 4), round(step.db, 4), round(step.w_after, 3), round(step.b_after, 3)
    (0.0131, 0.2263, 0.687, -0.126)
    """
    neuron = make_neuron(w, b)
    weight, bias = neuron.w[0], neuron.b
    activations, loss = neuron_loss(neuron, xs, ys)
    neuron.zero_grad()
    loss.backward()
    dw, db = weight.grad, bias.grad

    # The notes' formulas: the derivative of the cross-entropy through the
    # sigmoid collapses to (a - y), the chain rule done by hand.
    n = len(xs)
    errors = [a.data - y for a, y in zip(activations, ys)]
    hand_dw = sum(error * x for error, x in zip(errors, xs)) / n
    hand_db = sum(errors) / n

    nn.SGD(neuron.parameters(), lr=lr).step()
    with no_grad():
        activations_after, loss_after = neuron_loss(neuron, xs, ys)
        prediction = neuron([new_x]).data
    return NeuronStep(
        w=float(w), b=float(b), activations=tuple(a.data for a in activations), loss=loss.data,
        dw=dw, db=db, hand_dw=hand_dw, hand_db=hand_db, lr=float(lr),
        w_after=weight.data, b_after=bias.data,
        activations_after=tuple(a.data for a in activations_after), loss_after=loss_after.data,
        new_x=float(new_x), prediction=prediction,
        predicted_class=1 if prediction >= THRESHOLD else 0)


def show(w=0.7, b=0.1, lr=1.0):
    """Print the neuron's forward pass, loss, gradient, update and prediction."""
    step = one_step(w, b, lr)
    ln10 = math.log(10)
    say("One neuron with a sigmoid is a logistic regression: a = σ(w·x + b). "
        f"The notes' data set and starting point: w = {step.w:g}, b = {step.b:g}.")

    heading("Forward pass")
    for x, y, a in zip(XS, YS, step.activations):
        print(f"  x = {x:g}, y = {y}:  a = σ({step.w:g}·{x:g} + {step.b:g}) = {a:.4f}")
    print(f"  loss L = -(1/n) Σ [y ln a + (1 - y) ln(1 - a)] = {step.loss:.4f}")
    say(f"The notes use base-10 logs, which divides the loss by ln 10: {step.loss:.4f} / "
        f"{ln10:.4f} = {step.loss / ln10:.4f} (the notes: 0.309, from rounded values).",
        indent="  ")

    heading("Backward pass: backward() beside the notes' hand formulas")
    print(f"  dL/dw: backward() {step.dw:.6f}   Σ(a_i - y_i)·x_i / n = {step.hand_dw:.6f}")
    print(f"  dL/db: backward() {step.db:.6f}   Σ(a_i - y_i) / n     = {step.hand_db:.6f}")

    heading(f"One step of gradient descent, learning rate {step.lr:g}")
    print(f"  w ← w - learning rate · dL/dw = {step.w:g} - {step.lr:g}·{step.dw:.4f} = {step.w_after:.4f}")
    print(f"  b ← b - learning rate · dL/db = {step.b:g} - {step.lr:g}·{step.db:.4f} = {step.b_after:.4f}")
    direction = "falls" if step.loss_after < step.loss else "rises"
    print(f"  the loss {direction}: {step.loss:.4f} -> {step.loss_after:.4f} "
          f"(base 10: {step.loss / ln10:.4f} -> {step.loss_after / ln10:.4f}; the notes: 0.309 -> 0.287,")
    print("  their 0.287 sums logs rounded to one or two digits)")

    heading("Prediction for a new input")
    print(f"  x = {step.new_x:g}: a = σ({step.w_after:.4f}·{step.new_x:g} + ({step.b_after:.4f})) = "
          f"{step.prediction:.3f}, so class {step.predicted_class} "
          f"(threshold {THRESHOLD:g})")
    notes_z = 0.687 * step.new_x - 0.127     # the notes' rounded w and b on that page
    say(f"The notes' page shows 0.86 here: with their rounded w = 0.687, b = -0.127 that is "
        f"e^(-z) = e^(-{notes_z:.4f}) = {math.exp(-notes_z):.4f}, the last step "
        "a = 1/(1 + e^(-z)) left out. Both predict class 1.", indent="  ")
    say(f"The notes also round dL/db = {step.db:.4f} to 0.23 and so write b = -0.13; "
        f"the exact update is b = {step.b_after:.4f}.", indent="  ")


NeuronRun = namedtuple("NeuronRun", "losses predictions class_changes w b")
NeuronRun.__doc__ = """Gradient descent on the notes' neuron, step by step.

``losses``: list of N + 1 floats, the mean BCE (natural log) before step 1
and after each step; ``predictions``: list of N + 1 floats, a for x = 0.4 at
the same moments; ``class_changes``: list of (step, new class) where the
predicted class of x = 0.4 differs from the step before; ``w``, ``b``: the
final weight and bias."""


def train(steps, w=0.7, b=0.1, lr=1.0, xs=XS, ys=YS, new_x=NEW_X):
    """Run ``steps`` steps of the notes' gradient descent and record every loss and prediction.

    Each step is the one :func:`one_step` takes: forward pass, mean BCE,
    backward(), w ← w - lr·dL/dw, b ← b - lr·dL/db.

    Returns:
        NeuronRun.

    >>> run = train(3)
    >>> [round(p, 4) for p in run.predictions], run.class_changes
    ([0.5939, 0.537, 0.4946, 0.4635], [(2, 0)])
    """
    neuron = make_neuron(w, b)
    optimizer = nn.SGD(neuron.parameters(), lr=lr)
    losses, predictions, class_changes = [], [], []
    for step in range(steps + 1):
        _, loss = neuron_loss(neuron, xs, ys)
        with no_grad():
            prediction = neuron([new_x]).data
        losses.append(loss.data)
        predictions.append(prediction)
        if step > 0 and (prediction >= THRESHOLD) != (predictions[-2] >= THRESHOLD):
            class_changes.append((step, 1 if prediction >= THRESHOLD else 0))
        if step == steps:
            break
        neuron.zero_grad()
        loss.backward()
        optimizer.step()
    return NeuronRun(losses, predictions, class_changes, neuron.w[0].data, neuron.b.data)


def plot_loss_curve(run, path):
    """Save a PNG: the loss against the step (log scale) above a for x = 0.4, with the class changes marked.

    Returns:
        the path written (str).
    """
    plt = pyplot("the loss curve")
    figure, (loss_axes, prediction_axes) = plt.subplots(2, 1, figsize=(7, 6), dpi=110, sharex=True)
    steps = range(len(run.losses))
    loss_axes.plot(steps, run.losses, color="#1f5fa8")
    loss_axes.set_yscale("log")
    loss_axes.set_ylabel("mean BCE loss (natural log)")
    loss_axes.set_title("The notes' neuron, trained: x = .1, .2, .3 with y = 0, 0, 1")
    prediction_axes.plot(steps, run.predictions, color="#c0392b")
    prediction_axes.axhline(THRESHOLD, color="grey", linestyle="--", linewidth=1)
    for step, new_class in run.class_changes:
        prediction_axes.axvline(step, color="black", linewidth=0.8)
        prediction_axes.annotate(f"step {step}: class {new_class}", (step, THRESHOLD),
                                 xytext=(6, 10 if new_class else -16), textcoords="offset points",
                                 fontsize=8)
    prediction_axes.set_ylabel(f"a for x = {NEW_X:g}")
    prediction_axes.set_xlabel("step")
    return save_figure(figure, path)


def show_run(steps, w=0.7, b=0.1, lr=1.0, out=None):
    """Print a training run of ``steps`` steps and save its loss curve to ``out`` (if given)."""
    run = train(steps, w, b, lr)
    heading(f"{steps} steps of gradient descent, learning rate {lr:g}")
    marks = sorted({0, 1, 2, 10, 100, 1000, 10000, steps} & set(range(steps + 1)))
    for step in marks:
        print(f"  step {step:>5}: loss {run.losses[step]:.4f}, a(x = {NEW_X:g}) = "
              f"{run.predictions[step]:.4f} -> class {int(run.predictions[step] >= THRESHOLD)}")
    print(f"  after {steps} steps: w = {run.w:.4f}, b = {run.b:.4f}; the boundary a = 0.5 is at "
          f"x = -b/w = {-run.b / run.w:.4f}")
    if run.class_changes:
        for step, new_class in run.class_changes:
            print(f"  the prediction for x = {NEW_X:g} changes to class {new_class} at step {step}")
    else:
        print(f"  the prediction for x = {NEW_X:g} never changes class")
    say("Early steps mostly lower b (all three points pull a down, only one pulls it up), "
        "so x = 0.4 first drops below 0.5; w then grows until the boundary sits between "
        "0.2 and 0.3 and x = 0.4 is class 1 again.", indent="  ")
    if out:
        print(f"  loss curve saved to {plot_loss_curve(run, out)}")
    return run


def main(argv=None):
    """Command line: ``python -m demos.neuron [--w 0.7] [--b 0.1] [--lr 1] [--steps N] [--out PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.neuron", description=__doc__.splitlines()[0])
    parser.add_argument("--w", type=float, default=0.7, help="starting weight (default 0.7)")
    parser.add_argument("--b", type=float, default=0.1, help="starting bias (default 0.1)")
    parser.add_argument("--lr", type=float, default=1.0, help="learning rate (default 1)")
    parser.add_argument("--steps", type=int, default=None,
                        help="then train for this many steps, print the loss and plot it")
    parser.add_argument("--out", default=os.path.join(DEFAULT_OUT_DIR, "neuron-loss.png"),
                        help="where --steps saves the loss curve (default %(default)s)")
    args = parser.parse_args(argv)
    if args.lr <= 0:
        parser.error("--lr must be positive")
    if args.steps is not None and args.steps < 1:
        parser.error("--steps must be at least 1")
    show(args.w, args.b, args.lr)
    if args.steps is not None:
        show_run(args.steps, args.w, args.b, args.lr, args.out)


if __name__ == "__main__":
    main()
