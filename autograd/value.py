"""The node of the graph: a Value holds a number, the op that made it, its parents and local derivatives."""

import linecache
import math
import numbers
import os

from . import anomaly, ops
from .backward import sweep
from .grad_mode import NOT_RECORDING, RECORDING, current_mode

__all__ = ["Value", "sum_values", "weighted_sum", "maximum", "minimum", "NeuronRole"]

# Roles of a node, used by drawings (parameters look different from inputs).
INPUT, PARAMETER, CONSTANT, RESULT = "input", "parameter", "constant", "result"


class NeuronRole(str):
    """The role of a node that ``nn`` made as part of a neuron: a ``"result"`` that knows its place.

    ``nn`` marks each neuron's weighted sum z[l]_j and activation a[l]_j with
    one of these when it builds them, so the neuron view finds neurons without
    reading labels.  It equals ``"result"``, like any other computed node.

    Args:
        part (str): ``"z"`` (the weighted sum) or ``"a"`` (the activation).
        layer (int): the layer l, from 1.
        index (int): the neuron j within its layer, from 1.

    >>> role = NeuronRole("z", 2, 1)
    >>> role == "result", role.part, role.layer, role.index
    (True, 'z', 2, 1)
    """

    def __new__(cls, part, layer, index):
        role = super().__new__(cls, RESULT)
        role.part, role.layer, role.index = part, layer, index
        return role


def _to_float(data, what):
    """Convert an int or float to float; refuse bool, str, None, complex and the rest."""
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(f"{what} needs a real number (int or float), "
                        f"got {type(data).__name__} {data!r}")
    return float(data)


