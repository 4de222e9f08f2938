"""nn: shapes, parameter counts and labels, activations, losses, optimisers, save and load."""

import json
import math

import pytest

import nn

from autograd import Value, gradcheck, no_grad
from nn import (ACTIVATIONS, MLP, SGD, Adam, Layer, Neuron, ParameterFileError,
                binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge,
                l2, linear_decay, mse, softmax)


def test_notes_parameter_count():
    assert len(MLP(4, [5, 3]).parameters()) == 43     # 4×5 + 5×3 + 5 + 3
    assert len(MLP(2, [16, 16, 1]).parameters()) == 337


def test_shapes():
    model = MLP(3, [4, 2])
    out = model([1.0, 2.0, 3.0])
    assert len(out) == 2 and all(isinstance(v, Value) for v in out)
    assert len(Layer(3, 5)([0.0] * 3)) == 5
    assert isinstance(Neuron(3)([1, 2, 3]), Value)
    assert model.layer_sizes == [4, 2] and model.n_inputs == 3


def test_labels_follow_the_notes():
    model = MLP(2, [3, 1])
    labels = [p.label for p in model.parameters()]
    assert labels[:3] == ["w[1]_1,1", "w[1]_2,1", "b[1]_1"]
    assert labels[-4:] == ["w[2]_1,1", "w[2]_2,1", "w[2]_3,1", "b[2]_1"]
    assert len(set(labels)) == len(labels)
    assert all(p.role == "parameter" for p in model.parameters())
    (out,) = model([0.5, -0.5])
    assert out.label == "z[2]_1" and out.op == "Σw·a+b"      # linear output layer: z itself
    hidden = out.parents[3]                                    # (w1, w2, w3, a1, a2, a3, b)
    assert hidden.label == "a[1]_1" and hidden.op == "relu"
    assert hidden.parents[0].label == "z[1]_1"


def test_weights_are_seeded():
    first = [p.data for p in MLP(2, [4, 1], seed=7).parameters()]
    assert first == [p.data for p in MLP(2, [4, 1], seed=7).parameters()]
    assert first != [p.data for p in MLP(2, [4, 1], seed=8).parameters()]
    bound = 1 / math.sqrt(2)
    assert all(-bound <= w <= bound for w in first)


def test_forward_matches_hand_computation():
    neuron = Neuron(2, activation="tanh")
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 0.5, -1.0, 0.25
    out = neuron([2.0, 3.0])
    assert out.data == pytest.approx(math.tanh(0.5 * 2 - 1.0 * 3 + 0.25))
    out.backward()
    d = 1 - math.tanh(-1.75) ** 2
    assert [p.grad for p in neuron.parameters()] == pytest.approx([2 * d, 3 * d, d])


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_no_grad_forward_equals_graph_forward(activation):
    model = MLP(3, [5, 4, 2], activation=activation, seed=3)
    x = [0.3, -1.2, 2.0]
    with_graph = [v.data for v in model(x)]
    with no_grad():
        without = model(x)
    assert [v.data for v in without] == pytest.approx(with_graph, rel=1e-12)
    assert all(v.parents == () for v in without)


def test_whole_mlp_gradients_match_the_nudge():
    model = MLP(2, [3, 2], activation="tanh", seed=1)
    params = model.parameters()

    def loss_of(*values):
        for p, v in zip(params, values):
            p.data = v.data
        # rebuild the forward pass with the given leaves standing in for the parameters
        from autograd import weighted_sum
        h = [weighted_sum(list(values[j * 3:j * 3 + 2]), [0.5, -0.7], values[j * 3 + 2]).tanh()
             for j in range(3)]
        out = [weighted_sum(list(values[9 + k * 4:9 + k * 4 + 3]), h, values[9 + k * 4 + 3])
               for k in range(2)]
        return cross_entropy(out, 1)

    assert gradcheck(loss_of, [p.data for p in params])
    # and the MLP itself builds the same numbers
    start = [p.data for p in params]
    loss = cross_entropy(model([0.5, -0.7]), 1)
    leaves = [Value(x) for x in start]
    assert loss.data == pytest.approx(loss_of(*leaves).data)


def test_bad_arguments():
    with pytest.raises(ValueError, match="activation"):
        Neuron(2, activation="swish")
    with pytest.raises(ValueError, match="n_inputs"):
        Neuron(0)
    with pytest.raises(ValueError, match="takes 2 inputs, got 3"):
        MLP(2, [1])([1, 2, 3])
    with pytest.raises(ValueError):
        MLP(2, [])


def test_softmax():
    probs = softmax([Value(10.0), Value(20.0), Value(30.0)])
    e = [math.exp(10), math.exp(20), math.exp(30)]
    assert [p.data for p in probs] == pytest.approx([x / sum(e) for x in e], rel=1e-12)
    assert sum(p.data for p in softmax([Value(1000.0), Value(999.0)])) == pytest.approx(1.0)
    assert gradcheck(lambda a, b, c: softmax([a, b, c])[0], [0.1, 0.5, -0.3])


