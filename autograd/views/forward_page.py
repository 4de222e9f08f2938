"""Write one self-contained HTML page that steps through forward mode edge by edge: the forward stepper on a page.

The page reads one record of forward mode (:func:`autograd.forward.record_forward`,
what :func:`autograd.forward.jvp` runs) and shows, on the drawing of the
graph with each edge's local derivative: the seeds, then one picture per
step with that edge and its two nodes highlighted, then the finished
tangents.  Under the picture are the step's sentence (the forward
stepper's, :func:`.forward_stepper.tangent_sentence`) and every node's tangent
at that step.  It uses the animated page's layout, buttons and keys
(:mod:`.page`), with the phases ``seed``, ``tangent`` and ``tangents``.
Writing the page changes no ``.grad``.
"""

import re

from ..backward import record, require_value
from ..forward import record_forward
from . import draw
from .canvas import HIGHLIGHT, GraphTooLargeError, render_svg
from .forward_stepper import tangent_sentence
from .page import MAX_ANIMATED_EDGES, MAX_ANIMATED_NODES, _page, _Picture
from .text import format_number, glossary, in_derivative, printable

__all__ = ["write_forward_html"]

_INTRO = ("Forward mode starts at the inputs: each seeded input has a tangent (how fast it "
          "moves), and each step pushes a tangent up one edge, parents first: tangent of "
          "child += local derivative × tangent of parent.  At the end, an output's tangent is "
          "its derivative along the seeds; backward() gives the same numbers from the other end.")


def write_forward_html(root, tangents, path, *, title=None):
    """Write forward mode of ``root``'s graph, one edge at a time, to one HTML file.

    Args:
        root (Value): the output (at most the animated page's
            :data:`.page.MAX_ANIMATED_NODES` nodes and :data:`.page.MAX_ANIMATED_EDGES` steps).
        tangents: dict {leaf Value: number}, the seeds; or one leaf, meaning {leaf: 1.0}.
        path (str or os.PathLike): the file to write, e.g. ``"forward.html"``.
        title (str or None): the page's heading; default "forward mode of <root>".

    Returns:
        pathlib.Path: the file written (atomically).

    Raises:
        TypeError, ValueError: a root that is not one Value, or bad seeds (as :func:`jvp`).
        GraphTooLargeError: for a graph past either limit.
        DotNotFoundError: if Graphviz's ``dot`` program is not installed.
        OSError: if the file cannot be written.
    """
    require_value(root, "write_forward_html")
    forward = record_forward(root, tangents, who="write_forward_html")
    rec = record(root, who="write_forward_html")       # the drawing's order and names
    shown = rec.shown_nodes()
    if len(shown) > MAX_ANIMATED_NODES or forward.n_steps > MAX_ANIMATED_EDGES:
        raise GraphTooLargeError(
            f"this graph has {len(shown)} nodes and {forward.n_steps} edges to step through, "
            f"more than the {MAX_ANIMATED_NODES} nodes and {MAX_ANIMATED_EDGES} edges an "
            f"animated page draws; use a smaller graph, such as one neuron")
    frame = draw.Frame()
    names = draw.picture(rec, show_grads=False, frame=frame).names
    root_name = names[root]
    title = printable(title) if title is not None else f"forward mode of {root_name}"

    def picture(highlight_nodes=(), edge=None):
        drawing = draw.picture(rec, show_grads=False, frame=frame,
                               title=f"computation graph of {root_name}: forward mode")
        _highlight(drawing.digraph, [f"n{rec.position[node]}" for node in highlight_nodes], edge)
        return render_svg(drawing.digraph)

    def values(step, changed=None):
        now = forward.tangents_at(step)
        listed = []
        for node in shown:
            name = f"tangent of {in_derivative(names[node])}"
            if node in now:
                text = f"{name} = {format_number(now[node])}"
            elif node in forward.tangents:
                text = f"{name}: not computed yet"
            else:
                text = f"{name} = 0 (no seeded input below it)"
            listed.append((names[node], text, node is changed))
        return listed

    seeds = list(forward.seeds)
    pictures = [_Picture("seed", _seed_sentence(forward, names), values(0),
                         picture(highlight_nodes=[s for s in seeds if s in rec.position]), {})]
    for number, update in enumerate(forward.steps, start=1):
        parent, child = f"n{rec.position[update.parent]}", f"n{rec.position[update.child]}"
        pictures.append(_Picture(
            "tangent", tangent_sentence(update, names), values(number, update.child),
            picture((update.parent, update.child), (parent, child, update.slot)),
            {"edge": f"{parent}->{child}", "slot": str(update.slot), "step": str(number),
             "parent": names[update.parent], "child": names[update.child]}))
    pictures.append(_Picture("tangents", _done_sentence(forward, names, root),
                             values(forward.n_steps), picture((root,)), {}))
    return draw.write_atomically(path, _page(title, pictures, glossary(rec.order, names, shown),
                                             intro=_INTRO))


def _highlight(digraph, boxes, edge):
    """Outline the boxes (DOT ids) and the edge (parent id, child id, slot) in the highlight colour.

    A node's attributes given again in DOT update it; an edge cannot be named
    again, so the line that made it gets the colour added.
    """
    for box in boxes:
        digraph.node(box, color=HIGHLIGHT, penwidth="3")
    if edge is None:
        return
    parent, child, slot = edge
    made_by = re.compile(rf'\bid="?edge_{parent}_{child}_{slot}"?(?=[\s\]])')
    for index, line in enumerate(digraph.body):
        if made_by.search(line):
            end = line.rindex("]")
            digraph.body[index] = (line[:end] + f' color="{HIGHLIGHT}" penwidth=4 arrowsize=1'
                                   + line[end:])


def _seed_sentence(forward, names):
    seeds = ", ".join(f"tangent of {in_derivative(names[leaf])} = {format_number(t)}"
                      for leaf, t in forward.seeds.items())
    return (f"Forward mode starts at the seeded inputs: {seeds}; every other tangent is 0 until "
            f"a step reaches it.  Each step pushes a tangent up one edge: tangent of child += "
            f"local derivative × tangent of parent.")


def _done_sentence(forward, names, root):
    root_name = in_derivative(names[root])
    tangent = format_number(forward.tangents.get(root, 0.0))
    if list(forward.seeds.values()) == [1.0]:
        leaf = in_derivative(names[next(iter(forward.seeds))])
        what = f"d{root_name}/d{leaf}"
    else:
        what = f"{root_name}'s derivative along the seeds"
    return (f"Done: the tangent of {root_name} is {tangent}, {what}: the number jvp gives, "
            f"and the one backward() gives from the other end.")
