"""The text tree: exact text for the notes' graph, shared nodes, cutoffs and deep chains."""

import math
import sys

import pytest

from autograd import Value
from autograd.stepper import Stepper, format_number
from autograd.tree import print_tree, text_tree
from notes_example import J_TREE_AFTER_BACKWARD, notes_graph



def test_notes_graph_before_backward():
    J, _ = notes_graph()
    assert text_tree(J) == "\n".join([
        "J = 33.0 (grad not computed yet)  [*]",
        "├─(∂J/∂n0 = 11.0)─ n0 = 3.0 (grad not computed yet)  [constant]",
        "└─(∂J/∂v = 3.0)─ v = 11.0 (grad not computed yet)  [+]",
        "   ├─(∂v/∂a = 1.0)─ a = 5.0 (grad not computed yet)  [input]",
        "   └─(∂v/∂u = 1.0)─ u = 6.0 (grad not computed yet)  [*]",
        "      ├─(∂u/∂b = 2.0)─ b = 3.0 (grad not computed yet)  [input]",
        "      └─(∂u/∂c = 3.0)─ c = 2.0 (grad not computed yet)  [input]",
    ])


def test_notes_graph_after_backward():
    J, _ = notes_graph()
    J.backward()
    assert text_tree(J) == J_TREE_AFTER_BACKWARD


def test_show_grad_overrides():
    J, _ = notes_graph()
    assert text_tree(J, show_grad=False).splitlines()[:2] == [
        "J = 33.0  [*]",
        "├─(∂J/∂n0 = 11.0)─ n0 = 3.0  [constant]",
    ]
    # Forced on before backward(): the grads are the zeros they hold.
    assert text_tree(J, show_grad=True).splitlines()[-1] == \
        "      └─(∂u/∂c = 3.0)─ c = 2.0 (grad 0.0)  [input]"


def test_mid_pass_the_tree_shows_the_grads_so_far():
    J, _ = notes_graph()
    s = Stepper(J)
    s.next()
    s.next()
    s.next()
    lines = text_tree(J).splitlines()
    assert lines[2] == "└─(∂J/∂v = 3.0)─ v = 11.0 (grad 3.0)  [+]"
    assert lines[3] == "   ├─(∂v/∂a = 1.0)─ a = 5.0 (grad 3.0)  [input]"
    assert lines[4] == "   └─(∂v/∂u = 1.0)─ u = 6.0 (grad 0.0)  [*]"


def test_a_times_a_refers_back_to_the_shared_leaf():
    a = Value(3.0, "a")
    y = (a * a).named("y")
    y.backward()
    assert text_tree(y) == "\n".join([
        "y = 9.0 (grad 1.0)  [*]",
        "├─(∂y/∂a = 3.0)─ a = 3.0 (grad 6.0)  [input]",
        "└─(∂y/∂a = 3.0)─ ↑ see a (n0)",
    ])


def test_b_is_a_plus_a_and_c_is_b_plus_b():
    a = Value(3.0, "a")
    b = (a + a).named("b")
    c = (b + b).named("c")
    c.backward()
    assert text_tree(c) == "\n".join([
        "c = 12.0 (grad 1.0)  [+]",
        "├─(∂c/∂b = 1.0)─ b = 6.0 (grad 2.0)  [+]",
        "│  ├─(∂b/∂a = 1.0)─ a = 3.0 (grad 4.0)  [input]",
        "│  └─(∂b/∂a = 1.0)─ ↑ see a (n0)",
        "└─(∂c/∂b = 1.0)─ ↑ see b (n1)",      # b's whole subtree is not repeated
    ])


def test_diamond():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    x = (a + b).named("x")
    y = (x * a).named("y")
    y.backward()
    assert text_tree(y) == "\n".join([
        "y = 14.0 (grad 1.0)  [*]",
        "├─(∂y/∂x = 2.0)─ x = 7.0 (grad 2.0)  [+]",
        "│  ├─(∂x/∂a = 1.0)─ a = 2.0 (grad 9.0)  [input]",
        "│  └─(∂x/∂b = 1.0)─ b = 5.0 (grad 2.0)  [input]",
        "└─(∂y/∂a = 7.0)─ ↑ see a (n0)",
    ])


def test_unlabelled_nodes_use_topological_positions():
    x = Value(0.5)
    w = Value(-2.0)
    y = (x * w).relu() + w
    assert text_tree(y, show_grad=False) == "\n".join([
        "n4 = -2.0  [+]",
        "├─(∂n4/∂n3 = 1.0)─ n3 = 0.0  [relu]",
        "│  └─(∂n3/∂n2 = 0.0)─ n2 = -1.0  [*]",
        "│     ├─(∂n2/∂n0 = -2.0)─ n0 = 0.5  [input]",
        "│     └─(∂n2/∂n1 = 0.5)─ n1 = -2.0  [input]",
        "└─(∂n4/∂n1 = 1.0)─ ↑ see n1",
    ])


