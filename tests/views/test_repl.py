"""A real interactive Python session, typed as a learner would: what does the screen show?

pexpect starts ``python -q -i`` in a pseudo-terminal, so this is the same
prompt, echo and repr-printing a learner sees, not a simulation of it.
"""

import os
import pathlib
import sys

import pexpect
import pytest
from notes_example import J_TREE_AFTER_BACKWARD

REPO = pathlib.Path(__file__).resolve().parents[2]
PROMPT = ">>> "
DISTRIBUTES = "  (the + gate distributes: each input gets the upstream gradient unchanged)"
GATHERS = ("  (the + gate distributes: each input gets the upstream gradient unchanged; "
           "{} gathers: its gradients add at the fork)")


class Session:
    """A python REPL under a pseudo-terminal; ``type(line)`` returns what the screen shows after it."""

    def __init__(self):
        env = {key: value for key, value in os.environ.items() if key != "PYTHONSTARTUP"}
        env["TERM"] = "dumb"
        self.child = pexpect.spawn(sys.executable, ["-q", "-i"], cwd=str(REPO), env=env,
                                   encoding="utf-8", timeout=30, dimensions=(50, 250))
        self.child.expect_exact(PROMPT)

    def type(self, line):
        """Type one line and Enter; return the output it produced (without the echoed line)."""
        self.child.sendline(line)
        self.child.expect_exact(PROMPT)
        screen = self.child.before.replace("\r\n", "\n")
        echoed, _, output = screen.partition("\n")
        assert echoed.strip() == line          # the terminal echoed exactly what was typed
        return output.rstrip("\n")

    def close(self):
        self.child.sendline("exit()")
        self.child.expect(pexpect.EOF)
        self.child.close()


@pytest.fixture
def repl():
    session = Session()
    yield session
    session.close()


def test_a_learner_steps_through_the_notes_graph(repl):
    assert repl.type("from autograd import Value") == ""
    repl.type('a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")')
    repl.type('u = (b * c).named("u")')
    repl.type('v = (a + u).named("v")')
    repl.type('J = (3 * v).named("J")')
    assert repl.type("J") == "Value(data=33.0, grad=0.0, op='*', label='J')"
    repl.type("from autograd.views.stepper import Stepper")
    assert repl.type("s = Stepper(J)") == ""
    assert repl.type("s") == ("Stepper(J): at the start, 0 of 5 steps; J.grad = 1 "
                              "(dJ/dJ = 1, where the chain rule starts)")
    assert repl.type("s.next()") == (
        "step 1 of 5: dJ/dv += dJ/dJ · ∂J/∂v = 1 × 3 = 3  ->  v.grad = 3  "
        "(the · gate swaps: v gets the other input, 3, times the upstream gradient)")
    assert repl.type("s.next()") == (
        "step 2 of 5: dJ/da += dJ/dv · ∂v/∂a = 3 × 1 = 3  ->  a.grad = 3" + DISTRIBUTES)
    assert repl.type("s") == ("Stepper(J): step 2 of 5\n"
                              "  last step: dJ/da += dJ/dv · ∂v/∂a = 3 × 1 = 3  ->  a.grad = 3"
                              + DISTRIBUTES)
    assert repl.type("s.where()") == "'step 2 of 5'"
    assert repl.type("a.grad, u.grad") == "(3.0, 0.0)"
    assert repl.type("s.back()") == "undid step 2 of 5: a.grad is 0 again"
    assert repl.type("a.grad") == "0.0"
    assert repl.type("s.run()") == "done: 5 of 5 steps"
    assert repl.type("s.next()") == ("already done: 5 of 5 steps "
                                     "(.back() undoes one, .reset() starts over)")
    assert repl.type("a.grad, b.grad, c.grad") == "(3.0, 6.0, 9.0)"

    repl.type("from autograd.views.tree import text_tree")
    tree = J_TREE_AFTER_BACKWARD
    assert repl.type("print(text_tree(J))") == tree
    assert repl.type("text_tree(J)") == tree          # a tree at the prompt too, not an escaped string

    assert repl.type("s.reset()") == "at the start, 0 of 5 steps"
    assert repl.type("a.grad, J.grad") == "(0.0, 1.0)"
    assert repl.type("s.back()") == "already at the start: 0 of 5 steps (call .next() to take the first)"


