"""Draw a computation graph with Graphviz: a box per value, a small node per operation, derivatives on the edges.

Two views of the same graph:

* ``view="scalar"`` (the default) draws every node.  A value box shows the
  node's name, ``data`` and ``grad``; each operation is its own small oval
  (hover over it for its formula); each edge from a parent into an operation
  carries its local derivative ∂out/∂in and, once ``backward()`` has run,
  its contribution to the parent's gradient, local derivative × upstream
  gradient.  Graphs of more than :data:`MAX_SCALAR_NODES` nodes are refused.
* ``view="neurons"`` draws a network from :mod:`nn` with one box per neuron.
  A neuron is recognised by the labels ``nn`` gives it, in the notes'
  notation: a node labelled ``z[l]_j`` that has parents (its weighted sum)
  and, if the neuron has an activation, its only child labelled ``a[l]_j``.
  The neuron's parameters (leaves labelled ``w[l]_i,j`` and ``b[l]_j``) are
  folded into its box; the other parents of ``z[l]_j`` become arrows into the
  box, drawn thicker for a larger weight (the weight is ∂z/∂input, the local
  derivative on that edge) and coloured by its sign.  Layers become clusters,
  the network's inputs one cluster (more than 16 inputs are drawn as two small
  grids, data and grad), and the few nodes after the network (the loss) are
  drawn as in the scalar view.

Nodes are named by their position in :func:`autograd.topological_order`
(``n0``, ``n1``, ...; an op node is ``n4_op``), the names the stepper's
sentences use, so the same graph always gives byte-identical DOT and SVG.

Gradient colours use a blue-orange diverging scale (ColorBrewer's Blues and
Oranges), which readers with red-green colour blindness can tell apart:
blue for a negative gradient, orange for a positive one, darker for a larger
size.  The highlighted step of the backward pass is drawn thick in Okabe and
Ito's reddish purple, distinct from both.

Rendering needs Graphviz's ``dot`` program; :func:`dot_source` does not.

>>> from autograd import Value
>>> a, b = Value(2.0, "a"), Value(3.0, "b")
>>> y = (a * b).named("y")
>>> source = dot_source(y)
>>> source.startswith("digraph chainrule {"), "not computed yet" in source
(True, True)
>>> y.backward()
>>> "grad 3.0" in dot_source(y)       # a.grad = b = 3
True
"""

import html
import math
import re

import graphviz

from .backward import EdgeUpdate
from .graph import node_names, topological_order

__all__ = [
    "dot_source", "to_digraph", "save_svg", "svg_text",
    "GraphTooLargeError", "DotNotFoundError",
    "MAX_SCALAR_NODES", "MAX_NEURON_EDGES",
]

MAX_SCALAR_NODES = 200
"""The most nodes ``view="scalar"`` draws: beyond this a picture is unreadable and dot is slow."""

MAX_NEURON_EDGES = 2000
"""The most arrows ``view="neurons"`` draws (a layer of 40 neurons after one of 50 is 2,000)."""

_MAX_INPUT_BOXES = 16      # more network inputs than this are drawn as one grid
_MAX_EXTRA_NODES = 30      # more nodes outside the network than this are folded into one box


class GraphTooLargeError(ValueError):
    """The graph has more nodes than the view can draw readably."""


class DotNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program, which turns DOT into SVG, is not installed."""


_DOT_MISSING = (
    "Graphviz's 'dot' program was not found, so the graph cannot be rendered to SVG. "
    "Install Graphviz: 'sudo apt-get install graphviz' (Debian/Ubuntu), "
    "'brew install graphviz' (macOS), or see https://graphviz.org/download/ . "
    "dot_source() still works without it and gives the DOT text.")

# --- the look ---------------------------------------------------------------------

FONT = "Helvetica"
_NEGATIVE = ("#deebf7", "#9ecae1", "#4292c6", "#08519c")   # ColorBrewer Blues, light to dark
_POSITIVE = ("#fee6ce", "#fdae6b", "#f16913", "#a63603")   # ColorBrewer Oranges, light to dark
_UNDEFINED = "#bdbdbd"           # a nan gradient
HIGHLIGHT = "#CC79A7"            # Okabe-Ito reddish purple: the current step
_EDGE = "#636363"
_FADED = "#b0b0b0"               # values the forward pass has not reached yet
_MUTED = "#6b6b6b"               # small print: roles, names of unlabelled nodes
_LEAF_FILL = "#f0f0f0"           # inputs and constants

_NEURON_LABEL = re.compile(r"z\[(\d+)\]_(\d+)$")
_PARAMETER_LABEL = re.compile(r"[wb]\[(\d+)\]_")


def _number(x, digits=4):
    """A float in few characters, always visibly a float: 3.0, 0.3333, -1.5e-05, nan."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0.0"       # also for -0.0, which would only puzzle a reader
    text = f"{x:.{digits}g}"
    if text.lstrip("-").isdigit():
        text += ".0"
    return text


def _html(text):
    """Escape text for an HTML-like Graphviz label.

    ``html.escape`` handles ``< > & " '``; Graphviz also reads ``\\\\`` as one
    backslash inside HTML labels, so each backslash is doubled; a newline
    becomes a line break.
    """
    escaped = html.escape(text, quote=True).replace("\\", "\\\\")
    return "<BR/>".join(escaped.split("\n"))


