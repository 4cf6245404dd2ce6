"""A layer applied to another layer object instead of a tensor: ``Dense(10)(Flatten())``.

What it detects:
    A layer built and applied in one expression, ``Dense(10)(...)`` (or a name holding
    a layer), whose input is itself a layer constructor call or a name holding a layer
    that was never applied (``flatten = Flatten()``; ``Dense(10)(flatten)``).

Why it breaks:
    Layers transform tensors; a layer object has no shape or dtype. Keras 3 raises
    "Only input tensors may be passed as positional arguments", tf.keras 2 "Inputs to
    a layer should be tensors" (or an AttributeError on ``shape``/``dtype``).

Example:
    x = keras.layers.Dense(10)(keras.layers.Flatten())

Use instead:
    Apply the inner layer first: ``keras.layers.Dense(10)(keras.layers.Flatten()(x))``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._symbolic import SymbolicCheck
from kerasdoctor.lint.checks._util import layer_class, positional

_NOT_LAYERS = frozenset({"Input"})  # keras.layers.Input returns a tensor


class LayerCalledOnLayer(SymbolicCheck):
    requires = ("layer",)

    def _is_layer(self, node: cst.BaseExpression) -> bool:
        kind = layer_class(self.ctx, node)
        if kind is not None:
            return kind not in _NOT_LAYERS
        if isinstance(node, cst.Name):
            return self.tracker.holds_layer(node.value)
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if not self._is_layer(node.func):
            return
        first = positional(node, 0)
        if first is not None and self._is_layer(first.value):
            self.report(first.value)


CHECK = LayerCalledOnLayer
