"""The demos run, print what they promise, reproduce, and train: moons to 100%, digits to >= 93%."""

import doctest
import os
import subprocess
import sys

import pytest

from demos import (_common, activations, digits, graph, moons, neuron, nudge, tour,
                   two_layer)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DEMO_MODULES = [graph, nudge, neuron, two_layer, activations, moons, digits, tour, _common]


def run_demo(name, *args):
    """Run ``python -m demos.NAME ARGS`` from the repository; return the finished process."""
    return subprocess.run([sys.executable, "-m", f"demos.{name}", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


# --- docstring examples (demos/ is outside pytest's doctest paths) -------------------

@pytest.mark.parametrize("module", DEMO_MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    failed, _ = doctest.testmod(module, verbose=False)
    assert failed == 0


# --- each demo's main() prints its story ------------------------------------------

@pytest.mark.parametrize("module, argv, phrases", [
    (graph, [], ["Forward pass", "J = 3·v = 33", "upstream gradient", "local derivative",
                 "dJ/db += dJ/du · ∂u/∂b = 3 × 2 = 6", "moves J from 33 to 33.003"]),
    (graph, ["--a", "1", "--b", "2", "--c", "4"], ["J = 3·v = 27", "dJ/dc = 6"]),
    (nudge, [], ["f(2.001) = 4.004001", "= 12.000000", "central difference", "= 0.500000"]),
    (neuron, [], ["learning rate 1", "dL/dw: backward() 0.013083", "0.3116", "0.2921",
                  "the loss falls", "so class 1"]),
    (two_layer, [], ["y = 1", "a2 = σ(z2) = 0.5866", "dL/dw1 = (a2 - y)·w2·a1(1 - a1)·x"]),
    (two_layer, ["--y", "0"], ["y = 0", "0.586630"]),
    (activations, [], ["P(horse)", "0.999955", "vanishing gradient", "one linear map"]),
])
def test_main_prints(module, argv, phrases, capsys):
    module.main(argv)
    out = capsys.readouterr().out
    for phrase in phrases:
        assert phrase in out


@pytest.mark.parametrize("module", [graph, nudge, neuron, two_layer, activations],
                         ids=lambda m: m.__name__)
def test_output_is_the_same_on_every_run(module, capsys):
    module.main([])
    first = capsys.readouterr().out
    module.main([])
    assert capsys.readouterr().out == first


@pytest.mark.parametrize("module, argv", [
    (two_layer, ["--y", "2"]),
    (nudge, ["--a", "-1"]),
    (neuron, ["--lr", "0"]),
    (digits, ["--epochs", "0"]),
    (tour, ["--epochs", "0"]),
])
def test_bad_options_are_refused(module, argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        module.main(argv)
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err


def test_graph_demo_as_a_subprocess():
    finished = run_demo("graph")
    assert finished.returncode == 0, finished.stderr
    assert "dJ/da = 3, dJ/db = 6, dJ/dc = 9" in finished.stdout
    assert "a: 5 -> 5.001 moves J from 33 to 33.003" in finished.stdout


def test_neuron_demo_as_a_subprocess():
    finished = run_demo("neuron")
    assert finished.returncode == 0, finished.stderr
    assert "w ← w - learning rate · dL/dw = 0.7 - 1·0.0131 = 0.6869" in finished.stdout
    assert "b ← b - learning rate · dL/db = 0.1 - 1·0.2263 = -0.1263" in finished.stdout


# --- moons ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def moons_result():
    return moons.train_moons(max_steps=100, log=None)


def test_moons_trains_to_100_percent(moons_result):
    assert moons_result.accuracy == 1.0
    # It really trains: it starts well below 100% and the loss falls.
    first_step, first_loss, first_accuracy = moons_result.history[0]
    assert first_accuracy < 0.9
    assert moons_result.history[-1][1] < first_loss / 5
    assert 10 < moons_result.steps <= 100
    assert moons_result.history[-1][0] == moons_result.steps


def test_moons_data_is_micrograds(moons_result):
    assert len(moons_result.inputs) == 100
    assert sorted(set(moons_result.labels)) == [-1, 1]
    assert moons_result.labels.count(1) == 50


def test_moons_stops_at_max_steps_and_logs():
    lines = []
    result = moons.train_moons(max_steps=3, log=lines.append, every=2)
    assert result.steps == 3
    assert result.accuracy < 1.0
    assert [line.split(":")[0] for line in lines] == ["step   0", "step   2", "step   3"]


def test_moons_decision_boundary_png(moons_result, tmp_path):
    path = moons.plot_decision_boundary(moons_result.model, moons_result.inputs,
                                        moons_result.labels, str(tmp_path / "sub" / "moons.png"),
                                        resolution=0.2)
    with open(path, "rb") as file:
        assert file.read(8) == b"\x89PNG\r\n\x1a\n"


# --- the tour and the digits -------------------------------------------------------------

def test_tour_quick_as_a_subprocess(tmp_path):
    finished = run_demo("tour", "--quick", "--out", str(tmp_path))
    assert finished.returncode == 0, finished.stderr
    out = finished.stdout
    titles = ["1. The computation graph", "2. Derivatives by nudging",
              "3. A neuron is a logistic regression", "4. Two layers", "5. Softmax",
              "6. Training a network: handwritten digits"]
    positions = [out.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "epoch 1/1: mean training loss" in out
    assert "(450 held-out images)" in out
    assert "training time:" in out
    assert "test accuracy:" in out
    # the pictures: named in the output, written, and well-formed
    for name in ("J.svg", "J-steps.html", "neuron.svg", "digits-mlp.svg"):
        path = tmp_path / name
        assert str(path) in out
        assert path.stat().st_size > 1000
    import xml.etree.ElementTree as ElementTree
    for name in ("J.svg", "neuron.svg", "digits-mlp.svg"):
        root = ElementTree.parse(tmp_path / name).getroot()
        assert root.tag.endswith("svg")
    svg_text = (tmp_path / "J.svg").read_text()
    assert "J" in svg_text and "data 33" in svg_text and "grad 9" in svg_text
    page = (tmp_path / "J-steps.html").read_text()
    assert "<svg" in page and "<script" in page and "src=\"http" not in page


def test_tour_sections_are_in_the_notes_order():
    names = [section.__name__ for section in tour.SECTIONS]
    assert names == ["section_graph", "section_nudge", "section_neuron", "section_two_layer",
                     "section_activations", "section_pictures", "section_digits"]


def test_digits_split_is_fixed_and_scaled():
    train_x, test_x, train_y, test_y = digits.load_digits_split()
    assert (len(train_x), len(test_x)) == (1347, 450)
    assert len(train_x[0]) == 64
    assert min(min(row) for row in train_x) == 0.0 and max(max(row) for row in train_x) == 1.0
    assert sorted(set(test_y)) == list(range(10))
    assert digits.load_digits_split()[3] == test_y


def test_digits_quick_run_is_reproducible():
    first = digits.train_digits(epochs=1, train_limit=96, progress=False, log=None)
    second = digits.train_digits(epochs=1, train_limit=96, progress=False, log=None)
    assert first.epoch_losses == second.epoch_losses
    assert first.test_accuracy == second.test_accuracy
    assert first.n_train == 96 and first.n_test == 450


def test_digits_replay_trains_to_the_same_numbers_as_eager():
    eager = digits.train_digits(epochs=2, train_limit=160, progress=False, log=None)
    replayed = digits.train_digits(epochs=2, train_limit=160, progress=False, log=None,
                                   replay=True)
    assert replayed.epoch_losses == pytest.approx(eager.epoch_losses, abs=1e-12)
    assert replayed.test_accuracy == eager.test_accuracy
    for ours, theirs in zip(replayed.model.parameters(), eager.model.parameters()):
        assert ours.data == pytest.approx(theirs.data, abs=1e-12)


def test_digits_command_line_takes_replay(capsys):
    digits.main(["--quick", "--replay"])
    output = capsys.readouterr().out
    assert "recorded once and replayed as generated Python" in output
    assert "test accuracy:" in output


# The one full training run of the suite: 8 epochs on all 1,347 training
# images, about 20-35 s on two cores.  Time is reported by the demo, not asserted.
def test_digits_full_training_reaches_93_percent():
    result = digits.train_digits(progress=False, log=None)
    assert result.test_accuracy >= 0.93
    assert len(result.epoch_losses) == digits.EPOCHS
    assert result.epoch_losses[-1] < result.epoch_losses[0] / 5
