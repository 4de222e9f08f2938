"""The text tree: exact text for the notes' graph, shared nodes, cutoffs and deep chains."""

import math
import sys

import pytest

from autograd import Value
from autograd.views.text import format_number
from autograd.views.tree import print_tree, text_tree
from notes_example import J_TREE_AFTER_BACKWARD, notes_graph



def test_notes_graph_at_the_start_of_the_pass():
    J, _ = notes_graph()
    assert text_tree(J, step=0) == "\n".join([
        "J = 33 (grad 1)  [3·v]",
        "└─(∂J/∂v = 3)─ v = 11 (grad not computed yet)  [a + u]",
        "   ├─(∂v/∂a = 1)─ a = 5 (grad not computed yet)  [input]",
        "   └─(∂v/∂u = 1)─ u = 6 (grad not computed yet)  [b·c]",
        "      ├─(∂u/∂b = 2)─ b = 3 (grad not computed yet)  [input]",
        "      └─(∂u/∂c = 3)─ c = 2 (grad not computed yet)  [input]",
    ])


@pytest.mark.parametrize("backward_calls", [0, 1, 3])
def test_notes_graph_whatever_backward_calls_came_before(backward_calls):
    J, (a, *_) = notes_graph()
    for _ in range(backward_calls):
        J.backward()
    assert text_tree(J) == J_TREE_AFTER_BACKWARD
    assert a.grad == 3.0 * backward_calls          # the tree changes no grad


def test_show_grad_false_leaves_them_out():
    J, _ = notes_graph()
    assert text_tree(J, show_grad=False).splitlines()[:2] == [
        "J = 33  [3·v]",
        "└─(∂J/∂v = 3)─ v = 11  [a + u]",
    ]


def test_mid_pass_the_tree_shows_the_grads_so_far():
    J, _ = notes_graph()
    lines = text_tree(J, step=2).splitlines()
    assert lines[1] == "└─(∂J/∂v = 3)─ v = 11 (grad 3)  [a + u]"
    assert lines[2] == "   ├─(∂v/∂a = 1)─ a = 5 (grad 3)  [input]"
    assert lines[3] == "   └─(∂v/∂u = 1)─ u = 6 (grad not computed yet)  [b·c]"


def test_a_times_a_refers_back_to_the_shared_leaf():
    a = Value(3.0, "a")
    y = (a * a).named("y")
    y.backward()
    assert text_tree(y) == "\n".join([
        "y = 9 (grad 1)  [a·a]",
        "├─(∂y/∂a = 3)─ a = 3 (grad 6)  [input]",
        "└─(∂y/∂a = 3)─ ↑ see a (n0)",
    ])


def test_b_is_a_plus_a_and_c_is_b_plus_b():
    a = Value(3.0, "a")
    b = (a + a).named("b")
    c = (b + b).named("c")
    c.backward()
    assert text_tree(c) == "\n".join([
        "c = 12 (grad 1)  [b + b]",
        "├─(∂c/∂b = 1)─ b = 6 (grad 2)  [a + a]",
        "│  ├─(∂b/∂a = 1)─ a = 3 (grad 4)  [input]",
        "│  └─(∂b/∂a = 1)─ ↑ see a (n0)",
        "└─(∂c/∂b = 1)─ ↑ see b (n1)",      # b's whole subtree is not repeated
    ])


def test_diamond():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    x = (a + b).named("x")
    y = (x * a).named("y")
    y.backward()
    assert text_tree(y) == "\n".join([
        "y = 14 (grad 1)  [x·a]",
        "├─(∂y/∂x = 2)─ x = 7 (grad 2)  [a + b]",
        "│  ├─(∂x/∂a = 1)─ a = 2 (grad 9)  [input]",
        "│  └─(∂x/∂b = 1)─ b = 5 (grad 2)  [input]",
        "└─(∂y/∂a = 7)─ ↑ see a (n0)",
    ])


def test_unlabelled_nodes_are_named_by_what_they_compute_or_their_position():
    x = Value(0.5)
    w = Value(-2.0)
    y = (x * w).relu() + w
    assert text_tree(y, show_grad=False) == "\n".join([
        "n4 = -2  [n3 + n1]",
        "├─(∂n4/∂n3 = 1)─ n3 = 0  [relu(n2)]",
        "│  └─(∂n3/∂n2 = 0)─ n2 = -1  [n0·n1]",
        "│     ├─(∂n2/∂n0 = -2)─ n0 = 0.5  [input]",
        "│     └─(∂n2/∂n1 = 0.5)─ n1 = -2  [input]",
        "└─(∂n4/∂n1 = 1)─ ↑ see n1",
        "(n0 = an input: unlabelled, named by its position 0 in the topological order)",
        "(n1 = an input: unlabelled, named by its position 1 in the topological order)",
        "(n2 = n0·n1: unlabelled, named by its position 2 in the topological order)",
        "(n3 = relu(n2): unlabelled, named by its position 3 in the topological order)",
        "(n4 = n3 + n1: unlabelled, named by its position 4 in the topological order)",
    ])


