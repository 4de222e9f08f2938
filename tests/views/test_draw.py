"""Drawing graphs: the DOT text on its own, the rendered SVG, the neuron view, and the refusals."""

import re
import xml.etree.ElementTree as ET

import graphviz
import pytest

import nn
from autograd import Value, record, topological_order
from autograd.views import draw, page
from autograd.views.canvas import HIGHLIGHT, NEGATIVE, POSITIVE
from autograd.views.text import format_number
from autograd.views.stepper import Stepper
from notes_example import notes_graph

SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"



def node_line(source, name):
    """The DOT statement that declares node ``name``."""
    match = re.search(rf"^\t+{re.escape(name)} \[.*$", source, re.MULTILINE)
    assert match, f"no node {name} in the DOT"
    return match.group(0)


def label_of(line):
    return re.search(r"label=<(.*?)> ", line).group(1)


def edge_lines(source, tail, head):
    return re.findall(rf"^\t+{re.escape(tail)} -> {re.escape(head)} \[.*$", source, re.MULTILINE)


def svg_tree(svg):
    return ET.fromstring(svg.encode("utf-8"))


def svg_text_content(svg):
    return " ".join("".join(element.itertext()) for element in svg_tree(svg).iter(f"{SVG}text"))


# --- what a scalar drawing shows ------------------------------------------------------
# J = 3·v in topological order: n0 the constant 3, n1 a, n2 b, n3 c, n4 u, n5 v, n6 J.

def test_at_step_0_only_the_roots_grad_is_known():
    J = notes_graph()[0]
    source = draw.dot_source(J, step=0)
    assert source.count("grad: not computed yet") == 5            # a, b, c, u, v
    assert "call backward()" not in source
    assert "starts at J with dJ/dJ = 1" in source
    assert ">adds " not in source                         # no contribution yet
    assert "∂u/∂b = 2" in source and "∂J/∂v = 3" in source   # local derivatives are known


@pytest.mark.parametrize("backward_calls", [0, 1, 2])
def test_the_whole_pass_whatever_backward_calls_came_before(backward_calls):
    J, (a, *_) = notes_graph()
    for _ in range(backward_calls):
        J.backward()
    source = draw.dot_source(J)
    assert "not computed yet" not in source
    for name, data, grad in [("n1", "5", "3"), ("n2", "3", "6"), ("n3", "2", "9"),
                             ("n4", "6", "3"), ("n5", "11", "3"), ("n6", "33", "1")]:
        line = node_line(source, name)
        assert f"data {data}<" in line and f"grad {grad}<" in line
    # u = b·c: the edge from b carries ∂u/∂b = c = 2 and adds dJ/du × 2 = 3 × 2 = 6 to b.grad.
    (edge,) = edge_lines(source, "n2", "n4_op")
    assert "∂u/∂b = 2" in edge and "adds 3 × 2 = 6" in edge
    assert a.grad == 3.0 * backward_calls                  # drawing changes no grad


def test_a_constant_is_written_into_its_operation_not_drawn_as_a_box():
    J = notes_graph()[0]
    source = draw.dot_source(J)
    assert not re.search(r"^\tn0 \[", source, re.MULTILINE)          # no box for the 3
    assert not edge_lines(source, "n0", "n6_op")
    assert "label=<3·v>" in node_line(source, "n6_op")
    with_constants = draw.dot_source(J, constants=True)
    assert ">3<" in node_line(with_constants, "n0")
    assert edge_lines(with_constants, "n0", "n6_op")


def test_show_grads_false_draws_values_only():
    J = notes_graph()[0]
    source = draw.dot_source(J, show_grads=False)
    assert "grad 3" not in source and "not computed yet" not in source
    assert "forward pass: values only" in source


def test_ops_say_what_they_compute_in_the_graphs_names():
    J = notes_graph()[0]
    source = draw.dot_source(J)
    order = topological_order(J)
    for position, node in enumerate(order[1:], start=1):
        line = node_line(source, f"n{position}")
        if node.label:
            assert f"<B>{node.label}</B>" in line
    # Each op node says what it computes, with its rules as a tooltip in the graph's own names.
    assert "label=<b·c>" in node_line(source, "n4_op")
    assert "u = b·c\\n∂u/∂b = c\\n∂u/∂c = b" in node_line(source, "n4_op")
    assert "label=<a + u>" in node_line(source, "n5_op")
    (edge,) = edge_lines(source, "n2", "n4_op")
    assert "∂u/∂b = c = 2 (input 1 of u)" in edge            # never ∂out/∂a = b
    assert edge_lines(source, "n4_op", "n4") and edge_lines(source, "n6_op", "n6")
    assert not re.search(r"0x[0-9a-f]{6,}|\b\d{9,}\b", source)    # nothing from id()


