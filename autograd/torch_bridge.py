"""A bridge to PyTorch: an MLP to and from ``torch.nn.Sequential``, and any graph as runnable PyTorch code.

When a learner outgrows one process, PyTorch is where they go (it scales to
many machines with DistributedDataParallel).  This module is not part of the
engine: it imports PyTorch only when called, and says how to install it when
it is missing (``pip install 'chainrule[torch]'``).

* :func:`mlp_to_torch` (``model.to_torch()``): the same network as a
  ``torch.nn.Sequential`` of ``Linear`` layers and activations, float64, with
  the same weights: its outputs and gradients equal chainrule's.
* :func:`mlp_from_torch` (``MLP.from_torch(module)``): the other way.
* :func:`to_torch_code`: Python source that rebuilds a graph with scalar
  tensors and prints its value and the leaves' gradients, one line per node,
  each written from the op's row of the table (``Op.torch_code``).
"""

from . import ops
from .compile import _identifier
from .graph import topological_order
from .value import CONSTANT

__all__ = ["mlp_to_torch", "mlp_from_torch", "to_torch_code", "TORCH_ACTIVATIONS"]

TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid",
                     "leaky_relu": "LeakyReLU", "softplus": "Softplus"}
"""chainrule's activation names and the ``torch.nn`` modules that compute the same function.

``model.to_torch()`` makes each from its row's ``torch_module`` (``ops.py``),
which also covers a leaky ReLU of another slope (``ops.leaky_relu_with(0.1)``);
``linear`` has no module; ``step``, and ``ops.relu_with(0.5)``, whose
derivative at 0 is not PyTorch's 0, have none that computes the same numbers."""


def _torch():
    try:
        import torch
    except ModuleNotFoundError:
        raise ModuleNotFoundError("the PyTorch bridge needs PyTorch: pip install 'chainrule[torch]' "
                                  "(torch==2.13.0, a CPU build)") from None
    return torch


def mlp_to_torch(model):
    """The MLP as a ``torch.nn.Sequential`` with the same weights, in float64.

    Layer l becomes ``Linear(n_inputs, n_outputs)`` whose ``weight[j, i]`` is
    w[l]_i+1,j+1 and ``bias[j]`` is b[l]_j+1, followed by its activation's
    module (none for ``"linear"``), made from the activation's row of the
    table (``Op.torch_module``): its outputs and gradients equal chainrule's.

    Args:
        model: an ``nn.MLP``.

    Returns:
        torch.nn.Sequential.

    Raises:
        ValueError: for an activation no ``torch.nn`` module computes exactly
            (``step``, ``ops.relu_with(0.5)``, ``ops.EXP``), naming the layer
            and the activation, before PyTorch is imported.
        ModuleNotFoundError: without PyTorch.
    """
    rules = []
    for number, layer in enumerate(model.layers, start=1):
        rule = layer.neurons[0].activation_rule
        if rule is not None and rule.torch_module is None:
            raise ValueError(
                f"to_torch: layer {number}'s activation {str(rule)!r} "
                f"({rule.rule_text(0, ['z'], 'a')}) has no torch.nn module that computes the "
                f"same numbers; the activations that have one: {', '.join(TORCH_ACTIVATIONS)} "
                f"(or ops.leaky_relu_with(slope))")
        rules.append(rule)
    torch = _torch()
    modules = []
    for layer, rule in zip(model.layers, rules):
        linear = torch.nn.Linear(layer.n_inputs, layer.n_outputs, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in neuron.w] for neuron in layer.neurons],
                                             dtype=torch.float64))
            linear.bias.copy_(torch.tensor([neuron.b.data for neuron in layer.neurons],
                                           dtype=torch.float64))
        modules.append(linear)
        if rule is not None:
            modules.append(rule.torch_module(torch))
    return torch.nn.Sequential(*modules)


def _activation_of(child):
    """The activation (a name, or a row of the table) that computes what the torch module does, or None."""
    kind = type(child).__name__
    if kind == "LeakyReLU":
        # another slope is a row of its own, as nn's activation argument takes it
        slope = child.negative_slope
        return "leaky_relu" if slope == 0.01 else ops.leaky_relu_with(float(slope))
    if kind == "Softplus" and child.beta != 1.0:
        return None
    by_class = {module_name: name for name, module_name in TORCH_ACTIVATIONS.items()}
    return by_class.get(kind)