def test_mse_and_hinge_and_l2():
    assert mse([Value(1.0), Value(3.0)], [0.0, 1.0]).data == 2.5
    assert gradcheck(lambda a, b: mse([a, b], [0.5, -1.0]), [1.0, 2.0])
    assert hinge([Value(2.0), Value(0.5), Value(-1.0)], [1, 1, 1]).data == pytest.approx(2.5 / 3)
    assert l2([Value(1.0), Value(-2.0)], 0.5).data == 2.5
    with pytest.raises(ValueError, match="2 predictions but 1 targets"):
        mse([Value(1.0), Value(2.0)], [1.0])


def test_binary_cross_entropy_natural_log_and_safe_at_the_ends():
    loss = binary_cross_entropy([Value(0.9), Value(0.2)], [1, 0])
    assert loss.data == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2)
    p = Value(0.0)
    edge = binary_cross_entropy([p], [1])
    edge.backward()
    assert math.isfinite(edge.data) and edge.data > 20 and math.isfinite(p.grad)
    assert math.isfinite(binary_cross_entropy([Value(1.0)], [0]).data)
    assert gradcheck(lambda q: binary_cross_entropy([q], [0.3]), [0.4])


def test_binary_cross_entropy_with_logits_is_stable():
    for z, y in [(1000.0, 0), (-1000.0, 1), (1000.0, 1), (0.3, 1), (-2.0, 0)]:
        loss = binary_cross_entropy_with_logits([Value(z)], [y])
        sigma = 1 / (1 + math.exp(-z)) if z > -700 else 0.0
        if abs(z) < 30:
            expected = -(y * math.log(sigma) + (1 - y) * math.log(1 - sigma))
            assert loss.data == pytest.approx(expected)
        assert math.isfinite(loss.data)
    assert binary_cross_entropy_with_logits([Value(1000.0)], [0]).data == pytest.approx(1000.0)
    assert gradcheck(lambda z: binary_cross_entropy_with_logits([z], [1]), [0.7])


def test_cross_entropy_from_logits():
    logits = [Value(1.0), Value(2.0), Value(0.5)]
    expected = -math.log(math.exp(2.0) / sum(math.exp(z) for z in (1.0, 2.0, 0.5)))
    assert cross_entropy(logits, 1).data == pytest.approx(expected)
    big = cross_entropy([Value(1000.0), Value(0.0), Value(-1000.0)], 1)
    assert big.data == pytest.approx(1000.0)
    big.backward()
    assert gradcheck(lambda a, b, c: cross_entropy([a, b, c], 2), [0.2, -0.4, 1.1])
    batch = cross_entropy([[Value(0.0), Value(0.0)], [Value(5.0), Value(0.0)]], [0, 0])
    assert batch.data == pytest.approx((math.log(2) + math.log(1 + math.exp(-5))) / 2)
    with pytest.raises(ValueError, match="target class 3"):
        cross_entropy(logits, 3)


def test_sgd_step_is_the_notes_update():
    w = Value(0.7)
    w.grad = 0.0131
    optimizer = SGD([w], lr=1.0)
    optimizer.step()
    assert w.data == pytest.approx(0.6869)
    optimizer.zero_grad()
    assert w.grad == 0.0


def test_sgd_momentum_and_schedule():
    w = Value(1.0)
    optimizer = SGD([w], lr=linear_decay(1.0, 0.1, 10), momentum=0.9)
    w.grad = 1.0
    optimizer.step()
    assert w.data == pytest.approx(0.0)
    optimizer.step()                        # lr 0.91, velocity 1.9
    assert w.data == pytest.approx(-0.91 * 1.9)
    with pytest.raises(ValueError):
        SGD([w], lr=-1)
    with pytest.raises(ValueError):
        SGD([w], lr=0.1, momentum=1.0)


def test_adam_matches_its_formula_and_minimises():
    w = Value(3.0)
    optimizer = Adam([w], lr=0.1)
    w.grad = 2.0
    optimizer.step()
    # first step: m̂ = g, v̂ = g², so the step is lr·g/(|g| + eps)
    assert w.data == pytest.approx(3.0 - 0.1, abs=1e-7)
    for _ in range(300):
        optimizer.zero_grad()
        loss = (w - 1.0) ** 2
        loss.backward()
        optimizer.step()
    assert w.data == pytest.approx(1.0, abs=1e-2)


def test_training_reduces_the_loss():
    model = MLP(2, [8, 1], activation="tanh", seed=0)
    xs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    ys = [-1.0, 1.0, 1.0, -1.0]                                    # XOR
    optimizer = SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(300):
        loss = mse([model(x)[0] for x in xs], ys)
        model.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    assert losses[-1] < 0.05 < losses[0]


def test_save_load_round_trip_is_exact(tmp_path):
    model = MLP(3, [4, 2], seed=11)
    for p in model.parameters():
        p.data = p.data / 3.0                # many digits
    path = tmp_path / "model.json"
    model.save(path)
    other = MLP(3, [4, 2], seed=99)
    assert other.load(path) is other
    assert [p.data for p in other.parameters()] == [p.data for p in model.parameters()]
    document = json.loads(path.read_text())
    assert document["format"] == "chainrule-parameters" and document["parameters"][0][0] == "w[1]_1,1"


