"""The README's examples, run exactly as written, with the results in their comments checked.

Each ```python block runs top to bottom in a fresh folder.  A comment after
``print(...)`` is what that line prints, up to a ``": "`` that starts an
explanation; a comment ``# name = number`` after an assignment is the value
made.  The REPL session (``>>>``) runs as a doctest after the block before it,
and the command-line example runs the real ``chainrule`` command.
"""

import ast
import contextlib
import doctest
import io
import pathlib
import re
import subprocess
import sys

import pytest

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
TEXT = README.read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, re.DOTALL)
VALUE_COMMENT = re.compile(r"^(\w+) = (-?[\d.]+)$")


def expected_output(comment):
    return comment.split(": ")[0].rstrip()


def run_block(block, namespace):
    """Run ``block`` statement by statement; check each commented print and assignment.

    Returns:
        (how many comments were checked, everything the block printed).
    """
    lines = block.splitlines()
    checked = 0
    printed = []
    for statement in ast.parse(block).body:
        source = "\n".join(lines[statement.lineno - 1:statement.end_lineno])
        last = lines[statement.end_lineno - 1]
        comment = last.split("  #", 1)[1].strip() if "  #" in last else None
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(source, str(README), "exec"), namespace)
        printed.append(out.getvalue())
        is_print = (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
                    and getattr(statement.value.func, "id", "") == "print")
        if comment and is_print:
            assert out.getvalue().rstrip("\n") == expected_output(comment), source
            checked += 1
        elif comment and isinstance(statement, ast.Assign) and VALUE_COMMENT.match(comment):
            name, number = VALUE_COMMENT.match(comment).groups()
            assert namespace[name].data == float(number), source
            checked += 1
    return checked, "".join(printed)


def test_the_readme_has_its_examples():
    assert len(BLOCKS) == 4


def test_compiled_replay_example_prints_the_listing_the_readme_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    checked, printed = run_block(BLOCKS[3], namespace)
    assert checked == 1
    # The excerpt after the block, indented, is part of what print(step) printed.
    after = TEXT[TEXT.index(BLOCKS[3]) + len(BLOCKS[3]):]
    excerpt = re.search(r"\n\n((?:    .*\n)+)", after).group(1)
    shown = [line[4:] for line in excerpt.splitlines() if line.strip() != "..."]
    listing = printed.splitlines()
    for line in shown:
        assert "    " + line in listing, line


def test_ten_lines_J(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    assert run_block(BLOCKS[0], namespace)[0] == 7
    assert (namespace["a"].grad, namespace["b"].grad, namespace["c"].grad) == (3.0, 6.0, 9.0)


def test_forward_reverse_and_higher_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    assert run_block(BLOCKS[1], namespace)[0] == 6


def test_seeing_backpropagation_shows_3_6_9_after_two_backward_calls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    checked, printed = run_block(BLOCKS[2], namespace)
    assert checked == 2
    # The user's grads hold two passes; every view shows one pass from zero.
    assert "b.grad = 12" not in printed
    assert "(grad 3)" in printed and "b = 3 (grad 6)" in printed
    after = (tmp_path / "after.svg").read_text(encoding="utf-8")
    assert "grad 3<" in after and "grad 6<" in after and "grad 9<" in after
    assert "grad 12<" not in after and "grad 18<" not in after
    page = (tmp_path / "backprop.html").read_text(encoding="utf-8")
    assert "a.grad = 3, b.grad = 6, c.grad = 9" in page
    assert "grad 3<" not in (tmp_path / "forward.svg").read_text(encoding="utf-8")

    # The REPL session that follows in the README, as a doctest in the same namespace.
    section = TEXT[TEXT.index(BLOCKS[2]):]
    session = section[:section.index("### The command line")]
    parser = doctest.DocTestParser()
    test = parser.get_doctest(session, namespace, "README stepper", str(README), 0)
    assert test.examples
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=sys.stdout.write)
    assert runner.failures == 0


def test_the_command_line_example_prints_what_the_readme_shows():
    block = re.search(r"    \$ (chainrule .*?)\n((?:    [^$\n].*\n)+)", TEXT)
    command, shown = block.group(1), block.group(2)
    argv = [part.strip('"') for part in re.findall(r'"[^"]*"|\S+', command)][1:]
    result = subprocess.run([sys.executable, "-m", "autograd", *argv], capture_output=True,
                            text=True, check=True)
    assert result.stdout == "\n".join(line[4:] for line in shown.splitlines()) + "\n"
