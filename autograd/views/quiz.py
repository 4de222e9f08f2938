"""Predict, then reveal: a quiz on any graph's backward pass, with each wrong answer matched to a known mistake.

Before each step (one edge of the backward pass) the learner predicts two
numbers: the local derivative ∂child/∂parent, then the parent's gradient
after the step.  The right answers come from one record of the pass
(:func:`autograd.record`), so the quiz can never disagree with
``backward()``.  A wrong answer that equals what a known mistake gives is
named in one line (:func:`diagnose`); every candidate mistake is a function
of the record's numbers, listed with its question (:attr:`Question.mistakes`),
so the page's script can check them too without any calculus of its own.

Answers are numbers or short arithmetic (``2*3``, ``-1/4``, ``exp(1)``),
read by the command line's expression parser, which walks the syntax tree
and never calls ``eval``.  An answer is right when it is within
:data:`TOLERANCE` of the right value, relative to the value when that is
larger than 1: ``|answer − right| <= 0.001 · max(1, |right|)``.

The REPL uses it through ``Stepper(J, quiz=True)`` (``s.answer(...)``) or
``s.quiz()``; the page through ``write_html(..., quiz=True)``; the command
line through ``chainrule ... --quiz`` and ``--quiz-file``.

>>> from autograd import Value
>>> a, b = Value(2.0, "a"), Value(4.0, "b")
>>> quiz = Quiz((a * b).named("y"))
>>> print(quiz.pending.prompt)
∂y/∂a = ?
>>> print(quiz.answer("2"))
wrong: ∂y/∂a = 4, not 2
  mistake: for a product you used the input's own value; the · gate swaps: ∂y/∂a is the other input, b = 4 (step 1 shows the rule)
>>> print(quiz.answer("4*1"))
right: a.grad = 4
step 1 of 2: dy/da += dy/dy · ∂y/∂a = 1 × 4 = 4  ->  a.grad = 4  (the · gate swaps: a gets the other input, b = 4, times the upstream gradient)
"""

import math
import numbers

from ..backward import BackwardRecord, record
from .stepper import sentence
from .text import expression_of, format_number, in_derivative, node_names, partial

__all__ = ["Quiz", "Question", "Verdict", "AnswerError", "parse_answer", "is_close", "diagnose",
           "questions", "play", "TOLERANCE"]

TOLERANCE = 1e-3
"""How close an answer must be: within 0.001, or within 0.1% of a right value larger than 1."""

LOCAL, GRAD = "local", "grad"


class AnswerError(ValueError):
    """An answer that is not a number or arithmetic of numbers (``2*3``); the message says what is allowed."""


def parse_answer(answer):
    """Read an answer: a number, or text holding a number or short arithmetic of numbers.

    The text is read by the command line's parser (:func:`.cli.parse_expression`,
    an ``ast`` walk, never ``eval``): numbers, ``+ - * / **``, brackets and
    the table's functions (``exp(1)``).  ``nan``, ``inf`` and ``-inf`` are
    read as such.

    Args:
        answer (int, float or str).

    Returns:
        float.

    Raises:
        AnswerError: for a name (``a``), anything the parser refuses, or maths
            that fails (``1/0``).

    >>> parse_answer("2*3"), parse_answer(" -1/4 "), parse_answer(7), parse_answer("inf")
    (6.0, -0.25, 7.0, inf)
    >>> parse_answer("a + 1")
    Traceback (most recent call last):
    ...
    autograd.views.quiz.AnswerError: an answer is a number or arithmetic of numbers, such as 6 or 2*3; 'a + 1' has the name a
    """
    from .cli import ExpressionError, evaluate, parse_expression   # cli imports the views
    if isinstance(answer, numbers.Real) and not isinstance(answer, bool):
        return float(answer)
    if not isinstance(answer, str):
        raise AnswerError(f"an answer is a number or a str such as '2*3', got "
                          f"{type(answer).__name__} {answer!r}")
    text = answer.strip()
    if text.lower() in ("nan", "inf", "+inf", "-inf"):
        return float(text)
    try:
        tree, names = parse_expression(text)
    except ExpressionError as error:
        raise AnswerError(f"cannot read {text!r} as an answer: {error}".split("\n")[0]) from None
    if names:
        raise AnswerError(f"an answer is a number or arithmetic of numbers, such as 6 or 2*3; "
                          f"{text!r} has the name {names[0]}")
    try:
        return evaluate(tree, {}).data
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise AnswerError(f"cannot work out {text!r}: {error}") from None


