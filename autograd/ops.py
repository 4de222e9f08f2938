"""The table of operations: each op's forward rule beside its local-derivative rule.

This file is the whole of the calculus in chainrule.  Everything else (the
node, the backward sweep, the drawing, the stepper) only looks rules up here,
and never asks which op it is holding.

Each row is an :class:`Op`:

* ``forward(*inputs)`` takes the parents' data (floats) and returns the
  output's data (a float).  It raises a clear error where the maths is
  undefined (``log`` of 0, division by zero, ...), following Python's
  ``math`` module.
* ``local_grads(*inputs, out)`` returns one local derivative ∂out/∂input per
  input, in argument order.  It is written with ordinary arithmetic and the
  dispatching helper below (:func:`log`), so the very same rule
  can be evaluated on floats (what the engine does) or on Values (what a
  derivative of a derivative would need).
* ``formula`` and ``derivatives`` are the same rules as text templates, for
  the drawings, the stepper and the explanations, which fill them with the
  graph's own names: ``{out}`` is the output, ``{0}``, ``{1}`` the inputs in
  argument order and ``{in}`` the input an edge comes from, so the edge from
  b into u = b·c reads ∂u/∂b = c.
* ``code`` (optional) is the same rules as Python expressions, for compiled
  replay (``autograd.compile``) to write inline (``nan`` is bound to ``math.nan``); ``array_code`` the same over
  NumPy arrays where the float expressions do not work elementwise;
  ``torch_code`` the forward rule in PyTorch, for ``autograd.torch_bridge``.
  A test checks every expression against the row's functions.
* ``sympy`` is the forward rule written for SymPy, which the exact oracle
  test (``tests/test_oracle.py``) differentiates symbolically to check
  ``local_grads`` and the whole backward pass.

Sources: the derivatives are the standard ones; the activation derivatives
(sigmoid' = a(1 - a), tanh' = 1 - a², relu, leaky relu) follow the lecture
notes, ``../shared/seeds/002_*``; ReLU'(0) = 0 or 0.5, softplus and the
perceptron's step function follow ``003_*`` and ``002_*``.
"""

import functools
import itertools
import math
import operator
from collections import namedtuple

__all__ = [
    "Op", "OPS", "OpRuleError", "check_rules", "wrong_local_grads",
    "ADD", "SUB", "MUL", "DIV", "NEG", "POW", "EXP", "LOG", "TANH", "SIGMOID",
    "RELU", "SOFTPLUS", "STEP", "MAX", "MIN", "ABS", "SUM", "WEIGHTED_SUM", "power_by",
    "leaky_relu_with", "relu_with", "log", "number_of", "GATES", "LayerForm",
    "expressions", "torch_template",
]


NOTATIONS = ("infix", "prefix", "power", "call")

GATES = ("distributes", "swaps", "routes")
"""The gates' patterns (CS231n's names) a row may have: what the backward pass does at that op.

* ``"distributes"``: every input's local derivative is 1, so each input gets
  the upstream gradient unchanged (add, sum);
* ``"swaps"``: each input's local derivative is the other input, so each
  gets the other input times the upstream gradient (mul);
* ``"routes"``: the chosen input's local derivative is 1 and the other's 0,
  so the upstream gradient goes to one input only (max, min).
"""


LayerForm = namedtuple("LayerForm", "parts forward grads")
LayerForm.__doc__ = """A row's rules for a whole layer of its nodes at once, as NumPy matrix expressions.

Several nodes of the row that share one list of inputs are a layer of
neurons; over a batch of samples the notes write them as one matrix formula
(``../shared/seeds/001_*`` and ``002_*``; ``demos.vectorised``), and the
compiled replay's NumPy mode writes them so.

* ``parts(parents) -> (weights, inputs, bias)``: a node's parents split into
  its groups (a sequence, a sequence, one parent).
* ``forward(W, A, b) -> str``: the layer's output Z (neurons × samples) from
  the weights W (neurons × inputs), the inputs A (inputs × samples) and the
  biases b (neurons × 1), each given as a variable name.
* ``grads(W, A, b, G) -> (dW, dA, db)``: given G, the upstream gradient of Z
  (neurons × samples), each input's gradient contribution: dW and db summed
  over the samples (a parameter is shared by every sample), dA per sample.
"""


class OpRuleError(TypeError):
    """A row of the table whose rules do not fit its arity: the wrong number of local derivatives."""