def test_an_unlabelled_node_is_called_as_the_stepper_calls_it_and_explained():
    a = Value(2.0, "a")
    y = (a * 4).tanh() + 1
    source = draw.dot_source(y)
    stepper_names = Stepper(y).names
    assert stepper_names[y] == "n5"
    assert ">n5<" in node_line(source, "n5")
    assert "n5 = tanh(a·4) + 1: unlabelled, named by its position 5" in source


@pytest.mark.parametrize("make, local", [
    (lambda a: a * a, "3"),      # ∂(a·a)/∂a through each slot is the other factor, a = 3
    (lambda a: a + a, "1"),
])
def test_a_repeated_input_is_one_edge_per_slot(make, local):
    a = Value(3.0, "a")
    y = make(a).named("y")
    source = draw.dot_source(y)
    edges = edge_lines(source, "n0", "n1_op")
    assert len(edges) == 2
    assert all(f"∂y/∂a = {local}" in edge for edge in edges)
    assert {re.search(r"id=(\S+)", edge).group(1) for edge in edges} == {"edge_n0_n1_0",
                                                                        "edge_n0_n1_1"}


def test_parameters_inputs_and_constants_look_different():
    neuron = nn.Neuron(1, activation="tanh")
    x = Value(0.5, "x")
    out = neuron([x]) * 2
    source = draw.dot_source(out, constants=True)
    order = topological_order(out)
    looks = {}
    for position, node in enumerate(order):
        line = node_line(source, f"n{position}")
        looks.setdefault(str(node.role), set()).add(
            (re.search(r"shape=(\w+)", line).group(1), "peripheries=2" in line,
             "filled" in line))
    assert looks["parameter"] == {("box", True, False)}      # double border
    assert looks["input"] == {("box", False, True)}          # grey fill
    assert looks["constant"] == {("circle", False, True)}    # a small circle with the number
    assert looks["result"] == {("box", False, False)}
    constant_label = label_of(node_line(source, f"n{order.index(out.parents[1])}"))
    assert ">2<" in constant_label and "data" not in constant_label   # compact


# Every colour a drawing may use: greys, the Blues and Oranges of the gradient
# scale, and the highlight.  Nothing red or green.
ALLOWED_COLOURS = {c.lower() for c in (*NEGATIVE, *POSITIVE, HIGHLIGHT)} | {
    "#bdbdbd", "#636363", "#b0b0b0", "#6b6b6b", "#f0f0f0", "#404040", "#8c8c8c", "#e8e8e8",
    "#f7f7f7", "#c8c8c8"}


def test_grads_are_coloured_blue_below_zero_orange_above_on_a_colour_blind_safe_scale():
    a, b = Value(0.5, "a"), Value(-3.0, "b")
    y = (a * b).named("y")       # dy/da = b = -3 (blue), dy/db = a = 0.5 (orange)
    y.backward()
    source = draw.dot_source(y)
    grad_a = re.search(r'BGCOLOR="(#\w+)"><FONT COLOR="\w+">grad -3', node_line(source, "n0"))
    grad_b = re.search(r'BGCOLOR="(#\w+)"><FONT COLOR="\w+">grad 0.5', node_line(source, "n1"))
    assert grad_a.group(1) in NEGATIVE and grad_b.group(1) in POSITIVE
    # The larger size is the darker shade.
    assert NEGATIVE.index(grad_a.group(1)) > POSITIVE.index(grad_b.group(1))
    colours = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}", source)}
    assert colours <= ALLOWED_COLOURS


def test_the_legend_explains_shapes_and_colours():
    J = notes_graph()[0]
    source = draw.dot_source(J)
    for words in ["how to read this", "double border: a parameter", "grey box: an input",
                  "grey oval: an operation", "grad &lt; 0", "grad &gt; 0",
                  "largest drawn: 9"]:
        assert words in source


def test_the_darkest_box_is_the_largest_gradient_the_legend_names():
    J = notes_graph()[0]
    source = draw.dot_source(J)
    darkest = POSITIVE[3]
    assert darkest in node_line(source, "n3")           # c.grad = 9, the largest
    assert darkest not in node_line(source, "n6")       # J.grad = 1


