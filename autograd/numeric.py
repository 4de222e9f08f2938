"""Numerical derivatives, the notes' "nudge": central differences, and a check against backward()."""

from .grad_mode import no_grad
from .value import Value

__all__ = ["numerical_grad", "gradcheck", "GradcheckError", "GradcheckReport"]


def _as_numbers(inputs):
    return [x.data if isinstance(x, Value) else float(x) for x in inputs]


def _evaluate(f, numbers):
    with no_grad():
        out = f(*[Value(x) for x in numbers])
    return out.data if isinstance(out, Value) else float(out)


def numerical_grad(f, inputs, h=1e-6):
    """Estimate df/dx_i for each input by nudging it: (f(x + h) - f(x - h)) / 2h.

    The central difference, whose error shrinks like h² (the one-sided nudge
    of the notes, (f(a + h) - f(a)) / h, errs like h).

    Args:
        f: a function of len(inputs) Values returning a Value, e.g.
            ``lambda a, b: a * b + a``.  It is evaluated on fresh Values.
        inputs: list of numbers or Values (their ``data`` is used).
        h: the nudge (float).

    Returns:
        list of floats, one per input.

    >>> [round(d, 6) for d in numerical_grad(lambda a: a ** 3, [2.0])]
    [12.0]
    """
    numbers = _as_numbers(inputs)
    grads = []
    for i in range(len(numbers)):
        up, down = list(numbers), list(numbers)
        up[i] += h
        down[i] -= h
        grads.append((_evaluate(f, up) - _evaluate(f, down)) / (2 * h))
    return grads


class GradcheckError(AssertionError):
    """Raised by :func:`gradcheck` when backward() and the nudge disagree."""


class GradcheckReport:
    """The result of :func:`gradcheck`: one row per input.

    Attributes:
        rows: list of (name, analytic, numeric, abs_error) tuples.
        ok: True when every row is within tolerance.

    It is truthy when ``ok`` and prints as a table.
    """

    def __init__(self, rows, ok):
        self.rows = rows
        self.ok = ok

    def __bool__(self):
        return self.ok

    def __str__(self):
        lines = [f"{'input':>10}  {'backward()':>14}  {'nudge':>14}  {'|difference|':>12}"]
        for name, analytic, numeric, error in self.rows:
            lines.append(f"{name:>10}  {analytic:>14.8g}  {numeric:>14.8g}  {error:>12.3g}")
        return "\n".join(lines)

    def __repr__(self):
        return f"GradcheckReport(ok={self.ok}, rows={self.rows!r})"


def gradcheck(f, inputs, h=1e-6, atol=1e-5, rtol=1e-4, raise_on_failure=True, grads=None):
    """Compare backward()'s gradients with numerical_grad()'s, input by input.

    An input passes when ``|analytic - numeric| <= atol + rtol·|numeric|``.

    Args:
        f: a function of len(inputs) Values returning a Value.
        inputs: list of numbers or Values (Values lend their labels to the report).
        h: the nudge for :func:`numerical_grad`.
        atol, rtol: absolute and relative tolerance.
        raise_on_failure: raise GradcheckError (default) or just return the report.
        grads: the gradients to check instead of backward()'s, one float per
            input, in order: those of another engine (the bug lab's broken
            ones, ``demos/bugs.py``) or of a backward pass written by hand.

    Returns:
        GradcheckReport (truthy when all inputs agree).

    Raises:
        GradcheckError: when an input disagrees and ``raise_on_failure``; the
            message names the input and the size of the disagreement.

    >>> bool(gradcheck(lambda a, b: (a * b).tanh(), [0.3, -1.2]))
    True
    >>> gradcheck(lambda a: a + a, [Value(3.0, "a")], grads=[1.0], raise_on_failure=False).ok
    False
    """
    numbers = _as_numbers(inputs)
    names = [x.label if isinstance(x, Value) and x.label else f"x{i}" for i, x in enumerate(inputs)]
    if grads is None:
        leaves = [Value(x, name) for x, name in zip(numbers, names)]
        f(*leaves).backward()
        grads = [leaf.grad for leaf in leaves]
    elif len(grads) != len(numbers):
        raise ValueError(f"gradcheck: {len(grads)} grads given for {len(numbers)} inputs")
    numeric = numerical_grad(f, numbers, h)
    rows, failures = [], []
    for name, analytic, estimate in zip(names, grads, numeric):
        error = abs(analytic - estimate)
        rows.append((name, analytic, estimate, error))
        if not error <= atol + rtol * abs(estimate):
            failures.append(f"{name}: backward() gives {analytic!r}, the nudge gives "
                            f"{estimate!r}, they differ by {error:.3g}")
    report = GradcheckReport(rows, not failures)
    if failures and raise_on_failure:
        raise GradcheckError("gradcheck failed for " + "; ".join(failures) + "\n" + str(report))
    return report
