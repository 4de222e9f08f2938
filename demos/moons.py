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
``--html PATH`` also writes the training page (:mod:`demos.training_page`):
the loss and accuracy curves, each layer's gradient size, the decision
boundary and every hidden neuron's level set every ``--every`` steps, dead
ReLUs marked, and each point's computation graph a click away.
"""

import argparse
import math
import os
from collections import namedtuple

import nn
from autograd import no_grad
from autograd.views import draw

from ._common import DEFAULT_OUT_DIR, require, say
from .gradient_health import forward_with_captions, layer_gradient_sizes, unit_health
from .training_page import Frame, graph_set, line_chart, png_data_uri, write_page

__all__ = ["SEED", "MoonsResult", "load_moons", "accuracy", "train_moons",
           "plot_decision_boundary", "write_html", "main"]

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


def train_moons(max_steps=100, seed=SEED, alpha=1e-4, log=print, every=10, recorder=None,
                record_every=10):
    """Train micrograd's two-moons classifier until 100% training accuracy or ``max_steps`` updates.

    Each step: forward pass over all 100 points, hinge loss + L2, backward
    pass, one SGD update with the learning rate ``linear_decay(1.0, 0.1, 100)``.

    Args:
        max_steps: the most updates to make.
        seed: the MLP's weight seed.
        alpha: the L2 strength.
        log: a function of one str for progress lines (e.g. ``print``), or None.
        every: log every this many steps.
        recorder: None, or a function called every ``record_every`` steps and at
            the last, after backward() and before the update, with (step, model,
            loss as a float, accuracy, the scores as floats); it may read the
            gradients but must leave them as they are.
        record_every: see ``recorder``.

    Returns:
        MoonsResult.
    """
    inputs, labels = load_moons()
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=seed)
    optimizer = nn.SGD(model.parameters(), lr=nn.linear_decay(1.0, 0.1, 100))
    history = []
    step = 0
    while True:
        scores = [model(x)[0] for x in inputs]
        data_loss = nn.hinge(scores, labels)
        loss = data_loss + nn.l2(model.parameters(), alpha)
        fraction = accuracy(scores, labels)
        history.append((step, loss.data, fraction))
        done = fraction == 1.0 or step == max_steps
        if log is not None and (step % every == 0 or done):
            log(f"step {step:3d}: loss {loss.data:.4f}, training accuracy {fraction:.0%}, "
                f"learning rate {optimizer.current_lr():.3f}")
        model.zero_grad()
        loss.backward()
        if recorder is not None and (step % record_every == 0 or done):
            recorder(step, model, loss.data, fraction, [s.data for s in scores])
        if done:
            break
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


# --- the training page ----------------------------------------------------------------

_GRID = (72, 54)            # the decision boundary's pixels (x by y); units use every other one
_PAGE_SIZE = (432, 324)     # the boundary panel in CSS pixels, the grid's 4:3
_RED, _BLUE = (0.753, 0.224, 0.169), (0.122, 0.373, 0.659)
_ORANGE, _GREY = (0.945, 0.412, 0.075), (0.90, 0.90, 0.90)


def _extent(inputs):
    xs, ys = [x for x, _ in inputs], [y for _, y in inputs]
    return min(xs) - 0.5, max(xs) + 0.5, min(ys) - 0.5, max(ys) + 0.5


def _mix(colour, amount):
    """White mixed with ``colour``: amount 0 is white, 1 the colour."""
    return [1.0 - amount * (1.0 - c) for c in colour]


class _MoonsRecorder:
    """Called by train_moons at each recorded step: keeps what the page shows of that step."""

    def __init__(self, inputs, labels, graph_points):
        self.inputs, self.labels, self.graph_points = inputs, labels, graph_points
        x_min, x_max, y_min, y_max = _extent(inputs)
        n_x, n_y = _GRID
        # Row 0 of an image is its top, so the grid runs from y_max down.
        self.grid = [[(x_min + (i + 0.5) * (x_max - x_min) / n_x, y_max - (j + 0.5) * (y_max - y_min) / n_y)
                      for i in range(n_x)] for j in range(n_y)]
        self.records = []

    def _pictures(self, model):
        """The decision-boundary image and one level-set image per hidden unit."""
        hidden_layers = model.layers[:-1]
        boundary = []
        units = [[[] for _ in layer.neurons] for layer in hidden_layers]
        with no_grad():
            for j, row in enumerate(self.grid):
                boundary_row = []
                unit_rows = [[[] for _ in layer.neurons] for layer in hidden_layers]
                for i, point in enumerate(row):
                    activations = list(point)
                    for l, layer in enumerate(hidden_layers):
                        activations = [a.data for a in layer(activations)]
                        if i % 2 == 0 and j % 2 == 0:
                            for k, a in enumerate(activations):
                                unit_rows[l][k].append(a)
                    score = model.layers[-1](activations)[0].data
                    # Class colour, stronger further from the boundary; the boundary itself dark.
                    strength = 0.25 + 0.45 * math.tanh(abs(score))
                    boundary_row.append(_mix(_BLUE if score > 0 else _RED, strength))
                boundary.append(boundary_row)
                if j % 2 == 0:
                    for l in range(len(hidden_layers)):
                        for k in range(len(units[l])):
                            units[l][k].append(unit_rows[l][k])
        unit_uris = []
        for layer_units in units:
            uris = []
            for image in layer_units:
                largest = max(max(row) for row in image) or 1.0
                # Where the unit is off (a = 0) grey; where it is on, orange by its share of its
                # largest value: the grey/orange edge is its level set a = 0 (z = 0).
                uris.append(png_data_uri([[_GREY if a <= 0 else _mix(_ORANGE, 0.15 + 0.85 * a / largest)
                                           for a in row] for row in image]))
            unit_uris.append(uris)
        return png_data_uri(boundary), unit_uris

    def _graph_sources(self, model, step, health):
        """Each chosen point's graph, forward and backward for that point's hinge loss alone,
        each hidden neuron captioned with how gradient passes it (dead units named)."""
        sources = {}
        for k in self.graph_points:
            model.zero_grad()
            outputs, captions = forward_with_captions(model, self.inputs[k], health)
            loss = nn.hinge([outputs[0]], [self.labels[k]])
            loss.backward()
            sources[str(k)] = draw.dot_source(
                loss, view="neurons", captions=captions,
                title=f"point {k}, label {self.labels[k]:+d}, at step {step}: hinge loss")
        return sources

    def __call__(self, step, model, loss, fraction, scores):
        kept = [p.grad for p in model.parameters()]    # the training step's gradients
        record = {
            "step": step, "loss": loss, "accuracy": fraction,
            "wrong": [(s > 0) != (y > 0) for s, y in zip(scores, self.labels)],
            "sizes": layer_gradient_sizes(model),
            "health": unit_health(model, self.inputs),
        }
        record["boundary"], record["units"] = self._pictures(model)
        sources = self._graph_sources(model, step, record["health"])
        record["graphs"] = graph_set(sources) if sources else None
        for parameter, grad in zip(model.parameters(), kept):
            parameter.grad = grad
        self.records.append(record)


def write_html(path, max_steps=100, seed=SEED, every=10, graph_points=None, progress=True):
    """Train the two-moons MLP and write its training page to ``path``.

    Args:
        path: the HTML file to write.
        max_steps, seed: as for :func:`train_moons`.
        every: record a frame every this many steps (and at the last).
        graph_points: indices of the points whose graphs the page keeps
            (default all 100; fewer makes a smaller, faster page).
        progress: a tqdm bar over the steps.

    Returns:
        (the path written, the MoonsResult).
    """
    inputs, labels = load_moons()
    points = list(range(len(inputs))) if graph_points is None else list(graph_points)
    recorder = _MoonsRecorder(inputs, labels, points)
    bar = None
    if progress:
        bar = require("tqdm", "the progress bar").tqdm(total=max_steps, desc="moons", unit="step",
                                                       leave=False)
    log = (lambda line: bar.update(int(line.split(":")[0].split()[1]) - bar.n)) if bar else None
    result = train_moons(max_steps, seed, log=log, every=1, recorder=recorder, record_every=every)
    if bar:
        bar.close()
    records = recorder.records

    steps = [step for step, _, _ in result.history]
    loss_chart = line_chart([("loss", "#1f5fa8", [l for _, l, _ in result.history])], steps,
                            title="Loss (hinge + L2)", y_label="step")
    accuracy_chart = line_chart([("accuracy", "#27ae60", [a for _, _, a in result.history])], steps,
                                title="Training accuracy", y_label="step", y_range=(0.0, 1.0))
    recorded_steps = [r["step"] for r in records]
    layer_colours = ("#c0392b", "#d68910", "#1f5fa8", "#7d3c98")
    size_chart = line_chart(
        [(f"layer {l + 1}", layer_colours[l % 4], [r["sizes"][l] for r in records])
         for l in range(len(result.model.layers))],
        recorded_steps, title="Mean |dL/dw| per layer", y_label="step", log=True)
    charts = [loss_chart, accuracy_chart, size_chart]

    x_min, x_max, y_min, y_max = _extent(inputs)
    width, height = _PAGE_SIZE
    circles = []
    for k, ((x, y), label) in enumerate(zip(inputs, labels)):
        cx = (x - x_min) / (x_max - x_min) * width
        cy = (y_max - y) / (y_max - y_min) * height
        colour = "#1f5fa8" if label > 0 else "#c0392b"
        circles.append(f'<circle id="tp-point-{k}" data-point="{k}" class="point" cx="{cx:.1f}" '
                       f'cy="{cy:.1f}" r="4.5" fill="{colour}"><title>point {k}: ({x:.2f}, {y:.2f}), '
                       f'label {label:+d}</title></circle>')
    boundary_panel = (
        '<div class="panel"><h2>Decision boundary (blue: +1, red: -1; ringed: misclassified; '
        'click a point)</h2>'
        f'<svg id="tp-boundary" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<image id="tp-boundary-image" x="0" y="0" width="{width}" height="{height}" '
        f'preserveAspectRatio="none" href="{records[-1]["boundary"]}"/>'
        + "".join(circles) + "</svg></div>")
    unit_parts = ['<div class="panel"><h2>Hidden neurons: where each is on (orange, stronger '
                  'for larger a) and off (grey); the edge is its level set z = 0</h2>'
                  '<p class="legend-flag"><span style="color:#d62728">red: dead ReLU (a = 0 on '
                  'every point)</span> &nbsp; <span style="color:#9467bd">purple: saturated '
                  '(slope under 1% of its largest on 90% of the points)</span></p>']
    for l, layer in enumerate(result.model.layers[:-1], start=1):
        unit_parts.append(f"<h2>layer {l}</h2><div class=\"units\">")
        for j in range(1, len(layer.neurons) + 1):
            unit_parts.append(f'<div class="unit" id="tp-unit-{l}-{j}"><img id="tp-unit-img-{l}-{j}" '
                              f'alt="a[{l}]_{j}" src="{records[-1]["units"][l - 1][j - 1]}">'
                              f'<div class="flag" id="tp-unit-flag-{l}-{j}"></div>a[{l}]_{j}</div>')
        unit_parts.append("</div>")
    unit_parts.append("</div>")

    frames = []
    for record in records:
        settings = [("tp-boundary-image", "href", record["boundary"])]
        for chart in (loss_chart, accuracy_chart, size_chart):
            x = f"{chart.x_of(record['step']):.1f}"
            settings += [(chart.cursor_id, "x1", x), (chart.cursor_id, "x2", x)]
        for k, wrong in enumerate(record["wrong"]):
            settings.append((f"tp-point-{k}", "class", "point wrong" if wrong else "point"))
        flags = {(u.layer, u.index): u.flag for u in record["health"]}
        for l, uris in enumerate(record["units"], start=1):
            for j, uri in enumerate(uris, start=1):
                flag = flags.get((l, j), "")
                settings += [(f"tp-unit-img-{l}-{j}", "src", uri),
                             (f"tp-unit-{l}-{j}", "class", f"unit {flag}".strip()),
                             (f"tp-unit-flag-{l}-{j}", "text", flag)]
        n_dead = sum(u.flag == "dead" for u in record["health"])
        label = (f"step {record['step']}: loss {record['loss']:.4f}, accuracy "
                 f"{record['accuracy']:.0%}, {n_dead} dead ReLU{'s' if n_dead != 1 else ''}")
        frames.append(Frame(label, settings, record["graphs"]))

    names = {str(k): f"point {k} ({inputs[k][0]:.2f}, {inputs[k][1]:.2f}), label {labels[k]:+d}"
             for k in points}
    write_page(path, title="Two moons: MLP(2, [16, 16, 1]) learning",
               intro="micrograd's two moons, trained by full-batch SGD on the hinge loss + L2. "
                     f"A frame every {every} steps: scrub the timeline or press Play; click a "
                     "point to see its computation graph at that step (its own forward and "
                     "backward pass).",
               charts=charts, panels_html=boundary_panel + "".join(unit_parts), frames=frames,
               point_names=names)
    return path, result


def main(argv=None):
    """Command line: ``python -m demos.moons [--steps 100] [--seed 1] [--out PATH] [--html PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.moons",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="the most updates (default 100)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"the MLP's seed (default {SEED})")
    parser.add_argument("--out", default=os.path.join(DEFAULT_OUT_DIR, "moons.png"),
                        help="where to save the decision boundary (default %(default)s)")
    parser.add_argument("--html", default=None,
                        help="also write the training page to this HTML file")
    parser.add_argument("--every", type=int, default=10,
                        help="with --html: a frame every this many steps (default 10)")
    args = parser.parse_args(argv)
    if args.steps < 0:
        parser.error("--steps must be at least 0")
    if args.every < 1:
        parser.error("--every must be at least 1")
    say("Training MLP(2, [16, 16, 1]) with ReLU on micrograd's two moons: hinge loss + L2, "
        "full batch, learning rate decaying from 1.0 to 0.1.")
    if args.html:
        path, result = write_html(args.html, args.steps, args.seed, args.every)
    else:
        result = train_moons(args.steps, args.seed)
    if result.accuracy == 1.0:
        print(f"Every training point is classified correctly after {result.steps} steps.")
    else:
        print(f"Stopped after {result.steps} steps at {result.accuracy:.0%} training accuracy.")
    path = plot_decision_boundary(result.model, result.inputs, result.labels, args.out)
    print(f"decision boundary saved to {path}")
    if args.html:
        print(f"training page saved to {args.html}")


if __name__ == "__main__":
    main()
