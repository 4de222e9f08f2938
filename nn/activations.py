"""Activation functions by name, and softmax over a list of Values."""

from autograd import Value, ops, sum_values

__all__ = ["ACTIVATIONS", "activation_named", "softmax"]


def _linear(z):
    return z


ACTIVATIONS = {
    "linear": _linear,
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
}
"""Name -> function of one Value returning a Value (``linear`` returns its input)."""

ACTIVATION_RULES = {
    "linear": None,
    "relu": ops.RELU,
    "leaky_relu": ops.leaky_relu_with(0.01),
    "sigmoid": ops.SIGMOID,
    "tanh": ops.TANH,
}
"""Name -> the row of autograd's table each activation applies (None for linear), whose
``forward`` a neuron runs on plain floats under ``no_grad()``."""


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
