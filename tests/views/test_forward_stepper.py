"""The forward stepper: its sentences, moving both ways, and its final tangents equal to jvp."""

import pytest
from hypothesis import HealthCheck, given, settings

from autograd import Value
from autograd.forward import joint_order, jvp
from autograd.views.forward_stepper import ForwardStepper, tangent_sentence
from notes_example import notes_graph
from table_graphs import build, graph_specs


def test_stepper_sentences_on_the_notes_graph():
    J, (a, b, c, u, v) = notes_graph()
    s = ForwardStepper(J, {c: 1.0})
    assert s.sentences() == [
        "tangent of u += ∂u/∂c · tangent of c = 3 × 1 = 3  ->  tangent of u = 3",
        "tangent of v += ∂v/∂u · tangent of u = 1 × 3 = 3  ->  tangent of v = 3",
        "tangent of J += ∂J/∂v · tangent of v = 3 × 3 = 9  ->  tangent of J = 9",
    ]
    assert repr(s).startswith("ForwardStepper(J; tangent of c = 1): at the start, 0 of 3 steps")


def test_stepper_moves_both_ways_and_says_where_it_is():
    J, (a, b, c, u, v) = notes_graph()
    s = ForwardStepper(J, {a: 1.0, b: 1.0})
    assert s.where() == "at the start, 0 of 4 steps"   # a→v, b→u, u→v, v→J
    assert s.back().startswith("already at the start")
    assert s.tangent(u) == 0.0
    first = s.next()
    assert first.shown.startswith("step 1 of 4: tangent of u += ∂u/∂b")
    assert s.tangent(u) == 2.0 and s.where() == "step 1 of 4"
    assert s.run() == "done: 4 of 4 steps"
    assert s.next().startswith("already done")
    assert s.tangent(J) == 9.0
    assert s.back() == "undid step 4 of 4: tangent of J is 0 again"
    assert s.reset() == "at the start, 0 of 4 steps"
    assert s.tangents == {a: 1.0, b: 1.0}
    assert "→ 1." not in s.transcript()
    s.next()
    assert s.transcript().splitlines()[0].startswith("→ 1. tangent of u")


def test_stepper_names_nodes_as_every_view_does():
    x = Value(3.0, "x")
    y = ((x * 2).tanh().exp() * x).named("y")
    s = ForwardStepper(y, x)
    assert s.next().shown.startswith("step 1 of 5: tangent of (x·2) += ∂(x·2)/∂x · tangent of x")
    s.next()
    shown = s.next().shown
    # exp(tanh(x·2)) is too long a name: it is n<K>, said once, where the pass first meets it
    assert "tangent of n4 += ∂n4/∂tanh(x·2)" in shown
    assert "(n4 = exp(tanh(x·2)): unlabelled, named by its position 4" in shown
    assert "(n4 = exp(tanh(x·2))" not in s.next().shown
    assert s.transcript().splitlines()[-1].startswith("(n4 = exp(tanh(x·2))")


def test_stepper_with_no_edge_to_step():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    s = ForwardStepper((b * 2).named("y"), a)
    assert s.total == 0 and "no edge leads from a seeded input to an output" in repr(s)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_specs())
def test_the_stepper_ends_at_the_tangents_jvp_gives(spec):
    leaves, outputs = build(spec)
    seeds = {leaf: float(i + 1) for i, leaf in enumerate(leaves)}
    s = ForwardStepper(outputs, seeds)
    s.run()
    assert [s.tangent(out) for out in outputs] == jvp(outputs, seeds)
    order = joint_order(outputs)
    final = {node: s.tangent(node) for node in order}
    s.reset()
    assert s.tangents == seeds
    for _ in range(s.total):
        s.next()
    assert {node: s.tangent(node) for node in order} == final