class Value:
    """A scalar in a computation graph.

    A leaf is made by hand, ``Value(5.0, "a")``; every operation on Values
    makes a new node that remembers its ``op``, its ``parents`` (in argument
    order) and its ``local_grads`` (∂out/∂parent for each parent, evaluated in
    the forward pass).  ``backward()`` then fills in ``grad`` on every node.

    Args:
        data: the number (int or float; ints are converted to float).
        label: an optional name shown in reprs, drawings, step sentences and errors.

    Attributes:
        data (float): the value from the forward pass.
        grad (float): d(root)/d(this node) after ``root.backward()``; 0.0 until then.
        op (str): the operation that made the node (an :class:`autograd.ops.Op`,
            which is a str); ``""`` for a leaf.
        label (str): the name given, or ``""``.
        parents (tuple of Value): the inputs of ``op``, in argument order
            (``a * a`` has two edges to ``a``); ``()`` for a leaf.
        local_grads (tuple of float): ∂(this node)/∂parent for each parent, same order.
        role (str): ``"input"``, ``"parameter"`` or ``"constant"`` (a number that
            an operation turned into a leaf) for leaves, ``"result"`` otherwise
            (a :class:`NeuronRole`, equal to ``"result"``, for a neuron's z and a).

    Raises:
        TypeError: if ``data`` is not an int or float (bool, str, None and
            complex are refused), or ``label`` is not a str.

    A Value does not turn into a number by itself: ``float(v)``, ``int(v)``
    and ``math`` functions (``math.exp(v)``) raise TypeError, because the
    number they would return is cut out of the graph.  Use ``v.data`` for the
    number, or ``v.exp()`` and the other methods to stay in the graph.

    Equality is identity, as for plain objects, so Values can sit in sets;
    compare ``a.data == b.data`` for numbers.  ``<``, ``<=``, ``>``, ``>=``
    compare data.

    The notes' computation graph (``../shared/seeds/002_*``), J = 3(a + b·c):

    >>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    >>> u = (b * c).named("u")
    >>> v = (a + u).named("v")
    >>> J = (3 * v).named("J")
    >>> J.backward()
    >>> J
    Value(data=33.0, grad=1.0, op='*', label='J')
    >>> a.grad, b.grad, c.grad
    (3.0, 6.0, 9.0)
    >>> v.parents == (a, u), v.local_grads
    (True, (1.0, 1.0))
    """

    __slots__ = ("data", "grad", "op", "label", "parents", "local_grads", "role")

    def __init__(self, data, label=""):
        if type(data) is not float:
            data = _to_float(data, "Value(data)")
        if type(label) is not str:
            raise TypeError(f"Value(label) must be a str, got {type(label).__name__} {label!r}")
        self.data = data
        self.grad = 0.0
        self.op = ""
        self.label = label
        self.parents = ()
        self.local_grads = ()
        self.role = INPUT

    # --- making nodes -------------------------------------------------------------

    def named(self, label):
        """Set ``label`` and return this Value, for ``u = (b * c).named("u")``."""
        if type(label) is not str:
            raise TypeError(f"a label must be a str, got {type(label).__name__} {label!r}")
        self.label = label
        return self

    def __repr__(self):
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self.op:
            parts.append(f"op={str(self.op)!r}")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Value({', '.join(parts)})"

    # No implicit conversion to a number: math.exp(v) would call __float__ and
    # silently cut v out of the graph (math.exp(a) * a gives a.grad = e, not 2e).
    # __index__ is not defined either, for math functions fall back to it.

    def __float__(self):
        raise _conversion_refused(self, "float()")

    def __int__(self):
        raise _conversion_refused(self, "int()")

    def _repr_html_(self):
        """In Jupyter: the drawing of this Value's graph after one backward pass from it, from zero.

        Too big a graph is drawn one box per neuron (an ``nn`` network) or
        summed up in a few lines; without Graphviz's ``dot`` the summary says
        how to install it.  See :mod:`autograd.views.notebook`.
        """
        # Imported here, not at the top: the engine is standard library only
        # and imports no view, and only a notebook ever asks for this.
        from .views.notebook import value_html
        return value_html(self)

    # --- arithmetic: each operator is a row of the table in ops.py ----------------
    # +, -, *, / and unary - are the rows' node makers themselves, set below
    # the class (they are written from the table when the engine is
    # imported): see "The operators" after node_maker.

    def __pos__(self):
        return self

    def __pow__(self, exponent):
        """``x ** n`` with a number n (op ``**n``), or ``x ** y`` with a Value y (op ``**``)."""
        if isinstance(exponent, Value):
            return _make_pow(self, exponent)
        if type(exponent) is int or type(exponent) is float:
            # The common case (x ** 2), without building the error message below.
            return _unary(ops.power_by(float(exponent)), self)
        return _unary(ops.power_by(_to_float(exponent, f"'**' of {_describe(self)}: the exponent")),
                      self)

    def __rpow__(self, base):
        """``2 ** x``: a number base becomes a constant leaf."""
        return _make_pow(_operand(base, ops.POW, self), self)

    def exp(self):
        """e ** self.  Raises OverflowError when the result is too large for a float (data > 709.78)."""
        return _make_exp(self)

    def log(self):
        """Natural log (base e) of self.  Raises ValueError for data <= 0."""
        return _make_log(self)

    def tanh(self):
        """Hyperbolic tangent, in (-1, 1)."""
        return _make_tanh(self)

    def sigmoid(self):
        """Logistic sigmoid 1 / (1 + e^-x), in (0, 1); never overflows."""
        return _make_sigmoid(self)

    def relu(self, grad_at_zero=0.0):
        """max(0, self); the local derivative at the kink 0 is ``grad_at_zero``.

        0 by default, as in PyTorch; the notes (``003_*``) also allow 0.5.
        Raises ValueError for a ``grad_at_zero`` outside [0, 1].  relu(nan) is nan.
        """
        if grad_at_zero == 0.0:
            return _make_relu(self)
        return _unary(ops.relu_with(_to_float(grad_at_zero, "relu(grad_at_zero)")), self)

    def leaky_relu(self, slope=0.01):
        """self if self > 0 else slope·self (slope a number; default 0.01, PyTorch's; the notes use 0.1)."""
        return _unary(ops.leaky_relu_with(_to_float(slope, "leaky_relu(slope)")), self)

    def softplus(self):
        """ln(1 + e^self), a smooth ReLU whose derivative is σ(self); never overflows."""
        return _make_softplus(self)

    def step(self):
        """The perceptron's step: 1 if self > 0 else 0.  Its local derivative is 0 everywhere."""
        return _make_step(self)

    def max(self, other):
        """max(self, other), other a Value or a number: routes the gradient to the larger one.

        At a tie each gets half the upstream gradient, as in PyTorch's
        ``torch.maximum``.

        >>> a, b = Value(2.0, "a"), Value(5.0, "b")
        >>> y = a.max(b); y.backward()
        >>> y.data, a.grad, b.grad
        (5.0, 0.0, 1.0)
        """
        return _make_max(self, _operand(other, ops.MAX, self))

    def min(self, other):
        """min(self, other), other a Value or a number: routes the gradient to the smaller one (½ each at a tie)."""
        return _make_min(self, _operand(other, ops.MIN, self))

    def abs(self):
        """|self|; the local derivative is sign(self), taken as 0 at 0 (as PyTorch's ``torch.abs``)."""
        return _make_abs(self)

    def __abs__(self):
        """``abs(v)``: the same as ``v.abs()``."""
        return _make_abs(self)

    # --- comparisons of data (equality stays identity, see the class docstring) ----

    def __lt__(self, other):
        return self.data < _data_of(other)

    def __le__(self, other):
        return self.data <= _data_of(other)

    def __gt__(self, other):
        return self.data > _data_of(other)

    def __ge__(self, other):
        return self.data >= _data_of(other)

    __hash__ = object.__hash__

    # --- the backward pass -----------------------------------------------------

    def detach(self):
        """A new leaf with the same data, cut from the graph (PyTorch's ``detach``, JAX's ``stop_gradient``).

        Whatever is built from the copy treats it as a constant: no gradient
        flows back through it to the nodes that made ``self``.  It keeps the
        label; it is an input (a leaf made by hand) unless ``self`` was a leaf
        already, whose role it keeps.

        Returns:
            Value, with no parents and grad 0.0.

        >>> x = Value(3.0, "x")
        >>> y = x * x.detach()          # d/dx of x·(x as a constant) = 3, not 2x = 6
        >>> y.backward()
        >>> x.grad, x.detach().parents
        (3.0, ())
        """
        copy = Value(self.data, self.label)
        if not self.parents:
            copy.role = self.role
        return copy

    def backward(self, create_graph=False):
        """Compute d(self)/d(node) for every node self depends on, into ``node.grad``.

        Sorts the graph in topological order (iteratively: a chain a million
        nodes deep works), sets this node's grad to 1, then for each node from
        the root down applies the chain rule along each edge:
        ``parent.grad += local_grad * node.grad``.  That product is plain
        floating-point arithmetic: a zero local derivative times an infinite
        upstream gradient gives nan (see :func:`autograd.backward.sweep`).

        Calling it twice never gives a wrong figure: intermediate nodes are
        recomputed from zero on each call, while leaves (inputs, parameters)
        accumulate, as in PyTorch, so call ``zero_grad()`` (or set
        ``leaf.grad = 0.0``) between steps of training.

        Args:
            create_graph: if True, the backward pass is itself recorded as
                Values (as in PyTorch): every ``grad`` becomes a Value, a node
                that can be differentiated again.  Read its number with
                ``node.grad.data``.  Leaves accumulate
                exactly as without it.  See :func:`autograd.higher.backward_graph`.

        Returns:
            None.
        """
        if create_graph:
            from .higher import backward_graph   # higher.py builds Values: imported late
            backward_graph(self)
        else:
            sweep(self)


