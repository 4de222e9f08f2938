"""The topological order of a graph: the one walk that the backward sweep, its record and every view share."""

__all__ = ["topological_order"]

# Nodes with more parents than this are tested in one go (see below).  A
# one-parent node (an activation) rarely has its parent seen already: its
# weighted sum is made for it alone, so there the test would only cost.
WIDE = 1


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
    # Two stacks side by side: the nodes being visited, and for each an
    # iterator over the parents still to visit.  (One stack of (node,
    # iterator) pairs did the same with a tuple per node; this is about a
    # fifth faster on graphs of small nodes, and sorting is a third of
    # backward()'s time there.)  Methods are bound once, outside the loop.
    nodes, parents_left = [root], [iter(root.parents)]
    push_node, pop_node = nodes.append, nodes.pop
    push_parents, pop_parents = parents_left.append, parents_left.pop
    finish, see = order.append, visited.add
    while parents_left:
        for parent in parents_left[-1]:
            if parent not in visited:
                see(parent)
                grandparents = parent.parents
                # A node whose parents have all been seen (a neuron's Σw·a+b,
                # a product w·x) is finished at once: one test in C instead
                # of a turn of this loop per parent.  In a network most are:
                # the weights are shared by every sample, and a layer's
                # outputs by every neuron of the next.  (Seen parents are
                # finished ones: one still on the stack would make a cycle.)
                if grandparents and not (len(grandparents) > WIDE
                                         and visited.issuperset(grandparents)):
                    push_node(parent)
                    push_parents(iter(grandparents))
                    break
                finish(parent)   # a leaf, or a node whose parents are all finished
        else:
            pop_parents()
            finish(pop_node())
    return order
