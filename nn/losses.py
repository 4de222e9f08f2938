"""Loss functions (mean squared error, binary cross-entropy, cross-entropy, hinge) and L2 regularisation.

All logarithms are natural (base e).  Each loss returns the MEAN over the
batch as one Value, ready for ``loss.backward()`` (``mse`` can also sum, and
halve, as the notes' L = ½ Σ (y - a)² does).
"""

import math
import numbers
import operator

from autograd import Value, maximum, sum_values

from .arguments import shown

__all__ = ["mse", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "cross_entropy", "hinge", "l2"]


def _listed(items, name, what):
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"{name}: {what} must be a list, got {shown(items)}")
    return list(items)


def _pairs(predictions, targets, name, what="predictions"):
    predictions, targets = _listed(predictions, name, what), _listed(targets, name, "targets")
    if not predictions:
        raise ValueError(f"{name}: needs at least one prediction")
    if len(predictions) != len(targets):
        raise ValueError(f"{name}: {len(predictions)} predictions but {len(targets)} targets")
    return predictions, targets


def _values_and_numbers(predictions, targets, name, what="predictions"):
    """:func:`_pairs`, with every prediction a Value and every target a number (not a bool)."""
    predictions, targets = _pairs(predictions, targets, name, what)
    for position, prediction in enumerate(predictions):
        if not isinstance(prediction, Value):
            raise TypeError(f"{name}: {what}[{position}] is {shown(prediction)}, expected a Value "
                            f"(a model's output), so that the loss has a gradient")
    for position, target in enumerate(targets):
        if isinstance(target, bool) or not isinstance(target, numbers.Real):
            raise TypeError(f"{name}: targets[{position}] is {shown(target)}, expected a number")
    return predictions, targets


def _check_targets_are_probabilities(targets, name):
    for position, target in enumerate(targets):
        if not 0 <= target <= 1:
            raise ValueError(f"{name}: targets[{position}] is {target!r}, expected a "
                             f"probability in [0, 1] (usually 0 or 1)")


def _mean(terms):
    return sum_values(terms) / len(terms)


def mse(predictions, targets, reduction="mean", half=False):
    """Squared error: Σ (prediction_i - target_i)², averaged (the default) or summed, optionally halved.

    ``reduction`` is PyTorch's option of the same name (``nn.MSELoss``):
    ``"mean"`` divides the sum by n, ``"sum"`` does not.  PyTorch has no
    option for the ½: ``half=True`` multiplies by ½, which makes the
    derivative come out without a 2, ∂L/∂a_j = -(y_j - a_j).  The notes'
    output-layer loss (``../shared/seeds/001_*``) is

        L = ½ Σ_i (y_i - a_i)²   =   ``mse(outputs, targets, reduction="sum", half=True)``

    (a learner who uses the default mean, without the ½, gets 2/n times the
    notes' gradient: twice their δ for one output).

    Args:
        predictions: list of n Values.
        targets: list of n numbers.
        reduction: ``"mean"`` (default) or ``"sum"``.
        half: bool; multiply by ½ (default False).

    Returns:
        Value.

    Raises:
        TypeError: for a prediction that is not a Value or a target that is not a number.
        ValueError: for no predictions, counts that differ, or a ``reduction``
            other than ``"mean"`` or ``"sum"``.

    >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0]).data
    2.5
    >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0], reduction="sum", half=True).data
    2.5
    >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0], reduction="sum").data
    5.0
    """
    if reduction not in ("mean", "sum"):
        raise ValueError(f"mse: reduction must be 'mean' or 'sum', got {reduction!r}")
    predictions, targets = _values_and_numbers(predictions, targets, "mse")
    squares = [(p - y) ** 2 for p, y in zip(predictions, targets)]
    loss = _mean(squares) if reduction == "mean" else sum_values(squares)
    return 0.5 * loss if half else loss