class Op(str):
    """One row of the table: an operation's name, forward rule and local-derivative rule.

    An Op *is* its name (it subclasses ``str``), so ``node.op == "*"`` and
    ``print(node.op)`` read naturally, while ``node.op.local_grads`` and
    ``node.op.formula`` let any tool reach the rule without a lookup.

    Args:
        name: the symbol shown in graphs, e.g. ``"*"`` or ``"tanh"``.
        forward: ``forward(*inputs) -> float``.
        local_grads: ``local_grads(*inputs, out) -> tuple``, one ∂out/∂input per input.
        formula: the forward rule as a text template, e.g. ``"{out} = {0}·{1}"``.
        derivatives: the local derivatives as text templates, one per input
            (for an n-ary op, one pattern per group of inputs), e.g.
            ``"∂{out}/∂{0} = {1}"``; see :meth:`rule_text`.
        arity: the number of inputs, or ``None`` for any number.  A row with a
            fixed arity has its rules tried on a few inputs when it is made
            (see :func:`check_rules`); an n-ary row's local derivatives are
            counted at every node it makes.
        notation: how views write the op applied to its inputs: ``"infix"``
            (``a + b``), ``"prefix"`` (``-a``), ``"power"`` (``x^2``: the
            symbol follows the input) or ``"call"`` (``tanh(x)``).
        symbol: what views print for the op in that notation (``"·"`` for
            ``*``, ``"^2"`` for ``**2``); the name itself when not given.  An
            infix symbol written with spaces (``" + "``) binds loosely, so
            views bracket a sum inside a product: ``3·(a + b)``.
        rule_of_slot: for an n-ary op whose inputs fall into groups
            (weights, inputs, bias), ``rule_of_slot(slot, n_inputs)``
            gives the template for that input.
        code: ``code(args, out) -> (forward, local_grads)``, the forward rule
            and one local derivative per input as Python expressions over
            the names in ``args`` (the inputs) and ``out`` (the output), for
            compiled replay to write inline; ``None``: the replay calls
            ``forward`` and ``local_grads`` instead.  :func:`expressions`
            makes one from templates.
        array_code: the same, evaluated on NumPy arrays (one element per
            sample, the module bound as ``np``), called as
            ``array_code(args, out, varying)`` where ``varying`` holds the
            names that are arrays (the others are numbers shared by every
            sample); ``None``: ``code`` works on arrays as written (plain
            arithmetic), or, without ``code``, the op has no NumPy form yet.
        torch_code: ``torch_code(args) -> str``, the forward rule as a
            PyTorch expression over scalar tensors named ``args`` (PyTorch
            derives the local derivatives itself), for
            ``autograd.torch_bridge.to_torch_code``.  :func:`torch_template`
            makes one from a template.
        torch_module: for a one-input row a network can use as its
            activation, ``torch_module(torch) -> torch.nn.Module`` that
            computes the same numbers and local derivatives in float64
            (``model.to_torch()`` puts it after the layer's ``Linear``);
            ``None`` when no ``torch.nn`` module does.
        gate: the op's pattern in the backward pass, one of :data:`GATES`
            (``"distributes"``, ``"swaps"``, ``"routes"``), or ``None`` when
            it has none of them; step sentences and the quiz name it.
        grouped: for an n-ary op whose inputs come in groups (the weighted
            sum's weights, inputs and bias), ``(forward, local_grads)`` taking
            one argument per group (a sequence of floats, or one float for a
            group of one), with no ``out``: the same rules, in the form that
            ``forward`` and ``local_grads`` are written with, so that the
            function making the op's nodes (``weighted_sum``) need not join
            its groups into one argument list that the rules split again.
            ``None`` for other rows.
        layer: for a row whose nodes, when several share one list of inputs,
            make a layer of neurons (the weighted sum), a :class:`LayerForm`:
            how to split a node's parents into (weights, inputs, bias), and
            the rules as NumPy matrix expressions, which the compiled replay's
            NumPy mode writes once for the whole layer and batch instead of
            one line per neuron.  ``None`` for other rows.
        sympy: the forward rule for SymPy, ``sympy(sp, *inputs)`` with ``sp``
            the sympy module (passed in: the engine imports only the standard
            library) and SymPy expressions as inputs.  A kink is a
            ``Piecewise`` whose branch at the kink has the subgradient that
            ``local_grads`` gives there as its derivative, so the symbolic
            derivative agrees even exactly at the kink.  None for a row
            without one: the oracle test then fails, naming the row.

    >>> MUL, MUL.formula, MUL.derivatives
    ('*', '{out} = {0}·{1}', ('∂{out}/∂{0} = {1}', '∂{out}/∂{1} = {0}'))
    >>> MUL.notation, MUL.symbol, EXP.notation, MUL.gate, EXP.gate
    ('infix', '·', 'call', 'swaps', None)
    >>> MUL.forward(3.0, 2.0), MUL.local_grads(3.0, 2.0, 6.0)
    (6.0, (2.0, 3.0))

    Raises:
        ValueError: for an unknown notation.
        OpRuleError: if the row's rules do not give one local derivative per
            input, or a fixed-arity row has a number of ``derivatives`` texts
            other than its arity.
    """

    def __new__(cls, name, forward, local_grads, formula, derivatives, arity, *,
                notation="call", symbol=None, rule_of_slot=None, gate=None, code=None,
                array_code=None, torch_code=None, torch_module=None, grouped=None, layer=None,
                sympy=None):
        if notation not in NOTATIONS:
            raise ValueError(f"Op {name!r}: notation must be one of {NOTATIONS}, got {notation!r}")
        if gate is not None and gate not in GATES:
            raise ValueError(f"Op {name!r}: gate must be one of {GATES} or None, got {gate!r}")
        op = super().__new__(cls, name)
        op.forward = forward
        op.local_grads = local_grads
        op.formula = formula
        op.derivatives = tuple(derivatives)
        op.arity = arity
        op.notation = notation
        op.symbol = name if symbol is None else symbol
        op.rule_of_slot = rule_of_slot
        op.code = code
        op.array_code = array_code
        op.torch_code = torch_code
        op.torch_module = torch_module
        op.gate = gate
        op.grouped = grouped
        op.layer = layer
        op.sympy = sympy
        if arity is not None:
            if len(op.derivatives) != arity:
                raise OpRuleError(f"op {name!r} takes {arity} inputs but has "
                                  f"{len(op.derivatives)} derivative texts: {op.derivatives}")
            check_rules(op)
        return op

    def derivative_template(self, slot, n_inputs):
        """The local-derivative rule's template for the input in ``slot`` of ``n_inputs``.

        >>> WEIGHTED_SUM.derivative_template(0, 5), WEIGHTED_SUM.derivative_template(4, 5)
        ('∂{out}/∂{in} = {2}', '∂{out}/∂{in} = 1')
        >>> MUL.derivative_template(1, 2), SUM.derivative_template(7, 9)
        ('∂{out}/∂{1} = {0}', '∂{out}/∂{in} = 1')
        """
        if self.rule_of_slot is not None:
            return self.rule_of_slot(slot, n_inputs)
        if self.arity is None:
            return self.derivatives[0]
        return self.derivatives[slot]

    def rule_text(self, slot, input_names, out_name):
        """The local-derivative rule of one input, written with the graph's own names.

        Args:
            slot (int): which input (0-based).
            input_names (sequence of str): the names of all the inputs, in order.
            out_name (str): the name of the output.

        Returns:
            str.

        >>> MUL.rule_text(0, ["b", "c"], "u")
        '∂u/∂b = c'
        >>> WEIGHTED_SUM.rule_text(1, ["w1", "w2", "x1", "x2", "b"], "z")
        '∂z/∂w2 = x2'
        """
        template = self.derivative_template(slot, len(input_names))
        return template.format(*input_names, **_fields(input_names, out_name, input_names[slot]))

    def formula_text(self, input_names, out_name):
        """The forward rule written with the graph's own names, e.g. ``'u = b·c'``.

        >>> MUL.formula_text(["b", "c"], "u"), SUM.formula_text(["x", "y", "z"], "s")
        ('u = b·c', 's = Σ x, y, z')
        """
        return self.formula.format(*input_names, **_fields(input_names, out_name, ""))


