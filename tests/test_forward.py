"""Forward mode: jvp, the forward sweep's record, and the Jacobian both ways with their multiply-adds."""

import math
import re

import pytest
from hypothesis import HealthCheck, given, settings

from autograd import Value, topological_order
from autograd.forward import TangentUpdate, forward_sweep, jvp, record_forward
from autograd.jacobian import count_edges, jacobian_forward, jacobian_reverse
from notes_example import notes_graph
from table_graphs import ROWS, build, graph_specs


def close(x, y):
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


# --- jvp -------------------------------------------------------------------------------

def test_jvp_on_the_notes_graph():
    J, (a, b, c, u, v) = notes_graph()
    assert (jvp(J, {a: 1.0}), jvp(J, {b: 1.0}), jvp(J, {c: 1.0})) == (3.0, 6.0, 9.0)
    assert jvp(J, a) == 3.0                      # one leaf means a tangent of 1
    assert jvp(J, {a: 2.0, c: -1.0}) == 2 * 3.0 - 9.0   # a directional derivative
    assert jvp([u, v, J], {b: 1.0}) == [2.0, 2.0, 6.0]


def test_jvp_of_an_output_that_does_not_depend_on_the_seed_is_zero():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    assert jvp(b * 3, {a: 1.0}) == 0.0
    assert jvp(a, {a: 4.0}) == 4.0               # a seeded leaf is its own output


def test_jvp_leaves_grads_alone():
    J, leaves = notes_graph()
    jvp(J, {leaves[0]: 1.0})
    assert all(node.grad == 0.0 for node in topological_order(J))


def test_forward_sweep_records_each_edge_on_a_path_from_the_seed():
    J, (a, b, c, u, v) = notes_graph()
    updates = []
    tangent = forward_sweep(J, {b: 1.0}, on_edge=updates.append)
    assert all(isinstance(update, TangentUpdate) for update in updates)
    assert [(update.child, update.parent) for update in updates] == [(u, b), (v, u), (J, v)]
    assert [update.tangent_after for update in updates] == [2.0, 2.0, 6.0]
    assert tangent[J] == 6.0 and a not in tangent


@pytest.mark.parametrize("call, error, message", [
    (lambda J, a, u: jvp(J, {u: 1.0}), ValueError, "u was made by '*'; forward mode seeds leaves"),
    (lambda J, a, u: jvp(J, {"a": 1.0}), TypeError, "each key of tangents must be a Value"),
    (lambda J, a, u: jvp(J, {a: "1"}), TypeError, "the tangent of a must be a number, got str"),
    (lambda J, a, u: jvp(J, [a]), TypeError, "tangents must be a dict"),
    (lambda J, a, u: jvp(3.0, {a: 1.0}), TypeError, "jvp needs a Value or a non-empty list"),
    (lambda J, a, u: jvp([J, 2.0], {a: 1.0}), TypeError, "output 1 must be a Value, got float"),
])
def test_bad_calls_say_what_is_wrong(call, error, message):
    J, (a, b, c, u, v) = notes_graph()
    with pytest.raises(error, match=re.escape(message)):
        call(J, a, u)


# --- the Jacobian both ways ----------------------------------------------------------------

def test_the_notes_graph_costs_8_multiply_adds_forward_and_5_reverse():
    J, (a, b, c, u, v) = notes_graph()
    forward, reverse = jacobian_forward(J, [a, b, c]), jacobian_reverse(J, [a, b, c])
    assert forward.rows == reverse.rows == [[3.0, 6.0, 9.0]]
    # forward: a→v→J (2), b→u→v→J (3), c→u→v→J (3); reverse: every edge but the one into the 3
    assert (forward.sweeps, forward.multiply_adds) == (3, 8)
    assert (reverse.sweeps, reverse.multiply_adds) == (1, 5)
    assert count_edges(J, [a, b, c]) == (6, 5)


def test_jacobian_reverse_leaves_grads_alone():
    J, (a, b, c, u, v) = notes_graph()
    jacobian_reverse(J, [a, b, c])
    assert all(node.grad == 0.0 for node in topological_order(J))


def test_shared_work_is_paid_once_per_input_forward_and_once_per_output_reverse():
    # y_i = (x_1 · x_2 · x_3) · i: every output depends on every input through the shared product
    xs = [Value(float(i + 2), f"x{i + 1}") for i in range(3)]
    product = xs[0] * xs[1] * xs[2]
    outputs = [product * (i + 1) for i in range(4)]
    every, on_paths = count_edges(outputs, xs)
    assert (every, on_paths) == (4 + 8, 4 + 4)
    forward, reverse = jacobian_forward(outputs, xs), jacobian_reverse(outputs, xs)
    # forward: x_1 and x_2 pass through both products (2 edges), x_3 through the second (1),
    # then 4 edges up to the outputs; reverse: 4 edges of the shared product per output
    assert forward.multiply_adds == (2 + 4) + (2 + 4) + (1 + 4)
    assert reverse.multiply_adds == 4 * (4 + 1)
    assert forward.rows == reverse.rows


@pytest.mark.parametrize("make, error, message", [
    (lambda J, a, u: jacobian_forward(J, [a, u]), ValueError, "forward mode seeds leaves"),
    (lambda J, a, u: jacobian_reverse(J, [a, a]), ValueError, "an input appears twice"),
    (lambda J, a, u: jacobian_reverse(J, []), TypeError, "needs a non-empty list of input Values"),
    (lambda J, a, u: jacobian_forward(J, [a, 1.0]), TypeError, "input 1 must be a Value"),
])
def test_jacobian_bad_inputs(make, error, message):
    J, (a, b, c, u, v) = notes_graph()
    with pytest.raises(error, match=re.escape(message)):
        make(J, a, u)


def test_the_random_graphs_use_every_row_of_the_table():
    from autograd import OPS
    assert set(OPS) <= {str(row) for row in ROWS}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_specs())
def test_forward_and_reverse_jacobians_are_equal_on_random_graphs(spec):
    leaves, outputs = build(spec)
    forward, reverse = jacobian_forward(outputs, leaves), jacobian_reverse(outputs, leaves)
    assert (forward.sweeps, reverse.sweeps) == (len(leaves), len(outputs))
    for forward_row, reverse_row in zip(forward.rows, reverse.rows):
        assert all(close(f, r) for f, r in zip(forward_row, reverse_row)), (forward_row, reverse_row)
    # each sweep follows each edge on a path from its input (or to its output) once
    _, on_paths = count_edges(outputs, leaves)
    assert forward.multiply_adds <= len(leaves) * on_paths
    assert reverse.multiply_adds <= len(outputs) * on_paths
    # reverse mode's row is exactly what backward() leaves in the leaves' .grad
    for out, row in zip(outputs, reverse.rows):
        for leaf in leaves:
            leaf.grad = 0.0
        out.backward()
        assert [leaf.grad for leaf in leaves] == row


def test_record_forward_keeps_every_step_and_the_tangents_at_each():
    J, (a, b, c, u, v) = notes_graph()
    rec = record_forward(J, {b: 1.0, c: 2.0})
    assert rec.n_steps == 4 and rec.seeds == {b: 1.0, c: 2.0}     # b→u, c→u, u→v, v→J
    assert rec.tangents_at(0) == {b: 1.0, c: 2.0}
    assert rec.tangents_at(2)[u] == 2.0 + 3.0 * 2.0
    assert rec.tangents_at(rec.n_steps) == rec.tangents
    assert rec.tangents[J] == jvp(J, {b: 1.0, c: 2.0})
    with pytest.raises(ValueError, match="step must be an int from 0 to 4, got 5"):
        rec.tangents_at(5)
