"""Compiled replay equals eager execution: losses and parameters over 10 training steps, guards, the listing."""

import sys

import pytest

import nn
from autograd import Value
from autograd.compile import CompiledStep, GuardFailed, RecordingError, compile_step
from demos.digits import load_digits_split
from demos.moons import load_moons

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
