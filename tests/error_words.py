"""A shared check for the tests of errors: the call fails with the right type and a message naming what it should."""

import pytest


def assert_raises_naming(make, error, words):
    """Call ``make()``; expect ``error`` whose message contains every one of ``words``. Return the message."""
    with pytest.raises(error) as info:
        make()
    message = str(info.value)
    missing = [word for word in words if word not in message]
    assert not missing, f"{missing} not in: {message}"
    return message
