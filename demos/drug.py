"""The drug-efficacy example of note 000: one neuron cannot fit "low dose 0, medium 1, high 0"; two hidden neurons can.

From the lecture notes, ``../shared/seeds/000_*`` (its first page): a drug
has no effect below 500 mg (efficacy 0), works between 500 and 3000 mg
(efficacy 1), and has no effect again above 3000 mg (efficacy 0).  A single
sigmoid neuron draws one S-shaped curve, rising or falling, so it cannot
fit a rise followed by a fall; the notes' "main idea": with several neurons,
"each neuron/layer is responsible for detecting each of the trends".

Here ``MLP(1, [2, 1])`` with sigmoid units learns it: one hidden unit
becomes the detector of the change near 500 mg, the other of the change near
3000 mg, and the output neuron's weighted sum of the two is high only
between them.  The plot shows the data, each hidden unit's curve and their
weighted sum.

Initialisation.  From random weights (``nn.MLP``'s default, seeds 0-9) the
network reaches 100% for only some seeds: when both hidden units start
facing the same way, gradient descent settles with both on one edge of the
bump (87.5%, a local minimum).  The demo therefore starts from a fixed,
symmetric initialisation that breaks that tie: hidden unit 1 rising
(w = +1), hidden unit 2 falling (w = -1), both centred (b = 0), output
weights +1 and +1 with bias 0.  From there the run is the same every time
and reaches 100%.  ``--init random --seeds N`` shows the random starts.

Run it with ``python -m demos.drug`` (``--out`` sets the plot's path).
"""

import argparse
import os
from collections import namedtuple

import nn
from autograd import no_grad

from ._common import DEFAULT_OUT_DIR, heading, pyplot, say, save_figure

__all__ = ["DOSES_MG", "EFFICACY", "dose_to_input", "DrugRun", "make_network", "train_drug",
           "random_starts", "plot_drug", "main"]

DOSES_MG = tuple(125 + 250 * k for k in range(16))
"""16 doses from 125 mg to 3875 mg, 250 mg apart (none exactly on the notes' 500 or 3000)."""
EFFICACY = tuple(1 if 500 < dose < 3000 else 0 for dose in DOSES_MG)
"""The notes' rule: 0 below 500 mg, 1 from 500 to 3000 mg, 0 above."""

LEARNING_RATE = 0.1
MAX_STEPS = 2000

DrugRun = namedtuple("DrugRun", "model losses accuracy steps")
DrugRun.__doc__ = """A training run: the ``model``, its ``losses`` (list of floats, one per
step), the final ``accuracy`` (float in [0, 1]) and the number of ``steps`` taken."""


def dose_to_input(dose_mg):
    """Scale a dose in mg to the network's input: (dose - 2000) / 1000, so the doses span about -2..2.

    Inputs of order 1 keep the sigmoids out of their flat tails at the start.
    """
    return (dose_mg - 2000.0) / 1000.0


def make_network(init="opposite", seed=0):
    """``MLP(1, [2, 1])`` with sigmoid hidden units and a sigmoid output.

    Args:
        init: ``"opposite"`` (the fixed start described in the module's
            docstring) or ``"random"`` (nn's default weights from ``seed``).
        seed: the weights' seed for ``"random"``.

    Raises:
        ValueError: for another ``init``.
    """
    if init not in ("opposite", "random"):
        raise ValueError(f"init must be 'opposite' or 'random', got {init!r}")
    model = nn.MLP(1, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=seed)
    if init == "opposite":
        rising, falling = model.layers[0].neurons
        rising.w[0].data, rising.b.data = 1.0, 0.0
        falling.w[0].data, falling.b.data = -1.0, 0.0
        output = model.layers[1].neurons[0]
        output.w[0].data, output.w[1].data, output.b.data = 1.0, 1.0, 0.0
    return model


def _accuracy(outputs):
    return sum((a.data >= 0.5) == (y == 1) for a, y in zip(outputs, EFFICACY)) / len(EFFICACY)


def train_drug(init="opposite", seed=0, lr=LEARNING_RATE, max_steps=MAX_STEPS):
    """Full-batch Adam on the mean binary cross-entropy until 100% and loss < 0.1, or ``max_steps``.

    Returns:
        DrugRun.

    >>> run = train_drug()
    >>> run.accuracy, run.steps
    (1.0, 99)
    """
    model = make_network(init, seed)
    optimizer = nn.Adam(model.parameters(), lr=lr)
    inputs = [[dose_to_input(dose)] for dose in DOSES_MG]
    losses = []
    for step in range(max_steps + 1):
        outputs = [model(x)[0] for x in inputs]
        loss = nn.binary_cross_entropy(outputs, EFFICACY)
        losses.append(loss.data)
        accuracy = _accuracy(outputs)
        if (accuracy == 1.0 and loss.data < 0.1) or step == max_steps:
            return DrugRun(model, losses, accuracy, step)
        model.zero_grad()
        loss.backward()
        optimizer.step()


def random_starts(seeds=range(10)):
    """Train from nn's random initialisation for each seed; return a list of (seed, DrugRun)."""
    return [(seed, train_drug("random", seed)) for seed in seeds]


def _turn(neuron):
    """Where a hidden unit's w·x + b = 0, in mg, and whether it "rises" or "falls" there."""
    w, b = neuron.w[0].data, neuron.b.data
    return 2000 - 1000 * b / w, "rises" if w > 0 else "falls"


def _curves(model, doses):
    """For each dose: (a[1]_1, a[1]_2, the two weighted terms, z[2], a[2]), under no_grad()."""
    hidden_layer, output_layer = model.layers
    output = output_layer.neurons[0]
    rows = []
    with no_grad():
        for dose in doses:
            hidden = [a.data for a in hidden_layer([dose_to_input(dose)])]
            terms = [w.data * a for w, a in zip(output.w, hidden)]
            z = sum(terms) + output.b.data
            rows.append((*hidden, *terms, z, model([dose_to_input(dose)])[0].data))
    return rows


