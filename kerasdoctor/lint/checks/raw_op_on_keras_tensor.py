"""TensorFlow ops applied to symbolic Keras tensors while building a functional model.

What it detects:
    A ``tf.*`` function called on a tensor that comes from ``keras.Input``, a
    layer applied to one, or ``model.output``, outside a Layer's ``call``.

Why it breaks:
    Keras 3 KerasTensors are placeholders, not TensorFlow tensors: it raises
    "A KerasTensor cannot be used as input to a TensorFlow function". Keras 2
    silently wraps the op in a ``TFOpLambda`` layer that may not save or load.

Example:
    inputs = keras.Input((8,))
    x = tf.reduce_sum(inputs, axis=-1)

Use instead:
    ``keras.ops.sum(inputs, axis=-1)``, a Keras layer, or a Layer subclass
    whose ``call`` uses TF ops (inside ``call`` tensors are real).
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._symbolic import SymbolicTracker
from kerasdoctor.names import is_tensorflow_op

# Names under tensorflow.* that are not ops on tensors.
_NOT_OPS = ("tensorflow.TensorSpec", "tensorflow.function", "tensorflow.print", "tensorflow.data.", "tensorflow.summary.", "tensorflow.io.gfile.")


# Imports that pin Keras 2, where TF ops on KerasTensors are wrapped into TFOpLambda layers and work.
_KERAS2_ONLY = ("tf_keras", "tensorflow.python.keras")


class RawOpOnKerasTensor(Check):
    requires = ("input", "output")

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.tracker = SymbolicTracker(self.ctx)
        self.candidates: list[tuple[cst.Call, str, str]] = []

    def finish(self) -> None:
        if any(raw.startswith(_KERAS2_ONLY) for raw in self.ctx.resolver.imports.values()):
            return
        for node, op, tensor in self.candidates:
            self.report(node, op=op, tensor=tensor)

    # leave_, not visit_: the value is judged before the targets are bound (`x = tf.op(x)` sees the old x)
    def leave_Assign(self, node: cst.Assign) -> None:
        self.tracker.assigned(node)

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if not is_tensorflow_op(qualified) or qualified.startswith(_NOT_OPS):  # type: ignore[union-attr]
            return
        if self.ctx.in_autograph or self.ctx.in_layer_method():
            return
        for arg in node.args:
            if self.tracker.is_symbolic(arg.value):
                self.candidates.append((node, qualified.replace("tensorflow.", "tf.", 1), _text(arg.value)))  # type: ignore[union-attr]
                return


def _text(node: cst.BaseExpression) -> str:
    return cst.Module(body=[]).code_for_node(node)


CHECK = RawOpOnKerasTensor
