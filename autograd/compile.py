"""Compiled replay: record a training step once as Values, then replay it as generated straight-line Python.

The eager engine builds a graph of Values on every step and sweeps it.  When
the graph has the same shape every step (the same network, the same loss),
the graph can be recorded once and written out as a program: one line per
node for the forward pass, one line per edge for the backward pass, with the
parameters and the sample's numbers as plain variables.  Replaying that
program builds no Values at all.  This is what a JIT compiler does
(``jax.jit``, ``torch.compile``); ``print(step)`` shows the program, as
``jax.make_jaxpr`` does.

    >>> import nn
    >>> model = nn.MLP(2, [3, 1], activation="relu", seed=0)
    >>> step = compile_step(lambda x, y: (1 - y * model(x)[0]).relu(),
    ...                     model.parameters(), example=([0.5, -1.0], 1))
    >>> model.zero_grad()
    >>> loss = step([([0.5, -1.0], 1), ([1.0, 2.0], -1)])    # the mean over the batch
    >>> eager = nn.hinge([model([0.5, -1.0])[0], model([1.0, 2.0])[0]], [1, -1])
    >>> abs(loss - eager.data) < 1e-15
    True

Every rule comes from the table (``autograd.ops``): a row's ``code`` writes
the rule inline; a row without one is called by name, its own ``forward`` and
``local_grads`` bound in the program's namespace.  The NumPy mode
(``numpy=True``) runs the same per-sample program with each variable an array
holding every sample of the batch, and writes each layer (weighted sums that
share one list of inputs, each with its own weights and bias) as one matrix,
the notes' ``Z[l] = W[l]·A[l-1] + b[l]``, from the row's ``layer`` rules; it
needs NumPy, imported only then.

What a replay cannot see, it refuses or checks:

* a branch inside an op (which side of 0 a ReLU input falls, the largest
  logit) is part of the op's rule, so the replay recomputes it per sample;
* a comparison of Values while recording (``if z > 0:``) becomes a guard: the
  replay checks that it comes out the same, and raises :class:`GuardFailed`
  when it does not, because the graph would have had another shape;
* reading ``.data`` of a Value while recording is refused with
  :class:`RecordingError`: the replay could not know what was decided
  (``float()`` of a Value is refused by Value itself);
* an argument that decides the structure (a class index that picks a logit)
  is declared in ``static_argnums``: each value gets its own program;
* a sample whose lists have another length than the recorded one raises
  :class:`GuardFailed`.

Source: the tracing JIT of JAX (``jax.jit``: trace once per static argument
values, replay the trace) and TorchDynamo's guards.
"""

import ast
import contextlib
import contextvars
import inspect
import keyword
import math
import re
import sys
import threading
import time

from . import ops
from .graph import topological_order
from .grad_mode import is_grad_enabled
from .value import CONSTANT, Value, sum_values

__all__ = ["compile_step", "CompiledStep", "RecordingError", "GuardFailed"]


class RecordingError(ValueError):
    """The function cannot be recorded faithfully (it reads numbers off Values, or uses an unknown leaf)."""


class GuardFailed(RuntimeError):
    """A replay's graph would have a different shape from the recorded one."""


# --- recording: watch what the function does with Values -------------------------------

_ENGINE_MODULES = ("autograd.value", "autograd.ops", "autograd.graph", "autograd.backward",
                   "autograd.compile")
