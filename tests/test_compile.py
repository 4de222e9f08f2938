"""Compiled replay equals eager execution: losses and parameters over 10 training steps, guards, the listing."""

import math
import random
import re
import struct
import sys
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
from autograd import OPS, Value, minimum, ops, sum_values, weighted_sum
from autograd.value import node_maker
from autograd.compile import CompiledStep, GuardFailed, RecordingError, compile_step
from demos.digits import load_digits_split
from demos.moons import load_moons
from random_graphs import graph_specs, make_nodes

ALPHA = 1e-4
STEPS = 10


def _moons_model():
    return nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=3)


def _hinge_of_sample(model):
    return lambda x, y: (1 - y * model(x)[0]).relu()


@pytest.mark.parametrize("numpy", [False, True], ids=["python", "numpy"])
def test_moons_replay_equals_eager_over_ten_steps(numpy):
    if numpy:
        pytest.importorskip("numpy")
    inputs, labels = load_moons()
    eager, replayed = _moons_model(), _moons_model()
    step = compile_step(_hinge_of_sample(replayed), replayed.parameters(), (inputs[0], labels[0]),
                        penalty=lambda: nn.l2(replayed.parameters(), ALPHA), numpy=numpy)
    eager_optimizer = nn.SGD(eager.parameters(), lr=nn.linear_decay(1.0, 0.1, 100))
    replay_optimizer = nn.SGD(replayed.parameters(), lr=nn.linear_decay(1.0, 0.1, 100))
    batch = list(zip(inputs, labels))
    for _ in range(STEPS):
        loss = nn.hinge([eager(x)[0] for x in inputs], labels) + nn.l2(eager.parameters(), ALPHA)
        eager.zero_grad()
        loss.backward()
        eager_optimizer.step()

        replayed.zero_grad()
        replay_loss = step(batch)
        replay_optimizer.step()
        assert replay_loss == pytest.approx(loss.data, abs=1e-12)
        for ours, theirs in zip(replayed.parameters(), eager.parameters()):
            assert ours.data == pytest.approx(theirs.data, abs=1e-12)
            assert ours.grad == pytest.approx(theirs.grad, abs=1e-12)


@pytest.mark.parametrize("numpy", [False, True], ids=["python", "numpy"])
def test_digits_minibatch_replay_equals_eager_over_ten_steps(numpy):
    if numpy:
        pytest.importorskip("numpy")
    train_x, _, train_y, _ = load_digits_split()
    eager = nn.MLP(64, [32, 10], activation="relu", seed=1)
    replayed = nn.MLP(64, [32, 10], activation="relu", seed=1)
    # The class index picks which logit the loss subtracts: a static argument,
    # so each class present gets its own program.
    step = compile_step(lambda x, y: nn.cross_entropy(replayed(x), y), replayed.parameters(),
                        (train_x[0], train_y[0]), static_argnums=(1,), numpy=numpy)
    eager_optimizer, replay_optimizer = nn.Adam(eager.parameters(), lr=0.01), \
        nn.Adam(replayed.parameters(), lr=0.01)
    for index in range(STEPS):
        batch = list(range(32 * index, 32 * index + 32))
        loss = nn.cross_entropy([eager(train_x[i]) for i in batch], [train_y[i] for i in batch])
        eager.zero_grad()
        loss.backward()
        eager_optimizer.step()

        replayed.zero_grad()
        replay_loss = step([(train_x[i], train_y[i]) for i in batch])
        replay_optimizer.step()
        assert replay_loss == pytest.approx(loss.data, abs=1e-12)
        for ours, theirs in zip(replayed.parameters(), eager.parameters()):
            assert ours.data == pytest.approx(theirs.data, abs=1e-12)
    assert len(step.programs) == 10                          # one per digit class seen


