"""The backward sweep: the classic traps, deep graphs, and repeated calls."""

import math
import random
import struct

import pytest

import nn

from autograd import EdgeUpdate, Value, gradcheck, record, sweep, topological_order, weighted_sum


def test_a_plus_a_counts_both_edges():
    a = Value(3.0, "a")
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0 and b.grad == 2.0


def test_a_times_a():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0


def test_diamond():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    x = a + b
    y = x * a          # y = (a + b)·a: dy/da = 2a + b = 9, dy/db = a = 2
    y.backward()
    assert (a.grad, b.grad, x.grad) == (9.0, 2.0, 2.0)


def test_notes_graph_J():
    a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    u = b * c
    v = a + u
    J = 3 * v
    J.backward()
    assert J.data == 33.0
    assert (v.grad, u.grad, a.grad, b.grad, c.grad) == (3.0, 3.0, 3.0, 6.0, 9.0)


def test_chain_a_million_deep():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    order = topological_order(y)
    assert len(order) == 2_000_001        # a million ops, each with a constant leaf
    y.backward()
    assert x.grad == 1.0


def test_two_backward_calls_never_give_a_wrong_figure():
    a = Value(2.0, "a")
    b = a * a          # intermediate
    c = b * 3
    c.backward()
    assert (a.grad, b.grad) == (12.0, 3.0)
    c.backward()
    # intermediates are recomputed from zero; leaves accumulate, as in PyTorch
    assert b.grad == 3.0 and c.grad == 1.0
    assert a.grad == 24.0
    a.grad = 0.0
    c.backward()
    assert a.grad == 12.0


def test_backward_on_a_leaf_and_on_a_shared_intermediate():
    a = Value(4.0)
    a.backward()
    assert a.grad == 1.0
    x = Value(2.0)
    h = x * x
    out1, out2 = h * 2, h * 5
    out1.backward()
    x.grad = 0.0
    out2.backward()
    assert x.grad == 20.0 and h.grad == 5.0


def test_sweep_reports_every_edge_in_order():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    y = a * b + a
    updates = []
    order = sweep(y, on_edge=updates.append)
    assert order[-1] is y
    assert [type(u) for u in updates] == [EdgeUpdate] * 4
    assert [(u.child.op, u.slot) for u in updates] == [("+", 0), ("+", 1), ("*", 0), ("*", 1)]
    assert updates[-1].parent is b and updates[-1].contribution == 2.0
    assert (a.grad, b.grad) == (4.0, 2.0)


def _graph_from(seed, leaves, n_ops=25):
    """A random graph over ``leaves`` (Values), the same one for the same seed.

    Ops are drawn from the table, operands from all nodes so far, so
    subexpressions are shared and leaves repeat.
    """
    rng = random.Random(seed)
    nodes = list(leaves)
    for _ in range(n_ops):
        a, b = rng.choice(nodes), rng.choice(nodes)
        kind = rng.randrange(6)
        if kind == 0:
            out = a + b
        elif kind == 1:
            out = a * b
        elif kind == 2:
            out = a - b
        elif kind == 3:
            out = a.tanh()
        elif kind == 4:
            out = a.sigmoid() * 2
        else:
            out = (a * a + 1).log()
        nodes.append(out)
    return nodes[-1] + nodes[-2] + nodes[-3]


def _leaf_values(seed, n_leaves=4):
    rng = random.Random(1000 + seed)
    return [rng.uniform(0.5, 2.0) for _ in range(n_leaves)]


@pytest.mark.parametrize("seed", range(10))
def test_recorded_and_hot_paths_agree_on_random_graphs(seed):
    leaves = [Value(x, f"x{i}") for i, x in enumerate(_leaf_values(seed))]
    root = _graph_from(seed, leaves)
    root.backward()
    fast = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    sweep(root, on_edge=lambda update: None)
    assert [leaf.grad for leaf in leaves] == fast


@pytest.mark.parametrize("seed", range(10))
def test_random_graphs_match_the_nudge(seed):
    assert gradcheck(lambda *xs: _graph_from(seed, xs), _leaf_values(seed), rtol=1e-3, atol=1e-4)


def test_topological_order_is_deterministic_and_parents_first():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    y = (a * b + b).tanh()
    order = topological_order(y)
    assert order == topological_order(y)
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]
    assert order[-1] is y and len(order) == len(set(order))


