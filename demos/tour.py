"""The tour: backpropagation from one computation graph to a trained digit classifier, in the order of the lecture notes.

Start here: ``python -m demos.tour``.  Each section is one of the other demos,
shortened to its core:

1. the computation graph J = 3(a + b·c) and the chain rule (``../shared/seeds/002_*``);
2. derivatives by nudging, against backward() (``002_*``);
3. a single neuron is a logistic regression: one gradient step (``000_*``, ``003_*``);
4. the two-layer chain and its four derivatives (``000_*``);
5. softmax, activation slopes and why non-linearity (``001_*``, ``002_*``);
6. an MLP trained on handwritten digits with softmax cross-entropy (``000_*``, ``001_*``).

Options: ``--epochs`` for the digits, ``--quick`` (one epoch on a few hundred
images, for a fast check), ``--out DIR`` for files the tour writes.
"""

import argparse
import os

import nn
from autograd import Value

from . import activations, digits, graph, neuron, nudge, two_layer
from ._common import DEFAULT_OUT_DIR, banner

__all__ = ["SECTIONS", "pictures", "main"]


# Each section prints a banner and one demo's story; ``args`` are the tour's options.

def section_graph(args):
    banner(1, "The computation graph and the chain rule", "002_*")
    graph.show()


def section_nudge(args):
    banner(2, "Derivatives by nudging", "002_*")
    nudge.show()


def section_neuron(args):
    banner(3, "A neuron is a logistic regression", "000_*, 003_*")
    neuron.show()


def section_two_layer(args):
    banner(4, "Two layers: the chain rule through a network", "000_*")
    two_layer.show()


def section_activations(args):
    banner(5, "Softmax, activations and their slopes", "001_*, 002_*")
    activations.show()


def _write_pictures(out_dir, writers):
    """Run each (file name, writer) pair into ``out_dir``; return the paths written.

    Without Graphviz's ``dot`` the tour still runs: it says how to install it
    and skips the pictures.
    """
    from autograd.views.draw import DotNotFoundError

    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for name, write in writers:
        path = os.path.join(out_dir, name)
        try:
            write(path)
        except DotNotFoundError as error:
            print(f"  (no pictures: {error})")
            break
        paths.append(path)
    return paths


def pictures(out_dir):
    """Write the pictures of the graphs above into ``out_dir``; return their paths.

    * ``J.svg``: J = 3(a + b·c) after its backward pass, each edge with its local
      derivative and contribution;
    * ``J-steps.html``: the page that plays J's forward and backward pass edge by edge;
    * ``neuron.svg``: the single neuron's graph over the notes' three points, with its loss.

    Returns:
        list of str (paths written).
    """
    from autograd.views import draw, page

    def write_j(path):
        nodes = graph.build_graph()
        draw.save_svg(nodes["J"], path, title="J = 3(a + b·c) after its backward pass")

    def write_j_page(path):
        nodes = graph.build_graph()
        page.write_html(nodes["J"], path, title="J = 3(a + b·c): the backward pass, edge by edge")

    def write_neuron(path):
        single = neuron.make_neuron()
        inputs = [Value(x, f"x_{i}") for i, x in enumerate(neuron.XS, start=1)]
        loss = nn.binary_cross_entropy([single([x]) for x in inputs], neuron.YS).named("L")
        draw.save_svg(loss, path, title="one sigmoid neuron, three examples, mean cross-entropy L")

    return _write_pictures(out_dir, [("J.svg", write_j), ("J-steps.html", write_j_page),
                                     ("neuron.svg", write_neuron)])


def network_picture(model, image, label, out_dir):
    """Draw the trained digits MLP on one test image, neuron by neuron; return the paths written.

    The drawing records the loss's backward pass for that image, so each
    neuron shows its activation a[l]_j and its gradient dL/da[l]_j; the ten
    outputs are captioned with their digit and softmax probability, the
    predicted and the true class marked.
    """
    from autograd.views import draw
    from autograd.views.text import format_number

    def write(path):
        logits = model(image)
        loss = nn.cross_entropy(logits, label).named("L")
        probabilities = [p.data for p in nn.softmax(logits)]
        predicted = max(range(len(probabilities)), key=probabilities.__getitem__)
        captions = {}
        for digit, (logit, p) in enumerate(zip(logits, probabilities)):
            marks = [m for m, on in (("predicted", digit == predicted), ("true", digit == label))
                     if on]
            captions[logit] = (f"digit {digit}: p = {format_number(p)}"
                               + (f"  ← {' and '.join(marks)}" if marks else ""))
        draw.save_svg(loss, path, view="neurons", captions=captions,
                      title=f"the trained MLP(64, [32, 10]) on a test image of a {label}")

    return _write_pictures(out_dir, [("digits-mlp.svg", write)])


def _print_paths(out_dir, paths):
    if paths:
        print()
        print(f"Pictures written to {out_dir} (open them in a browser):")
        for path in paths:
            print(f"  {path}")


def section_pictures(args):
    _print_paths(args.out, pictures(args.out))


def section_digits(args):
    banner(6, "Training a network: handwritten digits", "000_*, 001_*")
    result = digits.report(args.epochs, quick=args.quick)
    _, test_x, _, test_y = digits.load_digits_split()
    _print_paths(args.out, network_picture(result.model, test_x[0], test_y[0], args.out))


SECTIONS = (section_graph, section_nudge, section_neuron, section_two_layer,
            section_activations, section_pictures, section_digits)
"""The tour's sections in order; each takes the parsed command-line arguments."""


def main(argv=None):
    """Command line: ``python -m demos.tour [--epochs 8] [--quick] [--out chainrule-out]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.tour",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=digits.EPOCHS,
                        help=f"epochs of digit training (default {digits.EPOCHS})")
    parser.add_argument("--quick", action="store_true",
                        help=f"train the digits for one epoch on {digits.QUICK_TRAIN_IMAGES} images")
    parser.add_argument("--out", default=DEFAULT_OUT_DIR,
                        help="directory for files the tour writes (default %(default)s)")
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    args.out = os.path.normpath(args.out)
    for section in SECTIONS:
        section(args)


if __name__ == "__main__":
    main()
