"""Draw a computation graph with Graphviz, from one recorded backward pass.

Two views of the same record (:func:`autograd.record`):

* ``view="scalar"`` (the default, :mod:`.scalar`): every node; each edge
  carries its local derivative ∂out/∂in and what it added to the parent's
  gradient.
* ``view="neurons"`` (:mod:`.neurons`): a network from :mod:`nn` with one
  box per neuron, for graphs too big to draw node by node.

Each function takes a Value (a record from zero is made, and every ``.grad``
is left as it was) or a record.  ``step=k`` draws the pass after its first k
steps, the k-th edge highlighted; the default draws the whole pass.
``show_grads=False`` draws values only.

Node ids are ``n<K>``, positions in the topological order, the names the
stepper and the page use, so the same graph always gives byte-identical DOT
and SVG.  Rendering needs Graphviz's ``dot`` program; :func:`dot_source` does not.

>>> from autograd import Value
>>> a, b = Value(2.0, "a"), Value(3.0, "b")
>>> y = (a * b).named("y")
>>> source = dot_source(y)
>>> source.startswith("digraph chainrule {"), "grad 3" in source, a.grad     # a.grad = b = 3
(True, True, 0.0)
>>> "not computed yet" in dot_source(y, step=0)
True
"""

import pathlib

from .. import files
from ..backward import BackwardRecord, record
from .canvas import DotNotFoundError, Frame, GraphTooLargeError, render_svg
from .neurons import MAX_NEURON_EDGES, NeuronView
from .scalar import MAX_SCALAR_NODES, ScalarView

__all__ = [
    "dot_source", "to_digraph", "save_svg", "svg_text", "picture", "record_of",
    "GraphTooLargeError", "DotNotFoundError", "Frame",
    "MAX_SCALAR_NODES", "MAX_NEURON_EDGES",
]

_VIEWS = {"scalar": ScalarView, "neurons": NeuronView}


def record_of(root, who, constants=False):
    """``root`` itself if it is a record, else :func:`autograd.record` of it (see that function's errors)."""
    if isinstance(root, BackwardRecord):
        return root
    return record(root, constants=constants, who=who)


def check_max_nodes(count, max_nodes, view, advice, what="nodes"):
    """Refuse a picture of more than ``max_nodes`` nodes (GraphTooLargeError), or a bad ``max_nodes``."""
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    if count > max_nodes:
        raise GraphTooLargeError(f"this graph has {count} {what}, more than max_nodes="
                                 f"{max_nodes} that {view} draws readably; {advice}")


def picture(root, *, view="scalar", step=None, show_grads=True, forward_upto=None,
            max_nodes=None, title=None, frame=None, constants=False, captions=None):
    """Build one picture: the hook the page and the stepper use, and what the functions below render.

    Args:
        root: a Value, or an :class:`autograd.BackwardRecord`.
        view (str): ``"scalar"`` or ``"neurons"``.
        step (int or None): after the first ``step`` steps of the record, the
            ``step``-th edge highlighted; None for the whole pass.
        show_grads (bool): False draws values only (no gradients).
        forward_upto (int or None): draw the forward pass in progress: the first
            ``forward_upto`` nodes of the topological order have their data.
        max_nodes (int or None): refuse more nodes (scalar) or boxes (neurons)
            than this; default :data:`MAX_SCALAR_NODES` / :data:`MAX_NEURON_EDGES`.
        title (str or None): the heading; default "computation graph of <root>".
        frame (Frame or None): what a sequence of pictures keeps equal.
        constants (bool): draw constant leaves (the 3 in 3·v) as nodes of their
            own; by default each is written into its operation.
        captions (dict or None): neuron view only: Value -> text shown in the box
            of the neuron whose output it is.

    Returns:
        a view object: ``.digraph`` (graphviz.Digraph), ``.lengths`` (characters per
        text cell), ``.names``.

    Raises:
        TypeError: if ``root`` is not a Value or record (a list of outputs: pick one, out[0]).
        ValueError: for an unknown view, a step outside the record, or
            ``view="neurons"`` on a graph without neurons.
        GraphTooLargeError: past ``max_nodes``, or more than
            :data:`MAX_NEURON_EDGES` arrows in the neuron view.
    """
    if view not in _VIEWS:
        raise ValueError(f"view must be 'scalar' or 'neurons', got {view!r}")
    if captions is not None and view != "neurons":
        raise ValueError("captions are for view='neurons' (a caption under a neuron's box)")
    rec = record_of(root, "draw", constants)
    options = dict(step=step, show_grads=show_grads, forward_upto=forward_upto, frame=frame,
                   title=title)
    if view == "neurons":
        drawing = NeuronView(rec, captions=captions, **options)
        drawing.draw(MAX_NEURON_EDGES if max_nodes is None else max_nodes)
    else:
        drawing = ScalarView(rec, **options)
        drawing.draw(MAX_SCALAR_NODES if max_nodes is None else max_nodes)
    return drawing


def dot_source(root, **options):
    """The DOT text (Graphviz's language) of the drawing; needs no Graphviz program.

    Args:
        root: a Value or an :class:`autograd.BackwardRecord`.
        **options: as for :func:`picture`.

    Returns:
        str: DOT source, byte-identical for the same graph and options.

    Raises:
        The errors of :func:`picture`.

    >>> from autograd import Value
    >>> a = Value(3.0, "a")
    >>> source = dot_source((a * a).named("y"))
    >>> source.count("-> n1_op")     # a * a: two edges, one per slot
    2
    >>> "∂y/∂a = 3" in source
    True
    """
    return picture(root, **options).digraph.source


def to_digraph(root, **options):
    """The drawing as a ``graphviz.Digraph``, which Jupyter shows inline as SVG.

    Args and errors as :func:`dot_source`.

    >>> from autograd import Value
    >>> to_digraph(Value(1.0, "x") + 2).name
    'chainrule'
    """
    return picture(root, **options).digraph


def svg_text(root, **options):
    """The drawing rendered to SVG by Graphviz's ``dot``, as text.

    Raises:
        DotNotFoundError: if Graphviz's ``dot`` program is not installed.
        The errors of :func:`picture`.

    >>> from autograd import Value
    >>> "<svg" in svg_text(Value(2.0, "x") * 3)
    True
    """
    return render_svg(picture(root, **options).digraph)


def save_svg(root, path, **options):
    """Render the drawing to an SVG file at ``path``, written atomically (all of it, or nothing).

    Args:
        root: a Value or a record.
        path (str or os.PathLike): the file to write, e.g. ``"graph.svg"``.
        **options: as for :func:`picture`.

    Returns:
        pathlib.Path: the file written.

    Raises:
        DotNotFoundError: if Graphviz's ``dot`` program is not installed.
        OSError: if the file cannot be written (the folder is left as it was).
        The errors of :func:`picture`.

    >>> import tempfile, pathlib
    >>> from autograd import Value
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = save_svg(Value(2.0, "x") * 3, pathlib.Path(folder) / "x.svg")
    ...     written.name, sorted(p.name for p in pathlib.Path(folder).iterdir())
    ('x.svg', ['x.svg'])
    """
    return write_atomically(path, svg_text(root, **options))


def write_atomically(path, text):
    """Write ``text`` (UTF-8) to ``path`` whole or not at all (see :func:`autograd.files.write_atomically`).

    Returns:
        pathlib.Path: ``path``.
    """
    files.write_atomically(path, lambda file: file.write(text))
    return pathlib.Path(path)
