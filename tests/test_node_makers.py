"""The engine's hot path, written from the table, against the table itself.

Each fixed-arity row gets a node maker generated from its ``code`` (or calling
its functions); a neuron's weighted sum is made from the row's grouped rules;
the topological order finishes wide nodes early.  Each must give exactly what
the plain path gives: the same bits, the same errors, the same order.
"""

import contextlib
import math
import struct

import pytest
from hypothesis import assume, given, settings

import nn
from autograd import OPS, Value, detect_anomaly, no_grad, ops, weighted_sum
from autograd.graph import topological_order
from autograd.value import _apply, node_maker, weighted_sum_node, weighted_sum_nodes
from random_graphs import build, graph_specs

ROWS = [row for row in OPS.values() if row.arity in (1, 2)] + [
    ops.power_by(2.0), ops.power_by(-1.0), ops.power_by(0.5), ops.power_by(0.0),
    ops.relu_with(0.5), ops.leaky_relu_with(0.1)]

# Ordinary numbers, the kinks, signed zeros, and the values where rules break.
AWKWARD = [-2.5, -1.0, -0.0, 0.0, 0.5, 1.0, 3.0, 1e-300, 710.0, -710.0, 1e308,
           math.inf, -math.inf, math.nan]


def _bits(x):
    """The float's exact bits (so -0.0 differs from 0.0 and every nan is one nan)."""
    return "nan" if math.isnan(x) else struct.pack("<d", x)


def _outcome(make):
    """(data bits, local-derivative bits) of the node made, or (error type, message)."""
    try:
        node = make()
    except (ValueError, ZeroDivisionError, OverflowError, TypeError) as error:
        return type(error), str(error)
    return _bits(node.data), tuple(_bits(g) for g in node.local_grads), node.op, node.role


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_each_maker_gives_the_very_node_the_rows_functions_give(row):
    maker = node_maker(row)
    pairs = [(x,) for x in AWKWARD] if row.arity == 1 else \
        [(x, y) for x in AWKWARD for y in AWKWARD]
    for inputs in pairs:
        parents = tuple(Value(x, f"p{i}") for i, x in enumerate(inputs))
        made = _outcome(lambda: maker(*parents))
        expected = _outcome(lambda: _apply(row, parents))
        assert made == expected, (row, inputs)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_each_maker_leaves_no_graph_under_no_grad_and_checks_under_detect_anomaly(row):
    parents = tuple(Value(0.75) for _ in range(row.arity))
    with no_grad():
        leaf = node_maker(row)(*parents)
    assert leaf.parents == () and leaf.op == ""
    with detect_anomaly():
        node = node_maker(row)(*parents)
    assert node.parents == parents and node.local_grads == _apply(row, parents).local_grads


BINARY_ROWS = [row for row in ROWS if row.arity == 2]


@pytest.mark.parametrize("row", BINARY_ROWS, ids=str)
def test_a_number_on_either_side_becomes_a_constant_leaf_as_apply_makes_it(row):
    # The operators are the makers: a * 2 is make_node(a, 2), and 2 * a is
    # the reflected maker's make_node(a, 2).  Each gives the node _apply gives
    # with the number as a constant leaf on its own side.
    maker, reflected = node_maker(row), node_maker(row, reflected=True)
    for x in AWKWARD:
        for number in (-1.5, 0.0, 2, 710.0, math.inf):
            value = Value(x, "v")
            constant = Value(float(number))
            constant.role = "constant"
            made = _outcome(lambda: maker(value, number))
            assert made == _outcome(lambda: _apply(row, (value, constant))), (row, x, number)
            made = _outcome(lambda: reflected(value, number))
            assert made == _outcome(lambda: _apply(row, (constant, value))), (row, number, x)
    node = reflected(Value(0.5, "v"), 2)
    assert node.parents[1].label == "v" and node.parents[0].role == "constant"


def test_the_operators_are_the_makers_with_numbers_on_either_side():
    a = Value(6.0, "a")
    assert Value.__mul__ is node_maker(ops.MUL) and Value.__rsub__ is node_maker(ops.SUB, True)
    assert [(3 - a).data, (a - 3).data, (3 / a).data, (a / 3).data] == [-3.0, 3.0, 0.5, 2.0]
    assert (3 - a).parents[1] is a and (3 - a).local_grads == (1.0, -1.0)
    with pytest.raises(TypeError, match=r"cannot apply '-' to a = 6.0 and str 'x'"):
        "x" - a
    with pytest.raises(TypeError, match=r"cannot apply '\*' to a = 6.0 and bool True"):
        a * True
    with pytest.raises(ZeroDivisionError, match=r"'/' failed on 0.0 and b = 0.0"):
        0 / Value(0.0, "b")
    with pytest.raises(ValueError, match="'exp' takes 1 input, so it has no reflected maker"):
        node_maker(ops.EXP, reflected=True)