def _fields(input_names, out_name, this_input):
    """What a template's named fields stand for ({0}, {1}, ... are the inputs themselves)."""
    return {"out": out_name, "in": this_input, "inputs": ", ".join(input_names)}


# --- the check that a row gives one local derivative per input -----------------
# The engine's fast paths for one and two inputs (autograd/value.py) make a node
# without counting its local derivatives: that count would cost every node of a
# training step.  A fixed-arity row is therefore checked once, when it is made:
# its rules are tried on both sides of the usual kinks (0 and 1), on the kinks
# themselves, and on nan, so that a rule which gives the wrong number of local
# derivatives in one branch only is caught too.

PROBE_INPUTS = (-2.0, -0.5, 0.0, 0.5, 1.0, 2.0, math.nan)


def wrong_local_grads(op, n_inputs, local_grads, where):
    """The message for a rule that gave ``local_grads``, not a tuple of ``n_inputs``, ``where``."""
    if type(local_grads) is tuple:
        given = f"{len(local_grads)} local derivatives"
    else:
        given = f"a {type(local_grads).__name__} (not a tuple)"
    plural = "input" if n_inputs == 1 else "inputs"
    return (f"op {str(op)!r}: its local-derivative rule gave {given} for {n_inputs} {plural} "
            f"{where}; it must return a tuple of one ∂out/∂input per input")


def check_rules(op):
    """Try a fixed-arity row's rules on PROBE_INPUTS; raise OpRuleError naming the op if one misfits.

    Inputs outside the op's domain (its rules raise ValueError,
    ZeroDivisionError or OverflowError) are skipped.  Run by ``Op`` itself
    for every row with a fixed arity.

    >>> check_rules(MUL)
    """
    for inputs in itertools.product(PROBE_INPUTS, repeat=op.arity):
        try:
            out = op.forward(*inputs)
            local_grads = op.local_grads(*inputs, out)
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        except TypeError as error:
            plural = "input" if op.arity == 1 else "inputs"
            raise OpRuleError(f"op {str(op)!r} takes {op.arity} {plural}, but its rules "
                              f"cannot be called so: {error}") from None
        if type(local_grads) is not tuple or len(local_grads) != op.arity:
            where = "at " + ", ".join(f"{name} = {x!r}" for name, x in zip("xyzuvw", inputs))
            raise OpRuleError(wrong_local_grads(op, op.arity, local_grads, where))


# --- helpers that work on floats and on Values alike --------------------------

def number_of(x):
    """The number a float is, or a Value holds (its ``data``): for tests such as ``x == 0`` in a rule.

    >>> number_of(2.5)
    2.5
    """
    return x.data if hasattr(x, "data") else x


def log(x):
    """Natural log of a float (``math.log``) or a Value (``Value.log``)."""
    return x.log() if hasattr(x, "log") else math.log(x)


def expressions(forward, local_grads):
    """A row's ``code`` from templates: ``{0}``, ``{1}``, ... name the inputs, ``{out}`` the output.

    >>> code = expressions("{0} * {1}", ("{1}", "{0}"))
    >>> code(["w", "a"], "z")
    ('w * a', ('a', 'w'))
    """
    def code(args, out, varying=()):
        return (forward.format(*args, out=out),
                tuple(template.format(*args, out=out) for template in local_grads))
    code.templates = (forward, tuple(local_grads))
    return code


def torch_template(template):
    """A row's ``torch_code`` from a template over ``{0}``, ``{1}``, ...

    >>> torch_template("torch.exp({0})")(["x"])
    'torch.exp(x)'
    """
    def torch_code(args):
        return template.format(*args)
    return torch_code


def _torch_stacked(reduction):
    """``torch.stack([x1, x2, ...]).<reduction>()``: an n-ary op on scalar tensors."""
    def torch_code(args):
        return f"torch.stack([{', '.join(args)}]).{reduction}()"
    return torch_code


# --- the rules ------------------------------------------------------------------
# Each rule sits right above the line that registers it.  "out" is the forward
# result, reused where it makes the derivative cheaper (exp, tanh, sigmoid).

# out = a + b
def _add(a, b): return a + b
def _add_grads(a, b, out): return (1.0, 1.0)
ADD = Op("+", _add, _add_grads, "{out} = {0} + {1}", ("∂{out}/∂{0} = 1", "∂{out}/∂{1} = 1"), 2,
         notation="infix", symbol=" + ", gate="distributes",
         code=expressions("{0} + {1}", ("1.0", "1.0")), torch_code=torch_template("{0} + {1}"),
         sympy=lambda sp, a, b: a + b)

