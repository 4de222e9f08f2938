"""The ``chainrule`` command: evaluate an expression, print its gradients, and draw or explain them.

``chainrule "3*(a + b*c)" a=5 b=3 c=2`` builds the graph with Values named
``a``, ``b``, ``c``, runs the one backward sweep, and prints the value and
every gradient.  The expression is read with ``ast.parse`` and evaluated by
walking the tree here: only numbers, variables, ``+ - * / **``, unary minus
and plus, and the one-input functions of the table of ops are accepted.
Nothing the user types is ever given to ``eval``, ``exec`` or ``compile``.

Exit status: 0 on success, 1 when the maths or a file fails (log of a
negative number, division by zero, Graphviz missing), 2 for a usage error
(an expression or an argument chainrule does not accept).
"""

import argparse
import ast
import inspect
import math
import operator
import sys

from .. import ops
from ..backward import record
from ..grad_mode import no_grad
from ..value import CONSTANT, Value
from .explain import explain
from .text import d, format_number

__all__ = ["main", "build_parser", "parse_expression", "evaluate", "fold", "ExpressionError",
           "FUNCTIONS"]

PROG = "chainrule"


class ExpressionError(ValueError):
    """The expression (or a NAME=VALUE argument) is not one chainrule evaluates.

    Attributes:
        text: the expression.
        node: the offending ``ast`` node, or None.
    """

    def __init__(self, message, text="", node=None):
        super().__init__(message)
        self.text = text
        self.node = node


# --- what an expression may contain ------------------------------------------------

# Python's arithmetic operators, each of which Value implements by a row of the table.
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


class Function(tuple):
    """What an expression may call: the Value method, its number of Value inputs, and its extra number arguments.

    A tuple ``(call, extra)``, with ``inputs`` beside it: ``tanh`` takes one
    input, ``max`` two (Values or numbers), ``leaky_relu`` one input and an
    optional ``slope``, a number.
    """

    def __new__(cls, call, extra, inputs):
        function = super().__new__(cls, (call, extra))
        function.call, function.extra, function.inputs = call, extra, inputs
        return function


def _table_functions():
    """The functions an expression may call: the table's rows written as calls that Value has a method for.

    A parametrised row (leaky ReLU's slope) is not in ``ops.OPS``, which holds
    the fixed rows only, so its maker is asked for its default row here.
    A method's parameters without defaults are its inputs (``self`` and, for
    ``max``, ``other``); those with defaults (``slope``) may be given as
    extra number arguments.
    """
    rows = list(ops.OPS.values()) + [ops.leaky_relu_with(0.01)]
    functions = {}
    for row in rows:
        name = str(row)
        method = getattr(Value, name, None)
        if row.notation == "call" and name.isidentifier() and callable(method):
            parameters = list(inspect.signature(method).parameters.values())
            extra = tuple(p.name for p in parameters if p.default is not inspect.Parameter.empty)
            if len(parameters) - len(extra) == row.arity:
                functions[name] = Function(method, extra, row.arity)
    return functions


FUNCTIONS = _table_functions()
"""Name -> :class:`Function` (its Value method, extra number arguments, inputs): what an expression may call."""

_ALLOWED = (f"numbers, variables, + - * / **, unary - and +, and the functions "
            f"{', '.join(FUNCTIONS)}")

# Friendly names for the syntax we refuse; any other node is named by its class.
_REFUSED = {
    ast.Attribute: "attribute access", ast.Subscript: "a subscript", ast.Compare: "a comparison",
    ast.BoolOp: "'and'/'or'", ast.Lambda: "a lambda", ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string", ast.NamedExpr: "an assignment expression (:=)",
    ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension",
    ast.IfExp: "a conditional expression", ast.List: "a list", ast.Tuple: "a tuple",
    ast.Set: "a set", ast.Dict: "a dict", ast.Starred: "a starred argument",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "a slice",
}
_OPERATOR_SYMBOLS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
                     ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&",
                     ast.Not: "not", ast.Invert: "~"}