def test_parameters_and_nary_ops_show_their_role_and_op():
    from nn import Neuron
    neuron = Neuron(2, activation="tanh", seed=0)
    out = neuron([1.0, -1.0])
    lines = text_tree(out, show_grad=False).splitlines()
    assert lines[0].endswith("[tanh]") and lines[0].startswith("a[1]_1 = ")
    assert lines[1].startswith("└─(∂a[1]_1/∂z[1]_1 = ") and lines[1].endswith("[Σw·a+b]")
    assert sum("[parameter]" in line for line in lines) == 3      # two weights and a bias
    assert sum("[input]" in line for line in lines) == 2          # the two inputs


def test_max_nodes_says_what_it_left_out():
    J, _ = notes_graph()
    assert text_tree(J, show_grad=False, max_nodes=3) == "\n".join([
        "J = 33.0  [*]",
        "├─(∂J/∂n0 = 11.0)─ n0 = 3.0  [constant]",
        "└─(∂J/∂v = 3.0)─ v = 11.0  [+]",
        "(4 of 7 nodes not shown: max_nodes=3; raise it or pass None to see them)",
    ])


def test_max_nodes_reached_with_only_references_left():
    a = Value(3.0, "a")
    y = (a * a).named("y")
    assert text_tree(y, show_grad=False, max_nodes=2).splitlines()[-1] == \
        "(every node is shown; repeated references past max_nodes=2 left out)"


def test_max_depth_says_what_it_left_out():
    J, _ = notes_graph()
    assert text_tree(J, show_grad=False, max_depth=1) == "\n".join([
        "J = 33.0  [*]",
        "├─(∂J/∂n0 = 11.0)─ n0 = 3.0  [constant]",
        "└─(∂J/∂v = 3.0)─ v = 11.0  [+]",
        "   └─ … 2 edges below depth 1 not shown",
        "(4 of 7 nodes not shown: max_depth=1; raise it or pass None to see them)",
    ])
    assert text_tree(J, show_grad=False, max_depth=0).splitlines() == [
        "J = 33.0  [*]",
        "└─ … 2 edges below depth 0 not shown",
        "(6 of 7 nodes not shown: max_depth=0; raise it or pass None to see them)",
    ]


def test_both_limits_are_named_when_both_cut():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    d = (a * b).named("d")
    y = (d.tanh().named("t") + d).named("y")
    assert text_tree(y, show_grad=False, max_depth=1, max_nodes=2) == "\n".join([
        "y = 2.96403  [+]",
        "├─(∂y/∂t = 1.0)─ t = 0.964028  [tanh]",
        "│  └─ … 1 edge below depth 1 not shown",
        "(3 of 5 nodes not shown: max_nodes=2, max_depth=1; raise them or pass None to see them)",
    ])


def test_a_node_cut_by_depth_is_shown_in_full_where_it_is_shallower():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    deep = (a * b).named("d")
    y = (deep.tanh().named("t") + deep).named("y")
    lines = text_tree(y, show_grad=False, max_depth=2).splitlines()
    assert lines[2] == f"│  └─(∂t/∂d = {format_number(1 - math.tanh(2.0) ** 2)})─ d = 2.0  [*]"
    assert lines[3] == "│     └─ … 2 edges below depth 2 not shown"
    # Met again at depth 1, d is expanded there rather than referred to.
    assert lines[4] == "└─(∂y/∂d = 1.0)─ d = 2.0  [*]"
    assert lines[5] == "   ├─(∂d/∂a = 2.0)─ a = 1.0  [input]"
    assert len(lines) == 7


@pytest.mark.parametrize("options, message", [
    ({"max_nodes": 0}, "max_nodes must be at least 1"),
    ({"max_depth": -1}, "max_depth must be 0 or more"),
])
def test_bad_limits_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        text_tree(Value(1.0), **options)


def test_a_list_of_outputs_is_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"text_tree needs one Value .* pick it: out\[0\]"):
        text_tree([Value(1.0)])


def test_a_leaf_alone():
    assert text_tree(Value(2.0, "x")) == "x = 2.0 (grad not computed yet)  [input]"


def test_a_chain_ten_thousand_deep_with_the_default_cutoff():
    x = Value(0.1, "x")
    y = x
    for _ in range(10_000):
        y = -y
    lines = text_tree(y).splitlines()
    assert len(lines) == 101
    assert lines[-1] == "(9901 of 10001 nodes not shown: max_nodes=100; raise it or pass None to see them)"


def test_a_chain_deeper_than_the_recursion_limit_in_full():
    depth = sys.getrecursionlimit() + 500
    x = Value(0.1, "x")
    y = x
    for _ in range(depth):
        y = -y
    y.backward()
    lines = text_tree(y, max_nodes=None).splitlines()
    assert len(lines) == depth + 1
    assert lines[-1] == " " * (3 * (depth - 1)) + f"└─(∂n1/∂x = -1.0)─ x = 0.1 (grad {x.grad})  [input]"


def test_the_tree_reads_as_a_tree_at_the_prompt():
    J, _ = notes_graph()
    tree = text_tree(J)
    assert isinstance(tree, str) and repr(tree) == str(tree)     # no quotes, no \\n


def test_print_tree_prints_the_text(capsys):
    J, _ = notes_graph()
    print_tree(J, max_depth=0)
    assert capsys.readouterr().out == text_tree(J, max_depth=0) + "\n"
