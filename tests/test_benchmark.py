"""The benchmark's machinery on tiny workloads: the same-work proof, micrograd's RecursionError, the table.

No timing is asserted here: the times belong to ``python -m demos.benchmark``.
"""

import gc
import importlib.util
import random
import re
import sys

import pytest

from demos import benchmark
from demos.benchmark import (CHAINRULE, CHAINRULE_NUMPY, CHAINRULE_OPS, CHAINRULE_REPLAY,
                             MICROGRAD, TORCH, EngineRun, NotTheSameWork, Sizes,
                             format_report, machine_description, run_benchmark)

TINY = Sizes(moons_points=10, moons_steps=2, chain_depth=2_000, micrograd_chain_depth=3_000,
             memory_chain_depth=1_000, products=300, digits_images=4, digits_repeats=1,
             forward_images=4)


BEFORE_AND_AFTER = {}
"""The interpreter's state around the benchmark run, filled in by the fixture."""


@pytest.fixture(scope="module")
def report():
    BEFORE_AND_AFTER["before"] = (random.getstate(), sys.getrecursionlimit())
    result = run_benchmark(TINY, repeats=2, use_torch=False)
    BEFORE_AND_AFTER["after"] = (random.getstate(), sys.getrecursionlimit())
    return result


def _runs(report, number):
    workload = next(w for w in report.workloads if w.number == number)
    return workload, {run.engine: run for run in workload.runs}


def test_all_four_workloads_run_on_both_engines(report):
    assert [w.number for w in report.workloads] == [1, 2, 3, 4]
    for workload in report.workloads:
        engines = [run.engine for run in workload.runs]
        assert engines[0] == CHAINRULE and MICROGRAD in engines
    _, runs = _runs(report, 1)
    assert CHAINRULE_OPS in runs


def test_the_engines_did_the_same_work(report):
    for number in (1, 3, 4):
        workload, runs = _runs(report, number)
        assert workload.agreement <= 1e-9
        for engine, run in runs.items():
            assert len(run.losses) == len(runs[MICROGRAD].losses) > 0, engine
            for ours, theirs in zip(run.losses, runs[MICROGRAD].losses):
                assert ours == pytest.approx(theirs, abs=1e-9)


def test_every_run_is_timed_with_the_collector_on_and_off(report):
    for workload in report.workloads:
        for run in workload.runs:
            assert len(run.seconds_off) == len(run.seconds)
            assert all(seconds > 0 for seconds in run.seconds_off)


def test_collector_is_switched_for_the_block_and_restored():
    assert gc.isenabled()
    with benchmark.collector(False):
        assert not gc.isenabled()
        with benchmark.collector(True):
            assert gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(KeyError):
            with benchmark.collector(True):
                assert gc.isenabled()
                raise KeyError("an error inside the block")
        assert not gc.isenabled()                 # restored to off, as it was
    finally:
        gc.enable()


def test_compiled_replays_run_on_moons_and_digits_and_say_their_compile_time(report):
    for number in (1, 4):
        _, runs = _runs(report, number)
        for engine in (CHAINRULE_REPLAY, CHAINRULE_NUMPY):
            assert runs[engine].seconds and runs[engine].seconds_off
            assert 0 < runs[engine].compile_seconds
            assert "compiled once in" in runs[engine].note
    assert "- record and compile under 0.5 s: " in format_report(report)


def test_op_by_op_graph_is_micrographs_node_for_node(report):
    _, runs = _runs(report, 1)
    assert runs[CHAINRULE_OPS].nodes == runs[MICROGRAD].nodes
    assert runs[CHAINRULE].nodes * 5 < runs[CHAINRULE_OPS].nodes


def test_moons_losses_are_the_demo_losses(report):
    _, runs = _runs(report, 1)
    assert len(runs[CHAINRULE].losses) == TINY.moons_steps
    # Hinge loss of an untrained net on ±1 labels is near 1, then falls.
    first, second = runs[CHAINRULE].losses
    assert 0.5 < first < 2.0 and second != first


def test_each_engine_ran_repeats_times(report):
    for workload in report.workloads:
        for run in workload.runs:
            if run.engine == MICROGRAD and workload.number == 2:
                continue
            expected = 1 if workload.number == 4 else 2
            assert len(run.seconds) == expected


def test_micrograd_cannot_do_the_deep_chain(report):
    _, runs = _runs(report, 2)
    micrograd = runs[MICROGRAD]
    assert micrograd.seconds == []
    assert micrograd.note.startswith("RecursionError at depth 3,000")
    assert runs[CHAINRULE].nodes == TINY.chain_depth + 2
    assert runs[CHAINRULE].losses == [0.5 + TINY.chain_depth]


def test_chainrule_times_build_and_backward_separately(report):
    for workload in report.workloads:
        _, runs = _runs(report, workload.number)
        ours = runs[CHAINRULE]
        assert len(ours.build) == len(ours.backward) == len(ours.seconds)
        assert all(b > 0 for b in ours.build + ours.backward)
        assert runs[MICROGRAD].build == []


def test_node_counts_are_the_graphs(report):
    _, runs = _runs(report, 3)
    # n products and n - 1 sums in both engines: the same structure.
    assert runs[CHAINRULE].nodes == runs[MICROGRAD].nodes == 2 * TINY.products - 1
    _, runs = _runs(report, 1)
    # One Σw·a+b node per neuron against two micrograd nodes per input.
    assert runs[CHAINRULE].nodes * 5 < runs[MICROGRAD].nodes