def _column(text, node):
    """The 1-based (line, column) of ``node`` in characters (ast counts UTF-8 bytes)."""
    line = text.splitlines()[node.lineno - 1] if text.splitlines() else ""
    return node.lineno, len(line.encode("utf-8")[:node.col_offset].decode("utf-8", "replace")) + 1


def _refuse(text, node, what):
    segment = ast.get_source_segment(text, node) or ""
    raise ExpressionError(f"{what} is not allowed: {segment}", text, node)


def _check_node(text, node):
    """Refuse ``node`` unless it is one of the few things an expression may be."""
    kind = type(node)
    if kind is ast.Constant:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            what = {str: "a string", bytes: "bytes", complex: "a complex number"}.get(
                type(value), f"the constant {value!r}")
            _refuse(text, node, what)
        try:
            float(value)
        except OverflowError:
            _refuse(text, node, "a number too large for a float")
    elif kind is ast.Name:
        if node.id in FUNCTIONS:
            raise ExpressionError(f"{node.id} is a function, not a variable: call it, as in "
                                  f"{node.id}(x)", text, node)
    elif kind is ast.BinOp:
        if type(node.op) not in _BINARY:
            _refuse(text, node, f"the operator {_OPERATOR_SYMBOLS.get(type(node.op), '?')}")
    elif kind is ast.UnaryOp:
        if type(node.op) not in _UNARY:
            _refuse(text, node, f"the operator {_OPERATOR_SYMBOLS.get(type(node.op), '?')}")
    elif kind is ast.Call:
        function = node.func
        if not (type(function) is ast.Name and function.id in FUNCTIONS):
            callee = ast.get_source_segment(text, function) or "?"
            raise ExpressionError(f"calling {callee} is not allowed: only {', '.join(FUNCTIONS)} "
                                  f"can be called", text, node)
        if node.keywords:
            keyword = node.keywords[0]
            _refuse(text, keyword, "a keyword argument")
        starred = [arg for arg in node.args if type(arg) is ast.Starred]
        if starred:
            _refuse(text, starred[0], "a starred argument")
        inputs, extra = FUNCTIONS[function.id].inputs, FUNCTIONS[function.id].extra
        if not inputs <= len(node.args) <= inputs + len(extra):
            takes = f"{inputs} argument{'s' if inputs > 1 else ''}" + (
                f" (and optionally {', '.join(extra)}, a number)" if extra else "")
            raise ExpressionError(f"{function.id} takes {takes}, got {len(node.args)}: "
                                  f"{ast.get_source_segment(text, node)}", text, node)
    else:
        _refuse(text, node, _REFUSED.get(kind, f"{kind.__name__}"))


def _operands(node):
    """The sub-expressions ``node`` is computed from, left to right."""
    kind = type(node)
    if kind is ast.BinOp:
        return [node.left, node.right]
    if kind is ast.UnaryOp:
        return [node.operand]
    if kind is ast.Call:
        return list(node.args)
    return []


def parse_expression(text):
    """Parse and check an expression; return its tree and its variables in order of first use.

    Args:
        text (str): e.g. ``"3*(a + b*c)"``.

    Returns:
        (ast.Expression, list of str).

    Raises:
        ExpressionError: (a ValueError) for a syntax error or anything outside
            numbers, variables, ``+ - * / **``, unary ``-``/``+`` and
            :data:`FUNCTIONS`; the message names the offending piece, and
            ``error.node`` locates it.

    >>> tree, names = parse_expression("3*(a + b*c)")
    >>> names
    ['a', 'b', 'c']
    >>> parse_expression("a.real")
    Traceback (most recent call last):
    ...
    autograd.views.cli.ExpressionError: attribute access is not allowed: a.real
    """
    if not isinstance(text, str):
        raise TypeError(f"the expression must be a str, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("the expression is empty", text)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(_syntax_message(error), text) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is too long or too deeply nested for "
                              "Python's parser", text) from None
    except ValueError as error:       # e.g. a NUL character
        raise ExpressionError(f"the expression cannot be read: {error}", text) from None
    text = text.strip()
    names = []
    # An explicit stack rather than recursion: a long sum nests deeply on the left.
    stack = [tree.body]
    while stack:
        node = stack.pop()
        _check_node(text, node)
        if type(node) is ast.Name and node.id not in names:
            names.append(node.id)
        stack.extend(reversed(_operands(node)))
    return tree, names