# out = a - b
def _sub(a, b): return a - b
def _sub_grads(a, b, out): return (1.0, -1.0)
SUB = Op("-", _sub, _sub_grads, "{out} = {0} − {1}", ("∂{out}/∂{0} = 1", "∂{out}/∂{1} = −1"), 2,
         notation="infix", symbol=" − ", code=expressions("{0} - {1}", ("1.0", "-1.0")),
         torch_code=torch_template("{0} - {1}"),
         sympy=lambda sp, a, b: a - b)

# out = a · b
def _mul(a, b): return a * b
def _mul_grads(a, b, out): return (b, a)
MUL = Op("*", _mul, _mul_grads, "{out} = {0}·{1}", ("∂{out}/∂{0} = {1}", "∂{out}/∂{1} = {0}"), 2,
         notation="infix", symbol="·", gate="swaps",
         code=expressions("{0} * {1}", ("{1}", "{0}")), torch_code=torch_template("{0} * {1}"),
         sympy=lambda sp, a, b: a * b)


# out = a / b; the derivative reuses out = a/b: ∂out/∂b = -a/b² = -out/b
def _div(a, b):
    if b == 0:
        raise ZeroDivisionError("division by zero")
    return a / b
def _div_grads(a, b, out): return (1.0 / b, -out / b)
DIV = Op("/", _div, _div_grads, "{out} = {0}/{1}",
         ("∂{out}/∂{0} = 1/{1}", "∂{out}/∂{1} = −{0}/{1}²"), 2,
         notation="infix", symbol="/",
         array_code=expressions("{0} / {1}", ("1.0 / {1}", "-{out} / {1}")),
         torch_code=torch_template("{0} / {1}"),
         sympy=lambda sp, a, b: a / b)

# out = -a
def _neg(a): return -a
def _neg_grads(a, out): return (-1.0,)
NEG = Op("neg", _neg, _neg_grads, "{out} = −{0}", ("∂{out}/∂{0} = −1",), 1,
         notation="prefix", symbol="−", code=expressions("-{0}", ("-1.0",)),
         torch_code=torch_template("-{0}"),
         sympy=lambda sp, a: -a)


def _power(base, exponent):
    """base ** exponent as a real number, with the errors of Python's math module.

    A nan or infinite exponent follows ``math.pow``: (-2)^nan is nan,
    (-2)^inf is inf, (-0.5)^inf is 0.
    """
    if base == 0 and exponent < 0:
        raise ZeroDivisionError("0 cannot be raised to a negative power")
    if base < 0 and math.isfinite(exponent) and not float(exponent).is_integer():
        raise ValueError("a negative base to a fractional power is not a real number")
    try:
        return math.pow(base, exponent)
    except OverflowError:
        raise OverflowError("result too large for a float")


def _slope_power(x, y):
    """x ** y inside a local derivative, ±inf where it is too large for a float.

    The forward result can fit while its slope does not: 1e-200 ** -1 = 1e200,
    but its slope -1·x^-2 is -1e400.  Python's ** raises there; the slope is
    reported as the infinity it is, with the sign of x^y (negative for a
    negative x to an odd power), as PyTorch does.
    """
    try:
        return x ** y
    except OverflowError:
        return -math.inf if x < 0 and y % 2 == 1 else math.inf


# out = x ** y, both Values (or a number base: 2 ** x, whose base is a constant leaf).
# ∂out/∂y = x^y · ln x is undefined for x < 0 (the log of a negative number);
# like PyTorch we record nan there rather than refuse a valid forward pass.
# At x = 0 the limit of x^y · ln x is 0 for y > 0.  The tests against 0 read
# number_of(x): on a Value (a derivative of a derivative) "==" is identity, not data.
def _pow_grads(x, y, out):
    if number_of(x) == 0 and y < 1:
        d_base = math.inf if y > 0 else 0.0   # the slope of x^y at 0 for 0 < y < 1 is vertical
    else:
        d_base = y * _slope_power(x, y - 1)
    if x > 0:
        d_exponent = out * log(x)
    elif number_of(x) == 0:
        d_exponent = 0.0
    else:
        d_exponent = math.nan
    return (d_base, d_exponent)
POW = Op("**", _power, _pow_grads, "{out} = {0}^{1}",
         ("∂{out}/∂{0} = {1}·{0}^({1} − 1)", "∂{out}/∂{1} = {0}^{1}·ln {0}"), 2, notation="infix", symbol="^",
         torch_code=torch_template("{0} ** {1}"),
         sympy=lambda sp, x, y: x ** y)


@functools.lru_cache(maxsize=256)
def power_by(n):
    """The row for ``x ** n`` with a constant number ``n`` (its op is named ``**n``).

    The exponent is part of the op, not a parent: a number exponent has no
    gradient to receive, and ``(-2) ** 2`` must not need ``ln(-2)``.

    >>> square = power_by(2.0)
    >>> square, square.forward(3.0), square.local_grads(3.0, 9.0)
    ('**2', 9.0, (6.0,))
    """
    shown = _exact(n)

    def forward(x):
        return _power(x, n)

    # n · x^(n-1); at x = 0 with n < 1 the forward pass has already refused
    # negative n, and 0 < n < 1 has an infinite slope, which we report as inf.
    # (number_of(x): on a Value, "==" is identity, not a comparison of data.)
    # x^0 = 1 is a constant: its slope is 0 everywhere, not 0 · x^-1, which is
    # nan where x^-1 overflows (x = 5e-324); x^0 is what the second derivative
    # of x^2 differentiates.
    def local_grads(x, out):
        if n == 0:
            return (0.0,)
        if number_of(x) == 0 and n < 1:
            return (math.inf if n > 0 else 0.0,)
        return (n * _slope_power(x, n - 1),)

    return Op(f"**{shown}", forward, local_grads, f"{{out}} = {{0}}^{shown}",
              (f"∂{{out}}/∂{{0}} = {shown}·{{0}}^{_exact(n - 1)}",), 1,
              notation="power", symbol=f"^{shown}",
              array_code=expressions(f"{{0}} ** {n!r}", (f"{n!r} * {{0}} ** {n - 1!r}",)),
              torch_code=torch_template(f"{{0}} ** {n!r}"),
              # sp.Rational(n) is exactly the float n: 2.0 stays the integer 2.
              sympy=lambda sp, x: x ** sp.Rational(n))