def _plain(text):
    """Escape text for a plain quoted attribute (a tooltip): backslashes doubled, newlines as \\n.

    The graphviz package then escapes the double quotes.
    """
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _grad_colours(grad, scale):
    """(background, text colour) for a gradient, relative to the largest size ``scale``."""
    if math.isnan(grad):
        return _UNDEFINED, "black"
    if grad == 0 or scale == 0:
        return "white", "black"
    # The square root spreads small gradients over more shades than a linear scale.
    ratio = 1.0 if math.isinf(grad) or math.isinf(scale) else min(1.0, abs(grad) / scale)
    level = min(3, int(4 * math.sqrt(ratio) - 1e-9))
    shades = _POSITIVE if grad > 0 else _NEGATIVE
    return shades[level], ("white" if level == 3 else "black")


def _grad_scale(order):
    """The largest finite |grad|, leaving out the root's (always 1, it would pale the rest)."""
    finite = [abs(node.grad) for node in order[:-1] if math.isfinite(node.grad)]
    return max(finite, default=abs(order[-1].grad) if math.isfinite(order[-1].grad) else 0.0)


def _legend_swatches(scale):
    swatch = '<TD BGCOLOR="{}" WIDTH="16" HEIGHT="12" FIXEDSIZE="TRUE"{}></TD>'
    cells = "".join(swatch.format(colour, "") for colour in reversed(_NEGATIVE))
    cells += swatch.format("white", ' BORDER="1" COLOR="#c8c8c8"')
    cells += "".join(swatch.format(colour, "") for colour in _POSITIVE)
    return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0" ALIGN="LEFT"><TR>'
            f'<TD>grad &lt; 0 </TD>{cells}<TD> grad &gt; 0</TD></TR></TABLE>')


class _Frame:
    """What an animation keeps equal across its pictures, so that nothing jumps between them.

    Built by :mod:`autograd.animate`, which draws every picture twice: first
    to measure, then for real.

    Attributes:
        widths (dict): a text cell's key -> the most characters it holds in any
            picture; cells are made at least that wide, so every picture has
            the same layout.
        scale (float or None): the largest gradient size, so that a colour
            means the same in every picture.
        applied (set or None): the (child, slot) edges the backward pass has
            already updated; None to work it out from ``highlight``.
    """

    def __init__(self, widths=None, scale=None, applied=None):
        self.widths = widths if widths is not None else {}
        self.scale = scale
        self.applied = applied

    @property
    def animated(self):
        return self.applied is not None


