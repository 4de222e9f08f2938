"""The stepper: its sentences, its moves, and that it replays exactly one backward() from zero."""

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings

from autograd import OPS, Value, record, topological_order
from autograd.views.stepper import Stepper, sentence
from autograd.views.text import Message
from autograd.views.text import node_names
from notes_example import notes_graph
from random_graphs import BUILDERS, build, graph_specs, same

# The notes' order: the upstream gradient first, dJ/da = dJ/dv · ∂v/∂a.  The
# constant 3 in 3·v is written into J's expression and is not a step.
# Each sentence names its gate's pattern: mul swaps, add distributes.
DISTRIBUTES = "  (the + gate distributes: each input gets the upstream gradient unchanged)"
J_SENTENCES = [
    "dJ/dv += dJ/dJ · ∂J/∂v = 1 × 3 = 3  ->  v.grad = 3  "
    "(the · gate swaps: v gets the other input, 3, times the upstream gradient)",
    "dJ/da += dJ/dv · ∂v/∂a = 3 × 1 = 3  ->  a.grad = 3" + DISTRIBUTES,
    "dJ/du += dJ/dv · ∂v/∂u = 3 × 1 = 3  ->  u.grad = 3" + DISTRIBUTES,
    "dJ/db += dJ/du · ∂u/∂b = 3 × 2 = 6  ->  b.grad = 6  "
    "(the · gate swaps: b gets the other input, c = 2, times the upstream gradient)",
    "dJ/dc += dJ/du · ∂u/∂c = 3 × 3 = 9  ->  c.grad = 9  "
    "(the · gate swaps: c gets the other input, b = 3, times the upstream gradient)",
]


GATHERS = ("  (the + gate distributes: each input gets the upstream gradient unchanged; "
           "{} gathers: its gradients add at the fork)")


# --- sentences ---------------------------------------------------------------------

def test_notes_graph_sentences_exactly():
    J, _ = notes_graph()
    assert Stepper(J).sentences() == J_SENTENCES


def test_next_returns_each_sentence_in_turn():
    J, _ = notes_graph()
    s = Stepper(J)
    assert [s.next() for _ in J_SENTENCES] == J_SENTENCES


def test_sentence_function_reads_a_record():
    J, _ = notes_graph()
    rec = record(J)
    assert sentence(rec.steps[1], node_names(rec.order), "J") == J_SENTENCES[1]


def test_unlabelled_nodes_are_named_by_what_they_compute_or_by_position():
    x = Value(0.5, "x")
    y = x.tanh() * 2
    assert list(node_names(topological_order(y)).values()) == ["x", "tanh(x)", "2", "tanh(x)·2"]
    s = Stepper(y)
    assert s.root_name == "tanh(x)·2"
    assert s.sentences() == [
        "d(tanh(x)·2)/dtanh(x) += d(tanh(x)·2)/d(tanh(x)·2) · ∂(tanh(x)·2)/∂tanh(x) "
        "= 1 × 2 = 2  ->  tanh(x).grad = 2  "
        "(the · gate swaps: tanh(x) gets the other input, 2, times the upstream gradient)",
        "d(tanh(x)·2)/dx += d(tanh(x)·2)/dtanh(x) · ∂tanh(x)/∂x = 2 × 0.786447… = "
        "1.57289…  ->  x.grad = 1.57289…",
    ]
    # An unlabelled input is n<K>, and so is anything computed from it.
    z = Value(0.5)
    assert list(node_names(topological_order(z.tanh() * 2)).values()) == ["n0", "n1", "2", "n3"]


def test_the_first_mention_of_an_n_name_explains_it():
    x = Value(0.5)
    y = (x.tanh() * 2).named("y")
    s = Stepper(y)
    assert repr(s.next()) == ("step 1 of 2: " + s.sentences()[0] + "\n  (n1 = tanh(n0): "
                              "unlabelled, named by its position 1 in the topological order)")
    assert repr(s.next()).endswith(
        "\n  (n0 = an input: unlabelled, named by its position 0 in the topological order)")


