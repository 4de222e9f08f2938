"""Module: the base of neurons, layers and MLPs (parameters, zero_grad, save and load)."""

import json
import math
import numbers

from autograd.files import write_atomically

__all__ = ["Module", "ParameterFileError"]

FILE_FORMAT = "chainrule-parameters"
FILE_VERSION = 1


class ParameterFileError(ValueError):
    """A parameter file does not match the model it is loaded into (or is not one)."""


class Module:
    """Base class for anything with parameters; PyTorch's names, so they read as users expect.

    Subclasses define ``parameters()`` and ``__call__``.
    """

    def parameters(self):
        """Return the trainable parameters: list of Values (weights and biases)."""
        return []

    def zero_grad(self):
        """Set every parameter's grad to 0.0 (leaves accumulate across backward() calls)."""
        for parameter in self.parameters():
            parameter.grad = 0.0

    def save(self, path):
        """Write the parameters' data to ``path`` as JSON, keyed by label, in order.

        Floats are written with Python's shortest round-trip repr, so
        ``load`` gives back exactly the same numbers.  The write is atomic:
        the file is written beside ``path`` under a temporary name, flushed
        and synced to disk, then renamed over ``path``, so a failure half-way
        (a full disk, an error) leaves the previous file as it was.

        Args:
            path: str or path-like; its folder must exist.

        Returns:
            None.

        Raises:
            TypeError: if a parameter's data is not a number (a Value, str,
                None or bool assigned to ``p.data``); the message names the parameter.
            ValueError: if a parameter is NaN or infinite (``load`` would
                refuse the file); the message names the parameter.
            OSError: if the file cannot be written; ``path`` is then unchanged.
        """
        document = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "model": repr(self),
            "parameters": [[p.label, _savable_number(p)] for p in self.parameters()],
        }

        def write(file):
            json.dump(document, file, indent=1)
            file.write("\n")

        write_atomically(path, write)

    def load(self, path):
        """Set the parameters' data from a file written by :meth:`save`; grads are left alone.

        The whole file is checked before anything changes, so a bad file leaves
        the model as it was.  A file far larger than this model's parameters
        could need is refused before it is parsed.

        Args:
            path: str or path-like.

        Returns:
            self.

        Raises:
            ParameterFileError: for any file that is not a chainrule parameter
                file for this model: too large, not UTF-8, not JSON (or nested
                too deep), not a parameter file, a parameter that is not a
                finite number, or a count or label that differs from this
                model's (the message says which).
            OSError: if the file cannot be read.
        """
        mine = self.parameters()
        limit = _largest_sensible_size(mine)
        with open(path, "rb") as file:
            raw = file.read(limit + 1)
        if len(raw) > limit:
            raise ParameterFileError(
                f"{path} is too large to be a parameter file for {self!r}: more than "
                f"{limit:,} bytes for {len(mine)} parameters")
        try:
            document = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise ParameterFileError(f"{path} is not UTF-8 text: {error}") from None
        except RecursionError:
            raise ParameterFileError(f"{path} is not a parameter file: its JSON is nested "
                                     f"too deeply") from None
        except ValueError as error:     # JSONDecodeError, and an integer past Python's digit limit
            raise ParameterFileError(f"{path} is not JSON: {error}") from None
        if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
            raise ParameterFileError(f"{path} is not a chainrule parameter file")
        stored = document.get("parameters")
        if not isinstance(stored, list) or len(stored) != len(mine):
            count = len(stored) if isinstance(stored, list) else "no"
            raise ParameterFileError(
                f"{path} holds {count} parameters for {_shortened(document.get('model'))}, "
                f"but this model, {self!r}, has {len(mine)}")
        numbers = []
        for position, (entry, parameter) in enumerate(zip(stored, mine)):
            number = _stored_number(entry)
            if number is None:
                raise ParameterFileError(f"{path}: parameter {position} is not a "
                                         f"[label, finite number] pair")
            if entry[0] != parameter.label:
                raise ParameterFileError(
                    f"{path}: parameter {position} is {_shortened(entry[0])} in the file but "
                    f"{parameter.label!r} in this model")
            numbers.append(number)
        for number, parameter in zip(numbers, mine):
            parameter.data = number
        return self


def _savable_number(parameter):
    """A parameter's data as a float for the file; refuse what load would refuse, by label."""
    data = parameter.data
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(f"cannot save parameter {parameter.label!r}: its data is "
                        f"{type(data).__name__} {_shortened(data)}, not a number "
                        f"(set p.data to a float, e.g. p.data = value.data)")
    data = float(data)
    if not math.isfinite(data):
        raise ValueError(f"cannot save parameter {parameter.label!r}: it is {data!r}, and a "
                         f"parameter file holds finite numbers only (did training diverge?)")
    return data


def _largest_sensible_size(parameters):
    """A generous bound on the bytes of a parameter file for these parameters.

    Per parameter: its label with every character escaped (``\\uXXXX``, 6
    bytes), a number (at most 24 characters), and brackets, commas and
    indentation (under 64 bytes); four times that for other spacing, plus
    64 KiB for the header.  A file saved by :meth:`Module.save` is a small
    fraction of it; a 275 MB file for a 43-parameter model (bound: about
    90 KB) is refused after reading no more than the bound, before parsing.
    """
    per_parameter = sum(6 * len(p.label) + 24 + 64 for p in parameters)
    return 4 * per_parameter + 64 * 1024


def _stored_number(entry):
    """The float in a file's ``[label, number]`` entry, or None if it is not a finite number."""
    if not isinstance(entry, list) or len(entry) != 2:
        return None
    number = entry[1]
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        return None
    try:
        number = float(number)
    except OverflowError:           # an integer beyond the largest float
        return None
    return number if math.isfinite(number) else None


def _shortened(value, most=60):
    """repr(value), cut to ``most`` characters: a message quotes a file's content, not all of it."""
    text = repr(value)
    return text if len(text) <= most else f"{text[:most]}… ({len(text):,} characters)"
