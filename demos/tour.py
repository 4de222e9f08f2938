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


def pictures(out_dir):
    """Write the tour's pictures (graphs drawn by chainrule) into ``out_dir``; return their paths.

    The hook for drawings of the graphs above; it writes nothing yet.

    Returns:
        list of str (paths written).
    """
    return []


def section_pictures(args):
    paths = pictures(args.out)
    if paths:
        print()
        print(f"Pictures written to {args.out}:")
        for path in paths:
            print(f"  {path}")


def section_digits(args):
    banner(6, "Training a network: handwritten digits", "000_*, 001_*")
    digits.report(args.epochs, quick=args.quick)


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
