"""chainrule's neural-network library, built on autograd's Values.

* ``module.py``: ``Module`` (parameters, zero_grad, save, load);
* ``layers.py``: ``Neuron``, ``Layer``, ``MLP``;
* ``activations.py``: activations by name and ``softmax``;
* ``losses.py``: ``mse``, ``binary_cross_entropy``, ``cross_entropy``, ``hinge``, ``l2``;
* ``optim.py``: ``SGD``, ``Adam``;
* ``arguments.py``: the checks of sizes and numbers that the constructors share.
"""

from .activations import ACTIVATIONS, softmax
from .layers import MLP, Layer, Neuron
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy,
                     hinge, l2, mse)
from .module import Module, ParameterFileError
from .optim import SGD, Adam, linear_decay

__all__ = [
    "Module", "ParameterFileError", "Neuron", "Layer", "MLP", "ACTIVATIONS", "softmax",
    "mse", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
    "hinge", "l2", "SGD", "Adam", "linear_decay",
]