_COMPARISONS = {"__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">="}
_recording_lock = threading.Lock()
# The recording under way in this thread or asyncio task, if any.
_recording_here = contextvars.ContextVar("chainrule_recording", default=None)


class _Recording:
    """What happened while the function ran: comparisons made (guards) and refused reads."""

    def __init__(self):
        self.guards = []        # (left Value, symbol, right Value or float, outcome)


@contextlib.contextmanager
def _watching(recording):
    """While the function runs, route ``.data`` reads and comparisons of Values through the recorder.

    The class attributes are put back afterwards, even after an exception.
    Only one recording runs at a time (a lock), since the watch is on the class;
    and it watches only the thread (and asyncio task) that records: any other
    code running meanwhile reads and compares Values as always.
    """
    slot = Value.__dict__["data"]
    originals = {name: Value.__dict__[name] for name in _COMPARISONS}

    def read(node):
        if _recording_here.get() is not recording:
            return slot.__get__(node, Value)
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if not caller.startswith(_ENGINE_MODULES) and node.role != CONSTANT:
            raise RecordingError(
                f"the function read the number of {_name_for_error(node)} while being recorded "
                f"(in {caller}): a replay cannot know what it decided from it.  Compute with "
                "Values (an op of the table), or compare Values (z > 0), which the replay "
                "checks again on every sample")
        return slot.__get__(node, Value)

    def write(node, data):
        slot.__set__(node, data)

    def comparison(name, symbol):
        original = originals[name]

        def compare(self, other):
            outcome = original(self, other)
            if _recording_here.get() is recording:
                recording.guards.append((self, symbol, other, outcome))
            return outcome
        return compare

    with _recording_lock:
        token = _recording_here.set(recording)
        try:
            Value.data = property(read, write)
            for name, symbol in _COMPARISONS.items():
                setattr(Value, name, comparison(name, symbol))
            yield
        finally:
            Value.data = slot
            for name, original in originals.items():
                setattr(Value, name, original)
            _recording_here.reset(token)


def _name_for_error(node):
    return f"the Value {node.label!r}" if node.label else f"a Value made by {str(node.op) or 'hand'!r}"


# --- naming: a program reads like the notes ------------------------------------------------

_RESERVED = {"params", "batch", "scale", "loss", "np", "ones", "grads", "guard_messages",
             "isfinite", "sum"}


def _identifier(label):
    """'w[1]_2,3' -> 'w1_2_3'; '' or something unusable -> None."""
    name = re.sub(r"[\[\]]", "", label)
    name = re.sub(r"\W+", "_", name, flags=re.ASCII).strip("_")
    name = re.sub(r"_+", "_", name)
    if (not name or not name.isidentifier() or keyword.iskeyword(name) or name in _RESERVED
            or name[:2] in ("g_", "d_") or name[0].isdigit()):
        return None
    return name


def _literal(number):
    return repr(number) if math.isfinite(number) else f"float({str(number)!r})"


# --- the program ---------------------------------------------------------------------------

class _Program:
    """One recorded graph, written out as a Python function; its source and the function."""

    def __init__(self, title, source, function, parameters_used, n_nodes):
        self.title = title
        self.source = source
        self.function = function
        self.parameters_used = tuple(parameters_used)   # positions in the parameter list
        self.n_nodes = n_nodes


class _Matrix:
    """Nodes that the NumPy mode writes as one matrix, a row per node and a column per sample.

    A *layer*: nodes of a row with a layer form (``op.layer``, the weighted
    sum) that share one list of inputs, each with its own weights and bias
    (parameters used nowhere else).  A *map*: one op applied to each row of
    another matrix, in order (the layer's activations).
    """

    def __init__(self, kind, op, source=None, inputs=()):
        self.kind, self.op = kind, op
        self.members = []           # one node per row
        self.source = source        # the _Matrix a map applies to, or a layer's inputs as a matrix
        self.inputs = inputs        # a layer's shared inputs (nodes)
        self.weights, self.biases = [], []
        self.read_one_by_one = set()     # members some other node (or a guard) reads on its own
        self.name = ""


def _matrices(order, position, root, per_sample, parameter_slot, guards):
    """Find the layers and maps of a recorded graph (see :class:`_Matrix`); return them in order.

    ``position`` maps each node to its place in ``order``.
    """
    uses = {}
    for node in order:
        for parent in node.parents:
            uses[parent] = uses.get(parent, 0) + 1

    def trained_here_only(leaf):
        return id(leaf) in parameter_slot and uses[leaf] == 1

    layers = {}
    for node in order:
        form = node.op.layer if node.parents else None
        if form is None or node is root:
            continue
        weights, inputs, bias = form.parts(node.parents)
        if (inputs and all(parent in per_sample for parent in inputs)
                and all(trained_here_only(leaf) for leaf in (*weights, bias))):
            layer = layers.setdefault((node.op, tuple(inputs)),
                                      _Matrix("layer", node.op, inputs=tuple(inputs)))
            layer.members.append(node)
            layer.weights.append(weights)
            layer.biases.append(bias)
    matrices = list(layers.values())
    row_of = {member: (matrix, row) for matrix in matrices
              for row, member in enumerate(matrix.members)}
    # Maps of maps (an activation of an activation) are found one level per pass.
    found = True
    while found:
        found = False
        candidates = {}
        for node in order:
            if len(node.parents) == 1 and node is not root and node not in row_of \
                    and node.parents[0] in row_of:
                source, row = row_of[node.parents[0]]
                candidates.setdefault((source, node.op), {}).setdefault(row, []).append(node)
        for (source, op), rows in candidates.items():
            if len(rows) == len(source.members) and all(len(nodes) == 1 for nodes in rows.values()):
                matrix = _Matrix("map", op, source=source)
                matrix.members = [rows[row][0] for row in range(len(source.members))]
                matrices.append(matrix)
                row_of.update((member, (matrix, row)) for row, member in enumerate(matrix.members))
                found = True
    by_members = {tuple(matrix.members): matrix for matrix in matrices}
    for matrix in matrices:
        if matrix.kind == "layer":
            matrix.source = by_members.get(matrix.inputs)
    # Whatever reads a member other than as a whole matrix needs the member by name.
    for node in order:
        entry = row_of.get(node)
        if entry is not None and entry[0].source is not None:
            continue                # reads its source matrix as a whole
        for parent in node.parents:
            if parent in row_of:
                row_of[parent][0].read_one_by_one.add(parent)
    for left, _, right, _ in guards:
        for thing in (left, right):
            if isinstance(thing, Value) and thing in row_of:
                row_of[thing][0].read_one_by_one.add(thing)
    matrices.sort(key=lambda matrix: min(position[member] for member in matrix.members))
    return matrices, row_of


def _write_program(root, function_name, parameters, input_names, guards, numpy, batched):
    """Generate the source of a function computing ``root`` and its gradients.

    Args:
        root: the recorded loss Value.
        function_name: str.
        parameters: list of parameter Values (the program reads them from ``params``).
        input_names: dict Value -> variable name, for the sample's input leaves.
        guards: list of (left, symbol, right, outcome) comparisons made while recording.
        numpy: write NumPy array code (every variable an array over the batch),
            with each layer (and its activations) as one matrix (see :class:`_Matrix`).
        batched: loop over ``batch`` (pure Python) or read whole columns (NumPy);
            False for a graph with no sample inputs (a penalty on the parameters).

    Returns:
        (source str, namespace dict, positions of the parameters used).
    """
    order = topological_order(root)
    in_graph = set(order)
    parameter_slot = {id(p): position for position, p in enumerate(parameters)}
    names, taken = {}, {*input_names.values(), function_name}
    namespace = {"GuardFailed": GuardFailed, "guard_messages": [], "nan": math.nan,
                 "isfinite": math.isfinite}
    if numpy:
        namespace["np"] = _numpy()
    rules = {}      # op -> (forward name, local grads name) for ops called by name
    used_parameters = []

    def rule_names(op):
        if op not in rules:
            base = _identifier(str(op)) or f"op{len(rules) + 1}"
            while base in namespace or base in taken:
                base += "_"
            namespace[base], namespace[base + "_grads"] = op.forward, op.local_grads
            rules[op] = (base, base + "_grads")
        return rules[op]

    # Name every node: the sample's inputs, the parameters, constants as literals, the rest by label.
    for position, node in enumerate(order):
        if node in input_names:
            names[node] = input_names[node]
        elif not node.parents:
            if id(node) in parameter_slot:
                used_parameters.append(parameter_slot[id(node)])
            elif node.role == CONSTANT:
                names[node] = _literal(node.data)
                continue
            else:
                raise RecordingError(
                    f"the function used {_name_for_error(node)} = {node.data!r}, a leaf that is "
                    "neither one of the sample's inputs nor among the parameters given: pass it "
                    "in the parameters (if it is trained) or use a plain number (a constant)")
        if node not in names:
            name = _identifier(node.label)
            if name is None or name in taken:
                name = f"n{position}"
            names[node] = name
        taken.add(names[node])

    def fresh(base):
        """An unused variable name from ``base`` (and an unused one for the namespace)."""
        name, suffix = base, 1
        while name in taken or name in namespace or name in _RESERVED:
            suffix += 1
            name = f"{base}_{suffix}"
        taken.add(name)
        return name

    def operand(thing):
        if isinstance(thing, Value):
            if thing not in in_graph:
                raise RecordingError(f"the function compared {_name_for_error(thing)}, which the "
                                     "loss does not depend on: the replay cannot check it")
            return names[thing]
        return _literal(float(thing))

    # The nodes that differ from sample to sample (arrays in NumPy mode); the
    # others depend on the parameters and constants alone.
    # (An input the loss does not use is no node of the graph.)
    per_sample = {node for node in input_names if node in in_graph}
    for node in order:
        if any(parent in per_sample for parent in node.parents):
            per_sample.add(node)
    array_names = {names[node] for node in per_sample}

    position = {node: index for index, node in enumerate(order)}
    matrices, row_of = _matrices(order, position, root, per_sample, parameter_slot, guards) \
        if numpy else ([], {})
    used_parameters.sort()      # in the order of the parameter list: w[1] first
    parameter_names = [names[parameters[p]] for p in used_parameters]
    position_of = {name: k for k, name in enumerate(parameter_names)}
    in_a_layer = set()      # parameters read as part of a layer's matrices
    for matrix in matrices:
        matrix.name = fresh(_capital(_common_name([names[m] for m in matrix.members], "M")))
        array_names.add(matrix.name)
        if matrix.kind == "layer":
            weights = _common_name([names[w] for row in matrix.weights for w in row], "W")
            matrix.weights_name = fresh(_capital(weights))
            matrix.biases_name = fresh(_common_name([names[b] for b in matrix.biases], "b"))
            namespace[matrix.weights_name + "_at"] = _numpy().array(
                [[position_of[names[w]] for w in row] for row in matrix.weights], dtype=int)
            namespace[matrix.biases_name + "_at"] = _numpy().array(
                [[position_of[names[b]]] for b in matrix.biases], dtype=int)
            in_a_layer.update(id(leaf) for row in matrix.weights for leaf in row)
            in_a_layer.update(id(leaf) for leaf in matrix.biases)
            if matrix.source is None:
                matrix.inputs_name = fresh(
                    _capital(_common_name([names[i] for i in matrix.inputs], "A")))
                array_names.add(matrix.inputs_name)
    first_member = {min(matrix.members, key=position.get): matrix for matrix in matrices}

    indent = "        " if batched and not numpy else "    "
    lines = []
    if parameter_names:
        if matrices:
            lines.append("    params = np.array(params)")
            one_by_one = [k for k, position in enumerate(used_parameters)
                          if id(parameters[position]) not in in_a_layer]
            if one_by_one:
                namespace["one_by_one_at"] = one_by_one
                lines.append(_wrapped("    (", [parameter_names[k] for k in one_by_one],
                                      ",) = params[one_by_one_at]"))
        else:
            lines.append(_wrapped("    (", parameter_names, ",) = params"))
        if numpy:
            lines.append("    grads = np.array(grads, dtype=float)")
        else:
            # The gradients so far (of earlier samples, or another program's), added to.
            lines.append(_wrapped("    (", ["g_" + name for name in parameter_names], ",) = grads"))
    lines.append("    loss = 0.0")
    if batched:
        pattern = input_names.pattern
        lines.append(f"    for {pattern} in batch:" if not numpy else f"    {pattern} = batch")
    lines.append(f"{indent}# forward pass: one line per node"
                 + (", one per matrix for a layer's nodes" if matrices else ""))
    guards_after = {}
    for left, symbol, right, outcome in guards:
        last = max((position[v] for v in (left, right) if isinstance(v, Value) and v.parents),
                   default=-1)
        guards_after.setdefault(last, []).append((left, symbol, right, outcome))

    def write_guards(position):
        for left, symbol, right, outcome in guards_after.get(position, ()):
            test = f"{operand(left)} {symbol} {operand(right)}"
            message = (f"a comparison made while recording, {test}, was {outcome}; on this "
                       "sample it is not, so its graph would have another shape: record again")
            namespace["guard_messages"].append(message)
            index = len(namespace["guard_messages"]) - 1
            if numpy:       # every sample of the batch must agree with the recording
                check = f"not np.all({test})" if outcome else f"np.any({test})"
            else:
                check = f"not ({test})" if outcome else f"({test})"
            lines.append(f"{indent}if {check}: raise GuardFailed(guard_messages[{index}])")

    def code_of(op):
        if numpy and op.array_code is not None:
            return lambda args, out: op.array_code(args, out, array_names)
        return op.code

    def write_matrix_forward(matrix):
        if matrix.kind == "layer":
            lines.append(f"{indent}{matrix.weights_name} = params[{matrix.weights_name}_at]"
                         f"  # {_count(len(matrix.members), 'neuron')} × "
                         f"{_count(len(matrix.inputs), 'input')}")
            lines.append(f"{indent}{matrix.biases_name} = params[{matrix.biases_name}_at]")
            if matrix.source is None:
                lines.append(_wrapped(f"{indent}{matrix.inputs_name} = np.stack((",
                                      [names[node] for node in matrix.inputs], ",))"))
            inputs = matrix.inputs_name if matrix.source is None else matrix.source.name
            forward = matrix.op.layer.forward(matrix.weights_name, inputs, matrix.biases_name)
            lines.append(f"{indent}{matrix.name} = {forward}  # {matrix.op}, a row per neuron")
        else:
            forward, _ = code_of(matrix.op)([matrix.source.name], matrix.name)
            lines.append(f"{indent}{matrix.name} = {forward}  # {matrix.op}")
        if matrix.read_one_by_one:
            lines.append(_wrapped(f"{indent}(", [names[node] for node in matrix.members],
                                  f",) = {matrix.name}"))

    write_guards(-1)
    for position, node in enumerate(order):
        if not node.parents:
            continue
        if node in row_of:
            if node in first_member:
                write_matrix_forward(first_member[node])
            write_guards(position)
            continue
        op = node.op
        args = [names[parent] for parent in node.parents]
        code = code_of(op)
        if code is not None:
            forward, _ = code(args, names[node])
            lines.append(f"{indent}{names[node]} = {forward}  # {op}")
        elif numpy:
            raise RecordingError(f"the op {str(op)!r} has no NumPy form (array_code) in the "
                                 "table: replay it without numpy=True")
        else:
            forward_name, _ = rule_names(op)
            lines.append(f"{indent}{names[node]} = {forward_name}({', '.join(args)})  # {op}")
        write_guards(position)
    root_name = names[root]
    lines.append(f"{indent}loss += {'np.sum(' + root_name + ' * ones)' if numpy else root_name}")

    lines.append(f"{indent}# backward pass: one line per edge, parent.grad += local_grad · upstream_grad"
                 + (", one per matrix for a layer's nodes" if matrices else ""))
    lines.append(f"{indent}g_{root_name} = {'scale * ones' if numpy else 'scale'}")
    # Each node's edges, in the sweep's order; a matrix where its first node is.
    # In pure Python, a node with several edges passes them on only when its
    # gradient is not 0 (a ReLU that was off sends back exactly 0) or one of
    # their local derivatives is inf or nan (0·inf is nan, which must reach the
    # parents): otherwise each edge would add exactly 0, as in the eager sweep.
    blocks = []
    for node in reversed(order):
        if not node.parents:
            continue
        if node in row_of:
            if node in first_member:
                blocks.append(first_member[node])
            continue
        op, args, out = node.op, [names[parent] for parent in node.parents], names[node]
        code = code_of(op)
        setup = []
        if code is not None:
            _, local_grads = code(args, out)
        else:
            _, grads_name = rule_names(op)
            setup.append(f"d_{out} = {grads_name}({', '.join(args + [out])})")
            local_grads = [f"d_{out}[{slot}]" for slot in range(len(args))]
        needed = [(parent, local_grad) for parent, local_grad in zip(node.parents, local_grads)
                  # the sample's numbers and constants need no gradient
                  if parent.parents or id(parent) in parameter_slot]
        edges = [(parent, local_grad, _times(local_grad, f"g_{out}"))
                 for parent, local_grad in needed]
        if edges:
            # Skippable: the local derivatives to test for inf and nan first (a
            # dict keeps their order, each once); None: the edges always run.
            skip_unless_finite = None
            if not numpy and len(edges) >= 3 and not setup:
                skip_unless_finite = list(dict.fromkeys(
                    local_grad for _, local_grad, _ in edges
                    if not _is_a_finite_number(local_grad)))
            blocks.append((out, setup, edges, skip_unless_finite))
    assigned, zero_first = {root}, {}      # a dict keeps the listing's order
    for block in blocks:
        if isinstance(block, _Matrix):
            continue
        _, _, edges, skip_unless_finite = block
        for parent, _, _ in edges:
            if parent.parents and parent not in assigned:
                assigned.add(parent)
                if skip_unless_finite is not None:
                    zero_first[parent] = True
    if zero_first:
        lines.append(f"{indent}{' = '.join('g_' + names[p] for p in zero_first)} = 0.0")
    assigned = {root, *zero_first}
    # NumPy: an edge into a parameter whose local derivative is an array (or
    # 1) is not added on the spot; all of them are multiplied and summed over
    # the batch in one step at the end, which saves two array operations per edge.
    parameter_edges = []        # (position among the used parameters, local grad, upstream)
    added_on_the_spot = {}      # parameters with an edge added in place (a dict keeps order)
    start_of_backward = len(lines)

    def add_to(target, contribution, inner=indent):
        """``target = contribution`` the first time, then add to it (target: a node or a _Matrix).

        Python's floats are added with ``+=``.  NumPy's ``+=`` would change an
        array in place, and another name may hold the same array: after
        ``g_u = g_v`` (a local derivative of 1) or ``g_a = g_A1[0]`` (a row of
        a matrix), ``g_u += …`` would change g_v too.  So arrays are added
        into a new one, ``g_u = g_u + …``.
        """
        name = f"g_{target.name}" if isinstance(target, _Matrix) else f"g_{names[target]}"
        if target not in assigned:
            lines.append(f"{inner}{name} = {contribution}")
        elif numpy:
            lines.append(f"{inner}{name} = {name} + {contribution}")
        else:
            lines.append(f"{inner}{name} += {contribution}")
        assigned.add(target)

    def write_matrix_backward(matrix):
        upstream = f"g_{matrix.name}"
        if any(member in assigned for member in matrix.members):
            # the rows that nodes reading members one by one sent back
            rows = [f"g_{names[member]}" if member in assigned else "0.0 * ones"
                    for member in matrix.members]
            # a new array, not +=: see add_to
            adds = f"= {upstream} +" if matrix in assigned else "="
            lines.append(_wrapped(f"{indent}{upstream} {adds} np.stack((", rows, ",))"))
            assigned.add(matrix)
        if matrix not in assigned:
            return
        if matrix.kind == "map":
            _, (local_grad,) = code_of(matrix.op)([matrix.source.name], matrix.name)
            add_to(matrix.source, _times(local_grad, upstream))
            return
        inputs = matrix.inputs_name if matrix.source is None else matrix.source.name
        d_weights, d_inputs, d_biases = matrix.op.layer.grads(
            matrix.weights_name, inputs, matrix.biases_name, upstream)
        lines.append(f"{indent}grads[{matrix.weights_name}_at] += {d_weights}")
        lines.append(f"{indent}grads[{matrix.biases_name}_at] += {d_biases}")
        if matrix.source is not None:
            add_to(matrix.source, d_inputs)
            return
        needing = [(row, node) for row, node in enumerate(matrix.inputs) if node.parents]
        if needing:
            lines.append(f"{indent}g_{inputs} = {d_inputs}")
            for row, node in needing:
                add_to(node, f"g_{inputs}[{row}]")

    for block in blocks:
        if isinstance(block, _Matrix):
            write_matrix_backward(block)
            continue
        out, setup, edges, skip_unless_finite = block
        inner = indent
        if skip_unless_finite:
            lines.append(_wrapped(f"{indent}if g_{out} or not isfinite(sum((", skip_unless_finite,
                                  ",))):"))
            inner = indent + "    "
        elif skip_unless_finite is not None:        # every local derivative a finite number
            lines.append(f"{indent}if g_{out}:")
            inner = indent + "    "
        lines.extend(inner + line for line in setup)
        for parent, local_grad, contribution in edges:
            if numpy and not parent.parents and (local_grad == "1.0" or local_grad in array_names):
                parameter_edges.append((position_of[names[parent]],
                                        "ones" if local_grad == "1.0" else local_grad, f"g_{out}"))
                continue
            if not parent.parents:
                added_on_the_spot[names[parent]] = True
                lines.append(f"{inner}g_{names[parent]} += {contribution}")
            else:
                add_to(parent, contribution, inner)
    if numpy:
        if added_on_the_spot:       # from 0: the gradients so far are in grads
            starts = " = ".join("g_" + name for name in added_on_the_spot)
            lines.insert(start_of_backward, f"{indent}{starts} = 0.0")
        if parameter_edges or added_on_the_spot:
            lines.append("    # each parameter's gradient: local_grad · upstream_grad of its edges, "
                         "summed over the edges and the batch")
        if parameter_edges:
            namespace["edge_parameter"] = [position for position, _, _ in parameter_edges]
            lines.append(_wrapped("    local = np.stack((", [l for _, l, _ in parameter_edges], ",))"))
            lines.append(_wrapped("    upstream = np.stack((", [u for _, _, u in parameter_edges],
                                  ",))"))
            lines.append('    grads += np.bincount(edge_parameter, np.einsum("ij,ij->i", local, '
                         f"upstream), minlength={len(parameter_names)})")
        for name in added_on_the_spot:
            lines.append(f"    grads[{position_of[name]}] += np.sum(g_{name})")
        lines.append("    return loss, grads.tolist()" if parameter_names else "    return loss, []")
    else:
        lines.append(_wrapped("    return loss, (", ["g_" + name for name in parameter_names],
                              ",)" if parameter_names else ")"))
    arguments = "params, grads, batch, scale, ones" if numpy else "params, grads, batch, scale"
    source = f"def {function_name}({arguments}):\n" + "\n".join(lines) + "\n"
    return source, namespace, used_parameters


def _in_brackets(expression):
    """Whether one pair of round brackets holds the whole expression: '(a if c else b)'."""
    if not (expression.startswith("(") and expression.endswith(")")):
        return False
    depth = 0
    for position, character in enumerate(expression):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth == 0 and position < len(expression) - 1:
            return False            # '(a) + (b)': the first pair closes early
    return True


def _is_a_finite_number(expression):
    """Whether the expression is a number written out, neither inf nor nan ('2.0', not 'nan')."""
    try:
        return math.isfinite(float(expression))
    except ValueError:
        return False


def _count(n, thing):
    return f"{n} {thing}{'s' if n != 1 else ''}"


def _capital(name):
    """A matrix's name: 'z1' -> 'Z1', as the notes write Z[1] for the z[1] of every sample."""
    return name[0].upper() + name[1:]


def _common_name(member_names, fallback):
    """The name the members share before their indices ('z1_1', 'z1_2' -> 'z1'), or ``fallback``."""
    stems = {re.sub(r"(_\d+)+$", "", name) for name in member_names}
    stem = stems.pop() if len(stems) == 1 else ""
    return stem if stem and stem not in member_names and _identifier(stem) == stem else fallback


def _wrapped(opening, names, closing, width=96):
    """``opening + ", ".join(names) + closing``, broken into lines of about ``width`` characters."""
    indent = " " * len(opening)
    lines, line = [], opening
    for name in names:
        piece = name if line in (opening, indent) else " " + name
        if len(line) + len(piece) + 1 > width and line not in (opening, indent):
            lines.append(line)
            line, piece = indent, name
        line += piece + ","
    line = line[:-1] if names else line
    return "\n".join(lines + [line + closing])


def _times(local_grad, upstream):
    """local_grad · upstream as an expression, without multiplying by a literal 1.

    A local derivative such as tanh's ``1.0 - a * a`` is bracketed first:
    ``1.0 - a * a * g`` would multiply only part of it.
    """
    if local_grad == "1.0":
        return upstream
    if local_grad == "-1.0":
        return f"-{upstream}"
    if not _is_a_factor(local_grad):
        local_grad = f"({local_grad})"
    return f"{local_grad} * {upstream}"


def _is_a_factor(expression):
    """Whether ``expression * g`` multiplies all of the expression by g, with no brackets needed."""
    if _in_brackets(expression):
        return True
    node = ast.parse(expression, mode="eval").body
    if isinstance(node, ast.BinOp):         # a product or quotient multiplies on, left to right
        return isinstance(node.op, (ast.Mult, ast.Div, ast.Pow))
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.USub)
    return isinstance(node, (ast.Name, ast.Constant, ast.Call, ast.Attribute, ast.Subscript))


