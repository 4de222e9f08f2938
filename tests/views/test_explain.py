"""The chain rule written out: paths, their products, their sum, and the grouped form for path explosions."""

import math
import re

import pytest
from matplotlib.mathtext import MathTextParser

from autograd import Value, sweep, topological_order, weighted_sum
from autograd.views.explain import ChainPaths, Edge, NotInGraphError, chain_paths, explain
from autograd.views.text import format_number, node_names
from nn.losses import binary_cross_entropy


def notes_J():
    """The notes' J = 3(a + b·c), a=5, b=3, c=2, with u = b·c and v = a + u (``002_*``)."""
    a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    u = (b * c).named("u")
    v = (a + u).named("v")
    J = (3 * v).named("J")
    return J, a, b, c


def notes_two_layer_chain():
    """The notes' chain (end of ``000_*``): z1 = w1·x + b1, a1 = σ(z1), z2 = w2·a1 + b2, a2 = σ(z2), BCE with y = 1."""
    w1, b1, w2, b2 = Value(0.1, "w1"), Value(0.2, "b1"), Value(0.2, "w2"), Value(0.2, "b2")
    x = Value(9, "x")
    z1 = weighted_sum([w1], [x], b1).named("z1")
    a1 = z1.sigmoid().named("a1")
    z2 = weighted_sum([w2], [a1], b2).named("z2")
    a2 = z2.sigmoid().named("a2")
    L = binary_cross_entropy([a2], [1]).named("L")
    return L, w1, a1, a2


def _loss_steps(L, a2):
    """The nodes from L down to (not including) a2: how nn.losses builds the loss, root first."""
    steps = []
    node = L
    while node is not a2:
        steps.append(node)
        (node,) = [parent for parent in node.parents if parent.parents or parent is a2]
    return steps


# --- the J example ---------------------------------------------------------------

@pytest.mark.parametrize("leaf_name, expected", [
    ("a", "dJ/da = ∂J/∂v · ∂v/∂a = 3 × 1 = 3   (via *, +)\n"
          "sum of 1 path = 3 = a.grad after one backward() from zero ✓"),
    ("b", "dJ/db = ∂J/∂v · ∂v/∂u · ∂u/∂b = 3 × 1 × 2 = 6   (via *, +, *)\n"
          "sum of 1 path = 6 = b.grad after one backward() from zero ✓"),
    ("c", "dJ/dc = ∂J/∂v · ∂v/∂u · ∂u/∂c = 3 × 1 × 3 = 9   (via *, +, *)\n"
          "sum of 1 path = 9 = c.grad after one backward() from zero ✓"),
])
def test_J_example_text(leaf_name, expected):
    J, a, b, c = notes_J()
    J.backward()
    leaf = {"a": a, "b": b, "c": c}[leaf_name]
    assert explain(J, leaf) == expected


def test_J_example_data():
    J, a, b, c = notes_J()
    found = chain_paths(J, c)
    assert isinstance(found, ChainPaths)
    assert found.n_paths.exact == 1 and found.groups is None
    (path,) = found.paths
    v = J.parents[1]
    u = v.parents[1]
    assert path.edges == (Edge(J, 1, v, 3.0), Edge(v, 1, u, 1.0), Edge(u, 1, c, 3.0))
    assert path.product == 9.0 and found.total == 9.0 and found.leaf_grad == 9.0
    assert found.agrees


def test_explain_changes_no_grad_and_needs_no_backward():
    J, a, b, c = notes_J()
    text = explain(J, b)
    assert text.splitlines()[1] == "sum of 1 path = 6 = b.grad after one backward() from zero ✓"
    assert text.splitlines()[2].startswith("(b.grad is 0 now, not 6: no backward() from J")
    assert (a.grad, b.grad, c.grad, J.grad) == (0.0, 0.0, 0.0, 0.0)


def test_two_backward_calls_are_named_as_the_cause():
    J, a, b, c = notes_J()
    J.backward()
    J.backward()               # leaves accumulate: b.grad == 12
    lines = explain(J, b).splitlines()
    assert lines[1] == "sum of 1 path = 6 = b.grad after one backward() from zero ✓"
    assert lines[2] == ("(b.grad is 12 now, not 6 = 2 × 6: leaf gradients accumulate, as in "
                        "PyTorch, so it looks like 2 backward() calls without zero_grad() "
                        "between them)")
    assert b.grad == 12.0


