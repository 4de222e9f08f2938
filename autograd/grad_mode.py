"""Whether operations record the graph (``no_grad()``), kept per thread and per asyncio task.

The mode lives in a :class:`contextvars.ContextVar`, as PyTorch keeps grad
mode per thread: a thread or task inside ``no_grad()`` switches off its own
graph and nobody else's.  A new thread starts recording; a new asyncio task
starts in the mode of the code that created it.

The mode also says whether ``detect_anomaly()`` (``anomaly.py``) checks each
number for NaN and infinity.  Both answers sit in one object, so that making a
node reads one variable, with one call, whatever the mode.
"""

import contextlib
import contextvars

__all__ = ["no_grad", "is_grad_enabled"]


class Mode:
    """What making a node does in the current thread or task.

    Attributes:
        recording (bool): operations record parents and local derivatives
            (False inside ``no_grad()``).
        checking (bool): operations and the backward pass refuse NaN and
            infinity (True inside ``detect_anomaly()``).

    There are exactly four modes, made once below; code compares them by
    identity (``mode is RECORDING``), which is the cheapest test Python has.
    """

    __slots__ = ("recording", "checking")

    def __init__(self, recording, checking):
        self.recording = recording
        self.checking = checking

    def __repr__(self):
        return f"Mode(recording={self.recording}, checking={self.checking})"


RECORDING = Mode(recording=True, checking=False)
"""The default: build the graph, check nothing."""
NOT_RECORDING = Mode(recording=False, checking=False)
"""Inside ``no_grad()``."""
_MODES = {(True, False): RECORDING, (False, False): NOT_RECORDING,
          (True, True): Mode(True, True), (False, True): Mode(False, True)}


def mode_with(recording, checking):
    """The one Mode with these two answers (bools)."""
    return _MODES[(bool(recording), bool(checking))]


_MODE = contextvars.ContextVar("chainrule_mode", default=RECORDING)

current_mode = _MODE.get
"""``current_mode()`` returns the Mode of the calling thread or task.

Every node made reads it, so it is the ContextVar's own bound method: one C
call, without a Python function around it (see demos/benchmark.py)."""


@contextlib.contextmanager
def using_mode(mode):
    """Context manager: run the block in ``mode`` (a Mode), then restore the mode before it.

    The restore uses the ContextVar's token, so it puts back exactly what this
    thread or task had, even after an exception, and blocks nest.
    """
    token = _MODE.set(mode)
    try:
        yield
    finally:
        _MODE.reset(token)


def is_grad_enabled():
    """Return True when operations in this thread or task record the graph (the default)."""
    return current_mode().recording


@contextlib.contextmanager
def no_grad():
    """Context manager: inside it, operations in this thread or asyncio task build no graph.

    Results are new leaves that hold only their data: no parents, no local
    derivatives.  Use it for parameter updates and for evaluation, where no
    gradient is wanted; it is several times faster than recording (see
    ``python -m demos.benchmark``).  The previous mode is restored on exit,
    even after an exception, and the blocks nest.

    Only the calling thread or task stops recording: another thread training
    at the same time keeps its graph (the mode is a ``contextvars.ContextVar``).
    ``detect_anomaly()`` stays on inside it if it was on.

    >>> from autograd import Value
    >>> a = Value(2.0)
    >>> with no_grad():
    ...     b = a * 3
    >>> b.parents, b.data
    ((), 6.0)
    """
    with using_mode(mode_with(recording=False, checking=current_mode().checking)):
        yield