def is_close(answer, right):
    """Is ``answer`` right?  Within :data:`TOLERANCE` · max(1, |right|); nan only for nan, inf only for inf.

    >>> is_close(0.333, 1 / 3), is_close(0.33, 1 / 3), is_close(1000.5, 1000), is_close(1002, 1000)
    (True, False, True, False)
    """
    if math.isnan(right) or math.isinf(right):
        return answer == right or (math.isnan(answer) and math.isnan(right))
    if math.isnan(answer) or math.isinf(answer):
        return False
    return abs(answer - right) <= TOLERANCE * max(1.0, abs(right))


class Question:
    """One prediction asked before a step: the local derivative, or the parent's new gradient.

    Attributes:
        step (int): the step of the record it belongs to (1-based).
        update (autograd.EdgeUpdate): that step.
        kind (str): ``"local"`` (∂child/∂parent) or ``"grad"`` (parent.grad after the step).
        prompt (str): e.g. ``"∂u/∂b = ?"`` or ``"b.grad after this step = ?"``.
        asked (str): what is predicted, e.g. ``"∂u/∂b"`` or ``"b.grad"``.
        right (float): the right answer, from the record.
        mistakes (list of (float, str)): what each known mistake would answer,
            and the line that names it; a value equal to ``right`` is left out.
        op (str): the op of the step's child, as views write it (``·``, ``+``, ``max``).
    """

    __slots__ = ("step", "update", "kind", "prompt", "asked", "right", "mistakes", "op")

    def __init__(self, step, update, kind, asked, right, mistakes):
        self.step = step
        self.update = update
        self.kind = kind
        self.asked = asked
        self.prompt = f"{asked} = ?" if kind == LOCAL else f"{asked} after this step = ?"
        self.right = right
        self.mistakes = [(value, text) for value, text in mistakes
                         if not is_close(value, right) and math.isfinite(value)]
        self.op = update.child.op.symbol.strip()

    def __repr__(self):
        return f"Question(step {self.step}, {self.prompt!r}, right={self.right!r})"


def _first_steps(rec):
    """The step (1-based) at which each node first receives a contribution."""
    first = {}
    for number, update in enumerate(rec.steps, start=1):
        first.setdefault(update.parent, number)
    return first


def _other_edges(rec, update, names):
    """The local derivatives of the edges next to this one: the child's other inputs, and the child's own edges upward.

    Returns:
        list of (local derivative, its name such as '∂u/∂c').
    """
    child = update.child
    child_name = names[child]
    edges = []
    for slot, (parent, local) in enumerate(zip(child.parents, child.local_grads)):
        if slot != update.slot and parent is not update.parent:
            edges.append((local, partial(child_name, names[parent])))
    for other in rec.steps:
        if other.parent is child:
            edges.append((other.local_grad, partial(names[other.child], child_name)))
    return edges


