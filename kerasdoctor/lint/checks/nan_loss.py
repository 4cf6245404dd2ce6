"""Loss code that produces NaN/inf: log or sqrt at 0, division by a sum, absurd learning rates.

What it detects:
    Inside a loss (a function named ``*loss*``, one with ``y_true, y_pred``
    parameters, one passed as ``loss=`` to ``compile``, or a ``Loss``
    subclass's ``call``):
    - ``log(y_pred)`` / ``log(1 - y_pred)`` with no clip, maximum or epsilon;
    - ``sqrt(x)`` of a value that can be 0, with no epsilon (its gradient is inf);
    - ``a / reduce_sum(b)`` (or mean/norm/sqrt) with no epsilon.
    Anywhere: an optimizer built with a learning rate >= 1 (adaptive
    optimizers) or >= 10 (SGD and others).

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
from kerasdoctor.lint.checks._util import argument, calls_in, keyword, names_in, number_value, positional

_BACKENDS = ("tensorflow.", "keras.backend.", "keras.ops.", "numpy.", "tensorflow.math.", "tensorflow.experimental.numpy.")
_LOG = frozenset(p + "log" for p in _BACKENDS)
_SQRT = frozenset(p + "sqrt" for p in _BACKENDS)
_REDUCTIONS = frozenset(p + f for p in _BACKENDS for f in ("reduce_sum", "sum", "reduce_mean", "mean", "norm", "sqrt", "reduce_std", "std", "count_nonzero"))
_GUARDS = frozenset(
    p + f for p in _BACKENDS for f in ("clip_by_value", "clip", "maximum", "epsilon", "softplus", "add", "exp", "log1p", "divide_no_nan", "where")
) | {"tensorflow.nn.softplus", "keras.activations.softplus", "keras.config.epsilon"}
_ADAPTIVE = frozenset({"Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad", "Lion", "Adafactor", "AdamOptimizer", "RMSPropOptimizer", "AdagradOptimizer"})
_NO_LIMIT = frozenset({"Adadelta", "AdadeltaOptimizer", "Ftrl", "FtrlOptimizer", "LossScaleOptimizer"})
_LOSS_PARAMS = frozenset({"y_true", "y_pred"})


def _guarded(ctx: object, node: cst.BaseExpression) -> bool:
    """True when the expression adds a constant, clips, or mentions an epsilon: it cannot reach 0."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return True  # x + eps, 1 + x: the author thought about 0
    for name in names_in(node):
        text = name.attr.value if isinstance(name, cst.Attribute) else name.value  # type: ignore[attr-defined]
        if "eps" in text.lower() or "smooth" in text.lower() or "tiny" in text.lower():
            return True
    for call in calls_in(node):
        if ctx.qualify(call.func) in _GUARDS:  # type: ignore[attr-defined]
            return True
    return not any(isinstance(n, cst.Name) and ctx.qualify(n) is None for n in names_in(node))  # type: ignore[attr-defined]


class NanLoss(Check):
    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.candidates: list[tuple[cst.FunctionDef | None, cst.CSTNode, str]] = []
        self.compiled_losses: set[str] = set()
        self.loss_functions: set[int] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = {p.name.value for p in node.params.params}
        parent = self.ctx.scope
        is_loss_method = parent.kind == "class" and node.name.value == "call" and any(b.startswith("keras.losses.") for b in parent.bases)
        if "loss" in node.name.value.lower() or params >= _LOSS_PARAMS or is_loss_method:
            self.loss_functions.add(id(node))

    def _function(self) -> cst.FunctionDef | None:
        scope = self.ctx.function
        return scope.node if scope is not None else None  # type: ignore[return-value]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified is None:
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "compile":
                loss = argument(node, 1, "loss")
                if isinstance(loss, cst.Name):
                    self.compiled_losses.add(loss.value)
            return
        if qualified in _LOG or qualified in _SQRT:
            first = positional(node, 0)
            if first is not None and not _guarded(self.ctx, first.value):
                self.candidates.append((self._function(), node, "log" if qualified in _LOG else "sqrt"))
        elif qualified in ("tensorflow.divide", "tensorflow.truediv", "keras.ops.divide", "keras.ops.true_divide"):
            denominator = positional(node, 1)
            if denominator is not None and self._risky_denominator(denominator.value):
                self.candidates.append((self._function(), node, "divide"))
        else:
            self._learning_rate(node, qualified)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Divide) and self._risky_denominator(node.right):
            self.candidates.append((self._function(), node, "divide"))

    def _risky_denominator(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and self.ctx.qualify(node.func) in _REDUCTIONS and not _guarded(self.ctx, node)

    def _learning_rate(self, node: cst.Call, qualified: str) -> None:
        if qualified.startswith("keras.optimizers.") or (qualified.startswith("tensorflow.train.") and qualified.endswith("Optimizer")):
            optimizer = qualified.rsplit(".", 1)[-1]
        else:
            return
        if not optimizer[:1].isupper() or optimizer in _NO_LIMIT:
            return
        value_node = argument(node, 0, "learning_rate") or getattr(keyword(node, "lr"), "value", None)
        value = number_value(value_node)
        if value is None:
            return
        limit = 1.0 if optimizer in _ADAPTIVE else 10.0
        if value >= limit:
            self.report(value_node, key="learning_rate", value=value, optimizer=optimizer, limit=limit)  # type: ignore[arg-type]

    def finish(self) -> None:
        for function, node, kind in self.candidates:
            if function is None:
                continue
            if id(function) in self.loss_functions or function.name.value in self.compiled_losses:
                self.report(node, key=kind)


CHECK = NanLoss
