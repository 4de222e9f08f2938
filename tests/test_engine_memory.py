"""The engine's memory: graphs without reference cycles, a garbage collector left as found, small nodes.

Speed is measured by ``python -m demos.benchmark``, not here; these tests
check the properties that the speed rests on, with exact counts.
"""

import gc
import math
import tracemalloc

import pytest

from autograd import Value, no_grad, ops, sum_values, sweep, weighted_sum
from autograd.value import _apply, _binary, _unary
from nn import MLP, hinge, l2


def _count_values():
    """How many Values are alive (every Value is tracked by the garbage collector)."""
    return sum(1 for obj in gc.get_objects() if type(obj) is Value)


@pytest.fixture
def collector_off():
    """Switch the cyclic collector off for a test, so that only reference counting frees memory."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _training_step_graph():
    """A small version of micrograd's demo step: MLP 2-4-4-1, hinge loss + L2, backward."""
    model = MLP(2, [4, 4, 1], seed=1)
    points = [[0.5, -1.0], [1.5, 0.25], [-0.75, 0.5]]
    scores = [model(x)[0] for x in points]
    loss = hinge(scores, [1, -1, 1]) + l2(model.parameters(), 1e-4)
    loss.backward()
    return model, loss


# --- no reference cycles: reference counting alone frees a graph ----------------------

def test_a_graph_is_freed_by_reference_counting_alone(collector_off):
    before = _count_values()
    model, loss = _training_step_graph()
    n_parameters = len(model.parameters())
    assert _count_values() > before + n_parameters      # the graph is alive
    del loss
    # Only the parameters remain: no cycle keeps an intermediate node alive.
    assert _count_values() == before + n_parameters
    del model
    assert _count_values() == before
    assert gc.collect() == 0                              # and there was nothing for the collector


def test_a_deep_chain_is_freed_without_the_collector(collector_off):
    before = _count_values()
    x = Value(0.5, "x")
    y = x
    for _ in range(100_000):
        y = y + x
    y.backward()
    assert x.grad == 100_001.0
    del y
    assert _count_values() == before + 1                   # x alone
    assert gc.collect() == 0


def test_backward_twice_keeps_no_extra_references(collector_off):
    _, loss = _training_step_graph()
    before = _count_values()
    loss.backward()
    loss.backward()
    assert _count_values() == before
    assert gc.collect() == 0


# --- the sweep pauses the collector and restores it -------------------------------------

def test_sweep_pauses_the_collector_and_switches_it_back_on():
    assert gc.isenabled()
    seen = []
    a, b = Value(2.0), Value(3.0)
    sweep(a * b + a, on_edge=lambda update: seen.append(gc.isenabled()))
    assert seen and not any(seen)          # off during the sweep
    assert gc.isenabled()                  # on again afterwards
    (a * b).backward()
    assert gc.isenabled()


def test_sweep_leaves_a_collector_that_was_off_switched_off(collector_off):
    a = Value(2.0)
    (a * a).backward()
    assert not gc.isenabled()


def test_sweep_restores_the_collector_after_an_exception():
    class Stop(Exception):
        pass

    def stop(update):
        raise Stop

    a = Value(2.0)
    assert gc.isenabled()
    with pytest.raises(Stop):
        sweep(a * a, on_edge=stop)
    assert gc.isenabled()


def test_sweep_leaves_the_thresholds_alone():
    thresholds = gc.get_threshold()
    a = Value(2.0)
    (a * a + a).backward()
    assert gc.get_threshold() == thresholds


# --- small nodes -----------------------------------------------------------------------

def _bytes_per_node(build, n):
    tracemalloc.start()
    try:
        root = build(n)
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size / n, root


def test_a_node_is_small_and_its_slots_are_fixed():
    node = Value(1.0) + Value(2.0)
    assert not hasattr(node, "__dict__")
    with pytest.raises(AttributeError):
        node.colour = "red"


def test_memory_per_node_is_under_a_third_of_micrograds():
    from micrograd.engine import Value as MicrogradValue

    def chain(value_type):
        def build(n):
            x, step = value_type(0.5), value_type(1.0)
            for _ in range(n):
                x = x + step
            return x
        return build

    ours, _ = _bytes_per_node(chain(Value), 20_000)
    theirs, _ = _bytes_per_node(chain(MicrogradValue), 20_000)
    # One + node: a Value (7 slots), its parents tuple and its data float;
    # micrograd's also has a __dict__, a set of parents and a closure.
    assert ours < 200
    assert ours <= theirs / 3


def test_add_shares_its_constant_local_grads():
    a, b = Value(1.0), Value(2.0)
    assert (a + b).local_grads is (b + a).local_grads    # nothing allocated per node


# --- the fast paths build exactly the nodes _apply builds ---------------------------------

_BINARY = [ops.ADD, ops.SUB, ops.MUL, ops.DIV, ops.POW]
_UNARY = [ops.NEG, ops.EXP, ops.LOG, ops.TANH, ops.SIGMOID, ops.RELU,
          ops.power_by(2.0), ops.power_by(0.5), ops.leaky_relu_with(0.01)]


def _same_node(x, y):
    return (x.data == y.data or (math.isnan(x.data) and math.isnan(y.data))) and (
        x.op == y.op and x.parents == y.parents and x.local_grads == y.local_grads
        and x.role == y.role and x.label == y.label and x.grad == y.grad)


@pytest.mark.parametrize("op", _BINARY, ids=str)
@pytest.mark.parametrize("x, y", [(2.0, 3.0), (0.5, -1.5), (-2.0, 2.0)])
def test_binary_fast_path_matches_apply(op, x, y):
    a, b = Value(x), Value(y)
    assert _same_node(_binary(op, a, b), _apply(op, (a, b)))
    with no_grad():
        assert _same_node(_binary(op, a, b), _apply(op, (a, b)))


@pytest.mark.parametrize("op", _UNARY, ids=str)
@pytest.mark.parametrize("x", [2.0, 0.25, -0.0, -3.0])
def test_unary_fast_path_matches_apply(op, x):
    a = Value(x)
    try:
        expected = _apply(op, (a,))
    except ValueError as error:          # log and √ of a negative number
        with pytest.raises(ValueError) as raised:
            _unary(op, a)
        assert str(raised.value) == str(error)
        return
    assert _same_node(_unary(op, a), expected)
    with no_grad():
        assert _same_node(_unary(op, a), _apply(op, (a,)))


def test_fast_paths_reword_errors_like_apply():
    a, zero = Value(1.0, "a"), Value(0.0, "z")
    with pytest.raises(ZeroDivisionError, match=r"'/' failed on a = 1.0 and z = 0.0"):
        a / zero
    with pytest.raises(ValueError, match=r"'log' failed on z = 0.0"):
        zero.log()


def test_weighted_sum_is_bias_plus_the_products():
    weights = [Value(w) for w in (0.1, 0.2, 0.3)]
    inputs = [0.7, 0.11, 3.0]
    bias = Value(0.05)
    z = weighted_sum(weights, inputs, bias)
    assert z.data == pytest.approx(0.05 + 0.07 + 0.022 + 0.9, rel=1e-15)
    assert z.local_grads == (0.7, 0.11, 3.0, 0.1, 0.2, 0.3, 1.0)
    assert sum_values([Value(1.0), Value(2.0)]).local_grads == (1.0, 1.0)