def _numpy():
    try:
        import numpy
    except ModuleNotFoundError:
        raise ModuleNotFoundError("compile_step(numpy=True) needs NumPy: pip install numpy "
                                  "(or use the pure-Python replay, numpy=False)") from None
    return numpy


class _InputNames(dict):
    """Value -> variable name for a sample's input leaves, and the unpacking pattern of a sample."""
    pattern = ""


def _sample_inputs(argument_names, sample, static_argnums):
    """Make input leaves for one sample; return (call arguments, _InputNames, list lengths)."""
    call, names, shape, parts = [], _InputNames(), [], []
    for position, (name, argument) in enumerate(zip(argument_names, sample)):
        if position in static_argnums:
            call.append(argument)
            parts.append("_")
            shape.append(None)
        elif isinstance(argument, (list, tuple)):
            leaves = []
            for index, number in enumerate(argument, start=1):
                leaf = Value(number, f"{name}_{index}")
                names[leaf] = f"{name}_{index}"
                leaves.append(leaf)
            call.append(leaves)
            parts.append("(" + ", ".join(names[leaf] for leaf in leaves)
                         + ("," if len(leaves) == 1 else "") + ")")
            shape.append(len(leaves))
        else:
            leaf = Value(argument, name)
            names[leaf] = name
            call.append(leaf)
            parts.append(name)
            shape.append(0)
    names.pattern = ", ".join(parts) if len(parts) > 1 else f"({parts[0]},)"
    return call, names, shape