# --- determinism and escaping -------------------------------------------------------------

def test_the_same_graph_gives_byte_identical_dot_and_svg():
    first, second = notes_graph()[0], notes_graph()[0]
    assert draw.dot_source(first) == draw.dot_source(second)
    assert draw.svg_text(first) == draw.svg_text(second)
    first.backward()
    second.backward()
    assert draw.dot_source(first) == draw.dot_source(second)
    assert draw.svg_text(first).encode() == draw.svg_text(second).encode()


def test_special_characters_in_labels_are_escaped():
    awkward = '<x> & {y} | "z"\n'
    x = Value(2.0, awkward)
    y = (x * 3).named("back\\slash")
    y.backward()
    svg = draw.svg_text(y)
    svg_tree(svg)                              # well-formed XML
    text = svg_text_content(svg)
    assert '<x> & {y} | "z"' in text
    assert "back\\slash" in text and "back\\\\slash" not in text
    assert '∂(back\\slash)/∂(<x> & {y} | "z"\\n)' in text     # the edge label names both
    tooltips = [element.get(XLINK_TITLE) for element in svg_tree(svg).iter(f"{SVG}a")]
    assert any(tip.startswith('<x> & {y} | "z"\\n (input)') for tip in tooltips)


# --- highlight and forward frames -----------------------------------------------------------

def test_step_k_highlights_the_kth_edge_and_its_ends():
    J = notes_graph()[0]
    rec = record(J)
    update = rec.steps[2]                       # the edge u -> v (child v, slot 1)
    assert (update.child.label, update.slot) == ("v", 1)
    source = draw.dot_source(J, step=3)
    (edge,) = edge_lines(source, "n4", "n5_op")
    assert 'class="grad-edge highlight"' in edge and HIGHLIGHT in edge and "penwidth=4" in edge
    assert source.count(' highlight"') == 3             # the edge and its two ends
    for name in ("n4", "n5"):
        assert "highlight" in node_line(source, name)
    assert HIGHLIGHT in node_line(source, "n5_op")
    assert HIGHLIGHT not in node_line(source, "n4_op")
    assert draw.dot_source(rec, step=3) == source


def test_step_k_shows_contributions_only_for_the_first_k_edges():
    J = notes_graph()[0]
    source = draw.dot_source(J, step=2)          # J's edge and v's first edge done
    assert ">adds " in edge_lines(source, "n5", "n6_op")[0]
    assert ">adds " in edge_lines(source, "n1", "n5_op")[0]
    assert ">adds " not in edge_lines(source, "n4", "n5_op")[0]
    assert ">adds " not in edge_lines(source, "n2", "n4_op")[0]
    assert "grad: not computed yet" in node_line(source, "n4")


def test_stepper_draw_is_the_step_of_its_record():
    J = notes_graph()[0]
    stepper = Stepper(J)
    stepper.next()
    digraph = stepper.draw()
    assert isinstance(digraph, graphviz.Digraph)
    assert 'class="grad-edge highlight"' in edge_lines(digraph.source, "n5", "n6_op")[0]


@pytest.mark.parametrize("step, error", [(6, ValueError), (-1, ValueError), ("2", TypeError)])
def test_a_step_outside_the_pass_is_refused(step, error):
    with pytest.raises(error, match="step must be"):
        draw.dot_source(notes_graph()[0], step=step)


def test_forward_upto_shows_the_first_nodes_only_and_no_grads():
    J = notes_graph()[0]
    source = draw.dot_source(J, forward_upto=3)         # 3, a, b computed; c, u, v, J not
    for position in (1, 2):
        assert "data …" not in node_line(source, f"n{position}")
    for position in (3, 4, 5, 6):
        line = node_line(source, f"n{position}")
        assert "data …" in line and "dashed" in line
    assert not re.search(r"grad -?\d", source) and "not computed yet" not in source
    assert ">adds " not in source and "forward pass: 2 of 6 nodes computed" in source
    assert "highlight" in node_line(source, "n2")      # b, just computed


# --- refusals and errors ---------------------------------------------------------------------