def test_a_maker_is_written_once_per_row_and_shows_its_source():
    assert node_maker(ops.MUL) is node_maker(ops.MUL)
    source = node_maker(ops.MUL).source
    assert "out = x * y" in source and "node.local_grads = (y, x,)" in source
    # A row without code expressions calls its own functions.
    assert "out = forward(x)" in node_maker(ops.EXP).source


def test_a_traceback_through_a_maker_shows_the_rows_name_and_the_line():
    import traceback
    try:
        Value(-1.0, "a").log()
    except ValueError as error:
        text = "".join(traceback.format_exception(error))
    # The maker's frame, with its own line (linecache has the source).
    assert "node maker written from the row 'log' of ops.py" in text
    assert "raise _failed(op, (a,), error) from None" in text


def test_n_ary_rows_have_no_maker():
    with pytest.raises(ValueError, match="'sum' takes any number of inputs"):
        node_maker(ops.SUM)


def test_the_unchecked_weighted_sums_equal_weighted_sum():
    weights = [[Value(0.3 * i - j, f"w{i}{j}") for i in range(4)] for j in range(3)]
    biases = [Value(0.1 * j) for j in range(3)]
    inputs = [Value(x) for x in (1.5, -0.25, 0.0, 2.0)]
    sums = weighted_sum_nodes(weights, inputs, biases)
    for w, b, z in zip(weights, biases, sums):
        checked = weighted_sum(w, inputs, b)
        assert (z.data, z.local_grads, z.parents, z.op) == \
            (checked.data, checked.local_grads, checked.parents, checked.op)
        assert weighted_sum_node(w, inputs, b).local_grads == checked.local_grads


@pytest.mark.parametrize("anomaly", [False, True], ids=["recording", "detect_anomaly"])
def test_a_layer_gives_what_its_neurons_give_one_by_one(anomaly):
    # The layer reads its inputs' data once for all its neurons, recording or
    # under detect_anomaly(): the same nodes, labels and roles as one by one.
    layer = nn.Layer(5, 4, activation="tanh", layer=2, seed=3)
    inputs = [Value(x) for x in (0.5, -1.0, 2.0, 0.0, 0.25)]
    with detect_anomaly() if anomaly else contextlib.nullcontext():
        outputs = layer(inputs)
        alone_outputs = [neuron(inputs) for neuron in layer.neurons]
    for out, alone in zip(outputs, alone_outputs):
        assert (out.data, out.label, out.role, out.local_grads) == \
            (alone.data, alone.label, alone.role, alone.local_grads)
        z, z_alone = out.parents[0], alone.parents[0]
        assert (z.data, z.label, z.role.part, z.local_grads) == \
            (z_alone.data, z_alone.label, z_alone.role.part, z_alone.local_grads)


# --- the topological order: finishing wide nodes early changes nothing ------------------

def _plain_depth_first_order(root):
    """The order as one depth-first search with no shortcut (the algorithm the engine had)."""
    order, visited = [], {root}
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents_left = stack[-1]
        for parent in parents_left:
            if parent not in visited:
                visited.add(parent)
                if parent.parents:
                    stack.append((parent, iter(parent.parents)))
                    break
                order.append(parent)
        else:
            stack.pop()
            order.append(node)
    return order


@settings(max_examples=300, deadline=None)
@given(graph_specs(max_steps=14))
def test_the_order_is_the_plain_depth_first_order_on_random_graphs(spec):
    try:
        root = build(spec)
    except (ValueError, ZeroDivisionError, OverflowError):
        assume(False)        # log of a negative, 1/0, e^huge: no graph to sort
    assert topological_order(root) == _plain_depth_first_order(root)


def test_the_order_is_the_plain_depth_first_order_on_a_network_batch():
    # Wide nodes whose parents were all seen (shared weights, a layer's
    # outputs): the case the shortcut is for.
    model = nn.MLP(3, [8, 8, 1], seed=1)
    loss = nn.mse([model([0.1 * k, -0.2, 0.3 * k])[0] for k in range(4)], [1.0, 0.0, -1.0, 0.5])
    order = topological_order(loss)
    assert order == _plain_depth_first_order(loss)
    assert len(order) == len(set(order))