def _data_of(other):
    return other.data if isinstance(other, Value) else other


def _describe(node):
    """'a = 5.0' for a labelled node, '5.0' otherwise: how errors name an operand."""
    return f"{node.label} = {node.data!r}" if node.label else repr(node.data)


def _conversion_refused(node, conversion):
    """The TypeError for float(v), int(v) and math functions on a Value."""
    name = node.label if node.label.isidentifier() else "v"
    return TypeError(
        f"{conversion} of a Value ({_describe(node)}) would leave the graph, and math "
        f"functions convert this way: use {name}.data for the number, or the Value's own "
        f"method, such as {name}.exp(), to stay in the graph")


def _operand(other, op, this):
    """Turn the other side of an operation into a Value (a number becomes a constant leaf)."""
    if isinstance(other, Value):
        return other
    # float and int first: the test against numbers.Real (an abstract class)
    # takes longer than making the constant.
    if type(other) is not float and type(other) is not int and (
            isinstance(other, bool) or not isinstance(other, numbers.Real)):
        raise TypeError(f"cannot apply '{op}' to {_describe(this)} and {type(other).__name__} "
                        f"{other!r}: a Value combines only with int, float and Value")
    return _node(float(other), "", (), (), CONSTANT)


def _node(data, op, parents, local_grads, role):
    """Make a node without running ``Value.__init__``: its checks were done by the caller."""
    node = object.__new__(Value)
    node.data = data
    node.grad = 0.0
    node.op = op
    node.label = ""
    node.parents = parents
    node.local_grads = local_grads
    node.role = role
    return node


