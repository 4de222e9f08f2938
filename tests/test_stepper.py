"""The stepper: its sentences, its moves, and that it replays exactly what backward() does."""

import math
import re
import sys
import types

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import OPS, Value, maximum, sum_values, sweep, topological_order, weighted_sum
from autograd.stepper import Message, Stepper, format_number, node_names, sentence
from notes_example import notes_graph



# The constant 3 in 3·v has no label: it is n0, the first node in topological order.
J_SENTENCES = [
    "dJ/dn0 += ∂J/∂n0 · dJ/dJ = 11.0 × 1.0 = 11.0  ->  n0.grad = 11.0",
    "dJ/dv += ∂J/∂v · dJ/dJ = 3.0 × 1.0 = 3.0  ->  v.grad = 3.0",
    "dJ/da += ∂v/∂a · dJ/dv = 1.0 × 3.0 = 3.0  ->  a.grad = 3.0",
    "dJ/du += ∂v/∂u · dJ/dv = 1.0 × 3.0 = 3.0  ->  u.grad = 3.0",
    "dJ/db += ∂u/∂b · dJ/du = 2.0 × 3.0 = 6.0  ->  b.grad = 6.0",
    "dJ/dc += ∂u/∂c · dJ/du = 3.0 × 3.0 = 9.0  ->  c.grad = 9.0",
]


# --- sentences ---------------------------------------------------------------------

def test_notes_graph_sentences_exactly():
    J, _ = notes_graph()
    assert Stepper(J).sentences() == J_SENTENCES


def test_next_returns_each_sentence_in_turn():
    J, _ = notes_graph()
    s = Stepper(J)
    assert [s.next() for _ in J_SENTENCES] == J_SENTENCES


def test_sentence_function_with_root_name_and_without_names():
    J, (a, *_) = notes_graph()
    updates = []
    sweep(J, on_edge=updates.append)
    # Without names, labelled nodes keep their labels and the unlabelled constant says what it is.
    assert sentence(updates[2], root_name="J") == J_SENTENCES[2]
    assert sentence(updates[0], root_name="J") == (
        "dJ/d(constant 3.0) += ∂J/∂(constant 3.0) · dJ/dJ = 11.0 × 1.0 = 11.0"
        "  ->  (constant 3.0).grad = 11.0")
    assert sentence(updates[2]) == (
        "d(root)/da += ∂v/∂a · d(root)/dv = 1.0 × 3.0 = 3.0  ->  a.grad = 3.0")
    assert sentence(updates[2], root_name="J", names=node_names(J)) == J_SENTENCES[2]


def test_unlabelled_nodes_are_named_by_topological_position():
    x = Value(0.5)
    y = x.tanh() * 2
    names = node_names(y)
    assert list(names.values()) == ["n0", "n1", "n2", "n3"]
    assert [node for node in names] == topological_order(y)
    s = Stepper(y)
    assert s.root_name == "n3"
    assert s.sentences() == [
        "dn3/dn1 += ∂n3/∂n1 · dn3/dn3 = 2.0 × 1.0 = 2.0  ->  n1.grad = 2.0",
        f"dn3/dn2 += ∂n3/∂n2 · dn3/dn3 = {format_number(math.tanh(0.5))} × 1.0 = "
        f"{format_number(math.tanh(0.5))}  ->  n2.grad = {format_number(math.tanh(0.5))}",
        f"dn3/dn0 += ∂n1/∂n0 · dn3/dn1 = {format_number(1 - math.tanh(0.5) ** 2)} × 2.0 = "
        f"{format_number(2 * (1 - math.tanh(0.5) ** 2))}  ->  n0.grad = "
        f"{format_number(2 * (1 - math.tanh(0.5) ** 2))}",
    ]


@pytest.mark.parametrize("number, text", [
    (3.0, "3.0"), (-2.0, "-2.0"), (0.0, "0.0"), (-0.0, "-0.0"), (1 / 3, "0.333333"),
    (123456789.0, "1.23457e+08"), (1e-9, "1e-09"), (math.inf, "inf"), (-math.inf, "-inf"),
    (math.nan, "nan"), (100000.0, "100000.0"),
])
def test_format_number(number, text):
    assert format_number(number) == text


# --- moving ----------------------------------------------------------------------------

def test_start_is_the_seeded_pass():
    J, (a, b, c, u, v) = notes_graph()
    s = Stepper(J)
    assert (s.position, s.total, s.current) == (0, 6, None)
    assert J.grad == 1.0
    assert [node.grad for node in (a, b, c, u, v)] == [0.0] * 5