def test_ops_without_inline_code_are_called_from_the_table():
    # tanh, exp, log and x**2 have no inline expression: the program calls the
    # row's own forward and local_grads, bound by name.
    w, b = Value(0.3, "w"), Value(-0.2, "b")

    def loss_of(x, y):
        return ((w * x + b).tanh().exp() - y).log() ** 2

    step = compile_step(loss_of, [w, b], (1.5, 0.5))
    assert "tanh(" in str(step) and "tanh_grads(" in str(step)
    for x, y in [(1.5, 0.5), (-0.7, 0.1), (0.2, 0.3)]:
        w.grad = b.grad = 0.0
        replay_loss = step([(x, y)])
        replay_grads = (w.grad, b.grad)
        w.grad = b.grad = 0.0
        eager = loss_of(Value(x), Value(y))
        eager.backward()
        assert replay_loss == pytest.approx(eager.data, abs=1e-12)
        assert replay_grads == pytest.approx((w.grad, b.grad), abs=1e-12)


# --- the listing ---------------------------------------------------------------------

def test_the_listing_reads_like_the_notes():
    model = nn.MLP(2, [2, 1], activation="relu", seed=0)
    step = compile_step(_hinge_of_sample(model), model.parameters(), ([0.5, -1.0], 1))
    listing = str(step)
    assert listing.startswith("# ")
    assert "def step(params, grads, batch, scale):" in listing
    assert "for (x_1, x_2), y in batch:" in listing
    assert "z1_1 = b1_1 + w1_1_1*x_1 + w1_2_1*x_2  # Σw·a+b" in listing
    assert "a1_1 = (z1_1 if z1_1 > 0 else 0.0 if z1_1 <= 0 else z1_1)  # relu" in listing
    assert "g_w1_1_1 += x_1 * g_z1_1" in listing
    assert "# backward pass: one line per edge" in listing
    compile(listing, "listing", "exec")                      # it is Python as printed


# --- what a replay cannot see, it refuses or checks -------------------------------------

def test_a_comparison_while_recording_becomes_a_guard():
    w = Value(2.0, "w")

    def branchy(x):
        z = w * x
        return z.relu() if z > 0 else -z       # the shape depends on the sign of z

    step = compile_step(branchy, [w], (1.0,))
    assert "if not (" in str(step)
    assert step([(3.0,)]) == pytest.approx(6.0)
    with pytest.raises(GuardFailed, match=r"comparison made while recording, .* was True"):
        step([(3.0,), (-1.0,)])
    numpy_step = compile_step(branchy, [w], (1.0,), numpy=True)
    with pytest.raises(GuardFailed):
        numpy_step([(3.0,), (-1.0,)])


def test_reading_numbers_off_values_while_recording_is_refused():
    w = Value(2.0, "w")
    with pytest.raises(RecordingError, match=r"read the number of .* while being recorded"):
        compile_step(lambda x: (w * x).relu() if (w * x).data > 0 else w, [w], (1.0,))
    # binary cross-entropy with logits chooses -z or z from z's number: refused, not guessed.
    with pytest.raises(RecordingError):
        compile_step(lambda x, y: nn.binary_cross_entropy_with_logits([w * x], [y]), [w],
                     (1.0, 1.0), static_argnums=(1,))


def test_the_value_class_is_left_as_it_was_after_recording():
    before = {name: Value.__dict__[name] for name in ("data", "__lt__", "__gt__")}
    w = Value(2.0, "w")
    with pytest.raises(RecordingError):
        compile_step(lambda x: w * x if x.data > 0 else w, [w], (1.0,))
    compile_step(lambda x: w * x, [w], (1.0,))
    assert {name: Value.__dict__[name] for name in before} == before
    assert Value(1.5).data == 1.5 and Value(1.0) < Value(2.0)


def test_a_sample_of_another_shape_is_refused():
    model = nn.MLP(2, [2, 1], seed=0)
    step = compile_step(_hinge_of_sample(model), model.parameters(), ([0.5, -1.0], 1))
    with pytest.raises(GuardFailed, match="'x' has 3 numbers; the recorded step had 2"):
        step([([0.5, -1.0, 2.0], 1)])
    with pytest.raises(GuardFailed, match="a sample has 1 arguments"):
        step([([0.5, -1.0],)])


