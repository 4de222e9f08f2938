"""chainrule's scalar reverse-mode automatic differentiation engine (standard library only).

Where things live:

* ``ops.py``: the table of operations (forward rule beside local-derivative rule);
* ``value.py``: the node, ``Value``;
* ``graph.py``: the topological order;
* ``backward.py``: the backward sweep (the chain rule) and ``record()``, the record of one pass;
* ``grad_mode.py``: ``no_grad()``, per thread and asyncio task;
* ``anomaly.py``: ``detect_anomaly()``, which stops at the first NaN or infinity;
* ``numeric.py``: the nudge (central differences) and ``gradcheck``;
* ``files.py``: writing a file whole or not at all;
* ``views/``: everything that shows a graph (drawings, the page, the stepper,
  the text tree, the explanations, the command line), each reading a record.
  The engine imports nothing from it.
"""

from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from .backward import BackwardRecord, EdgeUpdate, record, sweep
from .graph import topological_order
from .grad_mode import is_grad_enabled, no_grad
from .numeric import GradcheckError, GradcheckReport, gradcheck, numerical_grad
from .ops import OPS, Op
from .value import Value, maximum, minimum, sum_values, weighted_sum

__all__ = [
    "Value", "sum_values", "weighted_sum", "maximum", "minimum",
    "topological_order", "sweep", "record", "BackwardRecord", "EdgeUpdate",
    "no_grad", "is_grad_enabled", "detect_anomaly", "is_anomaly_enabled", "AnomalyError",
    "numerical_grad", "gradcheck", "GradcheckError", "GradcheckReport",
    "Op", "OPS",
]
