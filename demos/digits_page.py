"""The digits training page: loss and accuracy per epoch, a confusion matrix, the worst-classified images and their graphs.

``python -m demos.digits --html PATH`` trains ``MLP(64, [32, 10])`` as
:mod:`demos.digits` does and records each epoch:

* the mean training loss, the training and test accuracy, and each layer's
  mean |∂L/∂w| averaged over the epoch's minibatches;
* the confusion matrix on the 450 held-out images (row: the true digit,
  column: the predicted one);
* the eight held-out images given the lowest probability of their true
  digit, each clickable to show its computation graph (the neuron view: its
  64 pixels as a grid, the 32 hidden neurons, the 10 logits and its
  cross-entropy) at that epoch;
* each hidden neuron's 64 incoming weights as an 8×8 picture (what it looks
  for), with the dead ReLUs (a = 0 on every training image checked) marked.

The page itself is :func:`demos.training_page.write_page`.
"""

import math

import nn
from autograd import no_grad
from autograd.views import draw

from ._common import require
from .digits import EPOCHS, HIDDEN, load_digits_split, train_digits
from .gradient_health import forward_with_captions, unit_health
from .training_page import Frame, graph_set, line_chart, png_data_uri, write_page

__all__ = ["WORST", "write_html"]

WORST = 8
"""How many worst-classified images a frame shows."""
HEALTH_SAMPLE = 300
"""How many training images the dead/saturated check runs on."""