def test_a_leaf_that_is_neither_input_nor_parameter_is_refused():
    w, hidden = Value(2.0, "w"), Value(3.0, "hidden")
    with pytest.raises(RecordingError, match="'hidden' = 3.0, a leaf that is neither"):
        compile_step(lambda x: w * x + hidden, [w], (1.0,))


def test_numpy_mode_says_how_to_get_numpy(monkeypatch):
    monkeypatch.setitem(sys.modules, "numpy", None)
    w = Value(2.0, "w")
    with pytest.raises(ModuleNotFoundError, match="needs NumPy: pip install numpy"):
        compile_step(lambda x: w * x, [w], (1.0,), numpy=True)


def test_compile_step_is_a_compiled_step():
    w = Value(2.0, "w")
    step = compile_step(lambda x: w * x, [w], (1.0,))
    assert isinstance(step, CompiledStep) and "1 program" in repr(step)
    assert step.record_seconds > 0
    with pytest.raises(ValueError, match="at least one sample"):
        step([])


def test_recording_in_one_thread_leaves_other_threads_alone():
    # The watch on .data and comparisons is on the class while a step is recorded;
    # a thread that is not recording must read and compare as always, meanwhile.
    import threading
    from autograd import compile as compile_module

    inside, done = threading.Event(), threading.Event()
    seen = {}

    def other_thread():
        inside.wait(10)
        x = Value(3.0, "x")
        seen["data"] = x.data                       # no RecordingError here
        seen["compare"] = x > 1.0
        done.set()

    worker = threading.Thread(target=other_thread)
    worker.start()
    recording = compile_module._Recording()
    with compile_module._watching(recording):
        inside.set()
        assert done.wait(10)
    worker.join()
    assert seen == {"data": 3.0, "compare": True}
    assert recording.guards == []                   # the other thread's comparison is not a guard


# --- NumPy mode: a layer's nodes as one matrix ---------------------------------------

def test_numpy_listing_writes_each_layer_as_the_notes_matrix_formulas():
    model = nn.MLP(2, [3, 3, 1], activation="relu", seed=0)
    step = compile_step(_hinge_of_sample(model), model.parameters(), ([0.5, -1.0], 1), numpy=True)
    listing = str(step)
    for line in ["X = np.stack((x_1, x_2,))",
                 "W1 = params[W1_at]  # 3 neurons × 2 inputs",
                 "Z1 = W1 @ X + b1  # Σw·a+b, a row per neuron",
                 "A1 = np.where(Z1 > 0, Z1, np.where(Z1 <= 0, 0.0, Z1))  # relu",
                 "Z2 = W2 @ A1 + b2", "(z3_1,) = Z3",
                 "grads[W2_at] += g_Z2 @ A1.T", "grads[b2_at] += g_Z2.sum(axis=1, keepdims=True)",
                 "g_A1 = W2.T @ g_Z2", "g_Z1 = np.where(Z1 > 0, 1.0, np.where(Z1 <= 0, 0.0, np.nan)) * g_A1"]:
        assert line in listing, line
    assert "w1_1_1" not in listing          # a layer's weights are read as one matrix
    compile(listing, "listing", "exec")


def _parameters(count, label, generator):
    return [Value(generator.uniform(-1, 1), f"{label}_{k}") for k in range(1, count + 1)]


