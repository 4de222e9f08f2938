"""The vanishing gradient: a deep sigmoid network beside a deep ReLU network, layer by layer.

The notes (``../shared/seeds/002_*``) say sigmoid is "historically used in
hidden layers, not preferred due to vanishing gradient problem", and that
ReLU helps "in training deeper networks".  This demo shows why with the
engine's own gradients.  Two networks, the same shape (2 inputs, six hidden
layers of 8 units, one output logit), the same data (scikit-learn's two
moons, 100 points) and the same start (``nn.MLP``'s default initialisation,
seed 0), differ only in their hidden activation.  After one backward pass
of the binary cross-entropy, the demo prints each layer's mean |∂L/∂w|,
from the output back to the input.

Going back one layer multiplies the gradient by the layer's weights and by
g'(z).  σ'(z) is at most 0.25, so in the sigmoid network the gradient
shrinks at every layer and the first layers hardly learn; ReLU's slope is 1
wherever a unit is active, so its gradient keeps its size.  Both then train
for the same number of steps with the same SGD learning rate.

Run it with ``python -m demos.vanishing`` (``--steps``, ``--depth``).
"""

import argparse
from collections import namedtuple

import nn

from ._common import heading, say
from .gradient_health import layer_gradient_sizes, unit_health
from .moons import load_moons

__all__ = ["DEPTH", "WIDTH", "DeepRun", "make_deep", "train_deep", "main"]

DEPTH, WIDTH = 6, 8

DeepRun = namedtuple("DeepRun", "activation first_sizes sizes_over_training losses accuracy health")
DeepRun.__doc__ = """One deep network's run: its hidden ``activation``; ``first_sizes``: each
layer's mean |∂L/∂w| at the first step (list, input side first);
``sizes_over_training``: that list at each step; ``losses`` per step; the
final ``accuracy``; ``health``: the final :func:`unit_health` list."""


def make_deep(activation, depth=DEPTH, width=WIDTH, seed=0):
    """``MLP(2, [width] * depth + [1])`` with the given hidden activation and a linear output logit."""
    return nn.MLP(2, [width] * depth + [1], activation=activation, seed=seed)


def train_deep(activation, steps=100, lr=0.5, depth=DEPTH, seed=0):
    """Full-batch SGD on the moons with binary cross-entropy from the logit.

    Returns:
        DeepRun.
    """
    inputs, signs = load_moons()
    labels = [1 if s > 0 else 0 for s in signs]
    model = make_deep(activation, depth, seed=seed)
    optimizer = nn.SGD(model.parameters(), lr=lr)
    sizes_over_training, losses = [], []
    for _ in range(steps):
        logits = [model(x)[0] for x in inputs]
        loss = nn.binary_cross_entropy_with_logits(logits, labels)
        model.zero_grad()
        loss.backward()
        sizes_over_training.append(layer_gradient_sizes(model))
        losses.append(loss.data)
        optimizer.step()
    logits = [model(x)[0] for x in inputs]
    accuracy = sum((z.data > 0) == (y == 1) for z, y in zip(logits, labels)) / len(labels)
    return DeepRun(activation, sizes_over_training[0], sizes_over_training, losses, accuracy,
                   unit_health(model, inputs))


def main(argv=None):
    """Command line: ``python -m demos.vanishing [--steps 100] [--depth 6]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.vanishing",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="SGD steps for each network (default 100)")
    parser.add_argument("--depth", type=int, default=DEPTH, help=f"hidden layers (default {DEPTH})")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.depth < 1:
        parser.error("--steps and --depth must be at least 1")
    say(f"Two networks MLP(2, [{WIDTH}] × {args.depth} + [1]) on the two moons, the same start "
        "(seed 0), one with sigmoid hidden units and one with ReLU; loss: binary cross-entropy "
        "of the output logit; SGD, learning rate 0.5.")
    runs = [train_deep(activation, args.steps, depth=args.depth) for activation in ("sigmoid", "relu")]

    heading("Mean |∂L/∂w| per layer at the first step, from the output back to the input")
    print(f"  {'layer':<7}{'sigmoid':>12}{'× per layer':>13}{'relu':>12}{'× per layer':>13}")
    n_layers = len(runs[0].first_sizes)
    for l in range(n_layers, 0, -1):
        cells = []
        for run in runs:
            size = run.first_sizes[l - 1]
            ratio = (f"{size / run.first_sizes[l]:.3f}" if l < n_layers else "")
            cells.append(f"{size:>12.2e}{ratio:>13}")
        name = f"{l}" + (" (out)" if l == n_layers else "")
        print(f"  {name:<7}" + "".join(cells))
    sigmoid, relu = runs
    shrink = sigmoid.first_sizes[0] / sigmoid.first_sizes[-1]
    print(f"  first layer / last layer: sigmoid {shrink:.1e}, "
          f"relu {relu.first_sizes[0] / relu.first_sizes[-1]:.1e}")
    say("Each step back through a sigmoid layer multiplies the gradient by σ'(z) ≤ 0.25 (times "
        "the weights), so the sigmoid network's first layers receive a gradient thousands of "
        "times smaller than its last; the ReLU network's stays within a small factor.",
        indent="  ")

    heading(f"After {args.steps} steps")
    for run in runs:
        first = [sizes[0] for sizes in run.sizes_over_training]
        flagged = [f"a[{u.layer}]_{u.index} {u.flag}" for u in run.health if u.flag]
        print(f"  {run.activation:<8}: loss {run.losses[0]:.4f} -> {run.losses[-1]:.4f}, "
              f"training accuracy {run.accuracy:.0%}; first layer's mean |∂L/∂w| "
              f"{first[0]:.1e} -> {first[-1]:.1e}")
        say(f"flagged units: {', '.join(flagged) if flagged else 'none'}", indent="            ")


if __name__ == "__main__":
    main()
