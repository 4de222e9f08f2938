"""House prices: regression with a ReLU network and the mean squared error (notes 002-003).

The notes open with house-price prediction (``../shared/seeds/002_*``): first
price from size alone, a line that cannot fall below zero (a ReLU), then
several input features feeding hidden units.  A regression network ends in
a linear output (any real number, not a probability) and is trained on the
squared error (``nn.mse``; ``003_*``'s "update process" with that loss).

The data are made up, and say so: 60 houses of 40-250 m² with 1-5 bedrooms,
priced (in thousands) by a rule with a kink, 2.5 per m² above 60 m² plus 20
per bedroom, plus noise of ±15; nothing in scikit-learn's bundled data is a
house-price table (the California set needs a download).  Inputs and prices
are standardised for training and turned back into m² and thousands for
printing.  ``MLP(2, [8, 1])``, ReLU hidden units, a linear output, full-batch
Adam on the mean squared error.

Run it with ``python -m demos.house`` (``--steps``, ``--out`` for the plot).
"""

import argparse
import math
import os
import random
from collections import namedtuple

import nn
from autograd import no_grad

from ._common import DEFAULT_OUT_DIR, heading, pyplot, say, save_figure

__all__ = ["true_price", "make_houses", "HouseRun", "train_house", "plot_house", "main"]

N_HOUSES = 60


def true_price(size_m2, bedrooms):
    """The made-up rule behind the data, in thousands: 2.5 per m² above 60 m², plus 20 per bedroom."""
    return 2.5 * max(0.0, size_m2 - 60.0) + 20.0 * bedrooms


def make_houses(n=N_HOUSES, seed=0):
    """``n`` houses: a list of (size in m², bedrooms) and a list of prices in thousands (rule + noise)."""
    rng = random.Random(seed)
    houses, prices = [], []
    for _ in range(n):
        size = rng.uniform(40.0, 250.0)
        bedrooms = rng.randint(1, 5)
        houses.append((size, bedrooms))
        prices.append(true_price(size, bedrooms) + rng.uniform(-15.0, 15.0))
    return houses, prices


def _scaler(values):
    mean = sum(values) / len(values)
    deviation = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return mean, deviation


HouseRun = namedtuple("HouseRun", "model losses rmse predict houses prices")
HouseRun.__doc__ = """The trained ``model``; ``losses`` (mean squared error of the standardised
prices, one per step); ``rmse`` (float, root-mean-square error in thousands
on the training houses); ``predict(size_m2, bedrooms)`` -> price in thousands;
the data ``houses`` and ``prices``."""


def train_house(steps=400, lr=0.05, seed=0):
    """Train ``MLP(2, [8, 1])`` (ReLU, linear output) on the houses with ``nn.mse``.

    Returns:
        HouseRun.
    """
    houses, prices = make_houses(seed=seed)
    size_scale = _scaler([h[0] for h in houses])
    bedroom_scale = _scaler([h[1] for h in houses])
    price_scale = _scaler(prices)

    def features(size, bedrooms):
        return [(size - size_scale[0]) / size_scale[1], (bedrooms - bedroom_scale[0]) / bedroom_scale[1]]

    inputs = [features(*house) for house in houses]
    targets = [(p - price_scale[0]) / price_scale[1] for p in prices]
    model = nn.MLP(2, [8, 1], activation="relu", output_activation="linear", seed=seed)
    optimizer = nn.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = nn.mse([model(x)[0] for x in inputs], targets)
        model.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)

    def predict(size, bedrooms):
        with no_grad():
            return model(features(size, bedrooms))[0].data * price_scale[1] + price_scale[0]

    rmse = math.sqrt(sum((predict(*h) - p) ** 2 for h, p in zip(houses, prices)) / len(prices))
    return HouseRun(model, losses, rmse, predict, houses, prices)


def plot_house(run, path):
    """Save a PNG: price against size, the houses as dots coloured by bedrooms, the network's
    prediction for 1, 3 and 5 bedrooms as lines.

    Returns:
        the path written (str).
    """
    plt = pyplot("the house-price plot")
    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=110)
    colours = {1: "#1f5fa8", 2: "#2e86c1", 3: "#27ae60", 4: "#d68910", 5: "#c0392b"}
    for bedrooms, colour in colours.items():
        points = [(h[0], p) for h, p in zip(run.houses, run.prices) if h[1] == bedrooms]
        axes.scatter([s for s, _ in points], [p for _, p in points], color=colour, s=18,
                     label=f"{bedrooms} bedroom{'s' if bedrooms > 1 else ''}")
    sizes = [40 + 2 * k for k in range(106)]
    for bedrooms in (1, 3, 5):
        axes.plot(sizes, [run.predict(s, bedrooms) for s in sizes], color=colours[bedrooms])
    axes.set_xlabel("size (m²)")
    axes.set_ylabel("price (thousands)")
    axes.set_title("House prices: MLP(2, [8, 1]), ReLU, trained on the mean squared error")
    axes.legend(fontsize=8)
    return save_figure(figure, path)


def main(argv=None):
    """Command line: ``python -m demos.house [--steps 400] [--out PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.house", description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400, help="full-batch Adam steps (default 400)")
    parser.add_argument("--out", default=os.path.join(DEFAULT_OUT_DIR, "house.png"),
                        help="where to save the plot (default %(default)s)")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error("--steps must be at least 1")
    say(f"{N_HOUSES} made-up houses (size, bedrooms) -> price in thousands: 2.5 per m² above "
        "60 m², 20 per bedroom, noise ±15. MLP(2, [8, 1]) with ReLU hidden units and a linear "
        "output; loss: nn.mse, the mean of (prediction - price)² over the houses.")
    run = train_house(args.steps)
    heading("Training")
    for step in sorted({1, 10, 100, args.steps} & set(range(1, args.steps + 1))):
        print(f"  step {step:>4}: mean squared error {run.losses[step - 1]:.4f} (standardised prices)")
    print(f"  root-mean-square error on the houses: {run.rmse:.1f} thousand (the noise alone is "
          f"{15 / math.sqrt(3):.1f})")
    heading("Predictions")
    for size, bedrooms in ((50, 1), (120, 3), (200, 4)):
        print(f"  {size} m², {bedrooms} bedroom{'s' if bedrooms > 1 else ''}: network "
              f"{run.predict(size, bedrooms):.1f}, the rule {true_price(size, bedrooms):.1f}")
    say("Regression needs a linear output: a sigmoid would squash every price into (0, 1). "
        "The squared error's derivative, ∂L/∂ŷ_i = (2/n)(ŷ_i - y_i), is the upstream "
        "gradient backward() starts from at each prediction.", indent="  ")
    print(f"  plot saved to {plot_house(run, args.out)}")


if __name__ == "__main__":
    main()
