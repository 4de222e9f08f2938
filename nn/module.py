"""Module: the base of neurons, layers and MLPs (parameters, zero_grad, save and load)."""

import json
import math

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
        ``load`` gives back exactly the same numbers.

        Returns:
            None.
        """
        document = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "model": repr(self),
            "parameters": [[p.label, p.data] for p in self.parameters()],
        }
        with open(path, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=1)
            file.write("\n")

    def load(self, path):
        """Set the parameters' data from a file written by :meth:`save`; grads are left alone.

        The whole file is checked before anything changes, so a bad file leaves
        the model as it was.

        Returns:
            self.

        Raises:
            ParameterFileError: if the file is not a chainrule parameter file,
                or its parameters' count or labels differ from this model's
                (the message says which).
            OSError: if the file cannot be read.
        """
        with open(path, encoding="utf-8") as file:
            try:
                document = json.load(file)
            except json.JSONDecodeError as error:
                raise ParameterFileError(f"{path} is not JSON: {error}") from None
        if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
            raise ParameterFileError(f"{path} is not a chainrule parameter file")
        stored = document.get("parameters")
        mine = self.parameters()
        if not isinstance(stored, list) or len(stored) != len(mine):
            count = len(stored) if isinstance(stored, list) else "no"
            raise ParameterFileError(
                f"{path} holds {count} parameters for {document.get('model')}, "
                f"but this model, {self!r}, has {len(mine)}")
        for position, (entry, parameter) in enumerate(zip(stored, mine)):
            if (not isinstance(entry, list) or len(entry) != 2
                    or not isinstance(entry[1], (int, float)) or isinstance(entry[1], bool)
                    or not math.isfinite(entry[1])):
                raise ParameterFileError(f"{path}: parameter {position} is not a [label, number] pair")
            if entry[0] != parameter.label:
                raise ParameterFileError(
                    f"{path}: parameter {position} is {entry[0]!r} in the file but "
                    f"{parameter.label!r} in this model")
        for (_, data), parameter in zip(stored, mine):
            parameter.data = float(data)
        return self