def _syntax_message(error):
    """Python's syntax error, with its place and a caret under it."""
    where = f" at column {error.offset}" if error.offset else ""
    if error.lineno and error.lineno > 1:
        where = f" on line {error.lineno}{where}"
    message = f"not a valid expression{where}: {error.msg}"
    if error.text and error.offset:
        line = error.text.rstrip("\n")
        message += f"\n  {line}\n  {' ' * (error.offset - 1)}^"
    return message


# --- evaluating it --------------------------------------------------------------------

def _constant_result(function, *arguments):
    """Apply an operation to numbers only, through Values, so the table's rules and errors apply.

    Under ``no_grad()`` no graph is kept: a part of the expression without
    variables is just a number, as in Python.
    """
    with no_grad():
        first = Value(arguments[0])
        return function(first, *arguments[1:]).data


def fold(tree, visit):
    """Walk a checked tree operands first, without recursion; return what ``visit`` makes of the whole.

    Args:
        tree: an ``ast.Expression`` from :func:`parse_expression`.
        visit: ``visit(node, arguments)`` returns a node's result from its
            operands' results (a list, left to right; empty for a number or name).

    Returns:
        ``visit``'s result for the expression's top node.

    >>> tree, _ = parse_expression("2 * (3 + 4)")
    >>> fold(tree, lambda node, arguments: 1 + sum(arguments))     # how many nodes
    5
    """
    results = []
    # Post-order: (node, True) means its operands' results are on ``results``.
    todo = [(tree.body, False)]
    while todo:
        node, operands_ready = todo.pop()
        operands = _operands(node)
        if not operands_ready and operands:
            todo.append((node, True))
            todo.extend((operand, False) for operand in reversed(operands))
            continue
        split = len(results) - len(operands)
        arguments = results[split:]
        del results[split:]
        results.append(visit(node, arguments))
    (result,) = results
    return result


def evaluate(tree, variables):
    """Evaluate a tree from :func:`parse_expression` with the Values given for its variables.

    Parts without any variable are folded to numbers (``2*3`` is 6, as in
    Python); every other operation builds a node of the graph.

    Args:
        tree: an ``ast.Expression`` checked by :func:`parse_expression`.
        variables: dict name -> Value.

    Returns:
        Value (a constant Value if the expression has no variables).

    Raises:
        ValueError, ZeroDivisionError, OverflowError: the engine's errors
            (log of a number <= 0, division by zero, a result too large).
        ExpressionError: for a function's slope that is not a number.

    >>> tree, _ = parse_expression("3*(a + b*c)")
    >>> evaluate(tree, {n: Value(x, n) for n, x in [("a", 5), ("b", 3), ("c", 2)]}).data
    33.0
    """
    result = fold(tree, lambda node, arguments: _evaluate_node(node, arguments, variables))
    if not isinstance(result, Value):
        result = Value(result)
        result.role = CONSTANT
    return result


def _evaluate_node(node, arguments, variables):
    kind = type(node)
    if kind is ast.Constant:
        return float(node.value)
    if kind is ast.Name:
        return variables[node.id]
    all_numbers = not any(isinstance(argument, Value) for argument in arguments)
    if kind is ast.BinOp:
        function = _BINARY[type(node.op)]
    elif kind is ast.UnaryOp:
        function = _UNARY[type(node.op)]
        if all_numbers:
            return function(arguments[0])     # -2.0: plain negation cannot fail
    else:
        function, inputs = FUNCTIONS[node.func.id].call, FUNCTIONS[node.func.id].inputs
        for extra in arguments[inputs:]:
            if isinstance(extra, Value):
                raise ExpressionError(f"the extra arguments of {node.func.id} must be numbers, "
                                      f"without variables", "", node)
        if not all_numbers and not isinstance(arguments[0], Value):
            # max(2, a): the method is called on a Value, so the number becomes a constant leaf.
            arguments[0] = Value(arguments[0])
            arguments[0].role = CONSTANT
    if all_numbers:
        # exp(2) * a: the number part is folded; only the part with a variable is a node.
        return _constant_result(function, *arguments)
    return function(*arguments)