def _graph_shapes():
    """Loss functions of (x, y) whose layers a NumPy replay must join into matrices, or not, correctly."""
    import random as random_module
    shapes = {}

    def make(name, body):
        generator = random_module.Random(len(shapes))
        made = {}

        def loss_of(x, y):
            return body(x, y, made, generator)
        shapes[name] = (loss_of, made)

    def built(made, key, build):
        # Build the parameters on the first (recording) call only, so that the
        # eager calls reuse them.
        if key not in made:
            made[key] = build()
        return made[key]

    def square(v):
        return v * v

    def skip_connection(x, y, made, generator):
        # z1_1 feeds layer 2 with the rest and also the loss directly: rows and a matrix.
        z1 = _layer(made, "1", x, 3, generator)
        a1 = [z.tanh() for z in z1]
        out = _layer(made, "2", a1, 1, generator)[0]
        return square(out + 0.5 * z1[0] - y)

    def shared_weights(x, y, made, generator):
        # Two neurons share their weights: they are not a layer's matrix.
        shared = built(made, "shared", lambda: _parameters(len(x), "shared", generator))
        z = built(made, "biases", lambda: [Value(0.1, "b1"), Value(-0.2, "b2")])
        sums = [weighted_sum(shared, list(x), z[0]), weighted_sum(shared, list(x), z[1])]
        return square(sums[0].relu() - sums[1].sigmoid() - y)

    def mixed_activations(x, y, made, generator):
        # tanh on two neurons and relu on the third: no matrix of activations,
        # so layer 2 stacks them and sends their gradients back one by one.
        z1 = _layer(made, "1", x, 3, generator)
        a1 = [z1[0].tanh(), z1[1].tanh(), z1[2].relu(), x[0]]
        return square(_layer(made, "2", a1, 1, generator)[0] - y)

    def two_heads(x, y, made, generator):
        a1 = [z.relu() for z in _layer(made, "1", x, 4, generator)]
        head = _layer(made, "h", a1, 2, generator)
        tail = _layer(made, "t", a1, 1, generator)
        return square(head[0] * head[1] + tail[0] - y)

    def activation_of_activation(x, y, made, generator):
        a1 = [z.tanh().sigmoid() for z in _layer(made, "1", x, 3, generator)]
        return square(_layer(made, "2", a1, 1, generator)[0] - y)

    def guarded_member(x, y, made, generator):
        a1 = [z.relu() for z in _layer(made, "1", x, 3, generator)]
        out = _layer(made, "2", a1, 1, generator)[0]
        return square(out - y) if a1[0] > -1.0 else out       # a guard on one row

    for name, body in [("skip connection", skip_connection), ("shared weights", shared_weights),
                       ("mixed activations", mixed_activations), ("two heads", two_heads),
                       ("activation of activation", activation_of_activation),
                       ("guarded member", guarded_member)]:
        make(name, body)
    return shapes


def _layer(made, label, inputs, n_neurons, generator):
    if label not in made:
        made[label] = [(_parameters(len(inputs), f"w{label}_{j}", generator),
                        Value(generator.uniform(-1, 1), f"b{label}_{j}"))
                       for j in range(1, n_neurons + 1)]
    return [weighted_sum(w, list(inputs), b) for w, b in made[label]]


@pytest.mark.parametrize("shape", list(_graph_shapes()))
def test_numpy_replay_with_layers_as_matrices_equals_eager(shape):
    pytest.importorskip("numpy")
    loss_of, made = _graph_shapes()[shape]
    samples = [([0.3, -0.8], 0.5), ([1.1, 0.4], -0.2), ([-0.6, 0.9], 0.1), ([0.2, 0.2], 0.7)]
    loss_of([Value(v) for v in samples[0][0]], Value(samples[0][1]))     # makes the parameters
    parameters = [leaf for entry in made.values()
                  for leaf in (entry if isinstance(entry[0], Value) else
                               [p for w, b in entry for p in (*w, b)])]
    step = compile_step(loss_of, parameters, samples[0], numpy=True)
    for _ in range(3):
        for p in parameters:
            p.grad = 0.0
        eager = sum((loss_of([Value(v) for v in x], Value(y)) for x, y in samples), Value(0.0))
        eager = eager / len(samples)
        eager.backward()
        expected = [p.grad for p in parameters]
        for p in parameters:
            p.grad = 0.0
        assert step(samples) == pytest.approx(eager.data, abs=1e-12)
        assert [p.grad for p in parameters] == pytest.approx(expected, abs=1e-12)
        for p in parameters:
            p.data -= 0.1 * p.grad
    assert (" @ " in str(step)) == (shape != "shared weights")     # matrices where they can be


