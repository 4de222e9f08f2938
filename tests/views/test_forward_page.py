"""The forward-mode page: one frame per step of the forward stepper, the current edge highlighted."""

import html
import re

import pytest

from autograd import Value, topological_order
from autograd.views import draw
from autograd.views.forward_page import write_forward_html
from autograd.views.forward_stepper import ForwardStepper
from notes_example import notes_graph


def write(tmp_path, root, seeds):
    try:
        return write_forward_html(root, seeds, tmp_path / "forward.html").read_text(encoding="utf-8")
    except draw.DotNotFoundError:
        pytest.skip("Graphviz's dot is not installed")


def test_the_page_has_a_frame_per_step_with_the_steppers_sentences(tmp_path):
    J, (a, b, c, u, v) = notes_graph()
    J.backward()
    page = write(tmp_path, J, {b: 1.0})
    phases = re.findall(r'data-phase="(\w+)"', page)
    assert phases == ["seed", "tangent", "tangent", "tangent", "tangents"]
    sentences = [html.unescape(s) for s in re.findall(r'data-phase="tangent" data-sentence="([^"]*)"', page)]
    assert sentences == ForwardStepper(J, {b: 1.0}).sentences()
    assert re.findall(r'data-edge="([^"]*)"', page) == ["n2-&gt;n4", "n4-&gt;n5", "n5-&gt;n6"]
    assert "Done: the tangent of J is 6, dJ/db" in page
    assert "tangent of a = 0 (no seeded input below it)" in page
    assert "tangent of J: not computed yet" in page
    assert b.grad == 6.0 and a.grad == 3.0       # the user's gradients are left as they were


def test_the_current_edge_is_drawn_in_the_highlight_colour(tmp_path):
    x = Value(0.5, "x")
    page = write(tmp_path, (x * x).tanh().named("y"), x)
    frames = page.split('<section class="frame')[1:]
    assert len(frames) == 2 + 3                      # x→x·x twice, then x·x→y
    # each tangent frame has one thick edge; the seed frame outlines x only
    assert all('stroke-width="4"' in frame for frame in frames[1:4])
    assert 'stroke-width="4"' not in frames[0]


def test_too_large_a_graph_is_refused(tmp_path):
    x = Value(0.1, "x")
    y = x
    for _ in range(45):
        y = y.tanh()
    with pytest.raises(draw.GraphTooLargeError, match="more than the 40 nodes"):
        write_forward_html(y, x, tmp_path / "big.html")
    assert not (tmp_path / "big.html").exists()
