"""Loss/metrics/loss_weights dict keys, or ``fit(y={...})`` keys, that are not output layer names.

What it detects:
    ``model.compile(loss={"agee": "mse", ...})`` or ``model.fit(x, {"agee": y})``
    where ``model``'s outputs are layers whose ``name=`` the file sets, and a
    key is none of them.

Why it breaks:
    Keras matches dict entries to outputs by layer name: "Unknown entries in
    loss dictionary: ['agee']. Only expected following keys: ['age', 'gender']"
    (Keras 2), "Expected keys ['age', 'gender'] in loss dict" (Keras 3).

Example:
    age = Dense(1, name="age")(x)
    model = keras.Model(inputs, [age, gender])
    model.compile(loss={"ages": "mse", "gender": "binary_crossentropy"})

Use instead:
    Keys equal to the output layers' ``name=`` (``model.output_names``).
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._models import ModelTableCheck
from kerasdoctor.lint.checks._util import argument, keyword, method_name, string_value

_COMPILE_DICTS = ("loss", "loss_weights", "metrics", "weighted_metrics")


class LossOutputNames(ModelTableCheck):
    requires = ("compile", "fit", "evaluate")

    def visit_Call(self, node: cst.Call) -> None:
        method = method_name(node)
        if method not in ("compile", "fit", "evaluate"):
            return
        info = self.table.of_method_call(node)
        if info is None or not info.output_names:
            return
        values = [(name, getattr(keyword(node, name), "value", None)) for name in _COMPILE_DICTS] if method == "compile" else [("y", argument(node, 1, "y"))]
        for argname, value in values:
            if not isinstance(value, cst.Dict):
                continue
            for element in value.elements:
                if not isinstance(element, cst.DictElement):
                    continue
                key = string_value(element.key)
                if key is not None and key not in info.output_names:
                    self.report(element.key, key_name=key, argument=argname, expected=", ".join(info.output_names))


CHECK = LossOutputNames