def test_numpy_replay_hands_gradients_from_one_program_to_the_next():
    # One program per static value; a parameter whose local derivative is a
    # number (w·3) is added on the spot: it must start from 0, not from the
    # gradients the previous program handed on.
    w, v = Value(0.5, "w"), Value(2.0, "v")

    def loss_of(x, k):
        return (w * 3.0) * x * (k + 1) + v * x

    batch = [(1.0, 0), (2.0, 1), (3.0, 0)]
    eager = sum((loss_of(Value(x), k) for x, k in batch), Value(0.0)) / 3
    eager.backward()
    expected = (w.grad, v.grad)
    for numpy in (False, True):
        step = compile_step(loss_of, [w, v], batch[0], static_argnums=(1,), numpy=numpy)
        w.grad = v.grad = 0.0
        assert step(batch) == pytest.approx(eager.data, abs=1e-12)
        assert (w.grad, v.grad) == pytest.approx(expected, abs=1e-12)


def _rows_of_one_or_two_inputs():
    rows = [row for row in OPS.values() if row.arity in (1, 2)]
    return rows + [ops.power_by(3.0), ops.power_by(-0.5), ops.leaky_relu_with(0.1),
                   ops.relu_with(0.5)]


@pytest.mark.parametrize("row", _rows_of_one_or_two_inputs(), ids=str)
@pytest.mark.parametrize("numpy", [False, True], ids=["python", "numpy"])
def test_every_row_replays_its_local_derivative_times_the_upstream_gradient(row, numpy):
    # The row's output is multiplied on, so every local derivative meets an
    # upstream gradient that is not 1 (tanh's 1 - a·a once lost its brackets).
    if numpy:
        pytest.importorskip("numpy")
    w, v = Value(0.5, "w"), Value(-0.75, "v")
    make = node_maker(row)

    def loss_of(x):
        inputs = (w * x + 2.0, v * x + 1.0)[:row.arity]     # positive: log and x**-0.5 take them
        return make(*inputs) * (w * x)

    batch = [(0.3,), (0.7,), (1.1,)]
    if numpy and row.array_code is None and row.code is None:
        # x ** y of two Values: NumPy's power has no ln of a negative base to refuse
        with pytest.raises(RecordingError, match=re.escape(f"the op '{row}' has no NumPy form")):
            compile_step(loss_of, [w, v], batch[0], numpy=True)
        assert row is ops.POW
        return
    eager = sum((loss_of(Value(x)) for x, in batch), Value(0.0)) / len(batch)
    eager.backward()
    expected = (w.grad, v.grad)
    step = compile_step(loss_of, [w, v], batch[0], numpy=numpy)
    w.grad = v.grad = 0.0
    assert step(batch) == pytest.approx(eager.data, rel=1e-12)
    assert (w.grad, v.grad) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("numpy", [False, True], ids=["python", "numpy"])
def test_a_neuron_that_was_off_passes_on_nan_from_an_infinite_input_as_eager_does(numpy):
    # The Python replay skips a neuron's edges when its gradient is 0, unless a
    # local derivative is inf or nan: 0 · inf is nan in the eager sweep too.
    if numpy:
        pytest.importorskip("numpy")
    w, b = [Value(-1.0, "w1"), Value(0.5, "w2"), Value(0.25, "w3")], Value(0.0, "b")

    def loss_of(x):
        return weighted_sum(w, list(x), b).relu() * 2.0

    step = compile_step(loss_of, [*w, b], ([1.0, 1.0, 1.0],), numpy=numpy)
    for sample in ([math.inf, 1.0, 1.0], [3.0, 1.0, 1.0]):        # off either way
        for p in [*w, b]:
            p.grad = 0.0
        eager = loss_of([Value(x) for x in sample])
        eager.backward()
        expected = [p.grad for p in [*w, b]]
        for p in [*w, b]:
            p.grad = 0.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)     # NumPy's inf · 0
            assert step([(sample,)]) == eager.data == 0.0
        assert [struct.pack("<d", p.grad) for p in [*w, b]] == \
            [struct.pack("<d", g) for g in expected]