# --- NAME=VALUE arguments ----------------------------------------------------------------

def _parse_assignments(assignments, names):
    """Turn ``["a=5", "b=3"]`` into {"a": 5.0, "b": 3.0}, checked against the expression's names."""
    values = {}
    for assignment in assignments:
        name, equals, number = assignment.partition("=")
        name = name.strip()
        if not equals:
            raise ExpressionError(f"{assignment!r} is not NAME=VALUE (e.g. a=5)")
        if not name.isidentifier():
            raise ExpressionError(f"{assignment!r}: {name!r} is not a variable name")
        if name in values:
            raise ExpressionError(f"{name} is given twice")
        try:
            value = float(number)
        except ValueError:
            raise ExpressionError(f"{assignment!r}: {number.strip()!r} is not a number") from None
        if not math.isfinite(value):
            raise ExpressionError(f"{assignment!r}: the value must be a finite number")
        values[name] = value
    missing = [name for name in names if name not in values]
    unused = [name for name in values if name not in names]
    if missing:
        raise ExpressionError(
            f"no value given for {', '.join(missing)}: give each variable as NAME=VALUE, "
            f"e.g. {' '.join(f'{name}=1' for name in missing)}")
    if unused:
        raise ExpressionError(f"{', '.join(unused)} {'is' if len(unused) == 1 else 'are'} not "
                              f"in the expression (its variables: {', '.join(names) or 'none'})")
    return values


# --- the command --------------------------------------------------------------------

_EPILOG = f"""\
examples:
  {PROG} "3*(a + b*c)" a=5 b=3 c=2
      the value, and df/da, df/db, df/dc
  {PROG} "3*(a + b*c)" a=5 b=3 c=2 --name J --explain b
      dJ/db by the chain rule: dJ/db = ∂J/∂n5 · ∂n5/∂n4 · ∂n4/∂b = 3 × 1 × 2 = 6
  {PROG} "tanh(w*x + b)" w=0.5 x=2 b=-1 --steps
      every edge update of the backward pass, in order, as a sentence
  {PROG} "a*a + a" a=3 --tree
      the graph as a text tree
  {PROG} "sigmoid(w*x + b)" w=0.7 x=1 b=0.1 --svg graph.svg --html steps.html
      a drawing of the graph, and a web page that steps through the backward pass
  python -m autograd "log(x) / x" x=2 --explain x --markdown
      the same command run as a module; Markdown with LaTeX for a notebook
  {PROG} "3*(a + b*c)" a=5 b=3 c=2 --quiz
      predict each step (the local derivative, then the new gradient), answers
      typed or piped in; a wrong answer that a known mistake gives is named
  {PROG} --quiz-file exercises.txt
      a teacher's exercise set: one exercise a line, e.g. "max(a, b)*c" a=2 b=2 c=3
  {PROG} "tanh(tanh(x))" x=0.5 --compare --compare-plot errors.png
      SymPy's derivative, finite differences against h, and backward()'s, side by side

expressions:
  numbers, variables, + - * / ** (** is a power), unary - and +, parentheses,
  and the functions {', '.join(FUNCTIONS)}
  (max and min take two inputs: max(a, b); leaky_relu takes an optional slope:
  leaky_relu(x, 0.1)).  Anything else is
  refused.  Give every variable a value as NAME=VALUE.  An expression that
  starts with '-' must follow '--':  {PROG} -- "-a*b" a=1 b=2

exit status:
  0 success; 1 a maths or file error (log of a negative number, division by
  zero, Graphviz missing); 2 a usage error
"""


class _Parser(argparse.ArgumentParser):
    """argparse, with a hint for the one surprise: an expression starting with '-' looks like an option."""

    hint = ""

    def error(self, message):
        if "required: expression" in message:
            # Intermixed parsing also names NAME=VALUE here, though it is optional.
            message = "the following arguments are required: expression"
        super().error(message + self.hint)


