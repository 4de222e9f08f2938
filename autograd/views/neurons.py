"""The neuron view: a network from ``nn`` drawn one box per neuron, its weights and bias folded in.

``nn`` marks each neuron's weighted sum z[l]_j and activation a[l]_j with a
:class:`autograd.value.NeuronRole` when it builds them; this view finds the
neurons by those marks (never by reading labels).  A neuron's parameters (its
parents with the role ``"parameter"``) are folded into its box, which shows
z and a with their gradients and dL/db; the other parents of z become arrows
into the box, drawn wider for a larger weight (the weight is ∂z/∂input, the
local derivative on that edge) and coloured by its sign, with dL/dw on hover.
Layers become clusters, the network's inputs one cluster (more than 16 inputs
are drawn as two small grids, data and grad), and the nodes after the network
(the loss) are drawn as in the scalar view.
"""

import math

from .canvas import FADED, HIGHLIGHT, LEAF_FILL, MUTED, NEGATIVE, POSITIVE, grad_colours
from .scalar import ScalarView
from .text import d, dot_attribute, dot_label, format_number

__all__ = ["NeuronView", "Network", "MAX_NEURON_EDGES"]

MAX_NEURON_EDGES = 2000
"""The most arrows the neuron view draws (a layer of 40 neurons after one of 50 is 2,000)."""

_MAX_INPUT_BOXES = 16      # more network inputs than this are drawn as one grid
_MAX_EXTRA_NODES = 20      # more nodes outside the network than this are folded into one box


class Neuron:
    """The nodes of one nn neuron: z, its activation a (or None), its parameters."""

    def __init__(self, z, a, parameters):
        self.z, self.a = z, a
        self.layer = z.role.layer
        self.parameters = parameters
        self.output = a if a is not None else z
        self.activation = str(a.op) if a is not None else "linear"
        self.members = [z] + ([a] if a is not None else []) + parameters
        # The bias is z's last parent (see autograd.weighted_sum).
        self.bias = z.parents[-1] if z.parents and z.parents[-1] in parameters else None
        weights = [p for p in parameters if p is not self.bias]
        inputs = [slot for slot, parent in enumerate(z.parents) if parent not in parameters]
        # z = Σ w_i·a_i + b: the i-th input from outside the neuron meets the i-th weight.
        self.weight_of_slot = dict(zip(inputs, weights))


class Network:
    """The neurons of a recorded graph, found by the roles nn gave their nodes.

    Attributes:
        neurons: list of Neuron in topological order.
        layers: dict layer number -> list of Neuron.
        neuron_of_z: dict z node -> Neuron.
        inputs: the leaves (not parameters of a neuron) that feed neurons.
        extra: every other node (e.g. the loss), in topological order.
    """

    def __init__(self, order):
        activation_of = {}
        for node in order:
            role = node.role
            if getattr(role, "part", None) == "a" and len(node.parents) == 1:
                activation_of[node.parents[0]] = node
        self.neurons, self.layers, self.neuron_of_z = [], {}, {}
        folded = set()
        for node in order:
            if getattr(node.role, "part", None) != "z" or not node.parents:
                continue
            parameters = [p for p in dict.fromkeys(node.parents)
                          if p.role == "parameter" and not p.parents and p not in folded]
            neuron = Neuron(node, activation_of.get(node), parameters)
            self.neurons.append(neuron)
            self.layers.setdefault(neuron.layer, []).append(neuron)
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


