"""The shared canvas of every drawing: colours, text cells, the title and legend, all read from one record.

A :class:`Canvas` holds one picture being built: a ``graphviz.Digraph`` of a
recorded backward pass (:func:`autograd.record`) at one step.  The scalar view
(:mod:`.scalar`) and the neuron view (:mod:`.neurons`) draw on it; the page
(:mod:`.page`) draws many pictures of one record through :func:`.draw.picture`
with one :class:`Frame`, so that nothing moves from one picture to the next.

What a picture shows comes from the record and nothing else: at step ``k``
the gradients after the first ``k`` steps, the ``k``-th edge highlighted, and
"not computed yet" for every node no step has reached.

Gradient colours use a blue-orange diverging scale (ColorBrewer's Blues and
Oranges), which readers with red-green colour blindness can tell apart: blue
for a negative gradient, orange for a positive one, darker for a larger size.
The current step is drawn thick in Okabe and Ito's reddish purple.
"""

import math

import graphviz

from .text import d, dot_attribute, dot_label, format_number, glossary, node_names, printable

__all__ = ["Canvas", "Frame", "GraphTooLargeError", "DotNotFoundError", "render_svg",
           "FONT", "HIGHLIGHT"]


class GraphTooLargeError(ValueError):
    """The graph has more nodes (or edges) than the view can draw readably."""


class DotNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program, which turns DOT into SVG, is not installed."""


_DOT_MISSING = (
    "Graphviz's 'dot' program was not found, so the graph cannot be rendered to SVG. "
    "Install Graphviz: 'sudo apt-get install graphviz' (Debian/Ubuntu), "
    "'brew install graphviz' (macOS), or see https://graphviz.org/download/ . "
    "dot_source() still works without it and gives the DOT text.")

FONT = "Helvetica"
NEGATIVE = ("#deebf7", "#9ecae1", "#4292c6", "#08519c")   # ColorBrewer Blues, light to dark
POSITIVE = ("#fee6ce", "#fdae6b", "#f16913", "#a63603")   # ColorBrewer Oranges, light to dark
UNDEFINED = "#bdbdbd"           # a nan gradient
HIGHLIGHT = "#CC79A7"           # Okabe-Ito reddish purple: the current step
EDGE = "#636363"
FADED = "#b0b0b0"               # values the forward pass has not reached yet
MUTED = "#6b6b6b"               # small print: roles, names of unlabelled nodes
LEAF_FILL = "#f0f0f0"           # inputs


def render_svg(digraph):
    """Render a ``graphviz.Digraph`` to SVG text with Graphviz's ``dot``.

    Raises:
        DotNotFoundError: if ``dot`` is not installed.
    """
    try:
        return digraph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound as error:
        raise DotNotFoundError(_DOT_MISSING) from error


def grad_colours(grad, scale):
    """(background, text colour) for a gradient, relative to the largest size ``scale``."""
    if math.isnan(grad):
        return UNDEFINED, "black"
    if grad == 0 or scale == 0:
        return "white", "black"
    # The square root spreads small gradients over more shades than a linear scale.
    ratio = 1.0 if math.isinf(grad) or math.isinf(scale) else min(1.0, abs(grad) / scale)
    level = min(3, int(4 * math.sqrt(ratio) - 1e-9))
    shades = POSITIVE if grad > 0 else NEGATIVE
    return shades[level], ("white" if level == 3 else "black")


def largest_grad(grads):
    """The largest finite |grad| among ``grads`` (an iterable of floats), or 0."""
    return max((abs(g) for g in grads if math.isfinite(g)), default=0.0)


class Frame:
    """What a sequence of pictures of one record keeps equal, so that nothing jumps between them.

    The page draws every picture twice: first to measure, then for real.

    Attributes:
        widths (dict): a text cell's key -> the most characters it holds in any
            picture; cells are made at least that wide.
        scale (float or None): the largest gradient size over every picture,
            so that a colour means the same in all of them.
    """

    def __init__(self, widths=None, scale=None):
        self.widths = widths if widths is not None else {}
        self.scale = scale


class Canvas:
    """One picture of a recorded backward pass, being built as a ``graphviz.Digraph``.

    Args:
        record (autograd.BackwardRecord): the pass to draw.
        step (int or None): draw the state after the first ``step`` steps, the
            ``step``-th edge highlighted; ``None`` for the whole pass.
        show_grads (bool): False draws values only (a forward-pass picture).
        forward_upto (int or None): draw the forward pass in progress: only the
            first ``forward_upto`` nodes of the topological order have data.
        frame (Frame or None): what a sequence of pictures keeps equal.
        title (str or None): the heading.

    Attributes:
        digraph (graphviz.Digraph): the picture.
        lengths (dict): characters per text cell, for :class:`Frame.widths`.
        names (dict): each node's name (:func:`.text.node_names`).
    """

    view_name = "computation graph"

    def __init__(self, record, *, step=None, show_grads=True, forward_upto=None, frame=None,
                 title=None):
        self.record = record
        self.order = record.order
        self.position = record.position
        self.root = record.root
        self.names = node_names(self.order)
        self.frame = frame if frame is not None else Frame()
        self.lengths = {}
        if forward_upto is not None:
            if isinstance(forward_upto, bool) or not isinstance(forward_upto, int) \
                    or forward_upto < 0:
                raise ValueError(f"forward_upto must be an int >= 0, got {forward_upto!r}")
            show_grads = False            # the forward pass knows no gradients yet
        self.forward_upto = forward_upto
        self.show_grads = bool(show_grads)
        self.highlighting = step is not None and show_grads
        self.step = record.check_step(step)
        self.grads = record.grads_at(self.step) if self.show_grads else {}
        self.current = record.steps[self.step - 1] if self.highlighting and self.step else None
        self.applied = record.applied(self.step) if self.show_grads else set()
        shown = self.shown_nodes()
        self.scale = self.frame.scale if self.frame.scale is not None else largest_grad(
            self.grads[node] for node in shown if self.grad_known(node))
        self.legend_rows = []
        self.digraph = graphviz.Digraph(
            name="chainrule",
            graph_attr={"rankdir": "LR", "fontname": FONT, "nodesep": "0.3", "ranksep": "0.45",
                        "labelloc": "t", "labeljust": "l", "bgcolor": "white"},
            node_attr={"fontname": FONT, "fontsize": "11", "color": "#404040"},
            edge_attr={"fontname": FONT, "fontsize": "10", "color": EDGE, "arrowsize": "0.7"})
        self.title = title

    # --- what the record says about a node or an edge -----------------------------------

    def node_id(self, node):
        """The DOT id of a node: ``n<K>``, its position K in the topological order."""
        return f"n{self.position[node]}"

    def shown_nodes(self):
        """The nodes this picture draws (constant leaves only if the record shows them)."""
        return self.record.shown_nodes()

    def computed(self, node):
        """Has the forward pass reached this node (always, unless drawing a forward frame)?"""
        return self.forward_upto is None or self.position[node] < self.forward_upto

    def grad_known(self, node):
        """Has the pass sent a gradient to this node by this picture's step?"""
        return self.show_grads and self.record.reached(node, self.step)

    def edge_applied(self, child, slot):
        """Has the backward pass sent its gradient along this edge by this picture's step?"""
        return (child, slot) in self.applied

    def is_current(self, child, slot):
        return self.current is not None and (self.current.child, self.current.slot) == (child, slot)

    def highlighted_nodes(self):
        """The nodes to outline: the current edge's two ends, or the node a forward frame just computed."""
        if self.current is not None:
            return (self.current.child, self.current.parent)
        if self.forward_upto:
            return (self.order[min(self.forward_upto, len(self.order)) - 1],)
        return ()

    # --- text cells -------------------------------------------------------------------------

    def cell(self, key, text, *, markup=None, size=None, colour=None, background=None,
             italic=False, bold=False, colspan=None):
        """One <TD> of a label, at least as wide as the page needs for ``key``.

        ``text`` is the plain text (its length is recorded); ``markup`` the
        escaped label text to show instead, if it differs.
        """
        # Measured in characters of 11-point text, so a cell that shows 9-point
        # text in one picture and 11-point text in another keeps one width.
        self.lengths[key] = len(text) * (size or 11) / 11
        body = markup if markup is not None else (dot_label(text) if text else " ")
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
            # Wide enough for the longest text this cell shows in any picture
            # (0.62 em a character is generous for Helvetica).
            attributes.append(f'WIDTH="{int(chars * 11 * 0.62) + 6}" HEIGHT="17"')
        return f'<TD {" ".join(attributes)}>{body}</TD>' if attributes else f"<TD>{body}</TD>"

    def grad_cell(self, key, node, prefix="grad ", size=None):
        """The gradient of ``node`` at this step: coloured, or "not computed yet", or blank."""
        if not self.show_grads:
            return self.cell(key, "", size=size)
        if not self.grad_known(node):
            return self.cell(key, "grad: not computed yet", size=size or 9, colour=MUTED,
                             italic=True)
        grad = self.grads[node]
        background, ink = grad_colours(grad, self.scale)
        return self.cell(key, f"{prefix}{format_number(grad)}", size=size, colour=ink,
                         background=background)

    def data_cell(self, key, node, prefix="data ", size=None):
        if self.computed(node):
            return self.cell(key, f"{prefix}{format_number(node.data)}", size=size)
        return self.cell(key, f"{prefix}…", size=size, colour=FADED)

    def value_tooltip(self, node):
        name = self.names[node]
        text = f"{name} ({node.role}): data = {format_number(node.data)}"
        if self.grad_known(node):
            text += (f", grad = {d(self.names[self.root], name)} = "
                     f"{format_number(self.grads[node])}")
        return text

    # --- the legend and the heading ---------------------------------------------------------

    def colour_rows(self):
        """The legend's rows about colours and the current step (every page picture has them all)."""
        rows = []
        if self.show_grads or self.frame.scale is not None:
            swatch = '<TD BGCOLOR="{}" WIDTH="16" HEIGHT="12" FIXEDSIZE="TRUE"{}></TD>'
            cells = "".join(swatch.format(colour, "") for colour in reversed(NEGATIVE))
            cells += swatch.format("white", ' BORDER="1" COLOR="#c8c8c8"')
            cells += "".join(swatch.format(colour, "") for colour in POSITIVE)
            # A fixed size keeps the swatches together however wide the legend is.
            rows.append(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0" '
                        f'ALIGN="LEFT" FIXEDSIZE="TRUE" WIDTH="260" HEIGHT="14"><TR>'
                        f'<TD WIDTH="45" HEIGHT="12" FIXEDSIZE="TRUE">grad &lt; 0</TD>{cells}'
                        f'<TD WIDTH="45" HEIGHT="12" FIXEDSIZE="TRUE">grad &gt; 0</TD></TR></TABLE>')
            which = "in this pass" if self.frame.scale is not None else "drawn"
            rows.append(f"darker = larger |grad| (largest {which}: {format_number(self.scale)}); "
                        f"grad = {dot_label(d(self.names[self.root], '(node)'))}")
        if self.current is not None or self.frame.scale is not None:
            rows.append(f'<FONT COLOR="{HIGHLIGHT}"><B>thick purple: the current step of the '
                        f"backward pass</B></FONT>")
        return rows

    def glossary_rows(self, nodes):
        """One legend row per ``n<K>`` name among ``nodes``: what that unlabelled node is."""
        return [dot_label(line) for line in glossary(self.order, self.names, nodes)][:12]

    def status(self):
        """The line under the heading: which moment of the pass this picture shows."""
        root_name = self.names[self.root]
        if self.forward_upto is not None:
            nodes = self.shown_nodes()
            done = sum(1 for node in nodes if self.computed(node))
            return f"forward pass: {done} of {len(nodes)} nodes computed"
        if not self.show_grads:
            return "forward pass: values only"
        total = self.record.n_steps
        if self.current is not None:
            return f"backward pass: step {self.step} of {total}, the highlighted edge"
        if self.highlighting and self.step < total:
            return f"backward pass: starts at {root_name} with {d(root_name, root_name)} = 1"
        return f"after one backward pass from zero: grad = {d(root_name, '(node)')}"

    def finish(self):
        """Put the heading and the legend in the graph's label; return the digraph."""
        title = printable(self.title) if self.title is not None else \
            f"{self.view_name} of {self.names[self.root]}"
        status = self.status()
        self.lengths[("heading",)] = max(len(title) * 1.4, len(status))   # the title is larger
        chars = self.frame.widths.get(("heading",))
        width = f' WIDTH="{int(chars * 10 * 0.62) + 6}"' if chars else ""
        heading = (f'<TD ALIGN="LEFT" VALIGN="TOP"{width}><FONT POINT-SIZE="15"><B>'
                   f'{dot_label(title)}</B></FONT><BR ALIGN="LEFT"/><FONT POINT-SIZE="10" '
                   f'COLOR="{MUTED}">{dot_label(status)}</FONT><BR ALIGN="LEFT"/></TD>')
        # The legend sits in the graph's label, beside the title, so it never
        # takes a rank of the layout (in a left-to-right graph it would push
        # the whole picture aside).
        rows = "".join(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9">{row}</FONT></TD></TR>'
                       for row in self.legend_rows)
        legend = ('<TD ALIGN="LEFT" VALIGN="TOP"><TABLE BORDER="1" COLOR="#c8c8c8" CELLBORDER="0" '
                  f'CELLSPACING="2" CELLPADDING="3" STYLE="rounded">{rows}</TABLE></TD>')
        self.digraph.attr(label=(f'<<TABLE BORDER="0" CELLSPACING="10" CELLPADDING="0"><TR>'
                                 f"{heading}{legend}</TR></TABLE>>"))
        return self.digraph