def test_an_intermediate_node_is_explained_from_itself_not_from_a_later_root():
    # The repro: y.grad after L.backward() is dL/dy = 1, but dy/dx = 2·n·3 = 36.
    x = Value(2.0, "x")
    n = (3 * x).named("n")
    y = (n * n).named("y")
    L = (y + n).named("L")
    L.backward()
    lines = explain(y, x, max_paths=1).splitlines()
    assert any(line.endswith("= 36 = x.grad after one backward() from zero ✓") for line in lines)
    assert lines[-1].startswith("(x.grad is 39 now, not 36: it holds gradients from other passes")


def test_a_second_root_such_as_an_l2_term_is_named_as_the_cause():
    w = Value(0.5, "w")
    loss = (w * 4).named("loss")
    l2 = (w * w * 0.1).named("l2")
    loss.backward()
    l2.backward()              # a second root sends gradient to w too
    lines = explain(loss, w).splitlines()
    assert lines[1] == "sum of 1 path = 4 = w.grad after one backward() from zero ✓"
    assert lines[2].startswith("(w.grad is 4.1 now, not 4: it holds gradients from other passes "
                               "as well, such as a second root")


def test_a_stepper_part_way_is_named_as_the_cause():
    from autograd.views.stepper import Stepper
    J, a, b, c = notes_J()
    s = Stepper(J)
    for _ in range(2):
        s.next()               # a.grad = 3 already; b still 0
    lines = explain(J, b).splitlines()
    assert lines[1] == "sum of 1 path = 6 = b.grad after one backward() from zero ✓"
    assert lines[2] == ("(b.grad is 0 now, not 6: a Stepper of J is part-way, at step 2 of 5; "
                        "b.grad holds what its first 2 steps sent)")
    s.run()
    assert len(explain(J, b).splitlines()) == 2          # done: b.grad agrees, nothing to say


# --- the notes' two-layer chain ----------------------------------------------------

def test_notes_two_layer_chain_has_five_labelled_factors():
    L, w1, a1, a2 = notes_two_layer_chain()
    L.backward()
    text = explain(L, w1, collapse_unlabelled=True)
    first, check = text.splitlines()
    formula, numbers = first.split(" = ", 2)[1:]
    assert formula == "∂L/∂a2 · ∂a2/∂z2 · ∂z2/∂a1 · ∂a1/∂z1 · ∂z1/∂w1"
    factors = [float(n.strip("()…")) for n in numbers.split("   ")[0].split(" = ")[0].split(" × ")]
    # The notes: dL/da2 = -1/a2 for y = 1, σ' = a(1 - a), dz2/da1 = w2, dz1/dw1 = x
    expected = [-1 / a2.data, a2.data * (1 - a2.data), 0.2, a1.data * (1 - a1.data), 9.0]
    assert factors == pytest.approx(expected, rel=1e-5)
    assert math.prod(expected) == pytest.approx(w1.grad, rel=1e-9)
    assert check == f"sum of 1 path = {format_number(w1.grad)} = w1.grad after one backward() from zero ✓"
    # The loss's own steps (mean, minus, log) collapse into the first factor, dL/da2.
    loss_ops = "∘".join(str(node.op) for node in _loss_steps(L, a2))
    assert first.endswith(f"(via {loss_ops}, sigmoid, Σw·a+b, sigmoid, Σw·a+b)")
    assert "log" in loss_ops


def test_notes_two_layer_chain_every_edge():
    L, w1, a1, a2 = notes_two_layer_chain()
    found = chain_paths(L, w1)
    L.backward()
    (path,) = found.paths
    ops = [str(edge.child.op) for edge in path.edges]
    loss_ops = [str(node.op) for node in _loss_steps(L, a2)]
    assert ops == loss_ops + ["sigmoid", "Σw·a+b", "sigmoid", "Σw·a+b"]
    assert path.edges[len(loss_ops)].child is a2
    assert path.product == pytest.approx(w1.grad, rel=1e-12)
    # The notes' closed form: dL/dw1 = (a2 - y) · w2 · a1(1 - a1) · x, with y = 1
    assert w1.grad == pytest.approx((a2.data - 1) * 0.2 * a1.data * (1 - a1.data) * 9, rel=1e-9)
    text = explain(L, w1)
    assert text.count("∂") == 2 * len(path.edges)
    assert text.endswith("= w1.grad after one backward() from zero ✓")


# --- several paths ----------------------------------------------------------------

