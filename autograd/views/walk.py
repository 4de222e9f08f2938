"""Walking a recorded pass one step at a time: what the backward and the forward steppers share.

A subclass says what one step does (``_apply``, ``_undo``) and how it reads
(``sentence``); this class keeps the position, moves it, and writes where the
walk is, its transcript, and what each ``n<K>`` name means the first time the
walk meets it.
"""

from .text import Message, glossary

__all__ = ["Walk"]


class Walk:
    """Steps of a record, applied one at a time; see :class:`.stepper.Stepper` and :class:`.forward_stepper.ForwardStepper`.

    Args:
        record: a record with ``order`` and ``steps`` (each step with ``child`` and ``parent``).
        names (dict): each node's name.

    Attributes:
        record, names, steps (tuple), total (int), position (int: how many steps are applied).
    """

    def __init__(self, record, names):
        self.record = record
        self.names = names
        self.steps = record.steps
        self.total = len(self.steps)
        self.position = 0
        # The step at which the walk first meets each node, for its one gloss.
        self._first_met = {}
        for index, step in enumerate(self.steps):
            self._first_met.setdefault(step.child, index)
            self._first_met.setdefault(step.parent, index)

    # --- what a subclass says ------------------------------------------------------

    def sentence(self, update):
        """The sentence for one step (str)."""
        raise NotImplementedError

    def _apply(self, update):
        """Make the step's change (a gradient or a tangent)."""
        raise NotImplementedError

    def _undo(self, update):
        """Take the step's change back; return what is so again, e.g. ``"a.grad is 3"``."""
        raise NotImplementedError

    def _before_next(self):
        """Called before a step is applied (the quiz counts an unanswered step here)."""

    def _after_back(self):
        """Called after a step is undone."""

    # --- where we are ------------------------------------------------------------

    @property
    def current(self):
        """The last applied step, or None at the start."""
        return self.steps[self.position - 1] if self.position else None

    def where(self):
        """Say where the walk is: ``"at the start, 0 of 6 steps"``, ``"step 4 of 6"`` or ``"done: 6 of 6 steps"``."""
        if self.position == self.total:
            return f"done: {self.position} of {self.total} steps"
        if self.position == 0:
            return f"at the start, 0 of {self.total} steps"
        return f"step {self.position} of {self.total}"

    def sentences(self):
        """Every step's sentence, in order (list of str)."""
        return [self.sentence(update) for update in self.steps]

    def transcript(self):
        """The whole walk, one numbered sentence a line, ``→`` at the last step applied, n-names explained at the end.

        Returns:
            Message (a str): shown as plain lines in a REPL; ``print`` it elsewhere.
        """
        width = len(str(self.total))
        lines = []
        for number, update in enumerate(self.steps, start=1):
            mark = "→" if number == self.position else " "
            lines.append(f"{mark} {number:>{width}}. {self.sentence(update)}")
        lines += [f"({line})" for line in glossary(self.record.order, self.names)]
        return Message("\n".join(lines))

    def _glossed(self, index):
        """Step ``index``'s sentence, plus what an ``n<K>`` node in it is, the first time the walk meets it."""
        update = self.steps[index]
        new = [node for node in dict.fromkeys((update.child, update.parent))
               if self._first_met.get(node) == index]
        notes = glossary(self.record.order, self.names, new)
        text = self.sentence(update)
        if notes:
            text += "\n  (" + "; ".join(notes) + ")"
        return text

    # --- moving ---------------------------------------------------------------------

    def next(self):
        """Apply the next step.

        Returns:
            Message (a str): the step's sentence; a REPL shows it as
            ``step k of n: <sentence>``.  At the end, a message saying so.
        """
        if self.position == self.total:
            return Message(f"already done: {self.total} of {self.total} steps "
                           f"(.back() undoes one, .reset() starts over)")
        self._before_next()
        update = self.steps[self.position]
        self._apply(update)
        self.position += 1
        return Message(self.sentence(update),
                       shown=f"step {self.position} of {self.total}: "
                             f"{self._glossed(self.position - 1)}")

    def back(self):
        """Undo the last applied step.

        Returns:
            Message (a str): what was undone; at the start, a message saying so.
        """
        if self.position == 0:
            return Message(f"already at the start: 0 of {self.total} steps "
                           f"(call .next() to take the first)")
        self.position -= 1
        again = self._undo(self.steps[self.position])
        self._after_back()
        return Message(f"undid step {self.position + 1} of {self.total}: {again} again")

    def run(self):
        """Apply every remaining step.

        Returns:
            Message (a str): ``"done: n of n steps"``.
        """
        while self.position < self.total:
            self.next()
        return Message(self.where())

    def reset(self):
        """Undo every applied step, back to the start.

        Returns:
            Message (a str): ``"at the start, 0 of n steps"``.
        """
        while self.position > 0:
            self.back()
        return Message(self.where())