# --- any graph: the replay computes what the eager engine computes, or raises its error ----

def _eager_step(loss_of, parameters, batch):
    """(loss, gradients) of the batch's mean loss on Values, or the error the eager engine raises."""
    for parameter in parameters:
        parameter.grad = 0.0
    try:
        loss = sum_values([loss_of(*sample) for sample in batch]) * (1.0 / len(batch))
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        return error
    loss.backward()
    return loss.data, [parameter.grad for parameter in parameters]


def _close(x, y):
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return x == y or abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=graph_specs(), samples=st.lists(st.floats(-2.5, 2.5), min_size=1, max_size=3),
       numpy=st.booleans())
def test_the_replay_of_any_graph_equals_eager_or_raises_its_error(spec, samples, numpy):
    # Every row of the table, shared subexpressions, data-dependent ops (relu,
    # max, abs): the first leaf is the sample's input, the others parameters.
    # The loss sums every node made, so each one is computed in both engines.
    if numpy:
        pytest.importorskip("numpy")
    leaves, steps, _ = spec
    parameters = [Value(x, f"p{i}") for i, x in enumerate(leaves)]

    def loss_of(x):
        return sum_values(make_nodes([x, *parameters], steps))

    batch = [(x,) for x in samples]
    # The input is named as the replay names it, after the function's argument.
    expected = _eager_step(lambda x: loss_of(Value(x, "x")), parameters, batch)
    for parameter in parameters:
        parameter.grad = 0.0
    try:
        step = compile_step(loss_of, parameters, batch[0], numpy=numpy)
    except RecordingError as error:
        assert numpy and "'**' has no NumPy form" in str(error)
        return
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        # Recording runs the function on the first sample, as eager does.
        assert isinstance(expected, Exception)
        return
    if isinstance(expected, Exception):
        with pytest.raises(type(expected)) as raised:
            step(batch)
        assert str(raised.value) == str(expected)
        assert all(parameter.grad == 0.0 for parameter in parameters)     # nothing half-added
        return
    loss = step(batch)
    assert _close(loss, expected[0])
    assert all(_close(ours, theirs) for ours, theirs in
               zip([parameter.grad for parameter in parameters], expected[1])), \
        ([parameter.grad for parameter in parameters], expected[1])


@pytest.mark.parametrize("numpy", [False, True], ids=["python", "numpy"])
def test_a_gradient_handed_on_unchanged_is_not_added_to_twice(numpy):
    # d/dn3 = d/dn5 twice over (n5 sums n3 twice): the NumPy replay once wrote
    # g_n3 = g_n5; g_n3 += g_n5, and NumPy's += doubled g_n5 in place as well,
    # so p0 and p1, whose edges read g_n5 later, got 2 and 6.27 for 1 and 5.27.
    if numpy:
        pytest.importorskip("numpy")
    p0, p1, p2 = Value(1e-4, "p0"), Value(-0.99999, "p1"), Value(2.134770200498136, "p2")

    def loss_of(x):
        product = p2 * p1
        return minimum(p0, sum_values([product, p0, x, p1, product]))

    batch = [(-0.5,), (-2.15,)]
    expected = _eager_step(lambda x: loss_of(Value(x)), [p0, p1, p2], batch)
    for parameter in (p0, p1, p2):
        parameter.grad = 0.0
    step = compile_step(loss_of, [p0, p1, p2], batch[0], numpy=numpy)
    assert step(batch) == pytest.approx(expected[0], rel=1e-12)
    assert [p0.grad, p1.grad, p2.grad] == pytest.approx(expected[1], rel=1e-12)
    assert expected[1][:2] == pytest.approx([1.0, 5.2695404])