# --- a neuron whose gradient is 0 passes nothing on, exactly as its edges would --------

def _bits(number):
    return struct.pack("<d", number)


@pytest.mark.parametrize("seed", range(5))
def test_skipping_neurons_with_zero_gradient_changes_no_bit(seed):
    # A ReLU network has many neurons whose ReLU is off: backward() skips their
    # edges; record() runs every edge.  The gradients must agree bit for bit.
    model = nn.MLP(3, [8, 8, 2], activation="relu", seed=seed)
    generator = random.Random(seed)
    batch = [[generator.uniform(-2, 2) for _ in range(3)] for _ in range(6)]
    loss = nn.cross_entropy([model(x) for x in batch], [k % 2 for k in range(6)])
    model.zero_grad()
    loss.backward()
    recorded = record(loss)
    zero = [node for node in recorded.order if len(node.parents) > 2 and recorded.grads[node] == 0.0]
    assert zero                                     # the case is there to skip
    for parameter in model.parameters():
        assert _bits(parameter.grad) == _bits(recorded.grads[parameter])


def test_a_neuron_with_zero_gradient_still_passes_on_nan_from_an_infinite_input():
    # 0 · inf is nan: with an infinite input, the skip must not hide it.
    w = [Value(-1.0, "w1"), Value(0.5, "w2")]
    b = Value(0.0, "b")
    z = weighted_sum(w, [Value(math.inf, "x1"), Value(1.0, "x2")], b)   # -inf
    loss = z.relu() * 2.0                          # relu off: z.grad = 0
    loss.backward()
    assert z.grad == 0.0
    assert math.isnan(w[0].grad) and w[1].grad == 0.0 and b.grad == 0.0


def _micrograd_style_network(seed):
    """A ReLU network built as micrograd builds it: a node per product and per sum (two parents each)."""
    generator = random.Random(seed)
    sizes = [3, 6, 6, 1]
    layers = [[([Value(generator.uniform(-1, 1)) for _ in range(n_in)], Value(0.1))
               for _ in range(n_out)] for n_in, n_out in zip(sizes, sizes[1:])]
    losses = []
    for sample in range(32):
        activations = [Value(generator.uniform(-2, 2)) for _ in range(3)]
        for depth, layer in enumerate(layers):
            sums = []
            for weights, bias in layer:
                total = bias
                for w, a in zip(weights, activations):
                    total = total + w * a
                sums.append(total.relu() if depth < len(layers) - 1 else total)
            activations = sums
        label = 1 if sample % 2 else -1
        losses.append((1 - label * activations[0]).relu())    # a sample past the margin adds 0
    parameters = [p for weights, bias in (n for layer in layers for n in layer) for p in (*weights, bias)]
    return sum(losses) * (1 / len(losses)), parameters


# Seeds whose networks have both cases; seed 4's has every second-layer ReLU
# off, so no sample gets past the margin and every ReLU node has a gradient.
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 5])
def test_skipping_nodes_of_one_or_two_parents_with_zero_gradient_changes_no_bit(seed):
    # Behind a ReLU that is off, every + and · has gradient 0 and backward()
    # skips it; record() runs every edge.  The gradients agree bit for bit.
    loss, parameters = _micrograd_style_network(seed)
    loss.backward()
    recorded = record(loss)
    zero = {len(node.parents) for node in recorded.order
            if node.parents and recorded.grads[node] == 0.0}
    assert {1, 2} <= zero                            # both cases are there to skip
    for parameter in parameters:
        assert _bits(parameter.grad) == _bits(recorded.grads[parameter])


def test_nodes_of_one_or_two_parents_with_zero_gradient_still_pass_on_nan():
    # A product with an infinite factor, behind a ReLU that is off: w.grad = 0 · inf.
    w, x = Value(-1.0, "w"), Value(math.inf, "x")
    product = w * x                                  # -inf; ∂/∂w = inf
    (product.relu() * 2.0).backward()
    assert product.grad == 0.0 and math.isnan(w.grad) and x.grad == 0.0
    # One parent: e^x at x = inf has local derivative inf.
    x = Value(math.inf, "x")
    exponential = x.exp()
    (-exponential).relu().backward()
    assert exponential.grad == 0.0 and math.isnan(x.grad)
