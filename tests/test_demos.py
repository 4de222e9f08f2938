"""The demos run, print what they promise, reproduce, and train: moons to 100%, digits to >= 93%."""

import doctest
import os
import subprocess
import sys

import pytest

from demos import (_common, activations, delta, digits, drug, gradient_health, graph, house,
                   moons, neuron, nudge, perceptron, softmax_net, tour, training_page, two_layer,
                   vanishing, vectorised)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DEMO_MODULES = [graph, nudge, neuron, two_layer, activations, moons, digits, tour, _common,
                delta, vectorised, drug, softmax_net, house, perceptron, vanishing,
                gradient_health, training_page]


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
    (activations, [], ["P(horse)", "0.999955", "vanishing gradient", "one linear map",
                       "relu, 0.5 at 0         0        0      0.5        1        1",
                       "leaky 0.1            0.1      0.1      0.1        1        1",
                       "σ(0) = 0.5: the notes' table of σ writes 0 there",
                       "∂g/∂z = σ(z)·(1 − σ(z))", "∂g/∂z = 1 if z > 0, 0.5 at z = 0, else 0"]),
    (graph, [], ["The notes write dJ/du = 2, with u = 5 and J = 38.003",
                 "takes J from 33 to 33.003, so dJ/du = 3", "They never compute dJ/dc; it is 9"]),
    (nudge, [], ["they give a² at a = 5.001 as 25.001; it is 25.010001",
                 "it goes up 0.012006, about 0.012"]),
    (neuron, [], ["e^(-z) = e^(-0.1478) = 0.8626, the last step a = 1/(1 + e^(-z)) left out",
                  "round dL/db = 0.2263 to 0.23 and so write b = -0.13",
                  "the exact update"]),
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


@pytest.mark.parametrize("replay", [True, "numpy", "python"])
def test_digits_replay_trains_to_the_same_numbers_as_eager(replay):
    eager = digits.train_digits(epochs=2, train_limit=160, progress=False, log=None)
    replayed = digits.train_digits(epochs=2, train_limit=160, progress=False, log=None,
                                   replay=replay)
    assert replayed.epoch_losses == pytest.approx(eager.epoch_losses, abs=1e-12)
    assert replayed.test_accuracy == eager.test_accuracy
    for ours, theirs in zip(replayed.model.parameters(), eager.model.parameters()):
        assert ours.data == pytest.approx(theirs.data, abs=1e-12)


def test_digits_refuses_an_unknown_replay_mode():
    with pytest.raises(ValueError, match="replay must be False, True or one of"):
        digits.train_digits(epochs=1, train_limit=32, progress=False, log=None, replay="jax")


@pytest.mark.parametrize("arguments, says", [
    (["--replay"], "over the whole minibatch with NumPy, one matrix per layer"),
    (["--replay", "numpy"], "over the whole minibatch with NumPy, one matrix per layer"),
    (["--replay", "python"], "replayed as generated Python, one image after another"),
])
def test_digits_command_line_takes_replay(capsys, arguments, says):
    digits.main(["--quick", *arguments])
    output = capsys.readouterr().out
    assert says in " ".join(output.split())
    assert "test accuracy:" in output


# The one full training run of the suite: 8 epochs on all 1,347 training
# images, about 20-35 s on two cores.  Time is reported by the demo, not asserted.
def test_digits_full_training_reaches_93_percent():
    result = digits.train_digits(progress=False, log=None)
    assert result.test_accuracy >= 0.93
    assert len(result.epoch_losses) == digits.EPOCHS
    assert result.epoch_losses[-1] < result.epoch_losses[0] / 5


# --- the notes, complete (issue 11): each demo's key printed figures ---------------------

def test_delta_demo_prints_the_notes_delta_beside_backward(capsys):
    delta.main([])
    out = capsys.readouterr().out
    assert "δ_1 = -(1 - 0.6318)·0.6318·(1 - 0.6318) = -0.085650   backward(): -0.085650" in out
    assert "∂L/∂w_21 = -0.085650·0.8 = -0.068520   backward(): -0.068520" in out
    assert "largest difference between formula and backward(): 1.4e-17" in out
    assert "notes' δ -0.085650, default mse -0.171300, exactly 2 times as much" in out


def test_vectorised_demo_prints_shapes_and_matches_the_engine(capsys):
    vectorised.main(["--samples", "5"])
    out = capsys.readouterr().out
    assert "one sample: z[1] = W[1]·a[0] + b[1]:  (4 × 1) = (4 × 3)(3 × 1) + (4 × 1)" in out
    assert "Z[1] = W[1]·X + b[1]:     (4 × 5) = (4 × 3)(3 × 5) + (4 × 1)" in out
    assert "dW[1] = (1/m) dZ[1]·Xᵀ                 (4 × 3) = (4 × 5)(5 × 3)" in out
    assert "(within 1e-12: True)" in out
    assert "sum       +0.0245908674   = dW[1][0, 0] = +0.0245908674" in out


