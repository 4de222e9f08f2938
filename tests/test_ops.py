"""Every row of the table of operations: its value and its local derivatives against central differences."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import OPS, Value, gradcheck, maximum, no_grad, numerical_grad, sum_values, weighted_sum
from autograd import ops

reals = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False, allow_infinity=False)
positives = st.floats(min_value=0.05, max_value=5.0)
away_from_zero = reals.filter(lambda x: abs(x) > 0.05)

# (name, function of Values, math reference, strategy per input)
UNARY = [
    ("neg", lambda x: -x, lambda x: -x, reals),
    ("exp", lambda x: x.exp(), math.exp, reals),
    ("log", lambda x: x.log(), math.log, positives),
    ("tanh", lambda x: x.tanh(), math.tanh, reals),
    ("sigmoid", lambda x: x.sigmoid(), lambda x: 1 / (1 + math.exp(-x)), reals),
    ("relu", lambda x: x.relu(), lambda x: max(0.0, x), away_from_zero),
    ("leaky_relu", lambda x: x.leaky_relu(0.1), lambda x: x if x > 0 else 0.1 * x, away_from_zero),
    ("**2", lambda x: x ** 2, lambda x: x ** 2, reals),
    ("**3", lambda x: x ** 3, lambda x: x ** 3, reals),
    ("**-1", lambda x: x ** -1, lambda x: 1 / x, away_from_zero),
    ("**0.5", lambda x: x ** 0.5, math.sqrt, positives),
    ("2**x", lambda x: 2 ** x, lambda x: 2.0 ** x, reals),
]

BINARY = [
    ("+", lambda a, b: a + b, lambda a, b: a + b, reals, reals),
    ("-", lambda a, b: a - b, lambda a, b: a - b, reals, reals),
    ("*", lambda a, b: a * b, lambda a, b: a * b, reals, reals),
    ("/", lambda a, b: a / b, lambda a, b: a / b, reals, away_from_zero),
    ("**", lambda a, b: a ** b, lambda a, b: a ** b, positives, reals),
]


def _agrees(analytic, numeric):
    return abs(analytic - numeric) <= 1e-4 + 1e-4 * abs(numeric)


@pytest.mark.parametrize("name, f, reference, strategy", UNARY, ids=[row[0] for row in UNARY])
def test_unary_op_value_and_derivative(name, f, reference, strategy):
    @settings(max_examples=60, deadline=None)
    @given(strategy)
    def check(x):
        out = f(Value(x))
        assert out.data == pytest.approx(reference(x), rel=1e-12, abs=1e-12)
        assert gradcheck(f, [x])

    check()


@pytest.mark.parametrize("name, f, reference, sa, sb", BINARY, ids=[row[0] for row in BINARY])
def test_binary_op_value_and_derivative(name, f, reference, sa, sb):
    @settings(max_examples=60, deadline=None)
    @given(sa, sb)
    def check(a, b):
        out = f(Value(a), Value(b))
        assert out.data == pytest.approx(reference(a, b), rel=1e-12, abs=1e-12)
        assert gradcheck(f, [a, b])
        # numbers on either side give the same value as Values on both sides
        assert f(a, Value(b)).data == out.data
        assert f(Value(a), b).data == out.data

    check()


@settings(max_examples=40, deadline=None)
@given(st.lists(reals, min_size=1, max_size=6))
def test_sum_values_matches_numeric(xs):
    assert gradcheck(lambda *v: sum_values(v) * sum_values(v), xs)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=5).flatmap(
    lambda n: st.lists(reals, min_size=2 * n + 1, max_size=2 * n + 1)))
def test_weighted_sum_matches_numeric(xs):
    n = len(xs) // 2

    def f(*v):
        return weighted_sum(list(v[:n]), list(v[n:2 * n]), v[-1]).tanh()

    assert gradcheck(f, xs)
    out = weighted_sum([Value(x) for x in xs[:n]], [Value(x) for x in xs[n:2 * n]], Value(xs[-1]))
    assert out.data == pytest.approx(xs[-1] + sum(w * a for w, a in zip(xs[:n], xs[n:2 * n])))


def test_every_fixed_row_is_exercised_and_documented():
    tested = {row[0] for row in UNARY} | {row[0] for row in BINARY} | {"sum", "max", "Σw·a+b"}
    for name, op in OPS.items():
        assert name in tested, f"no numeric test for op {name!r}"
        assert op.formula and op.derivatives
        assert op.arity is None or len(op.derivatives) == op.arity


def test_rules_evaluate_on_values_too():
    # the local-derivative rules are written with arithmetic, so a rule can be
    # evaluated on Values: a derivative of a derivative.
    x = Value(0.5, "x")
    out = x.tanh()
    (d_out_dx,) = ops.TANH.local_grads(x, out)      # 1 - tanh(x)², itself a Value
    assert isinstance(d_out_dx, Value)
    d_out_dx.backward()
    t = math.tanh(0.5)
    assert d_out_dx.data == pytest.approx(1 - t * t)
    assert x.grad == pytest.approx(-2 * t * (1 - t * t))   # second derivative of tanh

    y = Value(3.0)
    (d_log,) = ops.LOG.local_grads(y, y.log())
    assert d_log.data == pytest.approx(1 / 3)
    d_base, d_exp = ops.POW.local_grads(Value(2.0), Value(3.0), Value(8.0))
    assert d_base.data == pytest.approx(12.0) and d_exp.data == pytest.approx(8 * math.log(2))


def test_sigmoid_does_not_overflow():
    for x in (-1000.0, -745.0, 745.0, 1000.0):
        v = Value(x)
        s = v.sigmoid()
        s.backward()
        assert 0.0 <= s.data <= 1.0
        assert v.grad == pytest.approx(0.0, abs=1e-300)
    assert Value(-1000).sigmoid().data == 0.0 and Value(1000).sigmoid().data == 1.0


def test_kinks_use_documented_subgradients():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0
    y = Value(0.0)
    y.leaky_relu(0.2).backward()
    assert y.grad == 0.2


def test_numerical_grad_central_difference():
    # the nudge of the notes: d(a³)/da at a = 2 is 12
    (estimate,) = numerical_grad(lambda a: a ** 3, [2.0], h=1e-4)
    assert estimate == pytest.approx(12.0, abs=1e-7)
    with no_grad():
        assert Value(2.0) ** 3 is not None


def test_each_slot_has_its_derivative_rule_in_the_graphs_own_names():
    # the drawings' edge tooltips read the rule for one input from the table,
    # written with the graph's names, never a placeholder that clashes with them
    for op in OPS.values():
        if op.arity is not None:
            names = [f"p{slot}" for slot in range(op.arity)]
            for slot in range(op.arity):
                assert op.rule_text(slot, names, "out").startswith(f"∂out/∂p{slot} = ")
    assert ops.MUL.rule_text(0, ["b", "c"], "u") == "∂u/∂b = c"
    assert ops.MUL.rule_text(1, ["b", "c"], "u") == "∂u/∂c = b"
    assert ops.DIV.rule_text(1, ["a", "b"], "q") == "∂q/∂b = −a/b²"
    names = ["w1", "w2", "x1", "x2", "b"]
    texts = [ops.WEIGHTED_SUM.rule_text(slot, names, "z") for slot in range(5)]
    assert texts == ["∂z/∂w1 = x1", "∂z/∂w2 = x2", "∂z/∂x1 = w1", "∂z/∂x2 = w2", "∂z/∂b = 1"]
    assert ops.SUM.rule_text(2, ["x", "y", "t"], "s") == "∂s/∂t = 1"
    assert ops.power_by(2.0).rule_text(0, ["v"], "y") == "∂y/∂v = 2·v^1"
    assert ops.leaky_relu_with(0.1).formula_text(["z"], "a") == "a = z if z > 0 else 0.1·z"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=5))
def test_maximum_matches_numeric(xs):
    assume(len(set(xs)) == len(xs))          # no ties: the derivative is defined
    assert gradcheck(lambda *v: maximum(v) * maximum(v), xs)


def test_maximum_gives_the_first_of_tied_inputs_the_gradient():
    a, b, c = Value(2.0), Value(5.0), Value(5.0)
    maximum([a, b, c]).backward()
    assert (a.grad, b.grad, c.grad) == (0.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="at least one"):
        maximum([])


# --- the rows' code: the same rules as expressions, checked against the functions ----------

def _rows_with_code():
    rows = list(OPS.values()) + [ops.power_by(2.0), ops.power_by(-1.0), ops.power_by(0.5),
                                 ops.leaky_relu_with(0.1)]
    return [row for row in rows if row.code is not None or row.array_code is not None]


SAMPLE_INPUTS = [-1.7, -0.4, 0.3, 0.9, 1.6, 2.2, 0.3]


def _inputs_for(row, n_inputs):
    xs = [abs(x) + 0.1 if row in (ops.LOG,) or str(row).startswith("**") else x
          for x in SAMPLE_INPUTS[:n_inputs]]
    if row is ops.DIV:
        xs[1] = 0.8
    return xs


@pytest.mark.parametrize("row", _rows_with_code(), ids=str)
def test_code_expressions_compute_what_the_functions_compute(row):
    np = pytest.importorskip("numpy")
    n_inputs = row.arity if row.arity is not None else 5
    xs = _inputs_for(row, n_inputs)
    out = row.forward(*xs)
    expected_grads = row.local_grads(*xs, out)
    names = [f"x{i}" for i in range(n_inputs)]
    for code, scope in ((row.code, {}), (row.array_code or row.code, {"np": np})):
        if code is None:
            continue
        forward, local_grads = code(names, "out")
        arrays = scope == {"np": np}
        env = dict(scope, **{name: (np.array([x, x]) if arrays else x)
                             for name, x in zip(names, xs)})
        computed = eval(forward, env)
        env["out"] = computed
        assert np.allclose(computed, out, rtol=1e-15, atol=0), (row, forward)
        assert len(local_grads) == n_inputs
        for expression, expected in zip(local_grads, expected_grads):
            assert np.allclose(eval(expression, env), expected, rtol=1e-15, atol=0), \
                (row, expression)
