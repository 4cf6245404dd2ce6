"""``layer.output_shape`` / ``layer.input_shape``: Keras 2 layer attributes that Keras 3 dropped.

What it detects:
    ``.output_shape`` / ``.input_shape`` read from something that is a layer:
    ``model.layers[i]``, ``model.get_layer(...)``, the variable of
    ``for layer in model.layers``, or a name assigned a ``keras.layers`` constructor.
    Target keras3. Models keep both attributes: ``model.output_shape`` stays silent.

Why it breaks:
    "AttributeError: 'Dense' object has no attribute 'output_shape'".

Example:
    print(model.layers[-1].output_shape)

Use instead:
    print(model.layers[-1].output.shape)

The fix reads the shape of the layer's symbolic output (input), which is what Keras 2's
attribute returned for a layer of a built model (both raise for a layer never called).
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check, Edit
from kerasdoctor.lint.checks._util import method_name

_ATTRIBUTES = {"output_shape": "output", "input_shape": "input"}


def _is_layers_list(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Attribute) and node.attr.value == "layers"


class LayerShapeAttributesRemoved(Check):
    requires = ("output_shape", "input_shape")

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.layer_names: set[str] = set()

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            if _is_layers_list(node.iter):
                self.layer_names.add(node.target.value)
            else:
                self.layer_names.discard(node.target.value)

    def leave_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                value = node.value
                name = self.ctx.qualify(value.func) if isinstance(value, cst.Call) else None
                if self._is_layer(value) or (name is not None and name.startswith("keras.layers.") and name.rsplit(".", 1)[1][:1].isupper()):
                    self.layer_names.add(target.target.value)
                else:
                    self.layer_names.discard(target.target.value)

    def _is_layer(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Subscript):
            return _is_layers_list(node.value)
        if isinstance(node, cst.Call):
            return method_name(node) == "get_layer"
        return isinstance(node, cst.Name) and node.value in self.layer_names and not self.ctx.binds_locally(node.value, parameters=True)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        attribute = node.attr.value
        if attribute in _ATTRIBUTES and self._is_layer(node.value):
            self.report(
                node.attr, edits=[Edit(node.attr, f"{_ATTRIBUTES[attribute]}.shape")], attribute=attribute, replacement=f"{_ATTRIBUTES[attribute]}.shape"
            )


CHECK = LayerShapeAttributesRemoved
