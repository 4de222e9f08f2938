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

REPO = pathlib.Path(__file__).resolve().parent.parent
PROMPT = ">>> "


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
    repl.type("from autograd.stepper import Stepper")
    assert repl.type("s = Stepper(J)") == ""
    assert repl.type("s") == ("Stepper(J): at the start, 0 of 6 steps; J.grad = 1.0 "
                              "(dJ/dJ = 1, where the chain rule starts)")
    assert repl.type("s.next()") == (
        "step 1 of 6: dJ/dn0 += ∂J/∂n0 · dJ/dJ = 11.0 × 1.0 = 11.0  ->  n0.grad = 11.0\n"
        "  (n0 is the constant 3.0)")
    assert repl.type("s.next()") == (
        "step 2 of 6: dJ/dv += ∂J/∂v · dJ/dJ = 3.0 × 1.0 = 3.0  ->  v.grad = 3.0")
    assert repl.type("s.next()") == (
        "step 3 of 6: dJ/da += ∂v/∂a · dJ/dv = 1.0 × 3.0 = 3.0  ->  a.grad = 3.0")
    assert repl.type("s") == ("Stepper(J): step 3 of 6\n"
                              "  last step: dJ/da += ∂v/∂a · dJ/dv = 1.0 × 3.0 = 3.0  ->  a.grad = 3.0")
    assert repl.type("s.where()") == "'step 3 of 6'"
    assert repl.type("a.grad, u.grad") == "(3.0, 0.0)"
    assert repl.type("s.back()") == "undid step 3 of 6: a.grad is 0.0 again"
    assert repl.type("a.grad") == "0.0"
    assert repl.type("s.run()") == "done: 6 of 6 steps"
    assert repl.type("s.next()") == ("already done: 6 of 6 steps "
                                     "(.back() undoes one, .reset() starts over)")
    assert repl.type("a.grad, b.grad, c.grad") == "(3.0, 6.0, 9.0)"

    repl.type("from autograd.tree import text_tree")
    tree = J_TREE_AFTER_BACKWARD
    assert repl.type("print(text_tree(J))") == tree
    assert repl.type("text_tree(J)") == tree          # a tree at the prompt too, not an escaped string

    assert repl.type("s.reset()") == "at the start, 0 of 6 steps"
    assert repl.type("a.grad, J.grad") == "(0.0, 1.0)"
    assert repl.type("s.back()") == "already at the start: 0 of 6 steps (call .next() to take the first)"


def test_the_stepper_agrees_with_backward_at_the_prompt(repl):
    repl.type("from autograd import Value")
    repl.type("from autograd.stepper import Stepper")
    repl.type('a = Value(3.0, "a")')
    repl.type('b = (a + a).named("b")')
    repl.type('c = (b + b).named("c")')
    repl.type("s = Stepper(c)")
    assert repl.type("print(s.transcript())") == "\n".join([
        "  1. dc/db += ∂c/∂b · dc/dc = 1.0 × 1.0 = 1.0  ->  b.grad = 1.0",
        "  2. dc/db += ∂c/∂b · dc/dc = 1.0 × 1.0 = 1.0  ->  b.grad = 1.0 + 1.0 = 2.0",
        "  3. dc/da += ∂b/∂a · dc/db = 1.0 × 2.0 = 2.0  ->  a.grad = 2.0",
        "  4. dc/da += ∂b/∂a · dc/db = 1.0 × 2.0 = 2.0  ->  a.grad = 2.0 + 2.0 = 4.0",
    ])
    repl.type("s.run()")
    assert repl.type("a.grad") == "4.0"
    repl.type("a.grad = 0.0")
    repl.type("c.backward()")
    assert repl.type("a.grad") == "4.0"
