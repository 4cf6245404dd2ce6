"""A model ending in ``Dense(1)`` compiled with ``sparse_categorical_crossentropy``: every label but 0 is out of range.

What it detects:
    ``compile(loss="sparse_categorical_crossentropy")`` (or ``SparseCategoricalCrossentropy()``)
    on a model of this file whose final layer is a ``Dense`` with one unit.

Why it breaks:
    A sparse crossentropy reads the output as one score per class and the label as the
    index of its class; one unit means one class, so label 1 is out of range: "Received a
    label value of 1 which is outside the valid range of [0, 1)" (TensorFlow on CPU; on
    GPU or JAX the loss is silently wrong).

Example:
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")

Use instead:
    Two classes: ``Dense(1, activation="sigmoid")`` with ``binary_crossentropy``; n classes:
    ``Dense(n, activation="softmax")`` with ``sparse_categorical_crossentropy``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._models import ModelTableCheck
from kerasdoctor.lint.checks._util import argument, layer_class, method_name, number_value, string_value

_SPARSE = frozenset({"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"})


class SparseLabelOutOfRange(ModelTableCheck):
    requires = ("sparse",)

    def visit_Call(self, node: cst.Call) -> None:
        method = method_name(node)
        if method == "add":
            self.table.added(node)
            return
        if method != "compile":
            return
        info = self.table.of_method_call(node)
        if info is None or info.final_layer is None or info.output_count != 1 or layer_class(self.ctx, info.final_layer) != "Dense":
            return
        if number_value(argument(info.final_layer, 0, "units")) != 1:
            return
        loss = argument(node, 1, "loss")
        if loss is not None and self._sparse(loss):
            self.report(loss)

    def _sparse(self, loss: cst.BaseExpression) -> bool:
        text = string_value(loss)
        if text is not None:
            return text in _SPARSE
        target = loss.func if isinstance(loss, cst.Call) else loss
        qualified = self.ctx.qualify(target)
        return qualified is not None and qualified.startswith("keras.losses.") and qualified[13:] in _SPARSE


CHECK = SparseLabelOutOfRange
