"""nn.layers under edge cases: Values as inputs under no_grad, and bad arguments refused at the call."""

import pytest

from autograd import Value, no_grad
from error_words import assert_raises_naming
from nn import MLP, Layer, Neuron


@pytest.mark.parametrize("module", [Neuron(2, "tanh"), Layer(2, 3, "relu"), MLP(2, [3, 1])])
def test_values_as_inputs_under_no_grad_give_the_recorded_forward(module):
    # Under no_grad a module works on plain floats; Values must give their data
    # (a Value no longer converts to float implicitly).
    inputs = [Value(0.5, "x1"), Value(-1.5, "x2")]
    recorded = module(inputs)
    with no_grad():
        fast = module(inputs)
    as_list = (lambda out: out if isinstance(out, list) else [out])
    assert [v.data for v in as_list(fast)] == [v.data for v in as_list(recorded)]


@pytest.mark.parametrize("make, error, words", [
    (lambda: MLP(2.0, [3]), TypeError, ["MLP", "n_inputs", "int", "2.0"]),
    (lambda: MLP(True, [1]), TypeError, ["MLP", "n_inputs", "True"]),
    (lambda: MLP(0, [3]), ValueError, ["MLP", "n_inputs", ">= 1", "0"]),
    (lambda: MLP(2, 3), TypeError, ["MLP", "layer_sizes", "list", "3"]),
    (lambda: MLP(2, [3, 0]), ValueError, ["MLP", "layer_sizes[1]", ">= 1"]),
    (lambda: MLP(2, [3, 2.5]), TypeError, ["MLP", "layer_sizes[1]", "2.5"]),
    (lambda: MLP(2, [3], activation="softmax"), ValueError, ["MLP", "activation", "softmax"]),
    (lambda: MLP(2, [3], activation=None), ValueError, ["MLP", "activation", "None"]),
    (lambda: MLP(2, [3], output_activation="swish"), ValueError, ["output_activation", "swish"]),
    (lambda: Neuron(True), TypeError, ["Neuron", "n_inputs", "True"]),
    (lambda: Neuron(0), ValueError, ["Neuron", "n_inputs", ">= 1"]),
    (lambda: Layer(2, 1.0), TypeError, ["Layer", "n_outputs", "1.0"]),
    (lambda: Layer(2.0, 1), TypeError, ["Layer", "n_inputs", "2.0"]),
])
def test_bad_layer_arguments_fail_at_the_call_naming_the_argument(make, error, words):
    assert_raises_naming(make, error, words)


def test_numpy_integer_sizes_are_accepted():
    numpy = pytest.importorskip("numpy")
    model = MLP(numpy.int64(2), [numpy.int32(3), numpy.int64(1)])
    assert model.layer_sizes == [3, 1] and model.n_inputs == 2
    assert type(model.n_inputs) is int
