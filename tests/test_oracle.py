"""An exact oracle: random graphs built from the table of operations, every gradient against SymPy's at 50 digits.

Hypothesis draws a graph as a list of steps: each step takes a row of the
table (every row of ``ops.OPS`` and a few of the parametrised ones, so a new
row is covered without editing this file), draws as many parents as the row's
``arity`` says (1 to 5 for an n-ary row) among the leaves and the nodes made so
far (so inputs repeat, ``a * a``, and subexpressions are shared), and applies
it as every operation does (``_apply``).  The same graph is built in SymPy
from each row's ``sympy`` field.  Then, for the last node as the root, every
gradient the backward pass computed, d(root)/d(node) for each leaf and each
intermediate node, is compared with SymPy's exact derivative evaluated at 50
digits.

Where a float is not the real number (log of a negative, 1/0, an overflow, a
slope the engine records as nan or inf), the engine says so and that step is
left out of the graph: those cases are checked by the tests of each row, not
by this oracle.  Kinks and ties (relu, leaky relu, abs at 0, max and min at a
tie) are rows whose SymPy form is a Piecewise with a branch for the kink, so
the documented subgradient is checked too (0 is drawn on purpose); each
Piecewise takes the branch the engine's own comparison took.

Settings: 1000 examples, derandomized; up to 4 leaves and 8 steps; leaves
drawn from ±[1/8, 3] and 0; gradients must agree to 1e-9 relative with a
1e-12 absolute floor.

The central-difference checks (test_ops.py, gradcheck) stay: they test the
rows' floats; this tests the calculus and the sweep exactly.
"""

import math

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd import Value, ops, topological_order
from autograd.value import _apply

ROWS = [*ops.OPS.values(),
        *(ops.power_by(n) for n in (2.0, 3.0, -1.0, 0.5, -1.5)),
        *(ops.leaky_relu_with(slope) for slope in (0.01, 0.2)),
        ops.relu_with(0.5)]
"""Every fixed row of the table, and the parametrised rows with a few parameters."""

MAX_N_ARY_INPUTS = 7
RELATIVE = 1e-9
"""float64 carries 16 digits; a sweep over a few nodes loses a handful at most."""
ABSOLUTE = 1e-12
"""The floor for gradients whose exact value is 0 or tiny."""
DIGITS = 50
WORKING_DIGITS = 70
"""The precision the inputs are given to SymPy with: each float exactly, and room to spare."""