# --- moving ----------------------------------------------------------------------------

def test_start_is_the_start_of_one_pass_from_zero():
    J, (a, b, c, u, v) = notes_graph()
    s = Stepper(J)
    assert (s.position, s.total, s.current) == (0, 5, None)
    assert J.grad == 1.0
    assert [node.grad for node in (a, b, c, u, v)] == [0.0] * 5


def test_forward_back_and_where():
    J, (a, b, c, u, v) = notes_graph()
    s = Stepper(J)
    assert s.where() == "at the start, 0 of 5 steps"
    s.next()
    s.next()
    assert s.where() == "step 2 of 5" and s.position == 2
    assert s.current is s.steps[1] and s.current.parent is a
    assert (v.grad, a.grad, u.grad) == (3.0, 3.0, 0.0)
    message = s.back()
    assert message == "undid step 2 of 5: a.grad is 0 again"
    assert a.grad == 0.0 and s.where() == "step 1 of 5"
    assert s.run() == "done: 5 of 5 steps" and s.where() == "done: 5 of 5 steps"
    assert (a.grad, b.grad, c.grad, u.grad, v.grad) == (3.0, 6.0, 9.0, 3.0, 3.0)
    assert s.current is s.steps[-1]
    assert s.reset() == "at the start, 0 of 5 steps"
    assert (a.grad, b.grad, c.grad, u.grad, v.grad, J.grad) == (0.0, 0.0, 0.0, 0.0, 0.0, 1.0)


def test_stepping_past_either_end_changes_nothing_and_says_so():
    J, _ = notes_graph()
    s = Stepper(J)
    assert s.back() == "already at the start: 0 of 5 steps (call .next() to take the first)"
    assert s.position == 0
    s.run()
    grads = [node.grad for node in topological_order(J)]
    assert s.next() == "already done: 5 of 5 steps (.back() undoes one, .reset() starts over)"
    assert s.position == 5 and [node.grad for node in topological_order(J)] == grads


def test_messages_read_plainly_in_a_repl():
    J, _ = notes_graph()
    s = Stepper(J)
    step = s.next()
    assert isinstance(step, Message) and isinstance(step, str)
    assert str(step) == J_SENTENCES[0]
    assert repr(step) == "step 1 of 5: " + J_SENTENCES[0]
    s.back()


def test_transcript_marks_the_last_step_applied():
    J, _ = notes_graph()
    s = Stepper(J)
    assert s.transcript() == "\n".join(f"  {i}. {text}" for i, text in enumerate(J_SENTENCES, 1))
    s.next()
    s.next()
    lines = s.transcript().splitlines()
    assert lines[1] == "→ 2. " + J_SENTENCES[1]
    assert [line[0] for line in lines] == [" ", "→", " ", " ", " "]
    assert repr(s.transcript()) == str(s.transcript())


def test_transcript_explains_each_n_name_once():
    x = Value(0.5, "x")
    s = Stepper(((x * x).tanh().exp() + 1).named("y"))
    notes = [line for line in s.transcript().splitlines() if line.startswith("(")]
    assert notes == ["(n3 = exp(tanh(x·x)): unlabelled, named by its position 3 in the "
                     "topological order)"]


def test_repr_says_where_it_is_and_the_last_step():
    J, _ = notes_graph()
    s = Stepper(J)
    assert repr(s) == ("Stepper(J): at the start, 0 of 5 steps; J.grad = 1 "
                       "(dJ/dJ = 1, where the chain rule starts)")
    s.next()
    s.next()
    assert repr(s) == "Stepper(J): step 2 of 5\n  last step: " + J_SENTENCES[1]


def test_a_leaf_root_has_no_steps():
    x = Value(2.0, "x")
    x.grad = 5.0
    s = Stepper(x)
    assert (s.total, x.grad) == (0, 1.0)      # d x/dx = 1: one pass from zero
    assert s.where() == "done: 0 of 0 steps"
    assert s.next().startswith("already done") and s.back().startswith("already at the start")
    assert repr(s) == ("Stepper(x): done: 0 of 0 steps; x is a leaf, "
                       "so there is no edge to step along")