def _exact(n):
    """A number as it is written in an op's name and rules: 2 for 2.0, 0.5 as 0.5 (exact, never rounded)."""
    return int(n) if float(n).is_integer() else n


# out = e^x; its derivative is itself.
def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError("e**x is too large for a float (x > 709.78)")
def _exp_grads(x, out): return (out,)
EXP = Op("exp", _exp, _exp_grads, "{out} = e^{0}", ("∂{out}/∂{0} = e^{0}",), 1,
         array_code=expressions("np.exp({0})", ("{out}",)),
         torch_code=torch_template("torch.exp({0})"),
         sympy=lambda sp, x: sp.exp(x))


# out = ln x (natural log)
def _log(x):
    if x <= 0:
        raise ValueError("the log is only defined for x > 0")
    return math.log(x)
def _log_grads(x, out): return (1.0 / x,)
LOG = Op("log", _log, _log_grads, "{out} = ln {0}", ("∂{out}/∂{0} = 1/{0}",), 1,
         array_code=expressions("np.log({0})", ("1.0 / {0}",)),
         torch_code=torch_template("torch.log({0})"),
         sympy=lambda sp, x: sp.log(x))

# out = tanh x; the notes' g'(z) = 1 - tanh²(z)
def _tanh(x): return math.tanh(x)
def _tanh_grads(x, out): return (1.0 - out * out,)
TANH = Op("tanh", _tanh, _tanh_grads, "{out} = tanh {0}", ("∂{out}/∂{0} = 1 − tanh²({0})",), 1,
          array_code=expressions("np.tanh({0})", ("1.0 - {out} * {out}",)),
          torch_code=torch_template("torch.tanh({0})"),
          torch_module=lambda torch: torch.nn.Tanh(),
          sympy=lambda sp, x: sp.tanh(x))


# out = σ(x) = 1 / (1 + e^-x).  Written in two branches so that e^-x never
# overflows: for x < 0 we use the equal form e^x / (1 + e^x).
def _sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
def _sigmoid_grads(x, out): return (out * (1.0 - out),)
SIGMOID = Op("sigmoid", _sigmoid, _sigmoid_grads, "{out} = σ({0}) = 1/(1 + e^−{0})",
             ("∂{out}/∂{0} = σ({0})·(1 − σ({0}))",), 1,
             # e^-x may overflow to inf for x < -709 (NumPy warns): 1/(1 + inf) is still 0.
             array_code=expressions("1.0 / (1.0 + np.exp(-{0}))", ("{out} * (1.0 - {out})",)),
             torch_code=torch_template("torch.sigmoid({0})"),
             torch_module=lambda torch: torch.nn.Sigmoid(),
             sympy=lambda sp, x: 1 / (1 + sp.exp(-x)))


# out = max(0, x).  The kink at 0 has no derivative; like PyTorch we use the
# subgradient 0 there.  NaN in gives NaN out, value and derivative, so a NaN
# weight in a ReLU network shows instead of becoming 0: nan > 0 and nan <= 0
# are both False, so only NaN reaches the last branch.
# Below the kink the local derivative is 0, and an infinite upstream gradient
# gives 0 × inf = nan on that edge (see autograd/backward.py: every edge is
# local_grad × upstream_grad), where PyTorch's relu passes 0.
def _relu(x):
    if x > 0:
        return x
    return 0.0 if x <= 0 else x
def _relu_grads(x, out):
    # constant tuples: nothing to allocate
    if x > 0:
        return (1.0,)
    return (0.0,) if x <= 0 else (math.nan,)
RELU = Op("relu", _relu, _relu_grads, "{out} = max(0, {0})",
          ("∂{out}/∂{0} = 1 if {0} > 0 else 0",), 1,
          # The same three branches as the functions: above 0, at or below 0, nan.
          code=expressions("({0} if {0} > 0 else 0.0 if {0} <= 0 else {0})",
                           ("(1.0 if {0} > 0 else 0.0 if {0} <= 0 else nan)",)),
          array_code=expressions("np.where({0} > 0, {0}, np.where({0} <= 0, 0.0, {0}))",
                                 ("np.where({0} > 0, 1.0, np.where({0} <= 0, 0.0, np.nan))",)),
          # torch.relu's derivative at 0 is 0 too
          torch_code=torch_template("torch.relu({0})"),
          torch_module=lambda torch: torch.nn.ReLU(),
          sympy=lambda sp, x: sp.Piecewise((x, x > 0), (0, True)))


