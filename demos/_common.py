"""Helpers shared by the demos: headings, wrapped sentences, and the optional libraries."""

import importlib
import os
import textwrap

__all__ = ["heading", "banner", "say", "require", "pyplot", "save_figure", "DEFAULT_OUT_DIR"]

DEFAULT_OUT_DIR = "chainrule-out"
"""Where demos write files unless told otherwise (``--out``)."""

_WIDTH = 88


def heading(title):
    """Print a blank line, then ``title`` underlined, to start a section.

    >>> heading("Forward pass")
    <BLANKLINE>
    Forward pass
    ------------
    """
    print()
    print(title)
    print("-" * len(title))


def say(text, indent=""):
    """Print ``text`` as a paragraph wrapped to 88 columns, each line starting with ``indent``.

    >>> say("The chain rule multiplies the local derivative by the upstream gradient.", indent="  ")
      The chain rule multiplies the local derivative by the upstream gradient.
    """
    print(textwrap.fill(" ".join(text.split()), width=_WIDTH,
                        initial_indent=indent, subsequent_indent=indent))


def pyplot(purpose):
    """matplotlib's pyplot with the file-only Agg backend (no window, works without a display).

    Raises:
        ModuleNotFoundError: naming the extra to install, if matplotlib is missing.
    """
    matplotlib = require("matplotlib", purpose)
    matplotlib.use("Agg")
    return require("matplotlib.pyplot", purpose)


def save_figure(figure, path, dpi=None):
    """Lay out a matplotlib figure, save it as a PNG at ``path`` whole or not at all, and close it.

    See :func:`autograd.files.write_atomically`: a stopped run never leaves
    half a picture, and the file gets the usual permissions.

    Returns:
        the path written (str).
    """
    import matplotlib.pyplot as plt

    from autograd.files import write_atomically
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)   # chainrule-out/
        figure.tight_layout()
        return write_atomically(path, lambda file: figure.savefig(file, format="png", dpi=dpi),
                                binary=True)
    finally:
        plt.close(figure)


def require(module_name, purpose):
    """Import an optional library, or explain how to install it.

    The engine needs only the standard library; the demos that train on real
    data or draw pictures also need scikit-learn, matplotlib and tqdm
    (``pip install chainrule[demos]``).

    Args:
        module_name: e.g. ``"sklearn.datasets"``.
        purpose: what it is needed for, for the message.

    Returns:
        the module.

    Raises:
        ModuleNotFoundError: naming the extra to install.
    """
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            f"{purpose} needs {module_name.split('.')[0]}: "
            f"pip install 'chainrule[demos]' ({error})") from None


def banner(number, title, source):
    """Print the start of a tour section: its number, title and where it is in the notes.

    >>> banner(1, "The computation graph", "002_*")
    <BLANKLINE>
    ================================================================================
    1. The computation graph  (notes: 002_*)
    ================================================================================
    """
    print()
    print("=" * 80)
    print(f"{number}. {title}  (notes: {source})")
    print("=" * 80)