def _dash_hint(argv):
    """A hint when an argument such as '-a*b' was probably meant as the expression."""
    # Every option of ours is long (--name) except -h.
    if any(token.startswith("-") and not token.startswith("--") and token != "-h"
           for token in argv):
        return f'\n(an expression that starts with \'-\' must follow \'--\', e.g. {PROG} -- "-a*b" a=1 b=2)'
    return ""


def build_parser():
    """The argument parser of the ``chainrule`` command (argparse.ArgumentParser)."""
    parser = _Parser(
        prog=PROG,
        description="Evaluate an expression of scalars, run backpropagation through it, and print "
                    "the value and the gradient with respect to every variable.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("expression", nargs="?",
                        help='the expression, quoted, e.g. "3*(a + b*c)"')
    parser.add_argument("assignments", nargs="*", metavar="NAME=VALUE",
                        help="a value for each variable, e.g. a=5")
    parser.add_argument("--name", default="f", metavar="NAME",
                        help="what to call the expression's value, as in dNAME/da (default: f)")
    parser.add_argument("--svg", metavar="PATH", help="write the computation graph as an SVG "
                        "(needs Graphviz's dot program)")
    parser.add_argument("--html", metavar="PATH",
                        help="write a web page that steps through the backward pass")
    parser.add_argument("--steps", action="store_true",
                        help="print the backward pass one edge update at a time")
    parser.add_argument("--tree", action="store_true", help="print the graph as a text tree")
    parser.add_argument("--torch", action="store_true",
                        help="print PyTorch code that recomputes the value and the gradients")
    parser.add_argument("--explain", metavar="VAR",
                        help="write out dNAME/dVAR by the chain rule: every path's product of "
                             "local derivatives, and their sum")
    parser.add_argument("--markdown", action="store_true",
                        help="with --explain: Markdown with LaTeX, for notebooks")
    parser.add_argument("--quiz", action="store_true",
                        help="predict, then reveal: before each step of the backward pass, type "
                             "the local derivative, then the parent's new gradient (read from "
                             "standard input, so a file of answers can be piped in); a page "
                             "written with --html asks the same questions")
    parser.add_argument("--quiz-file", metavar="FILE",
                        help="a teacher's exercise set: one exercise a line, written as on the "
                             'command line (\'"3*(a + b*c)" a=5 b=3 c=2\'); # starts a comment; '
                             "each is quizzed in turn and the total score printed")
    parser.add_argument("--max-paths", type=int, default=20, metavar="N",
                        help="with --explain: list at most N paths one by one, grouping them "
                             "beyond that (default: 20)")
    parser.add_argument("--compare", action="store_true",
                        help="the three ways to differentiate: SymPy's symbolic derivative and "
                             "its size, finite differences against h, and backward()'s "
                             "(needs SymPy: the demos extra)")
    parser.add_argument("--compare-plot", metavar="PATH",
                        help="with --compare: write the finite differences' errors against h "
                             "as a log-log plot (PNG; needs matplotlib)")
    return parser


def _say_error(message):
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _point_at(text, node):
    """The expression with a caret line under ``node``, and where it is, for an error message."""
    line_number, column = _column(text, node)
    line = text.splitlines()[line_number - 1]
    end = column
    if getattr(node, "end_lineno", None) == node.lineno and node.end_col_offset is not None:
        end = len(line.encode("utf-8")[:node.end_col_offset].decode("utf-8", "replace"))
    where = f"column {column}" if line_number == 1 else f"line {line_number}, column {column}"
    carets = " " * (column - 1) + "^" * max(1, end - column + 1)
    return where, f"  {line}\n  {carets}"


def _report_expression_error(error):
    message = str(error)
    if error.node is not None and error.text and hasattr(error.node, "lineno"):
        where, picture = _point_at(error.text, error.node)
        message = f"{message} (at {where})\n{picture}\nallowed: {_ALLOWED}"
    _say_error(message)


