"""Lambda layers in a model that the same file saves or exports.

What it detects:
    A ``keras.layers.Lambda`` layer (any import spelling) in a file that also
    saves the model (``model.save``, ``save_model``, ``to_json``, a
    ``ModelCheckpoint`` that saves whole models). Target keras3 only: Keras 2
    loads the pickled function back on the same Python version. An inference
    export (``model.export``, ``tf.saved_model.save``) is traced, not
    deserialized: no finding.

Why it breaks:
    A Lambda layer is stored as Python bytecode (Keras 2) or refused outright
    (Keras 3 ``safe_mode``): loading fails on another Python version, with
    "bad marshal data", or asks for ``safe_mode=False``.

Example:
    model.add(Lambda(lambda x: x * 2))
    model.save("model.keras")

Use instead:
    A small ``keras.layers.Layer`` subclass registered with
    ``@keras.saving.register_keras_serializable()``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._util import is_true, keyword, method_name

_SAVE_FUNCTIONS = frozenset({"keras.models.save_model", "keras.models.model_to_json"})
_SAVE_METHODS = frozenset({"save", "to_json", "to_yaml"})


class LambdaLayerSerialization(Check):
    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.lambdas: list[cst.Call] = []
        self.saves = False

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified == "keras.layers.Lambda":
            self.lambdas.append(node)
        elif qualified in _SAVE_FUNCTIONS:
            self.saves = True
        elif qualified == "keras.callbacks.ModelCheckpoint":
            self.saves = self.saves or not is_true(getattr(keyword(node, "save_weights_only"), "value", None))
        elif qualified is None and method_name(node) in _SAVE_METHODS:
            # np.save / torch.save resolve to an import; a model is a local object
            receiver = node.func.value  # type: ignore[attr-defined]
            if self.ctx.qualify(receiver) is None:
                self.saves = True

    def finish(self) -> None:
        if self.saves:
            for call in self.lambdas:
                self.report(call)


CHECK = LambdaLayerSerialization