def questions(rec, names):
    """The two questions of every step of a record, in order, with their candidate mistakes.

    Each candidate is what a mistake gives, computed from the record's numbers:

    * overwrote instead of adding at a fork: ``upstream × local`` alone, where
      the parent already held a gradient (``update.gathers``);
    * for a product (a row whose gate swaps), the input's own value instead
      of the other input's;
    * for max or min (a row whose gate routes), the gradient sent to the
      wrong input, or all of it to one input at a tie (where it is split);
    * dropped the minus sign of a negative local derivative (subtraction, division);
    * forgot to multiply by the upstream gradient: ``before + local``;
    * the local derivative of the wrong edge: another input of the same
      child, or the child's own edge upward;
    * a stale gradient kept from an earlier pass: ``after + (the whole pass's gradient)``,
      what a leaf holds after a second ``backward()`` without ``zero_grad()``.

    Args:
        rec (autograd.BackwardRecord): the pass.
        names (dict): the nodes' names (:func:`.text.node_names`).

    Returns:
        list of Question: for each step, the local derivative then the gradient.
    """
    first = _first_steps(rec)
    asked = []
    for number, update in enumerate(rec.steps, start=1):
        child, parent = update.child, update.parent
        child_name, parent_name = names[child], names[parent]
        local, upstream = update.local_grad, update.upstream_grad
        before, after = update.grad_before, update.grad_after
        contribution = upstream * local
        derivative = partial(child_name, parent_name)
        grad = f"{in_derivative(parent_name)}.grad"
        shows = f"(step {number} shows the rule)"
        # Names inside the rule are bracketed where needed: ∂(a − b)/∂a = 1.
        rule = child.op.rule_text(update.slot, [in_derivative(names[p]) for p in child.parents],
                                  in_derivative(child_name))
        others = _other_edges(rec, update, names)
        swaps = child.op.gate == "swaps" and len(child.parents) == 2
        other_input = child.parents[1 - update.slot] if swaps else None

        # A max or min gate: the whole gradient to the wrong input, or all of it at a tie.
        routes = []
        if child.op.gate == "routes":
            gate = f"the {child.op.symbol.strip()} gate"
            if local == 1:
                routes.append((0.0, f"{gate} routes the upstream gradient to the input it "
                                    f"chose, {parent_name}: {rule} {shows}"))
            elif local == 0:
                routes.append((1.0, f"{gate} routes the upstream gradient to the input it "
                                    f"chose, and that is the other one: {rule} {shows}"))
            else:
                routes += [(value, f"at a tie {gate} splits the upstream gradient evenly, "
                                   f"{format_number(local)} to each input, as PyTorch does: "
                                   f"{rule} {shows}") for value in (1.0, 0.0)]

        local_mistakes = list(routes)
        if swaps:
            value = format_number(other_input.data)
            shown = value if names[other_input] == value else f"{names[other_input]} = {value}"
            local_mistakes.append((parent.data, (
                f"for a product you used the input's own value; the {child.op.symbol.strip()} "
                f"gate swaps: {derivative} is the other input, {shown} {shows}")))
        if local < 0:
            local_mistakes.append((-local, f"dropped the minus sign: {rule} {shows}"))
        for value, name in others:
            local_mistakes.append((value, (f"that is the local derivative of another edge, "
                                           f"{name} = {format_number(value)}; this edge's is "
                                           f"{rule} {shows}")))
        asked.append(Question(number, update, LOCAL, derivative, local, local_mistakes))

        grad_mistakes = [(before + upstream * value, text) for value, text in routes]
        if update.gathers:
            grad_mistakes.append((contribution, (
                f"overwrote instead of adding at a fork: {parent_name} already held "
                f"{format_number(before)} from step {first[parent]}, and gradients add: "
                f"{format_number(before)} + {format_number(contribution)} = "
                f"{format_number(after)} (step {number} shows the rule)")))
        if swaps:
            grad_mistakes.append((before + upstream * parent.data, (
                f"for a product you used the input's own value; the "
                f"{child.op.symbol.strip()} gate swaps: {derivative} is the other input, "
                f"{format_number(local)} {shows}")))
        if local < 0:
            grad_mistakes.append((before - contribution,
                                  f"dropped the minus sign: {rule} {shows}"))
        if upstream != 1:
            grad_mistakes.append((before + local, (
                f"forgot to multiply by the upstream gradient, "
                f"{format_number(upstream)}: {grad} += upstream gradient × local derivative "
                f"{shows}")))
        for value, name in others:
            grad_mistakes.append((before + upstream * value, (
                f"multiplied by the local derivative of the wrong edge, {name} = "
                f"{format_number(value)}; this edge's is {rule} {shows}")))
        stale = rec.grads[parent]
        if stale != 0:
            grad_mistakes.append((after + stale, (
                f"kept a stale gradient from an earlier pass: {format_number(after)} plus the "
                f"{format_number(stale)} that {grad} held after the last pass; each pass "
                f"starts from zero (zero_grad() before backward()) {shows}")))
        asked.append(Question(number, update, GRAD, grad, after, grad_mistakes))
    return asked


