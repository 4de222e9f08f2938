"""Step through the backward pass one edge at a time, with a sentence for each step.

The stepper never does calculus of its own: it records the edge updates of
the one backward sweep (``autograd.sweep``, exactly what ``backward()`` runs)
and replays them, so what a learner steps through is what ``backward()`` does.

The notes' graph J = 3(a + b·c) at a = 5, b = 3, c = 2:

>>> from autograd import Value
>>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
>>> u = (b * c).named("u")
>>> v = (a + u).named("v")
>>> J = (3 * v).named("J")
>>> s = Stepper(J)
>>> s
Stepper(J): at the start, 0 of 6 steps; J.grad = 1.0 (dJ/dJ = 1, where the chain rule starts)
>>> s.next()
step 1 of 6: dJ/dn0 += ∂J/∂n0 · dJ/dJ = 11.0 × 1.0 = 11.0  ->  n0.grad = 11.0
  (n0 is the constant 3.0)
>>> s.next()
step 2 of 6: dJ/dv += ∂J/∂v · dJ/dJ = 3.0 × 1.0 = 3.0  ->  v.grad = 3.0
>>> s.run()
done: 6 of 6 steps
>>> a.grad, b.grad, c.grad
(3.0, 6.0, 9.0)
"""

from .backward import sweep
from .graph import node_names, topological_order
from .value import Value

__all__ = ["Stepper", "sentence", "node_names", "format_number", "Message", "require_value"]


def format_number(x):
    """Format a float for a sentence: 6 significant digits, and always visibly a float.

    Args:
        x (float): the number.

    Returns:
        str: ``"3.0"``, ``"0.333333"``, ``"1e+20"``, ``"-inf"``, ``"nan"``.

    >>> format_number(3.0), format_number(1 / 3), format_number(2.5e-7), format_number(1e20)
    ('3.0', '0.333333', '2.5e-07', '1e+20')
    """
    text = f"{x:.6g}"
    # ".6g" drops a trailing ".0"; put it back so 3.0 never reads as the integer 3.
    if text.lstrip("-").isdigit():
        text += ".0"
    return text


def require_value(root, who):
    """Refuse anything but a Value as the root of a graph, saying what to pass instead.

    Args:
        root: what the caller was given.
        who (str): the caller's name, for the message, e.g. ``"Stepper"``.

    Returns:
        None.

    Raises:
        TypeError: if ``root`` is not a Value; a list of Values (what an MLP
            returns) gets a hint to pick one.

    >>> require_value([Value(1.0)], "Stepper")
    Traceback (most recent call last):
    ...
    TypeError: Stepper needs one Value (the output to differentiate), got a list of 1 Value; pick it: out[0]
    """
    if isinstance(root, Value):
        return
    if isinstance(root, (list, tuple)) and root and all(isinstance(v, Value) for v in root):
        kind = type(root).__name__
        if len(root) == 1:
            hint = "pick it: out[0]"
        else:
            hint = "pick one, or make a single loss from them (e.g. nn.mse)"
        raise TypeError(f"{who} needs one Value (the output to differentiate), got a {kind} of "
                        f"{len(root)} Value{'s' if len(root) != 1 else ''}; {hint}")
    raise TypeError(f"{who} needs a Value (the output to differentiate), "
                    f"got {type(root).__name__} {root!r}")


def sentence(update, root_name=None, names=None):
    """One edge update of the backward pass as a sentence a learner can follow.

    ``d(root)/d(parent) += ∂child/∂parent · d(root)/d(child) = local × upstream
    = contribution  ->  parent.grad = new value``; when the parent already held a
    gradient (a node used twice, or a leaf that accumulates), the last part
    shows the sum, ``parent.grad = before + contribution = after``.

    Args:
        update (autograd.EdgeUpdate): one step recorded by ``autograd.sweep``.
        root_name (str or None): the name of the node being differentiated
            (``"J"`` in dJ/da).  ``None`` writes ``root``, as in d(root)/da.
            :meth:`Stepper.sentences` passes the root's own name.
        names (dict or None): names for the nodes, as made by
            :func:`node_names`; without it a node is called by its label, and an
            unlabelled node by its op in parentheses, e.g. ``(*)``, or
            ``(constant 3.0)`` for a number an operation turned into a leaf.

    Returns:
        str.

    >>> from autograd import Value, sweep
    >>> a, b = Value(2.0, "a"), Value(4.0, "b")
    >>> y = (a * b).named("y")
    >>> updates = []
    >>> _ = sweep(y, on_edge=updates.append)
    >>> print(sentence(updates[0], root_name="y"))
    dy/da += ∂y/∂a · dy/dy = 4.0 × 1.0 = 4.0  ->  a.grad = 4.0
    >>> print(sentence(updates[1]))
    d(root)/db += ∂y/∂b · d(root)/dy = 2.0 × 1.0 = 2.0  ->  b.grad = 2.0
    """
    def name(node):
        if names is not None and node in names:
            return names[node]
        return _stand_in(node)

    child, parent = name(update.child), name(update.parent)
    of_root = f"d{root_name}" if root_name else "d(root)"
    contribution = update.local_grad * update.upstream_grad   # the very product sweep added
    result = format_number(update.grad_after)
    if update.grad_before != 0:
        result = f"{format_number(update.grad_before)} + {format_number(contribution)} = {result}"
    return (f"{of_root}/d{parent} += ∂{child}/∂{parent} · {of_root}/d{child} = "
            f"{format_number(update.local_grad)} × {format_number(update.upstream_grad)} = "
            f"{format_number(contribution)}  ->  {parent}.grad = {result}")