def test_memory_per_node_is_measured_for_both(report):
    for number in (2, 3):
        _, runs = _runs(report, number)
        assert 100 < runs[CHAINRULE].bytes_per_node < runs[MICROGRAD].bytes_per_node


def test_no_grad_forward_passes_are_reported(report):
    titles = [title for title, _, _ in report.forward_passes]
    assert titles == ["moons MLP 2-16-16-1, 10 points", "digits MLP 64-32-10, 4 images"]
    assert all(recording > 0 and without > 0 for _, recording, without in report.forward_passes)


def test_the_interpreter_is_left_as_it_was(report):
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0               # gc.freeze() was undone
    # micrograd's MLPs draw from the global random and its sort needed a higher
    # recursion limit: both are put back.
    assert BEFORE_AND_AFTER["after"] == BEFORE_AND_AFTER["before"]


# --- the table ------------------------------------------------------------------------

def test_table_format(report):
    text = format_report(report)
    lines = text.splitlines()
    assert lines[0].startswith(f"**Machine:** {machine_description()}")
    header = "| workload | engine | time, collector on | × micrograd | time, collector off " \
             "| × micrograd | nodes per graph | nodes/s (off) | bytes per node | graph memory |"
    start = lines.index(header)
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    engines = [row.split(" | ")[1] for row in rows]
    assert len(rows) == sum(len(w.runs) for w in report.workloads)
    for row in rows:
        cells = row.split(" | ")
        assert len(cells) == 10
    assert rows[0].startswith("| 1. two-moons training step (10 points, MLP 2-16-16-1, 2 steps) "
                              "| chainrule |")
    ops_row = rows[engines.index(CHAINRULE_OPS)]
    assert re.search(r"\| [\d.]+ m?s per step \| \*\*[\d.]+×\*\* \| [\d.]+ m?s per step "
                     r"\| \*\*[\d.]+×\*\* \|", ops_row)
    assert "| micrograd 0.1.0 | RecursionError at depth 3,000" in "\n".join(rows)
    assert "Same work: the engines' losses agree to within 1e-9" in text
    assert "micrograd 0.1.0: run with Python's recursion limit raised to 1,900" in text
    assert "no exp or log in micrograd 0.1.0" in text


def test_table_has_the_phase_and_no_grad_tables_and_the_targets(report):
    text = format_report(report)
    assert "| workload | build | backward() | backward ÷ build |" in text
    assert "| forward pass | recording a graph | under no_grad() | no_grad() is |" in text
    targets = text.split("Targets:")[1].strip().splitlines()
    assert targets[0].startswith("- two-moons step, each engine's own MLP, at least 10× "
                                 "micrograd, collector off: ")
    assert targets[1].startswith("- two-moons step, micrograd's graph op by op, at least 2×")
    assert all(re.search(r"\((NOT )?met[;)]", t) for t in targets)
    assert re.search(r"on the digits network: [\d.]+×$", targets[-1])


def test_machine_description_names_cores_and_python():
    text = machine_description()
    assert "core" in text and sys.version.split()[0] in text


# --- the same-work proof refuses different numbers -----------------------------------------

def test_different_losses_are_refused():
    runs = [EngineRun(CHAINRULE, [1.0], 1, 100.0, 100, [0.5, 0.25], [0.5], [0.5], "", [1.0]),
            EngineRun(MICROGRAD, [2.0], 1, 100.0, 100, [0.5, 0.25 + 2e-9], [], [], "", [2.0])]
    with pytest.raises(NotTheSameWork, match="differ from chainrule's by 2e-09"):
        benchmark._check_same_work("test", runs)
    runs[1] = runs[1]._replace(losses=[0.5, 0.25 + 1e-12])
    assert benchmark._check_same_work("test", runs) == pytest.approx(1e-12, rel=1e-3)


def test_recursion_limit_is_restored():
    before = sys.getrecursionlimit()
    with benchmark._recursion_limit(before + 5000):
        assert sys.getrecursionlimit() == before + 5000
    assert sys.getrecursionlimit() == before


def test_micrograd_exp_and_log_have_the_right_derivatives():
    from micrograd.engine import Value as MicrogradValue
    x = MicrogradValue(0.5)
    y = benchmark._micrograd_log(benchmark._micrograd_exp(x * 2.0))    # ln e^(2x) = 2x
    y.backward()
    assert y.data == pytest.approx(1.0) and x.grad == pytest.approx(2.0)


# --- command line and PyTorch ----------------------------------------------------------------

def test_repeats_must_be_positive():
    with pytest.raises(SystemExit):
        benchmark.main(["--repeats", "0"])
    with pytest.raises(ValueError):
        run_benchmark(TINY, repeats=0)


def test_pytorch_column_exactly_when_pytorch_is_installed():
    installed = importlib.util.find_spec("torch") is not None
    assert (benchmark._torch() is not None) == installed
    if installed:
        small = TINY._replace(moons_points=5, moons_steps=1, chain_depth=200, products=50,
                              digits_images=2)
        report = run_benchmark(small, repeats=1)
        for number in (1, 2, 3):
            _, runs = _runs(report, number)
            assert TORCH in runs and runs[TORCH].seconds
        assert TORCH not in _runs(report, 4)[1]
        assert "| PyTorch (scalar tensors) |" in format_report(report)
