"""Running a test's code in a second thread: for the tests that modes are per thread (grad mode, anomaly detection)."""

import threading

WAIT = 10
"""Seconds: only a bound on a hang, never a way to order threads (Events do that)."""


def run_in_thread(target):
    """Start ``target()`` in a new thread; return a function that joins it and re-raises its error.

    An assertion that fails in the other thread then fails the test, and a
    thread still running after WAIT seconds fails it as hung.
    """
    errors = []

    def guarded():
        try:
            target()
        except BaseException as error:   # hand anything, an assertion included, to the test
            errors.append(error)

    thread = threading.Thread(target=guarded)
    thread.start()

    def join():
        thread.join(WAIT)
        assert not thread.is_alive(), "the other thread hung"
        if errors:
            raise errors[0]
    return join