# An error names at most this many operands: a sum over a million terms
# must not put a million numbers into one message.
MOST_OPERANDS_NAMED = 4


def _describe_operands(nodes):
    """'a = 1.0 and 2.0' for a few operands; the first few and '… and N more' for many."""
    named = [_describe(node) for node in nodes[:MOST_OPERANDS_NAMED]]
    left_out = len(nodes) - len(named)
    if left_out:
        return f"{', '.join(named)} … and {left_out} more"
    return " and ".join(named)


def _failed(op, parents, error):
    """The op's error, reworded to name the op and its operands."""
    return type(error)(f"'{op}' failed on {_describe_operands(parents)}: {error}")


def _counted_local_grads(op, parents, inputs, out):
    """``op.local_grads(*inputs, out)``, refused with ops.OpRuleError unless one per parent.

    Counted when an n-ary node is made: n-ary rows cannot be checked when
    they are made, as fixed-arity rows are (ops.check_rules), and the count
    costs little beside a node with many parents.
    """
    local_grads = op.local_grads(*inputs, out)
    if type(local_grads) is not tuple or len(local_grads) != len(parents):
        raise ops.OpRuleError(ops.wrong_local_grads(
            op, len(parents), local_grads, f"at {_describe_operands(parents)}"))
    return local_grads


def _node_in_other_mode(op, parents, inputs, out):
    """The result node under ``no_grad()`` (a leaf) or ``detect_anomaly()`` (checked).

    Kept out of the node makers and ``_apply`` so that the usual case,
    recording without checks, costs one read of the mode and one identity test.
    """
    mode = current_mode()
    if mode is NOT_RECORDING:
        return _node(out, "", (), (), INPUT)
    return _checked_node(op, parents, inputs, out, mode.recording)


def _checked_node(op, parents, inputs, out, recording):
    """Make a node inside ``detect_anomaly()``: refuse a NaN or infinite forward result or local derivative.

    The node's local derivatives also remember the line of the user's code
    that made it, for the backward pass's errors (see ``anomaly.py``).

    Raises:
        AnomalyError: naming the op, its operands and that line; and the
            errors of :func:`_apply`.
    """
    if not math.isfinite(out):
        raise anomaly.non_finite_forward(op, parents, out, anomaly.creation_site())
    if not recording:
        return _node(out, "", (), (), INPUT)
    try:
        local_grads = _counted_local_grads(op, parents, inputs, out)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise _failed(op, parents, error) from None
    site = anomaly.creation_site()
    for local_grad in local_grads:
        if not math.isfinite(local_grad):
            raise anomaly.non_finite_local_grad(op, parents, out, local_grads, site)
    return _node(out, op, parents, anomaly.LocalGradsMadeAt(local_grads, site), RESULT)