def test_diamond_two_paths_add_up():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    x = a + b
    y = (x * a).named("y")         # dy/da = a + x = 2 + 7 = 9
    y.backward()
    found = chain_paths(y, a)
    assert found.n_paths == 2
    assert [p.product for p in found.paths] == [2.0, 7.0]
    assert found.total == 9.0 == a.grad
    assert explain(y, a) == (
        "path 1 of 2: ∂y/∂(a + b) · ∂(a + b)/∂a = 2 × 1 = 2   (via *, +)\n"
        "path 2 of 2: ∂y/∂a = 7   (via *)\n"
        "sum of 2 paths = 2 + 7 = 9 = a.grad after one backward() from zero ✓")


def test_a_times_a_is_two_edges_so_two_paths():
    s = Value(3.0, "s")
    q = (s * s).named("q")
    q.backward()
    found = chain_paths(q, s)
    assert [(e.slot, e.local_grad) for p in found.paths for e in p.edges] == [(0, 3.0), (1, 3.0)]
    assert explain(q, s) == (
        "path 1 of 2: ∂q/∂s = 3   (via * input 1)\n"
        "path 2 of 2: ∂q/∂s = 3   (via * input 2)\n"
        "sum of 2 paths = 3 + 3 = 6 = s.grad after one backward() from zero ✓")


def test_negative_factors_are_bracketed():
    a, b = Value(2.0, "a"), Value(4.0, "b")
    y = (b - a).named("y") * 3
    text = explain(y, a)
    assert "= 3 × (-1) = -3" in text


def test_root_itself_is_the_empty_path():
    J, a, b, c = notes_J()
    J.backward()
    assert explain(J, J) == ("dJ/dJ = 1   (the root itself: the empty path)\n"
                             "sum of 1 path = 1 = J.grad after one backward() from zero ✓")


# --- path explosion ---------------------------------------------------------------

def test_two_to_the_forty_paths_are_grouped_not_enumerated():
    x = Value(1.0, "x")
    y = x
    for _ in range(40):
        y = y + y
    y.named("L")
    found = chain_paths(y, x)
    assert found.n_paths == 2 ** 40
    assert found.paths is None
    assert [(g.edge.slot, g.n_paths, g.upstream_grad, g.contribution) for g in found.groups] == [
        (0, 2 ** 39, 2.0 ** 39, 2.0 ** 39), (1, 2 ** 39, 2.0 ** 39, 2.0 ** 39)]
    assert found.total == 2.0 ** 40 == found.leaf_grad and x.grad == 0.0
    text = explain(y, x)
    assert "dL/dx sums 1,099,511,627,776 paths" in text
    assert "more than max_paths = 20" in text
    assert "dL/d(x + x) · ∂(x + x)/∂x = 549755813888 × 1 = 549755813888" in text
    assert "standing for 549,755,813,888 paths" in text
    assert "sum of 2 groups = 549755813888 + 549755813888 = 1099511627776 = x.grad after one backward() from zero ✓" in text
    assert "reuses it for every path through n" in text


def test_x_times_a_plus_x_forty_times():
    # x_{k+1} = x_k·a + x_k = x_k·(a + 1): with a = 0.5, L = 1.5^40 · x0
    x0, a = Value(1.0, "x"), Value(0.5, "a")
    x = x0
    for _ in range(40):
        x = x * a + x
    found = chain_paths(x, x0)
    assert found.n_paths == 2 ** 40
    assert found.total == pytest.approx(1.5 ** 40, rel=1e-12)
    assert found.agrees
    # Paths to a: each of the 40 multiplications uses a, so a gathers many paths too.
    to_a = chain_paths(x, a)
    assert to_a.paths is None and to_a.n_paths == sum(2 ** k for k in range(40))
    assert to_a.total == pytest.approx(40 * 1.5 ** 39, rel=1e-12)
    assert len(to_a.groups) == 40
    assert explain(x, a, max_paths=5).count("  through ") == 5
    assert "(the last term adds up the 35 groups not listed)" in explain(x, a, max_paths=5)


def test_max_paths_boundary():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    y = (a + b) * a
    assert chain_paths(y, a, max_paths=2).paths is not None
    assert chain_paths(y, a, max_paths=1).paths is None


def test_a_long_single_path_is_elided_in_the_middle():
    x = Value(1.0, "x")
    y = x
    for _ in range(1000):
        y = y * 1.0
    text = explain(y, x)
    assert "…(976 more)…" in text
    assert "sum of 1 path = 1 = x.grad after one backward() from zero ✓" in text


# --- names ------------------------------------------------------------------------

