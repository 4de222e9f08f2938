"""Derivatives of derivatives: Newton's method beside gradient descent, and tanh with its derivatives to the 4th order.

Gradient descent steps against the slope, x ← x − lr·f'(x), and needs a
learning rate small enough for the steepest part of f.  Newton's method
divides by the curvature instead, x ← x − f'(x)/f''(x) (in 2-D, x ← x − H⁻¹∇f
with H the Hessian), and near the minimum it doubles the correct digits every
step.  The second derivatives come from the engine: the gradient is taken
with ``create_graph=True``, so it is a Value whose graph is the backward pass,
and differentiating it again gives f''  (``autograd.higher``).

The picture is the one in HIPS autograd's README: tanh and its first four
derivatives, each the derivative of the one before.  With ``--svg`` the demo
also writes the graph of d tanh(x)/dx: the backward pass as its own
computation graph.

Run it with ``python -m demos.newton`` (``--out DIR`` for the pictures).
"""

import argparse
import math
import os

from autograd import Value
from autograd.higher import derivatives, grad, hessian

from ._common import DEFAULT_OUT_DIR, heading, require, save_figure, say

__all__ = ["quartic", "valley", "newton_1d", "descent_1d", "newton_2d", "descent_2d",
           "tanh_derivatives", "plot_tanh_derivatives", "save_gradient_graph", "show", "main"]

TOLERANCE = 1e-10
"""Both methods stop when the gradient's size falls below this."""


def quartic(x):
    """f(x) = x⁴ − 3x + 2: one minimum, at x = (3/4)^(1/3) ≈ 0.908560."""
    return x ** 4 - 3 * x + 2


