"""An optimizer built with a literal learning rate far outside any usable range.

What it detects:
    ``keras.optimizers.Adam(learning_rate=10)`` and the other adaptive optimizers (Adam,
    AdamW, Adamax, Nadam, RMSprop, Adagrad, Lion, Adafactor and TF1's ``*Optimizer``)
    with a learning rate above 1; SGD and the others with 10 or more, unless the
    gradients are clipped (``clipnorm``/``clipvalue``/``global_clipnorm``).
    Adadelta and Ftrl, whose rate is a scale factor, are not checked.

Why it breaks:
    Each step moves the weights by about learning_rate times the gradient (Adam: about
    learning_rate per weight). Such a step overshoots, the next gradient is larger
    still, and within a few batches the weights overflow float32: "loss: inf", then
    "loss: nan" for the rest of training.

Example:
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=10.0), loss="mse")

Use instead:
    1e-3 for Adam-style optimizers, 1e-2 to 1e-1 for SGD; a rate given in the wrong
    unit (1e6 for 1e-6) is a typo.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import argument, keyword, number_value

_ADAPTIVE = frozenset({"Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad", "Lion", "Adafactor", "AdamOptimizer", "RMSPropOptimizer", "AdagradOptimizer"})
_NO_LIMIT = frozenset({"Adadelta", "AdadeltaOptimizer", "Ftrl", "FtrlOptimizer", "LossScaleOptimizer"})
_CLIPPING = ("clipnorm", "clipvalue", "global_clipnorm")


class LearningRateExtreme(Check):
    requires = ("optimizer",)

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified is None:
            return
        if not (qualified.startswith("keras.optimizers.") or (qualified.startswith("tensorflow.train.") and qualified.endswith("Optimizer"))):
            return
        if qualified.startswith("keras.optimizers.schedules."):
            return
        optimizer = qualified.rsplit(".", 1)[-1]
        if not optimizer[:1].isupper() or optimizer in _NO_LIMIT:
            return
        value_node = argument(node, 0, "learning_rate") or getattr(keyword(node, "lr"), "value", None)
        value = number_value(value_node)
        if value is None:
            return
        clipped = any(keyword(node, k) is not None for k in _CLIPPING)
        # unit tests use learning_rate=1.0 on purpose; above 1 an adaptive optimizer is never tuned
        if (value > 1.0) if optimizer in _ADAPTIVE else (value >= 10.0 and not clipped):
            self.report(value_node, value=f"{value:g}", optimizer=optimizer, limit="1" if optimizer in _ADAPTIVE else "10")  # type: ignore[arg-type]


CHECK = LearningRateExtreme