def _softmax(logits):
    largest = max(logits)
    exps = [math.exp(z - largest) for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


def _grey(pixels):
    """An 8×8 digit (64 floats in [0, 1], 1 = ink) as an image, ink dark."""
    return png_data_uri([[[1.0 - pixels[8 * r + c]] * 3 for c in range(8)] for r in range(8)])


def _weights_picture(neuron):
    """A hidden neuron's 64 weights as an 8×8 picture: orange positive, blue negative."""
    largest = max(abs(w.data) for w in neuron.w) or 1.0
    rows = []
    for r in range(8):
        row = []
        for c in range(8):
            w = neuron.w[8 * r + c].data / largest
            colour = (0.945, 0.412, 0.075) if w > 0 else (0.122, 0.373, 0.659)
            row.append([1.0 - abs(w) * (1.0 - channel) for channel in colour])
        rows.append(row)
    return png_data_uri(rows)


class _DigitsRecorder:
    def __init__(self, train_x, train_y, test_x, test_y):
        self.train_x, self.train_y, self.test_x, self.test_y = train_x, train_y, test_x, test_y
        self.records = []

    def _predictions(self, model, inputs):
        with no_grad():
            return [_softmax([z.data for z in model(x)]) for x in inputs]

    def __call__(self, epoch, model, loss, sizes):
        test_probabilities = self._predictions(model, self.test_x)
        train_probabilities = self._predictions(model, self.train_x)
        predicted = [p.index(max(p)) for p in test_probabilities]
        confusion = [[0] * 10 for _ in range(10)]
        for truth, guess in zip(self.test_y, predicted):
            confusion[truth][guess] += 1
        worst = sorted(range(len(self.test_y)),
                       key=lambda i: test_probabilities[i][self.test_y[i]])[:WORST]
        kept = [p.grad for p in model.parameters()]
        health = unit_health(model, self.train_x[:HEALTH_SAMPLE])
        sources = {}
        for i in worst:
            model.zero_grad()
            logits, captions = forward_with_captions(model, self.test_x[i], health)
            loss_i = nn.cross_entropy(logits, self.test_y[i])
            loss_i.backward()
            sources[str(i)] = draw.dot_source(
                loss_i, view="neurons", captions=captions,
                title=f"held-out image {i}: a {self.test_y[i]}, read as {predicted[i]} "
                      f"at epoch {epoch}; cross-entropy")
        for parameter, grad in zip(model.parameters(), kept):
            parameter.grad = grad
        self.records.append({
            "epoch": epoch, "loss": loss, "sizes": sizes,
            "test_accuracy": sum(p == y for p, y in zip(predicted, self.test_y)) / len(self.test_y),
            "train_accuracy": sum(p.index(max(p)) == y for p, y in
                                  zip(train_probabilities, self.train_y)) / len(self.train_y),
            "confusion": confusion,
            "worst": [(i, self.test_y[i], predicted[i], test_probabilities[i][self.test_y[i]])
                      for i in worst],
            "weights": [_weights_picture(neuron) for neuron in model.layers[0].neurons],
            "health": health,
            "graphs": graph_set(sources),
        })


def _confusion_settings(confusion):
    settings = []
    for truth, row in enumerate(confusion):
        total = sum(row) or 1
        for guess, count in enumerate(row):
            share = count / total
            if truth == guess:
                # Blue for right, orange for wrong: a pair colour-blind readers can tell apart.
                colour = f"rgba(66, 146, 198, {0.15 + 0.6 * share:.2f})"
            else:
                colour = f"rgba(241, 105, 19, {min(1.0, 4 * share):.2f})" if count else "white"
            settings += [(f"tp-cm-{truth}-{guess}", "text", str(count) if count else ""),
                         (f"tp-cm-{truth}-{guess}", "style", f"background: {colour}")]
    return settings


def write_html(path, epochs=EPOCHS, train_limit=None, progress=True, log=print):
    """Train the digits MLP and write its training page to ``path``.

    Args:
        path: the HTML file to write.
        epochs: passes over the training images (a frame each).
        train_limit: use only the first this many training images (None: all 1,347).
        progress: the tqdm bar over minibatches.
        log: a function of one str for the per-epoch lines, or None.

    Returns:
        (the path written, the DigitsResult).
    """
    train_x, test_x, train_y, test_y = load_digits_split()
    if train_limit is not None:
        train_x, train_y = train_x[:train_limit], train_y[:train_limit]
    recorder = _DigitsRecorder(train_x, train_y, test_x, test_y)
    result = train_digits(epochs, train_limit=train_limit, progress=progress, log=log,
                          recorder=recorder)
    records = recorder.records
    epochs_axis = [r["epoch"] for r in records]
    loss_chart = line_chart([("training loss", "#1f5fa8", [r["loss"] for r in records])],
                            epochs_axis, title="Mean cross-entropy", y_label="epoch")
    accuracy_chart = line_chart([("training", "#1f5fa8", [r["train_accuracy"] for r in records]),
                                 ("held-out", "#e6550d", [r["test_accuracy"] for r in records])],
                                epochs_axis, title="Accuracy", y_label="epoch", y_range=(0.0, 1.0))
    size_chart = line_chart([(f"layer {l + 1}", colour, [r["sizes"][l] for r in records])
                             for l, colour in zip(range(2), ("#c0392b", "#1f5fa8"))],
                            epochs_axis, title="Mean |dL/dw| per layer", y_label="epoch", log=True)
    charts = [loss_chart, accuracy_chart, size_chart]

    header = "".join(f"<th>{guess}</th>" for guess in range(10))
    rows = "".join(f"<tr><th>{truth}</th>" + "".join(f'<td id="tp-cm-{truth}-{guess}"></td>'
                                                      for guess in range(10)) + "</tr>"
                   for truth in range(10))
    confusion_panel = ('<div class="panel"><h2>Confusion matrix, 450 held-out images (row: true '
                       'digit, column: predicted)</h2>'
                       f'<table class="confusion"><tr><th></th>{header}</tr>{rows}</table></div>')
    figures = "".join(
        f'<figure id="tp-worst-{k}" data-point=""><img id="tp-worst-img-{k}" alt="worst {k + 1}">'
        f'<figcaption id="tp-worst-caption-{k}"></figcaption></figure>' for k in range(WORST))
    worst_panel = ('<div class="panel"><h2>Worst-classified held-out images (click one for its '
                   f'graph)</h2><div class="worst">{figures}</div></div>')
    tiles = "".join(
        f'<div class="unit" id="tp-unit-1-{j}"><img id="tp-unit-img-1-{j}" alt="a[1]_{j}" '
        f'style="image-rendering: pixelated"><div class="flag" id="tp-unit-flag-1-{j}"></div>'
        f'a[1]_{j}</div>' for j in range(1, HIDDEN + 1))
    units_panel = ('<div class="panel"><h2>Hidden neurons: their 64 weights as 8×8 pictures '
                   '(orange +, blue -)</h2><p class="legend-flag"><span style="color:#d62728">'
                   f'red: dead ReLU (a = 0 on all of {min(HEALTH_SAMPLE, len(train_x))} training '
                   'images)</span></p>'
                   f'<div class="units">{tiles}</div></div>')

    frames, names = [], {}
    for record in records:
        settings = _confusion_settings(record["confusion"])
        for chart in charts:
            x = f"{chart.x_of(record['epoch']):.1f}"
            settings += [(chart.cursor_id, "x1", x), (chart.cursor_id, "x2", x)]
        for k, (i, truth, guess, probability) in enumerate(record["worst"]):
            settings += [(f"tp-worst-{k}", "data-point", str(i)),
                         (f"tp-worst-img-{k}", "src", _grey(test_x[i])),
                         (f"tp-worst-caption-{k}", "text",
                          f"#{i}: a {truth}, read {guess}; P({truth}) = {probability:.2g}")]
            names[str(i)] = f"held-out image {i} (a {truth})"
        flags = {(u.layer, u.index): u.flag for u in record["health"]}
        for j, uri in enumerate(record["weights"], start=1):
            flag = flags.get((1, j), "")
            settings += [(f"tp-unit-img-1-{j}", "src", uri),
                         (f"tp-unit-1-{j}", "class", f"unit {flag}".strip()),
                         (f"tp-unit-flag-1-{j}", "text", flag)]
        n_dead = sum(u.flag == "dead" for u in record["health"] if u.layer == 1)
        label = (f"epoch {record['epoch']}: loss {record['loss']:.4f}, held-out accuracy "
                 f"{record['test_accuracy']:.1%}, {n_dead} dead ReLU{'s' if n_dead != 1 else ''}")
        frames.append(Frame(label, settings, record["graphs"]))
    write_page(path, title="Handwritten digits: MLP(64, [32, 10]) learning",
               intro="scikit-learn's 8×8 digits, trained with softmax cross-entropy and Adam in "
                     "minibatches of 32. A frame per epoch: scrub the timeline or press Play; "
                     "click one of the worst-classified images to see its computation graph "
                     "at that epoch.",
               charts=charts, panels_html=confusion_panel + worst_panel + units_panel,
               frames=frames, point_names=names, interval_ms=900)
    return path, result