# --- the classic traps -------------------------------------------------------------

def test_a_times_a_accumulates_over_both_edges():
    a = Value(3.0, "a")
    s = Stepper((a * a).named("y"))
    assert s.sentences() == [
        "dy/da += dy/dy · ∂y/∂a = 1 × 3 = 3  ->  a.grad = 3  "
        "(the · gate swaps: a gets the other input, a = 3, times the upstream gradient)",
        "dy/da += dy/dy · ∂y/∂a = 1 × 3 = 3  ->  a.grad = 3 + 3 = 6  "
        "(the · gate swaps: a gets the other input, a = 3, times the upstream gradient; "
        "a gathers: its gradients add at the fork)",
    ]
    s.next()
    assert a.grad == 3.0
    s.next()
    assert a.grad == 6.0


def test_b_is_a_plus_a_and_c_is_b_plus_b():
    a = Value(3.0, "a")
    b = (a + a).named("b")
    c = (b + b).named("c")
    s = Stepper(c)
    assert s.sentences() == [
        "dc/db += dc/dc · ∂c/∂b = 1 × 1 = 1  ->  b.grad = 1" + DISTRIBUTES,
        "dc/db += dc/dc · ∂c/∂b = 1 × 1 = 1  ->  b.grad = 1 + 1 = 2" + GATHERS.format("b"),
        "dc/da += dc/db · ∂b/∂a = 2 × 1 = 2  ->  a.grad = 2" + DISTRIBUTES,
        "dc/da += dc/db · ∂b/∂a = 2 × 1 = 2  ->  a.grad = 2 + 2 = 4" + GATHERS.format("a"),
    ]
    s.run()
    assert (a.grad, b.grad) == (4.0, 2.0)


def test_diamond():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    x = (a + b).named("x")
    y = (x * a).named("y")      # dy/da = 2a + b = 9 along two paths
    s = Stepper(y)
    assert s.sentences() == [
        "dy/dx += dy/dy · ∂y/∂x = 1 × 2 = 2  ->  x.grad = 2  "
        "(the · gate swaps: x gets the other input, a = 2, times the upstream gradient)",
        "dy/da += dy/dy · ∂y/∂a = 1 × 7 = 7  ->  a.grad = 7  "
        "(the · gate swaps: a gets the other input, x = 7, times the upstream gradient)",
        "dy/da += dy/dx · ∂x/∂a = 2 × 1 = 2  ->  a.grad = 7 + 2 = 9" + GATHERS.format("a"),
        "dy/db += dy/dx · ∂x/∂b = 2 × 1 = 2  ->  b.grad = 2" + DISTRIBUTES,
    ]
    s.run()
    assert (a.grad, b.grad, x.grad) == (9.0, 2.0, 2.0)


@pytest.mark.parametrize("expression, clauses", [
    (lambda a, b: a.max(b), ["(the max gate routes: it chose the other input, so a gets 0)",
                             "(the max gate routes: it chose b, which gets the upstream gradient; "
                             "the other input gets 0)"]),
    (lambda a, b: a.min(b), ["(the min gate routes: it chose a, which gets the upstream gradient; "
                             "the other input gets 0)",
                             "(the min gate routes: it chose the other input, so b gets 0)"]),
    (lambda a, b: a.max(a), ["(the max gate routes: a tie, so each input gets 0.5 of the upstream "
                             "gradient)",
                             "(the max gate routes: a tie, so each input gets 0.5 of the upstream "
                             "gradient; a gathers: its gradients add at the fork)"]),
    (lambda a, b: a - b, ["", ""]),          # no pattern: the row has no gate, and no fork
])
def test_max_and_min_route_and_the_clause_comes_from_the_row(expression, clauses):
    a, b = Value(2.0, "a"), Value(5.0, "b")
    s = Stepper(expression(a, b).named("y"))
    assert [text.partition("  (")[2] and "(" + text.partition("  (")[2]
            for text in s.sentences()] == clauses