def test_a_big_graph_is_refused_in_the_scalar_view_with_a_way_out():
    x = Value(1.0, "x")
    for _ in range(150):
        x = x * 1.01        # 151 nodes drawn: the constants are written into the products
    with pytest.raises(draw.GraphTooLargeError) as caught:
        draw.dot_source(x, max_nodes=150)
    message = str(caught.value)
    assert "151 nodes" in message and "larger max_nodes" in message and "neurons" not in message
    assert isinstance(caught.value, ValueError)
    with pytest.raises(draw.GraphTooLargeError):
        draw.save_svg(x, "never-written.svg", max_nodes=100)
    assert "digraph" in draw.dot_source(x, max_nodes=400)


def test_missing_dot_is_a_named_error_saying_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))       # no dot here
    J = notes_graph()[0]
    with pytest.raises(draw.DotNotFoundError) as caught:
        draw.save_svg(J, tmp_path / "J.svg")
    message = str(caught.value)
    for words in ["apt-get install graphviz", "brew install graphviz",
                  "https://graphviz.org/download/", "dot_source()"]:
        assert words in message
    assert isinstance(caught.value, RuntimeError)
    with pytest.raises(draw.DotNotFoundError):
        draw.svg_text(J)
    assert "digraph" in draw.dot_source(J)           # still works
    assert list(tmp_path.iterdir()) == []


def test_save_svg_writes_exactly_the_file_asked_for(tmp_path):
    J = notes_graph()[0]
    J.backward()
    written = draw.save_svg(J, tmp_path / "J.svg")
    assert written == tmp_path / "J.svg"
    assert [p.name for p in tmp_path.iterdir()] == ["J.svg"]
    assert svg_tree(written.read_text(encoding="utf-8")).tag == f"{SVG}svg"
    assert "grad 9" in svg_text_content(written.read_text(encoding="utf-8"))


def test_to_digraph_is_the_dot_source_and_shows_itself_in_jupyter():
    J = notes_graph()[0]
    digraph = draw.to_digraph(J, title="J = 3(a + b·c)")
    assert digraph.source == draw.dot_source(J, title="J = 3(a + b·c)")
    assert "image/svg+xml" in digraph._repr_mimebundle_()
    assert "J = 3(a + b·c)" in digraph.source


def test_unknown_view_is_refused():
    with pytest.raises(ValueError, match="view"):
        draw.dot_source(notes_graph()[0], view="tensors")


# --- the neuron view -------------------------------------------------------------------------

def neuron_boxes(svg):
    """[(label, layer, index, y)] for every neuron box in a rendered neuron view."""
    boxes = []
    for group in svg_tree(svg).iter(f"{SVG}g"):
        if "neuron" not in (group.get("class") or "").split():
            continue
        first = next(group.iter(f"{SVG}text"))
        layer, index = re.match(r"[az]\[(\d+)\]_(\d+)", first.text).groups()
        boxes.append((first.text, int(layer), int(index), float(first.get("y"))))
    return boxes


def assert_neurons_in_order_top_to_bottom(boxes):
    for layer in {layer for _, layer, _, _ in boxes}:
        column = sorted((y, index) for _, l, index, y in boxes if l == layer)
        assert [index for _, index in column] == sorted(index for _, index in column)


def test_two_moons_network_is_drawn_one_box_per_neuron():
    model = nn.MLP(2, [16, 16, 1])
    score = model([0.5, -0.25])[0]
    loss = nn.hinge([score], [1]).named("L")
    loss.backward()
    assert len(topological_order(loss)) > draw.MAX_SCALAR_NODES
    with pytest.raises(draw.GraphTooLargeError):
        draw.dot_source(loss)
    source = draw.dot_source(loss, view="neurons")
    assert len(re.findall(r'class="?neuron\b', source)) == 33
    for words in ["layer 1 (hidden, relu, 16 neurons)", "layer 2 (hidden, relu, 16 neurons)",
                  "layer 3 (output, linear, 1 neuron)", "inputs (2)"]:
        assert words in source
    assert "value parameter" not in source          # weights and biases are folded in
    # 2·16 + 16·16 + 16 weighted arrows, coloured by the weight's sign.
    assert len(re.findall(r": weight ∂z/∂input = ", source)) == 32 + 256 + 16
    svg = draw.svg_text(loss, view="neurons")
    boxes = neuron_boxes(svg)
    assert len(boxes) == 33
    assert_neurons_in_order_top_to_bottom(boxes)
    assert re.search(r"∂a -?\d", svg_text_content(svg))