@pytest.mark.parametrize("m", [1, 7])
def test_vectorised_formulas_equal_the_engine_for_any_m(m):
    result = vectorised.compare(m, seed=3)
    assert result.largest_difference <= 1e-12
    assert dict(result.shapes)["Z[1]"] == (4, m) and dict(result.shapes)["dW[1]"] == (4, 3)
    assert sum(result.per_sample) == pytest.approx(result.numpy["dW1"][0, 0], abs=1e-15)


def test_neuron_steps_finds_the_class_changes_and_plots(tmp_path, capsys):
    neuron.main(["--steps", "200", "--out", str(tmp_path / "loss.png")])
    out = capsys.readouterr().out
    assert "step     2: loss 0.6474, a(x = 0.4) = 0.4946 -> class 0" in out
    assert "the prediction for x = 0.4 changes to class 0 at step 2" in out
    assert "the prediction for x = 0.4 changes to class 1 at step 99" in out
    assert (tmp_path / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    run = neuron.train(200)
    assert run.losses[-1] < run.losses[0] and len(run.losses) == 201


def test_drug_reaches_100_percent_from_the_fixed_start(tmp_path, capsys):
    drug.main(["--out", str(tmp_path / "drug.png")])
    out = capsys.readouterr().out
    assert "100% of the 16 doses after 99 steps" in out
    assert "falls through 0.5 at 610 mg" in out and "falls through 0.5 at 2968 mg" in out
    assert (tmp_path / "drug.png").stat().st_size > 10000
    assert drug.EFFICACY == (0, 0) + (1,) * 10 + (0,) * 4


def test_drug_random_starts_are_reported_honestly():
    results = drug.random_starts(range(4))
    assert [run.accuracy == 1.0 for _, run in results] == [True, False, False, True]
    assert all(run.accuracy == 0.875 for _, run in results if run.accuracy < 1.0)


def test_softmax_net_counts_43_and_learns_iris(capsys):
    softmax_net.main([])
    out = capsys.readouterr().out
    assert "4×5 + 5×3 + 5 + 3 = 20 + 15 + 5 + 3 = 43" in out
    assert "len(model.parameters()) = 43" in out
    assert "scores [1, 2]: e^2 / (e^1 + e^2) = 0.731059" in out
    assert "scores [1, 2, 3]: e^3 / (e^1 + e^2 + e^3) = 0.665241" in out
    assert "e^10 / (e^10 + e^2 + e^0) = 0; it is 0.99962" in out
    assert "training accuracy 98.2%, test accuracy 100.0%" in out


def test_house_regression_fits_within_the_noise(tmp_path, capsys):
    house.main(["--out", str(tmp_path / "house.png")])
    out = capsys.readouterr().out
    assert "step    1: mean squared error 0.9023" in out
    assert "root-mean-square error on the houses: 8.2 thousand (the noise alone is 8.7)" in out
    assert "200 m², 4 bedrooms: network 428.9, the rule 430.0" in out


def test_perceptron_cannot_learn_and_the_sigmoid_can(capsys):
    perceptron.main([])
    out = capsys.readouterr().out
    assert "step    : dL/dw = +0.000000, dL/db = +0.000000" in out
    assert "step    : loss 0.6667 -> 0.6667, accuracy 33% -> 33%, w 0.7 -> 0.7000, b 0.1 -> 0.1000" in out
    assert "sigmoid : loss 0.2622 -> 0.0976, accuracy 33% -> 100%" in out


def test_vanishing_sigmoid_gradients_shrink_layer_by_layer(capsys):
    vanishing.main(["--steps", "3"])
    out = capsys.readouterr().out
    assert "first layer / last layer: sigmoid 7.3e-05, relu 2.0e-01" in out
    run = vanishing.train_deep("sigmoid", steps=1)
    sizes = run.first_sizes
    # from the output back to the first layer, the sigmoid network's gradient keeps shrinking
    assert all(earlier < later for earlier, later in zip(sizes[:5], sizes[1:6]))
    assert sizes[0] < 1e-3 * sizes[-1]


def test_gradient_health_finds_a_dead_relu_and_a_saturated_sigmoid():
    import nn as nn_library
    model = nn_library.MLP(1, [2, 1], activation="relu", seed=0)
    dead, alive = model.layers[0].neurons
    dead.w[0].data, dead.b.data = 1.0, -10.0          # z < 0 for every input below 10
    alive.w[0].data, alive.b.data = 1.0, 0.5
    flags = {(u.layer, u.index): u.flag for u in gradient_health.unit_health(model, [[0.0], [1.0]])}
    assert flags == {(1, 1): "dead", (1, 2): ""}
    saturated = nn_library.MLP(1, [1, 1], activation="sigmoid", seed=0)
    saturated.layers[0].neurons[0].w[0].data = 50.0
    health = gradient_health.unit_health(saturated, [[1.0], [-1.0], [2.0]])
    assert [u.flag for u in health if u.layer == 1] == ["saturated"]