@functools.lru_cache(maxsize=16)
def relu_with(grad_at_zero):
    """The row for ReLU, ``out = max(0, x)``, with the local derivative ``grad_at_zero`` at x = 0.

    ReLU has no derivative at its kink.  The notes (``003_*``) say "in
    practical cases we take the derivative as 0 or 0.5 if x = 0"; 0 is
    PyTorch's choice and the :data:`RELU` row's, so ``relu_with(0.0)`` is
    that row.  Any number in [0, 1] is a valid subgradient there.

    Raises:
        ValueError: if ``grad_at_zero`` is not in [0, 1].

    >>> half = relu_with(0.5)
    >>> half, half.forward(0.0), half.local_grads(0.0, 0.0), half.local_grads(2.0, 2.0)
    ('relu', 0.0, (0.5,), (1.0,))
    >>> relu_with(0.0) is RELU
    True
    """
    grad_at_zero = float(grad_at_zero)
    if not 0.0 <= grad_at_zero <= 1.0:
        raise ValueError(f"relu_with: the derivative at 0 must be a subgradient in [0, 1], "
                         f"got {grad_at_zero!r}")
    if grad_at_zero == 0.0:
        return RELU

    def local_grads(x, out):
        return (1.0 if x > 0 else grad_at_zero if x == 0 else 0.0,)

    shown = _exact(grad_at_zero)
    return Op("relu", _relu, local_grads, "{out} = max(0, {0})",
              (f"∂{{out}}/∂{{0}} = 1 if {{0}} > 0, {shown} at {{0}} = 0, else 0",), 1,
              array_code=expressions(
                  "np.where({0} > 0, {0}, np.where({0} <= 0, 0.0, {0}))",
                  (f"np.where({{0}} > 0, 1.0, np.where({{0}} == 0, {grad_at_zero!r}, 0.0))",)),
              # torch.relu's derivative at 0 is 0; the added term is 0 everywhere
              # and its derivative is grad_at_zero at 0 only (the mask is a constant)
              torch_code=torch_template(
                  f"torch.relu({{0}}) + {grad_at_zero!r} * ({{0}} == 0).to({{0}}.dtype) * {{0}}"),
              # For SymPy, the branch at exactly 0 is grad_at_zero·x: its value there is
              # max(0, 0) = 0 and its derivative is the chosen subgradient.
              sympy=lambda sp, x: sp.Piecewise((x, x > 0), (0, x < 0),
                                               (sp.Rational(grad_at_zero) * x, True)))


# out = ln(1 + e^x), a smooth ReLU (the notes name it beside tanh, 003_*).
# Written as max(x, 0) + ln(1 + e^-|x|) so e^x never overflows; its
# derivative is the sigmoid.
def _softplus(x): return max(x, 0.0) + math.log1p(math.exp(-abs(x)))
def _softplus_grads(x, out): return (x.sigmoid() if hasattr(x, "sigmoid") else _sigmoid(x),)
SOFTPLUS = Op("softplus", _softplus, _softplus_grads, "{out} = ln(1 + e^{0})",
              ("∂{out}/∂{0} = σ({0}) = 1/(1 + e^−{0})",), 1,
              # ln(e^x + e^0), stable, with the derivative σ(x) (torch's softplus
              # turns linear above x = 20, which differs by up to 2e-9)
              array_code=expressions("np.maximum({0}, 0.0) + np.log1p(np.exp(-np.abs({0})))",
                                     ("1.0 / (1.0 + np.exp(-{0}))",)),
              torch_code=torch_template("torch.logaddexp({0}, torch.zeros_like({0}))"),
              # torch's Softplus returns x above its threshold; above 37, x is what
              # x + ln(1 + e^-x) rounds to in float64, so 40 leaves no difference
              torch_module=lambda torch: torch.nn.Softplus(beta=1.0, threshold=40.0),
              sympy=lambda sp, x: sp.log(1 + sp.exp(x)))


# out = 1 if x > 0 else 0: the perceptron's step function (002_*, "O/P = step(z)").
# Its slope is 0 on both sides and undefined at 0, where we also use 0: so
# every gradient that flows through it is 0 and gradient descent cannot move
# the weights before it.  That is why networks use sigmoid, tanh or ReLU.
def _step(x): return 1.0 if x > 0 else 0.0
def _step_grads(x, out): return (0.0,)
STEP = Op("step", _step, _step_grads, "{out} = 1 if {0} > 0 else 0",
          ("∂{out}/∂{0} = 0 (for every {0} ≠ 0; undefined at 0, taken as 0)",), 1,
          array_code=expressions("np.where({0} > 0, 1.0, 0.0)", ("0.0",)),
          # + 0·x keeps the step in PyTorch's graph, with the derivative 0
          torch_code=torch_template("({0} > 0).to({0}.dtype) + 0.0 * {0}"),
          sympy=lambda sp, x: sp.Piecewise((1, x > 0), (0, True)))


# out = max(a, b) routes the upstream gradient to the larger input; the other
# gets 0.  At a tie (a == b) there is no derivative; like PyTorch
# (torch.maximum, torch.max(a, b)) we split the gradient evenly: 1/2 each.
# NaN in gives NaN out, as in torch.maximum, with nan slopes.
def _max(a, b):
    if a != a or b != b:
        return math.nan
    return a if a >= b else b
def _max_grads(a, b, out):
    return _routed(number_of(a), number_of(b))


def _routed(first, second):
    """The local derivatives of max(first, second): 1 to the larger, 0 to the other, ½ each at a tie.

    Takes numbers (number_of: a rule may be given Values, whose "==" is identity).
    """
    if first > second:
        return (1.0, 0.0)
    if first < second:
        return (0.0, 1.0)
    if first == second:
        return (0.5, 0.5)
    return (math.nan, math.nan)          # a nan input
