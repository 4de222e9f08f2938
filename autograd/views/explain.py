"""The chain rule written out: every path from a root down to a node, as a product of local derivatives.

A gradient dJ/dx is the sum, over every path from J down to x, of the
product of the local derivatives along that path.  This module lists those
paths with their op names and numbers, adds them up, and checks the sum
against the gradient of one backward pass from J, from zero (a record, see
:func:`autograd.record`), as the lecture notes do by hand at the end of
``../shared/seeds/000_*``: dL/dw1 = dL/da2 · da2/dz2 · dz2/da1 · da1/dz1 · dz1/dw1.
Where the user's ``x.grad`` holds something else (two ``backward()`` calls,
a second root, a stepper part-way), the explanation says which.

The number of paths can grow exponentially with depth (each ``x = x + x``
doubles it), so paths are counted first, by dynamic programming, and only
listed when there are at most ``max_paths`` of them; otherwise they are
grouped by the edge they end with, using the gradients the sweep stored.
"""

import functools
import math
import re
from typing import NamedTuple

from ..backward import record, require_value
from ..value import Value
from . import stepper
from .text import d, format_number, latex, node_names, partial

__all__ = ["chain_paths", "explain", "Explanation",
           "Edge", "ChainPath", "PathGroup", "ChainPaths", "NotInGraphError"]

# Path counts are exact up to this; past it only their size (log2) is kept,
# so a graph with 2^100000 paths costs no more memory than one with 2.
_EXACT_COUNT_LIMIT = 2 ** 64

_FORMATS = ("text", "markdown")

# A path longer than this is shown with its middle elided; its product still uses every factor.
_MAX_FACTORS_SHOWN = 24

_BACKPROP_SENTENCE = (
    "{grad_of_n} is the gradient the backward pass stored on n: backprop computes it once "
    "and reuses it for every path through n instead of walking the paths one by one, so one "
    "sweep costs one multiply-add per edge, not one per path.")


class NotInGraphError(ValueError):
    """The node asked about is not in the root's graph, so no path leads to it."""


class Edge(NamedTuple):
    """One edge of the graph, from ``child`` down to ``child.parents[slot]``.

    Attributes:
        child: the Value computed from ``parent``.
        slot: the position of ``parent`` among ``child.parents`` (0-based).
        parent: ``child.parents[slot]``.
        local_grad: ∂child/∂parent, ``child.local_grads[slot]`` (float).
    """

    child: Value
    slot: int
    parent: Value
    local_grad: float


class ChainPath(NamedTuple):
    """One path from the root down to the leaf: its edges (root first) and their product."""

    edges: tuple
    product: float


class PathGroup(NamedTuple):
    """All the paths that end with one edge into the leaf, taken together.

    Attributes:
        edge: the last edge, from a child n of the leaf down to the leaf.
        upstream_grad: d(root)/dn, the gradient the recorded pass stored on n.
        n_paths: how many paths from the root end with this edge (a PathCount).
        contribution: ``upstream_grad * edge.local_grad``, their sum.
    """

    edge: Edge
    upstream_grad: float
    n_paths: object
    contribution: float


class ChainPaths(NamedTuple):
    """What :func:`chain_paths` found.

    Attributes:
        root, leaf: the Values asked about.
        n_paths (PathCount): the number of paths from root down to leaf.
        paths (list of ChainPath or None): every path, when ``n_paths <= max_paths``.
        groups (list of PathGroup or None): otherwise, the paths grouped by their last edge.
        total (float): the sum of the path products (or of the group contributions).
        leaf_grad (float): d root/d leaf from one backward pass from zero (the record's).
        user_grad (float): ``leaf.grad`` as the user's graph holds it now.
        names (dict): Value -> name, see :func:`.text.node_names`.
        record (autograd.BackwardRecord): the pass checked against.
    """

    root: Value
    leaf: Value
    n_paths: object
    paths: list
    groups: list
    total: float
    leaf_grad: float
    user_grad: float
    names: dict
    record: object

    @property
    def agrees(self):
        """True when the sum over paths equals the recorded gradient (to rounding)."""
        return _agree(self.total, self.leaf_grad)


