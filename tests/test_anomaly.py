"""detect_anomaly(): the first NaN or infinity stops, naming the op, operands, edge and the user's line."""

import math
import sys
import threading

import pytest

import nn
from autograd import (AnomalyError, Value, detect_anomaly, is_anomaly_enabled, is_grad_enabled,
                      no_grad, sweep, weighted_sum)
from demos import moons
from threads import WAIT, run_in_thread


def next_line():
    """The number of the caller's next line: where the node made there was made."""
    return sys._getframe(1).f_lineno + 1


# --- the three checks ----------------------------------------------------------------------

def test_non_finite_forward_result_names_op_operands_and_line():
    big, ten = Value(1e308, "big"), Value(10.0, "ten")
    with detect_anomaly():
        with pytest.raises(AnomalyError) as info:
            line = next_line()
            big * ten
    message = str(info.value)
    assert "'*' (out = big·ten) gave a non-finite forward result inf" in message
    assert "big = 1e+308 (input), ten = 10.0 (input)" in message
    assert f"made at {__file__}, line {line}, in " in message
    assert info.value.op == "*" and info.value.where == "forward result"
    assert info.value.made_at == (__file__, line, "test_non_finite_forward_result_names_op_operands_and_line")
    assert isinstance(info.value, ArithmeticError)


def test_nan_in_gives_an_error_at_the_first_operation():
    weight = Value(math.nan, "w")
    with detect_anomaly():
        with pytest.raises(AnomalyError, match=r"'\+' .* forward result nan[\s\S]*w = nan \(input\)"):
            weight + 1


def test_non_finite_local_derivative_names_the_slot_and_rule():
    x = Value(0.0, "x")
    with detect_anomaly():
        with pytest.raises(AnomalyError) as info:
            line = next_line()
            x ** 0.5          # forward 0 is fine; its slope at 0 is infinite
    message = str(info.value)
    assert "'**0.5' (out = x^0.5) has a non-finite local derivative" in message
    assert "slot 0: ∂out/∂x = 0.5·x^-0.5 = inf" in message
    assert "x = 0.0 (input)" in message and "forward result: 0.0" in message
    assert f"line {line}" in message and info.value.where == "local derivative"


def test_backward_contribution_that_overflows_names_the_edge_and_the_line_that_made_it():
    # Every forward result and local derivative is finite; only their product
    # along the edge into x overflows: 1e300 × (0.5 / sqrt(1e-300)) = 5e449.
    x = Value(1e-300, "x")
    with detect_anomaly():
        line = next_line()
        root = x ** 0.5
        y = (1e300 * root).named("y")
        with pytest.raises(AnomalyError) as info:
            y.backward()
    message = str(info.value)
    assert ("backward: the edge from '**0.5' (slot 0) to its parent x = 1e-300 (input) gives a "
            "non-finite gradient") in message
    assert "local derivative × upstream gradient = 5e+149 × 1e+300 = inf" in message
    assert "child: 1e-150 (made by '**0.5'), with upstream gradient 1e+300" in message
    assert "local derivative: ∂out/∂x = 0.5·x^-0.5 = 5e+149" in message
    assert f"the child was made at {__file__}, line {line}" in message
    assert info.value.where == "backward" and info.value.op == "**0.5"
    assert root.grad == 1e300, "the sweep stops at the bad edge, after the good ones"


def test_backward_names_a_stale_non_finite_leaf_gradient():
    w = Value(2.0, "w")
    w.grad = math.nan                   # left over from an earlier pass: no zero_grad()
    with detect_anomaly():
        loss = w * 3.0
        with pytest.raises(AnomalyError, match=r"already nan before this edge[\s\S]*zero_grad"):
            loss.backward()


def test_backward_names_an_overflowing_sum_of_finite_contributions():
    w = Value(1.0, "w")
    w.grad = 1.5e308
    with detect_anomaly():
        loss = w * 1e308
        with pytest.raises(AnomalyError, match=r"adding its contribution 1e\+308 to the parent's "
                                               r"gradient 1.5e\+308 overflowed"):
            loss.backward()


def test_graph_built_outside_the_block_is_checked_but_has_no_line():
    x = Value(1e-300, "x")
    y = 1e300 * x ** 0.5
    with detect_anomaly():
        with pytest.raises(AnomalyError, match="made outside detect_anomaly()"):
            y.backward()


