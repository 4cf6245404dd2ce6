"""``fit``/``predict``/``evaluate`` fed symbolic tensors with ``batch_size`` and no ``steps``.

What it detects:
    A call of ``fit``, ``predict`` or ``evaluate`` whose ``x`` (or ``y``) is a
    symbolic tensor (``keras.Input``, a layer output, ``model.output``, a TF1
    placeholder), given ``batch_size=`` but not ``steps_per_epoch=``/``steps=``.

Why it breaks:
    Symbolic tensors have no known number of samples: Keras 2 raises "If your
    data is in the form of symbolic tensors, you should specify the
    `steps_per_epoch` argument (instead of the `batch_size` argument)"; Keras 3
    cannot iterate a KerasTensor at all.

Example:
    model.fit(model.output, y, batch_size=32)

Use instead:
    Feed NumPy arrays or a ``tf.data.Dataset``; with tensors, pass
    ``steps_per_epoch``/``steps`` instead of ``batch_size``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._symbolic import SymbolicTracker
from kerasdoctor.lint.checks._util import argument, keyword, method_name

_STEPS = {"fit": "steps_per_epoch", "predict": "steps", "evaluate": "steps"}


class SymbolicTensorWithoutSteps(Check):
    requires = ("batch_size",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.tracker = SymbolicTracker(self.ctx, placeholders=True)

    def leave_Assign(self, node: cst.Assign) -> None:
        self.tracker.assigned(node)

    def visit_Call(self, node: cst.Call) -> None:
        method = method_name(node)
        if method not in _STEPS or self.ctx.qualify(node.func) is not None:
            return
        if keyword(node, "batch_size") is None or keyword(node, _STEPS[method]) is not None:  # type: ignore[index]
            return
        for index, name in ((0, "x"), (1, "y")):
            value = argument(node, index, name)
            if value is not None and self.tracker.is_symbolic(value):
                self.report(node, method=method, steps=_STEPS[method])  # type: ignore[index]
                return


CHECK = SymbolicTensorWithoutSteps
