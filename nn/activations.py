"""Activation functions by name, and softmax over a list of Values."""

from autograd import Value, ops, sum_values
from autograd.value import node_maker

__all__ = ["ACTIVATIONS", "activation_named", "resolve_activation", "softmax"]


def _linear(z):
    return z


ACTIVATIONS = {
    "linear": _linear,
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "softplus": Value.softplus,
    "step": Value.step,
}
"""Name -> function of one Value returning a Value (``linear`` returns its input).

``leaky_relu`` by name has PyTorch's slope 0.01 and ``relu`` the derivative
0 at its kink; for the notes' slope 0.1 or ReLU'(0) = 0.5, pass a row of the
table instead of a name (see :func:`activation_named`).  ``step`` is the
perceptron's: its derivative is 0, so a network using it cannot learn by
gradient descent (``python -m demos.perceptron``)."""

ACTIVATION_RULES = {
    "linear": None,
    "relu": ops.RELU,
    "leaky_relu": ops.leaky_relu_with(0.01),
    "sigmoid": ops.SIGMOID,
    "tanh": ops.TANH,
    "softplus": ops.SOFTPLUS,
    "step": ops.STEP,
}
"""Name -> the row of autograd's table each activation applies (None for linear), whose
``forward`` a neuron runs on plain floats under ``no_grad()``."""


def _applying(row):
    # The engine's own one-parent node maker, so a row passed in builds exactly
    # the node its Value method would (Value.leaky_relu(slope) does the same).
    return node_maker(row)


def activation_named(name, argument="activation", owner=""):
    """Return the activation function called ``name`` (one of ACTIVATIONS).

    Args:
        name: the activation's name.
        argument, owner: how the error names the argument and the call
            (``"MLP: unknown output_activation 'softmax'"``).

    Raises:
        ValueError: for an unknown name (None included), listing the known ones.
    """
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        where = f"{owner}: " if owner else ""
        raise ValueError(f"{where}unknown {argument} {name!r}; choose one of "
                         f"{', '.join(ACTIVATIONS)}") from None


def resolve_activation(activation, argument="activation", owner=""):
    """An activation given by name or by a row of the table -> (function, row).

    A name is one of :data:`ACTIVATIONS`.  A row is a one-input
    :class:`autograd.ops.Op`, which is how an option of the activation is
    chosen: ``ops.leaky_relu_with(0.1)`` (the notes' slope) or
    ``ops.relu_with(0.5)`` (the notes' ReLU'(0) = 0.5).

    Returns:
        (function of one Value returning a Value, the row or None for linear).

    Args:
        activation: a name, or a one-input row of the table.
        argument, owner: how an error names the argument and the call, e.g.
            ``"output_activation"`` and ``"MLP"``.

    Raises:
        ValueError: for an unknown name or a row that does not take one input.

    >>> function, row = resolve_activation(ops.leaky_relu_with(0.1))
    >>> function(Value(-2.0)).data, row.rule_text(0, ["z"], "a")
    (-0.2, '∂a/∂z = 1 if z > 0 else 0.1')
    """
    if isinstance(activation, ops.Op):
        if activation.arity != 1:
            where = f"{owner}: " if owner else ""
            raise ValueError(f"{where}{argument} must be a one-input row of the table; "
                             f"{activation!r} takes {activation.arity or 'any number of'} inputs")
        return _applying(activation), activation
    return activation_named(activation, argument, owner), ACTIVATION_RULES[activation]


def softmax(logits):
    """Softmax: p_i = e^(z_i) / Σ_j e^(z_j), the notes' output layer (``001_*``).

    Stable for large logits: the largest logit's data is subtracted first,
    which changes no probability (e^(z - m) / Σ e^(z_j - m) is the same
    fraction) and keeps e^x from overflowing.

    Args:
        logits: non-empty list of Values (or numbers).

    Returns:
        list of Values of the same length, positive, summing to 1.

    Raises:
        ValueError: if ``logits`` is empty.

    >>> [f"{p.data:.3g}" for p in softmax([Value(10.0), Value(20.0), Value(30.0)])]
    ['2.06e-09', '4.54e-05', '1']
    """
    logits = [z if isinstance(z, Value) else Value(z) for z in logits]
    if not logits:
        raise ValueError("softmax needs at least one logit")
    largest = max(z.data for z in logits)
    exps = [(z - largest).exp() for z in logits]
    total = sum_values(exps)
    return [e / total for e in exps]
