"""Benchmark: chainrule against micrograd 0.1.0 on the same work, timed in alternation on one machine.

A scalar engine builds one Python object per arithmetic operation, so its
speed decides whether a learner waits two seconds or two minutes.  Four
workloads, each run on both engines in turn (chainrule, micrograd, chainrule,
micrograd, ...) so that both see the same machine load; the table gives the
median time of each engine and their ratio:

1. micrograd's own demo: one full-batch training step on 100 two-moons
   points, ``MLP(2, [16, 16, 1])`` with ReLU, hinge loss + L2 1e-4, SGD;
   both engines start from the same weights (micrograd's, copied), and their
   losses must agree to 1e-9 at every step, which proves they did the same work;
2. a chain a million nodes deep, ``x = x + step`` (micrograd's recursive
   topological sort cannot do it: we show its RecursionError at 10,000);
3. a sum of 100,000 products, ``acc = acc + x_i * y_i``;
4. one epoch of the tour's digits network, ``MLP(64, [32, 10])``, softmax
   cross-entropy, minibatches of 32, Adam (micrograd 0.1.0 has no ``exp`` or
   ``log``: the benchmark adds both in micrograd's own style).

It also reports memory per node (tracemalloc), chainrule's build and backward
times separately, a forward pass with and without ``no_grad()``, and a
forward + backward pass outside and inside ``detect_anomaly()``.  When
PyTorch is installed, scalar tensors get a column too.

Run it with ``python -m demos.benchmark`` (a few minutes; ``--quick`` for a
small run in about ten seconds, ``--repeats N`` to change the number of
alternating runs).  It needs the ``bench`` extra: ``pip install 'chainrule[bench]'``.
"""

import argparse
import gc
import importlib.util
import math
import os
import platform
import random
import statistics
import sys
import time
import timeit
import tracemalloc
from collections import namedtuple
from contextlib import contextmanager

import nn
from autograd import Value, no_grad, topological_order
from autograd import detect_anomaly
from autograd.compile import compile_step
from autograd.grad_mode import RECORDING, current_mode

from ._common import require
from .digits import load_digits_split, one_hot
from .moons import load_moons

__all__ = ["Sizes", "FULL", "QUICK", "EngineRun", "Workload", "Report", "NotTheSameWork",
           "machine_description", "run_benchmark", "format_report", "AnomalyCost",
           "anomaly_detection_cost", "format_anomaly_cost", "main"]

MICROGRAD = "micrograd 0.1.0"
CHAINRULE = "chainrule"
CHAINRULE_OPS = "chainrule, micrograd's graph op by op"
CHAINRULE_REPLAY = "chainrule, compiled replay"
CHAINRULE_NUMPY = "chainrule, compiled replay on NumPy"
TORCH = "PyTorch (scalar tensors)"

ALPHA = 1e-4
"""micrograd's demo: the L2 strength."""

AGREEMENT = 1e-9
"""How close the engines' losses must be for the work to count as the same."""

Sizes = namedtuple("Sizes", "moons_points moons_steps chain_depth micrograd_chain_depth memory_chain_depth "
                            "products digits_images digits_repeats forward_images")
Sizes.__doc__ = """How much work each workload does: the two-moons points (micrograd's demo
has 100) and training steps;
the depth of chainrule's chain, of micrograd's attempt at one, and of the chains
whose memory is measured on both engines; the number of products summed; the
digits images in the epoch (None: all 1,347; a multiple of 32 keeps minibatches
full) and how many times at most each engine runs it (micrograd needs minutes
for a whole epoch); and the digits images in the no_grad() forward-pass comparison."""

FULL = Sizes(moons_points=100, moons_steps=3, chain_depth=1_000_000, micrograd_chain_depth=10_000,
             memory_chain_depth=100_000, products=100_000, digits_images=None, digits_repeats=1,
             forward_images=64)
"""The benchmark as the README reports it."""

QUICK = Sizes(moons_points=100, moons_steps=1, chain_depth=100_000, micrograd_chain_depth=10_000,
              memory_chain_depth=10_000, products=10_000, digits_images=32, digits_repeats=1,
              forward_images=32)
"""``--quick``: the same workloads, smaller."""

EngineRun = namedtuple("EngineRun",
                       "engine seconds nodes bytes_per_node graph_bytes losses build backward note "
                       "seconds_off compile_seconds", defaults=(None,))
EngineRun.__doc__ = """One engine on one workload: ``seconds`` (list of floats, one per
alternating run; empty when it could not run); ``nodes`` (int, the Values one
graph of the workload creates, 0 when not counted); ``bytes_per_node`` (float,
tracemalloc's count of the memory a graph of this shape allocates, per node,
or None); ``graph_bytes`` (int, that memory for one whole graph, or None when it
was measured on a smaller graph); ``losses`` (list of floats, what the engine
computed, for the agreement check); ``build`` and ``backward`` (lists of
seconds, one per run, chainrule only); ``note`` (str: why it could not run, or
how it was run); ``seconds_off`` (list of floats: the same runs with the
cyclic garbage collector off); ``compile_seconds`` (float: for a compiled
replay, the time to record and compile its programs once; None otherwise)."""

Workload = namedtuple("Workload", "number title unit graphs runs agreement")
Workload.__doc__ = """A workload's results: ``number`` (1-4), ``title`` (str), ``unit`` (what
one timed run is, e.g. "per step"), ``graphs`` (float, graphs built per timed
run, for nodes per second), ``runs`` (list of EngineRun), ``agreement`` (float,
the largest difference between the engines' losses)."""

Report = namedtuple("Report", "machine repeats sizes workloads forward_passes")
Report.__doc__ = """Everything the benchmark measured: ``machine`` (str), ``repeats`` (int),
``sizes`` (Sizes), ``workloads`` (list of Workload), ``forward_passes`` (list of
(title, seconds recording a graph, seconds under no_grad) tuples, chainrule only)."""