def test_forward_back_and_where():
    J, (a, b, c, u, v) = notes_graph()
    s = Stepper(J)
    assert s.where() == "at the start, 0 of 6 steps"
    s.next()
    s.next()
    assert s.where() == "step 2 of 6" and s.position == 2
    assert s.current is s.steps[1] and s.current.parent is v
    assert v.grad == 3.0 and u.grad == 0.0
    message = s.back()
    assert message == "undid step 2 of 6: v.grad is 0.0 again"
    assert v.grad == 0.0 and s.where() == "step 1 of 6"
    assert s.run() == "done: 6 of 6 steps" and s.where() == "done: 6 of 6 steps"
    assert (a.grad, b.grad, c.grad, u.grad, v.grad) == (3.0, 6.0, 9.0, 3.0, 3.0)
    assert s.current is s.steps[-1]
    assert s.reset() == "at the start, 0 of 6 steps"
    assert (a.grad, b.grad, c.grad, u.grad, v.grad, J.grad) == (0.0, 0.0, 0.0, 0.0, 0.0, 1.0)


def test_stepping_past_either_end_changes_nothing_and_says_so():
    J, (a, *_) = notes_graph()
    s = Stepper(J)
    assert s.back() == "already at the start: 0 of 6 steps (call .next() to take the first)"
    assert s.position == 0
    s.run()
    grads = [node.grad for node in topological_order(J)]
    assert s.next() == "already done: 6 of 6 steps (.back() undoes one, .reset() starts over)"
    assert s.next().startswith("already done")
    assert s.position == 6 and [node.grad for node in topological_order(J)] == grads


def test_messages_read_plainly_in_a_repl():
    J, _ = notes_graph()
    s = Stepper(J)
    step = s.next()
    assert isinstance(step, Message) and isinstance(step, str)
    assert str(step) == J_SENTENCES[0]
    # What the prompt echoes: no quotes, and what the unlabelled n0 is.
    assert repr(step) == "step 1 of 6: " + J_SENTENCES[0] + "\n  (n0 is the constant 3.0)"
    assert repr(s.next()) == "step 2 of 6: " + J_SENTENCES[1]
    s.back()
    assert repr(s.back()) == "undid step 1 of 6: n0.grad is 0.0 again"


def test_glosses_name_unlabelled_inputs_and_results():
    x = Value(0.5)
    y = (x.tanh() * 2).named("y")
    s = Stepper(y)
    assert repr(s.next()).endswith("\n  (n1 is a (tanh) node, data 0.462117)")
    assert repr(s.next()).endswith("\n  (n2 is the constant 2.0)")
    assert repr(s.next()).endswith("\n  (n1 is a (tanh) node, data 0.462117; n0 is the input 0.5)")
    assert repr(s) == ("Stepper(y): done: 3 of 3 steps\n  last step: " + s.sentences()[-1]
                       + "\n  (n1 is a (tanh) node, data 0.462117; n0 is the input 0.5)")


def test_transcript_marks_the_last_step_applied():
    J, _ = notes_graph()
    s = Stepper(J)
    assert s.transcript() == "\n".join("  " + f"{i}. {text}" for i, text in enumerate(J_SENTENCES, 1))
    s.next()
    s.next()
    lines = s.transcript().splitlines()
    assert lines[1] == "→ 2. " + J_SENTENCES[1]
    assert [line[0] for line in lines] == [" ", "→", " ", " ", " ", " "]
    assert repr(s.transcript()) == str(s.transcript())


def test_repr_says_where_it_is_and_the_last_step():
    J, _ = notes_graph()
    s = Stepper(J)
    assert repr(s) == ("Stepper(J): at the start, 0 of 6 steps; J.grad = 1.0 "
                       "(dJ/dJ = 1, where the chain rule starts)")
    s.next()
    s.next()
    assert repr(s) == "Stepper(J): step 2 of 6\n  last step: " + J_SENTENCES[1]
    s.run()
    assert repr(s) == "Stepper(J): done: 6 of 6 steps\n  last step: " + J_SENTENCES[-1]


def test_a_leaf_root_has_no_steps():
    x = Value(2.0, "x")
    s = Stepper(x)
    assert (s.total, x.grad) == (0, 1.0)      # the seed d x/dx = 1, as backward() gives
    assert s.where() == "done: 0 of 0 steps"
    assert s.next().startswith("already done") and s.back().startswith("already at the start")
    assert repr(s) == ("Stepper(x): done: 0 of 0 steps; x is a leaf, "
                       "so there is no edge to step along")


# --- the classic traps -------------------------------------------------------------

