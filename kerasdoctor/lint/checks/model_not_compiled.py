"""``fit`` / ``evaluate`` on a model that this file builds and never compiles.

What it detects:
    ``model.fit(...)`` (or ``evaluate``, ``train_on_batch``, ``test_on_batch``) where
    ``model`` was built in the same scope with ``keras.Sequential(...)`` or
    ``keras.Model(inputs, outputs)``, no ``.compile(`` is called on that name anywhere
    in the file, and the model was never handed to other code (passed to a call, put in
    a list, aliased, returned) that might compile it.

Why it breaks:
    ``compile`` attaches the optimizer and the loss that training needs: "You must call
    `compile()` before using the model" (Keras 3), "You must compile your model before
    training/testing. Use `model.compile(optimizer, loss)`" (Keras 2 / tf.keras).

Example:
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
    model.fit(x, y, epochs=5)

Use instead:
    ``model.compile(optimizer="adam", loss="mse")`` before ``model.fit(...)``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._usage import ModelUsageCheck
from kerasdoctor.lint.checks._util import method_name, receiver_name

_NEEDS_COMPILE = frozenset({"fit", "evaluate", "train_on_batch", "test_on_batch", "fit_generator", "evaluate_generator"})


class ModelNotCompiled(ModelUsageCheck, Check):
    requires = ("fit", "evaluate", "train_on_batch", "test_on_batch")

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.init_usage()
        self.candidates: list[tuple[cst.Call, str, str]] = []

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        method = method_name(node)
        if method not in _NEEDS_COMPILE:
            return
        name = receiver_name(node)
        if self.usage.get(name) is not None:
            self.candidates.append((node, name, method))  # type: ignore[arg-type]

    def finish(self) -> None:
        for node, name, method in self.candidates:
            if not self.usage.anywhere(name, "compile"):
                self.report(node, name=name, method=method)


CHECK = ModelNotCompiled