class _Drawing:
    """Builds one picture: the Graphviz Digraph of a graph in one view and state.

    The public functions below create one and read ``digraph``; the
    animation also reads ``lengths`` (characters per text cell) to size its
    frames.
    """

    def __init__(self, root, *, view="scalar", highlight=None, max_nodes=MAX_SCALAR_NODES,
                 grads_known=None, title=None, forward_upto=None, frame=None):
        if view not in ("scalar", "neurons"):
            raise ValueError(f"view must be 'scalar' or 'neurons', got {view!r}")
        if max_nodes is None or max_nodes < 1:
            raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
        self.root = root
        self.order = topological_order(root)
        self.position = {node: i for i, node in enumerate(self.order)}
        self.names = node_names(root, self.order)
        self.frame = frame if frame is not None else _Frame()
        self.lengths = {}
        self.forward_upto = forward_upto
        if forward_upto is not None:
            if not isinstance(forward_upto, int) or forward_upto < 0:
                raise ValueError(f"forward_upto must be an int >= 0, got {forward_upto!r}")
            grads_known = False          # the forward pass knows no gradients yet
        elif grads_known is None:
            grads_known = root.grad != 0
        self.grads_known = bool(grads_known)
        self.highlight = self._highlight_of(highlight)
        self.scale = self.frame.scale if self.frame.scale is not None else _grad_scale(self.order)
        self.digraph = graphviz.Digraph(
            name="chainrule",
            graph_attr={"rankdir": "LR", "fontname": FONT, "nodesep": "0.25", "ranksep": "0.35",
                        "labelloc": "t", "labeljust": "l", "bgcolor": "white"},
            node_attr={"fontname": FONT, "fontsize": "11", "color": "#404040"},
            edge_attr={"fontname": FONT, "fontsize": "10", "color": _EDGE, "arrowsize": "0.7"})
        if view == "scalar":
            if len(self.order) > max_nodes:
                raise GraphTooLargeError(
                    f"this graph has {len(self.order)} nodes, more than max_nodes={max_nodes} "
                    f"that view='scalar' draws readably; draw it with view='neurons' (one box "
                    f"per neuron of an nn network), or pass a larger max_nodes")
            self._draw_scalar()
        else:
            self._draw_neurons(max_nodes)
        self._title(title, view)

    # --- state of a node ------------------------------------------------------------

    def _highlight_of(self, highlight):
        """(child, slot) of the edge to highlight, or None."""
        if highlight is None:
            return None
        if isinstance(highlight, EdgeUpdate):
            child, slot = highlight.child, highlight.slot
        else:
            try:
                child, slot = highlight
            except (TypeError, ValueError):
                raise TypeError(f"highlight must be an EdgeUpdate or a (child, slot) pair, "
                                f"got {highlight!r}") from None
        if child not in self.position or not 0 <= slot < len(child.parents):
            raise ValueError(f"highlight {highlight!r} is not an edge of this graph")
        return child, slot

    def computed(self, node):
        """Has the forward pass reached this node (always, unless drawing a forward frame)?"""
        return self.forward_upto is None or self.position[node] < self.forward_upto

    def applied(self, child, slot):
        """Has the backward pass already sent its gradient along this edge?

        Without a highlighted step, after ``backward()``: every edge.  With one,
        the edges ``sweep`` has visited up to and including it: sweep visits the
        children in reverse topological order, and each child's parents in
        argument order (see :func:`autograd.sweep`).
        """
        if not self.grads_known:
            return False
        if self.frame.applied is not None:
            return (child, slot) in self.frame.applied
        if self.highlight is None:
            return True
        current_child, current_slot = self.highlight
        if child is current_child:
            return slot <= current_slot
        return self.position[child] > self.position[current_child]

    def highlighted_nodes(self):
        """The nodes to outline: the highlighted edge's two ends, or the node a forward frame just computed."""
        if self.highlight is not None:
            child, slot = self.highlight
            return (child, child.parents[slot])
        if self.forward_upto:
            return (self.order[min(self.forward_upto, len(self.order)) - 1],)
        return ()

    def highlighted_op(self, node):
        """Is ``node``'s op node an end of the highlighted edge (or the op just computed)?"""
        if self.highlight is not None:
            return node is self.highlight[0]
        return node in self.highlighted_nodes()

    # --- text cells -------------------------------------------------------------------

    def cell(self, key, text, *, markup=None, size=None, colour=None, background=None,
             italic=False, bold=False, colspan=None):
        """One <TD> of a label, at least as wide as the animation needs for ``key``.

        ``text`` is the plain text (its length is recorded); ``markup`` the
        escaped HTML to show instead, if it differs.
        """
        self.lengths[key] = len(text)
        body = markup if markup is not None else (_html(text) if text else " ")
        if italic:
            body = f"<I>{body}</I>"
        if bold:
            body = f"<B>{body}</B>"
        font = []
        if size:
            font.append(f'POINT-SIZE="{size}"')
        if colour:
            font.append(f'COLOR="{colour}"')
        if font:
            body = f'<FONT {" ".join(font)}>{body}</FONT>'
        attributes = []
        if colspan:
            attributes.append(f'COLSPAN="{colspan}"')
        if background:
            attributes.append(f'BGCOLOR="{background}"')
        chars = self.frame.widths.get(key)
        if chars:
            # Wide enough for the longest text this cell shows in any frame
            # (0.62 em a character is generous for Helvetica).
            points = int(chars * (size or 11) * 0.62) + 6
            attributes.append(f'WIDTH="{points}"')
        return f'<TD {" ".join(attributes)}>{body}</TD>' if attributes else f"<TD>{body}</TD>"

    def grad_cell(self, key, node, prefix="grad ", size=None, digits=4):
        if not self.grads_known:
            if self.forward_upto is not None:
                return self.cell(key, "", size=size)
            return self.cell(key, "grad: not computed yet", size=size or 9, colour=_MUTED,
                             italic=True)
        background, ink = _grad_colours(node.grad, self.scale)
        return self.cell(key, f"{prefix}{_number(node.grad, digits)}", size=size, colour=ink,
                         background=background)

    def data_cell(self, key, node, prefix="data ", size=None, digits=4):
        if self.computed(node):
            return self.cell(key, f"{prefix}{_number(node.data, digits)}", size=size)
        return self.cell(key, f"{prefix}…", size=size, colour=_FADED)

    # --- the scalar view --------------------------------------------------------------

    def _draw_scalar(self):
        highlighted = self.highlighted_nodes()
        for node in self.order:
            name = f"n{self.position[node]}"
            if node.parents:
                self._op_node(node, name)
            self._value_node(node, name, highlighted)
            for slot, parent in enumerate(node.parents):
                self._scalar_edge(node, slot, parent, name)
        self._legend()

    def _value_node(self, node, name, highlighted):
        role = node.role
        computed = self.computed(node)
        attributes = {"id": f"node_{name}", "class": f"value {role}",
                      "tooltip": _plain(self._value_tooltip(node))}
        if role == "constant":
            # A number an operation turned into a leaf: just the number, small.
            label = (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
                     f'<TR>{self.cell((name, "data"), _number(node.data), size=10)}</TR>'
                     f'<TR>{self.cell((name, "name"), name, size=7, colour=_MUTED)}</TR>'
                     f"</TABLE>>")
            attributes.update(shape="circle", style="filled", fillcolor=_LEAF_FILL,
                              margin="0.02", width="0.3")
        else:
            tag = {"input": "input", "parameter": "parameter"}.get(role, "")
            if node is self.root:
                tag = "output" if node.parents else tag
            # The name (or n<i>, the stepper's name for an unlabelled node) and the role.
            if node.label:
                markup = f"<B>{_html(node.label)}</B>"
            else:
                markup = f'<I><FONT COLOR="{_MUTED}">{name}</FONT></I>'
            if tag:
                markup += f' <FONT POINT-SIZE="8" COLOR="{_MUTED}">{tag}</FONT>'
            title = self.cell((name, "name"), f"{node.label or name} {tag}", markup=markup)
            label = (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
                     f"<TR>{title}</TR>"
                     f'<TR>{self.data_cell((name, "data"), node)}</TR>'
                     f'<TR>{self.grad_cell((name, "grad"), node)}</TR>'
                     f"</TABLE>>")
            if role == "parameter":
                attributes.update(shape="box", peripheries="2")
            elif role == "input":
                attributes.update(shape="box", style="rounded,filled", fillcolor=_LEAF_FILL)
            else:
                attributes.update(shape="box", style="rounded")
            attributes["margin"] = "0.06,0.03"
        if not computed:
            attributes["style"] = ",".join(filter(None, [attributes.get("style"), "dashed"]))
            attributes["color"] = _FADED
        if node in highlighted:
            attributes.update(color=HIGHLIGHT, penwidth="3")
            attributes["class"] += " highlight"
        self.digraph.node(name, label=label, **attributes)

    def _value_tooltip(self, node):
        name = self.names[node]
        text = f"{name} ({node.role}): data = {node.data!r}"
        if self.grads_known:
            text += f", grad = d{self.names[self.root]}/d{name} = {node.grad!r}"
        return text

    def _op_node(self, node, name):
        op = node.op
        attributes = {"id": f"op_{name}", "class": "op", "shape": "ellipse", "style": "filled",
                      "fillcolor": "#e8e8e8", "color": "#8c8c8c", "fontsize": "11",
                      "margin": "0.04,0.02", "height": "0.3", "width": "0.3",
                      "tooltip": _plain(f"{op}: {op.formula}\n" + "\n".join(op.derivatives))}
        if not self.computed(node):
            attributes.update(style="filled,dashed", fontcolor=_FADED, color=_FADED,
                              fillcolor="#f7f7f7")
        if self.highlighted_op(node):
            attributes.update(color=HIGHLIGHT, penwidth="2.5")
        self.digraph.node(f"{name}_op", label=f"<{_html(str(op))}>", **attributes)
        self.digraph.edge(f"{name}_op", name, weight="8", arrowsize="0.6",
                          color=_FADED if not self.computed(node) else _EDGE)

    def _derivative_text(self, child, slot):
        return child.op.derivative_text(slot, len(child.parents))

    def _scalar_edge(self, child, slot, parent, child_name, source=None):
        """The edge parent -> child's op node, labelled with its derivative (``source``: the box drawn for the parent)."""
        parent_name = f"n{self.position[parent]}"
        source = source or parent_name
        key = (child_name, slot)
        of_child, of_parent = self.names[child], self.names[parent]
        local = child.local_grads[slot]
        computed = self.computed(child)
        if computed:
            first = self.cell(key + ("local",), f"∂{of_child}/∂{of_parent} = {_number(local)}")
        else:
            first = self.cell(key + ("local",), "")
        rows = [first]
        applied = self.applied(child, slot)
        if applied:
            contribution = local * child.grad
            background, ink = _grad_colours(contribution, self.scale)
            rows.append(self.cell(key + ("adds",),
                                  f"adds {_number(local)} × {_number(child.grad)} = "
                                  f"{_number(contribution)}",
                                  colour=ink, background=background, size=9))
        elif self.grads_known or key + ("adds",) in self.frame.widths:
            rows.append(self.cell(key + ("adds",), "", size=9))
        label = ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                 + "".join(f"<TR>{row}</TR>" for row in rows) + "</TABLE>>")
        tooltip = f"∂{of_child}/∂{of_parent} (input {slot + 1} of '{child.op}'): " \
                  f"{self._derivative_text(child, slot)} = {local!r}"
        if applied:
            tooltip += (f"\nadds local × upstream = {local!r} × {child.grad!r} "
                        f"to {of_parent}.grad")
        attributes = {"id": f"edge_{parent_name}_{child_name}_{slot}", "class": "grad-edge",
                      "tooltip": _plain(tooltip), "labeltooltip": _plain(tooltip)}
        if not computed:
            attributes.update(color=_FADED, style="dashed")
        if self.highlight == (child, slot):
            attributes.update(color=HIGHLIGHT, penwidth="4", arrowsize="1")
            attributes["class"] += " highlight"
        self.digraph.edge(source, f"{child_name}_op", label=label, **attributes)

    def _legend(self):
        rows = [
            '<B>how to read this</B>',
            'rounded box: a computed value (name, data, grad)',
            'grey box: an input · double border: a parameter',
            'small circle: a constant · grey oval: an operation '
            '(hover for its formula)',
            'on an arrow: ∂out/∂in, the local derivative; after '
            'backward, adds = local × upstream grad',
        ]
        rows.extend(self._legend_colour_rows())
        self._legend_node(rows)

    def _legend_colour_rows(self):
        # An animation shows every row in every picture, so the legend keeps its size.
        rows = []
        if self.grads_known or self.frame.animated:
            rows.append(_legend_swatches(self.scale))
            rows.append(f"darker = larger |grad| (largest here: {_number(self.scale)}); "
                        f"grad = d{_html(self.names[self.root])}/d(node)")
        if self.highlight is not None or self.frame.animated:
            rows.append(f'<FONT COLOR="{HIGHLIGHT}"><B>thick purple: the current step of the '
                        f"backward pass</B></FONT>")
        return rows

    def _legend_node(self, rows):
        # The legend sits in the graph's label, beside the title, so it never
        # takes a rank of the layout (in a left-to-right graph it would push
        # the whole picture aside).
        self.legend_rows = rows

    def _title(self, title, view):
        root_name = self.names[self.root]
        if title is None:
            what = "network" if view == "neurons" else "computation graph"
            title = f"{what} of {root_name}"
        if self.forward_upto is not None:
            shown = min(self.forward_upto, len(self.order))
            status = f"forward pass: {shown} of {len(self.order)} nodes computed"
        elif not self.grads_known:
            status = "grad: not computed yet — call backward()"
        elif self.highlight is not None:
            status = "backward pass: the highlighted edge is the current step"
        elif self.frame.animated and not self.frame.applied:
            status = f"backward pass: starts at {root_name} with d{root_name}/d{root_name} = 1"
        else:
            status = f"after backward(): grad = d{root_name}/d(node)"
        self.lengths[("heading",)] = max(len(title) * 1.4, len(status))   # the title is larger
        chars = self.frame.widths.get(("heading",))
        width = f' WIDTH="{int(chars * 10 * 0.62) + 6}"' if chars else ""
        heading = (f'<TD ALIGN="LEFT" VALIGN="TOP"{width}><FONT POINT-SIZE="15"><B>{_html(title)}'
                   f'</B></FONT><BR ALIGN="LEFT"/><FONT POINT-SIZE="10" COLOR="{_MUTED}">'
                   f'{_html(status)}</FONT><BR ALIGN="LEFT"/></TD>')
        rows = "".join(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9">{row}</FONT></TD></TR>'
                       for row in self.legend_rows)
        legend = ('<TD ALIGN="LEFT" VALIGN="TOP"><TABLE BORDER="1" COLOR="#c8c8c8" CELLBORDER="0" '
                  f'CELLSPACING="0" CELLPADDING="2" STYLE="rounded">{rows}</TABLE></TD>')
        self.digraph.attr(label=(f'<<TABLE BORDER="0" CELLSPACING="10" CELLPADDING="0"><TR>'
                                 f"{heading}{legend}</TR></TABLE>>"))

    # --- the neuron view ----------------------------------------------------------------

    def _draw_neurons(self, max_nodes):
        network = _Network(self.order)
        boxes = len(network.neurons) + len(network.extra) + (
            1 if len(network.inputs) > _MAX_INPUT_BOXES else len(network.inputs))
        if boxes > max_nodes:
            raise GraphTooLargeError(
                f"the network view of this graph has {boxes} boxes ({len(network.neurons)} "
                f"neurons), more than max_nodes={max_nodes}; draw a smaller network, "
                f"or pass a larger max_nodes")
        if not network.neurons:
            raise ValueError("view='neurons' found no neuron in this graph: it looks for nodes "
                             "labelled z[l]_j, as nn.Neuron labels them; use view='scalar'")
        self.network = network
        # Straight arrows, fanned out over a wide gap between layers, and the
        # neurons kept in order 1, 2, ... top to bottom: the usual picture of a
        # network.  Curved splines around clusters tangle hundreds of arrows.
        self.digraph.attr(splines="line", ranksep="1.3", nodesep="0.12", newrank="true",
                          mclimit="0.01")
        box_of = {}                                 # every node -> the name of its box
        self._neuron_inputs(network, box_of)
        self._neuron_layers(network, box_of)
        folded_extra = len(network.extra) > _MAX_EXTRA_NODES
        if folded_extra:
            self._extra_box(network, box_of)
        else:
            for node in network.extra:
                box_of[node] = f"n{self.position[node]}"
        edges = self._neuron_edges(network, box_of)
        if edges > MAX_NEURON_EDGES:
            raise GraphTooLargeError(
                f"the network view of this graph has {edges} arrows, more than "
                f"{MAX_NEURON_EDGES}; draw a smaller network")
        if not folded_extra:
            highlighted = self.highlighted_nodes()
            for node in network.extra:
                name = box_of[node]
                if node.parents:
                    self._op_node(node, name)
                self._value_node(node, name, highlighted)
        self._neuron_legend()

    def _neuron_inputs(self, network, box_of):
        inputs = network.inputs
        if not inputs:
            return
        with self.digraph.subgraph(name="cluster_inputs") as cluster:
            cluster.attr(label=f"inputs ({len(inputs)})", style="rounded", color="#bdbdbd",
                         fontsize="11", fontcolor=_MUTED)
            if len(inputs) > _MAX_INPUT_BOXES:
                for node in inputs:
                    box_of[node] = "inputs"
                cluster.node("inputs", label=self._input_grid(inputs), shape="box",
                             style="rounded", margin="0.05", id="node_inputs",
                             **{"class": "value input"})
                return
            for index, node in enumerate(inputs, start=1):
                name = f"n{self.position[node]}"
                box_of[node] = name
                title = node.label or f"x_{index}"
                label = (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                         f'<TR>{self.cell((name, "name"), title, bold=True)}</TR>'
                         f'<TR>{self.data_cell((name, "data"), node)}</TR>'
                         f'<TR>{self.grad_cell((name, "grad"), node)}</TR></TABLE>>')
                cluster.node(name, label=label, shape="box", style="rounded,filled",
                             fillcolor=_LEAF_FILL, margin="0.05,0.02", id=f"node_{name}",
                             tooltip=_plain(f"{title} = {self.names[node]}: "
                                            f"{self._value_tooltip(node)}"),
                             **{"class": "value input"})

    def _input_grid(self, inputs):
        """Many inputs (a digits image) as two small grids of cells: data in greys, grad in colours."""
        side = math.ceil(math.sqrt(len(inputs)))
        low = min(node.data for node in inputs)
        high = max(node.data for node in inputs)
        shown = all(self.computed(node) for node in inputs)

        def data_colour(node):
            if not shown:
                return "#f7f7f7"
            share = 0.0 if high == low else (node.data - low) / (high - low)
            grey = int(round(255 - 215 * share))        # white (low) to near black (high)
            return f"#{grey:02x}{grey:02x}{grey:02x}"

        def grad_colour(node):
            return _grad_colours(node.grad, self.scale)[0]

        def grid(colour):
            rows = []
            for start in range(0, len(inputs), side):
                cells = "".join(f'<TD BGCOLOR="{colour(node)}" WIDTH="9" HEIGHT="9" '
                                f'FIXEDSIZE="TRUE"></TD>' for node in inputs[start:start + side])
                rows.append(f"<TR>{cells}</TR>")
            return ('<TABLE BORDER="1" COLOR="#bdbdbd" CELLBORDER="0" CELLSPACING="0" '
                    'CELLPADDING="0">' + "".join(rows) + "</TABLE>")

        captions = [f'<TD><FONT POINT-SIZE="9">data ({_number(low, 3)} to '
                    f"{_number(high, 3)})</FONT></TD>" if shown else
                    f'<TD><FONT POINT-SIZE="9" COLOR="{_FADED}">data …</FONT></TD>']
        grids = [f"<TD>{grid(data_colour)}</TD>"]
        if self.grads_known:
            captions.append('<TD><FONT POINT-SIZE="9">grad</FONT></TD>')
            grids.append(f"<TD>{grid(grad_colour)}</TD>")
        first = inputs[0].label or "x_1"
        last = inputs[-1].label or f"x_{len(inputs)}"
        return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="0">'
                f'<TR><TD COLSPAN="{len(grids)}"><B>{_html(first)} … {_html(last)}</B>'
                f" ({side} per row)</TD></TR>"
                f"<TR>{''.join(captions)}</TR><TR>{''.join(grids)}</TR></TABLE>>")

    def _neuron_layers(self, network, box_of):
        highlighted = set(self.highlighted_nodes())
        last_layer = max(network.layers)
        # Every neuron box equally wide (in inches, from the longest row of
        # numbers at 9 points): arrows leaving the right edges of a column then
        # never cross the boxes below.
        width = f"{22 * 9 * 0.6 / 72:.2f}"
        for layer, neurons in sorted(network.layers.items()):
            activation = neurons[0].activation
            kind = "output" if layer == last_layer else "hidden"
            count = f"{len(neurons)} neuron{'s' if len(neurons) != 1 else ''}"
            with self.digraph.subgraph(name=f"cluster_layer{layer}") as cluster:
                cluster.attr(label=f"layer {layer} ({kind}, {activation}, {count})",
                             style="rounded", color="#bdbdbd", fontsize="11", fontcolor=_MUTED)
                for neuron in neurons:
                    name = f"n{self.position[neuron.z]}"
                    for node in neuron.members:
                        box_of[node] = name
                    attributes = {"id": f"node_{name}", "class": "neuron",
                                  "tooltip": _plain(self._neuron_tooltip(neuron))}
                    if not self.computed(neuron.output):
                        attributes.update(style="rounded,dashed", color=_FADED)
                    else:
                        attributes["style"] = "rounded"
                    if highlighted.intersection(neuron.members):
                        attributes.update(color=HIGHLIGHT, penwidth="3")
                        attributes["class"] += " highlight"
                    cluster.node(name, label=self._neuron_label(neuron, name), shape="box",
                                 margin="0.04,0.02", width=width, **attributes)
                # Keep neurons 1, 2, 3, ... in order, top to bottom: one rank,
                # chained by invisible edges, which fix the order within a rank
                # (with rankdir=LR, an edge lower -> upper puts the upper one on top).
                names = [f"n{self.position[neuron.z]}" for neuron in neurons]
                with cluster.subgraph() as same:
                    same.attr(rank="same")
                    for upper, lower in zip(names, names[1:]):
                        same.edge(lower, upper, style="invis")

    def _neuron_label(self, neuron, name):
        title = f"<B>{_html(neuron.output.label)}</B>"
        if neuron.a is not None:
            title += f' <FONT POINT-SIZE="8" COLOR="{_MUTED}">{_html(neuron.activation)}</FONT>'
        self.lengths[(name, "title")] = len(neuron.output.label) + len(neuron.activation) + 1
        parts = [neuron.z] if neuron.a is None else [neuron.z, neuron.a]
        letters = ["z"] if neuron.a is None else ["z", "a"]
        data = "".join(self.data_cell((name, "data", letter), node, prefix=f"{letter} ", size=9,
                                      digits=3)
                       for letter, node in zip(letters, parts))
        if self.grads_known:
            grads = "".join(self.grad_cell((name, "grad", letter), node,
                                           prefix=f"∂{letter} ", size=9, digits=3)
                            for letter, node in zip(letters, parts))
        elif self.forward_upto is None:
            grads = self.cell((name, "grad"), "grad: not computed yet", size=8, colour=_MUTED,
                              italic=True, colspan=len(parts))
        else:
            grads = self.cell((name, "grad"), "", size=8, colspan=len(parts))
        return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                f'<TR><TD COLSPAN="{len(parts)}">{title}</TD></TR>'
                f"<TR>{data}</TR><TR>{grads}</TR></TABLE>>")

    def _neuron_tooltip(self, neuron):
        lines = [f"{neuron.output.label}: {neuron.activation} neuron, "
                 f"{len(neuron.parameters)} parameters"]
        for node in ([neuron.z] if neuron.a is None else [neuron.z, neuron.a]):
            lines.append(self._value_tooltip(node))
        if neuron.bias is not None:
            lines.append(self._value_tooltip(neuron.bias))
        return "\n".join(lines)

    def _extra_box(self, network, box_of):
        """Fold the many nodes outside the network into one box that shows the root."""
        for node in network.extra:
            box_of[node] = "rest"
        root = self.root
        name = self.names[root]
        label = (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
                 f'<TR>{self.cell(("rest", "title"), name, bold=True)}</TR>'
                 f'<TR>{self.cell(("rest", "count"), f"{len(network.extra)} nodes after the network", size=8, colour=_MUTED)}</TR>'
                 f'<TR>{self.data_cell(("rest", "data"), root)}</TR>'
                 f'<TR>{self.grad_cell(("rest", "grad"), root)}</TR></TABLE>>')
        self.digraph.node("rest", label=label, shape="box", style="rounded", id="node_rest",
                          **{"class": "value rest"})

    def _neuron_edges(self, network, box_of):
        """Draw the arrows between boxes; return how many."""
        largest = max((abs(w) for neuron in network.neurons for w in neuron.input_weights()
                       if math.isfinite(w)), default=0.0)
        drawn = set()
        count = 0
        for node in self.order:
            target = box_of.get(node)
            for slot, parent in enumerate(node.parents):
                source = box_of[parent]
                if source == target:
                    continue                   # inside one neuron: folded away
                neuron = network.neuron_of_z.get(node)
                if target == "rest" or source == "inputs":
                    if (source, target) in drawn:
                        continue               # one arrow stands for many
                    drawn.add((source, target))
                    self._edge(source, target if target != "rest" else "rest", node, slot,
                               weight=None)
                elif neuron is not None:
                    self._edge(source, target, node, slot, weight=node.local_grads[slot],
                               largest=largest)
                else:
                    # Into an ordinary node after the network, from the box that holds the parent.
                    self._scalar_edge(node, slot, parent, target, source=source)
                count += 1
        return count

    def _edge(self, source, target, child, slot, weight, largest=0.0):
        """An arrow into a neuron (or the folded box); a weight sets its width and colour."""
        # From the right side of a box to the left side of the next: steep arrows
        # then never cut through the boxes of a tall column.
        attributes = {"class": "grad-edge", "tailport": "e", "headport": "w", "arrowsize": "0.4"}
        if not self.computed(child):
            attributes.update(color=_FADED, penwidth="0.6", style="dashed")
        elif weight is None or not math.isfinite(weight):
            attributes.update(color="#bdbdbd", penwidth="0.6")
        else:
            share = abs(weight) / largest if largest else 0.0
            shade = _POSITIVE[3] if weight > 0 else _NEGATIVE[3]
            alpha = int(60 + 160 * share)
            attributes.update(color=f"{shade}{alpha:02x}", penwidth=f"{0.4 + 2.6 * share:.2f}",
                              tooltip=_plain(f"weight {self.names[child.parents[slot]]} → "
                                             f"{self.names[child]}: ∂z/∂input = {weight!r}"))
        if self.highlight == (child, slot):
            attributes.update(color=HIGHLIGHT, penwidth="4")
            attributes["class"] += " highlight"
        self.digraph.edge(source, target, **attributes)

    def _neuron_legend(self):
        rows = [
            '<B>how to read this</B>',
            'a box is a neuron z = Σ w·a + b, a = g(z): '
            'its weights and bias are folded in',
            'arrow width: |weight|; '
            f'<FONT COLOR="{_POSITIVE[3]}">orange: weight &gt; 0</FONT>, '
            f'<FONT COLOR="{_NEGATIVE[3]}">blue: weight &lt; 0</FONT>',
            '∂z, ∂a: the gradient of the output with respect to z, a'
            '',
        ]
        rows.extend(self._legend_colour_rows())
        self._legend_node(rows)