SETTINGS = settings(max_examples=1000, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
"""1000 examples (about 5 s), the same ones on every run (derandomize), so a failure reproduces."""


def _name(row):
    return f"{str(row)!r} ({row.formula}; {row.derivatives[0]})"


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_every_row_has_a_sympy_form(row):
    assert callable(row.sympy), (
        f"the row {_name(row)} has no SymPy form: give its Op a sympy=lambda sp, *inputs: ... "
        f"(its forward rule in SymPy) so that the exact oracle can check it")


# --- drawing a graph -------------------------------------------------------------------------------

# Leaves: magnitudes from 1/8 to 3 with either sign, or exactly 0 (relu's kink).
magnitudes = st.floats(0.125, 3.0, allow_nan=False, allow_infinity=False)
leaf_values = st.one_of(magnitudes, magnitudes.map(lambda m: -m), st.just(0.0))

# A step: which row, and picks for its parents (0 is the newest node, so
# shrinking makes deep chains) and for the number of an n-ary row's parents.
steps = st.tuples(st.integers(0, len(ROWS) - 1),
                  st.lists(st.integers(0, 20), min_size=MAX_N_ARY_INPUTS, max_size=MAX_N_ARY_INPUTS),
                  st.integers(1, MAX_N_ARY_INPUTS))

graphs = st.tuples(st.lists(leaf_values, min_size=1, max_size=4),
                   st.lists(steps, min_size=1, max_size=8))


def build(graph):
    """Make the leaves and apply each step's row, leaving out the steps the engine refuses.

    Returns:
        (nodes, made): every Value, leaves first; and for each node made, in
        order, (its position in ``nodes``, its row, its parents' positions),
        from which the SymPy side is built.  Rejects the example when no
        step could be made.
    """
    leaf_data, step_list = graph
    nodes = [Value(x, f"x{i}") for i, x in enumerate(leaf_data)]
    made = []     # (position of the node, row, positions of its parents)
    for row_index, picks, n_ary_count in step_list:
        row = ROWS[row_index]
        count = row.arity if row.arity is not None else n_ary_count
        positions = [len(nodes) - 1 - pick % len(nodes) for pick in picks[:count]]
        parents = tuple(nodes[p] for p in positions)
        try:
            node = _apply(row, parents)
        except (ValueError, ArithmeticError):
            continue     # outside the row's domain: log of 0, 1/0, an overflow
        except ops.OpRuleError:
            continue     # a count of inputs an n-ary row cannot take (Σw·a+b needs 2n + 1)
        if not math.isfinite(node.data) or not all(map(math.isfinite, node.local_grads)):
            continue     # the engine's documented non-derivatives (nan for a negative base's ln)
        made.append((len(nodes), row, positions))
        nodes.append(node)
    assume(made)
    return nodes, made


def sympy_forms(nodes, made, replaced=None):
    """Each node as a SymPy expression of the leaves' symbols; ``replaced``: (position, symbol) or None.

    With ``replaced``, that node is a free symbol wherever it is used, so that
    differentiating by it gives d(root)/d(node) as the backward pass defines it.
    Each kink is put on the branch the engine took (see :func:`on_its_branch`).
    """
    n_leaves = len(nodes) - len(made)
    forms = list(sp.symbols(f"x0:{n_leaves}", real=True))
    for position, row, parent_positions in made:
        if row.sympy is None:
            pytest.fail(f"the row {_name(row)} has no SymPy form: the oracle cannot check it")
        if replaced is not None and position == replaced[0]:
            forms.append(replaced[1])
            continue
        stand_ins = sp.symbols(f"p0:{len(parent_positions)}", real=True)
        engine_inputs = {symbol: sp.Float(nodes[p].data, WORKING_DIGITS)
                         for symbol, p in zip(stand_ins, parent_positions)}
        form = on_its_branch(row.sympy(sp, *stand_ins), engine_inputs)
        forms.append(form.xreplace({symbol: forms[p] for symbol, p in zip(stand_ins, parent_positions)}))
    return forms


def on_its_branch(form, inputs):
    """Replace each Piecewise in ``form`` by the branch its condition picks for the engine's ``inputs``.

    The branch is chosen as the engine's rule chooses it, from the floats it
    compared (relu's x > 0, max's a > b), so that rounding which puts a float
    on the other side of a kink than the exact value cannot make the two
    sides differentiate different branches; the derivative of the branch is
    then SymPy's, exact.  SymPy differentiates a Piecewise branch by branch
    under the same conditions, so at a kink or a tie this gives the
    subgradient of the branch written for it (relu_with's g·x, max's (a + b)/2).
    Picking the branch also keeps the expressions small, where folding nested
    Piecewise multiplies their branches.
    """
    def branch(piecewise):
        for expression, condition in piecewise.args:
            if condition.xreplace(inputs) == sp.true:
                return expression
        raise AssertionError(f"no branch of {piecewise} holds at {inputs}")

    return sp.sympify(form).replace(lambda e: isinstance(e, sp.Piecewise), branch)


def exact(expression, point, digits=DIGITS):
    """The expression at the point, to 50 digits, or None where it is not a finite real number.

    ``point`` maps symbols to Floats of WORKING_DIGITS: the numbers are put in
    numerically (xreplace), because exact rationals with 2^52 in their
    denominators make SymPy factor huge integers for a fractional power.
    """
    value = sp.sympify(expression).xreplace(point).evalf(digits)
    if not value.is_number or value.has(sp.Piecewise) or not value.is_finite:
        return None            # 0·log 0 and the like: no number to compare with
    if not value.is_real:
        return None
    return value


def test_every_gradient_of_random_graphs_matches_sympy_exactly():
    checked = dict.fromkeys(map(id, ROWS), 0)     # gradients compared through each row (by id:
                                                  # two leaky_relu rows are equal strings)
    sizes = []

    @SETTINGS
    @given(graphs)
    def check(graph):
        nodes, made = build(graph)
        for row in compare_gradients(nodes, made):
            checked[id(row)] += 1
        sizes.append(len(made))

    check()
    # Rejections must not have left a row out: each row's local derivatives
    # took part in gradients that were compared.
    missing = [_name(row) for row in ROWS if not checked[id(row)]]
    assert not missing, f"rows never checked: {missing}"
    assert max(sizes) >= 4, "the graphs drawn were all tiny"


def compare_gradients(nodes, made):
    """Run backward() from the last node and compare every gradient with SymPy's; return the rows checked."""
    root = nodes[-1]
    root.backward()
    leaves = nodes[:len(nodes) - len(made)]
    point = {symbol: sp.Float(leaf.data, WORKING_DIGITS)     # a float converts exactly
             for symbol, leaf in zip(sp.symbols(f"x0:{len(leaves)}", real=True), leaves)}

    # Each node's exact value, where d(root)/d(node) is evaluated.
    forms = sympy_forms(nodes, made)
    exact_data = {}
    for position, _, _ in made:
        value = exact(forms[position], point, WORKING_DIGITS)
        assume(value is not None)
        exact_data[position] = value

    reached = {id(node) for node in topological_order(root)}
    for position, node in enumerate(nodes):
        if id(node) not in reached:
            continue
        if position < len(leaves):
            symbol = sp.Symbol(f"x{position}", real=True)
            derivative = sp.diff(forms[-1], symbol)
            at = point
        else:
            symbol = sp.Symbol("t", real=True)
            at = {**point, symbol: exact_data[position]}
            derivative = sp.diff(sympy_forms(nodes, made, (position, symbol))[-1], symbol)
        expected = exact(derivative, at)
        assume(expected is not None)
        tolerance = RELATIVE * abs(expected) + ABSOLUTE
        assert abs(node.grad - expected) <= tolerance, (
            f"d(root)/d({node.label or f'node {position}'}) = {node.grad!r} by backward(), "
            f"{sp.N(expected, 20)} exactly; graph {describe(nodes, made)}")
    return [row for position, row, _ in made if id(nodes[position]) in reached]


def describe(nodes, made):
    """The graph as text, for a failure message: each node made, with its row and parents."""
    names = [node.label or f"n{position}" for position, node in enumerate(nodes)]
    leaves = ", ".join(f"{names[p]} = {nodes[p].data!r}" for p in range(len(nodes) - len(made)))
    steps = "; ".join(f"{names[position]} = {row}({', '.join(names[p] for p in parents)})"
                      for position, row, parents in made)
    return f"{leaves}; {steps}"
