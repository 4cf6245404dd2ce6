"""``self.dense = Dense(4),``: a trailing comma that stores a one-element tuple instead of the layer.

What it detects:
    An assignment to an attribute of ``self`` in a method of a class deriving from a Keras
    ``Layer`` or ``Model`` whose right-hand side is a bare one-element tuple of a call
    (``self.conv = layers.Conv2D(32, 3),``). Parenthesised tuples and tuples of several
    elements are left alone: those are written on purpose.

Why it breaks:
    The attribute holds ``(layer,)``; TensorFlow's tracking wraps it in ``_TupleWrapper``, and
    calling it in ``call()`` fails with "TypeError: '_TupleWrapper' object is not callable"
    ("'tuple' object is not callable" on JAX, torch and older TensorFlow).

Example:
    self.hidden = keras.layers.Dense(64, activation="relu"),

Use instead:
    self.hidden = keras.layers.Dense(64, activation="relu")

No automatic fix: code that indexes the attribute (``self.hidden[0]``) would change meaning.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check


class LayerAttributeIsTuple(Check):
    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if not isinstance(value, cst.Tuple) or value.lpar or len(value.elements) != 1:
            return
        element = value.elements[0]
        if isinstance(element, cst.StarredElement) or not isinstance(element.value, cst.Call):
            return
        if len(node.targets) != 1:
            return
        target = node.targets[0].target
        if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self"):
            return
        if self.ctx.in_layer_method():
            self.report(node, attribute=target.attr.value)


CHECK = LayerAttributeIsTuple
