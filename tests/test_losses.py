"""nn.losses under edge cases: kinks, bad targets and bad probabilities, overflowing terms."""

import math

import pytest

from autograd import Value, gradcheck
from nn import binary_cross_entropy_with_logits, mse


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
