"""Neuron, Layer and MLP, labelled in the lecture notes' notation.

Notation (``../shared/seeds/001_*``), layers counted from 1, neurons and
inputs from 1:

* ``w[l]_i,j``: the weight from input i (neuron i of layer l-1) to neuron j of layer l;
* ``b[l]_j``: the bias of neuron j of layer l;
* ``z[l]_j = Σ_i w[l]_i,j · a[l-1]_i + b[l]_j``: its weighted sum;
* ``a[l]_j = g(z[l]_j)``: its activation.

Each neuron's weighted sum is one node (op ``Σw·a+b``); see ``autograd.weighted_sum``.
"""

import math
import random

from autograd import Value, ops
from autograd.grad_mode import NOT_RECORDING, current_mode
from autograd.value import (PARAMETER, NeuronRole, node_maker, weighted_sum_node,
                            weighted_sum_nodes)

from .activations import resolve_activation
from .arguments import count, shown
from .module import Module

__all__ = ["Neuron", "Layer", "MLP"]


def _parameter(data, label):
    parameter = Value(data, label)
    parameter.role = PARAMETER
    return parameter


# The Σw·a+b row's forward rule over (weights, inputs, bias), for plain floats under no_grad().
_weighted_sum_of = ops.WEIGHTED_SUM.grouped[0]


def _as_values(inputs):
    return [x if isinstance(x, Value) else Value(x) for x in inputs]


def _as_numbers(inputs):
    # Under no_grad: a Value gives its data (float(value) is refused, as it
    # would silently leave the graph elsewhere).
    return [x.data if isinstance(x, Value) else float(x) for x in inputs]


def _check_inputs(inputs, n_inputs, module):
    if len(inputs) != n_inputs:
        # repr(module) only here: building it on every call cost as much as a neuron's sum.
        raise ValueError(f"{module!r} takes {n_inputs} inputs, got {len(inputs)}")


class Neuron(Module):
    """One neuron: a[l]_j = g(Σ_i w[l]_i,j · a_i + b[l]_j).

    Weights start uniform in [-1/√n, 1/√n], n = n_inputs (PyTorch's default
    for ``nn.Linear``); the bias starts at 0.

    Args:
        n_inputs: int >= 1.
        activation: ``"linear"``, ``"relu"``, ``"leaky_relu"``, ``"sigmoid"``, ``"tanh"``,
            ``"softplus"`` or ``"step"``; or a one-input row of autograd's table
            to choose an option, e.g. ``ops.leaky_relu_with(0.1)`` (the notes'
            slope; the name gives PyTorch's 0.01) or ``ops.relu_with(0.5)``
            (ReLU'(0) = 0.5, the notes' other choice; the name gives 0).
        layer: the layer number l used in labels (default 1).
        index: the neuron number j used in labels (default 1).
        rng: a ``random.Random`` to draw weights from; default ``random.Random(seed)``.
        seed: the seed when no ``rng`` is given.

    Calling it on a list of n_inputs Values or numbers returns one Value.

    Raises:
        TypeError: if n_inputs is not an int (a bool or 2.0 is refused).
        ValueError: for n_inputs < 1, an unknown activation, or a call with the
            wrong number of inputs.

    >>> neuron = Neuron(2, activation="sigmoid")
    >>> [p.label for p in neuron.parameters()]
    ['w[1]_1,1', 'w[1]_2,1', 'b[1]_1']
    >>> neuron([1.0, 2.0]).label
    'a[1]_1'
    """

    def __init__(self, n_inputs, activation="linear", layer=1, index=1, rng=None, seed=0):
        n_inputs = count(n_inputs, "Neuron", "n_inputs")
        # activation_name is the name, or the row itself (an Op is its name).
        self.activation_name = activation
        self.activation, self.activation_rule = resolve_activation(activation, owner="Neuron")
        # The row's own node maker: the node the activation function makes, one call sooner.
        self._make_activation = (None if self.activation_rule is None
                                 else node_maker(self.activation_rule))
        self.layer, self.index = layer, index
        rng = rng if rng is not None else random.Random(seed)
        bound = 1.0 / math.sqrt(n_inputs)
        self.w = [_parameter(rng.uniform(-bound, bound), f"w[{layer}]_{i},{index}")
                  for i in range(1, n_inputs + 1)]
        self.b = _parameter(0.0, f"b[{layer}]_{index}")
        # The labels of its two nodes, made once rather than on every forward pass.
        self._z_label, self._a_label = f"z[{layer}]_{index}", f"a[{layer}]_{index}"
        # Marks that tell the neuron view which nodes make up this neuron.
        self._z_role, self._a_role = NeuronRole("z", layer, index), NeuronRole("a", layer, index)

    @property
    def n_inputs(self):
        return len(self.w)

    def __call__(self, inputs):
        """Forward pass: list of n_inputs Values or numbers -> one Value."""
        _check_inputs(inputs, len(self.w), self)
        # Plain no_grad() only: under detect_anomaly() every step must go
        # through the checked ops, so the Values path below is taken.
        if current_mode() is NOT_RECORDING:
            return Value(self._forward_numbers(_as_numbers(inputs)))
        return self._forward_values(_as_values(inputs))

    def _forward_values(self, inputs):
        # inputs: list of Values (a Layer converts them once for all its
        # neurons), so the node is made without weighted_sum's checks.
        return self._activate(weighted_sum_node(self.w, inputs, self.b))

    def _activate(self, z):
        # z: this neuron's weighted sum; labels it and its activation a.
        z.label, z.role = self._z_label, self._z_role
        if self._make_activation is None:
            return z
        a = self._make_activation(z)
        a.label, a.role = self._a_label, self._a_role
        return a

    def _forward_numbers(self, inputs):
        # Under no_grad a neuron has no graph to build, so it works on plain
        # floats; the same rules from the table, without a node per step.
        # inputs: list of floats.  The Σw·a+b row's own rule, on the data.
        z = _weighted_sum_of([w.data for w in self.w], inputs, self.b.data)
        if self.activation_rule is None:
            return z
        return self.activation_rule.forward(z)

    def parameters(self):
        """Return [w[l]_1,j, ..., w[l]_n,j, b[l]_j]: n_inputs + 1 Values."""
        return [*self.w, self.b]

    def __repr__(self):
        return f"Neuron({len(self.w)}, activation={self.activation_name!r})"


