"""Helpers shared by the demos: headings, wrapped sentences, and the optional libraries."""

import importlib
import os
import textwrap

__all__ = ["heading", "banner", "say", "require", "save_png", "DEFAULT_OUT_DIR"]

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


def save_png(figure, path, dpi=110):
    """Save a matplotlib figure as a PNG at ``path``, all of it or nothing, and close it.

    matplotlib writes in place, so the picture goes to a file beside the
    target first (flushed to disk), then replaces it whole (``os.replace``).

    Returns:
        path.
    """
    import matplotlib.pyplot as plt
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    partial = os.path.join(directory, f".{os.path.basename(path)}.partial.png")
    try:
        figure.savefig(partial, dpi=dpi, format="png")
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, path)
    finally:
        plt.close(figure)
        if os.path.exists(partial):
            os.remove(partial)
    return path