class NeuronView(ScalarView):
    """Draws a network one box per neuron (see the module docstring); build it, then read ``digraph``.

    Args:
        captions (dict or None): Value -> a line of text to show in the box of
            the neuron whose output it is (e.g. an output's class and probability).
        Other arguments as :class:`.canvas.Canvas`.
    """

    view_name = "network"

    def __init__(self, record, *, captions=None, **options):
        super().__init__(record, **options)
        self.captions = captions or {}

    def draw(self, max_nodes=MAX_NEURON_EDGES):
        from .draw import check_max_nodes
        network = Network(self.order)
        if not network.neurons:
            raise ValueError("view='neurons' found no neuron in this graph: it draws networks "
                             "built by nn (Neuron, Layer, MLP); use view='scalar'")
        extra = [node for node in network.extra if self.shows(node)]
        boxes = len(network.neurons) + len(extra) + (
            1 if len(network.inputs) > _MAX_INPUT_BOXES else len(network.inputs))
        check_max_nodes(boxes, max_nodes, "view='neurons'", "draw a smaller network, or pass "
                        "a larger max_nodes", what=f"boxes ({len(network.neurons)} neurons)")
        # Straight arrows, fanned out over a wide gap between layers, and the
        # neurons kept in order 1, 2, ... top to bottom: the usual picture of a
        # network.  Curved splines around clusters tangle hundreds of arrows.
        self.digraph.attr(splines="line", ranksep="1.3", nodesep="0.12", newrank="true",
                          mclimit="0.01")
        box_of = {}                                 # every node -> the name of its box
        self.input_boxes(network, box_of)
        self.layer_boxes(network, box_of)
        folded_extra = len(extra) > _MAX_EXTRA_NODES
        if folded_extra:
            self.extra_box(extra, box_of)
        else:
            for node in extra:
                box_of[node] = self.node_id(node)
        edges = self.neuron_edges(network, box_of)
        if edges > MAX_NEURON_EDGES:
            from .canvas import GraphTooLargeError
            raise GraphTooLargeError(f"the network view of this graph has {edges} arrows, more "
                                     f"than {MAX_NEURON_EDGES}; draw a smaller network")
        if not folded_extra:
            highlighted = self.highlighted_nodes()
            for node in extra:
                if node.parents:
                    self.op_node(node, box_of[node])
                self.value_node(node, highlighted, box_of[node])
        self.legend_rows = [
            "<B>how to read this</B>",
            "a box is a neuron z = Σ w·a + b, a = g(z): its weights and bias are folded in",
            f'arrow width: |weight|; <FONT COLOR="{POSITIVE[3]}">orange: weight &gt; 0</FONT>, '
            f'<FONT COLOR="{NEGATIVE[3]}">blue: weight &lt; 0</FONT> (hover: the weight and '
            f'dL/dw)',
            "∂z, ∂a, ∂b: the gradient of the output with respect to z, a and the bias",
            "dashed grey: a saturated sigmoid/tanh (|a| within 0.01 of its limits) or a dead ReLU "
            "(z ≤ 0): its local derivative is about 0",
            *self.colour_rows(),
            *self.glossary_rows([node for node in extra if box_of.get(node) != "rest"]),
        ]
        return self.finish()

    # --- boxes ---------------------------------------------------------------------------

    def input_boxes(self, network, box_of):
        inputs = network.inputs
        if not inputs:
            return
        with self.digraph.subgraph(name="cluster_inputs") as cluster:
            cluster.attr(label=f"inputs ({len(inputs)})", style="rounded", color="#bdbdbd",
                         fontsize="11", fontcolor=MUTED)
            if len(inputs) > _MAX_INPUT_BOXES:
                for node in inputs:
                    box_of[node] = "inputs"
                cluster.node("inputs", label=self.input_grid(inputs), shape="box",
                             style="rounded", margin="0.05", id="node_inputs",
                             **{"class": "value input"})
                return
            for index, node in enumerate(inputs, start=1):
                box = self.node_id(node)
                box_of[node] = box
                title = node.label or f"x_{index}"
                label = (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                         f'<TR>{self.cell((box, "name"), title, bold=True)}</TR>'
                         f'<TR>{self.data_cell((box, "data"), node)}</TR>'
                         f'<TR>{self.grad_cell((box, "grad"), node)}</TR></TABLE>>')
                cluster.node(box, label=label, shape="box", style="rounded,filled",
                             fillcolor=LEAF_FILL, margin="0.05,0.02", id=f"node_{box}",
                             tooltip=dot_attribute(self.value_tooltip(node)),
                             **{"class": "value input"})

    def input_grid(self, inputs):
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
            return grad_colours(self.grads[node], self.scale)[0]

        def grid(colour):
            rows = []
            for start in range(0, len(inputs), side):
                cells = "".join(f'<TD BGCOLOR="{colour(node)}" WIDTH="9" HEIGHT="9" '
                                f'FIXEDSIZE="TRUE"></TD>' for node in inputs[start:start + side])
                rows.append(f"<TR>{cells}</TR>")
            return ('<TABLE BORDER="1" COLOR="#bdbdbd" CELLBORDER="0" CELLSPACING="0" '
                    'CELLPADDING="0">' + "".join(rows) + "</TABLE>")

        captions = [f'<TD><FONT POINT-SIZE="9">data ({format_number(low)} to '
                    f"{format_number(high)})</FONT></TD>" if shown else
                    f'<TD><FONT POINT-SIZE="9" COLOR="{FADED}">data …</FONT></TD>']
        grids = [f"<TD>{grid(data_colour)}</TD>"]
        if all(self.grad_known(node) for node in inputs):
            captions.append('<TD><FONT POINT-SIZE="9">grad</FONT></TD>')
            grids.append(f"<TD>{grid(grad_colour)}</TD>")
        first = self.names[inputs[0]] if inputs[0].label else "x_1"
        last = self.names[inputs[-1]] if inputs[-1].label else f"x_{len(inputs)}"
        return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="0">'
                f'<TR><TD COLSPAN="{len(grids)}"><B>{dot_label(first)} … {dot_label(last)}</B>'
                f" ({side} per row)</TD></TR>"
                f"<TR>{''.join(captions)}</TR><TR>{''.join(grids)}</TR></TABLE>>")

    def layer_boxes(self, network, box_of):
        highlighted = set(self.highlighted_nodes())
        last_layer = max(network.layers)
        # Every neuron box equally wide (in inches, from the longest row of
        # numbers at 9 points): arrows leaving the right edges of a column then
        # never cross the boxes below.
        width = f"{26 * 9 * 0.6 / 72:.2f}"
        for layer, neurons in sorted(network.layers.items()):
            activation = neurons[0].activation
            kind = "output" if layer == last_layer else "hidden"
            count = f"{len(neurons)} neuron{'s' if len(neurons) != 1 else ''}"
            with self.digraph.subgraph(name=f"cluster_layer{layer}") as cluster:
                cluster.attr(label=f"layer {layer} ({kind}, {activation}, {count})",
                             style="rounded", color="#bdbdbd", fontsize="11", fontcolor=MUTED)
                for neuron in neurons:
                    box = self.node_id(neuron.z)
                    for node in neuron.members:
                        box_of[node] = box
                    attributes = {"id": f"node_{box}", "class": "neuron",
                                  "tooltip": dot_attribute(self.neuron_tooltip(neuron))}
                    if not self.computed(neuron.output):
                        attributes.update(style="rounded,dashed", color=FADED)
                    elif self.stuck(neuron):
                        attributes.update(style="rounded,dashed", color="#7f7f7f")
                        attributes["class"] += " stuck"
                    else:
                        attributes["style"] = "rounded"
                    if highlighted.intersection(neuron.members):
                        attributes.update(color=HIGHLIGHT, penwidth="3")
                        attributes["class"] += " highlight"
                    cluster.node(box, label=self.neuron_label(neuron, box), shape="box",
                                 margin="0.04,0.02", width=width, **attributes)
                # Keep neurons 1, 2, 3, ... in order, top to bottom: one rank,
                # chained by invisible edges, which fix the order within a rank
                # (with rankdir=LR, an edge lower -> upper puts the upper one on top).
                boxes = [self.node_id(neuron.z) for neuron in neurons]
                with cluster.subgraph() as same:
                    same.attr(rank="same")
                    for upper, lower in zip(boxes, boxes[1:]):
                        same.edge(lower, upper, style="invis")

    def stuck(self, neuron):
        """Is the neuron's activation flat here: local derivative ∂a/∂z below 0.01 (saturated or dead)?"""
        if neuron.a is None:
            return False
        return abs(neuron.a.local_grads[0]) < 0.01

    def stuck_caption(self, neuron):
        """The word in a stuck neuron's box: "off" where ∂a/∂z is 0 (a ReLU with z ≤ 0), else "saturated"."""
        if not self.computed(neuron.output) or not self.stuck(neuron):
            return None
        slope = neuron.a.local_grads[0]
        return "off: ∂a/∂z = 0" if slope == 0 else f"saturated: ∂a/∂z = {format_number(slope)}"

    def neuron_label(self, neuron, box):
        title = f"<B>{dot_label(self.names[neuron.output])}</B>"
        if neuron.a is not None:
            title += f' <FONT POINT-SIZE="8" COLOR="{MUTED}">{dot_label(neuron.activation)}</FONT>'
        self.lengths[(box, "title")] = len(self.names[neuron.output]) + len(neuron.activation) + 1
        parts = [("z", neuron.z)] + ([("a", neuron.a)] if neuron.a is not None else [])
        if neuron.bias is not None:
            parts.append(("b", neuron.bias))
        data = "".join(self.data_cell((box, "data", letter), node, prefix=f"{letter} ", size=9)
                       for letter, node in parts)
        grads = "".join(self.grad_cell((box, "grad", letter), node, prefix=f"∂{letter} ", size=9)
                        for letter, node in parts)
        rows = [f'<TR><TD COLSPAN="{len(parts)}">{title}</TD></TR>', f"<TR>{data}</TR>",
                f"<TR>{grads}</TR>"]
        caption = self.captions.get(neuron.output) or self.stuck_caption(neuron)
        if caption:
            rows.append(f"<TR>{self.cell((box, 'caption'), caption, bold=True, colspan=len(parts))}"
                        f"</TR>")
        return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                + "".join(rows) + "</TABLE>>")

    def neuron_tooltip(self, neuron):
        lines = [f"{self.names[neuron.output]}: {neuron.activation} neuron, "
                 f"{len(neuron.parameters)} parameters"]
        for node in [neuron.z] + ([neuron.a] if neuron.a is not None else []):
            lines.append(self.value_tooltip(node))
        if neuron.bias is not None:
            lines.append(self.value_tooltip(neuron.bias))
        return "\n".join(lines)

    def extra_box(self, extra, box_of):
        """Fold the many nodes outside the network into one box that shows the root."""
        for node in extra:
            box_of[node] = "rest"
        root = self.root
        label = (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
                 f'<TR>{self.cell(("rest", "title"), self.names[root], bold=True)}</TR>'
                 f'<TR>{self.cell(("rest", "count"), f"{len(extra)} nodes after the network", size=8, colour=MUTED)}</TR>'
                 f'<TR>{self.data_cell(("rest", "data"), root)}</TR>'
                 f'<TR>{self.grad_cell(("rest", "grad"), root)}</TR></TABLE>>')
        self.digraph.node("rest", label=label, shape="box", style="rounded", id="node_rest",
                          **{"class": "value rest"})

    # --- arrows ----------------------------------------------------------------------------

    def neuron_edges(self, network, box_of):
        """Draw the arrows between boxes; return how many."""
        largest = max((abs(g) for neuron in network.neurons
                       for parent, g in zip(neuron.z.parents, neuron.z.local_grads)
                       if parent not in neuron.parameters and math.isfinite(g)), default=0.0)
        drawn = set()
        count = 0
        for node in self.order:
            target = box_of.get(node)
            for slot, parent in enumerate(node.parents):
                source = box_of.get(parent)
                if source is None or source == target:
                    continue                   # a constant, or inside one neuron: folded away
                neuron = network.neuron_of_z.get(node)
                if target == "rest" or source == "inputs":
                    if (source, target) in drawn:
                        continue               # one arrow stands for many
                    drawn.add((source, target))
                    self.arrow(source, target, node, slot, weight=None)
                elif neuron is not None:
                    self.arrow(source, target, node, slot, weight=node.local_grads[slot],
                               largest=largest, weight_node=neuron.weight_of_slot.get(slot))
                else:
                    # Into an ordinary node after the network, from the box that holds the parent.
                    self.scalar_edge(node, slot, parent, target, source)
                count += 1
        return count

    def arrow(self, source, target, child, slot, weight, largest=0.0, weight_node=None):
        """An arrow into a neuron (or the folded box); a weight sets its width and colour."""
        # From the right side of a box to the left side of the next: steep arrows
        # then never cut through the boxes of a tall column.
        attributes = {"class": "grad-edge", "tailport": "e", "headport": "w", "arrowsize": "0.4"}
        if not self.computed(child):
            attributes.update(color=FADED, penwidth="0.6", style="dashed")
        elif weight is None or not math.isfinite(weight):
            attributes.update(color="#bdbdbd", penwidth="0.6")
        else:
            share = abs(weight) / largest if largest else 0.0
            shade = POSITIVE[3] if weight > 0 else NEGATIVE[3]
            alpha = int(60 + 160 * share)
            attributes.update(color=f"{shade}{alpha:02x}", penwidth=f"{0.4 + 2.6 * share:.2f}",
                              tooltip=dot_attribute(self.weight_tooltip(child, slot, weight,
                                                                        weight_node)))
        if self.is_current(child, slot):
            attributes.update(color=HIGHLIGHT, penwidth="4")
            attributes["class"] += " highlight"
        self.digraph.edge(source, target, **attributes)

    def weight_tooltip(self, z, slot, weight, weight_node):
        """The weight on an arrow into z, and dL/dw of that weight once the pass has reached it."""
        text = (f"{self.names[z.parents[slot]]} → {self.names[z]}: weight ∂z/∂input = "
                f"{format_number(weight)}")
        if weight_node is not None:
            text += f"\nweight {self.names[weight_node]}"
            if self.grad_known(weight_node):
                text += (f": {d(self.names[self.root], self.names[weight_node])} = "
                         f"{format_number(self.grads[weight_node])}")
        return text
