"""The three ways to differentiate, side by side: symbolic (SymPy), numerical (finite differences), automatic.

The notes (``../shared/seeds/003_*``) set automatic differentiation apart from
symbolic differentiation, which "can become too complex in a large network",
and numerical differentiation, which is "not very accurate".  This demo
measures both claims:

1. **Symbolic.**  SymPy differentiates tanh(tanh(…(x))) of growing depth.
   Written out as one expression, the derivative repeats every inner
   tanh in every factor, so its size (``sympy.count_ops``) grows with
   the square of the depth, and the second derivative's with the cube.
   The graph grows by one node per tanh, and its backward pass by one
   multiply-add.
2. **Numerical.**  The one-sided nudge (f(x + h) − f(x))/h of the notes errs
   by about h·|f″|/2 (truncation), the central difference
   (f(x + h) − f(x − h))/2h by about h²·|f‴|/6; both also divide the
   rounding error of f (about 10⁻¹⁶·|f|) by h.  On a log–log plot of error
   against h, the error falls as h shrinks, then rises again.
3. **Automatic.**  ``backward()`` applies the exact local derivatives: its
   error is that of rounding, about 10⁻¹⁶.

The exact value the errors are measured against is SymPy's derivative,
evaluated with 50 digits at the very float the engine was given.

Run it with ``python -m demos.compare`` (``--out DIR`` for the plot).  The
command line does the same for any expression: ``chainrule "tanh(tanh(x))" x=0.5 --compare``.
"""

import argparse
import ast
import os
from collections import namedtuple

from autograd import Value, no_grad, topological_order
from autograd.higher import grad

from ._common import DEFAULT_OUT_DIR, heading, require, save_figure, say

__all__ = ["to_sympy", "sympy_functions", "SwellRow", "swell_table", "DifferenceRow",
           "finite_differences", "exact_derivative", "plot_errors", "compare_expression",
           "show", "main", "STEPS"]

DIGITS = 50
"""Digits SymPy evaluates the exact derivative with."""

STEPS = [10.0 ** (-k / 4) for k in range(0, 61)]
"""The nudges h: from 1 down to 10⁻¹⁵, four per decade."""


def _sympy():
    return require("sympy", "symbolic differentiation")


def _piecewise_linear(sp, slope):
    # The engine's kink convention (the subgradient at 0 is the left slope) is
    # what Piecewise gives: its second branch covers x <= 0.
    return lambda x, *extra: sp.Piecewise((x, x > 0), ((extra[0] if extra else slope) * x, True))


def sympy_functions():
    """The functions a ``chainrule`` expression may call, as SymPy functions (dict name -> callable).

    A function is a SymPy builder here because SymPy is not a row of the
    engine's table; tests check that every function of the command line has one.
    """
    sp = _sympy()
    return {
        "exp": sp.exp,
        "log": sp.log,
        "tanh": sp.tanh,
        "sigmoid": lambda x: 1 / (1 + sp.exp(-x)),
        # relu(x, 0.5) sets ReLU'(0), not a slope: the function is max(0, x) either way.
        "relu": lambda x, *grad_at_zero: sp.Piecewise((x, x > 0), (0, True)),
        "leaky_relu": _piecewise_linear(sp, sp.Rational(1, 100)),
        "softplus": lambda x: sp.log(1 + sp.exp(x)),
        "step": lambda x: sp.Piecewise((1, x > 0), (0, True)),
        "max": sp.Max,
        "min": sp.Min,
        "abs": sp.Abs,
    }


def _exact_number(sp, number):
    """A number from the expression as an exact SymPy number (0.1 is 1/10, 3 is 3)."""
    return sp.Rational(repr(float(number)))