class NotTheSameWork(RuntimeError):
    """The engines computed different numbers, so their times cannot be compared."""


# --- the machine ----------------------------------------------------------------------

def machine_description():
    """The CPU model (from /proc/cpuinfo where there is one), cores, Python version and platform.

    Returns:
        str, e.g. ``"AMD EPYC, 2 cores; CPython 3.11.7; Linux-6.1-x86_64-with-glibc2.36"``.
    """
    cpu = platform.processor() or platform.machine() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            for line in file:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = os.cpu_count() or 1
    return (f"{cpu}, {cores} core{'s' if cores != 1 else ''}; "
            f"{platform.python_implementation()} {platform.python_version()}; {platform.platform()}")


# --- measuring -------------------------------------------------------------------------

@contextmanager
def collector(enabled):
    """Switch Python's cyclic garbage collector on or off for a block, then restore it as it was.

    micrograd's closures form reference cycles, so with the collector on most
    of its step is the collector re-walking the live graph; the benchmark
    times every run both ways so that each ratio can be read with and without it.

    Args:
        enabled: bool, the collector's state inside the block.
    """
    was_enabled = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        yield
    finally:
        (gc.enable if was_enabled else gc.disable)()


def _alternate(runners, repeats):
    """Run each engine's runner once per repeat and collector state, in turn (A B A B ...).

    Each runner times its own work (so that setting up, e.g. resetting weights,
    is not timed) and returns a dict with at least ``seconds``.  It runs twice
    per repeat: with the collector as Python leaves it (on) and with it off;
    the second run's time is added to the first's dict as ``seconds_off``.
    The garbage of one run (micrograd's graphs hold reference cycles) is
    collected before the next starts, so no engine pays for another's.
    """
    results = {name: [] for name in runners}
    for _ in range(repeats):
        for name, runner in runners.items():
            gc.collect()
            with collector(True):
                result = runner()
            gc.collect()
            with collector(False):
                result["seconds_off"] = runner()["seconds"]
            results[name].append(result)
    gc.collect()
    return results


def _graph_memory(build):
    """Bytes allocated by ``build()`` and still held when it returns, and what it returned."""
    gc.collect()
    tracemalloc.start()
    try:
        graph = build()
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, graph


def _count_micrograd_nodes(root):
    """Values reachable from a micrograd root (iteratively: its graphs are deep)."""
    seen = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node._prev)
    return len(seen)


@contextmanager
def _recursion_limit(limit):
    """Raise Python's recursion limit for a block (micrograd's sort recurses once per node), then restore it."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _engine_run(engine, runs, nodes=0, memory=None, note="", whole_graph=True):
    """An EngineRun from the runners' results and a (bytes, nodes) memory measurement."""
    bytes_per_node = graph_bytes = None
    if memory is not None:
        size, measured_nodes = memory
        bytes_per_node = size / measured_nodes
        graph_bytes = size if whole_graph else None
    return EngineRun(engine, [r["seconds"] for r in runs], nodes, bytes_per_node, graph_bytes,
                     runs[-1]["losses"] if runs else [],
                     [r["build"] for r in runs if "build" in r],
                     [r["backward"] for r in runs if "backward" in r], note,
                     [r["seconds_off"] for r in runs])


def _largest_difference(first, second):
    if len(first) != len(second):
        raise NotTheSameWork(f"the engines computed {len(first)} and {len(second)} losses")
    return max(abs(a - b) for a, b in zip(first, second))


def _check_same_work(title, runs):
    """The proof that the engines did the same work: their losses agree to 1e-9. Returns the largest gap."""
    reference = next(run for run in runs if run.engine == CHAINRULE).losses
    largest = 0.0
    for run in runs:
        if run.engine != CHAINRULE and run.seconds:
            gap = _largest_difference(reference, run.losses)
            if not gap <= AGREEMENT:
                raise NotTheSameWork(f"{title}: {run.engine}'s losses differ from chainrule's by "
                                     f"{gap:.3g}, more than {AGREEMENT:g}: not the same work")
            largest = max(largest, gap)
    return largest


# --- micrograd, with the two functions its 0.1.0 release lacks --------------------------

def _micrograd():
    """micrograd's engine and nn modules, or an error that says how to install them."""
    try:
        import micrograd.engine
        import micrograd.nn
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError("the benchmark compares chainrule with micrograd 0.1.0: "
                                  f"pip install 'chainrule[bench]' ({error})") from None
    return micrograd.engine, micrograd.nn


def _micrograd_exp(x):
    """e^x as a micrograd node, written the way micrograd writes its own ops (0.1.0 has no exp)."""
    out = type(x)(math.exp(x.data), (x,), "exp")

    def _backward():
        x.grad += out.data * out.grad
    out._backward = _backward
    return out


def _micrograd_log(x):
    """ln x as a micrograd node, in micrograd's style (0.1.0 has no log)."""
    out = type(x)(math.log(x.data), (x,), "log")

    def _backward():
        x.grad += (1.0 / x.data) * out.grad
    out._backward = _backward
    return out


def _micrograd_cross_entropy(batch_logits, targets):
    """The mean softmax cross-entropy, log Σ e^(z_j - m) + m - z_y, as nn.cross_entropy computes it."""
    losses = []
    for logits, target in zip(batch_logits, targets):
        largest = max(z.data for z in logits)
        exps = [_micrograd_exp(z - largest) for z in logits]
        losses.append(_micrograd_log(sum(exps)) + largest - logits[target])
    return sum(losses) * (1.0 / len(losses))


def _torch():
    """PyTorch if it is installed (it is optional), else None."""
    if importlib.util.find_spec("torch") is None:
        return None
    import torch
    torch.set_num_threads(1)   # scalar tensors: threads only add overhead
    return torch