def main(argv=None):
    """Run the ``chainrule`` command with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Returns:
        int: 0 on success, 1 for a maths or file error, 2 for a usage error.
    """
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    # Options may come between NAME=VALUE arguments (intermixed), but argparse's
    # intermixed parsing mishandles '--', so after a '--' the plain parse is used.
    parse = parser.parse_args if "--" in argv else parser.parse_intermixed_args
    parser.hint = _dash_hint(argv)
    try:
        arguments = parse(argv)
    except SystemExit as stop:      # --help, or argparse's own usage error (already printed)
        return stop.code if isinstance(stop.code, int) else 2
    if arguments.markdown and not arguments.explain:
        _say_error("--markdown applies to --explain VAR only")
        return 2
    if arguments.max_paths < 1:
        _say_error("--max-paths must be at least 1")
        return 2
    if arguments.compare_plot and not arguments.compare:
        _say_error("--compare-plot applies to --compare only")
        return 2
    if arguments.quiz_file is not None:
        if arguments.expression is not None:
            _say_error("--quiz-file holds the expressions: give no expression with it")
            return 2
        return _quiz_file(parser, arguments.quiz_file)
    if arguments.expression is None:
        parser.print_usage(sys.stderr)
        _say_error("the following arguments are required: expression")
        return 2
    return _run(arguments)


def _run(arguments, quizzes=None):
    """Build the graph of the parsed arguments and report on it; return the exit status.

    ``quizzes``, a list, receives the quiz of a ``--quiz`` run.
    """
    text = arguments.expression.strip()
    try:
        tree, names = parse_expression(text)
        values = _parse_assignments(arguments.assignments, names)
    except ExpressionError as error:
        _report_expression_error(error)
        return 2
    if arguments.name in names:
        _say_error(f"--name {arguments.name} is also a variable of the expression; "
                   f"choose another name")
        return 2
    if arguments.explain is not None and arguments.explain not in names:
        _say_error(f"--explain {arguments.explain}: not a variable of the expression "
                   f"(its variables: {', '.join(names) or 'none'})")
        return 2

    variables = {name: Value(values[name], name) for name in names}
    try:
        root = evaluate(tree, variables)
    except ExpressionError as error:
        error.text = text
        _report_expression_error(error)
        return 2
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        _say_error(f"cannot evaluate {text}: {error}")
        return 1
    if root.parents:        # a bare variable keeps its own name
        root.named(arguments.name)
    status = _report(arguments, text, names, variables, root, quizzes)
    if arguments.compare:
        status = max(status, _compare(arguments, tree, text, variables))
    return status


def _compare(arguments, tree, text, variables):
    """--compare: symbolic, numerical and automatic derivatives (demos.compare; SymPy is optional)."""
    try:
        from demos.compare import compare_expression
        import sympy  # noqa: F401  (only to say clearly that it is missing)
    except ModuleNotFoundError as error:
        _say_error(f"--compare needs SymPy: pip install 'chainrule[demos]' ({error})")
        return 1
    print()
    return compare_expression(tree, text, variables, arguments.name, arguments.compare_plot)


def _report(arguments, text, names, variables, root, quizzes=None):
    """Print the value, the gradients and whatever the flags ask for; write the files.

    Everything printed or written reads one record of the backward pass.
    With ``--quiz`` the learner predicts the steps first: the gradients are
    printed after the quiz.
    """
    name = arguments.name
    rec = record(root)
    # The graph is new, so one backward() gives the record's gradients; after it the
    # variables' .grad agree with what explain() checks.
    root.backward()
    at = ", ".join(f"{n} = {format_number(variables[n].data)}" for n in names)
    print(f"{name} = {text} = {format_number(root.data)}" + (f"   at {at}" if at else ""))
    if arguments.quiz:
        quiz = _quiz(rec)
        if quizzes is not None:
            quizzes.append(quiz)
        print()
    if not names:
        print("(no variables, so no gradients)")
    for n in names:
        print(f"{d(name, n)} = {format_number(rec.grads[variables[n]])}")

    if arguments.torch:
        from ..torch_bridge import to_torch_code
        print()
        print(to_torch_code(root), end="")
    if arguments.tree:
        from .tree import text_tree
        print()
        print(text_tree(rec))
    if arguments.steps:
        from .stepper import sentence
        from .text import glossary, node_names
        node_name = node_names(rec.order)
        print()
        print(f"The backward pass, one edge at a time ({rec.n_steps} steps):")
        for number, update in enumerate(rec.steps, 1):
            print(f"{number:>{len(str(rec.n_steps))}}. "
                  f"{sentence(update, node_name, node_name[root])}")
        for line in glossary(rec.order, node_name):
            print(f"({line})")
    if arguments.explain is not None:
        print()
        print(explain(root, variables[arguments.explain],
                      format="markdown" if arguments.markdown else "text",
                      max_paths=arguments.max_paths))

    status = 0
    if arguments.svg:
        from .draw import save_svg
        status = max(status, _write_file("--svg", arguments.svg,
                                         lambda: save_svg(rec, arguments.svg)))
    if arguments.html:
        from .page import write_html
        status = max(status, _write_file("--html", arguments.html, lambda: write_html(
            rec, arguments.html, title=f"{name} = {text}", quiz=arguments.quiz)))
    return status


