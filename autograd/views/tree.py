"""The graph as an indented text tree, for a terminal without a browser, read from one recorded pass.

The root comes first; under each node come its parents, each on a branch
labelled with the edge's local derivative.  A node reached a second time is
not repeated: its line points back up to where it was shown in full.  A
constant (the 3 in 3·v) is written into the expression of the node that
uses it rather than given a branch of its own.

>>> from autograd import Value
>>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
>>> u = (b * c).named("u")
>>> v = (a + u).named("v")
>>> J = (3 * v).named("J")
>>> print_tree(J)
J = 33 (grad 1)  [3·v]
└─(∂J/∂v = 3)─ v = 11 (grad 3)  [a + u]
   ├─(∂v/∂a = 1)─ a = 5 (grad 3)  [input]
   └─(∂v/∂u = 1)─ u = 6 (grad 3)  [b·c]
      ├─(∂u/∂b = 2)─ b = 3 (grad 6)  [input]
      └─(∂u/∂c = 3)─ c = 2 (grad 9)  [input]
"""

from ..backward import BackwardRecord, record
from .text import Message, expression_of, format_number, glossary, node_names, partial

__all__ = ["text_tree", "print_tree"]


def text_tree(root, *, step=None, show_grad=True, max_nodes=100, max_depth=None):
    """Draw ``root``'s graph as an indented tree of text, root first.

    Each line is ``name = data (grad g)  [what]``: what the node computes
    (``3·v``) or, for a leaf, its role (``input``, ``parameter``).  Nodes are
    named as in every view (:func:`.text.node_names`).  Each parent hangs
    under its child on a branch labelled with the local derivative
    ∂child/∂parent.  A node met again is shown as ``↑ see u (n4)``.  The
    gradients are those of one backward pass from zero (a record, see
    :func:`autograd.record`), after ``step`` of its steps; a node the pass
    has not reached by then says ``grad not computed yet``.  The user's
    ``.grad`` values are not read or changed.

    The walk is iterative, so a graph of any depth works; past ``max_nodes``
    lines or below ``max_depth`` levels the tree stops and says how many
    nodes it left out.

    Args:
        root: a Value, or an :class:`autograd.BackwardRecord`.
        step (int or None): how many steps of the pass are done (None: all).
        show_grad (bool): False leaves gradients out.
        max_nodes (int or None): the most node lines to write; None for no limit.
        max_depth (int or None): the deepest level to expand (the root is
            level 0); None for no limit.

    Returns:
        Message (a str): the lines, joined by newlines (no newline at the end);
        a REPL shows it as the tree itself.  Any ``n<K>`` name is explained at the end.

    Raises:
        TypeError: if ``root`` is not a Value (a list of outputs: pick one, out[0]).
        ValueError: if ``max_nodes`` is less than 1, ``max_depth`` is negative,
            or ``step`` is outside the pass.

    A node used twice, and a node with no label:

    >>> from autograd import Value
    >>> a = Value(2.0, "a")
    >>> y = (a * a).tanh() + 1
    >>> print(text_tree(y, step=0))
    n4 = 1.99932… (grad 1)  [tanh(a·a) + 1]
    └─(∂n4/∂tanh(a·a) = 1)─ tanh(a·a) = 0.999329… (grad not computed yet)  [tanh(a·a)]
       └─(∂tanh(a·a)/∂(a·a) = 0.00134095…)─ a·a = 4 (grad not computed yet)  [a·a]
          ├─(∂(a·a)/∂a = 2)─ a = 2 (grad not computed yet)  [input]
          └─(∂(a·a)/∂a = 2)─ ↑ see a (n0)
    (n4 = tanh(a·a) + 1: unlabelled, named by its position 4 in the topological order)
    """
    if max_nodes is not None and (isinstance(max_nodes, bool) or max_nodes < 1):
        raise ValueError(f"text_tree: max_nodes must be at least 1 (or None), got {max_nodes!r}")
    if max_depth is not None and max_depth < 0:
        raise ValueError(f"text_tree: max_depth must be 0 or more (or None), got {max_depth}")
    rec = root if isinstance(root, BackwardRecord) else record(root, who="text_tree")
    step = rec.check_step(step)
    grads = rec.grads_at(step)
    order = rec.order
    names = node_names(order)
    shown_nodes = set(rec.shown_nodes())

    def describe(node):
        if node.parents:
            kind = expression_of(node, names)
        else:
            kind = node.role
        if not show_grad:
            grad = ""
        elif rec.reached(node, step):
            grad = f" (grad {format_number(grads[node])})"
        else:
            grad = " (grad not computed yet)"
        return f"{names[node]} = {format_number(node.data)}{grad}  [{kind}]"

    def reference(node):
        # a labelled node also gets its position, so it can be found in a drawing
        name = names[node]
        position = f"n{rec.position[node]}"
        return f"↑ see {name} ({position})" if name != position else f"↑ see {name}"

    lines = []
    shown = set()          # nodes that have had a full line
    expanded = set()       # nodes whose parents are listed under them: later visits refer up
    n_node_lines = 0       # max_nodes counts these, not the "… not shown" lines
    stopped_early = False
    depth_cut = False      # some node below max_depth had its parents left out
    # Each entry: the node, the text before it on its line (branches and the
    # edge's derivative), the indentation for its parents' lines, its depth.
    # Parents are pushed in reverse so they pop in argument order.
    stack = [(rec.root, "", "", 0)]
    while stack:
        if max_nodes is not None and n_node_lines >= max_nodes:
            stopped_early = True
            break
        node, head, indent, depth = stack.pop()
        n_node_lines += 1
        if node in expanded:
            lines.append(head + reference(node))
            continue
        lines.append(head + describe(node))
        shown.add(node)
        branches = [(slot, parent) for slot, parent in enumerate(node.parents)
                    if parent in shown_nodes]
        if not branches:
            expanded.add(node)
            continue
        if max_depth is not None and depth >= max_depth:
            depth_cut = True
            n_edges = len(branches)
            lines.append(f"{indent}└─ … {n_edges} edge{'s' if n_edges != 1 else ''} "
                         f"below depth {max_depth} not shown")
            continue
        expanded.add(node)
        for number in range(len(branches) - 1, -1, -1):
            slot, parent = branches[number]
            last = number == len(branches) - 1
            branch, more = ("└─", "   ") if last else ("├─", "│  ")
            edge = (f"({partial(names[node], names[parent])} = "
                    f"{format_number(node.local_grads[slot])})─ ")
            stack.append((parent, indent + branch + edge, indent + more, depth + 1))

    hidden = len(shown_nodes) - len(shown & shown_nodes)
    if hidden or stopped_early:
        limits = []
        if stopped_early:
            limits.append(f"max_nodes={max_nodes}")
        if depth_cut:
            limits.append(f"max_depth={max_depth}")
        if hidden:
            which = "it" if len(limits) == 1 else "them"
            lines.append(f"({hidden} of {len(shown_nodes)} nodes not shown: {', '.join(limits)}; "
                         f"raise {which} or pass None to see them)")
        else:
            lines.append(f"(every node is shown; repeated references past "
                         f"{', '.join(limits)} left out)")
    lines += [f"({line})" for line in glossary(order, names, [n for n in order if n in shown])]
    return Message("\n".join(lines))


def print_tree(root, **options):
    """Print :func:`text_tree` of ``root``; the options are the same.  Returns None."""
    print(text_tree(root, **options))