# --- workload 1: micrograd's two-moons training step --------------------------------------

def _moons(sizes, repeats, torch):
    inputs, labels = load_moons()
    inputs, labels = inputs[:sizes.moons_points], labels[:sizes.moons_points]
    engine, micrograd_nn = _micrograd()
    # micrograd's demo seeds Python's random with 1337 before making its MLP,
    # which draws from it; the caller's random state is put back afterwards.
    state = random.getstate()
    random.seed(1337)
    micrograd_model = micrograd_nn.MLP(2, [16, 16, 1])
    random.setstate(state)
    initial = [float(p.data) for p in micrograd_model.parameters()]
    model = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear")
    steps = sizes.moons_steps

    def reset(parameters):
        for parameter, data in zip(parameters, initial):
            parameter.data = data
            parameter.grad = 0.0

    def micrograd_loss():
        # micrograd's demo.ipynb, its loss(), line for line.
        X = [list(map(engine.Value, xrow)) for xrow in inputs]
        scores = list(map(micrograd_model, X))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(labels, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum((p * p for p in micrograd_model.parameters()))
        return data_loss + reg_loss

    def micrograd_demo_steps(loss_of, model_of_engine):
        # ... and its training loop's steps, for either engine.
        def run():
            reset(model_of_engine.parameters())
            losses = []
            start = time.perf_counter()
            for k in range(steps):
                total_loss = loss_of()
                model_of_engine.zero_grad()
                total_loss.backward()
                learning_rate = 1.0 - 0.9 * k / 100
                for p in model_of_engine.parameters():
                    p.data -= learning_rate * p.grad
                losses.append(total_loss.data)
            return {"seconds": (time.perf_counter() - start) / steps, "losses": losses}
        return run

    run_micrograd = micrograd_demo_steps(micrograd_loss, micrograd_model)

    def chainrule_graph():
        scores = [model(x)[0] for x in inputs]
        return nn.hinge(scores, labels) + nn.l2(model.parameters(), ALPHA)

    def run_chainrule():
        reset(model.parameters())
        optimizer = nn.SGD(model.parameters(), lr=nn.linear_decay(1.0, 0.1, 100))
        losses, build, backward = [], 0.0, 0.0
        start = time.perf_counter()
        for _ in range(steps):
            began = time.perf_counter()
            loss = chainrule_graph()
            built = time.perf_counter()
            model.zero_grad()
            loss.backward()
            build, backward = build + built - began, backward + time.perf_counter() - built
            optimizer.step()
            losses.append(loss.data)
        return {"seconds": (time.perf_counter() - start) / steps, "losses": losses,
                "build": build / steps, "backward": backward / steps}

    def op_by_op_graph():
        # micrograd's loss() again, line for line, on chainrule Values: the same
        # 65,818 nodes, so this row compares the engines node for node.
        X = [list(map(Value, xrow)) for xrow in inputs]
        scores = [_micrograd_style_mlp(model, x) for x in X]
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(labels, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum((p * p for p in model.parameters()))
        return data_loss + reg_loss

    runners = {CHAINRULE: run_chainrule, CHAINRULE_OPS: micrograd_demo_steps(op_by_op_graph, model),
               MICROGRAD: run_micrograd}
    # The same step recorded once, per sample, and replayed (autograd.compile).
    record_seconds = {}
    for name, numpy in ((CHAINRULE_REPLAY, False), (CHAINRULE_NUMPY, True)):
        if numpy and importlib.util.find_spec("numpy") is None:
            continue
        reset(model.parameters())
        step = compile_step(lambda x, y: (1 - y * model(x)[0]).relu(), model.parameters(),
                            (inputs[0], labels[0]), numpy=numpy,
                            penalty=lambda: nn.l2(model.parameters(), ALPHA))
        record_seconds[name] = step.record_seconds
        runners[name] = _replay_runner(step, model, reset, [list(zip(inputs, labels))] * steps,
                                       lambda parameters: nn.SGD(parameters,
                                                                 lr=nn.linear_decay(1.0, 0.1, 100)),
                                       per_batch=True)
    if torch is not None:
        runners[TORCH] = _torch_moons_runner(torch, initial, inputs, labels, steps)
    results = _alternate(runners, repeats)

    reset(model.parameters())
    reset(micrograd_model.parameters())
    chainrule_bytes, loss = _graph_memory(chainrule_graph)
    # Nodes the step creates: every Value of its graph but the parameters, which exist before.
    chainrule_nodes = len(topological_order(loss)) - len(initial)
    del loss

    op_by_op_bytes, loss = _graph_memory(op_by_op_graph)
    op_by_op_nodes = len(topological_order(loss)) - len(initial)
    del loss

    micrograd_bytes, loss = _graph_memory(micrograd_loss)
    micrograd_nodes = _count_micrograd_nodes(loss) - len(initial)
    del loss

    runs = [_engine_run(CHAINRULE, results[CHAINRULE], chainrule_nodes,
                        (chainrule_bytes, chainrule_nodes)),
            _engine_run(CHAINRULE_OPS, results[CHAINRULE_OPS], op_by_op_nodes,
                        (op_by_op_bytes, op_by_op_nodes)),
            _engine_run(MICROGRAD, results[MICROGRAD], micrograd_nodes,
                        (micrograd_bytes, micrograd_nodes))]
    runs += [_engine_run(name, results[name], note=f"recorded and compiled once in "
                                                  f"{_seconds(record_seconds[name])}")
             ._replace(compile_seconds=record_seconds[name])
             for name in (CHAINRULE_REPLAY, CHAINRULE_NUMPY) if name in results]
    if torch is not None:
        runs.append(_engine_run(TORCH, results[TORCH]))
    title = (f"two-moons training step ({len(inputs)} points, MLP 2-16-16-1, "
             f"{steps} step{'s' * (steps > 1)})")
    return Workload(1, title, "per step", 1, runs, _check_same_work(title, runs)), model, inputs


def _replay_runner(step, model, reset, batches, make_optimizer, per_batch):
    """A runner training ``model`` with a compiled step, one optimiser step per batch.

    Its time is per batch (``per_batch``) or for all of them (an epoch).
    """
    def run():
        reset(model.parameters())
        optimizer = make_optimizer(model.parameters())
        losses = []
        start = time.perf_counter()
        for batch in batches:
            model.zero_grad()
            losses.append(step(batch))
            optimizer.step()
        seconds = time.perf_counter() - start
        return {"seconds": seconds / len(batches) if per_batch else seconds, "losses": losses}
    return run


def _micrograd_style_mlp(model, x):
    """chainrule's MLP applied the way micrograd's is: a node per product and per sum.

    micrograd's neuron is ``sum((wi * xi for wi, xi in zip(self.w, x)), self.b)``
    then ``relu()`` (not on the last layer): ``b + w_1·x_1``, then ``+ w_2·x_2``,
    and so on.  This builds exactly those nodes, from chainrule's parameters.

    Args:
        model: an ``nn.MLP`` with ReLU hidden layers and a linear last layer.
        x: list of Values.

    Returns:
        Value: the first output.
    """
    for index, layer in enumerate(model.layers):
        outputs = []
        for neuron in layer.neurons:
            act = neuron.b
            for w, xi in zip(neuron.w, x):
                act = act + w * xi
            outputs.append(act.relu() if index < len(model.layers) - 1 else act)
        x = outputs
    return x[0]


def _torch_moons_runner(torch, initial, inputs, labels, steps):
    """The two-moons step on PyTorch scalar tensors: micrograd's MLP and loss, one tensor per number."""
    torch_parameters = [torch.tensor(data, dtype=torch.float64, requires_grad=True)
                        for data in initial]
    torch_inputs = [[torch.tensor(x, dtype=torch.float64) for x in row] for row in inputs]

    def torch_model(row):
        # micrograd's MLP on scalar tensors, with the same parameter order.
        activations, index = row, 0
        for layer, (n_in, n_out) in enumerate(((2, 16), (16, 16), (16, 1))):
            outputs = []
            for _ in range(n_out):
                weights = torch_parameters[index:index + n_in]
                bias = torch_parameters[index + n_in]
                index += n_in + 1
                z = sum((w * a for w, a in zip(weights, activations)), bias)
                outputs.append(z.relu() if layer < 2 else z)
            activations = outputs
        return activations[0]

    def run_torch():
        with torch.no_grad():
            for parameter, data in zip(torch_parameters, initial):
                parameter.fill_(data)
        losses = []
        start = time.perf_counter()
        for k in range(steps):
            scores = [torch_model(row) for row in torch_inputs]
            hinge_losses = [(1 + -y * s).relu() for y, s in zip(labels, scores)]
            total = sum(hinge_losses) * (1.0 / len(hinge_losses)) + \
                ALPHA * sum(p * p for p in torch_parameters)
            for parameter in torch_parameters:
                parameter.grad = None
            total.backward()
            with torch.no_grad():
                for parameter in torch_parameters:
                    parameter -= (1.0 - 0.9 * k / 100) * parameter.grad
            losses.append(total.item())
        return {"seconds": (time.perf_counter() - start) / steps, "losses": losses}
    return run_torch



# --- workload 2: a chain a million nodes deep ---------------------------------------------

def _chain(value_type, depth):
    x, step = value_type(0.5), value_type(1.0)
    for _ in range(depth):
        x = x + step
    return x, step


def _deep_chain(sizes, repeats, torch):
    depth = sizes.chain_depth

    def run_chainrule():
        start = time.perf_counter()
        x, step = _chain(Value, depth)
        built = time.perf_counter()
        x.backward()
        finished = time.perf_counter()
        if step.grad != depth:
            raise NotTheSameWork(f"chain: d(x)/d(step) should be {depth}, got {step.grad}")
        return {"seconds": finished - start, "build": built - start,
                "backward": finished - built, "losses": [x.data]}

    results = _alternate({CHAINRULE: run_chainrule}, repeats)
    # Memory is measured on a shorter chain, the same for both engines (a node
    # of a chain costs the same at any depth; micrograd's would need 700 MB here).
    memory_depth = sizes.memory_chain_depth
    chainrule_bytes, (x, _) = _graph_memory(lambda: _chain(Value, memory_depth))
    memory_nodes = len(topological_order(x))
    del x
    note = f"memory per node measured at depth {memory_depth:,}" if memory_depth != depth else ""
    runs = [_engine_run(CHAINRULE, results[CHAINRULE], depth + 2, (chainrule_bytes, memory_nodes),
                        note, whole_graph=memory_depth == depth)]

    # micrograd builds the chain, but its recursive sort fails; show it at a depth 100× smaller.
    engine, _ = _micrograd()
    micrograd_bytes, (x, _) = _graph_memory(lambda: _chain(engine.Value, memory_depth))
    micrograd_nodes = _count_micrograd_nodes(x)
    del x
    attempt_depth = sizes.micrograd_chain_depth
    x, _ = _chain(engine.Value, attempt_depth)
    try:
        x.backward()
        note = f"backward() worked at depth {attempt_depth:,}"
    except RecursionError:
        note = (f"RecursionError at depth {attempt_depth:,} (its topological sort recurses "
                f"once per node; Python's limit is {sys.getrecursionlimit():,})")
    del x
    runs.append(_engine_run(MICROGRAD, [], 0, (micrograd_bytes, micrograd_nodes), note,
                            whole_graph=False))

    if torch is not None:
        def run_torch():
            start = time.perf_counter()
            x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
            step = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
            y = x
            for _ in range(depth):
                y = y + step
            y.backward()
            return {"seconds": time.perf_counter() - start, "losses": [y.item()]}
        runs.append(_engine_run(TORCH, _alternate({TORCH: run_torch}, repeats)[TORCH]))
    title = f"a chain {depth:,} nodes deep, x = x + step"
    return Workload(2, title, "build + backward", 1, runs, _check_same_work(title, runs))


# --- workload 3: a sum of products ----------------------------------------------------------

def _sum_of_products(xs, ys):
    acc = xs[0] * ys[0]
    for x, y in zip(xs[1:], ys[1:]):
        acc = acc + x * y
    return acc


def _products(sizes, repeats, torch):
    n = sizes.products
    first = [0.5 + (i % 97) / 97 for i in range(n)]
    second = [1.5 - (i % 89) / 89 for i in range(n)]
    engine, _ = _micrograd()

    def runner(value_type, deep=False, number=lambda x: x):
        def run():
            xs = [value_type(a) for a in first]
            ys = [value_type(b) for b in second]
            start = time.perf_counter()
            acc = _sum_of_products(xs, ys)
            built = time.perf_counter()
            if deep:
                # micrograd's recursive sort needs one Python frame per node of depth.
                with _recursion_limit(3 * n + 1000):
                    acc.backward()
            else:
                acc.backward()
            finished = time.perf_counter()
            if number(xs[-1].grad) != second[-1]:
                raise NotTheSameWork("sum of products: d(acc)/d(x_n) should be y_n")
            return {"seconds": finished - start, "build": built - start,
                    "backward": finished - built,
                    "losses": [number(acc.data), number(xs[0].grad), number(ys[n // 2].grad)]}
        return run

    runners = {CHAINRULE: runner(Value), MICROGRAD: runner(engine.Value, deep=True)}
    if torch is not None:
        runners[TORCH] = runner(lambda a: torch.tensor(a, dtype=torch.float64, requires_grad=True),
                                number=lambda tensor: tensor.item())
    results = _alternate(runners, repeats)
    for name in results:
        if name != CHAINRULE:
            for result in results[name]:
                del result["build"], result["backward"]

    def memory(value_type):
        xs = [value_type(a) for a in first]
        ys = [value_type(b) for b in second]
        return _graph_memory(lambda: _sum_of_products(xs, ys))
    chainrule_bytes, acc = memory(Value)
    chainrule_nodes = len(topological_order(acc)) - 2 * n     # the leaves existed before
    del acc
    micrograd_bytes, acc = memory(engine.Value)
    micrograd_nodes = _count_micrograd_nodes(acc) - 2 * n
    del acc
    runs = [_engine_run(CHAINRULE, results[CHAINRULE], chainrule_nodes,
                        (chainrule_bytes, chainrule_nodes)),
            _engine_run(MICROGRAD, results[MICROGRAD], micrograd_nodes,
                        (micrograd_bytes, micrograd_nodes),
                        note=f"run with Python's recursion limit raised to {3 * n + 1000:,}")]
    if torch is not None:
        runs.append(_engine_run(TORCH, results[TORCH]))
    title = f"a sum of {n:,} products, acc = acc + x_i·y_i"
    return Workload(3, title, "build + backward", 1, runs, _check_same_work(title, runs))


# --- workload 4: an epoch of the digits network ---------------------------------------------

def _digits(sizes, repeats):
    train_x, _, train_y, _ = load_digits_split()
    if sizes.digits_images is not None:
        train_x, train_y = train_x[:sizes.digits_images], train_y[:sizes.digits_images]
    order = list(range(len(train_x)))
    random.Random(0).shuffle(order)
    batches = [order[start:start + 32] for start in range(0, len(order), 32)]

    model = nn.MLP(64, [32, 10], activation="relu", seed=0)
    initial = [p.data for p in model.parameters()]
    engine, micrograd_nn = _micrograd()
    state = random.getstate()        # micrograd's MLP draws from Python's random: leave it as found
    micrograd_model = micrograd_nn.MLP(64, [32, 10])   # its last layer is linear, as ours
    random.setstate(state)
    micrograd_inputs = [list(map(engine.Value, x)) for x in train_x]

    def reset(parameters):
        for parameter, data in zip(parameters, initial):
            parameter.data = data
            parameter.grad = 0.0

    def epoch(parameters, loss_of):
        # The same optimiser code for both engines: nn.Adam only reads .grad and writes .data.
        reset(parameters)
        optimizer = nn.Adam(parameters, lr=0.01)
        losses, build, backward = [], 0.0, 0.0
        start = time.perf_counter()
        for batch in batches:
            began = time.perf_counter()
            loss = loss_of(batch)
            built = time.perf_counter()
            for parameter in parameters:
                parameter.grad = 0.0
            loss.backward()
            build, backward = build + built - began, backward + time.perf_counter() - built
            optimizer.step()
            losses.append(loss.data)
        return {"seconds": time.perf_counter() - start, "losses": losses,
                "build": build, "backward": backward}

    def chainrule_loss(batch):
        return nn.cross_entropy([model(train_x[i]) for i in batch], [train_y[i] for i in batch])

    def micrograd_loss(batch):
        return _micrograd_cross_entropy([micrograd_model(micrograd_inputs[i]) for i in batch],
                                        [train_y[i] for i in batch])

    runners = {CHAINRULE: lambda: epoch(model.parameters(), chainrule_loss),
               MICROGRAD: lambda: epoch(micrograd_model.parameters(), micrograd_loss)}
    record_seconds = {}
    sample_batches = [[(train_x[i], one_hot(train_y[i])) for i in batch] for batch in batches]
    for name, numpy in ((CHAINRULE_REPLAY, False), (CHAINRULE_NUMPY, True)):
        if numpy and importlib.util.find_spec("numpy") is None:
            continue
        reset(model.parameters())
        # The target goes in as one-hot class probabilities, data of the sample,
        # so one program serves every class.
        step = compile_step(lambda x, p: nn.cross_entropy(model(x), p), model.parameters(),
                            (train_x[0], one_hot(train_y[0])), numpy=numpy)
        record_seconds[name] = step.record_seconds
        runners[name] = _replay_runner(step, model, reset, sample_batches,
                                       lambda parameters: nn.Adam(parameters, lr=0.01),
                                       per_batch=False)
    results = _alternate(runners, min(repeats, sizes.digits_repeats))
    for result in results[MICROGRAD]:
        del result["build"], result["backward"]

    reset(model.parameters())
    reset(micrograd_model.parameters())
    chainrule_bytes, loss = _graph_memory(lambda: chainrule_loss(batches[0]))
    chainrule_nodes = len(topological_order(loss)) - len(initial)
    del loss
    micrograd_bytes, loss = _graph_memory(lambda: micrograd_loss(batches[0]))
    # micrograd's input Values are made once, before the epoch, like the parameters.
    micrograd_nodes = (_count_micrograd_nodes(loss) - len(initial)
                       - sum(len(micrograd_inputs[i]) for i in batches[0]))
    del loss
    runs = [_engine_run(CHAINRULE, results[CHAINRULE], chainrule_nodes,
                        (chainrule_bytes, chainrule_nodes)),
            _engine_run(MICROGRAD, results[MICROGRAD], micrograd_nodes,
                        (micrograd_bytes, micrograd_nodes),
                        note="no exp or log in micrograd 0.1.0: both added as micrograd-style "
                             "nodes (a Value and a _backward closure)")]
    runs += [_engine_run(name, results[name], note=f"recorded and compiled once in "
                                                  f"{_seconds(record_seconds[name])}, one-hot "
                                                  "targets")
             ._replace(compile_seconds=record_seconds[name])
             for name in (CHAINRULE_REPLAY, CHAINRULE_NUMPY) if name in results]
    title = (f"an epoch of digits (MLP 64-32-10, {len(train_x):,} images, "
             f"{len(batches)} minibatches of 32, Adam)")
    # A graph is one minibatch; nodes per second count the epoch's images.
    workload = Workload(4, title, "per epoch", len(train_x) / 32, runs,
                        _check_same_work(title, runs))
    return workload, model, train_x


# --- no_grad(): a forward pass with and without a graph -------------------------------------

def _forward_pass(title, model, inputs, repeats):
    """Time ``[model(x) for x in inputs]`` recording a graph and under no_grad(), in alternation."""
    def recording():
        start = time.perf_counter()
        outputs = [model(x) for x in inputs]
        seconds = time.perf_counter() - start
        del outputs
        return {"seconds": seconds}

    def without_graph():
        with no_grad():
            start = time.perf_counter()
            [model(x) for x in inputs]
            return {"seconds": time.perf_counter() - start}

    results = _alternate({"graph": recording, "no_grad": without_graph}, max(repeats, 5))
    return (title, statistics.median(r["seconds"] for r in results["graph"]),
            statistics.median(r["seconds"] for r in results["no_grad"]))


# --- detect_anomaly(): its cost when off and when on (kept apart from the workloads above) -----

AnomalyCost = namedtuple("AnomalyCost", "title nodes runs off on mode_test sweep_read")
AnomalyCost.__doc__ = """What anomaly detection costs on workload 1's forward + backward pass:
``nodes`` (int, Values made per pass), ``runs`` (int, alternating runs), the
median seconds of a pass outside any block (``off``) and inside
``detect_anomaly()`` (``on``); ``mode_test`` (seconds, timeit's best): the test
every node makes, ``current_mode() is RECORDING``; ``sweep_read`` (seconds):
the read that ``backward()`` makes once per sweep to pick its loop."""


def anomaly_detection_cost(sizes=FULL, repeats=3):
    """Time workload 1's forward + backward pass outside any block and inside ``detect_anomaly()``.

    The two runs alternate, as the engines do in the workloads.  What the
    checks cost when off cannot be timed against "the same code without
    them" in one run, so the two reads they rely on are timed on their own
    with timeit: the mode test each node makes (the same read ``no_grad()``
    needs: anomaly detection adds no test per node) and the one read per
    backward sweep.

    Returns:
        AnomalyCost.
    """
    inputs, labels = load_moons()
    inputs, labels = inputs[:sizes.moons_points], labels[:sizes.moons_points]
    model = nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear")

    def forward_backward():
        loss = nn.hinge([model(x)[0] for x in inputs], labels) + nn.l2(model.parameters(), ALPHA)
        model.zero_grad()
        loss.backward()
        return loss

    def timed():
        start = time.perf_counter()
        forward_backward()
        return {"seconds": time.perf_counter() - start}

    def checked():
        with detect_anomaly():
            return timed()

    runs = max(repeats, 5)
    results = _alternate({"off": timed, "on": checked}, runs)
    nodes = len(topological_order(forward_backward())) - len(model.parameters())
    reads = {"mode_test": "current_mode() is RECORDING", "sweep_read": "current_mode().checking"}
    best = {name: min(timeit.repeat(statement, number=1_000_000, repeat=5,
                                    globals={"current_mode": current_mode, "RECORDING": RECORDING}))
            / 1_000_000 for name, statement in reads.items()}
    return AnomalyCost(f"moons MLP 2-16-16-1, {len(inputs)} points, hinge + L2", nodes, runs,
                       statistics.median(r["seconds"] for r in results["off"]),
                       statistics.median(r["seconds"] for r in results["on"]),
                       best["mode_test"], best["sweep_read"])


def format_anomaly_cost(cost):
    """The AnomalyCost as a Markdown table and a paragraph on the cost when off.

    Returns:
        str.
    """
    per_node = cost.mode_test * 1e9
    share = cost.mode_test * cost.nodes / cost.off
    return "\n".join([
        "",
        f"`detect_anomaly()`: a forward + backward pass ({cost.title}, {cost.nodes:,} nodes), "
        f"medians of {cost.runs} alternating runs:",
        "",
        "| anomaly detection | forward + backward | against off |",
        "|---|---:|---:|",
        f"| off (no block) | {_seconds(cost.off)} | — |",
        f"| on, inside `detect_anomaly()` | {_seconds(cost.on)} | {cost.on / cost.off:.1f}× slower |",
        "",
        f"Off, it adds no test per node: each node reads its thread's mode once "
        f"(`current_mode() is RECORDING`, {per_node:.0f} ns by timeit), a read that `no_grad()` "
        f"needs anyway and that answers both; over {cost.nodes:,} nodes that read is "
        f"{_seconds(cost.mode_test * cost.nodes)}, {share:.1%} of the pass.  `backward()` reads "
        f"the mode once per sweep to choose its loop ({cost.sweep_read * 1e9:.0f} ns), and the "
        f"loop it runs when off has no check in it.",
    ])


# --- the whole benchmark ----------------------------------------------------------------------

def run_benchmark(sizes=FULL, repeats=3, log=None, use_torch=True):
    """Run the four workloads and the no_grad() comparison; return a Report.

    Args:
        sizes: a Sizes (FULL, QUICK, or smaller for a test).
        repeats: alternating runs per engine (the table shows the median).
        log: a function of one str for progress lines, or None.
        use_torch: add PyTorch scalar tensors where PyTorch is installed.

    Returns:
        Report.

    Raises:
        NotTheSameWork: if the engines' losses differ by more than 1e-9 (not the same work).
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats!r}")
    torch = _torch() if use_torch else None
    _micrograd()
    require("sklearn.datasets", "the benchmark's data")
    require("sklearn.model_selection", "the benchmark's data")
    say = log or (lambda line: None)
    # Every allocation can trigger a garbage collection, and a full one walks
    # every object in the process, including the libraries imported before we
    # start (scikit-learn; PyTorch doubles their number).  Freezing those
    # objects keeps each engine's time its own, whichever libraries are
    # installed; it is undone at the end.
    gc.collect()
    gc.freeze()
    try:
        return _run_workloads(sizes, repeats, torch, say)
    finally:
        gc.unfreeze()


def _run_workloads(sizes, repeats, torch, say):
    workloads, forward_passes = [], []

    say("1/4 two-moons training step ...")
    moons, moons_model, moons_inputs = _moons(sizes, repeats, torch)
    workloads.append(moons)
    forward_passes.append(_forward_pass(
        f"moons MLP 2-16-16-1, {len(moons_inputs)} points", moons_model, moons_inputs, repeats))

    say("2/4 deep chain ...")
    workloads.append(_deep_chain(sizes, repeats, torch))

    say("3/4 sum of products ...")
    workloads.append(_products(sizes, repeats, torch))

    say("4/4 digits epoch ...")
    digits, digits_model, digits_inputs = _digits(sizes, repeats)
    workloads.append(digits)
    images = digits_inputs[:sizes.forward_images]
    forward_passes.append(_forward_pass(
        f"digits MLP 64-32-10, {len(images)} images", digits_model, images, repeats))
    return Report(machine_description(), repeats, sizes, workloads, forward_passes)


# --- the table ----------------------------------------------------------------------------------

def _seconds(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def _bytes(size):
    if size >= 1e6:
        return f"{size / 1e6:.1f} MB"
    return f"{size / 1e3:.0f} kB"


def _median(values):
    return statistics.median(values) if values else None


def format_report(report):
    """The Report as Markdown tables with the targets checked, ready for the README.

    Returns:
        str.
    """
    lines = [
        f"**Machine:** {report.machine}.  ",
        f"**Method:** the engines run in alternation, {report.repeats} time"
        f"{'s' * (report.repeats > 1)} each (the digits epoch "
        f"{min(report.repeats, report.sizes.digits_repeats)}); times are medians.  Every run "
        "is timed twice: with Python's cyclic garbage collector on, as Python leaves it, and "
        "with it off in both engines for the timed work (micrograd's closures form reference "
        "cycles, and with the collector on most of its time is the collector walking its "
        "graph).  × micrograd is micrograd's time over the row's time, with the collector in "
        "the same state for both.  Objects that "
        "exist before the runs (the imported libraries) are frozen out of the garbage "
        "collector's way (gc.freeze()), so that no engine's time depends on which libraries "
        "are loaded.  A node is one Value in either engine (leaves made before the timed "
        "work, such as parameters, are not counted); chainrule makes one node per neuron's "
        "weighted sum Σw·a+b, where micrograd makes two per input, so chainrule's nodes are "
        "fewer and larger.  Memory is what tracemalloc sees allocated by building one graph; "
        "PyTorch's graph lives in C++, out of its sight, so PyTorch gets times only.",
        "",
        "| workload | engine | time, collector on | × micrograd | time, collector off "
        "| × micrograd | nodes per graph | nodes/s (off) | bytes per node | graph memory |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ratios = {}
    for workload in report.workloads:
        theirs = next((run for run in workload.runs if run.engine == MICROGRAD), None)
        theirs_on = _median(theirs.seconds) if theirs else None
        theirs_off = _median(theirs.seconds_off) if theirs else None
        for index, run in enumerate(workload.runs):
            first = f"{workload.number}. {workload.title}" if index == 0 else ""
            seconds, seconds_off = _median(run.seconds), _median(run.seconds_off)
            nodes = f"{run.nodes:,}" if run.nodes else "—"
            per_node = f"{run.bytes_per_node:,.0f}" if run.bytes_per_node else "—"
            memory = _bytes(run.graph_bytes) if run.graph_bytes else "—"
            if seconds is None:                   # the engine could not do it: say why
                cells = [run.note, "—", "—", "—"]
                rate = "—"
            else:
                cells = []
                for mine, micrograd, collector_on in ((seconds, theirs_on, True),
                                                      (seconds_off, theirs_off, False)):
                    cells.append(f"{_seconds(mine)} {workload.unit}")
                    if run.engine == MICROGRAD or micrograd is None:
                        cells.append("—")
                    else:
                        ratios[(workload.number, run.engine, collector_on)] = micrograd / mine
                        cells.append(f"**{micrograd / mine:.1f}×**")
                rate = (f"{run.nodes * workload.graphs / seconds_off:,.0f}"
                        if run.nodes else "—")
            lines.append(f"| {first} | {run.engine} | {' | '.join(cells)} | {nodes} | "
                         f"{rate} | {per_node} | {memory} |")
    notes = [f"{w.number}. {run.engine}: {run.note}" for w in report.workloads for run in w.runs
             if run.note and run.seconds]
    agreement = [f"{w.number}. {w.agreement:.1e}" for w in report.workloads
                 if w.agreement is not None and len([r for r in w.runs if r.seconds]) > 1]
    lines += ["", "Same work: the engines' losses agree to within 1e-9 (largest difference: "
              + ", ".join(agreement) + ")." if agreement else "",
              "Notes: " + "; ".join(notes) + "." if notes else ""]

    lines += ["", "chainrule's backward pass against building the graph (medians):", "",
              "| workload | build | backward() | backward ÷ build |", "|---|---:|---:|---:|"]
    backward_ratios = []
    for workload in report.workloads:
        ours = next(run for run in workload.runs if run.engine == CHAINRULE)
        build, backward = _median(ours.build), _median(ours.backward)
        backward_ratios.append(backward / build)
        lines.append(f"| {workload.number}. {workload.title} | {_seconds(build)} | "
                     f"{_seconds(backward)} | {backward / build:.2f} |")

    lines += ["", "A forward pass recording a graph, and under `no_grad()` (chainrule, medians):", "",
              "| forward pass | recording a graph | under no_grad() | no_grad() is |",
              "|---|---:|---:|---:|"]
    for title, recording, without in report.forward_passes:
        lines.append(f"| {title} | {_seconds(recording)} | {_seconds(without)} | "
                     f"**{recording / without:.1f}× faster** |")

    memory = []
    for workload in report.workloads:
        by_engine = {run.engine: run for run in workload.runs}
        if workload.number in (2, 3) and MICROGRAD in by_engine:
            memory.append(by_engine[CHAINRULE].bytes_per_node / by_engine[MICROGRAD].bytes_per_node)
    # The target is checked on workload 1's network; the digits network is
    # reported beside it.  Its neurons are wide (64 inputs), and a no_grad()
    # pass spends most of its time reading each weight's .data, which
    # recording must do too, so its ratio is lower.
    no_grad_ratios = [recording / without for _, recording, without in report.forward_passes]

    def verdict(met):
        return "met" if met else "NOT met"

    recorded = {(w.number, run.engine): run.compile_seconds for w in report.workloads
                for run in w.runs if run.compile_seconds is not None}
    record_text = ", ".join(f"{engine} on workload {number}: {_seconds(seconds)}"
                            for (number, engine), seconds in recorded.items()) or "not measured"
    record_met = bool(recorded) and max(recorded.values()) < 0.5

    def target(number, engine, at_least, what):
        on, off = ratios.get((number, engine, True)), ratios.get((number, engine, False))
        if off is None:
            return f"- {what} at least {at_least}× micrograd, collector off: not measured"
        return (f"- {what} at least {at_least}× micrograd, collector off: {off:.1f}× "
                f"({verdict(off >= at_least)}; collector on: {on:.1f}×)")
    lines += ["", "Targets:", "",
              target(1, CHAINRULE, 10, "two-moons step, each engine's own MLP,"),
              target(1, CHAINRULE_OPS, 2, "two-moons step, micrograd's graph op by op,"),
              target(1, CHAINRULE_REPLAY, 40, "two-moons step, compiled replay,"),
              target(4, CHAINRULE_REPLAY, 40, "digits minibatches of 32, compiled replay,"),
              target(1, CHAINRULE_NUMPY, 100, "two-moons step, compiled replay on NumPy,"),
              f"- record and compile under 0.5 s: {record_text} ({verdict(record_met)})",
              f"- memory per node at most a third of micrograd's (chain, sum of products): "
              + ", ".join(f"{ratio:.2f}" for ratio in memory)
              + f" of micrograd's ({verdict(all(ratio <= 1 / 3 for ratio in memory))})",
              f"- backward() no slower than building the graph: largest backward ÷ build "
              f"{max(backward_ratios):.2f} ({verdict(max(backward_ratios) <= 1)})",
              f"- no_grad() forward pass at least 5× faster than recording, on workload 1's "
              f"network: {no_grad_ratios[0]:.1f}× ({verdict(no_grad_ratios[0] >= 5)}); on the "
              f"digits network: {no_grad_ratios[-1]:.1f}×"]
    return "\n".join(line for line in lines)


def main(argv=None):
    """Command line: ``python -m demos.benchmark [--quick] [--repeats N] [--no-torch]``."""
    parser = argparse.ArgumentParser(prog="python -m demos.benchmark",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller workloads, for a run of about ten seconds")
    parser.add_argument("--repeats", type=int, default=3,
                        help="alternating runs per engine; the table shows medians (default 3)")
    parser.add_argument("--no-torch", action="store_true",
                        help="leave PyTorch out even when it is installed")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    sizes = QUICK if args.quick else FULL
    report = run_benchmark(sizes, args.repeats, log=lambda line: print(line, file=sys.stderr),
                           use_torch=not args.no_torch)
    print(format_report(report))
    print(format_anomaly_cost(anomaly_detection_cost(sizes, args.repeats)))


if __name__ == "__main__":
    main()