def test_a_digits_network_folds_its_64_inputs_into_a_grid():
    model = nn.MLP(64, [32, 10])
    pixels = [((i * 7) % 17) / 16 for i in range(64)]
    logits = model(pixels)
    loss = nn.cross_entropy(logits, 3).named("loss")
    loss.backward()
    source = draw.dot_source(loss, view="neurons")
    assert "x_1 … x_64" in source and "(8 per row)" in source
    assert source.count("FIXEDSIZE") >= 2 * 64          # data grid and grad grid
    assert len(re.findall(r"^\t+inputs -> ", source, re.MULTILINE)) == 32   # one per neuron
    arrows = len(re.findall(r"^\t+\S+ -> \S+ \[", source, re.MULTILINE))
    # Not one per weight of layer 1: the neurons' arrows, and the loss's
    # (the max of the 10 logits, 10 shifts by it, 10 exps, their sum, log, + max, - logit).
    assert arrows < 32 + 32 * 10 + 10 + 120
    svg = draw.svg_text(loss, view="neurons")
    boxes = neuron_boxes(svg)
    assert len(boxes) == 42
    assert_neurons_in_order_top_to_bottom(boxes)


def test_the_neuron_view_before_backward_and_forward():
    model = nn.MLP(3, [4, 2])
    outputs = model([1.0, 2.0, 3.0])
    total = (outputs[0] + outputs[1]).named("total")
    source = draw.dot_source(total, view="neurons", step=0)
    assert "not computed yet" in source and not re.search(r">∂a -?\d", source)
    assert 'label="layer 2 (output, linear, 2 neurons)"' in source
    assert "total" in source                     # the node after the network, drawn plainly
    early = draw.dot_source(total, view="neurons", forward_upto=5)
    assert "z …" in early


def test_the_neuron_view_needs_neurons():
    with pytest.raises(ValueError, match="found no neuron"):
        draw.dot_source(notes_graph()[0], view="neurons")


def test_the_neuron_view_shows_dl_dw_on_hover_and_dl_db_in_the_box():
    model = nn.MLP(2, [3, 1])
    loss = nn.mse(model([0.5, -1.0]), [1.0]).named("L")
    source = draw.dot_source(loss, view="neurons")
    w = model.parameters()[0]                        # w[1]_1,1
    rec = record(loss)
    assert f"weight w[1]_1,1: dL/dw[1]_1,1 = {format_number(rec.grads[w])}" in source
    bias = model.layers[0].neurons[0].b
    assert f"∂b {format_number(rec.grads[bias])}<" in source


def test_captions_mark_output_neurons():
    model = nn.MLP(2, [3, 2])
    logits = model([0.5, -1.0])
    loss = nn.cross_entropy(logits, 1).named("L")
    source = draw.dot_source(loss, view="neurons",
                             captions={logits[1]: "digit 1: p = 0.5  ← predicted and true"})
    assert "digit 1: p = 0.5  ← predicted and true" in source
    with pytest.raises(ValueError, match="captions are for view='neurons'"):
        draw.dot_source(loss, captions={logits[1]: "x"})


@pytest.mark.parametrize("function", [draw.dot_source, draw.svg_text,
                                      lambda root: page.write_html(root, "never.html")])
def test_a_networks_list_of_outputs_gets_a_hint_to_pick_one(function):
    outputs = nn.MLP(2, [3, 2])([0.5, -1.0])
    with pytest.raises(TypeError, match=r"got a list of 2 Values; pick one: out\[0\]"):
        function(outputs)


def test_a_stuck_neuron_says_why_in_its_box():
    # issue 11: a ReLU that is off here, and a saturated sigmoid, each named in its box
    import nn
    from autograd.views import draw
    relu = nn.MLP(1, [1, 1], activation="relu", seed=0)
    relu.layers[0].neurons[0].w[0].data, relu.layers[0].neurons[0].b.data = 1.0, -5.0
    text = draw.dot_source(relu([1.0])[0], view="neurons")
    assert "off: ∂a/∂z = 0" in text and "rounded,dashed" in text
    sigmoid = nn.MLP(1, [1, 1], activation="sigmoid", seed=0)
    sigmoid.layers[0].neurons[0].w[0].data = 20.0
    text = draw.dot_source(sigmoid([1.0])[0], view="neurons")
    assert "saturated: ∂a/∂z = 2.06" in text
    lively = nn.MLP(1, [1, 1], activation="sigmoid", seed=0)
    assert "saturated: ∂a/∂z" not in draw.dot_source(lively([0.1])[0], view="neurons")
