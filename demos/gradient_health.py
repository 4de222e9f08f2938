"""Gradient health of an nn network: saturated sigmoid/tanh units, dead ReLUs, and each layer's gradient size.

A unit passes gradient back through its activation's local derivative
g'(z).  Where g'(z) is tiny the chain rule multiplies the upstream gradient
by almost nothing:

* a sigmoid or tanh unit is *saturated* on a sample when g'(z) is below 1%
  of its largest slope (σ' < 0.0025, |z| > 6; tanh' < 0.01, |z| > 3);
* a ReLU unit is *dead* when g'(z) = 0 on every sample: z ≤ 0 for all of
  them, so its weights never receive a gradient again.

The slopes come from each neuron's row of the table (``local_grads``), so
any activation works the same way; nothing here asks which one it is.
The per-layer gradient magnitude is the mean |∂L/∂w| over the layer's
weights after a backward(): in a deep sigmoid network it shrinks layer by
layer towards the input, the vanishing gradient of the notes (``002_*``).
"""

from collections import namedtuple

from autograd import no_grad

__all__ = ["SATURATION", "MOSTLY", "UnitHealth", "unit_health", "layer_gradient_sizes",
           "forward_with_captions"]

SATURATION = 0.01
"""A unit is saturated on a sample where g'(z) < SATURATION × its activation's largest slope."""
MOSTLY = 0.9
"""A unit is flagged saturated when it is saturated on at least this fraction of the samples."""

UnitHealth = namedtuple("UnitHealth", "layer index saturated_fraction dead flag")
UnitHealth.__doc__ = """One hidden or output unit's health over a batch: ``layer`` and ``index``
(l and j of a[l]_j, from 1); ``saturated_fraction`` (float in [0, 1]: the
share of samples where its slope is under 1% of its largest, for a smooth
activation such as σ or tanh); ``dead``
(bool: its slope is exactly 0 on every sample); ``flag``: ``"dead"``,
``"saturated"`` or ``""``."""


def _probe(rule):
    """(its largest slope near the middle, whether it is smooth): σ and tanh peak at 0 and their
    slope is never 0 (a 0 there is a float underflow, deep saturation); ReLU's slope is 0 below 0."""
    slopes = [abs(rule.local_grads(z, rule.forward(z))[0]) for z in (-1.0, 0.0, 1.0)]
    return max(slopes), all(slope > 0 for slope in slopes)


def unit_health(model, inputs):
    """Check every unit with an activation on a batch of inputs (plain forward passes under no_grad()).

    Args:
        model: an ``nn.MLP``.
        inputs: list of input lists.

    Returns:
        list of UnitHealth, layer by layer, neuron by neuron (linear units are left out).
    """
    # z of every neuron on every sample, layer by layer, with plain floats.
    per_layer_z = [[] for _ in model.layers]
    with no_grad():
        for x in inputs:
            numbers = [float(v) for v in x]
            for l, layer in enumerate(model.layers):
                sums = [sum(w.data * a for w, a in zip(neuron.w, numbers)) + neuron.b.data
                        for neuron in layer.neurons]
                per_layer_z[l].append(sums)
                numbers = layer._forward_numbers(numbers)
    health = []
    for l, layer in enumerate(model.layers):
        for j, neuron in enumerate(layer.neurons):
            rule = neuron.activation_rule
            if rule is None:
                continue
            largest, smooth = _probe(rule)
            slopes = [abs(rule.local_grads(zs[j], rule.forward(zs[j]))[0]) for zs in per_layer_z[l]]
            dead = all(slope == 0.0 for slope in slopes)
            # Saturated: flat, for an activation that is smooth (σ, tanh); a ReLU's slope is
            # 0 or 1, so a ReLU is off or on, and dead when off everywhere, never saturated.
            saturated = sum(slope < SATURATION * largest and (smooth or slope > 0)
                            for slope in slopes) / len(slopes)
            flag = "dead" if dead else "saturated" if saturated >= MOSTLY else ""
            health.append(UnitHealth(l + 1, j + 1, saturated, dead, flag))
    return health


def layer_gradient_sizes(model):
    """The mean |∂L/∂w| over each layer's weights (biases left out), from the grads backward() left.

    Returns:
        list of floats, one per layer, input side first.
    """
    sizes = []
    for layer in model.layers:
        grads = [abs(w.grad) for neuron in layer.neurons for w in neuron.w]
        sizes.append(sum(grads) / len(grads))
    return sizes


def forward_with_captions(model, x, health=()):
    """A forward pass that also says, for each hidden neuron, how gradient passes it on this input.

    Args:
        model: an ``nn.MLP``.
        x: one input (list of numbers).
        health: :func:`unit_health`'s list for the same model over the data
            set; a flagged unit says so ("dead: off on every point").

    Returns:
        (the outputs, list of Values; captions, dict hidden neuron output Value
        -> text), the captions ready for the neuron view's ``captions=``: every
        hidden neuron gets one, so every point's drawing has the same rows.
    """
    flags = {(u.layer, u.index): u.flag for u in health}
    captions = {}
    activations = x
    for l, layer in enumerate(model.layers, start=1):
        activations = layer(activations)
        if l == len(model.layers):
            break
        for j, a in enumerate(activations, start=1):
            slope = a.local_grads[0] if a.local_grads else 1.0
            flag = flags.get((l, j), "")
            if flag == "dead":
                captions[a] = "dead: off on every point"
            elif flag == "saturated":
                captions[a] = f"saturated on most points; here ∂a/∂z = {slope:.2g}"
            elif slope == 0:
                captions[a] = "off here: ∂a/∂z = 0"
            else:
                captions[a] = f"∂a/∂z = {slope:.3g}"
    return activations, captions
