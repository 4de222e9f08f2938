"""Gradients as Values: second and third derivatives of every row against SymPy, hessian, create_graph, detach."""

import itertools
import math

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import OPS, Value, ops, topological_order
from autograd.higher import backward_graph, derivatives, grad, hessian
from autograd.value import _apply
from table_graphs import build, graph_specs

reals = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
positives = st.floats(0.1, 3.0)
away_from_zero = reals.filter(lambda x: abs(x) > 0.05)


def _piecewise_linear(slope):
    return lambda x: sp.Piecewise((x, x > 0), (slope * x, True))


# Every row of the table: the same function in SymPy, and where to draw each input.
# relu and leaky ReLU are drawn away from their kink, where no second derivative exists.
SYMPY_ROWS = [
    (ops.ADD, lambda a, b: a + b, [reals, reals]),
    (ops.SUB, lambda a, b: a - b, [reals, reals]),
    (ops.MUL, lambda a, b: a * b, [reals, reals]),
    (ops.DIV, lambda a, b: a / b, [reals, away_from_zero]),
    (ops.NEG, lambda a: -a, [reals]),
    (ops.POW, lambda x, y: x ** y, [positives, reals]),
    (ops.EXP, sp.exp, [reals]),
    (ops.LOG, sp.log, [positives]),
    (ops.TANH, sp.tanh, [reals]),
    (ops.SIGMOID, lambda x: 1 / (1 + sp.exp(-x)), [reals]),
    (ops.RELU, _piecewise_linear(0), [away_from_zero]),
    (ops.SUM, lambda *xs: sum(xs), [reals] * 3),
    (ops.WEIGHTED_SUM, lambda w1, w2, a1, a2, b: w1 * a1 + w2 * a2 + b, [reals] * 5),
    (ops.power_by(2.0), lambda x: x ** 2, [reals]),
    (ops.power_by(3.0), lambda x: x ** 3, [reals]),
    (ops.power_by(-1.0), lambda x: x ** -1, [away_from_zero]),
    (ops.power_by(0.5), sp.sqrt, [positives]),
    (ops.power_by(2.5), lambda x: x ** sp.Rational(5, 2), [positives]),
    (ops.leaky_relu_with(0.1), _piecewise_linear(sp.Rational(1, 10)), [away_from_zero]),
    (ops.relu_with(0.5), _piecewise_linear(0), [away_from_zero]),
    (ops.SOFTPLUS, lambda x: sp.log(1 + sp.exp(x)), [reals]),
    (ops.STEP, lambda x: sp.Piecewise((1, x > 0), (0, True)), [away_from_zero]),
    # max, min and abs away from their kinks (a tie, 0), where SymPy's derivative is undefined
    (ops.MAX, sp.Max, [st.floats(-2.0, -0.1), st.floats(0.1, 2.0)]),
    (ops.MIN, sp.Min, [st.floats(0.1, 2.0), st.floats(-2.0, -0.1)]),
    (ops.ABS, sp.Abs, [away_from_zero]),
]


def test_every_fixed_row_of_the_table_is_checked():
    assert set(OPS) <= {str(row) for row, _, _ in SYMPY_ROWS}


def derivative_tensor(out, leaves, order):
    """Every order-th partial derivative of ``out``, keyed by the tuple of leaf positions.

    Orders below the last are taken with create_graph=True, so that they can be
    differentiated again; the last is a first-order sweep giving floats.
    """
    level = {(): out}
    for depth in range(order):
        last = depth == order - 1
        next_level = {}
        for index, node in level.items():
            for position, entry in enumerate(grad(node, leaves, create_graph=not last)):
                next_level[index + (position,)] = entry
        level = next_level
    return level


@pytest.mark.parametrize("row, reference, strategies", SYMPY_ROWS,
                         ids=[str(row) for row, _, _ in SYMPY_ROWS])
@pytest.mark.parametrize("order", [2, 3])
def test_higher_derivatives_of_every_row_match_sympy(row, reference, strategies, order):
    symbols = sp.symbols(f"x0:{len(strategies)}", real=True)
    expression = reference(*symbols)

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.tuples(*strategies))
    def check(point):
        leaves = [Value(x, f"x{i}") for i, x in enumerate(point)]
        out = _apply(row, tuple(leaves))
        assert math.isclose(out.data, float(expression.subs(dict(zip(symbols, point)))),
                            rel_tol=1e-12, abs_tol=1e-12)
        for index, entry in derivative_tensor(out, leaves, order).items():
            symbolic = sp.diff(expression, *[symbols[i] for i in index])
            expected = float(symbolic.subs(dict(zip(symbols, point))).evalf())
            assert math.isclose(entry, expected, rel_tol=1e-9, abs_tol=1e-9), (index, entry,
                                                                                 expected)

    check()