def to_sympy(tree, symbols):
    """The SymPy expression of a tree checked by ``autograd.views.cli.parse_expression``.

    The tree holds only numbers, variables, ``+ - * / **``, unary ``-``/``+``
    and calls of the command line's functions, so each node maps to one SymPy
    operation.  Nothing is evaluated by Python's ``eval``.

    Args:
        tree: an ``ast.Expression``.
        symbols: dict variable name -> ``sympy.Symbol``.

    Returns:
        a SymPy expression.

    >>> import sympy
    >>> from autograd.views.cli import parse_expression
    >>> tree, names = parse_expression("3*(a + b*c)")
    >>> to_sympy(tree, {n: sympy.Symbol(n) for n in names})
    3*a + 3*b*c
    """
    from autograd.views.cli import fold
    sp = _sympy()
    functions = sympy_functions()
    binary = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
              ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
              ast.Pow: lambda a, b: a ** b}
    unary = {ast.USub: lambda a: -a, ast.UAdd: lambda a: a}
    def visit(node, arguments):
        kind = type(node)
        if kind is ast.Constant:
            return _exact_number(sp, node.value)
        if kind is ast.Name:
            return symbols[node.id]
        if kind is ast.BinOp:
            return binary[type(node.op)](*arguments)
        if kind is ast.UnaryOp:
            return unary[type(node.op)](*arguments)
        return functions[node.func.id](*arguments)

    return fold(tree, visit)


def exact_derivative(derivative, symbols, point):
    """A SymPy derivative evaluated with DIGITS digits at the exact float values of ``point`` (a SymPy Float)."""
    sp = _sympy()
    at = {symbols[name]: sp.Float(value, DIGITS) for name, value in point.items()}
    return derivative.subs(at).evalf(DIGITS)


# --- 1. the expression swells, the graph does not ------------------------------------------

SwellRow = namedtuple("SwellRow", "depth f_ops first_ops second_ops first_chars graph_nodes "
                                  "gradient_nodes multiply_adds")
SwellRow.__doc__ = """One depth of tanh(tanh(…(x))): SymPy's operation counts (count_ops) of f, f′ and f″
and the length of f′ written out; the graph's nodes for f, for f′ built with
create_graph=True, and the multiply-adds of f's backward pass (one per edge)."""


def _tanh_chain(x, depth):
    for _ in range(depth):
        x = x.tanh()
    return x


def swell_table(depths=(1, 2, 4, 8, 16, 32), second_up_to=16):
    """Measure the symbolic derivative's size against the graph's, for each depth.

    Args:
        depths: the chain depths.
        second_up_to: take f″ with SymPy only up to this depth (it grows as the cube).

    Returns:
        list of :class:`SwellRow` (``second_ops`` is None beyond ``second_up_to``).
    """
    sp = _sympy()
    x = sp.Symbol("x", real=True)   # real: SymPy's assumption queries on complex tanh nests are slow
    rows = []
    for depth in depths:
        f = x
        for _ in range(depth):
            f = sp.tanh(f)
        first = sp.diff(f, x)
        second = sp.diff(first, x) if depth <= second_up_to else None
        leaf = Value(0.5, "x")
        out = _tanh_chain(leaf, depth)
        order = topological_order(out)
        slope = grad(out, leaf, create_graph=True)
        rows.append(SwellRow(depth, sp.count_ops(f), sp.count_ops(first),
                             None if second is None else sp.count_ops(second),
                             len(str(first)), len(order), len(topological_order(slope)),
                             sum(len(node.parents) for node in order)))
    return rows


# --- 2. finite differences against h --------------------------------------------------------

DifferenceRow = namedtuple("DifferenceRow", "h one_sided central one_sided_error central_error")
DifferenceRow.__doc__ = """One nudge h: the one-sided and central estimates and their errors (floats)."""


def finite_differences(f, x, exact, steps=STEPS):
    """Estimate f′(x) by the one-sided and the central difference for each h in ``steps``.

    Args:
        f: a function of one Value returning a Value.
        x: the point (float).
        exact: the true derivative (float), to measure the errors against.
        steps: the nudges h.

    Returns:
        list of :class:`DifferenceRow`.

    >>> rows = finite_differences(lambda v: v * v, 3.0, 6.0, steps=[0.5])
    >>> rows[0].one_sided, rows[0].central
    (6.5, 6.0)
    """
    def at(point):
        with no_grad():
            return f(Value(point)).data

    here = at(x)
    rows = []
    for h in steps:
        one_sided = (at(x + h) - here) / h
        central = (at(x + h) - at(x - h)) / (2 * h)
        rows.append(DifferenceRow(h, one_sided, central, abs(one_sided - exact),
                                  abs(central - exact)))
    return rows


