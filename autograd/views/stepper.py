"""Step through the backward pass one edge at a time, with a sentence for each step.

The stepper does no calculus of its own: it replays a record of the one
backward sweep (:func:`autograd.record`), so what a learner steps through is
what ``backward()`` does, from zero, whatever happened before.

The notes' graph J = 3(a + b·c) at a = 5, b = 3, c = 2:

>>> from autograd import Value
>>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
>>> u = (b * c).named("u")
>>> v = (a + u).named("v")
>>> J = (3 * v).named("J")
>>> J.backward(); J.backward()            # leaves accumulate: a.grad is 6 now
>>> s = Stepper(J)                        # starts from zero all the same
>>> s
Stepper(J): at the start, 0 of 5 steps; J.grad = 1 (dJ/dJ = 1, where the chain rule starts)
>>> s.next()
step 1 of 5: dJ/dv += dJ/dJ · ∂J/∂v = 1 × 3 = 3  ->  v.grad = 3  (the · gate swaps: v gets the other input, 3, times the upstream gradient)
>>> s.run()
done: 5 of 5 steps
>>> a.grad, b.grad, c.grad
(3.0, 6.0, 9.0)
"""

import weakref

from ..backward import record, require_value
from .text import Message, d, format_number, in_derivative, node_names, partial
from .walk import Walk

__all__ = ["Stepper", "sentence", "gate_clause", "Message"]

# Steppers alive now, so that explain() can tell a learner that one is part-way.
_LIVE = weakref.WeakSet()


def sentence(update, names, root_name):
    """One edge update of the backward pass as a sentence, in the notes' order: upstream gradient first.

    ``d root/d parent += d root/d child · ∂child/∂parent = upstream × local
    = contribution  ->  parent.grad = new value``; when the parent already
    received a contribution in this pass (a node used twice gathers its
    gradients), the last part shows the sum, ``parent.grad = before +
    contribution = after``.  Where a gate's pattern applies (the op's row
    says so, or the parent gathers), a short clause in brackets names it:
    see :func:`gate_clause`.

    Args:
        update (autograd.EdgeUpdate): one step of a record.
        names (dict): the nodes' names, from :func:`.text.node_names`.
        root_name (str): the name of the node differentiated (the J of dJ/da).

    Returns:
        str.

    >>> from autograd import Value, record
    >>> a, b = Value(2.0, "a"), Value(4.0, "b")
    >>> y = (a * b).named("y")
    >>> rec = record(y)
    >>> names = node_names(rec.order)
    >>> print(sentence(rec.steps[0], names, "y"))
    dy/da += dy/dy · ∂y/∂a = 1 × 4 = 4  ->  a.grad = 4  (the · gate swaps: a gets the other input, b = 4, times the upstream gradient)
    """
    child, parent = names[update.child], names[update.parent]
    contribution = update.upstream_grad * update.local_grad    # the very product sweep added
    result = format_number(update.grad_after)
    if update.gathers:
        result = (f"{format_number(update.grad_before)} + {format_number(contribution)} = "
                  f"{result}")
    return (f"{d(root_name, parent)} += {d(root_name, child)} · {partial(child, parent)} = "
            f"{format_number(update.upstream_grad)} × {format_number(update.local_grad)} = "
            f"{format_number(contribution)}  ->  {in_derivative(parent)}.grad = {result}"
            f"{gate_clause(update, names)}")


def gate_clause(update, names):
    """The gates' patterns at one step, as a clause in brackets (with two leading spaces), or ``""``.

    The pattern of the child's op comes from its row of the table
    (``op.gate``): ``+`` distributes, ``·`` swaps, ``max``/``min`` route;
    "gathers" comes from the record: the parent has already received a
    contribution in this pass.

    >>> from autograd import Value, record
    >>> a = Value(3.0, "a")
    >>> rec = record((a + a).named("b"))
    >>> [gate_clause(step, node_names(rec.order)) for step in rec.steps]  # doctest: +NORMALIZE_WHITESPACE
    ['  (the + gate distributes: each input gets the upstream gradient unchanged)',
     '  (the + gate distributes: each input gets the upstream gradient unchanged; a gathers: its gradients add at the fork)']
    """
    op = update.child.op
    gate = op.gate
    parent = names[update.parent]
    gate_name = f"the {op.symbol.strip()} gate"
    parents = update.child.parents
    clauses = []
    if gate == "distributes":
        clauses.append(f"{gate_name} distributes: each input gets the upstream gradient unchanged")
    elif gate == "swaps" and len(parents) == 2:
        other = parents[1 - update.slot]
        value = format_number(other.data)
        shown = value if names[other] == value else f"{names[other]} = {value}"
        clauses.append(f"{gate_name} swaps: {parent} gets the other input, {shown}, "
                       f"times the upstream gradient")
    elif gate == "routes":
        if update.local_grad == 1:
            clauses.append(f"{gate_name} routes: it chose {parent}, which gets the upstream "
                           f"gradient; the other input gets 0")
        elif update.local_grad == 0:
            clauses.append(f"{gate_name} routes: it chose the other input, so {parent} gets 0")
        else:
            clauses.append(f"{gate_name} routes: a tie, so each input gets "
                           f"{format_number(update.local_grad)} of the upstream gradient")
    if update.gathers:
        clauses.append(f"{parent} gathers: its gradients add at the fork")
    return f"  ({'; '.join(clauses)})" if clauses else ""