MAX = Op("max", _max, _max_grads, "{out} = max({0}, {1})",
         ("∂{out}/∂{0} = 1 if {0} > {1}, 0 if {0} < {1}, ½ at a tie",
          "∂{out}/∂{1} = 1 if {1} > {0}, 0 if {1} < {0}, ½ at a tie"), 2,
         notation="call", symbol="max", gate="routes",
         array_code=expressions("np.maximum({0}, {1})", (
             "np.where({0} > {1}, 1.0, np.where({0} < {1}, 0.0, np.where({0} == {1}, 0.5, np.nan)))",
             "np.where({1} > {0}, 1.0, np.where({1} < {0}, 0.0, np.where({0} == {1}, 0.5, np.nan)))")),
         torch_code=torch_template("torch.maximum({0}, {1})"),
         # For SymPy the tie is its own branch, (a + b)/2: equal to both there, slope ½ each.
         sympy=lambda sp, a, b: sp.Piecewise((a, a > b), (b, a < b), ((a + b) / 2, True)))


# out = min(a, b): routes to the smaller input; at a tie 1/2 each (torch.minimum).
def _min(a, b):
    if a != a or b != b:
        return math.nan
    return a if a <= b else b
def _min_grads(a, b, out):
    return _routed(-number_of(a), -number_of(b))      # min(a, b) = −max(−a, −b)
MIN = Op("min", _min, _min_grads, "{out} = min({0}, {1})",
         ("∂{out}/∂{0} = 1 if {0} < {1}, 0 if {0} > {1}, ½ at a tie",
          "∂{out}/∂{1} = 1 if {1} < {0}, 0 if {1} > {0}, ½ at a tie"), 2,
         notation="call", symbol="min", gate="routes",
         array_code=expressions("np.minimum({0}, {1})", (
             "np.where({0} < {1}, 1.0, np.where({0} > {1}, 0.0, np.where({0} == {1}, 0.5, np.nan)))",
             "np.where({1} < {0}, 1.0, np.where({1} > {0}, 0.0, np.where({0} == {1}, 0.5, np.nan)))")),
         torch_code=torch_template("torch.minimum({0}, {1})"),
         sympy=lambda sp, a, b: sp.Piecewise((a, a < b), (b, a > b), ((a + b) / 2, True)))


# out = |x|.  The kink at 0 has no derivative; like PyTorch (torch.abs, whose
# gradient is sign(x) with sign(0) = 0) we use the subgradient 0 there.
def _abs(x): return abs(x)
def _abs_grads(x, out):
    x = number_of(x)         # on a Value (a derivative of a derivative) "==" is identity
    if x == 0:
        return (0.0,)
    if x > 0:
        return (1.0,)
    return (-1.0,) if x < 0 else (math.nan,)
ABS = Op("abs", _abs, _abs_grads, "{out} = |{0}|", ("∂{out}/∂{0} = sign({0}) (0 at {0} = 0)",), 1,
         notation="call", symbol="abs",
         array_code=expressions("np.abs({0})", ("np.sign({0})",)),
         torch_code=torch_template("torch.abs({0})"),
         sympy=lambda sp, x: sp.Piecewise((x, x > 0), (-x, x < 0), (0, True)))


@functools.lru_cache(maxsize=64)
def leaky_relu_with(slope):
    """The row for leaky ReLU, ``out = x if x > 0 else slope·x``.

    The notes (``002_*``) write a = max(0.1z, z), a slope of 0.1; PyTorch's
    ``nn.LeakyReLU`` defaults to ``negative_slope=0.01``, which is what
    ``Value.leaky_relu()`` and ``nn``'s ``"leaky_relu"`` use unless told.
    At the kink x = 0 we use the slope, the derivative from the left.

    >>> leaky = leaky_relu_with(0.01)
    >>> leaky, leaky.forward(-2.0), leaky.local_grads(-2.0, -0.02)
    ('leaky_relu', -0.02, (0.01,))
    """
    def forward(x):
        return x if x > 0 else slope * x

    def local_grads(x, out):
        if x > 0:
            return (1.0,)
        return (slope,) if x <= 0 else (math.nan,)   # NaN in, NaN out, as for relu

    shown = _exact(slope)
    return Op("leaky_relu", forward, local_grads, f"{{out}} = {{0}} if {{0}} > 0 else {shown}·{{0}}",
              (f"∂{{out}}/∂{{0}} = 1 if {{0}} > 0 else {shown}",), 1,
              code=expressions(f"({{0}} if {{0}} > 0 else {slope!r} * {{0}})",
                               (f"(1.0 if {{0}} > 0 else {slope!r} if {{0}} <= 0 else nan)",)),
              array_code=expressions(f"np.where({{0}} > 0, {{0}}, {slope!r} * {{0}})",
                                     (f"np.where({{0}} > 0, 1.0, np.where({{0}} <= 0, "
                                      f"{slope!r}, np.nan))",)),
              # PyTorch's derivative at 0 is the slope too
              torch_code=torch_template(f"torch.nn.functional.leaky_relu({{0}}, {slope!r})"),
              torch_module=lambda torch: torch.nn.LeakyReLU(slope),
              sympy=lambda sp, x: sp.Piecewise((x, x > 0), (sp.Rational(slope) * x, True)))


# out = x1 + x2 + ... + xn, one node for a long sum (a loss over a batch),
# exact-rounded by fsum.  fsum refuses an intermediate overflow and inf - inf,
# where '+' gives inf or nan; a sum must not stop training that '+' would
# not, so there we add left to right, exactly as x1 + x2 + ... + xn does.
def _sum(*xs):
    try:
        return math.fsum(xs)
    except (OverflowError, ValueError):
        return functools.reduce(operator.add, xs)
def _sum_grads(*xs_and_out): return (1.0,) * (len(xs_and_out) - 1)
def _sum_array_code(args, out, varying=()):
    # On arrays, left to right: fsum works on floats only (it rounds once, this n - 1 times).
    return " + ".join(args), ("1.0",) * len(args)