# Making nodes is the engine's hot path: every + and * of a training step
# passes here.  So each fixed-arity row of the table gets its own node maker,
# a small function *written from the row* when the engine is imported: the
# row's ``code`` expressions (the same rules as its ``forward`` and
# ``local_grads``, which a test checks against them) are placed inline, and a
# row without them has its two functions called.  No rule is copied here, and
# a new row gets its maker without a line of this file changing.  Against
# calling the row's two functions through one shared maker, this takes a
# third less time per node (about 145 against 225 ns for a product; see
# demos/benchmark.py).  ``print(maker.source)`` shows what was written.
#
# Each maker reads the mode of its thread or task once (grad_mode.py):
# recording, the usual case, is one C call and one identity test;
# no_grad() and detect_anomaly() are handled out of line.

_MAKER_TEMPLATE = """\
def make_node({signature}):
    {docstring!r}
{operand}    {data}
    try:
        out = {forward}
        if current_mode() is RECORDING:
            node = new_object(Value)
            node.data = out
            node.grad = 0.0
            node.op = op
            node.label = ""
            node.parents = ({parents},)
            node.local_grads = {local_grads}
            node.role = RESULT
            return node
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise _failed(op, ({parents},), error) from None
    return _node_in_other_mode(op, ({parents},), ({inputs},), out)
"""

# The parents' names and their data's names in a maker, by position.
_PARENT_NAMES, _INPUT_NAMES = ("a", "b"), ("x", "y")

# A two-input maker takes a number for the other operand as well (2 * a,
# a * 2): it becomes a constant leaf, as _operand makes it.
_OPERAND_TEMPLATE = """\
    if type({other}) is not Value:
        {other} = _operand({other}, op, {this})
"""

# id(row) -> (row, its maker); the row is kept so that its id is never reused.
_makers = {}


