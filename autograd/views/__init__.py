"""Everything that shows a computation graph, each view reading one recorded backward pass.

Where things live:

* ``text.py``: the one number format, the one naming of nodes, escaping for DOT, HTML and LaTeX;
* ``canvas.py``: what every drawing shares (colours, cells, legend, heading);
* ``scalar.py``: the scalar view, a box per value and an oval per operation;
* ``neurons.py``: the neuron view, a box per neuron of an ``nn`` network;
* ``draw.py``: the drawing functions over both views (DOT, SVG, files);
* ``page.py``: one self-contained HTML page that plays the forward and backward pass;
* ``walk.py``: walking a recorded pass one step at a time, what both steppers share;
* ``stepper.py``: the REPL stepper, one edge update at a time;
* ``tree.py``: the graph as an indented text tree;
* ``explain.py``: the chain rule written out, path by path;
* ``notebook.py``: how a Value, a record and a Stepper display in Jupyter;
* ``cli.py``: the ``chainrule`` command.

Each takes a Value and makes a record of one backward pass from zero
(:func:`autograd.record`), or takes a record; none runs the sweep itself, and
none changes the user's ``.grad`` values, except the stepper, which sets them
as it steps (that is its purpose).
"""

from . import draw, page
from .explain import explain
from .stepper import Stepper
from .tree import print_tree, text_tree

__all__ = ["draw", "page", "Stepper", "text_tree", "print_tree", "explain"]
