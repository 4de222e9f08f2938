"""The chain rule written out: every path from a root down to a node, as a product of local derivatives.

A gradient dJ/dx is the sum, over every path from J down to x, of the
product of the local derivatives along that path.  This module lists those
paths with their op names and numbers, adds them up, and checks the sum
against ``x.grad`` from the one backward sweep, as the lecture notes do by
hand at the end of ``../shared/seeds/000_*``:
dL/dw1 = dL/da2 · da2/dz2 · dz2/da1 · da1/dz1 · dz1/dw1.

The number of paths can grow exponentially with depth (each ``x = x + x``
doubles it), so paths are counted first, by dynamic programming, and only
listed when there are at most ``max_paths`` of them; otherwise they are
grouped by the edge they end with, using the gradients the sweep stored.
"""

import math
from typing import NamedTuple

from .backward import sweep
from .graph import node_names, topological_order
from .value import Value

__all__ = ["chain_paths", "explain", "node_names", "format_number",
           "Edge", "ChainPath", "PathGroup", "ChainPaths", "NotInGraphError"]

_FORMATS = ("text", "markdown")

# A path longer than this is shown with its middle elided; its product still uses every factor.
_MAX_FACTORS_SHOWN = 24

_BACKPROP_SENTENCE = (
    "{grad_of_n} is the gradient the backward sweep stored on n: backprop computes it once "
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
        upstream_grad: d(root)/dn, the gradient the backward sweep stored on n.
        n_paths: how many paths from the root end with this edge (int).
        contribution: ``upstream_grad * edge.local_grad``, their sum.
    """

    edge: Edge
    upstream_grad: float
    n_paths: int
    contribution: float


class ChainPaths(NamedTuple):
    """What :func:`chain_paths` found.

    Attributes:
        root, leaf: the Values asked about.
        n_paths (int): the number of paths from root down to leaf (exact, however large).
        paths (list of ChainPath or None): every path, when ``n_paths <= max_paths``.
        groups (list of PathGroup or None): otherwise, the paths grouped by their last edge.
        total (float): the sum of the path products (or of the group contributions).
        leaf_grad (float): ``leaf.grad`` after the backward sweep.
        ran_sweep (bool): True if :func:`chain_paths` ran the sweep itself
            (the root's gradient was not 1, so gradients had not been computed from it).
        names (dict): Value -> name, see :func:`node_names`.
    """

    root: Value
    leaf: Value
    n_paths: int
    paths: list
    groups: list
    total: float
    leaf_grad: float
    ran_sweep: bool
    names: dict

    @property
    def agrees(self):
        """True when the sum over paths equals the swept gradient (to rounding)."""
        return _agree(self.total, self.leaf_grad)


# --- names and numbers ---------------------------------------------------------

def format_number(x):
    """Show a float briefly: whole numbers in full, others to 6 significant digits.

    >>> format_number(6.0), format_number(-0.25), format_number(1 / 3), format_number(2.0 ** 40)
    ('6', '-0.25', '0.333333', '1099511627776')
    """
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e16:
        return str(int(x))
    return f"{x:.6g}"


def _agree(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    # The sweep multiplies in another order than a path does, so allow rounding.
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _sum(numbers):
    numbers = list(numbers)
    if all(math.isfinite(x) for x in numbers):
        return math.fsum(numbers)
    return sum(numbers)   # fsum refuses inf - inf; plain addition gives nan, as the sweep does


# --- the paths -----------------------------------------------------------------

def _check_arguments(root, leaf, max_paths):
    for what, node in (("root", root), ("leaf", leaf)):
        if not isinstance(node, Value):
            raise TypeError(f"{what} must be a Value, got {type(node).__name__} {node!r}")
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
    for node in order:
        if node is leaf:
            paths_down[node] = 1
        else:
            paths_down[node] = sum(paths_down[parent] for parent in node.parents)
    return paths_down


def _paths_from_root(order):
    """For each node, the number of paths from the root (last in ``order``) down to it."""
    paths_from_root = dict.fromkeys(order, 0)
    paths_from_root[order[-1]] = 1
    for node in reversed(order):
        for parent in node.parents:
            paths_from_root[parent] += paths_from_root[node]
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
            if not paths_down[parent]:
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


def _ensure_swept(root):
    """Run the backward sweep from ``root`` unless its gradients are already there.

    After a sweep from ``root`` its gradient is 1 (d root/d root); anything
    else means the gradients were never computed, or were computed from
    another root.  Returns True if the sweep was run here.
    """
    computed = root.grad == 1.0 if root.parents else root.grad != 0.0
    if computed:
        return False
    sweep(root)
    return True


def chain_paths(root, leaf, *, max_paths=20):
    """Find the paths from ``root`` down to ``leaf`` and the products of their local derivatives.

    The paths are counted first by dynamic programming, so a graph with 2^40
    paths is answered at once: when there are more than ``max_paths``, they
    are grouped by their last edge (from a child n of the leaf), each group
    contributing d(root)/dn · ∂n/∂leaf with d(root)/dn the gradient the sweep
    stored on n.

    If ``root.grad`` is not 1 (gradients not computed from this root yet),
    ``autograd.sweep(root)`` is run first, and ``ran_sweep`` says so.  Leaf
    gradients accumulate across sweeps, as with ``backward()``.

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
    >>> found.n_paths, [edge.local_grad for edge in found.paths[0].edges], found.total
    (1, [3.0, 1.0, 2.0], 6.0)
    >>> found.ran_sweep, found.leaf_grad
    (True, 6.0)
    """
    _check_arguments(root, leaf, max_paths)
    order = topological_order(root)
    paths_down = _paths_down(order, leaf)
    if leaf not in paths_down:
        names = node_names(root)
        leaf_name = leaf.label or "the node"
        raise NotInGraphError(
            f"{leaf_name} is not in the graph of {names[root]}: {names[root]} does not depend on "
            f"it, so d{names[root]}/d{leaf_name} = 0 and no path leads to it")
    n_paths = paths_down[root]
    ran_sweep = _ensure_swept(root)
    names = node_names(root)
    if n_paths <= max_paths:
        paths = _every_path(root, leaf, paths_down)
        return ChainPaths(root, leaf, n_paths, paths, None, _sum(p.product for p in paths),
                          leaf.grad, ran_sweep, names)
    paths_from_root = _paths_from_root(order)
    groups = []
    for child in order:
        for slot, parent in enumerate(child.parents):
            if parent is leaf:
                local_grad = child.local_grads[slot]
                groups.append(PathGroup(Edge(child, slot, leaf, local_grad), child.grad,
                                        paths_from_root[child], child.grad * local_grad))
    return ChainPaths(root, leaf, n_paths, None, groups, _sum(g.contribution for g in groups),
                      leaf.grad, ran_sweep, names)


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
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


_LATEX_SPECIALS = {"\\": "\\backslash ", "{": "\\{", "}": "\\}", "_": "\\_", "$": "\\$",
                   "&": "\\&", "#": "\\#", "%": "\\%", "^": "\\hat{}", "~": "\\sim ", " ": "\\ "}


def _latex_escape(text):
    return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in text)


def _latex_name(name):
    r"""A node's name in LaTeX, in the notes' notation where it fits.

    >>> [_latex_name(n) for n in ("J", "w1", "z[2]_1", "w[1]_1,2", "n4", "loss", "x(n3)")]
    ['J', 'w_{1}', 'z^{[2]}_{1}', 'w^{[1]}_{1,2}', 'n_{4}', '\\mathrm{loss}', '\\mathrm{x(n3)}']
    """
    base, layer, sub = name, "", ""
    if "_" in base:
        base, sub = base.split("_", 1)
    if base.endswith("]") and "[" in base:
        base, layer = base[:-1].split("[", 1)
    letters = base.rstrip("0123456789")
    if letters != base and not sub and not layer:
        base, sub = letters, base[len(letters):]
    if not (base.isascii() and base.isalpha() and (not layer or layer.isdigit())):
        return f"\\mathrm{{{_latex_escape(name)}}}"
    shown = base if len(base) == 1 else f"\\mathrm{{{base}}}"
    if layer:
        shown += f"^{{[{layer}]}}"
    if sub:
        shown += f"_{{{_latex_escape(sub)}}}"
    return shown


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
        return f"d{of}/d{wrt}"

    def partial(self, of, wrt):
        of, wrt = self.symbol(of), self.symbol(wrt)
        if self.markdown:
            return f"\\frac{{\\partial {of}}}{{\\partial {wrt}}}"
        return f"∂{of}/∂{wrt}"

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
        """``left = b.grad ✓``, or the mismatch and its likely cause."""
        leaf_grad = f"{self.name(found.leaf)}.grad"
        if found.agrees:
            return f"{left} = {self.code(leaf_grad)} ✓"
        return (f"{left} ≠ {self.code(leaf_grad)} = {format_number(found.leaf_grad)} ✗ "
                f"(leaf gradients accumulate over backward() calls: set "
                f"{self.code(leaf_grad + ' = 0.0')} and sweep once from {self.code(self.name(found.root))})")


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
        if found.n_paths == 1 and path.edges:
            formula = f"{total} = {formula}"
        heading = f"path {number} of {found.n_paths}" if found.n_paths > 1 else ""
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
    lines = [f"{write.code(f'd{write.name(root)}/d{write.name(leaf)}')} sums "
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
    lines.append(_BACKPROP_SENTENCE.format(grad_of_n=write.code(f"d{write.name(root)}/dn")))
    return lines


def explain(root, leaf, *, format="text", max_paths=20, collapse_unlabelled=False):
    r"""Write out d(root)/d(leaf) by the chain rule: each path's product of local derivatives, and their sum.

    Each path from ``root`` down to ``leaf`` is shown as its local
    derivatives, their numbers, their product and the ops it passes through;
    then the sum of the paths, checked against ``leaf.grad`` from the backward
    sweep (run first if needed, and said so).  With more than ``max_paths``
    paths, the paths are grouped by the edge they end with (see
    :func:`chain_paths`).

    Nodes are named by label, or ``n<position>`` in the topological order
    (as in the drawings), see :func:`node_names`.

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
        str, no trailing newline.

    Raises:
        TypeError, ValueError, NotInGraphError: as :func:`chain_paths`; ValueError
        for an unknown format.

    >>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    >>> J = (3 * (a + (b * c).named("u")).named("v")).named("J")
    >>> J.backward()
    >>> print(explain(J, b))
    dJ/db = ∂J/∂v · ∂v/∂u · ∂u/∂b = 3 × 1 × 2 = 6   (via *, +, *)
    sum of 1 path = 6 = b.grad ✓
    >>> print(explain(J, a, format="markdown"))
    Via `*`, `+`:
    $$\frac{\partial J}{\partial a} = \frac{\partial J}{\partial v}\cdot\frac{\partial v}{\partial a} = 3 \cdot 1 = 3$$
    <BLANKLINE>
    Sum of 1 path: 3 = `a.grad` ✓
    """
    if format not in _FORMATS:
        raise ValueError(f"format must be one of {', '.join(map(repr, _FORMATS))}, got {format!r}")
    found = chain_paths(root, leaf, max_paths=max_paths)
    write = _Writer(found.names, markdown=(format == "markdown"))
    lines = []
    if found.ran_sweep:
        lines.append(f"(The gradients had not been computed from {write.code(write.name(root))}, "
                     f"so the backward sweep was run first.)")
        if write.markdown:
            lines.append("")
    if found.paths is not None:
        lines += _explain_paths(write, found, collapse_unlabelled)
    else:
        lines += _explain_groups(write, found, max_paths)
    return "\n".join(lines).rstrip("\n")
