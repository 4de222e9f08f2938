"""The one text module: the number format, the naming of nodes, and labels no view can be broken by."""

import math
import subprocess
import sys
import tracemalloc

import pytest

from autograd import Value, topological_order
from autograd.views import draw, page
from autograd.views.explain import chain_paths, explain
from autograd.views.stepper import Stepper
from autograd.views.text import format_number, node_names, printable, shown_label
from autograd.views.tree import text_tree


# --- numbers ------------------------------------------------------------------------

@pytest.mark.parametrize("number, text", [
    (3.0, "3"), (-2.0, "-2"), (0.0, "0"), (-0.0, "0"), (33, "33"), (0.25, "0.25"),
    (1 / 3, "0.333333…"), (2 / 3, "0.666666…"), (123456.7, "123456…"), (123456789.0, "123456789"),
    (1e-9, "1e-09"), (2.5e-7, "2.5e-07"), (-1.234567e-9, "-1.23456…e-09"), (1e20, "1e+20"),
    (0.99999999, "0.999999…"), (2.0 ** 40, "1099511627776"), (math.inf, "inf"),
    (-math.inf, "-inf"), (math.nan, "nan"), (0.1, "0.1"), (0.1 + 0.2, "0.300000…"),
])
def test_one_number_format(number, text):
    assert format_number(number) == text


@pytest.mark.parametrize("number", [1 / 3, 2 / 3, 123456.7, 0.1 + 0.2, math.pi * 1e-7, 7e22 / 3])
def test_a_shortened_number_is_marked_and_its_digits_are_right(number):
    text = format_number(number)
    assert text.count("…") == 1
    mantissa = text.replace("…", "")
    # The digits shown are the number's own, cut, never rounded up.
    shown = float(mantissa)
    assert abs(shown) <= abs(number) and math.isclose(shown, number, rel_tol=1e-5)


def test_the_same_number_reads_the_same_in_every_view(tmp_path):
    # The case: 123456.7 read 123457.0, 123457 and 1.235e+05 in three views.
    a = Value(123456.7, "a")
    y = (a * 1).named("y")
    shown = format_number(123456.7)
    assert shown == "123456…"
    assert f"a = {shown}" in text_tree(y)
    assert f"data {shown}" in draw.dot_source(y)
    assert f"a = {shown}" in page.write_html(y, tmp_path / "y.html").read_text("utf-8")
    assert f"= {shown} + {shown}" in str(explain((a * a).named("q"), a))
    assert f"1 × {shown}" in Stepper((a * a).named("q")).sentences()[0]


# --- names -------------------------------------------------------------------------------

def test_names_label_then_expression_then_position():
    a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    J = (3 * (a + b * c)).named("J")
    names = node_names(topological_order(J))
    assert sorted(names.values()) == ["3", "J", "a", "a + b·c", "b", "b·c", "c"]
    x = Value(1.0)
    deep = ((x * x).exp() + 1).tanh()
    assert list(node_names(topological_order(deep)).values()) == ["n0", "n1", "n2", "1", "n4",
                                                                  "n5"]


# --- labels that no view may be broken by ------------------------------------------------------

AWKWARD = ["bell\x07and\x1bescape", "new\nline\ttab", "lone \udc80 surrogate", "w" * 20_000,
           "\u202eright-to-left", ""]


@pytest.mark.parametrize("label", AWKWARD)
def test_awkward_labels_render_in_every_view(label, tmp_path):
    x = Value(2.0, label)
    y = (x * x).named(label or "y")
    svg = draw.svg_text(y)                          # dot takes it: no CalledProcessError
    assert "<svg" in svg
    written = page.write_html(y, tmp_path / "p.html", title=label)
    written.read_text(encoding="utf-8")             # a file any encoding reads back
    assert "\x07" not in svg and "\udc80" not in svg
    text_tree(y).encode("utf-8")
    str(explain(y, x)).encode("utf-8")
    Stepper(y).transcript().encode("utf-8")


def test_labels_are_escaped_and_cut_for_showing():
    assert printable("a\nb\x07") == "a\\nb\\x07"
    assert printable("x\udc80") == "x\\udc80"
    assert len(shown_label("w" * 20_000)) == 60 and shown_label("w" * 20_000).endswith("…")


def test_the_cli_takes_an_awkward_name(tmp_path):
    result = subprocess.run([sys.executable, "-m", "autograd", "a*a", "a=3", "--name", "f\x07\n",
                             "--svg", str(tmp_path / "f.svg"), "--html", str(tmp_path / "f.html")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "f.svg").exists() and (tmp_path / "f.html").exists()


# --- explain on path explosions and overflow ----------------------------------------------------

def test_explain_counts_paths_far_past_pythons_digit_limit():
    x = Value(1.0, "x")
    y = x
    for _ in range(15_000):
        y = y + y
    found = chain_paths(y, x)
    assert found.n_paths.exact is None and round(found.n_paths.log2) == 15_000
    text = str(explain(y, x))
    assert "about 2^15000 paths" in text


def test_explain_memory_grows_linearly_with_depth():
    x = Value(1.0, "x")
    y = x
    for _ in range(100_000):
        y = y + y
    tracemalloc.start()
    try:
        chain_paths(y, x)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Exact path counts here would take about 1.3 GB (the count doubles at each level).
    assert peak < 150 * 2 ** 20


def test_explain_of_an_overflowing_sum_gives_inf_as_backward_does():
    a = Value(1.0, "a")
    y = a * 1e308 + a * 1e308
    found = chain_paths(y, a)
    assert found.total == math.inf == found.leaf_grad
    assert "= inf" in str(explain(y, a))