# --- predict, then reveal ------------------------------------------------------------

def _quiz(rec):
    """Quiz the learner on every step of ``rec``, answers read from standard input; return the Quiz."""
    from .quiz import TOLERANCE, Quiz, play
    from .text import expression_of
    quiz = Quiz(rec)
    computed = [node for node in rec.order if node.parents]
    print("the forward pass: " + ", ".join(
        f"{quiz.names[node]} = {format_number(node.data)}" if quiz.names[node] ==
        expression_of(node, quiz.names) else
        f"{quiz.names[node]} = {expression_of(node, quiz.names)} = {format_number(node.data)}"
        for node in computed))
    print("Predict each step of the backward pass: first the local derivative, then the "
          "parent's gradient after the step.")
    print(f"Answers are numbers or arithmetic such as 2*3, right within "
          f"{format_number(TOLERANCE)} (or {format_number(TOLERANCE * 100)}% of a value past 1); "
          f"an empty answer reveals the step.")
    stdin = sys.stdin
    echo = not stdin.isatty()        # answers piped in: show them, so the transcript reads

    def read(prompt):
        print(prompt, end="", flush=True)
        line = stdin.readline()
        if not line:
            print()
            return None
        if echo:
            print(line.rstrip("\n"))
        return line.rstrip("\n")

    print(play(quiz, read, print))
    return quiz


def _quiz_file(parser, path):
    """Quiz every exercise of a teacher's file in turn; print the total. Returns the exit status.

    Each line not blank and not starting with ``#`` is an exercise written as
    on the command line, its expression quoted: ``"3*(a + b*c)" a=5 b=3 c=2``;
    ``--name J`` may follow.
    """
    import shlex
    try:
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
    except OSError as error:
        _say_error(f"--quiz-file: cannot read {path}: {error.strerror or error}")
        return 1
    exercises = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            argv = shlex.split(line)
            arguments = parser.parse_intermixed_args(argv + ["--quiz"])
        except (ValueError, SystemExit) as error:
            _say_error(f"--quiz-file {path}, line {number}: not an exercise ({error}): {line}")
            return 2
        if arguments.expression is None:
            _say_error(f"--quiz-file {path}, line {number}: no expression: {line}")
            return 2
        exercises.append((number, arguments))
    if not exercises:
        _say_error(f"--quiz-file {path}: no exercises in it")
        return 2
    quizzes = []
    status = 0
    for count, (number, arguments) in enumerate(exercises, start=1):
        print(f"=== exercise {count} of {len(exercises)} (line {number}) ===")
        status = max(status, _run(arguments, quizzes))
        print()
    right = sum(quiz.score()[0] for quiz in quizzes)
    asked = sum(quiz.score()[1] for quiz in quizzes)
    print(f"=== total: {right} of {asked} right over {len(quizzes)} "
          f"exercise{'s' if len(quizzes) != 1 else ''} ===")
    return status


def _write_file(flag, path, write):
    """Run ``write()``; print where it wrote, or one line saying why it could not. Returns the status."""
    from .draw import DotNotFoundError, GraphTooLargeError
    try:
        written = write()
    except (DotNotFoundError, GraphTooLargeError) as error:
        _say_error(f"{flag}: {error}")
        return 1
    except OSError as error:
        _say_error(f"{flag}: cannot write {path}: {error.strerror or error}")
        return 1
    print(f"wrote {written}")
    return 0