# --- hessian and derivatives ----------------------------------------------------------------

def test_hessian_of_a_quadratic_form_is_exact():
    # f(x) = xᵀ A x + bᵀ x has the Hessian A + Aᵀ, whatever the point
    A = [[2.0, -1.0, 0.5], [3.0, 4.0, -2.0], [0.0, 1.5, -3.0]]
    b = [1.0, -2.0, 0.25]

    def f(*x):
        quadratic = sum(A[i][j] * x[i] * x[j] for i in range(3) for j in range(3))
        return quadratic + sum(b[i] * x[i] for i in range(3))

    expected = [[A[i][j] + A[j][i] for j in range(3)] for i in range(3)]
    assert hessian(f, [0.3, -1.7, 2.9]) == expected
    assert hessian(f, [Value(10.0), 0, -5]) == expected


def test_hessian_of_a_function_that_ignores_an_input():
    assert hessian(lambda x, y: x.tanh() * 0 + y ** 3, [1.0, 2.0]) == [[0.0, 0.0], [0.0, 12.0]]
    assert hessian(lambda x, y: x * 1.0, [1.0, 2.0]) == [[0.0, 0.0], [0.0, 0.0]]


@pytest.mark.parametrize("call, error, message", [
    (lambda: hessian(lambda x: x, []), ValueError, "hessian needs at least one input"),
    (lambda: hessian(lambda x: x, ["1"]), TypeError, "inputs[0] must be a number, got str"),
    (lambda: hessian(lambda x: 3.0, [1.0]), TypeError, "f must return a Value, got float"),
    (lambda: derivatives(lambda x: x, 1.0, -1), ValueError, "order must be an int >= 0"),
    (lambda: grad(Value(1.0), [Value(1.0), 2.0]), TypeError, "wrt[1] must be a Value"),
    (lambda: grad(1.0, Value(1.0)), TypeError, "grad: the root must be a Value"),
])
def test_bad_calls_say_what_is_wrong(call, error, message):
    with pytest.raises(error, match=message.replace("[", r"\[").replace("]", r"\]")):
        call()


@pytest.mark.parametrize("x", [-1.3, 0.0, 0.4, 2.0])
def test_tanh_and_its_derivatives_to_the_fourth_order(x):
    t = math.tanh(x)
    s = 1 - t * t                      # sech²
    expected = [t, s, -2 * t * s, -2 * s * (1 - 3 * t * t), 8 * t * s * (2 - 3 * t * t)]
    for found, closed_form in zip(derivatives(lambda v: v.tanh(), x, 4), expected):
        assert math.isclose(found, closed_form, rel_tol=1e-12, abs_tol=1e-12)


# --- grad and backward(create_graph=True) --------------------------------------------------

def test_grad_returns_values_with_create_graph_and_leaves_grads_alone():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    out = x * x * y
    dx, dy = grad(out, [x, y], create_graph=True)
    assert isinstance(dx, Value) and (dx.data, dy.data) == (12.0, 4.0)
    assert grad(dx, [x, y]) == [6.0, 4.0]         # ∂²/∂x² = 2y, ∂²/∂x∂y = 2x
    assert all(node.grad == 0.0 for node in topological_order(out))
    unused = grad(out, Value(1.0), create_graph=True)
    assert isinstance(unused, Value) and unused.data == 0.0 and unused.role == "constant"


def test_backward_with_create_graph_makes_every_grad_a_value():
    x = Value(0.5, "x")
    y = (x.tanh() * x).named("y")
    y.backward(create_graph=True)
    order = topological_order(y)
    assert all(isinstance(node.grad, Value) for node in order)
    assert y.grad.data == 1.0 and y.grad.role == "constant"
    twin = Value(0.5, "x")
    (twin.tanh() * twin).backward()
    assert x.grad.data == twin.grad
    # the gradient is a graph of its own: d/dx of dy/dx is the second derivative
    first = x.grad
    x.grad = 0.0
    first.backward()
    t = math.tanh(0.5)
    assert math.isclose(x.grad, 2 * (1 - t * t) - 2 * 0.5 * t * (1 - t * t), rel_tol=1e-12)


def _same(x, y):
    return x == y or (math.isnan(x) and math.isnan(y))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_specs(max_outputs=1), st.lists(reals, min_size=4, max_size=4), st.integers(1, 2))
def test_leaves_accumulate_with_create_graph_exactly_as_with_backward(spec, earlier, calls):
    leaves, (root,) = build(spec)
    twin_leaves, (twin,) = build(spec)
    # leaves may hold a gradient from before, and accumulate onto it, call after call
    for leaf, twin_leaf, grad_before in zip(leaves, twin_leaves, earlier):
        leaf.grad = twin_leaf.grad = grad_before
    for _ in range(calls):
        root.backward(create_graph=True)
        twin.backward()
    for node, twin_node in zip(topological_order(root), topological_order(twin)):
        assert _same(node.grad.data, twin_node.grad)