@functools.total_ordering
class PathCount:
    """How many paths: exact while it fits in 64 bits, else only its size as a power of 2.

    It compares with ints and other PathCounts (``found.n_paths == 2 ** 40``).

    Attributes:
        exact (int or None): the count, or None past 2^64.
        log2 (float): log2 of the count.
    """

    __slots__ = ("exact", "log2")

    def __init__(self, exact, log2):
        self.exact, self.log2 = exact, log2

    @classmethod
    def of(cls, n):
        return cls(n, math.log2(n) if n else -math.inf)

    def _key(self, other):
        if isinstance(other, PathCount):
            return other
        if isinstance(other, int):
            return PathCount.of(other) if other <= _EXACT_COUNT_LIMIT else \
                PathCount(None, math.log2(other))
        return NotImplemented

    def __eq__(self, other):
        other = self._key(other)
        if other is NotImplemented:
            return other
        if self.exact is not None and other.exact is not None:
            return self.exact == other.exact
        return self.exact is None and other.exact is None and self.log2 == other.log2

    def __lt__(self, other):
        other = self._key(other)
        if other is NotImplemented:
            return other
        if self.exact is not None and other.exact is not None:
            return self.exact < other.exact
        return self.log2 < other.log2

    def __hash__(self):
        return hash((self.exact, self.log2))

    def __repr__(self):
        return f"PathCount({self.exact if self.exact is not None else f'2^{self.log2}'})"

    def text(self, noun):
        """``"1 path"``, ``"1,099,511,627,776 paths"``, ``"about 2^15000 paths"``."""
        if self.exact is not None:
            return f"{self.exact:,} {noun}" + ("" if self.exact == 1 else "s")
        return f"about 2^{round(self.log2)} {noun}s"


def _add_counts(counts):
    """The sum of PathCounts, exact while it stays under the limit."""
    counts = [c for c in counts if c.exact != 0]
    if not counts:
        return PathCount(0, -math.inf)
    if all(c.exact is not None for c in counts):
        total = sum(c.exact for c in counts)
        if total <= _EXACT_COUNT_LIMIT:
            return PathCount.of(total)
    top = max(c.log2 for c in counts)
    return PathCount(None, top + math.log2(sum(2.0 ** (c.log2 - top) for c in counts)))


