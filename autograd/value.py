"""The node of the graph: a Value holds a number, the op that made it, its parents and local derivatives."""

import numbers

from . import ops
from .backward import sweep
from .grad_mode import _GradMode

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

    # --- arithmetic: each line picks a row of the table in ops.py --------------------

    def __add__(self, other):
        return _binary(ops.ADD, self, _operand(other, ops.ADD, self))

    def __radd__(self, other):
        return _binary(ops.ADD, _operand(other, ops.ADD, self), self)

    def __sub__(self, other):
        return _binary(ops.SUB, self, _operand(other, ops.SUB, self))

    def __rsub__(self, other):
        return _binary(ops.SUB, _operand(other, ops.SUB, self), self)

    def __mul__(self, other):
        return _binary(ops.MUL, self, _operand(other, ops.MUL, self))

    def __rmul__(self, other):
        return _binary(ops.MUL, _operand(other, ops.MUL, self), self)

    def __truediv__(self, other):
        return _binary(ops.DIV, self, _operand(other, ops.DIV, self))

    def __rtruediv__(self, other):
        return _binary(ops.DIV, _operand(other, ops.DIV, self), self)

    def __neg__(self):
        return _unary(ops.NEG, self)

    def __pos__(self):
        return self

    def __pow__(self, exponent):
        """``x ** n`` with a number n (op ``**n``), or ``x ** y`` with a Value y (op ``**``)."""
        if isinstance(exponent, Value):
            return _binary(ops.POW, self, exponent)
        if type(exponent) is int or type(exponent) is float:
            # The common case (x ** 2), without building the error message below.
            return _unary(ops.power_by(float(exponent)), self)
        return _unary(ops.power_by(_to_float(exponent, f"'**' of {_describe(self)}: the exponent")),
                      self)

    def __rpow__(self, base):
        """``2 ** x``: a number base becomes a constant leaf."""
        return _binary(ops.POW, _operand(base, ops.POW, self), self)

    def exp(self):
        """e ** self.  Raises OverflowError when the result is too large for a float (data > 709.78)."""
        return _unary(ops.EXP, self)

    def log(self):
        """Natural log (base e) of self.  Raises ValueError for data <= 0."""
        return _unary(ops.LOG, self)

    def tanh(self):
        """Hyperbolic tangent, in (-1, 1)."""
        return _unary(ops.TANH, self)

    def sigmoid(self):
        """Logistic sigmoid 1 / (1 + e^-x), in (0, 1); never overflows."""
        return _unary(ops.SIGMOID, self)

    def relu(self, grad_at_zero=0.0):
        """max(0, self); the local derivative at the kink 0 is ``grad_at_zero``.

        0 by default, as in PyTorch; the notes (``003_*``) also allow 0.5.
        Raises ValueError for a ``grad_at_zero`` outside [0, 1].  relu(nan) is nan.
        """
        if grad_at_zero == 0.0:
            return _unary(ops.RELU, self)
        return _unary(ops.relu_with(_to_float(grad_at_zero, "relu(grad_at_zero)")), self)

    def leaky_relu(self, slope=0.01):
        """self if self > 0 else slope·self (slope a number; default 0.01, PyTorch's; the notes use 0.1)."""
        return _unary(ops.leaky_relu_with(_to_float(slope, "leaky_relu(slope)")), self)

    def softplus(self):
        """ln(1 + e^self), a smooth ReLU whose derivative is σ(self); never overflows."""
        return _unary(ops.SOFTPLUS, self)

    def step(self):
        """The perceptron's step: 1 if self > 0 else 0.  Its local derivative is 0 everywhere."""
        return _unary(ops.STEP, self)

    def max(self, other):
        """max(self, other), other a Value or a number: routes the gradient to the larger one.

        At a tie each gets half the upstream gradient, as in PyTorch's
        ``torch.maximum``.

        >>> a, b = Value(2.0, "a"), Value(5.0, "b")
        >>> y = a.max(b); y.backward()
        >>> y.data, a.grad, b.grad
        (5.0, 0.0, 1.0)
        """
        return _binary(ops.MAX, self, _operand(other, ops.MAX, self))

    def min(self, other):
        """min(self, other), other a Value or a number: routes the gradient to the smaller one (½ each at a tie)."""
        return _binary(ops.MIN, self, _operand(other, ops.MIN, self))

    def abs(self):
        """|self|; the local derivative is sign(self), taken as 0 at 0 (as PyTorch's ``torch.abs``)."""
        return _unary(ops.ABS, self)

    def __abs__(self):
        """``abs(v)``: the same as ``v.abs()``."""
        return _unary(ops.ABS, self)

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
    if isinstance(other, bool) or not isinstance(other, numbers.Real):
        raise TypeError(f"cannot apply '{op}' to {_describe(this)} and {type(other).__name__} "
                        f"{other!r}: a Value combines only with int, float and Value")
    constant = Value(float(other))
    constant.role = CONSTANT
    return constant


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