def plot_drug(model, path):
    """Save a PNG in three panels: the data and the network's prediction; each hidden unit's
    curve (the trend detectors); the output neuron's weighted terms and their sum z[2].

    Returns:
        the path written (str).
    """
    plt = pyplot("the drug-efficacy plot")
    doses = [10 * k for k in range(0, 401)]
    rows = _curves(model, doses)
    column = lambda k: [row[k] for row in rows]
    output = model.layers[1].neurons[0]
    figure, (top, middle, bottom) = plt.subplots(3, 1, figsize=(7, 8), dpi=110, sharex=True)
    top.scatter(DOSES_MG, EFFICACY, color="black", zorder=3, label="data (notes' efficacy)")
    top.plot(doses, column(5), color="#1f5fa8", label="prediction a[2] = σ(z[2])")
    top.axhline(0.5, color="grey", linestyle="--", linewidth=0.8)
    top.set_ylabel("efficacy")
    top.set_title("Drug efficacy: MLP(1, [2, 1]) with sigmoid units")
    top.legend(loc="center right", fontsize=8)
    for j, colour in ((0, "#e6550d"), (1, "#1f5fa8")):
        turn, direction = _turn(model.layers[0].neurons[j])
        middle.plot(doses, column(j), color=colour,
                    label=f"a[1]_{j + 1}: {direction} through 0.5 at {turn:.0f} mg")
    middle.set_ylabel("hidden activation")
    middle.legend(loc="center right", fontsize=8)
    bottom.plot(doses, column(2), color="#e6550d", linestyle=":",
                label=f"w[2]_1,1·a[1]_1 (w = {output.w[0].data:.2f})")
    bottom.plot(doses, column(3), color="#1f5fa8", linestyle=":",
                label=f"w[2]_2,1·a[1]_2 (w = {output.w[1].data:.2f})")
    bottom.plot(doses, column(4), color="#1f5fa8",
                label=f"z[2] = their sum + b[2]_1 (b = {output.b.data:.2f})")
    bottom.axhline(0.0, color="grey", linestyle="--", linewidth=0.8)
    bottom.set_ylabel("output neuron's sum")
    bottom.set_xlabel("dose (mg)")
    bottom.legend(loc="lower center", fontsize=8)
    for axes in (top, middle, bottom):
        for edge in (500, 3000):
            axes.axvline(edge, color="#999999", linewidth=0.6)
    return save_figure(figure, path)


def main(argv=None):
    """Command line: ``python -m demos.drug [--init opposite|random] [--seeds 10] [--out PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.drug", description=__doc__.splitlines()[0])
    parser.add_argument("--init", choices=("opposite", "random"), default="opposite",
                        help="the starting weights (default: the fixed opposite-facing start)")
    parser.add_argument("--seeds", type=int, default=10,
                        help="with --init random: how many seeds to try (default 10)")
    parser.add_argument("--out", default=os.path.join(DEFAULT_OUT_DIR, "drug.png"),
                        help="where to save the plot (default %(default)s)")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    say("Doses 125-3875 mg; efficacy 0 below 500 mg, 1 from 500 to 3000 mg, 0 above (the notes). "
        "One sigmoid is a single S-curve and cannot rise and then fall; MLP(1, [2, 1]) with "
        "sigmoid units, trained by Adam (learning rate 0.1) on the mean binary cross-entropy:")
    if args.init == "random":
        heading(f"From nn's random initialisation, seeds 0-{args.seeds - 1}")
        results = random_starts(range(args.seeds))
        for seed, run in results:
            print(f"  seed {seed}: {run.accuracy:.1%} after {run.steps} steps, loss {run.losses[-1]:.4f}")
        reached = sum(run.accuracy == 1.0 for _, run in results)
        print(f"  {reached} of {len(results)} seeds reach 100%")
        say("The others stop at 87.5% with both hidden units on one edge of the bump: a local "
            "minimum. Run without --init random for the start that always works.", indent="  ")
        best = max(results, key=lambda pair: (pair[1].accuracy, -pair[1].losses[-1]))[1]
        model = best.model
    else:
        heading("From the fixed start: hidden w = +1 (rising) and -1 (falling), b = 0; output w = 1, 1")
        run = train_drug()
        print(f"  100% of the 16 doses after {run.steps} steps (loss {run.losses[0]:.4f} -> "
              f"{run.losses[-1]:.4f})" if run.accuracy == 1.0 else
              f"  {run.accuracy:.1%} after {run.steps} steps")
        model = run.model
    hidden = model.layers[0].neurons
    output = model.layers[1].neurons[0]
    heading("What each neuron learned")
    for j, neuron in enumerate(hidden, start=1):
        turn, direction = _turn(neuron)
        print(f"  hidden unit {j}: a[1]_{j} = σ({neuron.w[0].data:.3f}·x {neuron.b.data:+.3f}) "
              f"{direction} through 0.5 at {turn:.0f} mg")
    print(f"  output: z[2] = {output.w[0].data:.3f}·a[1]_1 {output.w[1].data:+.3f}·a[1]_2 "
          f"{output.b.data:+.3f}, positive only between the two turns")
    say("Each hidden unit detects one of the two trends, the change near 500 mg or the one "
        "near 3000 mg (x is (dose - 2000 mg) / 1000 mg); the sign of its output weight decides "
        "whether its step adds or takes away. Which way a unit faces is not fixed by the "
        "start: gradient descent may flip one.", indent="  ")
    print(f"  plot saved to {plot_drug(model, args.out)}")


if __name__ == "__main__":
    main()