def test_earlier_backward_calls_do_not_show_doubled_gradients():
    J, (a, b, c, u, v) = notes_graph()
    J.backward()
    J.backward()                       # a.grad = 6: leaves accumulate
    s = Stepper(J)
    assert (a.grad, u.grad) == (0.0, 0.0)     # the stepper starts one pass from zero
    assert s.sentences() == J_SENTENCES
    s.run()
    assert (a.grad, b.grad, c.grad, u.grad) == (3.0, 6.0, 9.0, 3.0)


# --- random graphs: the stepper replays exactly one backward() from zero ------------------

def test_the_random_graphs_cover_every_row_of_the_table():
    built = set()
    for arity, make in BUILDERS.values():
        xs = [Value(0.5), Value(1.5), Value(2.0)]
        node = make(xs) if arity is None else make(*xs[:arity])
        built.add(str(node.op))
    assert set(OPS) <= built


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(graph_specs())
def test_stepper_replays_exactly_one_backward_from_zero(spec):
    try:
        root, twin = build(spec), build(spec)
    except (ValueError, ZeroDivisionError, OverflowError):
        assume(False)      # log of a negative, 1/0, e^huge: no graph to step through
    order, twin_order = topological_order(root), topological_order(twin)
    for _ in range(spec[2]):
        root.backward()

    s = Stepper(root)
    edges_into_constants = sum(1 for node in order for parent in node.parents
                               if parent.role == "constant")
    assert s.total == sum(len(node.parents) for node in order) - edges_into_constants
    start = [node.grad for node in order]
    assert all(grad == (1.0 if node is root else 0.0) for node, grad in zip(order, start))

    s.run()
    twin.backward()
    assert all(same(node.grad, twin_node.grad) for node, twin_node in zip(order, twin_order)
               if node.role != "constant")
    assert len(s.sentences()) == s.total

    while s.position:
        s.back()
    assert all(same(now, then) for now, then in zip([node.grad for node in order], start))
    for _ in range(s.total // 2):
        s.next()
    s.reset()
    assert all(same(now, then) for now, then in zip([node.grad for node in order], start))


@pytest.mark.parametrize("root, message", [
    ([Value(1.0)], "Stepper needs one Value (the output to differentiate), got a list of 1 Value; "
                   "pick it: out[0]"),
    ((Value(1.0), Value(2.0)), "got a tuple of 2 Values; pick one: out[0]"),
    (3.0, "Stepper needs a Value (the output to differentiate), got float 3.0"),
    ([], "got list []"),
])
def test_the_root_must_be_one_value(root, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        Stepper(root)


def test_a_networks_output_can_be_stepped_through():
    from nn import MLP
    net = MLP(2, [3, 1], activation="tanh")
    out = net([1.0, 2.0])[0]
    twin = MLP(2, [3, 1], activation="tanh")([1.0, 2.0])[0]
    s = Stepper(out)
    assert s.root_name == "z[2]_1"            # a linear output neuron's output is its z node
    assert s.sentences()[0].startswith("dz[2]_1/dw[2]_1,1 += dz[2]_1/dz[2]_1 · ∂z[2]_1/∂w[2]_1,1 = ")
    s.run()
    twin.backward()
    assert [n.grad for n in topological_order(out)] == [n.grad for n in topological_order(twin)]


def test_draw_is_the_picture_of_the_record_at_this_step():
    import graphviz
    from autograd.views.draw import to_digraph
    J, _ = notes_graph()
    s = Stepper(J)
    assert "not computed yet" in s.draw().source
    assert "call backward()" not in s.draw().source
    for _ in range(3):
        s.next()
    drawn = s.draw(title=s.where())
    assert isinstance(drawn, graphviz.Digraph)
    assert drawn.source == to_digraph(J, step=3, title="step 3 of 5").source
    assert drawn.source != to_digraph(J, title="step 3 of 5").source