def test_load_refuses_a_file_for_another_model_and_changes_nothing(tmp_path):
    path = tmp_path / "small.json"
    MLP(3, [4, 2]).save(path)
    bigger = MLP(3, [5, 2], seed=1)
    before = [p.data for p in bigger.parameters()]
    with pytest.raises(ParameterFileError, match="26 parameters .* has 32"):
        bigger.load(path)
    assert [p.data for p in bigger.parameters()] == before

    reshaped = MLP(4, [4, 1], seed=1)      # 25 parameters: count differs too
    with pytest.raises(ParameterFileError):
        reshaped.load(path)

    document = json.loads(path.read_text())
    document["parameters"][5][0] = "w[9]_9,9"
    path.write_text(json.dumps(document))
    same_shape = MLP(3, [4, 2], seed=2)
    before = [p.data for p in same_shape.parameters()]
    with pytest.raises(ParameterFileError, match="parameter 5 is 'w\\[9\\]_9,9'"):
        same_shape.load(path)
    assert [p.data for p in same_shape.parameters()] == before

    path.write_text("not json")
    with pytest.raises(ParameterFileError, match="not JSON"):
        same_shape.load(path)
    path.write_text('{"hello": 1}')
    with pytest.raises(ParameterFileError, match="not a chainrule parameter file"):
        same_shape.load(path)


# --- the notes' options: L = ½ Σ (y - a)², the leaky slope 0.1, ReLU'(0) = 0.5 (issue 11) ----

def test_mse_reductions_and_the_notes_half_sum():
    from autograd import Value
    a = [Value(0.7), Value(0.2)]
    y = [1.0, 0.0]
    assert nn.mse(a, y).data == pytest.approx((0.09 + 0.04) / 2)
    assert nn.mse(a, y, reduction="sum").data == pytest.approx(0.13)
    notes = nn.mse(a, y, reduction="sum", half=True)
    assert notes.data == pytest.approx(0.065)
    notes.backward()
    # ∂L/∂a_j = -(y_j - a_j): no 2, no 1/n
    assert [p.grad for p in a] == pytest.approx([-0.3, 0.2])


def test_mse_refuses_an_unknown_reduction():
    from autograd import Value
    with pytest.raises(ValueError, match="reduction must be 'mean' or 'sum', got 'none'"):
        nn.mse([Value(1.0)], [0.0], reduction="none")


def test_activation_options_are_rows_of_the_table():
    from autograd import ops
    neuron = nn.Neuron(1, activation=ops.leaky_relu_with(0.1))
    neuron.w[0].data, neuron.b.data = 1.0, 0.0
    out = neuron([-2.0])
    assert out.data == pytest.approx(-0.2)
    out.backward()
    assert neuron.w[0].grad == pytest.approx(0.1 * -2.0)
    # the same row drives the no_grad fast path
    from autograd import no_grad
    with no_grad():
        assert neuron([-2.0]).data == pytest.approx(-0.2)
    half = nn.Neuron(1, activation=ops.relu_with(0.5))
    half.w[0].data, half.b.data = 1.0, 0.0
    out = half([0.0])
    out.backward()
    assert half.b.grad == 0.5
    model = nn.MLP(2, [3, 1], activation=ops.leaky_relu_with(0.1))
    assert "leaky_relu" in repr(model)


def test_activation_rows_must_take_one_input():
    from autograd import ops
    with pytest.raises(ValueError, match="one-input row"):
        nn.Neuron(2, activation=ops.MUL)


def test_softplus_and_step_by_name():
    neuron = nn.Neuron(1, activation="step")
    neuron.w[0].data, neuron.b.data = 1.0, -0.5
    out = neuron([1.0])
    out.backward()
    assert out.data == 1.0 and neuron.w[0].grad == 0.0 and neuron.b.grad == 0.0
    soft = nn.Neuron(1, activation="softplus")
    assert soft([0.0]).data == pytest.approx(0.6931471805599453)


def test_cross_entropy_with_one_hot_probabilities_equals_the_index_form():
    def loss_and_grads(target):
        logits = [Value(0.3), Value(-1.2), Value(2.0)]
        loss = cross_entropy(logits, target)
        loss.backward()
        return loss.data, [z.grad for z in logits]

    by_index, by_one_hot = loss_and_grads(1), loss_and_grads([0.0, 1.0, 0.0])
    assert by_one_hot[0] == pytest.approx(by_index[0], abs=1e-15)
    assert by_one_hot[1] == pytest.approx(by_index[1], abs=1e-15)
    soft, _ = loss_and_grads([0.5, 0.5, 0.0])
    assert soft == pytest.approx((loss_and_grads(0)[0] + by_index[0]) / 2, abs=1e-12)
    with pytest.raises(ValueError, match="2 class probabilities for 3 logits"):
        cross_entropy([Value(0.0)] * 3, [0.5, 0.5])
