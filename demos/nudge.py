"""Derivatives by nudging: a², a³ and ln a at a = 2, estimated from a small nudge and checked against backward().

From the lecture notes, ``../shared/seeds/002_*`` ("Derivatives"): nudge a
from 2 to 2.001 and f(a) moves by about f'(a) times the nudge, so
d(a²)/da = 4, d(a³)/da = 12 and d(ln a)/da = 0.5 at a = 2.  The notes'
nudge is one-sided, (f(a + h) - f(a)) / h, whose error shrinks like h;
``autograd.numerical_grad`` uses the central difference
(f(a + h) - f(a - h)) / 2h, whose error shrinks like h².  backward() gives
the exact derivative from the rules in ``autograd/ops.py``.

Run it with ``python -m demos.nudge`` (``--a`` and ``--h`` change the point and the nudge).
"""

import argparse
from collections import namedtuple

from autograd import Value, numerical_grad

from ._common import heading, say

__all__ = ["FUNCTIONS", "NudgeRow", "nudge_table", "show", "main"]

# (name, function of a Value, the derivative rule as the notes write it)
FUNCTIONS = (
    ("a²", lambda a: a ** 2, "2a"),
    ("a³", lambda a: a ** 3, "3a²"),
    ("ln a", lambda a: a.log(), "1/a"),
)

NudgeRow = namedtuple("NudgeRow", "name rule value nudged_value one_sided central backward")
NudgeRow.__doc__ = """One function's derivative three ways.

Fields: name and rule (str); value = f(a) and nudged_value = f(a + h);
one_sided = (f(a + h) - f(a)) / h, the notes' nudge; central, from
``numerical_grad``; backward, the engine's a.grad (all floats).
"""


def nudge_table(a=2.0, h=0.001):
    """Estimate each function's derivative at ``a`` by nudging, and compute it with backward().

    Args:
        a: the point (the notes use 2).
        h: the nudge (the notes use 0.001).

    Returns:
        list of :class:`NudgeRow`, one per entry of FUNCTIONS.

    >>> [round(row.backward, 12) for row in nudge_table()]
    [4.0, 12.0, 0.5]
    """
    rows = []
    for name, f, rule in FUNCTIONS:
        value = f(Value(a)).data
        nudged_value = f(Value(a + h)).data
        leaf = Value(a, "a")
        f(leaf).backward()
        central, = numerical_grad(f, [a], h)
        rows.append(NudgeRow(name, rule, value, nudged_value, (nudged_value - value) / h,
                             central, leaf.grad))
    return rows


def show(a=2.0, h=0.001):
    """Print, for each function, the nudge, the two estimates and backward()'s answer."""
    say(f"A derivative says how much f(a) moves when a is nudged: nudge a from {a:g} "
        f"to {a + h:g} and f moves by about f'(a) × {h:g}.")
    for row in nudge_table(a, h):
        heading(f"f(a) = {row.name}")
        print(f"  f({a:g}) = {row.value:.7g} and f({a + h:g}) = {row.nudged_value:.7g}: "
              f"f went up {row.nudged_value - row.value:.6g}")
        estimates = (("one-sided nudge (f(a + h) - f(a)) / h", row.one_sided),
                     ("central difference (numerical_grad)", row.central),
                     (f"backward() (the rule {row.rule})", row.backward))
        for label, estimate in estimates:
            print(f"  {label:<39} = {estimate:.6f}")
    print()
    say("The one-sided nudge errs by about h·f''(a)/2, the central difference only by "
        "about h²·f'''(a)/6, and backward() applies the exact rule.")
    if (a, h) == (2.0, 0.001):
        square_at_5 = (Value(5.001) ** 2).data
        cube = nudge_table(a, h)[1]
        print()
        say(f"Two slips in the notes: they give a² at a = 5.001 as 25.001; it is "
            f"{square_at_5:.6f}, up 0.010001, ten times the nudge as d(a²)/da = 10 says. And "
            f"for a³ they say f goes up by 1.2; it goes up {cube.nudged_value - cube.value:.6f}, "
            "about 0.012: the slope 12 times the nudge 0.001.")


def main(argv=None):
    """Command line: ``python -m demos.nudge [--a 2] [--h 0.001]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.nudge", description=__doc__.splitlines()[0])
    parser.add_argument("--a", type=float, default=2.0, help="the point (default 2, as in the notes)")
    parser.add_argument("--h", type=float, default=0.001, help="the nudge (default 0.001)")
    args = parser.parse_args(argv)
    if args.a <= 0:
        parser.error("--a must be positive: ln a is defined only for a > 0")
    if args.h <= 0:
        parser.error("--h must be positive")
    show(args.a, args.h)


if __name__ == "__main__":
    main()