# Making nodes is the engine's hot path: every + and * of a training step
# passes here.  _unary and _binary do exactly what _apply does for one and two
# parents, with the rules from the same table, but pass the parents' data
# straight to the rules instead of building a list of inputs and unpacking it
# (about a third less time per node; see demos/benchmark.py).

def _unary(op, a):
    """``_apply(op, (a,))``, for one parent."""
    x = a.data
    try:
        out = op.forward(x)
        if _GradMode.enabled:
            return _node(out, op, (a,), op.local_grads(x, out), RESULT)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise _failed(op, (a,), error) from None
    return _node(out, "", (), (), INPUT)


def _binary(op, a, b):
    """``_apply(op, (a, b))``, for two parents."""
    x, y = a.data, b.data
    try:
        out = op.forward(x, y)
        if _GradMode.enabled:
            return _node(out, op, (a, b), op.local_grads(x, y, out), RESULT)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise _failed(op, (a, b), error) from None
    return _node(out, "", (), (), INPUT)


def _apply(op, parents):
    """Run ``op`` forward on the parents' data and make the result node.

    Under ``no_grad()`` the result is a leaf holding only its data.

    Raises the op's ValueError, ZeroDivisionError or OverflowError, from its
    forward rule or its local-derivative rule, reworded to name the op and its
    operands; nothing is added to the graph then.  Raises ops.OpRuleError,
    naming the op, if its rule gives other than one local derivative per parent.
    """
    inputs = [parent.data for parent in parents]
    try:
        out = op.forward(*inputs)
        if _GradMode.enabled:
            local_grads = op.local_grads(*inputs, out)
            # Counted here, once per node: n-ary rows cannot be checked when
            # they are made, as fixed-arity rows are (ops.check_rules), and the
            # count costs little beside a node with many parents.
            if type(local_grads) is not tuple or len(local_grads) != len(parents):
                raise ops.OpRuleError(ops.wrong_local_grads(
                    op, len(parents), local_grads, f"at {_describe_operands(parents)}"))
            return _node(out, op, parents, local_grads, RESULT)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise _failed(op, parents, error) from None
    return _node(out, "", (), (), INPUT)


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
    return _binary(ops.MAX, *_pair(ops.MAX, x, y))


def minimum(x, y):
    """min(x, y) as a node of the graph, x and y Values or numbers; at a tie each gets half the gradient.

    >>> a = Value(-2.0, "a")
    >>> y = minimum(0, a); y.backward()
    >>> y.data, a.grad
    (-2.0, 1.0)
    """
    return _binary(ops.MIN, *_pair(ops.MIN, x, y))


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
        return _apply(ops.WEIGHTED_SUM, (*weights, *inputs, bias))
    except AttributeError:
        # A weight without .data: found here, after the fact, so that the
        # common call (a neuron's forward pass) pays nothing for the check.
        for position, weight in enumerate(weights):
            if not isinstance(weight, Value):
                raise TypeError(f"weighted_sum: weights[{position}] is {type(weight).__name__} "
                                f"{weight!r}, expected a Value") from None
        raise