def plot_errors(rows, automatic_error, path, title, notes_h=0.001):
    """Plot the finite differences' errors against h on log–log axes into a PNG; return the path.

    Errors of exactly 0 cannot sit on a log axis; they are drawn at 10⁻¹⁸ and
    the legend says so.
    """
    matplotlib = require("matplotlib", "plotting errors against h")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    floor = 1e-18
    hs = [row.h for row in rows]
    figure, axes = plt.subplots(figsize=(8, 5.2))
    axes.loglog(hs, [max(row.one_sided_error, floor) for row in rows], "o-", markersize=3,
                label="one-sided (f(x+h) − f(x))/h, the notes' nudge")
    axes.loglog(hs, [max(row.central_error, floor) for row in rows], "s-", markersize=3,
                label="central (f(x+h) − f(x−h))/2h")
    shown = max(automatic_error, floor)
    axes.axhline(shown, color="#2ca02c", linestyle="--",
                 label=(f"automatic (backward()): error {automatic_error:.1e}" if automatic_error
                        else "automatic (backward()): error 0 (drawn at 1e-18)"))
    axes.axvline(notes_h, color="#999999", linewidth=0.8, linestyle=":")
    axes.text(notes_h * 1.3, 1e-14, f"the notes' h = {notes_h:g}", fontsize=8, color="#555555")
    axes.set_xlabel("h (the nudge)")
    axes.set_ylabel("|estimate − exact derivative|")
    axes.set_title(title, fontsize=10)
    axes.text(0.98, 0.12, "right of the dip: truncation error (∝ h, ∝ h²)\n"
                          "left of the dip: rounding error (∝ 1/h)",
              transform=axes.transAxes, ha="right", va="bottom", fontsize=8, color="#555555")
    axes.legend(loc="upper center", fontsize=8)
    axes.grid(True, which="major", linewidth=0.3)
    figure.tight_layout()
    return save_figure(figure, path, dpi=110)


def _print_differences(rows, every=4):
    print(f"  {'h':>8}  {'one-sided':>22} {'its error':>9}  {'central':>22} {'its error':>9}")
    for row in rows[::every]:
        print(f"  {row.h:8.0e}  {row.one_sided:22.16f} {row.one_sided_error:9.1e}  "
              f"{row.central:22.16f} {row.central_error:9.1e}")
    best_one = min(rows, key=lambda row: row.one_sided_error)
    best_central = min(rows, key=lambda row: row.central_error)
    print(f"  smallest errors: one-sided {best_one.one_sided_error:.1e} at h = {best_one.h:.0e}, "
          f"central {best_central.central_error:.1e} at h = {best_central.h:.0e}")


# --- the command line's --compare -------------------------------------------------------------

def compare_expression(tree, text, variables, name="f", plot_path=None):
    """``chainrule EXPRESSION ... --compare``: the three ways to differentiate one expression.

    For each variable: SymPy's derivative and its size, the finite
    differences against h (the other variables held still), and the
    gradient that ``backward()`` left in the variable, each measured against
    SymPy's derivative evaluated with 50 digits.

    Args:
        tree: the expression's ``ast.Expression`` (checked by ``parse_expression``).
        text: the expression as typed.
        variables: dict name -> Value, after ``backward()`` (their ``grad`` is read).
        name: the expression's name, as in dNAME/da.
        plot_path: where to write the log–log plot of the errors (one PNG per
            variable, the name inserted before the extension), or None.

    Returns:
        int: 0, or 1 if a plot cannot be written.
    """
    from autograd.views.cli import evaluate
    sp = _sympy()
    symbols = {n: sp.Symbol(n, real=True) for n in variables}
    expression = to_sympy(tree, symbols)
    point = {n: v.data for n, v in variables.items()}
    nodes = len(topological_order(evaluate(tree, {n: Value(x) for n, x in point.items()})))
    print(f"The three ways to differentiate {name} = {text}")
    print(f"  SymPy's {name}: {expression}   ({sp.count_ops(expression)} operations; "
          f"the graph has {nodes} nodes)")
    status = 0
    for n, variable in variables.items():
        derivative = sp.diff(expression, symbols[n])
        exact = exact_derivative(derivative, symbols, point)
        heading(f"d{name}/d{n}")
        print(f"  symbolic (SymPy): {derivative}")
        print(f"    {sp.count_ops(derivative)} operations written out; "
              f"exact value {sp.N(exact, 20)}")

        def along(v, n=n):
            return evaluate(tree, {m: (v if m == n else Value(x)) for m, x in point.items()})

        rows = finite_differences(along, point[n], float(exact))
        print("  numerical (finite differences):")
        _print_differences(rows, every=8)
        automatic_error = abs(variable.grad - float(exact))
        print(f"  automatic (backward()): {variable.grad!r}, error {automatic_error:.1e}")
        if plot_path:
            root, extension = os.path.splitext(plot_path)
            path = f"{root}-{n}{extension or '.png'}" if len(variables) > 1 else plot_path
            try:
                print(f"  wrote {plot_errors(rows, automatic_error, path, f'd{name}/d{n} of {text}')}")
            except OSError as error:
                print(f"  cannot write {path}: {error.strerror or error}")
                status = 1
    return status


