"""Optimisers: SGD (with momentum and a learning-rate schedule) and Adam.

They change ``parameter.data`` in place from ``parameter.grad``; they build no graph.
"""

import math

__all__ = ["SGD", "Adam", "linear_decay"]


def linear_decay(start, end, steps):
    """A learning-rate schedule that goes from ``start`` to ``end`` over ``steps`` steps, then stays.

    micrograd's demo uses ``1.0 - 0.9 * k / 100``, i.e. ``linear_decay(1.0, 0.1, 100)``.

    Returns:
        a function of the step number (0, 1, ...) returning a float.

    >>> schedule = linear_decay(1.0, 0.1, 100)
    >>> schedule(0), round(schedule(50), 6), round(schedule(500), 6)
    (1.0, 0.55, 0.1)
    """
    def schedule(step):
        fraction = min(step, steps) / steps
        return start + (end - start) * fraction
    return schedule


class _Optimizer:
    def __init__(self, parameters, lr):
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError(f"{type(self).__name__} got no parameters to optimise")
        if not callable(lr) and not (isinstance(lr, (int, float)) and lr > 0):
            raise ValueError(f"{type(self).__name__}: the learning rate must be a positive "
                             f"number or a schedule (a function of the step), got {lr!r}")
        self.lr = lr
        self.step_count = 0

    def current_lr(self):
        """The learning rate for the next step (the schedule's value, if lr is one)."""
        return self.lr(self.step_count) if callable(self.lr) else self.lr

    def zero_grad(self):
        """Set every parameter's grad to 0.0."""
        for parameter in self.parameters:
            parameter.grad = 0.0


class SGD(_Optimizer):
    """Stochastic gradient descent: w ← w - learning_rate · dL/dw (the notes' update).

    With momentum μ: v ← μ·v + dL/dw; w ← w - learning_rate · v (PyTorch's form).

    Args:
        parameters: list of Values.
        lr: a positive float, or a schedule: a function of the step number
            (0, 1, ...) returning the learning rate (see :func:`linear_decay`).
        momentum: float in [0, 1).

    >>> from autograd import Value
    >>> w = Value(0.7); w.grad = 0.0131
    >>> SGD([w], lr=1.0).step(); round(w.data, 4)
    0.6869
    """

    def __init__(self, parameters, lr=0.01, momentum=0.0):
        super().__init__(parameters, lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum!r}")
        self.momentum = momentum
        self.velocity = [0.0] * len(self.parameters)

    def step(self):
        """Update every parameter's data once from its grad."""
        lr = self.current_lr()
        if self.momentum:
            for i, parameter in enumerate(self.parameters):
                self.velocity[i] = self.momentum * self.velocity[i] + parameter.grad
                parameter.data -= lr * self.velocity[i]
        else:
            for parameter in self.parameters:
                parameter.data -= lr * parameter.grad
        self.step_count += 1


class Adam(_Optimizer):
    """Adam (Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1).

    m ← β1·m + (1-β1)·g;  v ← β2·v + (1-β2)·g²;
    w ← w - lr · m̂ / (√v̂ + ε), with m̂ = m/(1-β1^t), v̂ = v/(1-β2^t).

    Args:
        parameters: list of Values.
        lr: a positive float or a schedule (see :class:`SGD`).
        betas: (β1, β2), each in [0, 1).
        eps: float.
    """

    def __init__(self, parameters, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(parameters, lr)
        beta1, beta2 = betas
        if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
            raise ValueError(f"Adam: betas must be in [0, 1), got {betas!r}")
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
            g = parameter.grad
            self.m[i] = self.beta1 * self.m[i] + (1.0 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1.0 - self.beta2) * g * g
            m_hat = self.m[i] / correction1
            v_hat = self.v[i] / correction2
            parameter.data -= lr * m_hat / (math.sqrt(v_hat) + self.eps)
        self.step_count += 1
