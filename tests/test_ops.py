"""Every row of the table of operations: its value and its local derivatives against central differences."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import (OPS, Op, Value, gradcheck, maximum, minimum, no_grad, numerical_grad,
                      sum_values, weighted_sum)
from autograd import ops
from error_words import assert_raises_naming

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
    ("softplus", lambda x: x.softplus(), lambda x: math.log(1 + math.exp(x)), reals),
    ("step", lambda x: x.step(), lambda x: 1.0 if x > 0 else 0.0, away_from_zero),
    ("abs", lambda x: abs(x), abs, away_from_zero),
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


@pytest.mark.parametrize("name, f, reference", [
    ("max", lambda a, b: a.max(b), max), ("max", maximum, max),
    ("min", lambda a, b: a.min(b), min), ("min", minimum, min)])
def test_max_and_min_away_from_ties(name, f, reference):
    @settings(max_examples=60, deadline=None)
    @given(reals, reals)
    def check(a, b):
        assume(abs(a - b) > 0.05)          # the nudge must not cross the kink
        out = f(Value(a), Value(b))
        assert out.op == name and out.data == reference(a, b)
        assert gradcheck(f, [a, b])
        assert f(Value(a), b).data == out.data
        assert maximum(a, Value(b)).data == max(a, b) and minimum(a, Value(b)).data == min(a, b)

    check()


# The subgradients at the kinks, as PyTorch 2.x gives them (torch.maximum and
# torch.minimum split the gradient evenly at a tie; torch.abs uses sign(0) = 0).
TIES = [
    # (name, function, inputs, expected gradients)
    ("max tie", lambda a, b: a.max(b), (2.0, 2.0), (0.5, 0.5)),
    ("min tie", lambda a, b: a.min(b), (-1.5, -1.5), (0.5, 0.5)),
    ("max", lambda a, b: a.max(b), (3.0, 2.0), (1.0, 0.0)),
    ("min", lambda a, b: a.min(b), (3.0, 2.0), (0.0, 1.0)),
    ("abs at 0", lambda a: abs(a), (0.0,), (0.0,)),
    ("abs below 0", lambda a: abs(a), (-2.0,), (-1.0,)),
    ("max(a, a)", lambda a: a.max(a), (4.0,), (1.0,)),       # two halves gather at the fork
]
TORCH_FUNCTIONS = {"max tie": "maximum", "min tie": "minimum", "max": "maximum",
                   "min": "minimum", "abs at 0": "abs", "abs below 0": "abs",
                   "max(a, a)": "maximum"}


@pytest.mark.parametrize("name, f, inputs, expected", TIES, ids=[row[0] for row in TIES])
def test_subgradients_at_ties_are_pytorch_s(name, f, inputs, expected):
    leaves = [Value(x) for x in inputs]
    f(*leaves).backward()
    assert tuple(leaf.grad for leaf in leaves) == expected
    try:
        import torch
    except ImportError:
        return        # the stated values above are PyTorch's; checked against it where installed
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    function = getattr(torch, TORCH_FUNCTIONS[name])
    out = function(*tensors) if len(tensors) > 1 or name.startswith("abs") else \
        function(tensors[0], tensors[0])
    out.backward()
    assert tuple(t.grad.item() for t in tensors) == expected


def test_every_fixed_row_is_exercised_and_documented():
    tested = ({row[0] for row in UNARY} | {row[0] for row in BINARY} |
              {"sum", "Σw·a+b", "max", "min"})
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
    # the notes' other choice at ReLU's kink, 0.5; away from 0 the same slopes
    for x, slope in ((0.0, 0.5), (2.0, 1.0), (-2.0, 0.0)):
        z = Value(x)
        z.relu(grad_at_zero=0.5).backward()
        assert z.grad == slope
    # the step function: 0 everywhere, so nothing flows back through a perceptron
    for x in (-1.0, 0.0, 1.0):
        z = Value(x)
        z.step().backward()
        assert z.grad == 0.0


def test_relu_at_zero_refuses_a_non_subgradient():
    with pytest.raises(ValueError, match=r"relu_with.*\[0, 1\].*2\.0"):
        Value(0.0).relu(grad_at_zero=2.0)


def test_softplus_does_not_overflow_and_its_slope_is_the_sigmoid():
    for x in (-1000.0, 1000.0):
        v = Value(x)
        out = v.softplus()
        out.backward()
        assert out.data == pytest.approx(max(x, 0.0))
        assert v.grad == (0.0 if x < 0 else 1.0)
    v = Value(0.3)
    (slope,) = ops.SOFTPLUS.local_grads(v, v.softplus())
    assert isinstance(slope, Value) and slope.data == pytest.approx(1 / (1 + math.exp(-0.3)))


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


def test_relu_of_nan_is_nan():
    # NaN in gives NaN out: a NaN weight in a ReLU network must show in its output.
    x = Value(math.nan, "x")
    out = x.relu()
    assert math.isnan(out.data) and math.isnan(out.local_grads[0])
    assert math.isnan(ops.RELU.forward(math.nan))          # the no_grad path's rule
    assert math.isnan(x.leaky_relu(0.1).data) and math.isnan(x.leaky_relu(0.1).local_grads[0])
    assert Value(-2.0).relu().data == 0.0 and Value(0.0).relu().data == 0.0


def test_relu_network_with_a_nan_weight_gives_nan():
    from nn import MLP
    model = MLP(2, [3, 1])
    model.layers[0].neurons[0].w[0].data = math.nan
    (out,) = model([1.0, 1.0])
    assert math.isnan(out.data)
    with no_grad():
        (fast,) = model([1.0, 1.0])
    assert math.isnan(fast.data)


def test_zero_local_derivative_times_infinite_upstream_gradient_is_nan():
    # The documented decision: every edge is local_grad × upstream_grad in IEEE
    # arithmetic, so a zero local derivative (relu below its kink) times an
    # infinite upstream gradient gives nan, where PyTorch's relu passes 0.
    x = Value(-1.0, "x")
    r = x.relu()
    y = (r * 1e308) * 1e308          # forward 0.0; d(y)/d(r) = 1e308·1e308 = inf
    y.backward()
    assert y.data == 0.0 and r.grad == math.inf
    assert r.local_grads == (0.0,) and math.isnan(x.grad)
    # the same rule for any op with a zero local derivative, as in PyTorch's mul
    a = Value(3.0, "a")
    z = (a * 0.0) * 1e308 * 1e308
    z.backward()
    assert math.isnan(a.grad)


def test_pow_whose_result_fits_has_an_infinite_local_derivative_not_an_error():
    # 1e-200 ** -1 = 1e200 fits; its slope -1·x^-2 = -1e400 does not, and is -inf.
    x = Value(1e-200, "x")
    out = x ** -1
    assert out.data == pytest.approx(1e200) and out.local_grads == (-math.inf,)
    out.backward()
    assert x.grad == -math.inf
    y = Value(1e-200, "y")
    out = y ** Value(-1.0, "n")
    assert out.data == pytest.approx(1e200) and out.local_grads[0] == -math.inf
    # a negative base: x^(n-1) keeps the sign of an odd power
    assert (Value(-1e-200) ** -1).local_grads == (-math.inf,)    # -1·(+1e400)
    assert (Value(-1e-150) ** -2).local_grads == (math.inf,)     # -2·(-1e450)


@pytest.mark.parametrize("base, exponent", [(-2.0, math.nan), (-2.0, math.inf), (-2.0, -math.inf),
                                            (-0.5, math.inf), (2.0, math.nan)])
def test_pow_of_a_nan_or_infinite_exponent_follows_math_pow(base, exponent):
    expected = math.pow(base, exponent)
    for out in (Value(base) ** exponent, base ** Value(exponent), Value(base) ** Value(exponent)):
        assert out.data == expected or (math.isnan(out.data) and math.isnan(expected))


@pytest.mark.parametrize("make, error, words", [
    (lambda: Value(1e200, "x") ** 2, OverflowError, ["'**2'", "x = 1e+200"]),
    (lambda: Value(10.0, "x") ** Value(400.0, "y"), OverflowError, ["'**'", "x = 10.0", "y = 400.0"]),
    (lambda: Value(-2.0, "x") ** 0.5, ValueError, ["'**0.5'", "x = -2.0"]),
    (lambda: Value(0.0, "x") ** -1, ZeroDivisionError, ["'**-1'", "x = 0.0"]),
    (lambda: Value(800.0, "x").exp(), OverflowError, ["'exp'", "x = 800.0"]),
])
def test_every_pow_error_names_the_op_and_its_operands(make, error, words):
    assert_raises_naming(make, error, words)


def test_an_error_in_a_local_derivative_names_the_op_and_its_operands():
    from autograd.value import _apply, _binary, _unary

    def overflowing_grads(*inputs_and_out):
        raise OverflowError("slope too large")

    for arity, make in ((1, lambda op, a, b: _unary(op, a)), (2, lambda op, a, b: _binary(op, a, b)),
                        (2, lambda op, a, b: _apply(op, (a, b)))):
        op = Op("steep", lambda *xs: 1.0, overflowing_grads, "out = 1", ("∂out/∂x = ?",) * arity,
                arity)
        with pytest.raises(OverflowError, match=r"'steep' failed on a = 3\.0.*slope too large"):
            make(op, Value(3.0, "a"), Value(4.0, "b"))


# --- rows whose rules give the wrong number of local derivatives ------------------------

def _softplus(x):
    return math.log1p(math.exp(-abs(x))) + max(x, 0.0)


@pytest.mark.parametrize("local_grads, words", [
    (lambda x, out: (0.5, 0.5), ["'softplus'", "2 local derivatives", "1 input"]),
    (lambda x, out: 1 / (1 + math.exp(-x)), ["'softplus'", "a float (not a tuple)"]),
    (lambda x, out: (1.0,) if x > 0 else (), ["'softplus'", "0 local derivatives", "x = -2.0"]),
    (lambda x, y, out: (1.0, 1.0), ["'softplus'", "1 input"]),          # the rule takes two
])
def test_a_row_with_the_wrong_number_of_local_derivatives_is_refused_when_made(local_grads, words):
    # A row added to the table is tried on a few inputs when it is made (at import
    # for the fixed rows), so its mistake shows there, naming the op, and not as an
    # unnamed IndexError inside some later backward().
    assert_raises_naming(
        lambda: Op("softplus", _softplus, local_grads, "out = ln(1 + e^x)", ("∂out/∂x = σ(x)",), 1),
        ops.OpRuleError, words)


def test_a_row_whose_text_does_not_match_its_arity_is_refused():
    with pytest.raises(ops.OpRuleError, match="'hypot'.*2 inputs.*1 derivative"):
        Op("hypot", math.hypot, lambda a, b, out: (a / out, b / out), "out = √(a² + b²)",
           ("∂out/∂a = a/out",), 2)


def test_an_n_ary_row_with_the_wrong_number_of_local_derivatives_fails_where_the_node_is_made():
    from autograd.value import _apply

    short = Op("short_sum", lambda *xs: math.fsum(xs), lambda *xs_and_out: (1.0,) * (len(xs_and_out) - 2),
               "out = Σ x_i", ("∂out/∂x_i = 1",), None)
    parents = tuple(Value(float(i), f"x{i}") for i in range(10))
    with pytest.raises(ops.OpRuleError) as info:
        _apply(short, parents)
    message = str(info.value)
    assert "'short_sum'" in message and "9 local derivatives" in message and "10 inputs" in message
    assert "and 6 more" in message                      # the operands, capped
    with no_grad():                                     # no local derivatives are made there
        assert _apply(short, parents).data == 45.0


def test_every_row_of_the_table_gives_one_local_derivative_per_input():
    # The fixed rows, and the parametrised ones at a few parameters, pass the
    # check that every row meets when it is made.
    rows = [*OPS.values(), ops.power_by(2.0), ops.power_by(-1.5), ops.power_by(0.5),
            ops.leaky_relu_with(0.2)]
    for op in rows:
        if op.arity is not None:
            ops.check_rules(op)
    assert len(sum_values([Value(1.0)] * 3).local_grads) == 3
    assert len(weighted_sum([Value(1.0)], [Value(2.0)], Value(3.0)).local_grads) == 3


def test_max_min_and_abs_pass_nan_on():
    nan = float("nan")
    for out in (maximum(Value(nan), 1.0), minimum(1.0, Value(nan)), abs(Value(nan))):
        assert math.isnan(out.data) and all(math.isnan(g) for g in out.local_grads)


# --- the rows' code: the same rules as expressions, checked against the functions ----------

def _rows_with_code():
    rows = list(OPS.values()) + [ops.power_by(2.0), ops.power_by(-1.0), ops.power_by(0.5),
                                 ops.leaky_relu_with(0.1)]
    return [row for row in rows if row.code is not None or row.array_code is not None]


SAMPLE_INPUTS = [-1.7, -0.4, 0.3, 0.9, 1.6, 2.2, 0.3]


@pytest.mark.parametrize("row", [ops.RELU, ops.leaky_relu_with(0.1)], ids=str)
def test_code_expressions_keep_nan_in_nan_out(row):
    np = pytest.importorskip("numpy")
    for code, env in ((row.code, {"nan": math.nan, "x": math.nan}),
                      (row.array_code, {"np": np, "x": np.array([math.nan, -1.0])})):
        forward, (local_grad,) = code(["x"], "out")
        assert np.isnan(eval(forward, env)).any() and np.isnan(eval(local_grad, env)).any()


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
        env["nan"] = math.nan
        computed = eval(forward, env)
        env["out"] = computed
        assert np.allclose(computed, out, rtol=1e-15, atol=0), (row, forward)
        assert len(local_grads) == n_inputs
        for expression, expected in zip(local_grads, expected_grads):
            assert np.allclose(eval(expression, env), expected, rtol=1e-15, atol=0), \
                (row, expression)


@pytest.mark.parametrize("row", [row for row in OPS.values() if row.layer is not None], ids=str)
def test_layer_form_computes_what_the_functions_compute_node_by_node(row):
    # A layer of 3 neurons over 4 inputs and 5 samples, against the row's
    # forward and local_grads called once per neuron and sample.
    np = pytest.importorskip("numpy")
    generator = np.random.default_rng(0)
    W, A, b = generator.normal(size=(3, 4)), generator.normal(size=(4, 5)), generator.normal(size=(3, 1))
    G = generator.normal(size=(3, 5))
    env = {"np": np, "W": W, "A": A, "b": b, "G": G}
    Z = eval(row.layer.forward("W", "A", "b"), env)
    dW, dA, db = (eval(expression, env) for expression in row.layer.grads("W", "A", "b", "G"))
    expected_dW, expected_dA, expected_db = np.zeros((3, 4)), np.zeros((4, 5)), np.zeros((3, 1))
    for j in range(3):
        for s in range(5):
            parents = [*W[j], *A[:, s], b[j, 0]]
            weights, inputs, bias = row.layer.parts(parents)
            assert list(weights) == list(W[j]) and list(inputs) == list(A[:, s]) and bias == b[j, 0]
            out = row.forward(*parents)
            assert Z[j, s] == pytest.approx(out, rel=1e-13)
            local = row.local_grads(*parents, out)
            expected_dW[j] += np.array(local[:4]) * G[j, s]
            expected_dA[:, s] += np.array(local[4:8]) * G[j, s]
            expected_db[j, 0] += local[8] * G[j, s]
    assert np.allclose(dW, expected_dW, rtol=1e-13, atol=1e-15)
    assert np.allclose(dA, expected_dA, rtol=1e-13, atol=1e-15)
    assert np.allclose(db, expected_db, rtol=1e-13, atol=1e-15)