def test_a_times_a_accumulates_over_both_edges():
    a = Value(3.0, "a")
    y = (a * a).named("y")
    s = Stepper(y)
    assert s.sentences() == [
        "dy/da += ∂y/∂a · dy/dy = 3.0 × 1.0 = 3.0  ->  a.grad = 3.0",
        "dy/da += ∂y/∂a · dy/dy = 3.0 × 1.0 = 3.0  ->  a.grad = 3.0 + 3.0 = 6.0",
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
        "dc/db += ∂c/∂b · dc/dc = 1.0 × 1.0 = 1.0  ->  b.grad = 1.0",
        "dc/db += ∂c/∂b · dc/dc = 1.0 × 1.0 = 1.0  ->  b.grad = 1.0 + 1.0 = 2.0",
        "dc/da += ∂b/∂a · dc/db = 1.0 × 2.0 = 2.0  ->  a.grad = 2.0",
        "dc/da += ∂b/∂a · dc/db = 1.0 × 2.0 = 2.0  ->  a.grad = 2.0 + 2.0 = 4.0",
    ]
    s.run()
    assert (a.grad, b.grad) == (4.0, 2.0)


def test_diamond():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    x = (a + b).named("x")
    y = (x * a).named("y")      # dy/da = 2a + b = 9 along two paths
    s = Stepper(y)
    assert s.sentences() == [
        "dy/dx += ∂y/∂x · dy/dy = 2.0 × 1.0 = 2.0  ->  x.grad = 2.0",
        "dy/da += ∂y/∂a · dy/dy = 7.0 × 1.0 = 7.0  ->  a.grad = 7.0",
        "dy/da += ∂x/∂a · dy/dx = 1.0 × 2.0 = 2.0  ->  a.grad = 7.0 + 2.0 = 9.0",
        "dy/db += ∂x/∂b · dy/dx = 1.0 × 2.0 = 2.0  ->  b.grad = 2.0",
    ]
    s.run()
    assert (a.grad, b.grad, x.grad) == (9.0, 2.0, 2.0)


def test_leaves_accumulate_across_passes_as_with_backward():
    J, (a, b, c, u, v) = notes_graph()
    J.backward()                       # a.grad = 3 already; a second pass adds 3 more
    s = Stepper(J)
    assert (a.grad, u.grad) == (3.0, 0.0)     # leaves keep theirs, intermediates start from 0
    assert s.sentences()[2] == "dJ/da += ∂v/∂a · dJ/dv = 1.0 × 3.0 = 3.0  ->  a.grad = 3.0 + 3.0 = 6.0"
    s.run()
    assert (a.grad, b.grad, c.grad, u.grad) == (6.0, 12.0, 18.0, 3.0)


def test_draw_highlights_the_current_step(monkeypatch):
    calls = []
    fake = types.ModuleType("autograd.draw")
    fake.to_digraph = lambda root, **kw: calls.append((root, kw)) or "a digraph"
    monkeypatch.setitem(sys.modules, "autograd.draw", fake)
    monkeypatch.setattr(autograd, "draw", fake, raising=False)
    J, _ = notes_graph()
    s = Stepper(J)
    assert s.draw() == "a digraph"
    s.next()
    s.draw(view="scalar", title="step 1")
    assert calls == [(J, {"highlight": None, "grads_known": False}),
                     (J, {"highlight": s.steps[0], "grads_known": True, "view": "scalar",
                          "title": "step 1"})]


# --- random graphs: the stepper replays exactly what backward() does --------------------

def _pow(x, y):
    return x ** y


# Every row of the table, as a way to build a node from existing nodes.  A
# number operand (3 * x, x ** 2, x + 0.5) becomes a constant leaf or part of the op.
UNARY = {
    "neg": lambda x: -x,
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "leaky_relu": lambda x: x.leaky_relu(0.1),
    "**2": lambda x: x ** 2,
    "**-1": lambda x: x ** -1,
    "3*x": lambda x: 3 * x,
    "x+0.5": lambda x: x + 0.5,
}
BINARY = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y,
          "/": lambda x, y: x / y, "**": _pow}