def test_parameters_and_nary_ops_show_their_role_and_op():
    from nn import Neuron
    neuron = Neuron(2, activation="tanh", seed=0)
    out = neuron([1.0, -1.0])
    lines = text_tree(out, show_grad=False).splitlines()
    assert lines[0].endswith("[tanh(z[1]_1)]") and lines[0].startswith("a[1]_1 = ")
    assert lines[1].startswith("└─(∂a[1]_1/∂z[1]_1 = ") and "[Σw·a+b(" in lines[1]
    assert sum("[parameter]" in line for line in lines) == 3      # two weights and a bias
    assert sum("[input]" in line for line in lines) == 2          # the two inputs


def test_max_nodes_says_what_it_left_out():
    J, _ = notes_graph()
    assert text_tree(J, show_grad=False, max_nodes=3) == "\n".join([
        "J = 33  [3·v]",
        "└─(∂J/∂v = 3)─ v = 11  [a + u]",
        "   ├─(∂v/∂a = 1)─ a = 5  [input]",
        "(3 of 6 nodes not shown: max_nodes=3; raise it or pass None to see them)",
    ])


def test_max_nodes_reached_with_only_references_left():
    a = Value(3.0, "a")
    y = (a * a).named("y")
    assert text_tree(y, show_grad=False, max_nodes=2).splitlines()[-1] == \
        "(every node is shown; repeated references past max_nodes=2 left out)"


def test_max_depth_says_what_it_left_out():
    J, _ = notes_graph()
    assert text_tree(J, show_grad=False, max_depth=1) == "\n".join([
        "J = 33  [3·v]",
        "└─(∂J/∂v = 3)─ v = 11  [a + u]",
        "   └─ … 2 edges below depth 1 not shown",
        "(4 of 6 nodes not shown: max_depth=1; raise it or pass None to see them)",
    ])
    assert text_tree(J, show_grad=False, max_depth=0).splitlines() == [
        "J = 33  [3·v]",
        "└─ … 1 edge below depth 0 not shown",
        "(5 of 6 nodes not shown: max_depth=0; raise it or pass None to see them)",
    ]


def test_both_limits_are_named_when_both_cut():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    d = (a * b).named("d")
    y = (d.tanh().named("t") + d).named("y")
    assert text_tree(y, show_grad=False, max_depth=1, max_nodes=2) == "\n".join([
        "y = 2.96402…  [t + d]",
        "├─(∂y/∂t = 1)─ t = 0.964027…  [tanh(d)]",
        "│  └─ … 1 edge below depth 1 not shown",
        "(3 of 5 nodes not shown: max_nodes=2, max_depth=1; raise them or pass None to see them)",
    ])


def test_a_node_cut_by_depth_is_shown_in_full_where_it_is_shallower():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    deep = (a * b).named("d")
    y = (deep.tanh().named("t") + deep).named("y")
    lines = text_tree(y, show_grad=False, max_depth=2).splitlines()
    assert lines[2] == f"│  └─(∂t/∂d = {format_number(1 - math.tanh(2) ** 2)})─ d = 2  [a·b]"
    assert lines[3] == "│     └─ … 2 edges below depth 2 not shown"
    # Met again at depth 1, d is expanded there rather than referred to.
    assert lines[4] == "└─(∂y/∂d = 1)─ d = 2  [a·b]"
    assert lines[5] == "   ├─(∂d/∂a = 2)─ a = 1  [input]"
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
    assert text_tree(Value(2.0, "x")) == "x = 2 (grad 1)  [input]"      # dx/dx = 1


def test_a_chain_ten_thousand_deep_with_the_default_cutoff():
    x = Value(0.1, "x")
    y = x
    for _ in range(10_000):
        y = -y
    lines = text_tree(y).splitlines()
    assert len(lines) == 101 + 10               # and the n-names shown, explained in 10 lines
    assert lines[100] == "(9901 of 10001 nodes not shown: max_nodes=100; raise it or pass None to see them)"
    assert lines[-1] == ("(… and 91 more unlabelled nodes n<K>, each named by its position K in "
                         "the topological order)")


def test_a_chain_deeper_than_the_recursion_limit_in_full():
    depth = sys.getrecursionlimit() + 500
    x = Value(0.1, "x")
    y = x
    for _ in range(depth):
        y = -y
    y.backward()
    lines = [line for line in text_tree(y, max_nodes=None).splitlines() if "─ " in line]
    assert len(lines) == depth
    grad = "1" if depth % 2 == 0 else "-1"
    assert lines[-1] == " " * (3 * (depth - 1)) + f"└─(∂(−x)/∂x = -1)─ x = 0.1 (grad {grad})  [input]"


def test_the_tree_reads_as_a_tree_at_the_prompt():
    J, _ = notes_graph()
    tree = text_tree(J)
    assert isinstance(tree, str) and repr(tree) == str(tree)     # no quotes, no \\n


def test_print_tree_prints_the_text(capsys):
    J, _ = notes_graph()
    print_tree(J, max_depth=0)
    assert capsys.readouterr().out == text_tree(J, max_depth=0) + "\n"