# --- the demo ------------------------------------------------------------------------------------

def show(out_dir=DEFAULT_OUT_DIR, depth=3, x=0.5):
    """Print the swell table, the finite differences against h, and the automatic derivative; write the plot."""
    sp = _sympy()
    heading("1. Symbolic: the derivative of tanh(tanh(…(x))) written out, against the graph")
    print("  | depth | SymPy: ops in f | ops in f′ | ops in f″ | f′ written out (chars) "
          "| graph: nodes of f | nodes of f′ (create_graph) | backward multiply-adds |")
    print("  |---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in swell_table():
        second = "—" if row.second_ops is None else f"{row.second_ops:,}"
        print(f"  | {row.depth} | {row.f_ops} | {row.first_ops:,} | {second} "
              f"| {row.first_chars:,} | {row.graph_nodes} | {row.gradient_nodes} "
              f"| {row.multiply_adds} |")
    say("Written out as one formula, f′ repeats every inner tanh inside every factor of the "
        "chain rule, so it grows as the square of the depth and f″ as the cube. The graph "
        "shares each inner value: one node per tanh, one multiply-add per edge in the "
        "backward pass, and the graph of f′ also grows by a fixed number of nodes per tanh.",
        indent="  ")

    heading(f"2. Numerical: nudging x in tanh applied {depth} times, at x = {x:g}")
    symbol = sp.Symbol("x", real=True)
    f = symbol
    for _ in range(depth):
        f = sp.tanh(f)
    exact = float(exact_derivative(sp.diff(f, symbol), {"x": symbol}, {"x": x}))
    print(f"  the exact derivative (SymPy, {DIGITS} digits): {exact!r}")
    rows = finite_differences(lambda v: _tanh_chain(v, depth), x, exact)
    _print_differences(rows)
    say("Large h: the truncation error, about h·|f″|/2 for the one-sided nudge and h²·|f‴|/6 "
        "for the central difference, falls as h shrinks (slopes 1 and 2 on the plot). Small h: "
        "f(x + h) − f(x) cancels all but a few of its digits, and the rounding error, about "
        "10⁻¹⁶/h, rises again.", indent="  ")

    heading("3. Automatic: backward()")
    leaf = Value(x, "x")
    _tanh_chain(leaf, depth).backward()
    automatic_error = abs(leaf.grad - exact)
    print(f"  x.grad = {leaf.grad!r}, error {automatic_error:.1e}: exact to rounding")
    path = plot_errors(rows, automatic_error, os.path.join(out_dir, "finite-differences.png"),
                       f"d/dx of tanh applied {depth} times, at x = {x:g}: "
                       f"the error of each estimate against h")
    print(f"  plot: {path}")


def main(argv=None):
    """Command line: ``python -m demos.compare [--out DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.compare",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT_DIR,
                        help=f"folder for the plot (default {DEFAULT_OUT_DIR}/)")
    args = parser.parse_args(argv)
    show(args.out)


if __name__ == "__main__":
    main()