class CompiledStep:
    """A recorded training step, replayed as generated Python: made by :func:`compile_step`.

    Calling it on a batch (a list of samples, each a tuple of the function's
    arguments) returns the loss, the mean over the batch of the function's
    value (plus the penalty, if any), as a float, and adds its gradient to each
    parameter's ``grad``, as ``loss.backward()`` does: call ``zero_grad()``
    between steps.  ``str(step)`` is the program's listing; ``step.record_seconds``
    is the time taken to record and compile, summed over programs.

    Raises (on a call):
        GuardFailed: if a sample's lists have another length than the recorded
            one, or a comparison made while recording comes out differently.
        RecordingError: if a new static argument value needs a recording that fails.
        ValueError, ZeroDivisionError, OverflowError: where the eager engine
            raises one on a sample (a log of a negative number), the same
            error, naming the op and its operands; no gradient is added then.
    """

    def __init__(self, function, parameters, example, static_argnums, penalty, numpy, name):
        self.function, self.parameters = function, list(parameters)
        self.static_argnums = tuple(static_argnums)
        self.numpy, self.name = numpy, name
        self.argument_names = list(inspect.signature(function).parameters)
        if len(example) != len(self.argument_names):
            raise TypeError(f"compile_step: the example has {len(example)} arguments, the "
                            f"function takes {len(self.argument_names)}")
        self.programs = {}
        self._every_parameter = tuple(range(len(self.parameters)))
        self.record_seconds = 0.0
        self.penalty, self.penalty_function = None, penalty
        self.shape = None
        self._program_for(tuple(example))
        if penalty is not None:
            self.penalty = self._record(penalty, [], _InputNames(), f"{name}_penalty",
                                        batched=False, numpy=False)

    def _key(self, sample):
        return tuple(sample[position] for position in self.static_argnums)

    def _program_for(self, sample):
        key = self._key(sample)
        program = self.programs.get(key)
        if program is None:
            call, input_names, shape = _sample_inputs(self.argument_names, sample,
                                                      self.static_argnums)
            if self.shape is None:
                self.shape = shape
            suffix = "".join(f"_{_identifier(str(value)) or index}"
                             for index, value in enumerate(key))
            program = self._record(lambda: self.function(*call), call, input_names,
                                   f"{self.name}{suffix}", batched=True, numpy=self.numpy)
            program.title = (f"static arguments {dict(zip((self.argument_names[p] for p in self.static_argnums), key))}"
                             if key else "")
            self.programs[key] = program
        return program

    def _record(self, function, call, input_names, function_name, batched, numpy):
        if not is_grad_enabled():
            raise RecordingError("compile_step records a graph: call it outside no_grad()")
        started = time.perf_counter()
        recording = _Recording()
        with _watching(recording):
            root = function()
        if not isinstance(root, Value):
            raise RecordingError(f"the function must return one Value (the loss), "
                                 f"got {type(root).__name__}")
        source, namespace, used = _write_program(root, function_name, self.parameters,
                                                 input_names, recording.guards, numpy, batched)
        code = compile(source, f"<compiled {function_name}>", "exec")
        exec(code, namespace)
        self.record_seconds += time.perf_counter() - started
        return _Program("", source, namespace[function_name], used,
                        len(topological_order(root)))

    def prepare(self, samples):
        """Record, before any replay, a program for each static argument value among ``samples``.

        Without it a new value is recorded on first sight, in the middle of a
        replay.  Returns the number of programs (int).
        """
        for sample in samples:
            self._check_shape(sample)
            self._program_for(tuple(sample))
        return len(self.programs)

    def _check_shape(self, sample):
        if len(sample) != len(self.shape):
            raise GuardFailed(f"a sample has {len(sample)} arguments; the recorded one had "
                              f"{len(self.shape)}")
        for position, expected in enumerate(self.shape):
            if expected:
                got = len(sample[position])
                if got != expected:
                    raise GuardFailed(f"argument {self.argument_names[position]!r} has {got} "
                                      f"numbers; the recorded step had {expected}, so its "
                                      "graph would have another shape")

    def __call__(self, batch):
        """Replay the step on ``batch`` (list of samples); return the loss (float), add to each grad.

        Where the replay meets an error (a log of a negative number) or, in
        NumPy mode, a floating-point exception (an overflow, 0 · inf), the
        batch is run again on Values, as the eager engine runs it: that run
        raises the eager engine's own error, naming the op and its operands,
        or, where the eager engine raises none (it gives inf or nan there),
        its loss and gradients are the step's.  No gradient is added before
        the whole batch has been computed, so an error leaves every ``grad``
        as it was.
        """
        batch = list(batch)
        if not batch:
            raise ValueError("a compiled step needs at least one sample")
        groups = {}
        for sample in batch:
            self._check_shape(sample)
            groups.setdefault(self._key(sample), []).append(sample)
        programs = [(self._program_for(samples[0]), samples) for samples in groups.values()]
        # NumPy warns where Python's math raises; here it raises too.
        raising = (_numpy().errstate(divide="raise", over="raise", invalid="raise") if self.numpy
                   else contextlib.nullcontext())
        try:
            with raising:
                total, grads = self._replay(programs, len(batch))
        except (ValueError, ZeroDivisionError, OverflowError, FloatingPointError) as error:
            return self._run_on_values(batch, error)
        for parameter, grad in zip(self.parameters, grads):
            parameter.grad += grad
        return total

    def _replay(self, programs, batch_size):
        """Run each (program, its samples) pair; return (loss, gradient of each parameter)."""
        data = [p.data for p in self.parameters]
        scale = 1.0 / batch_size
        total = 0.0
        # Programs that use the same parameters in the same order (one per
        # class, say) hand their gradients on from one to the next.
        by_layout = {}          # parameters_used -> (their data, their gradients so far)
        for program, samples in programs:
            layout = program.parameters_used
            if layout not in by_layout:
                by_layout[layout] = ([data[position] for position in layout], [0.0] * len(layout))
            params, grads = by_layout[layout]
            if self.numpy:
                np = _numpy()
                loss, grads = program.function(params, grads, self._columns(np, samples), scale,
                                               np.ones(len(samples)))
            else:
                loss, grads = program.function(params, grads, samples, scale)
            by_layout[layout] = (params, grads)
            total += loss
        total *= scale
        if self.penalty is not None:
            layout = self.penalty.parameters_used
            params, grads = by_layout.get(layout) or ([data[position] for position in layout],
                                                      [0.0] * len(layout))
            penalty, grads = self.penalty.function(params, grads, None, 1.0)
            by_layout[layout] = (params, grads)
            total += penalty
        if len(by_layout) == 1 and layout == self._every_parameter:
            return float(total), by_layout[layout][1]     # already one per parameter, in order
        grads = [0.0] * len(self.parameters)
        for layout, (_, layout_grads) in by_layout.items():
            for position, grad in zip(layout, layout_grads):
                grads[position] += grad
        return float(total), grads

    def _run_on_values(self, batch, replay_error):
        """The step on Values, as the eager engine runs it: for a batch whose replay met ``replay_error``.

        Returns the loss (float) and adds the gradients, as a replay does; or
        raises the eager engine's error, with a note saying where it came from.
        """
        started = {id(p): p.grad for p in self.parameters}
        losses = []
        try:
            for sample in batch:
                call, _, _ = _sample_inputs(self.argument_names, sample, self.static_argnums)
                losses.append(self.function(*call))
            loss = sum_values(losses) * (1.0 / len(batch))
            if self.penalty_function is not None:
                loss = loss + self.penalty_function()
            loss.backward()
        except (ValueError, ZeroDivisionError, OverflowError) as error:
            for parameter in self.parameters:       # put back what a part-way pass added
                parameter.grad = started[id(parameter)]
            error.add_note(f"(The compiled step's replay of this batch met {replay_error!r}; "
                           "the batch was run again on Values, which raised this.)")
            raise
        return loss.data

    def _columns(self, np, samples):
        """The batch as NumPy columns, in the order of the program's unpacking pattern."""
        columns = []
        for position, expected in enumerate(self.shape):
            if position in self.static_argnums:
                columns.append(None)
            elif expected:
                matrix = np.array([sample[position] for sample in samples], dtype=float)
                columns.append(tuple(matrix.T))
            else:
                columns.append(np.array([sample[position] for sample in samples], dtype=float))
        return columns

    @property
    def listing(self):
        """The generated source of every program recorded so far, one after the other (str)."""
        parts = []
        for program in [*self.programs.values(), self.penalty]:
            if program is None:
                continue
            header = f"# {program.n_nodes:,} nodes recorded"
            if program.title:
                header += f"; {program.title}"
            parts.append(header + "\n" + program.source)
        return "\n".join(parts)

    def __str__(self):
        return self.listing

    def __repr__(self):
        return (f"CompiledStep({self.name!r}, {len(self.programs)} program"
                f"{'s' * (len(self.programs) != 1)}, numpy={self.numpy})")