def test_the_stepper_agrees_with_backward_at_the_prompt(repl):
    repl.type("from autograd import Value")
    repl.type("from autograd.views.stepper import Stepper")
    repl.type('a = Value(3, "a")')
    repl.type('b = (a + a).named("b")')
    repl.type('c = (b + b).named("c")')
    repl.type("s = Stepper(c)")
    assert repl.type("print(s.transcript())") == "\n".join([
        "  1. dc/db += dc/dc · ∂c/∂b = 1 × 1 = 1  ->  b.grad = 1" + DISTRIBUTES,
        "  2. dc/db += dc/dc · ∂c/∂b = 1 × 1 = 1  ->  b.grad = 1 + 1 = 2" + GATHERS.format("b"),
        "  3. dc/da += dc/db · ∂b/∂a = 2 × 1 = 2  ->  a.grad = 2" + DISTRIBUTES,
        "  4. dc/da += dc/db · ∂b/∂a = 2 × 1 = 2  ->  a.grad = 2 + 2 = 4" + GATHERS.format("a"),
    ])
    repl.type("s.run()")
    assert repl.type("a.grad") == "4.0"
    repl.type("a.grad = 0")
    repl.type("c.backward()")
    assert repl.type("a.grad") == "4.0"


def test_a_learner_predicts_each_step_and_sees_the_score(repl):
    repl.type("from autograd import Value")
    repl.type("from autograd.views.stepper import Stepper")
    repl.type('a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")')
    repl.type('u = (b * c).named("u")')
    repl.type('v = (a + u).named("v")')
    repl.type('J = (3 * v).named("J")')
    repl.type("s = Stepper(J, quiz=True)")
    assert repl.type("s") == ("Stepper(J), quiz: at the start, 0 of 5 steps\n"
                              "step 1 of 5: the edge from v into J = 3·v\n"
                              "  ∂J/∂v = ?   (answer with .answer(...))")
    assert repl.type('s.answer("3")') == ("right: ∂J/∂v = 3\n"
                                          "  v.grad after this step = ?   (answer with .answer(...))")
    assert repl.type("s.answer(3)").splitlines()[0] == "right: v.grad = 3"
    assert repl.type("v.grad") == "3.0"
    repl.type('s.answer("1")')
    assert repl.type('s.answer("1")').splitlines()[:2] == [
        "wrong: a.grad = 3, not 1",
        "  mistake: forgot to multiply by the upstream gradient, 3: a.grad += upstream gradient "
        "× local derivative (step 2 shows the rule)"]
    for answer in ['"1"', '"3"']:
        repl.type(f"s.answer({answer})")
    assert repl.type('s.answer("3")').splitlines()[:2] == [
        "wrong: ∂u/∂b = 2, not 3",
        "  mistake: for a product you used the input's own value; the · gate swaps: ∂u/∂b is "
        "the other input, c = 2 (step 4 shows the rule)"]
    for answer in ['"2*3"', '"3"']:
        repl.type(f"s.answer({answer})")
    assert repl.type('s.answer("9")').splitlines()[-2:] == [
        "score: 8 of 10 right", "missed: + at step 2; · at step 4"]
    assert repl.type("a.grad, b.grad, c.grad") == "(3.0, 6.0, 9.0)"


def test_the_quiz_loop_at_the_prompt(repl):
    repl.type("from autograd import Value")
    repl.type("from autograd.views.stepper import Stepper")
    repl.type('a = Value(3, "a")')
    repl.type('s = Stepper((a * a).named("y"))')
    child = repl.child
    child.sendline("s.quiz()")
    for prompt, answer in [("∂y/∂a = ? ", "3"), ("a.grad after this step = ? ", "3"),
                           ("∂y/∂a = ? ", "3"), ("a.grad after this step = ? ", "3")]:
        child.expect_exact(prompt)
        child.sendline(answer)
    child.expect_exact(PROMPT)
    screen = child.before.replace("\r\n", "\n")
    assert ("  mistake: overwrote instead of adding at a fork: a already held 3 from step 1, and "
            "gradients add: 3 + 3 = 6 (step 2 shows the rule)") in screen
    assert screen.rstrip().endswith("score: 3 of 4 right\nmissed: · at step 2")
    assert repl.type("a.grad") == "6.0"
