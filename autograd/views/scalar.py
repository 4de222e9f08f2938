"""The scalar view: every value a box, every operation a small oval, every edge its local derivative.

A value box shows the node's name, ``data`` and ``grad``; each operation is
an oval that says what it computes with the graph's own names (``3·v``;
hover for its rules); each edge from a parent into an operation carries its
local derivative ∂out/∂in and, once the pass has reached it, what it added to
the parent's gradient: upstream gradient × local derivative.  A constant (the
3 in 3·v) is written into its operation's oval, not drawn as a box of its
own, unless the record was made with ``constants=True``.
"""

from .canvas import EDGE, FADED, HIGHLIGHT, LEAF_FILL, MUTED, Canvas, grad_colours
from .text import (d, dot_attribute, dot_label, expression_of, format_number, in_derivative,
                   partial)

__all__ = ["ScalarView", "MAX_SCALAR_NODES", "MAX_OP_TEXT"]

MAX_SCALAR_NODES = 200
"""The most nodes the scalar view draws: beyond this a picture is unreadable and dot is slow."""

MAX_OP_TEXT = 16
"""The longest expression written in an operation's oval; a longer one shows the op's symbol."""


class ScalarView(Canvas):
    """Draws every node of a recorded pass (see the module docstring); build it, then read ``digraph``."""

    view_name = "computation graph"

    def draw(self, max_nodes=MAX_SCALAR_NODES):
        from .draw import check_max_nodes
        shown = self.shown_nodes()
        has_neurons = any(getattr(node.role, "part", None) for node in shown)
        check_max_nodes(len(shown), max_nodes, "view='scalar'",
                        "draw it with view='neurons' (one box per neuron of its nn network), "
                        "or pass a larger max_nodes" if has_neurons else
                        "pass a larger max_nodes (dot is slow past a few hundred), or draw a "
                        "smaller part of it")
        highlighted = self.highlighted_nodes()
        for node in shown:
            if node.parents:
                self.op_node(node)
            self.value_node(node, highlighted)
            self.edges_into(node)
        self.legend_rows = [
            "<B>how to read this</B>",
            "rounded box: a computed value (name, data, grad)",
            "grey box: an input · double border: a parameter",
            "grey oval: an operation, with what it computes (hover for its rules)",
            "on an arrow: ∂out/∂in, the local derivative;",
            "once the pass reaches it, adds = upstream grad × local derivative",
            *self.colour_rows(),
            *self.glossary_rows(shown),
        ]
        return self.finish()

    def shows(self, node):
        return self.record.constants or node.role != "constant"

    # --- a value --------------------------------------------------------------------------

    def value_node(self, node, highlighted, box=None):
        box = box or self.node_id(node)
        role = node.role
        attributes = {"id": f"node_{box}", "class": f"value {role}",
                      "tooltip": dot_attribute(self.value_tooltip(node)), "margin": "0.06,0.03"}
        if role == "constant":
            # Shown only when the record asks for constants as nodes: just the number, small.
            label = (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
                     f'<TR>{self.cell((box, "data"), format_number(node.data), size=10)}</TR>'
                     f'<TR>{self.grad_cell((box, "grad"), node, prefix="", size=8)}</TR>'
                     f"</TABLE>>")
            attributes.update(shape="circle", style="filled", fillcolor=LEAF_FILL, margin="0.02")
        else:
            tag = role if role in ("input", "parameter") else ""
            if node is self.root and node.parents:
                tag = "output"
            name = self.names[node]
            markup = f"<B>{dot_label(name)}</B>" if node.label else \
                f'<I><FONT COLOR="{MUTED}">{dot_label(name)}</FONT></I>'
            if tag:
                markup += f' <FONT POINT-SIZE="8" COLOR="{MUTED}">{tag}</FONT>'
            title = self.cell((box, "name"), f"{name} {tag}", markup=markup)
            label = (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
                     f"<TR>{title}</TR>"
                     f'<TR>{self.data_cell((box, "data"), node)}</TR>'
                     f'<TR>{self.grad_cell((box, "grad"), node)}</TR>'
                     f"</TABLE>>")
            if role == "parameter":
                attributes.update(shape="box", peripheries="2")
            elif role == "input":
                attributes.update(shape="box", style="rounded,filled", fillcolor=LEAF_FILL)
            else:
                attributes.update(shape="box", style="rounded")
        if not self.computed(node):
            attributes["style"] = ",".join(filter(None, [attributes.get("style"), "dashed"]))
            attributes["color"] = FADED
        if node in highlighted:
            attributes.update(color=HIGHLIGHT, penwidth="3")
            attributes["class"] += " highlight"
        self.digraph.node(box, label=label, **attributes)

    # --- an operation -------------------------------------------------------------------------

    def op_text(self, node):
        """What the oval says: the expression with the graph's names (``3·v``), or the op's symbol."""
        text = expression_of(node, self.names)
        if len(text) > MAX_OP_TEXT or text == self.names[node]:
            return node.op.symbol.strip()
        return text

    def op_node(self, node, box=None):
        box = box or self.node_id(node)
        op = node.op
        # Bracketed where they are expressions, as operands of the rules: ∂u/∂(a·b).
        names = [in_derivative(self.names[parent]) for parent in node.parents]
        out = in_derivative(self.names[node])
        rules = [op.rule_text(slot, names, out) for slot in range(len(names))]
        if len(rules) > 6:
            rules = rules[:3] + [f"… ({len(rules) - 6} more)"] + rules[-3:]
        attributes = {"id": f"op_{box}", "class": "op", "shape": "box", "style": "rounded,filled",
                      "fillcolor": "#e8e8e8", "color": "#8c8c8c", "fontsize": "11",
                      "margin": "0.05,0.02", "height": "0.3", "width": "0.3",
                      "tooltip": dot_attribute("\n".join([op.formula_text(names, out), *rules]))}
        if not self.computed(node):
            attributes.update(style="rounded,filled,dashed", fontcolor=FADED, color=FADED,
                              fillcolor="#f7f7f7")
        if self.current is not None and node is self.current.child:
            attributes.update(color=HIGHLIGHT, penwidth="2.5")
        self.digraph.node(f"{box}_op", label=f"<{dot_label(self.op_text(node))}>", **attributes)
        self.digraph.edge(f"{box}_op", box, weight="8", arrowsize="0.6",
                          color=FADED if not self.computed(node) else EDGE)

    # --- an edge ----------------------------------------------------------------------------

    def edges_into(self, node, box=None, source_of=None):
        for slot, parent in enumerate(node.parents):
            if self.shows(parent):
                source = source_of(parent) if source_of else self.node_id(parent)
                self.scalar_edge(node, slot, parent, box or self.node_id(node), source)

    def scalar_edge(self, child, slot, parent, child_box, source):
        """The edge parent -> child's op oval, labelled with its local derivative and what it adds."""
        key = (child_box, slot)
        of_child, of_parent = self.names[child], self.names[parent]
        local = child.local_grads[slot]
        computed = self.computed(child)
        rows = [self.cell(key + ("local",),
                          f"{partial(of_child, of_parent)} = {format_number(local)}" if computed
                          else "")]
        applied = self.edge_applied(child, slot)      # never, in a values-only picture
        upstream = self.grads.get(child, 0.0)
        if applied:
            contribution = upstream * local
            background, ink = grad_colours(contribution, self.scale)
            rows.append(self.cell(key + ("adds",),
                                  f"adds {format_number(upstream)} × {format_number(local)} = "
                                  f"{format_number(contribution)}",
                                  colour=ink, background=background, size=9))
        elif self.show_grads or key + ("adds",) in self.frame.widths:
            rows.append(self.cell(key + ("adds",), "", size=9))
        label = ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                 + "".join(f"<TR>{row}</TR>" for row in rows) + "</TABLE>>")
        names = [in_derivative(self.names[p]) for p in child.parents]
        rule = child.op.rule_text(slot, names, in_derivative(of_child))
        if not rule.endswith(f" = {format_number(local)}"):      # ∂v/∂a = 1, not "= 1 = 1"
            rule += f" = {format_number(local)}"
        tip = (f"{rule} "
               f"(input {slot + 1} of {of_child})")
        if applied:
            tip += (f"\nadds upstream × local = {d(self.names[self.root], of_child)} · "
                    f"{partial(of_child, of_parent)} = {format_number(upstream)} × "
                    f"{format_number(local)} to {of_parent}.grad")
        # Out of the box's right side and into the oval's left: the label then sits
        # beside a nearly level edge instead of across a steep one.
        attributes = {"id": f"edge_{source}_{child_box}_{slot}", "class": "grad-edge",
                      "tooltip": dot_attribute(tip), "labeltooltip": dot_attribute(tip),
                      "tailport": "e", "headport": "w"}
        if not computed:
            attributes.update(color=FADED, style="dashed")
        if self.is_current(child, slot):
            attributes.update(color=HIGHLIGHT, penwidth="4", arrowsize="1")
            attributes["class"] += " highlight"
        self.digraph.edge(source, f"{child_box}_op", label=label, **attributes)
