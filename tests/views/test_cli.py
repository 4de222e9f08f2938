"""The chainrule command: values and gradients, each flag, and every refusal (nothing is ever eval'd)."""

import ast
import builtins
import os
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

import autograd.views.cli
from autograd import Value
from autograd.views.cli import FUNCTIONS, ExpressionError, evaluate, main, parse_expression
from autograd.views.stepper import Stepper

J_ARGS = ["3*(a + b*c)", "a=5", "b=3", "c=2"]


def run(capsys, *argv):
    """Run main in-process; return (status, stdout, stderr)."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# --- values and gradients ---------------------------------------------------------

def test_J_example(capsys):
    status, out, err = run(capsys, *J_ARGS)
    assert status == 0 and err == ""
    assert out.splitlines() == [
        "f = 3*(a + b*c) = 33   at a = 5, b = 3, c = 2",
        "df/da = 3",
        "df/db = 6",
        "df/dc = 9",
    ]


def test_name_flag_and_variables_in_order_of_first_use(capsys):
    status, out, _ = run(capsys, "c*b + a", "a=1", "b=2", "c=3", "--name", "J")
    assert status == 0
    assert out.splitlines()[1:] == ["dJ/dc = 2", "dJ/db = 3", "dJ/da = 1"]


def test_options_may_sit_between_values(capsys):
    status, out, _ = run(capsys, "a*b", "a=2", "--name", "y", "b=5")
    assert status == 0 and "dy/da = 5" in out and "dy/db = 2" in out


@pytest.mark.parametrize("expression, values, lines", [
    ("2*3*a", ["a=1"], ["df/da = 6"]),                                  # numbers fold, as in Python
    ("a**2 + 2**a", ["a=3"], ["df/da = 11.5451…"]),                     # 2a + 2^a ln 2
    ("-a + +b", ["a=1", "b=2"], ["df/da = -1", "df/db = 1"]),
    ("leaky_relu(a, 0.2) + relu(b)", ["a=-1", "b=2"], ["df/da = 0.2", "df/db = 1"]),
    ("leaky_relu(a)", ["a=-1"], ["df/da = 0.01"]),
    ("exp(1) * log(a)", ["a=2"], ["df/da = 1.35914…"]),                  # e / a
    ("tanh(a) + sigmoid(a)", ["a=0"], ["df/da = 1.25"]),
    ("a / b", ["a=1", "b=4"], ["df/da = 0.25", "df/db = -0.0625"]),
    ("a", ["a=7"], ["df/da = 1"]),
    ("a*a", ["a=3"], ["df/da = 6"]),
    ("a + a*b", ["a=1.5e0", "b=-2"], ["df/da = -1", "df/db = 1.5"]),
])
def test_gradients(capsys, expression, values, lines):
    status, out, err = run(capsys, expression, *values)
    assert status == 0, err
    assert out.splitlines()[1:] == lines


def test_an_expression_without_variables(capsys):
    status, out, _ = run(capsys, "2**10 - 24")
    assert status == 0
    assert out.splitlines() == ["f = 2**10 - 24 = 1000", "(no variables, so no gradients)"]


def test_variables_are_named_in_the_graph():
    tree, names = parse_expression("b*c + a")
    variables = {name: Value(1.0, name) for name in names}
    root = evaluate(tree, variables)
    product, a = root.parents
    assert a is variables["a"] and a.label == "a"
    assert product.parents == (variables["b"], variables["c"])


def test_a_long_sum_is_evaluated_without_recursion(capsys):
    status, out, _ = run(capsys, "a" + " + a" * 1500, "a=1")
    assert status == 0 and out.splitlines()[1] == "df/da = 1501"


def test_negative_leading_expression_after_double_dash(capsys):
    status, out, _ = run(capsys, "--name", "y", "--", "-a*b", "a=1", "b=2")
    assert status == 0 and "dy/db = -1" in out


def test_negative_leading_expression_without_double_dash_gets_a_hint(capsys):
    status, _, err = run(capsys, "-a*b", "a=1", "b=2")
    assert status == 2 and "must follow '--'" in err


def test_no_arguments_at_all(capsys):
    status, _, err = run(capsys)
    assert status == 2
    assert err.rstrip().endswith("error: the following arguments are required: expression")


def test_functions_come_from_the_table():
    assert list(FUNCTIONS) == ["exp", "log", "tanh", "sigmoid", "relu", "softplus", "step",
                               "max", "min", "abs", "leaky_relu"]
    assert FUNCTIONS["leaky_relu"][1] == ("slope",)
    assert (FUNCTIONS["max"].inputs, FUNCTIONS["abs"].inputs) == (2, 1)


@pytest.mark.parametrize("expression, value, grads", [
    ("max(a, b)", 3, (0.5, 0.5)),            # a tie: half each, as in PyTorch
    ("min(a, 2*b) + abs(a - 4)", 4, (0, 0)),  # min routes to a (1); |a - 4| has slope -1 at a = 3
    ("max(1, a) * min(b, 10)", 9, (3, 3)),
])
def test_max_min_and_abs_in_expressions(capsys, expression, value, grads):
    status, out, _ = run(capsys, expression, "a=3", "b=3")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].endswith(f"= {value}   at a = 3, b = 3")
    assert lines[1:3] == [f"df/da = {grads[0]:g}", f"df/db = {grads[1]:g}"]


def test_max_takes_two_arguments(capsys):
    status, _, err = run(capsys, "max(a)", "a=1")
    assert status == 2 and "max takes 2 arguments, got 1: max(a)" in err


# --- the flags ----------------------------------------------------------------------

def test_steps_prints_the_stepper_sentences(capsys):
    status, out, _ = run(capsys, *J_ARGS, "--name", "J", "--steps")
    assert status == 0
    lines = out.splitlines()
    assert lines[:4] == ["J = 3*(a + b*c) = 33   at a = 5, b = 3, c = 2",
                         "dJ/da = 3", "dJ/db = 6", "dJ/dc = 9"]   # the steps did not double them
    start = lines.index("The backward pass, one edge at a time (5 steps):")
    a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    expected = Stepper((3 * (a + b * c)).named("J")).sentences()
    assert lines[start + 1:start + 6] == [f"{i}. {s}" for i, s in enumerate(expected, 1)]
    assert ("4. dJ/db += dJ/d(b·c) · ∂(b·c)/∂b = 3 × 2 = 6  ->  b.grad = 6  (the · gate swaps: "
            "b gets the other input, c = 2, times the upstream gradient)") in lines
    assert lines[start + 2].endswith("  (the + gate distributes: each input gets the upstream "
                                     "gradient unchanged)")


def test_tree(capsys):
    status, out, _ = run(capsys, "a*b", "a=2", "b=3", "--tree", "--name", "y")
    assert status == 0
    assert "y = 6 (grad 1)  [a·b]" in out
    assert "─ a = 2 (grad 3)  [input]" in out


def test_explain_text(capsys):
    status, out, _ = run(capsys, *J_ARGS, "--name", "J", "--explain", "b")
    assert status == 0
    assert out.splitlines()[-2:] == [
        "dJ/db = ∂J/∂(a + b·c) · ∂(a + b·c)/∂(b·c) · ∂(b·c)/∂b = 3 × 1 × 2 = 6   (via *, +, *)",
        "sum of 1 path = 6 = b.grad after one backward() from zero ✓"]


def test_explain_markdown(capsys):
    status, out, _ = run(capsys, *J_ARGS, "--name", "J", "--explain", "a", "--markdown")
    assert status == 0
    assert (r"$$\frac{\partial J}{\partial a} = \frac{\partial J}{\partial (a + b \cdot c)}\cdot"
            r"\frac{\partial (a + b \cdot c)}{\partial a} = 3 \cdot 1 = 3$$") in out


def test_explain_max_paths_groups(capsys):
    expression = "a" + "*a" * 24
    status, out, _ = run(capsys, expression, "a=1", "--explain", "a", "--max-paths", "3")
    assert status == 0
    assert "df/da sums 25 paths" in out and "more than max_paths = 3" in out
    assert "= a.grad after one backward() from zero ✓" in out


def test_svg_is_written_and_is_xml(capsys, tmp_path):
    path = tmp_path / "graph.svg"
    status, out, err = run(capsys, *J_ARGS, "--svg", str(path))
    assert status == 0, err
    assert f"wrote {path}" in out
    root = ElementTree.parse(path).getroot()
    assert root.tag.endswith("svg")
    text = path.read_text(encoding="utf-8")
    for name in ("a", "b", "c"):
        assert f">{name}<" in text


def test_svg_without_dot_says_how_to_install_it(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))          # no dot on this PATH
    status, out, err = run(capsys, *J_ARGS, "--svg", str(tmp_path / "graph.svg"))
    assert status == 1
    assert "install" in err.lower() and "graphviz" in err.lower()
    assert "Traceback" not in err
    assert not (tmp_path / "graph.svg").exists()
    assert "df/da = 3" in out                          # the numbers were still printed


def test_svg_to_an_unwritable_place(capsys, tmp_path):
    status, _, err = run(capsys, *J_ARGS, "--svg", str(tmp_path / "no" / "such" / "g.svg"))
    assert status == 1 and "--svg: cannot write" in err


def test_html_is_written_with_its_frames(capsys, tmp_path):
    path = tmp_path / "steps.html"
    status, out, err = run(capsys, *J_ARGS, "--html", str(path))
    assert status == 0, err
    assert f"wrote {path}" in out
    page = path.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "f = 3*(a + b*c)" in page
    # 7 nodes forward, the start of the backward pass, 6 edge updates, and the end
    assert page.count('<section class="frame') == 13       # 6 forward, start, 5 steps, done
    assert page.count('data-phase="backward"') == 5
    # The page starts its backward pass from zero, although the command swept once already.
    assert "a.grad = 3, b.grad = 6, c.grad = 9" in page
    assert "3 + 3" not in page


def test_html_of_a_graph_too_large_to_animate(capsys, tmp_path):
    status, out, err = run(capsys, "a" + " + a" * 60, "a=1", "--html", str(tmp_path / "x.html"))
    assert status == 1
    assert "--html: this graph has" in err and "Traceback" not in err
    assert "df/da = 61" in out


def test_help(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert "examples:" in out and 'chainrule "3*(a + b*c)" a=5 b=3 c=2' in out
    for function in FUNCTIONS:
        assert function in out


# --- refusals -------------------------------------------------------------------------

@pytest.mark.parametrize("expression, piece, column", [
    ("a.real", "attribute access is not allowed: a.real", 1),
    ("a + b.__class__", "attribute access is not allowed: b.__class__", 5),
    ("foo(a)", "calling foo is not allowed", 1),
    ("exp(x=a)", "a keyword argument is not allowed: x=a", 5),
    ("a[0]", "a subscript is not allowed: a[0]", 1),
    ("a < b", "a comparison is not allowed: a < b", 1),
    ("__import__('os').system('echo hacked')", "calling __import__('os').system is not allowed", 1),
    ("2 * __import__('os')", "calling __import__ is not allowed", 5),
    ("eval('1')", "calling eval is not allowed", 1),
    ("exec('1')", "calling exec is not allowed", 1),
    ("open('x')", "calling open is not allowed", 1),
    ("lambda: a", "a lambda is not allowed", 1),
    ("'abc'", "a string is not allowed: 'abc'", 1),
    ("a + 'abc'", "a string is not allowed: 'abc'", 5),
    ("f'{a}'", "an f-string is not allowed", 1),
    ("(b := a)", "an assignment expression (:=) is not allowed", 2),
    ("[x for x in a]", "a comprehension is not allowed", 1),
    ("sum(x for x in a)", "calling sum is not allowed", 1),
    ("a if b else c", "a conditional expression is not allowed", 1),
    ("a and b", "'and'/'or' is not allowed", 1),
    ("a // b", "the operator // is not allowed", 1),
    ("a % b", "the operator % is not allowed", 1),
    ("not a", "the operator not is not allowed", 1),
    ("~a", "the operator ~ is not allowed", 1),
    ("True", "the constant True is not allowed", 1),
    ("None", "the constant None is not allowed", 1),
    ("2j * a", "a complex number is not allowed", 1),
    ("(a, b)", "a tuple is not allowed", 1),
    ("[a]", "a list is not allowed", 1),
    ("exp(*a)", "a starred argument is not allowed", 5),
    ("exp(a, b)", "exp takes 1 argument, got 2", 1),
    ("relu()", "relu takes 1 argument (and optionally grad_at_zero, a number), got 0", 1),
    ("exp + 1", "exp is a function, not a variable", 1),
    ("(a +\n b.c)", "attribute access is not allowed: b.c", None),
])
def test_refused_with_the_piece_and_its_column(capsys, expression, piece, column):
    status, out, err = run(capsys, expression, "a=1", "b=2", "c=3")
    assert status == 2
    assert out == ""
    assert piece in err
    if column is not None:
        assert f"(at column {column})" in err
    else:
        assert "(at line 2, column 2)" in err
    assert "allowed: numbers, variables" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("expression, message", [
    ("import os", "not a valid expression at column 1"),
    ("a +* b", "not a valid expression at column 4"),
    ("", "the expression is empty"),
    ("a" + " + a" * 20000, "too long or too deeply nested"),
])
def test_not_an_expression(capsys, expression, message):
    status, out, err = run(capsys, expression, "a=1", "b=1")
    assert status == 2 and out == "" and message in err


def test_leaky_relu_slope_must_be_a_number(capsys):
    status, _, err = run(capsys, "leaky_relu(a, b)", "a=1", "b=0.1")
    assert status == 2 and "extra arguments of leaky_relu must be numbers" in err


@pytest.mark.parametrize("values, message", [
    (["a=1"], "no value given for b, c: give each variable as NAME=VALUE, e.g. b=1 c=1"),
    (["a=1", "b=2", "c=3", "d=4"], "d is not in the expression (its variables: a, b, c)"),
    (["a=1", "b=2", "c=3", "d=4", "e=5"], "d, e are not in the expression"),
    (["a=abc", "b=2", "c=3"], "'a=abc': 'abc' is not a number"),
    (["a=nan", "b=2", "c=3"], "'a=nan': the value must be a finite number"),
    (["a=inf", "b=2", "c=3"], "the value must be a finite number"),
    (["a", "b=2", "c=3"], "'a' is not NAME=VALUE"),
    (["a=1", "a=2", "b=2", "c=3"], "a is given twice"),
    (["1a=1", "b=2", "c=3"], "'1a' is not a variable name"),
])
def test_variables_must_match(capsys, values, message):
    status, out, err = run(capsys, "a + b*c", *values)
    assert status == 2 and out == ""
    assert message in err


@pytest.mark.parametrize("argv, message", [
    (["a*b", "a=1", "b=2", "--explain", "c"], "--explain c: not a variable of the expression"),
    (["a*b", "a=1", "b=2", "--markdown"], "--markdown applies to --explain VAR only"),
    (["a*b", "a=1", "b=2", "--name", "a"], "--name a is also a variable"),
    (["a*b", "a=1", "b=2", "--max-paths", "0"], "--max-paths must be at least 1"),
    (["a*b", "a=1", "b=2", "--bogus"], "unrecognized arguments: --bogus"),
])
def test_usage_errors(capsys, argv, message):
    status, _, err = run(capsys, *argv)
    assert status == 2 and message in err


@pytest.mark.parametrize("expression, values, message", [
    ("log(a)", ["a=-1"], "'log' failed on a = -1.0: the log is only defined for x > 0"),
    ("a / b", ["a=1", "b=0"], "'/' failed on a = 1.0 and b = 0.0: division by zero"),
    ("1/0 + a", ["a=1"], "'/' failed on 1.0 and 0.0: division by zero"),
    ("exp(a)", ["a=1000"], "too large"),
    ("a ** 0.5", ["a=-4"], "not a real number"),
])
def test_engine_errors_are_one_clear_line(capsys, expression, values, message):
    status, out, err = run(capsys, expression, *values)
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and message in err
    assert err.startswith(f"chainrule: error: cannot evaluate {expression}: ")


# --- nothing is ever eval'd -----------------------------------------------------------

def test_the_cli_source_never_calls_eval_exec_or_compile():
    tree = ast.parse(pathlib.Path(autograd.views.cli.__file__).read_text(encoding="utf-8"))
    called = {node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"eval", "exec", "compile", "__import__"}


def test_runs_with_eval_and_exec_unavailable(capsys, monkeypatch):
    real_compile = builtins.compile

    def refuse(*args, **kwargs):
        raise AssertionError("eval/exec must not be used")

    def parse_only(source, filename, mode, flags=0, *args, **kwargs):
        # ast.parse is compile(..., flags=PyCF_ONLY_AST); anything else would make code.
        assert flags & ast.PyCF_ONLY_AST, "compile() used for more than parsing"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(builtins, "compile", parse_only)
    status, out, _ = run(capsys, *J_ARGS, "--explain", "c")
    assert status == 0 and "df/dc = 9" in out


def test_an_injection_runs_nothing(tmp_path):
    marker = tmp_path / "hacked"
    result = subprocess.run(
        [sys.executable, "-m", "autograd", f"__import__('os').system('touch {marker}')"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "calling __import__('os').system is not allowed" in result.stderr
    assert not marker.exists()


def test_expression_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_expression("a.b")
    assert issubclass(ExpressionError, ValueError)


# --- as real commands -------------------------------------------------------------------

def test_python_dash_m_autograd():
    result = subprocess.run([sys.executable, "-m", "autograd", *J_ARGS, "--name", "J"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["J = 3*(a + b*c) = 33   at a = 5, b = 3, c = 2",
                                          "dJ/da = 3", "dJ/db = 6", "dJ/dc = 9"]


def test_console_script():
    script = pathlib.Path(sys.executable).parent / "chainrule"
    assert script.exists(), f"the console script is not installed next to {sys.executable}"
    result = subprocess.run([str(script), "log(a)", "a=-1"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == ("chainrule: error: cannot evaluate log(a): 'log' failed on "
                             "a = -1.0: the log is only defined for x > 0\n")
    ok = subprocess.run([str(script), *J_ARGS, "--explain", "a"], capture_output=True,
                        text=True, timeout=60, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert ok.returncode == 0 and ok.stdout.rstrip().endswith("sum of 1 path = 3 = a.grad after one backward() from zero ✓")
