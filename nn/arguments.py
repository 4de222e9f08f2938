"""Checks of the numbers given to nn's constructors, each refusal naming the call and the argument."""

import math
import numbers
import operator

__all__ = ["count", "finite_number", "shown"]


def shown(value, most=60):
    """``type value`` for a message, the repr cut to ``most`` characters: ``float 2.0``."""
    text = repr(value)
    if len(text) > most:
        text = f"{text[:most]}… ({len(text):,} characters)"
    return f"{type(value).__name__} {text}"


def count(value, owner, name, smallest=1):
    """A whole number >= ``smallest`` (numpy integers too, through ``__index__``), as an int.

    Raises:
        TypeError: for a bool, a float (even 2.0) or anything that is not an integer.
        ValueError: for an integer below ``smallest``.

    >>> count(3, "MLP", "n_inputs")
    3
    """
    if isinstance(value, bool):
        raise TypeError(f"{owner}: {name} must be an int >= {smallest}, got {shown(value)}")
    try:
        whole = operator.index(value)
    except TypeError:
        raise TypeError(f"{owner}: {name} must be an int >= {smallest}, "
                        f"got {shown(value)}") from None
    if whole < smallest:
        raise ValueError(f"{owner}: {name} must be >= {smallest}, got {whole}")
    return whole


def finite_number(value, owner, name):
    """A finite real number (int or float, not bool), as a float.

    Raises:
        TypeError: for a bool, str, None, complex and the rest.
        ValueError: for nan or ±inf.

    >>> finite_number(1, "SGD", "momentum")
    1.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a number, got {shown(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{owner}: {name} must be a finite number, got {number!r}")
    return number