def binary_cross_entropy(probabilities, targets, eps=1e-12):
    """Binary cross-entropy of probabilities: -(1/n) Σ [y ln p + (1 - y) ln(1 - p)].

    The notes' loss for a sigmoid neuron (``000_*``, ``004_*``).  Where p
    (or 1 - p) is below ``eps``, ``eps`` is added inside that log, so p = 0 or
    p = 1 exactly gives a large finite loss instead of ``log(0)`` and the
    gradient still flows; everywhere else the formula is exact.  For raw
    scores, :func:`binary_cross_entropy_with_logits` is exact and stable.

    Args:
        probabilities: list of n Values in [0, 1] (e.g. sigmoid outputs).
        targets: list of n numbers in [0, 1] (usually 0 or 1; soft labels
            in between are allowed, as in PyTorch).
        eps: float.

    Returns:
        Value.

    Raises:
        TypeError: for a probability that is not a Value or a target that is not a number.
        ValueError: for a probability or a target outside [0, 1] (a probability
            of nan passes, and gives a nan loss), or counts that differ.

    >>> round(binary_cross_entropy([Value(0.9), Value(0.2)], [1, 0]).data, 6)
    0.164252
    """
    name = "binary_cross_entropy"
    probabilities, targets = _values_and_numbers(probabilities, targets, name, "probabilities")
    for position, p in enumerate(probabilities):
        if p.data < 0 or p.data > 1:       # so nan passes: NaN in, NaN out
            raise ValueError(f"{name}: probabilities[{position}] is {p.data!r}, expected a "
                             f"probability in [0, 1] (for raw scores, use "
                             f"binary_cross_entropy_with_logits)")
    _check_targets_are_probabilities(targets, name)
    def safe_log(q):
        return (q + eps).log() if q.data < eps else q.log()

    terms = []
    for p, y in zip(probabilities, targets):
        if y == 1:
            terms.append(-safe_log(p))
        elif y == 0:
            terms.append(-safe_log(1 - p))
        else:
            terms.append(-(y * safe_log(p) + (1 - y) * safe_log(1 - p)))
    return _mean(terms)


def binary_cross_entropy_with_logits(logits, targets):
    """Binary cross-entropy of σ(z), computed from the logit z without overflow.

    Per sample: max(z, 0) - z·y + ln(1 + e^-|z|), which equals
    -[y ln σ(z) + (1 - y) ln(1 - σ(z))] for any z.  Its gradient is
    dL/dz = σ(z) - y everywhere, 0.5 - y at z = 0 included.

    Args:
        logits: list of n Values.
        targets: list of n numbers in [0, 1].

    Returns:
        Value.

    Raises:
        TypeError: for a logit that is not a Value or a target that is not a number.
        ValueError: for a target outside [0, 1], or counts that differ.

    >>> round(binary_cross_entropy_with_logits([Value(1000.0)], [0]).data, 3)
    1000.0
    """
    name = "binary_cross_entropy_with_logits"
    logits, targets = _values_and_numbers(logits, targets, name, "logits")
    _check_targets_are_probabilities(targets, name)
    terms = []
    for z, y in zip(logits, targets):
        # At the kink z = 0 both max(z, 0) and -|z| must take their slope from
        # the same side, or the slopes do not add up to σ(0) - y = 0.5 - y.
        # relu takes the left one (0), so -|z| takes the left one too (z).
        minus_abs_z = -z if z.data > 0 else z
        terms.append(z.relu() - z * y + (1 + minus_abs_z.exp()).log())
    return _mean(terms)


def _class_index(target):
    """``target`` as an int if it is an integer (numpy's too, via ``__index__``), else None."""
    if isinstance(target, bool):
        return None
    try:
        return operator.index(target)
    except TypeError:
        return None


def _cross_entropy_one(logits, target):
    logits = [z if isinstance(z, Value) else Value(z) for z in logits]
    if isinstance(target, (list, tuple)):
        # Class probabilities p (one-hot, or soft labels): log Σ e^z_j - Σ_j p_j·z_j.
        # With a one-hot p this is the same number as the index form; a compiled
        # replay takes p as data, so one program serves every class.
        if len(target) != len(logits):
            raise ValueError(f"cross_entropy: {len(target)} class probabilities for "
                             f"{len(logits)} logits")
        return _log_sum_exp(logits) - sum_values([z * p for z, p in zip(logits, target)])
    index = _class_index(target)
    if index is None:
        raise TypeError(f"cross_entropy: target class {shown(target)} is not an int class index "
                        "or a list of class probabilities")
    if not 0 <= index < len(logits):
        raise ValueError(f"cross_entropy: target class {index!r} is not an index "
                         f"into {len(logits)} logits")
    return _log_sum_exp(logits) - logits[index]


