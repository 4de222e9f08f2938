"""The Value node: construction, the graph it records, reprs, and errors for bad input."""

import math
import operator

import pytest

from autograd import (GradcheckError, Op, Value, gradcheck, is_grad_enabled, no_grad, sum_values,
                      weighted_sum)
from autograd.value import _apply
from error_words import assert_raises_naming


def test_leaf_attributes():
    a = Value(5, "a")
    assert type(a.data) is float and a.data == 5.0
    assert (a.grad, a.op, a.label, a.parents, a.local_grads) == (0.0, "", "a", (), ())
    assert a.role == "input"


def test_operation_records_ordered_parents_and_local_grads():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    c = a * b
    assert c.op == "*" and c.parents == (a, b) and c.local_grads == (3.0, 2.0)
    d = b / a
    assert d.parents == (b, a) and d.local_grads == (0.5, -0.75)
    square = a * a
    assert square.parents == (a, a) and square.local_grads == (2.0, 2.0)


def test_numbers_on_either_side_become_constant_leaves():
    a = Value(2.0)
    for out in (a + 1, 1 + a, a - 1, 1 - a, a * 3, 3 * a, a / 4, 4 / a, 2 ** a):
        constant = [p for p in out.parents if p is not a][0]
        assert constant.role == "constant" and constant.parents == ()
    assert (1 - a).data == -1.0 and (4 / a).data == 2.0 and (2 ** a).data == 4.0
    assert (a ** 3).op == "**3" and (a ** 3).parents == (a,)
    assert (a ** Value(3.0)).op == "**"


def test_repr_reads_like_the_issue():
    a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    J = (3 * (a + b * c)).named("J")
    J.backward()
    assert repr(J) == "Value(data=33.0, grad=1.0, op='*', label='J')"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"


@pytest.mark.parametrize("bad", [True, False, "1.0", None, 1 + 2j, [1.0], object()])
def test_bad_data_is_refused(bad):
    with pytest.raises(TypeError, match="real number"):
        Value(bad)


@pytest.mark.parametrize("bad", [True, "2", None, 1j])
def test_bad_operand_is_refused_with_the_op_and_label(bad):
    a = Value(1.0, "a")
    with pytest.raises(TypeError) as info:
        a * bad
    assert "'*'" in str(info.value) and "a = 1.0" in str(info.value)


def test_bad_label_is_refused():
    with pytest.raises(TypeError):
        Value(1.0, label=3)


@pytest.mark.parametrize("make, error, words", [
    (lambda x: x.log(), ValueError, ["log", "x = 0.0", "x > 0"]),
    (lambda x: (x - 1).log(), ValueError, ["log", "-1.0"]),
    (lambda x: (x - 8) ** 0.5, ValueError, ["**0.5", "-8.0", "fractional"]),
    (lambda x: (x - 8) ** Value(1 / 3), ValueError, ["**", "fractional"]),
    (lambda x: 1 / x, ZeroDivisionError, ["'/'", "x = 0.0"]),
    (lambda x: Value(1.0, "one") / x, ZeroDivisionError, ["one = 1.0", "x = 0.0"]),
    (lambda x: x ** -1, ZeroDivisionError, ["**-1", "x = 0.0", "negative power"]),
    (lambda x: x ** Value(-2.0), ZeroDivisionError, ["negative power"]),
    (lambda x: (x + 1000).exp(), OverflowError, ["exp", "1000.0"]),
    (lambda x: (x + 10.0) ** 400, OverflowError, ["**400"]),
])
def test_math_errors_name_the_op_and_operand(make, error, words):
    x = Value(0.0, "x")
    with pytest.raises(error) as info:
        make(x)
    for word in words:
        assert word in str(info.value)


def test_a_failed_op_leaves_the_graph_as_it_was():
    x = Value(-1.0, "x")
    y = x * 2
    before = (y.parents, y.local_grads, x.grad, y.grad)
    with pytest.raises(ValueError):
        y.log()
    assert (y.parents, y.local_grads, x.grad, y.grad) == before
    y.backward()
    assert x.grad == 2.0


def test_never_a_complex_number():
    with pytest.raises(ValueError):
        Value(-8.0) ** (1 / 3)
    assert (Value(-2.0) ** 3).data == -8.0
    assert (Value(-2.0) ** Value(2.0)).data == 4.0


def test_comparisons_use_data_but_equality_is_identity():
    a, b = Value(1.0), Value(1.0)
    assert a < 2 and b <= a and Value(3.0) > a and a >= 1
    assert a != b and a == a and len({a, b}) == 2


def test_no_grad_builds_no_graph_and_restores_mode():
    a = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        b = a * a + 1
        with no_grad():
            pass
        assert not is_grad_enabled()
    assert is_grad_enabled()
    assert b.data == 5.0 and b.parents == () and b.local_grads == ()
    with pytest.raises(RuntimeError):
        with no_grad():
            raise RuntimeError("boom")
    assert is_grad_enabled()