NARY = {
    "sum": lambda xs: sum_values(xs),
    "max": lambda xs: maximum(xs),
    "Σw·a+b": lambda xs: weighted_sum(xs[:len(xs) // 2], xs[len(xs) // 2:2 * (len(xs) // 2)], xs[-1]),
}
BUILDERS = {**{k: (1, f) for k, f in UNARY.items()}, **{k: (2, f) for k, f in BINARY.items()},
            **{k: (None, f) for k, f in NARY.items()}}


def test_the_random_graphs_cover_every_row_of_the_table():
    built = set()
    for arity, build in BUILDERS.values():
        xs = [Value(0.5), Value(1.5), Value(2.0)]
        node = build(xs) if arity is None else build(*xs[:arity])
        built.add(str(node.op))
    assert set(OPS) <= built


@st.composite
def graph_specs(draw):
    """Leaf values, then a list of (op, operand picks): operands are picked among all nodes so far."""
    leaves = draw(st.lists(st.floats(-2.5, 2.5, allow_nan=False), min_size=1, max_size=4))
    steps = draw(st.lists(
        st.tuples(st.sampled_from(sorted(BUILDERS)),
                  st.lists(st.integers(0, 1000), min_size=3, max_size=5)),
        min_size=1, max_size=10))
    backward_first = draw(st.booleans())
    return leaves, steps, backward_first


def build(spec):
    """Build the graph of a spec; picks favour recent nodes, so subexpressions get shared."""
    leaves, steps, _ = spec
    nodes = [Value(x, f"x{i}") for i, x in enumerate(leaves)]
    for op, picks in steps:
        arity, make = BUILDERS[op]
        operands = [nodes[-1 - pick % len(nodes)] for pick in picks[:arity or len(picks)]]
        nodes.append(make(operands) if arity is None else make(*operands))
    return nodes[-1]


def same(x, y):
    """Equal floats, counting nan as equal to nan (x ** y with x < 0 has a nan derivative)."""
    return x == y or (math.isnan(x) and math.isnan(y))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(graph_specs())
def test_stepper_replays_exactly_what_backward_does(spec):
    try:
        root, twin = build(spec), build(spec)
    except (ValueError, ZeroDivisionError, OverflowError):
        assume(False)      # log of a negative, 1/0, e^huge: no graph to step through
    order, twin_order = topological_order(root), topological_order(twin)
    if spec[2]:
        # Leaves keep a gradient from an earlier pass and accumulate.
        root.backward()
        twin.backward()
    before = [node.grad for node in order]

    s = Stepper(root)
    assert s.total == sum(len(node.parents) for node in order)
    start = [node.grad for node in order]
    for node, grad_before, grad_at_start in zip(order, before, start):
        if node is root:
            expected = 1.0 if node.parents else grad_before + 1.0
        else:
            expected = 0.0 if node.parents else grad_before
        assert same(grad_at_start, expected)

    s.run()
    twin.backward()
    assert all(same(node.grad, twin_node.grad) for node, twin_node in zip(order, twin_order))
    assert len(s.sentences()) == s.total

    while s.position:
        s.back()
    assert all(same(now, then) for now, then in zip([node.grad for node in order], start))
    # Forward again half way, then reset(): the start again, exactly.
    for _ in range(s.total // 2):
        s.next()
    s.reset()
    assert all(same(now, then) for now, then in zip([node.grad for node in order], start))


def test_an_unlabelled_child_is_described_only_at_its_first_edge():
    x, w = Value(0.5, "x"), Value(-1.5, "w")
    s = Stepper((x * w + 1).tanh())
    assert repr(s.next()).endswith("\n  (n5 is a (tanh) node, data 0.244919; n4 is a (+) node, data 0.25)")
    assert repr(s.next()).endswith("\n  (n4 is a (+) node, data 0.25; n2 is a (*) node, data -0.75)")
    assert repr(s.next()).endswith("\n  (n3 is the constant 1.0)")
    assert repr(s.next()).endswith("\n  (n2 is a (*) node, data -0.75)")
    assert repr(s.next()) == "step 5 of 5: " + s.sentences()[4]       # n2's second edge, to w


@pytest.mark.parametrize("root, message", [
    ([Value(1.0)], "Stepper needs one Value (the output to differentiate), got a list of 1 Value; "
                   "pick it: out[0]"),
    ((Value(1.0), Value(2.0)), "got a tuple of 2 Values; pick one, or make a single loss"),
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
    assert s.sentences()[0].startswith("dz[2]_1/dw[2]_1,1 += ∂z[2]_1/∂w[2]_1,1 · dz[2]_1/dz[2]_1 = ")
    s.run()
    twin.backward()
    assert [n.grad for n in topological_order(out)] == [n.grad for n in topological_order(twin)]


def test_draw_with_the_real_drawing_module():
    import graphviz
    from autograd.draw import to_digraph
    J, _ = notes_graph()
    s = Stepper(J)
    for _ in range(3):
        s.next()
    drawn = s.draw(title=s.where())
    assert isinstance(drawn, graphviz.Digraph)
    assert drawn.source == to_digraph(J, highlight=s.steps[2], title="step 3 of 6").source
    assert drawn.source != to_digraph(J, highlight=None, title="step 3 of 6").source