@pytest.mark.parametrize("numpy", [False, True], ids=["python", "numpy"])
def test_a_loss_that_does_not_read_the_sample_replays(numpy):
    if numpy:
        pytest.importorskip("numpy")
    p = Value(3.0, "p")
    step = compile_step(lambda x: p * p, [p], (1.0,), numpy=numpy)
    assert step([(1.0,), (2.0,), (5.0,)]) == 9.0 and p.grad == 6.0


@pytest.mark.parametrize("numpy", [False, True], ids=["python", "numpy"])
def test_an_error_in_a_replay_is_the_eager_engines_error_and_adds_nothing(numpy):
    # log of a negative number: NumPy would give nan with a warning; the
    # replay raises what backward()'s forward pass raises, naming op and operand.
    if numpy:
        pytest.importorskip("numpy")
    w = Value(1.0, "w")
    step = compile_step(lambda x: (w * x).log(), [w], (2.0,), numpy=numpy)
    w.grad = 0.25
    with pytest.raises(ValueError, match=r"^'log' failed on -3\.0: the log is only defined") as raised:
        step([(2.0,), (-3.0,)])
    assert w.grad == 0.25
    assert "run again on Values" in raised.value.__notes__[0]


@pytest.mark.parametrize("numpy", [False, True], ids=["python", "numpy"])
def test_where_eager_overflows_to_inf_without_an_error_the_replay_does_too(numpy):
    # Python's float product overflows to inf silently; NumPy's raises here,
    # and the batch is run again on Values: the loss and gradients are eager's.
    if numpy:
        pytest.importorskip("numpy")
    w = Value(1e200, "w")
    step = compile_step(lambda x: w * x * 1e200, [w], (1.0,), numpy=numpy)
    w.grad = 0.0
    assert step([(1.0,), (2.0,)]) == math.inf
    assert w.grad == pytest.approx(1.5e200)


ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu", "softplus", "linear",
               ops.leaky_relu_with(0.1), ops.relu_with(0.5)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_inputs=st.integers(1, 4), sizes=st.lists(st.integers(1, 5), min_size=1, max_size=3),
       activation=st.sampled_from(ACTIVATIONS), output_activation=st.sampled_from(ACTIVATIONS),
       loss=st.sampled_from(["mse", "cross_entropy", "hinge"]), seed=st.integers(0, 10),
       batch_size=st.integers(1, 5), numpy=st.booleans(), zeros=st.booleans())
def test_the_replay_of_any_mlp_equals_eager(n_inputs, sizes, activation, output_activation, loss,
                                            seed, batch_size, numpy, zeros):
    # Any shape and activation (NumPy mode writes each layer as a matrix), inputs
    # of exactly 0 at times (the kinks), and the three losses of the demos.
    if numpy:
        pytest.importorskip("numpy")
    generator = random.Random(seed)
    model = nn.MLP(n_inputs, sizes, activation=activation, output_activation=output_activation,
                   seed=seed)
    inputs = [[0.0 if zeros and generator.random() < 0.5 else generator.uniform(-2, 2)
               for _ in range(n_inputs)] for _ in range(batch_size)]
    classes = [generator.randrange(sizes[-1]) for _ in range(batch_size)]

    def loss_of(x, y):
        outputs = model(x)
        if loss == "mse":
            return nn.mse(outputs, [1.0] * len(outputs))
        if loss == "cross_entropy":
            return nn.cross_entropy([outputs], [y])
        return (1 - outputs[0]).relu()

    batch = list(zip(inputs, classes))
    model.zero_grad()
    eager = sum_values([loss_of([Value(v) for v in x], y) for x, y in batch]) * (1.0 / batch_size)
    eager.backward()
    expected = [p.grad for p in model.parameters()]
    model.zero_grad()
    step = compile_step(loss_of, model.parameters(), batch[0], numpy=numpy,
                        static_argnums=(1,) if loss == "cross_entropy" else ())
    assert _close(step(batch), eager.data)
    assert all(_close(ours.grad, theirs) for ours, theirs in zip(model.parameters(), expected))