class _Neuron:
    """The nodes of one nn neuron: z[l]_j, its activation a[l]_j (or None), its parameters."""

    def __init__(self, layer, index, z, a, parameters):
        self.layer, self.index = layer, index
        self.z, self.a = z, a
        self.parameters = parameters
        self.output = a if a is not None else z
        self.activation = str(a.op) if a is not None else "linear"
        self.members = [z] + ([a] if a is not None else []) + parameters
        self.bias = next((p for p in parameters if p.label.startswith("b[")), None)

    def input_weights(self):
        """The local derivatives ∂z/∂input of the edges from outside the neuron: the weights."""
        inside = set(self.parameters)
        return [g for parent, g in zip(self.z.parents, self.z.local_grads) if parent not in inside]


class _Network:
    """Find the neurons of an nn network in a topological order, by their labels.

    Attributes:
        neurons: list of _Neuron in topological order.
        layers: dict layer number -> list of _Neuron.
        neuron_of_z: dict z node -> _Neuron.
        inputs: the leaves (not parameters of a neuron) that feed neurons, in
            the order the first neuron reading them lists them.
        extra: every other node (e.g. the loss), in topological order.
    """

    def __init__(self, order):
        children = {}
        for node in order:
            for parent in node.parents:
                children.setdefault(parent, []).append(node)
        self.neurons, self.layers, self.neuron_of_z = [], {}, {}
        folded = set()
        for node in order:
            match = _NEURON_LABEL.match(node.label)
            if not match or not node.parents:
                continue
            layer, index = int(match.group(1)), int(match.group(2))
            activation = None
            followers = children.get(node, [])
            if (len(followers) == 1 and followers[0].label == f"a[{layer}]_{index}"
                    and followers[0].parents == (node,)):
                activation = followers[0]
            parameters = []
            for parent in node.parents:
                label = _PARAMETER_LABEL.match(parent.label)
                if (label and int(label.group(1)) == layer and not parent.parents
                        and parent not in folded and parent not in parameters):
                    parameters.append(parent)
            neuron = _Neuron(layer, index, node, activation, parameters)
            self.neurons.append(neuron)
            self.layers.setdefault(layer, []).append(neuron)
            self.neuron_of_z[node] = neuron
            folded.update(neuron.members)
        self.inputs = []
        seen = set()
        for neuron in self.neurons:
            for parent in neuron.z.parents:
                if parent not in folded and not parent.parents and parent not in seen:
                    seen.add(parent)
                    self.inputs.append(parent)
        self.extra = [node for node in order if node not in folded and node not in seen]


