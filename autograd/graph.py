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
    # Two stacks side by side: the nodes being visited, and for each an
    # iterator over the parents still to visit.  (One stack of (node,
    # iterator) pairs did the same with a tuple per node; this is about a
    # fifth faster on graphs of small nodes, and sorting is a third of
    # backward()'s time there.)  Methods are bound once, outside the loop.
    nodes, parents_left = [root], [iter(root.parents)]
    push_node, pop_node = nodes.append, nodes.pop
    push_parents, pop_parents = parents_left.append, parents_left.pop
    finish, see, all_seen = order.append, visited.add, visited.issuperset
    while parents_left:
        for parent in parents_left[-1]:
            if parent not in visited:
                see(parent)
                grandparents = parent.parents
                # A node whose parents have all been seen (a product w·x, a
                # neuron's Σw·a+b) is finished at once, without a turn of
                # this loop per parent.  In a network most are: the weights
                # are shared by every sample, and a layer's outputs by every
                # neuron of the next.  (Seen parents are finished ones: one
                # still on the stack would make a cycle.)  Two parents (+, ·)
                # are tested one by one, which is quicker than a call; a
                # one-parent node (an activation) rarely has its parent seen
                # already, its weighted sum being made for it alone, so it
                # is not tested at all.
                how_many = len(grandparents)
                if how_many == 2:
                    first, second = grandparents
                    waiting = first not in visited or second not in visited
                else:
                    waiting = how_many == 1 or (how_many > 2 and not all_seen(grandparents))
                if waiting:
                    push_node(parent)
                    push_parents(iter(grandparents))
                    break
                finish(parent)   # a leaf, or a node whose parents are all finished
        else:
            pop_parents()
            finish(pop_node())
    return order