class Layer(Module):
    """A layer of n_outputs neurons, each seeing the same n_inputs inputs.

    Args:
        n_inputs, n_outputs: ints >= 1.
        activation: the neurons' activation (see :class:`Neuron`).
        layer: the layer number l used in labels (default 1).
        rng, seed: as for :class:`Neuron`.

    Calling it on a list of n_inputs Values or numbers returns a list of
    n_outputs Values (a[l]_1 .. a[l]_n_outputs).

    Raises:
        TypeError: if n_inputs or n_outputs is not an int.
        ValueError: if either is < 1, or for an unknown activation.

    >>> layer = Layer(3, 2, activation="tanh")
    >>> len(layer([0.1, 0.2, 0.3])), len(layer.parameters())
    (2, 8)
    """

    def __init__(self, n_inputs, n_outputs, activation="linear", layer=1, rng=None, seed=0):
        n_inputs = count(n_inputs, "Layer", "n_inputs")
        n_outputs = count(n_outputs, "Layer", "n_outputs")
        rng = rng if rng is not None else random.Random(seed)
        self.layer = layer
        self.neurons = [Neuron(n_inputs, activation, layer, j, rng) for j in range(1, n_outputs + 1)]

    @property
    def n_inputs(self):
        return self.neurons[0].n_inputs

    @property
    def n_outputs(self):
        return len(self.neurons)

    def __call__(self, inputs):
        """Forward pass: list of n_inputs Values or numbers -> list of n_outputs Values."""
        _check_inputs(inputs, self.n_inputs, self)
        if current_mode() is NOT_RECORDING:
            return [Value(a) for a in self._forward_numbers(_as_numbers(inputs))]
        return self._forward_values(_as_values(inputs))

    def _forward_values(self, inputs):
        # inputs: list of Values, converted once (and read once, by
        # weighted_sum_nodes), not once per neuron.
        neurons = self.neurons
        sums = weighted_sum_nodes([neuron.w for neuron in neurons], inputs,
                                  [neuron.b for neuron in neurons])
        return [neuron._activate(z) for neuron, z in zip(neurons, sums)]

    def _forward_numbers(self, inputs):
        # Under no_grad: floats in, floats out, no Value in between.  Each
        # neuron's sum is Neuron._forward_numbers' one line, repeated here to
        # save a call per neuron; the activation is the same for the whole layer.
        sums = [_weighted_sum_of([w.data for w in neuron.w], inputs, neuron.b.data)
                for neuron in self.neurons]
        rule = self.neurons[0].activation_rule
        return sums if rule is None else list(map(rule.forward, sums))

    def parameters(self):
        """Return every neuron's parameters, neuron by neuron: n_outputs·(n_inputs + 1) Values."""
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self):
        return (f"Layer({self.n_inputs}, {self.n_outputs}, "
                f"activation={self.neurons[0].activation_name!r})")