def valley(x, y):
    """Rosenbrock's banana valley f(x, y) = (1 − x)² + 100(y − x²)²: its minimum is 0, at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


# --- both methods, in 1-D and 2-D -------------------------------------------------------

def _walk(point, measure, step, max_steps):
    """The loop every method here shares: measure, stop once the gradient is small, else step.

    Args:
        point: the start (a float, or a list of two floats).
        measure: point -> (f, gradient), the gradient a float or a tuple.
        step: (point, gradient) -> the next point.
        max_steps: the most steps to take.

    Returns:
        list of (point, f, size of the gradient) tuples, one per point visited, the start first.
    """
    path = []
    for _ in range(max_steps + 1):
        value, gradient = measure(point)
        size = math.hypot(*gradient) if isinstance(gradient, tuple) else abs(gradient)
        path.append((tuple(point) if isinstance(point, list) else point, value, size))
        if size < TOLERANCE:
            break
        point = step(point, gradient)
    return path


def _measure(f):
    """point -> (f, gradient) by one backward sweep, for a function of one or two Values."""
    def measure(point):
        leaves = [Value(x) for x in point] if isinstance(point, list) else [Value(point)]
        out = f(*leaves)
        gradient = grad(out, leaves)
        return out.data, (tuple(gradient) if isinstance(point, list) else gradient[0])
    return measure


def newton_1d(f, x, max_steps=50):
    """Newton's method on a function of one Value, x ← x − f′(x)/f″(x), until |f′(x)| < TOLERANCE.

    f″ is the derivative of f′, taken with create_graph=True (:func:`autograd.higher.derivatives`).

    Returns:
        list of (x, f(x), |f′(x)|) tuples, one per point visited, the start first.
    """
    def step(x, slope):
        return x - slope / derivatives(f, x, 2)[2]
    return _walk(x, _measure(f), step, max_steps)


def descent_1d(f, x, learning_rate, max_steps):
    """Gradient descent on a function of one Value, x ← x − lr·f′(x), until |f′(x)| < TOLERANCE.

    Returns:
        list of (x, f(x), |f′(x)|) tuples, one per point visited, the start first.
    """
    return _walk(x, _measure(f), lambda x, slope: x - learning_rate * slope, max_steps)


def newton_2d(f, point, max_steps=50):
    """Newton's method on a function of two Values: point ← point − H⁻¹∇f, until |∇f| < TOLERANCE.

    The Hessian H comes from :func:`autograd.higher.hessian`; the 2 × 2
    system H·step = ∇f is solved by Cramer's rule.

    Returns:
        list of ((x, y), f, |∇f|) tuples, one per point visited, the start first.
    """
    def step(point, gradient):
        (gx, gy), ((hxx, hxy), (hyx, hyy)) = gradient, hessian(f, point)
        determinant = hxx * hyy - hxy * hyx
        return [point[0] - (hyy * gx - hxy * gy) / determinant,
                point[1] - (hxx * gy - hyx * gx) / determinant]
    return _walk(list(point), _measure(f), step, max_steps)


def descent_2d(f, point, learning_rate, max_steps):
    """Gradient descent on a function of two Values, until |∇f| < TOLERANCE or max_steps.

    Returns:
        list of ((x, y), f, |∇f|) tuples, one per point visited, the start first.
    """
    def step(point, gradient):
        return [x - learning_rate * g for x, g in zip(point, gradient)]
    return _walk(list(point), _measure(f), step, max_steps)


# --- tanh and its derivatives ------------------------------------------------------------

def tanh_derivatives(xs, order=4):
    """tanh and its derivatives up to ``order`` at each x: a list of order + 1 lists of floats.

    >>> [round(row[0], 6) + 0.0 for row in tanh_derivatives([0.0], order=3)]   # + 0.0: no -0.0
    [0.0, 1.0, 0.0, -2.0]
    """
    columns = [derivatives(lambda v: v.tanh(), x, order) for x in xs]
    return [list(row) for row in zip(*columns)]


def plot_tanh_derivatives(path, order=4):
    """Plot tanh and its first ``order`` derivatives on [-7, 7] into a PNG at ``path``; return path."""
    matplotlib = require("matplotlib", "plotting tanh's derivatives")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    xs = [-7 + 14 * i / 400 for i in range(401)]
    names = ["tanh x", "1st derivative", "2nd derivative", "3rd derivative", "4th derivative"]
    figure, axes = plt.subplots(figsize=(8, 5))
    for k, ys in enumerate(tanh_derivatives(xs, order)):
        axes.plot(xs, ys, label=names[k] if k < len(names) else f"{k}th derivative",
                  linewidth=2 if k == 0 else 1.3)
    axes.axhline(0, color="#999999", linewidth=0.6)
    axes.set_xlabel("x")
    axes.set_title("tanh and its derivatives, each the gradient of the one before "
                   "(create_graph=True)", fontsize=10)
    axes.legend(loc="upper left", fontsize=9)
    figure.tight_layout()
    return save_figure(figure, path, dpi=110)


def save_gradient_graph(path, x=0.5):
    """Draw the graph of d tanh(x)/dx, taken with create_graph=True, as an SVG at ``path``; return it."""
    from autograd.views import draw   # needs Graphviz; the rest of the demo does not
    leaf = Value(x, "x")
    out = leaf.tanh().named("tanh x")
    slope = grad(out, leaf, create_graph=True).named("d tanh/dx")
    draw.save_svg(slope, path, title="d tanh(x)/dx = (1 − tanh²x)·1: the backward pass as a graph")
    return path


def _eigenvalues_2x2(matrix):
    """The two eigenvalues of a symmetric 2 × 2 matrix, larger first: (tr ± √(tr² − 4·det)) / 2."""
    (a, b), (_, d) = matrix
    trace, determinant = a + d, a * d - b * b
    root = (trace * trace - 4 * determinant) ** 0.5
    return (trace + root) / 2, (trace - root) / 2


# --- the story ----------------------------------------------------------------------------

def _print_1d(newton, descent, learning_rate, rows=8):
    print(f"  {'step':>4}  {'Newton: x':>20} {'|f′(x)|':>11}   "
          f"{f'gradient descent (lr {learning_rate:g}): x':>32} {'|f′(x)|':>11}")
    for step in range(rows):
        left = (f"{newton[step][0]:20.15f} {newton[step][2]:11.2e}" if step < len(newton)
                else f"{'(done)':>20} {'':>11}")
        right = f"{descent[step][0]:32.15f} {descent[step][2]:11.2e}"
        print(f"  {step:>4}  {left}   {right}")


def _print_2d(newton, descent, learning_rate, rows=8):
    print(f"  {'step':>4}  {'Newton: (x, y)':>26} {'|∇f|':>9}   "
          f"{f'gradient descent (lr {learning_rate:g}): (x, y)':>42} {'|∇f|':>9}")
    for step in range(rows):
        if step < len(newton):
            (x, y), _, size = newton[step]
            left = f"({x:11.8f}, {y:11.8f}) {size:9.1e}"
        else:
            left = f"{'(done)':>26} {'':>9}"
        (x, y), _, size = descent[step]
        print(f"  {step:>4}  {left}   {f'({x:11.8f}, {y:11.8f})':>42} {size:9.1e}")


def _steps_taken(path, max_steps):
    steps = len(path) - 1
    if path[-1][2] < TOLERANCE:
        return f"{steps:,} steps"
    return f"not there after {max_steps:,} steps (gradient still {path[-1][2]:.1e})"


def show(out_dir=DEFAULT_OUT_DIR, svg=False):
    """Print both methods on both functions, plot tanh's derivatives, and say where the files are."""
    say("Newton's method divides the slope by the curvature: x ← x − f′(x)/f″(x). The engine "
        "gives f″ by differentiating f′, which create_graph=True records as a graph of Values.")

    heading("1-D: f(x) = x⁴ − 3x + 2, from x = 2")
    learning_rate, max_steps = 0.02, 10_000
    newton = newton_1d(quartic, 2.0)
    descent = descent_1d(quartic, 2.0, learning_rate, max_steps)
    _print_1d(newton, descent, learning_rate)
    print(f"  to |f′(x)| < {TOLERANCE:g}: Newton {_steps_taken(newton, 50)}, "
          f"gradient descent {_steps_taken(descent, max_steps)}")
    print(f"  Newton's last x = {newton[-1][0]:.12f}; the minimum is at (3/4)^(1/3) = "
          f"{0.75 ** (1 / 3):.12f}")

    heading("2-D: Rosenbrock's valley f(x, y) = (1 − x)² + 100(y − x²)², from (−1.2, 1)")
    learning_rate, max_steps = 0.001, 20_000
    newton = newton_2d(valley, [-1.2, 1.0])
    descent = descent_2d(valley, [-1.2, 1.0], learning_rate, max_steps)
    _print_2d(newton, descent, learning_rate)
    print(f"  to |∇f| < {TOLERANCE:g}: Newton {_steps_taken(newton, 50)}, "
          f"gradient descent {_steps_taken(descent, max_steps)}")
    for step in (100, 1_000, 10_000, len(descent) - 1):
        (x, y), value, size = descent[step]
        print(f"  gradient descent at step {step:>6,}: ({x:.6f}, {y:.6f}), f = {value:.2e}, "
              f"|∇f| = {size:.1e}")
    H = hessian(valley, [1.0, 1.0])
    steep, flat = _eigenvalues_2x2(H)
    print(f"  the Hessian at the minimum (1, 1): {H}, curvatures (eigenvalues) "
          f"{steep:.1f} and {flat:.4f}")
    say(f"The valley is steep across (curvature {steep:.0f}) and flat along it ({flat:.2f}), "
        f"so gradient descent needs a learning rate below 2/{steep:.0f} = {2 / steep:.4f} to "
        f"stay stable, and then crawls along the floor. Newton's step uses the Hessian to "
        f"rescale both directions at once.", indent="  ")

    heading("tanh and its derivatives up to the 4th order")
    for x in (0.0, 0.5, 1.0):
        # + 0.0 turns a -0.0 (an odd derivative at 0) into 0.0 for printing
        values = ", ".join(f"{d + 0.0:.6f}" for d in derivatives(lambda v: v.tanh(), x, 4))
        print(f"  at x = {x:g}: tanh, ′, ″, ‴, ⁗ = {values}")
    png = plot_tanh_derivatives(os.path.join(out_dir, "tanh-derivatives.png"))
    print(f"  plot: {png}")
    if svg:
        print(f"  graph of d tanh/dx: {save_gradient_graph(os.path.join(out_dir, 'tanh-gradient-graph.svg'))}")


def main(argv=None):
    """Command line: ``python -m demos.newton [--out DIR] [--svg]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.newton",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT_DIR,
                        help=f"folder for the pictures (default {DEFAULT_OUT_DIR}/)")
    parser.add_argument("--svg", action="store_true",
                        help="also draw the graph of d tanh/dx (needs Graphviz)")
    args = parser.parse_args(argv)
    show(args.out, args.svg)


if __name__ == "__main__":
    main()