def node_maker(op, reflected=False):
    """The function that makes ``op``'s nodes from its parents, ``make_node(a)`` or ``make_node(a, b)``.

    Written from the row once, when first asked for, and kept: see the note
    above.  It does what :func:`_apply` does, for a row of fixed arity 1 or 2.
    A two-input maker also takes an int or float as its second parent,
    which becomes a constant leaf, so ``make_node(a, 2)`` is ``a * 2``: the
    maker is the operator itself (``Value.__mul__``).

    Args:
        op: an :class:`autograd.ops.Op` whose arity is 1 or 2.
        reflected: for a two-input row, the maker of the reflected operator
            (``Value.__rsub__``): ``make_node(b, a)`` takes the right parent
            first and makes the node of ``a - b``, ``a`` being the number or
            Value on the left.

    Returns:
        function of ``op.arity`` Values returning a Value; its ``source``
        attribute is the Python it was made from.

    Raises:
        ValueError: for a row of another arity (n-ary rows go through
            ``_apply``), or ``reflected`` for a one-input row.
        TypeError, from the maker: for an operand that is not a Value, an
            int or a float, naming the op and the other operand.

    >>> from autograd import ops
    >>> print(node_maker(ops.MUL).source.splitlines()[7])
            out = x * y
    """
    known = _makers.get((id(op), reflected))
    if known is not None:
        return known[1]
    if op.arity not in (1, 2):
        raise ValueError(f"node_maker: the row '{op}' takes {op.arity or 'any number of'} "
                         f"inputs; only rows of 1 or 2 inputs get a maker")
    if reflected and op.arity != 2:
        raise ValueError(f"node_maker: the row '{op}' takes 1 input, so it has no reflected maker")
    parents, inputs = _PARENT_NAMES[:op.arity], _INPUT_NAMES[:op.arity]
    # __name__: the maker counts as the engine's code (compile.py's watch asks).
    namespace = {"__name__": __name__, "current_mode": current_mode, "RECORDING": RECORDING,
                 "new_object": object.__new__, "Value": Value, "RESULT": RESULT, "op": op,
                 "_failed": _failed, "_node_in_other_mode": _node_in_other_mode, "nan": math.nan,
                 "_operand": _operand}
    if op.code is not None:
        forward, local_grads = op.code(list(inputs), "out")
        local_grads = f"({', '.join(local_grads)},)"
    else:
        namespace.update(forward=op.forward, local_grads=op.local_grads)
        forward = f"forward({', '.join(inputs)})"
        local_grads = f"local_grads({', '.join(inputs)}, out)"
    operand, signature = "", parents
    docstring = (f"The node {op.formula_text(list(parents), 'out')} from its "
                 f"parent{'s' * (op.arity > 1)}, written from the row '{op}' of ops.py by "
                 f"node_maker.")
    if op.arity == 2:
        # The operand that may be a number: the right one, or for a reflected
        # operator (2 - a calls a.__rsub__(2)) the left one, which comes second.
        this, other = ("b", "a") if reflected else ("a", "b")
        operand, signature = _OPERAND_TEMPLATE.format(other=other, this=this), (this, other)
        docstring += f" {other} may be an int or float, which becomes a constant leaf."
    source = _MAKER_TEMPLATE.format(
        docstring=docstring, signature=", ".join(signature), operand=operand,
        parents=", ".join(parents), inputs=", ".join(inputs), forward=forward, local_grads=local_grads,
        data="\n    ".join(f"{x} = {a}.data" for a, x in zip(parents, inputs)))
    # A traceback through a maker shows this file name, inside the engine's
    # folder (so detect_anomaly() looks past it for the user's line), and
    # the maker's own lines, which linecache is given.
    file_name = os.path.join(os.path.dirname(__file__),
                             f"<node maker written from the row '{op}' of ops.py"
                             f"{', reflected' if reflected else ''}>")
    linecache.cache[file_name] = (len(source), None, source.splitlines(True), file_name)
    exec(compile(source, file_name, "exec"), namespace)
    maker = namespace["make_node"]
    maker.source = source
    _makers[(id(op), reflected)] = (op, maker)
    return maker


def _unary(op, a):
    """``_apply(op, (a,))``, for one parent, through the row's maker."""
    return node_maker(op)(a)


def _binary(op, a, b):
    """``_apply(op, (a, b))``, for two parents, through the row's maker."""
    return node_maker(op)(a, b)


# The fixed rows' makers, written once when the engine is imported; the
# Value methods above call them.
(_make_add, _make_sub, _make_mul, _make_div, _make_neg, _make_pow, _make_exp, _make_log,
 _make_tanh, _make_sigmoid, _make_relu, _make_softplus, _make_step, _make_max, _make_min,
 _make_abs) = map(node_maker, (ops.ADD, ops.SUB, ops.MUL, ops.DIV, ops.NEG, ops.POW, ops.EXP,
                               ops.LOG, ops.TANH, ops.SIGMOID, ops.RELU, ops.SOFTPLUS, ops.STEP,
                               ops.MAX, ops.MIN, ops.ABS))

# The operators.  ``a + b`` calls ``a.__add__(b)``, which is the '+' row's
# maker itself, and ``2 + a`` calls ``a.__radd__(2)``, the row's reflected
# maker.  Against a method that calls the maker, this is a call fewer per
# node: about a tenth of the time of building micrograd's graph op by op
# (see demos/benchmark.py).
Value.__add__, Value.__radd__ = _make_add, node_maker(ops.ADD, reflected=True)
Value.__sub__, Value.__rsub__ = _make_sub, node_maker(ops.SUB, reflected=True)
Value.__mul__, Value.__rmul__ = _make_mul, node_maker(ops.MUL, reflected=True)
Value.__truediv__, Value.__rtruediv__ = _make_div, node_maker(ops.DIV, reflected=True)
Value.__neg__ = _make_neg