def _stand_in(node):
    """What to call a node when no names were given: its label, else its op or its number."""
    if node.label:
        return node.label
    if node.op:
        return f"({node.op})"
    return f"({node.role} {format_number(node.data)})"


class Message(str):
    """A str that a REPL shows as plain text, without quotes or escapes.

    ``Stepper.next()`` returns one, so typing ``s.next()`` at the prompt shows
    the sentence itself.  It is an ordinary str otherwise (``==``, ``print``,
    ``json.dumps`` all see the text).  ``shown`` is what the REPL displays: for
    a step, the text with ``step k of n:`` in front and a note naming any
    unlabelled node.

    >>> m = Message("a.grad = 3.0", shown="step 1 of 1: a.grad = 3.0")
    >>> m == "a.grad = 3.0", m
    (True, step 1 of 1: a.grad = 3.0)
    """

    def __new__(cls, text, shown=None):
        message = super().__new__(cls, text)
        message.shown = text if shown is None else shown
        return message

    def __repr__(self):
        return self.shown


class Stepper:
    """Replay the backward pass of ``root`` one edge update at a time.

    Making a Stepper runs ``autograd.sweep(root)`` once, recording every edge
    update, then winds the gradients back to the start of the pass: the root's
    grad is 1.0 (d root/d root, where the chain rule starts), every
    intermediate node's grad is 0.0, and each leaf keeps the grad it had
    before (leaves accumulate, as with ``backward()``).  ``next()`` then
    applies one update, ``back()`` undoes one; after ``run()`` every grad is
    exactly what ``root.backward()`` gives.

    Nodes are called by their labels; an unlabelled node is ``n<i>``, its
    position in :func:`autograd.topological_order` (as in the drawings).  The
    root's name in the sentences (the J of dJ/da) is the root's own name.

    Args:
        root: the Value to differentiate.

    Raises:
        TypeError: if ``root`` is not a Value (for a network's list of
            outputs, the message says to pick one).

    Attributes:
        root: the Value.
        steps (list of autograd.EdgeUpdate): the recorded updates, in order.
        total (int): ``len(steps)``.
        position (int): how many steps are applied (0 at the start).
        names (dict): each node's name, from :func:`node_names`.
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
    dy/da += ∂y/∂a · dy/dy = 3.0 × 1.0 = 3.0  ->  a.grad = 3.0
    >>> print(s.next())
    dy/da += ∂y/∂a · dy/dy = 3.0 × 1.0 = 3.0  ->  a.grad = 3.0 + 3.0 = 6.0
    >>> s.where(), a.grad
    ('done: 2 of 2 steps', 6.0)
    >>> s.back()
    undid step 2 of 2: a.grad is 3.0 again
    """

    def __init__(self, root):
        require_value(root, "Stepper")
        self.root = root
        self.steps = []
        order = sweep(root, on_edge=self.steps.append)
        self.names = node_names(root, order)
        self.root_name = self.names[root]
        self.total = len(self.steps)
        # Wind back to the start: undoing every update in reverse order leaves
        # each parent at its first grad_before, i.e. the state sweep seeded.
        for update in reversed(self.steps):
            update.parent.grad = update.grad_before
        self.position = 0

    # --- where we are ------------------------------------------------------------

    @property
    def current(self):
        """The last applied update (autograd.EdgeUpdate), or None at the start."""
        return self.steps[self.position - 1] if self.position else None

    def where(self):
        """Say where the stepper is.

        Returns:
            str: ``"at the start, 0 of 6 steps"``, ``"step 4 of 6"`` or
            ``"done: 6 of 6 steps"``.
        """
        if self.position == self.total:
            return f"done: {self.position} of {self.total} steps"
        if self.position == 0:
            return f"at the start, 0 of {self.total} steps"
        return f"step {self.position} of {self.total}"

    def sentence(self, update):
        """The sentence for one update of this pass, with this graph's names (str)."""
        return sentence(update, root_name=self.root_name, names=self.names)

    def sentences(self):
        """Every step's sentence, in order (list of str)."""
        return [self.sentence(update) for update in self.steps]

    def transcript(self):
        """The whole pass, one numbered sentence a line, with ``→`` at the last step applied.

        Returns:
            Message (a str): shown as plain lines in a REPL; ``print`` it elsewhere.

        >>> from autograd import Value
        >>> a = Value(3.0, "a")
        >>> s = Stepper((a * 2).named("y"))
        >>> _ = s.next()
        >>> s.transcript()
        → 1. dy/da += ∂y/∂a · dy/dy = 2.0 × 1.0 = 2.0  ->  a.grad = 2.0
          2. dy/dn1 += ∂y/∂n1 · dy/dy = 3.0 × 1.0 = 3.0  ->  n1.grad = 3.0
        """
        lines = []
        for number, update in enumerate(self.steps, start=1):
            mark = "→" if number == self.position else " "
            lines.append(f"{mark} {number:>{len(str(self.total))}}. {self.sentence(update)}")
        return Message("\n".join(lines))

    def _glossed(self, update):
        """The sentence, plus what any unlabelled node in it is (``n0 is the constant 3.0``)."""
        text = self.sentence(update)
        glosses = []
        # The child was described when it received its gradient; say it again
        # only at its first edge, so a run of steps from one node stays short.
        mentioned = (update.child, update.parent) if update.slot == 0 else (update.parent,)
        for node in dict.fromkeys(mentioned):
            if node.label:
                continue
            name = self.names[node]
            if node.op:
                glosses.append(f"{name} is a ({node.op}) node, data {format_number(node.data)}")
            else:
                glosses.append(f"{name} is the {node.role} {format_number(node.data)}")
        if glosses:
            text += f"\n  ({'; '.join(glosses)})"
        return text

    # --- moving ---------------------------------------------------------------------

    def next(self):
        """Apply the next update: ``parent.grad = grad_after``.

        Returns:
            Message (a str): the step's sentence.  A REPL shows it as
            ``step k of n: <sentence>``, followed by what any unlabelled node
            in it is (``(n0 is the constant 3.0)``).  At the end, a message
            saying so.
        """
        if self.position == self.total:
            return Message(f"already done: {self.total} of {self.total} steps "
                           f"(.back() undoes one, .reset() starts over)")
        update = self.steps[self.position]
        update.parent.grad = update.grad_after
        self.position += 1
        text = self.sentence(update)
        return Message(text, shown=f"step {self.position} of {self.total}: {self._glossed(update)}")

    def back(self):
        """Undo the last applied update: ``parent.grad = grad_before``.

        Returns:
            Message (a str): what was undone; at the start, a message saying so.
        """
        if self.position == 0:
            return Message(f"already at the start: 0 of {self.total} steps "
                           f"(call .next() to take the first)")
        update = self.steps[self.position - 1]
        update.parent.grad = update.grad_before
        self.position -= 1
        return Message(f"undid step {self.position + 1} of {self.total}: "
                       f"{self.names[update.parent]}.grad is "
                       f"{format_number(update.grad_before)} again")

    def run(self):
        """Apply every remaining update; the grads are then those of ``root.backward()``.

        Returns:
            Message (a str): ``"done: n of n steps"``.
        """
        while self.position < self.total:
            update = self.steps[self.position]
            update.parent.grad = update.grad_after
            self.position += 1
        return Message(self.where())

    def reset(self):
        """Undo every applied update, back to the start of the pass.

        Returns:
            Message (a str): ``"at the start, 0 of n steps"``.
        """
        while self.position > 0:
            self.position -= 1
            update = self.steps[self.position]
            update.parent.grad = update.grad_before
        return Message(self.where())

    # --- showing ---------------------------------------------------------------------

    def draw(self, **kw):
        """The graph with the current step's edge highlighted, as a ``graphviz.Digraph``.

        Keyword arguments go to :func:`autograd.draw.to_digraph` (``view``,
        ``max_nodes``, ``title``, ...); ``highlight`` defaults to :attr:`current`.
        In a notebook the returned Digraph displays itself.
        """
        from . import draw   # drawing needs the graphviz package; stepping does not
        kw.setdefault("highlight", self.current)
        # Before the first step only the root's gradient (1) is known; drawing
        # the rest as results would show zeros as if they were computed.
        kw.setdefault("grads_known", self.position > 0)
        return draw.to_digraph(self.root, **kw)

    def __repr__(self):
        where = self.where()
        if self.total == 0:
            return (f"Stepper({self.root_name}): {where}; {self.root_name} is a leaf, "
                    f"so there is no edge to step along")
        if self.position == 0:
            return (f"Stepper({self.root_name}): {where}; {self.root_name}.grad = "
                    f"{format_number(self.root.grad)} (d{self.root_name}/d{self.root_name} = 1, "
                    f"where the chain rule starts)")
        return f"Stepper({self.root_name}): {where}\n  last step: {self._glossed(self.current)}"