def test_backward_graph_on_a_leaf_root_accumulates_one():
    x = Value(2.0, "x")
    x.grad = 3.0
    backward_graph(x)
    assert isinstance(x.grad, Value) and x.grad.data == 4.0


def test_the_graph_of_a_gradient_can_be_drawn():
    from autograd.views import draw
    x = Value(0.5, "x")
    dy_dx = grad((x * x).tanh(), x, create_graph=True).named("dy/dx")
    source = draw.dot_source(dy_dx)
    assert "dy/dx" in source and ">x<" in source
    assert len(topological_order(dy_dx)) > len(topological_order((x * x).tanh()))


# --- detach ----------------------------------------------------------------------------------

def test_detach_cuts_the_graph():
    x = Value(3.0, "x")
    u = (x * x).named("u")
    cut = u.detach()
    assert (cut.data, cut.label, cut.parents, cut.op, cut.role) == (9.0, "u", (), "", "input")
    y = cut * x                        # y = u·x with u held constant: dy/dx = u = 9
    y.backward()
    assert x.grad == 9.0 and u.grad == 0.0 and cut.grad == 3.0


def test_detach_keeps_a_leafs_role_and_stops_second_derivatives():
    w = Value(2.0, "w")
    w.role = "parameter"
    assert w.detach().role == "parameter" and w.detach() is not w
    x = Value(1.5, "x")
    dy_dx = grad(x ** 3, x, create_graph=True)       # 3x²
    assert grad(dy_dx.detach() * x, x) == dy_dx.data  # the detached 3x² is a constant


@pytest.mark.parametrize("n_inputs", [1, 2])
def test_second_derivatives_of_a_network_match_central_differences(n_inputs):
    from nn import MLP
    net = MLP(n_inputs, [4, 1], activation="tanh")
    point = [0.3, -0.8][:n_inputs]

    def f(*xs):
        return net(list(xs))[0]

    H = hessian(f, point)
    h = 1e-4
    for i, j in itertools.product(range(n_inputs), repeat=2):
        def first(shift):
            xs = [Value(x) for x in point]
            xs[j] = Value(point[j] + shift)
            return grad(f(*xs), xs[i])
        numeric = (first(h) - first(-h)) / (2 * h)
        assert math.isclose(H[i][j], numeric, rel_tol=1e-6, abs_tol=1e-7)


@pytest.mark.parametrize("make_optimizer", [
    lambda parameters: __import__("nn").SGD(parameters, lr=0.1),
    lambda parameters: __import__("nn").SGD(parameters, lr=0.1, momentum=0.9),
    lambda parameters: __import__("nn").Adam(parameters, lr=0.01),
], ids=["sgd", "momentum", "adam"])
def test_an_optimizer_steps_the_same_after_create_graph(make_optimizer):
    from nn import MLP, mse
    models = [MLP(2, [3, 1], activation="tanh", seed=4) for _ in range(2)]
    optimizers = [make_optimizer(model.parameters()) for model in models]
    for create_graph, model, optimizer in zip((False, True), models, optimizers):
        mse([model([0.5, -1.0])[0]], [1.0]).backward(create_graph=create_graph)
        optimizer.step()
    plain, graphed = (model.parameters() for model in models)
    assert all(type(p.data) is float for p in graphed)
    assert [p.data for p in plain] == [p.data for p in graphed]


def test_the_views_work_when_grads_are_values():
    from autograd.views import Stepper, draw, explain, text_tree
    x, y = Value(2.0, "x"), Value(3.0, "y")
    out = (x * y + x.tanh()).named("f")
    out.backward(create_graph=True)
    assert "= x.grad after one backward() from zero ✓" in explain(out, x)
    assert "y = 3 (grad 2)" in text_tree(out)
    assert "grad 3.07" in draw.dot_source(out)
    s = Stepper(out)
    s.run()
    assert y.grad == 2.0          # the stepper sets floats, as one backward() from zero


@pytest.mark.parametrize("x", [5e-324, -5e-324, 0.0, 1e-300])
def test_a_power_differentiated_past_its_degree_is_zero_even_at_tiny_x(x):
    # x^0's slope is 0, not 0 · x^-1 (nan where x^-1 overflows)
    assert derivatives(lambda v: v ** 2, x, 4)[3:] == [0.0, 0.0]
    assert derivatives(lambda v: v ** 3, x, 5)[4:] == [0.0, 0.0]
