"""Loss code that produces NaN/inf: log or sqrt at 0, division by a sum.

What it detects:
    Inside a loss (a function named ``*loss*``, one with ``y_true, y_pred``
    parameters, one passed as ``loss=`` to ``compile``, or a ``Loss``
    subclass's ``call``; not a metric: one named like accuracy/precision/...
    or passed as ``metrics=``, since no gradient flows through a metric):
    - ``log(y_pred)`` / ``log(1 - y_pred)`` of the prediction (or a value computed
      from it) with no clip, maximum or epsilon, and not under ``where``;
    - ``sqrt(sum(square(...)))`` of the prediction with no epsilon (its gradient at 0 is inf);
    - ``a / reduce_sum(y_true ...)`` (or mean/norm) over the labels, with no epsilon (a batch
      with no positive label is common). Dividing by the sum of a mask is the masked
      mean, ``sum(loss * mask) / sum(mask)``: a mask has a valid position in every batch.

Why it breaks:
    log(0) = -inf and 0 * -inf = NaN; d/dx sqrt(x) at 0 is inf; x / 0 is inf.
    One such batch turns every weight into NaN: "loss: nan" for the rest of training.

Example:
    def loss(y_true, y_pred):
        return -tf.reduce_mean(y_true * tf.math.log(y_pred))

Use instead:
    ``tf.math.log(tf.clip_by_value(y_pred, 1e-7, 1.0))``, ``keras.ops.log(y_pred + keras.backend.epsilon())``,
    ``tf.sqrt(x + 1e-12)``, ``tf.math.divide_no_nan``, or a built-in loss.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import argument, calls_in, names_in, positional
from kerasdoctor.lint.walk import subtree

_BACKENDS = ("tensorflow.", "keras.backend.", "keras.ops.", "numpy.", "tensorflow.math.", "tensorflow.experimental.numpy.")
_LOG = frozenset(p + "log" for p in _BACKENDS)
_SQRT = frozenset(p + "sqrt" for p in _BACKENDS)
_REDUCTIONS = frozenset(p + f for p in _BACKENDS for f in ("reduce_sum", "sum", "reduce_mean", "mean", "norm", "reduce_std", "std", "count_nonzero"))
_SQUARES = frozenset(p + f for p in _BACKENDS for f in ("square", "pow", "power"))
_GUARDS = frozenset(
    p + f for p in _BACKENDS for f in ("clip_by_value", "clip", "maximum", "epsilon", "softplus", "add", "exp", "log1p", "divide_no_nan", "log_softmax")
) | {"tensorflow.nn.softplus", "keras.activations.softplus", "keras.config.epsilon"}
_CONDITIONAL = frozenset(p + "where" for p in _BACKENDS) | {"tensorflow.cond", "keras.ops.cond"}
_LOSS_PARAMS = frozenset({"y_true", "y_pred"})
# names of metric helpers, which share the (y_true, y_pred) signature but are never differentiated
_METRIC_WORDS = ("acc", "metric", "precision", "recall", "f1", "auc", "iou", "score")


class _Frame:
    """One function: whether it is a loss, which names carry the prediction, what may be flagged."""

    __slots__ = ("candidates", "is_loss", "name", "predicted", "truth")

    def __init__(self, node: cst.FunctionDef, is_loss: bool) -> None:
        params = [p.name.value for p in node.params.params if p.name.value not in ("self", "cls")]
        self.name = node.name.value
        self.is_loss = is_loss
        self.truth = params[0] if params else None
        self.predicted: set[str] = {params[1]} if len(params) >= 2 else set()
        self.candidates: list[tuple[cst.CSTNode, str]] = []


class NanLoss(Check):
    requires = ("loss", "y_pred")

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.frames: list[_Frame] = []
        self.done: list[_Frame] = []
        self.compiled_losses: set[str] = set()
        self.compiled_metrics: set[str] = set()
        self.conditional_depth = 0

    # --- functions -------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = {p.name.value for p in node.params.params}
        parent = self.ctx.scope
        is_loss_method = parent.kind == "class" and node.name.value == "call" and any(b.startswith("keras.losses.") for b in parent.bases)
        name = node.name.value.lower()
        is_metric = "loss" not in name and any(word in name for word in _METRIC_WORDS)
        self.frames.append(_Frame(node, "loss" in name or (params >= _LOSS_PARAMS and not is_metric) or is_loss_method))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.done.append(self.frames.pop())

    def leave_Assign(self, node: cst.Assign) -> None:
        if not self.frames or not self.frames[-1].predicted:
            return
        frame = self.frames[-1]
        derived = self._mentions(node.value, frame.predicted)
        guarded = derived and self._guarded(node.value)  # only a derived name can stay a prediction
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                if derived and not guarded:
                    frame.predicted.add(target.target.value)
                else:
                    frame.predicted.discard(target.target.value)

    # --- helpers ---------------------------------------------------------------------
    def _mentions(self, node: cst.CSTNode, names: set[str]) -> bool:
        return any(isinstance(n, cst.Name) and n.value in names for n in names_in(node))

    def _guarded(self, node: cst.BaseExpression) -> bool:
        """The expression adds something, clips, or mentions an epsilon: the author thought about 0."""
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return True
        for name in names_in(node):
            text = (name.attr.value if isinstance(name, cst.Attribute) else name.value).lower()  # type: ignore[attr-defined]
            if "eps" in text or "smooth" in text or "tiny" in text:
                return True
        return any(self.ctx.qualify(call.func) in _GUARDS for call in calls_in(node))

    # --- what can blow up --------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified in _CONDITIONAL:
            self.conditional_depth += 1  # code under where()/cond() was written with the bad branch in mind
        if qualified is None:
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "compile":
                loss = argument(node, 1, "loss")
                if isinstance(loss, cst.Name):
                    self.compiled_losses.add(loss.value)
                metrics = argument(node, 2, "metrics")
                if metrics is not None:
                    self.compiled_metrics.update(n.value for n in names_in(metrics) if isinstance(n, cst.Name))
            return
        if not self.frames or self.conditional_depth:
            return
        frame = self.frames[-1]
        first = positional(node, 0)
        if qualified in _LOG and first is not None:
            if self._mentions(first.value, frame.predicted) and not self._guarded(first.value):
                frame.candidates.append((node, "log"))
        elif qualified in _SQRT and first is not None:
            inner = first.value
            is_distance = isinstance(inner, cst.Call) and self.ctx.qualify(inner.func) in _REDUCTIONS and self._has_square(inner)
            if is_distance and self._mentions(inner, frame.predicted) and not self._guarded(inner):
                frame.candidates.append((node, "sqrt"))
        elif qualified in ("tensorflow.divide", "tensorflow.truediv", "keras.ops.divide", "keras.ops.true_divide"):
            denominator = positional(node, 1)
            if denominator is not None and self._risky_denominator(denominator.value, frame):
                frame.candidates.append((node, "divide"))

    def leave_Call(self, node: cst.Call) -> None:
        if self.ctx.qualify(node.func) in _CONDITIONAL:
            self.conditional_depth -= 1

    def _has_square(self, node: cst.CSTNode) -> bool:
        for call in calls_in(node):
            if self.ctx.qualify(call.func) in _SQUARES:
                return True
        return any(type(n) is cst.BinaryOperation and type(n.operator) is cst.Power for n in subtree(node))  # type: ignore[attr-defined]

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if self.frames and not self.conditional_depth and isinstance(node.operator, cst.Divide) and self._risky_denominator(node.right, self.frames[-1]):
            self.frames[-1].candidates.append((node, "divide"))

    def _risky_denominator(self, node: cst.BaseExpression, frame: _Frame) -> bool:
        """A sum/mean over the labels: all zeros in a batch without positives."""
        if not (isinstance(node, cst.Call) and self.ctx.qualify(node.func) in _REDUCTIONS) or self._guarded(node):
            return False
        return any(isinstance(n, cst.Name) and n.value == frame.truth for n in names_in(node))

    def finish(self) -> None:
        for frame in self.done:
            if (frame.is_loss and frame.name not in self.compiled_metrics) or frame.name in self.compiled_losses:
                for node, kind in frame.candidates:
                    self.report(node, key=kind)


CHECK = NanLoss
