"""Values, records, steppers and explanations display inline in Jupyter: a real notebook, run by a real kernel.

The notebook is built with nbformat and executed by nbclient with the ipykernel
of this environment (the kernel spec ipykernel installs into the venv, whose
``python`` jupyter_client starts as ``sys.executable``); the assertions read the
executed outputs, as a notebook front end would.
"""

import html
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import nbformat
import pytest
from nbclient import NotebookClient

from autograd.views.text import format_number

SVG = "{http://www.w3.org/2000/svg}"

# (name, source): the notebook, one cell per entry.
CELLS = [
    ("setup", "import sys\n"
              "print(sys.prefix)\n"
              "from autograd import Value, record\n"
              "from autograd.views import Stepper, explain"),
    ("build", 'a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")\n'
              'J = (3 * (a + (b * c).named("u")).named("v")).named("J")'),
    ("backward", "J.backward()\n"
                 "J.backward()\n"
                 "print(a.grad, b.grad, c.grad)"),
    ("value", "J"),
    ("record", "record(J)"),
    ("grads kept", "print(a.grad, b.grad, c.grad)"),
    ("stepper", "s = Stepper(J)\n"
                "s.next()\n"
                "s.next()\n"
                "s"),
    ("explain", 'explain(J, b, format="markdown")'),
    ("long chain", 'x = Value(1.0, "x")\n'
                   "y = x\n"
                   "for _ in range(250):\n"
                   "    y = (y * 1.0001).tanh()\n"
                   "y"),
    ("network", "from nn import MLP, mse\n"
                "net = MLP(2, [16, 16, 1])\n"
                'loss = mse(net([0.5, -0.2]), [1.0]).named("loss")\n'
                "loss"),
    ("no dot", "import os, tempfile\n"
               "os.environ['PATH'] = tempfile.mkdtemp()    # a folder without Graphviz's dot\n"
               "display(J)\n"
               "display(record(J))\n"
               "display(s)"),
]


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    """The notebook above, executed; returns {cell name: its outputs}."""
    folder = tmp_path_factory.mktemp("notebook")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source, metadata={"name": name})
                for name, source in CELLS]
    with pytest.MonkeyPatch.context() as patch:
        # The kernel reads no profile or startup file of whoever runs the tests.
        patch.setenv("IPYTHONDIR", str(folder / "ipython"))
        client = NotebookClient(nb, kernel_name="python3", timeout=60,
                                resources={"metadata": {"path": str(folder)}})
        client.execute()
    # Kept for a look at the rendered notebook (jupyter nbconvert --to html).
    nbformat.write(nb, folder / "displays.ipynb")
    return {cell.metadata["name"]: cell.outputs for cell in nb.cells}


def shown(outputs, mime):
    """The ``mime`` data of every display output of a cell, in order."""
    return [output["data"][mime] for output in outputs
            if output["output_type"] in ("execute_result", "display_data")
            and mime in output["data"]]


def printed(outputs):
    return "".join(output["text"] for output in outputs
                   if output["output_type"] == "stream" and output["name"] == "stdout")


def boxes(page):
    """Each value box of the SVG drawing in an HTML output: its name -> its other lines of text."""
    start, end = page.index("<svg"), page.index("</svg>") + len("</svg>")
    svg = ElementTree.fromstring(page[start:end])
    found = {}
    for group in svg.iter(f"{SVG}g"):
        if "value" in (group.get("class") or "").split():
            lines = [text.text for text in group.iter(f"{SVG}text") if text.text.strip()]
            found[lines[0]] = lines[1:]
    return found


def grad_line(lines):
    return next((line for line in lines if line.startswith("grad")), None)


def test_the_kernel_is_this_environments_python(notebook):
    assert printed(notebook["setup"]).strip() == sys.prefix


def test_no_cell_fails_or_writes_to_stderr(notebook):
    for name, outputs in notebook.items():
        for output in outputs:
            assert output["output_type"] != "error", (name, output.get("traceback"))
            assert output.get("name") != "stderr", (name, output["text"])


def test_two_backward_calls_accumulate_in_the_leaves(notebook):
    # What the displays below must not show: the accumulated leaf gradients.
    assert printed(notebook["backward"]) == "6.0 12.0 18.0\n"