def _log_sum_exp(logits):
    # log Σ e^z_j = m + log Σ e^(z_j - m) with m the largest logit: no overflow at 1000.
    # m is a node of the graph (max, one input at a time), not a number read
    # off the logits, so a compiled replay recomputes it for each sample.  Its
    # gradient paths cancel: d/dm of the right-hand side is 1 - Σ softmax_j = 0.
    largest = logits[0]
    for z in logits[1:]:
        largest = maximum(largest, z)
    return sum_values([(z - largest).exp() for z in logits]).log() + largest


def cross_entropy(logits, targets):
    """Cross-entropy of softmax(logits) against class indices, from the logits (log-sum-exp).

    Per sample: -ln softmax(z)_y = log Σ_j e^(z_j) - z_y, computed with the
    largest logit subtracted inside the exponentials, so logits of 1000 are fine.

    Like PyTorch's, a target may also be given as class probabilities (a list
    of numbers or Values summing to 1, e.g. one-hot): -Σ_j p_j ln softmax(z)_j.

    Args:
        logits: a list of Values (one sample) or a list of such lists (a batch).
        targets: for one sample, an int class index or a list of class
            probabilities; for a batch, a list of those.  numpy integers, as
            scikit-learn's datasets give, are accepted.

    Returns:
        Value: the loss, averaged over the batch.

    Raises:
        TypeError: for a target that is not an integer (1.0 included).
        ValueError: for a target that is not an index into the logits, or a
            batch whose lengths differ.

    >>> round(cross_entropy([Value(1000.0), Value(0.0)], 0).data, 6)
    0.0
    >>> round(cross_entropy([[Value(0.0), Value(0.0)]], [1]).data, 6)   # ln 2
    0.693147
    >>> round(cross_entropy([Value(1000.0), Value(0.0)], [1.0, 0.0]).data, 6)   # one-hot
    0.0
    """
    logits = list(logits)
    if _class_index(targets) is not None or (logits and not isinstance(logits[0], (list, tuple))):
        return _cross_entropy_one(logits, targets)      # one sample
    if isinstance(targets, (str, bytes)) or not hasattr(targets, "__iter__"):
        raise TypeError(f"cross_entropy: targets must be a class index (int) or a list of "
                        f"them, got {shown(targets)}")
    batch, targets = _pairs(logits, targets, "cross_entropy")
    return _mean([_cross_entropy_one(list(sample), target) for sample, target in zip(batch, targets)])


def hinge(scores, targets):
    """Max-margin (hinge) loss: (1/n) Σ max(0, 1 - y_i·score_i), labels y in {-1, +1}.

    micrograd's two-moons loss (``micrograd/demo.ipynb``).

    Args:
        scores: list of n Values.
        targets: list of n numbers, -1 or +1.

    Returns:
        Value.

    Raises:
        TypeError: for a score that is not a Value or a target that is not a number.
        ValueError: for a target other than -1 or +1 (0 included), or counts that differ.

    >>> hinge([Value(2.0), Value(0.5)], [1, 1]).data
    0.25
    """
    scores, targets = _values_and_numbers(scores, targets, "hinge", "scores")
    for position, target in enumerate(targets):
        if target != 1 and target != -1:
            raise ValueError(f"hinge: targets[{position}] is {target!r}, expected -1 or +1")
    return _mean([(1 - y * s).relu() for s, y in zip(scores, targets)])


def l2(parameters, alpha):
    """L2 regularisation: alpha · Σ p², to add to a loss.

    Args:
        parameters: list of Values (``model.parameters()``).
        alpha: float, the strength.

    Returns:
        Value.

    >>> l2([Value(1.0), Value(-2.0)], 0.5).data
    2.5
    """
    if not math.isfinite(alpha):
        raise ValueError(f"l2: alpha must be a finite number, got {alpha!r}")
    return alpha * sum_values([p * p for p in parameters])
