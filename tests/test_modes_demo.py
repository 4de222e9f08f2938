"""The demos of issue 10: modes (the multiply-add counts), newton, compare, and the command line's --compare."""

import doctest
import math
import os

import pytest

from autograd import Value
from autograd.views import cli
from autograd.forward import joint_order
from autograd.higher import depends_on
from demos import compare, modes, newton


@pytest.mark.parametrize("module", [modes, newton, compare], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    failed, _ = doctest.testmod(module, verbose=False)
    assert failed == 0


# --- demos.modes ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def comparisons():
    return [modes.compare(case) for case in modes.cases()]


def test_the_jacobians_are_equal_both_ways(comparisons):
    for comparison in comparisons:
        assert modes.largest_difference(comparison) < 1e-15
        assert comparison.forward.sweeps == len(comparison.case.inputs)
        assert comparison.reverse.sweeps == len(comparison.case.outputs)


def test_the_edge_counts(comparisons):
    notes, layer, shared, loss = comparisons
    counts = [(c.forward.multiply_adds, c.reverse.multiply_adds) for c in comparisons]
    # J: a→v→J, b→u→v→J, c→u→v→J forward; the five edges not into the constant 3 reverse
    assert counts[0] == (2 + 3 + 3, 5)
    # one layer, n = 2, m = 12: forward, x_i → z_j → a_j for every neuron j;
    # reverse, each neuron's own n + 1 edges
    n, m, hidden = 2, 12, 8
    assert counts[1] == (n * 2 * m, m * (n + 1))
    # shared hidden layer: forward, x_i → z1 → a1 (2 per hidden neuron), a1_k → z2_j (all
    # pairs), z2_j → a2_j; reverse, each output's own edge pays for the whole hidden layer
    assert counts[2] == (n * (2 * hidden + hidden * m + m), m * (1 + hidden + hidden + hidden * n))
    # a loss: one reverse sweep follows every edge on a path; a forward sweep per parameter
    # follows the edges above it
    order = joint_order(loss.case.outputs)
    above = 0
    for parameter in loss.case.inputs:
        reach = depends_on(order, [parameter])
        above += sum(1 for node in order for parent in node.parents if parent in reach)
    assert counts[3] == (above, loss.edges_on_paths)
    assert (loss.edges_on_paths, loss.edges, len(loss.case.inputs)) == (2577, 2710, 337)
    assert counts[3] == (17313, 2577)


def test_modes_prints_the_jacobians_and_the_table(capsys):
    modes.main([])
    out = capsys.readouterr().out
    assert "| J = 3(a + b·c) | 3 | 1 | 5 of 6 | 3 | 8 | 1 | 5 | reverse, 1.6× |" in out
    assert "| one layer, 2 → 12 | 2 | 12 | 36 of 72 | 2 | 48 | 12 | 36 | reverse, 1.33× |" in out
    assert "| 337 | 17,313 | 1 | 2,577 | reverse, 6.72× |" in out
    assert "  ∂J           3.00000   6.00000   9.00000      3.00000   6.00000   9.00000" in out
    assert "12 reverse sweeps (396 multiply-adds) against 2 forward sweeps (248" in " ".join(out.split())


# --- demos.newton -------------------------------------------------------------------------

def test_newton_beats_gradient_descent_in_1d():
    path = newton.newton_1d(newton.quartic, 2.0)
    assert len(path) - 1 == 6
    assert math.isclose(path[-1][0], 0.75 ** (1 / 3), rel_tol=1e-12)
    descent = newton.descent_1d(newton.quartic, 2.0, 0.02, 10_000)
    assert len(descent) - 1 == 110 and abs(descent[-1][2]) < newton.TOLERANCE


def test_newton_reaches_the_bottom_of_rosenbrocks_valley():
    path = newton.newton_2d(newton.valley, [-1.2, 1.0])
    assert len(path) - 1 == 7 and path[-1][0] == (1.0, 1.0)
    descent = newton.descent_2d(newton.valley, [-1.2, 1.0], 0.001, 2_000)
    assert descent[-1][2] > 1e-3      # still crawling along the valley's floor


def test_newton_demo_prints_and_plots(tmp_path, capsys):
    newton.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "to |f′(x)| < 1e-10: Newton 6 steps, gradient descent 110 steps" in out
    assert "to |∇f| < 1e-10: Newton 7 steps, gradient descent not there after 20,000 steps" in out
    assert "[[802.0, -400.0], [-400.0, 200.0]]" in out
    assert "at x = 0: tanh, ′, ″, ‴, ⁗ = 0.000000, 1.000000, 0.000000, -2.000000, 0.000000" in out
    png = tmp_path / "tanh-derivatives.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["tanh-derivatives.png"]   # no partial file left


# --- demos.compare -------------------------------------------------------------------------

def test_the_symbolic_derivative_swells_while_the_graph_grows_by_one_node_per_op():
    rows = compare.swell_table(depths=(4, 8, 16))
    for row in rows:
        assert row.graph_nodes == row.depth + 1 and row.multiply_adds == row.depth
        assert row.gradient_nodes == 5 * row.depth + 2       # the graph of f′: linear too
    first = [row.first_ops for row in rows]
    second = [row.second_ops for row in rows]
    assert first == [21, 59, 183]
    assert first[2] / first[1] > 3 and second[2] / second[1] > 5   # quadratic, cubic


def test_finite_differences_err_as_truncation_then_rounding_says():
    x = 0.5
    exact = 1 - math.tanh(x) ** 2
    rows = {row.h: row for row in compare.finite_differences(lambda v: v.tanh(), x, exact,
                                                            steps=[1e-3, 1e-8, 1e-13])}
    second = -2 * math.tanh(x) * exact
    third = -2 * exact * (1 - 3 * math.tanh(x) ** 2)
    # truncation: about h·|f″|/2 and h²·|f‴|/6
    assert math.isclose(rows[1e-3].one_sided_error, 1e-3 * abs(second) / 2, rel_tol=0.01)
    assert math.isclose(rows[1e-3].central_error, 1e-6 * abs(third) / 6, rel_tol=0.01)
    # rounding: a smaller h is worse again
    assert rows[1e-13].one_sided_error > 100 * rows[1e-8].one_sided_error
    assert rows[1e-13].central_error > 100 * rows[1e-8].central_error


def test_compare_demo_prints_and_plots(tmp_path, capsys):
    compare.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "| 32 | 32 | 623 | — | 3,519 | 33 | 162 | 32 |" in out
    assert "x.grad = 0.5339122920544043, error 0.0e+00: exact to rounding" in out
    assert "1e-03      0.5333455156882327   5.7e-04" in out
    assert (tmp_path / "finite-differences.png").read_bytes()[:4] == b"\x89PNG"


def test_every_function_of_the_command_line_has_a_sympy_twin():
    import sympy
    functions = compare.sympy_functions()
    assert set(cli.FUNCTIONS) <= set(functions)
    x = sympy.Symbol("x", real=True)
    for name in cli.FUNCTIONS:
        # max and min take a second input: a number, so the check stays one of x alone
        call = f"{name}(x, 0.5)" if cli.FUNCTIONS[name].inputs == 2 else f"{name}(x)"
        for point in (-0.7, 1.3):
            tree, _ = cli.parse_expression(f"{call} * 2 - x ** 3 / 4")
            engine = cli.evaluate(tree, {"x": Value(abs(point) if name == "log" else point)})
            symbolic = compare.to_sympy(tree, {"x": x}).subs(x, abs(point) if name == "log"
                                                             else point)
            assert math.isclose(engine.data, float(symbolic), rel_tol=1e-13), name


def test_cli_compare(tmp_path, capsys):
    plot = tmp_path / "errors.png"
    status = cli.main(["3*(a + b*c)", "a=5", "b=3", "c=2", "--compare", "--compare-plot",
                       str(plot)])
    out = capsys.readouterr().out
    assert status == 0
    assert "SymPy's f: 3*a + 3*b*c   (4 operations; the graph has 7 nodes)" in out
    assert "symbolic (SymPy): 3*c" in out
    assert "automatic (backward()): 9.0, error 0.0e+00" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["errors-a.png", "errors-b.png",
                                                          "errors-c.png"]


def test_cli_compare_plot_needs_compare(capsys):
    assert cli.main(["a*a", "a=1", "--compare-plot", "x.png"]) == 2
    assert "--compare-plot applies to --compare only" in capsys.readouterr().err


def test_cli_compare_without_sympy_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(__import__("sys").modules, "sympy", None)
    assert cli.main(["a*a", "a=1", "--compare"]) == 1
    captured = capsys.readouterr()
    assert "da" in captured.out            # the gradient is still printed
    assert "--compare needs SymPy: pip install 'chainrule[demos]'" in captured.err


def test_newton_can_draw_the_graph_of_a_gradient(tmp_path):
    from autograd.views import draw
    try:
        path = newton.save_gradient_graph(os.path.join(tmp_path, "slope.svg"))
    except draw.DotNotFoundError:
        pytest.skip("Graphviz's dot is not installed")
    text = open(path, encoding="utf-8").read()
    assert "<svg" in text and "d tanh/dx" in text
