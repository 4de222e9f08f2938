"""The topological order of a graph, the one walk that backward, drawing and stepping share, and its node names."""

__all__ = ["topological_order", "node_names"]


def topological_order(root):
    """Return every node that ``root`` depends on, parents before children, ``root`` last.

    An iterative depth-first search (no recursion, so a chain a million nodes
    deep is fine), visiting parents in argument order, so the same graph always
    gives the same order: drawings name their nodes by position in it.

    Args:
        root: a Value.

    Returns:
        list of Values, each appearing once, in topological order.

    >>> from autograd import Value
    >>> a, b = Value(2.0, "a"), Value(3.0, "b")
    >>> [node.label or node.op for node in topological_order(a * b + a)]
    ['a', 'b', '*', '+']
    """
    order = []
    visited = {root}
    # Each stack entry is a node and an iterator over the parents still to visit.
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents_left = stack[-1]
        for parent in parents_left:
            if parent not in visited:
                visited.add(parent)
                if parent.parents:
                    stack.append((parent, iter(parent.parents)))
                    break
                order.append(parent)   # a leaf is finished as soon as it is seen
        else:
            stack.pop()
            order.append(node)
    return order


def node_names(root, order=None):
    """Name every node of ``root``'s graph: its label, or ``n<position>`` in the topological order.

    The drawings name nodes by the same positions, so ``n4`` here is ``n4``
    there.  A label used by several nodes gets its position too, ``x(n3)``, so
    that every name is unique.

    Args:
        root: a Value.
        order: ``topological_order(root)`` if the caller has it already.

    Returns:
        dict mapping each Value to its name (str).

    >>> from autograd import Value
    >>> a = Value(2.0, "a")
    >>> y = a * 3
    >>> sorted(node_names(y).values())
    ['a', 'n1', 'n2']
    """
    if order is None:
        order = topological_order(root)
    uses = {}
    for node in order:
        if node.label:
            uses[node.label] = uses.get(node.label, 0) + 1
    names = {}
    for position, node in enumerate(order):
        if not node.label:
            names[node] = f"n{position}"
        elif uses[node.label] > 1:
            names[node] = f"{node.label}(n{position})"
        else:
            names[node] = node.label
    return names