# --- the public functions ------------------------------------------------------------

def dot_source(root, *, view="scalar", highlight=None, max_nodes=MAX_SCALAR_NODES,
               grads_known=None, title=None, forward_upto=None):
    """The DOT text (Graphviz's language) of ``root``'s computation graph.

    Needs no Graphviz program; :func:`save_svg` and :func:`svg_text` render it.

    Args:
        root: the Value whose graph to draw (it and everything it depends on).
        view (str): ``"scalar"``, every node; or ``"neurons"``, one box per
            neuron of an :mod:`nn` network (see the module docstring).
        highlight: an :class:`autograd.EdgeUpdate`, or a ``(child, slot)`` pair,
            naming the edge ``child.parents[slot] -> child`` to draw thick and
            purple with its two ends (the current step of the backward pass).
            Edges the backward pass reaches after it show no contribution yet.
        max_nodes (int): refuse to draw more nodes than this (``"scalar"``:
            nodes of the graph; ``"neurons"``: boxes).
        grads_known (bool or None): whether the gradients are results to show.
            ``None`` decides by ``root.grad != 0`` (``backward()`` sets it to 1);
            ``False`` shows "grad: not computed yet" instead of zeros.
        title (str or None): the heading; default "computation graph of <root>".
        forward_upto (int or None): draw the forward pass in progress: only
            the first ``forward_upto`` nodes of the topological order show their
            data, the rest "…" (dashed), and no gradients show.

    Returns:
        str: DOT source, byte-identical for the same graph and arguments.

    Raises:
        GraphTooLargeError: if the view would draw more than ``max_nodes`` nodes
            (or ``view="neurons"`` more than :data:`MAX_NEURON_EDGES` arrows).
        ValueError: for an unknown view, a highlight not in the graph, or
            ``view="neurons"`` on a graph without neurons.
        TypeError: for a highlight that is neither an EdgeUpdate nor a pair.

    >>> from autograd import Value
    >>> a = Value(3.0, "a")
    >>> source = dot_source((a * a).named("y"))
    >>> source.count("-> n1_op")     # a * a: two edges, one per slot
    2
    >>> "∂y/∂a = 3.0" in source
    True
    """
    return _Drawing(root, view=view, highlight=highlight, max_nodes=max_nodes,
                    grads_known=grads_known, title=title, forward_upto=forward_upto
                    ).digraph.source


