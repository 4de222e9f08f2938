"""The topological order of a graph: the one walk that the backward sweep, its record and every view share."""

__all__ = ["topological_order"]


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