def mlp_from_torch(module):
    """An ``nn.MLP`` with the weights of a ``torch.nn.Sequential`` of Linear layers and activations.

    Args:
        module: ``torch.nn.Sequential`` of ``Linear`` layers, each optionally
            followed by one of ReLU, Tanh, Sigmoid, LeakyReLU (of any slope:
            other than 0.01 it becomes ``ops.leaky_relu_with(slope)``) or
            Softplus of beta 1; the hidden layers share one activation.
            (PyTorch's Softplus returns x above its threshold, 20 by default,
            where chainrule's adds ln(1 + e^-x): under 3e-9, and nothing in
            float64 above 37.)

    Returns:
        nn.MLP.

    Raises:
        ValueError: for another module (a Softplus of another beta), hidden
            layers with different activations, or a layer whose inputs do not
            match the previous layer's outputs.
        ModuleNotFoundError: without PyTorch.
    """
    torch = _torch()
    from nn import MLP
    linears, activations = [], []
    for index, child in enumerate(module):
        activation = _activation_of(child)
        if isinstance(child, torch.nn.Linear):
            if linears and child.in_features != linears[-1].out_features:
                raise ValueError(f"MLP.from_torch: layer {index} ({child}) takes "
                                 f"{child.in_features} inputs, the layer before gives "
                                 f"{linears[-1].out_features}")
            if child.bias is None:
                raise ValueError(f"MLP.from_torch: layer {index} ({child}) has no bias; "
                                 "chainrule's neurons all have one")
            linears.append(child)
            activations.append("linear")
        elif activation is not None and linears and activations[-1] == "linear":
            activations[-1] = activation
        else:
            raise ValueError(f"MLP.from_torch: module {index} ({child}) is not a Linear layer or "
                             f"one activation after a Linear layer "
                             f"({', '.join(TORCH_ACTIVATIONS.values())}; Softplus of beta 1)")
    if not linears:
        raise ValueError("MLP.from_torch: the module has no Linear layer")
    # A row equals its name as a str (leaky_relu_with(0.1) == "leaky_relu"):
    # the formula, which holds the slope, tells two rows apart.
    hidden = {(a.formula if isinstance(a, ops.Op) else a): a for a in activations[:-1]}
    if len(hidden) > 1:
        raise ValueError(f"MLP.from_torch: the hidden layers use different activations "
                         f"{sorted(hidden)}; an MLP has one")
    model = MLP(linears[0].in_features, [linear.out_features for linear in linears],
                activation=next(iter(hidden.values()), "relu"), output_activation=activations[-1])
    for layer, linear in zip(model.layers, linears):
        weight = linear.weight.detach().to(torch.float64).tolist()
        bias = linear.bias.detach().to(torch.float64).tolist()
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = weight[j][i]
            neuron.b.data = bias[j]
    return model


def to_torch_code(root):
    """Runnable PyTorch source that recomputes ``root`` and the gradients of its leaves.

    Each leaf becomes a float64 scalar tensor (``requires_grad=True``, except
    constants), each node one line written from its op's ``torch_code``; the
    program calls ``backward()`` and prints the value and each leaf's gradient.

    Args:
        root: a Value.

    Returns:
        str: Python source; it needs PyTorch only when run.

    Raises:
        ValueError: if an op of the graph has no ``torch_code`` in the table.

    >>> from autograd import Value
    >>> a, b = Value(2.0, "a"), Value(3.0, "b")
    >>> print(to_torch_code((a * b).named("f")).splitlines()[6])
    f = a * b  # *
    """
    order = topological_order(root)
    names, taken, leaves = {}, set(), []
    for position, node in enumerate(order):
        name = _identifier(node.label)
        if name is None or name in taken or name == "torch":
            name = f"n{position}"
        names[node] = name
        taken.add(name)
    lines = ["import torch", "", "# the leaves: float64 scalars; backward() fills in their .grad"]
    for node in order:
        if not node.parents:
            trained = node.role != CONSTANT
            lines.append(f"{names[node]} = torch.tensor({node.data!r}, dtype=torch.float64"
                         f"{', requires_grad=True' if trained else ''})"
                         f"{'' if trained else '  # a constant'}")
            if trained:
                leaves.append(node)
    lines.append("# the forward pass, one line per node")
    for node in order:
        if node.parents:
            if node.op.torch_code is None:
                raise ValueError(f"to_torch_code: the op {str(node.op)!r} has no PyTorch form "
                                 "(torch_code) in the table")
            expression = node.op.torch_code([names[parent] for parent in node.parents])
            lines.append(f"{names[node]} = {expression}  # {node.op}")
    root_name = names[root]
    lines += ["# the backward pass: PyTorch applies the chain rule", f"{root_name}.backward()",
              f'print("{root_name} =", {root_name}.item())']
    for leaf in leaves:
        if leaf is not root:
            lines.append(f'print("d{root_name}/d{names[leaf]} =", {names[leaf]}.grad.item())')
    return "\n".join(lines) + "\n"