def test_gradcheck_reports_the_disagreeing_input():
    def wrong(a, b):
        out = a * b
        if out.local_grads:   # under no_grad (the nudge) there are none to break
            out.local_grads = (out.local_grads[0] + 1.0, out.local_grads[1])   # break ∂out/∂a
        return out

    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong, [Value(2.0, "a"), Value(3.0, "b")])
    message = str(info.value)
    assert "a:" in message and "differ by 1" in message and "b:" not in message.split("\n")[0]
    report = gradcheck(wrong, [2.0, 3.0], raise_on_failure=False)
    assert not report and report.rows[0][3] == pytest.approx(1.0, abs=1e-6)
    assert report.rows[1][3] < 1e-6


def test_float_of_a_value_raises_and_points_to_data_and_the_method():
    # float(v) would hand back a number and silently cut v out of the graph.
    a = Value(2.5, "a")
    with pytest.raises(TypeError) as info:
        float(a)
    message = str(info.value)
    assert "a = 2.5" in message and "a.data" in message and "exp()" in message
    assert math.isclose(Value(1.0).exp().data, math.e)


@pytest.mark.parametrize("function", [math.exp, math.log, math.tanh, math.sqrt, math.isfinite,
                                      math.floor, int])
def test_math_functions_on_a_value_raise_instead_of_leaving_the_graph(function):
    # math functions convert through __float__ (or __index__ where no __float__ is defined).
    with pytest.raises(TypeError, match=r"\.data"):
        function(Value(1.0, "a"))


def test_math_exp_cannot_cut_a_value_out_of_the_graph():
    a = Value(1.0, "a")
    with pytest.raises(TypeError, match=r"a\.exp\(\)"):
        math.exp(a) * a
    J = a.exp() * a                    # the way that stays in the graph
    J.backward()
    assert a.grad == pytest.approx(2 * math.e)


def test_a_value_is_not_an_index():
    # operator.index would let range(v), lists[v] and math functions take v as an integer.
    assert not hasattr(Value, "__index__")
    with pytest.raises(TypeError):
        operator.index(Value(2.0))


@pytest.mark.parametrize("numbers", [
    [1e308, 1e308],                   # overflow: '+' gives inf
    [1e308, 1e308, -1e308],           # an intermediate overflow that fsum refuses
    [math.inf, -math.inf],            # inf - inf: '+' gives nan
    [math.inf, 1.0, -math.inf, 2.0],
    [-1e308, -1e308, 5.0],
    [math.nan, math.inf, -math.inf],
])
def test_sum_values_agrees_with_plus_on_overflow_and_inf_minus_inf(numbers):
    values = [Value(x) for x in numbers]
    total = sum_values(values)
    chained = values[0]
    for v in values[1:]:
        chained = chained + v
    assert math.isnan(total.data) if math.isnan(chained.data) else total.data == chained.data
    total.backward()                  # the local derivatives are still 1 each
    assert all(v.grad == 1.0 for v in values)


def test_error_operand_listing_is_capped():
    # An n-ary op that fails on a million operands must not write a million of them.
    def refuse(*xs):
        raise ValueError("not defined here")

    op = Op("refuses", refuse, lambda *xs_and_out: (1.0,) * (len(xs_and_out) - 1),
            "out = f(x_1, ..., x_n)", ("∂out/∂x_i = 1",), None)
    parents = tuple(Value(float(i)) for i in range(1_000_000))
    parents[0].label = "first"
    with pytest.raises(ValueError) as info:
        _apply(op, parents)
    message = str(info.value)
    assert len(message) < 300, message[:300]
    assert "'refuses'" in message and "first = 0.0" in message
    assert "and 999996 more" in message
    with pytest.raises(ValueError, match=r"'refuses' failed on a = 1\.0 and 2\.0: not defined"):
        _apply(op, (Value(1.0, "a"), Value(2.0)))


@pytest.mark.parametrize("make, error, words", [
    (lambda: weighted_sum([0.5, Value(1.0)], [1.0, 2.0], Value(0.0)), TypeError,
     ["weighted_sum", "weights[0]", "float 0.5", "Value"]),
    (lambda: weighted_sum([Value(0.5)], [1.0], 0.0), TypeError, ["weighted_sum", "bias", "float 0.0"]),
    (lambda: weighted_sum(Value(0.5), [1.0], Value(0.0)), TypeError, ["weighted_sum", "weights", "list"]),
    (lambda: weighted_sum([Value(0.5)], ["x"], Value(0.0)), TypeError, ["'Σw·a+b'", "str 'x'"]),
])
def test_weighted_sum_refuses_bad_arguments_naming_them(make, error, words):
    assert_raises_naming(make, error, words)
