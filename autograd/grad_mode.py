"""Whether operations record the graph: the ``no_grad()`` switch."""

import contextlib

__all__ = ["no_grad", "is_grad_enabled"]


class _GradMode:
    # One shared flag, read by every operation; a class attribute so that the
    # node can read it without a function call.
    enabled = True


def is_grad_enabled():
    """Return True when operations record parents and local derivatives (the default)."""
    return _GradMode.enabled


@contextlib.contextmanager
def no_grad():
    """Context manager: inside it, operations build no graph.

    Results are new leaves that hold only their data: no parents, no local
    derivatives.  Use it for parameter updates and for evaluation, where no
    gradient is wanted; it is several times faster than recording (see
    ``python -m demos.benchmark``).  The previous mode is restored on exit,
    even after an exception, and the blocks nest.

    >>> from autograd import Value
    >>> a = Value(2.0)
    >>> with no_grad():
    ...     b = a * 3
    >>> b.parents, b.data
    ((), 6.0)
    """
    previous = _GradMode.enabled
    _GradMode.enabled = False
    try:
        yield
    finally:
        _GradMode.enabled = previous
