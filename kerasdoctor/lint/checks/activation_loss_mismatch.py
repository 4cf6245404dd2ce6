"""An output activation that contradicts the loss: softmax on one unit, probabilities fed as logits, logits as probabilities.

What it detects:
    - ``Dense(1, activation="softmax")``: softmax over one unit is always 1.0;
    - a model whose final layer applies softmax/sigmoid, compiled with a
      crossentropy ``from_logits=True``;
    - a model whose final Dense has no activation (logits), compiled with a
      crossentropy that expects probabilities (``"categorical_crossentropy"``,
      ``BinaryCrossentropy()`` without ``from_logits=True``);
    - a final ``Dense(1)`` compiled with ``categorical_crossentropy``: the loss
      normalises the single output to 1.0 and is always 0;
    - a softmax over 3 or more units compiled with ``binary_crossentropy``: each
      unit is scored as an independent yes/no, and the reported accuracy is the
      per-unit binary accuracy, far above the real one.

Why it breaks:
    Nothing raises: the model trains to a constant (loss stuck, accuracy at
    chance), the loss clips logits into [eps, 1-eps] and the gradients vanish,
    or the loss is 0 from the first batch.

Example:
    model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))

Use instead:
    Either a probability output with ``from_logits=False`` (the default), or a
    linear output with ``from_logits=True``; sigmoid for one unit.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.checks._models import ModelTableCheck
from kerasdoctor.lint.checks._util import argument, is_false, is_true, keyword, layer_class, method_name, number_value, string_value

_PROBABILITY_LOSSES = frozenset({"binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"})
_CROSSENTROPY_CLASSES = frozenset(
    {"BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "BinaryFocalCrossentropy", "CategoricalFocalCrossentropy"}
)
_CROSSENTROPY_KINDS = {
    "binary_crossentropy": "binary",
    "BinaryCrossentropy": "binary",
    "categorical_crossentropy": "categorical",
    "CategoricalCrossentropy": "categorical",
}
_SQUASHING = {"softmax": "softmax", "sigmoid": "sigmoid"}


class ActivationLossMismatch(ModelTableCheck):
    requires = ("softmax", "crossentropy")

    def _activation(self, layer: cst.Call) -> str | None:
        """'softmax' | 'sigmoid' | 'linear' | None (unknown) for the final layer."""
        kind = layer_class(self.ctx, layer)
        if kind == "Softmax":
            return "softmax"
        if kind == "Activation":
            value = argument(layer, 0, "activation")
        elif kind == "Dense":
            value = argument(layer, 1, "activation")
            if value is None:
                return "linear"
        else:
            return None
        text = string_value(value)
        if text is None and value is not None:
            qualified = self.ctx.qualify(value)
            parts = qualified.split(".") if qualified else []
            text = parts[-1] if len(parts) >= 2 and parts[-2] in ("activations", "nn") else None
        if text is None:
            return None
        text = text.lower()
        if text in ("linear", "none"):
            # Dense(..., activation="linear") outputs logits; Activation("linear") is the identity
            # (a float32 cast under mixed precision): what it passes on is the previous layer's
            return "linear" if kind == "Dense" else None
        return _SQUASHING.get(text)

    def visit_Call(self, node: cst.Call) -> None:
        if layer_class(self.ctx, node) == "Dense" and number_value(argument(node, 0, "units")) == 1 and self._activation(node) == "softmax":
            self.report(node, key="single_unit_softmax")
            return
        method = method_name(node)
        if method == "add":
            self.table.added(node)
            return
        if method != "compile":
            return
        info = self.table.of_method_call(node)
        if info is None or info.final_layer is None or info.output_count != 1:
            return
        activation = self._activation(info.final_layer)
        loss = argument(node, 1, "loss")
        if activation is None or loss is None:
            return
        units = number_value(argument(info.final_layer, 0, "units")) if layer_class(self.ctx, info.final_layer) == "Dense" else None
        kind = self._crossentropy_kind(loss)
        if kind == "categorical" and units == 1:
            self.report(loss, key="single_unit_categorical")
            return
        if kind == "binary" and activation == "softmax" and units is not None and units >= 3:
            self.report(loss, key="softmax_binary", units=int(units))
            return
        logits = self._loss_from_logits(loss)
        if logits is True and activation in ("softmax", "sigmoid"):
            self.report(loss, key="probabilities_as_logits", activation=activation)
        elif logits is False and activation == "linear":
            self.report(loss, key="logits_as_probabilities")

    def _crossentropy_kind(self, loss: cst.BaseExpression) -> str | None:
        """'binary' | 'categorical' (one-hot labels) | None for the loss given to compile."""
        text = string_value(loss)
        if text is None:
            target = loss.func if isinstance(loss, cst.Call) else loss
            qualified = self.ctx.qualify(target)
            if qualified is None or not qualified.startswith("keras.losses."):
                return None
            text = qualified[13:]
        return _CROSSENTROPY_KINDS.get(text)

    def _loss_from_logits(self, loss: cst.BaseExpression) -> bool | None:
        """True/False: a crossentropy with/without from_logits=True; None: another or unknown loss."""
        text = string_value(loss)
        if text is not None:
            return False if text in _PROBABILITY_LOSSES else None
        if isinstance(loss, cst.Call):
            qualified = self.ctx.qualify(loss.func)
            if qualified and qualified.startswith("keras.losses.") and qualified[13:] in _CROSSENTROPY_CLASSES:
                flag = keyword(loss, "from_logits")
                if flag is None:
                    return False
                if is_true(flag.value):
                    return True
                return False if is_false(flag.value) else None
            return None
        qualified = self.ctx.qualify(loss)
        if qualified and qualified.startswith("keras.losses.") and qualified[13:] in _PROBABILITY_LOSSES:
            return False
        return None


CHECK = ActivationLossMismatch