class MLP(Module):
    """A multi-layer perceptron: layers of neurons, each layer feeding the next.

    Args:
        n_inputs: int, the number of input features.
        layer_sizes: list of ints, the neurons per layer; the last is the output size.
            ``MLP(2, [16, 16, 1])`` is micrograd's two-moons network.
        activation: the hidden layers' activation (default ``"relu"``).
        output_activation: the last layer's (default ``"linear"``: raw scores or logits).
        seed: seeds a ``random.Random`` for the weights, so a run reproduces.

    Calling it on a list of n_inputs Values or numbers returns a list of
    layer_sizes[-1] Values.

    Raises:
        TypeError: if n_inputs is not an int, or layer_sizes is not a list of ints
            (numpy integers are accepted; a bool or 2.0 is not).
        ValueError: for a size < 1, no layers, or an unknown activation or
            output_activation (both are checked, even when one layer leaves
            ``activation`` unused).

    >>> model = MLP(4, [5, 3])          # the notes' 4 x 5 + 5 x 3 + 5 + 3
    >>> len(model.parameters())
    43
    """

    def __init__(self, n_inputs, layer_sizes, activation="relu", output_activation="linear", seed=0):
        n_inputs = count(n_inputs, "MLP", "n_inputs")
        if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__iter__"):
            raise TypeError(f"MLP: layer_sizes must be a list of ints, one per layer "
                            f"(e.g. [16, 16, 1]), got {shown(layer_sizes)}")
        layer_sizes = [count(size, "MLP", f"layer_sizes[{i}]") for i, size in enumerate(layer_sizes)]
        if not layer_sizes:
            raise ValueError("MLP needs at least one layer size")
        resolve_activation(activation, owner="MLP")
        resolve_activation(output_activation, "output_activation", owner="MLP")
        rng = random.Random(seed)
        sizes = [n_inputs] + layer_sizes
        self.layers = []
        for l in range(1, len(sizes)):
            last = l == len(sizes) - 1
            self.layers.append(Layer(sizes[l - 1], sizes[l],
                                     output_activation if last else activation, layer=l, rng=rng))
        self.activation, self.output_activation = activation, output_activation

    @property
    def n_inputs(self):
        return self.layers[0].n_inputs

    @property
    def layer_sizes(self):
        return [layer.n_outputs for layer in self.layers]

    def __call__(self, inputs):
        """Forward pass: list of n_inputs Values or numbers -> list of layer_sizes[-1] Values."""
        if current_mode() is NOT_RECORDING:
            # No graph to build: floats from layer to layer, Values only at the end.
            _check_inputs(inputs, self.n_inputs, self)
            numbers = _as_numbers(inputs)
            for layer in self.layers:
                numbers = layer._forward_numbers(numbers)
            return [Value(a) for a in numbers]
        # The first layer checks and converts the inputs; each layer's
        # outputs are Values of the right number already.
        values = self.layers[0](inputs)
        for layer in self.layers[1:]:
            values = layer._forward_values(values)
        return values

    def parameters(self):
        """Return every layer's parameters, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def to_torch(self):
        """The same network as a ``torch.nn.Sequential`` (float64, the same weights).

        Its outputs and gradients equal this MLP's.  Needs PyTorch (the
        ``torch`` extra), imported only here; see ``autograd.torch_bridge``.

        Returns:
            torch.nn.Sequential of Linear layers and activation modules.

        Raises:
            ValueError: for an activation no ``torch.nn`` module computes
                exactly (``"step"``, ``ops.relu_with(0.5)``), naming the layer.
            ModuleNotFoundError: without PyTorch.
        """
        from autograd.torch_bridge import mlp_to_torch
        return mlp_to_torch(self)

    @classmethod
    def from_torch(cls, module):
        """An MLP with the weights of a ``torch.nn.Sequential`` of Linear layers and activations.

        See ``autograd.torch_bridge.mlp_from_torch`` for what it accepts.

        Returns:
            MLP.

        Raises:
            ValueError: for a module an MLP cannot hold.
            ModuleNotFoundError: without PyTorch.
        """
        from autograd.torch_bridge import mlp_from_torch
        return mlp_from_torch(module)

    def __repr__(self):
        return (f"MLP({self.n_inputs}, {self.layer_sizes}, activation={self.activation!r}, "
                f"output_activation={self.output_activation!r})")
