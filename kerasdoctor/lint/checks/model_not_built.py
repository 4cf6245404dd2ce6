"""``summary()`` / ``count_params()`` on a Sequential model that declares no input and has not been built yet.

What it detects:
    A ``keras.Sequential`` built in this scope whose first layer gives no input shape (no
    ``keras.Input``, ``input_shape=``, ``input_dim=``), then ``model.count_params()``, or
    (Keras 2 / tf.keras, where it raises) ``model.summary()``, before any ``fit``,
    ``build``, ``predict``, ``evaluate``, call of the model or ``load_weights`` on it.

Why it breaks:
    Without an input shape the layers cannot create their weights until the first batch:
    "This model has not yet been built. Build the model first by calling `build()` or by
    calling the model on a batch of data" (Keras 2 / tf.keras summary), "You tried to
    call `count_params` on layer 'sequential', but the layer isn't built" (tf-keras,
    Keras 3). Keras 3's ``summary()`` prints the layers as unbuilt instead.

Example:
    model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
    model.summary()

Use instead:
    Start with ``keras.Input(shape=(n_features,))``, or call ``model.build((None, n_features))`` first.
"""

from __future__ import annotations

import libcst as cst

from kerasdoctor.lint.base import Check
from kerasdoctor.lint.checks._usage import ModelUsageCheck
from kerasdoctor.lint.checks._util import method_name, receiver_name

BUILDING = frozenset(
    {"fit", "fit_generator", "build", "predict", "predict_on_batch", "evaluate", "train_on_batch", "test_on_batch", "load_weights", "__call__"}
)


class ModelNotBuilt(ModelUsageCheck, Check):
    requires = ("count_params", "summary")

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.init_usage()
        self.candidates: list[tuple[cst.Call, str, str, int]] = []

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        method = method_name(node)
        if method == "count_params" or (method == "summary" and self.ctx.target != "keras3"):
            name = receiver_name(node)
            model = self.usage.get(name)
            if model is not None and model.kind == "Sequential" and model.declared is False:
                self.candidates.append((node, name, method, self.usage.order))  # type: ignore[arg-type]

    def finish(self) -> None:
        for node, name, method, order in self.candidates:
            if not self.usage.earlier(name, BUILDING, order):
                self.report(node, name=name, method=method)


CHECK = ModelNotBuilt
