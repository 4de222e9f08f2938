"""The graph as an indented text tree, for a terminal without a browser.

The root comes first; under each node come its parents, each on a branch
labelled with the edge's local derivative.  A node reached a second time is
not repeated: its line points back up to where it was shown in full.

>>> from autograd import Value
>>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
>>> u = (b * c).named("u")
>>> v = (a + u).named("v")
>>> J = (3 * v).named("J")
>>> J.backward()
>>> print_tree(J)
J = 33.0 (grad 1.0)  [*]
├─(∂J/∂n0 = 11.0)─ n0 = 3.0 (grad 11.0)  [constant]
└─(∂J/∂v = 3.0)─ v = 11.0 (grad 3.0)  [+]
   ├─(∂v/∂a = 1.0)─ a = 5.0 (grad 3.0)  [input]
   └─(∂v/∂u = 1.0)─ u = 6.0 (grad 3.0)  [*]
      ├─(∂u/∂b = 2.0)─ b = 3.0 (grad 6.0)  [input]
      └─(∂u/∂c = 3.0)─ c = 2.0 (grad 9.0)  [input]
"""

from .graph import node_names, topological_order
from .stepper import Message, format_number, require_value

__all__ = ["text_tree", "print_tree"]


def text_tree(root, *, show_grad=None, max_nodes=100, max_depth=None):
    """Draw ``root``'s graph as an indented tree of text, root first.

    Each line is ``name = data (grad g)  [op]``, with the node's role
    (``input``, ``parameter``, ``constant``) in place of the op for a leaf.
    A node is named by its label, or ``n<i>`` (its position in
    :func:`autograd.topological_order`, as in the drawings) if it has none.
    Each parent hangs under its child on a branch labelled with the local
    derivative ∂child/∂parent.  A node met again is shown as
    ``↑ see u (n4)``, pointing up to its full entry.

    The walk is iterative, so a graph of any depth works; past ``max_nodes``
    lines or below ``max_depth`` levels the tree stops and says how many
    nodes it left out.  Every level indents by 3 characters, so a long chain
    drawn without ``max_nodes`` makes very long lines.

    Args:
        root: a Value.
        show_grad (bool or None): ``True`` shows every grad, ``False`` none;
            ``None`` (the default) shows them once they are known (when
            ``root.grad`` is not 0, i.e. after ``root.backward()`` or while
            a :class:`autograd.stepper.Stepper` runs) and otherwise says
            ``grad not computed yet``.
        max_nodes (int or None): the most node lines to write; None for no limit.
        max_depth (int or None): the deepest level to expand (the root is
            level 0); None for no limit.

    Returns:
        Message (a str): the lines, joined by newlines (no newline at the end);
        a REPL shows it as the tree itself, not as an escaped string.

    Raises:
        TypeError: if ``root`` is not a Value.
        ValueError: if ``max_nodes`` is less than 1 or ``max_depth`` is negative.

    A node used twice, and a node with no label:

    >>> from autograd import Value
    >>> a = Value(2.0, "a")
    >>> y = a * a + 1
    >>> print(text_tree(y))
    n3 = 5.0 (grad not computed yet)  [+]
    ├─(∂n3/∂n1 = 1.0)─ n1 = 4.0 (grad not computed yet)  [*]
    │  ├─(∂n1/∂a = 2.0)─ a = 2.0 (grad not computed yet)  [input]
    │  └─(∂n1/∂a = 2.0)─ ↑ see a (n0)
    └─(∂n3/∂n2 = 1.0)─ n2 = 1.0 (grad not computed yet)  [constant]
    >>> y.backward()
    >>> print(text_tree(y, max_depth=1))
    n3 = 5.0 (grad 1.0)  [+]
    ├─(∂n3/∂n1 = 1.0)─ n1 = 4.0 (grad 1.0)  [*]
    │  └─ … 2 edges below depth 1 not shown
    └─(∂n3/∂n2 = 1.0)─ n2 = 1.0 (grad 1.0)  [constant]
    (1 of 4 nodes not shown: max_depth=1; raise it or pass None to see them)
    """
    require_value(root, "text_tree")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"text_tree: max_nodes must be at least 1 (or None), got {max_nodes}")
    if max_depth is not None and max_depth < 0:
        raise ValueError(f"text_tree: max_depth must be 0 or more (or None), got {max_depth}")
    order = topological_order(root)
    position = {node: i for i, node in enumerate(order)}
    names = node_names(root, order)

    def name(node):
        return names[node]

    if show_grad is None:
        grads_known = root.grad != 0
        show_grad = True
    else:
        grads_known = show_grad

    def describe(node):
        kind = node.op if node.op else node.role
        if not show_grad:
            grad = ""
        elif grads_known:
            grad = f" (grad {format_number(node.grad)})"
        else:
            grad = " (grad not computed yet)"
        return f"{name(node)} = {format_number(node.data)}{grad}  [{kind}]"

    def reference(node):
        # a labelled node also gets its position, so it can be found in a drawing
        return f"↑ see {node.label} (n{position[node]})" if node.label else f"↑ see {name(node)}"

    lines = []
    shown = set()          # nodes that have had a full line
    expanded = set()       # nodes whose parents are listed under them: later visits refer up
    n_node_lines = 0       # max_nodes counts these, not the "… not shown" lines
    stopped_early = False
    depth_cut = False      # some node below max_depth had its parents left out
    # Each entry: the node, the text before it on its line (branches and the
    # edge's derivative), the indentation for its parents' lines, its depth.
    # Parents are pushed in reverse so they pop in argument order.
    stack = [(root, "", "", 0)]
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
        if not node.parents:
            expanded.add(node)
            continue
        if max_depth is not None and depth >= max_depth:
            depth_cut = True
            n_edges = len(node.parents)
            lines.append(f"{indent}└─ … {n_edges} edge{'s' if n_edges != 1 else ''} "
                         f"below depth {max_depth} not shown")
            continue
        expanded.add(node)
        last_slot = len(node.parents) - 1
        for slot in range(last_slot, -1, -1):
            parent = node.parents[slot]
            branch, more = ("└─", "   ") if slot == last_slot else ("├─", "│  ")
            edge = f"(∂{name(node)}/∂{name(parent)} = {format_number(node.local_grads[slot])})─ "
            stack.append((parent, indent + branch + edge, indent + more, depth + 1))

    hidden = len(order) - len(shown)
    if hidden or stopped_early:
        limits = []
        if stopped_early:
            limits.append(f"max_nodes={max_nodes}")
        if depth_cut:
            limits.append(f"max_depth={max_depth}")
        if hidden:
            which = "it" if len(limits) == 1 else "them"
            lines.append(f"({hidden} of {len(order)} nodes not shown: {', '.join(limits)}; "
                         f"raise {which} or pass None to see them)")
        else:
            lines.append(f"(every node is shown; repeated references past "
                         f"{', '.join(limits)} left out)")
    return Message("\n".join(lines))


def print_tree(root, **options):
    """Print :func:`text_tree` of ``root``; the options are the same.  Returns None."""
    print(text_tree(root, **options))