def compile_step(function, parameters, example, *, static_argnums=(), penalty=None,
                 numpy=False, name="step"):
    """Record ``function`` on one example and compile it into a replayable training step.

    Args:
        function: ``function(*sample) -> Value``, the loss of ONE sample, written
            with Values (e.g. ``lambda x, y: nn.cross_entropy(model(x), y)``).
            Its arguments arrive as Values: a list of numbers as a list of
            input Values, a number as one; static arguments as given.
        parameters: list of Values (``model.parameters()``) whose ``data`` the
            replay reads on every call and whose ``grad`` it adds to.
        example: one sample, a tuple of the function's arguments, to record.
        static_argnums: positions of arguments that decide the graph's shape
            (a class index): each distinct value is recorded once, on first sight.
        penalty: optional ``penalty() -> Value`` of the parameters alone (L2),
            added once per batch, not per sample.
        numpy: evaluate each program over a whole batch at once with NumPy,
            each layer as one matrix product (see the module's docstring).
        name: the generated function's name in the listing.

    Returns:
        CompiledStep: ``step(batch) -> float`` as described there.

    Raises:
        RecordingError: if the function reads numbers off Values while being
            recorded, uses a leaf that is neither an input nor a parameter, or
            does not return a Value; or an op has no NumPy form for ``numpy=True``.
        ModuleNotFoundError: for ``numpy=True`` without NumPy installed.
    """
    if numpy:
        _numpy()
    if not isinstance(example, tuple):
        raise TypeError(f"compile_step: example must be a tuple of the function's arguments, "
                        f"got {type(example).__name__}")
    return CompiledStep(function, parameters, example, static_argnums, penalty, numpy, name)