def diagnose(question, answer):
    """The line naming the known mistake that gives ``answer``, or None.

    Args:
        question (Question).
        answer (float): a wrong answer.

    Returns:
        str or None: the first candidate mistake whose value is within
        :data:`TOLERANCE` of the answer.
    """
    for value, text in question.mistakes:
        if is_close(answer, value):
            return text
    return None


class Verdict(str):
    """What the quiz says to one answer: right or wrong, the mistake named, and the step revealed.

    A str (the lines to show), with the facts beside it.

    Attributes:
        question (Question).
        answer (float or None): None when the question was skipped.
        right (bool).
        mistake (str or None): the diagnosis line.
    """

    def __new__(cls, text, question, answer, right, mistake):
        verdict = super().__new__(cls, text)
        verdict.question, verdict.answer, verdict.right, verdict.mistake = (
            question, answer, right, mistake)
        return verdict

    def __repr__(self):
        return str(self)


class Quiz:
    """A quiz over one backward pass: two questions per step, checked, diagnosed and scored.

    Args:
        root: a Value (the pass is recorded from zero), or a BackwardRecord.
        names (dict or None): the nodes' names; default :func:`.text.node_names`.

    Attributes:
        record (autograd.BackwardRecord).
        names (dict).
        questions (list of Question): two per step.
        index (int): the next question to ask (``len(questions)`` when done).
        verdicts (dict): question index -> its latest Verdict.

    Raises:
        TypeError: if ``root`` is neither a Value nor a record.
    """

    def __init__(self, root, names=None):
        self.record = root if isinstance(root, BackwardRecord) else record(root, who="Quiz")
        self.names = node_names(self.record.order) if names is None else names
        self.root_name = self.names[self.record.root]
        self.questions = questions(self.record, self.names)
        self.index = 0
        self.verdicts = {}

    @property
    def pending(self):
        """The question to answer next (Question), or None when the quiz is done."""
        return self.questions[self.index] if self.index < len(self.questions) else None

    @property
    def done(self):
        """True when every question has been answered or skipped."""
        return self.index >= len(self.questions)

    @property
    def position(self):
        """How many steps are finished (revealed): the stepper's position."""
        return self.index // 2

    def go_to(self, position):
        """Move to the first question of step ``position + 1`` (after a stepper's back() or reset())."""
        self.index = 2 * position

    def heading(self, question=None):
        """The line that opens a step: ``step 2 of 5: the edge from a into v = a + u``."""
        question = question or self.pending
        update = question.update
        child_name, computes = self.names[update.child], expression_of(update.child, self.names)
        into = child_name if child_name == computes else f"{child_name} = {computes}"
        return (f"step {question.step} of {self.record.n_steps}: the edge from "
                f"{self.names[update.parent]} into {into}")

    def answer(self, answer):
        """Check an answer to the pending question; after the gradient question, reveal the step.

        Args:
            answer: a number, or text such as ``"6"`` or ``"2*3"``.

        Returns:
            Verdict (a str): ``right: ...`` or ``wrong: ..., not ...`` with the
            mistake named; after a step's second question, the step's sentence.

        Raises:
            AnswerError: if the answer cannot be read (nothing is counted then).
            ValueError: if the quiz is done.
        """
        question = self.pending
        if question is None:
            raise ValueError("the quiz is done: " + self.score_line())
        value = parse_answer(answer)
        right = is_close(value, question.right)
        lines = []
        mistake = None
        if right:
            lines.append(f"right: {question.asked} = {format_number(question.right)}")
        else:
            lines.append(f"wrong: {question.asked} = {format_number(question.right)}, not "
                         f"{format_number(value)}")
            mistake = diagnose(question, value)
            if mistake:
                lines.append(f"  mistake: {mistake}")
        return self._record(question, value, right, mistake, lines)

    def skip(self):
        """Skip the pending question (counted as missed) and reveal its answer.

        Returns:
            Verdict, or None when the quiz is done.
        """
        question = self.pending
        if question is None:
            return None
        lines = [f"skipped: {question.asked} = {format_number(question.right)}"]
        return self._record(question, None, False, None, lines)

    def _record(self, question, value, right, mistake, lines):
        if question.kind == GRAD:
            lines.append(f"step {question.step} of {self.record.n_steps}: "
                         f"{sentence(question.update, self.names, self.root_name)}")
        verdict = Verdict("\n".join(lines), question, value, right, mistake)
        self.verdicts[self.index] = verdict
        self.index += 1
        return verdict

    def score(self):
        """(right answers, questions answered or skipped), as ints."""
        return (sum(verdict.right for verdict in self.verdicts.values()), len(self.verdicts))

    def score_line(self):
        """``score: 7 of 10 right``, the questions so far (and how many are left, if any)."""
        right, asked = self.score()
        left = len(self.questions) - asked
        return f"score: {right} of {asked} right" + (f" ({left} not asked)" if left else "")

    def missed(self):
        """The ops of the missed questions, in order of the first miss: {op: [step, ...]}."""
        by_op = {}
        for index in sorted(self.verdicts):
            verdict = self.verdicts[index]
            if not verdict.right:
                steps = by_op.setdefault(verdict.question.op, [])
                if verdict.question.step not in steps:
                    steps.append(verdict.question.step)
        return by_op

    def summary(self):
        """The score and the ops that were missed, e.g. ``missed: · at steps 4, 5; + at step 3``."""
        lines = [self.score_line()]
        missed = self.missed()
        if missed:
            lines.append("missed: " + "; ".join(
                f"{op} at step{'s' if len(steps) > 1 else ''} {', '.join(map(str, steps))}"
                for op, steps in missed.items()))
        elif self.verdicts:
            lines.append("nothing missed")
        return "\n".join(lines)


def play(quiz, read, say):
    """Ask every remaining question of ``quiz``, reading answers with ``read`` and printing with ``say``.

    The one loop the REPL's ``s.quiz()`` and the command line's ``--quiz``
    share.  An answer that cannot be read is asked again; an empty answer
    skips the question; the end of the input stops the quiz.

    Args:
        quiz (Quiz).
        read: ``read(prompt) -> str``, or None at the end of the input.
        say: ``say(text)`` prints a line (or lines).

    Returns:
        str: the summary (:meth:`Quiz.summary`).
    """
    while not quiz.done:
        question = quiz.pending
        if question.kind == LOCAL:
            say(quiz.heading(question))
        text = read(f"  {question.prompt} ")
        if text is None:
            say("(no more answers: the quiz stops here)")
            break
        if not text.strip():
            verdict = quiz.skip()
        else:
            try:
                verdict = quiz.answer(text)
            except AnswerError as error:
                say(f"  {error}")
                continue
        say(_indented(verdict))
    return quiz.summary()


def _indented(verdict):
    """A verdict's lines under its prompt: the first two indented, the revealed step as it is."""
    lines = str(verdict).split("\n")
    return "\n".join(line if line.startswith("step ") else f"  {line}" for line in lines)