class Stepper(Walk):
    """Replay the backward pass of ``root`` one edge update at a time, from zero.

    Making a Stepper records one backward pass from zero (:func:`autograd.record`)
    and then puts the graph at the start of that pass: the root's grad is 1
    (d root/d root, where the chain rule starts) and every other grad is 0,
    leaves included, whatever ``backward()`` calls came before.  ``next()``
    applies one step and really sets ``.grad`` on the node, so a learner can
    read ``a.grad`` at the prompt; ``back()`` undoes one; after ``run()``
    every grad equals one ``root.backward()`` from zero.

    Nodes are named as in every view (:func:`.text.node_names`): by label, by
    what they compute (``b·c``), or ``n<K>``, explained the first time it appears.
    Edges into constants (the 3 in 3·v) are not steps: a number needs no gradient.

    Args:
        root (Value): the output to differentiate.
        quiz (bool): predict, then reveal: before each step the learner
            answers the local derivative, then the parent's new gradient,
            with ``s.answer(...)`` (a number or text such as ``"2*3"``); the
            step is applied once both are answered.  ``s.quiz()`` asks the
            same questions in an ``input()`` loop.  See :mod:`.quiz`.

    Raises:
        TypeError: if ``root`` is not a Value (for a network's list of
            outputs, the message says to pick one: ``out[0]``).

    Attributes:
        root: the Value.
        record (autograd.BackwardRecord): the pass replayed.
        steps (tuple of autograd.EdgeUpdate): the record's steps, in order.
        total (int): ``len(steps)``.
        position (int): how many steps are applied (0 at the start).
        names (dict): each node's name.
        root_name (str): ``names[root]``.

    Moving past the end or before the start changes nothing and returns a
    message saying so; no method raises on ordinary use.

    >>> from autograd import Value
    >>> a = Value(3.0, "a")
    >>> y = (a * a).named("y")
    >>> s = Stepper(y)
    >>> s.back()
    already at the start: 0 of 2 steps (call .next() to take the first)
    >>> print(s.next())
    dy/da += dy/dy · ∂y/∂a = 1 × 3 = 3  ->  a.grad = 3  (the · gate swaps: a gets the other input, a = 3, times the upstream gradient)
    >>> print(s.next())
    dy/da += dy/dy · ∂y/∂a = 1 × 3 = 3  ->  a.grad = 3 + 3 = 6  (the · gate swaps: a gets the other input, a = 3, times the upstream gradient; a gathers: its gradients add at the fork)
    >>> s.where(), a.grad
    ('done: 2 of 2 steps', 6.0)
    >>> s.back()
    undid step 2 of 2: a.grad is 3 again
    """

    def __init__(self, root, quiz=False):
        require_value(root, "Stepper")
        self.root = root
        rec = record(root, who="Stepper")
        super().__init__(rec, node_names(rec.order))
        self.root_name = self.names[root]
        start = self.record.grads_at(0)
        for node in self.record.order:
            node.grad = start[node]
        self.quizzing = None
        if quiz:
            from .quiz import Quiz
            self.quizzing = Quiz(self.record, self.names)
        _LIVE.add(self)

    def sentence(self, update):
        """The sentence for one update of this pass, with this graph's names (str)."""
        return sentence(update, self.names, self.root_name)

    def sentences(self):
        """Every step's sentence, in order (list of str)."""
        return [self.sentence(update) for update in self.steps]

    def transcript(self):
        """The whole pass, one numbered sentence a line, with ``→`` at the last step applied.

        Any ``n<K>`` name is explained once, at the end.

        Returns:
            Message (a str): shown as plain lines in a REPL; ``print`` it elsewhere.

        >>> from autograd import Value
        >>> x = Value(3.0, "x")
        >>> s = Stepper(((x * 2).tanh().exp() * x).named("y"))
        >>> _ = s.next()
        >>> print(s.transcript())
        → 1. dy/dn4 += dy/dy · ∂y/∂n4 = 1 × 3 = 3  ->  n4.grad = 3  (the · gate swaps: n4 gets the other input, x = 3, times the upstream gradient)
          2. dy/dx += dy/dy · ∂y/∂x = 1 × 2.71824… = 2.71824…  ->  x.grad = 2.71824…  (the · gate swaps: x gets the other input, n4 = 2.71824…, times the upstream gradient)
          3. dy/dtanh(x·2) += dy/dn4 · ∂n4/∂tanh(x·2) = 3 × 2.71824… = 8.15474…  ->  tanh(x·2).grad = 8.15474…
          4. dy/d(x·2) += dy/dtanh(x·2) · ∂tanh(x·2)/∂(x·2) = 8.15474… × 2.45765…e-05 = 0.000200415…  ->  (x·2).grad = 0.000200415…
          5. dy/dx += dy/d(x·2) · ∂(x·2)/∂x = 0.000200415… × 2 = 0.000400830…  ->  x.grad = 2.71824… + 0.000400830… = 2.71864…  (the · gate swaps: x gets the other input, 2, times the upstream gradient; x gathers: its gradients add at the fork)
        (n4 = exp(tanh(x·2)): unlabelled, named by its position 4 in the topological order)
        """
        return super().transcript()

    # --- moving: what one step does (Walk moves the position) ---------------------------

    def _before_next(self):
        if self.quizzing is not None:       # revealed without an answer: counted as missed
            while self.quizzing.position == self.position and not self.quizzing.done:
                self.quizzing.skip()

    def _apply(self, update):
        update.parent.grad = update.grad_after

    def _undo(self, update):
        update.parent.grad = update.grad_before
        return f"{in_derivative(self.names[update.parent])}.grad is {format_number(update.grad_before)}"

    def _after_back(self):
        if self.quizzing is not None:
            self.quizzing.go_to(self.position)

    # --- predict, then reveal ------------------------------------------------------

    def answer(self, answer):
        """Answer the quiz's pending question; the second answer of a step applies the step.

        Turns the quiz on if it was off (from the current step).

        Args:
            answer: a number, or text such as ``"6"`` or ``"2*3"``.

        Returns:
            Message (a str): right or wrong (with the mistake named, when a
            known one explains it), the step's sentence once it is applied,
            then the next question or, at the end, the score and the ops missed.
            An answer that cannot be read gets a message saying why; nothing
            is counted then.
        """
        from .quiz import AnswerError
        quiz = self._quiz_here()
        if quiz.done:
            return Message(f"the quiz is done\n{quiz.summary()}")
        try:
            verdict = quiz.answer(answer)
        except AnswerError as error:
            return Message(f"{error}\n{self._ask()}")
        self._catch_up()                 # both answers given: the step is applied
        return Message(f"{verdict}\n{self._ask()}")

    def quiz(self):
        """Ask every remaining question in an ``input()`` loop; return the score and the ops missed.

        An empty answer reveals (counted as missed); the end of input
        (Ctrl-D) stops.  The grads follow the answered steps, as with ``next()``.

        Returns:
            Message (a str): the summary.
        """
        from .quiz import play
        quiz = self._quiz_here()

        def read(prompt):
            try:
                return input(prompt)
            except EOFError:
                return None

        def say(text):
            print(text)
            self._catch_up()

        return Message(play(quiz, read, say))

    def _catch_up(self):
        """Apply the steps whose questions are all answered, so ``.grad`` follows the quiz."""
        while self.position < self.quizzing.position:
            update = self.steps[self.position]
            update.parent.grad = update.grad_after
            self.position += 1

    def _quiz_here(self):
        """The quiz, started at the current step if there was none."""
        if self.quizzing is None:
            from .quiz import Quiz
            self.quizzing = Quiz(self.record, self.names)
            self.quizzing.go_to(self.position)
        return self.quizzing

    def _ask(self):
        """The pending question with its step's heading, or the score at the end."""
        quiz = self.quizzing
        if quiz.done:
            return quiz.summary()
        question = quiz.pending
        heading = quiz.heading(question) + "\n" if question.kind == "local" else ""
        return f"{heading}  {question.prompt}   (answer with .answer(...))"

    def grads_now(self):
        """Every node's gradient at the current step, from the record (dict Value -> float)."""
        return self.record.grads_at(self.position)

    # --- showing ---------------------------------------------------------------------

    def draw(self, **options):
        """The graph at the current step, its edge highlighted, as a ``graphviz.Digraph``.

        Keyword arguments go to :func:`autograd.views.draw.picture` (``view``,
        ``max_nodes``, ``title``, ...).  In a notebook the Digraph displays itself.
        """
        from . import draw   # drawing needs the graphviz package; stepping does not
        return draw.picture(self.record, step=self.position, **options).digraph

    def _repr_html_(self):
        """In Jupyter: where the stepper is, the picture at the current step and its sentence.

        A graph too big for the scalar view is drawn one box per neuron, or
        not at all, with the reason (also when Graphviz's ``dot`` is missing);
        see :mod:`.notebook`.
        """
        from .notebook import BOX, picture_html   # drawing needs graphviz; stepping does not
        from .text import html_text
        said = self._glossed(self.position - 1) if self.position else repr(self)
        return (f"{BOX}<p><b>{html_text(self.where())}</b></p>"
                f"{picture_html(self.record, self.position)}<pre>{html_text(said)}</pre></div>")

    def __repr__(self):
        if self.quizzing is not None and self.total:
            return f"Stepper({self.root_name}), quiz: {self.where()}\n{self._ask()}"
        where = self.where()
        if self.total == 0:
            return (f"Stepper({self.root_name}): {where}; {self.root_name} is a leaf, "
                    f"so there is no edge to step along")
        if self.position == 0:
            return (f"Stepper({self.root_name}): {where}; {self.root_name}.grad = 1 "
                    f"({d(self.root_name, self.root_name)} = 1, where the chain rule starts)")
        return f"Stepper({self.root_name}): {where}\n  last step: {self._glossed(self.position - 1)}"
