"""nn.losses under edge cases: kinks, bad targets and bad probabilities, overflowing terms."""

import math

import pytest

from autograd import Value, gradcheck
from error_words import assert_raises_naming
from nn import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge,
                mse)


@pytest.mark.parametrize("target", [0.0, 1.0, 0.3])
def test_bce_with_logits_gradient_at_zero_logit(target):
    # dL/dz = σ(z) - y, so 0.5 - y at z = 0: a zero-initialised logistic
    # regression starts exactly there.
    z = Value(0.0, "z")
    binary_cross_entropy_with_logits([z], [target]).backward()
    assert z.grad == pytest.approx(0.5 - target, abs=1e-12)
    assert gradcheck(lambda z: binary_cross_entropy_with_logits([z], [target]), [0.0])


def test_mse_overflowing_sum_gives_inf_like_plus():
    # Each squared error fits in a float, their sum does not: '+' gives inf,
    # and a diverging training run must see inf, not an error from the sum.
    predictions = [Value(1.2e154, "p1"), Value(1.3e154, "p2")]
    loss = mse(predictions, [0.0, 0.0])
    assert loss.data == math.inf


@pytest.mark.parametrize("make, error, words", [
    (lambda: mse([1.0], [0.0]), TypeError, ["mse", "predictions[0]", "float", "Value"]),
    (lambda: mse([Value(1.0)], ["0"]), TypeError, ["mse", "targets[0]", "'0'"]),
    (lambda: binary_cross_entropy([Value(1.5)], [1]), ValueError,
     ["binary_cross_entropy", "probabilities[0]", "1.5", "[0, 1]", "with_logits"]),
    (lambda: binary_cross_entropy([Value(-0.2)], [0]), ValueError, ["probabilities[0]", "-0.2"]),
    (lambda: binary_cross_entropy([Value(0.5), Value(0.5)], [1, 2]), ValueError,
     ["binary_cross_entropy", "targets[1]", "2", "[0, 1]"]),
    (lambda: binary_cross_entropy_with_logits([Value(0.5)], [-1]), ValueError,
     ["binary_cross_entropy_with_logits", "targets[0]", "-1"]),
    (lambda: hinge([Value(0.5), Value(1.0)], [1, 0]), ValueError, ["hinge", "targets[1]", "0", "-1 or +1"]),
    (lambda: hinge([0.5], [1]), TypeError, ["hinge", "scores[0]", "Value"]),
    (lambda: cross_entropy([Value(0.0), Value(1.0)], 2), ValueError, ["cross_entropy", "target class 2"]),
    (lambda: cross_entropy([Value(0.0), Value(1.0)], 1.0), TypeError, ["cross_entropy", "1.0"]),
])
def test_bad_loss_arguments_fail_at_the_call_naming_the_argument(make, error, words):
    assert_raises_naming(make, error, words)


def test_cross_entropy_accepts_numpy_integer_targets():
    # scikit-learn's datasets give numpy integers, e.g. np.int64(3)
    numpy = pytest.importorskip("numpy")
    logits = [[Value(0.1 * j + i) for j in range(10)] for i in range(3)]
    targets = numpy.array([3, 0, 9])
    expected = cross_entropy(logits, [3, 0, 9]).data
    assert cross_entropy(logits, targets).data == expected
    assert cross_entropy(logits, list(targets)).data == expected
    assert cross_entropy(logits[0], numpy.int64(3)).data == cross_entropy(logits[0], 3).data


def test_binary_cross_entropy_keeps_soft_targets_and_lets_nan_through():
    # targets in [0, 1] are probabilities too (PyTorch allows them); a NaN from
    # a diverged network gives a NaN loss rather than an error.
    assert binary_cross_entropy([Value(0.5)], [0.3]).data == pytest.approx(math.log(2))
    assert math.isnan(binary_cross_entropy([Value(math.nan)], [1]).data)
