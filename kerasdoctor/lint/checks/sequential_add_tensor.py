"""``Sequential.add()`` given a tensor (a layer already applied) instead of the layer.

What it detects:
    ``model.add(Dense(8)(x))`` or ``model.add(t)`` where ``t`` holds a layer's output,
    on a model built with ``keras.Sequential``.

Why it breaks:
    ``add`` takes a layer and applies it itself. Keras 3: "Only instances of
    `keras.Layer` can be added to a Sequential model. Received: <KerasTensor ...>";
    tf.keras 2: "The added layer must be an instance of class Layer".

Example:
    model = keras.Sequential()
    model.add(keras.layers.Dense(8)(inputs))

Use instead:
    ``model.add(keras.layers.Dense(8))``, or build a functional model
    (``keras.Model(inputs, outputs)``) when the code applies layers to tensors.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._symbolic import SymbolicCheck
from kerasdoctor.lint.checks._util import method_name, positional, receiver_name


class SequentialAddTensor(SymbolicCheck):
    requires = ("add",)

    def visit_Call(self, node: cst.Call) -> None:
        if method_name(node) != "add" or len(node.args) != 1:
            return
        name = receiver_name(node)
        added = positional(node, 0)
        if name is None or added is None or not self.tracker.holds_model(name):
            return
        value = added.value
        applied = isinstance(value, cst.Call) and isinstance(value.func, cst.Call) and self.tracker.is_symbolic(value)
        if applied or (isinstance(value, cst.Name) and self.tracker.is_symbolic(value)):
            self.report(value)


CHECK = SequentialAddTensor
