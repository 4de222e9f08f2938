"""nn.optim: bad arguments fail at the call that made them, naming the argument."""

import math

import pytest

from autograd import Value
from error_words import assert_raises_naming
from nn import MLP, SGD, Adam, linear_decay

PARAMETERS = [Value(0.5, "w"), Value(0.1, "b")]


@pytest.mark.parametrize("make, error, words", [
    (lambda: SGD(MLP(2, [1])), TypeError, ["SGD", "model.parameters()"]),
    (lambda: SGD(5), TypeError, ["SGD", "parameters", "list"]),
    (lambda: SGD([1.0, 2.0]), TypeError, ["SGD", "parameters[0]", "float", "Value"]),
    (lambda: SGD([PARAMETERS[0], "b"]), TypeError, ["SGD", "parameters[1]", "str"]),
    (lambda: SGD(PARAMETERS, lr=math.inf), ValueError, ["SGD", "learning rate", "inf"]),
    (lambda: SGD(PARAMETERS, lr=True), TypeError, ["SGD", "learning rate", "True"]),
    (lambda: SGD(PARAMETERS, lr=-0.1), ValueError, ["SGD", "learning rate", "-0.1"]),
    (lambda: SGD(PARAMETERS, lr="0.1"), TypeError, ["SGD", "learning rate", "'0.1'"]),
    (lambda: SGD(PARAMETERS, momentum="0.9"), TypeError, ["SGD", "momentum", "'0.9'"]),
    (lambda: SGD(PARAMETERS, momentum=1.0), ValueError, ["SGD", "momentum", "[0, 1)"]),
    (lambda: Adam(PARAMETERS, betas=(0.9,)), TypeError, ["Adam", "betas", "pair", "(0.9,)"]),
    (lambda: Adam(PARAMETERS, betas=0.9), TypeError, ["Adam", "betas", "pair"]),
    (lambda: Adam(PARAMETERS, betas=(0.9, 1.0)), ValueError, ["Adam", "betas", "[0, 1)"]),
    (lambda: Adam(PARAMETERS, eps=-1e-8), ValueError, ["Adam", "eps", "-1e-08"]),
    (lambda: Adam(PARAMETERS, eps=0.0), ValueError, ["Adam", "eps", "0.0"]),
    (lambda: Adam(PARAMETERS, eps="1e-8"), TypeError, ["Adam", "eps", "'1e-8'"]),
    (lambda: Adam(PARAMETERS, lr=math.nan), ValueError, ["Adam", "learning rate", "nan"]),
    (lambda: linear_decay(1, 0.1, 0), ValueError, ["linear_decay", "steps", ">= 1", "0"]),
    (lambda: linear_decay(1, 0.1, 2.5), TypeError, ["linear_decay", "steps", "2.5"]),
    (lambda: linear_decay(math.inf, 0.1, 10), ValueError, ["linear_decay", "start", "inf"]),
    (lambda: linear_decay(1, -0.1, 10), ValueError, ["linear_decay", "end", "-0.1"]),
    (lambda: linear_decay(1, None, 10), TypeError, ["linear_decay", "end", "None"]),
])
def test_bad_optimiser_arguments_fail_at_the_call_naming_the_argument(make, error, words):
    assert_raises_naming(make, error, words)


def test_good_optimiser_arguments_still_work():
    w = Value(1.0, "w")
    w.grad = 0.5
    SGD([w], lr=linear_decay(1, 0, 10), momentum=0.5).step()
    assert w.data == 0.5
    Adam([w], lr=0.1, betas=[0.8, 0.9], eps=1e-6).step()
    assert w.data < 0.5
    SGD((p for p in [w]), lr=2).step()          # any iterable of parameters, an int lr