def to_digraph(root, **options):
    """The drawing as a ``graphviz.Digraph``, which Jupyter shows inline as SVG.

    Args:
        root: the Value whose graph to draw.
        **options: as for :func:`dot_source` (``view``, ``highlight``,
            ``max_nodes``, ``grads_known``, ``title``, ``forward_upto``).

    Returns:
        graphviz.Digraph (its ``.source`` is :func:`dot_source`'s text).

    Raises:
        The errors of :func:`dot_source`.

    >>> from autograd import Value
    >>> to_digraph(Value(1.0, "x") + 2).name
    'chainrule'
    """
    return _Drawing(root, **options).digraph


def _render_svg(digraph):
    try:
        return digraph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound as error:
        raise DotNotFoundError(_DOT_MISSING) from error


def svg_text(root, **options):
    """The drawing rendered to SVG by Graphviz's ``dot``, as text.

    Args:
        root: the Value whose graph to draw.
        **options: as for :func:`dot_source`.

    Returns:
        str: an SVG document (UTF-8 text), identical for the same graph.

    Raises:
        DotNotFoundError: if Graphviz's ``dot`` program is not installed.
        The errors of :func:`dot_source`.

    >>> from autograd import Value
    >>> "<svg" in svg_text(Value(2.0, "x") * 3)
    True
    """
    return _render_svg(_Drawing(root, **options).digraph)


def save_svg(root, path, **options):
    """Render the drawing to an SVG file at ``path`` (and write nothing else).

    Args:
        root: the Value whose graph to draw.
        path (str or os.PathLike): the file to write, e.g. ``"graph.svg"``.
        **options: as for :func:`dot_source`.

    Returns:
        pathlib.Path: the file written.

    Raises:
        DotNotFoundError: if Graphviz's ``dot`` program is not installed.
        The errors of :func:`dot_source`.

    >>> import tempfile, pathlib
    >>> from autograd import Value
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = save_svg(Value(2.0, "x") * 3, pathlib.Path(folder) / "x.svg")
    ...     written.name, sorted(p.name for p in pathlib.Path(folder).iterdir())
    ('x.svg', ['x.svg'])
    """
    import pathlib

    path = pathlib.Path(path)
    path.write_text(svg_text(root, **options), encoding="utf-8")
    return path
