"""``model.input`` / ``model.output`` of a Sequential model that declares no input, so it never gets a graph.

What it detects:
    A ``keras.Sequential`` built in this scope whose first layer gives no input shape (no
    ``keras.Input``, ``input_shape=``, ``input_dim=``), then ``model.input``, ``.inputs``,
    ``.output`` or ``.outputs``: on Keras 3 unless ``model.build(...)`` (or a call of the
    model) came first, since ``fit`` does not give it a graph; on Keras 2 / tf.keras
    unless something built it first (``fit``, ``predict``, ``build``, a call).

Why it breaks:
    A layer only has symbolic inputs and outputs once it is called on a symbolic tensor;
    a Sequential model without an input is built lazily from the first batch. Keras 3:
    "The layer sequential has never been called and thus has no defined output";
    tf.keras: "'Sequential' object has no attribute '_nested_inputs'" / "Layer
    sequential is not connected, no input to return".

Example:
    model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])
    model.fit(x, y)
    features = keras.Model(model.input, model.layers[-2].output)

Use instead:
    Start the model with ``keras.Input(shape=(n_features,))``.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._usage import ModelUsageCheck
from kerasdoctor.lint.checks.model_not_built import BUILDING

_GRAPH_ATTRIBUTES = frozenset({"input", "inputs", "output", "outputs"})
_BUILDING_KERAS3 = frozenset({"build", "__call__"})


class LayerNeverCalled(ModelUsageCheck, Check):
    requires = ("Sequential",)

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.init_usage()
        self.candidates: list[tuple[cst.Attribute, str, str, int]] = []

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value not in _GRAPH_ATTRIBUTES or not isinstance(node.value, cst.Name):
            return
        name = node.value.value
        model = self.usage.get(name)
        if model is not None and model.kind == "Sequential" and model.declared is False:
            self.candidates.append((node, name, node.attr.value, self.usage.order))

    def finish(self) -> None:
        building = _BUILDING_KERAS3 if self.ctx.target == "keras3" else BUILDING
        for node, name, attribute, order in self.candidates:
            if not self.usage.earlier(name, building, order + 1):
                self.report(node, name=name, attribute=attribute)


CHECK = LayerNeverCalled