def _apply(op, parents):
    """Run ``op`` forward on the parents' data and make the result node.

    Under ``no_grad()`` the result is a leaf holding only its data.

    Raises the op's ValueError, ZeroDivisionError or OverflowError, from its
    forward rule or its local-derivative rule, reworded to name the op and its
    operands; nothing is added to the graph then.  Raises ops.OpRuleError,
    naming the op, if its rule gives other than one local derivative per parent.
    Inside ``detect_anomaly()``, raises AnomalyError for a NaN or infinite
    forward result or local derivative.
    """
    inputs = [parent.data for parent in parents]
    try:
        out = op.forward(*inputs)
        if current_mode() is RECORDING:
            return _node(out, op, parents, _counted_local_grads(op, parents, inputs, out), RESULT)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise _failed(op, parents, error) from None
    return _node_in_other_mode(op, parents, inputs, out)


def sum_values(values):
    """Sum a non-empty sequence of Values (or numbers) as ONE node with op ``sum``.

    Equal to ``a + b + c + ...`` but one node instead of n - 1, so a loss over
    a batch stays small.  The sum is exact-rounded (``math.fsum``); where
    the terms overflow or hold inf and -inf it is what ``+`` gives (inf or
    nan), not an error.

    Args:
        values: sequence of Values or numbers (at least one Value).

    Returns:
        Value.

    Raises:
        ValueError: if ``values`` is empty.

    >>> sum_values([Value(1.0), Value(2.0), 3]).data
    6.0
    """
    values = list(values)
    if not values:
        raise ValueError("sum_values needs at least one value")
    anchor = next((v for v in values if isinstance(v, Value)), None)
    if anchor is None:
        raise TypeError("sum_values needs at least one Value among its numbers")
    return _apply(ops.SUM, tuple(_operand(v, ops.SUM, anchor) for v in values))


def _pair(op, x, y):
    """Two operands, at least one a Value, as Values (a number becomes a constant leaf)."""
    anchor = x if isinstance(x, Value) else y
    if not isinstance(anchor, Value):
        raise TypeError(f"{op} needs at least one Value, got {type(x).__name__} {x!r} and "
                        f"{type(y).__name__} {y!r}; for numbers use Python's own {op}()")
    return _operand(x, op, anchor), _operand(y, op, anchor)


def maximum(x, y):
    """max(x, y) as a node of the graph, x and y Values or numbers (at least one a Value).

    Named as in PyTorch and NumPy (``torch.maximum``).  The gradient goes to
    the larger input, and the other gets 0; at a tie (x == y) each gets half,
    as in PyTorch.

    Raises:
        TypeError: if neither is a Value.

    >>> a = Value(3.0, "a")
    >>> y = maximum(a, 3); y.backward()
    >>> y.data, a.grad
    (3.0, 0.5)
    """
    return _make_max(*_pair(ops.MAX, x, y))


def minimum(x, y):
    """min(x, y) as a node of the graph, x and y Values or numbers; at a tie each gets half the gradient.

    >>> a = Value(-2.0, "a")
    >>> y = minimum(0, a); y.backward()
    >>> y.data, a.grad
    (-2.0, 1.0)
    """
    return _make_min(*_pair(ops.MIN, x, y))