def test_a_value_shows_its_graph_after_one_pass_from_zero(notebook):
    [page] = shown(notebook["value"], "text/html")
    grads = {name: grad_line(lines) for name, lines in boxes(page).items()}
    assert grads == {"a": "grad 3", "b": "grad 6", "c": "grad 9", "u": "grad 3", "v": "grad 3",
                     "J": "grad 1"}
    assert "data 33" in boxes(page)["J"]
    for accumulated in ("grad 12", "grad 18", "dJ/db = 12", "dJ/dc = 18"):
        assert accumulated not in page
    [plain] = shown(notebook["value"], "text/plain")
    assert plain == "Value(data=33.0, grad=1.0, op='*', label='J')"


def test_a_record_shows_its_whole_pass_and_its_step_count(notebook):
    [page] = shown(notebook["record"], "text/html")
    assert "one backward pass from J, from zero: 5 steps over 6 nodes" in page
    grads = {name: grad_line(lines) for name, lines in boxes(page).items()}
    assert (grads["a"], grads["b"], grads["c"]) == ("grad 3", "grad 6", "grad 9")


def test_displays_leave_the_users_grads_as_they_were(notebook):
    assert printed(notebook["grads kept"]) == "6.0 12.0 18.0\n"


def test_a_stepper_shows_its_current_picture_and_sentence(notebook):
    [page] = shown(notebook["stepper"], "text/html")
    text = html.unescape(page)
    assert "<b>step 2 of 5</b>" in text
    assert "dJ/da += dJ/dv · ∂v/∂a = 3 × 1 = 3  ->  a.grad = 3" in text
    # After two steps: dJ/dv and dJ/da are known, b, c and u not yet.
    grads = {name: grad_line(lines) for name, lines in boxes(page).items()}
    assert grads == {"J": "grad 1", "v": "grad 3", "a": "grad 3",
                     "u": "grad: not computed yet", "b": "grad: not computed yet",
                     "c": "grad: not computed yet"}
    assert "backward pass: step 2 of 5, the highlighted edge" in text


def test_explain_shows_markdown_with_latex_and_a_tick(notebook):
    [markdown] = shown(notebook["explain"], "text/markdown")
    assert (r"$$\frac{\partial J}{\partial b} = \frac{\partial J}{\partial v}\cdot"
            r"\frac{\partial v}{\partial u}\cdot\frac{\partial u}{\partial b} = "
            r"3 \cdot 1 \cdot 2 = 6$$") in markdown
    assert "Sum of 1 path: 6 = `b.grad` after one backward() from zero ✓" in markdown
    # The stepper above is part-way, and explain says so rather than blame accumulation.
    assert "a Stepper of J is part-way, at step 2 of 5" in markdown


def test_a_graph_too_big_to_draw_gets_a_summary_saying_how_to_draw_it(notebook):
    [page] = shown(notebook["long chain"], "text/html")
    text = html.unescape(page)
    assert "<svg" not in page
    y = 1.0
    for _ in range(250):
        y = math.tanh(y * 1.0001)
    assert f"data {format_number(y)} · op <code>tanh</code> · 501 nodes" in text
    assert "more than the 200 the scalar view draws" in text
    assert 'draw.save_svg(value, "graph.svg", max_nodes=501)' in text


def test_a_network_too_big_for_the_scalar_view_is_drawn_a_box_per_neuron(notebook):
    [page] = shown(notebook["network"], "text/html")
    assert "<svg" in page
    assert "network of loss" in page


def test_without_dot_each_display_says_how_to_install_it(notebook):
    value, rec, stepper = shown(notebook["no dot"], "text/html")
    for page in (value, rec, stepper):
        assert "<svg" not in page
        assert "Graphviz's 'dot' program was not found" in html.unescape(page)
    assert "data 33 · op <code>*</code> · 6 nodes" in value     # no .grad: it is not the record's
    assert "5 steps in the recorded pass" in rec
    assert "a.grad = 3" in html.unescape(stepper)


def test_the_engine_imports_no_view():
    # Only a display imports autograd.views, from inside the method.
    program = ("import sys, autograd, nn\n"
               "print(sorted(m for m in sys.modules if m.startswith('autograd.views') "
               "or m == 'graphviz'))")
    repository = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            check=True, cwd=repository)
    assert result.stdout == "[]\n"
