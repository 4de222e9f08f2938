"""nn.layers under edge cases: Values as inputs under no_grad, and bad arguments refused at the call."""

import pytest

from autograd import Value, no_grad
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