def _agree(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    # The sweep multiplies in another order than a path does, so allow rounding.
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _sum(numbers):
    numbers = list(numbers)
    if all(math.isfinite(x) for x in numbers):
        try:
            return math.fsum(numbers)
        except OverflowError:
            pass          # finite terms whose sum overflows: plain addition gives inf, as the sweep
    return sum(numbers)   # fsum refuses inf - inf; plain addition gives nan, as the sweep does


# --- the paths -----------------------------------------------------------------

def _check_arguments(root, leaf, max_paths):
    require_value(root, "explain's root")
    require_value(leaf, "explain's leaf")
    if isinstance(max_paths, bool) or not isinstance(max_paths, int):
        raise TypeError(f"max_paths must be an int, got {type(max_paths).__name__} {max_paths!r}")
    if max_paths < 1:
        raise ValueError(f"max_paths must be at least 1, got {max_paths}")


def _paths_down(order, leaf):
    """For each node, the number of paths from it down to ``leaf`` (dynamic programming).

    Parents come before children in ``order``, so each node's count is the
    sum of its parents' counts, one term per edge (``a * a`` counts twice).
    """
    paths_down = {}
    one = PathCount.of(1)
    for node in order:
        if node is leaf:
            paths_down[node] = one
        else:
            paths_down[node] = _add_counts([paths_down[parent] for parent in node.parents])
    return paths_down


def _paths_from_root(order):
    """For each node, the number of paths from the root (last in ``order``) down to it."""
    incoming = {node: [] for node in order}
    incoming[order[-1]].append(PathCount.of(1))
    paths_from_root = {}
    for node in reversed(order):
        paths_from_root[node] = _add_counts(incoming.pop(node))
        for parent in node.parents:
            incoming[parent].append(paths_from_root[node])
    return paths_from_root


def _every_path(root, leaf, paths_down):
    """Every path from root down to leaf, depth first, parents in argument order.

    Only edges towards a parent with a path to the leaf are followed, so no
    branch is a dead end and the work is proportional to the output.
    Iterative, so a path a million edges long is fine.
    """
    if root is leaf:
        return [ChainPath((), 1.0)]   # d root/d root = 1: the empty product
    paths = []
    edges = []
    products = [1.0]   # products[i] is the product of edges[:i]
    # Each stack entry: a node and an iterator over its remaining (slot, parent) pairs.
    stack = [(root, iter(enumerate(root.parents)))]
    while stack:
        node, remaining = stack[-1]
        for slot, parent in remaining:
            if paths_down[parent].exact == 0:
                continue
            edge = Edge(node, slot, parent, node.local_grads[slot])
            edges.append(edge)
            products.append(products[-1] * edge.local_grad)
            if parent is leaf:
                paths.append(ChainPath(tuple(edges), products[-1]))
                edges.pop()
                products.pop()
                continue
            stack.append((parent, iter(enumerate(parent.parents))))
            break
        else:
            stack.pop()
            if edges:
                edges.pop()
                products.pop()
    return paths


def chain_paths(root, leaf, *, max_paths=20):
    """Find the paths from ``root`` down to ``leaf`` and the products of their local derivatives.

    The paths are counted first by dynamic programming, so a graph with 2^40
    paths is answered at once: when there are more than ``max_paths``, they
    are grouped by their last edge (from a child n of the leaf), each group
    contributing d(root)/dn · ∂n/∂leaf with d(root)/dn the gradient the
    recorded pass stored on n.  The pass is one backward pass from ``root``,
    from zero (:func:`autograd.record`); no ``.grad`` is changed.

    Args:
        root: a Value (the output, e.g. the loss).
        leaf: a Value in root's graph (an input, a parameter, or any node).
        max_paths: int >= 1, the most paths listed one by one.

    Returns:
        ChainPaths.

    Raises:
        TypeError: if root or leaf is not a Value, or max_paths not an int.
        ValueError: if max_paths < 1.
        NotInGraphError: (a ValueError) if leaf is not in root's graph.

    The notes' J = 3(a + b·c) with a=5, b=3, c=2 (``../shared/seeds/002_*``):

    >>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    >>> J = (3 * (a + (b * c).named("u")).named("v")).named("J")
    >>> found = chain_paths(J, b)
    >>> found.n_paths.exact, [edge.local_grad for edge in found.paths[0].edges], found.total
    (1, [3.0, 1.0, 2.0], 6.0)
    >>> found.leaf_grad, found.user_grad
    (6.0, 0.0)
    """
    _check_arguments(root, leaf, max_paths)
    rec = record(root, who="explain")
    order = rec.order
    names = node_names(order)
    if leaf not in rec.position:
        leaf_name = leaf.label or "the node"
        raise NotInGraphError(
            f"{leaf_name} is not in the graph of {names[root]}: {names[root]} does not depend on "
            f"it, so {d(names[root], leaf_name)} = 0 and no path leads to it")
    paths_down = _paths_down(order, leaf)
    n_paths = paths_down[root]
    if n_paths <= max_paths:
        paths = _every_path(root, leaf, paths_down)
        return ChainPaths(root, leaf, n_paths, paths, None, _sum(p.product for p in paths),
                          rec.grads[leaf], _number(leaf.grad), names, rec)
    paths_from_root = _paths_from_root(order)
    groups = []
    for child in order:
        for slot, parent in enumerate(child.parents):
            if parent is leaf:
                local_grad = child.local_grads[slot]
                upstream = rec.grads[child]
                groups.append(PathGroup(Edge(child, slot, leaf, local_grad), upstream,
                                        paths_from_root[child], upstream * local_grad))
    return ChainPaths(root, leaf, n_paths, None, groups, _sum(g.contribution for g in groups),
                      rec.grads[leaf], _number(leaf.grad), names, rec)


def _number(grad):
    """A ``.grad`` as a float: ``backward(create_graph=True)`` leaves a Value there, whose data is the number."""
    return grad.data if hasattr(grad, "data") else grad


# --- writing it out ----------------------------------------------------------------

class _Factor(NamedTuple):
    """One factor as shown: one edge, or a run of edges through unlabelled nodes."""

    child: Value
    parent: Value
    value: float
    via: str


def _edge_op(edge):
    """The child's op, and which input the edge is when the parent enters more than once."""
    if edge.child.parents.count(edge.parent) > 1:
        return f"{edge.child.op} input {edge.slot + 1}"
    return str(edge.child.op)


def _factors(path, leaf, collapse_unlabelled):
    """The factors of a path, root first: one per edge, or one per run between labelled nodes."""
    if not collapse_unlabelled:
        return [_Factor(e.child, e.parent, e.local_grad, _edge_op(e)) for e in path.edges]
    factors = []
    run = []
    for edge in path.edges:
        run.append(edge)
        if edge.parent.label or edge.parent is leaf:
            value = 1.0
            for step in run:
                value *= step.local_grad
            # Composition reads root first: L = (/ ∘ sum ∘ neg ∘ log ∘ +)(a2).
            factors.append(_Factor(run[0].child, edge.parent, value,
                                   "∘".join(_edge_op(step) for step in run)))
            run = []
    return factors


def _count(n, noun):
    if isinstance(n, PathCount):
        return n.text(noun)
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _latex_name(name):
    r"""A node's name in LaTeX, in the notes' notation where it fits.

    >>> [_latex_name(n) for n in ("J", "w1", "z[2]_1", "w[1]_1,2", "n4", "loss", "x(n3)")]
    ['J', 'w_{1}', 'z^{[2]}_{1}', 'w^{[1]}_{1,2}', 'n_{4}', '\\mathrm{loss}', '\\mathrm{x(n3)}']
    >>> _latex_name("a + b·c"), _latex_name("tanh(x)")
    ('(a + b \\cdot c)', '\\mathrm{tanh}(x)')
    """
    if any(symbol in name for symbol in _EXPRESSION_SYMBOLS) or "(" in name and \
            name.endswith(")") and name[:name.index("(")].isidentifier() and \
            not _POSITION_SUFFIX.search(name):
        return _latex_expression(name)
    base, layer, sub = name, "", ""
    if "_" in base:
        base, sub = base.split("_", 1)
    if base.endswith("]") and "[" in base:
        base, layer = base[:-1].split("[", 1)
    letters = base.rstrip("0123456789")
    if letters != base and not sub and not layer:
        base, sub = letters, base[len(letters):]
    if not (base.isascii() and base.isalpha() and (not layer or layer.isdigit())):
        return f"\\mathrm{{{latex(name)}}}"
    shown = base if len(base) == 1 else f"\\mathrm{{{base}}}"
    if layer:
        shown += f"^{{[{layer}]}}"
    if sub:
        shown += f"_{{{latex(sub)}}}"
    return shown


_EXPRESSION_SYMBOLS = (" + ", " − ", "·", "/", "^", "−")
_POSITION_SUFFIX = re.compile(r"(\w|\])\((n\d+)\)")


def _latex_expression(name):
    """A name that is an expression (``a + b·c``, ``tanh(x)``) in LaTeX, each operand a name."""
    pieces = re.split(r"( \+ | − |·|/|\^|−|\(|\)|, )", name)
    out = []
    for piece in pieces:
        if piece in (" + ", "/", "(", ")", ", "):
            out.append(piece.replace(", ", ",\\,"))
        elif piece in (" − ", "−"):
            out.append(piece.replace("−", "-"))
        elif piece == "·":
            out.append(" \\cdot ")
        elif piece == "^":
            out.append("^")
        elif piece:
            piece = piece.replace("⟨", "(").replace("⟩", ")")
            out.append(piece if _is_number(piece) else
                       f"\\mathrm{{{piece}}}" if piece.isidentifier() and len(piece) > 1
                       and not piece[1:].isdigit() else _latex_name(piece))
    text = "".join(out)
    return text if re.match(r"^\\mathrm\{\w+\}\(", text) else f"({text})"


def _is_number(text):
    try:
        float(text.rstrip("…"))
    except ValueError:
        return False
    return True


class _Writer:
    """How one explanation is written: plain Unicode text, or Markdown with LaTeX.

    ``name(node)`` is a node's plain name (for prose and code spans);
    ``symbol(node)`` the name inside a formula (LaTeX in Markdown).
    """

    def __init__(self, names, markdown):
        self.names = names
        self.markdown = markdown
        self.times = " \\cdot " if markdown else " × "
        self.dot = "\\cdot" if markdown else " · "

    def name(self, node):
        return self.names[node]

    def symbol(self, node):
        if isinstance(node, str):
            return node
        return _latex_name(self.names[node]) if self.markdown else self.names[node]

    def total(self, of, wrt):
        of, wrt = self.symbol(of), self.symbol(wrt)
        if self.markdown:
            return f"\\frac{{\\partial {of}}}{{\\partial {wrt}}}"
        return d(of, wrt)

    def partial(self, of, wrt):
        of, wrt = self.symbol(of), self.symbol(wrt)
        if self.markdown:
            return f"\\frac{{\\partial {of}}}{{\\partial {wrt}}}"
        return partial(of, wrt)

    def number(self, x, first=True):
        """A number in a formula; negative ones after the first are bracketed: 3 × (-1)."""
        shown = format_number(x)
        if self.markdown:
            if shown.endswith("inf"):
                shown = shown.replace("inf", "\\infty")
            elif shown == "nan":
                shown = "\\mathrm{nan}"
            elif "e" in shown:
                mantissa, exponent = shown.split("e")
                shown = f"{mantissa} \\times 10^{{{int(exponent)}}}"
        return shown if first or not x < 0 else f"({shown})"

    def gap(self, n_hidden):
        return "\\cdots" if self.markdown else f"…({n_hidden} more)…"

    def code(self, text):
        return "`" + text.replace("`", "'") + "`" if self.markdown else text

    def math(self, formula):
        return f"$${formula}$$" if self.markdown else formula

    def check(self, found, left):
        """``left = b.grad after one backward() from zero ✓``, or the mismatch (✗)."""
        leaf_grad = f"{self.name(found.leaf)}.grad"
        if found.agrees:
            return f"{left} = {self.code(leaf_grad)} after one backward() from zero ✓"
        return (f"{left} ≠ {self.code(leaf_grad)} = {format_number(found.leaf_grad)} after one "
                f"backward() from zero ✗")


def user_grad_note(found):
    """Why the user's ``leaf.grad`` differs from one pass from zero, in one sentence; "" if it does not.

    The causes it tells apart: no pass yet (0), a stepper of this graph
    part-way through, k ``backward()`` calls without ``zero_grad()`` (k times
    the gradient, on a leaf), and gradients from another root (anything else).
    """
    user, right = found.user_grad, found.leaf_grad
    if _agree(user, right):
        return ""
    name, root = found.names[found.leaf], found.names[found.root]
    now = f"{name}.grad is {format_number(user)} now, not {format_number(right)}"
    for live in list(stepper._LIVE):
        if found.leaf in live.record.position and 0 < live.position < live.total \
                and _agree(user, live.grads_now()[found.leaf]):
            return (f"({now}: a Stepper of {live.root_name} is part-way, at {live.where()}; "
                    f"{name}.grad holds what its first {live.position} steps sent)")
    if user == 0:
        return (f"({now}: no backward() from {root} has filled it in (or it was zeroed); "
                f"the derivative above needs no backward() call)")
    if not found.leaf.parents and right != 0 and math.isfinite(user / right):
        times = user / right
        if times >= 2 and abs(times - round(times)) < 1e-9 * times:
            return (f"({now} = {round(times)} × {format_number(right)}: leaf gradients "
                    f"accumulate, as in PyTorch, so it looks like {round(times)} backward() "
                    f"calls without zero_grad() between them)")
    if found.leaf.parents:
        return (f"({now}: {name} is not a leaf, so its grad is the last pass's, from another "
                f"root; {d(root, name)} is taken here from {root} itself)")
    return (f"({now}: it holds gradients from other passes as well, such as a second root "
            f"(an L2 term added to the loss) or earlier training steps without zero_grad())")


def _path_formula(write, found, path, collapse_unlabelled):
    """'∂J/∂v · ∂v/∂u = 3 × 1 = 3' for a path, and its 'via' note."""
    factors = _factors(path, found.leaf, collapse_unlabelled)
    if not factors:
        return write.total(found.root, found.leaf) + " = 1", "the root itself: the empty path"
    shown = factors
    if len(factors) > _MAX_FACTORS_SHOWN:
        half = _MAX_FACTORS_SHOWN // 2
        shown = factors[:half] + factors[-half:]
    partials = [write.partial(f.child, f.parent) for f in shown]
    numbers = [write.number(f.value, first=(i == 0)) for i, f in enumerate(shown)]
    if len(shown) < len(factors):
        gap = write.gap(len(factors) - len(shown))
        partials.insert(len(partials) // 2, gap)
        numbers.insert(len(numbers) // 2, gap)
    formula = write.dot.join(partials)
    if len(factors) > 1:
        formula += " = " + write.times.join(numbers)
    formula += " = " + write.number(path.product)
    via = "via " + ", ".join(write.code(f.via) for f in factors)
    return formula, via


def _explain_paths(write, found, collapse_unlabelled):
    lines = []
    total = write.total(found.root, found.leaf)
    for number, path in enumerate(found.paths, 1):
        formula, via = _path_formula(write, found, path, collapse_unlabelled)
        if found.n_paths.exact == 1 and path.edges:
            formula = f"{total} = {formula}"
        heading = f"path {number} of {found.n_paths.exact}" if found.n_paths > 1 else ""
        if write.markdown:
            intro = f"{heading}, {via}" if heading else via
            lines.append(f"{intro[0].upper()}{intro[1:]}:")
            lines += [write.math(formula), ""]
        else:
            lines.append(f"{heading + ': ' if heading else ''}{formula}   ({via})")
    products = [write.number(p.product, first=(i == 0)) for i, p in enumerate(found.paths)]
    sums = " + ".join(products) + " = " if len(products) > 1 else ""
    n_paths = _count(found.n_paths, "path")
    if not write.markdown:
        lines.append(write.check(found, f"sum of {n_paths} = {sums}{write.number(found.total)}"))
    elif len(products) == 1:
        lines.append(write.check(found, f"Sum of {n_paths}: {format_number(found.total)}"))
    else:
        lines += [f"Sum of {n_paths}:", write.math(f"{total} = {sums}{write.number(found.total)}"),
                  "", write.check(found, format_number(found.total))]
    return lines


def _explain_groups(write, found, max_paths):
    root, leaf = found.root, found.leaf
    shown, hidden = found.groups[:max_paths], found.groups[max_paths:]
    total = write.total(root, leaf)
    lines = [f"{write.code(d(write.name(root), write.name(leaf)))} sums "
             f"{_count(found.n_paths, 'path')} from {write.code(write.name(root))} down to "
             f"{write.code(write.name(leaf))}, more than max_paths = {max_paths}, so they are "
             f"grouped by the edge they end with, from a child n of {write.code(write.name(leaf))}; "
             f"each group stands for every path from {write.code(write.name(root))} down to n:"]
    rule = f"{total} = " + ("\\sum_{n} " if write.markdown else "Σ over each edge from a child n: ")
    rule += write.total(root, "n") + write.dot + write.partial("n", leaf)
    lines += ["", write.math(rule), ""] if write.markdown else [rule]
    for group in shown:
        child = group.edge.child
        formula = (f"{write.total(root, child)}{write.dot}{write.partial(child, leaf)} = "
                   f"{write.number(group.upstream_grad)}{write.times}"
                   f"{write.number(group.edge.local_grad, first=False)} = "
                   f"{write.number(group.contribution)}")
        where = (f"via {write.code(_edge_op(group.edge))}, standing for "
                 f"{_count(group.n_paths, 'path')}")
        if write.markdown:
            lines.append(f"- through {write.code(write.name(child))} ({where}): {write.math(formula)}")
        else:
            lines.append(f"  through {write.name(child)}: {formula}   ({where})")
    terms = [write.number(g.contribution, first=(i == 0)) for i, g in enumerate(shown)]
    hidden_note = ""
    if hidden:
        terms.append(write.number(_sum(g.contribution for g in hidden), first=False))
        hidden_note = f" (the last term adds up the {len(hidden):,} groups not listed)"
    sums = " + ".join(terms) + " = " if len(terms) > 1 else ""
    n_groups = _count(len(found.groups), "group")
    if write.markdown:
        lines += ["", f"Sum of {n_groups}{hidden_note}:",
                  write.math(f"{total} = {sums}{write.number(found.total)}"), "",
                  write.check(found, format_number(found.total)), ""]
    else:
        lines.append(write.check(found, f"sum of {n_groups}{hidden_note} = {sums}"
                                        f"{write.number(found.total)}"))
    lines.append(_BACKPROP_SENTENCE.format(grad_of_n=write.code(d(write.name(root), "n"))))
    return lines


def explain(root, leaf, *, format="text", max_paths=20, collapse_unlabelled=False):
    r"""Write out d(root)/d(leaf) by the chain rule: each path's product of local derivatives, and their sum.

    Each path from ``root`` down to ``leaf`` is shown as its local
    derivatives, their numbers, their product and the ops it passes through;
    then the sum of the paths, checked against d root/d leaf from one
    backward pass from ``root``, from zero (a record; no ``.grad`` changes).
    Where the user's ``leaf.grad`` holds something else, a last line says
    why: no pass yet, several ``backward()`` calls, a stepper part-way, or
    gradients from another root.  With more than ``max_paths`` paths, the
    paths are grouped by the edge they end with (see :func:`chain_paths`).

    Nodes are named as in every view (:func:`.text.node_names`).

    Args:
        root: a Value.
        leaf: a Value in root's graph.
        format: ``"text"`` (plain Unicode) or ``"markdown"`` (Markdown with
            LaTeX ``$$…$$`` blocks, for notebooks).
        max_paths: int >= 1, the most paths (or groups) listed one by one.
        collapse_unlabelled: if True, a run of edges through unlabelled nodes is
            shown as one factor, the product across it, so that a path reads
            in labelled names only: ∂L/∂a2 rather than each step of the loss.

    Returns:
        Explanation: a str (no trailing newline) that a REPL prints as text and
        Jupyter shows as Markdown.

    Raises:
        TypeError, ValueError, NotInGraphError: as :func:`chain_paths`; ValueError
        for an unknown format.

    >>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    >>> J = (3 * (a + (b * c).named("u")).named("v")).named("J")
    >>> J.backward(); J.backward()
    >>> print(explain(J, b))
    dJ/db = ∂J/∂v · ∂v/∂u · ∂u/∂b = 3 × 1 × 2 = 6   (via *, +, *)
    sum of 1 path = 6 = b.grad after one backward() from zero ✓
    (b.grad is 12 now, not 6 = 2 × 6: leaf gradients accumulate, as in PyTorch, so it looks like 2 backward() calls without zero_grad() between them)
    >>> print(explain(J, a, format="markdown"))
    Via `*`, `+`:
    $$\frac{\partial J}{\partial a} = \frac{\partial J}{\partial v}\cdot\frac{\partial v}{\partial a} = 3 \cdot 1 = 3$$
    <BLANKLINE>
    Sum of 1 path: 3 = `a.grad` after one backward() from zero ✓
    <BLANKLINE>
    (a.grad is 6 now, not 3 = 2 × 3: leaf gradients accumulate, as in PyTorch, so it looks like 2 backward() calls without zero_grad() between them)
    """
    if format not in _FORMATS:
        raise ValueError(f"format must be one of {', '.join(map(repr, _FORMATS))}, got {format!r}")
    found = chain_paths(root, leaf, max_paths=max_paths)
    write = _Writer(found.names, markdown=(format == "markdown"))
    lines = []
    if found.paths is not None:
        lines += _explain_paths(write, found, collapse_unlabelled)
    else:
        lines += _explain_groups(write, found, max_paths)
    note = user_grad_note(found)
    if note:
        lines = [line for line in lines] + ([""] if write.markdown else []) + [note]
    return Explanation("\n".join(lines).rstrip("\n"), markdown=write.markdown)


class Explanation(str):
    """The text :func:`explain` returns: a str that a REPL prints plainly and Jupyter shows as Markdown.

    Attributes:
        markdown (bool): whether the text is Markdown with LaTeX.
    """

    def __new__(cls, text, markdown=False):
        explanation = super().__new__(cls, text)
        explanation.markdown = markdown
        return explanation

    def __repr__(self):
        return str(self)

    def _repr_markdown_(self):
        return str(self) if self.markdown else f"```\n{self}\n```"