def weighted_sum(weights, inputs, bias):
    """A neuron's weighted sum z = Σ_i w_i·a_i + b as ONE node (op ``Σw·a+b``).

    The notes' z[l]_j = Σ_i w[l]_ij · a[l-1]_i + b[l]_j.  Its parents are
    ``(*weights, *inputs, bias)`` and its local derivatives ∂z/∂w_i = a_i,
    ∂z/∂a_i = w_i, ∂z/∂b = 1.

    Args:
        weights: list of n Values.
        inputs: list of n Values or numbers.
        bias: Value.

    Returns:
        Value.

    Raises:
        TypeError: if a weight or the bias is not a Value (they are the
            parameters that receive gradients), an input is not a Value or a
            number, or weights or inputs is not a list; the message names it.
        ValueError: if ``weights`` and ``inputs`` differ in length.

    >>> w, b = [Value(0.5), Value(-1.0)], Value(0.25)
    >>> weighted_sum(w, [2.0, 3.0], b).data
    -1.75
    """
    try:
        n_weights, n_inputs = len(weights), len(inputs)
    except TypeError:
        raise TypeError(f"weighted_sum: weights and inputs must be lists, got "
                        f"{type(weights).__name__} and {type(inputs).__name__}") from None
    if n_weights != n_inputs:
        raise ValueError(f"weighted_sum: {n_weights} weights but {n_inputs} inputs")
    if not isinstance(bias, Value):
        raise TypeError(f"weighted_sum: bias is {type(bias).__name__} {bias!r}, expected a Value")
    inputs = [a if isinstance(a, Value) else _operand(a, ops.WEIGHTED_SUM, bias) for a in inputs]
    try:
        return weighted_sum_node(weights, inputs, bias)
    except AttributeError:
        # A weight without .data: found here, after the fact, so that the
        # common call (a neuron's forward pass) pays nothing for the check.
        for position, weight in enumerate(weights):
            if not isinstance(weight, Value):
                raise TypeError(f"weighted_sum: weights[{position}] is {type(weight).__name__} "
                                f"{weight!r}, expected a Value") from None
        raise


_forward_of_groups, _local_grads_of_groups = ops.WEIGHTED_SUM.grouped


def weighted_sum_node(weights, inputs, bias, inputs_data=None):
    """:func:`weighted_sum` without its checks, for callers that made its arguments themselves.

    A neuron's forward pass (``nn.Neuron``) calls this: its weights and bias
    are its own Values and its layer turned the inputs into Values once for
    all its neurons, so the checks would cost a test per input per neuron,
    about a third of the node's time.  It does what ``_apply`` does with
    ``(*weights, *inputs, bias)``, calling the row's rules in their grouped
    form (``ops.WEIGHTED_SUM.grouped``).

    Args:
        weights: list of n Values.
        inputs: list of n Values.
        bias: Value.
        inputs_data: ``[a.data for a in inputs]``, if the caller has it: a
            layer reads its inputs' data once for all its neurons.

    Returns:
        Value.

    Raises:
        AttributeError: for a weight, input or bias that is not a Value.
        AnomalyError: inside ``detect_anomaly()``, as ``_apply``.
    """
    weights_data = [weight.data for weight in weights]
    if inputs_data is None:
        inputs_data = [a.data for a in inputs]
    bias_data = bias.data
    parents = (*weights, *inputs, bias)
    out = _forward_of_groups(weights_data, inputs_data, bias_data)
    if current_mode() is RECORDING:
        return _node(out, ops.WEIGHTED_SUM, parents,
                     _local_grads_of_groups(weights_data, inputs_data, bias_data), RESULT)
    return _node_in_other_mode(ops.WEIGHTED_SUM, parents,
                               [*weights_data, *inputs_data, bias_data], out)


def weighted_sum_nodes(weights_of_neurons, inputs, biases):
    """A layer's weighted sums, one node per neuron, with the inputs' data read once for all.

    :func:`weighted_sum_node` for each neuron in turn (without checks, for
    ``nn.Layer``, which made the arguments itself).

    Args:
        weights_of_neurons: list of m lists of n Values, one list per neuron.
        inputs: list of n Values, shared by every neuron.
        biases: list of m Values.

    Returns:
        list of m Values, the neurons' z in order.
    """
    inputs_data = [a.data for a in inputs]
    return [weighted_sum_node(weights, inputs, bias, inputs_data)
            for weights, bias in zip(weights_of_neurons, biases)]
