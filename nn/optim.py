"""Optimisers: SGD (with momentum and a learning-rate schedule) and Adam.

They change ``parameter.data`` in place from ``parameter.grad``; they build no graph.
"""

import math
import numbers

from .arguments import count, finite_number, shown


def _grad_number(parameter):
    """A parameter's gradient as a float: after ``backward(create_graph=True)`` it is a Value, whose ``data`` is the number."""
    grad = parameter.grad
    return grad.data if hasattr(grad, "data") else grad

__all__ = ["SGD", "Adam", "linear_decay"]


def linear_decay(start, end, steps):
    """A learning-rate schedule that goes from ``start`` to ``end`` over ``steps`` steps, then stays.

    micrograd's demo uses ``1.0 - 0.9 * k / 100``, i.e. ``linear_decay(1.0, 0.1, 100)``.

    Args:
        start: the first learning rate, a finite number > 0.
        end: the last, a finite number >= 0.
        steps: how many steps the decay takes, an int >= 1.

    Returns:
        a function of the step number (0, 1, ...) returning a float.

    Raises:
        TypeError, ValueError: for arguments outside those ranges, when it is
            called (not when the schedule is first used).

    >>> schedule = linear_decay(1.0, 0.1, 100)
    >>> schedule(0), round(schedule(50), 6), round(schedule(500), 6)
    (1.0, 0.55, 0.1)
    """
    start = finite_number(start, "linear_decay", "start")
    end = finite_number(end, "linear_decay", "end")
    steps = count(steps, "linear_decay", "steps")
    if start <= 0:
        raise ValueError(f"linear_decay: start must be > 0, got {start!r}")
    if end < 0:
        raise ValueError(f"linear_decay: end must be >= 0, got {end!r}")

    def schedule(step):
        fraction = min(step, steps) / steps
        return start + (end - start) * fraction
    return schedule


class _Optimizer:
    def __init__(self, parameters, lr):
        owner = type(self).__name__
        self.parameters = _parameter_list(parameters, owner)
        if not callable(lr):
            expected = "a finite number > 0 or a schedule (a function of the step)"
            if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
                raise TypeError(f"{owner}: the learning rate must be {expected}, got {shown(lr)}")
            if not (math.isfinite(lr) and lr > 0):
                raise ValueError(f"{owner}: the learning rate must be {expected}, got {lr!r}")
        self.lr = lr
        self.step_count = 0

    def current_lr(self):
        """The learning rate for the next step (the schedule's value, if lr is one)."""
        return self.lr(self.step_count) if callable(self.lr) else self.lr

    def zero_grad(self):
        """Set every parameter's grad to 0.0."""
        for parameter in self.parameters:
            parameter.grad = 0.0


def _parameter_list(parameters, owner):
    """The parameters as a list, each checked to have ``.data`` and ``.grad``, or a clear error.

    Anything with both attributes is accepted (the benchmark steps micrograd's
    Values with these optimisers).
    """
    if callable(getattr(parameters, "parameters", None)):
        raise TypeError(f"{owner}: pass model.parameters(), not the model itself")
    if isinstance(parameters, (str, bytes)) or not hasattr(parameters, "__iter__"):
        raise TypeError(f"{owner}: parameters must be a list of Values, such as "
                        f"model.parameters(), got {shown(parameters)}")
    parameters = list(parameters)
    if not parameters:
        raise ValueError(f"{owner} got no parameters to optimise")
    for position, parameter in enumerate(parameters):
        if not (hasattr(parameter, "data") and hasattr(parameter, "grad")):
            raise TypeError(f"{owner}: parameters[{position}] is {shown(parameter)}, expected "
                            f"a Value (something with .data and .grad)")
    return parameters


class SGD(_Optimizer):
    """Stochastic gradient descent: w ← w - learning_rate · dL/dw (the notes' update).

    With momentum μ: v ← μ·v + dL/dw; w ← w - learning_rate · v (PyTorch's form).

    Args:
        parameters: list of Values.
        lr: a positive float, or a schedule: a function of the step number
            (0, 1, ...) returning the learning rate (see :func:`linear_decay`).
        momentum: float in [0, 1).

    Raises:
        TypeError: if parameters is a model (pass ``model.parameters()``) or holds
            something that is not a Value, or lr or momentum is not a number.
        ValueError: for no parameters, lr <= 0 or not finite, momentum outside [0, 1).

    >>> from autograd import Value
    >>> w = Value(0.7); w.grad = 0.0131
    >>> SGD([w], lr=1.0).step(); round(w.data, 4)
    0.6869
    """

    def __init__(self, parameters, lr=0.01, momentum=0.0):
        super().__init__(parameters, lr)
        momentum = finite_number(momentum, "SGD", "momentum")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum!r}")
        self.momentum = momentum
        self.velocity = [0.0] * len(self.parameters)

    def step(self):
        """Update every parameter's data once from its grad."""
        lr = self.current_lr()
        if self.momentum:
            for i, parameter in enumerate(self.parameters):
                self.velocity[i] = self.momentum * self.velocity[i] + _grad_number(parameter)
                parameter.data -= lr * self.velocity[i]
        else:
            for parameter in self.parameters:
                parameter.data -= lr * _grad_number(parameter)
        self.step_count += 1


class Adam(_Optimizer):
    """Adam (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1).

    m ← β1·m + (1-β1)·g;  v ← β2·v + (1-β2)·g²;
    w ← w - lr · m̂ / (√v̂ + ε), with m̂ = m/(1-β1^t), v̂ = v/(1-β2^t).

    Args:
        parameters: list of Values.
        lr: a positive float or a schedule (see :class:`SGD`).
        betas: (β1, β2), each in [0, 1).
        eps: a float > 0, added to √v̂ so that a zero gradient divides by no zero.

    Raises:
        TypeError: as for :class:`SGD`, or if betas is not a pair of numbers or
            eps is not a number.
        ValueError: as for :class:`SGD`, or for a beta outside [0, 1), eps <= 0
            or not finite.
    """

    def __init__(self, parameters, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(parameters, lr)
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise TypeError(f"Adam: betas must be a pair (β1, β2), got {shown(betas)}") from None
        beta1 = finite_number(beta1, "Adam", "betas[0]")
        beta2 = finite_number(beta2, "Adam", "betas[1]")
        if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
            raise ValueError(f"Adam: betas must be in [0, 1), got {betas!r}")
        eps = finite_number(eps, "Adam", "eps")
        if eps <= 0:
            raise ValueError(f"Adam: eps must be > 0, got {eps!r}")
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = [0.0] * len(self.parameters)
        self.v = [0.0] * len(self.parameters)

    def step(self):
        """Update every parameter's data once from its grad."""
        lr = self.current_lr()
        t = self.step_count + 1
        correction1 = 1.0 - self.beta1 ** t
        correction2 = 1.0 - self.beta2 ** t
        for i, parameter in enumerate(self.parameters):
            g = _grad_number(parameter)
            self.m[i] = self.beta1 * self.m[i] + (1.0 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1.0 - self.beta2) * g * g
            m_hat = self.m[i] / correction1
            v_hat = self.v[i] / correction2
            parameter.data -= lr * m_hat / (math.sqrt(v_hat) + self.eps)
        self.step_count += 1