def test_the_recording_sweep_is_checked_too():
    x = Value(1e-300, "x")
    edges = []
    with detect_anomaly():
        y = 1e300 * x ** 0.5
        with pytest.raises(AnomalyError, match="edge from '\\*\\*0.5'"):
            sweep(y, on_edge=edges.append)
    assert len(edges) == 2, "the two good edges out of y are recorded, the bad one is not"


def test_long_operand_lists_are_capped_and_show_the_culprit():
    weights = [Value(0.1, f"w{i}") for i in range(30)] + [Value(math.inf, "w_bad")]
    inputs = [1.0] * 31
    with detect_anomaly():
        with pytest.raises(AnomalyError) as info:
            weighted_sum(weights, inputs, Value(0.0, "b"))
    message = str(info.value)
    assert "[30] w_bad = inf (input)" in message
    assert "and 57 more, none larger" in message
    assert len(message) < 1000


# --- off by default, per thread, nesting ------------------------------------------------------

def test_off_by_default_nothing_is_checked():
    assert not is_anomaly_enabled()
    x = Value(1e-300, "x")
    y = 1e300 * x ** 0.5
    y.backward()
    assert x.grad == math.inf
    assert (Value(1e308) * 10).data == math.inf
    assert type(y.local_grads) is tuple, "nothing is remembered outside the block"


def test_nodes_made_inside_remember_their_line_on_their_local_derivatives():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    with detect_anomaly():
        line = next_line()
        c = a * b
    assert c.local_grads == (3.0, 2.0) and repr(c.local_grads) == "(3.0, 2.0)"
    assert c.local_grads.made_at[:2] == (__file__, line)
    c.backward()
    assert (a.grad, b.grad) == (3.0, 2.0)


def test_nests_with_no_grad_either_way_round():
    with detect_anomaly():
        with no_grad():
            assert is_anomaly_enabled() and not is_grad_enabled()
            leaf = Value(2.0) * 3
            assert leaf.parents == ()
            with pytest.raises(AnomalyError):
                Value(1e308) * 10
        assert is_anomaly_enabled() and is_grad_enabled()
    with no_grad():
        with detect_anomaly():
            assert is_anomaly_enabled() and not is_grad_enabled()
        assert not is_anomaly_enabled() and not is_grad_enabled()
    assert not is_anomaly_enabled() and is_grad_enabled()


def test_a_network_under_no_grad_is_checked_too():
    model = nn.MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[1].w[0].data = math.inf
    with no_grad():
        assert not math.isfinite(model([1.0, 1.0])[0].data)   # unchecked: inf or nan, silently
        with detect_anomaly():
            with pytest.raises(AnomalyError, match=r"w\[1\]_1,2 = inf \(parameter\)"):
                model([1.0, 1.0])


def test_one_threads_block_does_not_check_another_thread():
    inside, done = threading.Event(), threading.Event()
    seen = []

    def checking_thread():
        with detect_anomaly():
            inside.set()
            seen.append(is_anomaly_enabled())
            assert done.wait(WAIT)

    join = run_in_thread(checking_thread)
    try:
        assert inside.wait(WAIT)
        assert not is_anomaly_enabled()
        assert (Value(1e308) * 10).data == math.inf     # no error in this thread
    finally:
        done.set()
        join()
    assert seen == [True]


# --- the demo -------------------------------------------------------------------------------

def test_moons_demo_with_a_far_too_large_learning_rate_stops_at_the_first_overflow(capsys, tmp_path):
    with pytest.raises(SystemExit) as info:
        moons.main(["--lr", "6000", "--detect-anomaly", "--steps", "20",
                    "--out", str(tmp_path / "moons.png")])
    assert info.value.code == 1
    captured = capsys.readouterr()
    assert "step   6: loss" in captured.out and "step   7" not in captured.out
    assert "detect_anomaly() stopped training at the first NaN or infinity" in captured.err
    assert "'Σw·a+b' gave a non-finite forward result inf" in captured.err
    assert f"made at {moons.__file__}, line" in captured.err
    assert not (tmp_path / "moons.png").exists()


def test_moons_demo_without_the_flag_stops_on_a_non_finite_loss(capsys, tmp_path):
    with pytest.raises(SystemExit) as info:
        moons.main(["--lr", "6000", "--steps", "20", "--out", str(tmp_path / "moons.png")])
    assert info.value.code == 1
    assert "The loss became inf at step 7" in capsys.readouterr().err
