"""The bug lab: each broken engine gives the wrong numbers it should, where it should, and gradcheck names the input."""

import doctest
import math
import subprocess
import sys

import pytest

from demos import bugs

REPO = __import__("pathlib").Path(__file__).resolve().parents[1]
EXAMPLE = {example.name: example for example in bugs.EXAMPLES}
BUG = {bug.title: bug for bug in bugs.BUGS}


def test_docstring_examples():
    assert doctest.testmod(bugs, verbose=False).failed == 0


# (bug, example, the broken engine's gradients, the inputs gradcheck names); chainrule's
# right gradients: a + a: 2; c = b + b: 4; J: 3, 6, 9; a·a: 6; the chain: 1.0005^2000.
FIGURES = [
    ("overwriting instead of accumulating", "b = a + a", [1.0], ["a"]),
    ("overwriting instead of accumulating", "a = 1; b = a + a; c = b + b", [1.0], ["a"]),
    ("overwriting instead of accumulating", "J = 3(a + b·c)", [3.0, 6.0, 9.0], []),
    ("overwriting instead of accumulating", "sigmoid neuron and its loss", [0.0, 0.0], ["w", "b"]),
    ("overwriting instead of accumulating", "y = a·a", [3.0], ["a"]),
    ("children kept in a set", "b = a + a", [1.0], ["a"]),
    ("children kept in a set", "a = 1; b = a + a; c = b + b", [1.0], ["a"]),
    ("children kept in a set", "y = a·a", [3.0], ["a"]),
    ("children kept in a set", "J = 3(a + b·c)", [3.0, 6.0, 9.0], []),
    ("a recursive topological sort", "y = a·a", [6.0], []),
    ("no topological order at all", "a = 1; b = a + a; c = b + b", [4.0], []),
    ("no zero_grad() between training steps", "b = a + a", [4.0], ["a"]),
    ("no zero_grad() between training steps", "J = 3(a + b·c)", [6.0, 12.0, 18.0],
     ["a", "b", "c"]),
]


@pytest.mark.parametrize("title, name, wrong, disagree", FIGURES)
def test_each_bug_gives_its_numbers(title, name, wrong, disagree):
    row = bugs.run_example(EXAMPLE[name], BUG[title].engine)
    assert row.got == wrong
    assert row.disagree == disagree
    if disagree:
        assert row.verdict.startswith(f"disagrees at {', '.join(disagree)}")
    else:
        assert row.verdict == "agrees"


def test_the_right_column_is_chainrule_s():
    right = {name: bugs.run_example(example, None).right for name, example in EXAMPLE.items()}
    assert right["b = a + a"] == [2.0] and right["a = 1; b = a + a; c = b + b"] == [4.0]
    assert right["J = 3(a + b·c)"] == [3.0, 6.0, 9.0] and right["y = a·a"] == [6.0]
    w, b = right["sigmoid neuron and its loss"]
    assert (round(w, 6), round(b, 6)) == (0.013083, 0.226332)     # the notes' Σ(a - y)x/n, Σ(a - y)/n
    assert right["a chain 2,000 deep"][0] == pytest.approx(1.0005 ** 2000)
    assert right["a chain 2,000 deep"][0] == pytest.approx(math.e, abs=1e-3)


def test_the_recursive_sort_fails_only_past_python_s_recursion_limit():
    row = bugs.run_example(EXAMPLE["a chain 2,000 deep"], bugs.RecursiveSortValue)
    assert row.got is None and row.error.startswith("RecursionError: maximum recursion depth")
    assert row.verdict == "no gradient to check: RecursionError" and row.disagree == ["x"]
    shallow = bugs.run_example(EXAMPLE["sigmoid neuron and its loss"], bugs.RecursiveSortValue)
    assert shallow.verdict == "agrees"


def test_no_order_uses_an_incomplete_gradient_in_the_neuron():
    row = bugs.run_example(EXAMPLE["sigmoid neuron and its loss"], bugs.NoOrderValue)
    w, b = row.got
    assert (round(w, 6), round(b, 6)) == (0.055394, 0.367371)
    assert row.verdict == ("disagrees at w, b; at b: backward() 0.367370…, the nudge 0.226332…")


def test_the_correct_micro_engine_agrees_everywhere():
    for example in bugs.EXAMPLES:
        assert bugs.run_example(example, bugs.MicroValue).verdict == "agrees"


def test_training_without_zero_grad_drifts():
    right, stale = bugs.train_neuron(zero_grad=True), bugs.train_neuron(zero_grad=False)
    assert right[1] == stale[1]                                  # the first step is the same
    assert [round(x, 6) for x in right[3]] == [0.691999, -0.422861, 0.633142]
    assert [round(x, 6) for x in stale[3]] == [0.67541, -0.988867, 0.617133]


def test_python_m_demos_bugs_prints_the_lab():
    done = subprocess.run([sys.executable, "-m", "demos.bugs"], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for title in BUG:
        assert f": {title}\n" in out
    assert ("  b = a + a                    a 2                        a 1            "
            "disagrees at a: backward() 1, the nudge 2.00000…") in out
    assert "RecursionError             no gradient to check: RecursionError" in out
    assert "Why: Where a value feeds two operations (a fork)" in out