SUM = Op("sum", _sum, _sum_grads, "{out} = Σ {inputs}", ("∂{out}/∂{in} = 1",), None, symbol="Σ",
         gate="distributes", array_code=_sum_array_code, torch_code=_torch_stacked("sum"),
         sympy=lambda sp, *xs: sp.Add(*xs))


# z = Σ_i w_i·a_i + b: a neuron's weighted sum, one node with 2n + 1 parents
# ordered (w_1..w_n, a_1..a_n, b).  The notes write it as one formula,
# z[l]_j = Σ_i w[l]_ij · a[l-1]_i + b[l]_j, so we draw and step it as one node;
# it also saves the engine 2n nodes per neuron.
def _weighted_sum_parts(parents):
    # (w_1..w_n, a_1..a_n, b) -> (weights, inputs, bias)
    n = (len(parents) - 1) // 2
    return parents[:n], parents[n:2 * n], parents[-1]
def _weighted_sum_of(weights, inputs, bias):
    # bias + w_1·a_1 + w_2·a_2 + ..., the sum a loop `total += w_i·a_i` makes,
    # with the multiplying and adding done in C: this is most of a network's
    # forward pass.  (Python 3.12+ adds floats in sum() with compensation,
    # which rounds slightly less.)
    return sum(map(operator.mul, weights, inputs), bias)
def _weighted_sum_grads_of(weights, inputs, bias):
    return (*inputs, *weights, 1.0)            # ∂z/∂w_i = a_i, ∂z/∂a_i = w_i, ∂z/∂b = 1
def _weighted_sum(*parts):
    return _weighted_sum_of(*_weighted_sum_parts(parts))
def _weighted_sum_grads(*parts_and_out):
    return _weighted_sum_grads_of(*_weighted_sum_parts(parts_and_out[:-1]))
def _weighted_sum_rule(slot, n_inputs):
    n = (n_inputs - 1) // 2          # parents: (w_1..w_n, a_1..a_n, b)
    if slot < n:
        return f"∂{{out}}/∂{{in}} = {{{slot + n}}}"      # ∂z/∂w_i = a_i
    if slot < 2 * n:
        return f"∂{{out}}/∂{{in}} = {{{slot - n}}}"      # ∂z/∂a_i = w_i
    return "∂{out}/∂{in} = 1"                           # ∂z/∂b = 1
def _weighted_sum_code(args, out, varying=()):
    # b + w_1·a_1 + w_2·a_2 + ...: added left to right from the bias, as _weighted_sum adds.
    weights, inputs, bias = _weighted_sum_parts(args)
    forward = " + ".join([bias] + [f"{w}*{a}" for w, a in zip(weights, inputs)])
    return forward, (*inputs, *weights, "1.0")
def _weighted_sum_array_code(args, out, varying=()):
    # Over a batch: where the weights are numbers and the inputs arrays (or the
    # other way round), the sum is one dot product; otherwise term by term.
    weights, inputs, bias = _weighted_sum_parts(args)
    forward, local_grads = _weighted_sum_code(args, out)
    if len(weights) > 1 and not set(weights) & set(varying) and set(inputs) <= set(varying):
        forward = f"np.dot(({', '.join(weights)},), ({', '.join(inputs)},)) + {bias}"
    elif len(weights) > 1 and set(weights) <= set(varying) and not set(inputs) & set(varying):
        forward = f"np.dot(({', '.join(inputs)},), ({', '.join(weights)},)) + {bias}"
    return forward, local_grads
def _weighted_sum_torch_code(args):
    weights, inputs, bias = _weighted_sum_parts(args)
    return (f"torch.dot(torch.stack([{', '.join(weights)}]), "
            f"torch.stack([{', '.join(inputs)}])) + {bias}")
# A layer, over a batch: the notes' Z[l] = W[l]·A[l-1] + b[l]; dW[l] = dZ[l]·A[l-1]ᵀ and
# db[l] = Σ_samples dZ[l] (each weight's edges of every sample, added up), dA[l-1] = W[l]ᵀ·dZ[l].
_WEIGHTED_SUM_LAYER = LayerForm(
    parts=_weighted_sum_parts,
    forward=lambda W, A, b: f"{W} @ {A} + {b}",
    grads=lambda W, A, b, G: (f"{G} @ {A}.T", f"{W}.T @ {G}", f"{G}.sum(axis=1, keepdims=True)"))
WEIGHTED_SUM = Op("Σw·a+b", _weighted_sum, _weighted_sum_grads, "{out} = Σ_i w_i·a_i + b",
                  ("∂{out}/∂w_i = a_i", "∂{out}/∂a_i = w_i", "∂{out}/∂b = 1"), None,
                  rule_of_slot=_weighted_sum_rule, code=_weighted_sum_code,
                  array_code=_weighted_sum_array_code, torch_code=_weighted_sum_torch_code,
                  grouped=(_weighted_sum_of, _weighted_sum_grads_of), layer=_WEIGHTED_SUM_LAYER,
                  # The forward rule is plain arithmetic: it works on SymPy expressions as written.
                  sympy=lambda sp, *parts: _weighted_sum(*parts))


OPS = {op: op for op in (ADD, SUB, MUL, DIV, NEG, POW, EXP, LOG, TANH, SIGMOID,
                         RELU, SOFTPLUS, STEP, MAX, MIN, ABS, SUM, WEIGHTED_SUM)}
"""The fixed rows by name; ``power_by(n)``, ``leaky_relu_with(slope)`` and
``relu_with(grad_at_zero)`` make the parametrised ones."""