def test_unlabelled_nodes_are_named_by_what_they_compute():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    y = a * b + a
    order = topological_order(y)
    names = node_names(order)
    assert [names[node] for node in order] == ["a", "b", "a·b", "a·b + a"]


def test_a_label_used_twice_gets_its_position():
    x1, x2 = Value(1.0, "x"), Value(2.0, "x")
    names = node_names(topological_order(x1 * x2))
    assert sorted(names.values()) == sorted(["x(n0)", "x(n1)", "x(n0)·x(n1)"])


# --- markdown ---------------------------------------------------------------------

def test_markdown_J_matches_the_notes_notation():
    J, a, b, c = notes_J()
    J.backward()
    text = explain(J, a, format="markdown")
    assert (r"$$\frac{\partial J}{\partial a} = \frac{\partial J}{\partial v}\cdot"
            r"\frac{\partial v}{\partial a} = 3 \cdot 1 = 3$$") in text
    assert "`a.grad` after one backward() from zero ✓" in text


def _balanced(latex):
    depth = 0
    for ch in latex.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("case", ["diamond", "notes", "explosion"])
def test_markdown_is_valid_looking_latex(case):
    if case == "diamond":
        a, b = Value(2.0, "a"), Value(5.0, "b")
        root, leaf = (a + b) * a, a
    elif case == "notes":
        root, leaf, _, _ = notes_two_layer_chain()
    else:
        leaf = Value(1.0, "x")
        root = leaf
        for _ in range(40):
            root = root + root
    text = explain(root, leaf, format="markdown")
    blocks = re.findall(r"\$\$(.+?)\$\$", text)
    assert blocks
    assert text.count("$$") == 2 * len(blocks)
    parser = MathTextParser("path")
    for block in blocks:
        assert _balanced(block), block
        parser.parse(f"${block}$")     # matplotlib's TeX subset reads it, or raises ValueError
        assert "∂" not in block and "×" not in block      # LaTeX, not Unicode
        assert r"\frac{\partial" in block or block[0].isdigit()
    assert "✓" in text


def test_markdown_names_in_the_notes_notation():
    L, w1, a1, a2 = notes_two_layer_chain()
    text = explain(L, w1, format="markdown", collapse_unlabelled=True)
    assert r"\frac{\partial L}{\partial a_{2}}\cdot\frac{\partial a_{2}}{\partial z_{2}}" in text
    assert "`w1.grad` after one backward() from zero ✓" in text


# --- errors -----------------------------------------------------------------------

def test_a_node_outside_the_graph_is_a_named_error():
    J, a, b, c = notes_J()
    stranger = Value(1.0, "q")
    with pytest.raises(NotInGraphError, match="q is not in the graph of J"):
        explain(J, stranger)
    assert issubclass(NotInGraphError, ValueError)


@pytest.mark.parametrize("kwargs, error", [
    ({"format": "html"}, ValueError),
    ({"max_paths": 0}, ValueError),
    ({"max_paths": 2.5}, TypeError),
    ({"max_paths": True}, TypeError),
])
def test_bad_arguments(kwargs, error):
    J, a, b, c = notes_J()
    with pytest.raises(error):
        explain(J, a, **kwargs)


def test_not_a_value():
    J, a, b, c = notes_J()
    with pytest.raises(TypeError, match="explain's leaf needs a Value"):
        chain_paths(J, 3.0)


def test_sum_of_paths_equals_the_sweep_on_a_small_random_graph():
    import random
    rng = random.Random(7)
    leaves = [Value(rng.uniform(-2, 2), f"x{i}") for i in range(3)]
    nodes = list(leaves)
    for _ in range(16):
        p, q = rng.choice(nodes[-2:]), rng.choice(nodes)   # recent nodes, so the graph is deep
        nodes.append(rng.choice([p + q, p * q, p - q, (p * 0.5).tanh()]))
    root = nodes[-1]
    sweep(root)
    checked, most_paths = 0, 0
    for leaf in leaves:
        try:
            found = chain_paths(root, leaf, max_paths=10_000)
        except NotInGraphError:
            continue
        checked += 1
        most_paths = max(most_paths, found.n_paths)
        assert found.total == pytest.approx(leaf.grad, rel=1e-9, abs=1e-12)
        grouped = chain_paths(root, leaf, max_paths=1)
        assert grouped.total == pytest.approx(leaf.grad, rel=1e-9, abs=1e-12)
    assert checked >= 2 and most_paths > 10
